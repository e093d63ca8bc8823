//! `claims source ...`

use super::{
    optional_text, optional_url, required_text, resolve_source, summaries, Context, Output,
    SourceDetail,
};
use crate::cli::SourceFields;
use crate::db::{ClaimFilter, NewSource};
use crate::error::Result;
use crate::model::{Source, SourceKind};

pub async fn add(ctx: &Context, name: &str, fields: &SourceFields) -> Result<Output> {
    let source = NewSource {
        name: required_text("source name", name)?,
        kind: match &fields.kind {
            Some(kind) => SourceKind::parse(kind)?,
            None => SourceKind::Other,
        },
        role: optional_text(fields.role.as_deref()),
        affiliation: optional_text(fields.affiliation.as_deref()),
        url: optional_url("--url", fields.url.as_deref())?,
        notes: optional_text(fields.notes.as_deref()),
    };
    let created = ctx.store.insert_source(&source).await?;
    detail(ctx, created).await
}

pub async fn list(ctx: &Context) -> Result<Output> {
    let sources = ctx.store.sources().await?;
    let records = ctx.store.records(ctx.as_of, None).await?;
    Ok(Output::Sources(summaries(sources, &records)))
}

pub async fn show(ctx: &Context, key: &str) -> Result<Output> {
    let source = resolve_source(&ctx.store, "source", key).await?;
    detail(ctx, source).await
}

/// Applies the fields given; an empty value clears an optional field.
pub async fn edit(
    ctx: &Context,
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
            Some(name) => required_text("--name", name)?,
            None => source.name,
        },
        kind: match &fields.kind {
            Some(kind) => SourceKind::parse(kind)?,
            None => source.kind,
        },
        role: keep_or_clear(&fields.role, source.role),
        affiliation: keep_or_clear(&fields.affiliation, source.affiliation),
        url: match &fields.url {
            Some(url) => optional_url("--url", Some(url))?,
            None => source.url,
        },
        notes: keep_or_clear(&fields.notes, source.notes),
    };
    let saved = ctx.store.update_source(source.id, &updated).await?;
    detail(ctx, saved).await
}

pub async fn remove(ctx: &Context, key: &str) -> Result<Output> {
    let source = resolve_source(&ctx.store, "source", key).await?;
    ctx.store.delete_source(&source).await?;
    Ok(Output::Removed {
        what: "source",
        id: source.id,
    })
}

async fn detail(ctx: &Context, source: Source) -> Result<Output> {
    let filter = ClaimFilter {
        source_id: Some(source.id),
        ..ClaimFilter::default()
    };
    let (claims_made, claims_reported) = ctx
        .store
        .claims(&filter, ctx.as_of)
        .await?
        .into_iter()
        .partition(|c| c.source.id == source.id);
    let records = ctx.store.records(ctx.as_of, Some(&[source.id])).await?;
    let summary = summaries(vec![source], &records).remove(0);
    Ok(Output::Source(Box::new(SourceDetail {
        summary,
        claims_made,
        claims_reported,
    })))
}
