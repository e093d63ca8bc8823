//! Commands: validated arguments in, data out. They never print; `output`
//! renders what they return.

pub mod claims;
pub mod deadlines;
pub mod demo;
pub mod reports;
pub mod safety;
pub mod sources;
pub mod transfer;

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates;
use crate::db::{MigrationState, Store};
use crate::error::{Error, Result};
use crate::model::{Claim, Record, Source};

/// What every command works with: the open database and the as-of date.
pub struct Context {
    pub store: Store,
    pub as_of: NaiveDate,
}

/// What a command returns, for `output` to render.
#[derive(Debug)]
pub enum Output {
    Init {
        path: String,
        schema_version: i64,
        migrations: Vec<MigrationState>,
    },
    Migrations {
        path: String,
        migrations: Vec<MigrationState>,
    },
    Source(Box<SourceDetail>),
    /// Sources; `record` asks for the track-record view in tables.
    Sources {
        sources: Vec<SourceSummary>,
        record: bool,
    },
    /// A single claim: created, changed or shown.
    Claim(Box<Claim>),
    /// Claims; `window` is the upcoming window, for calendars; `highlight`
    /// the folded search terms to mark in table output.
    Claims {
        claims: Vec<Claim>,
        window: Option<(NaiveDate, NaiveDate)>,
        highlight: Vec<String>,
    },
    Import(crate::db::ImportSummary),
    /// A backup was written.
    Backup {
        path: String,
        bytes: u64,
    },
    /// `claims check` found nothing wrong.
    Checked {
        claims: i64,
    },
    /// A deadline just added, with its claim for the table view.
    Deadline {
        deadline: crate::model::Deadline,
        claim: Box<Claim>,
    },
    Report(Box<Report>),
    /// Something was removed.
    Removed {
        what: &'static str,
        id: i64,
    },
    /// The demo: what was loaded, then the report.
    Demo {
        added: usize,
        report: Box<Report>,
    },
}

/// A source with its records as speaker and as outlet.
#[derive(Debug, Serialize)]
pub struct SourceSummary {
    #[serde(flatten)]
    pub source: Source,
    #[serde(flatten)]
    pub record: Record,
    /// The record of claims this source reported (as outlet) for others.
    pub reported: Record,
}

impl SourceSummary {
    /// The records to show, by role: as speaker and as outlet where the
    /// source has claims in that role; a source with none shows its (empty)
    /// speaker record.
    pub fn roles(&self) -> Vec<(&'static str, &Record)> {
        let mut roles = Vec::new();
        if self.record.claims > 0 || self.reported.claims == 0 {
            roles.push(("speaker", &self.record));
        }
        if self.reported.claims > 0 {
            roles.push(("outlet", &self.reported));
        }
        roles
    }
}

/// `source show`: the summary plus the claims themselves.
#[derive(Debug, Serialize)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub summary: SourceSummary,
    /// Claims this source made (as speaker).
    pub claims_made: Vec<Claim>,
    /// Claims this source reported for others (as outlet).
    pub claims_reported: Vec<Claim>,
}

/// Claim counts: `pending` excludes the overdue ones, counted apart.
#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub total: i64,
    pub pending: i64,
    pub overdue: i64,
    pub fulfilled: i64,
    pub partial: i64,
    pub failed: i64,
    pub retracted: i64,
    pub unverifiable: i64,
}

/// `claims report`.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(serialize_with = "crate::model::ser_date")]
    pub as_of: NaiveDate,
    #[serde(serialize_with = "crate::model::ser_date")]
    pub upcoming_until: NaiveDate,
    pub counts: Counts,
    /// How many claims the upcoming section has in all (it lists the first `--limit`).
    pub upcoming_count: i64,
    /// How many pending claims have no open deadline in all.
    pub no_deadline_count: i64,
    pub overdue: Vec<Claim>,
    pub upcoming: Vec<Claim>,
    pub no_deadline: Vec<Claim>,
    pub sources: Vec<SourceSummary>,
}

pub async fn init(ctx: &Context) -> Result<Output> {
    Ok(Output::Init {
        path: ctx.store.path().display().to_string(),
        schema_version: ctx.store.schema_version().await?,
        migrations: ctx.store.migration_states().await?,
    })
}

pub async fn migrations(ctx: &Context) -> Result<Output> {
    Ok(Output::Migrations {
        path: ctx.store.path().display().to_string(),
        migrations: ctx.store.migration_states().await?,
    })
}

/// Finds a source by id or by name (ignoring Latin case). An unknown name
/// errors with the closest names.
pub async fn resolve_source(store: &Store, field: &str, key: &str) -> Result<Source> {
    if let Ok(id) = key.trim().parse::<i64>() {
        return store.source(id).await;
    }
    if let Some(source) = store.source_by_name(key).await? {
        return Ok(source);
    }
    let sources = store.sources().await?;
    let wanted = crate::db::name_key(key);
    let mut scored: Vec<(f64, &Source)> = sources
        .iter()
        .map(|s| {
            let name = crate::db::name_key(&s.name);
            let mut score = strsim::normalized_levenshtein(&wanted, &name);
            if !wanted.is_empty() && (name.contains(&wanted) || wanted.contains(&name)) {
                score += 0.5;
            }
            (score, s)
        })
        .filter(|(score, _)| *score >= 0.4)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let hint = if scored.is_empty() {
        " (add it with `claims source add`)".to_string()
    } else {
        let names: Vec<String> = scored
            .iter()
            .take(3)
            .map(|(_, s)| format!("`{}` (id {})", s.name, s.id))
            .collect();
        format!("; did you mean {}?", names.join(", "))
    };
    Err(Error::NotFound {
        what: "source",
        key: format!("named `{key}` for {field}"),
        hint,
    })
}

/// Text that must have something in it. Stored exactly as given.
pub fn required_text(field: &str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, value, "must not be empty"));
    }
    Ok(value.to_string())
}

/// An optional text: an empty value means none.
pub fn optional_text(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).map(str::to_string)
}

/// An http or https address with a host and no spaces.
pub fn url(field: &str, value: &str) -> Result<String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| Error::invalid(field, value, "must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(Error::invalid(field, value, "has no host"));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(field, value, "must not contain spaces"));
    }
    Ok(value.to_string())
}

pub fn optional_url(field: &str, value: Option<&str>) -> Result<Option<String>> {
    optional_text(value).map(|v| url(field, &v)).transpose()
}

/// A BCP 47 language tag such as `ar`, `en` or `ar-IQ`.
pub fn lang(value: &str) -> Result<String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok {
        return Err(Error::invalid(
            "--lang",
            value,
            "expected a language tag such as ar, en or ar-IQ",
        ));
    }
    Ok(value.to_string())
}

pub fn optional_lang(value: Option<&str>) -> Result<Option<String>> {
    optional_text(value).map(|v| lang(&v)).transpose()
}

/// Tags are trimmed, must not be empty, and are kept once each.
pub fn tags(values: &[String]) -> Result<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for value in values {
        let tag = value.trim();
        if tag.is_empty() {
            return Err(Error::invalid("--tag", value, "must not be empty"));
        }
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    Ok(tags)
}

/// A date flag that names one day.
pub fn day(field: &str, value: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::parse_day(value, as_of).map_err(|reason| Error::invalid(field, value, reason))
}

/// A date flag that may name a period.
pub fn period(field: &str, value: &str, as_of: NaiveDate) -> Result<dates::Period> {
    dates::parse(value, as_of).map_err(|reason| Error::invalid(field, value, reason))
}

pub fn summaries(
    sources: Vec<Source>,
    records: &std::collections::HashMap<i64, (Record, Record)>,
) -> Vec<SourceSummary> {
    sources
        .into_iter()
        .map(|source| {
            let (record, reported) = records.get(&source.id).cloned().unwrap_or_default();
            SourceSummary {
                source,
                record,
                reported,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(url("--url", "https://shafaq.com/ar/x").is_ok());
        assert!(url("--url", "http://example.org").is_ok());
        for bad in [
            "shafaq.com",
            "ftp://x.org",
            "https://",
            "https:// x.org",
            "javascript:alert(1)",
        ] {
            assert!(url("--url", bad).is_err(), "{bad}");
        }
        let err = url("--url", "shafaq.com").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid --url `shafaq.com`: must start with http:// or https://"
        );
    }

    #[test]
    fn langs() {
        for good in ["ar", "en", "ar-IQ", "zh-Hant"] {
            assert!(lang(good).is_ok(), "{good}");
        }
        for bad in ["a", "arabic language", "ar_IQ", "عربي", ""] {
            assert!(lang(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let got = tags(&["iraq".into(), " iraq ".into(), "انسحاب".into()]).unwrap();
        assert_eq!(got, vec!["iraq", "انسحاب"]);
        assert!(tags(&[" ".into()]).is_err());
    }
}
