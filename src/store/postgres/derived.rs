//! Derived data on PostgreSQL: how it is written (`store::derived` decides
//! what). Counts and journal rows move by `INSERT ... ON CONFLICT DO
//! UPDATE`, atomic per row, in key order so that concurrent writers take
//! row locks in one order.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::statement::{insert_rows, PgValue};
use crate::domain::dates::iso;
use crate::domain::days::ClaimDays;
use crate::domain::rules::{DeadlineFact, Tally, TallyChanges};
use crate::store::derived::{DerivedBatch, DerivedWrites};
use crate::store::StoreResult as Result;

/// A day as PostgreSQL's day tables write it: the first day there is as
/// `-infinity`.
pub(super) fn pg_day(day: NaiveDate) -> String {
    if day == NaiveDate::MIN {
        "-infinity".to_string()
    } else {
        iso(day)
    }
}

/// The end of a period: `infinity` while it has not ended.
pub(super) fn pg_until(until: Option<NaiveDate>) -> String {
    until.map_or_else(|| "infinity".to_string(), iso)
}

/// A table of counts, its key columns with their types, and where its
/// journal puts the day.
struct CountTable {
    table: &'static str,
    journal: &'static str,
    key: &'static [(&'static str, &'static str)],
    day_at: usize,
}

const COUNT_TABLES: [CountTable; 4] = [
    CountTable {
        table: "source_counts",
        journal: "source_count_days",
        key: &[("source_id", "bigint"), ("role", ""), ("status", "")],
        day_at: 0,
    },
    CountTable {
        table: "claim_due_counts",
        journal: "claim_due_count_days",
        key: &[("role", ""), ("source_id", "bigint"), ("next_due", "date")],
        day_at: 2,
    },
    CountTable {
        table: "record_delivered",
        journal: "record_delivered_days",
        key: &[
            ("source_id", "bigint"),
            ("role", ""),
            ("late_days", "integer"),
        ],
        day_at: 2,
    },
    CountTable {
        table: "record_undelivered",
        journal: "record_undelivered_days",
        key: &[
            ("source_id", "bigint"),
            ("role", ""),
            ("first_due", "date"),
            ("pending", "boolean"),
        ],
        day_at: 2,
    },
];

/// The count table a tally moves and its key, as sortable values.
fn count_row(tally: &Tally) -> (usize, Vec<Key>) {
    use Key::{Int, Text};
    match tally {
        Tally::Total { status } => (
            0,
            vec![Int(0), Text("all".into()), Text(status.to_string())],
        ),
        Tally::Status {
            source_id,
            role,
            status,
        } => (
            0,
            vec![
                Int(*source_id),
                Text(role.as_str().into()),
                Text(status.to_string()),
            ],
        ),
        Tally::NextDue { source, next_due } => {
            let (role, id) = source.map_or(("all", 0), |(role, id)| (role.as_str(), id));
            (1, vec![Text(role.into()), Int(id), Text(iso(*next_due))])
        }
        Tally::Delivered {
            source_id,
            role,
            late_days,
        } => (
            2,
            vec![Int(*source_id), Text(role.as_str().into()), Int(*late_days)],
        ),
        Tally::Undelivered {
            source_id,
            role,
            first_due,
            pending,
        } => (
            3,
            vec![
                Int(*source_id),
                Text(role.as_str().into()),
                Text(iso(*first_due)),
                Text(pending.to_string()),
            ],
        ),
    }
}

/// A key value, ordered as the server orders the column.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Int(i64),
    Text(String),
}

/// Where count rows go: moved in place, or staged for `apply_staged`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CountsTo {
    Tables,
    /// Temporary tables of this transaction (`stage_<table>`), summed into
    /// the tables once: an import moves each row once, not once a batch.
    Stage,
}

/// The count tables and then the journal's, as (name, key columns with
/// their types), in the order writers lock them.
fn count_tables(journal: bool) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    COUNT_TABLES
        .iter()
        .map(|t| {
            let mut key = t.key.to_vec();
            if journal {
                key.insert(t.day_at, ("day", "date"));
                (t.journal, key)
            } else {
                (t.table, key)
            }
        })
        .collect()
}

/// Makes this transaction's staging tables (empty, dropped at its end).
pub(super) async fn create_stage(conn: &mut PgConnection) -> std::result::Result<(), sqlx::Error> {
    for journal in [true, false] {
        for (name, _) in count_tables(journal) {
            sqlx::query(&format!(
                "CREATE TEMP TABLE IF NOT EXISTS stage_{name} (LIKE {name}) ON COMMIT DROP"
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Sums the staged rows into the journal, then the counts, each in key order.
pub(super) async fn apply_staged(conn: &mut PgConnection) -> std::result::Result<(), sqlx::Error> {
    for journal in [true, false] {
        for (name, key) in count_tables(journal) {
            let columns: Vec<&str> = key.iter().map(|(c, _)| *c).collect();
            let columns = columns.join(", ");
            sqlx::query(&format!(
                "INSERT INTO {name} ({columns}, n) SELECT {columns}, SUM(n) FROM stage_{name} \
                 GROUP BY {columns} HAVING SUM(n) <> 0 ORDER BY {columns} \
                 ON CONFLICT ({columns}) DO UPDATE SET n = {name}.n + excluded.n"
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Moves count rows (`day`: the journal's) in key order.
async fn upsert_counts(
    conn: &mut PgConnection,
    rows: &[(Option<NaiveDate>, &Tally, i64)],
) -> std::result::Result<(), sqlx::Error> {
    write_counts(conn, rows, CountsTo::Tables).await
}

/// Writes count rows where `to` says, in key order.
async fn write_counts(
    conn: &mut PgConnection,
    rows: &[(Option<NaiveDate>, &Tally, i64)],
    to: CountsTo,
) -> std::result::Result<(), sqlx::Error> {
    let mut keyed: Vec<(usize, Vec<Key>, i64)> = rows
        .iter()
        .map(|(day, tally, n)| {
            let (table, mut key) = count_row(tally);
            if let Some(day) = day {
                key.insert(COUNT_TABLES[table].day_at, Key::Text(pg_day(*day)));
            }
            (table, key, *n)
        })
        .collect();
    keyed.sort();
    let journal = rows.first().is_some_and(|(day, _, _)| day.is_some());
    let mut values: [Vec<PgValue>; 4] = Default::default();
    for (table, key, n) in keyed {
        values[table].extend(key.into_iter().map(|k| match k {
            Key::Int(v) => PgValue::Int(v),
            Key::Text(v) => PgValue::Text(v),
        }));
        values[table].push(PgValue::Int(n));
    }
    for (table, values) in COUNT_TABLES.iter().zip(values) {
        if values.is_empty() {
            continue;
        }
        let mut key: Vec<(&str, &str)> = table.key.to_vec();
        let name = if journal {
            key.insert(table.day_at, ("day", "date"));
            table.journal
        } else {
            table.table
        };
        let columns: Vec<&str> = key.iter().map(|(c, _)| *c).collect();
        let mut casts: Vec<&str> = key.iter().map(|(_, t)| *t).collect();
        casts.push("bigint");
        let columns = columns.join(", ");
        let (target, tail) = match to {
            CountsTo::Tables => (
                name.to_string(),
                format!(" ON CONFLICT ({columns}) DO UPDATE SET n = {name}.n + excluded.n"),
            ),
            CountsTo::Stage => (format!("stage_{name}"), String::new()),
        };
        insert_rows(
            conn,
            &format!("INSERT INTO {target} ({columns}, n)"),
            &casts,
            &values,
            &tail,
        )
        .await?;
    }
    Ok(())
}

/// What an import wrote of its claims' derived data along with them: the
/// read-back writes only what differs.
#[derive(Default)]
pub(super) struct Written {
    pub open: HashMap<i64, bool>,
    pub next_due: HashMap<i64, Option<NaiveDate>>,
}

/// How PostgreSQL writes derived data.
pub(super) struct Writes<'c>(pub &'c mut PgConnection);

impl Writes<'_> {
    pub(super) fn fail(e: sqlx::Error) -> crate::store::StoreError {
        super::failure(e, "")
    }
}

impl DerivedWrites for Writes<'_> {
    async fn set_open(&mut self, deadline_id: i64, open: bool) -> Result<()> {
        sqlx::query("UPDATE deadlines SET open = $1 WHERE id = $2")
            .bind(open)
            .bind(deadline_id)
            .execute(&mut *self.0)
            .await
            .map_err(Self::fail)?;
        Ok(())
    }

    async fn set_next_due(&mut self, claim_id: i64, next_due: Option<NaiveDate>) -> Result<()> {
        sqlx::query("UPDATE claims SET next_due = $1 WHERE id = $2")
            .bind(next_due)
            .bind(claim_id)
            .execute(&mut *self.0)
            .await
            .map_err(Self::fail)?;
        Ok(())
    }

    async fn replace_facts(&mut self, gone: &[i64], facts: &[DeadlineFact]) -> Result<()> {
        if !gone.is_empty() {
            sqlx::query("DELETE FROM deadline_facts WHERE deadline_id = ANY($1)")
                .bind(gone)
                .execute(&mut *self.0)
                .await
                .map_err(Self::fail)?;
        }
        let mut values = Vec::with_capacity(facts.len() * 6);
        for f in facts {
            values.extend([
                PgValue::Int(f.deadline_id),
                PgValue::Text(f.role.as_str().into()),
                PgValue::Int(f.source_id),
                PgValue::Text(iso(f.first_due)),
                PgValue::OptText(f.done.map(iso)),
                PgValue::Text(f.pending.to_string()),
            ]);
        }
        if values.is_empty() {
            return Ok(());
        }
        insert_rows(
            self.0,
            "INSERT INTO deadline_facts (deadline_id, role, source_id, first_due, done, pending)",
            &["bigint", "", "bigint", "date", "date", "boolean"],
            &values,
            "",
        )
        .await
        .map_err(Self::fail)
    }

    async fn move_counts(&mut self, changes: &TallyChanges) -> Result<()> {
        let rows: Vec<(Option<NaiveDate>, &Tally, i64)> = changes
            .nonzero()
            .into_iter()
            .map(|(tally, n)| (None, tally, n))
            .collect();
        upsert_counts(self.0, &rows).await.map_err(Self::fail)
    }

    async fn move_journal(&mut self, rows: &[(NaiveDate, Tally, i64)]) -> Result<()> {
        let rows: Vec<(Option<NaiveDate>, &Tally, i64)> = rows
            .iter()
            .map(|(day, tally, n)| (Some(*day), tally, *n))
            .collect();
        upsert_counts(self.0, &rows).await.map_err(Self::fail)
    }

    async fn replace_periods(
        &mut self,
        claim_id: i64,
        had: bool,
        days: Option<&ClaimDays>,
    ) -> Result<()> {
        if had {
            for table in ["claim_days", "due_days"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE claim_id = $1"))
                    .bind(claim_id)
                    .execute(&mut *self.0)
                    .await
                    .map_err(Self::fail)?;
            }
        }
        let Some(days) = days else { return Ok(()) };
        insert_periods(self.0, &[(claim_id, days)])
            .await
            .map_err(Self::fail)
    }
}

/// Inserts claims' periods (their old ones gone).
async fn insert_periods(
    conn: &mut PgConnection,
    claims: &[(i64, &ClaimDays)],
) -> std::result::Result<(), sqlx::Error> {
    let mut spans = Vec::new();
    let mut dues = Vec::new();
    for (claim_id, days) in claims {
        for s in &days.spans {
            spans.extend([
                PgValue::Int(*claim_id),
                PgValue::Text(pg_day(s.from)),
                PgValue::Text(pg_until(s.until)),
                PgValue::Text(s.status.to_string()),
                PgValue::OptText(s.next_due.map(iso)),
            ]);
        }
        for s in &days.due_spans {
            dues.extend([
                PgValue::Int(s.deadline_id),
                PgValue::Text(pg_day(s.from)),
                PgValue::Text(pg_until(s.until)),
                PgValue::Int(*claim_id),
                PgValue::Text(iso(s.due)),
            ]);
        }
    }
    if !spans.is_empty() {
        insert_rows(
            conn,
            "INSERT INTO claim_days (claim_id, from_day, until_day, status, next_due)",
            &["bigint", "date", "date", "", "date"],
            &spans,
            "",
        )
        .await?;
    }
    if !dues.is_empty() {
        insert_rows(
            conn,
            "INSERT INTO due_days (deadline_id, from_day, until_day, claim_id, due)",
            &["bigint", "date", "date", "bigint", "date"],
            &dues,
            "",
        )
        .await?;
    }
    Ok(())
}

/// Writes a batch of derived data in a few statements.
pub(super) async fn flush(
    conn: &mut PgConnection,
    batch: &DerivedBatch,
    counts: CountsTo,
) -> Result<()> {
    let fail = Writes::fail;
    // In the order `rewrite` writes, so that writers lock rows in one order.
    let journal = batch.journal_rows();
    let journal: Vec<(Option<NaiveDate>, &Tally, i64)> = journal
        .iter()
        .map(|(day, tally, n)| (Some(*day), tally, *n))
        .collect();
    write_counts(conn, &journal, counts).await.map_err(fail)?;
    for open in [true, false] {
        let ids: Vec<i64> = batch
            .open
            .iter()
            .filter(|(_, o)| *o == open)
            .map(|(id, _)| *id)
            .collect();
        if !ids.is_empty() {
            sqlx::query("UPDATE deadlines SET open = $1 WHERE id = ANY($2)")
                .bind(open)
                .bind(&ids)
                .execute(&mut *conn)
                .await
                .map_err(fail)?;
        }
    }
    if !batch.next_due.is_empty() {
        let (ids, dues): (Vec<i64>, Vec<Option<NaiveDate>>) =
            batch.next_due.iter().copied().unzip();
        sqlx::query(
            "UPDATE claims c SET next_due = v.due FROM unnest($1::bigint[], $2::date[]) \
             AS v(id, due) WHERE c.id = v.id",
        )
        .bind(&ids)
        .bind(&dues)
        .execute(&mut *conn)
        .await
        .map_err(fail)?;
    }
    if !batch.periods_gone.is_empty() {
        for table in ["claim_days", "due_days"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE claim_id = ANY($1)"))
                .bind(&batch.periods_gone)
                .execute(&mut *conn)
                .await
                .map_err(fail)?;
        }
    }
    let periods: Vec<(i64, &ClaimDays)> = batch.periods.iter().map(|(id, d)| (*id, d)).collect();
    insert_periods(conn, &periods).await.map_err(fail)?;
    let mut w = Writes(conn);
    if !batch.gone_facts.is_empty() || !batch.facts.is_empty() {
        w.replace_facts(&batch.gone_facts, &batch.facts).await?;
    }
    let moved: Vec<(Option<NaiveDate>, &Tally, i64)> = batch
        .counts
        .nonzero()
        .into_iter()
        .map(|(tally, n)| (None, tally, n))
        .collect();
    write_counts(w.0, &moved, counts).await.map_err(fail)
}
