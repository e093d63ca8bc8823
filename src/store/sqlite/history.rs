//! History rows: only ever appended, in the same transaction as the change
//! they record (the schema refuses edits and deletions).

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::rows::{now, stored};
use crate::domain::dates::iso;
use crate::domain::model::Status;
use crate::store::{StoreError as Error, StoreResult as Result};

/// A history row to append; unset fields are stored as NULL.
pub(super) struct History<'a> {
    pub(super) event: &'a str,
    pub(super) at: NaiveDate,
    pub(super) from: Option<Status>,
    pub(super) to: Status,
    pub(super) note: Option<&'a str>,
    pub(super) evidence: Option<&'a str>,
    pub(super) deadline_id: Option<i64>,
    pub(super) old_due: Option<NaiveDate>,
    pub(super) new_due: Option<NaiveDate>,
}

impl<'a> History<'a> {
    pub(super) fn new(event: &'a str, at: NaiveDate, from: Option<Status>, to: Status) -> Self {
        History {
            event,
            at,
            from,
            to,
            note: None,
            evidence: None,
            deadline_id: None,
            old_due: None,
            new_due: None,
        }
    }
}

pub(super) async fn append_history(
    tx: &mut SqliteConnection,
    claim_id: i64,
    h: &History<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO status_history (claim_id, event, at, from_status, to_status, note, evidence, \
         deadline_id, old_due, new_due, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(claim_id)
    .bind(h.event)
    .bind(iso(h.at))
    .bind(h.from.map(Status::as_str))
    .bind(h.to.as_str())
    .bind(h.note)
    .bind(h.evidence)
    .bind(h.deadline_id)
    .bind(h.old_due.map(iso))
    .bind(h.new_due.map(iso))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(super) async fn claim_status(tx: &mut SqliteConnection, claim_id: i64) -> Result<Status> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM claims WHERE id = $1")
        .bind(claim_id)
        .fetch_optional(&mut *tx)
        .await?;
    let status = status.ok_or_else(|| Error::no_claim(claim_id))?;
    stored("status", &status, Status::from_word)
}
