//! Track records and claim counts per source, from the counts kept beside
//! the claims.

use sqlx::Row;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::rows::stored;
use super::statement::{text, Bind, Statement};
use super::SqliteStore;
use crate::domain::dates::{from_iso, iso};
use crate::domain::model::{Status, TrackRecord};
use crate::domain::rules::{deadline_figures, Tally, TallyChanges};
use crate::store::{RecordsBySource, StoreError as Error, StoreResult as Result};

/// `AND source_id IN (...)`; -1 keeps the list valid when `ids` is empty.
pub(super) fn push_source_ids(s: &mut Statement, ids: &[i64]) {
    s.push(" AND source_id IN (-1", []);
    for id in ids {
        s.push(", {}", [Bind::Int(*id)]);
    }
    s.push(")", []);
}

/// A source's record as speaker (`.0`) or as outlet (`.1`), by role name.
pub(super) fn record_of<'a>(
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

/// Whether `adjust` rows of this source count (all when `None`).
fn wanted(sources: Option<&[i64]>, id: i64) -> bool {
    sources.is_none_or(|ids| ids.contains(&id))
}

impl SqliteStore {
    /// Every claim counted once by status, moved by `adjust`.
    pub(super) async fn totals(&self, adjust: &TallyChanges) -> Result<TrackRecord> {
        let mut totals = TrackRecord::default();
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, n FROM source_counts WHERE role = 'all' AND source_id = 0",
        )
        .fetch_all(&self.pool)
        .await?;
        for (status, n) in rows {
            totals.add(stored("status", &status, Status::from_word)?, n, 0);
        }
        for (tally, n) in adjust.moving() {
            if let Tally::Total { status } = tally {
                totals.add(*status, n, 0);
            }
        }
        Ok(totals)
    }

    /// Every source's claims by status and role, from `source_counts`,
    /// moved by `adjust`.
    pub(super) async fn claim_counts(&self, adjust: &TallyChanges) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        self.add_claim_counts(None, adjust, &mut records).await?;
        Ok(records)
    }

    /// Counts, overdue and deadline figures for `sources` (all when `None`),
    /// moved by `adjust`.
    pub(super) async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
    ) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        if sources.is_some_and(|ids| ids.is_empty()) {
            return Ok(records);
        }
        self.add_claim_counts(sources, adjust, &mut records).await?;
        // Overdue claims per source and role, from the next-due counts
        // (migration 8): a range of dates per source.
        let mut s = Statement::new(
            "SELECT source_id, role, SUM(n) FROM claim_due_counts \
             WHERE role IN ('speaker', 'outlet') AND n <> 0",
        );
        s.push(" AND next_due < {}", [text(iso(as_of))]);
        if let Some(ids) = sources {
            push_source_ids(&mut s, ids);
        }
        s.push(" GROUP BY source_id, role", []);
        for row in s.query().fetch_all(&self.pool).await? {
            record_of(&mut records, row.try_get(0)?, row.try_get(1)?).overdue +=
                row.try_get::<i64, _>(2)?;
        }
        for (tally, n) in adjust.moving() {
            if let Tally::NextDue {
                source: Some((role, id)),
                next_due,
            } = tally
            {
                if *next_due < as_of && wanted(sources, *id) {
                    record_of(&mut records, *id, role.as_str()).overdue += n;
                }
            }
        }
        self.deadline_figures(as_of, sources, adjust, &mut records)
            .await?;
        Ok(records)
    }

    async fn add_claim_counts(
        &self,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
        records: &mut RecordsBySource,
    ) -> Result<()> {
        let mut counts = Statement::new(
            "SELECT source_id, role, status, n FROM source_counts WHERE n <> 0 AND role <> 'all'",
        );
        if let Some(ids) = sources {
            push_source_ids(&mut counts, ids);
        }
        for row in counts.query().fetch_all(&self.pool).await? {
            record_of(records, row.try_get("source_id")?, row.try_get("role")?).add(
                stored("status", row.try_get("status")?, Status::from_word)?,
                row.try_get("n")?,
                0,
            );
        }
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
        // A source whose claims a replay took away entirely has none.
        records.retain(|_, (speaker, outlet)| speaker.claims != 0 || outlet.claims != 0);
        Ok(())
    }

    /// Adds the deadline figures to `records` (for `ids`, all when `None`),
    /// judged by `rules::deadline_figures` from the histograms of migration
    /// 8: one packed row per source, role and table, so the cost follows the
    /// sources asked for and their distinct dates, not their deadlines.
    pub(super) async fn deadline_figures(
        &self,
        as_of: NaiveDate,
        ids: Option<&[i64]>,
        adjust: &TallyChanges,
        records: &mut RecordsBySource,
    ) -> Result<()> {
        let only = |s: &mut Statement| {
            if let Some(ids) = ids {
                push_source_ids(s, ids);
                s.push(" AND role IN ('speaker', 'outlet')", []);
            }
        };
        // Undelivered deadlines count once past their first due date; the
        // date narrows the rows read, the rule decides.
        let mut s = Statement::new(
            "SELECT source_id, role, 0, group_concat(late_days || ':' || n) \
             FROM record_delivered WHERE n > 0",
        );
        only(&mut s);
        s.push(
            " GROUP BY source_id, role UNION ALL SELECT source_id, role, 1, \
             group_concat(first_due || ':' || pending || ':' || n) FROM record_undelivered \
             WHERE n > 0 AND first_due < {}",
            [text(iso(as_of))],
        );
        only(&mut s);
        s.push(" GROUP BY source_id, role", []);
        type Histograms = (HashMap<i64, i64>, HashMap<(NaiveDate, bool), i64>);
        let mut histograms: HashMap<(i64, String), Histograms> = HashMap::new();
        for row in s.query().fetch_all(&self.pool).await? {
            let undelivered: bool = row.try_get(2)?;
            let packed: String = row.try_get(3)?;
            let entry = histograms
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            for item in packed.split(',') {
                let bad = || Error::Corrupt(format!("unexpected deadline counts `{item}`"));
                let parts: Vec<&str> = item.split(':').collect();
                if undelivered {
                    let [due, pending, n] = parts[..] else {
                        return Err(bad());
                    };
                    let due = from_iso(due).ok_or_else(bad)?;
                    let n: i64 = n.parse().map_err(|_| bad())?;
                    *entry.1.entry((due, pending == "1")).or_default() += n;
                } else {
                    let [late, n] = parts[..] else {
                        return Err(bad());
                    };
                    let late = late.parse().map_err(|_| bad())?;
                    let n: i64 = n.parse().map_err(|_| bad())?;
                    *entry.0.entry(late).or_default() += n;
                }
            }
        }
        for (tally, n) in adjust.moving() {
            match tally {
                Tally::Delivered {
                    source_id,
                    role,
                    late_days,
                } if wanted(ids, *source_id) => {
                    let entry = histograms
                        .entry((*source_id, role.as_str().to_string()))
                        .or_default();
                    *entry.0.entry(*late_days).or_default() += n;
                }
                Tally::Undelivered {
                    source_id,
                    role,
                    first_due,
                    pending,
                } if wanted(ids, *source_id) && *first_due < as_of => {
                    let entry = histograms
                        .entry((*source_id, role.as_str().to_string()))
                        .or_default();
                    *entry.1.entry((*first_due, *pending)).or_default() += n;
                }
                _ => {}
            }
        }
        for ((source, role), (delivered, undelivered)) in histograms {
            let delivered: Vec<(i64, i64)> = delivered.into_iter().collect();
            let undelivered: Vec<(NaiveDate, bool, i64)> = undelivered
                .into_iter()
                .map(|((due, pending), n)| (due, pending, n))
                .collect();
            let figures = deadline_figures(&delivered, &undelivered, as_of);
            record_of(records, source, &role).set_deadlines(&figures);
        }
        Ok(())
    }
}
