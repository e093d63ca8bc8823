//! `claims undo`: the latest change voided by a correction, and the claim
//! made what it was before it.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::claims::{claim_fields_in, write_fields};
use super::derived::{claim_state, refresh_derived};
use super::history::{append_event, claim_status, events_of, Event};
use super::rows::now;
use super::search::index_claim;
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::history::DeadlineValue;
use crate::domain::model::{EventKind, HistoryEntry};
use crate::store::{StoreError as Error, StoreResult as Result};

impl SqliteStore {
    /// Voids the latest event that can be voided and reverses its effect:
    /// the claim becomes what it was before that event.
    pub(super) async fn undo(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<HistoryEntry> {
        let mut tx = self.begin().await?;
        let before = claim_state(&mut tx, claim_id)
            .await?
            .ok_or_else(|| Error::no_claim(claim_id))?;
        let events = events_of(&mut tx, &[claim_id])
            .await?
            .remove(&claim_id)
            .unwrap_or_default();
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
        reverse(&mut tx, claim_id, &target).await?;
        let status = claim_status(&mut tx, claim_id).await?;
        let event = Event {
            note,
            voids: Some(target.id),
            deadline_id: target.deadline_id,
            field: target.field.as_deref(),
            ..Event::new(EventKind::Correction, on, Some(target.to), status)
        };
        append_event(&mut tx, self.by(), claim_id, &event).await?;
        index_claim(&mut tx, claim_id).await?;
        refresh_derived(&mut tx, claim_id, Some(before)).await?;
        tx.commit().await?;
        Ok(target)
    }
}

/// Makes the claim what it was before `event`, the latest change in force.
async fn reverse(tx: &mut SqliteConnection, claim_id: i64, event: &HistoryEntry) -> Result<()> {
    let unreadable = || {
        Error::Corrupt(format!(
            "event {} of claim {claim_id} cannot be reversed: its values are unreadable",
            event.id
        ))
    };
    match event.event {
        EventKind::Edited => {
            let field = event.field.as_deref().ok_or_else(unreadable)?;
            let fields = claim_fields_in(tx, claim_id)
                .await?
                .with_value(field, event.old.as_deref())
                .ok_or_else(unreadable)?;
            write_fields(tx, claim_id, &fields).await?;
        }
        EventKind::Status | EventKind::Reopened => {
            let from = event.from.ok_or_else(unreadable)?;
            sqlx::query("UPDATE claims SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(from.as_str())
                .bind(now())
                .bind(claim_id)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::DeadlineAdded => {
            sqlx::query("DELETE FROM deadlines WHERE id = $1")
                .bind(event.deadline_id)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::DeadlineMet => {
            sqlx::query("UPDATE deadlines SET met_on = NULL WHERE id = $1")
                .bind(event.deadline_id)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::DeadlineMoved => {
            match event.old.as_deref().and_then(DeadlineValue::decode) {
                Some(old) => {
                    sqlx::query(
                        "UPDATE deadlines SET due = $1, precision = $2, as_written = $3 \
                         WHERE id = $4",
                    )
                    .bind(&old.due)
                    .bind(&old.precision)
                    .bind(&old.as_written)
                    .bind(event.deadline_id)
                    .execute(&mut *tx)
                    .await?;
                }
                // A move recorded before schema 14 kept only the date.
                None => {
                    sqlx::query("UPDATE deadlines SET due = $1 WHERE id = $2")
                        .bind(event.old_due.map(iso).ok_or_else(unreadable)?)
                        .bind(event.deadline_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        EventKind::DeadlineRemoved => {
            let old = event
                .old
                .as_deref()
                .and_then(DeadlineValue::decode)
                .ok_or_else(unreadable)?;
            sqlx::query(
                "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, as_written, \
                 number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(old.id)
            .bind(claim_id)
            .bind(&old.due)
            .bind(&old.precision)
            .bind(&old.label)
            .bind(&old.met_on)
            .bind(&old.as_written)
            .bind(old.number)
            .execute(&mut *tx)
            .await?;
        }
        EventKind::Note => {}
        EventKind::Recorded | EventKind::Correction => return Err(unreadable()),
    }
    Ok(())
}
