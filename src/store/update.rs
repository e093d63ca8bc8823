//! `import --update` for every engine: a stored claim brought to what a
//! record says, every difference an event. The record's own events that
//! this database lacks come first, dated as they were (recorded now, by the
//! importer); what they do not explain follows as edits dated the import's
//! day. Each engine says how to write (`ClaimWrites`), inside the
//! transaction of the import, and rewrites the claim's search row and
//! derived data afterwards.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::history::DeadlineValue;
use crate::domain::model::{Deadline, EventKind, Status};
use crate::store::differences::{
    lacking_events, new_deadline_key, stored_deadline_key, StoredClaim,
};
use crate::store::values::Event;
use crate::store::{ClaimFields, ImportClaim, NewDeadline, StoreResult as Result};

/// The writes an update makes, in the engine's transaction.
pub(crate) trait ClaimWrites {
    /// Appends an event by whoever writes. Returns its id.
    async fn append(&mut self, claim_id: i64, event: &Event<'_>) -> Result<i64>;
    async fn write_fields(&mut self, claim_id: i64, fields: &ClaimFields) -> Result<()>;
    async fn set_status(&mut self, claim_id: i64, status: Status) -> Result<()>;
    /// The deadline as it stands.
    async fn deadline(&mut self, id: i64) -> Result<Deadline>;
    /// Adds a deadline with the claim's next number. Returns its id.
    async fn insert_deadline(&mut self, claim_id: i64, deadline: &NewDeadline) -> Result<i64>;
    /// Gives a deadline the due date, precision and wording of `to`.
    async fn move_deadline(&mut self, id: i64, to: &NewDeadline) -> Result<()>;
    async fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()>;
    async fn set_met_on(&mut self, id: i64, on: NaiveDate) -> Result<()>;
    async fn delete_deadline(&mut self, id: i64) -> Result<()>;
}

/// Brings a stored claim to the record's fields, status and deadlines.
pub(crate) async fn update_claim_from<W: ClaimWrites>(
    tx: &mut W,
    stored: &StoredClaim,
    fields: &ClaimFields,
    record: &ImportClaim,
    today: NaiveDate,
) -> Result<()> {
    let id = stored.id;
    let mut current = stored.fields.clone();
    let mut status = stored.status;
    let last_of = |same: &dyn Fn(&crate::domain::model::HistoryEntry) -> bool| {
        stored
            .events
            .iter()
            .filter(|e| !e.voided && same(e))
            .map(|e| e.at)
            .max()
    };
    let ours_by_number: HashMap<i64, &Deadline> = stored
        .deadlines
        .iter()
        .map(|d| (d.reference.number, d))
        .collect();
    let record_numbers: HashMap<i64, i64> = record
        .deadline_keys
        .iter()
        .filter_map(|(id, number)| Some(((*id)?, (*number)?)))
        .collect();
    let mut met_now: HashMap<i64, NaiveDate> = HashMap::new();
    for h in lacking_events(stored, record) {
        match h.event {
            EventKind::Edited => {
                let Some(field) = h.field.as_deref() else {
                    continue;
                };
                let in_order =
                    last_of(&|e| e.field.as_deref() == Some(field)).is_none_or(|d| h.at >= d);
                let Some(next) = current
                    .with_value(field, h.new.as_deref())
                    .filter(|_| in_order)
                else {
                    continue;
                };
                let old = current
                    .values()
                    .into_iter()
                    .find(|(f, _)| *f == field)
                    .and_then(|(_, v)| v);
                let field_name = next
                    .values()
                    .into_iter()
                    .find(|(f, _)| *f == field)
                    .map(|(f, _)| f);
                let event = Event {
                    field: field_name,
                    old,
                    new: h.new.clone(),
                    note: h.note.as_deref(),
                    ..Event::new(EventKind::Edited, h.at, Some(status), status)
                };
                tx.append(id, &event).await?;
                current = next;
            }
            EventKind::Status | EventKind::Reopened => {
                let in_order =
                    last_of(&|e| matches!(e.event, EventKind::Status | EventKind::Reopened))
                        .is_none_or(|d| h.at >= d);
                if h.to == status || !in_order {
                    continue;
                }
                let event = Event {
                    note: h.note.as_deref(),
                    evidence: h.evidence.as_deref(),
                    ..Event::new(h.event, h.at, Some(status), h.to)
                };
                tx.append(id, &event).await?;
                status = h.to;
            }
            EventKind::Note => {
                let event = Event {
                    note: h.note.as_deref(),
                    evidence: h.evidence.as_deref(),
                    ..Event::new(EventKind::Note, h.at, Some(status), status)
                };
                tx.append(id, &event).await?;
            }
            EventKind::DeadlineMet => {
                let number = h
                    .deadline_id
                    .and_then(|d| record_numbers.get(&d).copied())
                    .or_else(|| {
                        h.new
                            .as_deref()
                            .and_then(DeadlineValue::decode)
                            .map(|v| v.number)
                    });
                let Some(ours) = number.and_then(|n| ours_by_number.get(&n)) else {
                    continue;
                };
                if ours.met_on.is_some() || met_now.contains_key(&ours.id) {
                    continue;
                }
                met_now.insert(ours.id, h.at);
                let met = Deadline {
                    met_on: Some(h.at),
                    ..(*ours).clone()
                };
                let event = Event {
                    deadline_id: Some(ours.id),
                    new: Some(DeadlineValue::of(&met).encode()),
                    ..Event::new(EventKind::DeadlineMet, h.at, Some(status), status)
                };
                tx.append(id, &event).await?;
            }
            // Their effect arrives with the deadlines below.
            _ => {}
        }
    }
    for (id_met, on) in &met_now {
        tx.set_met_on(*id_met, *on).await?;
    }
    // What the record's events did not explain, as of the import's day.
    for change in fields.changes_from(&current) {
        let event = Event {
            field: Some(change.field),
            old: change.old,
            new: change.new,
            note: Some("import --update"),
            ..Event::new(EventKind::Edited, today, Some(status), status)
        };
        tx.append(id, &event).await?;
    }
    if record.status != status {
        let kind = if record.status == Status::Pending {
            EventKind::Reopened
        } else {
            EventKind::Status
        };
        let event = Event {
            note: Some("import --update"),
            ..Event::new(kind, today, Some(status), record.status)
        };
        tx.append(id, &event).await?;
        status = record.status;
    }
    tx.write_fields(id, fields).await?;
    tx.set_status(id, status).await?;
    update_deadlines(tx, stored, record, status, today).await
}

/// Pairs the record's deadlines with the stored ones (by number when the
/// record gives numbers, else in date order) and writes the differences:
/// moved, met, added, removed, each an event.
async fn update_deadlines<W: ClaimWrites>(
    tx: &mut W,
    stored: &StoredClaim,
    record: &ImportClaim,
    status: Status,
    today: NaiveDate,
) -> Result<()> {
    let id = stored.id;
    let mut ours: Vec<Deadline> = Vec::new();
    for d in &stored.deadlines {
        // As they stand now (met above, perhaps).
        ours.push(tx.deadline(d.id).await?);
    }
    let mut theirs: Vec<(Option<i64>, &crate::store::NewDeadline)> = record
        .deadline_keys
        .iter()
        .map(|(_, number)| *number)
        .zip(&record.claim.deadlines)
        .collect();
    theirs.sort_by_key(|(_, d)| (d.due, d.label.clone()));
    let numbered = theirs.iter().all(|(n, _)| n.is_some());
    let mut pairs: Vec<(Option<Deadline>, Option<&crate::store::NewDeadline>)> = Vec::new();
    let mut left: Vec<Deadline> = ours.clone();
    for (number, d) in &theirs {
        let found = if numbered {
            left.iter()
                .position(|o| Some(o.reference.number) == *number)
        } else if left.is_empty() {
            None
        } else {
            Some(0)
        };
        pairs.push((found.map(|i| left.remove(i)), Some(*d)));
    }
    pairs.extend(left.into_iter().map(|o| (Some(o), None)));
    for pair in pairs {
        match pair {
            (Some(o), Some(d)) => {
                if stored_deadline_key(&o) == new_deadline_key(d) {
                    continue;
                }
                if (o.due, o.precision, &o.as_written) != (d.due, d.precision, &d.as_written) {
                    tx.move_deadline(o.id, d).await?;
                    let moved = tx.deadline(o.id).await?;
                    let event = Event {
                        deadline_id: Some(o.id),
                        old_due: Some(o.due),
                        new_due: Some(d.due),
                        old: Some(DeadlineValue::of(&o).encode()),
                        new: Some(DeadlineValue::of(&moved).encode()),
                        note: Some("import --update"),
                        ..Event::new(EventKind::DeadlineMoved, today, Some(status), status)
                    };
                    tx.append(id, &event).await?;
                }
                if o.label != d.label {
                    tx.set_label(o.id, d.label.as_deref()).await?;
                }
                if let (None, Some(met)) = (o.met_on, d.met_on) {
                    tx.set_met_on(o.id, met).await?;
                    let met_deadline = tx.deadline(o.id).await?;
                    let event = Event {
                        deadline_id: Some(o.id),
                        new: Some(DeadlineValue::of(&met_deadline).encode()),
                        ..Event::new(EventKind::DeadlineMet, met, Some(status), status)
                    };
                    tx.append(id, &event).await?;
                }
            }
            (None, Some(d)) => {
                let new_id = tx.insert_deadline(id, d).await?;
                let added = tx.deadline(new_id).await?;
                let event = Event {
                    deadline_id: Some(new_id),
                    new_due: Some(added.due),
                    new: Some(DeadlineValue::of(&added).encode()),
                    note: Some("import --update"),
                    ..Event::new(EventKind::DeadlineAdded, today, Some(status), status)
                };
                tx.append(id, &event).await?;
            }
            (Some(o), None) => {
                tx.delete_deadline(o.id).await?;
                let event = Event {
                    deadline_id: Some(o.id),
                    old_due: Some(o.due),
                    old: Some(DeadlineValue::of(&o).encode()),
                    note: Some("import --update"),
                    ..Event::new(EventKind::DeadlineRemoved, today, Some(status), status)
                };
                tx.append(id, &event).await?;
            }
            (None, None) => {}
        }
    }
    Ok(())
}
