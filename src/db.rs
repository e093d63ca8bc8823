//! Every SQL statement `claims` runs, and the opening of the database.
//!
//! Queries are written portably (ISO-8601 text dates, `$n` binds, no
//! SQLite-only functions) so that a PostgreSQL backend can be a second
//! implementation of this module with its own migrations folder. Every write
//! runs in a transaction begun with `BEGIN IMMEDIATE`: a deferred transaction
//! that reads before it writes fails with "database is locked" when another
//! process commits in between, even with a busy timeout.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::dates::{from_iso, iso};
use crate::error::{Error, Result};
use crate::model::{
    Claim, ClaimKind, Credibility, Deadline, HistoryEntry, Precision, Record, Reliability, Source,
    SourceKind, SourceRef, Status,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// How long a writer waits for another process's transaction to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// SQLite allows 32766 binds per statement; stay far below it.
const IDS_PER_QUERY: usize = 500;

/// How to open: bring the schema up to date, or only look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Migrate,
    Inspect,
}

/// One migration and whether this database has it.
#[derive(Debug, serde::Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// A new source, validated.
#[derive(Debug, Clone)]
pub struct NewSource {
    pub name: String,
    pub kind: SourceKind,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub reliability: Option<Reliability>,
}

/// A new deadline, validated.
#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub due: NaiveDate,
    pub precision: Precision,
    pub label: Option<String>,
    pub met_on: Option<NaiveDate>,
}

/// A validated import record: sources by name (created when missing), the
/// claim, its status and, when the record carries it, its history.
#[derive(Debug, Clone)]
pub struct ImportClaim {
    pub external_id: Option<String>,
    pub speaker: NewSource,
    pub reported_by: Option<NewSource>,
    pub status: Status,
    pub claim: NewClaim,
    pub history: Vec<ImportHistory>,
}

/// A history row of an import record; `deadline_index` points into the
/// record's deadlines, whose ids are new in this database.
#[derive(Debug, Clone)]
pub struct ImportHistory {
    pub event: String,
    pub at: NaiveDate,
    pub from: Option<Status>,
    pub to: Status,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub deadline_index: Option<usize>,
    pub old_due: Option<NaiveDate>,
    pub new_due: Option<NaiveDate>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// Claims added.
    pub new: usize,
    /// Claims already in the database with the same content.
    pub unchanged: usize,
    /// Claims whose key (external id, or speaker + text + date said) is in the
    /// database with other content; the stored claim is kept.
    pub differing: usize,
    /// Records repeating an earlier record of the same import.
    pub duplicates: usize,
    pub sources_created: usize,
    pub dry_run: bool,
}

/// A new claim, validated, with its sources resolved to ids.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub text: String,
    pub speaker_id: i64,
    pub reported_by_id: Option<i64>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
    pub tags: Vec<String>,
    pub deadlines: Vec<NewDeadline>,
}

/// The editable fields of a claim, as they are to be stored.
#[derive(Debug, Clone)]
pub struct ClaimFields {
    pub text: String,
    pub speaker_id: i64,
    pub reported_by_id: Option<i64>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<NaiveDate>,
    pub kind: ClaimKind,
    pub credibility: Option<Credibility>,
}

/// Which claims to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub status: Option<Status>,
    /// Speaker or outlet.
    pub source_id: Option<i64>,
    pub kind: Option<ClaimKind>,
    pub tag: Option<String>,
    /// Pending with an unmet deadline due before the as-of date.
    pub overdue: bool,
    /// An unmet deadline due strictly before this day...
    pub due_before: Option<NaiveDate>,
    /// ...and strictly after this one (the same deadline).
    pub due_after: Option<NaiveDate>,
    /// Pending with no unmet deadline.
    pub no_open_deadline: bool,
    /// Case-insensitive (for Latin script) substring of the text or the quote.
    pub search: Option<String>,
    /// The speaker graded with one of these (any when empty).
    pub reliability: Vec<Reliability>,
    /// The claim graded with one of these (any when empty).
    pub credibility: Vec<Credibility>,
    pub limit: Option<i64>,
    /// Only claims with a greater id, in id order (for paging through exports).
    pub after_id: Option<i64>,
}

/// Builds a statement with numbered binds, so conditions can be added in any order.
#[derive(Default, Clone)]
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

#[derive(Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

impl Statement {
    fn new(sql: &str) -> Self {
        Statement {
            sql: sql.to_string(),
            binds: Vec::new(),
        }
    }

    /// Appends `sql`, replacing each `{}` with the placeholder of the next bind.
    fn push(&mut self, sql: &str, binds: impl IntoIterator<Item = Bind>) {
        let mut binds = binds.into_iter();
        let mut parts = sql.split("{}");
        self.sql.push_str(parts.next().unwrap_or_default());
        for part in parts {
            let bind = binds.next().expect("one bind per placeholder");
            self.binds.push(bind);
            self.sql.push_str(&format!("${}", self.binds.len()));
            self.sql.push_str(part);
        }
    }

    fn query(&self) -> sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments<'_>> {
        let mut query = sqlx::query(&self.sql);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

fn text(value: impl Into<String>) -> Bind {
    Bind::Text(value.into())
}

/// The claims database.
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// Whether this process wrote: only then is there a log to fold back on close.
    wrote: std::sync::atomic::AtomicBool,
}

impl Store {
    /// Opens the database at `path`, creating it (mode 0600, parents too) and
    /// applying pending migrations under an exclusive lock, so processes
    /// opening a new file at once do not race. Refuses a file that is not a
    /// SQLite database, a SQLite database of another program, and one written
    /// by a newer `claims`, without writing to any of them.
    pub async fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let exists = path.exists();
        if !exists && mode == OpenMode::Inspect {
            return Err(Error::NotFound {
                what: "database at",
                key: format!("`{}`", path.display()),
                hint: " (run `claims init` to create it)".into(),
            });
        }
        let in_wal_mode = if exists { check_header(path)? } else { false };
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent.filter(|_| !exists) {
            // Directories we create are private (0700), like the file.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(parent).map_err(|source| Error::Io {
                action: "cannot create the database directory",
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let lock = lock_directory(path)?;
        if !exists {
            create_private(path)?;
        }
        // No journal_mode here: setting WAL writes to the file, and a file
        // that is not ours must be looked at first and left untouched.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            .synchronous(SqliteSynchronous::Normal)
            // Statement journals of big multi-row INSERTs stay in memory.
            .pragma("temp_store", "memory")
            // 16 MiB of page cache (the default is 2 MiB): reports at a
            // million claims re-read pages otherwise; imports raise it.
            .pragma("cache_size", "-16384")
            .busy_timeout(BUSY_TIMEOUT);
        // One connection: a command runs one statement at a time, and a
        // second connection costs a thread and a file open (measured).
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            path: path.to_path_buf(),
            wrote: std::sync::atomic::AtomicBool::new(false),
        };
        let found = if exists {
            match store.inspect().await {
                Ok(found) => found,
                Err(e) => {
                    store.pool.close().await;
                    return Err(e);
                }
            }
        } else {
            None
        };
        // Once set, WAL mode is recorded in the file (header bytes 18-19).
        if !in_wal_mode {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&store.pool)
                .await?;
        }
        // Up to date (the common case): no migrator round trips.
        let current = found == MIGRATOR.iter().map(|m| m.version).max();
        if mode == OpenMode::Migrate {
            if !current {
                store.migrate().await?;
            }
            // Also when current: a process killed between the last migration
            // and these backfills leaves them to the next open (one cheap check).
            let (fingerprints, search): (bool, bool) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM claims WHERE fingerprint IS NULL), \
                 EXISTS (SELECT 1 FROM search_backfill)",
            )
            .fetch_one(&store.pool)
            .await?;
            if fingerprints {
                store.fill_fingerprints().await?;
            }
            if search {
                store.fill_search().await?;
            }
        }
        drop(lock);
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Folds the write-ahead log back into the database file and closes every
    /// connection. sqlx's close does not reliably let SQLite do the final
    /// checkpoint itself, which would leave the file's content in `-wal`.
    pub async fn close(self) {
        // Busy when another process is reading: its own close will checkpoint.
        // A process that only read has nothing to fold back.
        if self.wrote.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await;
        }
        self.pool.close().await;
    }

    /// Every write goes through here (or through `migrate`).
    async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    // ----- schema -----

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

    /// The newest applied migration, the schema version; 0 before any.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(self
            .applied_versions()
            .await?
            .into_iter()
            .max()
            .unwrap_or(0))
    }

    async fn applied_versions(&self) -> Result<Vec<i64>> {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&self.pool)
        .await?;
        if exists == 0 {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM sources) + (SELECT COUNT(*) FROM claims)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 0)
    }

    /// Applies pending migrations with foreign keys off (a migration that
    /// rebuilds a table must not cascade deletes into its children; SQLite
    /// ignores the pragma inside sqlx's migration transaction, so it is set
    /// on the connection before), then requires every reference to hold.
    async fn migrate(&self) -> Result<()> {
        self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&self.pool)
            .await?;
        let applied = MIGRATOR.run(&self.pool).await;
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&self.pool)
                .await?;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&self.pool)
            .await?;
        applied?;
        if let Some((table,)) = broken.first() {
            return Err(Error::Corrupt(format!(
                "after migrating, rows of `{table}` point to missing rows ({} in all); \
                 restore a backup and report this",
                broken.len()
            )));
        }
        Ok(())
    }

    /// Writes the search rows of claims stored before search existed.
    async fn fill_search(&self) -> Result<()> {
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT pending FROM search_backfill LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_none() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM claims ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
        for id in ids {
            index_claim(&mut tx, id).await?;
        }
        sqlx::query("DELETE FROM search_backfill")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims matching an FTS5 query over the folded text, best first (bm25).
    pub async fn search_ids(&self, query: &str, limit: Option<u32>) -> Result<Vec<i64>> {
        sqlx::query_scalar(
            "SELECT rowid FROM claim_search WHERE claim_search MATCH $1 ORDER BY rank LIMIT $2",
        )
        .bind(fts_query(query))
        .bind(limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| match &e {
            // SQLITE_ERROR from MATCH: the query's syntax.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("1") => Error::invalid(
                "search query",
                query,
                format!("{} (FTS5 query syntax)", db.message()),
            ),
            _ => e.into(),
        })
    }

    /// Computes the fingerprint of claims written before fingerprints existed.
    async fn fill_fingerprints(&self) -> Result<()> {
        let missing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM claims WHERE fingerprint IS NULL LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if missing.is_none() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let rows = sqlx::query(
            "SELECT id, speaker_id, text, said_on FROM claims WHERE fingerprint IS NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            let print = fingerprint(
                row.try_get("speaker_id")?,
                row.try_get("text")?,
                opt_date(row.try_get("said_on")?)?,
            );
            sqlx::query("UPDATE claims SET fingerprint = $1 WHERE id = $2")
                .bind(print)
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes a consistent copy of the database to `to` (an empty file).
    pub async fn backup(&self, to: &Path) -> Result<()> {
        let target = to.to_str().ok_or_else(|| {
            Error::invalid(
                "backup path",
                &to.display().to_string(),
                "is not valid UTF-8",
            )
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn claim_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Everything wrong with the database: SQLite's integrity and foreign
    /// key checks, then the rules `claims` keeps (each claim's history starts
    /// with `created` and ends at its status; the open-deadline data matches
    /// the deadlines). At most 20 ids are named per rule.
    pub async fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        problems.extend(
            integrity
                .into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("integrity: {r}")),
        );
        let foreign = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await?;
        for row in foreign {
            let table: String = row.try_get(0)?;
            let rowid: Option<i64> = row.try_get(1)?;
            let parent: String = row.try_get(2)?;
            problems.push(format!(
                "foreign key: {table} row {} points to a missing {parent} row",
                rowid.map_or("?".into(), |r| r.to_string())
            ));
        }
        const RULES: [(&str, &str); 10] = [
            (
                "sources whose claim counts are wrong",
                "SELECT DISTINCT x.source_id FROM (SELECT speaker_id AS source_id, 'speaker' AS role, \
                 status, COUNT(*) AS n FROM claims GROUP BY speaker_id, status UNION ALL \
                 SELECT reported_by_id, 'outlet', status, COUNT(*) FROM claims \
                 WHERE reported_by_id IS NOT NULL GROUP BY reported_by_id, status) x \
                 LEFT JOIN source_counts sc ON sc.source_id = x.source_id AND sc.role = x.role \
                 AND sc.status = x.status WHERE sc.n IS NULL OR sc.n <> x.n \
                 UNION SELECT source_id FROM source_counts WHERE n < 0 ORDER BY 1 LIMIT 21",
            ),
            (
                "claims without a `created` history row",
                "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM status_history h \
                 WHERE h.claim_id = c.id AND h.event = 'created') ORDER BY c.id LIMIT 21",
            ),
            (
                "claims whose status is not where their history ends",
                "SELECT c.id FROM claims c WHERE c.status <> COALESCE((SELECT h.to_status \
                 FROM status_history h WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1), '') \
                 ORDER BY c.id LIMIT 21",
            ),
            (
                "deadlines whose open flag is wrong",
                "SELECT d.id FROM deadlines d JOIN claims c ON c.id = d.claim_id WHERE d.open <> \
                 CASE WHEN d.met_on IS NULL AND c.status = 'pending' THEN 1 ELSE 0 END \
                 ORDER BY d.id LIMIT 21",
            ),
            (
                "claims whose next open deadline is wrong",
                "SELECT c.id FROM claims c WHERE COALESCE(c.next_due, '') <> COALESCE((SELECT \
                 MIN(d.due) FROM deadlines d WHERE d.claim_id = c.id AND d.open = 1), '') \
                 ORDER BY c.id LIMIT 21",
            ),
            (
                "claims without a fingerprint",
                "SELECT id FROM claims WHERE fingerprint IS NULL ORDER BY id LIMIT 21",
            ),
            (
                "deadlines whose track-record facts are wrong",
                "SELECT deadline_id FROM (SELECT * FROM deadline_facts EXCEPT \
                 SELECT * FROM temp.fresh_facts) UNION SELECT deadline_id FROM \
                 (SELECT * FROM temp.fresh_facts EXCEPT SELECT * FROM deadline_facts) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose delivered-deadline counts are wrong",
                "WITH stored AS (SELECT source_id, role, late_days, n FROM record_delivered \
                 WHERE n <> 0), fresh AS (SELECT source_id, role, MAX(0, CAST(julianday(done) \
                 - julianday(first_due) AS INTEGER)), COUNT(*) FROM deadline_facts \
                 WHERE done IS NOT NULL GROUP BY 1, 2, 3) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose undelivered-deadline counts are wrong",
                "WITH stored AS (SELECT source_id, role, first_due, pending, n FROM \
                 record_undelivered WHERE n <> 0), fresh AS (SELECT source_id, role, first_due, \
                 pending, COUNT(*) FROM deadline_facts WHERE done IS NULL GROUP BY 1, 2, 3, 4) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose overdue counts are wrong",
                "WITH stored AS (SELECT role, source_id, next_due, n FROM claim_due_counts \
                 WHERE n <> 0), fresh AS (SELECT 'speaker' AS role, speaker_id AS source_id, next_due, COUNT(*) \
                 FROM claims WHERE next_due IS NOT NULL GROUP BY 2, 3 UNION ALL \
                 SELECT 'outlet', reported_by_id, next_due, COUNT(*) FROM claims \
                 WHERE next_due IS NOT NULL AND reported_by_id IS NOT NULL GROUP BY 2, 3 \
                 UNION ALL SELECT 'all', 0, next_due, COUNT(*) FROM claims \
                 WHERE next_due IS NOT NULL GROUP BY 3) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
        ];
        // The facts as they should be, for the rule above to compare.
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS fresh_facts AS SELECT * FROM deadline_facts WHERE 0",
        )
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM temp.fresh_facts")
            .execute(&self.pool)
            .await?;
        sqlx::query(
            &FACTS_SELECT
                .replace("INSERT INTO deadline_facts", "INSERT INTO temp.fresh_facts")
                .replace("{where}", "1 = 1"),
        )
        .execute(&self.pool)
        .await?;
        for (rule, sql) in RULES {
            let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&self.pool).await?;
            if !ids.is_empty() {
                let shown: Vec<String> = ids.iter().take(20).map(|i| i.to_string()).collect();
                let more = if ids.len() > 20 { ", …" } else { "" };
                problems.push(format!("{rule}: {}{more}", shown.join(", ")));
            }
        }
        Ok(problems)
    }

    // ----- sources -----

    /// Adds a source; a name already taken (ignoring Latin case) is a conflict.
    pub async fn insert_source(&self, source: &NewSource) -> Result<Source> {
        let mut tx = self.begin().await?;
        let id = insert_source_in(&mut tx, source).await?;
        tx.commit().await?;
        self.source(id).await
    }

    /// The source with this id, or `NotFound`.
    pub async fn source(&self, id: i64) -> Result<Source> {
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => source_from_row(&row),
            None => Err(Error::NotFound {
                what: "source",
                key: format!("with id {id}"),
                hint: String::new(),
            }),
        }
    }

    /// The source whose name matches `name` ignoring Latin case, if any.
    pub async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE name_key = $1"))
            .bind(name_key(name))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| source_from_row(&row)).transpose()
    }

    /// Every source, by name.
    pub async fn sources(&self) -> Result<Vec<Source>> {
        let rows = sqlx::query(&format!("{SOURCE_COLUMNS} ORDER BY name_key, id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(source_from_row).collect()
    }

    /// Replaces a source's fields; renaming onto another source's name is a conflict.
    pub async fn update_source(&self, id: i64, source: &NewSource) -> Result<Source> {
        let mut tx = self.begin().await?;
        ensure_name_free(&mut tx, &source.name, Some(id)).await?;
        let done = sqlx::query(
            "UPDATE sources SET name = $1, name_key = $2, kind = $3, role = $4, affiliation = $5, \
             url = $6, notes = $7, reliability = $9 WHERE id = $8",
        )
        .bind(&source.name)
        .bind(name_key(&source.name))
        .bind(source.kind.as_str())
        .bind(&source.role)
        .bind(&source.affiliation)
        .bind(&source.url)
        .bind(&source.notes)
        .bind(id)
        .bind(source.reliability.map(Reliability::as_str))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: "source",
                key: format!("with id {id}"),
                hint: String::new(),
            });
        }
        // Source names are searchable: their claims' rows change with them.
        let claims: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM claims WHERE speaker_id = $1 OR reported_by_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for claim in claims {
            index_claim(&mut tx, claim).await?;
        }
        tx.commit().await?;
        self.source(id).await
    }

    /// Removes a source that no claim names as speaker or outlet.
    pub async fn delete_source(&self, source: &Source) -> Result<()> {
        let mut tx = self.begin().await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims WHERE speaker_id = $1 OR reported_by_id = $1",
        )
        .bind(source.id)
        .fetch_one(&mut *tx)
        .await?;
        if used > 0 {
            return Err(Error::Conflict(format!(
                "source `{}` (id {}) still has {used} claim{}; remove them or move them to another source first",
                source.name,
                source.id,
                if used == 1 { "" } else { "s" }
            )));
        }
        sqlx::query("DELETE FROM sources WHERE id = $1")
            .bind(source.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each source's record as speaker and as outlet, as of a date, by source
    /// id: counts from `source_counts` (kept by triggers), overdue counted
    /// only for the sources in `overdue_for` (all when `None`).
    pub async fn records(
        &self,
        as_of: NaiveDate,
        overdue_for: Option<&[i64]>,
    ) -> Result<HashMap<i64, (Record, Record)>> {
        let mut records: HashMap<i64, (Record, Record)> = HashMap::new();
        let mut counts =
            Statement::new("SELECT source_id, role, status, n FROM source_counts WHERE n <> 0");
        if let Some(ids) = overdue_for.filter(|ids| !ids.is_empty()) {
            push_source_ids(&mut counts, ids);
        }
        for row in counts.query().fetch_all(&self.pool).await? {
            record_of(
                &mut records,
                row.try_get("source_id")?,
                row.try_get("role")?,
            )
            .add(
                Status::from_db(row.try_get("status")?)?,
                row.try_get("n")?,
                0,
            );
        }
        if overdue_for != Some(&[]) {
            // Overdue claims per source and role, from the next-due counts
            // (migration 8): a range of dates per source.
            let mut s = Statement::new(
                "SELECT source_id, role, SUM(n) FROM claim_due_counts \
                 WHERE role IN ('speaker', 'outlet') AND n <> 0",
            );
            s.push(" AND next_due < {}", [text(iso(as_of))]);
            if let Some(ids) = overdue_for {
                push_source_ids(&mut s, ids);
            }
            s.push(" GROUP BY source_id, role", []);
            for row in s.query().fetch_all(&self.pool).await? {
                record_of(&mut records, row.try_get(0)?, row.try_get(1)?).overdue +=
                    row.try_get::<i64, _>(2)?;
            }
            self.deadline_figures(as_of, overdue_for, &mut records)
                .await?;
        }
        Ok(records)
    }

    /// Adds the deadline figures to `records` (for `ids`, all when `None`),
    /// from the histograms of migration 8: three queries whose cost follows
    /// the sources asked for and their distinct dates, not their deadlines.
    async fn deadline_figures(
        &self,
        as_of: NaiveDate,
        ids: Option<&[i64]>,
        records: &mut HashMap<i64, (Record, Record)>,
    ) -> Result<()> {
        let only = |s: &mut Statement| {
            if let Some(ids) = ids {
                push_source_ids(s, ids);
                s.push(" AND role IN ('speaker', 'outlet')", []);
            }
        };
        let as_of = iso(as_of);
        let mut figures: HashMap<(i64, String), (i64, i64, Option<f64>)> = HashMap::new();

        let mut delivered = Statement::new(
            "SELECT source_id, role, SUM(n), SUM(CASE WHEN late_days = 0 THEN n ELSE 0 END) \
             FROM record_delivered WHERE n > 0",
        );
        only(&mut delivered);
        delivered.push(" GROUP BY source_id, role", []);
        for row in delivered.query().fetch_all(&self.pool).await? {
            let entry = figures
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            entry.0 += row.try_get::<i64, _>(2)?;
            entry.1 += row.try_get::<i64, _>(3)?;
        }

        let mut missed =
            Statement::new("SELECT source_id, role, SUM(n) FROM record_undelivered WHERE n > 0");
        missed.push(" AND first_due < {}", [text(as_of.clone())]);
        only(&mut missed);
        missed.push(" GROUP BY source_id, role", []);
        for row in missed.query().fetch_all(&self.pool).await? {
            let entry = figures
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            entry.0 += row.try_get::<i64, _>(2)?;
        }

        // The delays, as (days, how many) per source and role: delivered
        // late (from the counts), and still open past the date (as of now).
        // Packed one row per source and role; the median is taken in Rust
        // (SQLite's window functions took 90 ms at a million claims).
        let mut delays =
            Statement::new("SELECT source_id, role, 0, group_concat(late_days || ':' || n) FROM record_delivered WHERE late_days > 0 AND n > 0");
        only(&mut delays);
        delays.push(
            " GROUP BY source_id, role UNION ALL SELECT source_id, role, 1, \
             group_concat(first_due || ':' || n) FROM record_undelivered \
             WHERE pending = 1 AND n > 0 AND first_due < {}",
            [text(as_of.clone())],
        );
        only(&mut delays);
        delays.push(" GROUP BY source_id, role", []);
        let today = from_iso(&as_of).unwrap_or_default();
        let mut values: HashMap<(i64, String), Vec<(i64, i64)>> = HashMap::new();
        for row in delays.query().fetch_all(&self.pool).await? {
            let open: bool = row.try_get(2)?;
            let packed: String = row.try_get(3)?;
            let list = values
                .entry((row.try_get(0)?, row.try_get(1)?))
                .or_default();
            for pair in packed.split(',') {
                let parsed = pair.split_once(':').and_then(|(value, n)| {
                    let n: i64 = n.parse().ok()?;
                    let days = if open {
                        (today - from_iso(value)?).num_days()
                    } else {
                        value.parse().ok()?
                    };
                    Some((days, n))
                });
                list.push(parsed.ok_or_else(|| {
                    Error::Corrupt(format!("unexpected delay counts `{pair}` in the database"))
                })?);
            }
        }
        for (key, list) in values {
            figures.entry(key).or_default().2 = crate::model::weighted_median(list);
        }

        for ((source, role), (due, on_time, median)) in figures {
            record_of(records, source, &role).set_deadlines(due, on_time, median);
        }
        Ok(())
    }

    // ----- claims -----

    /// Adds a claim with its tags, deadlines and a `created` history row, in one transaction.
    pub async fn insert_claim(&self, claim: &NewClaim, today: NaiveDate) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = insert_claim_in(&mut tx, claim, today).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds several claims and the sources they need in one transaction,
    /// skipping a claim whose speaker already has a claim with the same text.
    /// Returns how many claims were added.
    pub async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[(NewClaim, usize, Option<usize>)],
        today: NaiveDate,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(sources.len());
        for source in sources {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM sources WHERE name_key = $1")
                    .bind(name_key(&source.name))
                    .fetch_optional(&mut *tx)
                    .await?;
            ids.push(match existing {
                Some(id) => id,
                None => insert_source_in(&mut tx, source).await?,
            });
        }
        let mut added = 0;
        for (claim, speaker, outlet) in claims {
            let mut claim = claim.clone();
            claim.speaker_id = ids[*speaker];
            claim.reported_by_id = outlet.map(|i| ids[i]);
            let present: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM claims WHERE speaker_id = $1 AND text = $2",
            )
            .bind(claim.speaker_id)
            .bind(&claim.text)
            .fetch_one(&mut *tx)
            .await?;
            if present == 0 {
                insert_claim_in(&mut tx, &claim, today).await?;
                added += 1;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Imports validated records in one transaction: sources are found by
    /// name or created; a record whose key is already stored, or repeats an
    /// earlier record, is counted and skipped. A dry run rolls back.
    ///
    /// Rows are written with multi-row INSERTs and ids assigned here (the
    /// transaction holds the write lock), since each statement costs far more
    /// than each row.
    pub async fn import(
        &self,
        records: &[ImportClaim],
        today: NaiveDate,
        dry_run: bool,
        progress: &dyn Fn(usize),
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary {
            dry_run,
            ..ImportSummary::default()
        };
        let mut tx = self.begin().await?;
        // A large page cache: the fingerprint and external id indexes are
        // written in random order.
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(&mut *tx)
            .await?;
        let mut source_ids: HashMap<String, i64> = HashMap::new();
        let mut keyed = Vec::with_capacity(records.len());
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for record in records {
            let speaker =
                import_source(&mut tx, &record.speaker, &mut source_ids, &mut summary).await?;
            let outlet = match &record.reported_by {
                Some(source) => {
                    Some(import_source(&mut tx, source, &mut source_ids, &mut summary).await?)
                }
                None => None,
            };
            let print = fingerprint(speaker, &record.claim.text, record.claim.said_on);
            let key = match &record.external_id {
                Some(external) => format!("x:{external}"),
                None => format!("f:{print}"),
            };
            if seen.insert(key) {
                keyed.push(Keyed {
                    record,
                    speaker,
                    outlet,
                    print,
                });
            } else {
                summary.duplicates += 1;
            }
        }
        let stored = stored_keys(&mut tx, &keyed).await?;
        let mut fresh = Vec::with_capacity(keyed.len());
        for (i, k) in keyed.into_iter().enumerate() {
            match stored.get(&i) {
                Some(true) => summary.unchanged += 1,
                Some(false) => summary.differing += 1,
                None => fresh.push(k),
            }
        }
        let next_id = |table: &str| format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
        let mut claim_id: i64 = sqlx::query_scalar(&next_id("claims"))
            .fetch_one(&mut *tx)
            .await?;
        let mut deadline_id: i64 = sqlx::query_scalar(&next_id("deadlines"))
            .fetch_one(&mut *tx)
            .await?;
        let stamp = now();
        let today = iso(today);
        for (batch, chunk) in fresh.chunks(IMPORT_BATCH).enumerate() {
            progress(batch * IMPORT_BATCH);
            let mut claims = Vec::with_capacity(chunk.len() * 16);
            let mut deadlines = Vec::new();
            let mut tags = Vec::new();
            let mut search = Vec::new();
            let mut history = Vec::new();
            for k in chunk {
                let r = k.record;
                let c = &r.claim;
                let pending = r.status == Status::Pending;
                let mut ids = Vec::with_capacity(c.deadlines.len());
                let mut next_due: Option<NaiveDate> = None;
                for d in &c.deadlines {
                    let open = pending && d.met_on.is_none();
                    if open {
                        next_due = Some(next_due.map_or(d.due, |n| n.min(d.due)));
                    }
                    ids.push(deadline_id);
                    deadlines.extend([
                        Value::Int(deadline_id),
                        Value::Int(claim_id),
                        Value::Owned(iso(d.due)),
                        Value::Text(d.precision.as_str()),
                        Value::opt(d.label.as_deref()),
                        Value::OptOwned(d.met_on.map(iso)),
                        Value::Int(i64::from(open)),
                    ]);
                    deadline_id += 1;
                }
                claims.extend([
                    Value::Int(claim_id),
                    Value::Text(&c.text),
                    Value::Int(k.speaker),
                    Value::OptInt(k.outlet),
                    Value::opt(c.quote.as_deref()),
                    Value::opt(c.lang.as_deref()),
                    Value::opt(c.url.as_deref()),
                    Value::OptOwned(c.said_on.map(iso)),
                    Value::Text(c.kind.as_str()),
                    Value::Text(r.status.as_str()),
                    Value::Text(&stamp),
                    Value::Text(&stamp),
                    Value::opt(r.external_id.as_deref()),
                    Value::Text(&k.print),
                    Value::OptOwned(next_due.map(iso)),
                    Value::OptInt(c.credibility.map(|c| i64::from(c.get()))),
                ]);
                for tag in &c.tags {
                    tags.extend([Value::Int(claim_id), Value::Text(tag)]);
                }
                search.extend([
                    Value::Int(claim_id),
                    Value::Owned(search_body(&[
                        Some(&c.text),
                        c.quote.as_deref(),
                        Some(&r.speaker.name),
                        r.reported_by.as_ref().map(|o| o.name.as_str()),
                    ])),
                ]);
                if r.history.is_empty() {
                    let row = |event, from: Option<Status>, to: Status, note| {
                        [
                            Value::Int(claim_id),
                            Value::Text(event),
                            Value::Text(&today),
                            Value::opt(from.map(Status::as_str)),
                            Value::Text(to.as_str()),
                            Value::opt(note),
                            Value::Null,
                            Value::Null,
                            Value::Null,
                            Value::Null,
                            Value::Text(&stamp),
                        ]
                    };
                    history.extend(row("created", None, Status::Pending, None));
                    if !pending {
                        let note = Some("imported with this status");
                        history.extend(row("status", Some(Status::Pending), r.status, note));
                    }
                }
                for h in &r.history {
                    history.extend([
                        Value::Int(claim_id),
                        Value::Text(&h.event),
                        Value::Owned(iso(h.at)),
                        Value::opt(h.from.map(Status::as_str)),
                        Value::Text(h.to.as_str()),
                        Value::opt(h.note.as_deref()),
                        Value::opt(h.evidence.as_deref()),
                        Value::OptInt(h.deadline_index.map(|i| ids[i])),
                        Value::OptOwned(h.old_due.map(iso)),
                        Value::OptOwned(h.new_due.map(iso)),
                        Value::Text(&stamp),
                    ]);
                }
                claim_id += 1;
            }
            insert_many(
                &mut tx,
                "INSERT INTO claims (id, text, speaker_id, reported_by_id, quote, lang, url, said_on, \
                 kind, status, created_at, updated_at, external_id, fingerprint, next_due, \
                 credibility)",
                16,
                &claims,
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, open)",
                7,
                &deadlines,
            )
            .await?;
            insert_many(&mut tx, "INSERT INTO claim_tags (claim_id, tag)", 2, &tags).await?;
            insert_many(
                &mut tx,
                "INSERT INTO claim_search (rowid, body)",
                2,
                &search,
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO status_history (claim_id, event, at, from_status, to_status, note, \
                 evidence, deadline_id, old_due, new_due, recorded_at)",
                11,
                &history,
            )
            .await?;
            // The batch's claims have ids [claim_id - chunk.len(), claim_id).
            sqlx::query(&FACTS_SELECT.replace("{where}", "c.id >= $1 AND c.id < $2"))
                .bind(claim_id - chunk.len() as i64)
                .bind(claim_id)
                .execute(&mut *tx)
                .await?;
            summary.new += chunk.len();
        }
        progress(records.len());
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }

    /// The export records of the claims after `after_id`, in id order, at
    /// most `limit`: SQLite builds each record as JSON, so a page is one row
    /// instead of five or six rows per claim (each row costs a trip through
    /// sqlx's worker thread). A PostgreSQL backend would use json_build_object.
    pub async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<crate::exchange::Record>> {
        // NULLs stay in: the JSON is read back into `Record`, whose
        // serialization decides which absent values are written.
        const SOURCE: &str = "json_object('id', {t}.id, 'name', {t}.name, 'kind', {t}.kind, \
             'role', {t}.role, 'affiliation', {t}.affiliation, 'url', {t}.url, 'notes', {t}.notes, \
             'reliability', {t}.reliability)";
        let record = format!(
            "json_object('id', c.id, 'external_id', c.external_id, 'text', c.text, 'status', c.status, \
             'kind', c.kind, 'source', {speaker}, \
             'reported_by', json(CASE WHEN r.id IS NULL THEN NULL ELSE {outlet} END), \
             'quote', c.quote, 'lang', c.lang, 'url', c.url, 'said_on', c.said_on, \
             'credibility', c.credibility, 'tags', (SELECT json_group_array(t.tag) FROM (SELECT tag FROM claim_tags \
                 WHERE claim_id = c.id ORDER BY tag) t), \
             'deadlines', (SELECT json_group_array(json_object('id', d.id, 'due', d.due, \
                 'precision', d.precision, 'label', d.label, 'met_on', d.met_on)) \
                 FROM (SELECT * FROM deadlines WHERE claim_id = c.id ORDER BY due, id) d), \
             'history', (SELECT json_group_array(json_object('event', h.event, \
                 'at', h.at, 'from', h.from_status, 'to', h.to_status, 'note', h.note, \
                 'evidence', h.evidence, 'deadline_id', h.deadline_id, \
                 'old_due', h.old_due, 'new_due', h.new_due)) \
                 FROM (SELECT * FROM status_history WHERE claim_id = c.id ORDER BY id) h))",
            speaker = SOURCE.replace("{t}", "s"),
            outlet = SOURCE.replace("{t}", "r"),
        );
        let mut s = Statement::new(&format!(
            "SELECT '[' || COALESCE(group_concat(record, ','), '') || ']' FROM (SELECT {record} AS record \
             FROM claims c JOIN sources s ON s.id = c.speaker_id \
             LEFT JOIN sources r ON r.id = c.reported_by_id WHERE c.id > $1"
        ));
        s.binds.push(Bind::Int(after_id));
        push_filters(&mut s, filter);
        s.push(" ORDER BY c.id LIMIT {})", [Bind::Int(limit)]);
        let json: String = s.query().fetch_one(&self.pool).await?.try_get(0)?;
        let mut records: Vec<crate::exchange::Record> =
            serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("export page: {e}")))?;
        records.sort_by_key(|r| r.id);
        Ok(records)
    }

    /// The claims after `after_id` in id order, with history, at most `limit`.
    pub async fn claims_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let filter = ClaimFilter {
            after_id: Some(after_id),
            limit: Some(limit),
            ..filter.clone()
        };
        let mut claims = self.claims(&filter, as_of).await?;
        let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
        let mut histories = self.histories(&ids).await?;
        for claim in &mut claims {
            claim.history = Some(histories.remove(&claim.id).unwrap_or_default());
        }
        Ok(claims)
    }

    /// The editable fields of a claim as stored.
    pub async fn claim_fields(&self, id: i64) -> Result<ClaimFields> {
        let row = sqlx::query(
            "SELECT text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, credibility \
             FROM claims WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::no_claim(id))?;
        Ok(ClaimFields {
            text: row.try_get("text")?,
            speaker_id: row.try_get("speaker_id")?,
            reported_by_id: row.try_get("reported_by_id")?,
            quote: row.try_get("quote")?,
            lang: row.try_get("lang")?,
            url: row.try_get("url")?,
            said_on: opt_date(row.try_get("said_on")?)?,
            kind: ClaimKind::from_db(row.try_get("kind")?)?,
            credibility: opt_credibility(row.try_get("credibility")?)?,
        })
    }

    /// Replaces a claim's fields and adjusts its tags, in one transaction.
    pub async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        add_tags: &[String],
        remove_tags: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE claims SET text = $1, speaker_id = $2, reported_by_id = $3, quote = $4, \
             lang = $5, url = $6, said_on = $7, kind = $8, updated_at = $9, fingerprint = $11, \
             credibility = $12 WHERE id = $10",
        )
        .bind(&fields.text)
        .bind(fields.speaker_id)
        .bind(fields.reported_by_id)
        .bind(&fields.quote)
        .bind(&fields.lang)
        .bind(&fields.url)
        .bind(fields.said_on.map(iso))
        .bind(fields.kind.as_str())
        .bind(now())
        .bind(id)
        .bind(fingerprint(fields.speaker_id, &fields.text, fields.said_on))
        .bind(fields.credibility.map(|c| i64::from(c.get())))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::no_claim(id));
        }
        for tag in remove_tags {
            sqlx::query("DELETE FROM claim_tags WHERE claim_id = $1 AND tag = $2")
                .bind(id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
        insert_tags(&mut tx, id, add_tags).await?;
        index_claim(&mut tx, id).await?;
        // The speaker or outlet may have changed: the records follow.
        refresh_facts(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a claim with its deadlines, tags and history.
    pub async fn delete_claim(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM claims WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::no_claim(id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// One claim with deadlines, tags and history, judged as of a date.
    pub async fn claim(&self, id: i64, as_of: NaiveDate) -> Result<Claim> {
        let mut statement = Statement::new(CLAIM_SELECT);
        statement.push(" WHERE c.id = {}", [Bind::Int(id)]);
        let mut claims = self.load_claims(&statement, as_of).await?;
        let mut claim = claims.pop().ok_or_else(|| Error::no_claim(id))?;
        claim.history = Some(self.history(id).await?);
        Ok(claim)
    }

    /// The claims matching `filter`, ordered by next open deadline (claims
    /// without one last), then by id; judged as of a date.
    pub async fn claims(&self, filter: &ClaimFilter, as_of: NaiveDate) -> Result<Vec<Claim>> {
        let mut s = Statement::new(CLAIM_SELECT);
        s.push(" WHERE 1 = 1", []);
        push_filters(&mut s, filter);
        if let Some(kind) = filter.kind {
            s.push(" AND c.kind = {}", [text(kind.as_str())]);
        }
        if filter.overdue {
            // next_due is set only on pending claims with an open deadline.
            s.push(" AND c.next_due < {}", [text(iso(as_of))]);
        }
        if filter.due_before.is_some() || filter.due_after.is_some() {
            s.push(
                " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.claim_id = c.id AND d.met_on IS NULL",
                [],
            );
            if let Some(before) = filter.due_before {
                s.push(" AND d.due < {}", [text(iso(before))]);
            }
            if let Some(after) = filter.due_after {
                s.push(" AND d.due > {}", [text(iso(after))]);
            }
            s.push(")", []);
        }
        if filter.no_open_deadline {
            s.push(" AND c.status = 'pending' AND c.next_due IS NULL", []);
        }
        if let Some(search) = &filter.search {
            // The words as one phrase, however they are punctuated.
            let phrase = format!(
                "\"{}\"",
                crate::normalize::fold(search).replace('"', "\"\"")
            );
            // A word in a large share of the claims: walking the list order
            // and testing each claim against the matches (`+c.id` keeps the
            // planner from fetching every match by id and sorting them all)
            // finds the first page sooner.
            let matches: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM claim_search WHERE claim_search MATCH $1")
                    .bind(&phrase)
                    .fetch_one(&self.pool)
                    .await?;
            let id = if matches > COMMON_MATCHES {
                "+c.id"
            } else {
                "c.id"
            };
            s.push(
                &format!(
                    " AND {id} IN (SELECT rowid FROM claim_search WHERE claim_search MATCH {{}})"
                ),
                [text(phrase)],
            );
        }
        if let Some(after) = filter.after_id {
            s.push(" AND c.id > {} ORDER BY c.id", [Bind::Int(after)]);
        } else if filter.no_open_deadline {
            // All have next_due NULL: id order, which the status index gives.
            s.push(" ORDER BY c.id", []);
        } else if filter.overdue {
            // The same order as below, but one the next_due index serves.
            s.push(" ORDER BY c.next_due, c.id", []);
        } else {
            // Claims with an open deadline by date, then the others by id:
            // two passes, each in the order of an index, so a first page
            // never sorts the whole table.
            let mut rest = s.clone();
            // Only pending claims have a next due date.
            let resolved = filter.status.is_some_and(|s| s != Status::Pending);
            let mut claims = Vec::new();
            if !resolved {
                s.push(" AND c.next_due IS NOT NULL ORDER BY c.next_due, c.id", []);
                if let Some(limit) = filter.limit {
                    s.push(" LIMIT {}", [Bind::Int(limit)]);
                }
                claims = self.load_claims(&s, as_of).await?;
            }
            let left = filter.limit.map(|limit| limit - claims.len() as i64);
            if left.is_none_or(|left| left > 0) {
                rest.push(" AND c.next_due IS NULL ORDER BY c.id", []);
                if let Some(left) = left {
                    rest.push(" LIMIT {}", [Bind::Int(left)]);
                }
                claims.extend(self.load_claims(&rest, as_of).await?);
            }
            return Ok(claims);
        }
        if let Some(limit) = filter.limit {
            s.push(" LIMIT {}", [Bind::Int(limit)]);
        }
        self.load_claims(&s, as_of).await
    }

    /// The pending claims with an open deadline due in [from, until], soonest
    /// first (by their first deadline in the window), at most `limit`.
    pub async fn upcoming_ids(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT claim_id FROM deadlines WHERE open = 1 AND due >= $1 AND due <= $2 \
             GROUP BY claim_id ORDER BY MIN(due), claim_id LIMIT $3",
        )
        .bind(iso(from))
        .bind(iso(until))
        .bind(limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Counts from the open-deadline indexes: claims with an open deadline
    /// due in [from, until], claims with any open deadline, and claims
    /// overdue as of `from`.
    pub async fn open_deadline_counts(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<(i64, i64, i64)> {
        let upcoming: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT claim_id) FROM deadlines WHERE open = 1 AND due >= $1 AND due <= $2",
        )
        .bind(iso(from))
        .bind(iso(until))
        .fetch_one(&self.pool)
        .await?;
        // From the next-due counts (migration 8): one row per date.
        let (with_open, overdue): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT SUM(n), SUM(CASE WHEN next_due < $1 THEN n ELSE 0 END) FROM claim_due_counts \
             WHERE role = 'all' AND source_id = 0",
        )
        .bind(iso(from))
        .fetch_one(&self.pool)
        .await?;
        Ok((upcoming, with_open.unwrap_or(0), overdue.unwrap_or(0)))
    }

    /// The claims with these ids, in id order, judged as of a date.
    pub async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        let mut claims = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut s = Statement::new(CLAIM_SELECT);
            s.push(" WHERE c.id IN (", []);
            for (i, id) in chunk.iter().enumerate() {
                s.push(if i == 0 { "{}" } else { ", {}" }, [Bind::Int(*id)]);
            }
            s.push(") ORDER BY c.id", []);
            claims.extend(self.load_claims(&s, as_of).await?);
        }
        Ok(claims)
    }

    /// Runs a claim query, then attaches deadlines and tags in batches.
    async fn load_claims(&self, statement: &Statement, as_of: NaiveDate) -> Result<Vec<Claim>> {
        let rows = statement.query().fetch_all(&self.pool).await?;
        let mut claims = rows
            .iter()
            .map(claim_from_row)
            .collect::<Result<Vec<_>>>()?;
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(claims.len());
        for (i, claim) in claims.iter().enumerate() {
            index.insert(claim.id, i);
        }
        let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let placeholders = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT id, claim_id, due, precision, label, met_on FROM deadlines \
                 WHERE claim_id IN ({placeholders}) ORDER BY due, id"
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let deadline = deadline_from_row(&row)?;
                claims[index[&deadline.claim_id]].deadlines.push(deadline);
            }
            let sql = format!(
                "SELECT claim_id, tag FROM claim_tags WHERE claim_id IN ({placeholders}) ORDER BY tag"
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let claim_id: i64 = row.try_get("claim_id")?;
                claims[index[&claim_id]].tags.push(row.try_get("tag")?);
            }
        }
        for claim in &mut claims {
            claim.judge(as_of);
        }
        Ok(claims)
    }

    /// A claim's history, oldest first.
    pub async fn history(&self, claim_id: i64) -> Result<Vec<HistoryEntry>> {
        Ok(self
            .histories(&[claim_id])
            .await?
            .remove(&claim_id)
            .unwrap_or_default())
    }

    /// The histories of several claims, oldest first, by claim id.
    pub async fn histories(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        let mut histories: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT claim_id, event, at, from_status, to_status, note, evidence, deadline_id, \
                 old_due, new_due FROM status_history WHERE claim_id IN ({}) ORDER BY id",
                placeholders(chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let claim_id: i64 = row.try_get("claim_id")?;
                histories
                    .entry(claim_id)
                    .or_default()
                    .push(history_from_row(&row)?);
            }
        }
        Ok(histories)
    }
}

/// `AND source_id IN (...)`; -1 keeps the list valid when `ids` is empty.
fn push_source_ids(s: &mut Statement, ids: &[i64]) {
    s.push(" AND source_id IN (-1", []);
    for id in ids {
        s.push(", {}", [Bind::Int(*id)]);
    }
    s.push(")", []);
}

/// A source's record as speaker (`.0`) or as outlet (`.1`), by role name.
fn record_of<'a>(
    records: &'a mut HashMap<i64, (Record, Record)>,
    source: i64,
    role: &str,
) -> &'a mut Record {
    let entry = records.entry(source).or_default();
    if role == "outlet" {
        &mut entry.1
    } else {
        &mut entry.0
    }
}

/// The filters shared by lists and exports: status, source (as speaker or
/// outlet), tag, grades.
fn push_filters(s: &mut Statement, filter: &ClaimFilter) {
    if let Some(status) = filter.status {
        s.push(" AND c.status = {}", [text(status.as_str())]);
    }
    if let Some(source) = filter.source_id {
        s.push(
            " AND (c.speaker_id = {} OR c.reported_by_id = {})",
            [Bind::Int(source), Bind::Int(source)],
        );
    }
    if let Some(tag) = &filter.tag {
        s.push(
            " AND EXISTS (SELECT 1 FROM claim_tags t WHERE t.claim_id = c.id AND t.tag = {})",
            [text(tag)],
        );
    }
    if !filter.reliability.is_empty() {
        s.push(
            " AND c.speaker_id IN (SELECT id FROM sources WHERE reliability IN (",
            [],
        );
        for (i, grade) in filter.reliability.iter().enumerate() {
            s.push(if i == 0 { "{}" } else { ", {}" }, [text(grade.as_str())]);
        }
        s.push("))", []);
    }
    if !filter.credibility.is_empty() {
        s.push(" AND c.credibility IN (", []);
        for (i, grade) in filter.credibility.iter().enumerate() {
            s.push(
                if i == 0 { "{}" } else { ", {}" },
                [Bind::Int(i64::from(grade.get()))],
            );
        }
        s.push(")", []);
    }
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn history_from_row(row: &SqliteRow) -> Result<HistoryEntry> {
    Ok(HistoryEntry {
        event: row.try_get("event")?,
        at: date(row.try_get("at")?)?,
        from: row
            .try_get::<Option<&str>, _>("from_status")?
            .map(Status::from_db)
            .transpose()?,
        to: Status::from_db(row.try_get("to_status")?)?,
        note: row.try_get("note")?,
        evidence: row.try_get("evidence")?,
        deadline_id: row.try_get("deadline_id")?,
        old_due: opt_date(row.try_get("old_due")?)?,
        new_due: opt_date(row.try_get("new_due")?)?,
    })
}

impl Store {
    /// Changes a claim's status and appends the change to its history, in one
    /// transaction. Setting the status it already has is a conflict.
    pub async fn set_status(
        &self,
        claim_id: i64,
        to: Status,
        at: NaiveDate,
        note: Option<&str>,
        evidence: Option<&str>,
    ) -> Result<Status> {
        let mut tx = self.begin().await?;
        let from = claim_status(&mut tx, claim_id).await?;
        if from == to {
            return Err(Error::Conflict(format!("claim {claim_id} is already {to}")));
        }
        sqlx::query("UPDATE claims SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_str())
            .bind(now())
            .bind(claim_id)
            .execute(&mut *tx)
            .await?;
        let event = if to == Status::Pending {
            "reopened"
        } else {
            "status"
        };
        let entry = History {
            note,
            evidence,
            ..History::new(event, at, Some(from), to)
        };
        append_history(&mut tx, claim_id, &entry).await?;
        refresh_derived(&mut tx, claim_id).await?;
        tx.commit().await?;
        Ok(from)
    }

    // ----- deadlines -----

    /// The deadline with this id, or `NotFound`.
    pub async fn deadline(&self, id: i64) -> Result<Deadline> {
        let row = sqlx::query(
            "SELECT id, claim_id, due, precision, label, met_on FROM deadlines WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::no_deadline(id))?;
        deadline_from_row(&row)
    }

    pub async fn insert_deadline(&self, claim_id: i64, deadline: &NewDeadline) -> Result<i64> {
        let mut tx = self.begin().await?;
        claim_status(&mut tx, claim_id).await?;
        let id = insert_deadline_in(&mut tx, claim_id, deadline).await?;
        refresh_derived(&mut tx, claim_id).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records that a deadline was met on a day, with a history row.
    pub async fn meet_deadline(&self, id: i64, on: NaiveDate) -> Result<()> {
        let mut tx = self.begin().await?;
        let deadline = deadline_in(&mut tx, id).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {id} was already met on {}",
                iso(met)
            )));
        }
        sqlx::query("UPDATE deadlines SET met_on = $1 WHERE id = $2")
            .bind(iso(on))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let status = claim_status(&mut tx, deadline.claim_id).await?;
        let entry = History {
            deadline_id: Some(id),
            ..History::new("deadline_met", on, Some(status), status)
        };
        append_history(&mut tx, deadline.claim_id, &entry).await?;
        refresh_derived(&mut tx, deadline.claim_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Extends (or brings forward) an unmet deadline, recording the old and
    /// the new due date in the claim's history.
    pub async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        at: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        let mut tx = self.begin().await?;
        let deadline = deadline_in(&mut tx, id).await?;
        if let Some(met) = deadline.met_on {
            return Err(Error::Conflict(format!(
                "deadline {id} was met on {}; there is nothing to move",
                iso(met)
            )));
        }
        sqlx::query("UPDATE deadlines SET due = $1, precision = $2 WHERE id = $3")
            .bind(iso(to.due))
            .bind(to.precision.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let status = claim_status(&mut tx, deadline.claim_id).await?;
        let entry = History {
            note,
            deadline_id: Some(id),
            old_due: Some(deadline.due),
            new_due: Some(to.due),
            ..History::new("deadline_moved", at, Some(status), status)
        };
        append_history(&mut tx, deadline.claim_id, &entry).await?;
        refresh_derived(&mut tx, deadline.claim_id).await?;
        tx.commit().await?;
        Ok(deadline)
    }

    pub async fn delete_deadline(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let claim_id: i64 =
            sqlx::query_scalar("DELETE FROM deadlines WHERE id = $1 RETURNING claim_id")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| Error::no_deadline(id))?;
        refresh_derived(&mut tx, claim_id).await?;
        tx.commit().await?;
        Ok(())
    }
}

const SOURCE_COLUMNS: &str =
    "SELECT id, name, kind, role, affiliation, url, notes, reliability FROM sources";

/// A claim with its speaker and outlet, and its next open deadline for ordering.
const CLAIM_SELECT: &str =
    "SELECT c.id, c.external_id, c.text, c.status, c.kind, c.quote, c.lang, c.url, c.said_on, \
     c.credibility, s.id AS speaker_id, s.name AS speaker_name, s.kind AS speaker_kind, \
     s.reliability AS speaker_reliability, r.id AS outlet_id, r.name AS outlet_name, \
     r.kind AS outlet_kind, r.reliability AS outlet_reliability, \
     c.next_due \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

/// A history row to append; unset fields are stored as NULL.
struct History<'a> {
    event: &'a str,
    at: NaiveDate,
    from: Option<Status>,
    to: Status,
    note: Option<&'a str>,
    evidence: Option<&'a str>,
    deadline_id: Option<i64>,
    old_due: Option<NaiveDate>,
    new_due: Option<NaiveDate>,
}

impl<'a> History<'a> {
    fn new(event: &'a str, at: NaiveDate, from: Option<Status>, to: Status) -> Self {
        History {
            event,
            at,
            from,
            to,
            note: None,
            evidence: None,
            deadline_id: None,
            old_due: None,
            new_due: None,
        }
    }
}

/// The FTS5 query for what a user typed, folded. Plain words (no quotes,
/// `*`, parentheses or operators) are matched each as a word, whatever the
/// punctuation between them ("al-Asad"); anything else is FTS5 syntax.
fn fts_query(query: &str) -> String {
    let folded = crate::normalize::fold(query);
    let operators = folded.contains(['"', '*', '(', ')', '^', ':'])
        || folded
            .split_whitespace()
            .any(|w| matches!(w, "and" | "or" | "not" | "near"));
    if operators {
        // Operators are upper case in FTS5; folding lowered them.
        return folded
            .split(' ')
            .map(|w| match w {
                "and" | "or" | "not" | "near" => w.to_uppercase(),
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The searchable text of a claim, folded: text, quote, speaker, outlet.
pub fn search_body(parts: &[Option<&str>]) -> String {
    let joined: Vec<&str> = parts.iter().flatten().copied().collect();
    crate::normalize::fold(&joined.join("\n"))
}

/// Rewrites one claim's search row from what is stored.
async fn index_claim(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    let row: Option<(String, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT c.text, c.quote, s.name, r.name FROM claims c JOIN sources s ON s.id = c.speaker_id \
         LEFT JOIN sources r ON r.id = c.reported_by_id WHERE c.id = $1",
    )
    .bind(claim_id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM claim_search WHERE rowid = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    if let Some((text, quote, speaker, outlet)) = row {
        let body = search_body(&[
            Some(&text),
            quote.as_deref(),
            Some(&speaker),
            outlet.as_deref(),
        ]);
        sqlx::query("INSERT INTO claim_search (rowid, body) VALUES ($1, $2)")
            .bind(claim_id)
            .bind(body)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Recomputes the derived open-deadline data of one claim: which deadlines
/// are open (unmet, claim pending) and the claim's next open due date.
/// Every write that changes a status or a deadline calls it.
/// Rewrites everything derived from a claim's deadlines, status and history:
/// the open flags and next due date, and the facts the track records read.
/// Call it after the claim's history row is written.
async fn refresh_derived(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    refresh_open(tx, claim_id).await?;
    refresh_facts(tx, claim_id).await
}

/// The facts of the track records, per deadline and role (see migration 8):
/// the first due date given, the delivery date, whether the claim is pending.
/// `{where}` selects the claims.
const FACTS_SELECT: &str = "INSERT INTO deadline_facts (deadline_id, role, source_id, first_due, done, pending) \
     SELECT dl.id, r.role, CASE r.role WHEN 'speaker' THEN c.speaker_id ELSE c.reported_by_id END, \
       COALESCE((SELECT h.old_due FROM status_history h WHERE h.claim_id = c.id \
                 AND h.deadline_id = dl.id AND h.event = 'deadline_moved' ORDER BY h.id LIMIT 1), dl.due), \
       COALESCE(dl.met_on, CASE WHEN c.status = 'fulfilled' THEN (SELECT MAX(h.at) \
                FROM status_history h WHERE h.claim_id = c.id AND h.event = 'status' \
                AND h.to_status = 'fulfilled') END), \
       c.status = 'pending' \
     FROM claims c JOIN deadlines dl ON dl.claim_id = c.id \
     CROSS JOIN (SELECT 'speaker' AS role UNION ALL SELECT 'outlet') r \
     WHERE c.status <> 'unverifiable' AND (r.role = 'speaker' OR c.reported_by_id IS NOT NULL) \
       AND {where}";

async fn refresh_facts(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    sqlx::query(
        "DELETE FROM deadline_facts WHERE deadline_id IN (SELECT id FROM deadlines WHERE claim_id = $1)",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&FACTS_SELECT.replace("{where}", "c.id = $1"))
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn refresh_open(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE deadlines SET open = CASE WHEN met_on IS NULL AND EXISTS \
         (SELECT 1 FROM claims c WHERE c.id = deadlines.claim_id AND c.status = 'pending') \
         THEN 1 ELSE 0 END WHERE claim_id = $1",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE claims SET next_due = \
         (SELECT MIN(d.due) FROM deadlines d WHERE d.claim_id = $1 AND d.open = 1) WHERE id = $1",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn append_history(tx: &mut SqliteConnection, claim_id: i64, h: &History<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO status_history (claim_id, event, at, from_status, to_status, note, evidence, \
         deadline_id, old_due, new_due, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(claim_id)
    .bind(h.event)
    .bind(iso(h.at))
    .bind(h.from.map(Status::as_str))
    .bind(h.to.as_str())
    .bind(h.note)
    .bind(h.evidence)
    .bind(h.deadline_id)
    .bind(h.old_due.map(iso))
    .bind(h.new_due.map(iso))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_source_in(tx: &mut SqliteConnection, source: &NewSource) -> Result<i64> {
    ensure_name_free(tx, &source.name, None).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO sources (name, name_key, kind, role, affiliation, url, notes, created_at, \
         reliability) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&source.name)
    .bind(name_key(&source.name))
    .bind(source.kind.as_str())
    .bind(&source.role)
    .bind(&source.affiliation)
    .bind(&source.url)
    .bind(&source.notes)
    .bind(now())
    .bind(source.reliability.map(Reliability::as_str))
    .fetch_one(&mut *tx)
    .await?)
}

async fn ensure_name_free(
    tx: &mut SqliteConnection,
    name: &str,
    except: Option<i64>,
) -> Result<()> {
    let taken: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM sources WHERE name_key = $1")
            .bind(name_key(name))
            .fetch_optional(&mut *tx)
            .await?;
    match taken {
        Some((id, existing)) if Some(id) != except => Err(Error::Conflict(format!(
            "a source named `{existing}` already exists (id {id})"
        ))),
        _ => Ok(()),
    }
}

async fn insert_claim_in(
    tx: &mut SqliteConnection,
    claim: &NewClaim,
    today: NaiveDate,
) -> Result<i64> {
    let id = insert_claim_row(tx, claim, Status::Pending, None).await?;
    insert_tags(tx, id, &claim.tags).await?;
    for deadline in &claim.deadlines {
        insert_deadline_in(tx, id, deadline).await?;
    }
    index_claim(tx, id).await?;
    let created = History::new("created", today, None, Status::Pending);
    append_history(tx, id, &created).await?;
    refresh_derived(tx, id).await?;
    Ok(id)
}

/// Inserts the claim row alone, with its fingerprint.
async fn insert_claim_row(
    tx: &mut SqliteConnection,
    claim: &NewClaim,
    status: Status,
    external_id: Option<&str>,
) -> Result<i64> {
    let stamp = now();
    Ok(sqlx::query_scalar(
        "INSERT INTO claims (text, speaker_id, reported_by_id, quote, lang, url, said_on, kind, \
         status, created_at, updated_at, external_id, fingerprint, credibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&claim.text)
    .bind(claim.speaker_id)
    .bind(claim.reported_by_id)
    .bind(&claim.quote)
    .bind(&claim.lang)
    .bind(&claim.url)
    .bind(claim.said_on.map(iso))
    .bind(claim.kind.as_str())
    .bind(status.as_str())
    .bind(&stamp)
    .bind(external_id)
    .bind(fingerprint(claim.speaker_id, &claim.text, claim.said_on))
    .bind(claim.credibility.map(|c| i64::from(c.get())))
    .fetch_one(&mut *tx)
    .await?)
}

/// Identifies a claim by speaker, text and date said: a 64-bit FNV-1a hash,
/// stable across versions and platforms (unlike std's hasher).
pub fn fingerprint(speaker_id: i64, text: &str, said_on: Option<NaiveDate>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let speaker = speaker_id.to_string();
    let said_on = said_on.map(iso).unwrap_or_default();
    let parts: [&[u8]; 5] = [
        speaker.as_bytes(),
        b"\x1f",
        text.as_bytes(),
        b"\x1f",
        said_on.as_bytes(),
    ];
    for byte in parts.iter().flat_map(|part| part.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

async fn insert_tags(tx: &mut SqliteConnection, claim_id: i64, tags: &[String]) -> Result<()> {
    for tag in tags {
        let present: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM claim_tags WHERE claim_id = $1 AND tag = $2")
                .bind(claim_id)
                .bind(tag)
                .fetch_one(&mut *tx)
                .await?;
        if present == 0 {
            sqlx::query("INSERT INTO claim_tags (claim_id, tag) VALUES ($1, $2)")
                .bind(claim_id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

async fn insert_deadline_in(
    tx: &mut SqliteConnection,
    claim_id: i64,
    deadline: &NewDeadline,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO deadlines (claim_id, due, precision, label, met_on) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(claim_id)
    .bind(iso(deadline.due))
    .bind(deadline.precision.as_str())
    .bind(&deadline.label)
    .bind(deadline.met_on.map(iso))
    .fetch_one(&mut *tx)
    .await?)
}

async fn claim_status(tx: &mut SqliteConnection, claim_id: i64) -> Result<Status> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM claims WHERE id = $1")
        .bind(claim_id)
        .fetch_optional(&mut *tx)
        .await?;
    Status::from_db(&status.ok_or_else(|| Error::no_claim(claim_id))?)
}

async fn deadline_in(tx: &mut SqliteConnection, id: i64) -> Result<Deadline> {
    let row = sqlx::query(
        "SELECT id, claim_id, due, precision, label, met_on FROM deadlines WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::no_deadline(id))?;
    deadline_from_row(&row)
}

/// The id of the source named like `source`, creating it when missing.
async fn import_source(
    tx: &mut SqliteConnection,
    source: &NewSource,
    cache: &mut HashMap<String, i64>,
    summary: &mut ImportSummary,
) -> Result<i64> {
    let key = name_key(&source.name);
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE name_key = $1")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            summary.sources_created += 1;
            insert_source_in(tx, source).await?
        }
    };
    cache.insert(key, id);
    Ok(id)
}

/// Above this many search matches, `list --search` walks the list order
/// instead of sorting every match (see `claims`).
const COMMON_MATCHES: i64 = 5_000;

/// Claims imported per multi-row INSERT batch.
const IMPORT_BATCH: usize = 500;

/// An import record with its sources resolved and its fingerprint.
struct Keyed<'a> {
    record: &'a ImportClaim,
    speaker: i64,
    outlet: Option<i64>,
    print: String,
}

/// Which records are already stored, by index: `true` when the stored claim
/// has the same content (fingerprint), `false` when it differs.
async fn stored_keys(
    tx: &mut SqliteConnection,
    keyed: &[Keyed<'_>],
) -> Result<HashMap<usize, bool>> {
    let mut stored = HashMap::new();
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM claims LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    if any.is_none() {
        return Ok(stored);
    }
    type Indexed<'k, 'r> = Vec<(usize, &'k Keyed<'r>)>;
    let (with_id, without): (Indexed, Indexed) = keyed
        .iter()
        .enumerate()
        .partition(|(_, k)| k.record.external_id.is_some());
    for chunk in with_id.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT external_id, fingerprint FROM claims WHERE external_id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, Option<String>)>(&sql);
        for (_, k) in chunk {
            query = query.bind(k.record.external_id.as_deref());
        }
        let found: HashMap<String, Option<String>> =
            query.fetch_all(&mut *tx).await?.into_iter().collect();
        for (i, k) in chunk {
            if let Some(print) = k.record.external_id.as_ref().and_then(|x| found.get(x)) {
                stored.insert(*i, print.as_deref() == Some(k.print.as_str()));
            }
        }
    }
    for chunk in without.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT speaker_id, text, said_on FROM claims WHERE fingerprint IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String, Option<String>)>(&sql);
        for (_, k) in chunk {
            query = query.bind(&k.print);
        }
        let found: std::collections::HashSet<(i64, String, Option<String>)> =
            query.fetch_all(&mut *tx).await?.into_iter().collect();
        for (i, k) in chunk {
            let c = &k.record.claim;
            if found.contains(&(k.speaker, c.text.clone(), c.said_on.map(iso))) {
                stored.insert(*i, true);
            }
        }
    }
    Ok(stored)
}

/// A value for a multi-row INSERT.
enum Value<'a> {
    Null,
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Owned(String),
    OptOwned(Option<String>),
}

impl<'a> Value<'a> {
    fn opt(text: Option<&'a str>) -> Value<'a> {
        Value::OptText(text)
    }
}

/// Inserts rows of `width` values with as few statements as SQLite allows.
///
/// The only statement with anonymous `?` binds: SQLite looks named and
/// numbered parameters (`$1`) up by walking a list, which makes a statement
/// with thousands of them quadratic to prepare and bind (80% of an import's
/// time, measured). A PostgreSQL backend would use COPY here instead.
async fn insert_many(
    tx: &mut SqliteConnection,
    head: &str,
    width: usize,
    values: &[Value<'_>],
) -> Result<()> {
    let rows_per_statement = (30_000 / width).min(IMPORT_BATCH * 3);
    for chunk in values.chunks(rows_per_statement * width) {
        let rows = chunk.len() / width;
        let mut sql = String::with_capacity(head.len() + rows * width * 7);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let row_marks = format!("({})", vec!["?"; width].join(", "));
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&row_marks);
        }
        let mut query = sqlx::query(&sql);
        for value in chunk {
            query = match value {
                Value::Null => query.bind(None::<i64>),
                Value::Int(n) => query.bind(*n),
                Value::OptInt(n) => query.bind(*n),
                Value::Text(t) => query.bind(*t),
                Value::OptText(t) => query.bind(*t),
                Value::Owned(t) => query.bind(t.as_str()),
                Value::OptOwned(t) => query.bind(t.as_deref()),
            };
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

fn source_from_row(row: &SqliteRow) -> Result<Source> {
    Ok(Source {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: SourceKind::from_db(row.try_get("kind")?)?,
        role: row.try_get("role")?,
        affiliation: row.try_get("affiliation")?,
        url: row.try_get("url")?,
        notes: row.try_get("notes")?,
        reliability: opt_reliability(row.try_get("reliability")?)?,
    })
}

fn opt_reliability(value: Option<&str>) -> Result<Option<Reliability>> {
    value.map(Reliability::from_db).transpose()
}

fn opt_credibility(value: Option<i64>) -> Result<Option<Credibility>> {
    value.map(Credibility::from_db).transpose()
}

fn claim_from_row(row: &SqliteRow) -> Result<Claim> {
    let outlet_id: Option<i64> = row.try_get("outlet_id")?;
    let reported_by = match outlet_id {
        Some(id) => Some(SourceRef {
            id,
            name: row.try_get("outlet_name")?,
            kind: SourceKind::from_db(row.try_get("outlet_kind")?)?,
            reliability: opt_reliability(row.try_get("outlet_reliability")?)?,
        }),
        None => None,
    };
    Ok(Claim {
        id: row.try_get("id")?,
        external_id: row.try_get("external_id")?,
        text: row.try_get("text")?,
        status: Status::from_db(row.try_get("status")?)?,
        kind: ClaimKind::from_db(row.try_get("kind")?)?,
        source: SourceRef {
            id: row.try_get("speaker_id")?,
            name: row.try_get("speaker_name")?,
            kind: SourceKind::from_db(row.try_get("speaker_kind")?)?,
            reliability: opt_reliability(row.try_get("speaker_reliability")?)?,
        },
        reported_by,
        quote: row.try_get("quote")?,
        lang: row.try_get("lang")?,
        url: row.try_get("url")?,
        said_on: opt_date(row.try_get("said_on")?)?,
        credibility: opt_credibility(row.try_get("credibility")?)?,
        tags: Vec::new(),
        deadlines: Vec::new(),
        next_due: None,
        overdue: false,
        days_overdue: None,
        history: None,
    })
}

fn deadline_from_row(row: &SqliteRow) -> Result<Deadline> {
    Ok(Deadline {
        id: row.try_get("id")?,
        claim_id: row.try_get("claim_id")?,
        due: date(row.try_get("due")?)?,
        precision: Precision::from_db(row.try_get("precision")?)?,
        label: row.try_get("label")?,
        met_on: opt_date(row.try_get("met_on")?)?,
    })
}

fn date(text: &str) -> Result<NaiveDate> {
    from_iso(text).ok_or_else(|| Error::Corrupt(format!("unexpected date `{text}`")))
}

fn opt_date(text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(date).transpose()
}

/// The key that makes source names unique: trimmed, and lower-cased (which
/// only changes cased scripts such as Latin; Arabic compares exactly).
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Refuses a non-empty file that does not start with the SQLite header.
/// Refuses a file that is not SQLite; tells whether it is in WAL mode.
fn check_header(path: &Path) -> Result<bool> {
    let io = |source| Error::Io {
        action: "cannot read the database",
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut header = Vec::with_capacity(20);
    file.by_ref()
        .take(20)
        .read_to_end(&mut header)
        .map_err(io)?;
    if !header.is_empty() && !header.starts_with(SQLITE_HEADER) {
        return Err(Error::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    // The file format's write and read versions are 2 in WAL mode.
    Ok(header.get(18..20) == Some(&[2, 2]))
}

/// Creates the file readable by its owner only, if it is new. The handle is
/// closed before SQLite opens the file: closing a second descriptor of a file
/// would drop the POSIX locks SQLite holds on it.
pub fn create_private(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|source| Error::Io {
        action: "cannot create the database",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}

/// Takes an exclusive lock that serializes opening (and migrating) the
/// database across processes. It is a lock on the directory holding the
/// file, never on the file itself, for the reason given in `create_private`.
fn lock_directory(path: &Path) -> Result<File> {
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => parent.to_path_buf(),
        None => PathBuf::from("."),
    };
    let io = |source| Error::Io {
        action: "cannot lock the database directory",
        path: dir.clone(),
        source,
    };
    let handle = File::open(&dir).map_err(io)?;
    handle.lock().map_err(io)?;
    Ok(handle)
}

impl Store {
    /// Looks at an existing file without writing: it must be empty, or a
    /// claims database whose schema this binary knows. Returns its newest
    /// applied migration.
    async fn inspect(&self) -> Result<Option<i64>> {
        let path = self.path.clone();
        // The common case, a claims database, in one query; anything else
        // (empty, another program's, not SQLite) is told apart after.
        let migrations: std::result::Result<(Option<i64>, i64), _> = sqlx::query_as(
            "SELECT MAX(CASE WHEN success THEN version END), \
             COALESCE(SUM(CASE WHEN success THEN 0 ELSE 1 END), 0) FROM _sqlx_migrations",
        )
        .fetch_one(&self.pool)
        .await;
        let (found, failed) = match migrations {
            Ok(found) => found,
            Err(error) => {
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|_| Error::NotSqlite { path: path.clone() })?;
                if tables.is_empty() {
                    return Ok(None);
                }
                if !tables.iter().any(|t| t == "_sqlx_migrations") {
                    return Err(Error::ForeignDatabase { path });
                }
                return Err(error.into());
            }
        };
        // A failed migration leaves a row with success = 0: not current.
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        match found {
            Some(found) if found > known => Err(Error::TooNew { path, found, known }),
            _ if failed > 0 => Ok(None),
            _ => Ok(found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_numbers_binds_in_order() {
        let mut s = Statement::new("SELECT 1 WHERE 1 = 1");
        s.push(" AND a = {} AND b = {}", [Bind::Int(1), text("x")]);
        s.push(" LIMIT {}", [Bind::Int(3)]);
        assert_eq!(s.sql, "SELECT 1 WHERE 1 = 1 AND a = $1 AND b = $2 LIMIT $3");
        assert_eq!(s.binds.len(), 3);
    }

    #[test]
    fn names_are_unique_ignoring_latin_case_only() {
        assert_eq!(name_key("  Shafaq News "), "shafaq news");
        assert_eq!(name_key("مصدر أمني عراقي"), "مصدر أمني عراقي");
    }

    fn import_claim(i: usize) -> ImportClaim {
        ImportClaim {
            external_id: None,
            speaker: NewSource {
                name: format!("speaker {}", i % 10),
                kind: SourceKind::Other,
                role: None,
                affiliation: None,
                url: None,
                notes: None,
                reliability: None,
            },
            reported_by: None,
            status: Status::Pending,
            claim: NewClaim {
                text: format!("claim {i} {}", "نص طويل ".repeat(40)),
                speaker_id: 0,
                reported_by_id: None,
                quote: None,
                lang: None,
                url: None,
                said_on: None,
                kind: ClaimKind::Report,
                credibility: None,
                tags: vec!["t".into()],
                deadlines: vec![],
            },
            history: vec![],
        }
    }

    /// A full disk (simulated with max_page_count): a clear error, nothing
    /// half-written, and the database still opens and takes writes.
    #[tokio::test]
    async fn a_full_disk_writes_nothing_and_leaves_a_sound_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.db");
        let today = from_iso("2026-11-30").unwrap();
        let store = Store::open(&path, OpenMode::Migrate).await.unwrap();
        let few: Vec<ImportClaim> = (0..5).map(import_claim).collect();
        store.import(&few, today, false, &|_| {}).await.unwrap();
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        sqlx::query(&format!("PRAGMA max_page_count = {}", pages + 3))
            .execute(&store.pool)
            .await
            .unwrap();
        let many: Vec<ImportClaim> = (5..3000).map(import_claim).collect();
        let err = store
            .import(&many, today, false, &|_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, Error::DiskFull), "{err}");
        assert_eq!(
            err.to_string(),
            "the disk is full (or the database reached its size limit); nothing was written"
        );
        assert_eq!(store.claim_count().await.unwrap(), 5);
        store.close().await;
        let store = Store::open(&path, OpenMode::Migrate).await.unwrap();
        assert!(store.check().await.unwrap().is_empty());
        store
            .import(&many[..10], today, false, &|_| {})
            .await
            .unwrap();
        assert_eq!(store.claim_count().await.unwrap(), 15);
        store.close().await;
    }

    #[tokio::test]
    async fn migrations_apply_once_on_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/claims.db");
        let store = Store::open(&path, OpenMode::Migrate).await.unwrap();
        let version = store.schema_version().await.unwrap();
        assert!(version > 0);
        assert!(store.is_empty().await.unwrap());
        store.close().await;
        let store = Store::open(&path, OpenMode::Migrate).await.unwrap();
        let states = store.migration_states().await.unwrap();
        assert!(states.iter().all(|s| s.applied));
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(applied as usize, states.len());
        store.close().await;
    }
}
