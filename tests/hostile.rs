//! Property tests through the real binary: arbitrary bytes never half-load
//! or crash an import, and arbitrary Unicode text comes back byte for byte.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::Db;

fn import_bytes(db: &Db, name: &str, bytes: &[u8]) -> std::process::Output {
    let path = db.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    db.cmd(&["import", path.to_str().unwrap()])
        .output()
        .unwrap()
}

/// Text meant to break things: RTL and LTR marks, combining marks, NUL,
/// CR/LF, quotes, separators, formula prefixes, emoji, long runs.
fn awkward_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\u{200f}".to_string()),
        Just("\u{200e}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{064e}\u{0651}".to_string()),
        Just("\u{0000}".to_string()),
        Just("\r\n".to_string()),
        Just("\"';|\\,".to_string()),
        Just("=cmd".to_string()),
        Just("-1".to_string()),
        Just("🇮🇶👍🏽".to_string()),
        Just("عين الأسد".to_string()),
        Just("x".repeat(10_000)),
        "\\PC{1,12}",
    ];
    prop::collection::vec(pieces, 1..6).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn arbitrary_bytes_import_cleanly_or_not_at_all(bytes in prop::collection::vec(any::<u8>(), 0..400), format in 0usize..3) {
        let db = Db::with_sources();
        let before = db.bytes();
        let name = ["x.csv", "x.json", "x.jsonl"][format];
        let out = import_bytes(&db, name, &bytes);
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!stderr.contains("panicked"), "{}", stderr);
        match out.status.code() {
            Some(0) => {}
            Some(1) => {
                prop_assert!(stderr.starts_with("error: "), "{}", stderr);
                prop_assert_eq!(db.bytes(), before);
            }
            other => prop_assert!(false, "exit {:?}: {}", other, stderr),
        }
    }

    #[test]
    fn arbitrary_text_round_trips(text in awkward_text(), quote in awkward_text()) {
        let db = Db::new();
        // Through import (NUL cannot travel in a command-line argument).
        let record = json!({"text": text, "quote": quote, "source": {"name": "مصدر"}});
        let out = import_bytes(&db, "one.jsonl", format!("{record}\n").as_bytes());
        let valid = !text.trim().is_empty();
        // PostgreSQL's text cannot hold NUL: refused in one line, nothing written.
        if valid && crate::common::on_postgres() && (text.contains('\u{0}') || quote.contains('\u{0}')) {
            prop_assert_eq!(out.status.code(), Some(1));
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert!(stderr.contains("NUL character (U+0000)"), "{}", stderr);
            prop_assert!(db.json(&["list"]).as_array().unwrap().is_empty());
            return Ok(());
        }
        prop_assert_eq!(out.status.success(), valid, "{}", String::from_utf8_lossy(&out.stderr));
        if valid {
            let shown = db.json(&["show", "1"]);
            prop_assert_eq!(shown["text"].as_str().unwrap().as_bytes(), text.as_bytes());
            // An all-blank quote is no quote; any other is kept exactly.
            if quote.trim().is_empty() {
                prop_assert_eq!(&shown["quote"], &Value::Null);
            } else {
                prop_assert_eq!(shown["quote"].as_str().unwrap().as_bytes(), quote.as_bytes());
            }
            // And through export into a second database.
            let exported = db.ok(&["export", "--format", "jsonl"]);
            let again = Db::new();
            let out = import_bytes(&again, "again.jsonl", exported.as_bytes());
            prop_assert!(out.status.success());
            let back: Value = again.json(&["show", "1"]);
            prop_assert_eq!(&back["text"], &shown["text"]);
            prop_assert_eq!(&back["quote"], &shown["quote"]);
        }
        // Through the command line when there is no NUL.
        if valid && !text.contains('\u{0}') && !text.starts_with('-') {
            let db = Db::with_sources();
            let added = db.json(&["add", &text, "--source", "1"]);
            prop_assert_eq!(added["text"].as_str().unwrap().as_bytes(), text.as_bytes());
        }
    }
}
