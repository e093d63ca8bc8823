//! Derived data, kept by one mechanism: after every change to a claim, the
//! store reads what the rules need (`ClaimState`) before and after, runs
//! `domain::rules::derive` on both, and writes the difference: open flags,
//! the next due date, the track-record facts, and the counts reports read
//! (`source_counts`, `claim_due_counts`, `record_delivered`,
//! `record_undelivered`, as +n/-n upserts). No trigger restates a rule;
//! `check` recomputes all of it with the same functions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::days::write_days;
use super::replay::replayable;
use super::rows::{date, opt_date, stored};
use super::statement::{insert_many, placeholders, with_ids, Value, IDS_PER_QUERY};
use crate::domain::dates::iso;
use crate::domain::days::{claim_days, ClaimDays};
use crate::domain::model::{EventKind, Status};
use crate::domain::rules::{
    derive, history_facts, tallies, ClaimState, DeadlineFact, DeadlineState, HistoryEvent, Role,
    Tally, TallyChanges,
};
use crate::store::StoreResult as Result;

/// A history row as `claim_states` reads it: event, deadline, old due
/// date, status it led to, day.
type StoredEvent = (EventKind, Option<i64>, Option<NaiveDate>, Status, NaiveDate);

/// What the rules need of these claims, by id; claims that do not exist are
/// absent.
pub(super) async fn claim_states(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, ClaimState>> {
    let mut states = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let marks = placeholders(chunk.len());
        let sql = format!(
            "SELECT id, status, speaker_id, reported_by_id FROM claims WHERE id IN ({marks})"
        );
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            states.insert(
                row.try_get::<i64, _>(0)?,
                ClaimState {
                    status: stored("status", row.try_get(1)?, Status::from_word)?,
                    speaker_id: row.try_get(2)?,
                    other_speakers: Vec::new(),
                    outlet_id: row.try_get(3)?,
                    deadlines: Vec::new(),
                    fulfilled_on: None,
                },
            );
        }
        let sql = format!(
            "SELECT claim_id, id, due, met_on FROM deadlines WHERE claim_id IN ({marks}) ORDER BY id"
        );
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            if let Some(state) = states.get_mut(&row.try_get::<i64, _>(0)?) {
                state.deadlines.push(DeadlineState {
                    id: row.try_get(1)?,
                    due: date(row.try_get(2)?)?,
                    met_on: opt_date(row.try_get(3)?)?,
                    first_due: None,
                });
            }
        }
        let sql = format!(
            "SELECT claim_id, source_id FROM claim_speakers WHERE claim_id IN ({marks}) \
             ORDER BY claim_id, position"
        );
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            if let Some(state) = states.get_mut(&row.try_get::<i64, _>(0)?) {
                state.other_speakers.push(row.try_get(1)?);
            }
        }
        // Only the events in force that the track records read.
        let sql = format!(
            "SELECT claim_id, event, deadline_id, old_due, to_status, at FROM events e \
             WHERE claim_id IN ({marks}) AND (event = 'deadline_moved' \
             OR (event = 'status' AND to_status = 'fulfilled')) \
             AND NOT EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id) ORDER BY id"
        );
        let mut events: HashMap<i64, Vec<StoredEvent>> = HashMap::new();
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            events.entry(row.try_get(0)?).or_default().push((
                stored("event", row.try_get(1)?, EventKind::from_word)?,
                row.try_get(2)?,
                opt_date(row.try_get(3)?)?,
                stored("status", row.try_get(4)?, Status::from_word)?,
                date(row.try_get(5)?)?,
            ));
        }
        for (claim_id, rows) in events {
            if let Some(state) = states.get_mut(&claim_id) {
                let (first_due, fulfilled_on) =
                    history_facts(rows.iter().map(|(event, deadline_id, old_due, to, on)| {
                        HistoryEvent {
                            event: *event,
                            deadline_id: *deadline_id,
                            old_due: *old_due,
                            to: *to,
                            on: *on,
                        }
                    }));
                for d in &mut state.deadlines {
                    d.first_due = first_due.get(&d.id).copied();
                }
                state.fulfilled_on = fulfilled_on;
            }
        }
    }
    Ok(states)
}

/// A claim as its derived data are computed from it: what the rules need,
/// and what it adds to the day tables.
pub(super) struct Derivable {
    state: ClaimState,
    days: ClaimDays,
}

/// One claim as its derived data are computed from it, or `None` when there
/// is no such claim.
pub(super) async fn claim_state(
    conn: &mut SqliteConnection,
    claim_id: i64,
) -> Result<Option<Derivable>> {
    let Some(state) = claim_states(conn, &[claim_id]).await?.remove(&claim_id) else {
        return Ok(None);
    };
    let days = replayable(conn, &[claim_id])
        .await?
        .remove(&claim_id)
        .map(|(now, events)| claim_days(&now, &events))
        .unwrap_or_default();
    Ok(Some(Derivable { state, days }))
}

/// Rewrites a claim's derived data after a change, given the claim from
/// before the change (`None` for a claim just added).
pub(super) async fn refresh_derived(
    conn: &mut SqliteConnection,
    claim_id: i64,
    before: Option<Derivable>,
) -> Result<()> {
    let after = claim_state(conn, claim_id).await?;
    rewrite_derived(conn, claim_id, before.as_ref(), after.as_ref()).await
}

/// Writes what changed in one claim's derived data between `before` and
/// `after` (`None`: no claim, before it was added or after it was removed).
pub(super) async fn rewrite_derived(
    conn: &mut SqliteConnection,
    claim_id: i64,
    before: Option<&Derivable>,
    after: Option<&Derivable>,
) -> Result<()> {
    write_days(
        conn,
        claim_id,
        before.map(|b| &b.days),
        after.map(|a| &a.days),
    )
    .await?;
    let before = before.map(|b| &b.state);
    let after = after.map(|a| &a.state);
    let old = before.map(derive);
    let new = after.map(derive);
    if let Some(new) = &new {
        let was: HashMap<i64, bool> = old.iter().flat_map(|o| o.open.iter().copied()).collect();
        for (id, open) in &new.open {
            // A deadline just added is stored closed.
            if was.get(id).copied().unwrap_or(false) != *open {
                sqlx::query("UPDATE deadlines SET open = $1 WHERE id = $2")
                    .bind(i64::from(*open))
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        if old.as_ref().and_then(|o| o.next_due) != new.next_due {
            sqlx::query("UPDATE claims SET next_due = $1 WHERE id = $2")
                .bind(new.next_due.map(iso))
                .bind(claim_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let old_facts: HashSet<&DeadlineFact> = old.iter().flat_map(|o| &o.facts).collect();
    let new_facts: HashSet<&DeadlineFact> = new.iter().flat_map(|n| &n.facts).collect();
    if old_facts != new_facts {
        let gone: Vec<i64> = old_facts
            .iter()
            .map(|f| f.deadline_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if !gone.is_empty() {
            let sql = format!(
                "DELETE FROM deadline_facts WHERE deadline_id IN ({})",
                placeholders(gone.len())
            );
            with_ids(&sql, &gone).execute(&mut *conn).await?;
        }
        let facts: Vec<DeadlineFact> = new_facts.into_iter().cloned().collect();
        insert_facts(conn, &facts).await?;
    }
    let mut changes = TallyChanges::default();
    if let (Some(state), Some(derived)) = (before, &old) {
        changes.add(tallies(state, derived), -1);
    }
    if let (Some(state), Some(derived)) = (after, &new) {
        changes.add(tallies(state, derived), 1);
    }
    apply_tallies(conn, &changes).await
}

/// Inserts track-record facts, as many per statement as SQLite takes.
pub(super) async fn insert_facts(
    conn: &mut SqliteConnection,
    facts: &[DeadlineFact],
) -> Result<()> {
    let mut values = Vec::with_capacity(facts.len() * 6);
    for f in facts {
        values.extend([
            Value::Int(f.deadline_id),
            Value::Text(f.role.as_str()),
            Value::Int(f.source_id),
            Value::Owned(iso(f.first_due)),
            Value::OptOwned(f.done.map(iso)),
            Value::Int(i64::from(f.pending)),
        ]);
    }
    insert_many(
        conn,
        "INSERT INTO deadline_facts (deadline_id, role, source_id, first_due, done, pending)",
        6,
        &values,
        "",
    )
    .await
}

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

/// The derived data of a claim as stored, for `check` to compare.
pub(super) struct StoredDerived {
    pub open: HashMap<i64, bool>,
    pub next_due: Option<NaiveDate>,
    pub facts: HashSet<DeadlineFact>,
}

/// The stored derived data of these claims, by id.
pub(super) async fn stored_derived(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, StoredDerived>> {
    let mut out: HashMap<i64, StoredDerived> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let marks = placeholders(chunk.len());
        let sql = format!("SELECT id, next_due FROM claims WHERE id IN ({marks})");
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            out.insert(
                row.try_get(0)?,
                StoredDerived {
                    open: HashMap::new(),
                    next_due: opt_date(row.try_get(1)?)?,
                    facts: HashSet::new(),
                },
            );
        }
        let sql = format!("SELECT claim_id, id, open FROM deadlines WHERE claim_id IN ({marks})");
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            if let Some(s) = out.get_mut(&row.try_get::<i64, _>(0)?) {
                s.open
                    .insert(row.try_get(1)?, row.try_get::<i64, _>(2)? != 0);
            }
        }
        let sql = format!(
            "SELECT d.claim_id, f.deadline_id, f.role, f.source_id, f.first_due, f.done, f.pending \
             FROM deadline_facts f JOIN deadlines d ON d.id = f.deadline_id \
             WHERE d.claim_id IN ({marks})"
        );
        for row in with_ids(&sql, chunk).fetch_all(&mut *conn).await? {
            let role: &str = row.try_get(2)?;
            let fact = DeadlineFact {
                deadline_id: row.try_get(1)?,
                role: stored("role", role, Role::parse)?,
                source_id: row.try_get(3)?,
                first_due: date(row.try_get(4)?)?,
                done: opt_date(row.try_get(5)?)?,
                pending: row.try_get::<i64, _>(6)? != 0,
            };
            if let Some(s) = out.get_mut(&row.try_get::<i64, _>(0)?) {
                s.facts.insert(fact);
            }
        }
    }
    Ok(out)
}
