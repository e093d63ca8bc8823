//! The application: one function per command, from plain inputs to data.
//! Nothing here knows clap, a terminal or a file format; the command line
//! (`cli`) builds the inputs and renders the outputs, and an HTTP API can
//! call the same functions. Errors name fields in domain terms (`due`,
//! `said_on`), which each front end maps to its own names.

pub mod access;
pub mod claims;
pub mod deadlines;
pub mod demo;
pub mod extract;
pub mod replay;
pub mod reports;
pub mod safety;
pub mod settings;
pub mod sources;
pub mod transfer;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::dates::iso;
use crate::domain::keys::name_key;
use crate::domain::model::{Claim, Deadline, DeadlineRef, HistoryEntry, Source, TrackRecord};
use crate::domain::validate::event_day;
use crate::error::{Error, Result};
use crate::store::{ImportSummary, MigrationState, RecordsBySource, Store};

/// The day a change to a claim happened: `on` (the as-of date when
/// absent), never before the claim was said, after the as-of date, or
/// before the latest change in force to the same thing (`same`: its
/// status, one deadline, one field). Changes to one thing are recorded in
/// the order they happened, so a replay of any day applies them in order.
pub async fn change_day<S: Store>(
    ctx: &Context<S>,
    claim_id: i64,
    field: &str,
    on: Option<&str>,
    same: impl Fn(&HistoryEntry) -> bool,
) -> Result<NaiveDate> {
    let said_on = ctx.store.claim_fields(claim_id).await?.said_on;
    let day = event_day(field, on, said_on, ctx.as_of)?;
    let history = ctx
        .store
        .histories(&[claim_id])
        .await?
        .remove(&claim_id)
        .unwrap_or_default();
    let latest = history
        .iter()
        .filter(|e| !e.voided && e.event.changes_state() && same(e))
        .map(|e| e.at)
        .max();
    if let Some(latest) = latest.filter(|latest| day < *latest) {
        let (field, shown) = match on {
            Some(on) => (field, on.to_string()),
            None => ("as_of", iso(day)),
        };
        return Err(Error::invalid(
            field,
            &shown,
            format!(
                "is before the last change of the same kind to claim {claim_id} ({}); record changes in the order they happened, or `claims undo {claim_id}` the later one first",
                iso(latest)
            ),
        ));
    }
    Ok(day)
}

/// What every command works with: the open store and the as-of date.
pub struct Context<S> {
    pub store: S,
    /// The day the record is replayed as of, and changes are dated.
    pub as_of: NaiveDate,
    /// Only what was written by the end of this day (UTC) counts.
    pub known_on: Option<NaiveDate>,
    /// `--by`: who is making changes; `log` lists only theirs.
    pub by: Option<String>,
}

/// What a command returns, for `render` to turn into text.
#[derive(Debug)]
pub enum Output {
    Init {
        path: String,
        uuid: Option<String>,
        schema_version: i64,
        migrations: Vec<MigrationState>,
    },
    Migrations {
        path: String,
        uuid: Option<String>,
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
    Import(ImportSummary),
    /// A backup was written.
    Backup {
        path: String,
        bytes: u64,
    },
    /// Who may do what to a shared database.
    Grants(Vec<crate::store::Grant>),
    /// The database's settings.
    Settings(Vec<settings::Setting>),
    /// `claims check` found nothing wrong.
    Checked {
        claims: i64,
    },
    /// A deadline just added, with its claim for the table view.
    Deadline {
        deadline: Deadline,
        claim: Box<Claim>,
    },
    Report(Box<Report>),
    /// Events, newest written first.
    Log(Vec<HistoryEntry>),
    /// Something was removed; a deadline also by its reference (`6.1`).
    Removed {
        what: &'static str,
        id: i64,
        reference: Option<DeadlineRef>,
    },
    /// `extract`: an article's candidate claims.
    Extracted(Box<extract::Extracted>),
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
    pub record: TrackRecord,
    /// The record of claims this source reported (as outlet) for others.
    pub reported: TrackRecord,
}

impl SourceSummary {
    /// The records to show, by role: as speaker and as outlet where the
    /// source has claims in that role; a source with none shows its (empty)
    /// speaker record.
    pub fn roles(&self) -> Vec<(&'static str, &TrackRecord)> {
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
    /// Its other names.
    pub aliases: Vec<String>,
    /// The name of the source it was merged into, if it was.
    #[serde(skip)]
    pub merged_into: Option<String>,
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
    #[serde(serialize_with = "crate::domain::model::ser_date")]
    pub as_of: NaiveDate,
    #[serde(serialize_with = "crate::domain::model::ser_date")]
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

pub async fn init<S: Store>(ctx: &Context<S>) -> Result<Output> {
    Ok(Output::Init {
        path: ctx.store.location(),
        uuid: ctx.store.database_uuid().await?,
        schema_version: ctx.store.schema_version().await?,
        migrations: ctx.store.migration_states().await?,
    })
}

pub async fn migrations<S: Store>(ctx: &Context<S>) -> Result<Output> {
    Ok(Output::Migrations {
        path: ctx.store.location(),
        uuid: ctx.store.database_uuid().await?,
        migrations: ctx.store.migration_states().await?,
    })
}

/// Finds a source by id or by name (ignoring Latin case); a merged source's
/// name finds the one it went into, and its id is refused with that one's.
/// An unknown name errors with the closest names.
pub async fn resolve_source<S: Store>(store: &S, field: &str, key: &str) -> Result<Source> {
    let source = resolve_any_source(store, field, key).await?;
    match source.merged {
        Some(merged) => {
            let into = store.source(merged.into).await?;
            Err(Error::invalid(
                field,
                key,
                format!(
                    "source `{}` was merged into `{}` (id {}) on {}; name that one",
                    source.name,
                    into.name,
                    into.id,
                    iso(merged.on)
                ),
            ))
        }
        None => Ok(source),
    }
}

/// `resolve_source`, merged sources included (to show them).
pub async fn resolve_any_source<S: Store>(store: &S, field: &str, key: &str) -> Result<Source> {
    if let Ok(id) = key.trim().parse::<i64>() {
        return Ok(store.source(id).await?);
    }
    if let Some(source) = store.source_by_name(key).await? {
        return Ok(source);
    }
    let mut sources = store.sources().await?;
    sources.retain(|s| s.merged.is_none());
    let aliases = store.aliases().await?;
    let wanted = name_key(key);
    let score = |name: &str| {
        let name = name_key(name);
        let mut score = strsim::normalized_levenshtein(&wanted, &name);
        if !wanted.is_empty() && (name.contains(&wanted) || wanted.contains(&name)) {
            score += 0.5;
        }
        score
    };
    // A source scores by its best name: its own or one of its aliases.
    let mut scored: Vec<(f64, &Source)> = sources
        .iter()
        .map(|s| {
            let best = aliases
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, alias)| score(alias))
                .fold(score(&s.name), f64::max);
            (best, s)
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
        key: format!("named `{key}`"),
        field: Some(field.to_string()),
        hint,
    })
}

/// Sources with their records (empty records for sources not in `records`).
pub fn summaries(sources: Vec<Source>, records: &RecordsBySource) -> Vec<SourceSummary> {
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
