//! Tests against a real server: the one `CLAIMS_TEST_PG_URL` names
//! (`.ci/run` starts a throwaway one with `scripts/pg-server`). Without it
//! each test says it skipped.

use super::*;
use sqlx::Connection;

/// A fresh database on the test server, dropped by `drop_database`; `None`
/// (with a message) when no server is configured.
async fn scratch_database(test: &str) -> Option<(String, String)> {
    let Ok(url) = std::env::var("CLAIMS_TEST_PG_URL") else {
        // Straight to the terminal: the test harness captures `eprintln!`.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipped {test}: CLAIMS_TEST_PG_URL is not set (scripts/pg-server starts a server)"
        );
        return None;
    };
    let name = format!("claims_{}", uuid::Uuid::new_v4().simple());
    let admin = PgPool::connect(&url).await.expect("the test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    Some((with_database(&url, &name), url))
}

/// A scratch database, dropped when this goes.
pub(crate) struct Scratch {
    url: String,
    admin_url: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let (url, admin) = (self.url.clone(), self.admin_url.clone());
        // Its own runtime: a test's runtime is shutting down by now.
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(drop_database(&url, &admin))
        })
        .join();
    }
}

/// A fresh, migrated store on a scratch database, or `None` (having said
/// so) when no test server is configured.
pub(crate) async fn fresh(test: &str) -> Option<(Scratch, PostgresStore)> {
    let (url, admin_url) = scratch_database(test).await?;
    let store = PostgresStore::open(&url).await.unwrap();
    Some((Scratch { url, admin_url }, store))
}

async fn drop_database(url: &str, admin_url: &str) {
    let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let admin = PgPool::connect(admin_url).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
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

#[test]
fn libpq_socket_urls_become_hosts() {
    assert_eq!(
        socket_as_host("postgres://claims@/claims_test?host=/tmp/pg&sslmode=disable"),
        "postgres://claims@%2Ftmp%2Fpg/claims_test?sslmode=disable"
    );
    assert_eq!(
        socket_as_host("postgres://claims@db.example/claims"),
        "postgres://claims@db.example/claims"
    );
    assert!(connect_options("postgres://claims@/claims_test?host=/tmp/pg").is_ok());
    assert_eq!(
        with_database("postgres://u@%2Ftmp/a?x=1", "b"),
        "postgres://u@%2Ftmp/b?x=1"
    );
}

#[tokio::test]
async fn a_new_database_gets_the_schema_once_even_when_opened_at_once() {
    let Some((url, admin)) = scratch_database("postgres open").await else {
        return;
    };
    // Four first uses at once: the advisory lock lets one migrate.
    let opened = tokio::join!(
        PostgresStore::open(&url),
        PostgresStore::open(&url),
        PostgresStore::open(&url),
        PostgresStore::open(&url)
    );
    let stores: Vec<PostgresStore> = [opened.0, opened.1, opened.2, opened.3]
        .into_iter()
        .map(|r| r.expect("every first open succeeds"))
        .collect();
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap();
    let uuid = stores[0].database_uuid().await.unwrap().unwrap();
    assert_eq!(uuid.len(), 36);
    for store in stores {
        assert_eq!(store.schema_version().await.unwrap(), known);
        assert_eq!(
            store.database_uuid().await.unwrap().as_deref(),
            Some(&*uuid)
        );
        store.close().await;
    }
    // Opened again: nothing to do, the same database.
    let store = PostgresStore::open(&url).await.unwrap();
    assert_eq!(
        store.database_uuid().await.unwrap().as_deref(),
        Some(&*uuid)
    );
    assert_eq!(store.role().await.unwrap(), "claims");
    // The history refuses changes, on the server itself.
    sqlx::raw_sql(
        "INSERT INTO sources (name, name_key, kind, created_at) VALUES ('x', 'x', 'person', now()); \
         INSERT INTO claims (uid, text, speaker_id, kind, created_at, updated_at, fingerprint) \
         VALUES (gen_random_uuid(), 'قال مصدر', 1, 'report', now(), now(), 'f'); \
         INSERT INTO events (claim_id, event, at, recorded_at, to_status) \
         VALUES (1, 'recorded', '2025-08-18', now(), 'pending')",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    for change in ["UPDATE events SET note = 'x'", "DELETE FROM events"] {
        let err = sqlx::query(change).execute(&store.pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    // Removing the claim takes its history with it.
    sqlx::query("DELETE FROM claims")
        .execute(&store.pool)
        .await
        .unwrap();
    store.close().await;
    drop_database(&url, &admin).await;
}

/// A database of schema 2 (the first released on PostgreSQL), with a claim
/// written as that version wrote it, upgrades: its search row gets the
/// stems of its words (migration 3 and the fill on open).
#[tokio::test]
async fn a_schema_2_database_upgrades_and_its_search_finds_other_forms() {
    let Some((url, admin)) = scratch_database("postgres schema 2 upgrade").await else {
        return;
    };
    let pool = PgPool::connect(&url).await.unwrap();
    let schema_2 = Migrator {
        migrations: MIGRATOR
            .migrations
            .iter()
            .filter(|m| m.version <= 20261201000002)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..Migrator::DEFAULT
    };
    schema_2.run(&pool).await.unwrap();
    for statement in [
        "INSERT INTO sources (id, name, name_key, kind, created_at) \
         VALUES (1, 'مصدر', 'مصدر', 'anonymous', now())",
        "INSERT INTO claims (id, uid, text, speaker_id, quote, kind, status, created_at, \
         updated_at, fingerprint) VALUES (1, gen_random_uuid(), 'Withdrawal from Ain al-Asad', \
         1, 'الانسحاب من قاعدة عين الأسد', 'promise', 'pending', now(), now(), 'x')",
        "INSERT INTO claim_search (claim_id, body, words) VALUES (1, \
         'withdrawal from ain al-asad\nالانسحاب من قاعده عين الاسد\nمصدر', \
         to_tsvector('simple', 'withdrawal from ain al asad الانسحاب من قاعده عين الاسد مصدر'))",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let seen = std::sync::Mutex::new(Vec::new());
    let record = |step: &str, done, total| {
        seen.lock().unwrap().push((step.to_string(), done, total));
    };
    let store = PostgresStore::open_reporting(&url, OpenMode::Migrate, &record)
        .await
        .unwrap();
    let step = crate::store::SEARCH_REBUILD.to_string();
    assert_eq!(
        seen.into_inner().unwrap(),
        vec![(step.clone(), 0, 1), (step, 1, 1)]
    );
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    for query in ["withdrawal", "withdrawals", "انسحاب", "\"عين الاسد\""] {
        let found: Vec<i64> = store
            .search(query, 10, as_of)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(found, vec![1], "{query}");
    }
    let pending: Option<i32> = sqlx::query_scalar("SELECT pending FROM search_backfill")
        .fetch_optional(&store.pool)
        .await
        .unwrap();
    assert_eq!(pending, None);
    store.close().await;
    drop_database(&url, &admin).await;
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let Some((url, admin)) = scratch_database("postgres newer schema").await else {
        return;
    };
    let store = PostgresStore::open(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000001, 'from the future', true, '\\x00', 0)",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    store.close().await;
    let err = PostgresStore::open(&url).await.err().unwrap();
    assert!(
        matches!(
            err,
            Error::TooNew {
                found: 99990101000001,
                ..
            }
        ),
        "{err}"
    );
    drop_database(&url, &admin).await;
}

/// Writes a row in `tx`, and says which transaction it is.
async fn a_write(tx: &mut sqlx::PgConnection) -> String {
    sqlx::query("INSERT INTO database_info (key, value) VALUES ($1, 'x')")
        .bind(uuid::Uuid::new_v4().to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT pg_current_xact_id()::text")
        .fetch_one(&mut *tx)
        .await
        .unwrap()
}

/// A commit whose answer was lost is settled by asking the server: done
/// when it committed, `Lost` (so `retrying` runs it again) when it did not.
#[tokio::test]
async fn a_commit_gone_unanswered_is_settled_by_the_server() {
    let Some((_keep, store)) = fresh("postgres lost commit").await else {
        return;
    };
    let mut tx = store.begin().await.unwrap();
    let committed = a_write(&mut tx).await;
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let aborted = a_write(&mut tx).await;
    tx.rollback().await.unwrap();

    store.settle(&committed, "gone".into()).await.unwrap();
    let err = store.settle(&aborted, "gone".into()).await.unwrap_err();
    assert!(matches!(&err, Error::Lost(why) if why == "gone"), "{err}");
}

#[tokio::test]
async fn unreachable_servers_and_unknown_databases_say_so_in_one_line() {
    let Some((url, admin)) = scratch_database("postgres errors").await else {
        return;
    };
    // A database that does not exist, with a password that must not show.
    let missing = with_database(&url, "no_such_database").replacen("claims@", "claims:hunter2@", 1);
    let err = PostgresStore::open(&missing)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("\"no_such_database\" does not exist"), "{err}");
    assert!(
        err.contains("createdb") && !err.contains("hunter2"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    // No server behind the socket directory.
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().display().to_string().replace('/', "%2F");
    let down = format!("postgres://claims:hunter2@{host}/claims");
    let err = PostgresStore::open(&down).await.err().unwrap().to_string();
    assert!(
        err.starts_with("cannot reach the PostgreSQL server of `postgres://claims:***@"),
        "{err}"
    );
    assert!(
        err.ends_with("(is it running?)") && !err.contains("hunter2"),
        "{err}"
    );
    drop_database(&url, &admin).await;
}

#[tokio::test]
async fn sources_are_added_found_renamed_and_removed_as_on_sqlite() {
    use crate::domain::model::SourceKind;
    use crate::store::tests::new_source;
    let Some((url, admin)) = scratch_database("postgres sources").await else {
        return;
    };
    let store = PostgresStore::open(&url).await.unwrap();
    let government = store
        .insert_source(&new_source("مصدر حكومي عراقي"))
        .await
        .unwrap();
    assert_eq!(government.name, "مصدر حكومي عراقي");
    assert_eq!(government.kind, SourceKind::Person);
    let outlet = store
        .insert_source(&new_source("Shafaq News"))
        .await
        .unwrap();
    // Names are unique ignoring Latin case; Arabic compares exactly.
    let err = store
        .insert_source(&new_source("SHAFAQ news"))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "a source named `Shafaq News` already exists (id {})",
            outlet.id
        )
    );
    assert_eq!(
        store
            .source_by_name("shafaq NEWS")
            .await
            .unwrap()
            .map(|s| s.id),
        Some(outlet.id)
    );
    assert!(store.source_by_name("مصدر").await.unwrap().is_none());
    let names: Vec<String> = store
        .sources()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    // In byte order of the name key, as on SQLite: Latin before Arabic.
    assert_eq!(names, ["Shafaq News", "مصدر حكومي عراقي"]);
    // Renamed onto another's name: refused; onto its own in another case: fine.
    assert!(matches!(
        store
            .update_source(government.id, &new_source("shafaq news"))
            .await,
        Err(Error::Conflict(_))
    ));
    let renamed = store
        .update_source(outlet.id, &new_source("SHAFAQ News"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "SHAFAQ News");
    assert!(matches!(
        store.update_source(999, &new_source("x")).await,
        Err(Error::NotFound { .. })
    ));
    store.delete_source(outlet.id).await.unwrap();
    assert!(matches!(
        store.source(outlet.id).await,
        Err(Error::NotFound { .. })
    ));
    // Its id stays spent.
    let next = store.insert_source(&new_source("Rudaw")).await.unwrap();
    assert!(next.id > outlet.id);
    store.close().await;
    drop_database(&url, &admin).await;
}

/// The derived data of a claim written on PostgreSQL are what the domain
/// says (the same `store::derived::rewrite` as SQLite, PostgreSQL's writes).
#[tokio::test]
async fn derived_data_are_written_as_the_rules_say() {
    use crate::domain::days::claim_days;
    use crate::domain::model::{ClaimKind, EventKind, HistoryEntry, Status};
    use crate::domain::replay::Snapshot;
    use crate::domain::rules::{ClaimState, DeadlineState, Role};
    use crate::store::derived::{rewrite, Derivable};
    let Some((url, admin)) = scratch_database("postgres derived data").await else {
        return;
    };
    let store = PostgresStore::open(&url).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO sources (id, name, name_key, kind, created_at) VALUES \
         (4, 'مصدر حكومي عراقي', 'مصدر حكومي عراقي', 'anonymous', now()), \
         (1, 'شفق نيوز', 'شفق نيوز', 'outlet', now()); \
         INSERT INTO claims (id, uid, text, speaker_id, reported_by_id, said_on, kind, created_at, \
         updated_at, fingerprint) VALUES (6, gen_random_uuid(), 'المرحلة الأولى', 4, 1, \
         '2025-08-18', 'promise', now(), now(), 'f'); \
         INSERT INTO deadlines (id, claim_id, number, due, precision) \
         VALUES (1, 6, 1, '2025-09-30', 'month')",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    let day = |d: &str| crate::domain::dates::from_iso(d).unwrap();
    let state = ClaimState {
        status: Status::Pending,
        speaker_id: 4,
        other_speakers: vec![],
        outlet_id: Some(1),
        deadlines: vec![DeadlineState {
            id: 1,
            due: day("2025-09-30"),
            met_on: None,
            first_due: None,
        }],
        fulfilled_on: None,
    };
    let now = Snapshot {
        id: 6,
        status: Status::Pending,
        said_on: Some(day("2025-08-18")),
        kind: ClaimKind::Promise,
        credibility: None,
        speakers: vec![4],
        outlet: Some(1),
        tags: vec![],
        deadlines: vec![],
        texts: Default::default(),
    };
    let recorded = HistoryEntry {
        id: 1,
        claim_id: 6,
        event: EventKind::Recorded,
        at: day("2025-08-18"),
        from: None,
        to: Status::Pending,
        note: None,
        evidence: None,
        deadline_id: None,
        old_due: None,
        new_due: None,
        recorded_at: "2025-08-18T12:00:00Z".into(),
        by: None,
        voided: false,
        voids: None,
        field: None,
        old: None,
        new: None,
    };
    let mut now = now;
    now.deadlines = vec![crate::domain::model::Deadline {
        id: 1,
        reference: crate::domain::model::DeadlineRef {
            claim_id: 6,
            number: 1,
        },
        claim_id: 6,
        due: day("2025-09-30"),
        precision: crate::domain::dates::Precision::Month,
        label: None,
        met_on: None,
        as_written: None,
    }];
    let events = [recorded];
    let after = Derivable::of(state, Some((&now, &events[..])));
    assert_eq!(after.days, claim_days(&now, &events));
    let mut conn = store.pool.acquire().await.unwrap();
    rewrite(&mut derived::Writes(&mut conn), 6, None, Some(&after))
        .await
        .unwrap();
    drop(conn);
    let rows = |sql: &'static str| {
        let pool = store.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    // Open, due, counted for the speaker, the outlet and in all.
    assert_eq!(rows("SELECT open::text FROM deadlines").await, ["true"]);
    assert_eq!(
        rows("SELECT next_due::text FROM claims").await,
        ["2025-09-30"]
    );
    assert_eq!(
        rows("SELECT source_id || ' ' || role || ' ' || status || ' ' || n FROM source_counts ORDER BY 1")
            .await,
        ["0 all pending 1", "1 outlet pending 1", "4 speaker pending 1"]
    );
    assert_eq!(
        rows("SELECT role || ' ' || source_id || ' ' || next_due || ' ' || n FROM claim_due_counts ORDER BY 1")
            .await,
        ["all 0 2025-09-30 1", "outlet 1 2025-09-30 1", "speaker 4 2025-09-30 1"]
    );
    let roles: Vec<String> = rows("SELECT role FROM deadline_facts ORDER BY role").await;
    assert_eq!(roles, [Role::Outlet.as_str(), Role::Speaker.as_str()]);
    // The journal dates it all on the day it was said; the periods run from then.
    assert_eq!(
        rows("SELECT DISTINCT day::text FROM source_count_days").await,
        ["2025-08-18"]
    );
    assert_eq!(
        rows("SELECT from_day || ' ' || until_day || ' ' || status || ' ' || next_due FROM claim_days")
            .await,
        ["2025-08-18 infinity pending 2025-09-30"]
    );
    assert_eq!(
        rows("SELECT from_day || ' ' || until_day || ' ' || due FROM due_days").await,
        ["2025-08-18 infinity 2025-09-30"]
    );
    // Removed: every count back to 0, the periods gone with the claim.
    let mut conn = store.pool.acquire().await.unwrap();
    rewrite(&mut derived::Writes(&mut conn), 6, Some(&after), None)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(
        rows("SELECT DISTINCT n::text FROM source_counts").await,
        ["0"]
    );
    assert!(rows("SELECT claim_id::text FROM claim_days")
        .await
        .is_empty());
    store.close().await;
    drop_database(&url, &admin).await;
}

/// The derived tables of both engines, as sorted lines of text
/// (PostgreSQL's types written as SQLite writes them).
async fn assert_same_derived(lite_path: &std::path::Path, pg: &PostgresStore) {
    let mut lite_conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", lite_path.display()))
            .await
            .unwrap();
    // Each table as sorted lines of text; PostgreSQL's types written as
    // SQLite writes them.
    let mut compared = 0;
    let tables: &[(&str, &str, &str)] = &[
        ("source_counts", "source_id || ' ' || role || ' ' || status || ' ' || n", "n <> 0"),
        ("claim_due_counts", "role || ' ' || source_id || ' ' || next_due || ' ' || n", "n <> 0"),
        ("record_delivered", "source_id || ' ' || role || ' ' || late_days || ' ' || n", "n <> 0"),
        ("record_delivered_days", "source_id || ' ' || role || ' ' || DAY || ' ' || late_days || ' ' || n", "n <> 0"),
        ("record_undelivered", "source_id || ' ' || role || ' ' || first_due || ' ' || PENDING || ' ' || n", "n <> 0"),
        ("deadline_facts", "deadline_id || ' ' || role || ' ' || source_id || ' ' || first_due || ' ' || coalesce(done || '', '-') || ' ' || PENDING", "true"),
        ("source_count_days", "DAY || ' ' || source_id || ' ' || role || ' ' || status || ' ' || n", "n <> 0"),
        ("claim_due_count_days", "role || ' ' || source_id || ' ' || DAY || ' ' || next_due || ' ' || n", "n <> 0"),
        ("record_undelivered_days", "source_id || ' ' || role || ' ' || DAY || ' ' || first_due || ' ' || PENDING || ' ' || n", "n <> 0"),
        ("claim_days", "claim_id || ' ' || FROM || ' ' || UNTIL || ' ' || status || ' ' || coalesce(next_due || '', '-')", "true"),
        ("due_days", "deadline_id || ' ' || FROM || ' ' || UNTIL || ' ' || claim_id || ' ' || due", "true"),
        ("deadlines", "id || ' ' || claim_id || ' ' || number || ' ' || OPEN", "true"),
        ("claims", "id || ' ' || coalesce(next_due || '', '-') || ' ' || fingerprint", "true"),
    ];
    for (table, line, filter) in tables {
        let lite_line = line
            .replace("PENDING", "pending")
            .replace("OPEN", "open")
            .replace("DAY", "day")
            .replace("FROM", "from_day")
            .replace("UNTIL", "until_day");
        let pg_line = line
            .replace("PENDING", "pending::int")
            .replace("OPEN", "open::int")
            .replace("DAY", "replace(day::text, '-infinity', '0000-00-00')")
            .replace("FROM", "replace(from_day::text, '-infinity', '0000-00-00')")
            .replace(
                "UNTIL",
                "replace(until_day::text, 'infinity', '9999-99-99')",
            );
        let lite_rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {lite_line} FROM {table} WHERE {filter} ORDER BY 1"
        ))
        .fetch_all(&mut lite_conn)
        .await
        .unwrap();
        let pg_rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT {pg_line} FROM {table} WHERE {filter}"))
                .fetch_all(&pg.pool)
                .await
                .unwrap();
        let mut lite_sorted = lite_rows.clone();
        lite_sorted.sort();
        let mut pg_sorted = pg_rows;
        pg_sorted.sort();
        compared += lite_sorted.len();
        assert_eq!(pg_sorted, lite_sorted, "{table}");
    }
    // Not a comparison of empty tables.
    assert!(compared > 20, "{compared} rows");
}

/// The same claims added on SQLite and on PostgreSQL leave the same derived
/// rows: counts, facts, the journal, the periods, open flags, next due dates.
#[tokio::test]
async fn claims_added_derive_the_same_rows_as_on_sqlite() {
    use crate::domain::model::{HistoryEntry, Status};
    use crate::store::sqlite::SqliteStore;
    use crate::store::tests::{day, new_claim, new_source};
    use crate::store::{OpenMode, StatusChange, Store};
    let Some((url, admin)) = scratch_database("postgres claims").await else {
        return;
    };
    let pg = PostgresStore::open(&url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lite = SqliteStore::open(&dir.path().join("claims.db"), OpenMode::Migrate)
        .await
        .unwrap();
    let names = ["مصدر حكومي عراقي", "Shafaq News", "مصدر أمني"];
    for name in names {
        let a = lite.insert_source(&new_source(name)).await.unwrap().id;
        let b = pg.insert_source(&new_source(name)).await.unwrap().id;
        assert_eq!(a, b);
    }
    let mut joint = new_claim("Joint: the coalition leaves", 1, Some(2), &["2026-09-30"]);
    joint.other_speakers = vec![3];
    let mut undated = new_claim("No day said", 3, None, &["2025-12-31"]);
    undated.said_on = None;
    let claims = [
        new_claim("المرحلة الأولى", 1, Some(2), &["2025-09-30", "2026-09-30"]),
        joint,
        undated,
        new_claim("No deadline", 3, Some(2), &[]),
    ];
    for claim in &claims {
        let a = lite.insert_claim(claim, day("2026-11-30")).await.unwrap();
        let b = pg.insert_claim(claim, day("2026-11-30")).await.unwrap();
        assert_eq!(a, b);
    }
    let lite_path = dir.path().join("claims.db");
    assert_same_derived(&lite_path, &pg).await;
    // Resolved, reopened, resolved again, on both.
    for (id, to, on) in [
        (1, Status::Failed, "2025-10-15"),
        (2, Status::Fulfilled, "2026-10-01"),
        (2, Status::Pending, "2026-10-05"),
        (3, Status::Retracted, "2026-11-01"),
    ] {
        let change = StatusChange {
            to,
            on: day(on),
            note: Some("ملاحظة"),
            evidence: None,
        };
        let a = lite.set_status(id, &change).await.unwrap();
        let b = pg.set_status(id, &change).await.unwrap();
        assert_eq!(a, b);
    }
    assert!(matches!(
        pg.set_status(
            3,
            &StatusChange {
                to: Status::Retracted,
                on: day("2026-11-02"),
                note: None,
                evidence: None
            }
        )
        .await,
        Err(Error::Conflict(_))
    ));
    // A deadline added, moved, met; another removed; on both.
    let new_deadline = |due: &str| crate::store::NewDeadline {
        due: day(due),
        precision: crate::domain::dates::Precision::Month,
        label: Some("المرحلة الثانية".into()),
        met_on: None,
        as_written: Some("أيلول".into()),
    };
    let a = lite
        .insert_deadline(4, &new_deadline("2026-06-30"), day("2026-01-01"))
        .await
        .unwrap();
    let b = pg
        .insert_deadline(4, &new_deadline("2026-06-30"), day("2026-01-01"))
        .await
        .unwrap();
    assert_eq!(a, b);
    let moved = new_deadline("2026-12-31");
    lite.move_deadline(a, &moved, day("2026-05-01"), Some("extended"))
        .await
        .unwrap();
    pg.move_deadline(b, &moved, day("2026-05-01"), Some("extended"))
        .await
        .unwrap();
    lite.meet_deadline(a, day("2026-11-15")).await.unwrap();
    pg.meet_deadline(b, day("2026-11-15")).await.unwrap();
    assert!(matches!(
        pg.meet_deadline(b, day("2026-11-16")).await,
        Err(Error::Conflict(_))
    ));
    lite.delete_deadline(3, day("2026-11-20"), None)
        .await
        .unwrap();
    pg.delete_deadline(3, day("2026-11-20"), None)
        .await
        .unwrap();
    let reference = crate::domain::model::DeadlineRef {
        claim_id: 4,
        number: 1,
    };
    assert_eq!(pg.deadline_by_ref(reference).await.unwrap().id, b);
    assert!(matches!(pg.deadline(3).await, Err(Error::NotFound { .. })));
    // Notes, and the log of both.
    let note = "مصدر ثان يؤكد";
    let evidence = Some("https://example.org/n");
    lite.append_note(1, day("2026-11-21"), note, evidence)
        .await
        .unwrap();
    pg.append_note(1, day("2026-11-21"), note, evidence)
        .await
        .unwrap();
    let log_of = |entries: Vec<HistoryEntry>| {
        entries
            .into_iter()
            .map(|e| (e.id, e.claim_id, e.event, e.at, e.note, e.deadline_id))
            .collect::<Vec<_>>()
    };
    for filter in [
        crate::store::LogFilter {
            limit: Some(50),
            ..Default::default()
        },
        crate::store::LogFilter {
            claim_id: Some(4),
            ..Default::default()
        },
        crate::store::LogFilter {
            since: Some(day("2020-01-01")),
            limit: Some(3),
            ..Default::default()
        },
    ] {
        let a = log_of(lite.log(&filter).await.unwrap());
        let b = log_of(pg.log(&filter).await.unwrap());
        assert!(!a.is_empty());
        assert_eq!(a, b, "{filter:?}");
    }
    let by_role = crate::store::LogFilter {
        by: Some("claims".into()),
        ..Default::default()
    };
    let everything = lite.log(&Default::default()).await.unwrap().len();
    assert_eq!(pg.log(&by_role).await.unwrap().len(), everything);
    // An edit of claim 4: a joint statement now, other words, other tags.
    let mut fields = lite.claim_fields(4).await.unwrap();
    assert_eq!(
        serde_json::to_value(pg.claim_fields(4).await.unwrap().values()).unwrap(),
        serde_json::to_value(fields.values()).unwrap()
    );
    fields.text = "قالت المصادر إن الانسحاب اكتمل".into();
    fields.speaker_id = 3;
    fields.other_speakers = vec![1];
    fields.tags = vec!["withdrawal".into(), "انسحاب".into()];
    fields.quote = None;
    let a = lite
        .update_claim(4, &fields, day("2026-11-25"))
        .await
        .unwrap();
    let b = pg
        .update_claim(4, &fields, day("2026-11-25"))
        .await
        .unwrap();
    let names = |changes: Vec<crate::store::FieldChange>| {
        changes
            .into_iter()
            .map(|c| (c.field, c.old, c.new))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(a), names(b));
    assert!(matches!(
        pg.update_claim(4, &fields, day("2026-11-26")).await,
        Err(Error::Conflict(_))
    ));
    // A claim removed with everything it had.
    lite.delete_claim(3).await.unwrap();
    pg.delete_claim(3).await.unwrap();
    assert!(matches!(
        pg.delete_claim(3).await,
        Err(Error::NotFound { .. })
    ));
    assert_same_derived(&lite_path, &pg).await;
    // Each claim reads back the same, judged on two days: all but its UUID
    // (random), and its events' writer and second of writing.
    let comparable = |claim: crate::domain::model::Claim| {
        let mut value = serde_json::to_value(claim).unwrap();
        value.as_object_mut().unwrap().remove("uid");
        for event in value["history"].as_array_mut().unwrap() {
            let event = event.as_object_mut().unwrap();
            event.remove("by");
            event.remove("recorded_at");
        }
        value
    };
    for id in [1, 2, 4] {
        for as_of in ["2025-10-01", "2026-11-30"] {
            let a = comparable(lite.claim(id, day(as_of)).await.unwrap());
            let b = comparable(pg.claim(id, day(as_of)).await.unwrap());
            assert_eq!(a, b, "claim {id} as of {as_of}");
        }
    }
    assert!(matches!(
        pg.claim(99, day("2026-11-30")).await,
        Err(Error::NotFound { .. })
    ));
    // On PostgreSQL the writer is the database role.
    let history = pg
        .claim(1, day("2026-11-30"))
        .await
        .unwrap()
        .history
        .unwrap();
    assert!(history.iter().all(|e| e.by.as_deref() == Some("claims")));
    assert!(history
        .iter()
        .all(|e| e.recorded_at.ends_with('Z') && e.recorded_at.len() == 20));
    let mut lite_conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", lite_path.display()))
            .await
            .unwrap();
    // The search rows hold the same folded text.
    let lite_search: Vec<String> =
        sqlx::query_scalar("SELECT body FROM claim_search ORDER BY rowid")
            .fetch_all(&mut lite_conn)
            .await
            .unwrap();
    let pg_search: Vec<String> =
        sqlx::query_scalar("SELECT body FROM claim_search ORDER BY claim_id")
            .fetch_all(&pg.pool)
            .await
            .unwrap();
    assert_eq!(pg_search, lite_search);
    lite.close().await;
    pg.close().await;
    drop_database(&url, &admin).await;
}

/// Eight writers at once, each adding claims by the same sources and
/// resolving them: every write lands, no deadlock, and the counts are what
/// the claims say.
#[tokio::test]
async fn concurrent_writers_keep_the_counts_true() {
    use crate::domain::model::Status;
    use crate::store::tests::{day, new_claim, new_source};
    use crate::store::StatusChange;
    let Some((url, admin)) = scratch_database("postgres concurrent writers").await else {
        return;
    };
    let setup = PostgresStore::open(&url).await.unwrap();
    let speaker = setup
        .insert_source(&new_source("مصدر حكومي عراقي"))
        .await
        .unwrap()
        .id;
    let outlet = setup
        .insert_source(&new_source("Shafaq News"))
        .await
        .unwrap()
        .id;
    setup.close().await;
    // One connection each; their transactions interleave on the server.
    let writer = |writer: usize| {
        let url = url.clone();
        async move {
            let store = PostgresStore::open(&url).await.unwrap();
            for i in 0..25 {
                let claim = new_claim(
                    &format!("writer {writer} claim {i}"),
                    speaker,
                    Some(outlet),
                    &["2025-09-30", "2026-09-30"],
                );
                let id = store.insert_claim(&claim, day("2026-11-30")).await.unwrap();
                if i % 2 == 0 {
                    let change = StatusChange {
                        to: Status::Failed,
                        on: day("2026-10-01"),
                        note: None,
                        evidence: None,
                    };
                    store.set_status(id, &change).await.unwrap();
                }
            }
            store.close().await;
        }
    };
    tokio::join!(
        writer(0),
        writer(1),
        writer(2),
        writer(3),
        writer(4),
        writer(5),
        writer(6),
        writer(7)
    );
    let store = PostgresStore::open(&url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = store.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM claims").await, 200);
    assert_eq!(count("SELECT count(*) FROM events").await, 200 + 104);
    let by_status = |status: &'static str| {
        let pool = store.pool.clone();
        async move {
            let counted: i64 = sqlx::query_scalar(
                "SELECT COALESCE(sum(n), 0)::bigint FROM source_counts WHERE role = 'all' AND status = $1",
            )
            .bind(status)
            .fetch_one(&pool)
            .await
            .unwrap();
            let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM claims WHERE status = $1")
                .bind(status)
                .fetch_one(&pool)
                .await
                .unwrap();
            (counted, stored)
        }
    };
    assert_eq!(by_status("failed").await, (104, 104));
    assert_eq!(by_status("pending").await, (96, 96));
    // The journal sums to today's counts.
    assert_eq!(
        count("SELECT COALESCE(sum(n), 0)::bigint FROM source_count_days WHERE role = 'speaker'")
            .await,
        200
    );
    store.close().await;
    drop_database(&url, &admin).await;
}

/// The views for other tools answer on PostgreSQL as on SQLite.
#[tokio::test]
async fn the_readable_views_answer() {
    let Some((url, admin)) = scratch_database("postgres readable views").await else {
        return;
    };
    let store = PostgresStore::open(&url).await.unwrap();
    let speaker = store
        .insert_source(&crate::store::tests::new_source("مصدر حكومي عراقي"))
        .await
        .unwrap();
    let today = chrono::Local::now().date_naive();
    let claim = crate::store::tests::new_claim("Phase two", speaker.id, None, &["2025-09-30"]);
    let id = store.insert_claim(&claim, today).await.unwrap();
    let (speaker_name, overdue): (String, i32) =
        sqlx::query_as("SELECT speaker, overdue FROM claim_overview WHERE id = $1")
            .bind(id)
            .fetch_one(&store.pool)
            .await
            .unwrap();
    assert_eq!((speaker_name.as_str(), overdue), ("مصدر حكومي عراقي", 1));
    let deadline: String = sqlx::query_scalar("SELECT deadline FROM open_deadlines")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(deadline, format!("{id}.1"));
    let changes: Vec<String> =
        sqlx::query_scalar("SELECT change FROM history_in_words WHERE claim_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&store.pool)
            .await
            .unwrap();
    assert_eq!(changes, vec!["recorded as pending".to_string()]);
    store.close().await;
    drop_database(&url, &admin).await;
}
