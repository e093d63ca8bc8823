//! The interchange record: one claim with its sources, deadlines and
//! history, as `claims export` writes it and `claims import` reads it (JSON,
//! JSON Lines, CSV). Plain data: what it means is checked by `validate`.

use serde::{Deserialize, Serialize};

use crate::domain::dates::iso;
use crate::domain::model::{Claim, HistoryEntry, SourceRef};

/// One claim in the interchange formats. Export writes every field; import
/// needs only `text` and `source.name`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The id in the database it came from; ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The claim's UUID, the same in every database it is imported into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The UUID of the database it was exported from; ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// The lead speaker.
    pub source: RecordSource,
    /// Everyone who made the claim, the lead first; absent when only the lead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<RecordSource>,
    #[serde(default)]
    pub reported_by: Option<RecordSource>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub said_on: Option<String>,
    /// Admiralty credibility, 1..6; absent when not graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credibility: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub deadlines: Vec<RecordDeadline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<RecordHistory>>,
    // Derived fields of `list --format json`, accepted so that its output
    // imports too, and ignored.
    #[serde(default, skip_serializing)]
    pub next_due: Option<String>,
    #[serde(default, skip_serializing)]
    pub overdue: Option<bool>,
    #[serde(default, skip_serializing)]
    pub days_overdue: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Admiralty reliability, A..F; absent when not graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordDeadline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing)]
    pub claim_id: Option<i64>,
    pub due: String,
    /// Its number within the claim (`6.2` is number 2); given in order when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    #[serde(default)]
    pub precision: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub met_on: Option<String>,
    /// The date as it was typed ("أيلول المقبل"); absent when not kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_written: Option<String>,
}

/// One event of a claim's history. `id`, `voids` and `deadline_id` are
/// the numbers of the database it came from; import renumbers them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordHistory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub event: String,
    pub at: String,
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_due: Option<String>,
    /// When it was written (UTC); absent in exports older than schema 14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub voided: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voids: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

impl Record {
    /// The record of a claim as lists show it: its sources by id, name and
    /// kind (`claims export` writes them in full).
    pub fn from_claim(claim: &Claim) -> Record {
        let source = |s: &SourceRef| RecordSource {
            id: Some(s.id),
            name: s.name.clone(),
            kind: Some(s.kind.to_string()),
            ..RecordSource::default()
        };
        Record {
            id: Some(claim.id),
            uid: Some(claim.uid.clone()),
            external_id: claim.external_id.clone(),
            text: claim.text.clone(),
            status: Some(claim.status.to_string()),
            kind: Some(claim.kind.to_string()),
            source: source(&claim.source),
            speakers: if claim.speakers.len() > 1 {
                claim.speakers.iter().map(source).collect()
            } else {
                Vec::new()
            },
            reported_by: claim.reported_by.as_ref().map(source),
            quote: claim.quote.clone(),
            lang: claim.lang.clone(),
            url: claim.url.clone(),
            said_on: claim.said_on.map(iso),
            credibility: claim.credibility.map(|c| i64::from(c.get())),
            tags: claim.tags.clone(),
            deadlines: claim
                .deadlines
                .iter()
                .map(|d| RecordDeadline {
                    id: Some(d.id),
                    claim_id: None,
                    due: iso(d.due),
                    number: Some(d.reference.number),
                    precision: Some(d.precision.to_string()),
                    label: d.label.clone(),
                    met_on: d.met_on.map(iso),
                    as_written: d.as_written.clone(),
                })
                .collect(),
            history: claim
                .history
                .as_ref()
                .map(|h| h.iter().map(RecordHistory::from_entry).collect()),
            ..Record::default()
        }
    }
}

impl RecordHistory {
    fn from_entry(entry: &HistoryEntry) -> RecordHistory {
        RecordHistory {
            id: Some(entry.id),
            event: entry.event.to_string(),
            at: iso(entry.at),
            from: entry.from.map(|s| s.to_string()),
            to: entry.to.to_string(),
            note: entry.note.clone(),
            evidence: entry.evidence.clone(),
            deadline_id: entry.deadline_id,
            old_due: entry.old_due.map(iso),
            new_due: entry.new_due.map(iso),
            recorded_at: Some(entry.recorded_at.clone()),
            by: entry.by.clone(),
            voided: entry.voided,
            voids: entry.voids,
            field: entry.field.clone(),
            old: entry.old.clone(),
            new: entry.new.clone(),
        }
    }
}
