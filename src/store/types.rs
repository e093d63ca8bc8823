//! The values the storage API takes and returns, beyond the domain's own:
//! validated inputs (a new source, a new claim, an import record), filters,
//! and summaries. Every backend reads and writes exactly these.

use chrono::NaiveDate;

use crate::domain::model::{ClaimKind, Credibility, Precision, Reliability, SourceKind, Status};

/// How to open: bring the schema up to date, or only look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Migrate,
    Inspect,
}

/// One migration and whether this database has it.
#[derive(Debug, serde::Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// A new source, validated.
#[derive(Debug, Clone)]
pub struct NewSource {
    pub name: String,
    pub kind: SourceKind,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub reliability: Option<Reliability>,
}

/// A new deadline, validated.
#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub due: NaiveDate,
    pub precision: Precision,
    pub label: Option<String>,
    pub met_on: Option<NaiveDate>,
    /// The date as it was typed, when it was.
    pub as_written: Option<String>,
}

/// A validated import record: sources by name (created when missing), the
/// claim, its status and, when the record carries it, its history.
#[derive(Debug, Clone)]
pub struct ImportClaim {
    /// The claim's UUID in the database it came from, when the record has it.
    pub uid: Option<String>,
    pub external_id: Option<String>,
    pub speaker: NewSource,
    pub reported_by: Option<NewSource>,
    pub status: Status,
    pub claim: NewClaim,
    pub history: Vec<ImportHistory>,
}

/// A history row of an import record; `deadline_index` points into the
/// record's deadlines, whose ids are new in this database.
#[derive(Debug, Clone)]
pub struct ImportHistory {
    pub event: String,
    pub at: NaiveDate,
    pub from: Option<Status>,
    pub to: Status,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub deadline_index: Option<usize>,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// Claims added.
    pub new: usize,
    /// Claims already in the database with the same content.
    pub unchanged: usize,
    /// Claims whose key (external id, or speaker + text + date said) is in the
    /// database with other content; the stored claim is kept.
    pub differing: usize,
    /// Records repeating an earlier record of the same import.
    pub duplicates: usize,
    pub sources_created: usize,
    pub dry_run: bool,
}

/// A new claim, validated, with its sources resolved to ids.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub text: String,
    pub speaker_id: i64,
    pub reported_by_id: Option<i64>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
    pub tags: Vec<String>,
    pub deadlines: Vec<NewDeadline>,
}

/// The editable fields of a claim, as they are to be stored.
#[derive(Debug, Clone)]
pub struct ClaimFields {
    pub text: String,
    pub speaker_id: i64,
    pub reported_by_id: Option<i64>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
}

/// Which claims to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub status: Option<Status>,
    /// Speaker or outlet.
    pub source_id: Option<i64>,
    pub kind: Option<ClaimKind>,
    pub tag: Option<String>,
    /// Pending with an unmet deadline due before the as-of date.
    pub overdue: bool,
    /// An unmet deadline due strictly before this day...
    pub due_before: Option<NaiveDate>,
    /// ...and strictly after this one (the same deadline).
    pub due_after: Option<NaiveDate>,
    /// Pending with no unmet deadline.
    pub no_open_deadline: bool,
    /// Words that must appear, as one phrase, in the folded text, quote,
    /// speaker or outlet (the search index).
    pub search: Option<String>,
    /// The speaker graded with one of these (any when empty).
    pub reliability: Vec<Reliability>,
    /// The claim graded with one of these (any when empty).
    pub credibility: Vec<Credibility>,
    pub limit: Option<i64>,
    /// Only claims with a greater id, in id order (for paging through exports).
    pub after_id: Option<i64>,
}

/// A claim of a bundle (`insert_bundle`): its speaker and outlet are
/// indexes into the bundle's sources.
#[derive(Debug, Clone)]
pub struct BundleClaim {
    pub claim: NewClaim,
    pub speaker: usize,
    pub outlet: Option<usize>,
}

/// Totals over every claim, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineCounts {
    /// Claims with an open deadline in the window.
    pub upcoming: i64,
    /// Claims with any open deadline.
    pub with_open_deadline: i64,
    /// Claims overdue at the window's start.
    pub overdue: i64,
}

/// A status change, as `set_status` records it.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    pub to: Status,
    /// The day it happened.
    pub on: NaiveDate,
    pub note: Option<&'a str>,
    pub evidence: Option<&'a str>,
}
