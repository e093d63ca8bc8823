//! Past days on PostgreSQL: which claims a view can change (read with all
//! their events, a page at a time, for the replay), and the day tables
//! read as they stood on a day.

use chrono::NaiveDate;

use super::reads::replayable;
use super::tallies::read_tallies;
use super::PostgresStore;
use crate::domain::model::HistoryEntry;
use crate::domain::replay::{Snapshot, View};
use crate::domain::rules::TallyChanges;
use crate::store::{DayList, StoreResult as Result, TallyScope};

/// Claims read per page.
const PAGE: usize = 5_000;

/// Changes a past view undoes: everything but the `recorded` event, notes
/// and corrections (a correction's effect is in the change it voids).
const CHANGES: &str = "event NOT IN ('recorded', 'note', 'correction')";

impl PostgresStore {
    /// The claims `view` can change, as they stand, with all their events
    /// in the order written, a page at a time; false when there are none.
    pub async fn replay_set(
        &self,
        view: &View,
        only: Option<&[i64]>,
        each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
    ) -> Result<bool> {
        let written_after = view.known_on.and_then(|d| d.succ_opt());
        let only = only.map(<[i64]>::to_vec);
        // Each statement is retried alone if the server goes away (`reading`),
        // so that no page reaches `each` twice.
        let ids: Vec<i64> = self
            .reading(|| async {
                sqlx::query_scalar(&format!(
                    "SELECT id FROM claims WHERE said_on > $1 AND ($3::bigint[] IS NULL OR id = ANY($3)) \
                     UNION SELECT claim_id FROM events WHERE at > $1 AND {CHANGES} \
                         AND ($3::bigint[] IS NULL OR claim_id = ANY($3)) \
                     UNION SELECT claim_id FROM events WHERE $2::date IS NOT NULL \
                         AND recorded_at >= $2::date::timestamp AT TIME ZONE 'UTC' \
                         AND ($3::bigint[] IS NULL OR claim_id = ANY($3)) \
                     ORDER BY 1"
                ))
                .bind(view.as_of)
                .bind(written_after)
                .bind(&only)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.failed(e))
            })
            .await?;
        if ids.is_empty() {
            return Ok(false);
        }
        for page in ids.chunks(PAGE) {
            let mut claims = self
                .reading(|| async {
                    let mut conn = self.pool.acquire().await.map_err(|e| self.failed(e))?;
                    replayable(&mut conn, page)
                        .await
                        .map_err(|e| self.failed(e))
                })
                .await?;
            let mut out = Vec::with_capacity(page.len());
            for id in page {
                if let Some(claim) = claims.remove(id) {
                    out.push(claim);
                }
            }
            each(out);
        }
        Ok(true)
    }

    /// Whether a claim was said, or a change happened, after `day`.
    pub async fn changed_after(&self, day: NaiveDate) -> Result<bool> {
        sqlx::query_scalar(&format!(
            "SELECT EXISTS (SELECT 1 FROM claims WHERE said_on > $1) \
             OR EXISTS (SELECT 1 FROM events WHERE at > $1 AND {CHANGES})"
        ))
        .bind(day)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.failed(e))
    }

    /// How the counts in `scope` moved after `day`: the journal's rows
    /// after it, summed.
    pub async fn tallies_after(
        &self,
        day: NaiveDate,
        scope: TallyScope<'_>,
    ) -> Result<TallyChanges> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.failed(e))?;
        read_tallies(&mut conn, Some(day), scope)
            .await
            .map_err(|e| self.failed(e))
    }

    /// The first `limit` claims of a list as they stood on `day`, in the
    /// list's order.
    pub async fn day_list(
        &self,
        day: NaiveDate,
        list: DayList,
        limit: Option<u32>,
    ) -> Result<Vec<i64>> {
        let holds = "from_day <= $1 AND until_day > $1";
        let (sql, until) = match list {
            DayList::Overdue => (
                format!(
                    "SELECT claim_id FROM claim_days WHERE next_due < $1 AND {holds} \
                     AND $3::date IS NULL ORDER BY next_due, claim_id LIMIT $2"
                ),
                None,
            ),
            DayList::NoOpenDeadline => (
                format!(
                    "SELECT claim_id FROM claim_days WHERE next_due IS NULL \
                     AND status = 'pending' AND {holds} AND $3::date IS NULL \
                     ORDER BY claim_id LIMIT $2"
                ),
                None,
            ),
            DayList::Upcoming { until } => (
                format!(
                    "SELECT claim_id FROM due_days WHERE due >= $1 AND due <= $3 AND {holds} \
                     GROUP BY claim_id ORDER BY MIN(due), claim_id LIMIT $2"
                ),
                Some(until),
            ),
        };
        sqlx::query_scalar(&sql)
            .bind(day)
            .bind(limit.map(i64::from))
            .bind(until)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))
    }

    /// Claims with an open deadline due in [from, until] as they stood on `from`.
    pub async fn upcoming_count_on(&self, from: NaiveDate, until: NaiveDate) -> Result<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(DISTINCT claim_id) FROM due_days WHERE due >= $1 AND due <= $2 \
             AND from_day <= $1 AND until_day > $1",
        )
        .bind(from)
        .bind(until)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.failed(e))
    }
}
