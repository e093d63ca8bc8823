//! `check`, `backup` and the database's size on PostgreSQL. The server
//! keeps its own tables sound (constraints, foreign keys, the history's
//! trigger); `check` runs our rules: every claim's derived data, the
//! counts, the journal and the periods recomputed and compared.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use sqlx::postgres::PgConnection;
use sqlx::Row;

use super::derived::{pg_day, pg_until};
use super::reads::{derivable, replayable, word};
use super::tallies::{journal_by_day, read_tallies};
use super::PostgresStore;
use crate::domain::dates::iso;
use crate::domain::rules::{DeadlineFact, Role, Tally, TallyChanges};
use crate::store::check::{compare_counts, compare_derived, Found, StoredDerived};
use crate::store::derived::{rewrite, DerivedBatch};
use crate::store::{StoreError as Error, StoreResult as Result, TallyScope};

use super::Sql;

/// Claims read per page.
const CHECK_PAGE: i64 = 5_000;

/// A period as text: (claim, from, until, status or deadline, next due or due).
type Period = (i64, String, String, String, Option<String>);

impl PostgresStore {
    /// A server's database is copied with the server's own tools.
    pub async fn backup(&self, _to: &Path) -> Result<u64> {
        Err(Error::Conflict(format!(
            "`claims backup` copies an SQLite file; back up a PostgreSQL database with the \
             server's tools: `pg_dump --format=custom --file=claims.dump '{}'` (restore with \
             `pg_restore`)",
            self.location
        )))
    }

    /// How many claims there are.
    pub async fn claim_count(&self) -> Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.failed(e))
    }

    /// Everything our rules find wrong, one line per rule.
    pub async fn check(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await.map_err(|e| self.failed(e))?;
        // One snapshot for every read: writers may go on meanwhile.
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *conn)
            .await
            .map_err(|e| self.failed(e))?;
        let found = check_in(&mut conn).await;
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        Ok(found.map_err(|e| self.failed(e))?.lines())
    }
}

async fn check_in(conn: &mut PgConnection) -> std::result::Result<Found, sqlx::Error> {
    let mut found = Found::default();
    const ROW_RULES: [(&str, &str); 2] = [
        (
            "claims without a `recorded` event",
            "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM events h \
             WHERE h.claim_id = c.id AND h.event = 'recorded') ORDER BY c.id LIMIT 21",
        ),
        (
            "claims whose status is not where their history ends",
            "SELECT c.id FROM claims c WHERE c.status <> COALESCE((SELECT h.to_status \
             FROM events h WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1), '') \
             ORDER BY c.id LIMIT 21",
        ),
    ];
    for (rule, sql) in ROW_RULES {
        let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
        found.add(rule, ids);
    }
    let mut expected = TallyChanges::default();
    let mut journal: BTreeMap<(String, Tally), i64> = BTreeMap::new();
    let mut after = 0;
    loop {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM claims WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(CHECK_PAGE)
                .fetch_all(&mut *conn)
                .await?;
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            break;
        };
        after = last;
        let claims = replayable(conn, &ids).await?;
        let stored = stored_derived(conn, &ids).await?;
        let mut batch = DerivedBatch::default();
        for id in &ids {
            let (Some((now, events)), Some(stored)) = (claims.get(id), stored.get(id)) else {
                continue;
            };
            let derivable = derivable(now, events);
            compare_derived(&mut found, *id, &derivable.state, stored, &mut expected);
            rewrite(&mut batch, *id, None, Some(&derivable))
                .await
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        }
        for (day, tally, n) in batch.journal_rows() {
            *journal.entry((pg_day(day), tally)).or_default() += n;
        }
        let mut want: BTreeSet<Period> = BTreeSet::new();
        for (id, days) in &batch.periods {
            for s in &days.spans {
                want.insert((
                    *id,
                    pg_day(s.from),
                    pg_until(s.until),
                    s.status.as_str().to_string(),
                    s.next_due.map(iso),
                ));
            }
            for s in &days.due_spans {
                want.insert((
                    *id,
                    pg_day(s.from),
                    pg_until(s.until),
                    format!("deadline {}", s.deadline_id),
                    Some(iso(s.due)),
                ));
            }
        }
        let have: BTreeSet<Period> = sqlx::query_as(
            "SELECT claim_id, from_day::text, until_day::text, status, next_due::text \
             FROM claim_days WHERE claim_id BETWEEN $1 AND $2 UNION ALL \
             SELECT claim_id, from_day::text, until_day::text, 'deadline ' || deadline_id, \
             due::text FROM due_days WHERE claim_id BETWEEN $1 AND $2",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        found.add(
            "claims whose periods in the day tables are wrong",
            want.symmetric_difference(&have).map(|p| p.0),
        );
    }
    let orphans: Vec<i64> = sqlx::query_scalar(
        "SELECT deadline_id FROM deadline_facts \
         WHERE deadline_id NOT IN (SELECT id FROM deadlines) ORDER BY 1 LIMIT 21",
    )
    .fetch_all(&mut *conn)
    .await?;
    found.add("deadlines whose track-record facts are wrong", orphans);
    let stored = read_tallies(conn, None, TallyScope::All).await?;
    compare_counts(&mut found, &expected, &stored);
    journal.retain(|_, n| *n != 0);
    let mut have: BTreeMap<(String, Tally), i64> = BTreeMap::new();
    for (day, tally, n) in journal_by_day(conn).await? {
        *have.entry((day, tally)).or_default() += n;
    }
    have.retain(|_, n| *n != 0);
    if journal != have {
        found.add_rule("the journal of past days' counts is wrong");
    }
    Ok(found)
}

/// The stored derived data of these claims, by id.
async fn stored_derived(conn: &mut PgConnection, ids: &[i64]) -> Sql<HashMap<i64, StoredDerived>> {
    let mut out: HashMap<i64, StoredDerived> = HashMap::with_capacity(ids.len());
    for row in sqlx::query("SELECT id, next_due FROM claims WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?
    {
        out.insert(
            row.try_get(0)?,
            StoredDerived {
                open: HashMap::new(),
                next_due: row.try_get(1)?,
                facts: HashSet::new(),
            },
        );
    }
    for row in sqlx::query("SELECT claim_id, id, open FROM deadlines WHERE claim_id = ANY($1)")
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?
    {
        if let Some(s) = out.get_mut(&row.try_get::<i64, _>(0)?) {
            s.open.insert(row.try_get(1)?, row.try_get(2)?);
        }
    }
    for row in sqlx::query(
        "SELECT d.claim_id, f.deadline_id, f.role, f.source_id, f.first_due, f.done, f.pending \
         FROM deadline_facts f JOIN deadlines d ON d.id = f.deadline_id \
         WHERE d.claim_id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?
    {
        let fact = DeadlineFact {
            deadline_id: row.try_get(1)?,
            role: word("role", row.try_get(2)?, Role::parse)?,
            source_id: row.try_get(3)?,
            first_due: row.try_get(4)?,
            done: row.try_get(5)?,
            pending: row.try_get(6)?,
        };
        if let Some(s) = out.get_mut(&row.try_get::<i64, _>(0)?) {
            s.facts.insert(fact);
        }
    }
    Ok(out)
}
