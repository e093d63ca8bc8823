//! iCalendar (RFC 5545) output: one all-day event per open deadline, with a
//! UID per deadline so that calendar apps update events instead of
//! duplicating them.

use chrono::{Days, NaiveDate, Utc};

use crate::domain::model::{Claim, Status};

/// A whole calendar of the open deadlines of `claims`; see [`events`].
pub fn calendar(claims: &[Claim], window: Option<(NaiveDate, NaiveDate)>) -> String {
    let mut out = header();
    for claim in claims {
        out.push_str(&events(claim, window));
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

/// One event per open deadline of a pending claim (due within `window` when
/// given): an all-day event on the due day, summary the claim, description
/// the speaker, outlet, quote and URL.
pub fn events(claim: &Claim, window: Option<(NaiveDate, NaiveDate)>) -> String {
    let mut lines = Vec::new();
    if claim.status != Status::Pending {
        return String::new();
    }
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for deadline in &claim.deadlines {
        let in_window = window.is_none_or(|(from, to)| deadline.due >= from && deadline.due <= to);
        if deadline.met_on.is_some() || !in_window {
            continue;
        }
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
        lines.push("BEGIN:VEVENT".to_string());
        // The claim's UUID and the deadline's number: unique across
        // databases, and the same after a move, so calendars update.
        lines.push(format!(
            "UID:{}.{}@claims",
            claim.uid, deadline.reference.number
        ));
        lines.push(format!("DTSTAMP:{stamp}"));
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
        lines.push("TRANSP:TRANSPARENT".to_string());
        lines.push("END:VEVENT".to_string());
    }
    lines.iter().map(|line| fold_line(line)).collect()
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
    fn text_values_are_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
