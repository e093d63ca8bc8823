//! Writing claims: add, edit, remove, status changes, and their history rows.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::deadlines::insert_deadline_in;
use super::derived::{claim_state, refresh_derived, rewrite_derived};
use super::history::{append_event, claim_status, Event};
use super::ids::{take_id, Ids};
use super::rows::{now, opt_credibility, opt_date, stored};
use super::search::index_claim;
use super::sources::insert_source_in;
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::keys::{fingerprint, name_key};
use crate::domain::model::{ClaimKind, EventKind, Status};
use crate::store::{
    BundleClaim, ClaimFields, FieldChange, NewClaim, NewSource, StatusChange, StoreError as Error,
    StoreResult as Result,
};

/// Adds a claim with its speakers, tags and deadlines, and its `recorded`
/// event: dated when it was said, else `today`.
pub(super) async fn insert_claim_in(
    tx: &mut SqliteConnection,
    by: Option<&str>,
    claim: &NewClaim,
    today: NaiveDate,
) -> Result<i64> {
    let id = insert_claim_row(tx, claim).await?;
    insert_speakers(tx, id, &claim.other_speakers).await?;
    insert_tags(tx, id, &claim.tags).await?;
    for deadline in &claim.deadlines {
        insert_deadline_in(tx, id, deadline).await?;
    }
    index_claim(tx, id).await?;
    let recorded = Event::new(
        EventKind::Recorded,
        claim.said_on.unwrap_or(today),
        None,
        Status::Pending,
    );
    append_event(tx, by, id, &recorded).await?;
    refresh_derived(tx, id, None).await?;
    Ok(id)
}

/// Writes a claim's fields (speakers and tags included) as given.
pub(super) async fn write_fields(
    tx: &mut SqliteConnection,
    id: i64,
    fields: &ClaimFields,
) -> Result<()> {
    sqlx::query(
        "UPDATE claims SET text = $1, speaker_id = $2, reported_by_id = $3, quote = $4, \
         lang = $5, url = $6, said_on = $7, kind = $8, updated_at = $9, fingerprint = $11, \
         credibility = $12 WHERE id = $10",
    )
    .bind(&fields.text)
    .bind(fields.speaker_id)
    .bind(fields.reported_by_id)
    .bind(&fields.quote)
    .bind(&fields.lang)
    .bind(&fields.url)
    .bind(fields.said_on.map(iso))
    .bind(fields.kind.as_str())
    .bind(now())
    .bind(id)
    .bind(fingerprint(fields.speaker_id, &fields.text, fields.said_on))
    .bind(fields.credibility.map(|c| i64::from(c.get())))
    .execute(&mut *tx)
    .await?;
    insert_speakers(tx, id, &fields.other_speakers).await?;
    sqlx::query("DELETE FROM claim_tags WHERE claim_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    insert_tags(tx, id, &fields.tags).await
}

/// Sets a claim's speakers after the lead, in order.
pub(super) async fn insert_speakers(
    tx: &mut SqliteConnection,
    claim_id: i64,
    others: &[i64],
) -> Result<()> {
    sqlx::query("DELETE FROM claim_speakers WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    for (i, source) in others.iter().enumerate() {
        sqlx::query(
            "INSERT INTO claim_speakers (claim_id, position, source_id) VALUES ($1, $2, $3)",
        )
        .bind(claim_id)
        .bind(i as i64 + 1)
        .bind(source)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The editable fields of a claim as stored.
pub(super) async fn claim_fields_in(tx: &mut SqliteConnection, id: i64) -> Result<ClaimFields> {
    let row = sqlx::query(
        "SELECT text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, credibility \
         FROM claims WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::no_claim(id))?;
    let other_speakers = sqlx::query_scalar(
        "SELECT source_id FROM claim_speakers WHERE claim_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let tags = sqlx::query_scalar("SELECT tag FROM claim_tags WHERE claim_id = $1 ORDER BY tag")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    Ok(ClaimFields {
        text: row.try_get("text")?,
        speaker_id: row.try_get("speaker_id")?,
        other_speakers,
        reported_by_id: row.try_get("reported_by_id")?,
        quote: row.try_get("quote")?,
        lang: row.try_get("lang")?,
        url: row.try_get("url")?,
        said_on: opt_date(row.try_get("said_on")?)?,
        kind: stored("claim kind", row.try_get("kind")?, ClaimKind::from_word)?,
        credibility: opt_credibility(row.try_get("credibility")?)?,
        tags,
    })
}

/// Inserts the row of a new (pending) claim alone, with its fingerprint.
pub(super) async fn insert_claim_row(tx: &mut SqliteConnection, claim: &NewClaim) -> Result<i64> {
    let stamp = now();
    let id = take_id(tx, Ids::Claims).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO claims (id, text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, \
         status, created_at, updated_at, fingerprint, credibility, uid) \
         VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10, $11, $13) RETURNING id",
    )
    .bind(&claim.text)
    .bind(claim.speaker_id)
    .bind(claim.reported_by_id)
    .bind(&claim.quote)
    .bind(&claim.lang)
    .bind(&claim.url)
    .bind(claim.said_on.map(iso))
    .bind(claim.kind.as_str())
    .bind(&stamp)
    .bind(fingerprint(claim.speaker_id, &claim.text, claim.said_on))
    .bind(claim.credibility.map(|c| i64::from(c.get())))
    .bind(id)
    .bind(uuid::Uuid::new_v4().to_string())
    .fetch_one(&mut *tx)
    .await?)
}

pub(super) async fn insert_tags(
    tx: &mut SqliteConnection,
    claim_id: i64,
    tags: &[String],
) -> Result<()> {
    for tag in tags {
        let present: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM claim_tags WHERE claim_id = $1 AND tag = $2")
                .bind(claim_id)
                .bind(tag)
                .fetch_one(&mut *tx)
                .await?;
        if present == 0 {
            sqlx::query("INSERT INTO claim_tags (claim_id, tag) VALUES ($1, $2)")
                .bind(claim_id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

impl SqliteStore {
    /// Adds a claim with its tags, deadlines and a `created` history row, in one transaction.
    pub(super) async fn insert_claim(&self, claim: &NewClaim, today: NaiveDate) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = insert_claim_in(&mut tx, self.by(), claim, today).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds several claims and the sources they need in one transaction,
    /// skipping a claim whose speaker already has a claim with the same text.
    /// Returns how many claims were added.
    pub(super) async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[BundleClaim],
        today: NaiveDate,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(sources.len());
        for source in sources {
            let existing: Option<i64> = sqlx::query_scalar(super::sources::SOURCE_ID_BY_NAME)
                .bind(name_key(&source.name))
                .fetch_optional(&mut *tx)
                .await?;
            ids.push(match existing {
                Some(id) => id,
                None => insert_source_in(&mut tx, source).await?,
            });
        }
        let mut added = 0;
        for bundled in claims {
            let mut claim = bundled.claim.clone();
            claim.speaker_id = ids[bundled.speaker];
            claim.reported_by_id = bundled.outlet.map(|i| ids[i]);
            let present: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM claims WHERE speaker_id = $1 AND text = $2",
            )
            .bind(claim.speaker_id)
            .bind(&claim.text)
            .fetch_one(&mut *tx)
            .await?;
            if present == 0 {
                insert_claim_in(&mut tx, self.by(), &claim, today).await?;
                added += 1;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The editable fields of a claim as stored.
    pub(super) async fn claim_fields(&self, id: i64) -> Result<ClaimFields> {
        let mut conn = self.pool.acquire().await?;
        claim_fields_in(&mut conn, id).await
    }

    /// Replaces a claim's fields, with an `edited` event per field that
    /// changes, dated `on`; nothing changing is a conflict. Returns the
    /// changes.
    pub(super) async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
    ) -> Result<Vec<FieldChange>> {
        let mut tx = self.begin().await?;
        let changes = update_claim_in(&mut tx, self.by(), id, fields, on, None).await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// Removes a claim with its deadlines, tags and history (by cascade),
    /// its search row and its derived rows.
    pub(super) async fn delete_claim(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = claim_state(&mut tx, id)
            .await?
            .ok_or_else(|| Error::no_claim(id))?;
        sqlx::query("DELETE FROM claims WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM claim_search WHERE rowid = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        rewrite_derived(&mut tx, id, Some(&before), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a claim's status and appends the change to its history, in one
    /// transaction. Setting the status it already has is a conflict.
    pub(super) async fn set_status(
        &self,
        claim_id: i64,
        change: &StatusChange<'_>,
    ) -> Result<Status> {
        let to = change.to;
        let mut tx = self.begin().await?;
        let before = claim_state(&mut tx, claim_id).await?;
        let from = claim_status(&mut tx, claim_id).await?;
        if from == to {
            return Err(Error::Conflict(format!("claim {claim_id} is already {to}")));
        }
        sqlx::query("UPDATE claims SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_str())
            .bind(now())
            .bind(claim_id)
            .execute(&mut *tx)
            .await?;
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
        append_event(&mut tx, self.by(), claim_id, &event).await?;
        refresh_derived(&mut tx, claim_id, before).await?;
        tx.commit().await?;
        Ok(from)
    }
}

/// Replaces a claim's fields, with an `edited` event per field that
/// changes, dated `on`, carrying `note`; nothing changing is a conflict.
/// Returns the changes.
pub(super) async fn update_claim_in(
    tx: &mut SqliteConnection,
    by: Option<&str>,
    id: i64,
    fields: &ClaimFields,
    on: NaiveDate,
    note: Option<&str>,
) -> Result<Vec<FieldChange>> {
    let before = claim_state(tx, id).await?;
    let old = claim_fields_in(tx, id).await?;
    let changes = fields.changes_from(&old);
    if changes.is_empty() {
        return Err(Error::Conflict(format!(
            "claim {id} already has these values; nothing was changed"
        )));
    }
    write_fields(tx, id, fields).await?;
    let status = claim_status(tx, id).await?;
    for change in &changes {
        let event = Event {
            field: Some(change.field),
            old: change.old.clone(),
            new: change.new.clone(),
            note,
            ..Event::new(EventKind::Edited, on, Some(status), status)
        };
        append_event(tx, by, id, &event).await?;
    }
    index_claim(tx, id).await?;
    // The speakers or outlet may have changed: the records follow.
    refresh_derived(tx, id, before).await?;
    Ok(changes)
}
