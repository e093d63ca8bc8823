//! Opening a database file: refusing what is not ours, creating it private,
//! locking, migrating, and the backfills of columns computed in Rust.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;
use sqlx::{Sqlite, Transaction};

use super::rows::opt_date;
use super::search::SEARCHABLE;
use super::statement::{insert_many, Value};
use super::SqliteStore;
use crate::domain::keys::fingerprint;
use crate::store::search::{stored_row, Searchable};
use crate::store::{
    quietly, MigrationState, OpenMode, Progress, StoreError as Error, StoreResult as Result,
    SEARCH_REBUILD,
};

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

pub(super) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// How long a writer waits for another process's transaction to finish.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Refuses a non-empty file that does not start with the SQLite header;
/// tells whether the file is in WAL mode.
pub(super) fn check_header(path: &Path) -> Result<bool> {
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
        return Err(Error::NotADatabase {
            location: path.display().to_string(),
            engine: "SQLite",
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
pub(super) fn lock_directory(path: &Path) -> Result<File> {
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

impl SqliteStore {
    /// Opens the database at `path`, creating it (mode 0600, parents too) and
    /// applying pending migrations under an exclusive lock, so processes
    /// opening a new file at once do not race. Refuses a file that is not a
    /// SQLite database, a SQLite database of another program, and one written
    /// by a newer `claims`, without writing to any of them.
    pub async fn open(path: &Path, mode: OpenMode) -> Result<SqliteStore> {
        SqliteStore::open_reporting(path, mode, &quietly).await
    }

    /// As `open`, telling `progress` how a long fill after an upgrade goes.
    pub async fn open_reporting(
        path: &Path,
        mode: OpenMode,
        progress: Progress<'_>,
    ) -> Result<SqliteStore> {
        let exists = path.exists();
        if !exists && mode == OpenMode::Inspect {
            return Err(Error::Missing {
                location: path.display().to_string(),
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
        let store = SqliteStore {
            pool,
            path: path.to_path_buf(),
            wrote: std::sync::atomic::AtomicBool::new(false),
            actor: None,
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
            let (fingerprints, search, uids, days): (bool, bool, bool, bool) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM claims WHERE fingerprint IS NULL), \
                 EXISTS (SELECT 1 FROM search_backfill), \
                 EXISTS (SELECT 1 FROM claims WHERE uid IS NULL), \
                 EXISTS (SELECT 1 FROM days_backfill)",
            )
            .fetch_one(&store.pool)
            .await?;
            if fingerprints {
                store.fill_fingerprints().await?;
            }
            if uids {
                store.fill_uids().await?;
            }
            if search {
                store.fill_search(progress).await?;
            }
            if days {
                store.fill_days().await?;
            }
        }
        drop(lock);
        Ok(store)
    }

    /// Folds the write-ahead log back into the database file and closes every
    /// connection. sqlx's close does not reliably let SQLite do the final
    /// checkpoint itself, which would leave the file's content in `-wal`.
    pub(super) async fn close(self) {
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
    pub(super) async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        self.wrote.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Every migration this binary knows, and whether it has been applied.
    pub(super) async fn migration_states(&self) -> Result<Vec<MigrationState>> {
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
    pub(super) async fn schema_version(&self) -> Result<i64> {
        Ok(self
            .applied_versions()
            .await?
            .into_iter()
            .max()
            .unwrap_or(0))
    }

    /// The UUID migration 13 gave the database, if it has run.
    pub(super) async fn database_uuid(&self) -> Result<Option<String>> {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'database_info'",
        )
        .fetch_one(&self.pool)
        .await?;
        if exists == 0 {
            return Ok(None);
        }
        Ok(
            sqlx::query_scalar("SELECT value FROM database_info WHERE key = 'uuid'")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub(super) async fn applied_versions(&self) -> Result<Vec<i64>> {
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

    /// Applies pending migrations with foreign keys off (a migration that
    /// rebuilds a table must not cascade deletes into its children; SQLite
    /// ignores the pragma inside sqlx's migration transaction, so it is set
    /// on the connection before), then requires every reference to hold.
    pub(super) async fn migrate(&self) -> Result<()> {
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
    pub(super) async fn fill_search(&self, progress: Progress<'_>) -> Result<()> {
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT pending FROM search_backfill LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_none() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM claim_search")
            .execute(&mut *tx)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM claims")
            .fetch_one(&mut *tx)
            .await?;
        let (total, mut done) = (total as u64, 0u64);
        progress(SEARCH_REBUILD, done, total);
        // A page of claims at a time, read in one statement and written in
        // multi-row inserts: claim by claim, a million took minutes.
        let mut after = 0i64;
        loop {
            let page: Vec<Searchable> = sqlx::query_as(&format!(
                "{SEARCHABLE} WHERE c.id > $1 ORDER BY c.id LIMIT 5000"
            ))
            .bind(after)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.0;
            let mut values = Vec::with_capacity(page.len() * 3);
            for parts in &page {
                let row = stored_row(parts);
                values.extend([
                    Value::Int(parts.0),
                    Value::Owned(row.body),
                    Value::Owned(row.stems),
                ]);
            }
            insert_many(
                &mut tx,
                "INSERT INTO claim_search (rowid, body, stems)",
                3,
                &values,
                "",
            )
            .await?;
            done += page.len() as u64;
            progress(SEARCH_REBUILD, done, total);
        }
        sqlx::query("DELETE FROM search_backfill")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives a UUID to claims that have none (written by another program).
    pub(super) async fn fill_uids(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM claims WHERE uid IS NULL")
            .fetch_all(&mut *tx)
            .await?;
        for id in ids {
            sqlx::query("UPDATE claims SET uid = $1 WHERE id = $2")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Computes the fingerprint of claims written before fingerprints existed.
    pub(super) async fn fill_fingerprints(&self) -> Result<()> {
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

    /// Looks at an existing file without writing: it must be empty, or a
    /// claims database whose schema this binary knows. Returns its newest
    /// applied migration.
    pub(super) async fn inspect(&self) -> Result<Option<i64>> {
        let location = self.path.display().to_string();
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
                        .map_err(|_| Error::NotADatabase {
                            location: location.clone(),
                            engine: "SQLite",
                        })?;
                if tables.is_empty() {
                    return Ok(None);
                }
                if !tables.iter().any(|t| t == "_sqlx_migrations") {
                    return Err(Error::Foreign {
                        location,
                        engine: "SQLite",
                    });
                }
                return Err(error.into());
            }
        };
        // A failed migration leaves a row with success = 0: not current.
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        match found {
            Some(found) if found > known => Err(Error::TooNew {
                location,
                found,
                known,
            }),
            _ if failed > 0 => Ok(None),
            _ => Ok(found),
        }
    }
}
