//! `claims deadline ...`

use super::claims::{new_deadline, show};
use super::{day, optional_text, period, Context, Output};
use crate::db::NewDeadline;
use crate::error::Result;

pub async fn add(ctx: &Context, claim: i64, date: &str, label: Option<&str>) -> Result<Output> {
    let deadline = new_deadline(ctx, date, label)?;
    let id = ctx.store.insert_deadline(claim, &deadline).await?;
    Ok(Output::Deadline {
        deadline: ctx.store.deadline(id).await?,
        claim: Box::new(ctx.store.claim(claim, ctx.as_of).await?),
    })
}

pub async fn met(ctx: &Context, id: i64, on: Option<&str>) -> Result<Output> {
    let on = match on {
        Some(on) => day("--on", on, ctx.as_of)?,
        None => ctx.as_of,
    };
    ctx.store.meet_deadline(id, on).await?;
    show(ctx, ctx.store.deadline(id).await?.claim_id).await
}

pub async fn move_to(ctx: &Context, id: i64, date: &str, note: Option<&str>) -> Result<Output> {
    let to = period("date", date, ctx.as_of)?;
    let to = NewDeadline {
        due: to.end,
        precision: to.precision,
        label: None,
        met_on: None,
    };
    let note = optional_text(note);
    let moved = ctx
        .store
        .move_deadline(id, &to, ctx.as_of, note.as_deref())
        .await?;
    show(ctx, moved.claim_id).await
}

pub async fn remove(ctx: &Context, id: i64) -> Result<Output> {
    ctx.store.delete_deadline(id).await?;
    Ok(Output::Removed {
        what: "deadline",
        id,
    })
}
