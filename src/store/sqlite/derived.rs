//! Derived data, kept by one mechanism: after every change to a claim, the
//! store reads what the rules need (`ClaimState`) before and after, runs
//! `domain::rules::derive` on both, and writes the difference: open flags,
//! the next due date, the track-record facts, the counts reports read
//! (`counts`) and the day tables (`days`). No trigger restates a rule;
//! `check` recomputes all of it with the same functions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::counts::apply_tallies;
use super::days::write_days;
use super::replay::replayable;
use super::rows::{date, opt_date, stored};
use super::statement::{insert_many, placeholders, with_ids, Value, IDS_PER_QUERY};
use crate::domain::dates::iso;
use crate::domain::days::{claim_days, ClaimDays};
use crate::domain::model::{EventKind, Status};
use crate::domain::rules::{
    derive, history_facts, tallies, ClaimState, DeadlineFact, DeadlineState, HistoryEvent, Role,
    TallyChanges,
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
