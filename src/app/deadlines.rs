//! Deadlines: add, met, move, remove.

use super::claims::{new_deadline, show};
use super::{Context, Output};
use crate::domain::dates::iso;
use crate::domain::validate::{event_day, optional_text, period};
use crate::error::{Error, Result};
use crate::store::{NewDeadline, Store};

pub async fn add<S: Store>(
    ctx: &Context<S>,
    claim: i64,
    date: &str,
    label: Option<&str>,
) -> Result<Output> {
    // A relative date counts from the day the claim was said, when known.
    let said_on = ctx.store.claim_fields(claim).await?.said_on;
    let deadline = new_deadline(said_on.unwrap_or(ctx.as_of), date, label)?;
    let id = ctx.store.insert_deadline(claim, &deadline).await?;
    Ok(Output::Deadline {
        deadline: ctx.store.deadline(id).await?,
        claim: Box::new(ctx.store.claim(claim, ctx.as_of).await?),
    })
}

/// Marks a deadline met `on` a day (the as-of date when absent).
pub async fn met<S: Store>(ctx: &Context<S>, id: i64, on: Option<&str>) -> Result<Output> {
    let deadline = ctx.store.deadline(id).await?;
    let said_on = ctx.store.claim_fields(deadline.claim_id).await?.said_on;
    let on = event_day("on", on, said_on, ctx.as_of)?;
    let met = ctx.store.meet_deadline(id, on).await?;
    show(ctx, met.claim_id).await
}

pub async fn move_to<S: Store>(
    ctx: &Context<S>,
    id: i64,
    date: &str,
    note: Option<&str>,
) -> Result<Output> {
    let to = period("date", date, ctx.as_of)?;
    let to = NewDeadline {
        due: to.end,
        precision: to.precision,
        label: None,
        met_on: None,
        as_written: Some(date.to_string()),
    };
    let note = optional_text(note);
    let current = ctx.store.deadline(id).await?;
    if current.due == to.due && current.precision == to.precision {
        return Err(Error::invalid(
            "date",
            date,
            format!("deadline {id} is already due then ({})", iso(current.due)),
        ));
    }
    let said_on = ctx.store.claim_fields(current.claim_id).await?.said_on;
    event_day("as_of", None, said_on, ctx.as_of)?;
    let moved = ctx
        .store
        .move_deadline(id, &to, ctx.as_of, note.as_deref())
        .await?;
    show(ctx, moved.claim_id).await
}

pub async fn remove<S: Store>(ctx: &Context<S>, id: i64) -> Result<Output> {
    ctx.store.delete_deadline(id).await?;
    Ok(Output::Removed {
        what: "deadline",
        id,
    })
}
