//! Writing an export as it is read, page by page: JSON, JSON Lines, CSV,
//! iCalendar and ClaimReview, each with its header and footer.

use std::io::Write;

use crate::app::settings::Publisher;
use crate::domain::model::Claim;
use crate::error::{Error, Result};
use crate::interchange::csv::{csv_row, neutralise_cell, CSV_COLUMNS};
use crate::interchange::record::Record;
use crate::render::csv::csv_error;
use crate::render::xlsx::XlsxExport;
use crate::render::{calendar, claimreview, Format};

/// Writes one format incrementally.
pub struct ExportWriter<'a> {
    format: Format,
    out: &'a mut dyn Write,
    first: bool,
    /// The CSV cell separator.
    delimiter: u8,
    /// Who publishes ClaimReviews.
    publisher: Option<Publisher>,
    /// The workbook, written whole at the end.
    xlsx: Option<XlsxExport>,
}

impl<'a> ExportWriter<'a> {
    pub fn new(
        format: Format,
        delimiter: u8,
        publisher: Option<Publisher>,
        out: &'a mut dyn Write,
    ) -> Result<Self> {
        let mut writer = ExportWriter {
            format,
            out,
            first: true,
            delimiter,
            publisher,
            xlsx: (format == Format::Xlsx).then(XlsxExport::new),
        };
        match format {
            Format::Json | Format::Claimreview => writer.write(b"[")?,
            Format::Csv => writer.csv_row(&CSV_COLUMNS)?,
            Format::Ics => writer.write(calendar::header().as_bytes())?,
            _ => {}
        }
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(Error::Output)
    }

    fn csv_row<T: AsRef<[u8]>>(&mut self, cells: &[T]) -> Result<()> {
        let mut csv = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(Vec::new());
        csv.write_record(cells).map_err(csv_error)?;
        let bytes = csv
            .into_inner()
            .map_err(|e| Error::Output(e.into_error()))?;
        self.write(&bytes)
    }

    pub fn record(&mut self, record: &Record) -> Result<()> {
        match self.format {
            Format::Json | Format::Jsonl => {
                let text = if self.format == Format::Json {
                    serde_json::to_string_pretty(&record)
                } else {
                    serde_json::to_string(&record)
                }
                .expect("plain data serializes");
                let separator: &[u8] = match (self.format, self.first) {
                    (Format::Json, true) => b"\n",
                    (Format::Json, false) => b",\n",
                    _ => b"",
                };
                self.first = false;
                self.write(separator)?;
                self.write(text.as_bytes())?;
                if self.format == Format::Jsonl {
                    self.write(b"\n")?;
                }
            }
            Format::Csv => {
                let row: Vec<String> = csv_row(record)
                    .iter()
                    .map(|cell| neutralise_cell(cell))
                    .collect();
                self.csv_row(&row)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn claim(&mut self, claim: &Claim) -> Result<()> {
        match self.format {
            Format::Ics => {
                self.write(calendar::events(claim, calendar::Scope::Everything).as_bytes())?
            }
            Format::Xlsx => {
                if let Some(workbook) = self.xlsx.as_mut() {
                    workbook.claim(claim);
                }
            }
            Format::Claimreview => {
                let publisher = self.publisher.as_ref().ok_or_else(|| {
                    Error::Corrupt("a ClaimReview export without a publisher".into())
                })?;
                if let Some(review) = claimreview::review(claim, publisher) {
                    let text =
                        serde_json::to_string_pretty(&review).expect("plain data serializes");
                    let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
                    self.first = false;
                    self.write(separator)?;
                    self.write(text.as_bytes())?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Json | Format::Claimreview if self.first => self.write(b"]\n")?,
            Format::Json | Format::Claimreview => self.write(b"\n]\n")?,
            Format::Ics => self.write(calendar::footer().as_bytes())?,
            Format::Xlsx => {
                if let Some(workbook) = self.xlsx.take() {
                    let bytes = workbook.finish()?;
                    self.write(&bytes)?;
                }
            }
            _ => {}
        }
        self.out.flush().map_err(Error::Output)
    }
}
