//! `claims upcoming`, `overdue` and `report`: what needs attention as of a date.

use chrono::NaiveDate;

use super::replay::{self, claims_in, upcoming_in, Replay};
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
    let replay = Replay::of(ctx, None).await?;
    let view = replay.as_ref();
    let mut overdue = claims_in(ctx, view, &overdue_filter(Some(limit))).await?;
    let mut upcoming = upcoming_in(ctx, view, upcoming_until, Some(limit)).await?;
    let no_deadline_filter = ClaimFilter {
        no_open_deadline: true,
        limit: Some(i64::from(limit)),
        ..ClaimFilter::default()
    };
    let mut no_deadline = claims_in(ctx, view, &no_deadline_filter).await?;
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
        let stored = histories.remove(&claim.id).unwrap_or_default();
        claim.history = Some(match view {
            Some(replay) => replay.history(stored),
            None => stored,
        });
    }
    let mut totals = ctx.store.deadline_counts(ctx.as_of, upcoming_until).await?;
    if let Some(replay) = view {
        totals = replay.deadline_counts(totals, ctx.as_of, upcoming_until);
    }
    let adjust = replay.map(|r| r.adjust).unwrap_or_default();
    // Counts for every source are cheap; full records only for the shown ones.
    let counted = ctx.store.claim_counts(&adjust).await?;
    let mut all_sources = summaries(ctx.store.sources().await?, &counted);
    // Busiest first; ties by name, as listed.
    all_sources.sort_by_key(|s| std::cmp::Reverse(s.record.claims + s.reported.claims));
    if sources > 0 {
        all_sources.truncate(sources);
    }
    let shown: Vec<i64> = all_sources.iter().map(|s| s.source.id).collect();
    let records = ctx
        .store
        .track_records(ctx.as_of, Some(&shown), &adjust)
        .await?;
    let all_sources: Vec<_> = all_sources
        .into_iter()
        .map(|s| summaries(vec![s.source], &records).remove(0))
        .collect();
    // Every claim once, a joint statement too.
    let all = ctx.store.totals(&adjust).await?;
    let mut counts = Counts {
        total: all.claims,
        pending: all.pending,
        fulfilled: all.fulfilled,
        partial: all.partial,
        failed: all.failed,
        retracted: all.retracted,
        unverifiable: all.unverifiable,
        ..Counts::default()
    };
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
fn overdue_filter(limit: Option<u32>) -> ClaimFilter {
    ClaimFilter {
        overdue: true,
        limit: limit.map(i64::from),
        ..ClaimFilter::default()
    }
}

async fn overdue_claims<S: Store>(ctx: &Context<S>, limit: Option<u32>) -> Result<Vec<Claim>> {
    replay::claims(ctx, &overdue_filter(limit)).await
}

/// Soonest first, by the first open deadline inside the window.
async fn upcoming_claims<S: Store>(
    ctx: &Context<S>,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    replay::upcoming(ctx, until, limit).await
}

fn span_end(within: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::span_end(within, as_of).map_err(|reason| Error::invalid("within", within, reason))
}
