//! Track records as every engine assembles them: the stored counts (read
//! by the engine) moved by a replay's differences (`adjust`), then judged
//! by `domain::rules`. Each engine only reads its rows.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::model::TrackRecord;
use crate::domain::rules::{deadline_figures, Tally, TallyChanges};
use crate::store::RecordsBySource;

/// A source's record as speaker (`.0`) or as outlet (`.1`), by role name.
pub(crate) fn record_of<'a>(
    records: &'a mut RecordsBySource,
    source: i64,
    role: &str,
) -> &'a mut TrackRecord {
    let entry = records.entry(source).or_default();
    if role == "outlet" {
        &mut entry.1
    } else {
        &mut entry.0
    }
}

/// Whether rows of this source count (all when `None`).
fn wanted(sources: Option<&[i64]>, id: i64) -> bool {
    sources.is_none_or(|ids| ids.contains(&id))
}

/// Moves the totals by status by `adjust`.
pub(crate) fn adjust_totals(totals: &mut TrackRecord, adjust: &TallyChanges) {
    for (tally, n) in adjust.moving() {
        if let Tally::Total { status } = tally {
            totals.add(*status, n, 0);
        }
    }
}

/// Moves the claim counts of `sources` (all when `None`) by `adjust`; a
/// source whose claims a replay took away entirely is dropped.
pub(crate) fn adjust_claim_counts(
    records: &mut RecordsBySource,
    sources: Option<&[i64]>,
    adjust: &TallyChanges,
) {
    for (tally, n) in adjust.moving() {
        if let Tally::Status {
            source_id,
            role,
            status,
        } = tally
        {
            if wanted(sources, *source_id) {
                record_of(records, *source_id, role.as_str()).add(*status, n, 0);
            }
        }
    }
    records.retain(|_, (speaker, outlet)| speaker.claims != 0 || outlet.claims != 0);
}

/// Moves the overdue counts of `sources` as of a day by `adjust`.
pub(crate) fn adjust_overdue(
    records: &mut RecordsBySource,
    as_of: NaiveDate,
    sources: Option<&[i64]>,
    adjust: &TallyChanges,
) {
    for (tally, n) in adjust.moving() {
        if let Tally::NextDue {
            source: Some((role, id)),
            next_due,
        } = tally
        {
            if *next_due < as_of && wanted(sources, *id) {
                record_of(records, *id, role.as_str()).overdue += n;
            }
        }
    }
}

/// A source's deadline histograms: delivered deadlines by days late, and
/// undelivered ones by first due date and whether still pending.
#[derive(Default)]
pub(crate) struct Histograms {
    pub delivered: HashMap<i64, i64>,
    pub undelivered: HashMap<(NaiveDate, bool), i64>,
}

/// Histograms by source and role name.
pub(crate) type SourceHistograms = HashMap<(i64, String), Histograms>;

/// Moves the histograms by `adjust`, then sets each source's deadline
/// figures as of a day from them (`rules::deadline_figures`). Undelivered
/// deadlines count only past their first due date.
pub(crate) fn set_deadline_figures(
    mut histograms: SourceHistograms,
    as_of: NaiveDate,
    sources: Option<&[i64]>,
    adjust: &TallyChanges,
    records: &mut RecordsBySource,
) {
    for (tally, n) in adjust.moving() {
        match tally {
            Tally::Delivered {
                source_id,
                role,
                late_days,
            } if wanted(sources, *source_id) => {
                let entry = histograms
                    .entry((*source_id, role.as_str().to_string()))
                    .or_default();
                *entry.delivered.entry(*late_days).or_default() += n;
            }
            Tally::Undelivered {
                source_id,
                role,
                first_due,
                pending,
            } if wanted(sources, *source_id) && *first_due < as_of => {
                let entry = histograms
                    .entry((*source_id, role.as_str().to_string()))
                    .or_default();
                *entry.undelivered.entry((*first_due, *pending)).or_default() += n;
            }
            _ => {}
        }
    }
    for ((source, role), h) in histograms {
        let delivered: Vec<(i64, i64)> = h.delivered.into_iter().collect();
        let undelivered: Vec<(NaiveDate, bool, i64)> = h
            .undelivered
            .into_iter()
            .map(|((due, pending), n)| (due, pending, n))
            .collect();
        let figures = deadline_figures(&delivered, &undelivered, as_of);
        record_of(records, source, &role).set_deadlines(&figures);
    }
}
