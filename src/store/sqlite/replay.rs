//! What replays read: the claims a view can change, as they stand, with all
//! their events.
//!
//! A past view can touch half the claims (a bulk import dates every
//! resolution on the day of the import), so this is read in pages of
//! claims, each table's rows of a page packed by SQLite into one JSON row:
//! a row through sqlx costs far more than its bytes (a wake-up of the
//! worker thread per row), as the export found.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::rows::{date, opt_credibility, opt_date, stored};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::model::{
    ClaimKind, Deadline, DeadlineRef, EventKind, HistoryEntry, Precision, Status,
};
use crate::domain::replay::{Snapshot, View};
use crate::store::{StoreError as Error, StoreResult as Result};

/// Claims read per page.
const PAGE: i64 = 20_000;

type ClaimRow = (
    i64,
    String,
    Option<String>,
    String,
    Option<i64>,
    i64,
    Option<i64>,
);
type PairRow<T> = (i64, T);
type DeadlineRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);
type EventRow = (
    (i64, i64, String, String, Option<String>, String),
    (Option<i64>, Option<String>, Option<String>),
    (String, Option<String>, Option<String>, Option<String>),
    (Option<i64>, i64),
);

impl SqliteStore {
    /// The claims `view` can change, as they stand, with their events in the
    /// order written, a page at a time; false when there are none.
    pub(super) async fn replay_set(
        &self,
        view: &View,
        only: Option<&[i64]>,
        each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
    ) -> Result<bool> {
        let mut conn = self.pool.acquire().await?;
        if !mark_changed(&mut conn, view, only).await? {
            return Ok(false);
        }
        let events = match view.known_on {
            Some(_) => Events::All,
            None => Events::Undoing(view.as_of),
        };
        each_marked(&mut conn, events, each).await?;
        Ok(true)
    }
}

/// Which events a page reads of its claims.
#[derive(Clone, Copy)]
pub(super) enum Events {
    /// All, as written.
    All,
    /// Without `known_on`, the events in force after the day are enough to
    /// undo (they are the latest of each thing they change), with the moves
    /// and fulfilments the track records read: undoing and redoing the
    /// others changes nothing.
    Undoing(NaiveDate),
}

/// Reads the claims marked in `temp.replay_ids` a page at a time, then
/// clears the marks.
pub(super) async fn each_marked(
    conn: &mut SqliteConnection,
    events: Events,
    each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
) -> Result<()> {
    let mut after = 0;
    loop {
        let page = marked_page(conn, after, events).await?;
        let Some(last) = page.last().map(|(s, _)| s.id) else {
            break;
        };
        after = last;
        each(page);
    }
    clear_marks(conn).await
}

/// The next page of the claims marked in `temp.replay_ids`, after the id
/// `after`; empty at the end.
pub(super) async fn marked_page(
    conn: &mut SqliteConnection,
    after: i64,
    events: Events,
) -> Result<Vec<(Snapshot, Vec<HistoryEntry>)>> {
    let page =
        format!("SELECT id FROM temp.replay_ids WHERE id > {after} ORDER BY id LIMIT {PAGE}");
    read_page(conn, &page, events).await
}

/// These claims as they stand, with all their events, by id.
pub(super) async fn replayable(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (Snapshot, Vec<HistoryEntry>)>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(PAGE as usize) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let page = format!("SELECT id FROM claims WHERE id IN ({})", list.join(","));
        for (snapshot, events) in read_page(conn, &page, Events::All).await? {
            out.insert(snapshot.id, (snapshot, events));
        }
    }
    Ok(out)
}

/// Creates `temp.replay_ids` if needed, empty.
pub(super) async fn clear_marks(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS replay_ids (id INTEGER PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.replay_ids")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Fills `temp.replay_ids` with the claims said after the view's day, with a
/// change after it, or (with `known_on`) with an event written after that
/// day. Whether there are any.
async fn mark_changed(
    conn: &mut SqliteConnection,
    view: &View,
    only: Option<&[i64]>,
) -> Result<bool> {
    let as_of = iso(view.as_of);
    let written_after = view.known_on.and_then(|d| d.succ_opt()).map(iso);
    // Most views are the record as it stands: one look at each index says so.
    let any: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM claims WHERE said_on > $1) \
         OR EXISTS (SELECT 1 FROM events WHERE at > $1 \
             AND event NOT IN ('recorded', 'note', 'correction')) \
         OR ($2 <> '' AND EXISTS (SELECT 1 FROM events WHERE recorded_at >= $2))",
    )
    .bind(&as_of)
    .bind(written_after.as_deref().unwrap_or_default())
    .fetch_one(&mut *conn)
    .await?;
    if !any {
        return Ok(false);
    }
    clear_marks(conn).await?;
    // One statement per index: as a UNION the planner scans both tables. For
    // a page already chosen, its claims are looked up by id instead (`+`
    // keeps the planner off the date indexes).
    let statements: Vec<String> = match only {
        None => {
            let mut all = vec![
                "INSERT OR IGNORE INTO temp.replay_ids SELECT id FROM claims WHERE said_on > $1"
                    .to_string(),
                "INSERT OR IGNORE INTO temp.replay_ids SELECT claim_id FROM events WHERE at > $1 \
                 AND event NOT IN ('recorded', 'note', 'correction')"
                    .to_string(),
            ];
            if written_after.is_some() {
                all.push(
                    "INSERT OR IGNORE INTO temp.replay_ids SELECT claim_id FROM events \
                     WHERE recorded_at >= $2"
                        .to_string(),
                );
            }
            all
        }
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let list = list.join(",");
            let mut some = vec![
                format!(
                    "INSERT OR IGNORE INTO temp.replay_ids SELECT id FROM claims \
                     WHERE id IN ({list}) AND +said_on > $1"
                ),
                format!(
                    "INSERT OR IGNORE INTO temp.replay_ids SELECT claim_id FROM events \
                     WHERE claim_id IN ({list}) AND +at > $1 \
                     AND event NOT IN ('recorded', 'note', 'correction')"
                ),
            ];
            if written_after.is_some() {
                some.push(format!(
                    "INSERT OR IGNORE INTO temp.replay_ids SELECT claim_id FROM events \
                     WHERE claim_id IN ({list}) AND +recorded_at >= $2"
                ));
            }
            some
        }
    };
    for sql in statements {
        sqlx::query(&sql)
            .bind(&as_of)
            .bind(written_after.as_deref().unwrap_or_default())
            .execute(&mut *conn)
            .await?;
    }
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM temp.replay_ids LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(any.is_some())
}

/// One JSON array of the rows `select` gives for the page's claims (each a
/// `json_array` named `j`; joined as text, not re-parsed as JSON).
async fn packed<T: for<'de> serde::Deserialize<'de>>(
    conn: &mut SqliteConnection,
    select: &str,
    page: &str,
) -> Result<Vec<T>> {
    let sql = format!(
        "WITH page AS ({page}) \
         SELECT '[' || COALESCE(group_concat(x.j, ','), '') || ']' FROM ({select}) x"
    );
    let json: String = sqlx::query(&sql).fetch_one(&mut *conn).await?.try_get(0)?;
    serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("replay rows: {e}")))
}

async fn read_page(
    conn: &mut SqliteConnection,
    page: &str,
    events: Events,
) -> Result<Vec<(Snapshot, Vec<HistoryEntry>)>> {
    let claims: Vec<ClaimRow> = packed(
        conn,
        "SELECT json_array(c.id, c.status, c.said_on, c.kind, c.credibility, c.speaker_id, \
         c.reported_by_id) AS j FROM page JOIN claims c ON c.id = page.id",
        page,
    )
    .await?;
    let mut snapshots: Vec<Snapshot> = Vec::with_capacity(claims.len());
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(claims.len());
    for (id, status, said_on, kind, credibility, speaker, outlet) in claims {
        index.insert(id, snapshots.len());
        snapshots.push(Snapshot {
            id,
            status: stored("status", &status, Status::from_word)?,
            said_on: opt_date(said_on.as_deref())?,
            kind: stored("claim kind", &kind, ClaimKind::from_word)?,
            credibility: opt_credibility(credibility)?,
            speakers: vec![speaker],
            outlet,
            tags: Vec::new(),
            deadlines: Vec::new(),
            texts: HashMap::new(),
        });
    }
    if snapshots.is_empty() {
        return Ok(Vec::new());
    }
    let speakers: Vec<PairRow<i64>> = packed(
        conn,
        "SELECT json_array(s.claim_id, s.source_id) AS j FROM page \
         JOIN claim_speakers s ON s.claim_id = page.id ORDER BY s.claim_id, s.position",
        page,
    )
    .await?;
    for (claim, source) in speakers {
        snapshots[index[&claim]].speakers.push(source);
    }
    let tags: Vec<PairRow<String>> = packed(
        conn,
        "SELECT json_array(t.claim_id, t.tag) AS j FROM page \
         JOIN claim_tags t ON t.claim_id = page.id",
        page,
    )
    .await?;
    for (claim, tag) in tags {
        snapshots[index[&claim]].tags.push(tag);
    }
    let deadlines: Vec<DeadlineRow> = packed(
        conn,
        "SELECT json_array(d.id, d.claim_id, d.due, d.precision, d.label, d.met_on, \
         d.as_written, d.number) AS j FROM page JOIN deadlines d ON d.claim_id = page.id \
         ",
        page,
    )
    .await?;
    for (id, claim, due, precision, label, met_on, as_written, number) in deadlines {
        snapshots[index[&claim]].deadlines.push(Deadline {
            id,
            reference: DeadlineRef {
                claim_id: claim,
                number: number
                    .ok_or_else(|| Error::Corrupt("a deadline has no number".to_string()))?,
            },
            claim_id: claim,
            due: date(&due)?,
            precision: stored("precision", &precision, Precision::from_word)?,
            label,
            met_on: opt_date(met_on.as_deref())?,
            as_written,
        });
    }
    // Only what replays read; a value only where it is one (edits, deadlines).
    let (written, only) = match events {
        Events::All => ("e.recorded_at", String::new()),
        Events::Undoing(as_of) => (
            "''",
            format!(
                " AND (e.at > '{}' AND e.event NOT IN ('recorded', 'note', 'correction') \
                 OR e.event = 'deadline_moved' OR (e.event = 'status' AND e.to_status = 'fulfilled')) \
                 AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id)",
                iso(as_of)
            ),
        ),
    };
    let events: Vec<EventRow> = packed(
        conn,
        &format!(
            "SELECT json_array(json_array(e.id, e.claim_id, e.event, e.at, e.from_status, \
             e.to_status), json_array(e.deadline_id, e.old_due, e.new_due), \
             json_array({written}, e.field, CASE WHEN e.event IN ('recorded', 'status', \
             'reopened', 'note', 'correction') THEN NULL ELSE e.old_value END, CASE WHEN e.event \
             IN ('recorded', 'status', 'reopened', 'note', 'correction') THEN NULL \
             ELSE e.new_value END), json_array(e.voids, EXISTS \
             (SELECT 1 FROM events v WHERE v.voids = e.id))) AS j \
             FROM page JOIN events e ON e.claim_id = page.id WHERE 1 = 1{only} \
             ORDER BY e.claim_id, e.id"
        ),
        page,
    )
    .await?;
    let mut histories: Vec<Vec<HistoryEntry>> = vec![Vec::new(); snapshots.len()];
    for (head, facts, written, (voids, voided)) in events {
        let (id, claim, event, at, from, to) = head;
        let (deadline_id, old_due, new_due) = facts;
        let (recorded_at, field, old, new) = written;
        histories[index[&claim]].push(HistoryEntry {
            id,
            claim_id: claim,
            event: stored("event", &event, EventKind::from_word)?,
            at: date(&at)?,
            from: from
                .as_deref()
                .map(|s| stored("status", s, Status::from_word))
                .transpose()?,
            to: stored("status", &to, Status::from_word)?,
            note: None,
            evidence: None,
            deadline_id,
            old_due: opt_date(old_due.as_deref())?,
            new_due: opt_date(new_due.as_deref())?,
            recorded_at,
            by: None,
            voided: voided != 0,
            voids,
            field,
            old,
            new,
        });
    }
    // Read unordered (a sort of every row costs more than these).
    for snapshot in &mut snapshots {
        snapshot.tags.sort_unstable();
        snapshot.deadlines.sort_by_key(|d| (d.due, d.id));
    }
    Ok(snapshots.into_iter().zip(histories).collect())
}
