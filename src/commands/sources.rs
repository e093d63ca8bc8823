//! `claims source ...`

use super::{
    optional_text, optional_url, required_text, resolve_source, summaries, Context, Output,
    SourceDetail,
};
use crate::cli::{SourceFields, SourceListArgs};
use crate::db::{ClaimFilter, NewSource};
use crate::error::Result;
use crate::model::{grade_list, Reliability, Source, SourceKind};

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
        reliability: fields
            .reliability
            .as_deref()
            .and_then(|r| optional_text(Some(r)))
            .map(|r| Reliability::parse("--reliability", &r))
            .transpose()?,
    };
    let created = ctx.store.insert_source(&source).await?;
    detail(ctx, created).await
}

pub async fn list(ctx: &Context, args: &SourceListArgs) -> Result<Output> {
    let mut sources = ctx.store.sources().await?;
    if let Some(grades) = &args.reliability {
        let grades = grade_list("--reliability", grades, Reliability::parse)?;
        sources.retain(|s| s.reliability.is_some_and(|r| grades.contains(&r)));
    }
    let ids: Vec<i64> = sources.iter().map(|s| s.id).collect();
    let records = if args.reliability.is_some() {
        ctx.store.records(ctx.as_of, Some(&ids)).await?
    } else {
        ctx.store.records(ctx.as_of, None).await?
    };
    Ok(Output::Sources {
        sources: summaries(sources, &records),
        record: args.record,
    })
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
        reliability: match &fields.reliability {
            Some(r) => optional_text(Some(r))
                .map(|r| Reliability::parse("--reliability", &r))
                .transpose()?,
            None => source.reliability,
        },
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
