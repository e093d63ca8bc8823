//! The day tables (migration 15, `domain::days`): written with each claim
//! in the transaction of its change, filled for a whole database on open
//! after the migration and for the claims of an import, read by the
//! reports of past days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::counts::{flush_journal, stage_journal, upsert_counts, CountsIn};
use super::replay::{clear_marks, marked_page, Events};
use super::statement::{insert_many, Value};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::days::{claim_days, day_key, parse_tally_key, until_key, ClaimDays};
use crate::domain::rules::{Tally, TallyChanges};
use crate::store::{DayList, StoreError as Error, StoreResult as Result, TallyScope};

/// The journal's tables, one per table of counts.
const JOURNAL_TABLES: [&str; 4] = [
    "source_count_days",
    "claim_due_count_days",
    "record_delivered_days",
    "record_undelivered_days",
];

// Each journal row's count as `domain::days::tally_key` names it.
const STATUS_KEY: &str = "CASE WHEN role = 'all' THEN 't ' || status \
     ELSE 's ' || source_id || ' ' || role || ' ' || status END";
const DUE_KEY: &str = "CASE WHEN role = 'all' THEN 'd ' || next_due \
     ELSE 'd ' || next_due || ' ' || role || ' ' || source_id END";
const DELIVERED_KEY: &str = "'m ' || source_id || ' ' || role || ' ' || late_days";
const UNDELIVERED_KEY: &str =
    "'u ' || source_id || ' ' || role || ' ' || first_due || ' ' || pending";

/// Lines `KEY=N` into counts.
fn parse_packed(packed: &str) -> Result<Vec<(Tally, i64)>> {
    packed
        .lines()
        .map(|line| {
            let bad = || Error::Corrupt(format!("unexpected journal row `{line}`"));
            let (key, n) = line.rsplit_once('=').ok_or_else(bad)?;
            let tally = parse_tally_key(key).ok_or_else(bad)?;
            Ok((tally, n.parse().map_err(|_| bad())?))
        })
        .collect()
}

/// Replaces a claim's periods (`had`: it had some stored).
pub(super) async fn replace_periods(
    conn: &mut SqliteConnection,
    claim_id: i64,
    had: bool,
    days: Option<&ClaimDays>,
) -> Result<()> {
    if had {
        sqlx::query("DELETE FROM claim_days WHERE claim_id = $1")
            .bind(claim_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM due_days WHERE claim_id = $1")
            .bind(claim_id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(days) = days {
        insert_spans(conn, &[(claim_id, days)]).await?;
    }
    Ok(())
}

/// Adds rows to the journal, or to its stage.
pub(super) async fn add_to_journal(
    conn: &mut SqliteConnection,
    rows: &[(NaiveDate, Tally, i64)],
    target: CountsIn,
) -> Result<()> {
    let rows: Vec<(Option<String>, &Tally, i64)> = rows
        .iter()
        .map(|(day, tally, n)| (Some(day_key(*day)), tally, *n))
        .collect();
    upsert_counts(conn, &rows, target).await
}

/// Inserts the spans of claims that have none stored.
async fn insert_spans(conn: &mut SqliteConnection, claims: &[(i64, &ClaimDays)]) -> Result<()> {
    let mut spans = Vec::new();
    let mut dues = Vec::new();
    for (claim_id, days) in claims {
        for s in &days.spans {
            spans.extend([
                Value::Int(*claim_id),
                Value::Owned(day_key(s.from)),
                Value::Owned(until_key(s.until)),
                Value::Text(s.status.as_str()),
                Value::OptOwned(s.next_due.map(iso)),
            ]);
        }
        for s in &days.due_spans {
            dues.extend([
                Value::Int(s.deadline_id),
                Value::Owned(day_key(s.from)),
                Value::Owned(until_key(s.until)),
                Value::Int(*claim_id),
                Value::Owned(iso(s.due)),
            ]);
        }
    }
    insert_many(
        conn,
        "INSERT INTO claim_days (claim_id, from_day, until_day, status, next_due)",
        5,
        &spans,
        "",
    )
    .await?;
    insert_many(
        conn,
        "INSERT INTO due_days (deadline_id, from_day, until_day, claim_id, due)",
        5,
        &dues,
        "",
    )
    .await
}

/// Writes the day tables of the claims marked in `temp.replay_ids`, which
/// have none yet, a page at a time; clears the marks.
pub(super) async fn fill_marked(conn: &mut SqliteConnection) -> Result<()> {
    stage_journal(conn).await?;
    let mut after = 0;
    loop {
        let page = marked_page(conn, after, Events::All).await?;
        let Some(last) = page.last().map(|(s, _)| s.id) else {
            break;
        };
        after = last;
        let computed: Vec<(i64, ClaimDays)> = page
            .iter()
            .map(|(now, events)| (now.id, claim_days(now, events)))
            .collect();
        let mut journal: BTreeMap<(NaiveDate, Tally), i64> = BTreeMap::new();
        for (_, days) in &computed {
            for (day, change) in &days.journal {
                for (tally, n) in &change.0 {
                    *journal.entry((*day, tally.clone())).or_default() += n;
                }
            }
        }
        let rows: Vec<(NaiveDate, Tally, i64)> = journal
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((day, tally), n)| (day, tally, n))
            .collect();
        add_to_journal(conn, &rows, CountsIn::Staged).await?;
        let refs: Vec<(i64, &ClaimDays)> = computed.iter().map(|(id, d)| (*id, d)).collect();
        insert_spans(conn, &refs).await?;
    }
    flush_journal(conn).await?;
    clear_marks(conn).await
}

/// Marks the claims from id `first` on, for `fill_marked`.
pub(super) async fn mark_from(conn: &mut SqliteConnection, first: i64) -> Result<()> {
    clear_marks(conn).await?;
    sqlx::query("INSERT INTO temp.replay_ids SELECT id FROM claims WHERE id >= $1")
        .bind(first)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl SqliteStore {
    /// Writes the day tables of a database made before they existed
    /// (migration 15 marks it in `days_backfill`).
    pub(super) async fn fill_days(&self) -> Result<()> {
        let pending: Option<i64> = sqlx::query_scalar("SELECT pending FROM days_backfill LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        if pending.is_none() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for table in JOURNAL_TABLES.into_iter().chain(["claim_days", "due_days"]) {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        mark_from(&mut tx, i64::MIN).await?;
        fill_marked(&mut tx).await?;
        sqlx::query("DELETE FROM days_backfill")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a claim was said, or a change happened, after `day`.
    pub(super) async fn changed_after(&self, day: NaiveDate) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM claims WHERE said_on > $1) \
             OR EXISTS (SELECT 1 FROM events WHERE at > $1 \
                 AND event NOT IN ('recorded', 'note', 'correction'))",
        )
        .bind(iso(day))
        .fetch_one(&self.pool)
        .await?)
    }

    /// How the counts in `scope` moved after `day`: the journal's rows after
    /// it, summed.
    pub(super) async fn tallies_after(
        &self,
        day: NaiveDate,
        scope: TallyScope<'_>,
    ) -> Result<TallyChanges> {
        let sources = |ids: Option<&[i64]>| match ids {
            None => String::new(),
            Some(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(
                    " AND source_id IN (-1{}{})",
                    if list.is_empty() { "" } else { ", " },
                    list.join(", ")
                )
            }
        };
        let mut selects = Vec::new();
        if matches!(scope, TallyScope::Counts | TallyScope::All) {
            selects.push(format!(
                "SELECT {STATUS_KEY} AS k, SUM(n) AS n FROM source_count_days WHERE day > $1 \
                 GROUP BY source_id, role, status"
            ));
            selects.push(format!(
                "SELECT {DUE_KEY} AS k, SUM(n) AS n FROM claim_due_count_days \
                 WHERE role = 'all' AND source_id = 0 AND day > $1 GROUP BY next_due"
            ));
        }
        let ids = match scope {
            TallyScope::Counts => None,
            TallyScope::Records(ids) => Some(Some(ids)),
            TallyScope::All => Some(None),
        };
        if let Some(ids) = ids {
            let only = sources(ids);
            selects.push(format!(
                "SELECT {DUE_KEY} AS k, SUM(n) AS n FROM claim_due_count_days \
                 WHERE role IN ('speaker', 'outlet'){only} AND day > $1 \
                 GROUP BY role, source_id, next_due"
            ));
            selects.push(format!(
                "SELECT {DELIVERED_KEY} AS k, SUM(n) AS n FROM record_delivered_days \
                 WHERE role IN ('speaker', 'outlet'){only} AND day > $1 \
                 GROUP BY source_id, role, late_days"
            ));
            selects.push(format!(
                "SELECT {UNDELIVERED_KEY} AS k, SUM(n) AS n FROM record_undelivered_days \
                 WHERE role IN ('speaker', 'outlet'){only} AND day > $1 \
                 GROUP BY source_id, role, first_due, pending"
            ));
        }
        // One packed row: a row through sqlx costs more than its bytes.
        let sql = format!(
            "SELECT group_concat(k || '=' || n, char(10)) FROM ({}) WHERE n <> 0",
            selects.join(" UNION ALL ")
        );
        let packed: Option<String> = sqlx::query_scalar(&sql)
            .bind(iso(day))
            .fetch_one(&self.pool)
            .await?;
        let mut out = TallyChanges::default();
        for (tally, n) in parse_packed(packed.as_deref().unwrap_or_default())? {
            *out.0.entry(tally).or_default() += n;
        }
        Ok(out)
    }

    /// The first `limit` claims of a list as they stood on `day`, in the
    /// lists' order.
    pub(super) async fn day_list(
        &self,
        day: NaiveDate,
        list: DayList,
        limit: Option<u32>,
    ) -> Result<Vec<i64>> {
        let holds = "from_day <= $1 AND until_day > $1";
        let sql = match list {
            DayList::Overdue => format!(
                "SELECT claim_id FROM claim_days WHERE next_due < $1 AND {holds} \
                 ORDER BY next_due, claim_id LIMIT $2"
            ),
            DayList::NoOpenDeadline => format!(
                "SELECT claim_id FROM claim_days INDEXED BY claim_days_undated \
                 WHERE next_due IS NULL AND status = 'pending' AND {holds} \
                 ORDER BY claim_id LIMIT $2"
            ),
            DayList::Upcoming { .. } => format!(
                "SELECT claim_id FROM due_days WHERE due >= $1 AND due <= $3 AND {holds} \
                 GROUP BY claim_id ORDER BY MIN(due), claim_id LIMIT $2"
            ),
        };
        let mut query = sqlx::query(&sql)
            .bind(iso(day))
            .bind(limit.map_or(-1, i64::from));
        if let DayList::Upcoming { until } = list {
            query = query.bind(iso(until));
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| row.try_get::<i64, _>(0).map_err(Error::from))
            .collect()
    }

    /// Claims with an open deadline due in [from, until] as they stood on `from`.
    pub(super) async fn upcoming_count_on(&self, from: NaiveDate, until: NaiveDate) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(DISTINCT claim_id) FROM due_days WHERE due >= $1 AND due <= $2 \
             AND from_day <= $1 AND until_day > $1",
        )
        .bind(iso(from))
        .bind(iso(until))
        .fetch_one(&self.pool)
        .await?)
    }
}

/// What `check` finds wrong in the day tables, recomputed from every claim:
/// the claims whose periods differ, and whether the journal does.
pub(super) async fn wrong_days(conn: &mut SqliteConnection) -> Result<(BTreeSet<i64>, bool)> {
    type Rows = BTreeSet<(i64, String, String, String, Option<String>)>;
    let mut wrong = BTreeSet::new();
    let mut journal: BTreeMap<(String, Tally), i64> = BTreeMap::new();
    mark_from(conn, i64::MIN).await?;
    let mut after = 0;
    loop {
        let page = marked_page(conn, after, Events::All).await?;
        let (Some(first), Some(last)) = (page.first(), page.last()) else {
            break;
        };
        let (first, last) = (first.0.id, last.0.id);
        after = last;
        // Both tables as rows of text: (claim, from, until, status or
        // deadline, next due or due).
        let mut expected = Rows::new();
        for (now, events) in &page {
            let days = claim_days(now, events);
            for (day, change) in &days.journal {
                for (tally, n) in &change.0 {
                    *journal.entry((day_key(*day), tally.clone())).or_default() += n;
                }
            }
            for s in days.spans {
                expected.insert((
                    now.id,
                    day_key(s.from),
                    until_key(s.until),
                    s.status.as_str().to_string(),
                    s.next_due.map(iso),
                ));
            }
            for s in days.due_spans {
                expected.insert((
                    now.id,
                    day_key(s.from),
                    until_key(s.until),
                    format!("deadline {}", s.deadline_id),
                    Some(iso(s.due)),
                ));
            }
        }
        let stored: Rows = sqlx::query_as(
            "SELECT claim_id, from_day, until_day, status, next_due FROM claim_days \
             WHERE claim_id BETWEEN $1 AND $2 UNION ALL \
             SELECT claim_id, from_day, until_day, 'deadline ' || deadline_id, due FROM due_days \
             WHERE claim_id BETWEEN $1 AND $2",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        wrong.extend(expected.symmetric_difference(&stored).map(|row| row.0));
    }
    clear_marks(conn).await?;
    journal.retain(|_, n| *n != 0);
    let mut stored: BTreeMap<(String, Tally), i64> = BTreeMap::new();
    for (table, key) in
        JOURNAL_TABLES
            .iter()
            .zip([STATUS_KEY, DUE_KEY, DELIVERED_KEY, UNDELIVERED_KEY])
    {
        // A day at a time would be kinder to memory; a journal is one row
        // per day and count that moved, which fits.
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT day, {key} || '=' || n FROM {table} WHERE n <> 0"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for (day, line) in rows {
            for (tally, n) in parse_packed(&line)? {
                *stored.entry((day.clone(), tally)).or_default() += n;
            }
        }
    }
    Ok((wrong, journal != stored))
}
