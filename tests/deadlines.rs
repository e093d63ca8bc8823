//! `claims deadline ...`

use serde_json::{json, Value};

use crate::common::{ids, one_error_line, Db};

#[test]
fn add_prints_the_created_deadline() {
    let db = Db::with_sources();
    db.ok(&["add", "Phased withdrawal", "--source", "1"]);
    let out = db.json(&["deadline", "add", "1", "2026-Q4", "--label", "phase 2"]);
    assert_eq!(
        out,
        json!({"id": 1, "claim_id": 1, "due": "2026-12-31", "precision": "quarter", "label": "phase 2", "met_on": null, "as_written": "2026-Q4", "ref": "1.1"})
    );
    assert!(db.ok(&["show", "1"]).contains("2026-Q4"));
    let (code, err) = db.fails(&["deadline", "add", "9", "2027"]);
    assert_eq!(code, 1);
    assert_eq!(one_error_line(&err), "error: no claim with id 9");
}

#[test]
fn a_met_deadline_is_no_longer_overdue() {
    let db = Db::with_sources();
    db.ok(&[
        "add",
        "Phase 1 and 2",
        "--source",
        "1",
        "--due",
        "2025-09",
        "--due",
        "2027-09",
    ]);
    assert_eq!(db.json(&["show", "1"])["overdue"], true);
    let out = db.json(&["deadline", "met", "1.1", "--on", "2025-09-20"]);
    assert_eq!(out["overdue"], false);
    assert_eq!(out["deadlines"][0]["met_on"], "2025-09-20");
    assert_eq!(out["next_due"], "2027-09-30");
    assert_eq!(out["history"][1]["event"], "deadline_met");
    let (code, err) = db.fails(&["deadline", "met", "1.1"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: deadline 1.1 was already met on 2025-09-20"
    );
}

#[test]
fn a_moved_deadline_is_judged_against_the_new_date() {
    let db = Db::with_sources();
    db.ok(&[
        "add",
        "Withdrawal",
        "--source",
        "1",
        "--due",
        "September 2026",
    ]);
    assert_eq!(db.json(&["show", "1"])["overdue"], true);
    let out = db.json(&[
        "deadline",
        "move",
        "1.1",
        "2027-03",
        "--note",
        "extended by the government",
    ]);
    assert_eq!(out["overdue"], false);
    assert_eq!(out["deadlines"][0]["due"], "2027-03-31");
    let moved = &out["history"][1];
    assert_eq!(moved["event"], "deadline_moved");
    assert_eq!(moved["deadline_id"], 1);
    assert_eq!(moved["old_due"], "2026-09-30");
    assert_eq!(moved["new_due"], "2027-03-31");
    assert_eq!(moved["note"], "extended by the government");
    assert_eq!(moved["at"], "2026-11-30");
    assert!(db
        .ok(&["show", "1"])
        .contains("deadline 1.1 moved 2026-09-30 → 2027-03-31"));
}

#[test]
fn remove_deletes_only_that_deadline() {
    let db = Db::with_sources();
    db.ok(&[
        "add", "Two", "--source", "1", "--due", "2025-09", "--due", "2027",
    ]);
    assert_eq!(
        db.json(&["deadline", "remove", "1.1"]),
        json!({"removed": "deadline", "id": 1, "ref": "1.1"})
    );
    let out = db.json(&["show", "1"]);
    assert_eq!(out["deadlines"].as_array().unwrap().len(), 1);
    assert_eq!(out["overdue"], Value::Bool(false));
    let (code, err) = db.fails(&["deadline", "remove", "1.1"]);
    assert_eq!(code, 1);
    assert_eq!(one_error_line(&err), "error: no deadline 1.1");
}

/// A relative date counts from the day the claim was said, when it is known
/// ("أيلول المقبل" in a report of 2025-08-18 is September 2025), and is kept
/// as written beside the period it was read as.
#[test]
fn relative_deadlines_count_from_when_they_were_said() {
    let db = Db::with_sources();
    let said = |due: &str| {
        db.json(&[
            "add",
            "x",
            "--source",
            "1",
            "--said-on",
            "2025-08-18",
            "--due",
            due,
        ])
    };
    for phrase in ["next September", "أيلول المقبل"] {
        let out = said(phrase);
        assert_eq!(out["deadlines"][0]["due"], "2025-09-30", "{phrase}");
        assert_eq!(out["deadlines"][0]["as_written"], phrase);
    }
    assert_eq!(said("+30d")["deadlines"][0]["due"], "2025-09-17");
    // The phrases of real reporting count from that day too.
    for (phrase, due, precision) in [
        ("خلال ثلاثة أشهر", "2025-11-18", "day"),
        ("الشهر المقبل", "2025-09-30", "month"),
        ("العام القادم", "2026-12-31", "year"),
        ("الاثنين المقبل", "2025-08-25", "day"),
        ("30/09/2025", "2025-09-30", "day"),
    ] {
        let out = said(phrase);
        assert_eq!(out["deadlines"][0]["due"], due, "{phrase}");
        assert_eq!(out["deadlines"][0]["precision"], precision, "{phrase}");
        assert_eq!(out["deadlines"][0]["as_written"], phrase);
    }
    let (code, err) = db.fails(&["add", "x", "--source", "1", "--due", "09/30/2025"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: invalid --due `09/30/2025`: reads only as month 9, day 30: dates with `/` are \
         day/month/year, as in 30/09/2026"
    );
    // Not known when it was said: from the as-of date (2026-11-30).
    let unknown = db.json(&["add", "y", "--source", "1", "--due", "next September"]);
    assert_eq!(unknown["deadlines"][0]["due"], "2027-09-30");
    // deadline add counts from the claim's said date too.
    let added = db.json(&["deadline", "add", "1", "+30d"]);
    assert_eq!(added["due"], "2025-09-17");
    assert!(db.ok(&["show", "2"]).contains("أيلول المقبل"));

    // Import reads relative phrases from the record's said_on, and export
    // and import keep the phrase.
    let file = db.dir.path().join("in.json");
    std::fs::write(
        &file,
        r#"[{"text": "z", "source": {"name": "S"}, "said_on": "2025-08-18",
             "deadlines": [{"due": "أيلول المقبل"}]}]"#,
    )
    .unwrap();
    let other = Db::new();
    other.ok(&["import", file.to_str().unwrap()]);
    let exported = other.json(&["export"]);
    assert_eq!(exported[0]["deadlines"][0]["due"], "2025-09-30");
    assert_eq!(exported[0]["deadlines"][0]["as_written"], "أيلول المقبل");
    let again = db.dir.path().join("again.json");
    std::fs::write(&again, exported.to_string()).unwrap();
    let third = Db::new();
    third.ok(&["import", again.to_str().unwrap()]);
    // The same records, but for the UUID of the database they came from.
    let mut back = third.json(&["export"]);
    let mut exported = exported;
    back[0].as_object_mut().unwrap().remove("database");
    exported[0].as_object_mut().unwrap().remove("database");
    assert_eq!(back, exported);
}

/// Deadlines are named by claim: `3.1` is claim 3's first. A bare number
/// (a global id) is refused with that claim's deadlines listed, so a slip
/// cannot move another claim's deadline; numbers are never given twice.
#[test]
fn deadlines_are_named_by_claim_and_number() {
    let db = Db::demo();
    // Global deadline 3 belongs to claim 6.
    let before = db.bytes();
    let (code, err) = db.fails(&[
        "deadline",
        "move",
        "3",
        "2027-01",
        "--note",
        "claim 3 extended",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: invalid deadline `3`: name a deadline by claim and number: claim 6 has 6.1 (Sep 2025)"
    );
    assert_eq!(db.bytes(), before);
    let moved = db.json(&[
        "deadline",
        "move",
        "3.1",
        "2027-01",
        "--note",
        "claim 3 extended",
    ]);
    assert_eq!(moved["id"], 3);
    assert_eq!(moved["deadlines"][0]["ref"], "3.1");
    assert_eq!(moved["deadlines"][0]["due"], "2027-01-31");
    assert!(db
        .ok(&["show", "3"])
        .contains("deadline 3.1 moved 2025-09-30 → 2027-01-31"));
    let (_, err) = db.fails(&["deadline", "met", "3.2"]);
    assert_eq!(one_error_line(&err), "error: no deadline 3.2");
    // A removed deadline's number stays spent.
    assert_eq!(db.json(&["deadline", "add", "3", "2027-06"])["ref"], "3.2");
    db.ok(&["deadline", "remove", "3.2"]);
    assert_eq!(db.json(&["deadline", "add", "3", "2027-09"])["ref"], "3.3");
    assert!(db.ok(&["show", "3"]).contains("3.3"));
    assert!(db.ok(&["check"]).starts_with("ok: 8 claims"));
}

/// The periods of real reporting (parts of a month or a year, half years,
/// Hijri months) keep their precision, show as a phrase that reads back, are
/// overdue from the day after their end, and come back whole from an
/// export in JSON and in CSV.
#[test]
fn parts_halves_and_hijri_periods_are_kept_shown_and_exchanged() {
    let db = Db::with_sources();
    let cases = [
        ("نهاية العام", "2025-12-31", "late-year", "late 2025"),
        ("بحلول نهاية العام", "2025-12-31", "year", "2025"),
        ("أوائل أيلول", "2025-09-10", "early-month", "early Sep 2025"),
        ("منتصف 2026", "2026-08-31", "mid-year", "mid 2026"),
        (
            "النصف الأول من العام المقبل",
            "2026-06-30",
            "half",
            "2026-H1",
        ),
        (
            "رمضان 1447 هـ",
            "2026-03-19",
            "hijri-month",
            "Ramadan 1447 AH",
        ),
    ];
    for (i, (phrase, due, precision, shown)) in cases.iter().enumerate() {
        let out = db.json(&[
            "add",
            &format!("claim {i}"),
            "--source",
            "1",
            "--said-on",
            "2025-08-18",
            "--due",
            phrase,
        ]);
        let deadline = &out["deadlines"][0];
        assert_eq!(deadline["due"], *due, "{phrase}");
        assert_eq!(deadline["precision"], *precision, "{phrase}");
        assert_eq!(deadline["as_written"], *phrase);
        let id = out["id"].to_string();
        assert!(db.ok(&["show", &id]).contains(shown), "{phrase}: {shown}");
    }
    // Early September 2025 is days 1 to 10: overdue from the 11th.
    assert!(!ids(&db.json(&["--as-of", "2025-09-10", "overdue"])).contains(&3));
    assert!(ids(&db.json(&["--as-of", "2025-09-11", "overdue"])).contains(&3));

    let key = |records: &Value| -> Vec<(Value, Value, Value)> {
        let mut keys: Vec<_> = records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let d = &r["deadlines"][0];
                (r["text"].clone(), d["due"].clone(), d["precision"].clone())
            })
            .collect();
        keys.sort_by_key(|k| k.0.to_string());
        keys
    };
    let expected = key(&db.json(&["export"]));
    for format in ["jsonl", "csv"] {
        let file = db.dir.path().join(format!("periods.{format}"));
        std::fs::write(&file, db.ok(&["export", "--format", format])).unwrap();
        let other = Db::new();
        other.ok(&["import", file.to_str().unwrap()]);
        assert_eq!(key(&other.json(&["export"])), expected, "{format}");
    }
    let csv = db.ok(&["export", "--format", "csv"]);
    assert!(csv.contains("Ramadan 1447 AH"), "{csv}");
}
