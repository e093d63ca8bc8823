//! Reading claims: filters, list order, upcoming, histories.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::history::events_of;
use super::rows::{claim_from_row, deadline_from_row, source_ref_from_row, CLAIM_SELECT};
use super::search::COMMON_MATCHES;
use super::statement::{placeholders, text, with_ids, Bind, Statement, IDS_PER_QUERY};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::model::{Claim, HistoryEntry, Status};
use crate::domain::rules::judge;
use crate::store::{ClaimFilter, DeadlineCounts, StoreError as Error, StoreResult as Result};

/// The filters shared by lists and exports: status, source (as speaker or
/// outlet), tag, grades.
pub(super) fn push_filters(s: &mut Statement, filter: &ClaimFilter) {
    if let Some(status) = filter.status {
        s.push(" AND c.status = {}", [text(status.as_str())]);
    }
    if let Some(source) = filter.source_id {
        s.push(
            " AND (c.speaker_id = {} OR c.reported_by_id = {} OR c.id IN \
             (SELECT claim_id FROM claim_speakers WHERE source_id = {}))",
            [Bind::Int(source), Bind::Int(source), Bind::Int(source)],
        );
    }
    if let Some(tag) = &filter.tag {
        s.push(
            " AND EXISTS (SELECT 1 FROM claim_tags t WHERE t.claim_id = c.id AND t.tag = {})",
            [text(tag)],
        );
    }
    if !filter.reliability.is_empty() {
        s.push(
            " AND c.speaker_id IN (SELECT id FROM sources WHERE reliability IN (",
            [],
        );
        for (i, grade) in filter.reliability.iter().enumerate() {
            s.push(if i == 0 { "{}" } else { ", {}" }, [text(grade.as_str())]);
        }
        s.push("))", []);
    }
    if !filter.credibility.is_empty() {
        s.push(" AND c.credibility IN (", []);
        for (i, grade) in filter.credibility.iter().enumerate() {
            s.push(
                if i == 0 { "{}" } else { ", {}" },
                [Bind::Int(i64::from(grade.get()))],
            );
        }
        s.push(")", []);
    }
}

impl SqliteStore {
    /// One claim with deadlines, tags and history, judged as of a date.
    pub(super) async fn claim(&self, id: i64, as_of: NaiveDate) -> Result<Claim> {
        let mut statement = Statement::new(CLAIM_SELECT);
        statement.push(" WHERE c.id = {}", [Bind::Int(id)]);
        let mut claims = self.load_claims(&statement, as_of).await?;
        let mut claim = claims.pop().ok_or_else(|| Error::no_claim(id))?;
        claim.history = Some(self.history(id).await?);
        Ok(claim)
    }

    /// The claims matching `filter`, ordered by next open deadline (claims
    /// without one last), then by id; judged as of a date.
    pub(super) async fn claims(
        &self,
        filter: &ClaimFilter,
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let mut s = Statement::new(CLAIM_SELECT);
        s.push(" WHERE 1 = 1", []);
        push_filters(&mut s, filter);
        if let Some(kind) = filter.kind {
            s.push(" AND c.kind = {}", [text(kind.as_str())]);
        }
        if filter.overdue {
            // next_due is set only on pending claims with an open deadline.
            s.push(" AND c.next_due < {}", [text(iso(as_of))]);
        }
        if filter.due_before.is_some() || filter.due_after.is_some() {
            s.push(
                " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.claim_id = c.id AND d.met_on IS NULL",
                [],
            );
            if let Some(before) = filter.due_before {
                s.push(" AND d.due < {}", [text(iso(before))]);
            }
            if let Some(after) = filter.due_after {
                s.push(" AND d.due > {}", [text(iso(after))]);
            }
            s.push(")", []);
        }
        if filter.no_open_deadline {
            s.push(" AND c.status = 'pending' AND c.next_due IS NULL", []);
        }
        if let Some(search) = &filter.search {
            // The words as one phrase, however they are punctuated; none
            // matches nothing.
            let phrase = super::search::fts_phrase(search).unwrap_or_else(|| "\"\"".to_string());
            // A word in a large share of the claims: walking the list order
            // and testing each claim against the matches (`+c.id` keeps the
            // planner from fetching every match by id and sorting them all)
            // finds the first page sooner.
            let matches: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM claim_search WHERE claim_search MATCH $1")
                    .bind(&phrase)
                    .fetch_one(&self.pool)
                    .await?;
            let id = if matches > COMMON_MATCHES {
                "+c.id"
            } else {
                "c.id"
            };
            s.push(
                &format!(
                    " AND {id} IN (SELECT rowid FROM claim_search WHERE claim_search MATCH {{}})"
                ),
                [text(phrase)],
            );
        }
        if let Some(after) = filter.after_id {
            s.push(" AND c.id > {} ORDER BY c.id", [Bind::Int(after)]);
        } else if filter.no_open_deadline {
            // All have next_due NULL: id order, which the status index gives.
            s.push(" ORDER BY c.id", []);
        } else if filter.overdue {
            // The same order as below, but one the next_due index serves.
            s.push(" ORDER BY c.next_due, c.id", []);
        } else {
            // Claims with an open deadline by date, then the others by id:
            // two passes, each in the order of an index, so a first page
            // never sorts the whole table.
            let mut rest = s.clone();
            // Only pending claims have a next due date.
            let resolved = filter.status.is_some_and(|s| s != Status::Pending);
            let mut claims = Vec::new();
            if !resolved {
                s.push(" AND c.next_due IS NOT NULL ORDER BY c.next_due, c.id", []);
                if let Some(limit) = filter.limit {
                    s.push(" LIMIT {}", [Bind::Int(limit)]);
                }
                claims = self.load_claims(&s, as_of).await?;
            }
            let left = filter.limit.map(|limit| limit - claims.len() as i64);
            if left.is_none_or(|left| left > 0) {
                rest.push(" AND c.next_due IS NULL ORDER BY c.id", []);
                if let Some(left) = left {
                    rest.push(" LIMIT {}", [Bind::Int(left)]);
                }
                claims.extend(self.load_claims(&rest, as_of).await?);
            }
            return Ok(claims);
        }
        if let Some(limit) = filter.limit {
            s.push(" LIMIT {}", [Bind::Int(limit)]);
        }
        self.load_claims(&s, as_of).await
    }

    /// Pending claims with an open deadline due in [from, until], soonest
    /// first by their first deadline in the window, judged as of `from`.
    pub(super) async fn upcoming(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> Result<Vec<Claim>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT claim_id FROM deadlines WHERE open = 1 AND due >= $1 AND due <= $2 \
             GROUP BY claim_id ORDER BY MIN(due), claim_id LIMIT $3",
        )
        .bind(iso(from))
        .bind(iso(until))
        .bind(limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await?;
        self.claims_in_order(&ids, from).await
    }

    /// Counts from the open-deadline indexes: claims with an open deadline
    /// due in [from, until], claims with any open deadline, and claims
    /// overdue as of `from`.
    pub(super) async fn deadline_counts(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<DeadlineCounts> {
        let upcoming: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT claim_id) FROM deadlines WHERE open = 1 AND due >= $1 AND due <= $2",
        )
        .bind(iso(from))
        .bind(iso(until))
        .fetch_one(&self.pool)
        .await?;
        // From the next-due counts (migration 8): one row per date.
        let (with_open, overdue): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT SUM(n), SUM(CASE WHEN next_due < $1 THEN n ELSE 0 END) FROM claim_due_counts \
             WHERE role = 'all' AND source_id = 0",
        )
        .bind(iso(from))
        .fetch_one(&self.pool)
        .await?;
        Ok(DeadlineCounts {
            upcoming,
            with_open_deadline: with_open.unwrap_or(0),
            overdue: overdue.unwrap_or(0),
        })
    }

    /// The claims with these ids in the order given, judged as of a date.
    pub(super) async fn claims_in_order(
        &self,
        ids: &[i64],
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let mut claims = self.claims_by_ids(ids, as_of).await?;
        let position: HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        claims.sort_by_key(|c| position[&c.id]);
        Ok(claims)
    }

    /// The claims with these ids, in id order, judged as of a date.
    pub(super) async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        let mut claims = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut s = Statement::new(CLAIM_SELECT);
            s.push(" WHERE c.id IN (", []);
            for (i, id) in chunk.iter().enumerate() {
                s.push(if i == 0 { "{}" } else { ", {}" }, [Bind::Int(*id)]);
            }
            s.push(") ORDER BY c.id", []);
            claims.extend(self.load_claims(&s, as_of).await?);
        }
        Ok(claims)
    }

    /// Runs a claim query, then attaches deadlines and tags in batches.
    pub(super) async fn load_claims(
        &self,
        statement: &Statement,
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let rows = statement.query().fetch_all(&self.pool).await?;
        let mut claims = rows
            .iter()
            .map(claim_from_row)
            .collect::<Result<Vec<_>>>()?;
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(claims.len());
        for (i, claim) in claims.iter().enumerate() {
            index.insert(claim.id, i);
        }
        let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let placeholders = placeholders(chunk.len());
            let sql = format!(
                "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines \
                 WHERE claim_id IN ({placeholders}) ORDER BY due, id"
            );
            for row in with_ids(&sql, chunk).fetch_all(&self.pool).await? {
                let deadline = deadline_from_row(&row)?;
                claims[index[&deadline.claim_id]].deadlines.push(deadline);
            }
            // Tags and the other speakers in one query: each costs a trip.
            let sql = format!(
                "SELECT claim_id, 0 AS part, tag AS tag, NULL AS id, NULL AS name, NULL AS kind, \
                 NULL AS reliability, 0 AS position FROM claim_tags WHERE claim_id IN ({placeholders}) \
                 UNION ALL SELECT cs.claim_id, 1, NULL, s.id, s.name, s.kind, s.reliability, \
                 cs.position FROM claim_speakers cs JOIN sources s ON s.id = cs.source_id \
                 WHERE cs.claim_id IN ({placeholders}) ORDER BY 1, 2, 3, 8"
            );
            for row in with_ids(&sql, chunk).fetch_all(&self.pool).await? {
                let claim = &mut claims[index[&row.try_get::<i64, _>("claim_id")?]];
                if row.try_get::<i64, _>("part")? == 0 {
                    claim.tags.push(row.try_get("tag")?);
                } else {
                    claim.speakers.push(source_ref_from_row(&row)?);
                }
            }
        }
        for claim in &mut claims {
            judge(claim, as_of);
        }
        Ok(claims)
    }

    /// A claim's history, oldest first.
    pub(super) async fn history(&self, claim_id: i64) -> Result<Vec<HistoryEntry>> {
        Ok(self
            .histories(&[claim_id])
            .await?
            .remove(&claim_id)
            .unwrap_or_default())
    }

    /// The histories of several claims, in the order written, by claim id.
    pub(super) async fn histories(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        let mut conn = self.pool.acquire().await?;
        events_of(&mut conn, ids).await
    }
}
