//! `claims upcoming`, `overdue`, `report`.

use crate::common::{ids, Db};

fn three_deadlines() -> Db {
    let db = Db::with_sources();
    db.ok(&["add", "In ten days", "--source", "1", "--due", "2026-12-10"]);
    db.ok(&["add", "Next quarter", "--source", "1", "--due", "2027-Q1"]);
    db.ok(&["add", "Today", "--source", "1", "--due", "today"]);
    db.ok(&["add", "Done early", "--source", "1", "--due", "2026-12-05"]);
    db.ok(&["resolve", "4", "fulfilled"]);
    db
}

#[test]
fn upcoming_looks_ahead_from_the_as_of_date() {
    let db = three_deadlines();
    assert_eq!(ids(&db.json(&["upcoming"])), vec![3, 1]);
    assert_eq!(
        ids(&db.json(&["upcoming", "--within", "6m"])),
        vec![3, 1, 2]
    );
    assert_eq!(ids(&db.json(&["upcoming", "--within", "1w"])), vec![3]);
    assert_eq!(
        ids(&db.json(&["--as-of", "2026-12-11", "upcoming", "--within", "1y"])),
        vec![2]
    );
    let table = db.ok(&["upcoming"]);
    assert!(table.contains("2026-11-30  today"), "{table}");
    assert!(table.contains("2026-12-10  in 10 days"), "{table}");
}

#[test]
fn overdue_starts_the_day_after_the_period() {
    let db = three_deadlines();
    assert_eq!(ids(&db.json(&["overdue"])), Vec::<i64>::new());
    assert_eq!(
        ids(&db.json(&["--as-of", "2026-12-01", "overdue"])),
        vec![3]
    );
    let later = db.json(&["--as-of", "2027-04-01", "overdue"]);
    assert_eq!(ids(&later), vec![3, 1, 2]);
    assert_eq!(later[0]["days_overdue"], 122);
    assert_eq!(later[2]["days_overdue"], 1);
}

#[test]
fn report_has_every_section() {
    let db = three_deadlines();
    db.ok(&["add", "No deadline", "--source", "2"]);
    let report = db.json(&["--as-of", "2026-12-01", "report"]);
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "as_of",
        "counts",
        "overdue",
        "upcoming",
        "no_deadline",
        "sources",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert_eq!(report["as_of"], "2026-12-01");
    assert_eq!(
        report["counts"],
        serde_json::json!({"total": 5, "pending": 3, "overdue": 1, "fulfilled": 1, "partial": 0,
            "failed": 0, "retracted": 0, "unverifiable": 0})
    );
    assert_eq!(ids(&report["overdue"]), vec![3]);
    assert_eq!(ids(&report["upcoming"]), vec![1]);
    assert_eq!(ids(&report["no_deadline"]), vec![5]);
    let sources = report["sources"].as_array().unwrap();
    let speaker = sources.iter().find(|s| s["id"] == 1).unwrap();
    assert_eq!(speaker["claims"], 4);
    assert_eq!(speaker["fulfilled"], 1);
    assert_eq!(speaker["pending"], 3);
    assert_eq!(speaker["overdue"], 1);
    let table = db.ok(&["--as-of", "2026-12-01", "report"]);
    for heading in [
        "Claims as of 2026-12-01",
        "Overdue (1)",
        "Upcoming until 2026-12-31 (1)",
        "Pending without an open deadline (1)",
        "Sources",
    ] {
        assert!(table.contains(heading), "{heading} missing:\n{table}");
    }
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let db = crate::common::Db::demo();
    let forced = db
        .cmd(&["overdue"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8(forced.stdout)
        .unwrap()
        .contains("\x1b[31moverdue\x1b[0m"));
    // Not a terminal (a pipe), no CLICOLOR_FORCE: plain.
    let piped = db
        .cmd(&["overdue"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!piped.stdout.contains(&0x1b));
    // NO_COLOR wins over CLICOLOR_FORCE.
    let both = db
        .cmd(&["overdue"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!both.stdout.contains(&0x1b));
}

#[test]
fn overdue_and_upcoming_take_a_limit() {
    let db = crate::common::Db::demo();
    assert_eq!(ids(&db.json(&["overdue", "--limit", "2"])), vec![3, 6]);
    let before = db.json(&[
        "--as-of",
        "2025-08-01",
        "upcoming",
        "--within",
        "2y",
        "--limit",
        "3",
    ]);
    assert_eq!(ids(&before), vec![3, 6, 5]);
}

#[test]
fn report_lists_the_first_claims_and_counts_them_all() {
    let db = crate::common::Db::demo();
    let report = db.json(&["report", "--limit", "1", "--sources", "2"]);
    assert_eq!(ids(&report["overdue"]), vec![3]);
    assert_eq!(report["counts"]["overdue"], 4);
    assert_eq!(ids(&report["no_deadline"]), vec![1]);
    assert_eq!(report["no_deadline_count"], 4);
    assert_eq!(report["upcoming_count"], 0);
    // The busiest sources: the outlet (8 reported), then the government source (3).
    let names: Vec<&str> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Shafaq News", "مصدر حكومي عراقي"]);
    let table = db.ok(&["report", "--limit", "1"]);
    assert!(table.contains("Overdue (4, first 1)"), "{table}");
}

/// Every format counts a section the same way: all of it, and how many are shown.
#[test]
fn report_sections_count_alike_in_every_format() {
    let db = Db::demo();
    let table = db.ok(&["report", "--limit", "1"]);
    assert!(
        table.contains("Pending without an open deadline (4, first 1)"),
        "{table}"
    );
    let markdown = db.ok(&["--format", "markdown", "report", "--limit", "1"]);
    assert!(
        markdown.contains("## Pending without an open deadline (4, first 1)"),
        "{markdown}"
    );
    let html = db.ok(&["--format", "html", "report", "--limit", "1"]);
    assert!(
        html.contains("Pending without an open deadline (4, first 1)"),
        "{html}"
    );
}
