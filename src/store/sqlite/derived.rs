//! Derived data on SQLite: reading a claim as the rules need it
//! (`ClaimState`, and the claim with its events for the day tables) before
//! and after a change, and writing what `store::derived::rewrite` decides:
//! open flags, the next due date, the track-record facts, the counts
//! (`counts`) and the day tables (`days`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::counts::{apply_tallies, CountsIn};
use super::days::{add_to_journal, replace_periods};
use super::replay::replayable;
use super::rows::{date, opt_date, stored};
use super::statement::{insert_many, placeholders, with_ids, Value, IDS_PER_QUERY};
use crate::domain::dates::iso;
use crate::domain::days::ClaimDays;
use crate::domain::model::{EventKind, Status};
use crate::domain::rules::{
    history_facts, ClaimState, DeadlineFact, DeadlineState, HistoryEvent, Role, Tally, TallyChanges,
};
use crate::store::check::StoredDerived;
pub(super) use crate::store::derived::Derivable;
use crate::store::derived::{rewrite, DerivedWrites};
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

/// One claim as its derived data are computed from it, or `None` when there
/// is no such claim.
pub(super) async fn claim_state(
    conn: &mut SqliteConnection,
    claim_id: i64,
) -> Result<Option<Derivable>> {
    let Some(state) = claim_states(conn, &[claim_id]).await?.remove(&claim_id) else {
        return Ok(None);
    };
    let replayable = replayable(conn, &[claim_id]).await?.remove(&claim_id);
    Ok(Some(Derivable::of(
        state,
        replayable
            .as_ref()
            .map(|(now, events)| (now, events.as_slice())),
    )))
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

/// Writes what changed in one claim's derived data (`store::derived`).
pub(super) async fn rewrite_derived(
    conn: &mut SqliteConnection,
    claim_id: i64,
    before: Option<&Derivable>,
    after: Option<&Derivable>,
) -> Result<()> {
    rewrite(&mut Writes(conn), claim_id, before, after).await
}

/// How SQLite writes derived data.
struct Writes<'c>(&'c mut SqliteConnection);

impl DerivedWrites for Writes<'_> {
    async fn set_open(&mut self, deadline_id: i64, open: bool) -> Result<()> {
        sqlx::query("UPDATE deadlines SET open = $1 WHERE id = $2")
            .bind(i64::from(open))
            .bind(deadline_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn set_next_due(&mut self, claim_id: i64, next_due: Option<NaiveDate>) -> Result<()> {
        sqlx::query("UPDATE claims SET next_due = $1 WHERE id = $2")
            .bind(next_due.map(iso))
            .bind(claim_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn replace_facts(&mut self, gone: &[i64], facts: &[DeadlineFact]) -> Result<()> {
        if !gone.is_empty() {
            let sql = format!(
                "DELETE FROM deadline_facts WHERE deadline_id IN ({})",
                placeholders(gone.len())
            );
            with_ids(&sql, gone).execute(&mut *self.0).await?;
        }
        insert_facts(self.0, facts).await
    }

    async fn move_counts(&mut self, changes: &TallyChanges) -> Result<()> {
        apply_tallies(self.0, changes).await
    }

    async fn move_journal(&mut self, rows: &[(NaiveDate, Tally, i64)]) -> Result<()> {
        add_to_journal(self.0, rows, CountsIn::Tables).await
    }

    async fn replace_periods(
        &mut self,
        claim_id: i64,
        had: bool,
        days: Option<&ClaimDays>,
    ) -> Result<()> {
        replace_periods(self.0, claim_id, had, days).await
    }
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
