//! Events: only ever appended, in the same transaction as the change they
//! record (the schema refuses edits and deletions).

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::rows::{history_from_row, now, stored};
use super::statement::{placeholders, text, with_ids, Bind, Statement, IDS_PER_QUERY};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::model::{EventKind, HistoryEntry, Status};
use crate::store::{LogFilter, StoreError as Error, StoreResult as Result};

/// The columns `history_from_row` reads, from `events e`.
pub(super) const EVENT_COLUMNS: &str = "e.id, e.claim_id, e.event, e.at, e.from_status, \
     e.to_status, e.note, e.evidence, e.deadline_id, e.old_due, e.new_due, e.recorded_at, e.by, \
     e.field, e.old_value, e.new_value, e.voids, \
     EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id) AS voided";

pub(super) use crate::store::values::Event;

/// Appends an event written now by `by`. Returns its id.
pub(super) async fn append_event(
    tx: &mut SqliteConnection,
    by: Option<&str>,
    claim_id: i64,
    e: &Event<'_>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO events (claim_id, event, at, from_status, to_status, note, evidence, \
         deadline_id, old_due, new_due, recorded_at, by, field, old_value, new_value, voids) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         RETURNING id",
    )
    .bind(claim_id)
    .bind(e.kind.as_str())
    .bind(iso(e.at))
    .bind(e.from.map(Status::as_str))
    .bind(e.to.as_str())
    .bind(e.note)
    .bind(e.evidence)
    .bind(e.deadline_id)
    .bind(e.old_due.map(iso))
    .bind(e.new_due.map(iso))
    .bind(now())
    .bind(by)
    .bind(e.field)
    .bind(&e.old)
    .bind(&e.new)
    .bind(e.voids)
    .fetch_one(&mut *tx)
    .await?)
}

pub(super) async fn claim_status(tx: &mut SqliteConnection, claim_id: i64) -> Result<Status> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM claims WHERE id = $1")
        .bind(claim_id)
        .fetch_optional(&mut *tx)
        .await?;
    let status = status.ok_or_else(|| Error::no_claim(claim_id))?;
    stored("status", &status, Status::from_word)
}

/// The events of these claims in the order they were written, by claim id.
pub(super) async fn events_of(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
    let mut events: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.claim_id IN ({}) ORDER BY e.id",
            placeholders(chunk.len())
        );
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            let claim_id: i64 = row.try_get("claim_id")?;
            events
                .entry(claim_id)
                .or_default()
                .push(history_from_row(&row)?);
        }
    }
    Ok(events)
}

impl SqliteStore {
    /// Appends a note to a claim's history.
    pub(super) async fn append_note(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: &str,
        evidence: Option<&str>,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let status = claim_status(&mut tx, claim_id).await?;
        let event = Event {
            note: Some(note),
            evidence,
            ..Event::new(EventKind::Note, on, Some(status), status)
        };
        let id = append_event(&mut tx, self.by(), claim_id, &event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Events newest written first, as the filter says.
    pub(super) async fn log(&self, filter: &LogFilter) -> Result<Vec<HistoryEntry>> {
        let mut s = Statement::new(&format!("SELECT {EVENT_COLUMNS} FROM events e WHERE 1 = 1"));
        if let Some(id) = filter.claim_id {
            s.push(" AND e.claim_id = {}", [Bind::Int(id)]);
        }
        if let Some(since) = filter.since {
            s.push(" AND e.recorded_at >= {}", [text(iso(since))]);
        }
        if let Some(by) = &filter.by {
            s.push(" AND e.by = {}", [text(by.clone())]);
        }
        s.push(
            " ORDER BY e.id DESC LIMIT {}",
            [Bind::Int(filter.limit.unwrap_or(-1))],
        );
        let mut conn = self.pool.acquire().await?;
        s.query()
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(history_from_row)
            .collect()
    }
}
