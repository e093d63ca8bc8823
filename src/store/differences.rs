//! How an import record differs from the stored claim its key names, for
//! every backend: which fields, and which of the record's events the
//! stored history lacks.

use crate::domain::model::{Deadline, EventKind, HistoryEntry, Status};
use crate::store::{ClaimFields, ImportClaim, ImportHistory, NewDeadline};

/// A stored claim as an import compares it.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    pub id: i64,
    pub fields: ClaimFields,
    pub status: Status,
    pub deadlines: Vec<Deadline>,
    pub events: Vec<HistoryEntry>,
}

/// What an event records, without when or by whom it was written.
type EventKey = (
    EventKind,
    chrono::NaiveDate,
    Status,
    Option<String>,
    Option<String>,
    Option<chrono::NaiveDate>,
);

fn stored_key(e: &HistoryEntry) -> EventKey {
    (
        e.event,
        e.at,
        e.to,
        e.field.clone(),
        e.note.clone(),
        e.new_due,
    )
}

fn record_key(e: &ImportHistory) -> EventKey {
    (
        e.event,
        e.at,
        e.to,
        e.field.clone(),
        e.note.clone(),
        e.new_due,
    )
}

/// The record's events in force that the stored history lacks, in the
/// record's order: what another database knew and this one does not.
pub fn lacking_events<'a>(stored: &StoredClaim, record: &'a ImportClaim) -> Vec<&'a ImportHistory> {
    let voided: Vec<i64> = record.history.iter().filter_map(|h| h.voids).collect();
    let mut have: Vec<EventKey> = stored
        .events
        .iter()
        .filter(|e| !e.voided)
        .map(stored_key)
        .collect();
    record
        .history
        .iter()
        .filter(|h| !matches!(h.event, EventKind::Recorded | EventKind::Correction))
        .filter(|h| h.id.is_none_or(|id| !voided.contains(&id)))
        .filter(|h| {
            let key = record_key(h);
            match have.iter().position(|k| *k == key) {
                Some(found) => {
                    have.remove(found);
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// A deadline as compared: date, precision, label, met date, phrase.
type DeadlineKey = (
    chrono::NaiveDate,
    &'static str,
    Option<String>,
    Option<chrono::NaiveDate>,
    Option<String>,
);

pub fn stored_deadline_key(d: &Deadline) -> DeadlineKey {
    (
        d.due,
        d.precision.as_str(),
        d.label.clone(),
        d.met_on,
        d.as_written.clone(),
    )
}

pub fn new_deadline_key(d: &NewDeadline) -> DeadlineKey {
    (
        d.due,
        d.precision.as_str(),
        d.label.clone(),
        d.met_on,
        d.as_written.clone(),
    )
}

/// What differs between a stored claim and a record (with its sources
/// resolved to `fields`): field names as edits name them, then `status`,
/// `deadlines` and `history` (events the stored claim lacks).
pub fn differing_fields(
    stored: &StoredClaim,
    fields: &ClaimFields,
    record: &ImportClaim,
) -> Vec<String> {
    let mut out: Vec<String> = fields
        .changes_from(&stored.fields)
        .into_iter()
        .map(|c| c.field.to_string())
        .collect();
    if stored.status != record.status {
        out.push("status".into());
    }
    let mut theirs: Vec<DeadlineKey> = record
        .claim
        .deadlines
        .iter()
        .map(new_deadline_key)
        .collect();
    let mut ours: Vec<DeadlineKey> = stored.deadlines.iter().map(stored_deadline_key).collect();
    theirs.sort();
    ours.sort();
    if theirs != ours {
        out.push("deadlines".into());
    }
    if !lacking_events(stored, record).is_empty() {
        out.push("history".into());
    }
    out
}
