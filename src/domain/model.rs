//! The domain: sources, claims, deadlines, history, and the closed sets of
//! kinds and statuses. These are the shapes commands return and renderers
//! print; their serde form is the JSON contract documented in the README.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::domain::dates::iso;
use crate::domain::words::word_enum;
use crate::error::Error;

pub use crate::domain::dates::Precision;

word_enum!(
    /// Who a source is.
    SourceKind, "source kind" {
        Person => "person",
        Organization => "organization",
        Government => "government",
        Outlet => "outlet",
        Anonymous => "anonymous",
        Other => "other",
    }
);

word_enum!(
    /// What sort of statement a claim is.
    ClaimKind, "claim kind" {
        Promise => "promise",
        Prediction => "prediction",
        Report => "report",
        Opinion => "opinion",
    }
);

word_enum!(
    /// What an event of a claim's history records.
    EventKind, "event" {
        Recorded => "recorded",
        Edited => "edited",
        Status => "status",
        Reopened => "reopened",
        DeadlineAdded => "deadline_added",
        DeadlineMoved => "deadline_moved",
        DeadlineMet => "deadline_met",
        DeadlineRemoved => "deadline_removed",
        Note => "note",
        Correction => "correction",
    }
);

impl EventKind {
    /// Whether the event changes what the claim is (a note does not; a
    /// correction changes it by voiding another event).
    pub fn changes_state(self) -> bool {
        !matches!(
            self,
            EventKind::Recorded | EventKind::Note | EventKind::Correction
        )
    }
}

word_enum!(
    /// Where a claim stands. Only `pending` claims can be overdue or upcoming.
    Status, "status" {
        Pending => "pending",
        Fulfilled => "fulfilled",
        Partial => "partial",
        Failed => "failed",
        Retracted => "retracted",
        Unverifiable => "unverifiable",
    }
);

/// A source's reliability on the Admiralty scale, `A`..`F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reliability(u8);

impl Reliability {
    const MEANINGS: [&'static str; 6] = [
        "completely reliable",
        "usually reliable",
        "fairly reliable",
        "not usually reliable",
        "unreliable",
        "reliability cannot be judged",
    ];

    /// Parses a letter, either case; `field` names the flag in errors.
    pub fn parse(field: &str, value: &str) -> Result<Self, Error> {
        match value.trim().to_ascii_uppercase().as_bytes() {
            [letter @ b'A'..=b'F'] => Ok(Reliability(*letter)),
            _ => Err(Error::invalid(
                field,
                value,
                "expected a reliability grade A to F (A completely reliable … E unreliable, F cannot be judged)",
            )),
        }
    }

    /// The grade whose letter is exactly `letter`, as it is stored.
    pub fn from_letter(letter: &str) -> Option<Self> {
        match letter.as_bytes() {
            [l @ b'A'..=b'F'] => Some(Reliability(*l)),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        ["A", "B", "C", "D", "E", "F"][usize::from(self.0 - b'A')]
    }

    pub fn meaning(self) -> &'static str {
        Self::MEANINGS[usize::from(self.0 - b'A')]
    }
}

impl Serialize for Reliability {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A claim's credibility on the Admiralty scale, 1..6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Credibility(u8);

impl Credibility {
    const MEANINGS: [&'static str; 6] = [
        "confirmed by other sources",
        "probably true",
        "possibly true",
        "doubtful",
        "improbable",
        "truth cannot be judged",
    ];

    /// Parses a digit 1 to 6; `field` names the flag in errors.
    pub fn parse(field: &str, value: &str) -> Result<Self, Error> {
        match value.trim().parse::<u8>() {
            Ok(n @ 1..=6) => Ok(Credibility(n)),
            _ => Err(Error::invalid(
                field,
                value,
                "expected a credibility grade 1 to 6 (1 confirmed … 5 improbable, 6 cannot be judged)",
            )),
        }
    }

    /// The grade whose number is `n`, as it is stored.
    pub fn from_number(n: i64) -> Option<Self> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=6).contains(n))
            .map(Credibility)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn meaning(self) -> &'static str {
        Self::MEANINGS[usize::from(self.0 - 1)]
    }
}

/// Parses a comma-separated list of grades (`A,B` or `1,2`), each once.
pub fn grade_list<T: PartialEq>(
    field: &str,
    value: &str,
    parse: impl Fn(&str, &str) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut grades = Vec::new();
    for part in value.split(',') {
        let grade = parse(field, part)?;
        if !grades.contains(&grade) {
            grades.push(grade);
        }
    }
    Ok(grades)
}

/// A source as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub kind: SourceKind,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub reliability: Option<Reliability>,
    /// Set once `source merge` has moved this source's claims to another:
    /// the source it went into, and the day. Kept for the history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merged>,
}

impl Source {
    /// Whether the record as of `day` still shows this source on its own.
    pub fn stands_on(&self, day: NaiveDate) -> bool {
        self.merged.as_ref().is_none_or(|m| m.on > day)
    }
}

/// Where and when a source was merged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Merged {
    pub into: i64,
    pub on: NaiveDate,
}

/// The short form of a source embedded in a claim.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub id: i64,
    pub name: String,
    pub kind: SourceKind,
    pub reliability: Option<Reliability>,
}

/// One phase of a claim: due at the end of its period unless met.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    pub id: i64,
    /// How users name it: `6.1`.
    #[serde(rename = "ref")]
    pub reference: DeadlineRef,
    pub claim_id: i64,
    #[serde(serialize_with = "ser_date")]
    pub due: NaiveDate,
    pub precision: Precision,
    pub label: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub met_on: Option<NaiveDate>,
    /// The date as it was typed ("أيلول المقبل"), when it was kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_written: Option<String>,
}

/// A deadline as users name it: claim 6's first deadline is `6.1`. The
/// number counts the claim's deadlines in the order they were given and is
/// never given twice within a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeadlineRef {
    pub claim_id: i64,
    pub number: i64,
}

impl DeadlineRef {
    /// `6.1`; anything else (a bare number included) is `None`.
    pub fn parse(text: &str) -> Option<DeadlineRef> {
        let (claim, number) = text.trim().split_once('.')?;
        let claim_id = claim.parse().ok().filter(|n: &i64| *n > 0)?;
        let number = number.parse().ok().filter(|n: &i64| *n > 0)?;
        Some(DeadlineRef { claim_id, number })
    }
}

impl std::fmt::Display for DeadlineRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.claim_id, self.number)
    }
}

impl Serialize for DeadlineRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One event of a claim's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// The event's number in this database (corrections name it).
    pub id: i64,
    pub claim_id: i64,
    pub event: EventKind,
    /// When it happened in the world.
    #[serde(serialize_with = "ser_date")]
    pub at: NaiveDate,
    pub from: Option<Status>,
    /// The claim's status after the event.
    pub to: Status,
    pub note: Option<String>,
    pub evidence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_id: Option<i64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_date"
    )]
    pub old_due: Option<NaiveDate>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_date"
    )]
    pub new_due: Option<NaiveDate>,
    /// When it was written: a UTC timestamp, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    pub recorded_at: String,
    /// Who wrote it; `None` when not known (events older than schema 14).
    pub by: Option<String>,
    /// Voided by a later correction: every replay skips it.
    pub voided: bool,
    /// A correction: the event it voids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voids: Option<i64>,
    /// An edit: the field, its value before and after (lists as JSON arrays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// A claim with everything attached, judged as of a date.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: i64,
    /// The claim's identity across databases (a UUID), kept by export and import.
    pub uid: String,
    /// The caller's own id for the claim, given on import.
    pub external_id: Option<String>,
    pub text: String,
    pub status: Status,
    pub kind: ClaimKind,
    /// The lead speaker (the first of `speakers`).
    pub source: SourceRef,
    /// Everyone who made the claim (a joint statement), the lead first.
    pub speakers: Vec<SourceRef>,
    pub reported_by: Option<SourceRef>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub said_on: Option<NaiveDate>,
    pub credibility: Option<Credibility>,
    pub tags: Vec<String>,
    pub deadlines: Vec<Deadline>,
    #[serde(serialize_with = "ser_opt_date")]
    pub next_due: Option<NaiveDate>,
    pub overdue: bool,
    /// Days since the oldest missed deadline's period ended; only when overdue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

impl Claim {
    /// The Admiralty grade as analysts write it, the speaker's reliability
    /// then the claim's credibility ("B2"), `-` for the half not graded;
    /// `None` when neither is.
    pub fn grade(&self) -> Option<String> {
        let letter = self.source.reliability.map(Reliability::as_str);
        let digit = self.credibility.map(|c| c.get().to_string());
        if letter.is_none() && digit.is_none() {
            return None;
        }
        Some(format!(
            "{}{}",
            letter.unwrap_or("-"),
            digit.as_deref().unwrap_or("-")
        ))
    }

    /// The open deadline to show first: the earliest unmet one.
    pub fn next_deadline(&self) -> Option<&Deadline> {
        let next = self.next_due?;
        self.deadlines
            .iter()
            .find(|d| d.met_on.is_none() && d.due == next)
    }
}

/// A source's deadline figures as of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DeadlineFigures {
    /// Deadlines that have been judged: delivered, or past their first due date.
    pub due: i64,
    /// Of those, delivered on or before the first due date.
    pub on_time: i64,
    /// Median days past the first due date, over the deadlines delivered
    /// late and those of pending claims still open past it (to the day).
    pub median_days_late: Option<f64>,
}

impl DeadlineFigures {
    pub fn on_time_share(&self) -> Option<f64> {
        (self.due > 0).then(|| self.on_time as f64 / self.due as f64)
    }
}

/// A source's track record: its claims as speaker, or as outlet. The
/// deadline figures judge each deadline against the first due date given
/// (a moved deadline keeps its original date here); see the README.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrackRecord {
    pub claims: i64,
    pub pending: i64,
    pub fulfilled: i64,
    pub partial: i64,
    pub failed: i64,
    pub retracted: i64,
    pub unverifiable: i64,
    pub overdue: i64,
    /// Claims with an outcome: every status but pending.
    pub resolved: i64,
    /// Deadlines that have been judged: met, or past their (first) due date.
    pub deadlines_due: i64,
    /// Of those, met on or before the first due date.
    pub deadlines_met_on_time: i64,
    /// `deadlines_met_on_time / deadlines_due`; none when nothing came due.
    pub on_time_share: Option<f64>,
    /// Median days past the first due date, over the deadlines met late
    /// and those still open past it (counted to the as-of date).
    pub median_days_late: Option<f64>,
}

impl TrackRecord {
    /// Counts `n` claims with this status, `overdue` of them overdue.
    pub fn add(&mut self, status: Status, n: i64, overdue: i64) {
        self.claims += n;
        if status != Status::Pending {
            self.resolved += n;
        }
        *match status {
            Status::Pending => &mut self.pending,
            Status::Fulfilled => &mut self.fulfilled,
            Status::Partial => &mut self.partial,
            Status::Failed => &mut self.failed,
            Status::Retracted => &mut self.retracted,
            Status::Unverifiable => &mut self.unverifiable,
        } += n;
        self.overdue += overdue;
    }

    /// Sets the deadline figures.
    pub fn set_deadlines(&mut self, figures: &DeadlineFigures) {
        self.deadlines_due = figures.due;
        self.deadlines_met_on_time = figures.on_time;
        self.on_time_share = figures.on_time_share();
        self.median_days_late = figures.median_days_late;
    }
}

pub fn ser_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso(*date))
}

pub fn ser_opt_date<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => ser_date(date, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_refs_name_a_claim_and_a_number() {
        let r = DeadlineRef::parse("6.1").unwrap();
        assert_eq!((r.claim_id, r.number), (6, 1));
        assert_eq!(r.to_string(), "6.1");
        for bad in ["6", "6.", ".1", "6.0", "0.1", "6.1.2", "a.b", "-6.1", ""] {
            assert!(DeadlineRef::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn words_parse_case_insensitively_and_name_the_field() {
        assert_eq!(Status::parse("Fulfilled").unwrap(), Status::Fulfilled);
        let err = Status::parse("done").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid status `done`: expected one of: pending, fulfilled, partial, failed, retracted, unverifiable"
        );
    }
}
