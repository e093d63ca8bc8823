//! The PostgreSQL backend (issue 12), being built in steps. This step opens
//! a server's database and brings its schema up to date
//! (`migrations/postgres/`, applied on open under sqlx's advisory lock, so
//! concurrent first use is safe), refuses a newer schema, and says in one
//! line what went wrong reaching the server, the password never shown. It
//! implements `Store` once every method is written; until then the CLI
//! refuses postgres:// URLs.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, Postgres};
use sqlx::Transaction;

use crate::domain::model::{
    Claim, Deadline, DeadlineRef, HistoryEntry, Source, Status, TrackRecord,
};
use crate::domain::replay::{Snapshot, View};
use crate::domain::rules::TallyChanges;
use crate::interchange::record::Record;
use crate::store::{
    quietly, redact, AccessLevel, BundleClaim, ClaimFields, ClaimFilter, DayList, DeadlineCounts,
    FieldChange, Grant, ImportClaim, ImportMode, ImportSummary, LogFilter, MigrationState,
    NewClaim, NewDeadline, NewSource, OpenMode, Progress, RecordsBySource, StatusChange, Store,
    StoreError as Error, StoreResult as Result, TallyScope,
};

/// What sqlx says, before it is worded as one of our errors.
type Sql<T> = std::result::Result<T, sqlx::Error>;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// A claims database on a PostgreSQL server.
pub struct PostgresStore {
    pool: PgPool,
    /// The URL without its password, for messages.
    location: String,
    /// The database role this store acts as (`current_user`).
    role: String,
}

impl PostgresStore {
    /// Connects to the database `url` names (the `PG*` variables and
    /// `.pgpass` fill in what it leaves out, as for every PostgreSQL
    /// client) and applies the migrations it lacks.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        PostgresStore::open_with(url, OpenMode::Migrate).await
    }

    /// As `open`; with `OpenMode::Inspect`, the schema is left as it is.
    pub async fn open_with(url: &str, mode: OpenMode) -> Result<PostgresStore> {
        PostgresStore::open_reporting(url, mode, &quietly).await
    }

    /// As `open_with`, telling `progress` how a long fill after an upgrade goes.
    pub async fn open_reporting(
        url: &str,
        mode: OpenMode,
        progress: Progress<'_>,
    ) -> Result<PostgresStore> {
        let location = redact(url);
        let options = connect_options(url)?;
        let pool_options = || {
            PgPoolOptions::new()
                // One backend: each new one starts with cold catalog caches.
                .max_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(std::time::Duration::from_secs(3))
        };
        let pool = match pool_options().connect_with(options.clone()).await {
            Ok(pool) => pool,
            // The pool retries a refused connection until it times out; one
            // connection of our own says why it was refused, or that the
            // server is only slow (then the pool connects when first used).
            Err(sqlx::Error::PoolTimedOut) => {
                use sqlx::Connection;
                match sqlx::postgres::PgConnection::connect_with(&options).await {
                    Err(e) => return Err(failure(e, &location)),
                    Ok(conn) => {
                        let _ = conn.close().await;
                        pool_options()
                            .acquire_timeout(std::time::Duration::from_secs(30))
                            .connect_lazy_with(options)
                    }
                }
            }
            Err(e) => return Err(failure(e, &location)),
        };
        // Who we are and the schema's state in one statement: each one
        // costs a fresh server backend more than its rows. Before schema 3
        // there is no search fill to ask about.
        let state = |fill: &str| {
            format!(
                "SELECT current_user::text, \
                 ARRAY(SELECT version FROM _sqlx_migrations WHERE success ORDER BY version), {fill}"
            )
        };
        let mut known: Sql<(String, Vec<i64>, bool)> =
            sqlx::query_as(&state("EXISTS (SELECT 1 FROM search_backfill)"))
                .fetch_one(&pool)
                .await;
        if matches!(&known, Err(e) if undefined_table(e)) {
            known = sqlx::query_as(&state("false")).fetch_one(&pool).await;
        }
        let (role, applied, fill_pending) = match known {
            Ok(known) => known,
            Err(e) => {
                let missing = undefined_table(&e);
                let error = failure(e, &location);
                if !missing && !matches!(error, Error::Denied(_)) {
                    return Err(error);
                }
                let role: String = sqlx::query_scalar("SELECT current_user::text")
                    .fetch_one(&pool)
                    .await
                    .map_err(|e| failure(e, &location))?;
                if !missing {
                    return Err(denied(&role, "not read", "read"));
                }
                // Not yet migrated.
                (role, Vec::new(), false)
            }
        };
        let store = PostgresStore {
            pool,
            location,
            role,
        };
        store.refuse_newer(&applied)?;
        // Only when something is pending: running the migrator creates its
        // table if missing, which a role without CREATE (a reader) may not.
        let pending = MIGRATOR.iter().any(|m| !applied.contains(&m.version));
        if mode == OpenMode::Migrate && pending {
            MIGRATOR
                .run(&store.pool)
                .await
                .map_err(|e| Error::Migration(e.to_string()))?;
            store.fill_search(progress).await?;
        } else if mode == OpenMode::Migrate && fill_pending {
            // A fill that an earlier open began and did not finish; left
            // to a role that may write.
            match store.fill_search(progress).await {
                Err(Error::Denied(_)) => {}
                done => done?,
            }
        }
        Ok(store)
    }

    /// A schema written by a newer claims (`applied` holds a migration
    /// this binary does not know) is refused before anything runs.
    fn refuse_newer(&self, applied: &[i64]) -> Result<()> {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        match applied.iter().max() {
            Some(&found) if found > known => Err(Error::TooNew {
                location: self.location.clone(),
                found,
                known,
            }),
            _ => Ok(()),
        }
    }

    /// The newest migration applied.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(self
            .applied_versions()
            .await?
            .into_iter()
            .max()
            .unwrap_or(0))
    }

    /// The migrations applied; none before the first.
    async fn applied_versions(&self) -> Result<Vec<i64>> {
        match sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        {
            Err(e) if undefined_table(&e) => Ok(Vec::new()),
            versions => versions.map_err(|e| self.failed(e)),
        }
    }

    /// Every migration this binary knows, and whether it has been applied.
    pub async fn migration_states(&self) -> Result<Vec<MigrationState>> {
        let applied = self.applied_versions().await?;
        Ok(MIGRATOR
            .iter()
            .map(|m| MigrationState {
                version: m.version,
                description: m.description.to_string(),
                applied: applied.contains(&m.version),
            })
            .collect())
    }

    /// The database's UUID, given when its schema was created.
    pub async fn database_uuid(&self) -> Result<Option<String>> {
        if self.applied_versions().await?.is_empty() {
            return Ok(None);
        }
        sqlx::query_scalar("SELECT value FROM database_info WHERE key = 'uuid'")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed(e))
    }

    /// The database role this connection acts as: the `by` of its events.
    pub async fn role(&self) -> Result<String> {
        Ok(self.role.clone())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    /// A transaction, READ COMMITTED: writers lock the rows they change.
    async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(|e| self.failed(e))
    }

    /// What went wrong, as one line naming this database.
    fn failed(&self, e: sqlx::Error) -> Error {
        match failure(e, &self.location) {
            Error::Denied(_) => self.denied("not read", "read"),
            other => other,
        }
    }

    /// A refusal for lack of rights, saying what to ask for.
    fn denied(&self, may_not: &str, level: &str) -> Error {
        denied(&self.role, may_not, level)
    }
}

impl Store for PostgresStore {
    fn location(&self) -> String {
        self.location.clone()
    }

    /// Events are by the connection's database role (`current_user`),
    /// which the server knows: a name given here is not recorded.
    fn set_actor(&mut self, _by: &str) {}

    async fn migration_states(&self) -> Result<Vec<MigrationState>> {
        PostgresStore::migration_states(self).await
    }

    async fn schema_version(&self) -> Result<i64> {
        self.reading(|| PostgresStore::schema_version(self)).await
    }

    async fn database_uuid(&self) -> Result<Option<String>> {
        self.reading(|| PostgresStore::database_uuid(self)).await
    }

    async fn settings(&self) -> Result<Vec<(String, String)>> {
        self.reading(|| async {
            sqlx::query_as(
                "SELECT substr(key, 9), value FROM database_info WHERE key LIKE 'setting.%' ORDER BY key",
            )
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))
        })
        .await
    }

    async fn set_setting(&self, name: &str, value: Option<&str>) -> Result<()> {
        self.retrying(|| async {
            let mut tx = self.begin().await?;
            sqlx::query("DELETE FROM database_info WHERE key = $1")
                .bind(format!("setting.{name}"))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.failed(e))?;
            if let Some(value) = value {
                sqlx::query("INSERT INTO database_info (key, value) VALUES ($1, $2)")
                    .bind(format!("setting.{name}"))
                    .bind(value)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.failed(e))?;
            }
            self.commit(tx).await
        })
        .await
    }

    async fn backup(&self, to: &Path) -> Result<u64> {
        PostgresStore::backup(self, to).await
    }

    async fn check(&self) -> Result<Vec<String>> {
        self.reading(|| PostgresStore::check(self)).await
    }

    async fn claim_count(&self) -> Result<i64> {
        self.reading(|| PostgresStore::claim_count(self)).await
    }

    async fn close(self) {
        PostgresStore::close(self).await
    }

    async fn grant(&self, role: &str, level: AccessLevel) -> Result<()> {
        // Not retried through `retrying`: it would word a refusal as a writer's.
        PostgresStore::grant(self, role, level).await
    }

    async fn grants(&self) -> Result<Vec<Grant>> {
        self.reading(|| PostgresStore::grants(self)).await
    }

    async fn insert_source(&self, source: &NewSource) -> Result<Source> {
        let id = self.retrying(|| self.add_source(source)).await?;
        self.reading(|| PostgresStore::source(self, id)).await
    }

    async fn source(&self, id: i64) -> Result<Source> {
        self.reading(|| PostgresStore::source(self, id)).await
    }

    async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        self.reading(|| PostgresStore::source_by_name(self, name))
            .await
    }

    async fn add_alias(&self, source_id: i64, name: &str) -> Result<()> {
        self.retrying(|| PostgresStore::add_alias(self, source_id, name))
            .await
    }

    async fn merge_source(&self, from: i64, into: i64, on: NaiveDate) -> Result<Vec<i64>> {
        self.retrying(|| PostgresStore::merge_source(self, from, into, on))
            .await
    }

    async fn aliases(&self) -> Result<Vec<(i64, String)>> {
        self.reading(|| PostgresStore::aliases(self)).await
    }

    async fn sources(&self) -> Result<Vec<Source>> {
        self.reading(|| PostgresStore::sources(self)).await
    }

    async fn update_source(&self, id: i64, source: &NewSource) -> Result<Source> {
        self.retrying(|| self.change_source(id, source)).await?;
        self.reading(|| PostgresStore::source(self, id)).await
    }

    async fn delete_source(&self, id: i64) -> Result<()> {
        self.retrying(|| PostgresStore::delete_source(self, id))
            .await
    }

    async fn claim_counts(&self, adjust: &TallyChanges) -> Result<RecordsBySource> {
        self.reading(|| PostgresStore::claim_counts(self, adjust))
            .await
    }

    async fn totals(&self, adjust: &TallyChanges) -> Result<TrackRecord> {
        self.reading(|| PostgresStore::totals(self, adjust)).await
    }

    async fn replay_set(
        &self,
        view: &View,
        only: Option<&[i64]>,
        each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
    ) -> Result<bool> {
        PostgresStore::replay_set(self, view, only, each).await
    }

    async fn changed_after(&self, day: NaiveDate) -> Result<bool> {
        self.reading(|| PostgresStore::changed_after(self, day))
            .await
    }

    async fn tallies_after(&self, day: NaiveDate, scope: TallyScope<'_>) -> Result<TallyChanges> {
        self.reading(|| PostgresStore::tallies_after(self, day, scope))
            .await
    }

    async fn day_list(
        &self,
        day: NaiveDate,
        list: DayList,
        limit: Option<u32>,
    ) -> Result<Vec<i64>> {
        self.reading(|| PostgresStore::day_list(self, day, list, limit))
            .await
    }

    async fn upcoming_count_on(&self, from: NaiveDate, until: NaiveDate) -> Result<i64> {
        self.reading(|| PostgresStore::upcoming_count_on(self, from, until))
            .await
    }

    async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        self.reading(|| PostgresStore::claims_by_ids(self, ids, as_of))
            .await
    }

    async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
    ) -> Result<RecordsBySource> {
        self.reading(|| PostgresStore::track_records(self, as_of, sources, adjust))
            .await
    }

    async fn insert_claim(&self, claim: &NewClaim, recorded_on: NaiveDate) -> Result<i64> {
        self.retrying(|| PostgresStore::insert_claim(self, claim, recorded_on))
            .await
    }

    async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[BundleClaim],
        recorded_on: NaiveDate,
    ) -> Result<usize> {
        self.retrying(|| PostgresStore::insert_bundle(self, sources, claims, recorded_on))
            .await
    }

    async fn import(
        &self,
        records: &[ImportClaim],
        recorded_on: NaiveDate,
        mode: ImportMode,
        progress: &dyn Fn(usize),
    ) -> Result<ImportSummary> {
        self.retrying(|| PostgresStore::import(self, records, recorded_on, mode, progress))
            .await
    }

    async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Record>> {
        self.reading(|| PostgresStore::export_page(self, filter, after_id, limit))
            .await
    }

    async fn claim_fields(&self, id: i64) -> Result<ClaimFields> {
        self.reading(|| PostgresStore::claim_fields(self, id)).await
    }

    async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
    ) -> Result<Vec<FieldChange>> {
        self.retrying(|| PostgresStore::update_claim(self, id, fields, on))
            .await
    }

    async fn append_note(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: &str,
        evidence: Option<&str>,
    ) -> Result<i64> {
        self.retrying(|| PostgresStore::append_note(self, claim_id, on, note, evidence))
            .await
    }

    async fn undo(&self, claim_id: i64, on: NaiveDate, note: Option<&str>) -> Result<HistoryEntry> {
        self.retrying(|| PostgresStore::undo(self, claim_id, on, note))
            .await
    }

    async fn log(&self, filter: &LogFilter) -> Result<Vec<HistoryEntry>> {
        self.reading(|| PostgresStore::log(self, filter)).await
    }

    async fn delete_claim(&self, id: i64) -> Result<()> {
        self.retrying(|| PostgresStore::delete_claim(self, id))
            .await
    }

    async fn claim(&self, id: i64, as_of: NaiveDate) -> Result<Claim> {
        self.reading(|| PostgresStore::claim(self, id, as_of)).await
    }

    async fn claims(&self, filter: &ClaimFilter, as_of: NaiveDate) -> Result<Vec<Claim>> {
        self.reading(|| PostgresStore::claims(self, filter, as_of))
            .await
    }

    async fn search(&self, query: &str, limit: u32, as_of: NaiveDate) -> Result<Vec<Claim>> {
        self.reading(|| PostgresStore::search(self, query, limit, as_of))
            .await
    }

    async fn upcoming(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> Result<Vec<Claim>> {
        self.reading(|| PostgresStore::upcoming(self, from, until, limit))
            .await
    }

    async fn deadline_counts(&self, from: NaiveDate, until: NaiveDate) -> Result<DeadlineCounts> {
        self.reading(|| PostgresStore::deadline_counts(self, from, until))
            .await
    }

    async fn histories(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        self.reading(|| PostgresStore::histories(self, ids)).await
    }

    async fn set_status(&self, claim_id: i64, change: &StatusChange<'_>) -> Result<Status> {
        self.retrying(|| PostgresStore::set_status(self, claim_id, change))
            .await
    }

    async fn deadline(&self, id: i64) -> Result<Deadline> {
        self.reading(|| PostgresStore::deadline(self, id)).await
    }

    async fn deadline_by_ref(&self, reference: DeadlineRef) -> Result<Deadline> {
        self.reading(|| PostgresStore::deadline_by_ref(self, reference))
            .await
    }

    async fn insert_deadline(
        &self,
        claim_id: i64,
        deadline: &NewDeadline,
        on: NaiveDate,
    ) -> Result<i64> {
        self.retrying(|| PostgresStore::insert_deadline(self, claim_id, deadline, on))
            .await
    }

    async fn meet_deadline(&self, id: i64, on: NaiveDate) -> Result<Deadline> {
        self.retrying(|| PostgresStore::meet_deadline(self, id, on))
            .await
    }

    async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        self.retrying(|| PostgresStore::move_deadline(self, id, to, on, note))
            .await
    }

    async fn delete_deadline(
        &self,
        id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        self.retrying(|| PostgresStore::delete_deadline(self, id, on, note))
            .await
    }
}

/// A refusal of `role` for lack of rights, saying what to ask for.
fn denied(role: &str, may_not: &str, level: &str) -> Error {
    Error::Denied(format!(
        "your database role `{role}` may {may_not} this database: ask an admin to run \
         `claims grant {role} {level}`"
    ))
}

/// Whether the statement named a table that does not exist (`42P01`).
fn undefined_table(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("42P01"))
}

/// How long a command waits for a server that went away under it (a
/// restart takes a second or two) before it says so.
const REJOIN: Duration = Duration::from_secs(10);

impl PostgresStore {
    /// Runs a write, again when it crossed another writer's (a deadlock or
    /// a serialization failure: the server rolled it back whole), a few
    /// times, after a short pause that grows and differs between
    /// processes; and again when the server went away before it committed
    /// (`commit` tells a lost commit that happened from one that did not),
    /// until the server is back. A write refused for lack of rights says
    /// which right.
    async fn retrying<T, F, Fut>(&self, mut write: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let jitter = u64::from(std::process::id() % 17);
        let started = Instant::now();
        let mut attempt = 0u64;
        loop {
            match write().await {
                Err(Error::Busy(_)) if attempt < 8 => {
                    pause((5 << attempt.min(5)) + jitter * (attempt + 1)).await;
                    attempt += 1;
                }
                Err(Error::Lost(_)) if started.elapsed() < REJOIN => {
                    pause(100).await;
                }
                Err(Error::Denied(_)) => {
                    let reads: bool =
                        sqlx::query_scalar("SELECT has_table_privilege('claims', 'SELECT')")
                            .fetch_one(&self.pool)
                            .await
                            .unwrap_or(false);
                    return Err(if reads {
                        self.denied("only read", "write")
                    } else {
                        self.denied("not read", "read")
                    });
                }
                done => return done,
            }
        }
    }

    /// Runs a read, again when the server went away under it, until the
    /// server is back: a read leaves nothing to undo.
    async fn reading<T, F, Fut>(&self, mut read: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let started = Instant::now();
        loop {
            match read().await {
                Err(Error::Lost(_)) if started.elapsed() < REJOIN => pause(100).await,
                done => return done,
            }
        }
    }

    /// Commits a write. When the connection is lost while committing, the
    /// server, once back, says whether the transaction committed (asked by
    /// its id): a commit that happened is done, and must not run again; one
    /// that did not is `Lost`, which `retrying` runs again.
    async fn commit(&self, mut tx: Transaction<'_, Postgres>) -> Result<()> {
        let xid: String = sqlx::query_scalar("SELECT pg_current_xact_id()::text")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        match tx.commit().await.map_err(|e| self.failed(e)) {
            Err(Error::Lost(lost)) => self.settle(&xid, lost).await,
            done => done,
        }
    }

    /// Whether the transaction `xid`, whose commit went unanswered, was
    /// committed (`Ok`) or not (`Lost`, which may run again), asked of the
    /// server once it is back.
    async fn settle(&self, xid: &str, lost: String) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < REJOIN {
            let status: Option<String> = sqlx::query_scalar("SELECT pg_xact_status($1::xid8)")
                .bind(xid)
                .fetch_one(&self.pool)
                .await
                .unwrap_or(None);
            match status.as_deref() {
                Some("committed") => return Ok(()),
                Some("aborted") => return Err(Error::Lost(lost)),
                // In progress (the server has not yet seen the connection
                // go), or not reachable yet.
                _ => pause(100).await,
            }
        }
        Err(Error::Server(format!(
            "{lost}, while committing, and did not come back to say whether the change was \
             saved: look with `claims log --limit 5` before trying again"
        )))
    }
}

async fn pause(millis: u64) {
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

/// The connection options of a URL. libpq's form with an empty host and
/// the socket directory as a parameter (`postgres://u@/db?host=/run/pg`),
/// which sqlx's parser rejects, is taken as the directory given as the
/// host (`postgres://u@%2Frun%2Fpg/db`).
pub fn connect_options(url: &str) -> Result<PgConnectOptions> {
    let url = socket_as_host(url);
    let options = PgConnectOptions::from_str(&url).map_err(|e| Error::Invalid {
        field: "db",
        value: redact(&url),
        reason: e.to_string(),
    })?;
    // As libpq: no TLS over a unix socket unless asked for (sqlx would ask
    // the server first, a round trip per command).
    let asked = url.contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some();
    Ok(if options.get_socket().is_some() && !asked {
        options.ssl_mode(sqlx::postgres::PgSslMode::Disable)
    } else {
        options
    })
}

/// `scheme://user@/db?host=/dir&x=y` as `scheme://user@%2Fdir/db?x=y`.
fn socket_as_host(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (path_part, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = path_part
        .split_once('/')
        .map_or((path_part, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let socket = query
        .split('&')
        .find_map(|p| p.strip_prefix("host="))
        .filter(|h| h.starts_with('/'));
    let (true, Some(socket)) = (host.is_empty(), socket) else {
        return url.to_string();
    };
    let encoded = socket.replace('/', "%2F");
    let rest_query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("host="))
        .collect();
    let query = if rest_query.is_empty() {
        String::new()
    } else {
        format!("?{}", rest_query.join("&"))
    };
    format!("{scheme}://{authority}{encoded}/{path}{query}")
}

/// One line for what the server (or the way to it) said, naming the
/// database by its URL without the password (`location`; empty where a
/// transaction's helper does not know it).
pub(super) fn failure(e: sqlx::Error, location: &str) -> Error {
    let (at, of) = if location.is_empty() {
        (
            "the server".to_string(),
            "the PostgreSQL server".to_string(),
        )
    } else {
        (
            format!("the server at `{location}`"),
            format!("the PostgreSQL server of `{location}`"),
        )
    };
    if let sqlx::Error::Database(db) = &e {
        let message = db.message();
        return Error::Server(match db.code().as_deref() {
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => {
                format!("{at} refused the login: {message}")
            }
            // invalid_catalog_name
            Some("3D000") => {
                format!("{message} on {at} (create it with `createdb`, or ask an admin)")
            }
            // unique_violation: two writers raced for one name or key
            Some("23505") => {
                return Error::Conflict(format!("{message} (another writer was first; try again)"))
            }
            // deadlock_detected, serialization_failure: writers crossed;
            // the write is retried (`retrying`), and says so if it keeps failing.
            Some("40P01") | Some("40001") => {
                return Error::Busy(format!("writers crossed on {at}: {message}"))
            }
            // character_not_in_repertoire: a NUL, which text cannot hold
            Some("22021") if message.contains("0x00") => {
                "the text holds a NUL character (U+0000), which PostgreSQL cannot store; \
                 nothing was written"
                    .to_string()
            }
            // insufficient_privilege
            Some("42501") => return Error::Denied(format!("permission denied on {at}: {message}")),
            // admin_shutdown, crash_shutdown, cannot_connect_now, and the
            // connection_exception class: the server is restarting or gone
            Some(code) if code.starts_with("57P") || code.starts_with("08") => {
                return Error::Lost(format!("{at} went away: {message}"))
            }
            _ => format!("{at} said: {message}"),
        });
    }
    match e {
        sqlx::Error::Io(io) => Error::Lost(format!("cannot reach {of}: {io} (is it running?)")),
        sqlx::Error::Tls(tls) => {
            Error::Server(format!("cannot open a TLS connection to {at}: {tls}"))
        }
        sqlx::Error::PoolTimedOut => Error::Server(format!("timed out connecting to {of}")),
        other => Error::Server(format!("{at}: {other}")),
    }
}

mod check;
mod claims;
mod deadlines;
mod derived;
mod export;
mod history;
mod import;
mod lists;
mod merge;
mod queries;
mod reads;
mod records;
mod replay;
mod roles;
mod search;
mod sources;
mod statement;
mod tallies;
#[cfg(test)]
pub(crate) mod tests;
mod undo;
