//! `claims add`, `edit`, `show`, `remove`, `resolve`, `reopen`, `list`.

use serde_json::Value;

use crate::common::{ids, one_error_line, Db};

#[test]
fn add_prints_the_created_claim_with_every_field() {
    let db = Db::with_sources();
    let out = db.json(&[
        "add",
        "Iraq and the coalition agreed to end the mission by September 2026.",
        "--source",
        "Government spokesperson",
        "--reported-by",
        "shafaq news",
        "--quote",
        "إنهاء مهام التحالف بحلول شهر أيلول 2026",
        "--lang",
        "ar",
        "--url",
        "https://shafaq.com/ar/x",
        "--said-on",
        "2025-01-13",
        "--due",
        "أيلول 2026",
        "--label",
        "end of mission",
        "--tag",
        "withdrawal",
        "--tag",
        "iraq",
    ]);
    assert_eq!(out["id"], 1);
    assert_eq!(out["status"], "pending");
    assert_eq!(out["kind"], "promise");
    assert_eq!(
        out["source"],
        serde_json::json!({"id": 1, "name": "Government spokesperson", "kind": "government", "reliability": null})
    );
    assert_eq!(out["reported_by"]["id"], 2);
    assert_eq!(out["quote"], "إنهاء مهام التحالف بحلول شهر أيلول 2026");
    assert_eq!(out["lang"], "ar");
    assert_eq!(out["url"], "https://shafaq.com/ar/x");
    assert_eq!(out["said_on"], "2025-01-13");
    assert_eq!(out["tags"], serde_json::json!(["iraq", "withdrawal"]));
    assert_eq!(
        out["deadlines"],
        serde_json::json!([{"id": 1, "claim_id": 1, "due": "2026-09-30", "precision": "month", "label": "end of mission", "met_on": null, "as_written": "أيلول 2026", "ref": "1.1"}])
    );
    assert_eq!(out["next_due"], "2026-09-30");
    assert_eq!(out["overdue"], true);
    assert_eq!(out["history"][0]["to"], "pending");
}

#[test]
fn text_is_stored_exactly_as_given() {
    let db = Db::with_sources();
    let texts = [
        "  leading and trailing spaces  ",
        "كَتَبَ مع تشكيل، وأرقام ٢٠٢٦ و\u{200f}علامة اتجاه",
        "mixed العربية and English 🇮🇶 emoji 👍🏽, zero\u{200d}width joiner",
        "line one\nline two\ttab",
        "quotes \" ' ` and back\\slash; DROP TABLE claims; --",
    ];
    for (i, text) in texts.iter().enumerate() {
        let out = db.json(&["add", text, "--source", "1", "--quote", text]);
        let id = out["id"].as_i64().unwrap();
        assert_eq!(id, i as i64 + 1);
        let shown = db.json(&["show", &id.to_string()]);
        assert_eq!(shown["text"].as_str().unwrap().as_bytes(), text.as_bytes());
        assert_eq!(shown["quote"].as_str().unwrap().as_bytes(), text.as_bytes());
    }
    assert!(db.ok(&["show", "2"]).contains("كَتَبَ مع تشكيل"));
}

#[test]
fn each_label_names_the_due_before_it() {
    let db = Db::with_sources();
    let out = db.json(&[
        "add",
        "Two phases",
        "--source",
        "1",
        "--due",
        "2025-09",
        "--label",
        "phase 1",
        "--due",
        "2026-Q3",
        "--due",
        "2027",
        "--label",
        "phase 3",
    ]);
    let deadlines: Vec<(String, String, Value)> = out["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["due"].as_str().unwrap().to_string(),
                d["precision"].as_str().unwrap().to_string(),
                d["label"].clone(),
            )
        })
        .collect();
    assert_eq!(
        deadlines,
        vec![
            ("2025-09-30".into(), "month".into(), Value::from("phase 1")),
            ("2026-09-30".into(), "quarter".into(), Value::Null),
            ("2027-12-31".into(), "year".into(), Value::from("phase 3")),
        ]
    );
}

#[test]
fn kind_defaults_to_promise_with_a_deadline_else_report() {
    let db = Db::with_sources();
    assert_eq!(
        db.json(&["add", "a", "--source", "1", "--due", "2027"])["kind"],
        "promise"
    );
    assert_eq!(db.json(&["add", "b", "--source", "1"])["kind"], "report");
    assert_eq!(
        db.json(&["add", "c", "--source", "1", "--kind", "Opinion"])["kind"],
        "opinion"
    );
}

#[test]
fn edit_changes_only_what_is_given() {
    let db = Db::with_sources();
    db.ok(&[
        "add",
        "Old text",
        "--source",
        "1",
        "--reported-by",
        "2",
        "--quote",
        "نص",
        "--lang",
        "ar",
        "--tag",
        "a",
        "--tag",
        "b",
    ]);
    let out = db.json(&[
        "edit",
        "1",
        "--text",
        "New text",
        "--tag",
        "c",
        "--untag",
        "a",
        "--said-on",
        "2025-01-02",
    ]);
    assert_eq!(out["text"], "New text");
    assert_eq!(out["quote"], "نص");
    assert_eq!(out["reported_by"]["id"], 2);
    assert_eq!(out["tags"], serde_json::json!(["b", "c"]));
    assert_eq!(out["said_on"], "2025-01-02");
    let out = db.json(&[
        "edit",
        "1",
        "--reported-by",
        "",
        "--quote",
        "",
        "--source",
        "Shafaq News",
        "--kind",
        "prediction",
    ]);
    assert_eq!(out["reported_by"], Value::Null);
    assert_eq!(out["quote"], Value::Null);
    assert_eq!(out["source"]["name"], "Shafaq News");
    assert_eq!(out["kind"], "prediction");
}

#[test]
fn remove_needs_yes() {
    let db = Db::with_sources();
    db.ok(&["add", "Doomed", "--source", "1", "--due", "2027"]);
    let before = db.bytes();
    let (code, err) = db.fails(&["remove", "1"]);
    assert_eq!(code, 2);
    assert!(
        one_error_line(&err).contains("add --yes to confirm"),
        "{err}"
    );
    assert_eq!(db.bytes(), before);
    assert_eq!(
        db.json(&["remove", "1", "--yes"]),
        serde_json::json!({"removed": "claim", "id": 1})
    );
    let (code, err) = db.fails(&["show", "1"]);
    assert_eq!(code, 1);
    assert_eq!(one_error_line(&err), "error: no claim with id 1");
}

#[test]
fn resolve_and_reopen_are_recorded_in_history() {
    let db = Db::with_sources();
    db.ok(&["add", "Convoy leaves", "--source", "1", "--due", "2026-09"]);
    let out = db.json(&[
        "resolve",
        "1",
        "fulfilled",
        "--on",
        "2026-09-15",
        "--evidence",
        "https://example.org/convoy",
        "--note",
        "convoy seen on the road",
    ]);
    assert_eq!(out["status"], "fulfilled");
    assert_eq!(out["overdue"], false);
    assert_eq!(out["next_due"], Value::Null);
    let out = db.json(&["reopen", "1", "--note", "the footage was old"]);
    assert_eq!(out["status"], "pending");
    assert_eq!(out["overdue"], true);
    let history = out["history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    let mut resolved = history[1].clone();
    let written = resolved
        .as_object_mut()
        .unwrap()
        .remove("recorded_at")
        .unwrap();
    assert!(written.as_str().unwrap().ends_with('Z'), "{written}");
    assert_eq!(
        resolved,
        serde_json::json!({"id": 2, "claim_id": 1, "event": "status", "at": "2026-09-15",
            "from": "pending", "to": "fulfilled", "note": "convoy seen on the road",
            "evidence": "https://example.org/convoy", "by": crate::common::writer(), "voided": false})
    );
    assert_eq!(history[2]["event"], "reopened");
    assert_eq!(history[2]["at"], "2026-11-30");
    assert_eq!(history[2]["from"], "fulfilled");
    assert_eq!(history[2]["to"], "pending");
    assert_eq!(history[2]["note"], "the footage was old");
    let (code, err) = db.fails(&["reopen", "1"]);
    assert_eq!(code, 1);
    assert_eq!(one_error_line(&err), "error: claim 1 is already pending");
    let (code, err) = db.fails(&["resolve", "1", "pending"]);
    assert_eq!(code, 1);
    assert!(err.contains("use `claims reopen`"), "{err}");
}

#[test]
fn list_is_ordered_by_next_open_deadline() {
    let db = Db::with_sources();
    db.ok(&["add", "No deadline", "--source", "1"]);
    db.ok(&["add", "Late 2027", "--source", "1", "--due", "2027-12"]);
    db.ok(&[
        "add",
        "Early 2026",
        "--source",
        "1",
        "--due",
        "2026-03",
        "--due",
        "2028",
    ]);
    db.ok(&["add", "Mid 2027", "--source", "1", "--due", "2027-06-15"]);
    assert_eq!(ids(&db.json(&["list"])), vec![3, 4, 2, 1]);
    assert_eq!(ids(&db.json(&["list", "--limit", "2"])), vec![3, 4]);
    let table = db.ok(&["list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID  STATUS"), "{table}");
    // The next deadline with the name to give `deadline met|move`.
    assert!(lines[1].starts_with("3   overdue  3.1 Mar 2026"), "{table}");
}

#[test]
fn list_filters() {
    let db = Db::with_sources();
    db.ok(&["source", "add", "مصدر أمني عراقي", "--kind", "anonymous"]);
    db.ok(&[
        "add",
        "Withdrawal from Ain al-Asad",
        "--source",
        "1",
        "--reported-by",
        "2",
        "--due",
        "2025-09",
        "--tag",
        "withdrawal",
        "--quote",
        "انسحاب القوات من قاعدة عين الأسد",
    ]);
    db.ok(&[
        "add",
        "A civil partnership",
        "--source",
        "1",
        "--kind",
        "prediction",
        "--due",
        "2027-03",
    ]);
    db.ok(&[
        "add",
        "Convoy heads to Syria",
        "--source",
        "مصدر أمني عراقي",
        "--tag",
        "syria",
    ]);
    db.ok(&["resolve", "2", "failed"]);
    assert_eq!(ids(&db.json(&["list", "--status", "failed"])), vec![2]);
    assert_eq!(ids(&db.json(&["list", "--status", "pending"])), vec![1, 3]);
    assert_eq!(ids(&db.json(&["list", "--source", "shafaq news"])), vec![1]);
    assert_eq!(ids(&db.json(&["list", "--source", "1"])), vec![1, 2]);
    assert_eq!(
        ids(&db.json(&["list", "--source", "مصدر أمني عراقي"])),
        vec![3]
    );
    assert_eq!(ids(&db.json(&["list", "--kind", "prediction"])), vec![2]);
    assert_eq!(ids(&db.json(&["list", "--tag", "syria"])), vec![3]);
    assert_eq!(ids(&db.json(&["list", "--overdue"])), vec![1]);
    assert_eq!(ids(&db.json(&["list", "--due-before", "2026"])), vec![1]);
    assert_eq!(ids(&db.json(&["list", "--due-after", "2026"])), vec![2]);
    assert_eq!(
        ids(&db.json(&["list", "--due-after", "2025-08", "--due-before", "2025-10"])),
        vec![1]
    );
    assert_eq!(ids(&db.json(&["list", "--search", "AIN AL-ASAD"])), vec![1]);
    assert_eq!(ids(&db.json(&["list", "--search", "عين الأسد"])), vec![1]);
    assert_eq!(
        ids(&db.json(&["list", "--search", "100%"])),
        Vec::<i64>::new()
    );
    assert_eq!(
        db.ok(&["list", "--search", "nothing like this"]),
        "no claims\n"
    );
}

/// A removed claim's number stays spent: a cited claim number never points
/// to another claim.
#[test]
fn a_removed_claims_id_is_never_given_again() {
    let db = Db::demo();
    // Claim 8 is the newest; claim 7 has the newest deadline (4).
    db.ok(&["remove", "8", "--yes"]);
    db.ok(&["remove", "7", "--yes"]);
    let added = db.json(&["add", "Another claim", "--source", "1", "--due", "2027"]);
    assert_eq!(added["id"], 9);
    assert_eq!(added["deadlines"][0]["id"], 5);
    assert!(db.ok(&["check"]).starts_with("ok: 7 claims"));
    // A counter set back behind claims' back is named by check (SQLite's
    // counters; PostgreSQL's sequences never go back).
    if crate::common::on_postgres() {
        return;
    }
    assert_eq!(
        db.execute("UPDATE id_counters SET next_id = 3 WHERE name = 'claims'"),
        1
    );
    let (code, err) = db.fails(&["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("  id counters behind the ids already given: claims"),
        "{err}"
    );
}
