//! The database file: creation, migrations, refusal of foreign or newer
//! files, location, and concurrent writers.

use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use sqlx::{Connection, SqliteConnection};

use crate::common::{one_error_line, Db};

fn sql(path: &std::path::Path, statements: &[&str]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        for statement in statements {
            sqlx::query(statement).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    });
}

#[test]
fn init_creates_a_private_file_and_reports_the_schema() {
    if crate::common::sqlite_only("a private file") {
        return;
    }
    let db = Db::new();
    let nested = db.dir.path().join("a/b/claims.db");
    let out = Command::cargo_bin("claims")
        .unwrap()
        .args(["--db", nested.to_str().unwrap(), "init"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!(
            "database: {}\nschema version: 2",
            nested.display()
        )),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let parent = std::fs::metadata(nested.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(parent & 0o777, 0o700);
    }
}

#[test]
fn migrations_apply_once() {
    let db = Db::new();
    let first = db.json(&["init"]);
    let version = first["schema_version"].as_i64().unwrap();
    assert!(version > 0);
    let again = db.json(&["init"]);
    assert_eq!(again["schema_version"], version);
    let status = db.json(&["migrate", "--status"]);
    let migrations = status["migrations"].as_array().unwrap();
    assert!(!migrations.is_empty());
    assert!(migrations.iter().all(|m| m["applied"] == true));
    assert!(db.ok(&["migrate", "--status"]).contains("applied"));
    db.ok(&["migrate"]);
    assert_eq!(db.json(&["init"])["migrations"], status["migrations"]);
}

#[test]
fn migrate_status_does_not_create_a_database() {
    if crate::common::sqlite_only("a database file that does not exist yet") {
        return;
    }
    let db = Db::new();
    let (code, err) = db.fails(&["migrate", "--status"]);
    assert_eq!(code, 1);
    assert!(
        one_error_line(&err).contains("run `claims init` to create it"),
        "{err}"
    );
    assert!(!db.path.exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_left_untouched() {
    if crate::common::sqlite_only("a file of another kind") {
        return;
    }
    let db = Db::new();
    let content = b"these are my notes, not a database\n".repeat(100);
    std::fs::write(&db.path, &content).unwrap();
    let (code, err) = db.fails(&["list"]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        format!(
            "error: `{}` is not a SQLite database; refusing to touch it",
            db.path.display()
        )
    );
    assert_eq!(std::fs::read(&db.path).unwrap(), content);
    let siblings = std::fs::read_dir(db.dir.path()).unwrap().count();
    assert_eq!(siblings, 1, "no -wal or -shm files were made");
}

#[test]
fn another_programs_sqlite_database_is_left_untouched() {
    if crate::common::sqlite_only("another program's SQLite file") {
        return;
    }
    let db = Db::new();
    sql(
        &db.path,
        &[
            "CREATE TABLE bookmarks (url TEXT)",
            "INSERT INTO bookmarks VALUES ('x')",
        ],
    );
    let before = db.bytes();
    let (code, err) = db.fails(&["init"]);
    assert_eq!(code, 1);
    assert!(
        one_error_line(&err).contains("is a SQLite database but not a claims database"),
        "{err}"
    );
    assert_eq!(db.bytes(), before);
}

#[test]
fn a_database_from_a_newer_claims_is_refused() {
    if crate::common::sqlite_only(
        "a file written by a newer claims (the server half is in the store tests)",
    ) {
        return;
    }
    let db = Db::demo();
    sql(
        &db.path,
        &["INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
           VALUES (99990101000000, 'from the future', 1, x'00', 0)"],
    );
    let before = db.bytes();
    let (code, err) = db.fails(&["list"]);
    assert_eq!(code, 1);
    let line = one_error_line(&err);
    assert!(
        line.contains("was written by a newer claims (schema version 99990101000000"),
        "{line}"
    );
    assert!(line.contains("upgrade claims to open it"), "{line}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn the_database_is_found_through_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let from_env = dir.path().join("env.db");
    Command::cargo_bin("claims")
        .unwrap()
        .env("CLAIMS_DB", &from_env)
        .arg("init")
        .assert()
        .success();
    assert!(from_env.exists());
    // Without --db or CLAIMS_DB: the platform data directory.
    let data = dir.path().join("data");
    let out = Command::cargo_bin("claims")
        .unwrap()
        .env_remove("CLAIMS_DB")
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir.path())
        .args(["--format", "json", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("claims/claims.db").exists());
    // --db wins over CLAIMS_DB.
    let flag = dir.path().join("flag.db");
    Command::cargo_bin("claims")
        .unwrap()
        .env("CLAIMS_DB", &from_env)
        .args(["--db", flag.to_str().unwrap(), "init"])
        .assert()
        .success();
    assert!(flag.exists());
}

#[test]
fn concurrent_writers_on_a_new_file_lose_nothing() {
    let db = Db::new();
    let binary = assert_cmd::cargo::cargo_bin("claims");
    let path = db.target().to_str().unwrap().to_string();
    // Eight processes race to create and migrate the same new database.
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let binary = binary.clone();
            let path = path.clone();
            std::thread::spawn(move || {
                let run = |args: &[&str]| {
                    let out = Process::new(&binary)
                        .arg("--db")
                        .arg(&path)
                        .args(args)
                        .stdout(Stdio::null())
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                };
                let name = format!("writer {w}");
                run(&["source", "add", &name]);
                for i in 0..10 {
                    run(&[
                        "add",
                        &format!("claim {i}"),
                        "--source",
                        &name,
                        "--due",
                        "+30d",
                    ]);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let claims = db.json(&["list"]);
    assert_eq!(claims.as_array().unwrap().len(), 80);
    let status = db.json(&["migrate", "--status"]);
    assert!(status["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["applied"] == true));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let db = Db::demo();
    // The reader is gone before claims writes: the write fails with EPIPE.
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("claims"))
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "--format",
            "json",
            "list",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A database written by the first release (the first migration only) opens,
/// upgrades, and keeps every row; its claims are recognised on import.
#[test]
fn a_database_from_the_first_release_upgrades_without_loss() {
    if crate::common::sqlite_only("a file of the first schema") {
        return;
    }
    let db = crate::common::first_schema_database(&[
        "INSERT INTO sources (id, name, name_key, kind, created_at) VALUES (1, 'مصدر حكومي عراقي', 'مصدر حكومي عراقي', 'anonymous', '2026-01-01T00:00:00Z')",
        "INSERT INTO claims (id, text, speaker_id, quote, lang, said_on, kind, status, created_at, updated_at) VALUES (1, 'Phase two in September 2026', 1, 'في أيلول 2026', 'ar', '2025-01-13', 'promise', 'pending', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO deadlines (claim_id, due, precision, label) VALUES (1, '2026-09-30', 'month', 'phase 2')",
        "INSERT INTO status_history (claim_id, event, at, to_status, recorded_at) VALUES (1, 'created', '2026-01-01', 'pending', '2026-01-01T00:00:00Z')",
    ]);
    let claim = db.json(&["show", "1"]);
    assert_eq!(claim["text"], "Phase two in September 2026");
    assert_eq!(claim["quote"], "في أيلول 2026");
    assert_eq!(claim["deadlines"][0]["label"], "phase 2");
    assert_eq!(claim["overdue"], true);
    // The first event is `recorded` now, dated when the claim was said.
    assert_eq!(claim["history"][0]["event"], "recorded");
    assert_eq!(claim["history"][0]["at"], "2025-01-13");
    assert_eq!(claim["history"][0]["by"], serde_json::Value::Null);
    let status = db.json(&["migrate", "--status"]);
    assert!(status["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["applied"] == true));
    // The claim written before fingerprints existed is known to import.
    let path = db.dir.path().join("same.jsonl");
    std::fs::write(
        &path,
        r#"{"text": "Phase two in September 2026", "source": {"name": "مصدر حكومي عراقي"}, "said_on": "2025-01-13"}"#,
    )
    .unwrap();
    let summary = db.json(&["import", path.to_str().unwrap()]);
    assert_eq!(summary["new"], 0);
    // Known, and the record lacks what the stored claim has.
    assert_eq!(summary["differing"], 1);
    assert_eq!(
        summary["differences"][0]["fields"],
        serde_json::json!(["quote", "lang", "kind", "deadlines"])
    );
}

/// A migration that has landed is never edited: its checksum is pinned here.
/// The PostgreSQL migrations are pinned the same way.
#[test]
fn landed_postgres_migrations_are_never_edited() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let migrator = runtime
        .block_on(sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/postgres"
        ))))
        .unwrap();
    let pinned: &[(i64, &str)] = &[
        (20261201000001, "ea6190a5d3976ecbb15e634520bcdfeddd1f7f3e4f48df5d24214627713458bd9a6e074d2978aeac1605c64b74cdf14b"),
        (20261201000002, "8b9e7814c64a2b65808f39787cb28e785e9a57d91c3506dab2a34c3ec50b8506bb6dbe6d3d01971b19d90a17a1d03eaf"),
        (20261201000003, "972711aa400524ae703e87c603d2885afdb970a3b0d56203f350a571ffe8cd8bf071fa837fd39259d7cf651cdae48e64"),
        (20261201000004, "c7f24b00b2250799339e3487a1835cb06294ca0811a973f636104d2df07eaab7ac8931e6ff9d5adb82586db196907e43"),
        (20261201000005, "64e0d38e2304f0011670cdbf84cc30c96253d02b50b5894d56375437e07cbd7b65f2cb40714a70f9426a9bf705db2217"),
        (20261201000006, "6c9d736bf96758a78ff9837b1fe84927a7ba6addb4be598f42432932b211a5c842c49007ac3c996d0ec1e8c33bfa7685"),
        (20261202000007, "832c3ffd7bed9d6289a0fe53d4f8bc5c856da7a4b933b0da21701be41e585c3c6e1c89cd72c74ad965edb906b6c6a263"),
    ];
    for (version, checksum) in pinned {
        let found = migrator.iter().find(|m| m.version == *version).map(|m| {
            m.checksum
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
        assert_eq!(
            found.as_deref(),
            Some(*checksum),
            "migration {version} was edited or removed: add a new migration instead"
        );
    }
}

/// A new migration adds a line; an edited one fails this test.
#[test]
fn landed_migrations_are_never_edited() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let migrator = runtime
        .block_on(sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/sqlite"
        ))))
        .unwrap();
    let actual: Vec<(i64, String)> = migrator
        .iter()
        .map(|m| {
            (
                m.version,
                m.checksum.iter().map(|b| format!("{b:02x}")).collect(),
            )
        })
        .collect();
    let pinned: &[(i64, &str)] = &[
        (20261130000001, "cf3402c8dbb6e23528d0ae0dd008ce506c4894e42aa0fa79fcc327d18dc8b97dd7254924fa131bc6c0d8fba269c8ff4b"),
        (20261130000002, "bdd0ad1a8de89de0c84a41fba0f7ea4526f51f004c6a888ab7ff71a1f5a99557e269eec8a08a7c6c9e76391701ab7458"),
        (20261130000003, "b4daca48788fa6ced544e19871f5623bff2d95758a8d3220e1feeab3d027a64bd07b37c0c3765c5a788e8e7441786512"),
        (20261130000004, "8ac43eeacf3912d44e747a91d8c7dbbac036d9b4895feb1a3e52e96344a005c54e89d487f9f254a5800e8321c044c43f"),
        (20261130000005, "3cdd783048d717bc1f996fe2cee3f1ccd4881192dab40c480ec93ccba9498bbaf0b019ba191e7b335d2fc6170aa99022"),
        (20261130000006, "6d8f41428806d9d96114ee0cb2eed3726fc05c2e7e075c4dc7a2adf533cc6c6d965b2da1b695c7527d8b563273eaca47"),
        (20261130000007, "a03b446af46b3405bb91283ce7f1deaafe2ec4964b7580b22963b7560f8f8ce7476a5d71035250c37037fca3e0834933"),
        (20261130000008, "100b6af368d5ad2a842c6188d49afd047969e059666aa8a26436861cc7080ba0029291bef9136ab22d0462e9d936ccd9"),
        (20261201000009, "7e8715a145c26ca5e828998f3329f047aa1db6cbdf032516df9ee42c0a0076e3dfb164cb8424c67d79d0236f4b08d11e"),
        (20261201000010, "64a06f48e73b288aea5d2547377f36e161717b43c5c936d2418ae48ec3ed119a48e4bec17e0047c0eb58455b0fc5552e"),
        (20261201000011, "7dec2bc1f5ccf40b5b5ace06dd6fe02b4046c9e9d9228a74b0a1d27babdd43ed91412fc3a9d56950a00991bc2afc3fe6"),
        (20261201000012, "072b40818dc6ff89419ee2253ccddb9fcf754aecbe3693a9e032e3507ccd4e4e3edbfdd77985e19721b88a82f35d74a4"),
        (20261201000013, "5f6447efcb1788fddc551d218139b1151b435236179728e3bd50b5680c1924f6c64008a0234ab03122bdd2e843883d79"),
        (20261201000014, "8390280d465cd648feac0f5e9127ded894230d074aa0196da59cc63d7be027724f85852aafb2fd37cd820b1a5e03c5bb"),
        (20261201000015, "5ab9301f9c4e37dc4a1ba9436cb2667252bb441a9ffd2e3c5f459fe4e1e9d7fba18e838b32f64f20e2ca6771da2ddb3d"),
        (20261201000016, "4369b9bf7d28c44ddc41cab68010053c3e206d02bbe829c3ca95fe36b294cc2790262350defb5fd7bb9dddda46d7580c"),
        (20261201000017, "9b4cdc0cd3d8ab0fa8afdc5d376bc7390f9e53f3299dd586fff78d7574468dfd5f9615ecd585cc4d9a7ff1cb2fc97941"),
        (20261201000018, "3adeab62a29d82561788385e9f7f8636b17203d0d9a6a4ba2a2f5ad7fe0fc13fbd42f0ae0c969b7ae409bee35b19cf45"),
        (20261201000019, "bfb1d0e3bdb59e1c549577daf7567d076acc3cf7bc2028f1a698be8d0b5f591e1237bee62e46e678fe0ae73ff4230a8d"),
        (20261202000020, "828f9eb79e976cd102627f18783de46793de2cde1e2993e5273db7fcf3f89f2856405741e6c9fab55fbb348833b23e7d"),
    ];
    for (version, checksum) in pinned {
        let found = actual.iter().find(|(v, _)| v == version);
        assert_eq!(
            found.map(|(_, c)| c.as_str()),
            Some(*checksum),
            "migration {version} was edited or removed: add a new migration instead"
        );
    }
}

/// Whether a fixture's export lists deadline numbers.
fn expected_has_numbers(expected: &serde_json::Value) -> bool {
    expected.as_array().unwrap().iter().any(|r| {
        r["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.get("number").is_some())
    })
}

/// Every schema version that has landed keeps a fixture database made by the
/// binary of that version (Arabic text, history, moved and met deadlines),
/// with its export. Today's binary must open it, upgrade it and export the
/// same claims. A new schema version adds a fixture: `claims backup` of a
/// database built as `schema-5.db` was, and its `claims export`.
#[test]
fn every_released_schema_opens_and_upgrades_with_every_row() {
    if crate::common::sqlite_only("the files of every released schema") {
        return;
    }
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let mut fixtures: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty());
    for fixture in fixtures {
        let db = Db::new();
        std::fs::copy(&fixture, &db.path).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixture.with_extension("export.json")).unwrap(),
        )
        .unwrap();
        let mut exported = db.json(&["export"]);
        // Databases made before schema 13 get their UUIDs, at random, on
        // upgrade; every other value must be as the fixture's export says.
        let made_before_uuids = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("schema-"))
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v < 13);
        let version = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("schema-"))
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap();
        for record in exported.as_array_mut().unwrap() {
            let record = record.as_object_mut().unwrap();
            if made_before_uuids {
                assert!(record.remove("uid").is_some_and(|u| u.is_string()));
                assert!(record.remove("database").is_some_and(|u| u.is_string()));
            }
            // Schema 14 made the history events: each gained its number,
            // when it was written and by whom (unknown before), and the
            // first is `recorded`, dated when the claim was said; deadlines
            // show their numbers.
            if version < 14 {
                for event in record["history"].as_array_mut().unwrap() {
                    let event = event.as_object_mut().unwrap();
                    assert!(event.remove("id").is_some_and(|i| i.is_i64()));
                    assert!(event.remove("recorded_at").is_some_and(|t| t.is_string()));
                    assert_eq!(event.remove("by"), None);
                    assert_eq!(event.remove("voided"), None);
                    // Its day was the day it was typed; now the day said.
                    if event["event"] == "recorded" {
                        event.insert("event".into(), "created".into());
                        event.remove("at");
                    }
                }
                for deadline in record["deadlines"].as_array_mut().unwrap() {
                    let deadline = deadline.as_object_mut().unwrap();
                    if version < 12 || !expected_has_numbers(&expected) {
                        deadline.remove("number");
                    }
                }
            }
        }
        let mut expected = expected;
        if version < 14 {
            for record in expected.as_array_mut().unwrap() {
                for event in record["history"].as_array_mut().unwrap() {
                    if event["event"] == "created" {
                        event.as_object_mut().unwrap().remove("at");
                    }
                }
            }
        }
        assert_eq!(exported, expected, "{}", fixture.display());
        assert!(
            db.ok(&["check"]).starts_with("ok: 8 claims"),
            "{}",
            fixture.display()
        );
        let status = db.json(&["migrate", "--status"]);
        assert!(status["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["applied"] == true));
        // The upgraded history replays: a claim resolved on 2026-02-01 was
        // pending the day before, and the report of that day counts it so.
        let claim_one = expected
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == 1)
            .unwrap();
        if claim_one["status"] == "fulfilled" {
            let before = db.json(&["--as-of", "2026-01-31", "show", "1"]);
            assert_eq!(before["status"], "pending", "{}", fixture.display());
            let report = db.json(&["--as-of", "2026-01-31", "report"]);
            // Read from the day tables the upgrade filled, as replayed.
            assert_eq!(
                report,
                db.json(&[
                    "--as-of",
                    "2026-01-31",
                    "--known-on",
                    "2999-12-31",
                    "report"
                ]),
                "{}",
                fixture.display()
            );
            let after = db.json(&["report"]);
            assert_eq!(
                report["counts"]["fulfilled"].as_i64().unwrap() + 1,
                after["counts"]["fulfilled"].as_i64().unwrap(),
                "{}",
                fixture.display()
            );
        }
    }
}

/// `--db` (and `CLAIMS_DB`) take a path or a URL: `sqlite:` names a file;
/// a `postgres://` URL is never taken for a file name (it used to create a
/// directory `postgres:`), and its password never shows.
#[test]
fn database_urls_are_recognised_and_passwords_never_show() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("by-url.db");
    let run = |db: &str, args: &[&str]| {
        assert_cmd::Command::cargo_bin("claims")
            .unwrap()
            .current_dir(dir.path())
            .env_remove("CLAIMS_DB")
            .args(["--db", db])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&format!("sqlite://{}", file.display()), &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(file.exists());
    // A server that is not there (port 1 refuses at once), and a scheme
    // claims does not speak: one line each, the password never shown.
    for (url, says) in [
        (
            "postgres://alice:hunter2@127.0.0.1:1/claims",
            "error: cannot reach the PostgreSQL server of `postgres://alice:***@127.0.0.1:1/claims`",
        ),
        (
            "postgresql://127.0.0.1:1/claims?user=alice&password=hunter2",
            "error: cannot reach the PostgreSQL server of `",
        ),
        (
            "mysql://alice:hunter2@db.example/claims",
            "error: invalid --db `mysql://alice:***@db.example/claims`",
        ),
    ] {
        let out = run(url, &["list"]);
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(says), "{err}");
        assert!(!err.contains("hunter2") && err.contains("***"), "{err}");
    }
    // Nothing was created for them.
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        entries
            .iter()
            .all(|name| name.to_string_lossy().starts_with("by-url.db")),
        "{entries:?}"
    );
}

/// The views for other tools, read with the sqlite3 command-line shell: the
/// claims with speaker, outlet, next due date and whether overdue; the open
/// deadlines; the history in words.
#[test]
fn the_readable_views_answer_in_sqlite3() {
    if crate::common::sqlite_only("the sqlite3 shell on a database file") {
        return;
    }
    if std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: no sqlite3 shell");
        return;
    }
    let db = Db::demo();
    db.ok(&["deadline", "move", "6.1", "2026-01", "--note", "extended"]);
    db.ok(&["resolve", "1", "fulfilled"]);
    let query = |sql: &str| -> String {
        let out = std::process::Command::new("sqlite3")
            .arg("-readonly")
            .arg(&db.path)
            .arg(sql)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        query("SELECT status, overdue, speaker, outlet, tags FROM claim_overview WHERE id = 7"),
        "pending|1|مصدر حكومي عراقي|Shafaq News|erbil; timetable; withdrawal\n"
    );
    assert_eq!(
        query("SELECT status, overdue FROM claim_overview WHERE id = 1"),
        "fulfilled|0\n"
    );
    assert_eq!(
        query("SELECT deadline, due, precision, label FROM open_deadlines ORDER BY due, deadline"),
        "3.1|2025-09-30|month|next September (أيلول/ سبتمبر المقبل)\n\
         6.1|2026-01-31|month|phase 1\n\
         5.1|2026-09-30|month|end of the coalition's mission\n\
         7.1|2026-09-30|month|phase 2\n"
    );
    assert_eq!(
        query("SELECT change, note FROM history_in_words WHERE claim_id = 6 ORDER BY id"),
        "recorded as pending|\ndeadline 6.1 moved 2025-09-30 → 2026-01-31|extended\n"
    );
}

/// The record's tables, the rest being internal (hidden from Datasette by
/// docs/datasette-metadata.json).
const RECORD_TABLES: [&str; 7] = [
    "claim_speakers",
    "claim_tags",
    "claims",
    "deadlines",
    "events",
    "source_aliases",
    "sources",
];

/// Every table is either part of the record or hidden in the Datasette
/// metadata, so a new internal table cannot slip into what people browse;
/// and Datasette itself, where installed (CI installs it), shows exactly the
/// record tables and the three views, the Arabic intact.
#[test]
fn datasette_shows_the_record_and_the_views() {
    if crate::common::sqlite_only("Datasette on a database file") {
        return;
    }
    let db = Db::demo();
    let metadata_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/datasette-metadata.json");
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(metadata_path).unwrap()).unwrap();
    let hidden = metadata["databases"]["claims"]["tables"]
        .as_object()
        .unwrap();
    if std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok()
    {
        let out = std::process::Command::new("sqlite3")
            .arg("-readonly")
            .arg(&db.path)
            .arg("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .output()
            .unwrap();
        for table in String::from_utf8(out.stdout).unwrap().lines() {
            assert!(
                RECORD_TABLES.contains(&table) || hidden.contains_key(table),
                "table `{table}` is neither the record nor hidden in {metadata_path}"
            );
        }
    }
    let Some(datasette) = crate::common::client(
        "datasette",
        Some("CLAIMS_DATASETTE"),
        "CLAIMS_REQUIRE_DATASETTE",
    ) else {
        return;
    };
    let get = |path: &str| -> serde_json::Value {
        let out = std::process::Command::new(&datasette)
            .arg(&db.path)
            .arg("--metadata")
            .arg(metadata_path)
            .arg("--get")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let database = get("/claims.json");
    let mut shown: Vec<&str> = database["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["hidden"] == false)
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    shown.sort();
    assert_eq!(shown, RECORD_TABLES);
    let views: Vec<&str> = database["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        views,
        ["claim_overview", "open_deadlines", "history_in_words"]
    );
    let rows = get("/claims/claim_overview.json?_shape=array&_sort=id");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[6]["speaker"], "مصدر حكومي عراقي");
    assert_eq!(rows[6]["overdue"], 1);
}
