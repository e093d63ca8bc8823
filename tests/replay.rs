//! Replays of the example report: the record as it stood on a day
//! (`--as-of`) and as the database said it on a day (`--known-on`), after a
//! scripted year of changes, each written on the day it was made.

use serde_json::Value;

use crate::common::Db;

/// The example report loaded on the day it was published, then changed on
/// later days, each change written that day.
fn a_year_of_changes() -> Db {
    let db = Db::new();
    let on = |day: &str, args: &[&str]| {
        let mut cmd = db.cmd(&[&["--as-of", day][..], args].concat());
        let out = cmd
            .env("CLAIMS_CLOCK", format!("{day}T12:00:00Z"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    on("2025-08-18", &["demo"]);
    // The convoy was confirmed; phase one was extended, then met.
    on(
        "2025-09-10",
        &[
            "resolve",
            "1",
            "fulfilled",
            "--evidence",
            "https://example.org/convoy",
        ],
    );
    on(
        "2025-09-20",
        &[
            "deadline",
            "move",
            "6.1",
            "2026-01",
            "--note",
            "phase one extended",
        ],
    );
    on("2025-10-15", &["resolve", "3", "failed"]);
    on(
        "2026-02-01",
        &["deadline", "met", "6.1", "--on", "2026-01-25"],
    );
    // A resolution typed into the wrong claim, undone the next day.
    on("2026-03-01", &["resolve", "2", "failed"]);
    on("2026-03-02", &["undo", "2", "--note", "meant claim 3"]);
    // The opinion was the committee chair's, not the committee's.
    on(
        "2026-05-01",
        &[
            "source",
            "add",
            "رئيس لجنة الأمن والدفاع",
            "--kind",
            "person",
        ],
    );
    on(
        "2026-05-01",
        &["edit", "8", "--source", "رئيس لجنة الأمن والدفاع"],
    );
    on("2026-10-05", &["resolve", "7", "partial"]);
    db
}

fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

fn statuses(db: &Db, view: &[&str]) -> Vec<(i64, String)> {
    let list = db.json(&[view, &["list"]].concat());
    let mut all: Vec<(i64, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

fn status_of(all: &[(i64, String)], id: i64) -> &str {
    &all.iter().find(|(i, _)| *i == id).unwrap().1
}

#[test]
fn the_example_report_replays_as_it_stood() {
    let db = a_year_of_changes();
    let today = ["--as-of", "2026-12-01"];

    // 2025-08-31: as published; nothing due yet.
    let view = ["--as-of", "2025-08-31"];
    assert!(statuses(&db, &view).iter().all(|(_, s)| s == "pending"));
    assert!(ids_of(&db.json(&[&view[..], &["overdue"]].concat())).is_empty());
    let six = db.json(&[&view[..], &["show", "6"]].concat());
    assert_eq!(six["deadlines"][0]["due"], "2025-09-30");
    assert_eq!(six["history"].as_array().unwrap().len(), 1);

    // 2025-10-01: the convoy confirmed; phase one moved, so only claim 3's
    // September deadline has passed.
    let view = ["--as-of", "2025-10-01"];
    let all = statuses(&db, &view);
    assert_eq!(status_of(&all, 1), "fulfilled");
    assert_eq!(status_of(&all, 3), "pending");
    assert_eq!(ids_of(&db.json(&[&view[..], &["overdue"]].concat())), [3]);
    let six = db.json(&[&view[..], &["show", "6"]].concat());
    assert_eq!(six["deadlines"][0]["due"], "2026-01-31");
    assert_eq!(six["overdue"], false);
    let report = db.json(&[&view[..], &["report"]].concat());
    assert_eq!(report["counts"]["fulfilled"], 1);
    assert_eq!(report["counts"]["overdue"], 1);

    // 2026-10-01: 3 failed, phase one met, the mistaken resolution of 2
    // never counts (it is void), the opinion is the chair's; the two
    // September 2026 deadlines have passed.
    let view = ["--as-of", "2026-10-01"];
    let all = statuses(&db, &view);
    assert_eq!(status_of(&all, 2), "pending");
    assert_eq!(status_of(&all, 3), "failed");
    assert_eq!(status_of(&all, 7), "pending");
    assert_eq!(
        ids_of(&db.json(&[&view[..], &["overdue"]].concat())),
        [5, 7]
    );
    let eight = db.json(&[&view[..], &["show", "8"]].concat());
    assert_eq!(eight["source"]["name"], "رئيس لجنة الأمن والدفاع");
    let before = db.json(&["--as-of", "2026-04-30", "show", "8"]);
    assert_eq!(
        before["source"]["name"],
        "لجنة الأمن والدفاع في البرلمان العراقي"
    );
    let report = db.json(&[&view[..], &["report"]].concat());
    assert_eq!(report["counts"]["failed"], 1);
    assert_eq!(report["counts"]["overdue"], 2);

    // Today: 7 partly delivered; 5 is the one overdue claim.
    let all = statuses(&db, &today);
    assert_eq!(status_of(&all, 7), "partial");
    assert_eq!(ids_of(&db.json(&[&today[..], &["overdue"]].concat())), [5]);
    let report = db.json(&[&today[..], &["report"]].concat());
    assert_eq!(report["counts"]["total"], 8);
    assert_eq!(report["counts"]["partial"], 1);
    // The government source's record as it stood on 2025-10-01 and today:
    // phase one's deadline (first due 2025-09-30) was met in January.
    let source = |view: &[&str]| db.json(&[view, &["source", "show", "مصدر حكومي عراقي"]].concat());
    let then = source(&["--as-of", "2025-10-01"]);
    assert_eq!(then["deadlines_due"], 1);
    assert_eq!(then["deadlines_met_on_time"], 0);
    let now = source(&today);
    assert_eq!(now["deadlines_met_on_time"], 0);
    assert_eq!(now["partial"], 1);
}

#[test]
fn known_on_reproduces_what_the_database_said() {
    let db = a_year_of_changes();
    // On 2026-03-01 the database said claim 2 had failed: the undo came
    // the next day. The speaker edit and 7's outcome were not written yet.
    let view = ["--as-of", "2026-12-01", "--known-on", "2026-03-01"];
    let all = statuses(&db, &view);
    assert_eq!(status_of(&all, 2), "failed");
    assert_eq!(status_of(&all, 7), "pending");
    let two = db.json(&[&view[..], &["show", "2"]].concat());
    assert!(two["history"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["voided"] == false));
    let eight = db.json(&[&view[..], &["show", "8"]].concat());
    assert_eq!(
        eight["source"]["name"],
        "لجنة الأمن والدفاع في البرلمان العراقي"
    );
    assert_eq!(
        ids_of(&db.json(&[&view[..], &["overdue"]].concat())),
        [5, 7]
    );

    // On 2025-09-15, only the convoy was confirmed; phase one had not been
    // moved, so judged today it is long overdue.
    let view = ["--as-of", "2026-12-01", "--known-on", "2025-09-15"];
    let all = statuses(&db, &view);
    assert_eq!(status_of(&all, 1), "fulfilled");
    assert_eq!(status_of(&all, 3), "pending");
    let overdue = ids_of(&db.json(&[&view[..], &["overdue"]].concat()));
    assert_eq!(overdue, [3, 6, 5, 7]);
    // Before the report was loaded the database had no claims.
    let empty = db.json(&["--as-of", "2026-12-01", "--known-on", "2025-08-17", "list"]);
    assert_eq!(empty, serde_json::json!([]));
    let (code, err) = db.fails(&["--known-on", "2025-08-17", "show", "1"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("claim 1 was not yet in the database on 2025-08-17"),
        "{err}"
    );
    // A view cannot write.
    let (code, _) = db.fails(&["--known-on", "2025-09-15", "resolve", "5", "failed"]);
    assert_eq!(code, 2);
}

#[test]
fn a_claim_said_after_the_day_is_absent() {
    let db = Db::demo();
    db.ok(&[
        "add",
        "Later statement",
        "--source",
        "1",
        "--said-on",
        "2026-06-01",
        "--due",
        "2026-07",
    ]);
    let before = db.json(&["--as-of", "2026-05-31", "list"]);
    assert!(!ids_of(&before).contains(&9));
    let report = db.json(&["--as-of", "2026-05-31", "report"]);
    assert_eq!(report["counts"]["total"], 8);
    let after = db.json(&["--as-of", "2026-08-01", "overdue"]);
    assert!(ids_of(&after).contains(&9));
    let (code, err) = db.fails(&["--as-of", "2026-05-31", "show", "9"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("claim 9 was said on 2026-06-01, after 2026-05-31"),
        "{err}"
    );
}

/// The record of a past day is read from the day tables when the view has
/// no `known_on`, and replayed claim by claim when it has: the two must
/// agree on every day, for every list and count.
#[test]
fn the_day_tables_agree_with_the_replay_of_every_day() {
    let db = a_year_of_changes();
    let mut days: Vec<String> = Vec::new();
    for year in [2025, 2026] {
        for month in 1..=12 {
            for day in [1, 15, 28] {
                days.push(format!("{year}-{month:02}-{day:02}"));
            }
        }
    }
    // The days things happened, and the days before them.
    days.extend(
        [
            "2025-08-17",
            "2025-08-18",
            "2025-09-09",
            "2025-09-10",
            "2025-09-19",
            "2025-09-20",
            "2025-10-14",
            "2025-10-15",
            "2026-01-24",
            "2026-01-25",
            "2026-02-28",
            "2026-03-01",
            "2026-03-02",
            "2026-04-30",
            "2026-05-01",
            "2026-10-04",
            "2026-10-05",
        ]
        .map(String::from),
    );
    for day in &days {
        for command in [
            &["report", "--within", "120d"][..],
            &["overdue"],
            &["upcoming", "--within", "120d"],
            &["sources"],
            &["list"],
        ] {
            let by_day = db.json(&[&["--as-of", day.as_str()][..], command].concat());
            let replayed = db.json(
                &[
                    &["--as-of", day.as_str(), "--known-on", "2026-12-31"][..],
                    command,
                ]
                .concat(),
            );
            assert_eq!(by_day, replayed, "{command:?} as of {day}");
        }
    }
    // And `check` recomputes them to the same rows.
    db.ok(&["check"]);
}
