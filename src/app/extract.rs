//! `claims extract`: an article's candidate claims, their speakers matched
//! to the sources the database knows (by name or alias), as records that
//! `claims import` takes.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Context, Output};
use crate::domain::dates::iso;
use crate::domain::extract::{self, text::strip_html, Candidate, Lang};
use crate::domain::model::SourceKind;
use crate::domain::validate::day;
use crate::error::{Error, Result};
use crate::interchange::record::{Record, RecordDeadline, RecordSource};
use crate::store::Store;

/// What `extract` is given.
#[derive(Debug, Clone, Default)]
pub struct ExtractInput {
    pub text: String,
    /// Strip markup first (an .html file, or text that starts like HTML).
    pub html: bool,
    /// `ar`, `en` or `auto` (the default).
    pub lang: Option<String>,
    pub said_on: Option<String>,
    pub outlet: Option<String>,
}

/// A speaker or outlet as proposed: a source the database has, or a new one.
#[derive(Debug, Clone, Serialize)]
pub struct ProposedSource {
    pub name: String,
    pub kind: SourceKind,
    /// The stored source this is, when its name or an alias matches.
    pub id: Option<i64>,
}

/// A candidate claim with its speaker matched.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedClaim {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub source: ProposedSource,
}

/// Where the day relative deadlines count from came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SaidOnFrom {
    #[serde(rename = "--said-on")]
    SaidOn,
    #[serde(rename = "dateline")]
    Dateline,
    /// Not known: the as-of date stands in for it.
    #[serde(rename = "as-of")]
    AsOf,
}

impl SaidOnFrom {
    pub fn name(self) -> &'static str {
        match self {
            SaidOnFrom::SaidOn => "--said-on",
            SaidOnFrom::Dateline => "dateline",
            SaidOnFrom::AsOf => "as-of",
        }
    }
}

/// What `extract` returns.
#[derive(Debug, Clone, Serialize)]
pub struct Extracted {
    pub lang: Lang,
    /// The day relative deadlines count from, and where it came from
    /// (`--said-on`, `dateline`, `as-of`).
    pub said_on: NaiveDate,
    pub said_on_from: SaidOnFrom,
    pub outlet: Option<ProposedSource>,
    pub place: Option<String>,
    pub claims: Vec<ExtractedClaim>,
}

impl Extracted {
    /// Each claim as an import record (`claims import -` takes them as they
    /// are): the quote as the text until someone words it, the speaker and
    /// outlet by name, the deadlines with the phrase as written.
    pub fn records(&self) -> Vec<Record> {
        self.claims
            .iter()
            .map(|c| Record {
                text: c.candidate.quote.clone(),
                kind: Some(c.candidate.kind.to_string()),
                source: RecordSource {
                    name: c.source.name.clone(),
                    kind: Some(c.source.kind.to_string()),
                    ..RecordSource::default()
                },
                reported_by: self.outlet.as_ref().map(|o| RecordSource {
                    name: o.name.clone(),
                    kind: Some(o.kind.to_string()),
                    ..RecordSource::default()
                }),
                quote: Some(c.candidate.quote.clone()),
                lang: Some(self.lang.code().to_string()),
                // The day said, where the article or the user gave it; the
                // as-of date is only where relative deadlines counted from.
                said_on: (self.said_on_from != SaidOnFrom::AsOf).then(|| iso(self.said_on)),
                deadlines: c
                    .candidate
                    .deadlines
                    .iter()
                    .map(|d| RecordDeadline {
                        due: iso(d.due),
                        precision: Some(d.precision.to_string()),
                        as_written: Some(d.as_written.clone()),
                        ..RecordDeadline::default()
                    })
                    .collect(),
                ..Record::default()
            })
            .collect()
    }
}

pub async fn extract<S: Store>(ctx: &Context<S>, input: &ExtractInput) -> Result<Output> {
    let lang = match input.lang.as_deref().map(str::trim) {
        None | Some("auto") => None,
        Some("ar") => Some(Lang::Ar),
        Some("en") => Some(Lang::En),
        Some(other) => return Err(Error::invalid("lang", other, "is not ar, en or auto")),
    };
    let said_on = input
        .said_on
        .as_deref()
        .map(|d| day("said_on", d, ctx.as_of))
        .transpose()?;
    let looks_like_html = input.text.trim_start().starts_with('<');
    let text = if input.html || looks_like_html {
        strip_html(&input.text)
    } else {
        input.text.clone()
    };
    if text.trim().is_empty() {
        return Err(Error::Input(
            "the article has no text to read claims from".into(),
        ));
    }
    let found = extract::extract(&text, lang, said_on, ctx.as_of);
    let (said_on, said_on_from) = match (said_on, found.dateline_date) {
        (Some(d), _) => (d, SaidOnFrom::SaidOn),
        (None, Some(d)) => (d, SaidOnFrom::Dateline),
        (None, None) => (ctx.as_of, SaidOnFrom::AsOf),
    };
    let outlet_name = input
        .outlet
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .or(found.outlet.clone());
    let outlet = match outlet_name {
        Some(name) => Some(matched(ctx, &name, SourceKind::Outlet).await?),
        None => None,
    };
    let mut claims = Vec::new();
    for candidate in found.candidates {
        let source = matched(ctx, &candidate.speaker, candidate.speaker_kind).await?;
        claims.push(ExtractedClaim { candidate, source });
    }
    Ok(Output::Extracted(Box::new(Extracted {
        lang: found.lang,
        said_on,
        said_on_from,
        outlet,
        place: found.place,
        claims,
    })))
}

/// The stored source a name (or alias) is, else a new one of `kind`.
async fn matched<S: Store>(
    ctx: &Context<S>,
    name: &str,
    kind: SourceKind,
) -> Result<ProposedSource> {
    Ok(match ctx.store.source_by_name(name).await? {
        Some(source) => ProposedSource {
            name: source.name,
            kind: source.kind,
            id: Some(source.id),
        },
        None => ProposedSource {
            name: name.to_string(),
            kind,
            id: None,
        },
    })
}
