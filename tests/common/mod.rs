//! Drives the real `claims` binary against a fresh database: an SQLite
//! file in a temporary directory or, with `CLAIMS_TEST_BACKEND=postgres`,
//! a scratch database on the server `CLAIMS_TEST_PG_URL` names (`.ci/run`
//! runs the suite both ways). Tests of what only a file has (its header,
//! its mode, backups, the fixtures of earlier schemas) say they skipped on
//! PostgreSQL.

use std::ffi::OsString;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The date every test runs "as of", unless it says otherwise.
pub const AS_OF: &str = "2026-11-30";

pub struct Db {
    pub dir: TempDir,
    pub path: PathBuf,
    /// The scratch database's URL, on PostgreSQL.
    pub url: Option<String>,
    /// Whether the scratch database goes with this (not with a `sharing` copy).
    owns: bool,
}

/// Whether this run of the suite is against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("CLAIMS_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The outside program a test drives (`program`, or the path in `path_var`
/// when that is set), when it runs here. Where it does not, the test says
/// so visibly and skips, unless `require_var` is set (CI sets it once it
/// has installed the program): then that is a failure.
pub fn client(program: &str, path_var: Option<&str>, require_var: &str) -> Option<OsString> {
    let path = path_var
        .and_then(std::env::var_os)
        .unwrap_or_else(|| program.into());
    if std::process::Command::new(&path)
        .arg("--version")
        .output()
        .is_ok()
    {
        return Some(path);
    }
    assert!(
        std::env::var_os(require_var).is_none(),
        "{require_var} is set but no {program} was found"
    );
    // Straight to the terminal: the test harness captures `eprintln!`.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "{program} is not installed: skipping"
    );
    None
}

/// True (having said so) when the test is about something only an SQLite
/// file has, and this run is against PostgreSQL.
pub fn sqlite_only(what: &str) -> bool {
    if !on_postgres() {
        return false;
    }
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped {test} on PostgreSQL: it is about {what}, which only SQLite has"
    );
    true
}

/// True (having said so) when the test is about what only a PostgreSQL
/// server has, and this run is against SQLite.
pub fn postgres_only(what: &str) -> bool {
    if on_postgres() {
        return false;
    }
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped {test} on SQLite: it is about {what}, which only PostgreSQL has \
         (CLAIMS_TEST_BACKEND=postgres runs it)"
    );
    true
}

/// The URL of this database for another login role (made if missing, with
/// no rights of its own).
pub fn url_as(db: &Db, role: &str) -> String {
    role_url(db.url.as_ref().expect("a PostgreSQL database"), role)
}

/// Who the events the tests write are by: `CLAIMS_USER` on SQLite, the
/// database role on PostgreSQL.
pub fn writer() -> String {
    if !on_postgres() {
        return "analyst".to_string();
    }
    use sqlx::{Connection, PgConnection};
    block_on(async {
        let mut conn = PgConnection::connect(&server_url()).await.unwrap();
        let role: String = sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        role
    })
}

/// The test server's URL; the suite cannot run against PostgreSQL without it.
fn server_url() -> String {
    std::env::var("CLAIMS_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("CLAIMS_TEST_BACKEND=postgres needs CLAIMS_TEST_PG_URL (scripts/pg-server starts a server)")
    })
}

/// The URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = url
        .split_once('?')
        .map_or((url, None), |(h, q)| (h, Some(q)));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The URL of the same database for another role, made a login role with
/// the test role's rights when it does not exist.
fn as_role(url: &str, role: &str) -> String {
    let other = role_url(url, role);
    on_server(&[format!("GRANT \"{}\" TO \"{role}\"", writer())]);
    other
}

/// `url` for another login role, made (with no rights of its own) if missing.
fn role_url(url: &str, role: &str) -> String {
    on_server(&[format!(
        "DO $$ BEGIN CREATE ROLE \"{role}\" LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )]);
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{role}@{host}")
}

/// Runs a future on a runtime of its own.
fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Runs statements on the test server's own database.
fn on_server(statements: &[String]) {
    use sqlx::{Connection, PgConnection};
    block_on(async {
        let mut conn = PgConnection::connect(&server_url()).await.unwrap();
        for statement in statements {
            sqlx::query(statement).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    })
}

impl Drop for Db {
    fn drop(&mut self) {
        if let (Some(url), true) = (&self.url, self.owns) {
            // Never a panic here: it would abort the whole test binary.
            let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let dropped = block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&server_url()).await?;
                sqlx::query(&drop).execute(&mut conn).await?;
                conn.close().await
            });
            if let Err(e) = dropped {
                eprintln!("note: could not drop the scratch database {name}: {e}");
            }
        }
    }
}

impl Db {
    pub fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.db");
        let url = on_postgres().then(|| {
            let name = format!("claims_{}", uuid::Uuid::new_v4().simple());
            on_server(&[format!("CREATE DATABASE {name}")]);
            with_database(&server_url(), &name)
        });
        Db {
            dir,
            path,
            url,
            owns: true,
        }
    }

    /// The SQLite file at `path`, whichever backend the suite runs on.
    pub fn file(path: PathBuf) -> Db {
        Db {
            dir: tempfile::tempdir().unwrap(),
            path,
            url: None,
            owns: true,
        }
    }

    /// A copy of this database as it stands (no command may be running).
    pub fn copy(&self) -> Db {
        let copy = Db::new();
        match (&self.url, &copy.url) {
            (Some(url), Some(to)) => {
                let name = |u: &str| {
                    u.rsplit('/')
                        .next()
                        .unwrap()
                        .split('?')
                        .next()
                        .unwrap()
                        .to_string()
                };
                let (from, to) = (name(url), name(to));
                on_server(&[
                    format!("DROP DATABASE {to}"),
                    format!("CREATE DATABASE {to} TEMPLATE {from}"),
                ]);
            }
            _ => {
                std::fs::copy(&self.path, &copy.path).unwrap();
            }
        }
        copy
    }

    /// The same database, with a temporary directory of its own (for
    /// another thread); the database stays with `self`.
    pub fn sharing(&self) -> Db {
        Db {
            dir: tempfile::tempdir().unwrap(),
            path: self.path.clone(),
            url: self.url.clone(),
            owns: false,
        }
    }

    /// What `--db` names: the file, or the scratch database's URL.
    pub fn target(&self) -> OsString {
        match &self.url {
            Some(url) => url.into(),
            None => self.path.clone().into(),
        }
    }

    /// `claims --db <temp> --as-of AS_OF ARGS...` (ARGS may give their own
    /// `--as-of`: a flag given twice is an error), with no colour and no
    /// database from the environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.process(args))
    }

    /// As [`Db::cmd`], for a process to spawn and talk to.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut args = args.to_vec();
        let mut target = self.target();
        // On PostgreSQL the writer is the database role: a change `--by`
        // someone is made by connecting as that role.
        if let (Some(url), Some(i)) = (&self.url, args.iter().position(|a| *a == "--by")) {
            if !args.contains(&"log") && i + 1 < args.len() {
                let role = args[i + 1].to_string();
                args.drain(i..=i + 1);
                target = as_role(url, &role).into();
            }
        }
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("claims"));
        cmd.env_remove("CLAIMS_DB")
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .env("CLAIMS_USER", "analyst")
            .arg("--db")
            .arg(target);
        if !args.contains(&"--as-of") {
            cmd.arg("--as-of").arg(AS_OF);
        }
        cmd.args(&args);
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

    /// Runs one SQL statement on the database directly, as another program
    /// would, behind `claims`' back; returns the rows it changed.
    pub fn execute(&self, statement: &str) -> u64 {
        self.try_execute(statement).unwrap()
    }

    /// As `execute`, the database's refusal as text.
    pub fn try_execute(&self, statement: &str) -> Result<u64, String> {
        use sqlx::Connection;
        block_on(async {
            if let Some(url) = &self.url {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let done = sqlx::query(statement).execute(&mut conn).await;
                conn.close().await.unwrap();
                return done.map(|d| d.rows_affected()).map_err(|e| e.to_string());
            }
            let url = format!("sqlite://{}", self.path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&mut conn)
                .await
                .unwrap();
            let done = sqlx::query(statement).execute(&mut conn).await;
            conn.close().await.unwrap();
            done.map(|d| d.rows_affected()).map_err(|e| e.to_string())
        })
    }

    /// The database's contents, to show a failed command changed nothing:
    /// the file's bytes, or every table's rows on PostgreSQL.
    pub fn bytes(&self) -> Vec<u8> {
        let Some(url) = &self.url else {
            return std::fs::read(&self.path).unwrap();
        };
        use sqlx::Connection;
        block_on(async {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            let mut all = String::new();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT t::text FROM \"{table}\" t ORDER BY 1"))
                        .fetch_all(&mut conn)
                        .await
                        .unwrap();
                all.push_str(&format!("{table}\n{}\n", rows.join("\n")));
            }
            conn.close().await.unwrap();
            all.into_bytes()
        })
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
