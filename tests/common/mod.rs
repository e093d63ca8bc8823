//! Drives the real `claims` binary against a database in a temporary directory.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The date every test runs "as of", unless it says otherwise.
pub const AS_OF: &str = "2026-11-30";

pub struct Db {
    pub dir: TempDir,
    pub path: PathBuf,
}

impl Db {
    pub fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.db");
        Db { dir, path }
    }

    /// `claims --db <temp> --as-of AS_OF ARGS...` (ARGS may give their own
    /// `--as-of`: a flag given twice is an error), with no colour and no
    /// database from the environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("claims").unwrap();
        cmd.env_remove("CLAIMS_DB")
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .env("CLAIMS_USER", "analyst")
            .arg("--db")
            .arg(&self.path);
        if !args.contains(&"--as-of") {
            cmd.arg("--as-of").arg(AS_OF);
        }
        cmd.args(args);
        cmd
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "claims {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command with `--format json` that must succeed; returns the JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// Runs a command that must fail; returns its exit code and stderr.
    pub fn fails(&self, args: &[&str]) -> (i32, String) {
        let out = self.cmd(args).output().unwrap();
        assert!(!out.status.success(), "claims {args:?} succeeded");
        assert!(out.stdout.is_empty(), "claims {args:?} wrote to stdout");
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Runs one SQL statement on the file directly, as another program
    /// would, behind `claims`' back; returns the rows it changed.
    pub fn execute(&self, statement: &str) -> u64 {
        use sqlx::{Connection, SqliteConnection};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let url = format!("sqlite://{}", self.path.display());
            let mut conn = SqliteConnection::connect(&url).await.unwrap();
            let done = sqlx::query(statement).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
            done.rows_affected()
        })
    }

    /// The database file's bytes, to show a failed command changed nothing.
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap()
    }

    /// A database with the example report loaded.
    pub fn demo() -> Db {
        let db = Db::new();
        db.ok(&["demo"]);
        db
    }

    /// A database with two sources: a speaker (id 1) and an outlet (id 2).
    pub fn with_sources() -> Db {
        let db = Db::new();
        db.ok(&[
            "source",
            "add",
            "Government spokesperson",
            "--kind",
            "government",
        ]);
        db.ok(&["source", "add", "Shafaq News", "--kind", "outlet"]);
        db
    }
}

/// Asserts that a failing command printed exactly one `error:` line.
pub fn one_error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0]
}

/// The ids of a JSON array of claims, in order.
pub fn ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

/// A database of the first schema (migration 1 only, as the first release
/// wrote it), filled by `statements`.
pub fn first_schema_database(statements: &[&str]) -> Db {
    use sqlx::{Connection, SqliteConnection};
    let db = Db::new();
    let first = tempfile::tempdir().unwrap();
    let name = "20261130000001_initial_schema.sql";
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join("sqlite");
    std::fs::copy(migrations.join(name), first.path().join(name)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", db.path.display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        sqlx::migrate::Migrator::new(first.path())
            .await
            .unwrap()
            .run(&mut conn)
            .await
            .unwrap();
        for statement in statements {
            sqlx::query(statement).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    });
    db
}
