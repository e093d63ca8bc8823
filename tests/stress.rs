//! Many writers at once, and `kill -9` in the middle of an import. The CI
//! runs a short version; `CLAIMS_STRESS=full cargo test --test main stress`
//! runs the full figures (8 × 250 writes, 100 kills).

use std::process::{Command as Process, Stdio};
use std::time::Duration;

use crate::common::Db;

fn full() -> bool {
    std::env::var("CLAIMS_STRESS").is_ok_and(|v| v == "full")
}

fn claims(db: &Db, args: &[&str]) -> std::process::Output {
    Process::new(assert_cmd::cargo::cargo_bin("claims"))
        .arg("--db")
        .arg(db.target())
        // The day the checks below judge on: changes after it would not
        // have happened yet.
        .arg("--as-of")
        .arg(crate::common::AS_OF)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn eight_writers_of_mixed_commands_lose_nothing() {
    let db = Db::new();
    db.ok(&["init"]);
    let writes_per_process = if full() { 250 } else { 25 };
    let small_import = db.dir.path().join("small.jsonl");
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let db = db.sharing();
            let import = small_import.clone();
            std::thread::spawn(move || {
                let name = format!("writer {w}");
                let ok = |out: std::process::Output| {
                    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                    out
                };
                ok(claims(&db, &["source", "add", &name]));
                let mut mine = Vec::new();
                let file = import.with_file_name(format!("import-{w}.jsonl"));
                for i in 0..writes_per_process {
                    match i % 4 {
                        0 | 1 => {
                            let out = ok(claims(&db, &["--format", "json", "add", &format!("claim {w}/{i}"), "--source", &name, "--due", "2025-09"]));
                            let claim: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                            mine.push(claim["id"].as_i64().unwrap());
                        }
                        2 => {
                            let id = mine.pop().unwrap().to_string();
                            ok(claims(&db, &["resolve", &id, "fulfilled", "--note", &format!("by {w}")]));
                        }
                        _ => {
                            std::fs::write(&file, format!(
                                "{{\"text\": \"imported {w}/{i}\", \"source\": {{\"name\": \"{name}\"}}, \"deadlines\": [{{\"due\": \"2026-09\"}}]}}\n"
                            )).unwrap();
                            ok(claims(&db, &["import", file.to_str().unwrap()]));
                        }
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let per = writes_per_process as usize;
    let claims_made = 8 * (per / 4 * 3 + [0, 1, 2, 2][per % 4]);
    let all = db.json(&["list"]);
    assert_eq!(all.as_array().unwrap().len(), claims_made);
    let fulfilled = db.json(&["list", "--status", "fulfilled"]);
    assert_eq!(
        fulfilled.as_array().unwrap().len(),
        8 * (per / 4 + usize::from(per % 4 > 2))
    );
    // Every status change is in its history; the database is sound.
    for claim in fulfilled.as_array().unwrap() {
        let shown = db.json(&["show", &claim["id"].to_string()]);
        assert_eq!(
            shown["history"].as_array().unwrap().last().unwrap()["to"],
            "fulfilled"
        );
    }
    assert!(db.ok(&["check"]).starts_with("ok: "));
}

#[test]
fn kill_9_during_an_import_leaves_all_or_nothing() {
    let scratch = Db::new();
    let lines: String = (0..5_000)
        .map(|i| format!(
            "{{\"text\": \"claim {i} عن الانسحاب\", \"source\": {{\"name\": \"speaker {}\"}}, \"deadlines\": [{{\"due\": \"2026-0{}\"}}], \"tags\": [\"t{}\"]}}\n",
            i % 50, 1 + i % 9, i % 7
        ))
        .collect();
    let file = scratch.dir.path().join("big.jsonl");
    std::fs::write(&file, lines).unwrap();
    // How long a whole import takes here: kills land anywhere up to 1.3× that.
    let started = std::time::Instant::now();
    scratch.ok(&["import", file.to_str().unwrap()]);
    let whole = started.elapsed().as_millis() as u64;
    let rounds = if full() { 100 } else { 20 };
    let mut seed: u64 = 0x5eed;
    let (mut complete, mut absent) = (0, 0);
    for round in 0..rounds {
        let db = Db::with_sources();
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("claims"))
            .arg("--db")
            .arg(db.target())
            .args(["import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis((seed >> 33) % (whole * 13 / 10 + 1)));
        let _ = child.kill();
        let _ = child.wait();
        let after = db.json(&["list"]).as_array().unwrap().len();
        match after {
            0 => absent += 1,
            5_000 => complete += 1,
            n => panic!("round {round}: a half import of {n} claims"),
        }
        assert!(db.ok(&["check"]).starts_with("ok: "), "round {round}");
    }
    println!(
        "{rounds} kills (import takes {whole} ms): {complete} imports complete, {absent} absent"
    );
}

/// A database of the first schema with many claims, so that upgrading it
/// (backfills, new indexes) takes a while.
fn first_schema_database(claims: usize) -> Db {
    let insert_claims = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {claims}) \
         INSERT INTO claims (id, text, speaker_id, kind, status, created_at, updated_at) \
         SELECT i, 'claim ' || i, 1, 'promise', CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'pending' END, 'x', 'x' FROM n"
    );
    crate::common::first_schema_database(&[
        "INSERT INTO sources (id, name, name_key, kind, created_at) VALUES (1, 'مصدر', 'مصدر', 'anonymous', 'x')",
        &insert_claims,
        "INSERT INTO deadlines (claim_id, due, precision) SELECT id, '2026-09-30', 'month' FROM claims",
        "INSERT INTO status_history (claim_id, event, at, to_status, recorded_at) SELECT id, 'created', '2026-01-01', 'pending', 'x' FROM claims",
        "INSERT INTO status_history (claim_id, event, at, from_status, to_status, recorded_at) SELECT id, 'status', '2026-02-01', 'pending', 'failed', 'x' FROM claims WHERE status = 'failed'",
    ])
}

#[test]
fn kill_9_during_a_migration_loses_nothing() {
    if crate::common::sqlite_only("an upgrade from the first schema's file") {
        return;
    }
    let claims = if full() { 20_000 } else { 5_000 };
    let original = first_schema_database(claims);
    let started = std::time::Instant::now();
    let probe = Db::new();
    std::fs::copy(&original.path, &probe.path).unwrap();
    probe.ok(&["init"]);
    let whole = started.elapsed().as_millis() as u64;
    let rounds = if full() { 100 } else { 20 };
    let mut seed: u64 = 7;
    for round in 0..rounds {
        let db = Db::new();
        std::fs::copy(&original.path, &db.path).unwrap();
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("claims"))
            .arg("--db")
            .arg(&db.path)
            .arg("init")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis((seed >> 33) % (whole + 1)));
        let _ = child.kill();
        let _ = child.wait();
        // The next open finishes the upgrade; nothing is lost.
        assert!(
            db.ok(&["check"])
                .starts_with(&format!("ok: {claims} claims")),
            "round {round}"
        );
        let report = db.json(&["report", "--limit", "1"]);
        assert_eq!(report["counts"]["failed"], claims / 3, "round {round}");
        assert_eq!(
            report["counts"]["overdue"],
            claims - claims / 3,
            "round {round}"
        );
    }
}
