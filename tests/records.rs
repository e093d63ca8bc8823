//! Source track records against hand-computed figures, and Admiralty grading.

use serde_json::{json, Value};

use crate::common::{ids, one_error_line, Db};

/// As of 2026-11-30. Minister's claims, all reported by Agency:
///  1 due 2026-03-31, met 2026-03-15               on time
///  2 due 2026-06-30, resolved fulfilled 2026-07-10 10 days late
///  3 due 2026-05-31, moved to 2026-12-31, open    judged on May: 183 days late so far
///  4 due 2026-01-31, resolved failed              missed, no delay
///  5 due 2027-06-30, open                         not due yet
///  6 due 2026-02-28, resolved unverifiable        left out
/// Deputy's claims, also reported by Agency:
///  7 due 2026-10-31, met 2026-10-31               on time (the last day counts)
///  8 due 2026-08-31, met 2026-09-20               20 days late
///  9 due 2026-11-15, open                         overdue, 15 days late
fn track_records() -> Db {
    let db = Db::new();
    db.ok(&["source", "add", "Minister", "--kind", "government"]);
    db.ok(&["source", "add", "Deputy", "--kind", "person"]);
    db.ok(&["source", "add", "Agency", "--kind", "outlet"]);
    db.ok(&["source", "add", "Rumour", "--kind", "anonymous"]);
    let claims = [
        ("Minister", "2026-03-31"),
        ("Minister", "2026-06-30"),
        ("Minister", "2026-05"),
        ("Minister", "2026-01-31"),
        ("Minister", "2027-06-30"),
        ("Minister", "2026-02-28"),
        ("Deputy", "2026-10-31"),
        ("Deputy", "2026-08-31"),
        ("Deputy", "2026-11-15"),
    ];
    for (i, (speaker, due)) in claims.iter().enumerate() {
        let text = format!("claim {}", i + 1);
        db.ok(&[
            "add",
            &text,
            "--source",
            speaker,
            "--reported-by",
            "Agency",
            "--due",
            due,
        ]);
    }
    db.ok(&["deadline", "met", "1.1", "--on", "2026-03-15"]);
    db.ok(&["resolve", "2", "fulfilled", "--on", "2026-07-10"]);
    db.ok(&[
        "deadline",
        "move",
        "3.1",
        "2026-12-31",
        "--note",
        "extended",
    ]);
    db.ok(&["resolve", "4", "failed", "--on", "2026-02-15"]);
    db.ok(&["resolve", "6", "unverifiable", "--on", "2026-03-10"]);
    db.ok(&["deadline", "met", "7.1", "--on", "2026-10-31"]);
    db.ok(&["deadline", "met", "8.1", "--on", "2026-09-20"]);
    db
}

fn figures(record: &Value) -> Value {
    json!({
        "claims": record["claims"],
        "resolved": record["resolved"],
        "fulfilled": record["fulfilled"],
        "failed": record["failed"],
        "unverifiable": record["unverifiable"],
        "overdue": record["overdue"],
        "deadlines_due": record["deadlines_due"],
        "deadlines_met_on_time": record["deadlines_met_on_time"],
        "on_time_share": record["on_time_share"],
        "median_days_late": record["median_days_late"],
    })
}

fn expected(
    claims: i64,
    resolved: i64,
    (fulfilled, failed, unverifiable, overdue): (i64, i64, i64, i64),
    (due, on_time): (i64, i64),
    share: Option<f64>,
    median: Option<f64>,
) -> Value {
    json!({
        "claims": claims,
        "resolved": resolved,
        "fulfilled": fulfilled,
        "failed": failed,
        "unverifiable": unverifiable,
        "overdue": overdue,
        "deadlines_due": due,
        "deadlines_met_on_time": on_time,
        "on_time_share": share,
        "median_days_late": median,
    })
}

#[test]
fn records_match_hand_computed_figures() {
    let db = track_records();
    let list = db.json(&["sources", "--record"]);
    let by_name = |name: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    let minister = by_name("Minister");
    assert_eq!(
        figures(&minister),
        expected(6, 3, (1, 1, 1, 0), (4, 1), Some(0.25), Some(96.5))
    );
    let deputy = by_name("Deputy");
    assert_eq!(
        figures(&deputy),
        expected(3, 0, (0, 0, 0, 1), (3, 1), Some(1.0 / 3.0), Some(17.5))
    );
    // The outlet's record counts every claim it reported, apart from its own.
    let agency = by_name("Agency");
    assert_eq!(
        figures(&agency),
        expected(0, 0, (0, 0, 0, 0), (0, 0), None, None)
    );
    assert_eq!(
        figures(&agency["reported"]),
        expected(9, 3, (1, 1, 1, 1), (7, 2), Some(2.0 / 7.0), Some(17.5))
    );
    let rumour = by_name("Rumour");
    assert_eq!(
        figures(&rumour),
        expected(0, 0, (0, 0, 0, 0), (0, 0), None, None)
    );

    // `source show` and `source list` give the same record.
    let shown = db.json(&["source", "show", "Minister"]);
    assert_eq!(figures(&shown), figures(&minister));
    assert_eq!(db.json(&["source", "list"]), list);

    // The table view: a row per role, shares and delays readable.
    let table = db.ok(&["sources", "--record"]);
    let row = |name: &str, role: &str| -> String {
        table
            .lines()
            .find(|l| l.contains(name) && l.contains(role))
            .unwrap_or_else(|| panic!("{name} {role}:\n{table}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        row("Minister", "speaker"),
        "1 Minister - speaker 6 3 1 0 1 0 1/4 (25%) 96.5 days"
    );
    assert_eq!(
        row("Agency", "outlet"),
        "3 Agency - outlet 9 3 1 0 1 1 2/7 (29%) 17.5 days"
    );
    assert_eq!(
        row("Rumour", "speaker"),
        "4 Rumour - speaker 0 0 0 0 0 0 - -"
    );
    let detail = db.ok(&["source", "show", "Deputy"]);
    assert!(
        detail.contains("deadlines met on time 1/3 (33%), median delay 17.5 days"),
        "{detail}"
    );
}

#[test]
fn records_follow_the_as_of_date() {
    let db = track_records();
    // The record as it stood on 2026-06-01: 1 met on time (2026-03-15), 4
    // failed (2026-02-15); 2 was fulfilled only on 2026-07-10, so it is
    // pending and not yet due; 3 was moved only on 2026-11-30, so it is
    // due 2026-05-31 and 1 day late; 5 is not due; 6 is unverifiable.
    let mut list = db.cmd(&["--as-of", "2026-06-01", "--format", "json", "sources"]);
    let out = list.output().unwrap();
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let minister = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Minister")
        .unwrap();
    assert_eq!(minister["deadlines_due"], 3);
    assert_eq!(minister["deadlines_met_on_time"], 1);
    assert_eq!(minister["median_days_late"], 1.0);
    assert_eq!(minister["fulfilled"], 0);
    assert_eq!(minister["pending"], 4);
}

#[test]
fn the_report_carries_the_records_of_its_sources() {
    let db = track_records();
    let report = db.json(&["report"]);
    let agency = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Agency")
        .unwrap();
    assert_eq!(agency["reported"]["deadlines_met_on_time"], 2);
    assert_eq!(agency["reported"]["median_days_late"], 17.5);
    let markdown = db.ok(&["report", "--format", "markdown"]);
    assert!(
        markdown.contains(
            "| Agency | outlet | outlet | - | 9 | 3 | 1 | 0 | 1 | 1 | 2/7 (29%) | 17.5 days |"
        ),
        "{markdown}"
    );
}

#[test]
fn grades_are_stored_shown_and_filtered() {
    let db = Db::new();
    db.ok(&["source", "add", "Ministry", "--reliability", "b"]);
    db.ok(&["source", "add", "Blogger", "--reliability", "E"]);
    db.ok(&["source", "add", "مصدر أمني عراقي"]);
    let claim = db.json(&[
        "add",
        "Troops leave",
        "--source",
        "Ministry",
        "--credibility",
        "2",
    ]);
    assert_eq!(claim["credibility"], 2);
    assert_eq!(claim["source"]["reliability"], "B");
    db.ok(&[
        "add",
        "Troops stay",
        "--source",
        "Blogger",
        "--credibility",
        "5",
    ]);
    db.ok(&["add", "قافلة غادرت", "--source", "مصدر أمني عراقي"]);

    let shown = db.ok(&["show", "1"]);
    assert!(
        shown.contains("grade        B2 (source usually reliable; claim probably true)"),
        "{shown}"
    );
    let list = db.ok(&["list"]);
    assert!(list.lines().next().unwrap().contains("GRADE"), "{list}");
    assert!(list.contains("E5"), "{list}");

    assert_eq!(ids(&db.json(&["list", "--reliability", "A,B"])), vec![1]);
    assert_eq!(
        ids(&db.json(&["list", "--reliability", "b, e"])),
        vec![1, 2]
    );
    assert_eq!(ids(&db.json(&["list", "--credibility", "5"])), vec![2]);
    assert_eq!(
        ids(&db.json(&["list", "--reliability", "B", "--credibility", "5"])),
        Vec::<i64>::new()
    );
    let sources = db.json(&["sources", "--reliability", "E"]);
    assert_eq!(sources.as_array().unwrap().len(), 1);
    assert_eq!(sources[0]["name"], "Blogger");
    assert_eq!(sources[0]["claims"], 1);

    // Editing: a new grade, then an empty one clears it.
    let edited = db.json(&["edit", "1", "--credibility", "1"]);
    assert_eq!(edited["credibility"], 1);
    let cleared = db.json(&["edit", "1", "--credibility", ""]);
    assert_eq!(cleared["credibility"], Value::Null);
    let source = db.json(&["source", "edit", "Ministry", "--reliability", ""]);
    assert_eq!(source["reliability"], Value::Null);
    // Without any grade the list has no grade column.
    db.ok(&["edit", "2", "--credibility", ""]);
    db.ok(&["source", "edit", "Blogger", "--reliability", ""]);
    assert!(!db.ok(&["list"]).contains("GRADE"));
}

#[test]
fn bad_grades_are_refused_and_change_nothing() {
    let db = Db::with_sources();
    db.ok(&["add", "x", "--source", "1"]);
    let before = db.bytes();
    let cases: &[(&[&str], &str)] = &[
        (
            &["source", "add", "New", "--reliability", "G"],
            "error: invalid --reliability `G`: expected a reliability grade A to F (A completely reliable … E unreliable, F cannot be judged)",
        ),
        (
            &["source", "edit", "1", "--reliability", "AB"],
            "error: invalid --reliability `AB`: expected a reliability grade A to F (A completely reliable … E unreliable, F cannot be judged)",
        ),
        (
            &["add", "y", "--source", "1", "--credibility", "7"],
            "error: invalid --credibility `7`: expected a credibility grade 1 to 6 (1 confirmed … 5 improbable, 6 cannot be judged)",
        ),
        (
            &["edit", "1", "--credibility", "two"],
            "error: invalid --credibility `two`: expected a credibility grade 1 to 6 (1 confirmed … 5 improbable, 6 cannot be judged)",
        ),
        (
            &["list", "--reliability", "A,Z"],
            "error: invalid --reliability `Z`: expected a reliability grade A to F (A completely reliable … E unreliable, F cannot be judged)",
        ),
    ];
    for (args, message) in cases {
        let (code, err) = db.fails(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(one_error_line(&err), *message, "{args:?}");
        assert_eq!(db.bytes(), before, "{args:?} changed the database");
    }
}

#[test]
fn grades_travel_through_export_and_import() {
    let db = Db::new();
    db.ok(&["source", "add", "Ministry", "--reliability", "C"]);
    db.ok(&[
        "add",
        "Troops leave",
        "--source",
        "Ministry",
        "--credibility",
        "3",
    ]);
    for format in ["json", "csv"] {
        let exported = db.dir.path().join(format!("out.{format}"));
        let text = db.ok(&["export", "--format", format]);
        std::fs::write(&exported, &text).unwrap();
        let other = Db::new();
        other.ok(&["import", exported.to_str().unwrap()]);
        let claim = other.json(&["show", "1"]);
        assert_eq!(claim["credibility"], 3, "{format}");
        assert_eq!(claim["source"]["reliability"], "C", "{format}");
    }
    let (code, err) = {
        let bad = db.dir.path().join("bad.jsonl");
        std::fs::write(
            &bad,
            r#"{"text": "x", "source": {"name": "S", "reliability": "Q"}, "credibility": 9}"#,
        )
        .unwrap();
        db.fails(&["import", bad.to_str().unwrap()])
    };
    assert_eq!(code, 1);
    assert!(
        err.contains("invalid source.reliability `Q`: expected A to F")
            && err.contains("1 more problem"),
        "{err}"
    );
}

#[test]
fn every_write_keeps_the_record_counts_true_and_check_catches_drift() {
    let db = track_records();
    // Writes that move claims between sources, statuses and deadlines.
    db.ok(&["edit", "8", "--source", "Minister", "--reported-by", ""]);
    db.ok(&["reopen", "2", "--note", "not delivered after all"]);
    db.ok(&["resolve", "9", "fulfilled", "--on", "2026-11-20"]);
    db.ok(&["deadline", "remove", "4.1"]);
    db.ok(&["deadline", "add", "5", "2026-10-31"]);
    db.ok(&["remove", "1", "--yes"]);
    assert!(db.ok(&["check"]).starts_with("ok: 8 claims"));
    let minister = db
        .json(&["source", "show", "Minister"])
        .as_object()
        .unwrap()
        .clone();
    // Minister now: 2 (reopened, so undelivered: open since 2026-06-30, 153
    // days), 3 (183 days, not overdue: moved to December), 5 (its new
    // 2026-10-31 deadline, 30 days), 8 (from Deputy, met 20 days late);
    // 4 has no deadline left, 6 is unverifiable. Median of 20, 30, 153, 183.
    assert_eq!(minister["deadlines_due"], 4);
    assert_eq!(minister["deadlines_met_on_time"], 0);
    assert_eq!(minister["median_days_late"], 91.5);
    assert_eq!(minister["overdue"], 2);

    // Derived rows edited behind claims' back are reported, one rule each.
    for (table, sql, rule) in [
        (
            "deadline_facts",
            "UPDATE deadline_facts SET first_due = '2020-01-31' WHERE deadline_id = 3",
            "deadlines whose track-record facts are wrong: 3",
        ),
        (
            "record_delivered",
            "UPDATE record_delivered SET n = n + 1 WHERE late_days = 20",
            "sources whose delivered-deadline counts are wrong: 1",
        ),
        (
            "record_undelivered",
            "DELETE FROM record_undelivered WHERE first_due = '2026-05-31'",
            "sources whose undelivered-deadline counts are wrong: 1",
        ),
        (
            "claim_due_counts",
            "UPDATE claim_due_counts SET n = n + 5 WHERE role = 'all'",
            "sources whose overdue counts are wrong: 0",
        ),
    ] {
        let copy = db.copy();
        assert!(copy.execute(sql) > 0, "{table}");
        let (code, err) = copy.fails(&["check"]);
        assert_eq!(code, 1, "{table}");
        assert!(err.contains(rule), "{table}: {err}");
    }
}
