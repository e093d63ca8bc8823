//! Wording shared by every format: how a count, a delay, a due date or a
//! claim's state reads. Table, Markdown and HTML all say it the same way.

use chrono::NaiveDate;

use crate::domain::dates::{display, iso};
use crate::domain::history::{decode_list, DeadlineValue};
use crate::domain::model::{Claim, Deadline, EventKind, HistoryEntry, TrackRecord};

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

/// What an event did, in a few words: "pending → fulfilled", "deadline 6.1
/// moved 2026-09-30 → 2027-01-31", "text: “old” → “new”". `claim` names
/// deadlines and sources where it knows them.
pub fn event_text(entry: &HistoryEntry, claim: Option<&Claim>) -> String {
    let deadline = || deadline_name(entry, claim);
    let text = match entry.event {
        EventKind::Recorded => format!("recorded as {}", entry.to),
        EventKind::Edited => format!(
            "{}: {} → {}",
            entry.field.as_deref().unwrap_or("?"),
            field_value(entry.field.as_deref(), entry.old.as_deref(), claim),
            field_value(entry.field.as_deref(), entry.new.as_deref(), claim),
        ),
        EventKind::Status | EventKind::Reopened => format!(
            "{} → {}",
            entry.from.map_or("-".into(), |s| s.to_string()),
            entry.to
        ),
        EventKind::DeadlineAdded => format!(
            "deadline {} added, due {}",
            deadline(),
            entry.new_due.map(iso).unwrap_or_default()
        ),
        EventKind::DeadlineMoved => format!(
            "deadline {} moved {} → {}",
            deadline(),
            entry.old_due.map(iso).unwrap_or_default(),
            entry.new_due.map(iso).unwrap_or_default()
        ),
        EventKind::DeadlineMet => format!("deadline {} met", deadline()),
        EventKind::DeadlineRemoved => format!(
            "deadline {} removed (was due {})",
            deadline(),
            entry.old_due.map(iso).unwrap_or_default()
        ),
        EventKind::Note => "note".to_string(),
        EventKind::Correction => format!(
            "undid event {}{}",
            entry.voids.map_or("?".into(), |id| format!("#{id}")),
            entry
                .field
                .as_deref()
                .map_or(String::new(), |f| format!(" ({f})"))
        ),
    };
    if entry.voided {
        format!("[void] {text}")
    } else {
        text
    }
}

/// A deadline as people name it (`6.1`), from the event's own value when it
/// carries one, else from the claim; `#id` when neither knows it.
fn deadline_name(entry: &HistoryEntry, claim: Option<&Claim>) -> String {
    let from_value = [entry.old.as_deref(), entry.new.as_deref()]
        .into_iter()
        .flatten()
        .find_map(DeadlineValue::decode)
        .map(|v| format!("{}.{}", entry.claim_id, v.number));
    from_value
        .or_else(|| {
            claim?
                .deadlines
                .iter()
                .find(|d| Some(d.id) == entry.deadline_id)
                .map(|d| d.reference.to_string())
        })
        .unwrap_or_else(|| format!("#{}", entry.deadline_id.unwrap_or_default()))
}

/// An edited value as it reads: sources by name where the claim knows them,
/// lists joined, text quoted and cut at 40 characters, "-" for none.
fn field_value(field: Option<&str>, value: Option<&str>, claim: Option<&Claim>) -> String {
    let Some(value) = value else {
        return "-".into();
    };
    let source_name = |id: i64| {
        claim
            .into_iter()
            .flat_map(|c| c.speakers.iter().chain(c.reported_by.iter()))
            .find(|s| s.id == id)
            .map_or(format!("#{id}"), |s| s.name.clone())
    };
    match field {
        Some("speakers") => decode_list::<i64>(value)
            .map(|ids| {
                ids.into_iter()
                    .map(source_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| value.to_string()),
        Some("reported_by") => value
            .parse()
            .map(source_name)
            .unwrap_or_else(|_| value.to_string()),
        Some("tags") => decode_list::<String>(value)
            .map(|tags| tags.join(", "))
            .unwrap_or_else(|| value.to_string()),
        Some("text" | "quote") => {
            let cut: String = value.chars().take(40).collect();
            if cut.len() < value.len() {
                format!("“{cut}…”")
            } else {
                format!("“{cut}”")
            }
        }
        _ => value.to_string(),
    }
}
