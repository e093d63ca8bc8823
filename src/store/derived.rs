//! Derived data, kept by one mechanism for every engine: after every change
//! to a claim, the store reads the claim before and after (`Derivable`:
//! what the rules need, and what it adds to the day tables), and `rewrite`
//! works out from `domain::rules` and `domain::days` what to write: open
//! flags, the next due date, the track-record facts, the counts reports
//! read, the journal of counts by day and the claim's periods. Each engine
//! says only how to write them (`DerivedWrites`). No trigger restates a
//! rule; `check` recomputes all of it with the same functions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::days::{claim_days, journal_change, ClaimDays};
use crate::domain::model::HistoryEntry;
use crate::domain::replay::Snapshot;
use crate::domain::rules::{derive, tallies, ClaimState, DeadlineFact, Tally, TallyChanges};
use crate::store::StoreResult as Result;

/// A claim as its derived data are computed from it.
pub(crate) struct Derivable {
    pub state: ClaimState,
    pub days: ClaimDays,
}

impl Derivable {
    /// From what the rules need and, when the claim has events, the claim
    /// as it stands with all of them.
    pub fn of(state: ClaimState, replayable: Option<(&Snapshot, &[HistoryEntry])>) -> Derivable {
        Derivable {
            state,
            days: replayable
                .map(|(now, events)| claim_days(now, events))
                .unwrap_or_default(),
        }
    }
}

/// How an engine writes derived data, inside the transaction of the change.
pub(crate) trait DerivedWrites {
    async fn set_open(&mut self, deadline_id: i64, open: bool) -> Result<()>;
    async fn set_next_due(&mut self, claim_id: i64, next_due: Option<NaiveDate>) -> Result<()>;
    /// Drops the facts of the deadlines `gone`, then inserts `facts`.
    async fn replace_facts(&mut self, gone: &[i64], facts: &[DeadlineFact]) -> Result<()>;
    /// Moves today's counts.
    async fn move_counts(&mut self, changes: &TallyChanges) -> Result<()>;
    /// Moves the journal's rows, by day.
    async fn move_journal(&mut self, rows: &[(NaiveDate, Tally, i64)]) -> Result<()>;
    /// Replaces a claim's periods (`had`: it had some stored).
    async fn replace_periods(
        &mut self,
        claim_id: i64,
        had: bool,
        days: Option<&ClaimDays>,
    ) -> Result<()>;
}

/// Writes what changed in one claim's derived data between `before` and
/// `after` (`None`: no claim, before it was added or after it was removed).
pub(crate) async fn rewrite<W: DerivedWrites>(
    w: &mut W,
    claim_id: i64,
    before: Option<&Derivable>,
    after: Option<&Derivable>,
) -> Result<()> {
    let none = Vec::new();
    let journal = journal_change(
        before.map_or(&none, |b| &b.days.journal),
        after.map_or(&none, |a| &a.days.journal),
    );
    // Rows that come to 0 stay (readers skip them): a change and its undo.
    w.move_journal(&journal).await?;
    w.replace_periods(claim_id, before.is_some(), after.map(|a| &a.days))
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
                w.set_open(*id, *open).await?;
            }
        }
        if old.as_ref().and_then(|o| o.next_due) != new.next_due {
            w.set_next_due(claim_id, new.next_due).await?;
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
        let facts: Vec<DeadlineFact> = new_facts.into_iter().cloned().collect();
        w.replace_facts(&gone, &facts).await?;
    }
    let mut changes = TallyChanges::default();
    if let (Some(state), Some(derived)) = (before, &old) {
        changes.add(tallies(state, derived), -1);
    }
    if let (Some(state), Some(derived)) = (after, &new) {
        changes.add(tallies(state, derived), 1);
    }
    w.move_counts(&changes).await
}

/// Derived writes gathered over many claims (an import's), to be written
/// by the engine in a few statements: `rewrite` into it claim by claim,
/// then flush it.
#[derive(Default)]
pub(crate) struct DerivedBatch {
    pub open: Vec<(i64, bool)>,
    pub next_due: Vec<(i64, Option<NaiveDate>)>,
    pub gone_facts: Vec<i64>,
    pub facts: Vec<DeadlineFact>,
    pub counts: TallyChanges,
    pub journal: HashMap<(NaiveDate, Tally), i64>,
    /// Claims whose stored periods go, and the periods written.
    pub periods_gone: Vec<i64>,
    pub periods: Vec<(i64, ClaimDays)>,
}

impl DerivedBatch {
    /// The journal's rows, summed by day and count.
    pub fn journal_rows(&self) -> Vec<(NaiveDate, Tally, i64)> {
        self.journal
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((day, tally), n)| (*day, tally.clone(), *n))
            .collect()
    }
}

impl DerivedWrites for DerivedBatch {
    async fn set_open(&mut self, deadline_id: i64, open: bool) -> Result<()> {
        self.open.push((deadline_id, open));
        Ok(())
    }

    async fn set_next_due(&mut self, claim_id: i64, next_due: Option<NaiveDate>) -> Result<()> {
        self.next_due.push((claim_id, next_due));
        Ok(())
    }

    async fn replace_facts(&mut self, gone: &[i64], facts: &[DeadlineFact]) -> Result<()> {
        self.gone_facts.extend_from_slice(gone);
        self.facts.extend_from_slice(facts);
        Ok(())
    }

    async fn move_counts(&mut self, changes: &TallyChanges) -> Result<()> {
        for (tally, n) in &changes.0 {
            *self.counts.0.entry(tally.clone()).or_default() += n;
        }
        Ok(())
    }

    async fn move_journal(&mut self, rows: &[(NaiveDate, Tally, i64)]) -> Result<()> {
        for (day, tally, n) in rows {
            *self.journal.entry((*day, tally.clone())).or_default() += n;
        }
        Ok(())
    }

    async fn replace_periods(
        &mut self,
        claim_id: i64,
        had: bool,
        days: Option<&ClaimDays>,
    ) -> Result<()> {
        if had {
            self.periods_gone.push(claim_id);
        }
        if let Some(days) = days {
            self.periods.push((claim_id, days.clone()));
        }
        Ok(())
    }
}
