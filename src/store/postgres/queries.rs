//! Reading claims on PostgreSQL: one claim with its deadlines, tags,
//! speakers and history, judged as of a day.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::PostgresStore;
use crate::domain::model::{
    Claim, ClaimKind, Deadline, DeadlineRef, EventKind, HistoryEntry, Precision, SourceKind,
    SourceRef, Status,
};
use crate::domain::rules::judge;
use crate::store::values::{opt_credibility, opt_reliability, stored};
use crate::store::{StoreError as Error, StoreResult as Result};

const CLAIM_SELECT: &str = "SELECT c.id, c.uid::text AS uid, c.external_id, c.text, c.status, \
     c.kind, c.quote, c.lang, c.url, c.said_on, c.credibility, s.id AS speaker_id, \
     s.name AS speaker_name, s.kind AS speaker_kind, s.reliability AS speaker_reliability, \
     r.id AS outlet_id, r.name AS outlet_name, r.kind AS outlet_kind, \
     r.reliability AS outlet_reliability \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

/// The columns of an event, `recorded_at` as SQLite writes it.
pub(super) const EVENT_COLUMNS: &str =
    "e.id, e.claim_id, e.event, e.at, e.from_status, e.to_status, \
     e.note, e.evidence, e.deadline_id, e.old_due, e.new_due, \
     to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS recorded_at, \
     e.\"by\", e.field, e.old_value, e.new_value, e.voids, \
     EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id) AS voided";

fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    column: &str,
) -> Result<T> {
    row.try_get(column)
        .map_err(|e| Error::Corrupt(format!("column {column}: {e}")))
}

fn source_ref(row: &PgRow, prefix: &str) -> Result<Option<SourceRef>> {
    let id: Option<i64> = get(row, &format!("{prefix}_id"))?;
    let Some(id) = id else { return Ok(None) };
    Ok(Some(SourceRef {
        id,
        name: get(row, &format!("{prefix}_name"))?,
        kind: stored(
            "source kind",
            get(row, &format!("{prefix}_kind"))?,
            SourceKind::from_word,
        )?,
        reliability: opt_reliability(get(row, &format!("{prefix}_reliability"))?)?,
    }))
}

fn claim_from_row(row: &PgRow) -> Result<Claim> {
    let source = source_ref(row, "speaker")?
        .ok_or_else(|| Error::Corrupt("a claim has no speaker".into()))?;
    let credibility: Option<i16> = get(row, "credibility")?;
    Ok(Claim {
        id: get(row, "id")?,
        uid: get(row, "uid")?,
        external_id: get(row, "external_id")?,
        text: get(row, "text")?,
        status: stored("status", get(row, "status")?, Status::from_word)?,
        kind: stored("claim kind", get(row, "kind")?, ClaimKind::from_word)?,
        speakers: vec![source.clone()],
        source,
        reported_by: source_ref(row, "outlet")?,
        quote: get(row, "quote")?,
        lang: get(row, "lang")?,
        url: get(row, "url")?,
        said_on: get(row, "said_on")?,
        credibility: opt_credibility(credibility.map(i64::from))?,
        tags: Vec::new(),
        deadlines: Vec::new(),
        next_due: None,
        overdue: false,
        days_overdue: None,
        history: None,
    })
}

pub(super) fn history_from_row(row: &PgRow) -> Result<HistoryEntry> {
    let from: Option<String> = get(row, "from_status")?;
    Ok(HistoryEntry {
        id: get(row, "id")?,
        claim_id: get(row, "claim_id")?,
        event: stored("event", get(row, "event")?, EventKind::from_word)?,
        at: get(row, "at")?,
        from: from
            .as_deref()
            .map(|s| stored("status", s, Status::from_word))
            .transpose()?,
        to: stored("status", get(row, "to_status")?, Status::from_word)?,
        note: get(row, "note")?,
        evidence: get(row, "evidence")?,
        deadline_id: get(row, "deadline_id")?,
        old_due: get(row, "old_due")?,
        new_due: get(row, "new_due")?,
        recorded_at: get(row, "recorded_at")?,
        by: get(row, "by")?,
        voided: get(row, "voided")?,
        voids: get(row, "voids")?,
        field: get(row, "field")?,
        old: get(row, "old_value")?,
        new: get(row, "new_value")?,
    })
}

impl PostgresStore {
    /// One claim with its history, judged as of a day.
    pub async fn claim(&self, id: i64, as_of: NaiveDate) -> Result<Claim> {
        let mut claims = self.claims_by_ids(&[id], as_of).await?;
        let mut claim = claims.pop().ok_or_else(|| Error::no_claim(id))?;
        claim.history = Some(self.histories(&[id]).await?.remove(&id).unwrap_or_default());
        Ok(claim)
    }

    /// These claims (without history), judged as of a day, in id order.
    pub async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        let rows = sqlx::query(&format!(
            "{CLAIM_SELECT} WHERE c.id = ANY($1) ORDER BY c.id"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        let mut claims = rows
            .iter()
            .map(claim_from_row)
            .collect::<Result<Vec<_>>>()?;
        let index: HashMap<i64, usize> =
            claims.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let deadlines = sqlx::query(
            "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines \
             WHERE claim_id = ANY($1) ORDER BY due, id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        for row in deadlines {
            let claim_id: i64 = get(&row, "claim_id")?;
            let number: i32 = get(&row, "number")?;
            let deadline = Deadline {
                id: get(&row, "id")?,
                reference: DeadlineRef {
                    claim_id,
                    number: i64::from(number),
                },
                claim_id,
                due: get(&row, "due")?,
                precision: stored("precision", get(&row, "precision")?, Precision::from_word)?,
                label: get(&row, "label")?,
                met_on: get(&row, "met_on")?,
                as_written: get(&row, "as_written")?,
            };
            if let Some(&i) = index.get(&claim_id) {
                claims[i].deadlines.push(deadline);
            }
        }
        // Tags in byte order, as SQLite sorts them.
        let tags = sqlx::query(
            "SELECT claim_id, tag FROM claim_tags WHERE claim_id = ANY($1) \
             ORDER BY claim_id, tag COLLATE \"C\"",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        for row in tags {
            if let Some(&i) = index.get(&get::<i64>(&row, "claim_id")?) {
                claims[i].tags.push(get(&row, "tag")?);
            }
        }
        let speakers = sqlx::query(
            "SELECT cs.claim_id, s.id AS speaker_id, s.name AS speaker_name, \
             s.kind AS speaker_kind, s.reliability AS speaker_reliability \
             FROM claim_speakers cs JOIN sources s ON s.id = cs.source_id \
             WHERE cs.claim_id = ANY($1) ORDER BY cs.claim_id, cs.position",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        for row in speakers {
            if let (Some(&i), Some(speaker)) = (
                index.get(&get::<i64>(&row, "claim_id")?),
                source_ref(&row, "speaker")?,
            ) {
                claims[i].speakers.push(speaker);
            }
        }
        for claim in &mut claims {
            judge(claim, as_of);
        }
        Ok(claims)
    }

    /// The histories of several claims, in the order written, by claim id.
    pub async fn histories(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.claim_id = ANY($1) ORDER BY e.id"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        let mut out: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
        for row in rows {
            let entry = history_from_row(&row)?;
            out.entry(entry.claim_id).or_default().push(entry);
        }
        Ok(out)
    }
}
