//! Bulk import: one transaction, multi-row INSERTs, ids assigned here.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::counts::apply_tallies;
use super::days::{fill_marked, mark_from};
use super::derived::insert_facts;
use super::ids::{take_ids, Ids};
use super::rows::now;
use super::sources::insert_source_in;
use super::statement::{insert_many, placeholders, Value, IDS_PER_QUERY};
use super::update::{stored_claim, update_claim_from};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::keys::{fingerprint, name_key};
use crate::domain::model::Status;
use crate::domain::rules::{derive, tallies, TallyChanges};
use crate::store::differences::differing_fields;
use crate::store::importing::{
    deadline_numbers, gone_deadlines, imported_events, record_state, repeat_key, Keyed,
};
use crate::store::search::record_row;
use crate::store::{
    ImportClaim, ImportDifference, ImportMode, ImportSummary, NewSource, StoreResult as Result,
};

/// The id of the source named like `source`, creating it when missing.
pub(super) async fn import_source(
    tx: &mut SqliteConnection,
    source: &NewSource,
    cache: &mut HashMap<String, i64>,
    summary: &mut ImportSummary,
) -> Result<i64> {
    let key = name_key(&source.name);
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    let existing: Option<i64> = sqlx::query_scalar(super::sources::SOURCE_ID_BY_NAME)
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

/// Claims imported per multi-row INSERT batch.
pub(super) const IMPORT_BATCH: usize = 500;

/// Which records are already stored, by index: the id of the stored claim
/// their key names (uid first, then external id, then speaker, text and
/// date said).
pub(super) async fn stored_keys(
    tx: &mut SqliteConnection,
    keyed: &[Keyed<'_>],
) -> Result<HashMap<usize, i64>> {
    let mut stored = HashMap::new();
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM claims LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    if any.is_none() {
        return Ok(stored);
    }
    type Indexed<'k, 'r> = Vec<(usize, &'k Keyed<'r>)>;
    // A claim's uid identifies it first, whatever was edited since.
    let with_uid: Indexed = keyed
        .iter()
        .enumerate()
        .filter(|(_, k)| k.record.uid.is_some())
        .collect();
    for chunk in with_uid.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT uid, id FROM claims WHERE uid IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for (_, k) in chunk {
            query = query.bind(k.record.uid.as_deref());
        }
        let found: HashMap<String, i64> = query.fetch_all(&mut *tx).await?.into_iter().collect();
        for (i, k) in chunk {
            if let Some(id) = k.record.uid.as_ref().and_then(|u| found.get(u)) {
                stored.insert(*i, *id);
            }
        }
    }
    let (with_id, without): (Indexed, Indexed) = keyed
        .iter()
        .enumerate()
        .filter(|(i, _)| !stored.contains_key(i))
        .partition(|(_, k)| k.record.external_id.is_some());
    for chunk in with_id.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT external_id, id FROM claims WHERE external_id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for (_, k) in chunk {
            query = query.bind(k.record.external_id.as_deref());
        }
        let found: HashMap<String, i64> = query.fetch_all(&mut *tx).await?.into_iter().collect();
        for (i, k) in chunk {
            if let Some(id) = k.record.external_id.as_ref().and_then(|x| found.get(x)) {
                stored.insert(*i, *id);
            }
        }
    }
    for chunk in without.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT speaker_id, text, said_on, id FROM claims WHERE fingerprint IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String, Option<String>, i64)>(&sql);
        for (_, k) in chunk {
            query = query.bind(&k.print);
        }
        let found: HashMap<(i64, String, Option<String>), i64> = query
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(speaker, text, said, id)| ((speaker, text, said), id))
            .collect();
        for (i, k) in chunk {
            let c = &k.record.claim;
            if let Some(id) = found.get(&(k.speaker, c.text.clone(), c.said_on.map(iso))) {
                stored.insert(*i, *id);
            }
        }
    }
    Ok(stored)
}

impl SqliteStore {
    /// Imports validated records in one transaction: sources are found by
    /// name or created; a record whose key is already stored, or repeats an
    /// earlier record, is counted and skipped. A dry run rolls back.
    ///
    /// Rows are written with multi-row INSERTs and ids assigned here (the
    /// transaction holds the write lock), since each statement costs far more
    /// than each row.
    pub(super) async fn import(
        &self,
        records: &[ImportClaim],
        today: NaiveDate,
        mode: ImportMode,
        progress: &dyn Fn(usize),
    ) -> Result<ImportSummary> {
        let dry_run = mode.dry_run;
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
            let mut others = Vec::with_capacity(record.other_speakers.len());
            for source in &record.other_speakers {
                let id = import_source(&mut tx, source, &mut source_ids, &mut summary).await?;
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
        let stored = stored_keys(&mut tx, &keyed).await?;
        let mut fresh = Vec::with_capacity(keyed.len());
        for (i, k) in keyed.into_iter().enumerate() {
            let Some(&id) = stored.get(&i) else {
                fresh.push(k);
                continue;
            };
            let existing = stored_claim(&mut tx, id).await?;
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
                update_claim_from(&mut tx, self.by(), &existing, &fields, k.record, today).await?;
                summary.updated += 1;
            }
        }
        // Ids from the counters, taken in one step for the whole import.
        let deadline_count: usize = fresh.iter().map(|k| k.record.claim.deadlines.len()).sum();
        let mut claim_id = take_ids(&mut tx, Ids::Claims, fresh.len() as i64).await?;
        let mut deadline_id = take_ids(&mut tx, Ids::Deadlines, deadline_count as i64).await?;
        let mut event_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM events")
            .fetch_one(&mut *tx)
            .await?;
        let stamp = now();
        let first_fresh = claim_id;
        let mut counts = TallyChanges::default();
        for (batch, chunk) in fresh.chunks(IMPORT_BATCH).enumerate() {
            progress(batch * IMPORT_BATCH);
            let mut claims = Vec::with_capacity(chunk.len() * 18);
            let mut deadlines = Vec::new();
            let mut tags = Vec::new();
            let mut speakers = Vec::new();
            let mut search = Vec::new();
            let mut history: Vec<Value> = Vec::new();
            let mut facts = Vec::new();
            for k in chunk {
                let r = k.record;
                let c = &r.claim;
                let ids: Vec<i64> = (0..c.deadlines.len() as i64)
                    .map(|i| deadline_id + i)
                    .collect();
                deadline_id += c.deadlines.len() as i64;
                let numbers = deadline_numbers(&r.deadline_keys);
                // The record's deadline ids, as its events name them, to ours;
                // a deadline its events name but it no longer has (removed)
                // gets an id too, so that replays can bring it back.
                let mut deadline_ids: HashMap<i64, i64> = r
                    .deadline_keys
                    .iter()
                    .zip(&ids)
                    .filter_map(|((theirs, _), ours)| theirs.map(|t| (t, *ours)))
                    .collect();
                let gone = gone_deadlines(r, &deadline_ids);
                if !gone.is_empty() {
                    let first = take_ids(&mut tx, Ids::Deadlines, gone.len() as i64).await?;
                    for (i, theirs) in gone.iter().enumerate() {
                        deadline_ids.insert(*theirs, first + i as i64);
                    }
                }
                let events = imported_events(r, today, &stamp, self.by(), &deadline_ids);
                let state = record_state(k, &ids, &events);
                let derived = derive(&state);
                counts.add(tallies(&state, &derived), 1);
                for ((d, (id, open)), number) in c.deadlines.iter().zip(&derived.open).zip(&numbers)
                {
                    deadlines.extend([
                        Value::Int(*id),
                        Value::Int(claim_id),
                        Value::Owned(iso(d.due)),
                        Value::Text(d.precision.as_str()),
                        Value::opt(d.label.as_deref()),
                        Value::OptOwned(d.met_on.map(iso)),
                        Value::Int(i64::from(*open)),
                        Value::opt(d.as_written.as_deref()),
                        Value::Int(*number),
                    ]);
                }
                // Numbers of removed deadlines stay spent too.
                let given = numbers
                    .iter()
                    .copied()
                    .chain(events.iter().filter_map(|e| e.deadline_number))
                    .max()
                    .unwrap_or(0);
                let next_due = derived.next_due;
                facts.extend(derived.facts);
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
                    Value::Int(given),
                    Value::Owned(
                        r.uid
                            .clone()
                            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                    ),
                ]);
                for tag in &c.tags {
                    tags.extend([Value::Int(claim_id), Value::Text(tag)]);
                }
                for (i, source) in k.others.iter().enumerate() {
                    speakers.extend([
                        Value::Int(claim_id),
                        Value::Int(i as i64 + 1),
                        Value::Int(*source),
                    ]);
                }
                let row = record_row(r);
                search.extend([
                    Value::Int(claim_id),
                    Value::Owned(row.body),
                    Value::Owned(row.stems),
                ]);
                let first_event = event_id;
                for e in events {
                    history.extend([
                        Value::Int(event_id),
                        Value::Int(claim_id),
                        Value::Text(e.event.as_str()),
                        Value::Owned(iso(e.at)),
                        Value::opt(e.from.map(Status::as_str)),
                        Value::Text(e.to.as_str()),
                        Value::OptOwned(e.note),
                        Value::OptOwned(e.evidence),
                        Value::OptInt(e.deadline_id),
                        Value::OptOwned(e.old_due.map(iso)),
                        Value::OptOwned(e.new_due.map(iso)),
                        Value::Owned(e.recorded_at),
                        Value::OptOwned(e.by),
                        Value::OptOwned(e.field),
                        Value::OptOwned(e.old),
                        Value::OptOwned(e.new),
                        Value::OptInt(e.voids.map(|i| first_event + i as i64)),
                    ]);
                    event_id += 1;
                }
                claim_id += 1;
            }
            insert_many(
                &mut tx,
                "INSERT INTO claims (id, text, speaker_id, reported_by_id, quote, lang, url, said_on, \
                 kind, status, created_at, updated_at, external_id, fingerprint, next_due, \
                 credibility, deadlines_given, uid)",
                18,
                &claims, "")
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO deadlines (id, claim_id, due, precision, label, met_on, open, as_written, \
                 number)",
                9,
                &deadlines,
                "",
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO claim_tags (claim_id, tag)",
                2,
                &tags,
                "",
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO claim_search (rowid, body, stems)",
                3,
                &search,
                "",
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO claim_speakers (claim_id, position, source_id)",
                3,
                &speakers,
                "",
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO events (id, claim_id, event, at, from_status, to_status, note, \
                 evidence, deadline_id, old_due, new_due, recorded_at, by, field, old_value, \
                 new_value, voids)",
                17,
                &history,
                "",
            )
            .await?;
            insert_facts(&mut tx, &facts).await?;
            summary.new += chunk.len();
        }
        apply_tallies(&mut tx, &counts).await?;
        // The day tables, computed from the claims as written.
        if !fresh.is_empty() {
            mark_from(&mut tx, first_fresh).await?;
            fill_marked(&mut tx).await?;
        }
        progress(records.len());
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }
}
