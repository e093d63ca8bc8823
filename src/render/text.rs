//! Text for a terminal: aligned tables and detail views, coloured when
//! asked. Widths count terminal columns, so Arabic, combining marks and
//! wide characters line up.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::app::{Output, Report, SourceDetail, SourceSummary};
use crate::domain::dates::iso;
use crate::domain::model::{Claim, Deadline, HistoryEntry, SourceRef, Status, TrackRecord};
use crate::render::table::{wrap, Cell, Table};
use crate::render::wording::{
    days_late_text, days_text, due_text, event_text, next_due_text, on_time_text, plural, shown_of,
};
use crate::render::{Color, Style};
use crate::store::{ImportSummary, MigrationState};

pub fn table(output: &Output, as_of: NaiveDate, style: Style) -> String {
    match output {
        Output::Init {
            path,
            uuid,
            schema_version,
            migrations,
        } => format!(
            "database: {path}\nschema version: {schema_version} ({} migration{} applied)\n{}",
            migrations.iter().filter(|m| m.applied).count(),
            plural(migrations.iter().filter(|m| m.applied).count()),
            uuid.as_ref()
                .map_or(String::new(), |u| format!("uuid: {u}\n"))
        ),
        Output::Migrations {
            path,
            uuid,
            migrations,
        } => migrations_table(path, uuid.as_deref(), migrations),
        Output::Source(detail) => source_detail(detail, as_of, style),
        Output::Extracted(extracted) => extracted_table(extracted, style),
        Output::Sources {
            sources,
            record: false,
        } => sources_table(sources, style),
        Output::Sources {
            sources,
            record: true,
        } => records_table(sources, style),
        Output::Claim(claim) => claim_detail(claim, as_of, style),
        Output::Log(events) => log_table(events, style),
        Output::Deadline { deadline, claim } => format!(
            "added deadline {} to claim {}: {}\n\n{}",
            deadline.reference,
            claim.id,
            due_text(deadline),
            claim_detail(claim, as_of, style)
        ),
        Output::Claims {
            claims, highlight, ..
        } => claims_table(claims, as_of, style, highlight),
        Output::Import(summary) => import_text(summary),
        Output::Backup { path, bytes } => format!("backed up to {path} ({bytes} bytes)\n"),
        Output::Checked { claims } => format!("ok: {claims} claims, no problems found\n"),
        Output::Grants(grants) => grants_table(grants),
        Output::Settings(settings) => settings_table(settings, style),
        Output::Report(report) => report_text(report, style),
        Output::Removed {
            what,
            id,
            reference,
        } => match reference {
            Some(reference) => format!("removed {what} {reference}\n"),
            None => format!("removed {what} {id}\n"),
        },
        Output::Demo { added, report } => {
            let mut out = if *added > 0 {
                format!("loaded {added} claims of the example report (Shafaq News, Anbar)\n\n")
            } else {
                "the example report's claims are already loaded\n\n".to_string()
            };
            out.push_str(&report_text(report, style));
            out
        }
    }
}

fn import_text(s: &ImportSummary) -> String {
    let verb = if s.dry_run {
        "would import"
    } else {
        "imported"
    };
    let differing = match (s.updated, s.dry_run) {
        (0, _) => "differing from the stored claim (kept)",
        (_, true) => "differing from the stored claim (to update)",
        (_, false) => "differing from the stored claim (updated)",
    };
    let mut out = format!(
        "{verb} {} new claim{}; {} unchanged, {} {differing}, {} duplicate{} in the input skipped",
        s.new,
        plural(s.new),
        s.unchanged,
        s.differing,
        s.duplicates,
        plural(s.duplicates)
    );
    out.push_str(&format!(
        "; {} source{} {}\n",
        s.sources_created,
        plural(s.sources_created),
        if s.dry_run { "to create" } else { "created" }
    ));
    // Every differing claim on a dry run; a few otherwise.
    let shown = if s.dry_run { s.differences.len() } else { 10 };
    for d in s.differences.iter().take(shown) {
        out.push_str(&format!(
            "  claim {} differs in {}\n",
            d.claim_id,
            d.fields.join(", ")
        ));
    }
    if s.differences.len() > shown {
        out.push_str(&format!(
            "  … and {} more (--dry-run lists them all)\n",
            s.differences.len() - shown
        ));
    }
    if s.differing > 0 && s.updated == 0 && !s.dry_run {
        out.push_str("  add --update to bring them to what the records say\n");
    }
    if s.dry_run {
        out.push_str("dry run: nothing was written\n");
    }
    out
}

fn migrations_table(path: &str, uuid: Option<&str>, migrations: &[MigrationState]) -> String {
    let mut table = Table::new(&["VERSION", "DESCRIPTION", "STATE"]);
    for m in migrations {
        table.row(vec![
            Cell::plain(m.version.to_string()),
            Cell::plain(m.description.clone()),
            Cell::plain(if m.applied { "applied" } else { "pending" }),
        ]);
    }
    let uuid = uuid.map_or(String::new(), |u| format!("uuid: {u}\n"));
    format!("database: {path}\n{uuid}{}", table.render(Style::PLAIN))
}

/// Claims as a table; words starting with a `highlight` term (folded), or
/// of its stem, are marked in the claim text and the quote when colour is
/// on. Search results (with terms) show each claim's original quote too, so
/// that a hit in the Arabic can be seen.
fn claims_table(claims: &[Claim], as_of: NaiveDate, style: Style, highlight: &[String]) -> String {
    if claims.is_empty() {
        return "no claims\n".to_string();
    }
    // The grade column only when something is graded.
    let graded = claims.iter().any(|c| c.grade().is_some());
    let quotes = !highlight.is_empty() && claims.iter().any(|c| c.quote.is_some());
    let mut header = vec!["ID", "STATUS", "DUE", "WHEN", "SPEAKER"];
    if graded {
        header.push("GRADE");
    }
    header.push("CLAIM");
    if quotes {
        header.push("QUOTE");
    }
    let mut table = Table::new(&header);
    let text_column = header
        .iter()
        .position(|h| *h == "CLAIM")
        .expect("in the header");
    table.shrinkable(4, 10);
    table.shrinkable(text_column, 20);
    if quotes {
        table.shrinkable(text_column + 1, 20);
    }
    table.droppable(3);
    table.marking(highlight);
    for claim in claims {
        let mut row = vec![
            Cell::plain(claim.id.to_string()),
            status_cell(claim),
            Cell::plain(next_due_text(claim)),
            when_cell(claim, as_of),
            Cell::plain(&claim.source.name),
        ];
        if graded {
            row.push(Cell::plain(claim.grade().unwrap_or_else(|| "-".into())));
        }
        row.push(Cell::marked(&claim.text));
        if quotes {
            row.push(Cell::marked(claim.quote.as_deref().unwrap_or("")));
        }
        table.row(row);
    }
    table.render(style)
}

/// How far the next open deadline is: "overdue 61 days", "in 12 days".
fn when_cell(claim: &Claim, as_of: NaiveDate) -> Cell {
    if let Some(days) = claim.days_overdue {
        return Cell::colored(format!("{} ago", days_text(days)), Color::Red);
    }
    match claim.next_due {
        Some(due) if due == as_of => Cell::colored("today", Color::Yellow),
        Some(due) => Cell::plain(format!("in {}", days_text((due - as_of).num_days()))),
        None => Cell::plain("-"),
    }
}

fn status_cell(claim: &Claim) -> Cell {
    if claim.overdue {
        return Cell::colored("overdue", Color::Red);
    }
    let color = match claim.status {
        Status::Pending => None,
        Status::Fulfilled => Some(Color::Green),
        Status::Partial => Some(Color::Yellow),
        Status::Failed => Some(Color::Red),
        Status::Retracted | Status::Unverifiable => Some(Color::Dim),
    };
    Cell::colored_if(claim.status.to_string(), color)
}

fn claim_detail(claim: &Claim, as_of: NaiveDate, style: Style) -> String {
    let mut out = String::new();
    let state = if let Some(days) = claim.days_overdue {
        style.paint(&format!("overdue by {}", days_text(days)), Some(Color::Red))
    } else {
        claim.status.to_string()
    };
    let _ = writeln!(
        out,
        "{} {}  [{state}]",
        style.paint("claim", Some(Color::Bold)),
        claim.id
    );
    // A value stays a block beside its name: its own lines, and on a
    // terminal its long lines wrapped, start under its first.
    let mut field = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            let lines: Vec<String> = value
                .lines()
                .flat_map(|line| match style.width {
                    Some(width) => wrap(line, width.saturating_sub(15).max(20)),
                    None => vec![line.to_string()],
                })
                .collect();
            let value = lines.join(&format!("\n{:15}", ""));
            let _ = writeln!(out, "  {name:<12} {value}");
        }
    };
    field("text", Some(claim.text.clone()));
    field("kind", Some(claim.kind.to_string()));
    if claim.speakers.len() > 1 {
        let names: Vec<String> = claim.speakers.iter().map(source_ref).collect();
        field("speakers", Some(names.join("; ")));
    } else {
        field("speaker", Some(source_ref(&claim.source)));
    }
    field("reported by", claim.reported_by.as_ref().map(source_ref));
    field(
        "quote",
        claim.quote.as_ref().map(|q| match &claim.lang {
            Some(lang) => format!("({lang}) {q}"),
            None => q.clone(),
        }),
    );
    field("url", claim.url.clone());
    field("said on", claim.said_on.map(iso));
    field(
        "grade",
        claim.grade().map(|grade| grade_text(claim, &grade)),
    );
    field(
        "tags",
        (!claim.tags.is_empty()).then(|| claim.tags.join(", ")),
    );
    if claim.deadlines.is_empty() {
        let _ = writeln!(out, "  deadlines    none");
    } else {
        let _ = writeln!(out, "  deadlines");
        let mut table = Table::new(&["ID", "DUE", "LABEL", "STATE", "AS WRITTEN"]);
        for deadline in &claim.deadlines {
            // The phrase only when it says more than the date shown.
            let written = deadline
                .as_written
                .clone()
                .filter(|w| *w != due_text(deadline))
                .unwrap_or_default();
            table.row(vec![
                Cell::plain(deadline.reference.to_string()),
                Cell::plain(due_text(deadline)),
                Cell::plain(deadline.label.clone().unwrap_or_else(|| "-".into())),
                deadline_state(claim, deadline, as_of),
                Cell::plain(written),
            ]);
        }
        table.shrinkable(2, 12);
        table.shrinkable(4, 12);
        out.push_str(&indented(&table, style, 4));
    }
    if let Some(history) = &claim.history {
        let _ = writeln!(out, "  history");
        let mut table = Table::new(&["#", "ON", "CHANGE", "BY", "NOTE", "EVIDENCE"]);
        for entry in history {
            let change = event_text(entry, Some(claim));
            table.row(vec![
                Cell::plain(entry.id.to_string()),
                Cell::plain(iso(entry.at)),
                if entry.voided {
                    Cell::colored(change, Color::Dim)
                } else {
                    Cell::plain(change)
                },
                Cell::plain(entry.by.clone().unwrap_or_else(|| "-".into())),
                Cell::plain(entry.note.clone().unwrap_or_default()),
                Cell::plain(entry.evidence.clone().unwrap_or_default()),
            ]);
        }
        table.shrinkable(2, 20);
        table.shrinkable(4, 12);
        table.shrinkable(5, 16);
        out.push_str(&indented(&table, style, 4));
    }
    out
}

/// `log`: who wrote what, newest first.
fn log_table(events: &[HistoryEntry], style: Style) -> String {
    if events.is_empty() {
        return "no events\n".to_string();
    }
    let mut table = Table::new(&["#", "RECORDED", "BY", "CLAIM", "ON", "CHANGE", "NOTE"]);
    for entry in events {
        table.row(vec![
            Cell::plain(entry.id.to_string()),
            Cell::plain(entry.recorded_at.clone()),
            Cell::plain(entry.by.clone().unwrap_or_else(|| "-".into())),
            Cell::plain(entry.claim_id.to_string()),
            Cell::plain(iso(entry.at)),
            Cell::plain(event_text(entry, None)),
            Cell::plain(entry.note.as_deref().unwrap_or_default()),
        ]);
    }
    table.shrinkable(5, 20);
    table.shrinkable(6, 12);
    table.render(style)
}

fn deadline_state(claim: &Claim, deadline: &Deadline, as_of: NaiveDate) -> Cell {
    match deadline.met_on {
        Some(met) if met <= deadline.due => {
            Cell::colored(format!("met {}", iso(met)), Color::Green)
        }
        Some(met) => Cell::colored(format!("met late {}", iso(met)), Color::Yellow),
        None if claim.status != Status::Pending => {
            Cell::plain(format!("closed ({})", claim.status))
        }
        None if deadline.due < as_of => Cell::colored(
            format!(
                "missed, {} ago",
                days_text((as_of - deadline.due).num_days())
            ),
            Color::Red,
        ),
        None => Cell::plain(format!(
            "open, in {}",
            days_text((deadline.due - as_of).num_days())
        )),
    }
}

/// "B2 (source usually reliable; claim probably true)".
fn grade_text(claim: &Claim, grade: &str) -> String {
    let mut meanings = Vec::new();
    if let Some(r) = claim.source.reliability {
        meanings.push(format!("source {}", r.meaning()));
    }
    if let Some(c) = claim.credibility {
        meanings.push(format!("claim {}", c.meaning()));
    }
    format!("{grade} ({})", meanings.join("; "))
}

/// The track records: a row per source and role (see `SourceSummary::roles`).
fn records_table(list: &[SourceSummary], style: Style) -> String {
    if list.is_empty() {
        return "no sources\n".to_string();
    }
    let mut table = Table::new(&[
        "ID",
        "NAME",
        "REL",
        "AS",
        "CLAIMS",
        "RESOLVED",
        "FULFILLED",
        "PARTIAL",
        "FAILED",
        "OVERDUE",
        "ON TIME",
        "MEDIAN LATE",
    ]);
    for s in list {
        for (role, r) in s.roles() {
            table.row(vec![
                Cell::plain(s.source.id.to_string()),
                Cell::plain(&s.source.name),
                Cell::plain(s.source.reliability.map_or("-", |r| r.as_str())),
                Cell::plain(role),
                Cell::plain(r.claims.to_string()),
                Cell::plain(r.resolved.to_string()),
                count_cell(r.fulfilled, Color::Green),
                Cell::plain(r.partial.to_string()),
                count_cell(r.failed, Color::Red),
                count_cell(r.overdue, Color::Red),
                Cell::plain(on_time_text(r)),
                Cell::plain(days_late_text(r)),
            ]);
        }
    }
    for column in [4, 5, 6, 7, 8, 9] {
        table.right_align(column);
    }
    table.shrinkable(1, 12);
    for column in [2, 7, 11, 5] {
        table.droppable(column);
    }
    table.render(style)
}

fn sources_table(list: &[SourceSummary], style: Style) -> String {
    if list.is_empty() {
        return "no sources\n".to_string();
    }
    let mut table = Table::new(&[
        "ID",
        "NAME",
        "KIND",
        "REL",
        "CLAIMS",
        "PENDING",
        "OVERDUE",
        "FULFILLED",
        "PARTIAL",
        "FAILED",
        "REPORTED",
        "ROLE",
    ]);
    for s in list {
        let r = &s.record;
        table.row(vec![
            Cell::plain(s.source.id.to_string()),
            Cell::plain(&s.source.name),
            Cell::plain(s.source.kind.to_string()),
            Cell::plain(s.source.reliability.map_or("-", |r| r.as_str())),
            Cell::plain(r.claims.to_string()),
            Cell::plain(r.pending.to_string()),
            count_cell(r.overdue, Color::Red),
            count_cell(r.fulfilled, Color::Green),
            Cell::plain(r.partial.to_string()),
            count_cell(r.failed, Color::Red),
            Cell::plain(s.reported.claims.to_string()),
            Cell::plain(s.source.role.as_deref().unwrap_or("-")),
        ]);
    }
    table.shrinkable(1, 12);
    table.shrinkable(11, 12);
    for column in [11, 8, 3, 10, 2] {
        table.droppable(column);
    }
    table.render(style)
}

/// `extract`: where the article's dates count from, its outlet, then a row
/// per candidate claim.
fn extracted_table(found: &crate::app::extract::Extracted, style: Style) -> String {
    let known = |id: Option<i64>| id.map_or("new".to_string(), |id| format!("id {id}"));
    let mut out = format!(
        "{} candidate claim{} ({}), dates counted from {} ({})\n",
        found.claims.len(),
        plural(found.claims.len()),
        found.lang.code(),
        crate::domain::dates::iso(found.said_on),
        found.said_on_from.name()
    );
    if let Some(outlet) = &found.outlet {
        let _ = writeln!(out, "outlet: {} ({})", outlet.name, known(outlet.id));
    }
    if found.claims.is_empty() {
        out.push_str("no sentence names a speaker with a reporting verb\n");
        return out;
    }
    out.push('\n');
    let mut table = Table::new(&[
        "#", "SPEAKER", "SOURCE", "KIND", "DUE", "CONF", "RULE", "QUOTE",
    ]);
    for (i, c) in found.claims.iter().enumerate() {
        let due: Vec<String> = c
            .candidate
            .deadlines
            .iter()
            .map(|d| d.shown.clone())
            .collect();
        table.row(vec![
            Cell::plain((i + 1).to_string()),
            Cell::plain(&c.source.name),
            Cell::plain(format!("{} {}", known(c.source.id), c.source.kind)),
            Cell::plain(c.candidate.kind.to_string()),
            Cell::plain(if due.is_empty() {
                "-".to_string()
            } else {
                due.join(", ")
            }),
            Cell::plain(format!("{:.2}", c.candidate.confidence)),
            Cell::plain(&c.candidate.rule),
            Cell::plain(&c.candidate.quote),
        ]);
    }
    table.shrinkable(7, 20);
    table.shrinkable(1, 12);
    for column in [6, 5, 2] {
        table.droppable(column);
    }
    out.push_str(&table.render(style));
    out
}

fn count_cell(n: i64, color: Color) -> Cell {
    if n > 0 {
        Cell::colored(n.to_string(), color)
    } else {
        Cell::plain(n.to_string())
    }
}

fn source_detail(detail: &SourceDetail, as_of: NaiveDate, style: Style) -> String {
    let s = &detail.summary.source;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  {}",
        style.paint("source", Some(Color::Bold)),
        s.id,
        s.name
    );
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            let _ = writeln!(out, "  {name:<12} {value}");
        }
    };
    let aliases = detail.aliases.join("; ");
    field(
        "also named",
        (!aliases.is_empty()).then_some(aliases.as_str()),
    );
    let merged = s.merged.map(|m| {
        format!(
            "{} (id {}) on {}; its claims and names went there",
            detail.merged_into.as_deref().unwrap_or(""),
            m.into,
            crate::domain::dates::iso(m.on)
        )
    });
    field("merged into", merged.as_deref());
    field("kind", Some(s.kind.as_str()));
    field("role", s.role.as_deref());
    field("affiliation", s.affiliation.as_deref());
    field("url", s.url.as_deref());
    field("notes", s.notes.as_deref());
    let reliability = s
        .reliability
        .map(|r| format!("{} ({})", r.as_str(), r.meaning()));
    field("reliability", reliability.as_deref());
    let record = |r: &TrackRecord| {
        let mut text = format!(
            "{} claims: {} pending ({} overdue), {} fulfilled, {} partial, {} failed, {} retracted, {} unverifiable",
            r.claims, r.pending, r.overdue, r.fulfilled, r.partial, r.failed, r.retracted, r.unverifiable
        );
        if r.deadlines_due > 0 {
            let _ = write!(
                text,
                "\n  {:<12} deadlines met on time {}, median delay {}",
                "",
                on_time_text(r),
                days_late_text(r)
            );
        }
        text
    };
    let _ = writeln!(out, "  {:<12} {}", "said", record(&detail.summary.record));
    if detail.summary.reported.claims > 0 {
        let _ = writeln!(
            out,
            "  {:<12} {}",
            "reported",
            record(&detail.summary.reported)
        );
    }
    if !detail.claims_made.is_empty() {
        let _ = writeln!(out, "\nclaims made");
        out.push_str(&claims_table(&detail.claims_made, as_of, style, &[]));
    }
    if !detail.claims_reported.is_empty() {
        let _ = writeln!(out, "\nclaims reported");
        out.push_str(&claims_table(&detail.claims_reported, as_of, style, &[]));
    }
    out
}

fn report_text(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, text: String| {
        let _ = writeln!(out, "\n{}", style.paint(&text, Some(Color::Bold)));
    };
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            &format!("Claims as of {}", iso(report.as_of)),
            Some(Color::Bold)
        )
    );
    let c = &report.counts;
    let mut counts = Table::new(&["STATUS", "CLAIMS"]);
    for (name, n, color) in [
        ("pending", c.pending, None),
        ("overdue", c.overdue, Some(Color::Red)),
        ("fulfilled", c.fulfilled, Some(Color::Green)),
        ("partial", c.partial, None),
        ("failed", c.failed, Some(Color::Red)),
        ("retracted", c.retracted, None),
        ("unverifiable", c.unverifiable, None),
        ("total", c.total, None),
    ] {
        let color = color.filter(|_| n > 0);
        counts.row(vec![
            Cell::colored_if(name, color),
            Cell::plain(n.to_string()),
        ]);
    }
    counts.right_align(1);
    out.push_str(&counts.render(style));
    heading(
        &mut out,
        format!(
            "Overdue ({})",
            shown_of(report.overdue.len(), report.counts.overdue)
        ),
    );
    out.push_str(&claims_table(&report.overdue, report.as_of, style, &[]));
    heading(
        &mut out,
        format!(
            "Upcoming until {} ({})",
            iso(report.upcoming_until),
            shown_of(report.upcoming.len(), report.upcoming_count)
        ),
    );
    out.push_str(&claims_table(&report.upcoming, report.as_of, style, &[]));
    heading(
        &mut out,
        format!(
            "Pending without an open deadline ({})",
            shown_of(report.no_deadline.len(), report.no_deadline_count)
        ),
    );
    out.push_str(&claims_table(&report.no_deadline, report.as_of, style, &[]));
    heading(&mut out, "Sources".to_string());
    out.push_str(&sources_table(&report.sources, style));
    out
}

fn source_ref(source: &SourceRef) -> String {
    format!("{} ({}, id {})", source.name, source.kind, source.id)
}

/// A table inside a detail view, `by` columns in, fitted to what is left.
fn indented(table: &Table, style: Style, by: usize) -> String {
    let style = Style {
        width: style.width.map(|w| w.saturating_sub(by)),
        ..style
    };
    indent(&table.render(style), by)
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|line| format!("{pad}{line}\n")).collect()
}

/// The settings: set ones with their value, the others `-`, with meanings.
fn settings_table(settings: &[crate::app::settings::Setting], style: Style) -> String {
    let mut table = Table::new(&["SETTING", "VALUE", "MEANING"]);
    for s in settings {
        table.row(vec![
            Cell::plain(s.name),
            Cell::plain(s.value.as_deref().unwrap_or("-")),
            Cell::colored(s.meaning, Color::Dim),
        ]);
    }
    table.shrinkable(1, 20);
    table.shrinkable(2, 12);
    table.render(style)
}

/// Who may do what: one role a line.
fn grants_table(grants: &[crate::store::Grant]) -> String {
    let mut table = Table::new(&["ROLE", "MAY"]);
    for g in grants {
        table.row(vec![
            Cell::plain(g.role.clone()),
            Cell::plain(g.level.as_str()),
        ]);
    }
    table.render(Style::PLAIN)
}
