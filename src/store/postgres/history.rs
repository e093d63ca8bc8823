//! The history on PostgreSQL: notes, the log, and removing a claim with
//! its history.

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::derived::Writes;
use super::queries::{history_from_row, EVENT_COLUMNS};
use super::reads::claim_state;
use super::PostgresStore;
use crate::domain::model::{EventKind, HistoryEntry, Status};
use crate::store::derived::rewrite;
use crate::store::values::{now, stored, Event};
use crate::store::{LogFilter, StoreError as Error, StoreResult as Result};

use super::Sql;

/// Appends an event written now by the connection's database role.
pub(super) async fn append_event(tx: &mut PgConnection, claim_id: i64, e: &Event<'_>) -> Sql<i64> {
    sqlx::query_scalar(
        "INSERT INTO events (claim_id, event, at, from_status, to_status, note, evidence, \
         deadline_id, old_due, new_due, recorded_at, \"by\", field, old_value, new_value, voids) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, current_user, $12, \
         $13, $14, $15) RETURNING id",
    )
    .bind(claim_id)
    .bind(e.kind.as_str())
    .bind(e.at)
    .bind(e.from.map(Status::as_str))
    .bind(e.to.as_str())
    .bind(e.note)
    .bind(e.evidence)
    .bind(e.deadline_id)
    .bind(e.old_due)
    .bind(e.new_due)
    .bind(now())
    .bind(e.field)
    .bind(&e.old)
    .bind(&e.new)
    .bind(e.voids)
    .fetch_one(&mut *tx)
    .await
}

impl PostgresStore {
    /// Locks a claim's row for a change (writers of one claim take turns)
    /// and returns its status; `NotFound` when there is no such claim.
    pub(super) async fn locked_status(
        &self,
        tx: &mut PgConnection,
        claim_id: i64,
    ) -> Result<Status> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM claims WHERE id = $1 FOR UPDATE")
                .bind(claim_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.failed(e))?;
        stored(
            "status",
            &status.ok_or_else(|| Error::no_claim(claim_id))?,
            Status::from_word,
        )
    }

    /// Appends a note to a claim's history.
    pub async fn append_note(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: &str,
        evidence: Option<&str>,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let status = self.locked_status(&mut tx, claim_id).await?;
        let event = Event {
            note: Some(note),
            evidence,
            ..Event::new(EventKind::Note, on, Some(status), status)
        };
        let id = append_event(&mut tx, claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Events newest written first, as the filter says (`since`: written on
    /// or after that day, UTC).
    pub async fn log(&self, filter: &LogFilter) -> Result<Vec<HistoryEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE ($1::bigint IS NULL OR e.claim_id = $1) \
             AND ($2::date IS NULL OR e.recorded_at >= $2::timestamp AT TIME ZONE 'UTC') \
             AND ($3::text IS NULL OR e.\"by\" = $3) ORDER BY e.id DESC LIMIT $4"
        ))
        .bind(filter.claim_id)
        .bind(filter.since)
        .bind(&filter.by)
        .bind(filter.limit.filter(|n| *n >= 0))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        rows.iter().map(history_from_row).collect()
    }

    /// Removes a claim with its deadlines, tags, history and search row (by
    /// cascade; the history's trigger lets events go only with their claim)
    /// and moves its derived data out.
    pub async fn delete_claim(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        self.locked_status(&mut tx, id).await?;
        let before = claim_state(&mut tx, id).await.map_err(|e| self.failed(e))?;
        sqlx::query("DELETE FROM claims WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        // Its deadlines' facts, counts, journal rows and periods go with it.
        rewrite(&mut Writes(&mut tx), id, before.as_ref(), None).await?;
        self.commit(tx).await?;
        Ok(())
    }
}
