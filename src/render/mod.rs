//! Rendering: what commands return, as text in the format asked for. One
//! file per format; `wording` holds what they all say the same way.

pub mod calendar;
pub mod claimreview;
pub(crate) mod csv;
pub mod export;
pub mod html;
mod json;
mod markdown;
mod table;
pub mod xlsx;

pub(crate) use table::truncate;
mod text;
pub mod wording;

use chrono::NaiveDate;

use crate::app::Output;
use crate::error::Result;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Markdown,
    Ics,
    Claimreview,
    Html,
    Xlsx,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Markdown,
        Format::Ics,
        Format::Claimreview,
        Format::Html,
        Format::Xlsx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Ics => "ics",
            Format::Claimreview => "claimreview",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Whether to colour table output; the front end decides (terminal, flags,
/// `NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// The terminal columns tables must fit in, cutting cells with `…`;
    /// `None` prints every cell whole (a pipe, a file, `--wide`).
    pub width: Option<usize>,
}

impl Style {
    /// Uncoloured, cells whole.
    pub const PLAIN: Style = Style {
        color: false,
        width: None,
    };

    fn paint(self, text: &str, color: Option<Color>) -> String {
        match (self.color, color) {
            (true, Some(color)) => format!("\x1b[{}m{text}\x1b[0m", color as u8),
            _ => text.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Color {
    Red = 31,
    Green = 32,
    Yellow = 33,
    Dim = 2,
    Bold = 1,
    /// Reverse video: marks search matches in any colour scheme.
    Highlight = 7,
}

/// Renders a command's result in the chosen format, ending with a newline.
pub fn render(output: &Output, format: Format, as_of: NaiveDate, style: Style) -> Result<String> {
    Ok(match (format, output) {
        (Format::Table, _) => text::table(output, as_of, style),
        (Format::Jsonl, Output::Claims { claims, .. }) => claims
            .iter()
            .map(|c| serde_json::to_string(c).expect("plain data serializes") + "\n")
            .collect(),
        (Format::Csv, Output::Claims { claims, .. }) => csv::claims_csv(claims, None)?,
        (Format::Csv, Output::Report(report)) => csv::report_csv(report)?,
        (Format::Csv, Output::Sources { sources, record }) => csv::sources_csv(sources, *record)?,
        (Format::Jsonl, Output::Sources { sources, .. }) => sources
            .iter()
            .map(|s| serde_json::to_string(s).expect("plain data serializes") + "\n")
            .collect(),
        (Format::Markdown, Output::Sources { sources, .. }) => markdown::sources_markdown(sources),
        (Format::Jsonl, Output::Extracted(extracted)) => extracted
            .records()
            .iter()
            .map(|r| serde_json::to_string(r).expect("plain data serializes") + "\n")
            .collect(),
        (Format::Csv, Output::Demo { report, .. }) => csv::report_csv(report)?,
        (Format::Markdown, Output::Claims { claims, .. }) => {
            markdown::claims_markdown(claims, as_of)
        }
        (Format::Markdown, Output::Report(report)) => markdown::report_markdown(report),
        (Format::Markdown, Output::Demo { report, .. }) => markdown::report_markdown(report),
        (Format::Html, Output::Report(report)) => html::report(report),
        (Format::Html, Output::Demo { report, .. }) => html::report(report),
        (Format::Ics, Output::Claims { claims, window, .. }) => {
            calendar::calendar(claims, calendar::Scope::Open(*window))
        }
        _ => {
            let mut text = json::to_json(output);
            text.push('\n');
            text
        }
    })
}
