//! Writing claims on PostgreSQL: add (with speakers, tags, deadlines, the
//! `recorded` event, the search row and derived data).

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::history::append_event;
use super::reads::{claim_state, refresh_derived};
use super::search::index_claim;
use super::sources::{insert_source_in, source_id_by_key};
use super::PostgresStore;
use crate::domain::keys::fingerprint;
use crate::domain::model::{ClaimKind, EventKind, Status};
use crate::store::values::{now, opt_credibility, stored, Event};
use crate::store::{
    BundleClaim, ClaimFields, FieldChange, NewClaim, NewDeadline, NewSource, StatusChange,
    StoreError as Error, StoreResult as Result,
};

use super::Sql;

impl PostgresStore {
    /// Adds a pending claim with its speakers, tags, deadlines and its
    /// `recorded` event, dated `recorded_on`. Returns its id.
    pub async fn insert_claim(&self, claim: &NewClaim, recorded_on: NaiveDate) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = insert_claim_in(&mut tx, claim, claim.said_on.unwrap_or(recorded_on))
            .await
            .map_err(|e| self.failed(e))?;
        let before = None;
        refresh_derived(&mut tx, id, before).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Changes a claim's status and appends the change to its history, in
    /// one transaction, the claim locked; setting the status it already has
    /// is a conflict. Returns the status it had.
    pub async fn set_status(&self, claim_id: i64, change: &StatusChange<'_>) -> Result<Status> {
        let to = change.to;
        let mut tx = self.begin().await?;
        let from = self.locked_status(&mut tx, claim_id).await?;
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
        let event = Event {
            note: change.note,
            evidence: change.evidence,
            ..Event::new(kind, change.on, Some(from), to)
        };
        append_event(&mut tx, claim_id, &event)
            .await
            .map_err(|e| self.failed(e))?;
        refresh_derived(&mut tx, claim_id, before).await?;
        self.commit(tx).await?;
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
    let recorded = Event::new(EventKind::Recorded, recorded_on, None, Status::Pending);
    append_event(tx, id, &recorded).await?;
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

impl PostgresStore {
    /// Adds several claims and the sources they need in one transaction,
    /// skipping a claim whose speaker already has one with the same text.
    /// Returns how many claims were added.
    pub async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[BundleClaim],
        today: NaiveDate,
    ) -> Result<usize> {
        let fail = |e| self.failed(e);
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(sources.len());
        for source in sources {
            let id = match source_id_by_key(&mut tx, &source.name)
                .await
                .map_err(fail)?
            {
                Some(id) => id,
                None => insert_source_in(&mut tx, source).await.map_err(fail)?,
            };
            ids.push(id);
        }
        let mut added = 0;
        for bundled in claims {
            let mut claim = bundled.claim.clone();
            claim.speaker_id = ids[bundled.speaker];
            claim.reported_by_id = bundled.outlet.map(|i| ids[i]);
            let present: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM claims WHERE speaker_id = $1 AND text = $2)",
            )
            .bind(claim.speaker_id)
            .bind(&claim.text)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
            if !present {
                let id = insert_claim_in(&mut tx, &claim, claim.said_on.unwrap_or(today))
                    .await
                    .map_err(fail)?;
                refresh_derived(&mut tx, id, None).await?;
                added += 1;
            }
        }
        self.commit(tx).await?;
        Ok(added)
    }

    /// The editable fields of a claim as stored.
    pub async fn claim_fields(&self, id: i64) -> Result<ClaimFields> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.failed(e))?;
        self.claim_fields_in(&mut conn, id).await
    }

    pub(super) async fn claim_fields_in(
        &self,
        tx: &mut PgConnection,
        id: i64,
    ) -> Result<ClaimFields> {
        type Row = (
            String,
            i64,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<NaiveDate>,
            String,
            Option<i16>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, credibility \
             FROM claims WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.failed(e))?;
        let (text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, credibility) =
            row.ok_or_else(|| Error::no_claim(id))?;
        let other_speakers: Vec<i64> = sqlx::query_scalar(
            "SELECT source_id FROM claim_speakers WHERE claim_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.failed(e))?;
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT tag FROM claim_tags WHERE claim_id = $1 ORDER BY tag COLLATE \"C\"",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(ClaimFields {
            text,
            speaker_id,
            other_speakers,
            reported_by_id,
            quote,
            lang,
            url,
            said_on,
            kind: stored("claim kind", &kind, ClaimKind::from_word)?,
            credibility: opt_credibility(credibility.map(i64::from))?,
            tags,
        })
    }

    /// Replaces a claim's fields, one `edited` event per field that changed,
    /// dated `on`; values already stored are a conflict.
    pub async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
    ) -> Result<Vec<FieldChange>> {
        let mut tx = self.begin().await?;
        let changes = self.update_claim_in(&mut tx, id, fields, on, None).await?;
        self.commit(tx).await?;
        Ok(changes)
    }

    /// `update_claim` inside a transaction, the events carrying `note`.
    pub(super) async fn update_claim_in(
        &self,
        tx: &mut PgConnection,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Vec<FieldChange>> {
        let status = self.locked_status(tx, id).await?;
        let before = claim_state(tx, id).await.map_err(|e| self.failed(e))?;
        let old = self.claim_fields_in(tx, id).await?;
        let changes = fields.changes_from(&old);
        if changes.is_empty() {
            return Err(Error::Conflict(format!(
                "claim {id} already has these values; nothing was changed"
            )));
        }
        write_fields(tx, id, fields)
            .await
            .map_err(|e| self.failed(e))?;
        for change in &changes {
            let event = Event {
                field: Some(change.field),
                old: change.old.clone(),
                new: change.new.clone(),
                note,
                ..Event::new(EventKind::Edited, on, Some(status), status)
            };
            append_event(tx, id, &event)
                .await
                .map_err(|e| self.failed(e))?;
        }
        index_claim(tx, id).await.map_err(|e| self.failed(e))?;
        // The speakers or outlet may have changed: the records follow.
        refresh_derived(tx, id, before).await?;
        Ok(changes)
    }
}

/// Writes a claim's fields (speakers and tags included) as given.
pub(super) async fn write_fields(tx: &mut PgConnection, id: i64, fields: &ClaimFields) -> Sql<()> {
    sqlx::query(
        "UPDATE claims SET text = $1, speaker_id = $2, reported_by_id = $3, quote = $4, \
         lang = $5, url = $6, said_on = $7, kind = $8, updated_at = $9::timestamptz, \
         fingerprint = $11, credibility = $12 WHERE id = $10",
    )
    .bind(&fields.text)
    .bind(fields.speaker_id)
    .bind(fields.reported_by_id)
    .bind(&fields.quote)
    .bind(&fields.lang)
    .bind(&fields.url)
    .bind(fields.said_on)
    .bind(fields.kind.as_str())
    .bind(now())
    .bind(id)
    .bind(fingerprint(fields.speaker_id, &fields.text, fields.said_on))
    .bind(fields.credibility.map(|c| i16::from(c.get())))
    .execute(&mut *tx)
    .await?;
    for table in ["claim_speakers", "claim_tags"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE claim_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for (i, source) in fields.other_speakers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO claim_speakers (claim_id, position, source_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(i as i32 + 1)
        .bind(source)
        .execute(&mut *tx)
        .await?;
    }
    for tag in &fields.tags {
        sqlx::query(
            "INSERT INTO claim_tags (claim_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(tag)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
