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
use crate::domain::rules::weighted_median;
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

impl SqliteStore {
    /// Every source's claims by status and role, from `source_counts`.
    pub(super) async fn claim_counts(&self) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        self.add_claim_counts(None, &mut records).await?;
        Ok(records)
    }

    /// Counts, overdue and deadline figures for `sources` (all when `None`).
    pub(super) async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
    ) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        if sources.is_some_and(|ids| ids.is_empty()) {
            return Ok(records);
        }
        self.add_claim_counts(sources, &mut records).await?;
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
        self.deadline_figures(as_of, sources, &mut records).await?;
        Ok(records)
    }

    async fn add_claim_counts(
        &self,
        sources: Option<&[i64]>,
        records: &mut RecordsBySource,
    ) -> Result<()> {
        let mut counts =
            Statement::new("SELECT source_id, role, status, n FROM source_counts WHERE n <> 0");
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
        Ok(())
    }

    /// Adds the deadline figures to `records` (for `ids`, all when `None`),
    /// from the histograms of migration 8: three queries whose cost follows
    /// the sources asked for and their distinct dates, not their deadlines.
    pub(super) async fn deadline_figures(
        &self,
        as_of: NaiveDate,
        ids: Option<&[i64]>,
        records: &mut RecordsBySource,
    ) -> Result<()> {
        let only = |s: &mut Statement| {
            if let Some(ids) = ids {
                push_source_ids(s, ids);
                s.push(" AND role IN ('speaker', 'outlet')", []);
            }
        };
        let today = as_of;
        let as_of = iso(as_of);
        let mut figures: HashMap<(i64, String), (i64, i64, Option<f64>)> = HashMap::new();

        let mut delivered = Statement::new(
            "SELECT source_id, role, SUM(n), SUM(CASE WHEN late_days = 0 THEN n ELSE 0 END) \
             FROM record_delivered WHERE n > 0",
        );
        only(&mut delivered);
        delivered.push(" GROUP BY source_id, role", []);
        for row in delivered.query().fetch_all(&self.pool).await? {
            let entry = figures
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            entry.0 += row.try_get::<i64, _>(2)?;
            entry.1 += row.try_get::<i64, _>(3)?;
        }

        let mut missed =
            Statement::new("SELECT source_id, role, SUM(n) FROM record_undelivered WHERE n > 0");
        missed.push(" AND first_due < {}", [text(as_of.clone())]);
        only(&mut missed);
        missed.push(" GROUP BY source_id, role", []);
        for row in missed.query().fetch_all(&self.pool).await? {
            let entry = figures
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            entry.0 += row.try_get::<i64, _>(2)?;
        }

        // The delays, as (days, how many) per source and role: delivered
        // late (from the counts), and still open past the date (as of now).
        // Packed one row per source and role; the median is taken in Rust
        // (SQLite's window functions took 90 ms at a million claims).
        let mut delays =
            Statement::new("SELECT source_id, role, 0, group_concat(late_days || ':' || n) FROM record_delivered WHERE late_days > 0 AND n > 0");
        only(&mut delays);
        delays.push(
            " GROUP BY source_id, role UNION ALL SELECT source_id, role, 1, \
             group_concat(first_due || ':' || n) FROM record_undelivered \
             WHERE pending = 1 AND n > 0 AND first_due < {}",
            [text(as_of.clone())],
        );
        only(&mut delays);
        delays.push(" GROUP BY source_id, role", []);
        let mut values: HashMap<(i64, String), Vec<(i64, i64)>> = HashMap::new();
        for row in delays.query().fetch_all(&self.pool).await? {
            let open: bool = row.try_get(2)?;
            let packed: String = row.try_get(3)?;
            let list = values
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            for pair in packed.split(',') {
                let parsed = pair.split_once(':').and_then(|(value, n)| {
                    let n: i64 = n.parse().ok()?;
                    let days = if open {
                        (today - from_iso(value)?).num_days()
                    } else {
                        value.parse().ok()?
                    };
                    Some((days, n))
                });
                list.push(parsed.ok_or_else(|| {
                    Error::Corrupt(format!("unexpected delay counts `{pair}` in the database"))
                })?);
            }
        }
        for (key, list) in values {
            figures.entry(key).or_default().2 = weighted_median(list);
        }

        for ((source, role), (due, on_time, median)) in figures {
            record_of(records, source, &role).set_deadlines(due, on_time, median);
        }
        Ok(())
    }
}
