//! `claims upcoming`, `overdue` and `report`: what needs attention as of a date.

use chrono::NaiveDate;

use super::{summaries, Context, Counts, Output, Report};
use crate::dates;
use crate::db::ClaimFilter;
use crate::error::{Error, Result};
use crate::model::Claim;

pub async fn upcoming(ctx: &Context, within: &str, limit: Option<u32>) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Claims {
        claims: upcoming_claims(ctx, until, limit).await?,
        window: Some((ctx.as_of, until)),
    })
}

pub async fn overdue(ctx: &Context, limit: Option<u32>) -> Result<Output> {
    Ok(Output::Claims {
        claims: overdue_claims(ctx, limit).await?,
        window: None,
    })
}

pub async fn report(ctx: &Context, within: &str) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Report(Box::new(build(ctx, until).await?)))
}

pub async fn build(ctx: &Context, upcoming_until: NaiveDate) -> Result<Report> {
    let overdue = overdue_claims(ctx, None).await?;
    let upcoming = upcoming_claims(ctx, upcoming_until, None).await?;
    let no_deadline = ctx
        .store
        .claims(
            &ClaimFilter {
                no_open_deadline: true,
                ..ClaimFilter::default()
            },
            ctx.as_of,
        )
        .await?;
    let records = ctx.store.records(ctx.as_of).await?;
    let mut counts = Counts::default();
    for (record, _) in records.values() {
        counts.total += record.claims;
        counts.pending += record.pending - record.overdue;
        counts.overdue += record.overdue;
        counts.fulfilled += record.fulfilled;
        counts.partial += record.partial;
        counts.failed += record.failed;
        counts.retracted += record.retracted;
        counts.unverifiable += record.unverifiable;
    }
    let sources = summaries(ctx.store.sources().await?, &records);
    Ok(Report {
        as_of: ctx.as_of,
        upcoming_until,
        counts,
        overdue,
        upcoming,
        no_deadline,
        sources,
    })
}

/// Most overdue first: the store orders by the oldest open deadline.
async fn overdue_claims(ctx: &Context, limit: Option<u32>) -> Result<Vec<Claim>> {
    let filter = ClaimFilter {
        overdue: true,
        limit: limit.map(i64::from),
        ..ClaimFilter::default()
    };
    ctx.store.claims(&filter, ctx.as_of).await
}

/// Soonest first, by the first open deadline inside the window.
async fn upcoming_claims(
    ctx: &Context,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    let ids = ctx.store.upcoming_ids(ctx.as_of, until, limit).await?;
    let mut claims = ctx.store.claims_by_ids(&ids, ctx.as_of).await?;
    let position: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    claims.sort_by_key(|c| position[&c.id]);
    Ok(claims)
}

fn span_end(within: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::span_end(within, as_of).map_err(|reason| Error::invalid("--within", within, reason))
}
