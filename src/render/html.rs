//! The report as one self-contained HTML page: inline CSS and SVG, no
//! scripts, no external assets, readable offline and on paper.
//!
//! Every piece of user text goes through [`esc`]; only `http`/`https`
//! addresses become links; a Content-Security-Policy forbids scripts, so
//! even markup that slipped through could not run.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::app::{Report, SourceSummary};
use crate::domain::dates::iso;
use crate::domain::model::Claim;
use crate::render::wording::{
    days_late_text, days_text, due_text, is_web_address, on_time_text, shown_of,
};

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #5b6570; --line: #d8dde3; --red: #b42318; --amber: #b54708;
        --green: #067647; --blue: #175cd3; --bg: #ffffff; --soft: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem 4rem; color: var(--ink);
       background: var(--bg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans",
       "Noto Naskh Arabic", "Geeza Pro", Tahoma, sans-serif; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
.sub { color: var(--muted); margin: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.counts table { width: auto; min-width: 14rem; flex: 0 0 auto; }
.counts svg { flex: 0 1 auto; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: start; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.n { white-space: normal; }
td.name { min-width: 9rem; }
.records { overflow-x: auto; }
.records table { font-size: .84rem; }
.records th, .records td { padding: .3rem .3rem; }
.claim { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: .75rem 0;
         break-inside: avoid; page-break-inside: avoid; }
.claim.overdue { border-inline-start: 5px solid var(--red); }
.claim.upcoming { border-inline-start: 5px solid var(--blue); }
.claim .meta { margin: 0 0 .35rem; font-size: .88rem; color: var(--muted); }
.claim .text { margin: 0 0 .5rem; font-weight: 600; }
.claim .who { margin: .5rem 0 0; font-size: .88rem; color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-weight: 600;
         font-size: .8rem; border: 1px solid currentColor; }
.badge.overdue { color: var(--red); }
.badge.upcoming { color: var(--blue); }
.badge.pending { color: var(--muted); }
blockquote { margin: .25rem 0; padding: .5rem .75rem; background: var(--soft);
             border-inline-start: 3px solid var(--line); font-size: 1.05rem; unicode-bidi: plaintext; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 1.25rem; border-inline-start: 2px solid var(--blue); }
.timeline > li { position: relative; margin: 0 0 1rem; }
.timeline > li::before { content: ""; position: absolute; inset-inline-start: -1.72rem; top: .35rem;
                         width: .8rem; height: .8rem; border-radius: 50%; background: var(--blue); }
.timeline time { font-weight: 700; }
.empty { color: var(--muted); font-style: italic; }
a { color: var(--blue); overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: .8em; color: var(--muted); }
  .claim { border-color: #999; }
}
"#;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL is not allowed in HTML text.
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A link when `url` is an http or https address, else the escaped text.
pub fn link(url: &str, label: &str) -> String {
    if is_web_address(url) {
        format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(url),
            esc(label)
        )
    } else {
        esc(label)
    }
}

/// The whole page.
pub fn report(report: &Report) -> String {
    let title = format!("Claims as of {}", iso(report.as_of));
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"claims {version}\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{title}</h1>\n<p class=\"sub\">{total} claims · {overdue} overdue · \
         {upcoming} with a deadline by {until}</p>\n</header>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(&title),
        total = report.counts.total,
        overdue = report.counts.overdue,
        upcoming = report.upcoming_count,
        until = iso(report.upcoming_until),
    );
    counts(&mut out, report);

    section_heading(
        &mut out,
        "overdue",
        "Overdue",
        report.overdue.len(),
        report.counts.overdue,
    );
    if report.overdue.is_empty() {
        out.push_str("<p class=\"empty\">Nothing is overdue.</p>\n");
    }
    for claim in &report.overdue {
        claim_article(&mut out, claim, report.as_of, "overdue");
    }

    section_heading(
        &mut out,
        "upcoming",
        &format!("Upcoming until {}", iso(report.upcoming_until)),
        report.upcoming.len(),
        report.upcoming_count,
    );
    timeline(&mut out, report);

    section_heading(
        &mut out,
        "no-deadline",
        "Pending without an open deadline",
        report.no_deadline.len(),
        report.no_deadline_count,
    );
    if report.no_deadline.is_empty() {
        out.push_str("<p class=\"empty\">None.</p>\n");
    }
    for claim in &report.no_deadline {
        claim_article(&mut out, claim, report.as_of, "pending");
    }

    out.push_str("<h2 id=\"sources\">Source records</h2>\n");
    sources(&mut out, &report.sources);
    let _ = write!(
        out,
        "<footer>Made by <code>claims report --format html</code> ({}) as of {}. \
         Overdue: a pending claim with a deadline whose period has ended and no outcome \
         recorded. Deadline figures judge each deadline against the first date given.</footer>\n\
         </body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        iso(report.as_of)
    );
    out
}

fn section_heading(out: &mut String, id: &str, title: &str, shown: usize, total: i64) {
    let _ = writeln!(
        out,
        "<h2 id=\"{id}\">{} ({})</h2>",
        esc(title),
        shown_of(shown, total)
    );
}

/// The status counts as a table and a horizontal bar chart.
fn counts(out: &mut String, report: &Report) {
    let c = &report.counts;
    let rows = [
        ("pending", c.pending, "#98a2b3"),
        ("overdue", c.overdue, "#b42318"),
        ("fulfilled", c.fulfilled, "#067647"),
        ("partial", c.partial, "#b54708"),
        ("failed", c.failed, "#7a271a"),
        ("retracted", c.retracted, "#667085"),
        ("unverifiable", c.unverifiable, "#475467"),
    ];
    out.push_str("<h2 id=\"status\">Status</h2>\n<div class=\"counts\">\n<table>\n");
    out.push_str("<thead><tr><th>Status</th><th class=\"n\">Claims</th></tr></thead>\n<tbody>\n");
    for (name, n, _) in rows {
        let _ = writeln!(out, "<tr><td>{name}</td><td class=\"n\">{n}</td></tr>");
    }
    let _ = writeln!(
        out,
        "<tr><th>total</th><th class=\"n\">{}</th></tr>\n</tbody>\n</table>",
        c.total
    );
    let (label_width, bar_width, row_height) = (110.0, 330.0, 26.0);
    let height = row_height * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let summary: Vec<String> = rows.iter().map(|(n, v, _)| format!("{n} {v}")).collect();
    let _ = writeln!(
        out,
        "<svg class=\"chart\" role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n\
         <title>Claims by status: {}</title>",
        summary.join(", "),
        w = label_width + bar_width + 50.0,
    );
    for (i, (name, n, color)) in rows.iter().enumerate() {
        let y = 4.0 + row_height * i as f64;
        let width = if *n > 0 {
            (bar_width * *n as f64 / max).max(2.0)
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"#344054\">{name}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{width:.1}\" height=\"{h}\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" fill=\"#344054\">{n}</text>",
            lx = label_width - 8.0,
            ty = y + 14.0,
            h = row_height - 8.0,
            vx = label_width + width + 6.0,
        );
    }
    out.push_str("</svg>\n</div>\n");
}

/// Upcoming deadlines in date order along a line.
fn timeline(out: &mut String, report: &Report) {
    if report.upcoming.is_empty() {
        out.push_str("<p class=\"empty\">No deadline in this window.</p>\n");
        return;
    }
    out.push_str("<ol class=\"timeline\">\n");
    for claim in &report.upcoming {
        // The first open deadline inside the window puts the claim on the line.
        let deadline = claim
            .deadlines
            .iter()
            .filter(|d| {
                d.met_on.is_none() && d.due >= report.as_of && d.due <= report.upcoming_until
            })
            .min_by_key(|d| d.due)
            .or_else(|| claim.next_deadline());
        out.push_str("<li>");
        if let Some(d) = deadline {
            let days = (d.due - report.as_of).num_days();
            let when = if days == 0 {
                "today".to_string()
            } else {
                format!("in {}", days_text(days))
            };
            let _ = write!(
                out,
                "<time datetime=\"{}\">{}</time> <span class=\"sub\">{when}</span>",
                iso(d.due),
                esc(&due_text(d))
            );
        }
        claim_article(out, claim, report.as_of, "upcoming");
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// One claim: state, text, the original quote, who said it, who reported
/// it, and the links to the original and to any evidence.
fn claim_article(out: &mut String, claim: &Claim, as_of: NaiveDate, class: &str) {
    let _ = write!(
        out,
        "<article class=\"claim {class}\" id=\"claim-{}\">\n<p class=\"meta\">#{} ",
        claim.id, claim.id
    );
    match claim.days_overdue {
        Some(days) => {
            let _ = write!(
                out,
                "<span class=\"badge overdue\">overdue {}</span>",
                days_text(days)
            );
        }
        None => {
            let _ = write!(out, "<span class=\"badge {class}\">{}</span>", claim.status);
        }
    }
    if let Some(d) = claim.next_deadline() {
        let label = d
            .label
            .as_deref()
            .map(|l| format!(" ({})", esc(l)))
            .unwrap_or_default();
        let _ = write!(out, " · due {}{label}", esc(&due_text(d)));
        if d.due >= as_of && claim.days_overdue.is_none() {
            let _ = write!(out, ", in {}", days_text((d.due - as_of).num_days()));
        }
    }
    if let Some(grade) = claim.grade() {
        let _ = write!(out, " · grade <b>{}</b>", esc(&grade));
    }
    out.push_str("</p>\n");
    let _ = writeln!(
        out,
        "<p class=\"text\" dir=\"auto\">{}</p>",
        esc(&claim.text)
    );
    if let Some(quote) = &claim.quote {
        let lang = claim
            .lang
            .as_deref()
            .map(|l| format!(" lang=\"{}\"", esc(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<blockquote dir=\"auto\"{lang}>{}</blockquote>",
            esc(quote)
        );
    }
    let mut who = vec![format!(
        "Said by <b dir=\"auto\">{}</b>",
        esc(&claim.source.name)
    )];
    if let Some(outlet) = &claim.reported_by {
        who.push(format!(
            "reported by <b dir=\"auto\">{}</b>",
            esc(&outlet.name)
        ));
    }
    if let Some(said) = claim.said_on {
        who.push(format!("on {}", iso(said)));
    }
    if let Some(url) = &claim.url {
        who.push(link(url, "original"));
    }
    for entry in claim.history.iter().flatten() {
        if let Some(evidence) = entry.evidence.as_ref().filter(|_| !entry.voided) {
            who.push(format!(
                "evidence ({}): {}",
                iso(entry.at),
                link(evidence, evidence)
            ));
        }
    }
    let _ = writeln!(out, "<p class=\"who\">{}</p>\n</article>", who.join(" · "));
}

fn sources(out: &mut String, sources: &[SourceSummary]) {
    if sources.is_empty() {
        out.push_str("<p class=\"empty\">No sources.</p>\n");
        return;
    }
    out.push_str(
        "<div class=\"records\"><table>\n<thead><tr><th>Source</th><th>As</th><th title=\"Admiralty scale: A completely reliable … E unreliable, F cannot be judged\">Grade</th>\
         <th class=\"n\">Claims</th><th class=\"n\">Resolved</th><th class=\"n\">Fulfilled</th>\
         <th class=\"n\">Partial</th><th class=\"n\">Failed</th><th class=\"n\">Overdue</th>\
         <th class=\"n\">Met on time</th><th class=\"n\">Median delay</th></tr></thead>\n<tbody>\n",
    );
    for s in sources {
        for (role, r) in s.roles() {
            let _ = writeln!(
                out,
                "<tr><td class=\"name\" dir=\"auto\">{}</td><td>{role}</td><td>{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td></tr>",
                esc(&s.source.name),
                s.source.reliability.map_or("-".to_string(), |r| format!(
                    "{} ({})",
                    r.as_str(),
                    r.meaning()
                )),
                r.claims,
                r.resolved,
                r.fulfilled,
                r.partial,
                r.failed,
                r.overdue,
                on_time_text(r),
                days_late_text(r),
            );
        }
    }
    out.push_str("</tbody>\n</table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("عين الأسد"), "عين الأسد");
    }

    #[test]
    fn only_http_and_https_become_links() {
        assert!(
            link("https://shafaq.com/ar/x", "x").starts_with("<a href=\"https://shafaq.com/ar/x\"")
        );
        assert!(link("HTTP://example.org", "x").starts_with("<a "));
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "//evil.example",
            "https://x.org/\"onmouseover=\"alert(1)",
        ] {
            let html = link(bad, bad);
            assert!(
                !html.contains("<a ") || !html.contains("onmouseover=\""),
                "{bad}: {html}"
            );
            if !bad.starts_with("https://") {
                assert!(!html.contains("<a "), "{bad}: {html}");
            }
        }
        // A quote inside an address cannot end the attribute.
        assert!(link("https://x.org/\"onmouseover=\"alert(1)", "x")
            .contains("&quot;onmouseover=&quot;"));
    }
}
