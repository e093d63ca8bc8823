//! Reading claims on PostgreSQL as derived data need them: what the rules
//! need (`ClaimState`) and the claim as it stands with all its events (for
//! the day tables).

use std::collections::HashMap;

use sqlx::postgres::PgConnection;
use sqlx::Row;

use super::derived::{flush, CountsTo, Writes, Written};
use crate::domain::model::{
    ClaimKind, Deadline, DeadlineRef, EventKind, HistoryEntry, Precision, Status,
};
use crate::domain::replay::Snapshot;
use crate::domain::rules::{history_facts, ClaimState, DeadlineState, HistoryEvent};
use crate::store::derived::{rewrite, Derivable, DerivedBatch};
use crate::store::values::{opt_credibility, stored};

use super::Sql;

/// A word read back, or the error that it is not one.
pub(super) fn word<T>(what: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> Sql<T> {
    stored(what, text, parse).map_err(|e| sqlx::Error::Decode(e.to_string().into()))
}

/// These claims as they stand, with all their events in the order written.
pub(super) async fn replayable(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Sql<HashMap<i64, (Snapshot, Vec<HistoryEntry>)>> {
    let mut out: HashMap<i64, (Snapshot, Vec<HistoryEntry>)> = HashMap::new();
    for row in sqlx::query(
        "SELECT id, status, said_on, kind, credibility, speaker_id, reported_by_id FROM claims \
         WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        let id: i64 = row.try_get(0)?;
        let credibility: Option<i16> = row.try_get(4)?;
        let snapshot = Snapshot {
            id,
            status: word("status", row.try_get(1)?, Status::from_word)?,
            said_on: row.try_get(2)?,
            kind: word("claim kind", row.try_get(3)?, ClaimKind::from_word)?,
            credibility: opt_credibility(credibility.map(i64::from))
                .map_err(|e| sqlx::Error::Decode(e.to_string().into()))?,
            speakers: vec![row.try_get(5)?],
            outlet: row.try_get(6)?,
            tags: Vec::new(),
            deadlines: Vec::new(),
            texts: HashMap::new(),
        };
        out.insert(id, (snapshot, Vec::new()));
    }
    for row in sqlx::query(
        "SELECT claim_id, source_id FROM claim_speakers WHERE claim_id = ANY($1) \
         ORDER BY claim_id, position",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        if let Some((s, _)) = out.get_mut(&row.try_get::<i64, _>(0)?) {
            s.speakers.push(row.try_get(1)?);
        }
    }
    for row in
        sqlx::query("SELECT claim_id, tag FROM claim_tags WHERE claim_id = ANY($1) ORDER BY tag")
            .bind(ids)
            .fetch_all(&mut *conn)
            .await?
    {
        if let Some((s, _)) = out.get_mut(&row.try_get::<i64, _>(0)?) {
            s.tags.push(row.try_get(1)?);
        }
    }
    for row in sqlx::query(
        "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines \
         WHERE claim_id = ANY($1) ORDER BY due, id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        let claim_id: i64 = row.try_get(1)?;
        let number: i32 = row.try_get(7)?;
        if let Some((s, _)) = out.get_mut(&claim_id) {
            s.deadlines.push(Deadline {
                id: row.try_get(0)?,
                reference: DeadlineRef {
                    claim_id,
                    number: i64::from(number),
                },
                claim_id,
                due: row.try_get(2)?,
                precision: word("precision", row.try_get(3)?, Precision::from_word)?,
                label: row.try_get(4)?,
                met_on: row.try_get(5)?,
                as_written: row.try_get(6)?,
            });
        }
    }
    for row in sqlx::query(
        "SELECT e.id, e.claim_id, e.event, e.at, e.from_status, e.to_status, e.deadline_id, \
         e.old_due, e.new_due, to_char(e.recorded_at AT TIME ZONE 'UTC', \
         'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), e.field, e.old_value, e.new_value, e.voids, \
         EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id) \
         FROM events e WHERE e.claim_id = ANY($1) ORDER BY e.claim_id, e.id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        let claim_id: i64 = row.try_get(1)?;
        let from: Option<String> = row.try_get(4)?;
        let entry = HistoryEntry {
            id: row.try_get(0)?,
            claim_id,
            event: word("event", row.try_get(2)?, EventKind::from_word)?,
            at: row.try_get(3)?,
            from: from
                .as_deref()
                .map(|s| word("status", s, Status::from_word))
                .transpose()?,
            to: word("status", row.try_get(5)?, Status::from_word)?,
            note: None,
            evidence: None,
            deadline_id: row.try_get(6)?,
            old_due: row.try_get(7)?,
            new_due: row.try_get(8)?,
            recorded_at: row.try_get(9)?,
            by: None,
            voided: row.try_get(14)?,
            voids: row.try_get(13)?,
            field: row.try_get(10)?,
            old: row.try_get(11)?,
            new: row.try_get(12)?,
        };
        if let Some((_, events)) = out.get_mut(&claim_id) {
            events.push(entry);
        }
    }
    Ok(out)
}

/// One claim as its derived data are computed from it, or `None` when there
/// is no such claim. What the rules need is read from the claim as it
/// stands with its events in force, as on SQLite.
pub(super) async fn claim_state(conn: &mut PgConnection, claim_id: i64) -> Sql<Option<Derivable>> {
    Ok(replayable(conn, &[claim_id])
        .await?
        .remove(&claim_id)
        .map(|(now, events)| derivable(&now, &events)))
}

/// A claim as it stands with all its events, as the rules see it.
pub(super) fn derivable(now: &Snapshot, events: &[HistoryEntry]) -> Derivable {
    let (first_due, fulfilled_on) =
        history_facts(events.iter().filter(|e| !e.voided).map(|e| HistoryEvent {
            event: e.event,
            deadline_id: e.deadline_id,
            old_due: e.old_due,
            to: e.to,
            on: e.at,
        }));
    let mut deadlines: Vec<DeadlineState> = now
        .deadlines
        .iter()
        .map(|d| DeadlineState {
            id: d.id,
            due: d.due,
            met_on: d.met_on,
            first_due: first_due.get(&d.id).copied(),
        })
        .collect();
    deadlines.sort_by_key(|d| d.id);
    let state = ClaimState {
        status: now.status,
        speaker_id: now.speakers[0],
        other_speakers: now.speakers[1..].to_vec(),
        outlet_id: now.outlet,
        deadlines,
        fulfilled_on,
    };
    Derivable::of(state, Some((now, events)))
}

/// Writes the derived data of claims just written (nothing derived stored
/// yet: deadlines closed, no next due date), read back as they stand, in
/// a few statements.
pub(super) async fn derive_new(
    conn: &mut PgConnection,
    ids: &[i64],
    written: &Written,
    counts: CountsTo,
) -> crate::store::StoreResult<()> {
    let claims = replayable(conn, ids).await.map_err(Writes::fail)?;
    let mut batch = DerivedBatch::default();
    for id in ids {
        if let Some((now, events)) = claims.get(id) {
            rewrite(&mut batch, *id, None, Some(&derivable(now, events))).await?;
        }
    }
    // Only what differs from what was written with the claims.
    batch
        .open
        .retain(|(id, open)| written.open.get(id) != Some(open));
    batch
        .next_due
        .retain(|(id, due)| written.next_due.get(id) != Some(due));
    flush(conn, &batch, counts).await
}

/// Rewrites a claim's derived data after a change, given the claim from
/// before it (`None` for a claim just added).
pub(super) async fn refresh_derived(
    conn: &mut PgConnection,
    claim_id: i64,
    before: Option<Derivable>,
) -> crate::store::StoreResult<()> {
    let after = claim_state(conn, claim_id).await.map_err(Writes::fail)?;
    rewrite(&mut Writes(conn), claim_id, before.as_ref(), after.as_ref()).await
}
