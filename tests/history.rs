//! The event history: every change an event with when it happened, when it
//! was written and by whom; notes, undo, the log, several speakers.

use serde_json::Value;

use crate::common::{ids, one_error_line, Db};

fn events(db: &Db, id: &str) -> Vec<Value> {
    db.json(&["show", id])["history"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_edit_records_each_field_with_old_and_new_values() {
    let db = Db::demo();
    let before = db.json(&["show", "1"]);
    db.ok(&[
        "--by",
        "rana",
        "edit",
        "1",
        "--text",
        "A convoy left Ain al-Asad",
        "--source",
        "مصدر حكومي عراقي",
        "--untag",
        "syria",
        "--tag",
        "convoy",
        "--on",
        "2026-11-29",
    ]);
    let history = events(&db, "1");
    let edits: Vec<&Value> = history.iter().filter(|e| e["event"] == "edited").collect();
    let fields: Vec<&str> = edits.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["text", "speakers", "tags"]);
    assert_eq!(edits[0]["old"], before["text"]);
    assert_eq!(edits[0]["new"], "A convoy left Ain al-Asad");
    assert_eq!(edits[1]["old"], format!("[{}]", before["source"]["id"]));
    assert_eq!(edits[2]["new"], r#"["ain-al-asad","convoy","withdrawal"]"#);
    for edit in &edits {
        assert_eq!(edit["at"], "2026-11-29");
        assert_eq!(edit["by"], "rana");
        assert!(edit["recorded_at"].as_str().unwrap().ends_with('Z'));
    }
    // The same values again change nothing and say so.
    let (code, err) = db.fails(&["edit", "1", "--text", "A convoy left Ain al-Asad"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: claim 1 already has these values; nothing was changed"
    );
}

#[test]
fn the_writer_comes_from_by_then_claims_user() {
    let db = Db::demo();
    if crate::common::on_postgres() {
        // The server says who writes: its role, whatever the environment says.
        db.ok(&["note", "1", "from the environment"]);
        let role = crate::common::writer();
        let history = events(&db, "1");
        assert_eq!(history.last().unwrap()["by"], role.as_str());
        // (`cmd` would connect as `omar`: the flag is added after it.)
        let out = db
            .cmd(&[])
            .args(["--by", "omar", "note", "1", "from the flag"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            crate::common::one_error_line(&err),
            format!(
                "error: --by cannot be given on PostgreSQL: changes are recorded as your \
                 database role `{role}` (connect as another role to write as it)"
            )
        );
        // Reading the log by writer is a filter, and allowed.
        assert!(!db
            .json(&["--by", &role, "log"])
            .as_array()
            .unwrap()
            .is_empty());
        return;
    }
    db.ok(&["note", "1", "from the environment"]);
    db.ok(&["--by", "omar", "note", "1", "from the flag"]);
    let history = events(&db, "1");
    let notes: Vec<(&Value, &Value)> = history
        .iter()
        .filter(|e| e["event"] == "note")
        .map(|e| (&e["note"], &e["by"]))
        .collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].1, "analyst");
    assert_eq!(notes[1].1, "omar");
    // Without a name in the environment, the account's own name.
    let out = db
        .cmd(&["--format", "json", "note", "1", "from the account"])
        .env_remove("CLAIMS_USER")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .output()
        .unwrap();
    assert!(out.status.success());
    let claim: Value = serde_json::from_slice(&out.stdout).unwrap();
    let last = claim["history"].as_array().unwrap().last().unwrap().clone();
    let by = last["by"].as_str().unwrap();
    assert!(!by.is_empty() && by != "analyst", "{by}");
}

#[test]
fn undo_voids_the_latest_change_and_restores_the_claim() {
    let db = Db::demo();
    db.ok(&["resolve", "6", "failed", "--on", "2026-10-01"]);
    db.ok(&["deadline", "move", "7.1", "2027-03", "--note", "extended"]);
    db.ok(&["edit", "7", "--quote", "اقتباس جديد"]);
    // The quote edit is undone first, then the move.
    db.ok(&["undo", "7", "--note", "typed into the wrong claim"]);
    let claim = db.json(&["undo", "7"]);
    assert_eq!(claim["deadlines"][0]["due"], "2026-09-30");
    assert_ne!(claim["quote"], "اقتباس جديد");
    let history = claim["history"].as_array().unwrap();
    let voided: Vec<&str> = history
        .iter()
        .filter(|e| e["voided"] == true)
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(voided, ["deadline_moved", "edited"]);
    let corrections: Vec<&Value> = history
        .iter()
        .filter(|e| e["event"] == "correction")
        .collect();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["note"], "typed into the wrong claim");
    // Nothing is left to undo but the record itself.
    let (code, err) = db.fails(&["undo", "7"]);
    assert_eq!(code, 1);
    assert!(one_error_line(&err).contains("claim 7 has no change left to undo"));
    // The status goes back too, and the claim is overdue again.
    let claim = db.json(&["undo", "6"]);
    assert_eq!(claim["status"], "pending");
    assert_eq!(claim["overdue"], true);
    assert!(db.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn a_removed_deadline_comes_back_with_undo() {
    let db = Db::demo();
    db.ok(&["deadline", "remove", "6.1", "--note", "not a deadline"]);
    assert!(db.json(&["show", "6"])["deadlines"]
        .as_array()
        .unwrap()
        .is_empty());
    let claim = db.json(&["undo", "6"]);
    assert_eq!(claim["deadlines"][0]["ref"], "6.1");
    assert_eq!(claim["deadlines"][0]["due"], "2025-09-30");
    assert_eq!(claim["deadlines"][0]["as_written"], "أيلول 2025");
    assert!(db.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn changes_to_one_thing_are_recorded_in_order() {
    let db = Db::demo();
    db.ok(&["resolve", "6", "failed", "--on", "2026-10-01"]);
    db.ok(&["reopen", "6", "--on", "2026-10-05"]);
    let (code, err) = db.fails(&["resolve", "6", "fulfilled", "--on", "2026-10-02"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: invalid --on `2026-10-02`: is before the last change of the same kind to claim 6 (2026-10-05); record changes in the order they happened, or `claims undo 6` the later one first"
    );
    // Another deadline, or a field, is another thing.
    db.ok(&["deadline", "met", "6.1", "--on", "2025-09-25"]);
}

#[test]
fn the_log_lists_changes_newest_first() {
    let db = Db::demo();
    db.ok(&["--by", "rana", "resolve", "1", "fulfilled"]);
    db.ok(&["--by", "omar", "note", "2", "asked the ministry"]);
    db.ok(&[
        "--by",
        "rana",
        "deadline",
        "met",
        "6.1",
        "--on",
        "2025-09-25",
    ]);
    let log = db.json(&["log", "--limit", "3"]);
    let log = log.as_array().unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["deadline_met", "note", "status"]);
    assert_eq!(log[0]["claim_id"], 6);
    let rana = db.json(&["--by", "rana", "log"]);
    assert_eq!(rana.as_array().unwrap().len(), 2);
    let one = db.json(&["log", "2"]);
    assert!(one.as_array().unwrap().iter().all(|e| e["claim_id"] == 2));
    assert_eq!(
        db.json(&["log", "--since", "2999-01-01"]),
        serde_json::json!([])
    );
    let table = db.ok(&["log", "--limit", "1"]);
    assert!(table.contains("deadline 6.1 met"), "{table}");
    assert!(table.contains("rana"), "{table}");
}

#[test]
fn a_joint_statement_has_several_speakers() {
    let db = Db::demo();
    let claim = db.json(&[
        "add",
        "Iraq and the coalition announce the end of the mission",
        "--source",
        "مصدر حكومي عراقي",
        "--source",
        "متحدث باسم السفارة الأمريكية في بغداد",
        "--due",
        "2026-09",
    ]);
    let speakers: Vec<&str> = claim["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        speakers,
        ["مصدر حكومي عراقي", "متحدث باسم السفارة الأمريكية في بغداد"]
    );
    assert_eq!(claim["source"]["name"], "مصدر حكومي عراقي");
    let id = claim["id"].as_i64().unwrap();
    // Filters by source match any speaker; each speaker's record counts it.
    let by_second = db.json(&["list", "--source", "متحدث باسم السفارة الأمريكية في بغداد"]);
    assert!(ids(&by_second).contains(&id));
    // Every speaker's name is searchable.
    assert!(ids(&db.json(&["search", "السفارة"])).contains(&id));
    let record = db.json(&["source", "show", "متحدث باسم السفارة الأمريكية في بغداد"]);
    assert_eq!(record["claims"], 3, "{record}");
    // The same speaker twice is refused.
    let (code, err) = db.fails(&["add", "x", "--source", "1", "--source", "1"]);
    assert_eq!(code, 1);
    assert!(one_error_line(&err).contains("--source"), "{err}");
    // Export and import keep them.
    let exported = db.ok(&["export", "--format", "jsonl"]);
    let other = Db::new();
    let path = other.dir.path().join("all.jsonl");
    std::fs::write(&path, exported).unwrap();
    other.ok(&["import", path.to_str().unwrap()]);
    let copy = other.json(&["show", &id.to_string()]);
    assert_eq!(copy["speakers"], claim["speakers"]);
    assert!(other.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn export_and_import_keep_every_event() {
    let db = Db::demo();
    db.ok(&[
        "--by",
        "rana",
        "resolve",
        "6",
        "failed",
        "--on",
        "2026-10-01",
    ]);
    db.ok(&["--by", "omar", "undo", "6", "--note", "too early"]);
    db.ok(&["deadline", "move", "7.1", "2027-03", "--on", "2026-10-02"]);
    db.ok(&["deadline", "remove", "3.1"]);
    db.ok(&["note", "5", "ملاحظة", "--evidence", "https://example.org/n"]);
    let exported = db.ok(&["export", "--format", "jsonl"]);
    let other = Db::new();
    let path = other.dir.path().join("all.jsonl");
    std::fs::write(&path, &exported).unwrap();
    other.ok(&["import", path.to_str().unwrap()]);
    assert!(other.ok(&["check"]).starts_with("ok:"));
    // Event and deadline numbers are the new database's; everything else,
    // `at`, `recorded_at`, `by` and the void marks included, is the same.
    let strip = |text: &str| -> Vec<Value> {
        text.lines()
            .map(|l| {
                let mut r: Value = serde_json::from_str(l).unwrap();
                let r = r.as_object_mut().unwrap();
                r.remove("database");
                r.remove("id");
                for role in ["source", "reported_by"] {
                    r[role].as_object_mut().unwrap().remove("id");
                }
                for e in r["history"].as_array_mut().unwrap() {
                    let e = e.as_object_mut().unwrap();
                    for key in ["id", "voids", "deadline_id", "old", "new"] {
                        e.remove(key);
                    }
                }
                for d in r["deadlines"].as_array_mut().unwrap() {
                    d.as_object_mut().unwrap().remove("id");
                }
                Value::Object(r.clone())
            })
            .collect()
    };
    let again = other.ok(&["export", "--format", "jsonl"]);
    assert_eq!(strip(&again), strip(&exported));
    let history = events(&other, "6");
    assert_eq!(history[1]["voided"], true);
    assert_eq!(history[1]["by"], "rana");
    assert_eq!(history[2]["event"], "correction");
    assert_eq!(history[2]["voids"], history[1]["id"]);
    // The removed deadline comes back in the copy too.
    let claim = other.json(&["undo", "3"]);
    assert_eq!(claim["deadlines"][0]["ref"], "3.1");
}

#[test]
fn import_names_what_differs_and_update_applies_it_as_events() {
    let db = Db::demo();
    let path = db.dir.path().join("export.jsonl");
    std::fs::write(&path, db.ok(&["export", "--format", "jsonl"])).unwrap();
    let file = path.to_str().unwrap();
    db.ok(&["resolve", "6", "fulfilled"]);
    db.ok(&["edit", "3", "--quote", "اقتباس معدل"]);
    db.ok(&["edit", "1", "--text", "A convoy left Ain al-Asad"]);
    // A dry run names the fields; nothing is duplicated, nothing written.
    let before = db.bytes();
    let dry = db.json(&["import", file, "--dry-run"]);
    assert_eq!(dry["new"], 0);
    assert_eq!(dry["unchanged"], 5);
    assert_eq!(dry["differing"], 3);
    let fields: Vec<(i64, Value)> = dry["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["claim_id"].as_i64().unwrap(), d["fields"].clone()))
        .collect();
    assert_eq!(
        fields,
        [
            (1, serde_json::json!(["text"])),
            (3, serde_json::json!(["quote"])),
            (6, serde_json::json!(["status"])),
        ]
    );
    let table = db.ok(&["import", file, "--dry-run", "--format", "table"]);
    assert!(table.contains("claim 6 differs in status"), "{table}");
    assert_eq!(db.bytes(), before);
    // Without --update the stored claims are kept.
    db.ok(&["import", file]);
    assert_eq!(db.json(&["show", "6"])["status"], "fulfilled");
    // With it, each difference becomes an event.
    let updated = db.json(&["import", file, "--update"]);
    assert_eq!(updated["updated"], 3);
    let six = db.json(&["show", "6"]);
    assert_eq!(six["status"], "pending");
    let last = six["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "reopened");
    assert_eq!(last["note"], "import --update");
    let one = db.json(&["show", "1"]);
    assert_ne!(one["text"], "A convoy left Ain al-Asad");
    assert!(db.ok(&["check"]).starts_with("ok:"));
    assert_eq!(db.json(&["import", file])["unchanged"], 8);
}

#[test]
fn update_adds_the_events_another_database_has() {
    let desk = Db::demo();
    let path = desk.dir.path().join("desk.jsonl");
    std::fs::write(&path, desk.ok(&["export", "--format", "jsonl"])).unwrap();
    let field = Db::new();
    field.ok(&["import", path.to_str().unwrap()]);
    field.ok(&[
        "--by",
        "omar",
        "resolve",
        "7",
        "partial",
        "--on",
        "2026-10-05",
        "--note",
        "half the troops left",
    ]);
    field.ok(&["note", "5", "confirmed by a second source"]);
    let back = field.dir.path().join("field.jsonl");
    std::fs::write(&back, field.ok(&["export", "--format", "jsonl"])).unwrap();
    let summary = desk.json(&["--by", "rana", "import", back.to_str().unwrap(), "--update"]);
    assert_eq!(summary["updated"], 2);
    let seven = desk.json(&["show", "7"]);
    assert_eq!(seven["status"], "partial");
    let resolved = seven["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "status")
        .unwrap()
        .clone();
    // Dated as it happened; written here, now, by whoever imported it.
    assert_eq!(resolved["at"], "2026-10-05");
    assert_eq!(resolved["note"], "half the troops left");
    assert_eq!(resolved["by"], "rana");
    let five = desk.json(&["show", "5"]);
    assert!(five["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["note"] == "confirmed by a second source"));
    assert!(desk.ok(&["check"]).starts_with("ok:"));
    // As of before the field's news, the desk's record is as it was.
    let then = desk.json(&["--as-of", "2026-10-01", "show", "7"]);
    assert_eq!(then["status"], "pending");
}

#[test]
fn csv_carries_speakers_and_the_phrase_as_written() {
    let db = Db::demo();
    let claim = db.json(&[
        "add",
        "Joint statement on the timetable",
        "--source",
        "مصدر حكومي عراقي",
        "--source",
        "متحدث باسم السفارة الأمريكية في بغداد",
        "--said-on",
        "2025-08-18",
        "--due",
        "أيلول المقبل",
    ]);
    assert_eq!(claim["deadlines"][0]["due"], "2025-09-30");
    let csv = db.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",speakers"), "{header}");
    let row = csv.lines().find(|l| l.contains("Joint statement")).unwrap();
    assert!(row.contains("2025-09|||أيلول المقبل"), "{row}");
    assert!(
        row.contains("مصدر حكومي عراقي; متحدث باسم السفارة الأمريكية في بغداد"),
        "{row}"
    );
    let other = Db::new();
    let path = other.dir.path().join("all.csv");
    std::fs::write(&path, &csv).unwrap();
    other.ok(&["import", path.to_str().unwrap()]);
    let copy = other
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"] == "Joint statement on the timetable")
        .unwrap()
        .clone();
    assert_eq!(copy["speakers"].as_array().unwrap().len(), 2);
    assert_eq!(copy["deadlines"][0]["as_written"], "أيلول المقبل");
}
