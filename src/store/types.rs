//! The values the storage API takes and returns, beyond the domain's own:
//! validated inputs (a new source, a new claim, an import record), filters,
//! and summaries. Every backend reads and writes exactly these.

use chrono::NaiveDate;

use crate::domain::dates::iso;
use crate::domain::history::{decode_day, decode_list, encode_list};
use crate::domain::model::{
    ClaimKind, Credibility, EventKind, Precision, Reliability, SourceKind, Status,
};

/// How to open: bring the schema up to date, or only look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Migrate,
    Inspect,
}

/// Told how far a long step of opening has got (the step, claims done, claims
/// in all): rebuilding the search index of a million claims after an upgrade
/// takes a minute, and a terminal shows it as a bar.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// The [`Progress`] of callers that show nothing.
pub fn quietly(_step: &str, _done: u64, _total: u64) {}

/// The step of opening that rewrites every claim's search row.
pub const SEARCH_REBUILD: &str = "rebuilding the search index";

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
    /// The other speakers of a joint statement, in order.
    pub other_speakers: Vec<NewSource>,
    pub reported_by: Option<NewSource>,
    pub status: Status,
    pub claim: NewClaim,
    /// For each of `claim.deadlines`: its id in the record (events name it)
    /// and its number (`6.2` is number 2), when the record gives them.
    pub deadline_keys: Vec<(Option<i64>, Option<i64>)>,
    pub history: Vec<ImportHistory>,
}

/// An event of an import record. Numbers (`id`, `voids`, `deadline_id`)
/// are the record's own: the import gives the event and the deadlines new
/// ones in this database.
#[derive(Debug, Clone)]
pub struct ImportHistory {
    pub id: Option<i64>,
    pub event: EventKind,
    pub at: NaiveDate,
    pub from: Option<Status>,
    pub to: Status,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub deadline_id: Option<i64>,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
    /// As written in the record (a UTC timestamp); the import time when absent.
    pub recorded_at: Option<String>,
    pub by: Option<String>,
    pub voids: Option<i64>,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// Claims added.
    pub new: usize,
    /// Claims already in the database with the same content.
    pub unchanged: usize,
    /// Claims whose key (uid, external id, or speaker + text + date said) is
    /// in the database with other content; kept as stored unless `--update`.
    pub differing: usize,
    /// Records repeating an earlier record of the same import.
    pub duplicates: usize,
    pub sources_created: usize,
    /// Differing claims brought to the record (`--update`).
    pub updated: usize,
    /// What differs, claim by claim.
    pub differences: Vec<ImportDifference>,
    pub dry_run: bool,
}

/// A stored claim that an import record differs from, and in what.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportDifference {
    pub claim_id: i64,
    /// Field names as edits name them, then `status`, `deadlines`, `history`.
    pub fields: Vec<String>,
}

/// A new claim, validated, with its sources resolved to ids.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub text: String,
    pub speaker_id: i64,
    /// The other speakers of a joint statement, in the order given.
    pub other_speakers: Vec<i64>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFields {
    pub text: String,
    /// The lead speaker.
    pub speaker_id: i64,
    /// The other speakers of a joint statement, in the order given.
    pub other_speakers: Vec<i64>,
    pub reported_by_id: Option<i64>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
}

impl ClaimFields {
    /// Each field by the name its edit events carry, as stored text (lists
    /// as JSON arrays, see `domain::history`).
    pub fn values(&self) -> Vec<(&'static str, Option<String>)> {
        let mut speakers = vec![self.speaker_id];
        speakers.extend(&self.other_speakers);
        vec![
            ("text", Some(self.text.clone())),
            ("speakers", Some(encode_list(&speakers))),
            ("reported_by", self.reported_by_id.map(|id| id.to_string())),
            ("quote", self.quote.clone()),
            ("lang", self.lang.clone()),
            ("url", self.url.clone()),
            ("said_on", self.said_on.map(iso)),
            ("kind", Some(self.kind.to_string())),
            ("credibility", self.credibility.map(|c| c.get().to_string())),
            ("tags", Some(encode_list(&self.tags))),
        ]
    }

    /// These fields with one set to a value as `values` writes it; `None`
    /// when the field is unknown or the value is not one it can hold.
    pub fn with_value(&self, field: &str, value: Option<&str>) -> Option<ClaimFields> {
        let mut f = self.clone();
        let text = || value.map(str::to_string);
        match field {
            "text" => f.text = text()?,
            "speakers" => {
                let ids: Vec<i64> = decode_list(value?)?;
                let (lead, others) = ids.split_first()?;
                f.speaker_id = *lead;
                f.other_speakers = others.to_vec();
            }
            "reported_by" => {
                f.reported_by_id = match value {
                    Some(id) => Some(id.parse().ok()?),
                    None => None,
                }
            }
            "quote" => f.quote = text(),
            "lang" => f.lang = text(),
            "url" => f.url = text(),
            "said_on" => f.said_on = decode_day(value)?,
            "kind" => f.kind = ClaimKind::from_word(value?)?,
            "credibility" => {
                f.credibility = match value {
                    Some(n) => Some(Credibility::from_number(n.parse().ok()?)?),
                    None => None,
                }
            }
            "tags" => f.tags = decode_list(value?)?,
            _ => return None,
        }
        Some(f)
    }

    /// These fields with source `from` replaced by `into` wherever it
    /// stands (lead or other speaker, outlet); a speaker named twice then is
    /// kept at its first place.
    pub fn with_source_replaced(&self, from: i64, into: i64) -> ClaimFields {
        let swap = |id: i64| if id == from { into } else { id };
        let mut speakers: Vec<i64> = Vec::new();
        for id in std::iter::once(self.speaker_id).chain(self.other_speakers.iter().copied()) {
            let id = swap(id);
            if !speakers.contains(&id) {
                speakers.push(id);
            }
        }
        ClaimFields {
            speaker_id: speakers[0],
            other_speakers: speakers[1..].to_vec(),
            reported_by_id: self.reported_by_id.map(swap),
            ..self.clone()
        }
    }

    /// The fields that differ from `before`: (field, old, new).
    pub fn changes_from(&self, before: &ClaimFields) -> Vec<FieldChange> {
        before
            .values()
            .into_iter()
            .zip(self.values())
            .filter(|((_, old), (_, new))| old != new)
            .map(|((field, old), (_, new))| FieldChange { field, old, new })
            .collect()
    }
}

/// One field of an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
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

/// A list of a past day that the day tables answer (migration 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayList {
    /// Pending claims whose next due date had passed; by next due date, then id.
    Overdue,
    /// Pending claims without an open deadline; by id.
    NoOpenDeadline,
    /// Claims with an open deadline due from the day to `until`; by the
    /// first such deadline, then id.
    Upcoming { until: NaiveDate },
}

/// Which counts a journal read sums (`Store::tallies_after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyScope<'a> {
    /// Claims by status (in all, and per source and role) and the next-due
    /// counts over every claim: what totals and claim counts read.
    Counts,
    /// Per source and role, the next-due and deadline counts of these
    /// sources: what their track records read beyond the claim counts.
    Records(&'a [i64]),
    /// Everything.
    All,
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

/// Which events `log` lists: every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub claim_id: Option<i64>,
    /// Written on or after this day (UTC).
    pub since: Option<NaiveDate>,
    pub by: Option<String>,
    pub limit: Option<i64>,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportMode {
    /// Check and count everything, write nothing.
    pub dry_run: bool,
    /// Bring differing stored claims to what the records say.
    pub update: bool,
}

/// What a database role may do to a shared database (`claims grant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessLevel {
    /// Read everything.
    Read,
    /// Read, and record claims and changes (the history only appended to).
    Write,
    /// Write, and grant read and write to others.
    Admin,
    /// The database's owner (its rights are not granted by claims).
    Owner,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::Admin => "admin",
            AccessLevel::Owner => "owner",
        }
    }
}

/// A database role and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grant {
    pub role: String,
    pub level: AccessLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(lead: i64, others: &[i64], outlet: Option<i64>) -> ClaimFields {
        ClaimFields {
            text: "t".into(),
            speaker_id: lead,
            other_speakers: others.to_vec(),
            reported_by_id: outlet,
            quote: None,
            lang: None,
            url: None,
            said_on: None,
            kind: ClaimKind::Promise,
            credibility: None,
            tags: vec![],
        }
    }

    #[test]
    fn a_merged_source_is_replaced_wherever_it_stands() {
        let merged = |f: ClaimFields| {
            let f = f.with_source_replaced(5, 3);
            (f.speaker_id, f.other_speakers, f.reported_by_id)
        };
        assert_eq!(merged(fields(5, &[7], Some(5))), (3, vec![7], Some(3)));
        assert_eq!(merged(fields(7, &[5, 8], None)), (7, vec![3, 8], None));
        // Both were speakers: the merged one goes, the first place stays.
        assert_eq!(merged(fields(5, &[8, 3], None)), (3, vec![8], None));
        assert_eq!(merged(fields(3, &[5], Some(9))), (3, vec![], Some(9)));
        // Not named: unchanged.
        assert_eq!(merged(fields(1, &[2], Some(4))), (1, vec![2], Some(4)));
    }
}
