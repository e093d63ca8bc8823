//! `claims import` and `claims export`.
//!
//! Import validates every record before it writes anything; the write is one
//! transaction. Export pages: it reads claims a page at a time, so memory
//! does not grow with the database. Reading files and writing formats
//! happen at the edge (`cli`, `render`).

use super::{resolve_source, Context, Output};
use crate::domain::model::Claim;
use crate::domain::validate::tags;
use crate::error::{Error, Result};
use crate::interchange::read::ReadRecord;
use crate::interchange::record::Record;
use crate::interchange::validate::validate;
use crate::store::{ClaimFilter, ImportClaim, ImportMode, Store};

/// Claims read per page when exporting.
const PAGE: i64 = 1000;

/// Validates every record read, then imports them all or none. Records that
/// do not validate are `InvalidRecords`, each problem with its location.
pub async fn import<S: Store>(
    ctx: &Context<S>,
    read: Vec<ReadRecord>,
    mode: ImportMode,
    progress: &dyn Fn(usize),
) -> Result<Output> {
    let mut problems = Vec::new();
    let mut records: Vec<ImportClaim> = Vec::with_capacity(read.len());
    for ReadRecord { location, record } in read {
        match record {
            Ok(record) => match validate(&record, ctx.as_of) {
                Ok(valid) => records.push(valid),
                Err(found) => {
                    problems.extend(found.into_iter().map(|p| format!("{location}: {p}")))
                }
            },
            Err(problem) => problems.push(format!("{location}: {problem}")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidRecords(problems));
    }
    let summary = ctx
        .store
        .import(&records, ctx.as_of, mode, progress)
        .await?;
    Ok(Output::Import(summary))
}

/// Which claims to export, as typed.
#[derive(Debug, Clone, Default)]
pub struct ExportClaims {
    pub status: Option<String>,
    /// Speaker or outlet: a source id or name.
    pub source: Option<String>,
    pub tag: Option<String>,
}

/// One page of an export.
pub enum ExportPage {
    /// Interchange records, sources and history in full.
    Records(Vec<Record>),
    /// Claims with their history, for formats built from claims.
    Claims(Vec<Claim>),
}

/// Pages through the claims to export, in id order.
pub struct Export<'a, S> {
    ctx: &'a Context<S>,
    filter: ClaimFilter,
    after: i64,
    whole_claims: bool,
    done: bool,
}

/// Starts an export; `whole_claims` asks for claims (calendars, ClaimReview)
/// instead of interchange records.
pub async fn export<'a, S: Store>(
    ctx: &'a Context<S>,
    input: &ExportClaims,
    whole_claims: bool,
) -> Result<Export<'a, S>> {
    let (status, overdue) = crate::app::claims::status_filter(input.status.as_deref())?;
    if overdue {
        return Err(Error::invalid(
            "status",
            input.status.as_deref().unwrap_or_default(),
            "an export takes a stored status; for the overdue claims use \
             `claims list --status overdue --format jsonl` (or csv)",
        ));
    }
    let mut filter = ClaimFilter {
        status,
        ..ClaimFilter::default()
    };
    if let Some(tag) = &input.tag {
        filter.tag = Some(tags(std::slice::from_ref(tag))?.remove(0));
    }
    if let Some(key) = &input.source {
        filter.source_id = Some(resolve_source(&ctx.store, "source", key).await?.id);
    }
    Ok(Export {
        ctx,
        filter,
        after: 0,
        whole_claims,
        done: false,
    })
}

impl<S: Store> Export<'_, S> {
    /// The next page, or `None` when every claim has been read.
    pub async fn next_page(&mut self) -> Result<Option<ExportPage>> {
        if self.done {
            return Ok(None);
        }
        let store = &self.ctx.store;
        let (page, last) = if self.whole_claims {
            let filter = ClaimFilter {
                after_id: Some(self.after),
                limit: Some(PAGE),
                ..self.filter.clone()
            };
            let mut claims = store.claims(&filter, self.ctx.as_of).await?;
            let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
            let mut histories = store.histories(&ids).await?;
            for claim in &mut claims {
                claim.history = Some(histories.remove(&claim.id).unwrap_or_default());
            }
            let last = claims.last().map(|c| c.id);
            (ExportPage::Claims(claims), last)
        } else {
            let records = store.export_page(&self.filter, self.after, PAGE).await?;
            let last = match records.last() {
                // Every exported record carries its id; without it paging
                // could not move on.
                Some(record) => Some(
                    record
                        .id
                        .ok_or_else(|| Error::Corrupt("an exported record has no id".into()))?,
                ),
                None => None,
            };
            (ExportPage::Records(records), last)
        };
        match last {
            Some(last) if last > self.after => {
                self.after = last;
                Ok(Some(page))
            }
            _ => {
                self.done = true;
                Ok(None)
            }
        }
    }
}
