//! iCalendar (RFC 5545) output: one all-day event per deadline, with a UID
//! per deadline (the claim's UUID and the deadline's number) so that
//! calendar apps update events instead of duplicating them, a `SEQUENCE`
//! that rises when the deadline moves, and `STATUS:CANCELLED` for deadlines
//! that are met, removed, or belong to a resolved claim, so that a
//! subscribed calendar drops them.

use chrono::{Days, NaiveDate, Utc};

use crate::domain::history::DeadlineValue;
use crate::domain::model::{Claim, Deadline, EventKind, HistoryEntry, Status};

/// Which deadlines become events.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The open deadlines of pending claims, due within the window when one
    /// is given (`upcoming`).
    Open(Option<(NaiveDate, NaiveDate)>),
    /// Every deadline, the closed ones cancelled (`export`).
    Everything,
}

/// A whole calendar of `claims`; see [`events`].
pub fn calendar(claims: &[Claim], scope: Scope) -> String {
    let mut out = header();
    for claim in claims {
        out.push_str(&events(claim, scope));
    }
    out.push_str(&footer());
    out
}

/// The lines that open a calendar.
pub fn header() -> String {
    [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//claims//claims {}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "X-WR-CALNAME:Claim deadlines".to_string(),
    ]
    .iter()
    .map(|line| fold_line(line))
    .collect()
}

pub fn footer() -> String {
    fold_line("END:VCALENDAR")
}

/// The events of one claim's deadlines in `scope`: all-day on the due day,
/// summary the claim, description the speaker, outlet, quote and URL. The
/// claim's history, when it is loaded, gives each event its `SEQUENCE` (how
/// often the deadline moved), its `LAST-MODIFIED`, and the removed
/// deadlines.
pub fn events(claim: &Claim, scope: Scope) -> String {
    let history = claim.history.as_deref().unwrap_or_default();
    let pending = claim.status == Status::Pending;
    let mut lines = Vec::new();
    for deadline in &claim.deadlines {
        let open = pending && deadline.met_on.is_none();
        let shown = match scope {
            Scope::Open(window) => {
                open && window.is_none_or(|(from, to)| deadline.due >= from && deadline.due <= to)
            }
            Scope::Everything => true,
        };
        if shown {
            event(&mut lines, claim, deadline, history, open);
        }
    }
    if let Scope::Everything = scope {
        for removed in removed_deadlines(claim, history) {
            event(&mut lines, claim, &removed, history, false);
        }
    }
    lines.iter().map(|line| fold_line(line)).collect()
}

/// The deadlines the history says were removed (and not brought back).
fn removed_deadlines(claim: &Claim, history: &[HistoryEntry]) -> Vec<Deadline> {
    history
        .iter()
        .filter(|e| e.event == EventKind::DeadlineRemoved && !e.voided)
        .filter_map(|e| DeadlineValue::decode(e.old.as_deref()?)?.deadline(claim.id))
        .filter(|removed| claim.deadlines.iter().all(|d| d.id != removed.id))
        .collect()
}

fn event(
    lines: &mut Vec<String>,
    claim: &Claim,
    deadline: &Deadline,
    history: &[HistoryEntry],
    open: bool,
) {
    let mut description = vec![format!("Speaker: {}", claim.source.name)];
    if let Some(outlet) = &claim.reported_by {
        description.push(format!("Reported by: {}", outlet.name));
    }
    if let Some(quote) = &claim.quote {
        match &claim.lang {
            Some(lang) => description.push(format!("Quote ({lang}): {quote}")),
            None => description.push(format!("Quote: {quote}")),
        }
    }
    if let Some(url) = &claim.url {
        description.push(format!("URL: {url}"));
    }
    if let Some(label) = &deadline.label {
        description.push(format!("Deadline: {label}"));
    }
    description.push(format!("Claim {} (claims show {})", claim.id, claim.id));
    let concerning: Vec<&HistoryEntry> = history
        .iter()
        .filter(|e| !e.voided && e.deadline_id == Some(deadline.id))
        .collect();
    let moves = concerning
        .iter()
        .filter(|e| e.event == EventKind::DeadlineMoved)
        .count();
    // The deadline's own last change, or, for a claim resolved since, that.
    let last_change = history
        .iter()
        .filter(|e| !e.voided)
        .filter(|e| e.deadline_id == Some(deadline.id) || e.from != Some(e.to))
        .map(|e| e.recorded_at.as_str())
        .max();
    lines.push("BEGIN:VEVENT".to_string());
    // The claim's UUID and the deadline's number: unique across databases,
    // and the same after a move, so calendars update.
    lines.push(format!(
        "UID:{}.{}@claims",
        claim.uid, deadline.reference.number
    ));
    lines.push(format!("DTSTAMP:{}", Utc::now().format("%Y%m%dT%H%M%SZ")));
    if let Some(stamp) = last_change.and_then(utc_stamp) {
        lines.push(format!("LAST-MODIFIED:{stamp}"));
    }
    lines.push(format!("SEQUENCE:{moves}"));
    lines.push(format!(
        "DTSTART;VALUE=DATE:{}",
        deadline.due.format("%Y%m%d")
    ));
    let end = deadline.due + Days::new(1);
    lines.push(format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
    lines.push(format!("SUMMARY:{}", escape(&claim.text)));
    lines.push(format!("DESCRIPTION:{}", escape(&description.join("\n"))));
    if let Some(url) = &claim.url {
        lines.push(format!("URL:{url}"));
    }
    lines.push(format!(
        "STATUS:{}",
        if open { "CONFIRMED" } else { "CANCELLED" }
    ));
    lines.push("TRANSP:TRANSPARENT".to_string());
    lines.push("END:VEVENT".to_string());
}

/// `2026-11-30T09:12:44.123456Z` as iCalendar's UTC form, `20261130T091244Z`.
fn utc_stamp(recorded_at: &str) -> Option<String> {
    let digits: String = recorded_at
        .chars()
        .take(19)
        .filter(|c| c.is_ascii_digit())
        .collect();
    (digits.len() == 14).then(|| format!("{}T{}Z", &digits[..8], &digits[8..]))
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets, continuation lines
/// starting with a space, never splitting a UTF-8 character; ends with CRLF.
fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole_and_lines_short() {
        let line = format!("SUMMARY:{}", "انسحاب التحالف ".repeat(20));
        let folded = fold_line(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold_line("short"), "short\r\n");
    }

    #[test]
    fn recorded_times_become_utc_stamps() {
        assert_eq!(
            utc_stamp("2026-11-30T09:12:44.123456Z").as_deref(),
            Some("20261130T091244Z")
        );
        assert_eq!(utc_stamp("x"), None);
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
