//! `claims import` and `claims export`.
//!
//! Import reads every file completely and validates every record before it
//! writes anything; the write is one transaction. Export streams: it reads
//! claims a page at a time, so memory does not grow with the database.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{resolve_source, tags, Context, Output};
use crate::calendar;
use crate::claimreview;
use crate::cli::{Format, InputFormat};
use crate::db::{ClaimFilter, ImportClaim};
use crate::error::{Error, Result};
use crate::exchange::{self, Record};
use crate::model::Status;

/// Claims read per page when exporting.
const PAGE: i64 = 1000;
const BOM: &[u8] = b"\xEF\xBB\xBF";

pub struct ImportArgs<'a> {
    pub files: &'a [PathBuf],
    pub from: Option<InputFormat>,
    pub dry_run: bool,
    pub max_size: &'a str,
}

/// A record read from a file, or what was wrong with it, and where it was.
struct ReadRecord {
    location: String,
    record: std::result::Result<Record, String>,
}

pub async fn import(ctx: &Context, args: &ImportArgs<'_>) -> Result<Output> {
    let max = parse_size(args.max_size)?;
    let mut read = Vec::new();
    for file in args.files {
        let bytes = read_capped(file, max)?;
        let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes);
        let name = display_name(file);
        let format = match args.from {
            Some(format) => format,
            None => detect_format(file, bytes)?,
        };
        match format {
            InputFormat::Json => read_json(&name, bytes, &mut read)?,
            InputFormat::Jsonl => read_jsonl(&name, bytes, &mut read),
            InputFormat::Csv => read_csv(&name, bytes, &mut read)?,
        }
    }
    let mut problems = Vec::new();
    let mut records: Vec<ImportClaim> = Vec::with_capacity(read.len());
    for ReadRecord { location, record } in read {
        match record {
            Ok(record) => match exchange::validate(&record, ctx.as_of) {
                Ok(valid) => records.push(valid),
                Err(found) => {
                    problems.extend(found.into_iter().map(|p| format!("{location}: {p}")))
                }
            },
            Err(problem) => problems.push(format!("{location}: {problem}")),
        }
    }
    if !problems.is_empty() {
        return Err(import_problems(problems, args.dry_run));
    }
    let bar = progress_bar(records.len());
    let summary = ctx
        .store
        .import(&records, ctx.as_of, args.dry_run, &|done| {
            bar.set_position(done as u64)
        })
        .await?;
    bar.finish_and_clear();
    Ok(Output::Import(summary))
}

fn import_problems(problems: Vec<String>, dry_run: bool) -> Error {
    let count = problems.len();
    if dry_run {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        Error::Input(format!(
            "{count} problem{} found; nothing was imported:\n{}",
            if count == 1 { "" } else { "s" },
            list.join("\n")
        ))
    } else if count == 1 {
        Error::Input(format!("{}; nothing was imported", problems[0]))
    } else {
        Error::Input(format!(
            "{}; nothing was imported ({} more problem{}: run with --dry-run to list them all)",
            problems[0],
            count - 1,
            if count == 2 { "" } else { "s" }
        ))
    }
}

/// A progress bar on stderr, drawn only on a terminal and for long imports.
fn progress_bar(len: usize) -> ProgressBar {
    use std::io::IsTerminal;
    if len < 10_000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {pos}/{len} claims ({eta})")
    {
        bar.set_style(style);
    }
    bar
}

fn display_name(file: &Path) -> String {
    if file == Path::new("-") {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    }
}

/// Reads a file or stdin, refusing more than `max` bytes.
fn read_capped(file: &Path, max: u64) -> Result<Vec<u8>> {
    let name = display_name(file);
    let too_big = || {
        Error::Input(format!(
            "{name}: larger than the import limit of {} bytes (--max-size)",
            max
        ))
    };
    let io = |source| Error::Io {
        action: "cannot read",
        path: file.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let handle = std::fs::File::open(file).map_err(io)?;
        if handle.metadata().map_err(io)?.len() > max {
            return Err(too_big());
        }
        handle.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// `1048576`, `512k`, `64m`, `2g`.
fn parse_size(text: &str) -> Result<u64> {
    let lower = text.trim().to_ascii_lowercase();
    let (digits, factor) = match lower.chars().last() {
        Some('k') => (&lower[..lower.len() - 1], 1u64 << 10),
        Some('m') => (&lower[..lower.len() - 1], 1 << 20),
        Some('g') => (&lower[..lower.len() - 1], 1 << 30),
        _ => (lower.as_str(), 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::invalid(
                "--max-size",
                text,
                "expected a size such as 1048576, 512k, 64m or 2g",
            )
        })
}

fn detect_format(file: &Path, bytes: &[u8]) -> Result<InputFormat> {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => return Ok(InputFormat::Csv),
        Some("json") => return Ok(InputFormat::Json),
        Some("jsonl" | "ndjson") => return Ok(InputFormat::Jsonl),
        _ => {}
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Ok(InputFormat::Json),
        Some(b'{') => Ok(InputFormat::Jsonl),
        Some(_) => Ok(InputFormat::Csv),
        None => Err(Error::Input(format!(
            "{}: empty input; say the format with --from csv|json|jsonl",
            display_name(file)
        ))),
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn utf8<'a>(name: &str, bytes: &'a [u8], line_offset: usize) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = line_of(bytes, at) + line_offset - 1;
        let column = at
            - bytes[..at]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        Error::Input(format!(
            "{name}: line {line}: invalid UTF-8 at byte {column}; nothing was imported"
        ))
    })
}

fn read_json(name: &str, bytes: &[u8], out: &mut Vec<ReadRecord>) -> Result<()> {
    let text = utf8(name, bytes, 1)?;
    let values: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        let reason = if e.to_string().contains("recursion limit") {
            "nested too deeply".to_string()
        } else {
            e.to_string()
        };
        Error::Input(format!(
            "{name}: not a JSON array of claims (as `claims export --format json` writes): {reason}; nothing was imported"
        ))
    })?;
    for (i, value) in values.into_iter().enumerate() {
        out.push(ReadRecord {
            location: format!("{name}: record {}", i + 1),
            record: serde_json::from_value(value).map_err(|e| e.to_string()),
        });
    }
    Ok(())
}

fn read_jsonl(name: &str, bytes: &[u8], out: &mut Vec<ReadRecord>) {
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let location = format!("{name}: line {}", i + 1);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = match std::str::from_utf8(line) {
            Ok(text) => serde_json::from_str(text).map_err(|e| {
                let message = e.to_string();
                if message.contains("recursion limit") {
                    "nested too deeply".to_string()
                } else {
                    // serde_json says "at line 1 column N": the line is ours.
                    message.replace(" at line 1 column", " at column")
                }
            }),
            Err(e) => Err(format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1)),
        };
        out.push(ReadRecord { location, record });
    }
}

fn read_csv(name: &str, bytes: &[u8], out: &mut Vec<ReadRecord>) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = {
        let raw = reader
            .byte_headers()
            .map_err(|e| Error::Input(format!("{name}: line 1: {e}; nothing was imported")))?;
        raw.iter()
            .map(|cell| utf8(name, cell, 1).map(|s| s.trim().to_string()))
            .collect::<Result<_>>()?
    };
    exchange::check_csv_header(&header)
        .map_err(|p| Error::Input(format!("{name}: line 1: {p}; nothing was imported")))?;
    let mut row = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.push(ReadRecord {
                    location: format!("{name}: line {line}"),
                    record: Err(e.to_string()),
                });
                break;
            }
        }
        let line = row.position().map_or(line, |p| p.line());
        let location = format!("{name}: line {line}");
        if row.len() != header.len() {
            out.push(ReadRecord {
                location,
                record: Err(format!(
                    "has {} cells; the header has {}",
                    row.len(),
                    header.len()
                )),
            });
            continue;
        }
        let cells: std::result::Result<Vec<String>, String> = row
            .iter()
            .zip(&header)
            .map(|(cell, column)| {
                std::str::from_utf8(cell)
                    .map(exchange::restore_cell)
                    .map_err(|e| {
                        format!(
                            "invalid UTF-8 in column `{column}` at byte {}",
                            e.valid_up_to() + 1
                        )
                    })
            })
            .collect();
        let record = cells
            .and_then(|cells| exchange::csv_record(&header, &cells).map_err(|p| p.to_string()));
        out.push(ReadRecord { location, record });
    }
    Ok(())
}

pub struct ExportArgs<'a> {
    pub status: Option<&'a str>,
    pub source: Option<&'a str>,
    pub tag: Option<&'a str>,
}

/// Streams every matching claim, in id order, to `out`.
pub async fn export(
    ctx: &Context,
    args: &ExportArgs<'_>,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut filter = ClaimFilter {
        status: args.status.map(Status::parse).transpose()?,
        ..ClaimFilter::default()
    };
    if let Some(tag) = args.tag {
        filter.tag = Some(tags(&[tag.to_string()])?.remove(0));
    }
    if let Some(key) = args.source {
        filter.source_id = Some(resolve_source(&ctx.store, "--source", key).await?.id);
    }
    let mut writer = ExportWriter::new(format, out)?;
    let mut after = 0;
    loop {
        // Records straight from SQL for the record formats; whole claims
        // for the calendar and ClaimReview.
        if matches!(format, Format::Json | Format::Jsonl | Format::Csv) {
            let page = ctx.store.export_page(&filter, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id.unwrap_or(after);
            for record in &page {
                writer.record(record)?;
            }
            continue;
        }
        let page = ctx
            .store
            .claims_page(&filter, after, PAGE, ctx.as_of)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for claim in &page {
            writer.claim(claim)?;
        }
    }
    writer.finish()
}

/// Writes one format incrementally.
struct ExportWriter<'a> {
    format: Format,
    out: &'a mut dyn Write,
    first: bool,
}

impl<'a> ExportWriter<'a> {
    fn new(format: Format, out: &'a mut dyn Write) -> Result<Self> {
        let mut writer = ExportWriter {
            format,
            out,
            first: true,
        };
        match format {
            Format::Json | Format::Claimreview => writer.write(b"[")?,
            Format::Csv => writer.csv_row(&exchange::CSV_COLUMNS)?,
            Format::Ics => writer.write(calendar::header().as_bytes())?,
            _ => {}
        }
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(Error::Output)
    }

    fn csv_row<T: AsRef<[u8]>>(&mut self, cells: &[T]) -> Result<()> {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(cells).map_err(csv_error)?;
        let bytes = csv
            .into_inner()
            .map_err(|e| Error::Output(e.into_error()))?;
        self.write(&bytes)
    }

    fn record(&mut self, record: &Record) -> Result<()> {
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
                let row: Vec<String> = exchange::csv_row(record)
                    .iter()
                    .map(|cell| exchange::neutralise_cell(cell))
                    .collect();
                self.csv_row(&row)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn claim(&mut self, claim: &crate::model::Claim) -> Result<()> {
        match self.format {
            Format::Ics => self.write(calendar::events(claim, None).as_bytes())?,
            Format::Claimreview => {
                if let Some(review) = claimreview::review(claim) {
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

    fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Json | Format::Claimreview if self.first => self.write(b"]\n")?,
            Format::Json | Format::Claimreview => self.write(b"\n]\n")?,
            Format::Ics => self.write(calendar::footer().as_bytes())?,
            _ => {}
        }
        self.out.flush().map_err(Error::Output)
    }
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Output(io),
        other => Error::Corrupt(format!("csv: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576").unwrap(), 1 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("2g").unwrap(), 2 << 30);
        for bad in ["", "0", "lots", "-1k", "99999999999999999999g"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let err = utf8("f.json", b"[\n{\"a\":\n\"b\xff\"}]", 1)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "f.json: line 3: invalid UTF-8 at byte 3; nothing was imported"
        );
    }
}
