//! Deadlines on PostgreSQL: add, meet, move, remove, each with its event
//! and derived data, the claim locked.

use chrono::NaiveDate;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Row;

use super::claims::insert_deadline_in;
use super::history::append_event;
use super::reads::{claim_state, refresh_derived};
use super::PostgresStore;
use crate::domain::dates::iso;
use crate::domain::history::DeadlineValue;
use crate::domain::model::{Deadline, DeadlineRef, EventKind, Precision};
use crate::store::values::{stored, Event};
use crate::store::{NewDeadline, StoreError as Error, StoreResult as Result};

pub(super) const DEADLINE_COLUMNS: &str =
    "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines";

fn deadline_from_row(row: &PgRow) -> Result<Deadline> {
    let bad = |e: sqlx::Error| Error::Corrupt(format!("a deadline row: {e}"));
    let claim_id: i64 = row.try_get("claim_id").map_err(bad)?;
    let number: i32 = row.try_get("number").map_err(bad)?;
    Ok(Deadline {
        id: row.try_get("id").map_err(bad)?,
        reference: DeadlineRef {
            claim_id,
            number: i64::from(number),
        },
        claim_id,
        due: row.try_get("due").map_err(bad)?,
        precision: stored(
            "precision",
            row.try_get("precision").map_err(bad)?,
            Precision::from_word,
        )?,
        label: row.try_get("label").map_err(bad)?,
        met_on: row.try_get("met_on").map_err(bad)?,
        as_written: row.try_get("as_written").map_err(bad)?,
    })
}

impl PostgresStore {
    /// The deadline users call `6.1`.
    pub async fn deadline_by_ref(&self, reference: DeadlineRef) -> Result<Deadline> {
        let row = sqlx::query(&format!(
            "{DEADLINE_COLUMNS} WHERE claim_id = $1 AND number = $2"
        ))
        .bind(reference.claim_id)
        .bind(reference.number as i32)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.failed(e))?
        .ok_or_else(|| Error::NotFound {
            what: "deadline",
            key: reference.to_string(),
        })?;
        deadline_from_row(&row)
    }

    /// The deadline with this id, or `NotFound`.
    pub async fn deadline(&self, id: i64) -> Result<Deadline> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.failed(e))?;
        self.locked_deadline(&mut conn, id, false).await
    }

    /// A deadline, with its claim's row locked (`lock`) for a change.
    pub(super) async fn locked_deadline(
        &self,
        tx: &mut PgConnection,
        id: i64,
        lock: bool,
    ) -> Result<Deadline> {
        if lock {
            sqlx::query("SELECT 1 FROM claims WHERE id = (SELECT claim_id FROM deadlines WHERE id = $1) FOR UPDATE")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.failed(e))?;
        }
        let row = sqlx::query(&format!("{DEADLINE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?
            .ok_or_else(|| Error::no_deadline(id))?;
        deadline_from_row(&row)
    }

    /// Adds a deadline to a claim with a `deadline_added` event dated `on`.
    pub async fn insert_deadline(
        &self,
        claim_id: i64,
        deadline: &NewDeadline,
        on: NaiveDate,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        self.locked_status(&mut tx, claim_id).await?;
        let before = claim_state(&mut tx, claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        let id = insert_deadline_in(&mut tx, claim_id, deadline)
            .await
            .map_err(|e| self.failed(e))?;
        let added = self.locked_deadline(&mut tx, id, false).await?;
        let status = self.locked_status(&mut tx, claim_id).await?;
        let event = Event {
            deadline_id: Some(id),
            new_due: Some(added.due),
            new: Some(DeadlineValue::of(&added).encode()),
            ..Event::new(EventKind::DeadlineAdded, on, Some(status), status)
        };
        append_event(&mut tx, claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, claim_id, before).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Records that a deadline was met on a day, with its event.
    pub async fn meet_deadline(&self, id: i64, on: NaiveDate) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = self.locked_deadline(&mut tx, id, true).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {} was already met on {}",
                deadline.reference,
                iso(met)
            )));
        }
        let before = claim_state(&mut tx, deadline.claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        sqlx::query("UPDATE deadlines SET met_on = $1 WHERE id = $2")
            .bind(on)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let status = self.locked_status(&mut tx, deadline.claim_id).await?;
        let met = Deadline {
            met_on: Some(on),
            ..deadline.clone()
        };
        let event = Event {
            deadline_id: Some(id),
            new: Some(DeadlineValue::of(&met).encode()),
            ..Event::new(EventKind::DeadlineMet, on, Some(status), status)
        };
        append_event(&mut tx, deadline.claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        self.commit(tx).await?;
        Ok(met)
    }

    /// Extends (or brings forward) an unmet deadline, recording the old and
    /// the new due date in the claim's history.
    pub async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        at: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = self.locked_deadline(&mut tx, id, true).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {} was met on {}; there is nothing to move",
                deadline.reference,
                iso(met)
            )));
        }
        let before = claim_state(&mut tx, deadline.claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        sqlx::query("UPDATE deadlines SET due = $1, precision = $2, as_written = $4 WHERE id = $3")
            .bind(to.due)
            .bind(to.precision.as_str())
            .bind(id)
            .bind(&to.as_written)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let status = self.locked_status(&mut tx, deadline.claim_id).await?;
        let moved = self.locked_deadline(&mut tx, id, false).await?;
        let event = Event {
            note,
            deadline_id: Some(id),
            old_due: Some(deadline.due),
            new_due: Some(to.due),
            old: Some(DeadlineValue::of(&deadline).encode()),
            new: Some(DeadlineValue::of(&moved).encode()),
            ..Event::new(EventKind::DeadlineMoved, at, Some(status), status)
        };
        append_event(&mut tx, deadline.claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        self.commit(tx).await?;
        Ok(deadline)
    }

    /// Removes a deadline, with a `deadline_removed` event dated `on` that
    /// keeps it whole (replays of earlier days bring it back).
    pub async fn delete_deadline(
        &self,
        id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = self.locked_deadline(&mut tx, id, true).await?;
        let before = claim_state(&mut tx, deadline.claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        sqlx::query("DELETE FROM deadlines WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let status = self.locked_status(&mut tx, deadline.claim_id).await?;
        let event = Event {
            note,
            deadline_id: Some(id),
            old_due: Some(deadline.due),
            old: Some(DeadlineValue::of(&deadline).encode()),
            ..Event::new(EventKind::DeadlineRemoved, on, Some(status), status)
        };
        append_event(&mut tx, deadline.claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        self.commit(tx).await?;
        Ok(deadline)
    }
}
