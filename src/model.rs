//! The domain: sources, claims, deadlines, history, and the closed sets of
//! kinds and statuses. These are the shapes commands return and renderers
//! print; their serde form is the JSON contract documented in the README.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::error::Error;

/// Declares a closed set of lower-case words (a kind, a status...) with its
/// parser, whose error names the field, the value and the accepted words.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses user input (case-insensitive); `field` names the flag in errors.
            pub fn parse(value: &str) -> Result<Self, Error> {
                match value.trim().to_lowercase().as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(Error::invalid(
                        $field,
                        value,
                        format!("expected one of: {}", [$($word),+].join(", ")),
                    )),
                }
            }

            /// Reads a value the database wrote; the schema's CHECK keeps it valid.
            pub fn from_db(value: &str) -> Result<Self, Error> {
                Self::parse(value).map_err(|_| Error::Corrupt(format!(
                    "unexpected {} `{}` in the database", $field, value
                )))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

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

word_enum!(
    /// How precise a date is; a deadline is due at the end of its period.
    Precision, "precision" {
        Day => "day",
        Month => "month",
        Quarter => "quarter",
        Year => "year",
    }
);

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
}

/// The short form of a source embedded in a claim.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub id: i64,
    pub name: String,
    pub kind: SourceKind,
}

/// One phase of a claim: due at the end of its period unless met.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    pub id: i64,
    pub claim_id: i64,
    #[serde(serialize_with = "ser_date")]
    pub due: NaiveDate,
    pub precision: Precision,
    pub label: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub met_on: Option<NaiveDate>,
}

/// One row of a claim's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub event: String,
    #[serde(serialize_with = "ser_date")]
    pub at: NaiveDate,
    pub from: Option<Status>,
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
}

/// A claim with everything attached, judged as of a date.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: i64,
    /// The caller's own id for the claim, given on import.
    pub external_id: Option<String>,
    pub text: String,
    pub status: Status,
    pub kind: ClaimKind,
    pub source: SourceRef,
    pub reported_by: Option<SourceRef>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub said_on: Option<NaiveDate>,
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
    /// Fills the fields that depend on the as-of date: the next open deadline
    /// and whether (and for how long) the claim is overdue.
    pub fn judge(&mut self, as_of: NaiveDate) {
        let open: Vec<&Deadline> = if self.status == Status::Pending {
            self.deadlines
                .iter()
                .filter(|d| d.met_on.is_none())
                .collect()
        } else {
            Vec::new()
        };
        self.next_due = open.iter().map(|d| d.due).min();
        let oldest_missed = open.iter().map(|d| d.due).filter(|due| *due < as_of).min();
        self.overdue = oldest_missed.is_some();
        self.days_overdue = oldest_missed.map(|due| (as_of - due).num_days());
    }

    /// The open deadline to show first: the earliest unmet one.
    pub fn next_deadline(&self) -> Option<&Deadline> {
        let next = self.next_due?;
        self.deadlines
            .iter()
            .find(|d| d.met_on.is_none() && d.due == next)
    }
}

/// A source's track record: its claims as speaker, or as outlet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    pub claims: i64,
    pub pending: i64,
    pub fulfilled: i64,
    pub partial: i64,
    pub failed: i64,
    pub retracted: i64,
    pub unverifiable: i64,
    pub overdue: i64,
}

impl Record {
    /// Counts `n` claims with this status, `overdue` of them overdue.
    pub fn add(&mut self, status: Status, n: i64, overdue: i64) {
        self.claims += n;
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
}

pub fn ser_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::dates::iso(*date))
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
    use crate::dates::from_iso;

    fn claim(status: Status, deadlines: &[(&str, Option<&str>)]) -> Claim {
        Claim {
            id: 1,
            external_id: None,
            text: "t".into(),
            status,
            kind: ClaimKind::Promise,
            source: SourceRef {
                id: 1,
                name: "s".into(),
                kind: SourceKind::Person,
            },
            reported_by: None,
            quote: None,
            lang: None,
            url: None,
            said_on: None,
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
            c.judge(from_iso(as_of).unwrap());
            assert_eq!(c.overdue, *overdue, "{status} {deadlines:?} {as_of}");
            assert_eq!(c.days_overdue, *days, "{status} {deadlines:?} {as_of}");
            assert_eq!(c.next_due, next.map(|n| from_iso(n).unwrap()));
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
