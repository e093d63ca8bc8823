//! Claims: add, edit, show, remove, resolve, reopen, list, search.

use chrono::NaiveDate;

use super::{resolve_source, Context, Output};
use crate::domain::model::{grade_list, Claim, ClaimKind, Credibility, Reliability, Status};
use crate::domain::normalize::fold;
use crate::domain::validate::{
    day, event_day, optional_lang, optional_text, optional_url, period, required_text, tags,
};
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, NewClaim, NewDeadline, StatusChange, Store};

/// A new claim as typed: every value still text, checked here.
#[derive(Debug, Clone, Default)]
pub struct AddClaim {
    pub text: String,
    /// The speaker: a source id or name.
    pub source: String,
    /// The outlet that reported it: a source id or name.
    pub reported_by: Option<String>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<String>,
    pub kind: Option<String>,
    pub credibility: Option<String>,
    /// Each deadline's date with its label.
    pub due: Vec<(String, Option<String>)>,
    pub tags: Vec<String>,
}

pub async fn add<S: Store>(ctx: &Context<S>, input: &AddClaim) -> Result<Output> {
    // Everything that needs no database is checked first.
    let text = required_text("text", &input.text)?;
    let said_on = input
        .said_on
        .as_deref()
        .map(|d| day("said_on", d, ctx.as_of))
        .transpose()?;
    // "Next September" counts from the day it was said, when we know it.
    let base = said_on.unwrap_or(ctx.as_of);
    let deadlines = input
        .due
        .iter()
        .map(|(due, label)| new_deadline(base, due, label.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let kind = match &input.kind {
        Some(kind) => ClaimKind::parse(kind)?,
        None if deadlines.is_empty() => ClaimKind::Report,
        None => ClaimKind::Promise,
    };
    let quote = optional_text(input.quote.as_deref());
    let lang = optional_lang(input.lang.as_deref())?;
    let url = optional_url("url", input.url.as_deref())?;
    let tags = tags(&input.tags)?;
    let credibility = credibility(input.credibility.as_deref())?;

    let speaker = resolve_source(&ctx.store, "source", &input.source).await?;
    let reported_by = match &input.reported_by {
        Some(key) => Some(resolve_source(&ctx.store, "reported_by", key).await?.id),
        None => None,
    };
    let claim = NewClaim {
        text,
        speaker_id: speaker.id,
        reported_by_id: reported_by,
        quote,
        lang,
        url,
        said_on,
        kind,
        credibility,
        tags,
        deadlines,
    };
    let id = ctx.store.insert_claim(&claim, ctx.as_of).await?;
    show(ctx, id).await
}

/// A credibility grade 1 to 6; empty means none.
fn credibility(value: Option<&str>) -> Result<Option<Credibility>> {
    optional_text(value)
        .map(|v| Credibility::parse("credibility", &v))
        .transpose()
}

/// A deadline from a date as typed (any form `dates` reads, relative forms
/// counting from `base`) and a label; the date is kept as written.
pub fn new_deadline(base: NaiveDate, due: &str, label: Option<&str>) -> Result<NewDeadline> {
    let period = period("due", due, base)?;
    Ok(NewDeadline {
        due: period.end,
        precision: period.precision,
        label: optional_text(label),
        met_on: None,
        as_written: Some(due.to_string()),
    })
}

/// Changes to a claim as typed: `None` keeps a field, an empty value clears
/// an optional one.
#[derive(Debug, Clone, Default)]
pub struct EditClaim {
    pub id: i64,
    pub text: Option<String>,
    pub source: Option<String>,
    pub reported_by: Option<String>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<String>,
    pub kind: Option<String>,
    pub credibility: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

pub async fn edit<S: Store>(ctx: &Context<S>, input: &EditClaim) -> Result<Output> {
    let mut fields = ctx.store.claim_fields(input.id).await?;
    if let Some(text) = &input.text {
        fields.text = required_text("text", text)?;
    }
    if let Some(key) = &input.source {
        fields.speaker_id = resolve_source(&ctx.store, "source", key).await?.id;
    }
    if let Some(key) = &input.reported_by {
        fields.reported_by_id = match optional_text(Some(key)) {
            Some(key) => Some(resolve_source(&ctx.store, "reported_by", &key).await?.id),
            None => None,
        };
    }
    if let Some(quote) = &input.quote {
        fields.quote = optional_text(Some(quote));
    }
    if let Some(lang) = &input.lang {
        fields.lang = optional_lang(Some(lang))?;
    }
    if let Some(url) = &input.url {
        fields.url = optional_url("url", Some(url))?;
    }
    if let Some(said_on) = &input.said_on {
        fields.said_on = match optional_text(Some(said_on)) {
            Some(d) => Some(day("said_on", &d, ctx.as_of)?),
            None => None,
        };
    }
    if let Some(kind) = &input.kind {
        fields.kind = ClaimKind::parse(kind)?;
    }
    if input.credibility.is_some() {
        fields.credibility = credibility(input.credibility.as_deref())?;
    }
    let add_tags = tags(&input.add_tags)?;
    let remove_tags = tags(&input.remove_tags)?;
    ctx.store
        .update_claim(input.id, &fields, &add_tags, &remove_tags)
        .await?;
    show(ctx, input.id).await
}

/// One claim with its history.
pub async fn claim<S: Store>(ctx: &Context<S>, id: i64) -> Result<Claim> {
    Ok(ctx.store.claim(id, ctx.as_of).await?)
}

pub async fn show<S: Store>(ctx: &Context<S>, id: i64) -> Result<Output> {
    Ok(Output::Claim(Box::new(claim(ctx, id).await?)))
}

/// Removes a claim with its deadlines and history. Front ends confirm first.
pub async fn remove<S: Store>(ctx: &Context<S>, id: i64) -> Result<Output> {
    ctx.store.delete_claim(id).await?;
    Ok(Output::Removed {
        what: "claim",
        id,
        reference: None,
    })
}

/// A resolution as typed.
#[derive(Debug, Clone, Default)]
pub struct Resolve {
    pub id: i64,
    pub status: String,
    /// The day it was resolved; the as-of date when absent.
    pub on: Option<String>,
    pub evidence: Option<String>,
    pub note: Option<String>,
}

pub async fn resolve<S: Store>(ctx: &Context<S>, input: &Resolve) -> Result<Output> {
    let status = Status::parse(&input.status)?;
    if status == Status::Pending {
        return Err(Error::invalid(
            "status",
            "pending",
            "use `claims reopen` to set a claim back to pending",
        ));
    }
    let said_on = ctx.store.claim_fields(input.id).await?.said_on;
    let on = event_day("on", input.on.as_deref(), said_on, ctx.as_of)?;
    let evidence = optional_url("evidence", input.evidence.as_deref())?;
    let note = optional_text(input.note.as_deref());
    let change = StatusChange {
        to: status,
        on,
        note: note.as_deref(),
        evidence: evidence.as_deref(),
    };
    ctx.store.set_status(input.id, &change).await?;
    show(ctx, input.id).await
}

pub async fn reopen<S: Store>(ctx: &Context<S>, id: i64, note: Option<&str>) -> Result<Output> {
    let said_on = ctx.store.claim_fields(id).await?.said_on;
    event_day("as_of", None, said_on, ctx.as_of)?;
    let note = optional_text(note);
    let change = StatusChange {
        to: Status::Pending,
        on: ctx.as_of,
        note: note.as_deref(),
        evidence: None,
    };
    ctx.store.set_status(id, &change).await?;
    show(ctx, id).await
}

/// Which claims to list, as typed; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListClaims {
    pub status: Option<String>,
    /// Speaker or outlet: a source id or name.
    pub source: Option<String>,
    pub kind: Option<String>,
    pub tag: Option<String>,
    pub overdue: bool,
    pub due_before: Option<String>,
    pub due_after: Option<String>,
    pub search: Option<String>,
    /// Comma-separated reliability grades, `A,B`.
    pub reliability: Option<String>,
    /// Comma-separated credibility grades, `1,2`.
    pub credibility: Option<String>,
    pub limit: Option<i64>,
}

pub async fn list<S: Store>(ctx: &Context<S>, input: &ListClaims) -> Result<Output> {
    if let Some(limit) = input.limit.filter(|limit| *limit < 0) {
        return Err(Error::invalid(
            "limit",
            &limit.to_string(),
            "must not be negative",
        ));
    }
    let mut filter = ClaimFilter {
        status: input.status.as_deref().map(Status::parse).transpose()?,
        kind: input.kind.as_deref().map(ClaimKind::parse).transpose()?,
        overdue: input.overdue,
        due_before: input
            .due_before
            .as_deref()
            .map(|d| period("due_before", d, ctx.as_of).map(|p| p.start))
            .transpose()?,
        due_after: input
            .due_after
            .as_deref()
            .map(|d| period("due_after", d, ctx.as_of).map(|p| p.end))
            .transpose()?,
        search: optional_text(input.search.as_deref()),
        reliability: input
            .reliability
            .as_deref()
            .map(|g| grade_list("reliability", g, Reliability::parse))
            .transpose()?
            .unwrap_or_default(),
        credibility: input
            .credibility
            .as_deref()
            .map(|g| grade_list("credibility", g, Credibility::parse))
            .transpose()?
            .unwrap_or_default(),
        limit: input.limit,
        ..ClaimFilter::default()
    };
    if let Some(tag) = &input.tag {
        filter.tag = Some(tags(std::slice::from_ref(tag))?.remove(0));
    }
    if let Some(key) = &input.source {
        filter.source_id = Some(resolve_source(&ctx.store, "source", key).await?.id);
    }
    Ok(Output::Claims {
        claims: ctx.store.claims(&filter, ctx.as_of).await?,
        window: None,
        highlight: Vec::new(),
    })
}

/// `search`: best match first.
pub async fn search<S: Store>(ctx: &Context<S>, query: &str, limit: u32) -> Result<Output> {
    required_text("query", query)?;
    let claims = ctx.store.search(query, limit, ctx.as_of).await?;
    let highlight = fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "and" | "or" | "not" | "near"))
        .map(str::to_string)
        .collect();
    Ok(Output::Claims {
        claims,
        window: None,
        highlight,
    })
}
