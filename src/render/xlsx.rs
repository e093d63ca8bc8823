//! An export as an Excel workbook: a Claims sheet with the CSV columns (what
//! `claims import` reads back), a Deadlines sheet with a row per deadline
//! and real date cells, a History sheet with a row per event. Every cell is
//! text or a date, never a formula, so nothing in a claim runs when the
//! file is opened.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::domain::dates::{display, iso};
use crate::domain::model::Claim;
use crate::error::{Error, Result};
use crate::interchange::csv::{csv_row, CSV_COLUMNS};
use crate::interchange::record::Record;
use crate::render::wording::event_text;

const DEADLINE_COLUMNS: [&str; 9] = [
    "claim_id",
    "claim_uid",
    "deadline",
    "due",
    "precision",
    "due_as_shown",
    "label",
    "met_on",
    "as_written",
];

const HISTORY_COLUMNS: [&str; 9] = [
    "claim_id",
    "event_id",
    "at",
    "recorded_at",
    "by",
    "event",
    "change",
    "note",
    "evidence",
];

/// The workbook, filled claim by claim and written whole at the end.
pub struct XlsxExport {
    claims: Vec<Vec<String>>,
    deadlines: Vec<(
        Vec<String>,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
    )>,
    history: Vec<(Vec<String>, chrono::NaiveDate)>,
}

impl XlsxExport {
    pub fn new() -> XlsxExport {
        XlsxExport {
            claims: Vec::new(),
            deadlines: Vec::new(),
            history: Vec::new(),
        }
    }

    pub fn claim(&mut self, claim: &Claim) {
        self.claims.push(csv_row(&Record::from_claim(claim)));
        for d in &claim.deadlines {
            self.deadlines.push((
                vec![
                    claim.id.to_string(),
                    claim.uid.to_string(),
                    d.reference.to_string(),
                    iso(d.due),
                    d.precision.to_string(),
                    display(d.due, d.precision),
                    d.label.clone().unwrap_or_default(),
                    d.met_on.map(iso).unwrap_or_default(),
                    d.as_written.clone().unwrap_or_default(),
                ],
                Some(d.due),
                d.met_on,
            ));
        }
        for e in claim.history.as_deref().unwrap_or_default() {
            self.history.push((
                vec![
                    claim.id.to_string(),
                    e.id.to_string(),
                    iso(e.at),
                    e.recorded_at.clone(),
                    e.by.clone().unwrap_or_default(),
                    e.event.to_string(),
                    event_text(e, Some(claim)),
                    e.note.clone().unwrap_or_default(),
                    e.evidence.clone().unwrap_or_default(),
                ],
                e.at,
            ));
        }
    }

    /// The workbook's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.build()
            .map_err(|e| Error::Corrupt(format!("xlsx: {e}")))
    }

    fn build(self) -> std::result::Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let header =
            |sheet: &mut Worksheet, columns: &[&str]| -> std::result::Result<(), XlsxError> {
                for (i, name) in columns.iter().enumerate() {
                    sheet.write_string_with_format(0, i as u16, *name, &bold)?;
                }
                sheet.set_freeze_panes(1, 0)?;
                Ok(())
            };
        let claims = workbook.add_worksheet().set_name("Claims")?;
        header(claims, &CSV_COLUMNS)?;
        for (r, row) in self.claims.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                // Strings, never formulas: a cell starting with `=` stays text.
                claims.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
        let sheet = workbook.add_worksheet().set_name("Deadlines")?;
        header(sheet, &DEADLINE_COLUMNS)?;
        for (r, (row, due, met)) in self.deadlines.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let day = match c {
                    3 => *due,
                    7 => *met,
                    _ => None,
                };
                match day.and_then(excel_date) {
                    Some(day) => sheet.write_datetime_with_format(r, c as u16, &day, &date)?,
                    None => sheet.write_string(r, c as u16, cell)?,
                };
            }
        }
        let sheet = workbook.add_worksheet().set_name("History")?;
        header(sheet, &HISTORY_COLUMNS)?;
        for (r, (row, at)) in self.history.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match (c, excel_date(*at)) {
                    (2, Some(day)) => sheet.write_datetime_with_format(r, c as u16, &day, &date)?,
                    _ => sheet.write_string(r, c as u16, cell)?,
                };
            }
        }
        workbook.save_to_buffer()
    }
}

impl Default for XlsxExport {
    fn default() -> Self {
        XlsxExport::new()
    }
}

/// A day as Excel stores it; `None` outside Excel's years (1900-9999).
fn excel_date(day: chrono::NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).ok()?,
        day.month() as u8,
        day.day() as u8,
    )
    .ok()
}
