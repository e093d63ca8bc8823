//! `claims upcoming`, `overdue` and `report`: what needs attention as of a date.

use chrono::NaiveDate;

use super::{summaries, Context, Counts, Output, Report};
use crate::domain::dates;
use crate::domain::model::Claim;
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, Store};

pub async fn upcoming<S: Store>(
    ctx: &Context<S>,
    within: &str,
    limit: Option<u32>,
) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Claims {
        claims: upcoming_claims(ctx, until, limit).await?,
        window: Some((ctx.as_of, until)),
        highlight: Vec::new(),
    })
}

pub async fn overdue<S: Store>(ctx: &Context<S>, limit: Option<u32>) -> Result<Output> {
    Ok(Output::Claims {
        claims: overdue_claims(ctx, limit).await?,
        window: None,
        highlight: Vec::new(),
    })
}

pub async fn report<S: Store>(
    ctx: &Context<S>,
    within: &str,
    limit: u32,
    sources: usize,
) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Report(Box::new(
        build(ctx, until, limit, sources).await?,
    )))
}

/// The report: complete counts, the first `limit` claims of each section,
/// and the `sources` busiest sources (all when 0).
pub async fn build<S: Store>(
    ctx: &Context<S>,
    upcoming_until: NaiveDate,
    limit: u32,
    sources: usize,
) -> Result<Report> {
    let mut overdue = overdue_claims(ctx, Some(limit)).await?;
    let mut upcoming = upcoming_claims(ctx, upcoming_until, Some(limit)).await?;
    let mut no_deadline = ctx
        .store
        .claims(
            &ClaimFilter {
                no_open_deadline: true,
                limit: Some(i64::from(limit)),
                ..ClaimFilter::default()
            },
            ctx.as_of,
        )
        .await?;
    // The report shows each claim's evidence and deadline moves.
    let ids: Vec<i64> = [&overdue, &upcoming, &no_deadline]
        .iter()
        .flat_map(|claims| claims.iter().map(|c| c.id))
        .collect();
    let mut histories = ctx.store.histories(&ids).await?;
    for claim in overdue
        .iter_mut()
        .chain(upcoming.iter_mut())
        .chain(no_deadline.iter_mut())
    {
        claim.history = Some(histories.remove(&claim.id).unwrap_or_default());
    }
    let totals = ctx.store.deadline_counts(ctx.as_of, upcoming_until).await?;
    // Counts for every source are cheap; full records only for the shown ones.
    let counted = ctx.store.claim_counts().await?;
    let mut all_sources = summaries(ctx.store.sources().await?, &counted);
    // Busiest first; ties by name, as listed.
    all_sources.sort_by_key(|s| std::cmp::Reverse(s.record.claims + s.reported.claims));
    if sources > 0 {
        all_sources.truncate(sources);
    }
    let shown: Vec<i64> = all_sources.iter().map(|s| s.source.id).collect();
    let records = ctx.store.track_records(ctx.as_of, Some(&shown)).await?;
    let all_sources: Vec<_> = all_sources
        .into_iter()
        .map(|s| summaries(vec![s.source], &records).remove(0))
        .collect();
    let mut counts = Counts::default();
    for (record, _) in counted.values() {
        counts.total += record.claims;
        counts.pending += record.pending;
        counts.fulfilled += record.fulfilled;
        counts.partial += record.partial;
        counts.failed += record.failed;
        counts.retracted += record.retracted;
        counts.unverifiable += record.unverifiable;
    }
    counts.overdue = totals.overdue;
    counts.pending -= counts.overdue;
    let no_deadline_count = counts.pending + counts.overdue - totals.with_open_deadline;
    Ok(Report {
        as_of: ctx.as_of,
        upcoming_until,
        upcoming_count: totals.upcoming,
        no_deadline_count,
        sources: all_sources,
        counts,
        overdue,
        upcoming,
        no_deadline,
    })
}

/// Most overdue first: the store orders by the oldest open deadline.
async fn overdue_claims<S: Store>(ctx: &Context<S>, limit: Option<u32>) -> Result<Vec<Claim>> {
    let filter = ClaimFilter {
        overdue: true,
        limit: limit.map(i64::from),
        ..ClaimFilter::default()
    };
    Ok(ctx.store.claims(&filter, ctx.as_of).await?)
}

/// Soonest first, by the first open deadline inside the window.
async fn upcoming_claims<S: Store>(
    ctx: &Context<S>,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    Ok(ctx.store.upcoming(ctx.as_of, until, limit).await?)
}

fn span_end(within: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::span_end(within, as_of).map_err(|reason| Error::invalid("within", within, reason))
}
