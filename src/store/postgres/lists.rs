//! Lists of claims on PostgreSQL: filters, the list order, upcoming
//! deadlines and the report's deadline totals.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{Postgres, QueryBuilder};

use super::search::phrase_query;
use super::PostgresStore;
use crate::domain::model::{Claim, Status};
use crate::store::{ClaimFilter, DeadlineCounts, StoreResult as Result};

/// The filters shared by lists and exports: status, source (as speaker or
/// outlet), tag, grades.
pub(super) fn push_filters(q: &mut QueryBuilder<'_, Postgres>, filter: &ClaimFilter) {
    if let Some(status) = filter.status {
        q.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(source) = filter.source_id {
        q.push(" AND (c.speaker_id = ")
            .push_bind(source)
            .push(" OR c.reported_by_id = ")
            .push_bind(source)
            .push(" OR c.id IN (SELECT claim_id FROM claim_speakers WHERE source_id = ")
            .push_bind(source)
            .push("))");
    }
    if let Some(tag) = &filter.tag {
        q.push(" AND EXISTS (SELECT 1 FROM claim_tags t WHERE t.claim_id = c.id AND t.tag = ")
            .push_bind(tag.clone())
            .push(")");
    }
    if !filter.reliability.is_empty() {
        let grades: Vec<String> = filter
            .reliability
            .iter()
            .map(|g| g.as_str().to_string())
            .collect();
        q.push(" AND c.speaker_id IN (SELECT id FROM sources WHERE reliability = ANY(")
            .push_bind(grades)
            .push("))");
    }
    if !filter.credibility.is_empty() {
        let grades: Vec<i16> = filter
            .credibility
            .iter()
            .map(|g| i16::from(g.get()))
            .collect();
        q.push(" AND c.credibility = ANY(")
            .push_bind(grades)
            .push(")");
    }
}

/// The ids of the claims matching `filter` (as of a day, for `overdue`),
/// in no order yet.
fn list_query(filter: &ClaimFilter, as_of: NaiveDate) -> QueryBuilder<'static, Postgres> {
    let mut q = QueryBuilder::<Postgres>::new("");
    push_list(&mut q, filter, as_of);
    q
}

/// `list_query`'s text, pushed onto `q`.
fn push_list(q: &mut QueryBuilder<'_, Postgres>, filter: &ClaimFilter, as_of: NaiveDate) {
    q.push("SELECT c.id FROM claims c WHERE TRUE");
    push_filters(q, filter);
    if let Some(kind) = filter.kind {
        q.push(" AND c.kind = ").push_bind(kind.as_str());
    }
    if filter.overdue {
        q.push(" AND c.next_due < ").push_bind(as_of);
    }
    if filter.due_before.is_some() || filter.due_after.is_some() {
        q.push(
            " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.claim_id = c.id AND d.met_on IS NULL",
        );
        if let Some(before) = filter.due_before {
            q.push(" AND d.due < ").push_bind(before);
        }
        if let Some(after) = filter.due_after {
            q.push(" AND d.due > ").push_bind(after);
        }
        q.push(")");
    }
    if filter.no_open_deadline {
        q.push(" AND c.status = 'pending' AND c.next_due IS NULL");
    }
    if let Some(search) = &filter.search {
        q.push(
            " AND c.id IN (SELECT claim_id FROM claim_search \
                 WHERE words @@ to_tsquery('simple', ",
        )
        .push_bind(phrase_query(search))
        .push("))");
    }
}

impl PostgresStore {
    /// The claims matching `filter`, judged as of a day: in id order after
    /// `after_id`, else by next open deadline (claims without one last, by id).
    pub async fn claims(&self, filter: &ClaimFilter, as_of: NaiveDate) -> Result<Vec<Claim>> {
        let limit = |q: &mut QueryBuilder<'_, Postgres>, n: Option<i64>| {
            if let Some(n) = n {
                q.push(" LIMIT ").push_bind(n);
            }
        };
        // One order over one index: the page and its claims in one statement.
        let single = |order: &'static str| {
            move |q: &mut QueryBuilder<'_, Postgres>| {
                push_list(q, filter, as_of);
                if let Some(after) = filter.after_id {
                    q.push(" AND c.id > ").push_bind(after);
                }
                q.push(" ORDER BY ").push(order);
                if let Some(n) = filter.limit {
                    q.push(" LIMIT ").push_bind(n);
                }
            }
        };
        if filter.after_id.is_some() {
            return self.claims_found(single("c.id"), "c.id", as_of).await;
        }
        if filter.overdue {
            // All have a next due date: the order of its index.
            let order = "c.next_due, c.id";
            return self.claims_found(single(order), order, as_of).await;
        }
        if filter.no_open_deadline || filter.status.is_some_and(|s| s != Status::Pending) {
            // None has a next due date (only pending claims with an open
            // deadline have one).
            return self.claims_found(single("c.id"), "c.id", as_of).await;
        }
        // Claims with an open deadline by date, then the others by id: two
        // passes, each in the order of an index, so that a first page never
        // sorts the whole table.
        let mut q = list_query(filter, as_of);
        q.push(" AND c.next_due IS NOT NULL ORDER BY c.next_due, c.id");
        limit(&mut q, filter.limit);
        let mut ids: Vec<i64> = q
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        let left = filter.limit.map(|n| n - ids.len() as i64);
        if left.is_some_and(|n| n <= 0) {
            return self.claims_in_order(&ids, as_of).await;
        }
        let mut q = list_query(filter, as_of);
        q.push(" AND c.next_due IS NULL ORDER BY c.id");
        limit(&mut q, left);
        let rest: Vec<i64> = q
            .build_query_scalar()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        ids.extend(rest);
        self.claims_in_order(&ids, as_of).await
    }

    /// Pending claims with an open deadline due in [from, until], soonest
    /// first by their first deadline in the window, judged as of `from`.
    pub async fn upcoming(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> Result<Vec<Claim>> {
        let Some(limit) = limit.map(|n| n as usize) else {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT claim_id FROM deadlines WHERE open AND due >= $1 AND due <= $2 \
                 GROUP BY claim_id ORDER BY MIN(due), claim_id",
            )
            .bind(from)
            .bind(until)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
            return self.claims_in_order(&ids, from).await;
        };
        // The open deadlines in the window in the order of their index
        // (due, claim): each claim first appears at its first deadline in
        // the window, so the first `limit` claims to appear are the first
        // page, found without grouping every deadline in the window.
        let mut ids: Vec<i64> = Vec::with_capacity(limit);
        let mut seen: std::collections::HashSet<i64> = std::collections::HashSet::new();
        let mut after: Option<(NaiveDate, i64)> = None;
        let page = (limit * 2).max(100) as i64;
        while ids.len() < limit {
            let rows: Vec<(NaiveDate, i64)> = sqlx::query_as(
                "SELECT due, claim_id FROM deadlines WHERE open AND due >= $1 AND due <= $2 \
                 AND ($3::date IS NULL OR (due, claim_id) > ($3, $4)) \
                 ORDER BY due, claim_id LIMIT $5",
            )
            .bind(from)
            .bind(until)
            .bind(after.map(|a| a.0))
            .bind(after.map(|a| a.1))
            .bind(page)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
            for (_, claim) in &rows {
                if ids.len() < limit && seen.insert(*claim) {
                    ids.push(*claim);
                }
            }
            if (rows.len() as i64) < page {
                break;
            }
            after = rows.last().copied();
        }
        self.claims_in_order(&ids, from).await
    }

    /// Claims with an open deadline due in [from, until], claims with any
    /// open deadline, and claims overdue as of `from`.
    pub async fn deadline_counts(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<DeadlineCounts> {
        let (upcoming, with_open, overdue): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT COUNT(DISTINCT claim_id) FROM deadlines \
                 WHERE open AND due >= $1 AND due <= $2), \
             SUM(n)::bigint, SUM(CASE WHEN next_due < $1 THEN n ELSE 0 END)::bigint \
             FROM claim_due_counts WHERE role = 'all' AND source_id = 0",
        )
        .bind(from)
        .bind(until)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(DeadlineCounts {
            upcoming,
            with_open_deadline: with_open.unwrap_or(0),
            overdue: overdue.unwrap_or(0),
        })
    }

    /// The claims with these ids in the order given, judged as of a day.
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
}
