//! `claims upcoming`, `overdue` and `report`: what needs attention as of a date.

use chrono::NaiveDate;

use super::{summaries, Context, Counts, Output, Report};
use crate::dates;
use crate::db::ClaimFilter;
use crate::error::{Error, Result};
use crate::model::{Claim, Status};

pub async fn upcoming(ctx: &Context, within: &str) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Claims {
        claims: upcoming_claims(ctx, until).await?,
        window: Some((ctx.as_of, until)),
    })
}

pub async fn overdue(ctx: &Context) -> Result<Output> {
    Ok(Output::Claims {
        claims: overdue_claims(ctx).await?,
        window: None,
    })
}

pub async fn report(ctx: &Context, within: &str) -> Result<Output> {
    let until = span_end(within, ctx.as_of)?;
    Ok(Output::Report(Box::new(build(ctx, until).await?)))
}

pub async fn build(ctx: &Context, upcoming_until: NaiveDate) -> Result<Report> {
    let overdue = overdue_claims(ctx).await?;
    let upcoming = upcoming_claims(ctx, upcoming_until).await?;
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
async fn overdue_claims(ctx: &Context) -> Result<Vec<Claim>> {
    let filter = ClaimFilter {
        overdue: true,
        ..ClaimFilter::default()
    };
    ctx.store.claims(&filter, ctx.as_of).await
}

/// Soonest first, by the first open deadline inside the window.
async fn upcoming_claims(ctx: &Context, until: NaiveDate) -> Result<Vec<Claim>> {
    let filter = ClaimFilter {
        open_due_between: Some((ctx.as_of, until)),
        ..ClaimFilter::default()
    };
    let mut claims = ctx.store.claims(&filter, ctx.as_of).await?;
    claims.sort_by_key(|c| (first_due_between(c, ctx.as_of, until), c.id));
    Ok(claims)
}

/// The first unmet deadline of a pending claim due within [from, until].
pub fn first_due_between(claim: &Claim, from: NaiveDate, until: NaiveDate) -> Option<NaiveDate> {
    if claim.status != Status::Pending {
        return None;
    }
    claim
        .deadlines
        .iter()
        .filter(|d| d.met_on.is_none() && d.due >= from && d.due <= until)
        .map(|d| d.due)
        .min()
}

fn span_end(within: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::span_end(within, as_of).map_err(|reason| Error::invalid("--within", within, reason))
}
