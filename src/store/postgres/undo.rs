//! `claims undo` on PostgreSQL: the latest change voided by a correction,
//! and the claim made what it was before it.

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::claims::write_fields;
use super::history::append_event;
use super::reads::{claim_state, refresh_derived, replayable};
use super::search::index_claim;
use super::PostgresStore;
use crate::domain::history::DeadlineValue;
use crate::domain::model::{EventKind, HistoryEntry};
use crate::store::values::{now, Event};
use crate::store::{StoreError as Error, StoreResult as Result};

impl PostgresStore {
    /// Voids the latest event that can be voided and reverses its effect.
    pub async fn undo(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<HistoryEntry> {
        let mut tx = self.begin().await?;
        self.locked_status(&mut tx, claim_id).await?;
        let before = claim_state(&mut tx, claim_id)
            .await
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::no_claim(claim_id))?;
        let (_, events) = replayable(&mut tx, &[claim_id])
            .await
            .map_err(|e| self.failed(e))?
            .remove(&claim_id)
            .ok_or_else(|| Error::no_claim(claim_id))?;
        let target = events
            .iter()
            .rev()
            .find(|e| !e.voided && !matches!(e.event, EventKind::Correction | EventKind::Recorded))
            .cloned()
            .ok_or_else(|| {
                Error::Conflict(format!(
                    "claim {claim_id} has no change left to undo (to delete the claim, use `claims remove {claim_id}`)"
                ))
            })?;
        self.reverse(&mut tx, claim_id, &target).await?;
        let status = self.locked_status(&mut tx, claim_id).await?;
        let event = Event {
            note,
            voids: Some(target.id),
            deadline_id: target.deadline_id,
            field: target.field.as_deref(),
            ..Event::new(EventKind::Correction, on, Some(target.to), status)
        };
        append_event(&mut tx, claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        index_claim(&mut tx, claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, claim_id, Some(before)).await?;
        self.commit(tx).await?;
        Ok(target)
    }

    /// Makes the claim what it was before `event`, the latest change in force.
    async fn reverse(
        &self,
        tx: &mut PgConnection,
        claim_id: i64,
        event: &HistoryEntry,
    ) -> Result<()> {
        let unreadable = || {
            Error::Corrupt(format!(
                "event {} of claim {claim_id} cannot be reversed: its values are unreadable",
                event.id
            ))
        };
        let old_deadline = || {
            event
                .old
                .as_deref()
                .and_then(DeadlineValue::decode)
                .ok_or_else(unreadable)
        };
        let done = match event.event {
            EventKind::Edited => {
                let field = event.field.as_deref().ok_or_else(unreadable)?;
                let fields = self
                    .claim_fields_in(tx, claim_id)
                    .await?
                    .with_value(field, event.old.as_deref())
                    .ok_or_else(unreadable)?;
                write_fields(tx, claim_id, &fields).await
            }
            EventKind::Status | EventKind::Reopened => {
                let from = event.from.ok_or_else(unreadable)?;
                sqlx::query(
                    "UPDATE claims SET status = $1, updated_at = $2::timestamptz WHERE id = $3",
                )
                .bind(from.as_str())
                .bind(now())
                .bind(claim_id)
                .execute(&mut *tx)
                .await
                .map(drop)
            }
            EventKind::DeadlineAdded => sqlx::query("DELETE FROM deadlines WHERE id = $1")
                .bind(event.deadline_id)
                .execute(&mut *tx)
                .await
                .map(drop),
            EventKind::DeadlineMet => {
                sqlx::query("UPDATE deadlines SET met_on = NULL WHERE id = $1")
                    .bind(event.deadline_id)
                    .execute(&mut *tx)
                    .await
                    .map(drop)
            }
            EventKind::DeadlineMoved => {
                match event.old.as_deref().and_then(DeadlineValue::decode) {
                    // A move recorded before SQLite's schema 14 (imported) kept only the date.
                    None => sqlx::query("UPDATE deadlines SET due = $1 WHERE id = $2")
                        .bind(event.old_due.ok_or_else(unreadable)?)
                        .bind(event.deadline_id)
                        .execute(&mut *tx)
                        .await
                        .map(drop),
                    Some(old) => sqlx::query(
                        "UPDATE deadlines SET due = $1::date, precision = $2, as_written = $3 \
                     WHERE id = $4",
                    )
                    .bind(&old.due)
                    .bind(&old.precision)
                    .bind(&old.as_written)
                    .bind(event.deadline_id)
                    .execute(&mut *tx)
                    .await
                    .map(drop),
                }
            }
            EventKind::DeadlineRemoved => {
                let old = old_deadline()?;
                sqlx::query(
                    "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, \
                     as_written, number) VALUES ($1, $2, $3::date, $4, $5, $6::date, $7, $8)",
                )
                .bind(old.id)
                .bind(claim_id)
                .bind(&old.due)
                .bind(&old.precision)
                .bind(&old.label)
                .bind(&old.met_on)
                .bind(&old.as_written)
                .bind(old.number as i32)
                .execute(&mut *tx)
                .await
                .map(drop)
            }
            EventKind::Note => Ok(()),
            EventKind::Recorded | EventKind::Correction => return Err(unreadable()),
        };
        done.map_err(|e| self.failed(e))
    }
}
