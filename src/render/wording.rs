//! Wording shared by every format: how a count, a delay, a due date or a
//! claim's state reads. Table, Markdown and HTML all say it the same way.

use chrono::NaiveDate;

use crate::domain::dates::display;
use crate::domain::model::{Claim, Deadline, TrackRecord};

/// "4" when a section shows all its claims, "120, first 50" when not.
pub fn shown_of(shown: usize, total: i64) -> String {
    if shown as i64 == total {
        total.to_string()
    } else {
        format!("{total}, first {shown}")
    }
}

/// Whether text may become a link: an http or https address with no
/// spaces or control characters. Anything else is shown as text.
pub fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// "2/3 (67%)", or "-" when no deadline came due.
pub fn on_time_text(r: &TrackRecord) -> String {
    match r.on_time_share {
        Some(share) => format!(
            "{}/{} ({:.0}%)",
            r.deadlines_met_on_time,
            r.deadlines_due,
            share * 100.0
        ),
        None => "-".into(),
    }
}

/// "61 days", "243.5 days", or "-".
pub fn days_late_text(r: &TrackRecord) -> String {
    match r.median_days_late {
        Some(days) if days.fract() == 0.0 => days_text(days as i64),
        Some(days) => format!("{days:.1} days"),
        None => "-".into(),
    }
}

/// A deadline at its precision, with its label.
pub fn due_text(deadline: &Deadline) -> String {
    display(deadline.due, deadline.precision)
}

pub fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The next open deadline as lists show it, with the name to give
/// `deadline met|move`: "7.1 Sep 2026"; "-" when there is none.
pub fn next_due_text(claim: &Claim) -> String {
    claim
        .next_deadline()
        .map_or("-".into(), |d| format!("{} {}", d.reference, due_text(d)))
}

/// The state word of a claim: "overdue", else its status.
pub fn status_word(claim: &Claim) -> String {
    if claim.overdue {
        "overdue".to_string()
    } else {
        claim.status.to_string()
    }
}

/// How far the next open deadline is: "61 days ago", "today", "in 12 days", "-".
pub fn when_text(claim: &Claim, as_of: NaiveDate) -> String {
    if let Some(days) = claim.days_overdue {
        return format!("{} ago", days_text(days));
    }
    match claim.next_due {
        Some(due) if due == as_of => "today".to_string(),
        Some(due) => format!("in {}", days_text((due - as_of).num_days())),
        None => "-".to_string(),
    }
}
