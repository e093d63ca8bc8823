//! Reading interchange records from bytes: JSON arrays, JSON Lines and CSV,
//! each record with where it was (file and line) or what was wrong with it.

use crate::error::{Error, Result};
use crate::interchange::csv::{check_csv_header, csv_record, restore_cell, CSV_COLUMNS};
use crate::interchange::record::Record;

/// The formats `claims import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Json,
    Jsonl,
    Xlsx,
}

impl InputFormat {
    pub const ALL: &'static [InputFormat] = &[
        InputFormat::Csv,
        InputFormat::Json,
        InputFormat::Jsonl,
        InputFormat::Xlsx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::Json => "json",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Xlsx => "xlsx",
        }
    }
}

/// A byte order mark, which spreadsheets write before UTF-8 CSV.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A record read from a file, or what was wrong with it, and where it was.
pub struct ReadRecord {
    pub location: String,
    pub record: std::result::Result<Record, String>,
}

/// Reads the records of one input named `name` (a file name, or
/// `<stdin>`): in `format`, else the one its extension or first byte says.
/// A CSV's cells are separated by `delimiter`, else by the one of comma,
/// semicolon and tab that splits its header into the most known columns.
pub fn read_records(
    name: &str,
    extension: Option<&str>,
    format: Option<InputFormat>,
    delimiter: Option<u8>,
    bytes: &[u8],
    out: &mut Vec<ReadRecord>,
) -> Result<()> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let format = match format {
        Some(format) => format,
        None => detect_format(name, extension, bytes)?,
    };
    match format {
        InputFormat::Json => read_json(name, bytes, out),
        InputFormat::Jsonl => {
            read_jsonl(name, bytes, out);
            Ok(())
        }
        InputFormat::Xlsx => read_xlsx(name, bytes, out),
        InputFormat::Csv => {
            let delimiter = delimiter.unwrap_or_else(|| csv_delimiter(bytes));
            read_csv(name, bytes, delimiter, out)
        }
    }
}

/// The Claims sheet of a workbook (as `claims export --format xlsx` writes
/// it, or a spreadsheet with the CSV columns): its header row names the
/// columns, every other row is a claim. A sheet with a formula is refused:
/// an import takes what a cell says, never what it would compute.
fn read_xlsx(name: &str, bytes: &[u8], out: &mut Vec<ReadRecord>) -> Result<()> {
    use calamine::{Data, DataType, Reader};
    let refuse = |reason: String| Error::Input(format!("{name}: {reason}; nothing was imported"));
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| refuse(format!("not an xlsx workbook: {e}")))?;
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case("claims"))
        .or_else(|| workbook.sheet_names().first().cloned())
        .ok_or_else(|| refuse("the workbook has no sheet".into()))?;
    let formulas = workbook
        .worksheet_formula(&sheet)
        .map_err(|e| refuse(format!("sheet `{sheet}`: {e}")))?;
    if let Some((row, column, formula)) = formulas
        .cells()
        .find(|(_, _, f)| !f.is_empty())
        .map(|(r, c, f)| (r, c, f.clone()))
    {
        let (start_row, start_column) = formulas.start().unwrap_or((0, 0));
        return Err(refuse(format!(
            "sheet `{sheet}`, cell {}: a formula (={formula}); claims takes values, not formulas: \
             paste the sheet as values first",
            cell_name(start_row as usize + row, start_column as usize + column)
        )));
    }
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| refuse(format!("sheet `{sheet}`: {e}")))?;
    let text = |cell: &Data| -> std::result::Result<String, String> {
        Ok(match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_date() {
                Some(day) => crate::domain::dates::iso(day),
                None => return Err(format!("a date cell that is not a day: {cell}")),
            },
            Data::DurationIso(d) => d.clone(),
            Data::Error(e) => return Err(format!("an error cell ({e})")),
        })
    };
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(cells) => cells
            .iter()
            .map(|c| text(c).map(|t| t.trim().to_string()))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| refuse(format!("sheet `{sheet}`, row 1: {e}")))?,
        None => return Err(refuse(format!("sheet `{sheet}` is empty"))),
    };
    let header: Vec<String> = header
        .into_iter()
        .rev()
        .skip_while(String::is_empty)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    check_csv_header(&header).map_err(|p| refuse(format!("sheet `{sheet}`, row 1: {p}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    for (i, cells) in rows.enumerate() {
        let location = format!("{name}: sheet `{sheet}`, row {}", first_row + i + 2);
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cells: std::result::Result<Vec<String>, String> = cells
            .iter()
            .take(header.len())
            .map(|c| text(c).map(|t| restore_cell(&t)))
            .collect();
        let record = cells.and_then(|mut cells| {
            cells.resize(header.len(), String::new());
            if let Some((cell, column)) = cells.iter().zip(&header).find(|(c, _)| lost_letters(c)) {
                return Err(format!(
                    "column `{column}` is `{cell}`: its letters were replaced by `?`"
                ));
            }
            csv_record(&header, &cells).map_err(|p| p.to_string())
        });
        out.push(ReadRecord { location, record });
    }
    Ok(())
}

/// `A1`-style name of a 0-based cell.
fn cell_name(row: usize, column: usize) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        letters.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Whether a cell has a word made only of `?` (`????`, `(??? ????)`): what
/// a spreadsheet writes for letters the encoding it saves in does not have.
fn lost_letters(cell: &str) -> bool {
    cell.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '?');
        word.chars().count() >= 2 && word.chars().all(|c| c == '?')
    })
}

/// The separator of a CSV whose first line is our header: the one of `,`,
/// `;` and tab that splits it into the most known column names (Excel saves
/// `;` where the decimal mark is a comma: most of Europe and the Arab world).
fn csv_delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let known = |delimiter: u8| {
        first_line
            .split(|b| *b == delimiter)
            .filter(|cell| {
                let cell = String::from_utf8_lossy(cell);
                let cell = cell.trim().trim_matches('"');
                CSV_COLUMNS.contains(&cell)
            })
            .count()
    };
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (known(*d), *d == b','))
        .unwrap_or(b',')
}

fn detect_format(name: &str, extension: Option<&str>, bytes: &[u8]) -> Result<InputFormat> {
    let extension = extension.map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => return Ok(InputFormat::Csv),
        Some("json") => return Ok(InputFormat::Json),
        Some("jsonl" | "ndjson") => return Ok(InputFormat::Jsonl),
        Some("xlsx") => return Ok(InputFormat::Xlsx),
        _ => {}
    }
    // A zip archive: an xlsx workbook.
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(InputFormat::Xlsx);
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Ok(InputFormat::Json),
        Some(b'{') => Ok(InputFormat::Jsonl),
        Some(_) => Ok(InputFormat::Csv),
        None => Err(Error::Input(format!(
            "{name}: empty input; say the format with --from csv|json|jsonl"
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

fn read_csv(name: &str, bytes: &[u8], delimiter: u8, out: &mut Vec<ReadRecord>) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let header: Vec<String> = {
        let raw = reader
            .byte_headers()
            .map_err(|e| Error::Input(format!("{name}: line 1: {e}; nothing was imported")))?;
        raw.iter()
            .map(|cell| utf8(name, cell, 1).map(|s| s.trim().to_string()))
            .collect::<Result<_>>()?
    };
    check_csv_header(&header)
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
                std::str::from_utf8(cell).map(restore_cell).map_err(|e| {
                    format!(
                        "invalid UTF-8 in column `{column}` at byte {}",
                        e.valid_up_to() + 1
                    )
                })
            })
            .collect();
        let cells = cells.and_then(|cells| {
            match cells
                .iter()
                .zip(&header)
                .find(|(cell, _)| lost_letters(cell))
            {
                Some((cell, column)) => Err(format!(
                    "column `{column}` is `{cell}`: its letters were replaced by `?` when the \
                     file was saved in an encoding without them (Arabic saved as Windows-1252 \
                     or Latin-1); save it again as \"CSV UTF-8\", or as xlsx"
                )),
                None => Ok(cells),
            }
        });
        let record = cells.and_then(|cells| csv_record(&header, &cells).map_err(|p| p.to_string()));
        out.push(ReadRecord { location, record });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn words_of_question_marks_are_lost_letters() {
        assert!(lost_letters("????"));
        assert!(lost_letters("Iraqi news agency (??? ????)"));
        assert!(lost_letters("\"?????\""));
        assert!(!lost_letters("Will they leave?"));
        assert!(!lost_letters("what?? really"));
        assert!(!lost_letters("?"));
        assert!(!lost_letters("مصدر أمني"));
    }

    #[test]
    fn the_separator_is_read_from_the_header() {
        assert_eq!(csv_delimiter(b"id,text,source\n1,a,b"), b',');
        assert_eq!(csv_delimiter(b"id;text;source\n1;a,b;c"), b';');
        assert_eq!(csv_delimiter(b"\"id\";\"text\";\"source\"\n"), b';');
        assert_eq!(csv_delimiter(b"id\ttext\tsource\n"), b'\t');
        assert_eq!(csv_delimiter(b"nothing known"), b',');
    }
}
