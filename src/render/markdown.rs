//! Markdown tables for pasting into a newsroom document. Text is shown as
//! written, never as markup.

use chrono::NaiveDate;

use crate::app::{Report, SourceSummary};
use crate::domain::dates::iso;
use crate::domain::model::Claim;
use crate::render::wording::{
    days_late_text, is_web_address, next_due_text, on_time_text, shown_of, status_word, when_text,
};

/// Escapes text for a Markdown table cell: the cell separator, line breaks,
/// and what Markdown or HTML would otherwise read as markup (links,
/// emphasis, code, tags), so claim text is shown as written and never
/// becomes a link or a tag.
fn md_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown link when `url` is http or https, else the escaped text.
fn md_link(url: &str, label: &str) -> String {
    if is_web_address(url) {
        // Characters that would end the link target are percent-encoded.
        let target = url
            .replace('<', "%3C")
            .replace('>', "%3E")
            .replace('(', "%28")
            .replace(')', "%29")
            .replace('|', "%7C");
        format!("[{}]({target})", md_cell(label))
    } else {
        md_cell(label)
    }
}

/// A Markdown table; the cells are already escaped.
fn md_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

pub fn claims_markdown(claims: &[Claim], as_of: NaiveDate) -> String {
    if claims.is_empty() {
        return "_No claims._\n".to_string();
    }
    let rows: Vec<Vec<String>> = claims
        .iter()
        .map(|c| {
            let mut links: Vec<String> = c.url.iter().map(|u| md_link(u, "original")).collect();
            for entry in c.history.iter().flatten() {
                if let Some(evidence) = entry.evidence.as_ref().filter(|_| !entry.voided) {
                    links.push(md_link(evidence, "evidence"));
                }
            }
            vec![
                c.id.to_string(),
                status_word(c),
                md_cell(&next_due_text(c)),
                when_text(c, as_of),
                md_cell(&c.source.name),
                c.reported_by
                    .as_ref()
                    .map_or(String::new(), |r| md_cell(&r.name)),
                md_cell(&c.text),
                md_cell(c.quote.as_deref().unwrap_or_default()),
                c.grade().unwrap_or_default(),
                links.join(" "),
            ]
        })
        .collect();
    md_table(
        &[
            "ID",
            "Status",
            "Due",
            "When",
            "Speaker",
            "Reported by",
            "Claim",
            "Quote",
            "Grade",
            "Links",
        ],
        &rows,
    )
}

pub fn report_markdown(report: &Report) -> String {
    let c = &report.counts;
    let mut out = format!("# Claims as of {}\n\n", iso(report.as_of));
    let counts: Vec<Vec<String>> = [
        ("pending", c.pending),
        ("overdue", c.overdue),
        ("fulfilled", c.fulfilled),
        ("partial", c.partial),
        ("failed", c.failed),
        ("retracted", c.retracted),
        ("unverifiable", c.unverifiable),
        ("total", c.total),
    ]
    .iter()
    .map(|(name, n)| vec![name.to_string(), n.to_string()])
    .collect();
    out.push_str(&md_table(&["Status", "Claims"], &counts));
    for (title, claims) in [
        (
            format!("Overdue ({})", shown_of(report.overdue.len(), c.overdue)),
            &report.overdue,
        ),
        (
            format!(
                "Upcoming until {} ({})",
                iso(report.upcoming_until),
                shown_of(report.upcoming.len(), report.upcoming_count)
            ),
            &report.upcoming,
        ),
        (
            format!(
                "Pending without an open deadline ({})",
                shown_of(report.no_deadline.len(), report.no_deadline_count)
            ),
            &report.no_deadline,
        ),
    ] {
        out.push_str(&format!("\n## {title}\n\n"));
        out.push_str(&claims_markdown(claims, report.as_of));
    }
    out.push_str("\n## Sources\n\n");
    out.push_str(&sources_markdown(&report.sources));
    out
}

/// The sources' track records, a row per source and role.
pub fn sources_markdown(sources: &[SourceSummary]) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for s in sources {
        for (role, r) in s.roles() {
            rows.push(vec![
                md_cell(&s.source.name),
                s.source.kind.to_string(),
                role.to_string(),
                s.source
                    .reliability
                    .map_or("-".to_string(), |r| r.as_str().to_string()),
                r.claims.to_string(),
                r.resolved.to_string(),
                r.fulfilled.to_string(),
                r.partial.to_string(),
                r.failed.to_string(),
                r.overdue.to_string(),
                on_time_text(r),
                days_late_text(r),
            ]);
        }
    }
    md_table(
        &[
            "Source",
            "Kind",
            "As",
            "Reliability",
            "Claims",
            "Resolved",
            "Fulfilled",
            "Partial",
            "Failed",
            "Overdue",
            "Met on time",
            "Median delay",
        ],
        &rows,
    )
}
