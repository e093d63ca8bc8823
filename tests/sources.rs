//! `claims source ...`

use crate::common::{one_error_line, Db};

#[test]
fn add_prints_the_created_source() {
    let db = Db::new();
    let out = db.json(&[
        "source",
        "add",
        "متحدث باسم السفارة الأمريكية في بغداد",
        "--kind",
        "government",
        "--role",
        "spokesperson, US Embassy in Baghdad",
        "--affiliation",
        "US Embassy in Baghdad",
        "--url",
        "https://iq.usembassy.gov",
        "--notes",
        "named by role only",
    ]);
    assert_eq!(out["id"], 1);
    assert_eq!(out["name"], "متحدث باسم السفارة الأمريكية في بغداد");
    assert_eq!(out["kind"], "government");
    assert_eq!(out["role"], "spokesperson, US Embassy in Baghdad");
    assert_eq!(out["affiliation"], "US Embassy in Baghdad");
    assert_eq!(out["url"], "https://iq.usembassy.gov");
    assert_eq!(out["notes"], "named by role only");
    assert_eq!(out["claims"], 0);
}

#[test]
fn names_are_unique_ignoring_latin_case() {
    let db = Db::with_sources();
    let before = db.bytes();
    let (code, err) = db.fails(&["source", "add", "SHAFAQ news"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: a source named `Shafaq News` already exists (id 2)"
    );
    assert_eq!(db.bytes(), before);
    // Arabic has no case: these two anonymous sources stay distinct.
    db.ok(&["source", "add", "مصدر أمني عراقي", "--kind", "anonymous"]);
    db.ok(&["source", "add", "مصدر حكومي عراقي", "--kind", "anonymous"]);
    assert_eq!(db.json(&["source", "list"]).as_array().unwrap().len(), 4);
}

#[test]
fn a_source_is_found_by_id_or_by_name() {
    let db = Db::with_sources();
    assert_eq!(db.json(&["source", "show", "2"])["name"], "Shafaq News");
    assert_eq!(db.json(&["source", "show", "shafaq news"])["id"], 2);
}

#[test]
fn an_unknown_name_suggests_the_closest() {
    let db = Db::with_sources();
    let (code, err) = db.fails(&["source", "show", "Shafak News"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        "error: no source named `Shafak News` for source; did you mean `Shafaq News` (id 2)?"
    );
    let (_, err) = db.fails(&["add", "x", "--source", "spokesperson"]);
    assert!(err.contains("`Government spokesperson` (id 1)"), "{err}");
}

#[test]
fn edit_changes_and_clears_fields() {
    let db = Db::with_sources();
    let out = db.json(&[
        "source",
        "edit",
        "Shafaq News",
        "--name",
        "شفق نيوز",
        "--role",
        "news agency",
        "--url",
        "https://shafaq.com",
    ]);
    assert_eq!(out["name"], "شفق نيوز");
    assert_eq!(out["role"], "news agency");
    assert_eq!(out["kind"], "outlet");
    let out = db.json(&["source", "edit", "2", "--role", ""]);
    assert_eq!(out["role"], serde_json::Value::Null);
    assert_eq!(out["url"], "https://shafaq.com");
    let (code, err) = db.fails(&["source", "edit", "2", "--name", "government SPOKESPERSON"]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists (id 1)"), "{err}");
}

#[test]
fn remove_refuses_a_source_with_claims() {
    let db = Db::with_sources();
    db.ok(&["add", "A claim", "--source", "1", "--reported-by", "2"]);
    let before = db.bytes();
    for source in ["1", "2"] {
        let (code, err) = db.fails(&["source", "remove", source]);
        assert_eq!(code, 1);
        assert!(err.contains("still has 1 claim;"), "{err}");
    }
    assert_eq!(db.bytes(), before);
    db.ok(&["remove", "1", "--yes"]);
    assert_eq!(db.ok(&["source", "remove", "2"]), "removed source 2\n");
    assert_eq!(db.json(&["source", "list"]).as_array().unwrap().len(), 1);
}

/// A joint statement's second speaker is in use too (it failed with a raw
/// foreign-key error).
#[test]
fn remove_refuses_a_joint_speaker() {
    let db = Db::with_sources();
    db.ok(&["add", "A joint statement", "--source", "1", "--source", "2"]);
    let before = db.bytes();
    let (code, err) = db.fails(&["source", "remove", "2"]);
    assert_eq!(code, 1);
    assert!(err.contains("still has 1 claim;"), "{err}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn show_gives_claims_and_track_record() {
    let db = Db::with_sources();
    db.ok(&["add", "Kept", "--source", "1", "--due", "2026-06"]);
    db.ok(&["add", "Late", "--source", "1", "--due", "2026-09"]);
    db.ok(&["add", "Broken", "--source", "1", "--reported-by", "2"]);
    db.ok(&["resolve", "1", "fulfilled"]);
    db.ok(&["resolve", "3", "failed"]);
    let out = db.json(&["source", "show", "1"]);
    assert_eq!(out["claims"], 3);
    assert_eq!(out["fulfilled"], 1);
    assert_eq!(out["failed"], 1);
    assert_eq!(out["pending"], 1);
    assert_eq!(out["overdue"], 1);
    assert_eq!(out["claims_made"].as_array().unwrap().len(), 3);
    let outlet = db.json(&["source", "show", "2"]);
    assert_eq!(outlet["claims"], 0);
    assert_eq!(outlet["reported"]["claims"], 1);
    assert_eq!(outlet["reported"]["failed"], 1);
    assert_eq!(outlet["claims_reported"][0]["text"], "Broken");
    let table = db.ok(&["source", "show", "1"]);
    assert!(
        table.contains("3 claims: 1 pending (1 overdue), 1 fulfilled"),
        "{table}"
    );
}

/// `sources` and `sources --record` in every format they take: CSV with a
/// row per source (or per source and role), JSON Lines, Markdown.
#[test]
fn sources_are_written_in_csv_jsonl_and_markdown() {
    let db = crate::common::Db::demo();
    let csv_rows = |args: &[&str]| -> Vec<csv::StringRecord> {
        let text = db.ok(args);
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let plain = csv_rows(&["sources", "--format", "csv"]);
    assert_eq!(plain.len(), 5);
    let outlet = plain.iter().find(|r| &r[1] == "Shafaq News").unwrap();
    assert_eq!(&outlet[2], "outlet");
    assert_eq!(outlet.iter().next_back(), Some("8"), "reported: {outlet:?}");
    assert!(plain.iter().any(|r| &r[1] == "مصدر حكومي عراقي"));
    let by_role = csv_rows(&["sources", "--record", "--format", "csv"]);
    let roles: Vec<(&str, &str)> = by_role.iter().map(|r| (&r[1], &r[7])).collect();
    assert!(roles.contains(&("Shafaq News", "outlet")), "{roles:?}");
    assert!(
        roles.contains(&("مصدر حكومي عراقي", "speaker")),
        "{roles:?}"
    );
    let jsonl = db.ok(&["source", "list", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 5);
    for line in jsonl.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value["name"].is_string() && value["reported"].is_object());
    }
    let markdown = db.ok(&["sources", "--format", "markdown"]);
    assert!(markdown.starts_with("| Source | Kind | As |"), "{markdown}");
    assert!(
        markdown.contains("| مصدر حكومي عراقي | anonymous | speaker |"),
        "{markdown}"
    );
    let (code, _) = db.fails(&["source", "show", "1", "--format", "csv"]);
    assert_eq!(code, 2);
}

/// `source alias`: the other name finds the source in every place a source
/// is named (filters, a new claim, an import record, `source show`), the
/// suggestions use it, and no name can belong to two sources.
#[test]
fn an_alias_finds_its_source_everywhere() {
    let db = crate::common::Db::demo();
    let shown = db.json(&["source", "alias", "Shafaq News", "شفق نيوز"]);
    assert_eq!(shown["aliases"], serde_json::json!(["شفق نيوز"]));
    assert_eq!(
        crate::common::ids(&db.json(&["list", "--source", "شفق نيوز"])).len(),
        8
    );
    let added = db.json(&[
        "add",
        "A new report",
        "--source",
        "2",
        "--reported-by",
        "شفق نيوز",
    ]);
    assert_eq!(added["reported_by"]["name"], "Shafaq News");
    assert_eq!(db.json(&["source", "show", "شفق نيوز"])["id"], 1);
    // An import record naming the alias is the same source, not a new one.
    let file = db.dir.path().join("in.jsonl");
    std::fs::write(
        &file,
        "{\"text\": \"Imported\", \"source\": {\"name\": \"مصدر أمني عراقي\"}, \"reported_by\": {\"name\": \"شفق نيوز\"}}\n",
    )
    .unwrap();
    let summary = db.json(&["import", file.to_str().unwrap()]);
    assert_eq!(summary["sources_created"], 0, "{summary}");
    assert_eq!(db.json(&["sources"]).as_array().unwrap().len(), 5);
    // A near miss of the alias suggests its source.
    let (code, err) = db.fails(&["list", "--source", "شفق نيوزز"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `Shafaq News` (id 1)?"), "{err}");
    // One name, one source.
    for (args, message) in [
        (
            &["source", "alias", "2", "شفق نيوز"][..],
            "error: `شفق نيوز` is another name of source `Shafaq News` (id 1)",
        ),
        (
            &["source", "add", "شفق نيوز"],
            "error: `شفق نيوز` is another name of source `Shafaq News` (id 1)",
        ),
        (
            &["source", "alias", "2", "shafaq news"],
            "error: a source named `Shafaq News` already exists (id 1)",
        ),
    ] {
        let (code, err) = db.fails(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(crate::common::one_error_line(&err), message);
    }
}

/// `source merge`: a source recorded twice becomes one. Its claims (as lead
/// or joint speaker, or outlet) name the other, each by an `edited` event
/// carrying the merge, so the record as of before the merge still shows it;
/// its names and aliases find the other; it stays for the history, hidden
/// from lists; and a merge that cannot be changes nothing.
#[test]
fn a_merge_moves_claims_and_names_and_keeps_the_history() {
    let db = crate::common::Db::demo();
    db.ok(&["source", "add", "Shafaq", "--kind", "outlet"]);
    db.ok(&["source", "alias", "Shafaq", "شفق"]);
    db.ok(&["source", "add", "مصدر أمني", "--kind", "anonymous"]);
    let said = [
        "--said-on",
        "2025-08-20",
        "--on",
        "2025-08-20",
        "--as-of",
        "2025-08-20",
    ];
    let claim = |args: &[&str]| -> i64 {
        let mut all = args.to_vec();
        all.extend(&said[..2]);
        db.json(&all)["id"].as_i64().unwrap()
    };
    let outlet = claim(&[
        "add",
        "Reported by the duplicate",
        "--source",
        "2",
        "--reported-by",
        "Shafaq",
    ]);
    let joint = claim(&[
        "add",
        "Both security sources",
        "--source",
        "مصدر أمني",
        "--source",
        "2",
    ]);
    let lead = claim(&["add", "The duplicate alone", "--source", "مصدر أمني"]);
    let before = db.ok(&["check"]);
    assert!(before.starts_with("ok: 11 claims"), "{before}");

    // Refused, nothing changed.
    for (args, message) in [
        (
            &["source", "merge", "Shafaq", "شفق"][..],
            "error: invalid into `Shafaq`: is the source being merged (id 6)",
        ),
        (
            &[
                "source",
                "merge",
                "Shafaq",
                "Shafaq News",
                "--on",
                "2025-08-19",
            ],
            "error: invalid --on `2025-08-19`: is before the claim was said (2025-08-20)",
        ),
    ] {
        let (code, err) = db.fails(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(crate::common::one_error_line(&err), message);
    }
    assert_eq!(
        db.json(&["source", "show", "6"])["claims_reported"][0]["id"],
        outlet
    );

    let merged = db.json(&["source", "merge", "Shafaq", "Shafaq News"]);
    assert_eq!(merged["id"], 1);
    assert_eq!(merged["aliases"], serde_json::json!(["Shafaq", "شفق"]));
    assert_eq!(merged["reported"]["claims"], 9);
    let merged = db.json(&["source", "merge", "مصدر أمني", "مصدر أمني عراقي"]);
    assert_eq!(merged["claims"], 5);

    // The claims name the source that stays, once.
    let shown = db.json(&["show", &outlet.to_string()]);
    assert_eq!(shown["reported_by"]["id"], 1);
    let speakers = |id: i64| -> Vec<i64> {
        db.json(&["show", &id.to_string()])["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(speakers(joint), [2]);
    assert_eq!(speakers(lead), [2]);
    let last = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "edited");
    assert_eq!(last["field"], "reported_by");
    assert_eq!(
        last["note"],
        "merged source `Shafaq` (id 6) into `Shafaq News` (id 1)"
    );

    // Its names find the other; its id says where it went.
    assert_eq!(db.json(&["source", "show", "شفق"])["id"], 1);
    assert_eq!(db.json(&["source", "show", "shafaq"])["id"], 1);
    assert_eq!(
        crate::common::ids(&db.json(&["list", "--source", "Shafaq"])).len(),
        9
    );
    let gone = db.json(&["source", "show", "6"]);
    assert_eq!(gone["merged"]["into"], 1);
    let (code, err) = db.fails(&["list", "--source", "6"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("source `Shafaq` was merged into `Shafaq News` (id 1)"),
        "{err}"
    );
    for (args, message) in [
        (
            &["source", "add", "شفق"][..],
            "error: `شفق` is another name of source `Shafaq News` (id 1)",
        ),
        (
            &["source", "add", "Shafaq"],
            "error: `Shafaq` was merged into source 1, and finds it",
        ),
    ] {
        let (code, err) = db.fails(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(crate::common::one_error_line(&err), message);
    }

    // Hidden from lists now; shown as it stood before the merge.
    let names = |args: &[&str]| -> Vec<String> {
        db.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!names(&["sources"]).contains(&"Shafaq".to_string()));
    let then = db.json(&["sources", "--as-of", "2025-08-21"]);
    let shafaq = then
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Shafaq")
        .unwrap_or_else(|| panic!("{then}"));
    assert_eq!(shafaq["reported"]["claims"], 1);
    let then = db.json(&["show", &joint.to_string(), "--as-of", "2025-08-21"]);
    assert_eq!(then["speakers"][0]["name"], "مصدر أمني", "{then}");
    let after = db.ok(&["check"]);
    assert!(after.starts_with("ok: 11 claims"), "{after}");
}
