//! Rows into domain values, and the column lists they are read from.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::domain::dates::from_iso;
use crate::domain::model::{
    Claim, ClaimKind, Deadline, DeadlineRef, EventKind, HistoryEntry, Precision, Source,
    SourceKind, SourceRef, Status,
};
use crate::store::{StoreError as Error, StoreResult as Result};

pub(super) use crate::store::values::{merged, now, opt_credibility, opt_reliability, stored};

pub(super) fn history_from_row(row: &SqliteRow) -> Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: row.try_get("id")?,
        claim_id: row.try_get("claim_id")?,
        event: stored("event", row.try_get("event")?, EventKind::from_word)?,
        at: date(row.try_get("at")?)?,
        from: row
            .try_get::<Option<&str>, _>("from_status")?
            .map(|s| stored("status", s, Status::from_word))
            .transpose()?,
        to: stored("status", row.try_get("to_status")?, Status::from_word)?,
        note: row.try_get("note")?,
        evidence: row.try_get("evidence")?,
        deadline_id: row.try_get("deadline_id")?,
        old_due: opt_date(row.try_get("old_due")?)?,
        new_due: opt_date(row.try_get("new_due")?)?,
        recorded_at: row.try_get("recorded_at")?,
        by: row.try_get("by")?,
        voided: row.try_get("voided")?,
        voids: row.try_get("voids")?,
        field: row.try_get("field")?,
        old: row.try_get("old_value")?,
        new: row.try_get("new_value")?,
    })
}

pub(super) const SOURCE_COLUMNS: &str =
    "SELECT id, name, kind, role, affiliation, url, notes, reliability, merged_into, merged_on \
     FROM sources";

/// A claim with its speaker and outlet, and its next open deadline for ordering.
pub(super) const CLAIM_SELECT: &str =
    "SELECT c.id, c.uid, c.external_id, c.text, c.status, c.kind, c.quote, c.lang, c.url, c.said_on, \
     c.credibility, s.id AS speaker_id, s.name AS speaker_name, s.kind AS speaker_kind, \
     s.reliability AS speaker_reliability, r.id AS outlet_id, r.name AS outlet_name, \
     r.kind AS outlet_kind, r.reliability AS outlet_reliability, \
     c.next_due \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

pub(super) fn source_from_row(row: &SqliteRow) -> Result<Source> {
    Ok(Source {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: stored("source kind", row.try_get("kind")?, SourceKind::from_word)?,
        role: row.try_get("role")?,
        affiliation: row.try_get("affiliation")?,
        url: row.try_get("url")?,
        notes: row.try_get("notes")?,
        reliability: opt_reliability(row.try_get("reliability")?)?,
        merged: merged(
            row.try_get("merged_into")?,
            opt_date(row.try_get("merged_on")?)?,
        )?,
    })
}

/// A source as claims name it, from `id, name, kind, reliability`.
pub(super) fn source_ref_from_row(row: &SqliteRow) -> Result<SourceRef> {
    Ok(SourceRef {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: stored("source kind", row.try_get("kind")?, SourceKind::from_word)?,
        reliability: opt_reliability(row.try_get("reliability")?)?,
    })
}

pub(super) fn claim_from_row(row: &SqliteRow) -> Result<Claim> {
    let outlet_id: Option<i64> = row.try_get("outlet_id")?;
    let reported_by = match outlet_id {
        Some(id) => Some(SourceRef {
            id,
            name: row.try_get("outlet_name")?,
            kind: stored(
                "source kind",
                row.try_get("outlet_kind")?,
                SourceKind::from_word,
            )?,
            reliability: opt_reliability(row.try_get("outlet_reliability")?)?,
        }),
        None => None,
    };
    let source = SourceRef {
        id: row.try_get("speaker_id")?,
        name: row.try_get("speaker_name")?,
        kind: stored(
            "source kind",
            row.try_get("speaker_kind")?,
            SourceKind::from_word,
        )?,
        reliability: opt_reliability(row.try_get("speaker_reliability")?)?,
    };
    Ok(Claim {
        id: row.try_get("id")?,
        uid: row
            .try_get::<Option<String>, _>("uid")?
            .ok_or_else(|| Error::Corrupt("a claim has no uid".to_string()))?,
        external_id: row.try_get("external_id")?,
        text: row.try_get("text")?,
        status: stored("status", row.try_get("status")?, Status::from_word)?,
        kind: stored("claim kind", row.try_get("kind")?, ClaimKind::from_word)?,
        speakers: vec![source.clone()],
        source,
        reported_by,
        quote: row.try_get("quote")?,
        lang: row.try_get("lang")?,
        url: row.try_get("url")?,
        said_on: opt_date(row.try_get("said_on")?)?,
        credibility: opt_credibility(row.try_get("credibility")?)?,
        tags: Vec::new(),
        deadlines: Vec::new(),
        next_due: None,
        overdue: false,
        days_overdue: None,
        history: None,
    })
}

pub(super) fn deadline_from_row(row: &SqliteRow) -> Result<Deadline> {
    Ok(Deadline {
        id: row.try_get("id")?,
        claim_id: row.try_get("claim_id")?,
        due: date(row.try_get("due")?)?,
        precision: stored("precision", row.try_get("precision")?, Precision::from_word)?,
        label: row.try_get("label")?,
        met_on: opt_date(row.try_get("met_on")?)?,
        as_written: row.try_get("as_written")?,
        reference: DeadlineRef {
            claim_id: row.try_get("claim_id")?,
            number: row
                .try_get::<Option<i64>, _>("number")?
                .ok_or_else(|| Error::Corrupt("a deadline has no number".to_string()))?,
        },
    })
}

pub(super) fn date(text: &str) -> Result<NaiveDate> {
    from_iso(text).ok_or_else(|| Error::Corrupt(format!("unexpected date `{text}`")))
}

pub(super) fn opt_date(text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(date).transpose()
}
