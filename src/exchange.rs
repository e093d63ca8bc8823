//! The interchange record: one claim with its sources, deadlines and history,
//! as `claims export` writes it and `claims import` reads it (JSON, JSON
//! Lines, CSV), and its validation into what the store inserts.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::commands::{optional_text, url};
use crate::dates::{self, from_iso, iso};
use crate::db::{ImportClaim, ImportHistory, NewClaim, NewDeadline, NewSource};
use crate::model::{
    Claim, ClaimKind, Credibility, HistoryEntry, Precision, Reliability, Source, SourceKind, Status,
};

/// One claim in the interchange formats. Export writes every field; import
/// needs only `text` and `source.name`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The id in the database it came from; ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default)]
    pub external_id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    pub source: RecordSource,
    #[serde(default)]
    pub reported_by: Option<RecordSource>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub said_on: Option<String>,
    /// Admiralty credibility, 1..6; absent when not graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credibility: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub deadlines: Vec<RecordDeadline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<RecordHistory>>,
    // Derived fields of `list --format json`, accepted so that its output
    // imports too, and ignored.
    #[serde(default, skip_serializing)]
    pub next_due: Option<String>,
    #[serde(default, skip_serializing)]
    pub overdue: Option<bool>,
    #[serde(default, skip_serializing)]
    pub days_overdue: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Admiralty reliability, A..F; absent when not graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordDeadline {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing)]
    pub claim_id: Option<i64>,
    pub due: String,
    #[serde(default)]
    pub precision: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub met_on: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordHistory {
    pub event: String,
    pub at: String,
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_due: Option<String>,
}

impl Record {
    /// The export form of a stored claim, with its sources in full.
    pub fn from_claim(
        claim: &Claim,
        sources: &HashMap<i64, Source>,
        external_id: Option<String>,
    ) -> Record {
        let source = |id: i64, name: &str, kind: SourceKind| match sources.get(&id) {
            Some(s) => RecordSource {
                id: Some(s.id),
                name: s.name.clone(),
                kind: Some(s.kind.to_string()),
                role: s.role.clone(),
                affiliation: s.affiliation.clone(),
                url: s.url.clone(),
                notes: s.notes.clone(),
                reliability: s.reliability.map(|r| r.as_str().to_string()),
            },
            None => RecordSource {
                id: Some(id),
                name: name.to_string(),
                kind: Some(kind.to_string()),
                ..RecordSource::default()
            },
        };
        Record {
            id: Some(claim.id),
            external_id,
            text: claim.text.clone(),
            status: Some(claim.status.to_string()),
            kind: Some(claim.kind.to_string()),
            source: source(claim.source.id, &claim.source.name, claim.source.kind),
            reported_by: claim
                .reported_by
                .as_ref()
                .map(|r| source(r.id, &r.name, r.kind)),
            quote: claim.quote.clone(),
            lang: claim.lang.clone(),
            url: claim.url.clone(),
            said_on: claim.said_on.map(iso),
            credibility: claim.credibility.map(|c| i64::from(c.get())),
            tags: claim.tags.clone(),
            deadlines: claim
                .deadlines
                .iter()
                .map(|d| RecordDeadline {
                    id: Some(d.id),
                    claim_id: None,
                    due: iso(d.due),
                    precision: Some(d.precision.to_string()),
                    label: d.label.clone(),
                    met_on: d.met_on.map(iso),
                })
                .collect(),
            history: claim
                .history
                .as_ref()
                .map(|h| h.iter().map(RecordHistory::from_entry).collect()),
            ..Record::default()
        }
    }
}

impl RecordHistory {
    fn from_entry(entry: &HistoryEntry) -> RecordHistory {
        RecordHistory {
            event: entry.event.clone(),
            at: iso(entry.at),
            from: entry.from.map(|s| s.to_string()),
            to: entry.to.to_string(),
            note: entry.note.clone(),
            evidence: entry.evidence.clone(),
            deadline_id: entry.deadline_id,
            old_due: entry.old_due.map(iso),
            new_due: entry.new_due.map(iso),
        }
    }
}

/// A problem with one field of one record: `field` and `value` name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() && self.field.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(
                f,
                "invalid {} `{}`: {}",
                self.field, self.value, self.reason
            )
        }
    }
}

fn problem(field: &str, value: &str, reason: impl Into<String>) -> Problem {
    Problem {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Checks every field of a record and turns it into what the store inserts.
/// Relative dates count from `as_of`. Returns every problem found, not only
/// the first.
pub fn validate(record: &Record, as_of: NaiveDate) -> Result<ImportClaim, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut check = |result: Result<(), Problem>| {
        if let Err(p) = result {
            problems.push(p);
        }
    };
    if record.text.trim().is_empty() {
        check(Err(problem("text", &record.text, "must not be empty")));
    }
    let speaker = source(&record.source, "source")
        .map_err(|p| check(Err(p)))
        .ok();
    let reported_by = match &record.reported_by {
        Some(r) => source(r, "reported_by").map_err(|p| check(Err(p))).ok(),
        None => None,
    };
    let status = match &record.status {
        Some(s) if !s.trim().is_empty() => Status::parse(s)
            .map_err(|_| {
                check(Err(problem(
                    "status",
                    s,
                    format!("expected one of: {}", words(Status::ALL)),
                )))
            })
            .ok(),
        _ => Some(Status::Pending),
    };
    let kind = match &record.kind {
        Some(k) if !k.trim().is_empty() => ClaimKind::parse(k)
            .map_err(|_| {
                check(Err(problem(
                    "kind",
                    k,
                    format!("expected one of: {}", words(ClaimKind::ALL)),
                )))
            })
            .ok(),
        _ if record.deadlines.is_empty() => Some(ClaimKind::Report),
        _ => Some(ClaimKind::Promise),
    };
    let url_value = optional_text(record.url.as_deref());
    if let Some(u) = &url_value {
        check(url("url", u).map(|_| ()).map_err(|_| {
            problem(
                "url",
                u,
                "must be an http:// or https:// address with a host",
            )
        }));
    }
    let lang = optional_text(record.lang.as_deref());
    if let Some(l) = &lang {
        check(
            crate::commands::lang(l)
                .map(|_| ())
                .map_err(|_| problem("lang", l, "expected a language tag such as ar, en or ar-IQ")),
        );
    }
    let said_on = match optional_text(record.said_on.as_deref()) {
        Some(d) => dates::parse_day(&d, as_of)
            .map_err(|reason| check(Err(problem("said_on", &d, reason))))
            .ok(),
        None => None,
    };
    let mut tags: Vec<String> = Vec::new();
    for tag in &record.tags {
        let t = tag.trim();
        if t.is_empty() {
            check(Err(problem("tags", tag, "a tag must not be empty")));
        } else if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    let mut deadlines = Vec::new();
    for d in &record.deadlines {
        match deadline(d, as_of) {
            Ok(d) => deadlines.push(d),
            Err(p) => check(Err(p)),
        }
    }
    let mut history = Vec::new();
    for h in record.history.iter().flatten() {
        match history_entry(h, &record.deadlines) {
            Ok(h) => history.push(h),
            Err(p) => check(Err(p)),
        }
    }
    if let (Some(last), Some(status)) = (history.last(), status) {
        if last.to != status {
            check(Err(problem(
                "history",
                last.to.as_str(),
                format!("the last change must lead to the claim's status `{status}`"),
            )));
        }
    }
    let credibility = match record.credibility {
        Some(n) => Credibility::parse("credibility", &n.to_string())
            .map_err(|_| {
                check(Err(problem(
                    "credibility",
                    &n.to_string(),
                    "expected 1 to 6",
                )))
            })
            .ok(),
        None => None,
    };
    let external_id = optional_text(record.external_id.as_deref());
    match (problems.is_empty(), speaker, status, kind) {
        (true, Some(speaker), Some(status), Some(kind)) => Ok(ImportClaim {
            external_id,
            speaker,
            reported_by,
            status,
            claim: NewClaim {
                text: record.text.clone(),
                speaker_id: 0,
                reported_by_id: None,
                quote: optional_text(record.quote.as_deref()),
                lang,
                url: url_value,
                said_on,
                kind,
                credibility,
                tags,
                deadlines,
            },
            history,
        }),
        _ => Err(problems),
    }
}

fn words<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn source(s: &RecordSource, field: &str) -> Result<NewSource, Problem> {
    if s.name.trim().is_empty() {
        return Err(problem(
            &format!("{field}.name"),
            &s.name,
            "must not be empty",
        ));
    }
    let kind = match &s.kind {
        Some(k) if !k.trim().is_empty() => SourceKind::parse(k).map_err(|_| {
            problem(
                &format!("{field}.kind"),
                k,
                format!("expected one of: {}", words(SourceKind::ALL)),
            )
        })?,
        _ => SourceKind::Other,
    };
    let url_value = optional_text(s.url.as_deref());
    if let Some(u) = &url_value {
        url(&format!("{field}.url"), u).map_err(|_| {
            problem(
                &format!("{field}.url"),
                u,
                "must be an http:// or https:// address with a host",
            )
        })?;
    }
    let reliability = optional_text(s.reliability.as_deref())
        .map(|r| {
            Reliability::parse("reliability", &r)
                .map_err(|_| problem(&format!("{field}.reliability"), &r, "expected A to F"))
        })
        .transpose()?;
    Ok(NewSource {
        name: s.name.clone(),
        kind,
        role: optional_text(s.role.as_deref()),
        affiliation: optional_text(s.affiliation.as_deref()),
        url: url_value,
        notes: optional_text(s.notes.as_deref()),
        reliability,
    })
}

/// A deadline with an explicit precision must give the last day of its
/// period in ISO form; without one, `due` is any date form `claims` reads.
fn deadline(d: &RecordDeadline, as_of: NaiveDate) -> Result<NewDeadline, Problem> {
    let (due, precision) = match optional_text(d.precision.as_deref()) {
        Some(p) => {
            let precision = Precision::parse(&p).map_err(|_| {
                problem(
                    "deadlines.precision",
                    &p,
                    "expected one of: day, month, quarter, year",
                )
            })?;
            let due = from_iso(&d.due).ok_or_else(|| {
                problem(
                    "deadlines.due",
                    &d.due,
                    "expected YYYY-MM-DD with a precision",
                )
            })?;
            let period = dates::parse(&period_form(due, precision), as_of)
                .map_err(|reason| problem("deadlines.due", &d.due, reason))?;
            if period.end != due {
                return Err(problem(
                    "deadlines.due",
                    &d.due,
                    format!(
                        "a {precision} deadline is due on the last day of its period ({})",
                        iso(period.end)
                    ),
                ));
            }
            (due, precision)
        }
        None => {
            let period = dates::parse(&d.due, as_of)
                .map_err(|reason| problem("deadlines.due", &d.due, reason))?;
            (period.end, period.precision)
        }
    };
    let met_on = match optional_text(d.met_on.as_deref()) {
        Some(m) => Some(
            dates::parse_day(&m, as_of)
                .map_err(|reason| problem("deadlines.met_on", &m, reason))?,
        ),
        None => None,
    };
    Ok(NewDeadline {
        due,
        precision,
        label: optional_text(d.label.as_deref()),
        met_on,
    })
}

fn history_entry(
    h: &RecordHistory,
    deadlines: &[RecordDeadline],
) -> Result<ImportHistory, Problem> {
    const EVENTS: [&str; 5] = [
        "created",
        "status",
        "reopened",
        "deadline_met",
        "deadline_moved",
    ];
    if !EVENTS.contains(&h.event.as_str()) {
        return Err(problem(
            "history.event",
            &h.event,
            format!("expected one of: {}", EVENTS.join(", ")),
        ));
    }
    let day = |field: &str, value: &str| {
        from_iso(value).ok_or_else(|| problem(field, value, "expected YYYY-MM-DD"))
    };
    let status = |field: &str, value: &str| {
        Status::parse(value).map_err(|_| {
            problem(
                field,
                value,
                format!("expected one of: {}", words(Status::ALL)),
            )
        })
    };
    let deadline_index = match h.deadline_id {
        Some(id) => Some(
            deadlines
                .iter()
                .position(|d| d.id == Some(id))
                .ok_or_else(|| {
                    problem(
                        "history.deadline_id",
                        &id.to_string(),
                        "names no deadline of this claim",
                    )
                })?,
        ),
        None => None,
    };
    Ok(ImportHistory {
        event: h.event.clone(),
        at: day("history.at", &h.at)?,
        from: h
            .from
            .as_deref()
            .map(|f| status("history.from", f))
            .transpose()?,
        to: status("history.to", &h.to)?,
        note: h.note.clone(),
        evidence: h.evidence.clone(),
        deadline_index,
        old_due: h
            .old_due
            .as_deref()
            .map(|d| day("history.old_due", d))
            .transpose()?,
        new_due: h
            .new_due
            .as_deref()
            .map(|d| day("history.new_due", d))
            .transpose()?,
    })
}

/// A due date in the form that names its period: `2026-09-30`, `2026-09`,
/// `2026-Q3`, `2026`. The CSV `deadlines` column uses it.
pub fn period_form(due: NaiveDate, precision: Precision) -> String {
    match precision {
        Precision::Day => iso(due),
        Precision::Month => due.format("%Y-%m").to_string(),
        Precision::Quarter | Precision::Year => dates::display(due, precision),
    }
}

// ----- CSV -----

/// The CSV columns, in order. `id` is written for reference and ignored on import.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "external_id",
    "text",
    "source",
    "source_kind",
    "reported_by",
    "quote",
    "lang",
    "url",
    "said_on",
    "kind",
    "status",
    "deadlines",
    "tags",
    "credibility",
    "source_reliability",
];

/// A record as a CSV row (cells not yet neutralised).
pub fn csv_row(record: &Record) -> Vec<String> {
    let deadlines = record
        .deadlines
        .iter()
        .map(|d| {
            let due = match (
                from_iso(&d.due),
                d.precision
                    .as_deref()
                    .and_then(|p| Precision::parse(p).ok()),
            ) {
                (Some(due), Some(precision)) => period_form(due, precision),
                _ => d.due.clone(),
            };
            let mut parts = vec![escape_cell_part(&due)];
            if d.label.is_some() || d.met_on.is_some() {
                parts.push(escape_cell_part(d.label.as_deref().unwrap_or_default()));
            }
            if let Some(met) = &d.met_on {
                parts.push(escape_cell_part(met));
            }
            parts.join("|")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let tags = record
        .tags
        .iter()
        .map(|t| escape_cell_part(t))
        .collect::<Vec<_>>()
        .join("; ");
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        record.id.map(|i| i.to_string()).unwrap_or_default(),
        opt(&record.external_id),
        record.text.clone(),
        record.source.name.clone(),
        opt(&record.source.kind),
        record
            .reported_by
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        opt(&record.quote),
        opt(&record.lang),
        opt(&record.url),
        opt(&record.said_on),
        opt(&record.kind),
        opt(&record.status),
        deadlines,
        tags,
        record
            .credibility
            .map(|c| c.to_string())
            .unwrap_or_default(),
        opt(&record.source.reliability),
    ]
}

/// Reads a CSV row (cells already restored) by the header's column names.
pub fn csv_record(header: &[String], cells: &[String]) -> Result<Record, Problem> {
    let mut record = Record::default();
    for (name, cell) in header.iter().zip(cells) {
        let value = || optional_text(Some(cell));
        match name.as_str() {
            "id" => {}
            "external_id" => record.external_id = value(),
            "text" => record.text = cell.clone(),
            "source" => record.source.name = cell.clone(),
            "source_kind" => record.source.kind = value(),
            "reported_by" => {
                record.reported_by = value().map(|name| RecordSource {
                    name,
                    ..RecordSource::default()
                })
            }
            "quote" => record.quote = value(),
            "lang" => record.lang = value(),
            "url" => record.url = value(),
            "said_on" => record.said_on = value(),
            "kind" => record.kind = value(),
            "status" => record.status = value(),
            "deadlines" => {
                for part in split_cell(cell, ';') {
                    let fields = split_cell(&part, '|');
                    let field =
                        |i: usize| fields.get(i).map(|f| unescape(f)).filter(|f| !f.is_empty());
                    if fields.len() > 3 {
                        return Err(problem(
                            "deadlines",
                            cell,
                            "each deadline is DUE|LABEL|MET_ON at most",
                        ));
                    }
                    record.deadlines.push(RecordDeadline {
                        due: field(0).unwrap_or_default(),
                        label: field(1),
                        met_on: field(2),
                        ..RecordDeadline::default()
                    });
                }
            }
            "tags" => record.tags = split_cell(cell, ';').iter().map(|t| unescape(t)).collect(),
            "credibility" => {
                record.credibility = match value() {
                    Some(v) => Some(
                        v.trim()
                            .parse()
                            .map_err(|_| problem("credibility", &v, "expected 1 to 6"))?,
                    ),
                    None => None,
                }
            }
            "source_reliability" => record.source.reliability = value(),
            other => {
                return Err(problem(
                    "column",
                    other,
                    format!("unknown column (known: {})", CSV_COLUMNS.join(", ")),
                ))
            }
        }
    }
    Ok(record)
}

/// Checks the header: known columns, each once, `text` and `source` present.
pub fn check_csv_header(header: &[String]) -> Result<(), Problem> {
    for (i, name) in header.iter().enumerate() {
        if !CSV_COLUMNS.contains(&name.as_str()) {
            return Err(problem(
                "column",
                name,
                format!("unknown column (known: {})", CSV_COLUMNS.join(", ")),
            ));
        }
        if header[..i].contains(name) {
            return Err(problem("column", name, "appears twice"));
        }
    }
    for required in ["text", "source"] {
        if !header.iter().any(|h| h == required) {
            return Err(problem(
                "header",
                &header.join(","),
                format!("the `{required}` column is required"),
            ));
        }
    }
    Ok(())
}

fn escape_cell_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | ';' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits on `sep` where it is not escaped by `\`, trimming each part and
/// dropping empty ones; escapes are kept for `unescape`.
fn split_cell(cell: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
        } else if c == sep {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() || sep == '|')
        .collect()
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a spreadsheet would run the cell as a formula (OWASP CSV injection).
fn dangerous(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Prefixes a cell a spreadsheet would run as a formula with `'`. Cells that
/// already start with quotes before such a character get one more, so that
/// `restore_cell` gives back exactly what was written.
pub fn neutralise_cell(text: &str) -> String {
    if dangerous(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Undoes `neutralise_cell`.
pub fn restore_cell(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if dangerous(rest) => rest.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_round_trip() {
        let cases = [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-7d", "'-7d"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
            ("plain", "plain"),
            ("عين الأسد", "عين الأسد"),
            ("", ""),
        ];
        for (original, written) in cases {
            assert_eq!(neutralise_cell(original), written, "{original:?}");
            assert_eq!(restore_cell(written), original, "{written:?}");
        }
    }

    #[test]
    fn cells_split_on_unescaped_separators() {
        assert_eq!(split_cell("a; b\\;c ;", ';'), vec!["a", "b\\;c"]);
        assert_eq!(unescape("b\\;c\\\\d"), "b;c\\d");
        assert_eq!(
            split_cell("2026-09|phase 2|", '|'),
            vec!["2026-09", "phase 2", ""]
        );
    }

    #[test]
    fn deadlines_cell_round_trips() {
        let record = Record {
            text: "t".into(),
            source: RecordSource {
                name: "s".into(),
                ..RecordSource::default()
            },
            deadlines: vec![
                RecordDeadline {
                    due: "2026-09-30".into(),
                    precision: Some("month".into()),
                    label: Some("phase 2; the | last".into()),
                    ..RecordDeadline::default()
                },
                RecordDeadline {
                    due: "2026-09-30".into(),
                    precision: Some("quarter".into()),
                    met_on: Some("2026-08-01".into()),
                    ..RecordDeadline::default()
                },
            ],
            tags: vec!["a;b".into(), "انسحاب".into()],
            ..Record::default()
        };
        let row = csv_row(&record);
        assert_eq!(
            row[12],
            "2026-09|phase 2\\; the \\| last; 2026-Q3||2026-08-01"
        );
        let header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
        let back = csv_record(&header, &row).unwrap();
        assert_eq!(back.deadlines[0].due, "2026-09");
        assert_eq!(
            back.deadlines[0].label.as_deref(),
            Some("phase 2; the | last")
        );
        assert_eq!(back.deadlines[1].due, "2026-Q3");
        assert_eq!(back.deadlines[1].label, None);
        assert_eq!(back.deadlines[1].met_on.as_deref(), Some("2026-08-01"));
        assert_eq!(back.tags, vec!["a;b", "انسحاب"]);
    }

    #[test]
    fn validation_reports_every_problem() {
        let record = Record {
            text: " ".into(),
            status: Some("done".into()),
            source: RecordSource {
                name: "s".into(),
                kind: Some("blogger".into()),
                ..RecordSource::default()
            },
            said_on: Some("2026-02-30".into()),
            deadlines: vec![RecordDeadline {
                due: "2026-09-15".into(),
                precision: Some("month".into()),
                ..RecordDeadline::default()
            }],
            ..Record::default()
        };
        let as_of = from_iso("2026-11-30").unwrap();
        let problems = validate(&record, as_of).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["text", "source.kind", "status", "said_on", "deadlines.due"]
        );
        assert_eq!(
            problems[4].to_string(),
            "invalid deadlines.due `2026-09-15`: a month deadline is due on the last day of its period (2026-09-30)"
        );
    }
}
