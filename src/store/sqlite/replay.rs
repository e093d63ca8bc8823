//! What replays read: which claims differ between now and a view, and
//! those claims as they stand with all their events.

use std::collections::HashMap;

use sqlx::Row;

use super::history::events_of;
use super::rows::{deadline_from_row, opt_credibility, opt_date, stored};
use super::statement::{placeholders, with_ids, IDS_PER_QUERY};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::model::{ClaimKind, HistoryEntry, Status};
use crate::domain::replay::{Snapshot, View};
use crate::store::StoreResult as Result;

impl SqliteStore {
    /// The claims a replay of `view` must look at: said after its day, with
    /// a change that happened after it, or (with `known_on`) with an event
    /// written after that day. `None` when there are none: the view is the
    /// record as it stands.
    pub(super) async fn changed_claims(&self, view: &View) -> Result<Option<Vec<i64>>> {
        let as_of = iso(view.as_of);
        let mut sql = String::from(
            "SELECT id FROM claims WHERE said_on > $1 \
             UNION SELECT claim_id FROM events WHERE at > $1 \
             AND event NOT IN ('recorded', 'note', 'correction')",
        );
        let after = view.known_on.and_then(|d| d.succ_opt()).map(iso);
        if after.is_some() {
            sql.push_str(" UNION SELECT claim_id FROM events WHERE recorded_at >= $2");
        }
        let ids: Vec<i64> = sqlx::query_scalar(&format!("{sql} ORDER BY 1"))
            .bind(&as_of)
            .bind(after.unwrap_or_default())
            .fetch_all(&self.pool)
            .await?;
        Ok((!ids.is_empty()).then_some(ids))
    }

    /// These claims as they stand, with every event in the order written.
    pub(super) async fn snapshots(
        &self,
        ids: &[i64],
    ) -> Result<Vec<(Snapshot, Vec<HistoryEntry>)>> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks = placeholders(chunk.len());
            let mut snapshots: HashMap<i64, Snapshot> = HashMap::with_capacity(chunk.len());
            let sql = format!(
                "SELECT id, status, said_on, kind, credibility, speaker_id, reported_by_id \
                 FROM claims WHERE id IN ({marks})"
            );
            for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
                let id: i64 = row.try_get(0)?;
                snapshots.insert(
                    id,
                    Snapshot {
                        id,
                        status: stored("status", row.try_get(1)?, Status::from_word)?,
                        said_on: opt_date(row.try_get(2)?)?,
                        kind: stored("claim kind", row.try_get(3)?, ClaimKind::from_word)?,
                        credibility: opt_credibility(row.try_get(4)?)?,
                        speakers: vec![row.try_get(5)?],
                        outlet: row.try_get(6)?,
                        tags: Vec::new(),
                        deadlines: Vec::new(),
                        texts: HashMap::new(),
                    },
                );
            }
            let sql = format!(
                "SELECT claim_id, source_id FROM claim_speakers WHERE claim_id IN ({marks}) \
                 ORDER BY claim_id, position"
            );
            for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
                if let Some(s) = snapshots.get_mut(&row.try_get::<i64, _>(0)?) {
                    s.speakers.push(row.try_get(1)?);
                }
            }
            let sql = format!(
                "SELECT claim_id, tag FROM claim_tags WHERE claim_id IN ({marks}) ORDER BY tag"
            );
            for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
                if let Some(s) = snapshots.get_mut(&row.try_get::<i64, _>(0)?) {
                    s.tags.push(row.try_get(1)?);
                }
            }
            let sql = format!(
                "SELECT id, claim_id, due, precision, label, met_on, as_written, number \
                 FROM deadlines WHERE claim_id IN ({marks}) ORDER BY due, id"
            );
            for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
                let deadline = deadline_from_row(&row)?;
                if let Some(s) = snapshots.get_mut(&deadline.claim_id) {
                    s.deadlines.push(deadline);
                }
            }
            let mut events = events_of(&mut conn, chunk).await?;
            for id in chunk {
                if let Some(snapshot) = snapshots.remove(id) {
                    out.push((snapshot, events.remove(id).unwrap_or_default()));
                }
            }
        }
        Ok(out)
    }
}
