//! Track records and claim counts per source on PostgreSQL, from the counts
//! kept beside the claims (assembled by `store::records`).

use chrono::NaiveDate;
use sqlx::Row;

use super::reads::word;
use super::PostgresStore;
use crate::domain::model::{Status, TrackRecord};
use crate::domain::rules::TallyChanges;
use crate::store::records::{
    adjust_claim_counts, adjust_overdue, adjust_totals, record_of, set_deadline_figures,
    SourceHistograms,
};
use crate::store::{RecordsBySource, StoreResult as Result};

use super::Sql;

impl PostgresStore {
    /// Every claim counted once by status, moved by `adjust`.
    pub async fn totals(&self, adjust: &TallyChanges) -> Result<TrackRecord> {
        let mut totals = TrackRecord::default();
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, n FROM source_counts WHERE role = 'all' AND source_id = 0",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        for (status, n) in rows {
            let status = word("status", &status, Status::from_word).map_err(|e| self.failed(e))?;
            totals.add(status, n, 0);
        }
        adjust_totals(&mut totals, adjust);
        Ok(totals)
    }

    /// Every source's claims by status and role, moved by `adjust`.
    pub async fn claim_counts(&self, adjust: &TallyChanges) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        self.add_claim_counts(None, &mut records)
            .await
            .map_err(|e| self.failed(e))?;
        adjust_claim_counts(&mut records, None, adjust);
        Ok(records)
    }

    /// Counts, overdue and deadline figures for `sources` (all when `None`)
    /// as of a day, moved by `adjust`.
    pub async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
    ) -> Result<RecordsBySource> {
        let mut records = RecordsBySource::new();
        if sources.is_some_and(|ids| ids.is_empty()) {
            return Ok(records);
        }
        self.add_claim_counts(sources, &mut records)
            .await
            .map_err(|e| self.failed(e))?;
        adjust_claim_counts(&mut records, sources, adjust);
        let histograms = self
            .records_rows(as_of, sources, &mut records)
            .await
            .map_err(|e| self.failed(e))?;
        adjust_overdue(&mut records, as_of, sources, adjust);
        set_deadline_figures(histograms, as_of, sources, adjust, &mut records);
        Ok(records)
    }

    async fn add_claim_counts(
        &self,
        sources: Option<&[i64]>,
        records: &mut RecordsBySource,
    ) -> Sql<()> {
        let rows = sqlx::query(
            "SELECT source_id, role, status, n FROM source_counts \
             WHERE n <> 0 AND role <> 'all' AND ($1::bigint[] IS NULL OR source_id = ANY($1))",
        )
        .bind(sources.map(<[i64]>::to_vec))
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let status = word("status", row.try_get(2)?, Status::from_word)?;
            record_of(records, row.try_get(0)?, row.try_get(1)?).add(status, row.try_get(3)?, 0);
        }
        Ok(())
    }

    /// Adds the overdue counts to `records` and reads the deadline
    /// histograms (undelivered deadlines only past their first due date).
    async fn records_rows(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        records: &mut RecordsBySource,
    ) -> Sql<SourceHistograms> {
        let ids = sources.map(<[i64]>::to_vec);
        let only =
            "role IN ('speaker', 'outlet') AND ($2::bigint[] IS NULL OR source_id = ANY($2))";
        let rows = sqlx::query(&format!(
            "SELECT source_id, role, SUM(n)::bigint FROM claim_due_counts \
             WHERE {only} AND n <> 0 AND next_due < $1 GROUP BY source_id, role"
        ))
        .bind(as_of)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            record_of(records, row.try_get(0)?, row.try_get(1)?).overdue +=
                row.try_get::<i64, _>(2)?;
        }
        let mut histograms = SourceHistograms::new();
        let rows = sqlx::query(&format!(
            "SELECT source_id, role, late_days, n FROM record_delivered \
             WHERE {only} AND n > 0 AND $1::date IS NOT NULL"
        ))
        .bind(as_of)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let late: i32 = row.try_get(2)?;
            let entry = histograms
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            *entry.delivered.entry(i64::from(late)).or_default() += row.try_get::<i64, _>(3)?;
        }
        let rows = sqlx::query(&format!(
            "SELECT source_id, role, first_due, pending, n FROM record_undelivered \
             WHERE {only} AND n > 0 AND first_due < $1"
        ))
        .bind(as_of)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let entry = histograms
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            *entry
                .undelivered
                .entry((row.try_get(2)?, row.try_get(3)?))
                .or_default() += row.try_get::<i64, _>(4)?;
        }
        Ok(histograms)
    }
}
