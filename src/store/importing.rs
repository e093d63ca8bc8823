//! What an import writes, worked out the same for every engine: each
//! record with its sources resolved (`Keyed`), the key that makes a record
//! a repeat, its deadlines' numbers and its events renumbered for this
//! database.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::history::DeadlineValue;
use crate::domain::model::{EventKind, Status};
use crate::domain::rules::{history_facts, ClaimState, DeadlineState, HistoryEvent};
use crate::store::{ClaimFields, ImportClaim};

/// An import record with its sources resolved and its fingerprint.
pub(crate) struct Keyed<'a> {
    pub record: &'a ImportClaim,
    pub speaker: i64,
    pub others: Vec<i64>,
    pub outlet: Option<i64>,
    pub print: String,
}

impl Keyed<'_> {
    /// The record's fields as a stored claim's would be.
    pub fn fields(&self) -> ClaimFields {
        let c = &self.record.claim;
        let mut tags = c.tags.clone();
        tags.sort();
        tags.dedup();
        ClaimFields {
            text: c.text.clone(),
            speaker_id: self.speaker,
            other_speakers: self.others.clone(),
            reported_by_id: self.outlet,
            quote: c.quote.clone(),
            lang: c.lang.clone(),
            url: c.url.clone(),
            said_on: c.said_on,
            kind: c.kind,
            credibility: c.credibility,
            tags,
        }
    }
}

/// The key under which a record repeats another in one import: its uid,
/// else its external id, else its fingerprint.
pub(crate) fn repeat_key(record: &ImportClaim, print: &str) -> String {
    match (&record.uid, &record.external_id) {
        (Some(uid), _) => format!("u:{uid}"),
        (None, Some(external)) => format!("x:{external}"),
        (None, None) => format!("f:{print}"),
    }
}

/// The record's deadline ids its events name but it no longer has
/// (removed), in order: each gets an id here too, so replays can bring it back.
pub(crate) fn gone_deadlines(record: &ImportClaim, given: &HashMap<i64, i64>) -> Vec<i64> {
    record
        .history
        .iter()
        .filter_map(|h| h.deadline_id)
        .filter(|id| !given.contains_key(id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Each deadline's number: the record's, else the next after the largest given.
pub(crate) fn deadline_numbers(keys: &[(Option<i64>, Option<i64>)]) -> Vec<i64> {
    let mut next = keys.iter().filter_map(|(_, n)| *n).max().unwrap_or(0);
    keys.iter()
        .map(|(_, n)| {
            n.unwrap_or_else(|| {
                next += 1;
                next
            })
        })
        .collect()
}

/// An event as an import writes it; `voids` is an index into the claim's
/// events, `deadline_id` already this database's.
pub(crate) struct ImportedEvent {
    pub event: EventKind,
    pub at: NaiveDate,
    pub from: Option<Status>,
    pub to: Status,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub deadline_id: Option<i64>,
    /// The number of the deadline a removal names, which stays spent.
    pub deadline_number: Option<i64>,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
    pub recorded_at: String,
    pub by: Option<String>,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub voids: Option<usize>,
}

/// The events of an imported claim. A record without history gets a
/// `recorded` event (dated when said, else `today`) and, when resolved, the
/// status change, both by the importer; a record's own events keep their
/// dates, writers and void marks, renumbered for this database.
pub(crate) fn imported_events(
    r: &ImportClaim,
    today: NaiveDate,
    stamp: &str,
    importer: Option<&str>,
    deadline_ids: &HashMap<i64, i64>,
) -> Vec<ImportedEvent> {
    let plain = |event, at, from, to, note: Option<&str>| ImportedEvent {
        event,
        at,
        from,
        to,
        note: note.map(str::to_string),
        evidence: None,
        deadline_id: None,
        deadline_number: None,
        old_due: None,
        new_due: None,
        recorded_at: stamp.to_string(),
        by: importer.map(str::to_string),
        field: None,
        old: None,
        new: None,
        voids: None,
    };
    if r.history.is_empty() {
        let recorded_on = r.claim.said_on.unwrap_or(today);
        let mut events = vec![plain(
            EventKind::Recorded,
            recorded_on,
            None,
            Status::Pending,
            None,
        )];
        if r.status != Status::Pending {
            events.push(plain(
                EventKind::Status,
                today.max(recorded_on),
                Some(Status::Pending),
                r.status,
                Some("imported with this status"),
            ));
        }
        return events;
    }
    let position: HashMap<i64, usize> = r
        .history
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.id.map(|id| (id, i)))
        .collect();
    // A deadline value names the deadline by id: ours from now on.
    let renumber = |value: &Option<String>| -> (Option<String>, Option<i64>) {
        match value.as_deref().and_then(DeadlineValue::decode) {
            Some(mut v) => {
                v.id = deadline_ids.get(&v.id).copied().unwrap_or(v.id);
                (Some(v.encode()), Some(v.number))
            }
            None => (value.clone(), None),
        }
    };
    r.history
        .iter()
        .map(|h| {
            let deadline_event = h.deadline_id.is_some();
            let (old, old_number) = if deadline_event {
                renumber(&h.old)
            } else {
                (h.old.clone(), None)
            };
            let (new, _) = if deadline_event {
                renumber(&h.new)
            } else {
                (h.new.clone(), None)
            };
            ImportedEvent {
                event: h.event,
                at: h.at,
                from: h.from,
                to: h.to,
                note: h.note.clone(),
                evidence: h.evidence.clone(),
                deadline_id: h.deadline_id.and_then(|id| deadline_ids.get(&id).copied()),
                deadline_number: old_number.filter(|_| h.event == EventKind::DeadlineRemoved),
                old_due: h.old_due,
                new_due: h.new_due,
                recorded_at: h.recorded_at.clone().unwrap_or_else(|| stamp.to_string()),
                by: h.by.clone(),
                field: h.field.clone(),
                old,
                new,
                voids: h.voids.and_then(|id| position.get(&id).copied()),
            }
        })
        .collect()
}

/// What the rules need of a new claim, from its record as it will be
/// written: `deadline_ids` are its deadlines' ids here, `events` its events
/// (a voided one left out).
pub(crate) fn record_state(
    k: &Keyed<'_>,
    deadline_ids: &[i64],
    events: &[ImportedEvent],
) -> ClaimState {
    let voided: std::collections::HashSet<usize> = events.iter().filter_map(|e| e.voids).collect();
    let (first_due, fulfilled_on) = history_facts(
        events
            .iter()
            .enumerate()
            .filter(|(i, _)| !voided.contains(i))
            .map(|(_, e)| HistoryEvent {
                event: e.event,
                deadline_id: e.deadline_id,
                old_due: e.old_due,
                to: e.to,
                on: e.at,
            }),
    );
    ClaimState {
        status: k.record.status,
        speaker_id: k.speaker,
        other_speakers: k.others.clone(),
        outlet_id: k.outlet,
        deadlines: k
            .record
            .claim
            .deadlines
            .iter()
            .zip(deadline_ids)
            .map(|(d, id)| DeadlineState {
                id: *id,
                due: d.due,
                met_on: d.met_on,
                first_due: first_due.get(id).copied(),
            })
            .collect(),
        fulfilled_on,
    }
}
