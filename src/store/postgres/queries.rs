//! Reading claims on PostgreSQL: one claim with its deadlines, tags,
//! speakers and history, judged as of a day.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use super::PostgresStore;
use crate::domain::dates::from_iso;
use crate::domain::model::{
    Claim, ClaimKind, Deadline, DeadlineRef, EventKind, HistoryEntry, Precision, SourceKind,
    SourceRef, Status,
};
use crate::domain::rules::judge;
use crate::store::values::{opt_credibility, opt_reliability, stored};
use crate::store::{StoreError as Error, StoreResult as Result};

/// A claim's columns with its speaker and outlet, and its deadlines (by due
/// date), tags (in byte order, as SQLite sorts them) and other speakers (in
/// order) as JSON.
const CLAIM_SELECT_WITH_PARTS: &str = "SELECT c.id, c.uid::text AS uid, c.external_id, c.text, \
     c.status, c.kind, c.quote, c.lang, c.url, c.said_on, c.credibility, s.id AS speaker_id, \
     s.name AS speaker_name, s.kind AS speaker_kind, s.reliability AS speaker_reliability, \
     r.id AS outlet_id, r.name AS outlet_name, r.kind AS outlet_kind, \
     r.reliability AS outlet_reliability, \
     COALESCE((SELECT json_agg(json_build_object('id', d.id, 'due', d.due, \
         'precision', d.precision, 'label', d.label, 'met_on', d.met_on, \
         'as_written', d.as_written, 'number', d.number) ORDER BY d.due, d.id) \
         FROM deadlines d WHERE d.claim_id = c.id), '[]')::text AS deadline_parts, \
     COALESCE((SELECT json_agg(t.tag ORDER BY t.tag COLLATE \"C\") FROM claim_tags t \
         WHERE t.claim_id = c.id), '[]')::text AS tag_parts, \
     COALESCE((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'kind', o.kind, \
         'reliability', o.reliability) ORDER BY cs.position) FROM claim_speakers cs \
         JOIN sources o ON o.id = cs.source_id WHERE cs.claim_id = c.id), '[]')::text \
         AS speaker_parts \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

/// A deadline as `CLAIM_SELECT_WITH_PARTS` gathers it.
fn deadline_part(claim_id: i64, d: &serde_json::Value) -> Result<Deadline> {
    let bad = || Error::Corrupt(format!("claim {claim_id}: a deadline reads `{d}`"));
    let text = |key: &str| d.get(key).and_then(serde_json::Value::as_str);
    let day = |key: &str| text(key).map(|t| from_iso(t).ok_or_else(bad)).transpose();
    let number = d
        .get("number")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(bad)?;
    Ok(Deadline {
        id: d
            .get("id")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(bad)?,
        reference: DeadlineRef { claim_id, number },
        claim_id,
        due: day("due")?.ok_or_else(bad)?,
        precision: stored(
            "precision",
            text("precision").ok_or_else(bad)?,
            Precision::from_word,
        )?,
        label: text("label").map(str::to_string),
        met_on: day("met_on")?,
        as_written: text("as_written").map(str::to_string),
    })
}

/// Another speaker as `CLAIM_SELECT_WITH_PARTS` gathers it.
fn speaker_part(o: &serde_json::Value) -> Result<SourceRef> {
    let bad = || Error::Corrupt(format!("a claim's speaker reads `{o}`"));
    let text = |key: &str| o.get(key).and_then(serde_json::Value::as_str);
    Ok(SourceRef {
        id: o
            .get("id")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(bad)?,
        name: text("name").ok_or_else(bad)?.to_string(),
        kind: stored(
            "source kind",
            text("kind").ok_or_else(bad)?,
            SourceKind::from_word,
        )?,
        reliability: opt_reliability(text("reliability"))?,
    })
}

/// Claims as `CLAIM_SELECT_WITH_PARTS` reads them, judged as of a day.
fn claims_from_rows(rows: &[PgRow], as_of: NaiveDate) -> Result<Vec<Claim>> {
    let mut claims = Vec::with_capacity(rows.len());
    for row in rows {
        let mut claim = claim_from_row(row)?;
        let parts = |column: &str| -> Result<Vec<serde_json::Value>> {
            let text: String = get(row, column)?;
            serde_json::from_str(&text)
                .map_err(|e| Error::Corrupt(format!("claim {}: {column}: {e}", claim.id)))
        };
        for d in parts("deadline_parts")? {
            claim.deadlines.push(deadline_part(claim.id, &d)?);
        }
        for t in parts("tag_parts")? {
            claim.tags.push(t.as_str().unwrap_or_default().to_string());
        }
        for o in parts("speaker_parts")? {
            claim.speakers.push(speaker_part(&o)?);
        }
        judge(&mut claim, as_of);
        claims.push(claim);
    }
    Ok(claims)
}

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

    /// These claims (without history), judged as of a day, in id order:
    /// one statement, each claim's deadlines, tags and other speakers
    /// gathered as JSON by the server (a statement costs more than its rows
    /// when each command is a new connection).
    pub async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        let rows = sqlx::query(&format!(
            "{CLAIM_SELECT_WITH_PARTS} WHERE c.id = ANY($1) ORDER BY c.id"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        claims_from_rows(&rows, as_of)
    }

    /// The claims a query of ids finds (`ids` selects `c.id FROM claims c`,
    /// with its own order and limit), in the order `order` gives (an ORDER
    /// BY over `c`), in one statement with their parts.
    pub(super) async fn claims_found(
        &self,
        ids: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
        order: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let mut q = QueryBuilder::<Postgres>::new("WITH page AS (");
        ids(&mut q);
        q.push(") ")
            .push(CLAIM_SELECT_WITH_PARTS)
            .push(" WHERE c.id IN (SELECT id FROM page) ORDER BY ")
            .push(order);
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        claims_from_rows(&rows, as_of)
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
