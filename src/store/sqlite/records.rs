//! Track records and claim counts per source, from the counts kept beside
//! the claims.

use sqlx::Row;

use chrono::NaiveDate;

use super::rows::stored;
use super::statement::{text, Bind, Statement};
use super::SqliteStore;
use crate::domain::dates::{from_iso, iso};
use crate::domain::model::{Status, TrackRecord};
use crate::domain::rules::TallyChanges;
use crate::store::records::{
    adjust_claim_counts, adjust_overdue, adjust_totals, record_of, set_deadline_figures,
    SourceHistograms,
};
use crate::store::{RecordsBySource, StoreError as Error, StoreResult as Result};

/// `AND source_id IN (...)`; -1 keeps the list valid when `ids` is empty.
pub(super) fn push_source_ids(s: &mut Statement, ids: &[i64]) {
    s.push(" AND source_id IN (-1", []);
    for id in ids {
        s.push(", {}", [Bind::Int(*id)]);
    }
    s.push(")", []);
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
        adjust_totals(&mut totals, adjust);
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
        adjust_overdue(&mut records, as_of, sources, adjust);
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
        adjust_claim_counts(records, sources, adjust);
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
        let mut histograms = SourceHistograms::new();
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
                    *entry.undelivered.entry((due, pending == "1")).or_default() += n;
                } else {
                    let [late, n] = parts[..] else {
                        return Err(bad());
                    };
                    let late = late.parse().map_err(|_| bad())?;
                    let n: i64 = n.parse().map_err(|_| bad())?;
                    *entry.delivered.entry(late).or_default() += n;
                }
            }
        }
        set_deadline_figures(histograms, as_of, ids, adjust, records);
        Ok(())
    }
}
