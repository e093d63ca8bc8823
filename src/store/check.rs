//! What `check` compares on every engine: each claim's derived data as
//! stored against the rules, the counts against the sum of every claim's
//! tallies, and the problems found, one line per rule.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::rules::{derive, tallies, ClaimState, DeadlineFact, Tally, TallyChanges};

/// The derived data of a claim as stored.
pub(crate) struct StoredDerived {
    pub open: HashMap<i64, bool>,
    pub next_due: Option<NaiveDate>,
    pub facts: HashSet<DeadlineFact>,
}

/// Compares one claim's stored derived data with the rules, and adds its
/// tallies to `expected`.
pub(crate) fn compare_derived(
    found: &mut Found,
    id: i64,
    state: &ClaimState,
    stored: &StoredDerived,
    expected: &mut TallyChanges,
) {
    let derived = derive(state);
    for (deadline, open) in &derived.open {
        if stored.open.get(deadline) != Some(open) {
            found.add("deadlines whose open flag is wrong", [*deadline]);
        }
    }
    if stored.next_due != derived.next_due {
        found.add("claims whose next open deadline is wrong", [id]);
    }
    let facts: HashSet<&DeadlineFact> = derived.facts.iter().collect();
    if facts != stored.facts.iter().collect() {
        let wrong = facts
            .symmetric_difference(&stored.facts.iter().collect())
            .map(|f| f.deadline_id)
            .collect::<BTreeSet<i64>>();
        found.add("deadlines whose track-record facts are wrong", wrong);
    }
    expected.add(tallies(state, &derived), 1);
}

/// Compares the stored counts with the sum of every claim's tallies.
pub(crate) fn compare_counts(found: &mut Found, expected: &TallyChanges, stored: &TallyChanges) {
    let mut wrong: BTreeMap<&'static str, BTreeSet<i64>> = BTreeMap::new();
    let keys: HashSet<&Tally> = expected.0.keys().chain(stored.0.keys()).collect();
    for tally in keys {
        let want = expected.0.get(tally).copied().unwrap_or(0);
        let have = stored.0.get(tally).copied().unwrap_or(0);
        if want != have {
            let (rule, source) = match tally {
                Tally::Total { .. } => {
                    found.add_rule("the totals of claims by status are wrong");
                    continue;
                }
                Tally::Status { source_id, .. } => {
                    ("sources whose claim counts are wrong", *source_id)
                }
                Tally::NextDue { source, .. } => (
                    "sources whose overdue counts are wrong",
                    source.map_or(0, |(_, id)| id),
                ),
                Tally::Delivered { source_id, .. } => (
                    "sources whose delivered-deadline counts are wrong",
                    *source_id,
                ),
                Tally::Undelivered { source_id, .. } => (
                    "sources whose undelivered-deadline counts are wrong",
                    *source_id,
                ),
            };
            wrong.entry(rule).or_default().insert(source);
        }
    }
    for (rule, sources) in wrong {
        found.add(rule, sources);
    }
}

/// Ids found breaking each rule, in the order rules were first broken.
#[derive(Default)]
pub(crate) struct Found {
    rules: Vec<(&'static str, BTreeSet<i64>)>,
}

impl Found {
    pub fn add(&mut self, rule: &'static str, ids: impl IntoIterator<Item = i64>) {
        let mut ids = ids.into_iter().peekable();
        if ids.peek().is_none() {
            return;
        }
        match self.rules.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, set)) => set.extend(ids),
            None => self.rules.push((rule, ids.collect())),
        }
    }

    /// A rule broken by the database as a whole, named without ids.
    pub fn add_rule(&mut self, rule: &'static str) {
        if !self.rules.iter().any(|(r, _)| *r == rule) {
            self.rules.push((rule, BTreeSet::new()));
        }
    }

    /// One line per rule: "rule: 1, 2, 3", at most 20 ids, then "…".
    pub fn lines(self) -> Vec<String> {
        self.rules
            .into_iter()
            .map(|(rule, ids)| {
                let shown: Vec<String> = ids.iter().take(20).map(|i| i.to_string()).collect();
                let more = if ids.len() > 20 { ", …" } else { "" };
                if ids.is_empty() {
                    rule.to_string()
                } else {
                    format!("{rule}: {}{more}", shown.join(", "))
                }
            })
            .collect()
    }
}
