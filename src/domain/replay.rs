//! Replays: a claim as it stood on a day, from the claim as it stands and
//! its events. Two independent axes: `as_of` keeps the events that happened
//! by that day (their `at`), `known_on` the events written by the end of
//! that day (their `recorded_at`, UTC) — "what our database said then".
//!
//! How: undo every event in force today, newest written first, with the
//! values each one replaced (giving the claim as first recorded), then
//! apply, oldest written first, the events in force in the view. Changes to
//! one thing (the status, a deadline, a field) are written in the order
//! they happened (the application refuses otherwise), so this order is
//! also the order of their days.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::dates::iso;
use crate::domain::history::{decode_day, decode_list, DeadlineValue};
use crate::domain::model::{ClaimKind, Credibility, Deadline, EventKind, HistoryEntry, Status};
use crate::domain::rules::{history_facts, ClaimState, DeadlineState, HistoryEvent};

/// Which record to see: as of a day, and as known on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub as_of: NaiveDate,
    pub known_on: Option<NaiveDate>,
}

impl View {
    /// Whether an event written at `recorded_at` (a UTC timestamp) was
    /// written by the end of the `known_on` day.
    pub fn knows(&self, recorded_at: &str) -> bool {
        self.known_on
            .is_none_or(|day| written_by(recorded_at, &iso(day)))
    }
}

/// Whether a timestamp falls on or before an ISO day.
fn written_by(recorded_at: &str, day: &str) -> bool {
    recorded_at.get(..10).is_some_and(|d| d <= day)
}

/// What a replay changes of a claim: everything but its identity. Text
/// fields (`text`, `quote`, `lang`, `url`) are kept only once an event
/// touched them; the claim's own values stand otherwise.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: i64,
    pub status: Status,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
    /// The lead first.
    pub speakers: Vec<i64>,
    pub outlet: Option<i64>,
    pub tags: Vec<String>,
    pub deadlines: Vec<Deadline>,
    pub texts: HashMap<String, Option<String>>,
}

impl Snapshot {
    fn set_field(&mut self, field: &str, value: Option<&str>) {
        match field {
            "text" | "quote" | "lang" | "url" => {
                self.texts
                    .insert(field.to_string(), value.map(str::to_string));
            }
            "said_on" => {
                if let Some(day) = decode_day(value) {
                    self.said_on = day;
                }
            }
            "kind" => {
                if let Some(kind) = value.and_then(ClaimKind::from_word) {
                    self.kind = kind;
                }
            }
            "credibility" => {
                self.credibility = value
                    .and_then(|v| v.parse().ok())
                    .and_then(Credibility::from_number)
            }
            "speakers" => {
                if let Some(ids) = value.and_then(decode_list::<i64>).filter(|i| !i.is_empty()) {
                    self.speakers = ids;
                }
            }
            "reported_by" => self.outlet = value.and_then(|v| v.parse().ok()),
            "tags" => {
                if let Some(tags) = value.and_then(decode_list) {
                    self.tags = tags;
                }
            }
            _ => {}
        }
    }

    fn deadline(&mut self, id: Option<i64>) -> Option<&mut Deadline> {
        self.deadlines.iter_mut().find(|d| Some(d.id) == id)
    }

    fn put_deadline(&mut self, value: Option<&str>) {
        let deadline = value
            .and_then(DeadlineValue::decode)
            .and_then(|v| v.deadline(self.id));
        if let Some(deadline) = deadline {
            self.deadlines.retain(|d| d.id != deadline.id);
            self.deadlines.push(deadline);
        }
    }

    /// Sets a deadline's date from an event's value, or its bare date.
    fn date_deadline(&mut self, id: Option<i64>, value: Option<&str>, due: Option<NaiveDate>) {
        let claim = self.id;
        let from_value = value
            .and_then(DeadlineValue::decode)
            .and_then(|v| v.deadline(claim));
        if let Some(d) = self.deadline(id) {
            match from_value {
                Some(v) => {
                    d.due = v.due;
                    d.precision = v.precision;
                    d.as_written = v.as_written;
                }
                None => {
                    if let Some(due) = due {
                        d.due = due;
                    }
                }
            }
        }
    }

    /// Applies an event in force.
    fn apply(&mut self, e: &HistoryEntry) {
        match e.event {
            EventKind::Edited => {
                if let Some(field) = &e.field {
                    self.set_field(field, e.new.as_deref());
                }
            }
            EventKind::Status | EventKind::Reopened => self.status = e.to,
            EventKind::DeadlineAdded => self.put_deadline(e.new.as_deref()),
            EventKind::DeadlineMoved => {
                self.date_deadline(e.deadline_id, e.new.as_deref(), e.new_due)
            }
            EventKind::DeadlineMet => {
                if let Some(d) = self.deadline(e.deadline_id) {
                    d.met_on = Some(e.at);
                }
            }
            EventKind::DeadlineRemoved => self.deadlines.retain(|d| Some(d.id) != e.deadline_id),
            EventKind::Recorded | EventKind::Note | EventKind::Correction => {}
        }
    }

    /// Undoes an event: the claim as it was just before it.
    fn reverse(&mut self, e: &HistoryEntry) {
        match e.event {
            EventKind::Edited => {
                if let Some(field) = &e.field {
                    self.set_field(field, e.old.as_deref());
                }
            }
            EventKind::Status | EventKind::Reopened => {
                if let Some(from) = e.from {
                    self.status = from;
                }
            }
            EventKind::DeadlineAdded => self.deadlines.retain(|d| Some(d.id) != e.deadline_id),
            EventKind::DeadlineMoved => {
                self.date_deadline(e.deadline_id, e.old.as_deref(), e.old_due)
            }
            EventKind::DeadlineMet => {
                if let Some(d) = self.deadline(e.deadline_id) {
                    d.met_on = None;
                }
            }
            EventKind::DeadlineRemoved => self.put_deadline(e.old.as_deref()),
            EventKind::Recorded | EventKind::Note | EventKind::Correction => {}
        }
    }

    /// What the rules need: the claim's state with the track-record facts
    /// of its events in force (`history`, as `replay` returns it).
    pub fn state(&self, history: &[HistoryEntry]) -> ClaimState {
        let (first_due, fulfilled_on) =
            history_facts(history.iter().filter(|e| !e.voided).map(|e| HistoryEvent {
                event: e.event,
                deadline_id: e.deadline_id,
                old_due: e.old_due,
                to: e.to,
                on: e.at,
            }));
        ClaimState {
            status: self.status,
            speaker_id: self.speakers.first().copied().unwrap_or_default(),
            other_speakers: self.speakers.iter().skip(1).copied().collect(),
            outlet_id: self.outlet,
            deadlines: self
                .deadlines
                .iter()
                .map(|d| DeadlineState {
                    id: d.id,
                    due: d.due,
                    met_on: d.met_on,
                    first_due: first_due.get(&d.id).copied(),
                })
                .collect(),
            fulfilled_on,
        }
    }
}

/// Which events are void in a view: those a correction voids, when that
/// correction is known in the view.
fn voided_in<'a>(
    events: &'a [HistoryEntry],
    knows: impl Fn(&str) -> bool,
) -> (HashMap<i64, &'a str>, impl Fn(&HistoryEntry) -> bool + 'a) {
    let mut voided_by: HashMap<i64, &str> = HashMap::new();
    for e in events {
        if let (EventKind::Correction, Some(target)) = (e.event, e.voids) {
            voided_by.insert(target, &e.recorded_at);
        }
    }
    let known: std::collections::HashSet<i64> = voided_by
        .iter()
        .filter(|(_, written)| knows(written))
        .map(|(id, _)| *id)
        .collect();
    (voided_by, move |e: &HistoryEntry| known.contains(&e.id))
}

/// A claim's history as known in `view`: the events that had happened by
/// its day and been written by its `known_on`, void as known then.
pub fn history_in(events: &[HistoryEntry], view: &View) -> Vec<HistoryEntry> {
    let known_on = view.known_on.map(iso);
    let knows = |at: &str| known_on.as_deref().is_none_or(|d| written_by(at, d));
    let (_, void_in_view) = voided_in(events, knows);
    events
        .iter()
        .filter(|e| knows(&e.recorded_at))
        .filter(|e| e.event == EventKind::Recorded || e.at <= view.as_of)
        .map(|e| HistoryEntry {
            voided: void_in_view(e),
            ..e.clone()
        })
        .collect()
}

/// The claim as it stood in `view`, from the claim as it stands now and
/// all its events in the order written, with its history as known then
/// (`history_in`); `None` when the claim was not yet said (or, with
/// `known_on`, not yet written). A claim without a `said_on` is present on
/// every day.
pub fn replay(
    now: &Snapshot,
    events: &[HistoryEntry],
    view: &View,
) -> Option<(Snapshot, Vec<HistoryEntry>)> {
    let known_on = view.known_on.map(iso);
    let knows = |at: &str| known_on.as_deref().is_none_or(|d| written_by(at, d));
    let recorded = events.iter().find(|e| e.event == EventKind::Recorded);
    if recorded.is_some_and(|r| !knows(&r.recorded_at)) {
        return None;
    }
    let (voided_by, _) = voided_in(events, knows);
    let mut claim = now.clone();
    for e in events.iter().rev() {
        if e.event.changes_state() && !voided_by.contains_key(&e.id) {
            claim.reverse(e);
        }
    }
    let history = history_in(events, view);
    for e in &history {
        if e.event.changes_state() && !e.voided {
            claim.apply(e);
        }
    }
    if claim.said_on.is_some_and(|said| said > view.as_of) {
        return None;
    }
    claim.deadlines.sort_by_key(|d| (d.due, d.id));
    Some((claim, history))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::from_iso;
    use crate::domain::model::{DeadlineRef, Precision};
    use crate::domain::rules::{derive, tallies, TallyChanges};

    fn day(text: &str) -> NaiveDate {
        from_iso(text).unwrap()
    }

    fn event(id: i64, kind: EventKind, at: &str, written: &str) -> HistoryEntry {
        HistoryEntry {
            id,
            claim_id: 6,
            event: kind,
            at: day(at),
            from: None,
            to: Status::Pending,
            note: None,
            evidence: None,
            deadline_id: None,
            old_due: None,
            new_due: None,
            recorded_at: format!("{written}T12:00:00Z"),
            by: None,
            voided: false,
            voids: None,
            field: None,
            old: None,
            new: None,
        }
    }

    fn deadline(due: &str) -> Deadline {
        Deadline {
            id: 1,
            reference: DeadlineRef {
                claim_id: 6,
                number: 1,
            },
            claim_id: 6,
            due: day(due),
            precision: Precision::Month,
            label: None,
            met_on: None,
            as_written: None,
        }
    }

    /// Claim 6 of the example report, said 2025-08-18, phase one due
    /// September 2025: resolved failed on 2025-10-05 (written 2025-10-06),
    /// moved on 2025-09-20 to 2026-01 (written the same day), its quote
    /// edited on 2025-11-01, and the resolution voided on 2025-12-01.
    fn claim_six() -> (Snapshot, Vec<HistoryEntry>) {
        let mut moved = deadline("2026-01-31");
        moved.as_written = Some("2026-01".into());
        let now = Snapshot {
            id: 6,
            status: Status::Pending,
            said_on: Some(day("2025-08-18")),
            kind: ClaimKind::Promise,
            credibility: None,
            speakers: vec![4],
            outlet: Some(1),
            tags: vec![],
            deadlines: vec![moved.clone()],
            texts: HashMap::new(),
        };
        let recorded = event(1, EventKind::Recorded, "2025-08-18", "2025-08-18");
        let mut move_event = event(2, EventKind::DeadlineMoved, "2025-09-20", "2025-09-20");
        move_event.deadline_id = Some(1);
        move_event.old_due = Some(day("2025-09-30"));
        move_event.new_due = Some(day("2026-01-31"));
        move_event.old = Some(DeadlineValue::of(&deadline("2025-09-30")).encode());
        move_event.new = Some(DeadlineValue::of(&moved).encode());
        let mut failed = event(3, EventKind::Status, "2025-10-05", "2025-10-06");
        failed.from = Some(Status::Pending);
        failed.to = Status::Failed;
        failed.voided = true;
        let mut quote = event(4, EventKind::Edited, "2025-11-01", "2025-11-01");
        quote.field = Some("quote".into());
        quote.old = Some("أيلول".into());
        quote.new = Some("أيلول 2025".into());
        let mut undo = event(5, EventKind::Correction, "2025-12-01", "2025-12-01");
        undo.voids = Some(3);
        (now, vec![recorded, move_event, failed, quote, undo])
    }

    #[test]
    fn a_replay_keeps_what_happened_by_the_day() {
        let (now, events) = claim_six();
        let view = |as_of: &str, known_on: Option<&str>| View {
            as_of: day(as_of),
            known_on: known_on.map(day),
        };
        // Before it was said: absent.
        assert!(replay(&now, &events, &view("2025-08-17", None)).is_none());
        // Said, not yet moved: due September 2025.
        let (claim, history) = replay(&now, &events, &view("2025-08-31", None)).unwrap();
        assert_eq!(claim.deadlines[0].due, day("2025-09-30"));
        assert_eq!(claim.deadlines[0].as_written, None);
        assert_eq!(history.len(), 1);
        // Moved; the voided resolution never counts on the as-of axis.
        let (claim, _) = replay(&now, &events, &view("2025-10-10", None)).unwrap();
        assert_eq!(claim.deadlines[0].due, day("2026-01-31"));
        assert_eq!(claim.status, Status::Pending);
        assert_eq!(claim.texts.get("quote"), Some(&Some("أيلول".to_string())));
        // As the database said on 2025-10-07: resolved failed, not yet voided.
        let (claim, history) =
            replay(&now, &events, &view("2025-10-10", Some("2025-10-07"))).unwrap();
        assert_eq!(claim.status, Status::Failed);
        assert!(history.iter().all(|e| !e.voided));
        // Today: as it stands.
        let (claim, history) = replay(&now, &events, &view("2026-12-01", None)).unwrap();
        assert_eq!(claim.status, Status::Pending);
        assert_eq!(
            claim.texts.get("quote"),
            Some(&Some("أيلول 2025".to_string()))
        );
        assert_eq!(history.len(), 5);
        assert!(history[2].voided);
        // Known on a day before it was written: absent.
        assert!(replay(&now, &events, &view("2026-12-01", Some("2025-08-17"))).is_none());
    }

    #[test]
    fn the_track_record_facts_follow_the_view() {
        let (now, events) = claim_six();
        let view = View {
            as_of: day("2025-10-10"),
            known_on: None,
        };
        let (claim, history) = replay(&now, &events, &view).unwrap();
        let state = claim.state(&history);
        assert_eq!(state.deadlines[0].first_due, Some(day("2025-09-30")));
        assert_eq!(state.speaker_id, 4);
    }

    /// A small random generator, so the test needs no crate and repeats.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// Random histories of one claim, changes to its status, deadline and
    /// speakers in order of day per thing but interleaved across things (as
    /// the application allows), the latest sometimes undone: the journal
    /// summed up to any day gives the tallies of the claim replayed then,
    /// its spans its status and next due date, its due spans its open
    /// deadlines.
    #[test]
    fn the_day_tables_of_a_claim_agree_with_its_replay_of_every_day() {
        let start = day("2025-01-01");
        for seed in 0..120 {
            let mut rng = Lcg(seed);
            let said_on = (rng.below(3) > 0).then(|| start + chrono::Days::new(rng.below(30)));
            let mut now = Snapshot {
                id: 6,
                status: Status::Pending,
                said_on,
                kind: ClaimKind::Promise,
                credibility: None,
                speakers: vec![4],
                outlet: Some(1),
                tags: vec![],
                deadlines: vec![deadline("2025-06-30")],
                texts: HashMap::new(),
            };
            // Sometimes a second deadline, open as long as the claim is pending.
            if rng.below(2) == 0 {
                let mut second = deadline("2025-04-30");
                second.id = 2;
                now.deadlines.push(second);
            }
            let mut events = vec![event(1, EventKind::Recorded, "2025-01-01", "2025-01-01")];
            let floor = said_on.unwrap_or(start);
            let (mut status_day, mut deadline_day, mut speaker_day) = (floor, floor, floor);
            for id in 2..(2 + rng.below(8) as i64) {
                let step = chrono::Days::new(rng.below(60));
                let mut e = event(id, EventKind::Note, "2025-01-01", "2025-01-01");
                match rng.below(4) {
                    0 => {
                        status_day = status_day + step;
                        let to = [Status::Fulfilled, Status::Failed, Status::Pending]
                            [rng.below(3) as usize];
                        if to == now.status {
                            continue;
                        }
                        e.event = if to == Status::Pending {
                            EventKind::Reopened
                        } else {
                            EventKind::Status
                        };
                        e.at = status_day;
                        e.from = Some(now.status);
                        e.to = to;
                        now.status = to;
                    }
                    1 if now.deadlines[0].met_on.is_none() => {
                        deadline_day = deadline_day + step;
                        let old = now.deadlines[0].clone();
                        let mut moved = old.clone();
                        moved.due = old.due + chrono::Days::new(30 + rng.below(90));
                        e.event = EventKind::DeadlineMoved;
                        e.at = deadline_day;
                        e.deadline_id = Some(1);
                        e.old_due = Some(old.due);
                        e.new_due = Some(moved.due);
                        e.old = Some(DeadlineValue::of(&old).encode());
                        e.new = Some(DeadlineValue::of(&moved).encode());
                        now.deadlines[0] = moved;
                    }
                    2 if now.deadlines[0].met_on.is_none() => {
                        deadline_day = deadline_day + step;
                        e.event = EventKind::DeadlineMet;
                        e.at = deadline_day;
                        e.deadline_id = Some(1);
                        now.deadlines[0].met_on = Some(deadline_day);
                    }
                    _ => {
                        speaker_day = speaker_day + step;
                        let old = now.speakers.clone();
                        let new = if old.len() == 1 { vec![4, 9] } else { vec![7] };
                        e.event = EventKind::Edited;
                        e.at = speaker_day;
                        e.field = Some("speakers".into());
                        e.old = Some(crate::domain::history::encode_list(&old));
                        e.new = Some(crate::domain::history::encode_list(&new));
                        now.speakers = new;
                    }
                }
                e.to = now.status;
                events.push(e);
            }
            // Sometimes the latest change is undone, as `claims undo` does.
            let last = events.len() - 1;
            if rng.below(3) == 0 && events[last].event.changes_state() {
                now.reverse(&events[last]);
                events[last].voided = true;
                let mut correction = event(99, EventKind::Correction, "2026-12-01", "2026-12-01");
                correction.voids = Some(events[last].id);
                correction.to = now.status;
                events.push(correction);
            }
            let days = crate::domain::days::claim_days(&now, &events);
            for offset in (0..500).step_by(3) {
                let on = start + chrono::Days::new(offset);
                let mut summed = TallyChanges::default();
                for (_, change) in days.journal.iter().filter(|(d, _)| *d <= on) {
                    for (tally, n) in &change.0 {
                        *summed.0.entry(tally.clone()).or_default() += n;
                    }
                }
                summed.0.retain(|_, n| *n != 0);
                let replayed = replay(
                    &now,
                    &events,
                    &View {
                        as_of: on,
                        known_on: None,
                    },
                )
                .map(|(snapshot, history)| snapshot.state(&history));
                let mut expected = TallyChanges::default();
                if let Some(state) = &replayed {
                    expected.add(tallies(state, &derive(state)), 1);
                }
                assert_eq!(summed, expected, "seed {seed}, day {on}");
                // The span holding the day says the same, and so do the
                // deadlines' open periods.
                let held: Vec<_> = days
                    .spans
                    .iter()
                    .filter(|s| s.holds(on))
                    .map(|s| (s.status, s.next_due))
                    .collect();
                let expected_span: Vec<_> = replayed
                    .iter()
                    .map(|state| (state.status, derive(state).next_due))
                    .collect();
                assert_eq!(held, expected_span, "spans, seed {seed}, day {on}");
                let mut open: Vec<_> = days
                    .due_spans
                    .iter()
                    .filter(|s| s.holds(on))
                    .map(|s| (s.deadline_id, s.due))
                    .collect();
                let mut expected_open: Vec<_> = replayed
                    .iter()
                    .flat_map(|state| {
                        state
                            .deadlines
                            .iter()
                            .filter(|d| crate::domain::rules::is_open(state.status, d.met_on))
                            .map(|d| (d.id, d.due))
                    })
                    .collect();
                open.sort_unstable();
                expected_open.sort_unstable();
                assert_eq!(open, expected_open, "due spans, seed {seed}, day {on}");
            }
        }
    }
}
