//! The record of every past day, claim by claim (`docs/replay-speed.md`):
//! what one claim adds to the counts of each day (its journal) and its
//! state in each period (its spans), so that a past day's report reads
//! stored rows instead of replaying every claim changed since. A claim's
//! state changes only on the days its events happened; between them it
//! holds. Everything here is computed from `replay`, so it agrees with it
//! by construction, and a randomized test checks that it does.

use chrono::NaiveDate;

use crate::domain::dates::{from_iso, iso};
use crate::domain::history::decode_day;
use crate::domain::model::{EventKind, HistoryEntry, Status};
use crate::domain::replay::{replay, Snapshot, View};
use crate::domain::rules::{derive, is_open, tallies, ClaimState, Role, Tally, TallyChanges};

/// How the day tables write the first day there is (before every date: a
/// claim without `said_on` is there from it) and the end of a period that
/// has not ended. Both sort as ISO dates do.
pub const FIRST_DAY: &str = "0000-00-00";
pub const NO_END: &str = "9999-99-99";

/// A day as the day tables write it.
pub fn day_key(day: NaiveDate) -> String {
    if day == NaiveDate::MIN {
        FIRST_DAY.to_string()
    } else {
        iso(day)
    }
}

/// The end of a period as the day tables write it.
pub fn until_key(until: Option<NaiveDate>) -> String {
    until.map_or_else(|| NO_END.to_string(), iso)
}

/// A period in which a claim's status and next due date held: from `from`
/// up to the day before `until` (`None`: still holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub status: Status,
    pub next_due: Option<NaiveDate>,
}

/// A period in which one deadline was open with one due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSpan {
    pub deadline_id: i64,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub due: NaiveDate,
}

/// What one claim adds to the day tables.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ClaimDays {
    /// At each day its state changed, the difference of its tallies: summed
    /// up to a day, the tallies of the claim as it stood that day.
    pub journal: Vec<(NaiveDate, TallyChanges)>,
    pub spans: Vec<Span>,
    pub due_spans: Vec<DueSpan>,
}

impl Span {
    /// Whether the span holds on `day`.
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day < until)
    }
}

impl DueSpan {
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day < until)
    }
}

/// The days a claim's state can change: the first day there is, the days
/// it was said (as it stands and as edited), and each day one of its
/// changes happened; in order, each once.
fn change_days(now: &Snapshot, events: &[HistoryEntry]) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = Vec::with_capacity(events.len() + 2);
    for e in events.iter().filter(|e| e.event.changes_state()) {
        days.push(e.at);
        if e.event == EventKind::Edited && e.field.as_deref() == Some("said_on") {
            days.extend(decode_day(e.old.as_deref()).flatten());
            days.extend(decode_day(e.new.as_deref()).flatten());
        }
    }
    days.push(NaiveDate::MIN);
    days.extend(now.said_on);
    days.sort_unstable();
    days.dedup();
    days
}

/// The claim's state as it stood at the end of `day`; `None` before it was said.
fn state_on(now: &Snapshot, events: &[HistoryEntry], day: NaiveDate) -> Option<ClaimState> {
    let view = View {
        as_of: day,
        known_on: None,
    };
    replay(now, events, &view).map(|(snapshot, history)| snapshot.state(&history))
}

/// What a claim, as it stands now with all its events in the order
/// written, adds to the day tables.
pub fn claim_days(now: &Snapshot, events: &[HistoryEntry]) -> ClaimDays {
    let mut out = ClaimDays::default();
    let mut before = TallyChanges::default();
    // Deadlines open on the day before, with their due date and since when.
    let mut open: Vec<(i64, NaiveDate, NaiveDate)> = Vec::new();
    for day in change_days(now, events) {
        let state = state_on(now, events, day);
        let mut after = TallyChanges::default();
        let mut open_now: Vec<(i64, NaiveDate)> = Vec::new();
        let mut held = None;
        if let Some(state) = &state {
            let derived = derive(state);
            after.add(tallies(state, &derived), 1);
            open_now = state
                .deadlines
                .iter()
                .filter(|d| is_open(state.status, d.met_on))
                .map(|d| (d.id, d.due))
                .collect();
            held = Some((state.status, derived.next_due));
        }
        let mut change = after.clone();
        for (tally, n) in &before.0 {
            *change.0.entry(tally.clone()).or_default() -= n;
        }
        change.0.retain(|_, n| *n != 0);
        if !change.0.is_empty() {
            out.journal.push((day, change));
        }
        before = after;
        // The spans: the last one ends when what it holds changes.
        let last = out.spans.last_mut().filter(|s| s.until.is_none());
        let same = last
            .as_ref()
            .is_some_and(|s| Some((s.status, s.next_due)) == held);
        if !same {
            if let Some(last) = last {
                last.until = Some(day);
            }
            if let Some((status, next_due)) = held {
                out.spans.push(Span {
                    from: day,
                    until: None,
                    status,
                    next_due,
                });
            }
        }
        open.retain(|&(id, due, from)| {
            let still = open_now.contains(&(id, due));
            if !still {
                out.due_spans.push(DueSpan {
                    deadline_id: id,
                    from,
                    until: Some(day),
                    due,
                });
            }
            still
        });
        for (id, due) in open_now {
            if !open.iter().any(|&(i, d, _)| (i, d) == (id, due)) {
                open.push((id, due, day));
            }
        }
    }
    for (id, due, from) in open {
        out.due_spans.push(DueSpan {
            deadline_id: id,
            from,
            until: None,
            due,
        });
    }
    out.due_spans.sort_by_key(|s| (s.deadline_id, s.from));
    out
}

/// A count's row as the journal stores it: one text key per `Tally`.
pub fn tally_key(tally: &Tally) -> String {
    match tally {
        Tally::Total { status } => format!("t {status}"),
        Tally::Status {
            source_id,
            role,
            status,
        } => format!("s {source_id} {} {status}", role.as_str()),
        Tally::NextDue {
            source: None,
            next_due,
        } => format!("d {}", iso(*next_due)),
        Tally::NextDue {
            source: Some((role, id)),
            next_due,
        } => format!("d {} {} {id}", iso(*next_due), role.as_str()),
        Tally::Delivered {
            source_id,
            role,
            late_days,
        } => format!("m {source_id} {} {late_days}", role.as_str()),
        Tally::Undelivered {
            source_id,
            role,
            first_due,
            pending,
        } => format!(
            "u {source_id} {} {} {}",
            role.as_str(),
            iso(*first_due),
            u8::from(*pending)
        ),
    }
}

/// The `Tally` a journal key names; `None` for a key this version does not write.
pub fn parse_tally_key(key: &str) -> Option<Tally> {
    let parts: Vec<&str> = key.split(' ').collect();
    let status = |w: &str| Status::from_word(w);
    Some(match parts[..] {
        ["t", s] => Tally::Total { status: status(s)? },
        ["s", id, role, s] => Tally::Status {
            source_id: id.parse().ok()?,
            role: Role::parse(role)?,
            status: status(s)?,
        },
        ["d", due] => Tally::NextDue {
            source: None,
            next_due: from_iso(due)?,
        },
        ["d", due, role, id] => Tally::NextDue {
            source: Some((Role::parse(role)?, id.parse().ok()?)),
            next_due: from_iso(due)?,
        },
        ["m", id, role, late] => Tally::Delivered {
            source_id: id.parse().ok()?,
            role: Role::parse(role)?,
            late_days: late.parse().ok()?,
        },
        ["u", id, role, due, pending] => Tally::Undelivered {
            source_id: id.parse().ok()?,
            role: Role::parse(role)?,
            first_due: from_iso(due)?,
            pending: match pending {
                "1" => true,
                "0" => false,
                _ => return None,
            },
        },
        _ => return None,
    })
}

/// The difference `after - before` of two claims' journals, by day and
/// key, without the rows that cancel out: what a change adds to the
/// stored journal.
pub fn journal_change(
    before: &[(NaiveDate, TallyChanges)],
    after: &[(NaiveDate, TallyChanges)],
) -> Vec<(NaiveDate, Tally, i64)> {
    let mut sum: std::collections::BTreeMap<(NaiveDate, Tally), i64> = Default::default();
    for (sign, journal) in [(-1, before), (1, after)] {
        for (day, change) in journal {
            for (tally, n) in &change.0 {
                *sum.entry((*day, tally.clone())).or_default() += sign * n;
            }
        }
    }
    sum.into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((day, tally), n)| (day, tally, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tally_key_reads_back() {
        let due = from_iso("2026-09-30").unwrap();
        let all = [
            Tally::Total {
                status: Status::Failed,
            },
            Tally::Status {
                source_id: 12,
                role: Role::Outlet,
                status: Status::Pending,
            },
            Tally::NextDue {
                source: None,
                next_due: due,
            },
            Tally::NextDue {
                source: Some((Role::Speaker, 3)),
                next_due: due,
            },
            Tally::Delivered {
                source_id: 3,
                role: Role::Speaker,
                late_days: -4,
            },
            Tally::Undelivered {
                source_id: 3,
                role: Role::Speaker,
                first_due: due,
                pending: true,
            },
        ];
        for tally in all {
            assert_eq!(parse_tally_key(&tally_key(&tally)), Some(tally));
        }
        assert_eq!(parse_tally_key("x 1"), None);
        assert_eq!(parse_tally_key("u 3 speaker 2026-09-30 2"), None);
    }

    #[test]
    fn a_journal_change_keeps_what_moves() {
        let day = from_iso("2025-08-18").unwrap();
        let pending = Tally::Total {
            status: Status::Pending,
        };
        let failed = Tally::Total {
            status: Status::Failed,
        };
        let mut was = TallyChanges::default();
        was.add([pending.clone()], 1);
        let mut is = TallyChanges::default();
        is.add([failed.clone()], 1);
        let change = journal_change(&[(day, was.clone())], &[(day, is)]);
        assert_eq!(change, vec![(day, pending, -1), (day, failed, 1)]);
        assert!(journal_change(&[(day, was.clone())], &[(day, was)]).is_empty());
        assert_eq!(day_key(NaiveDate::MIN), FIRST_DAY);
        assert_eq!(until_key(None), NO_END);
    }
}
