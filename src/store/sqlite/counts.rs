//! The counts reports read (`source_counts`, `claim_due_counts`,
//! `record_delivered`, `record_undelivered`) and their journal by day
//! (migration 15), moved by +n/-n upserts of `domain::rules::Tally` rows.

use sqlx::sqlite::SqliteConnection;

use super::statement::{insert_many, Value};
use crate::domain::dates::iso;
use crate::domain::rules::{Tally, TallyChanges};
use crate::store::StoreResult as Result;

/// Moves the counts by `changes`, one multi-row upsert per table.
pub(super) async fn apply_tallies(
    conn: &mut SqliteConnection,
    changes: &TallyChanges,
) -> Result<()> {
    let rows: Vec<(Option<String>, &Tally, i64)> = changes
        .nonzero()
        .into_iter()
        .map(|(tally, n)| (None, tally, n))
        .collect();
    upsert_counts(conn, &rows, CountsIn::Tables).await
}

/// A table of counts: its name, its key columns, and where the journal's
/// copy of it (`NAME_days`, migration 15) puts the day among them.
struct CountTable {
    table: &'static str,
    journal: &'static str,
    key: &'static [&'static str],
    day_at: usize,
}

const COUNT_TABLES: [CountTable; 4] = [
    CountTable {
        table: "source_counts",
        journal: "source_count_days",
        key: &["source_id", "role", "status"],
        day_at: 0,
    },
    CountTable {
        table: "claim_due_counts",
        journal: "claim_due_count_days",
        key: &["role", "source_id", "next_due"],
        day_at: 2,
    },
    CountTable {
        table: "record_delivered",
        journal: "record_delivered_days",
        key: &["source_id", "role", "late_days"],
        day_at: 2,
    },
    CountTable {
        table: "record_undelivered",
        journal: "record_undelivered_days",
        key: &["source_id", "role", "first_due", "pending"],
        day_at: 2,
    },
];

/// The count table a tally moves (an index into `COUNT_TABLES`) and its key.
fn count_row(tally: &Tally) -> (usize, Vec<Value<'static>>) {
    match tally {
        Tally::Total { status } => (
            0,
            vec![
                Value::Int(0),
                Value::Text("all"),
                Value::Text(status.as_str()),
            ],
        ),
        Tally::Status {
            source_id,
            role,
            status,
        } => (
            0,
            vec![
                Value::Int(*source_id),
                Value::Text(role.as_str()),
                Value::Text(status.as_str()),
            ],
        ),
        Tally::NextDue { source, next_due } => {
            let (role, id) = match source {
                Some((role, id)) => (role.as_str(), *id),
                None => ("all", 0),
            };
            (
                1,
                vec![
                    Value::Text(role),
                    Value::Int(id),
                    Value::Owned(iso(*next_due)),
                ],
            )
        }
        Tally::Delivered {
            source_id,
            role,
            late_days,
        } => (
            2,
            vec![
                Value::Int(*source_id),
                Value::Text(role.as_str()),
                Value::Int(*late_days),
            ],
        ),
        Tally::Undelivered {
            source_id,
            role,
            first_due,
            pending,
        } => (
            3,
            vec![
                Value::Int(*source_id),
                Value::Text(role.as_str()),
                Value::Owned(iso(*first_due)),
                Value::Int(i64::from(*pending)),
            ],
        ),
    }
}

/// Two keys of one table, in the order SQLite sorts them.
fn compare_keys(a: &[Value], b: &[Value]) -> std::cmp::Ordering {
    fn part<'v>(v: &'v Value) -> (Option<i64>, Option<&'v str>) {
        match v {
            Value::Int(n) => (Some(*n), None),
            Value::OptInt(n) => (*n, None),
            Value::Text(t) => (None, Some(t)),
            Value::OptText(t) => (None, *t),
            Value::Owned(t) => (None, Some(t)),
            Value::OptOwned(t) => (None, t.as_deref()),
        }
    }
    a.iter().map(part).cmp(b.iter().map(part))
}

/// Where `upsert_counts` writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CountsIn {
    /// Today's counts, or the journal's (migration 15) for rows with a day.
    Tables,
    /// The journal rows of a bulk write, appended to temporary tables
    /// (`stage_journal`) and summed into the journal at its end
    /// (`flush_journal`): one grouped upsert in key order instead of one
    /// upsert a row.
    Staged,
}

/// Creates the temporary tables `CountsIn::Staged` appends to.
pub(super) async fn stage_journal(conn: &mut SqliteConnection) -> Result<()> {
    for table in &COUNT_TABLES {
        let name = table.journal;
        sqlx::query(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS staged_{name} AS SELECT * FROM main.{name} WHERE 0"
        ))
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!("DELETE FROM temp.staged_{name}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sums the staged journal rows into the journal and empties the stage.
pub(super) async fn flush_journal(conn: &mut SqliteConnection) -> Result<()> {
    for table in &COUNT_TABLES {
        let name = table.journal;
        let mut key: Vec<&str> = table.key.to_vec();
        key.insert(table.day_at, "day");
        let key = key.join(", ");
        // `WHERE true` tells SQLite's parser the ON CONFLICT is the upsert's.
        sqlx::query(&format!(
            "INSERT INTO main.{name} ({key}, n) SELECT {key}, SUM(n) FROM temp.staged_{name} \
             WHERE true GROUP BY {key} ON CONFLICT ({key}) DO UPDATE SET n = n + excluded.n"
        ))
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!("DELETE FROM temp.staged_{name}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Moves count rows, one multi-row upsert per table: today's counts for
/// rows without a day, the journal's (migration 15) for rows with one. A
/// call writes one or the other.
pub(super) async fn upsert_counts(
    conn: &mut SqliteConnection,
    rows: &[(Option<String>, &Tally, i64)],
    target: CountsIn,
) -> Result<()> {
    let journal = rows.first().is_some_and(|(day, _, _)| day.is_some());
    // Each table's rows in the order of its key: a B-tree written in order
    // touches each page once. (A stage is appended to, and sorted by SQLite
    // when it is flushed.)
    let mut keyed: Vec<(usize, Vec<Value>, i64)> = rows
        .iter()
        .map(|(day, tally, n)| {
            let (table, mut key) = count_row(tally);
            if let Some(day) = day {
                key.insert(COUNT_TABLES[table].day_at, Value::Owned(day.clone()));
            }
            (table, key, *n)
        })
        .collect();
    if target == CountsIn::Tables {
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_keys(&a.1, &b.1)));
    }
    let mut values: [Vec<Value>; 4] = Default::default();
    for (table, key, n) in keyed {
        values[table].extend(key);
        values[table].push(Value::Int(n));
    }
    for (table, values) in COUNT_TABLES.iter().zip(values) {
        let mut key: Vec<&str> = table.key.to_vec();
        let name = if journal {
            key.insert(table.day_at, "day");
            table.journal.to_string()
        } else {
            table.table.to_string()
        };
        let key = key.join(", ");
        let (name, tail) = match target {
            CountsIn::Staged => (format!("temp.staged_{name}"), String::new()),
            CountsIn::Tables => (
                name,
                format!(" ON CONFLICT ({key}) DO UPDATE SET n = n + excluded.n"),
            ),
        };
        insert_many(
            conn,
            &format!("INSERT INTO {name} ({key}, n)"),
            table.key.len() + 1 + usize::from(journal),
            &values,
            &tail,
        )
        .await?;
    }
    Ok(())
}
