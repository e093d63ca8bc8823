//! The example report end to end.

use crate::common::{ids, Db};

#[test]
fn before_september_2025_nothing_is_overdue() {
    let db = Db::new();
    let out = db.json(&["--as-of", "2025-08-31", "demo"]);
    assert_eq!(out["added"], 8);
    let report = &out["report"];
    assert_eq!(report["as_of"], "2025-08-31");
    assert_eq!(report["counts"]["overdue"], 0);
    assert_eq!(report["counts"]["pending"], 8);
    assert_eq!(report["counts"]["total"], 8);
    assert_eq!(ids(&report["overdue"]), Vec::<i64>::new());
    // Both "September 2025" deadlines fall within the next 30 days.
    assert_eq!(ids(&report["upcoming"]), vec![3, 6]);
    assert_eq!(ids(&report["no_deadline"]), vec![1, 2, 4, 8]);
}

#[test]
fn by_late_2026_both_september_deadlines_are_overdue() {
    let db = Db::demo();
    let overdue = db.json(&["overdue"]);
    // Most overdue first: September 2025 (426 days), then September 2026 (61).
    assert_eq!(ids(&overdue), vec![3, 6, 5, 7]);
    let days: Vec<i64> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["days_overdue"].as_i64().unwrap())
        .collect();
    assert_eq!(days, vec![426, 426, 61, 61]);
    let report = db.json(&["report"]);
    assert_eq!(report["counts"]["overdue"], 4);
    assert_eq!(report["counts"]["pending"], 4);
    let table = db.ok(&["overdue"]);
    assert!(table.contains("Sep 2025  426 days ago"), "{table}");
    assert!(table.contains("Sep 2026  61 days ago"), "{table}");
}

#[test]
fn the_day_after_the_month_ends_is_the_first_overdue_day() {
    let db = Db::demo();
    let on_last_day = db.json(&["--as-of", "2026-09-30", "overdue"]);
    assert_eq!(ids(&on_last_day), vec![3, 6]);
    let next_day = db.json(&["--as-of", "2026-10-01", "overdue"]);
    assert_eq!(ids(&next_day), vec![3, 6, 5, 7]);
}

#[test]
fn running_twice_adds_nothing() {
    let db = Db::demo();
    let again = db.json(&["demo"]);
    assert_eq!(again["added"], 0);
    assert_eq!(again["report"]["counts"]["total"], 8);
    assert_eq!(db.json(&["source", "list"]).as_array().unwrap().len(), 5);
    assert!(db.ok(&["demo"]).contains("already loaded"));
}

#[test]
fn refuses_a_database_with_other_data_unless_forced() {
    let db = Db::with_sources();
    let before = db.bytes();
    let (code, err) = db.fails(&["demo"]);
    assert_eq!(code, 1);
    assert!(err.contains("already holds other data"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(db.bytes(), before);
    let out = db.json(&["demo", "--force"]);
    assert_eq!(out["added"], 8);
    // Shafaq News existed already and is reused, not duplicated.
    assert_eq!(db.json(&["source", "list"]).as_array().unwrap().len(), 6);
}

#[test]
fn quotes_are_the_reports_arabic_byte_for_byte() {
    let article = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/examples/ain-al-asad-withdrawal.ar.txt"
    ))
    .expect("the example report beside the repository");
    let db = Db::demo();
    let claims = db.json(&["list"]);
    let claims = claims.as_array().unwrap();
    assert_eq!(claims.len(), 8);
    for claim in claims {
        let quote = claim["quote"].as_str().unwrap();
        assert!(article.contains(quote), "not in the article: {quote}");
        assert_eq!(claim["lang"], "ar");
        assert_eq!(claim["reported_by"]["name"], "Shafaq News");
    }
    for speaker in [
        "مصدر أمني عراقي",
        "مصدر حكومي عراقي",
        "متحدث باسم السفارة الأمريكية في بغداد",
    ] {
        assert!(article.contains(speaker));
        let shown = db.json(&["source", "show", speaker]);
        assert_eq!(shown["name"], speaker);
    }
}

#[test]
fn deadlines_keep_their_month_precision() {
    let db = Db::demo();
    let claim = db.json(&["show", "7"]);
    let deadline = &claim["deadlines"][0];
    assert_eq!(deadline["due"], "2026-09-30");
    assert_eq!(deadline["precision"], "month");
    assert_eq!(deadline["label"], "phase 2");
    assert!(db.ok(&["show", "7"]).contains("Sep 2026"));
}
