//! Claims as CSV, in the import columns.

use crate::app::{Report, SourceSummary};
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

/// The sources as CSV: a row per source with its record as speaker and the
/// claims it reported; with `by_role`, a row per source and role (`as`:
/// speaker or outlet), as `sources --record` shows them.
pub fn sources_csv(sources: &[SourceSummary], by_role: bool) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "id",
        "name",
        "kind",
        "role",
        "affiliation",
        "url",
        "reliability",
    ];
    if by_role {
        header.push("as");
    }
    header.extend([
        "claims",
        "pending",
        "fulfilled",
        "partial",
        "failed",
        "retracted",
        "unverifiable",
        "overdue",
        "resolved",
        "deadlines_due",
        "deadlines_met_on_time",
        "on_time_share",
        "median_days_late",
    ]);
    if !by_role {
        header.push("reported");
    }
    writer.write_record(&header).map_err(csv_error)?;
    for s in sources {
        let roles = if by_role {
            s.roles()
        } else {
            vec![("speaker", &s.record)]
        };
        for (role, r) in roles {
            let source = &s.source;
            let mut row = vec![
                source.id.to_string(),
                source.name.clone(),
                source.kind.to_string(),
                source.role.clone().unwrap_or_default(),
                source.affiliation.clone().unwrap_or_default(),
                source.url.clone().unwrap_or_default(),
                source
                    .reliability
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            ];
            if by_role {
                row.push(role.to_string());
            }
            let optional = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            row.extend([
                r.claims.to_string(),
                r.pending.to_string(),
                r.fulfilled.to_string(),
                r.partial.to_string(),
                r.failed.to_string(),
                r.retracted.to_string(),
                r.unverifiable.to_string(),
                r.overdue.to_string(),
                r.resolved.to_string(),
                r.deadlines_due.to_string(),
                r.deadlines_met_on_time.to_string(),
                optional(r.on_time_share),
                optional(r.median_days_late),
            ]);
            if !by_role {
                row.push(s.reported.claims.to_string());
            }
            let row: Vec<String> = row.iter().map(|c| neutralise_cell(c)).collect();
            writer.write_record(&row).map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Output(e.into_error()))?;
    String::from_utf8(bytes).map_err(|e| Error::Corrupt(format!("csv: {e}")))
}
