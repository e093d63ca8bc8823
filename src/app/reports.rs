//! `claims upcoming`, `overdue` and `report`: what needs attention as of a date.

use chrono::NaiveDate;

use super::replay::{self, claims_in, day_list, upcoming_in, view_kind, DayView, Replay, ViewKind};
use super::{summaries, Context, Counts, Output, Report};
use crate::domain::dates;
use crate::domain::model::Claim;
use crate::domain::replay::{history_in, View};
use crate::domain::rules::TallyChanges;
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, DayList, DeadlineCounts, Store};

/// The pending claims with a deadline in [as-of, as-of + `within`]; with
/// `histories`, each with its history (a calendar counts a deadline's moves).
pub async fn upcoming<S: Store>(
    ctx: &Context<S>,
    within: &str,
    limit: Option<u32>,
    histories: bool,
) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    let mut claims = upcoming_claims(ctx, until, limit).await?;
    if histories {
        let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
        let mut found = ctx.store.histories(&ids).await?;
        // As the record stood: a move after the as-of date is not counted.
        let view = View {
            as_of: ctx.as_of,
            known_on: ctx.known_on,
        };
        for claim in &mut claims {
            let stored = found.remove(&claim.id).unwrap_or_default();
            claim.history = Some(history_in(&stored, &view));
        }
    }
    Ok(Output::Claims {
        claims,
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
    let kind = view_kind(ctx).await?;
    let day = match kind {
        ViewKind::PastDay => Some(DayView::of(ctx).await?),
        _ => None,
    };
    let sections = match &day {
        Some(day) => day_sections(ctx, day, upcoming_until, limit).await?,
        None => replayed_sections(ctx, kind, upcoming_until, limit).await?,
    };
    let Sections {
        mut overdue,
        mut upcoming,
        mut no_deadline,
        totals,
        adjust,
    } = sections;
    // The report shows each claim's evidence and deadline moves.
    let ids: Vec<i64> = [&overdue, &upcoming, &no_deadline]
        .iter()
        .flat_map(|claims| claims.iter().map(|c| c.id))
        .collect();
    let mut histories = ctx.store.histories(&ids).await?;
    let view = View {
        as_of: ctx.as_of,
        known_on: ctx.known_on,
    };
    for claim in overdue
        .iter_mut()
        .chain(upcoming.iter_mut())
        .chain(no_deadline.iter_mut())
    {
        let stored = histories.remove(&claim.id).unwrap_or_default();
        claim.history = Some(history_in(&stored, &view));
    }
    // Counts for every source are cheap; full records only for the shown ones.
    let counted = ctx.store.claim_counts(&adjust).await?;
    let mut standing = ctx.store.sources().await?;
    standing.retain(|s| s.stands_on(ctx.as_of));
    let mut all_sources = summaries(standing, &counted);
    // Busiest first; ties by name, as listed.
    all_sources.sort_by_key(|s| std::cmp::Reverse(s.record.claims + s.reported.claims));
    if sources > 0 {
        all_sources.truncate(sources);
    }
    let shown: Vec<i64> = all_sources.iter().map(|s| s.source.id).collect();
    let records_adjust = match &day {
        Some(day) => day.records_adjust(ctx, &shown).await?,
        None => adjust.clone(),
    };
    let records = ctx
        .store
        .track_records(ctx.as_of, Some(&shown), &records_adjust)
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

/// The report's three lists with the counts behind them.
struct Sections {
    overdue: Vec<Claim>,
    upcoming: Vec<Claim>,
    no_deadline: Vec<Claim>,
    totals: DeadlineCounts,
    /// How the stored counts move in the view.
    adjust: TallyChanges,
}

/// The sections of a past day, from the day tables.
async fn day_sections<S: Store>(
    ctx: &Context<S>,
    day: &DayView,
    until: NaiveDate,
    limit: u32,
) -> Result<Sections> {
    let limit = Some(limit);
    Ok(Sections {
        overdue: day_list(ctx, DayList::Overdue, limit).await?,
        upcoming: day_list(ctx, DayList::Upcoming { until }, limit).await?,
        no_deadline: day_list(ctx, DayList::NoOpenDeadline, limit).await?,
        totals: day.deadline_counts(ctx, until).await?,
        adjust: day.adjust.clone(),
    })
}

/// The sections as the record stands, or as known on a day (replayed).
async fn replayed_sections<S: Store>(
    ctx: &Context<S>,
    kind: ViewKind,
    until: NaiveDate,
    limit: u32,
) -> Result<Sections> {
    let replay = match kind {
        ViewKind::Replayed => Replay::of(ctx, None).await?,
        _ => None,
    };
    let view = replay.as_ref();
    let overdue = claims_in(ctx, view, &overdue_filter(Some(limit))).await?;
    let upcoming = upcoming_in(ctx, view, until, Some(limit)).await?;
    let no_deadline_filter = ClaimFilter {
        no_open_deadline: true,
        limit: Some(i64::from(limit)),
        ..ClaimFilter::default()
    };
    let no_deadline = claims_in(ctx, view, &no_deadline_filter).await?;
    let mut totals = ctx.store.deadline_counts(ctx.as_of, until).await?;
    if let Some(replay) = view {
        totals = replay.deadline_counts(totals, ctx.as_of, until);
    }
    Ok(Sections {
        overdue,
        upcoming,
        no_deadline,
        totals,
        adjust: replay.map(|r| r.adjust).unwrap_or_default(),
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
    match view_kind(ctx).await? {
        ViewKind::Now => Ok(ctx.store.claims(&overdue_filter(limit), ctx.as_of).await?),
        ViewKind::PastDay => day_list(ctx, DayList::Overdue, limit).await,
        ViewKind::Replayed => replay::claims(ctx, &overdue_filter(limit)).await,
    }
}

/// Soonest first, by the first open deadline inside the window.
async fn upcoming_claims<S: Store>(
    ctx: &Context<S>,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    match view_kind(ctx).await? {
        ViewKind::Now => Ok(ctx.store.upcoming(ctx.as_of, until, limit).await?),
        ViewKind::PastDay => day_list(ctx, DayList::Upcoming { until }, limit).await,
        ViewKind::Replayed => replay::upcoming(ctx, until, limit).await,
    }
}

fn span_end(within: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::span_end(within, as_of).map_err(|reason| Error::invalid("within", within, reason))
}
