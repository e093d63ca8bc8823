//! Sources: add, list, show, edit, remove.

use super::replay::{self, Replay};
use super::{
    change_day, resolve_any_source, resolve_source, summaries, Context, Output, SourceDetail,
};
use crate::domain::model::EventKind;
use crate::domain::model::{grade_list, Reliability, Source, SourceKind};
use crate::domain::validate::{optional_text, optional_url, required_text};
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, NewSource, Store};

/// A source's fields as typed: `None` keeps (or, on add, omits) a field;
/// an empty value clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct SourceFields {
    pub kind: Option<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    /// A reliability grade, A to F.
    pub reliability: Option<String>,
}

/// A reliability grade A to F; empty means none.
fn reliability(value: Option<&str>) -> Result<Option<Reliability>> {
    optional_text(value)
        .map(|r| Reliability::parse("reliability", &r))
        .transpose()
}

pub async fn add<S: Store>(ctx: &Context<S>, name: &str, fields: &SourceFields) -> Result<Output> {
    let source = NewSource {
        name: required_text("name", name)?,
        kind: match &fields.kind {
            Some(kind) => SourceKind::parse(kind)?,
            None => SourceKind::Other,
        },
        role: optional_text(fields.role.as_deref()),
        affiliation: optional_text(fields.affiliation.as_deref()),
        url: optional_url("url", fields.url.as_deref())?,
        notes: optional_text(fields.notes.as_deref()),
        reliability: reliability(fields.reliability.as_deref())?,
    };
    let created = ctx.store.insert_source(&source).await?;
    detail(ctx, created).await
}

/// Every source with its records; only those graded `reliability` (a
/// comma-separated list of grades) when given. `record` asks tables for the
/// track-record view.
pub async fn list<S: Store>(
    ctx: &Context<S>,
    reliability: Option<&str>,
    record: bool,
) -> Result<Output> {
    let mut sources = ctx.store.sources().await?;
    sources.retain(|s| s.stands_on(ctx.as_of));
    let adjust = replay::adjustments(ctx).await?;
    let records = match reliability {
        Some(grades) => {
            let grades = grade_list("reliability", grades, Reliability::parse)?;
            sources.retain(|s| s.reliability.is_some_and(|r| grades.contains(&r)));
            let ids: Vec<i64> = sources.iter().map(|s| s.id).collect();
            ctx.store
                .track_records(ctx.as_of, Some(&ids), &adjust)
                .await?
        }
        None => ctx.store.track_records(ctx.as_of, None, &adjust).await?,
    };
    Ok(Output::Sources {
        sources: summaries(sources, &records),
        record,
    })
}

/// Gives the source `key` names another name (`شفق نيوز` for Shafaq News):
/// both find it from then on.
pub async fn alias<S: Store>(ctx: &Context<S>, key: &str, name: &str) -> Result<Output> {
    let source = resolve_source(&ctx.store, "source", key).await?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", name, "is empty"));
    }
    ctx.store.add_alias(source.id, name).await?;
    detail(ctx, source).await
}

/// Moves every claim of source `from` (as speaker or outlet) to `into`, an
/// `edited` event each dated `on` (else the as-of date); `from`'s names find
/// `into` from then on. Returns `into` as it stands.
pub async fn merge<S: Store>(
    ctx: &Context<S>,
    from: &str,
    into: &str,
    on: Option<&str>,
) -> Result<Output> {
    let from = resolve_source(&ctx.store, "from", from).await?;
    let into = resolve_source(&ctx.store, "into", into).await?;
    if from.id == into.id {
        return Err(Error::invalid(
            "into",
            &into.name,
            format!("is the source being merged (id {})", from.id),
        ));
    }
    let filter = ClaimFilter {
        source_id: Some(from.id),
        ..ClaimFilter::default()
    };
    let mut day = None;
    for claim in ctx.store.claims(&filter, ctx.as_of).await? {
        // Dated like an edit of the claim's speakers and outlet, in order.
        let moved = |e: &crate::domain::model::HistoryEntry| {
            e.event == EventKind::Edited
                && matches!(e.field.as_deref(), Some("speakers" | "reported_by"))
        };
        day = Some(change_day(ctx, claim.id, "on", on, moved).await?);
    }
    let day = match day {
        Some(day) => day,
        None => crate::domain::validate::event_day("on", on, None, ctx.as_of)?,
    };
    ctx.store.merge_source(from.id, into.id, day).await?;
    detail(ctx, ctx.store.source(into.id).await?).await
}

pub async fn show<S: Store>(ctx: &Context<S>, key: &str) -> Result<Output> {
    let source = resolve_any_source(&ctx.store, "source", key).await?;
    detail(ctx, source).await
}

/// Applies the fields given, and the new name when given.
pub async fn edit<S: Store>(
    ctx: &Context<S>,
    key: &str,
    name: Option<&str>,
    fields: &SourceFields,
) -> Result<Output> {
    let source = resolve_source(&ctx.store, "source", key).await?;
    let keep_or_clear = |new: &Option<String>, old: Option<String>| match new {
        Some(value) => optional_text(Some(value)),
        None => old,
    };
    let updated = NewSource {
        name: match name {
            Some(name) => required_text("name", name)?,
            None => source.name,
        },
        kind: match &fields.kind {
            Some(kind) => SourceKind::parse(kind)?,
            None => source.kind,
        },
        role: keep_or_clear(&fields.role, source.role),
        affiliation: keep_or_clear(&fields.affiliation, source.affiliation),
        url: match &fields.url {
            Some(url) => optional_url("url", Some(url))?,
            None => source.url,
        },
        notes: keep_or_clear(&fields.notes, source.notes),
        reliability: match &fields.reliability {
            Some(r) => reliability(Some(r))?,
            None => source.reliability,
        },
    };
    let saved = ctx.store.update_source(source.id, &updated).await?;
    detail(ctx, saved).await
}

pub async fn remove<S: Store>(ctx: &Context<S>, key: &str) -> Result<Output> {
    let source = resolve_source(&ctx.store, "source", key).await?;
    ctx.store.delete_source(source.id).await?;
    Ok(Output::Removed {
        what: "source",
        id: source.id,
        reference: None,
    })
}

async fn detail<S: Store>(ctx: &Context<S>, source: Source) -> Result<Output> {
    let filter = ClaimFilter {
        source_id: Some(source.id),
        ..ClaimFilter::default()
    };
    // One replay serves the claims and the record.
    let view = Replay::of(ctx, None).await?;
    let (claims_made, claims_reported) = replay::claims_in(ctx, view.as_ref(), &filter)
        .await?
        .into_iter()
        .partition(|c| c.speakers.iter().any(|s| s.id == source.id));
    let adjust = view.map(|r| r.adjust).unwrap_or_default();
    let records = ctx
        .store
        .track_records(ctx.as_of, Some(&[source.id]), &adjust)
        .await?;
    let aliases = ctx
        .store
        .aliases()
        .await?
        .into_iter()
        .filter(|(id, _)| *id == source.id)
        .map(|(_, name)| name)
        .collect();
    let merged_into = match source.merged {
        Some(merged) => Some(ctx.store.source(merged.into).await?.name),
        None => None,
    };
    let summary = summaries(vec![source], &records).remove(0);
    Ok(Output::Source(Box::new(SourceDetail {
        summary,
        aliases,
        merged_into,
        claims_made,
        claims_reported,
    })))
}
