//! Bulk import on PostgreSQL: one transaction; sources found by name key or
//! created; records already stored compared (and with `--update` brought up
//! to date by `store::update`); new claims written with multi-row INSERTs,
//! their ids drawn from the sequences, then their derived data computed
//! from what was written, a page at a time.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;

use super::claims::write_fields;
use super::deadlines::DEADLINE_COLUMNS;
use super::derived::{apply_staged, create_stage, CountsTo, Written};
use super::history::append_event;
use super::queries::{history_from_row, EVENT_COLUMNS};
use super::reads::{claim_state, derive_new, refresh_derived, word};
use super::search::index_claim;
use super::search::{words_and_stems, WORDS_VECTOR};
use super::sources::{insert_source_in, source_id_by_key};
use super::statement::{insert_rows, PgValue};
use super::PostgresStore;
use crate::domain::dates::iso;
use crate::domain::keys::{fingerprint, name_key};
use crate::domain::model::{Deadline, Status};
use crate::domain::rules::derive;
use crate::store::differences::{differing_fields, StoredClaim};
use crate::store::importing::{
    deadline_numbers, gone_deadlines, imported_events, record_state, repeat_key, Keyed,
};
use crate::store::search::record_row;
use crate::store::update::{update_claim_from, ClaimWrites};
use crate::store::values::{now, Event};
use crate::store::{
    ClaimFields, ImportClaim, ImportDifference, ImportMode, ImportSummary, NewDeadline, NewSource,
    StoreResult as Result,
};

use super::Sql;

/// Claims written per batch of INSERTs, and derived per page.
const BATCH: usize = 2_000;

/// `n` new ids from a table's identity sequence.
async fn take_ids(conn: &mut PgConnection, table: &str, n: usize) -> Sql<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(&format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
    ))
    .bind(n as i64)
    .fetch_all(&mut *conn)
    .await
}

impl PostgresStore {
    /// The id of the source named like `source`, creating it when missing.
    async fn import_source(
        &self,
        tx: &mut PgConnection,
        source: &NewSource,
        cache: &mut HashMap<String, i64>,
        summary: &mut ImportSummary,
    ) -> Result<i64> {
        let key = name_key(&source.name);
        if let Some(id) = cache.get(&key) {
            return Ok(*id);
        }
        let existing = source_id_by_key(tx, &source.name)
            .await
            .map_err(|e| self.failed(e))?;
        let id = match existing {
            Some(id) => id,
            None => {
                summary.sources_created += 1;
                insert_source_in(tx, source)
                    .await
                    .map_err(|e| self.failed(e))?
            }
        };
        cache.insert(key, id);
        Ok(id)
    }

    /// Imports validated records in one transaction (see `Store::import`).
    pub async fn import(
        &self,
        records: &[ImportClaim],
        today: NaiveDate,
        mode: ImportMode,
        progress: &dyn Fn(usize),
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary {
            dry_run: mode.dry_run,
            ..ImportSummary::default()
        };
        let mut tx = self.begin().await?;
        // For this transaction only: the staged counts are summed at the
        // end over millions of rows (4 MB of work_mem spills them to disk),
        // and compiling those one-off statements (JIT) costs more than it saves.
        sqlx::query("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let importer = self.role.clone();
        let mut source_ids: HashMap<String, i64> = HashMap::new();
        let mut keyed = Vec::with_capacity(records.len());
        let mut seen: HashSet<String> = HashSet::new();
        for record in records {
            let speaker = self
                .import_source(&mut tx, &record.speaker, &mut source_ids, &mut summary)
                .await?;
            let outlet = match &record.reported_by {
                Some(source) => Some(
                    self.import_source(&mut tx, source, &mut source_ids, &mut summary)
                        .await?,
                ),
                None => None,
            };
            let mut others = Vec::with_capacity(record.other_speakers.len());
            for source in &record.other_speakers {
                let id = self
                    .import_source(&mut tx, source, &mut source_ids, &mut summary)
                    .await?;
                if id != speaker && !others.contains(&id) {
                    others.push(id);
                }
            }
            let print = fingerprint(speaker, &record.claim.text, record.claim.said_on);
            if seen.insert(repeat_key(record, &print)) {
                keyed.push(Keyed {
                    record,
                    speaker,
                    others,
                    outlet,
                    print,
                });
            } else {
                summary.duplicates += 1;
            }
        }
        let stored = stored_keys(&mut tx, &keyed)
            .await
            .map_err(|e| self.failed(e))?;
        let mut fresh = Vec::with_capacity(keyed.len());
        for (i, k) in keyed.into_iter().enumerate() {
            let Some(&id) = stored.get(&i) else {
                fresh.push(k);
                continue;
            };
            let existing = self.stored_claim(&mut tx, id).await?;
            let fields = k.fields();
            let differing = differing_fields(&existing, &fields, k.record);
            if differing.is_empty() {
                summary.unchanged += 1;
                continue;
            }
            summary.differing += 1;
            summary.differences.push(ImportDifference {
                claim_id: id,
                fields: differing,
            });
            if mode.update {
                self.locked_status(&mut tx, id).await?;
                let before = claim_state(&mut tx, id).await.map_err(|e| self.failed(e))?;
                let mut writes = Writes {
                    tx: &mut tx,
                    store: self,
                };
                update_claim_from(&mut writes, &existing, &fields, k.record, today).await?;
                index_claim(&mut tx, id).await.map_err(|e| self.failed(e))?;
                refresh_derived(&mut tx, id, before).await?;
                summary.updated += 1;
            }
        }
        let stamp = now();
        if !fresh.is_empty() {
            create_stage(&mut tx).await.map_err(|e| self.failed(e))?;
        }
        for (batch, chunk) in fresh.chunks(BATCH).enumerate() {
            progress(batch * BATCH);
            let (ids, written) = self
                .write_new(&mut tx, chunk, today, &stamp, &importer)
                .await?;
            derive_new(&mut tx, &ids, &written, CountsTo::Stage).await?;
            summary.new += chunk.len();
        }
        if !fresh.is_empty() {
            apply_staged(&mut tx).await.map_err(|e| self.failed(e))?;
        }
        progress(records.len());
        if mode.dry_run {
            tx.rollback().await.map_err(|e| self.failed(e))?;
        } else {
            self.commit(tx).await?;
            if summary.new > 0 {
                self.analyze().await;
            }
        }
        Ok(summary)
    }

    /// Refreshes the planner's statistics of the tables an import filled:
    /// until autovacuum comes by, a bulk load leaves plans made for empty
    /// tables (overdue took 68 ms instead of 15 after 100k claims). Best
    /// effort: a role that does not own the tables is skipped by the server.
    async fn analyze(&self) {
        let _ = sqlx::query(
            "ANALYZE sources, claims, deadlines, events, claim_tags, claim_speakers, \
             claim_search, deadline_facts, claim_days, due_days, source_counts, \
             claim_due_counts, record_delivered, record_undelivered, source_count_days, \
             claim_due_count_days, record_delivered_days, record_undelivered_days",
        )
        .execute(&self.pool)
        .await;
    }

    /// Writes new claims with their speakers, tags, deadlines (closed: the
    /// derived data come after), events and search rows. Returns their ids.
    async fn write_new(
        &self,
        tx: &mut PgConnection,
        chunk: &[Keyed<'_>],
        today: NaiveDate,
        stamp: &str,
        importer: &str,
    ) -> Result<(Vec<i64>, Written)> {
        let fail = |e| self.failed(e);
        let claim_ids = take_ids(tx, "claims", chunk.len()).await.map_err(fail)?;
        let deadline_count: usize = chunk.iter().map(|k| k.record.claim.deadlines.len()).sum();
        let mut deadline_ids = take_ids(tx, "deadlines", deadline_count)
            .await
            .map_err(fail)?
            .into_iter();
        // Each claim's deadline ids, and ids for the deadlines its events name
        // but it no longer has (removed: replays bring them back), then its
        // events: three draws from the sequences for the whole chunk.
        let mut plans = Vec::with_capacity(chunk.len());
        let mut gone_count = 0;
        for k in chunk {
            let r = k.record;
            let ids: Vec<i64> = deadline_ids
                .by_ref()
                .take(r.claim.deadlines.len())
                .collect();
            let ours: HashMap<i64, i64> = r
                .deadline_keys
                .iter()
                .zip(&ids)
                .filter_map(|((theirs, _), ours)| theirs.map(|t| (t, *ours)))
                .collect();
            let gone = gone_deadlines(r, &ours);
            gone_count += gone.len();
            plans.push((ids, ours, gone));
        }
        let mut spare = take_ids(tx, "deadlines", gone_count)
            .await
            .map_err(fail)?
            .into_iter();
        let mut events_of = Vec::with_capacity(chunk.len());
        for (k, (_, ours, gone)) in chunk.iter().zip(&mut plans) {
            ours.extend(gone.drain(..).zip(spare.by_ref()));
            events_of.push(imported_events(
                k.record,
                today,
                stamp,
                Some(importer),
                ours,
            ));
        }
        let event_count = events_of.iter().map(Vec::len).sum();
        let mut event_ids = take_ids(tx, "events", event_count)
            .await
            .map_err(fail)?
            .into_iter();
        let mut written = Written::default();
        let mut claims = Vec::with_capacity(chunk.len() * 18);
        let mut deadlines = Vec::new();
        let mut tags = Vec::new();
        let mut speakers = Vec::new();
        let mut search = Vec::new();
        let mut history = Vec::new();
        for ((k, &claim_id), ((ids, _, _), events)) in chunk
            .iter()
            .zip(&claim_ids)
            .zip(plans.into_iter().zip(events_of))
        {
            let r = k.record;
            let c = &r.claim;
            let numbers = deadline_numbers(&r.deadline_keys);
            // Written with their open flags and next due date, so that no
            // row is rewritten; the read-back below corrects any that differ.
            let derived = derive(&record_state(k, &ids, &events));
            let open: HashMap<i64, bool> = derived.open.iter().copied().collect();
            written.next_due.insert(claim_id, derived.next_due);
            for ((d, id), number) in c.deadlines.iter().zip(&ids).zip(&numbers) {
                let is_open = open.get(id).copied().unwrap_or(false);
                written.open.insert(*id, is_open);
                deadlines.extend([
                    PgValue::Int(*id),
                    PgValue::Int(claim_id),
                    PgValue::Text(iso(d.due)),
                    PgValue::Text(d.precision.as_str().into()),
                    PgValue::OptText(d.label.clone()),
                    PgValue::OptText(d.met_on.map(iso)),
                    PgValue::OptText(d.as_written.clone()),
                    PgValue::Int(*number),
                    PgValue::Text(is_open.to_string()),
                ]);
            }
            // Numbers of removed deadlines stay spent too.
            let given = numbers
                .iter()
                .copied()
                .chain(events.iter().filter_map(|e| e.deadline_number))
                .max()
                .unwrap_or(0);
            claims.extend([
                PgValue::Int(claim_id),
                PgValue::Text(
                    r.uid
                        .clone()
                        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                ),
                PgValue::Text(c.text.clone()),
                PgValue::Int(k.speaker),
                PgValue::OptInt(k.outlet),
                PgValue::OptText(c.quote.clone()),
                PgValue::OptText(c.lang.clone()),
                PgValue::OptText(c.url.clone()),
                PgValue::OptText(c.said_on.map(iso)),
                PgValue::Text(c.kind.as_str().into()),
                PgValue::Text(r.status.as_str().into()),
                PgValue::Text(stamp.to_string()),
                PgValue::Text(stamp.to_string()),
                PgValue::OptText(r.external_id.clone()),
                PgValue::Text(k.print.clone()),
                PgValue::OptInt(c.credibility.map(|c| i64::from(c.get()))),
                PgValue::Int(given),
                PgValue::OptText(derived.next_due.map(iso)),
            ]);
            let mut seen_tags = HashSet::new();
            for tag in &c.tags {
                if seen_tags.insert(tag) {
                    tags.extend([PgValue::Int(claim_id), PgValue::Text(tag.clone())]);
                }
            }
            for (i, source) in k.others.iter().enumerate() {
                speakers.extend([
                    PgValue::Int(claim_id),
                    PgValue::Int(i as i64 + 1),
                    PgValue::Int(*source),
                ]);
            }
            let row = record_row(r);
            search.extend([
                PgValue::Int(claim_id),
                PgValue::Text(words_and_stems(&row)),
                PgValue::Text(row.body),
            ]);
            let event_ids: Vec<i64> = event_ids.by_ref().take(events.len()).collect();
            for (e, id) in events.into_iter().zip(&event_ids) {
                history.extend([
                    PgValue::Int(*id),
                    PgValue::Int(claim_id),
                    PgValue::Text(e.event.as_str().into()),
                    PgValue::Text(iso(e.at)),
                    PgValue::OptText(e.from.map(|s| s.as_str().to_string())),
                    PgValue::Text(e.to.as_str().into()),
                    PgValue::OptText(e.note),
                    PgValue::OptText(e.evidence),
                    PgValue::OptInt(e.deadline_id),
                    PgValue::OptText(e.old_due.map(iso)),
                    PgValue::OptText(e.new_due.map(iso)),
                    PgValue::Text(e.recorded_at),
                    PgValue::OptText(e.by),
                    PgValue::OptText(e.field),
                    PgValue::OptText(e.old),
                    PgValue::OptText(e.new),
                    PgValue::OptInt(e.voids.map(|i| event_ids[i])),
                ]);
            }
        }
        let writes: [(&str, &[&str], &[PgValue]); 6] = [
            (
                "INSERT INTO claims (id, uid, text, speaker_id, reported_by_id, quote, lang, url, \
                 said_on, kind, status, created_at, updated_at, external_id, fingerprint, \
                 credibility, deadlines_given, next_due)",
                &[
                    "bigint",
                    "uuid",
                    "",
                    "bigint",
                    "bigint",
                    "",
                    "",
                    "",
                    "date",
                    "",
                    "",
                    "timestamptz",
                    "timestamptz",
                    "",
                    "",
                    "smallint",
                    "integer",
                    "date",
                ],
                &claims,
            ),
            (
                "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, as_written, \
                 number, open)",
                &[
                    "bigint", "bigint", "date", "", "", "date", "", "integer", "boolean",
                ],
                &deadlines,
            ),
            (
                "INSERT INTO claim_tags (claim_id, tag)",
                &["bigint", ""],
                &tags,
            ),
            (
                "INSERT INTO claim_speakers (claim_id, position, source_id)",
                &["bigint", "integer", "bigint"],
                &speakers,
            ),
            (
                "INSERT INTO claim_search (claim_id, words, body)",
                &["bigint", WORDS_VECTOR, ""],
                &search,
            ),
            (
                "INSERT INTO events (id, claim_id, event, at, from_status, to_status, note, \
                 evidence, deadline_id, old_due, new_due, recorded_at, \"by\", field, old_value, \
                 new_value, voids)",
                &[
                    "bigint",
                    "bigint",
                    "",
                    "date",
                    "",
                    "",
                    "",
                    "",
                    "bigint",
                    "date",
                    "date",
                    "timestamptz",
                    "",
                    "",
                    "",
                    "",
                    "bigint",
                ],
                &history,
            ),
        ];
        for (head, casts, values) in writes {
            if !values.is_empty() {
                insert_rows(tx, head, casts, values, "")
                    .await
                    .map_err(fail)?;
            }
        }
        Ok((claim_ids, written))
    }

    /// A stored claim as an import compares it.
    async fn stored_claim(&self, tx: &mut PgConnection, id: i64) -> Result<StoredClaim> {
        let fail = |e| self.failed(e);
        let fields = self.claim_fields_in(tx, id).await?;
        let status: String = sqlx::query_scalar("SELECT status FROM claims WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
        let status = word("status", &status, Status::from_word).map_err(fail)?;
        let mut deadlines = Vec::new();
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM ({DEADLINE_COLUMNS} WHERE claim_id = $1) d ORDER BY due, id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(fail)?;
        for deadline in ids {
            deadlines.push(self.locked_deadline(tx, deadline, false).await?);
        }
        let events = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.claim_id = $1 ORDER BY e.id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(fail)?
        .iter()
        .map(history_from_row)
        .collect::<Result<Vec<_>>>()?;
        Ok(StoredClaim {
            id,
            fields,
            status,
            deadlines,
            events,
        })
    }
}

/// Which records are already stored, by index: the id of the stored claim
/// their key names (uid first, then external id, then speaker, text and
/// date said).
async fn stored_keys(tx: &mut PgConnection, keyed: &[Keyed<'_>]) -> Sql<HashMap<usize, i64>> {
    let mut stored = HashMap::new();
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM claims LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    if any.is_none() {
        return Ok(stored);
    }
    let uids: Vec<String> = keyed.iter().filter_map(|k| k.record.uid.clone()).collect();
    let found: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT uid::text, id FROM claims WHERE uid = ANY($1::text[]::uuid[])",
    )
    .bind(&uids)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    for (i, k) in keyed.iter().enumerate() {
        if let Some(id) = k.record.uid.as_ref().and_then(|u| found.get(u)) {
            stored.insert(i, *id);
        }
    }
    let externals: Vec<String> = keyed
        .iter()
        .enumerate()
        .filter(|(i, _)| !stored.contains_key(i))
        .filter_map(|(_, k)| k.record.external_id.clone())
        .collect();
    let found: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT external_id, id FROM claims WHERE external_id = ANY($1)",
    )
    .bind(&externals)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let mut prints = Vec::new();
    for (i, k) in keyed.iter().enumerate() {
        if stored.contains_key(&i) {
            continue;
        }
        match &k.record.external_id {
            Some(x) => {
                if let Some(id) = found.get(x) {
                    stored.insert(i, *id);
                }
            }
            None => prints.push(k.print.clone()),
        }
    }
    type Printed = (i64, String, Option<NaiveDate>, i64);
    let found: HashMap<(i64, String, Option<NaiveDate>), i64> = sqlx::query_as::<_, Printed>(
        "SELECT speaker_id, text, said_on, id FROM claims WHERE fingerprint = ANY($1)",
    )
    .bind(&prints)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(speaker, text, said, id)| ((speaker, text, said), id))
    .collect();
    for (i, k) in keyed.iter().enumerate() {
        if stored.contains_key(&i) || k.record.external_id.is_some() {
            continue;
        }
        let c = &k.record.claim;
        if let Some(id) = found.get(&(k.speaker, c.text.clone(), c.said_on)) {
            stored.insert(i, *id);
        }
    }
    Ok(stored)
}

/// How an update writes on PostgreSQL (events by the connection's role).
struct Writes<'c, 's> {
    tx: &'c mut PgConnection,
    store: &'s PostgresStore,
}

impl Writes<'_, '_> {
    fn done(&self, result: Sql<sqlx::postgres::PgQueryResult>) -> Result<()> {
        result.map(drop).map_err(|e| self.store.failed(e))
    }
}

impl ClaimWrites for Writes<'_, '_> {
    async fn append(&mut self, claim_id: i64, event: &Event<'_>) -> Result<i64> {
        append_event(self.tx, claim_id, event)
            .await
            .map_err(|e| self.store.failed(e))
    }

    async fn write_fields(&mut self, claim_id: i64, fields: &ClaimFields) -> Result<()> {
        write_fields(self.tx, claim_id, fields)
            .await
            .map_err(|e| self.store.failed(e))
    }

    async fn set_status(&mut self, claim_id: i64, status: Status) -> Result<()> {
        let result = sqlx::query("UPDATE claims SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(claim_id)
            .execute(&mut *self.tx)
            .await;
        self.done(result)
    }

    async fn deadline(&mut self, id: i64) -> Result<Deadline> {
        self.store.locked_deadline(self.tx, id, false).await
    }

    async fn insert_deadline(&mut self, claim_id: i64, deadline: &NewDeadline) -> Result<i64> {
        super::claims::insert_deadline_in(self.tx, claim_id, deadline)
            .await
            .map_err(|e| self.store.failed(e))
    }

    async fn move_deadline(&mut self, id: i64, to: &NewDeadline) -> Result<()> {
        let result = sqlx::query(
            "UPDATE deadlines SET due = $1, precision = $2, as_written = $3 WHERE id = $4",
        )
        .bind(to.due)
        .bind(to.precision.as_str())
        .bind(&to.as_written)
        .bind(id)
        .execute(&mut *self.tx)
        .await;
        self.done(result)
    }

    async fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()> {
        let result = sqlx::query("UPDATE deadlines SET label = $1 WHERE id = $2")
            .bind(label)
            .bind(id)
            .execute(&mut *self.tx)
            .await;
        self.done(result)
    }

    async fn set_met_on(&mut self, id: i64, on: NaiveDate) -> Result<()> {
        let result = sqlx::query("UPDATE deadlines SET met_on = $1 WHERE id = $2")
            .bind(on)
            .bind(id)
            .execute(&mut *self.tx)
            .await;
        self.done(result)
    }

    async fn delete_deadline(&mut self, id: i64) -> Result<()> {
        let result = sqlx::query("DELETE FROM deadlines WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await;
        self.done(result)
    }
}
