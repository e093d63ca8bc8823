//! Bulk import: one transaction, multi-row INSERTs, ids assigned here.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::derived::{apply_tallies, insert_facts};
use super::ids::{take_ids, Ids};
use super::rows::now;
use super::search::search_body;
use super::sources::insert_source_in;
use super::statement::{insert_many, placeholders, Value, IDS_PER_QUERY};
use super::SqliteStore;
use crate::domain::dates::iso;
use crate::domain::keys::{fingerprint, name_key};
use crate::domain::model::Status;
use crate::domain::rules::{
    derive, history_facts, tallies, ClaimState, DeadlineState, HistoryEvent, TallyChanges,
};
use crate::store::{ImportClaim, ImportSummary, NewSource, StoreResult as Result};

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

/// Claims imported per multi-row INSERT batch.
pub(super) const IMPORT_BATCH: usize = 500;

/// An import record with its sources resolved and its fingerprint.
pub(super) struct Keyed<'a> {
    record: &'a ImportClaim,
    speaker: i64,
    outlet: Option<i64>,
    print: String,
}

/// Which records are already stored, by index: `true` when the stored claim
/// has the same content (fingerprint), `false` when it differs.
pub(super) async fn stored_keys(
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
    // A claim's uid identifies it first, whatever was edited since.
    let with_uid: Indexed = keyed
        .iter()
        .enumerate()
        .filter(|(_, k)| k.record.uid.is_some())
        .collect();
    for chunk in with_uid.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT uid, fingerprint FROM claims WHERE uid IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, Option<String>)>(&sql);
        for (_, k) in chunk {
            query = query.bind(k.record.uid.as_deref());
        }
        let found: HashMap<String, Option<String>> =
            query.fetch_all(&mut *tx).await?.into_iter().collect();
        for (i, k) in chunk {
            if let Some(print) = k.record.uid.as_ref().and_then(|u| found.get(u)) {
                stored.insert(*i, print.as_deref() == Some(k.print.as_str()));
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
            let key = match (&record.uid, &record.external_id) {
                (Some(uid), _) => format!("u:{uid}"),
                (None, Some(external)) => format!("x:{external}"),
                (None, None) => format!("f:{print}"),
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
        // Ids from the counters, taken in one step for the whole import.
        let deadline_count: usize = fresh.iter().map(|k| k.record.claim.deadlines.len()).sum();
        let mut claim_id = take_ids(&mut tx, Ids::Claims, fresh.len() as i64).await?;
        let mut deadline_id = take_ids(&mut tx, Ids::Deadlines, deadline_count as i64).await?;
        let stamp = now();
        let today_text = iso(today);
        let mut counts = TallyChanges::default();
        for (batch, chunk) in fresh.chunks(IMPORT_BATCH).enumerate() {
            progress(batch * IMPORT_BATCH);
            let mut claims = Vec::with_capacity(chunk.len() * 16);
            let mut deadlines = Vec::new();
            let mut tags = Vec::new();
            let mut search = Vec::new();
            let mut history = Vec::new();
            let mut facts = Vec::new();
            for k in chunk {
                let r = k.record;
                let c = &r.claim;
                let pending = r.status == Status::Pending;
                let ids: Vec<i64> = (0..c.deadlines.len() as i64)
                    .map(|i| deadline_id + i)
                    .collect();
                // The rules read the history as it is written below.
                let events: Vec<HistoryEvent> = if r.history.is_empty() {
                    let status = HistoryEvent {
                        event: "status",
                        deadline_id: None,
                        old_due: None,
                        to: r.status,
                        on: today,
                    };
                    (!pending).then_some(status).into_iter().collect()
                } else {
                    r.history
                        .iter()
                        .map(|h| HistoryEvent {
                            event: &h.event,
                            deadline_id: h.deadline_index.map(|i| ids[i]),
                            old_due: h.old_due,
                            to: h.to,
                            on: h.at,
                        })
                        .collect()
                };
                let (first_due, fulfilled_on) = history_facts(events);
                let state = ClaimState {
                    status: r.status,
                    speaker_id: k.speaker,
                    outlet_id: k.outlet,
                    deadlines: c
                        .deadlines
                        .iter()
                        .zip(&ids)
                        .map(|(d, id)| DeadlineState {
                            id: *id,
                            due: d.due,
                            met_on: d.met_on,
                            first_due: first_due.get(id).copied(),
                        })
                        .collect(),
                    fulfilled_on,
                };
                let derived = derive(&state);
                counts.add(tallies(&state, &derived), 1);
                for (number, (d, (_, open))) in c.deadlines.iter().zip(&derived.open).enumerate() {
                    deadlines.extend([
                        Value::Int(deadline_id),
                        Value::Int(claim_id),
                        Value::Owned(iso(d.due)),
                        Value::Text(d.precision.as_str()),
                        Value::opt(d.label.as_deref()),
                        Value::OptOwned(d.met_on.map(iso)),
                        Value::Int(i64::from(*open)),
                        Value::opt(d.as_written.as_deref()),
                        Value::Int(number as i64 + 1),
                    ]);
                    deadline_id += 1;
                }
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
                    Value::Int(c.deadlines.len() as i64),
                    Value::Owned(
                        r.uid
                            .clone()
                            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                    ),
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
                            Value::Text(&today_text),
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
                "INSERT INTO claim_search (rowid, body)",
                2,
                &search,
                "",
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO status_history (claim_id, event, at, from_status, to_status, note, \
                 evidence, deadline_id, old_due, new_due, recorded_at)",
                11,
                &history,
                "",
            )
            .await?;
            insert_facts(&mut tx, &facts).await?;
            summary.new += chunk.len();
        }
        apply_tallies(&mut tx, &counts).await?;
        progress(records.len());
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }
}
