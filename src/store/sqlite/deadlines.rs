//! Deadlines: add, meet, move, remove.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::derived::{claim_state, refresh_derived};
use super::history::{append_event, claim_status, Event};
use super::ids::{take_id, Ids};
use super::rows::deadline_from_row;
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::history::DeadlineValue;
use crate::domain::model::{Deadline, DeadlineRef, EventKind};
use crate::store::{NewDeadline, StoreError as Error, StoreResult as Result};

pub(super) async fn insert_deadline_in(
    tx: &mut SqliteConnection,
    claim_id: i64,
    deadline: &NewDeadline,
) -> Result<i64> {
    let id = take_id(tx, Ids::Deadlines).await?;
    // The claim's next deadline number; numbers are never given twice.
    let number: Option<i64> = sqlx::query_scalar(
        "UPDATE claims SET deadlines_given = deadlines_given + 1 WHERE id = $1 \
         RETURNING deadlines_given",
    )
    .bind(claim_id)
    .fetch_optional(&mut *tx)
    .await?;
    let number = number.ok_or_else(|| Error::no_claim(claim_id))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, as_written, number) \
         VALUES ($6, $1, $2, $3, $4, $5, $7, $8) RETURNING id",
    )
    .bind(claim_id)
    .bind(iso(deadline.due))
    .bind(deadline.precision.as_str())
    .bind(&deadline.label)
    .bind(deadline.met_on.map(iso))
    .bind(id)
    .bind(&deadline.as_written)
    .bind(number)
    .fetch_one(&mut *tx)
    .await?)
}

pub(super) async fn deadline_in(tx: &mut SqliteConnection, id: i64) -> Result<Deadline> {
    let row = sqlx::query(
        "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::no_deadline(id))?;
    deadline_from_row(&row)
}

impl SqliteStore {
    /// The deadline users call `6.1`.
    pub(super) async fn deadline_by_ref(&self, reference: DeadlineRef) -> Result<Deadline> {
        let row = sqlx::query(
            "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines \
             WHERE claim_id = $1 AND number = $2",
        )
        .bind(reference.claim_id)
        .bind(reference.number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: "deadline",
            key: reference.to_string(),
        })?;
        deadline_from_row(&row)
    }

    /// The deadline with this id, or `NotFound`.
    pub(super) async fn deadline(&self, id: i64) -> Result<Deadline> {
        let row = sqlx::query(
            "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::no_deadline(id))?;
        deadline_from_row(&row)
    }

    /// Adds a deadline to a claim with a `deadline_added` event dated `on`.
    pub(super) async fn insert_deadline(
        &self,
        claim_id: i64,
        deadline: &NewDeadline,
        on: NaiveDate,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let before = claim_state(&mut tx, claim_id)
            .await?
            .ok_or_else(|| Error::no_claim(claim_id))?;
        let id = insert_deadline_in(&mut tx, claim_id, deadline).await?;
        let added = deadline_in(&mut tx, id).await?;
        let status = claim_status(&mut tx, claim_id).await?;
        let event = Event {
            deadline_id: Some(id),
            new_due: Some(added.due),
            new: Some(DeadlineValue::of(&added).encode()),
            ..Event::new(EventKind::DeadlineAdded, on, Some(status), status)
        };
        append_event(&mut tx, self.by(), claim_id, &event).await?;
        refresh_derived(&mut tx, claim_id, Some(before)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records that a deadline was met on a day, with a history row.
    pub(super) async fn meet_deadline(&self, id: i64, on: NaiveDate) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = deadline_in(&mut tx, id).await?;
        let before = claim_state(&mut tx, deadline.claim_id).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {} was already met on {}",
                deadline.reference,
                iso(met)
            )));
        }
        sqlx::query("UPDATE deadlines SET met_on = $1 WHERE id = $2")
            .bind(iso(on))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let status = claim_status(&mut tx, deadline.claim_id).await?;
        let met = Deadline {
            met_on: Some(on),
            ..deadline.clone()
        };
        let event = Event {
            deadline_id: Some(id),
            new: Some(DeadlineValue::of(&met).encode()),
            ..Event::new(EventKind::DeadlineMet, on, Some(status), status)
        };
        append_event(&mut tx, self.by(), deadline.claim_id, &event).await?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        tx.commit().await?;
        Ok(Deadline {
            met_on: Some(on),
            ..deadline
        })
    }

    /// Extends (or brings forward) an unmet deadline, recording the old and
    /// the new due date in the claim's history.
    pub(super) async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        at: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = deadline_in(&mut tx, id).await?;
        let before = claim_state(&mut tx, deadline.claim_id).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {} was met on {}; there is nothing to move",
                deadline.reference,
                iso(met)
            )));
        }
        sqlx::query("UPDATE deadlines SET due = $1, precision = $2, as_written = $4 WHERE id = $3")
            .bind(iso(to.due))
            .bind(to.precision.as_str())
            .bind(id)
            .bind(&to.as_written)
            .execute(&mut *tx)
            .await?;
        let status = claim_status(&mut tx, deadline.claim_id).await?;
        let moved = deadline_in(&mut tx, id).await?;
        let event = Event {
            note,
            deadline_id: Some(id),
            old_due: Some(deadline.due),
            new_due: Some(to.due),
            old: Some(DeadlineValue::of(&deadline).encode()),
            new: Some(DeadlineValue::of(&moved).encode()),
            ..Event::new(EventKind::DeadlineMoved, at, Some(status), status)
        };
        append_event(&mut tx, self.by(), deadline.claim_id, &event).await?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        tx.commit().await?;
        Ok(deadline)
    }

    /// Removes a deadline, with a `deadline_removed` event dated `on` that
    /// keeps it whole (replays of earlier days bring it back).
    pub(super) async fn delete_deadline(
        &self,
        id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = deadline_in(&mut tx, id).await?;
        let before = claim_state(&mut tx, deadline.claim_id).await?;
        sqlx::query("DELETE FROM deadlines WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let status = claim_status(&mut tx, deadline.claim_id).await?;
        let event = Event {
            note,
            deadline_id: Some(id),
            old_due: Some(deadline.due),
            old: Some(DeadlineValue::of(&deadline).encode()),
            ..Event::new(EventKind::DeadlineRemoved, on, Some(status), status)
        };
        append_event(&mut tx, self.by(), deadline.claim_id, &event).await?;
        refresh_derived(&mut tx, deadline.claim_id, before).await?;
        tx.commit().await?;
        Ok(deadline)
    }
}
