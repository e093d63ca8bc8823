//! The CSV form of interchange records: columns, cells with several values,
//! and the neutralising of cells a spreadsheet would run as formulas.

use chrono::NaiveDate;

use crate::domain::dates::{self, from_iso, iso};
use crate::domain::model::Precision;
use crate::domain::validate::optional_text;
use crate::interchange::problem::{problem, Problem};
use crate::interchange::record::{Record, RecordDeadline, RecordSource};

/// A due date in the form that names its period: `2026-09-30`, `2026-09`,
/// and otherwise as [`dates::display`] shows it (`2026-Q3`, `late 2026`). The CSV `deadlines` column uses it.
pub fn period_form(due: NaiveDate, precision: Precision) -> String {
    match precision {
        Precision::Day => iso(due),
        Precision::Month => due.format("%Y-%m").to_string(),
        _ => dates::display(due, precision),
    }
}

/// The CSV columns, in order. `id` is written for reference and ignored on import.
pub const CSV_COLUMNS: [&str; 17] = [
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
    "speakers",
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
            // DUE|LABEL|MET_ON|AS_WRITTEN, trailing empty parts left out;
            // the phrase only when it says more than the date.
            let written = d.as_written.as_deref().filter(|w| *w != due);
            let mut parts = vec![
                escape_cell_part(&due),
                escape_cell_part(d.label.as_deref().unwrap_or_default()),
                escape_cell_part(d.met_on.as_deref().unwrap_or_default()),
                escape_cell_part(written.unwrap_or_default()),
            ];
            while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
                parts.pop();
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
        record
            .speakers
            .iter()
            .map(|s| escape_cell_part(&s.name))
            .collect::<Vec<_>>()
            .join("; "),
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
                    if fields.len() > 4 {
                        return Err(problem(
                            "deadlines",
                            cell,
                            "each deadline is DUE|LABEL|MET_ON|AS_WRITTEN at most",
                        ));
                    }
                    record.deadlines.push(RecordDeadline {
                        due: field(0).unwrap_or_default(),
                        label: field(1),
                        met_on: field(2),
                        as_written: field(3),
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
            "speakers" => {
                record.speakers = split_cell(cell, ';')
                    .iter()
                    .map(|name| RecordSource {
                        name: unescape(name),
                        ..RecordSource::default()
                    })
                    .collect()
            }
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
    use crate::interchange::record::{RecordDeadline, RecordSource};

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
}
