//! The storage API: everything `claims` asks of a database, with one
//! implementation per engine (`sqlite` now; PostgreSQL next). Nothing above
//! this module sees SQL, a connection or an engine's error codes.
//!
//! A trait rather than an enum over backends: each backend is a type of its
//! own that the contract tests (`tests.rs`) instantiate, and the application
//! layer is generic over `S: Store`, so a call is a direct call (no boxing,
//! no dispatch on every method) and adding a backend touches no existing
//! backend's code. The price is that the application is compiled once per
//! backend, which at two backends is cheap.
//!
//! Contracts every implementation keeps:
//! - every write is one transaction: it happens entirely or not at all, and
//!   changes nothing when it returns an error;
//! - a status change, deadline change or edit and its history row are
//!   written together; history is never changed or removed, except with its
//!   claim (`delete_claim`);
//! - derived data (open deadlines, next due dates, search rows, the counts
//!   behind reports and track records) is rewritten in the same transaction
//!   from the rules in `domain::rules`, and `check` recomputes it from them;
//! - claims are "judged" as of the date given: `next_due`, `overdue` and
//!   `days_overdue` follow `domain::rules`.
//!
//! Methods are `async fn` in a trait: we run on a current-thread runtime and
//! never move a store across threads, so the futures need not be `Send`.
#![allow(async_fn_in_trait)]

pub(crate) mod check;
pub(crate) mod derived;
pub mod differences;
pub mod error;
pub(crate) mod importing;
pub mod postgres;
pub(crate) mod records;
mod redact;
pub(crate) mod search;
pub mod sqlite;
#[cfg(test)]
mod tests;
mod types;
pub(crate) mod update;
mod values;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::model::{
    Claim, Deadline, DeadlineRef, HistoryEntry, Source, Status, TrackRecord,
};
use crate::domain::replay::{Snapshot, View};
use crate::domain::rules::TallyChanges;
use crate::interchange::record::Record;

pub use error::{StoreError, StoreResult};
pub use redact::redact;
pub use types::*;

/// A source's records by id: `.0` as speaker, `.1` as outlet.
/// The note every event of a merge carries; `Conflict` when the merge
/// cannot be (the same source, or one merged already).
pub fn merge_note(from: &Source, into: &Source) -> StoreResult<String> {
    if from.id == into.id {
        return Err(StoreError::Conflict(format!(
            "cannot merge source `{}` (id {}) into itself",
            from.name, from.id
        )));
    }
    for source in [from, into] {
        if let Some(merged) = source.merged {
            return Err(StoreError::Conflict(format!(
                "source `{}` (id {}) was merged into source {} on {}",
                source.name,
                source.id,
                merged.into,
                crate::domain::dates::iso(merged.on)
            )));
        }
    }
    Ok(format!(
        "merged source `{}` (id {}) into `{}` (id {})",
        from.name, from.id, into.name, into.id
    ))
}

/// Whether a name is free for source `except` (or a new one), from what
/// holds it: a source's own name (`id`, `name`, the source it was merged
/// into) and an alias (source id, source name, alias).
pub(crate) fn name_free(
    taken: Option<(i64, String, Option<i64>)>,
    alias: Option<(i64, String, String)>,
    except: Option<i64>,
) -> StoreResult<()> {
    match taken {
        Some((id, existing, None)) if Some(id) != except => {
            return Err(StoreError::Conflict(format!(
                "a source named `{existing}` already exists (id {id})"
            )))
        }
        // A merged source keeps its row, and so its name.
        Some((_, existing, Some(into))) => {
            return Err(StoreError::Conflict(format!(
                "`{existing}` was merged into source {into}, and finds it"
            )))
        }
        _ => {}
    }
    match alias {
        Some((id, source, alias)) if Some(id) != except => Err(StoreError::Conflict(format!(
            "`{alias}` is another name of source `{source}` (id {id})"
        ))),
        _ => Ok(()),
    }
}

pub type RecordsBySource = HashMap<i64, (TrackRecord, TrackRecord)>;

pub trait Store {
    // ----- the database itself -----

    /// Where the database is, as users name it (a path, a URL without password).
    fn location(&self) -> String;

    /// Names who the events written from now on are by. A backend whose
    /// server knows who is connected records that instead.
    fn set_actor(&mut self, by: &str);

    /// Every migration this binary knows, and whether it has been applied.
    async fn migration_states(&self) -> StoreResult<Vec<MigrationState>>;

    /// The newest applied migration; 0 before any.
    async fn schema_version(&self) -> StoreResult<i64>;

    /// The database's UUID, made when it was created; `None` before the
    /// schema has it (a database only inspected, not yet upgraded).
    async fn database_uuid(&self) -> StoreResult<Option<String>>;

    /// The database's settings (`publisher.name`, ...), by name.
    async fn settings(&self) -> StoreResult<Vec<(String, String)>>;

    /// Sets a setting, or with `None` removes it.
    async fn set_setting(&self, name: &str, value: Option<&str>) -> StoreResult<()>;

    /// Writes a consistent copy of the whole database to `to`, safe while
    /// others write; a file already at `to` is replaced only by a complete
    /// copy. Returns the copy's size in bytes.
    async fn backup(&self, to: &Path) -> StoreResult<u64>;

    /// Everything wrong with the database: the engine's own checks, then
    /// every derived row recomputed from `domain::rules` and compared. Empty
    /// when sound. At most 20 ids are named per problem.
    async fn check(&self) -> StoreResult<Vec<String>>;

    /// How many claims there are.
    async fn claim_count(&self) -> StoreResult<i64>;

    /// Gives an existing database role the rights of `level` on this
    /// database (and takes away those of other levels). A database without
    /// roles (a file) refuses.
    async fn grant(&self, role: &str, level: AccessLevel) -> StoreResult<()>;

    /// Every role with rights on this database, by role name.
    async fn grants(&self) -> StoreResult<Vec<Grant>>;

    /// Finishes pending work (folds logs back) and closes every connection.
    async fn close(self);

    // ----- sources -----

    /// Adds a source; a name already taken (by `name_key`) is a conflict.
    async fn insert_source(&self, source: &NewSource) -> StoreResult<Source>;

    /// The source with this id, or `NotFound`.
    async fn source(&self, id: i64) -> StoreResult<Source>;

    /// The source whose `name_key` is the name's, if any.
    async fn source_by_name(&self, name: &str) -> StoreResult<Option<Source>>;

    /// Gives a source another name (`Conflict` when any source has it).
    async fn add_alias(&self, source_id: i64, name: &str) -> StoreResult<()>;

    /// Every source's other names, as (source id, name): its aliases and
    /// the names of the sources merged into it.
    async fn aliases(&self) -> StoreResult<Vec<(i64, String)>>;

    /// Merges source `from` into `into` in one transaction: every claim
    /// naming `from` (as lead or other speaker, or outlet) names `into`
    /// instead, with an `edited` event dated `on`; `from` stays (the history
    /// names it), marked merged, and its name and aliases find `into` from
    /// then on. The same source twice, or a merged one, is a conflict.
    /// Returns the claims changed, in id order.
    async fn merge_source(&self, from: i64, into: i64, on: NaiveDate) -> StoreResult<Vec<i64>>;

    /// Every source, by name key then id.
    async fn sources(&self) -> StoreResult<Vec<Source>>;

    /// Replaces a source's fields; renaming onto another source's name is a
    /// conflict. Its claims' search rows follow the new name.
    async fn update_source(&self, id: i64, source: &NewSource) -> StoreResult<Source>;

    /// Removes a source no claim names (as speaker or outlet); else a conflict.
    async fn delete_source(&self, id: i64) -> StoreResult<()>;

    /// Every source's claims counted by status, as speaker and as outlet;
    /// no overdue or deadline figures. Sources without claims are absent.
    /// `adjust` moves the stored counts (a replay's differences).
    async fn claim_counts(&self, adjust: &TallyChanges) -> StoreResult<RecordsBySource>;

    /// Every claim counted once, by status, moved by `adjust`.
    async fn totals(&self, adjust: &TallyChanges) -> StoreResult<TrackRecord>;

    /// Full track records as of a day (counts, overdue, deadline figures)
    /// for the sources given, or all when `None`, moved by `adjust`.
    async fn track_records(
        &self,
        as_of: NaiveDate,
        sources: Option<&[i64]>,
        adjust: &TallyChanges,
    ) -> StoreResult<RecordsBySource>;

    // ----- replays -----

    /// The claims whose record in `view` may differ from the record as it
    /// stands (said after its day, changed after it, or written after its
    /// `known_on`), as they stand, with their events in the order written,
    /// in id order, given to `each` a page at a time; false when no claim
    /// may differ. With `only`, just those of these claims. The events carry
    /// what replays read: notes, evidence and writers are left out, and
    /// `recorded_at` unless the view has a `known_on`.
    async fn replay_set(
        &self,
        view: &View,
        only: Option<&[i64]>,
        each: &mut dyn FnMut(Vec<(Snapshot, Vec<HistoryEntry>)>),
    ) -> StoreResult<bool>;

    /// Whether the record as of `day` differs from the record as it stands
    /// (a claim said, or a change that happened, after it).
    async fn changed_after(&self, day: NaiveDate) -> StoreResult<bool>;

    /// How the counts in `scope` moved after `day` (the journal of migration
    /// 15): the stored counts moved by the negation of this are the counts
    /// as of it.
    async fn tallies_after(
        &self,
        day: NaiveDate,
        scope: TallyScope<'_>,
    ) -> StoreResult<TallyChanges>;

    /// The ids of the first `limit` claims of a list as it stood on `day`
    /// (the record as of that day, as known today), in the list's order.
    async fn day_list(
        &self,
        day: NaiveDate,
        list: DayList,
        limit: Option<u32>,
    ) -> StoreResult<Vec<i64>>;

    /// Claims with an open deadline due in [from, until], as they stood on `from`.
    async fn upcoming_count_on(&self, from: NaiveDate, until: NaiveDate) -> StoreResult<i64>;

    /// These claims (without history), judged as of a day, in id order.
    async fn claims_by_ids(&self, ids: &[i64], as_of: NaiveDate) -> StoreResult<Vec<Claim>>;

    // ----- claims -----

    /// Adds a pending claim with its tags, deadlines and a `created` history
    /// row dated `recorded_on`. Returns its id.
    async fn insert_claim(&self, claim: &NewClaim, recorded_on: NaiveDate) -> StoreResult<i64>;

    /// Adds claims with the sources they name (found by name key or created;
    /// a claim's `speaker`/`outlet` index into `sources`), skipping a claim
    /// whose speaker already has one with the same text. Returns how many
    /// claims were added.
    async fn insert_bundle(
        &self,
        sources: &[NewSource],
        claims: &[BundleClaim],
        recorded_on: NaiveDate,
    ) -> StoreResult<usize>;

    /// Imports validated records: sources found by name key or created; a
    /// record whose key (uid, external id, else fingerprint) is stored is
    /// compared with the stored claim (unchanged or differing, and in what;
    /// with `mode.update` the differences are applied as events); one that
    /// repeats an earlier record is counted and skipped. A dry run writes
    /// nothing. `progress` is told how many records are done.
    async fn import(
        &self,
        records: &[ImportClaim],
        recorded_on: NaiveDate,
        mode: ImportMode,
        progress: &dyn Fn(usize),
    ) -> StoreResult<ImportSummary>;

    /// The interchange records of the claims matching `filter` with an id
    /// above `after_id`, in id order, at most `limit`, sources and history
    /// in full.
    async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<Record>>;

    /// The editable fields of a claim as stored, or `NotFound`.
    async fn claim_fields(&self, id: i64) -> StoreResult<ClaimFields>;

    /// Replaces a claim's fields and adjusts its tags.
    /// Replaces a claim's fields (tags and speakers included), with an
    /// `edited` event dated `on` for each field that changes; nothing
    /// changing is a conflict. Returns the changes.
    async fn update_claim(
        &self,
        id: i64,
        fields: &ClaimFields,
        on: NaiveDate,
    ) -> StoreResult<Vec<FieldChange>>;

    /// Appends a `note` event. Returns its id.
    async fn append_note(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: &str,
        evidence: Option<&str>,
    ) -> StoreResult<i64>;

    /// Voids the claim's latest event that is not void (nor a correction, nor
    /// the `recorded` event) with a `correction` event dated `on`, and undoes
    /// its effect on the claim. Returns the voided event; nothing to void is
    /// a conflict.
    async fn undo(
        &self,
        claim_id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> StoreResult<HistoryEntry>;

    /// The audit trail, newest written first.
    async fn log(&self, filter: &LogFilter) -> StoreResult<Vec<HistoryEntry>>;

    /// Removes a claim with its deadlines, tags, history and derived rows.
    async fn delete_claim(&self, id: i64) -> StoreResult<()>;

    /// One claim with deadlines, tags and history, judged as of a day.
    async fn claim(&self, id: i64, as_of: NaiveDate) -> StoreResult<Claim>;

    /// The claims matching `filter` (without history), judged as of a day:
    /// in id order when `after_id` is set, else by next due date (claims
    /// without one last, by id).
    async fn claims(&self, filter: &ClaimFilter, as_of: NaiveDate) -> StoreResult<Vec<Claim>>;

    /// The claims matching a search query (see the README's syntax), best
    /// first, at most `limit`; a query the engine cannot parse is `BadQuery`.
    async fn search(&self, query: &str, limit: u32, as_of: NaiveDate) -> StoreResult<Vec<Claim>>;

    /// Pending claims with an open deadline due in [from, until], soonest
    /// first (by their first deadline in the window), at most `limit`;
    /// judged as of `from`.
    async fn upcoming(
        &self,
        from: NaiveDate,
        until: NaiveDate,
        limit: Option<u32>,
    ) -> StoreResult<Vec<Claim>>;

    /// Totals over every claim: with an open deadline in [from, until], with
    /// any open deadline, and overdue as of `from`.
    async fn deadline_counts(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<DeadlineCounts>;

    /// The histories of these claims, oldest first, by claim id.
    async fn histories(&self, ids: &[i64]) -> StoreResult<HashMap<i64, Vec<HistoryEntry>>>;

    /// Changes a claim's status and appends the change to its history
    /// (`reopened` when back to pending). Setting the status it already has
    /// is a conflict. Returns the status it had.
    async fn set_status(&self, claim_id: i64, change: &StatusChange<'_>) -> StoreResult<Status>;

    // ----- deadlines -----

    /// The deadline with this id, or `NotFound`.
    async fn deadline(&self, id: i64) -> StoreResult<Deadline>;

    /// The deadline users call `6.1`, or `NotFound` ("no deadline 6.1").
    async fn deadline_by_ref(&self, reference: DeadlineRef) -> StoreResult<Deadline>;

    /// Adds a deadline to a claim, with an event dated `on`. Returns its id.
    async fn insert_deadline(
        &self,
        claim_id: i64,
        deadline: &NewDeadline,
        on: NaiveDate,
    ) -> StoreResult<i64>;

    /// Records that an unmet deadline was met on a day, with a history row;
    /// a deadline already met is a conflict.
    async fn meet_deadline(&self, id: i64, on: NaiveDate) -> StoreResult<Deadline>;

    /// Moves an unmet deadline to a new date, recording the old and new date
    /// in the history; a met deadline is a conflict. Returns it as it was.
    async fn move_deadline(
        &self,
        id: i64,
        to: &NewDeadline,
        on: NaiveDate,
        note: Option<&str>,
    ) -> StoreResult<Deadline>;

    /// Removes a deadline, with an event dated `on` that keeps it whole.
    /// Returns it as it was.
    async fn delete_deadline(
        &self,
        id: i64,
        on: NaiveDate,
        note: Option<&str>,
    ) -> StoreResult<Deadline>;
}
