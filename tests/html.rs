//! `claims report --format html` and `--format markdown`: content, escaping,
//! and a real browser loading the page.

use std::path::Path;
use std::process::Command;

use crate::common::Db;

/// The tags the page is made of; anything else would be user text that
/// escaped its escaping.
const TAGS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "footer",
    "h1",
    "h2",
    "p",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "svg",
    "text",
    "rect",
    "article",
    "span",
    "b",
    "code",
    "blockquote",
    "ol",
    "li",
    "time",
    "a",
];

/// Checks every tag: a known name, no event handler attribute, and links
/// only to http(s).
fn assert_only_our_markup(html: &str) {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag_and_more = &rest[start + 1..];
        let end = tag_and_more.find('>').expect("every tag is closed");
        let tag = &tag_and_more[..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(TAGS.contains(&name.as_str()), "unexpected tag <{tag}>");
        let lower = tag.to_ascii_lowercase();
        assert!(
            !lower.contains(" on") || !lower.contains('='),
            "event handler in <{tag}>"
        );
        if let Some(href) = lower.split("href=\"").nth(1) {
            assert!(
                href.starts_with("http://") || href.starts_with("https://"),
                "link <{tag}>"
            );
        }
        rest = &tag_and_more[end + 1..];
    }
}

#[test]
fn the_example_report_as_a_page() {
    let db = Db::demo();
    let html = db.ok(&["report", "--format", "html"]);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</html>"));
    assert_only_our_markup(&html);
    // Self-contained: nothing to fetch, no script anywhere.
    assert!(!html.to_ascii_lowercase().contains("<script"));
    for fetch in ["src=", "<link", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    assert!(html.contains("default-src 'none'"));
    // Every section, the chart and the print rules.
    for part in [
        "<h2 id=\"status\">Status</h2>",
        "<svg class=\"chart\"",
        "<h2 id=\"overdue\">Overdue (4)</h2>",
        "<h2 id=\"upcoming\">Upcoming until 2026-12-30 (0)</h2>",
        "<h2 id=\"no-deadline\">Pending without an open deadline (4)</h2>",
        "<h2 id=\"sources\">Source records</h2>",
        "@media print",
        "overdue 426 days",
        "overdue 61 days",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // The original Arabic quote, exactly, in a block that finds its own direction.
    assert!(html.contains(
        "<blockquote dir=\"auto\" lang=\"ar\">المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026</blockquote>"
    ));
    assert!(html.contains("Said by <b dir=\"auto\">مصدر حكومي عراقي</b> · reported by <b dir=\"auto\">Shafaq News</b>"));
    // The outlet's record row.
    assert!(html.contains("<td class=\"name\" dir=\"auto\">Shafaq News</td><td>outlet</td>"));

    // -o writes the same page to a file, nothing to stdout.
    let file = db.dir.path().join("report.html");
    let out = db
        .cmd(&["report", "--format", "html", "-o", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), html);
}

#[test]
fn upcoming_deadlines_form_a_timeline() {
    let db = Db::demo();
    let html = db.ok(&["--as-of", "2026-09-15", "report", "--format", "html"]);
    let timeline = html
        .split("<ol class=\"timeline\">")
        .nth(1)
        .and_then(|t| t.split("</ol>").next())
        .expect("a timeline");
    assert_eq!(timeline.matches("<li>").count(), 2);
    assert!(timeline.contains(
        "<time datetime=\"2026-09-30\">Sep 2026</time> <span class=\"sub\">in 15 days</span>"
    ));
}

#[test]
fn hostile_text_never_becomes_markup_or_a_link() {
    let db = Db::new();
    db.ok(&["source", "add", "\"><script>alert('name')</script>"]);
    db.ok(&[
        "add",
        "<script>alert(1)</script> see javascript:alert(2) [x](javascript:alert(3))",
        "--source",
        "1",
        "--quote",
        "<img src=x onerror=alert(4)>",
        "--lang",
        "ar",
        "--url",
        "https://example.org/a?b=\"><script>alert(5)</script>",
    ]);
    // Another program wrote a javascript: address straight into the file.
    if crate::common::on_postgres() {
        db.execute("INSERT INTO claims (uid, text, speaker_id, url, kind, status, created_at, updated_at, fingerprint) VALUES (gen_random_uuid(), 'second', 1, 'javascript:alert(6)', 'report', 'pending', now(), now(), 'x')");
    } else {
        db.execute("INSERT INTO claims (text, speaker_id, url, kind, status, created_at, updated_at) VALUES ('second', 1, 'javascript:alert(6)', 'report', 'pending', 'x', 'x')");
    }
    let html = db.ok(&["report", "--format", "html"]);
    assert_only_our_markup(&html);
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; see javascript:alert(2)"));
    assert!(html.contains("&lt;img src=x onerror=alert(4)&gt;"));
    assert!(html.contains(
        "<a href=\"https://example.org/a?b=&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;\""
    ));

    let markdown = db.ok(&["report", "--format", "markdown"]);
    assert!(!markdown.contains("<script"), "{markdown}");
    // The stored javascript: address is shown as text, never as a link target.
    assert!(!markdown.contains("(javascript:alert(6)"), "{markdown}");
    assert!(
        markdown.contains("| second |  |  | original |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt; see javascript:alert(2) \\[x\\](javascript:alert(3))"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "[original](https://example.org/a?b=\"%3E%3Cscript%3Ealert%285%29%3C/script%3E)"
        ),
        "{markdown}"
    );
}

/// Debian's Chromium, if this machine has it.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Loads the example report in headless Chromium: it must parse into the
/// page we wrote (the DOM holds the Arabic quote and every section) and
/// render to a screenshot. Skipped where Chromium is not installed, unless
/// CLAIMS_REQUIRE_CHROMIUM is set (CI sets it when it could install it).
#[test]
fn a_real_browser_loads_the_page() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CLAIMS_REQUIRE_CHROMIUM").is_none(),
            "CLAIMS_REQUIRE_CHROMIUM is set but no chromium was found"
        );
        // Straight to the terminal: the test harness captures `eprintln!`.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "chromium is not installed: skipping the browser test"
        );
        return;
    };
    let db = Db::demo();
    let page = db.dir.path().join("report.html");
    db.ok(&["report", "--format", "html", "-o", page.to_str().unwrap()]);
    let url = format!("file://{}", page.display());

    let dom = headless(browser, &db.dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert!(dom.contains("<h1>Claims as of 2026-11-30</h1>"), "{dom}");
    assert!(dom.contains(
        "المرحلة الأولى من الاتفاق تنص على إنهاء مهام التحالف لدى الحكومة المركزية في شهر أيلول 2025"
    ));
    assert_eq!(dom.matches("<article class=\"claim").count(), 8);
    assert!(dom.contains("<rect"));

    let png = db.dir.path().join("report.png");
    let shot = headless(browser, &db.dir.path().join("profile-shot"))
        .arg("--window-size=1100,1600")
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(bytes.len() > 20_000, "a blank page? {} bytes", bytes.len());
}
