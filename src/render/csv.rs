//! Claims as CSV, in the import columns.

use crate::app::Report;
use crate::domain::model::Claim;
use crate::error::{Error, Result};
use crate::interchange::csv::{csv_row, neutralise_cell, CSV_COLUMNS};
use crate::interchange::record::Record;

/// Claims as CSV in the import columns, each row preceded by `section` when given.
pub fn claims_csv(claims: &[Claim], section: Option<&str>) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = section.map(|_| "section").into_iter().collect();
    header.extend(CSV_COLUMNS);
    writer.write_record(&header).map_err(csv_error)?;
    for claim in claims {
        let record = Record::from_claim(claim);
        let mut row: Vec<String> = section.map(str::to_string).into_iter().collect();
        row.extend(csv_row(&record).iter().map(|c| neutralise_cell(c)));
        writer.write_record(&row).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Output(e.into_error()))?;
    // Every cell was a `String`, so the bytes are UTF-8.
    String::from_utf8(bytes).map_err(|e| Error::Corrupt(format!("csv: {e}")))
}

/// A CSV writer's error: I/O as output errors, anything else as a bug.
pub fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Output(io),
        other => Error::Corrupt(format!("csv: {other:?}")),
    }
}

/// The report's claims as one CSV: a `section` column (overdue, upcoming,
/// no_deadline) before the import columns.
pub fn report_csv(report: &Report) -> Result<String> {
    let mut out = claims_csv(&[], Some("section"))?;
    for (section, claims) in [
        ("overdue", &report.overdue),
        ("upcoming", &report.upcoming),
        ("no_deadline", &report.no_deadline),
    ] {
        if !claims.is_empty() {
            let text = claims_csv(claims, Some(section))?;
            out.push_str(text.split_once('\n').map_or("", |(_, rows)| rows));
        }
    }
    Ok(out)
}
