//! `claims backup`, `claims check`, and the history the database keeps.

use crate::common::{one_error_line, Db};

fn sql(db: &Db, statement: &str) -> Result<(), String> {
    db.try_execute(statement).map(drop)
}

#[test]
fn backup_is_a_complete_private_copy_and_never_overwrites_by_accident() {
    if crate::common::sqlite_only("`claims backup`") {
        return;
    }
    let db = Db::demo();
    db.ok(&["resolve", "1", "fulfilled", "--note", "convoy filmed"]);
    let copy = db.dir.path().join("backup.db");
    let out = db.json(&["backup", copy.to_str().unwrap()]);
    assert_eq!(out["backup"], copy.display().to_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let restored = Db::file(copy.clone());
    assert_eq!(restored.json(&["show", "1"]), db.json(&["show", "1"]));
    assert_eq!(restored.json(&["export"]), db.json(&["export"]));
    let before = std::fs::read(&copy).unwrap();
    let (code, err) = db.fails(&["backup", copy.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        one_error_line(&err).ends_with("already exists; add --force to replace it"),
        "{err}"
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    db.ok(&["add", "One more", "--source", "1"]);
    db.ok(&["backup", "--force", copy.to_str().unwrap()]);
    assert_eq!(restored.json(&["list"]).as_array().unwrap().len(), 9);
}

#[test]
fn check_passes_on_a_sound_database_and_names_what_is_wrong() {
    let db = Db::demo();
    db.ok(&["resolve", "3", "failed"]);
    db.ok(&["deadline", "met", "5.1"]);
    assert_eq!(db.ok(&["check"]), "ok: 8 claims, no problems found\n");
    // Break the derived data and a status behind claims' back.
    sql(&db, "UPDATE deadlines SET open = NOT open WHERE id = 1").unwrap();
    sql(&db, "UPDATE claims SET status = 'fulfilled' WHERE id = 2").unwrap();
    let (code, err) = db.fails(&["check"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: 6 problems found in"), "{err}");
    assert!(
        err.contains("  the totals of claims by status are wrong\n"),
        "{err}"
    );
    assert!(
        err.contains("  claims whose status is not where their history ends: 2"),
        "{err}"
    );
    assert!(
        err.contains("  deadlines whose open flag is wrong: 1"),
        "{err}"
    );
    // The counts follow the claims' statuses (kept by claims, not by
    // triggers): a status changed behind claims' back leaves them wrong.
    assert!(
        err.contains("  sources whose claim counts are wrong: 1, 2"),
        "{err}"
    );
    // So does the record of past days (migration 15): claim 2's periods
    // and journal rows, recomputed, differ from those stored.
    assert!(
        err.contains("  claims whose periods in the day tables are wrong: 2"),
        "{err}"
    );
    assert!(
        err.contains("  the journal of past days' counts is wrong"),
        "{err}"
    );
    // A journal row moved behind claims' back is named too.
    let db = Db::demo();
    sql(
        &db,
        "UPDATE source_count_days SET n = n + 1 WHERE source_id = 1",
    )
    .unwrap();
    let (code, err) = db.fails(&["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("  the journal of past days' counts is wrong"),
        "{err}"
    );
    // A next due date that disagrees with the deadlines is named too.
    let db = Db::demo();
    sql(
        &db,
        "UPDATE claims SET next_due = '2020-01-31' WHERE id = 5",
    )
    .unwrap();
    let (code, err) = db.fails(&["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("  claims whose next open deadline is wrong: 5"),
        "{err}"
    );
}

#[test]
fn history_cannot_be_edited_or_deleted_except_with_its_claim() {
    let db = Db::demo();
    db.ok(&["resolve", "1", "fulfilled"]);
    let edit = sql(
        &db,
        "UPDATE events SET to_status = 'failed' WHERE claim_id = 1",
    );
    assert!(edit.unwrap_err().contains("the history is append-only"));
    let delete = sql(&db, "DELETE FROM events WHERE claim_id = 1");
    assert!(delete.unwrap_err().contains("the history is append-only"));
    assert_eq!(
        db.json(&["show", "1"])["history"].as_array().unwrap().len(),
        2
    );
    // Removing the claim on purpose removes its history with it.
    db.ok(&["remove", "1", "--yes"]);
    assert_eq!(db.ok(&["check"]), "ok: 7 claims, no problems found\n");
}

/// A damaged file (random bytes flipped past the header): every command
/// either works or says so in one line; none panics. `check` names it.
#[test]
fn a_damaged_database_fails_clearly() {
    if crate::common::sqlite_only("a file's bytes") {
        return;
    }
    let mut seed: u64 = 42;
    let mut damaged_seen = 0;
    for round in 0..12 {
        let db = Db::demo();
        let mut bytes = db.bytes();
        for _ in 0..(8 << (round % 6)) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = 100 + (seed >> 33) as usize % (bytes.len() - 100);
            bytes[at] ^= 1 << (seed % 8);
        }
        std::fs::write(&db.path, &bytes).unwrap();
        for args in [
            &["list"][..],
            &["report"],
            &["show", "3"],
            &["add", "x", "--source", "1"],
            &["check"],
        ] {
            let out = db.cmd(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains("panicked"),
                "round {round} {args:?}: {stderr}"
            );
            match out.status.code() {
                Some(0) => {}
                Some(1) => {
                    assert!(
                        stderr.starts_with("error: "),
                        "round {round} {args:?}: {stderr}"
                    );
                    if args == ["check"] || stderr.contains("damaged") {
                        damaged_seen += 1;
                    }
                }
                other => panic!("round {round} {args:?}: exit {other:?}: {stderr}"),
            }
        }
    }
    assert!(damaged_seen > 0, "no damage was ever detected");
}
