//! Writing claims on PostgreSQL: add (with speakers, tags, deadlines, the
//! `recorded` event, the search row and derived data).

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::reads::{claim_state, refresh_derived};
use super::PostgresStore;
use crate::domain::keys::fingerprint;
use crate::domain::model::{EventKind, Status};
use crate::store::values::{now, search_body, stored};
use crate::store::{
    NewClaim, NewDeadline, StatusChange, StoreError as Error, StoreResult as Result,
};

type Sql<T> = std::result::Result<T, sqlx::Error>;

impl PostgresStore {
    /// Adds a pending claim with its speakers, tags, deadlines and its
    /// `recorded` event, dated `recorded_on`. Returns its id.
    pub async fn insert_claim(&self, claim: &NewClaim, recorded_on: NaiveDate) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = insert_claim_in(&mut tx, claim, claim.said_on.unwrap_or(recorded_on))
            .await
            .map_err(|e| self.failed(e))?;
        let before = None;
        refresh_derived(&mut tx, id, before)
            .await
            .map_err(|e| self.failed(e))?;
        tx.commit().await.map_err(|e| self.failed(e))?;
        Ok(id)
    }

    /// Changes a claim's status and appends the change to its history, in
    /// one transaction, the claim locked; setting the status it already has
    /// is a conflict. Returns the status it had.
    pub async fn set_status(&self, claim_id: i64, change: &StatusChange<'_>) -> Result<Status> {
        let to = change.to;
        let mut tx = self.begin().await?;
        let from: Option<String> =
            sqlx::query_scalar("SELECT status FROM claims WHERE id = $1 FOR UPDATE")
                .bind(claim_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.failed(e))?;
        let from = stored(
            "status",
            &from.ok_or_else(|| Error::no_claim(claim_id))?,
            Status::from_word,
        )?;
        if from == to {
            return Err(Error::Conflict(format!("claim {claim_id} is already {to}")));
        }
        let before = claim_state(&mut tx, claim_id)
            .await
            .map_err(|e| self.failed(e))?;
        sqlx::query("UPDATE claims SET status = $1, updated_at = $2::timestamptz WHERE id = $3")
            .bind(to.as_str())
            .bind(now())
            .bind(claim_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let kind = if to == Status::Pending {
            EventKind::Reopened
        } else {
            EventKind::Status
        };
        sqlx::query(
            "INSERT INTO events (claim_id, event, at, from_status, to_status, note, evidence, \
             recorded_at, \"by\") VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, current_user)",
        )
        .bind(claim_id)
        .bind(kind.as_str())
        .bind(change.on)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(change.note)
        .bind(change.evidence)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, claim_id, before)
            .await
            .map_err(|e| self.failed(e))?;
        tx.commit().await.map_err(|e| self.failed(e))?;
        Ok(from)
    }
}

async fn insert_claim_in(
    tx: &mut PgConnection,
    claim: &NewClaim,
    recorded_on: NaiveDate,
) -> Sql<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO claims (uid, text, speaker_id, reported_by_id, quote, lang, url, said_on, \
         kind, status, created_at, updated_at, fingerprint, credibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10::timestamptz, \
         $10::timestamptz, $11, $12) RETURNING id",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(&claim.text)
    .bind(claim.speaker_id)
    .bind(claim.reported_by_id)
    .bind(&claim.quote)
    .bind(&claim.lang)
    .bind(&claim.url)
    .bind(claim.said_on)
    .bind(claim.kind.as_str())
    .bind(now())
    .bind(fingerprint(claim.speaker_id, &claim.text, claim.said_on))
    .bind(claim.credibility.map(|c| i16::from(c.get())))
    .fetch_one(&mut *tx)
    .await?;
    for (i, source) in claim.other_speakers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO claim_speakers (claim_id, position, source_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(i as i32 + 1)
        .bind(source)
        .execute(&mut *tx)
        .await?;
    }
    for tag in &claim.tags {
        sqlx::query(
            "INSERT INTO claim_tags (claim_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(tag)
        .execute(&mut *tx)
        .await?;
    }
    for deadline in &claim.deadlines {
        insert_deadline_in(tx, id, deadline).await?;
    }
    index_claim(tx, id).await?;
    sqlx::query(
        "INSERT INTO events (claim_id, event, at, to_status, recorded_at, \"by\") \
         VALUES ($1, $2, $3, $4, $5::timestamptz, current_user)",
    )
    .bind(id)
    .bind(EventKind::Recorded.as_str())
    .bind(recorded_on)
    .bind(Status::Pending.as_str())
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Adds a deadline with the claim's next number (numbers are never given twice).
pub(super) async fn insert_deadline_in(
    tx: &mut PgConnection,
    claim_id: i64,
    deadline: &NewDeadline,
) -> Sql<i64> {
    let number: i32 = sqlx::query_scalar(
        "UPDATE claims SET deadlines_given = deadlines_given + 1 WHERE id = $1 \
         RETURNING deadlines_given",
    )
    .bind(claim_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query_scalar(
        "INSERT INTO deadlines (claim_id, number, due, precision, label, met_on, as_written) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(claim_id)
    .bind(number)
    .bind(deadline.due)
    .bind(deadline.precision.as_str())
    .bind(&deadline.label)
    .bind(deadline.met_on)
    .bind(&deadline.as_written)
    .fetch_one(&mut *tx)
    .await
}

/// Rewrites one claim's search row from what is stored.
async fn index_claim(tx: &mut PgConnection, claim_id: i64) -> Sql<()> {
    type Searchable = (
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let row: Option<Searchable> = sqlx::query_as(
        "SELECT c.text, c.quote, s.name, r.name, (SELECT string_agg(o.name, E'\\n' \
         ORDER BY cs.position) FROM claim_speakers cs JOIN sources o ON o.id = cs.source_id \
         WHERE cs.claim_id = c.id) FROM claims c JOIN sources s ON s.id = c.speaker_id \
         LEFT JOIN sources r ON r.id = c.reported_by_id WHERE c.id = $1",
    )
    .bind(claim_id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM claim_search WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    if let Some((text, quote, speaker, outlet, others)) = row {
        let body = search_body(&[
            Some(&text),
            quote.as_deref(),
            Some(&speaker),
            outlet.as_deref(),
            others.as_deref(),
        ]);
        sqlx::query("INSERT INTO claim_search (claim_id, body) VALUES ($1, $2)")
            .bind(claim_id)
            .bind(body)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
