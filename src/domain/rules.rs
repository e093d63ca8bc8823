//! The rules `claims` judges by, each defined once: which deadlines are
//! open, when a claim is overdue, and what a source's track record counts.
//!
//! The store keeps derived data (open flags, next due dates, the track-record
//! facts and the counts read by reports) by calling these functions on every
//! write, and `claims check` recomputes the same data with the same
//! functions; no SQL restates them.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::model::{Claim, DeadlineFigures, EventKind, Status};

/// A deadline is open while it is unmet and its claim is pending.
pub fn is_open(status: Status, met_on: Option<NaiveDate>) -> bool {
    status == Status::Pending && met_on.is_none()
}

/// A claim's next due date: its earliest open deadline.
pub fn next_due(
    status: Status,
    deadlines: impl IntoIterator<Item = (NaiveDate, Option<NaiveDate>)>,
) -> Option<NaiveDate> {
    deadlines
        .into_iter()
        .filter(|(_, met_on)| is_open(status, *met_on))
        .map(|(due, _)| due)
        .min()
}

/// Overdue as of a day: an open deadline's period ended before that day.
/// The oldest open deadline is the next one, so this is `next_due < as_of`,
/// which is how storage answers it over the stored next due dates.
pub fn is_overdue(next_due: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    next_due.is_some_and(|due| due < as_of)
}

/// Upcoming in a window: an open deadline due in [from, until]. Storage
/// answers it over the stored open flags.
pub fn is_upcoming(open: bool, due: NaiveDate, from: NaiveDate, until: NaiveDate) -> bool {
    open && from <= due && due <= until
}

/// How many days since the oldest missed deadline's period ended.
pub fn days_overdue(next_due: Option<NaiveDate>, as_of: NaiveDate) -> Option<i64> {
    next_due
        .filter(|due| *due < as_of)
        .map(|due| (as_of - due).num_days())
}

/// Fills the fields of a claim that depend on the as-of date: its next
/// open deadline and whether (and for how long) it is overdue.
pub fn judge(claim: &mut Claim, as_of: NaiveDate) {
    claim.next_due = next_due(
        claim.status,
        claim.deadlines.iter().map(|d| (d.due, d.met_on)),
    );
    claim.overdue = is_overdue(claim.next_due, as_of);
    claim.days_overdue = days_overdue(claim.next_due, as_of);
}

/// Whose record a claim counts in: its speaker's, and its outlet's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Speaker,
    Outlet,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Speaker => "speaker",
            Role::Outlet => "outlet",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "speaker" => Some(Role::Speaker),
            "outlet" => Some(Role::Outlet),
            _ => None,
        }
    }
}

/// What the rules need to know of one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimState {
    pub status: Status,
    pub speaker_id: i64,
    /// The other speakers of a joint statement: each one's record counts it.
    pub other_speakers: Vec<i64>,
    pub outlet_id: Option<i64>,
    pub deadlines: Vec<DeadlineState>,
    /// The last day the claim was resolved `fulfilled`, from its history.
    pub fulfilled_on: Option<NaiveDate>,
}

impl ClaimState {
    /// Whose records the claim counts in: each speaker's, and the outlet's.
    pub fn roles(&self) -> Vec<(Role, i64)> {
        std::iter::once(self.speaker_id)
            .chain(self.other_speakers.iter().copied())
            .map(|id| (Role::Speaker, id))
            .chain(self.outlet_id.map(|id| (Role::Outlet, id)))
            .collect()
    }
}

/// What the rules need to know of one deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlineState {
    pub id: i64,
    pub due: NaiveDate,
    pub met_on: Option<NaiveDate>,
    /// The due date before its first move, from the history; `None` if never moved.
    pub first_due: Option<NaiveDate>,
}

/// An event in force (not voided), as far as the track records read it.
#[derive(Debug, Clone, Copy)]
pub struct HistoryEvent {
    pub event: EventKind,
    pub deadline_id: Option<i64>,
    pub old_due: Option<NaiveDate>,
    pub to: Status,
    pub on: NaiveDate,
}

/// What the track records take from a claim's history, oldest row first:
/// each moved deadline's due date before its first move, and the last day
/// the claim was resolved `fulfilled`.
pub fn history_facts(
    events: impl IntoIterator<Item = HistoryEvent>,
) -> (HashMap<i64, NaiveDate>, Option<NaiveDate>) {
    let mut first_due = HashMap::new();
    let mut fulfilled_on: Option<NaiveDate> = None;
    for e in events {
        match e.event {
            EventKind::DeadlineMoved => {
                if let (Some(id), Some(old)) = (e.deadline_id, e.old_due) {
                    first_due.entry(id).or_insert(old);
                }
            }
            EventKind::Status if e.to == Status::Fulfilled => {
                fulfilled_on = Some(fulfilled_on.map_or(e.on, |d| d.max(e.on)));
            }
            _ => {}
        }
    }
    (first_due, fulfilled_on)
}

/// One deadline as a source's track record judges it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeadlineFact {
    pub deadline_id: i64,
    pub role: Role,
    pub source_id: i64,
    /// The first due date given: moving a deadline does not move the goalposts.
    pub first_due: NaiveDate,
    /// Delivered: the day it was met, or the day a fulfilled claim was resolved.
    pub done: Option<NaiveDate>,
    pub pending: bool,
}

impl DeadlineFact {
    /// Days past the first due date it was delivered; 0 when on time.
    pub fn late_days(&self) -> Option<i64> {
        self.done
            .map(|done| (done - self.first_due).num_days().max(0))
    }
}

/// Everything derived from one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Each deadline's id and whether it is open.
    pub open: Vec<(i64, bool)>,
    pub next_due: Option<NaiveDate>,
    pub facts: Vec<DeadlineFact>,
}

/// Derives a claim's open deadlines, next due date and track-record facts.
/// Deadlines of `unverifiable` claims are left out of the records.
pub fn derive(claim: &ClaimState) -> Derived {
    let open = claim
        .deadlines
        .iter()
        .map(|d| (d.id, is_open(claim.status, d.met_on)))
        .collect();
    let next_due = next_due(
        claim.status,
        claim.deadlines.iter().map(|d| (d.due, d.met_on)),
    );
    let mut facts = Vec::new();
    if claim.status != Status::Unverifiable {
        for (role, source_id) in claim.roles() {
            for d in &claim.deadlines {
                let fulfilled = claim
                    .fulfilled_on
                    .filter(|_| claim.status == Status::Fulfilled);
                facts.push(DeadlineFact {
                    deadline_id: d.id,
                    role,
                    source_id,
                    first_due: d.first_due.unwrap_or(d.due),
                    done: d.met_on.or(fulfilled),
                    pending: claim.status == Status::Pending,
                });
            }
        }
    }
    Derived {
        open,
        next_due,
        facts,
    }
}

/// A row of the counts reports read instead of scanning claims; each claim
/// adds 1 to the rows `tallies` names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tally {
    /// Claims by status, over every claim (a joint statement once).
    Total { status: Status },
    /// Claims by source, role and status.
    Status {
        source_id: i64,
        role: Role,
        status: Status,
    },
    /// Claims with an open deadline by next due date, per source and role;
    /// `None` is the total over every claim.
    NextDue {
        source: Option<(Role, i64)>,
        next_due: NaiveDate,
    },
    /// Delivered deadlines by days late.
    Delivered {
        source_id: i64,
        role: Role,
        late_days: i64,
    },
    /// Undelivered deadlines by first due date and whether still pending.
    Undelivered {
        source_id: i64,
        role: Role,
        first_due: NaiveDate,
        pending: bool,
    },
}

/// The counts one claim contributes to.
pub fn tallies(claim: &ClaimState, derived: &Derived) -> Vec<Tally> {
    let mut out = Vec::with_capacity(4 + derived.facts.len());
    let roles = claim.roles();
    out.push(Tally::Total {
        status: claim.status,
    });
    for &(role, source_id) in &roles {
        out.push(Tally::Status {
            source_id,
            role,
            status: claim.status,
        });
    }
    if let Some(next_due) = derived.next_due {
        out.push(Tally::NextDue {
            source: None,
            next_due,
        });
        for &source in &roles {
            out.push(Tally::NextDue {
                source: Some(source),
                next_due,
            });
        }
    }
    for fact in &derived.facts {
        out.push(match fact.late_days() {
            Some(late_days) => Tally::Delivered {
                source_id: fact.source_id,
                role: fact.role,
                late_days,
            },
            None => Tally::Undelivered {
                source_id: fact.source_id,
                role: fact.role,
                first_due: fact.first_due,
                pending: fact.pending,
            },
        });
    }
    out
}

/// Changes to the counts: how much each row moves.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TallyChanges(pub HashMap<Tally, i64>);

impl TallyChanges {
    pub fn add(&mut self, tallies: impl IntoIterator<Item = Tally>, by: i64) {
        for tally in tallies {
            *self.0.entry(tally).or_default() += by;
        }
    }

    /// The rows that move, in any order, without the ones that cancel out
    /// (for readers: no sort).
    pub fn moving(&self) -> impl Iterator<Item = (&Tally, i64)> {
        self.0
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(t, n)| (t, *n))
    }

    /// The rows that move, in a stable order (so writers lock rows in the
    /// same order), without the ones that cancel out.
    pub fn nonzero(&self) -> Vec<(&Tally, i64)> {
        let mut rows: Vec<(&Tally, i64)> = self
            .0
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(t, n)| (t, *n))
            .collect();
        rows.sort();
        rows
    }
}

/// The track record's deadline figures as of `as_of`, from the counts of a
/// source's delivered deadlines by days late, `(late_days, n)`, and of its
/// undelivered ones by first due date, `(first_due, pending, n)`.
/// Undelivered deadlines of failed, partial or retracted claims count as
/// missed with no delay; a pending claim's delay runs to `as_of`.
pub fn deadline_figures(
    delivered: &[(i64, i64)],
    undelivered: &[(NaiveDate, bool, i64)],
    as_of: NaiveDate,
) -> DeadlineFigures {
    let mut figures = DeadlineFigures::default();
    let mut delays = Vec::new();
    for &(late_days, n) in delivered {
        figures.due += n;
        if late_days == 0 {
            figures.on_time += n;
        } else {
            delays.push((late_days, n));
        }
    }
    for &(first_due, pending, n) in undelivered {
        if first_due < as_of {
            figures.due += n;
            if pending {
                delays.push(((as_of - first_due).num_days(), n));
            }
        }
    }
    figures.median_days_late = weighted_median(delays);
    figures
}

/// The median of values given as (value, how many times); the mean of the
/// two middle values when the count is even; none when empty.
pub fn weighted_median(mut values: Vec<(i64, i64)>) -> Option<f64> {
    values.retain(|(_, n)| *n > 0);
    values.sort_unstable();
    let total: i64 = values.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The k-th smallest value, counting from 1.
    let kth = |k: i64| {
        let mut seen = 0;
        values
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen >= k
            })
            .map(|(value, _)| *value)
    };
    let low = kth((total + 1) / 2)?;
    let high = kth(total / 2 + 1)?;
    Some((low + high) as f64 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::from_iso;
    use crate::domain::model::{ClaimKind, Deadline, Precision, SourceKind, SourceRef};

    fn claim(status: Status, deadlines: &[(&str, Option<&str>)]) -> Claim {
        Claim {
            id: 1,
            uid: "00000000-0000-4000-8000-000000000001".into(),
            external_id: None,
            text: "t".into(),
            status,
            kind: ClaimKind::Promise,
            source: SourceRef {
                id: 1,
                name: "s".into(),
                kind: SourceKind::Person,
                reliability: None,
            },
            speakers: vec![],
            reported_by: None,
            quote: None,
            lang: None,
            url: None,
            said_on: None,
            credibility: None,
            tags: vec![],
            deadlines: deadlines
                .iter()
                .enumerate()
                .map(|(i, (due, met))| Deadline {
                    id: i as i64 + 1,
                    claim_id: 1,
                    due: from_iso(due).unwrap(),
                    precision: Precision::Month,
                    label: None,
                    met_on: met.map(|m| from_iso(m).unwrap()),
                    as_written: None,
                    reference: crate::domain::model::DeadlineRef {
                        claim_id: 1,
                        number: i as i64 + 1,
                    },
                })
                .collect(),
            next_due: None,
            overdue: false,
            days_overdue: None,
            history: None,
        }
    }

    #[test]
    fn status_rules() {
        // (status, deadlines, as of, overdue, days overdue, next due)
        type Case<'a> = (
            Status,
            &'a [(&'a str, Option<&'a str>)],
            &'a str,
            bool,
            Option<i64>,
            Option<&'a str>,
        );
        let cases: &[Case] = &[
            (Status::Pending, &[], "2026-11-30", false, None, None),
            // Due on the last day of the period: not overdue on that day.
            (
                Status::Pending,
                &[("2026-09-30", None)],
                "2026-09-30",
                false,
                None,
                Some("2026-09-30"),
            ),
            (
                Status::Pending,
                &[("2026-09-30", None)],
                "2026-10-01",
                true,
                Some(1),
                Some("2026-09-30"),
            ),
            // A met deadline is never overdue.
            (
                Status::Pending,
                &[("2026-09-30", Some("2026-09-01"))],
                "2026-11-30",
                false,
                None,
                None,
            ),
            // Resolved claims have no open deadlines.
            (
                Status::Fulfilled,
                &[("2026-09-30", None)],
                "2026-11-30",
                false,
                None,
                None,
            ),
            (
                Status::Failed,
                &[("2025-09-30", None)],
                "2026-11-30",
                false,
                None,
                None,
            ),
            // The oldest missed deadline sets how long.
            (
                Status::Pending,
                &[
                    ("2026-09-30", None),
                    ("2025-09-30", None),
                    ("2027-09-30", None),
                ],
                "2026-11-30",
                true,
                Some(426),
                Some("2025-09-30"),
            ),
        ];
        for (status, deadlines, as_of, overdue, days, next) in cases {
            let mut c = claim(*status, deadlines);
            judge(&mut c, from_iso(as_of).unwrap());
            assert_eq!(c.overdue, *overdue, "{status} {deadlines:?} {as_of}");
            assert_eq!(c.days_overdue, *days, "{status} {deadlines:?} {as_of}");
            assert_eq!(c.next_due, next.map(|n| from_iso(n).unwrap()));
        }
    }

    fn day(text: &str) -> NaiveDate {
        from_iso(text).unwrap()
    }

    fn deadline(id: i64, due: &str, met: Option<&str>, first: Option<&str>) -> DeadlineState {
        DeadlineState {
            id,
            due: day(due),
            met_on: met.map(day),
            first_due: first.map(day),
        }
    }

    #[test]
    fn open_deadlines_and_overdue() {
        let claim = ClaimState {
            status: Status::Pending,
            speaker_id: 1,
            other_speakers: vec![],
            outlet_id: Some(2),
            deadlines: vec![
                deadline(1, "2026-09-30", None, None),
                deadline(2, "2025-09-30", Some("2025-09-01"), None),
                deadline(3, "2027-09-30", None, None),
            ],
            fulfilled_on: None,
        };
        let derived = derive(&claim);
        assert_eq!(derived.open, vec![(1, true), (2, false), (3, true)]);
        assert_eq!(derived.next_due, Some(day("2026-09-30")));
        // Due on the last day of the period: not overdue on that day.
        assert!(!is_overdue(derived.next_due, day("2026-09-30")));
        assert!(is_overdue(derived.next_due, day("2026-10-01")));
        assert_eq!(days_overdue(derived.next_due, day("2026-11-30")), Some(61));
        let (from, until) = (day("2026-09-01"), day("2026-09-30"));
        assert!(is_upcoming(true, day("2026-09-30"), from, until));
        assert!(!is_upcoming(false, day("2026-09-30"), from, until));
        assert!(!is_upcoming(true, day("2026-10-01"), from, until));
        let resolved = ClaimState {
            status: Status::Failed,
            ..claim
        };
        let derived = derive(&resolved);
        assert!(derived.open.iter().all(|(_, open)| !open));
        assert_eq!(derived.next_due, None);
    }

    #[test]
    fn track_record_facts_judge_the_first_due_date() {
        let claim = ClaimState {
            status: Status::Fulfilled,
            speaker_id: 1,
            other_speakers: vec![],
            outlet_id: Some(2),
            deadlines: vec![
                // Moved from September to December, delivered in October.
                deadline(1, "2025-12-31", None, Some("2025-09-30")),
                deadline(2, "2025-09-30", Some("2025-09-20"), None),
            ],
            fulfilled_on: Some(day("2025-10-10")),
        };
        let derived = derive(&claim);
        assert_eq!(derived.facts.len(), 4);
        let first = &derived.facts[0];
        assert_eq!(first.first_due, day("2025-09-30"));
        assert_eq!(first.done, Some(day("2025-10-10")));
        assert_eq!(first.late_days(), Some(10));
        assert_eq!(derived.facts[1].late_days(), Some(0));
        assert_eq!(derived.facts[2].role, Role::Outlet);
        let tallies = tallies(&claim, &derived);
        assert!(tallies.contains(&Tally::Delivered {
            source_id: 2,
            role: Role::Outlet,
            late_days: 10
        }));
        let unverifiable = ClaimState {
            status: Status::Unverifiable,
            ..claim
        };
        assert!(derive(&unverifiable).facts.is_empty());
    }

    #[test]
    fn the_first_move_and_the_last_fulfilment_count() {
        let event = |event, deadline_id, old_due: Option<&str>, to, on| HistoryEvent {
            event,
            deadline_id,
            old_due: old_due.map(day),
            to,
            on: day(on),
        };
        let (first, fulfilled) = history_facts([
            event(
                EventKind::Recorded,
                None,
                None,
                Status::Pending,
                "2025-01-01",
            ),
            event(
                EventKind::DeadlineMoved,
                Some(7),
                Some("2025-09-30"),
                Status::Pending,
                "2025-09-01",
            ),
            event(
                EventKind::DeadlineMoved,
                Some(7),
                Some("2025-12-31"),
                Status::Pending,
                "2025-12-01",
            ),
            event(
                EventKind::Status,
                None,
                None,
                Status::Fulfilled,
                "2026-01-10",
            ),
            event(
                EventKind::Reopened,
                None,
                None,
                Status::Pending,
                "2026-01-11",
            ),
            event(
                EventKind::Status,
                None,
                None,
                Status::Fulfilled,
                "2026-02-01",
            ),
            event(EventKind::Status, None, None, Status::Failed, "2026-03-01"),
        ]);
        assert_eq!(first.get(&7), Some(&day("2025-09-30")));
        assert_eq!(fulfilled, Some(day("2026-02-01")));
    }

    #[test]
    fn deadline_figures_judge_past_first_due_dates() {
        let as_of = day("2026-11-30");
        // On time twice, 10 days late once; missed by a failed claim (no
        // delay); open 61 days past; not yet due.
        let figures = deadline_figures(
            &[(0, 2), (10, 1)],
            &[
                (day("2026-06-30"), false, 1),
                (day("2026-09-30"), true, 1),
                (day("2026-12-31"), true, 4),
            ],
            as_of,
        );
        assert_eq!(figures.due, 5);
        assert_eq!(figures.on_time, 2);
        assert_eq!(figures.on_time_share(), Some(0.4));
        assert_eq!(figures.median_days_late, Some(35.5));
        assert_eq!(deadline_figures(&[], &[], as_of).on_time_share(), None);
    }

    #[test]
    fn changes_cancel_out() {
        let claim = ClaimState {
            status: Status::Pending,
            speaker_id: 1,
            other_speakers: vec![],
            outlet_id: None,
            deadlines: vec![deadline(1, "2026-09-30", None, None)],
            fulfilled_on: None,
        };
        let before = tallies(&claim, &derive(&claim));
        let mut changes = TallyChanges::default();
        changes.add(before.clone(), -1);
        changes.add(before, 1);
        assert!(changes.nonzero().is_empty());
    }

    #[test]
    fn weighted_medians() {
        type Counts<'a> = &'a [(i64, i64)];
        let cases: &[(Counts, Option<f64>)] = &[
            (&[], None),
            (&[(5, 0)], None),
            (&[(7, 1)], Some(7.0)),
            (&[(10, 1), (183, 1)], Some(96.5)),
            (&[(183, 1), (10, 1), (20, 1)], Some(20.0)),
            // Counts weigh: 1 2 3 9 9 9, so the middle two are 3 and 9.
            (&[(9, 3), (1, 1), (2, 1), (3, 1)], Some(6.0)),
            (&[(4, 1000), (1_000_000, 1)], Some(4.0)),
            // The same value split over rows counts once per row.
            (&[(30, 1), (30, 1), (153, 1), (20, 1)], Some(30.0)),
        ];
        for (values, expected) in cases {
            assert_eq!(weighted_median(values.to_vec()), *expected, "{values:?}");
        }
    }
}
