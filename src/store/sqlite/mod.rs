//! The SQLite backend: one file a job, each adding methods to
//! `SqliteStore`; the `Store` impl below is their table of contents.
//!
//! Every write runs in a transaction begun with `BEGIN IMMEDIATE`: a
//! deferred transaction that reads before it writes fails with "database is
//! locked" when another process commits in between, even with a busy
//! timeout. What is SQLite's own here, and would be written differently for
//! another engine: FTS5 (`MATCH`, `rank`), export records built with
//! `json_object`/`json_group_array`, `VACUUM INTO` for backups, `?`-bound
//! multi-row INSERTs with ids assigned in the transaction, planner hints
//! (`+c.id`), `LIMIT -1`, `WITHOUT ROWID` tables and `RAISE(ABORT)`
//! triggers in the migrations.

mod check;
mod claims;
mod counts;
mod days;
mod deadlines;
mod derived;
mod error;
mod export;
mod history;
mod ids;
mod import;
mod merge;
mod open;
mod queries;
mod records;
mod replay;
mod rows;
mod search;
mod sources;
mod statement;
mod undo;
mod update;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sqlx::sqlite::SqlitePool;

use crate::domain::model::{
    Claim, Deadline, DeadlineRef, HistoryEntry, Source, Status, TrackRecord,
};
use crate::domain::replay::{Snapshot, View};
use crate::domain::rules::TallyChanges;
use crate::interchange::record::Record;
use crate::store::{
    AccessLevel, BundleClaim, ClaimFields, ClaimFilter, DayList, DeadlineCounts, FieldChange,
    Grant, ImportClaim, ImportMode, ImportSummary, LogFilter, MigrationState, NewClaim,
    NewDeadline, NewSource, RecordsBySource, StatusChange, Store, StoreResult as Result,
    TallyScope,
};

pub use open::create_private;

/// `claims grant` on a file: SQLite has no roles.
fn no_roles() -> crate::store::StoreError {
    crate::store::StoreError::Conflict(
        "`claims grant` manages the roles of a PostgreSQL database; an SQLite file has none \
         (its file permissions decide who may read or write it)"
            .to_string(),
    )
}

/// A claims database in one SQLite file.
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
    /// Whether this process wrote: only then is there a log to fold back on close.
    wrote: std::sync::atomic::AtomicBool,
    /// Who the events this process writes are by.
    actor: Option<String>,
}

impl SqliteStore {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn by(&self) -> Option<&str> {
        self.actor.as_deref()
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn set_actor(&mut self, by: &str) {
        self.actor = Some(by.to_string());
    }

    async fn migration_states(&self) -> Result<Vec<MigrationState>> {
        SqliteStore::migration_states(self).await
    }

    async fn schema_version(&self) -> Result<i64> {
        SqliteStore::schema_version(self).await
    }

    async fn database_uuid(&self) -> Result<Option<String>> {
        SqliteStore::database_uuid(self).await
    }

    async fn settings(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT substr(key, 9), value FROM database_info WHERE key LIKE 'setting.%' ORDER BY key",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_setting(&self, name: &str, value: Option<&str>) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM database_info WHERE key = $1")
            .bind(format!("setting.{name}"))
            .execute(&mut *tx)
            .await?;
        if let Some(value) = value {
            sqlx::query("INSERT INTO database_info (key, value) VALUES ($1, $2)")
                .bind(format!("setting.{name}"))
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn backup(&self, to: &Path) -> Result<u64> {
        SqliteStore::backup(self, to).await
    }

    async fn check(&self) -> Result<Vec<String>> {
        SqliteStore::check(self).await
    }

    async fn claim_count(&self) -> Result<i64> {
        SqliteStore::claim_count(self).await
    }

    async fn close(self) {
        SqliteStore::close(self).await
    }

    async fn grant(&self, _role: &str, _level: AccessLevel) -> Result<()> {
        Err(no_roles())
    }

    async fn grants(&self) -> Result<Vec<Grant>> {
        Err(no_roles())
    }

    async fn insert_source(&self, source: &NewSource) -> Result<Source> {
        SqliteStore::insert_source(self, source).await
    }

    async fn source(&self, id: i64) -> Result<Source> {
        SqliteStore::source(self, id).await
    }

    async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        SqliteStore::source_by_name(self, name).await
    }

    async fn add_alias(&self, source_id: i64, name: &str) -> Result<()> {
        SqliteStore::add_alias(self, source_id, name).await
    }

    async fn merge_source(&self, from: i64, into: i64, on: NaiveDate) -> Result<Vec<i64>> {
        SqliteStore::merge_source(self, from, into, on).await
    }

    async fn aliases(&self) -> Result<Vec<(i64, String)>> {
        SqliteStore::aliases(self).await
    }

    async fn sources(&self) -> Result<Vec<Source>> {
        SqliteStore::sources(self).await
    }

    async fn update_source(&self, id: i64, source: &NewSource) -> Result<Source> {
        SqliteStore::update_source(self, id, source).await
    }

    async fn delete_source(&self, id: i64) -> Result<()> {
        SqliteStore::delete_source(self, id).await
    }

    async fn claim_counts(&self, adjust: &TallyChanges) -> Result<RecordsBySource> {
        SqliteStore::claim_counts(self, adjust).await
    }

    async fn totals(&self, adjust: &TallyChanges) -> Result<TrackRecord> {
        SqliteStore::totals(self, adjust).await
    }

    async fn replay_set(
        &self,
        view: &View,
        only: Option<&[i64]>,
        each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
    ) -> Result<bool> {
        SqliteStore::replay_set(self, view, only, each).await
    }

    async fn changed_after(&self, day: NaiveDate) -> Result<bool> {
        SqliteStore::changed_after(self, day).await
    }

    async fn tallies_after(&self, day: NaiveDate, scope: TallyScope<'_>) -> Result<TallyChanges> {
        SqliteStore::tallies_after(self, day, scope).await
    }

    async fn day_list(
        &self,
        day: NaiveDate,
        list: DayList,
        limit: Option<u32>,
    ) -> Result<Vec<i64>> {
        SqliteStore::day_list(self, day, list, limit).await
    }

    async fn upcoming_count_on(&self, from: NaiveDate, until: NaiveDate) -> Result<i64> {
        SqliteStore::upcoming_count_on(self, from, until).await
    }

    async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> Result<Vec<Claim>> {
        SqliteStore::claims_by_ids(self, ids, as_of).await
    }

    async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
    ) -> Result<RecordsBySource> {
        SqliteStore::track_records(self, as_of, sources, adjust).await
    }

    async fn insert_claim(&self, claim: &NewClaim, recorded_on: NaiveDate) -> Result<i64> {
        SqliteStore::insert_claim(self, claim, recorded_on).await
    }

    async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[BundleClaim],
        recorded_on: NaiveDate,
    ) -> Result<usize> {
        SqliteStore::insert_bundle(self, sources, claims, recorded_on).await
    }

    async fn import(
        &self,
        records: &[ImportClaim],
        recorded_on: NaiveDate,
        mode: ImportMode,
        progress: &dyn Fn(usize),
    ) -> Result<ImportSummary> {
        SqliteStore::import(self, records, recorded_on, mode, progress).await
    }

    async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Record>> {
        SqliteStore::export_page(self, filter, after_id, limit).await
    }

    async fn claim_fields(&self, id: i64) -> Result<ClaimFields> {
        SqliteStore::claim_fields(self, id).await
    }

    async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
    ) -> Result<Vec<FieldChange>> {
        SqliteStore::update_claim(self, id, fields, on).await
    }

    async fn append_note(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: &str,
        evidence: Option<&str>,
    ) -> Result<i64> {
        SqliteStore::append_note(self, claim_id, on, note, evidence).await
    }

    async fn undo(&self, claim_id: i64, on: NaiveDate, note: Option<&str>) -> Result<HistoryEntry> {
        SqliteStore::undo(self, claim_id, on, note).await
    }

    async fn log(&self, filter: &LogFilter) -> Result<Vec<HistoryEntry>> {
        SqliteStore::log(self, filter).await
    }

    async fn delete_claim(&self, id: i64) -> Result<()> {
        SqliteStore::delete_claim(self, id).await
    }

    async fn claim(&self, id: i64, as_of: NaiveDate) -> Result<Claim> {
        SqliteStore::claim(self, id, as_of).await
    }

    async fn claims(&self, filter: &ClaimFilter, as_of: NaiveDate) -> Result<Vec<Claim>> {
        SqliteStore::claims(self, filter, as_of).await
    }

    async fn search(&self, query: &str, limit: u32, as_of: NaiveDate) -> Result<Vec<Claim>> {
        SqliteStore::search(self, query, limit, as_of).await
    }

    async fn upcoming(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> Result<Vec<Claim>> {
        SqliteStore::upcoming(self, from, until, limit).await
    }

    async fn deadline_counts(&self, from: NaiveDate, until: NaiveDate) -> Result<DeadlineCounts> {
        SqliteStore::deadline_counts(self, from, until).await
    }

    async fn histories(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<HistoryEntry>>> {
        SqliteStore::histories(self, ids).await
    }

    async fn set_status(&self, claim_id: i64, change: &StatusChange<'_>) -> Result<Status> {
        SqliteStore::set_status(self, claim_id, change).await
    }

    async fn deadline(&self, id: i64) -> Result<Deadline> {
        SqliteStore::deadline(self, id).await
    }

    async fn deadline_by_ref(&self, reference: DeadlineRef) -> Result<Deadline> {
        SqliteStore::deadline_by_ref(self, reference).await
    }

    async fn insert_deadline(
        &self,
        claim_id: i64,
        deadline: &NewDeadline,
        on: NaiveDate,
    ) -> Result<i64> {
        SqliteStore::insert_deadline(self, claim_id, deadline, on).await
    }

    async fn meet_deadline(&self, id: i64, on: NaiveDate) -> Result<Deadline> {
        SqliteStore::meet_deadline(self, id, on).await
    }

    async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        SqliteStore::move_deadline(self, id, to, on, note).await
    }

    async fn delete_deadline(
        &self,
        id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> Result<Deadline> {
        SqliteStore::delete_deadline(self, id, on, note).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::from_iso;
    use crate::domain::model::{ClaimKind, SourceKind, Status};
    use crate::store::{ImportClaim, NewClaim, NewSource, OpenMode, StoreError};

    fn import_claim(i: usize) -> ImportClaim {
        ImportClaim {
            uid: None,
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
            other_speakers: Vec::new(),
            reported_by: None,
            status: Status::Pending,
            deadline_keys: Vec::new(),
            claim: NewClaim {
                text: format!("claim {i} {}", "نص طويل ".repeat(40)),
                speaker_id: 0,
                other_speakers: Vec::new(),
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
        let store = SqliteStore::open(&path, OpenMode::Migrate).await.unwrap();
        let few: Vec<ImportClaim> = (0..5).map(import_claim).collect();
        store
            .import(&few, today, crate::store::ImportMode::default(), &|_| {})
            .await
            .unwrap();
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
            .import(&many, today, crate::store::ImportMode::default(), &|_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DiskFull), "{err}");
        assert_eq!(
            err.to_string(),
            "the disk is full (or the database reached its size limit); nothing was written"
        );
        assert_eq!(store.claim_count().await.unwrap(), 5);
        store.close().await;
        let store = SqliteStore::open(&path, OpenMode::Migrate).await.unwrap();
        assert!(store.check().await.unwrap().is_empty());
        store
            .import(
                &many[..10],
                today,
                crate::store::ImportMode::default(),
                &|_| {},
            )
            .await
            .unwrap();
        assert_eq!(store.claim_count().await.unwrap(), 15);
        store.close().await;
    }

    #[tokio::test]
    async fn migrations_apply_once_on_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/claims.db");
        let store = SqliteStore::open(&path, OpenMode::Migrate).await.unwrap();
        let version = store.schema_version().await.unwrap();
        assert!(version > 0);
        assert_eq!(store.claim_count().await.unwrap(), 0);
        assert!(store.sources().await.unwrap().is_empty());
        store.close().await;
        let store = SqliteStore::open(&path, OpenMode::Migrate).await.unwrap();
        let states = store.migration_states().await.unwrap();
        assert!(states.iter().all(|s| s.applied));
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(applied as usize, states.len());
        store.close().await;
    }

    /// Opening a database of schema 15 rebuilds its search index, telling
    /// how far it has got (a terminal draws it as a bar); the next open has
    /// nothing to rebuild and tells nothing.
    #[tokio::test]
    async fn an_upgrade_tells_how_the_search_rebuild_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schema-15.db");
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-15.db"),
            &path,
        )
        .unwrap();
        async fn open_telling(path: &std::path::Path) -> Vec<(String, u64, u64)> {
            let seen = std::sync::Mutex::new(Vec::new());
            let record = |step: &str, done, total| {
                seen.lock().unwrap().push((step.to_string(), done, total));
            };
            let store = SqliteStore::open_reporting(path, OpenMode::Migrate, &record)
                .await
                .unwrap();
            store.close().await;
            seen.into_inner().unwrap()
        }
        let first = open_telling(&path).await;
        let step = crate::store::SEARCH_REBUILD.to_string();
        assert_eq!(first, vec![(step.clone(), 0, 8), (step, 8, 8)]);
        assert!(open_telling(&path).await.is_empty());
    }
}
