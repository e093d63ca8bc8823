//! Deadlines: add, met, move, remove.

use super::claims::{new_deadline, show};
use super::{change_day, Context, Output};
use crate::domain::dates::{display, iso};
use crate::domain::model::{Deadline, DeadlineRef};
use crate::domain::validate::{optional_text, period};
use crate::error::{Error, Result};
use crate::store::{NewDeadline, Store};

pub async fn add<S: Store>(
    ctx: &Context<S>,
    claim: i64,
    date: &str,
    label: Option<&str>,
    on: Option<&str>,
) -> Result<Output> {
    // A relative date counts from the day the claim was said, when known.
    let said_on = ctx.store.claim_fields(claim).await?.said_on;
    let deadline = new_deadline(said_on.unwrap_or(ctx.as_of), date, label)?;
    let on = change_day(ctx, claim, "on", on, |_| false).await?;
    let id = ctx.store.insert_deadline(claim, &deadline, on).await?;
    Ok(Output::Deadline {
        deadline: ctx.store.deadline(id).await?,
        claim: Box::new(ctx.store.claim(claim, ctx.as_of).await?),
    })
}

/// The deadline a user names as `6.1`. A bare number (the global id of
/// earlier versions) is refused with the deadlines of its claim listed in
/// the new form, so a slip cannot reach another claim's deadline.
pub async fn deadline<S: Store>(ctx: &Context<S>, reference: &str) -> Result<Deadline> {
    if let Some(reference) = DeadlineRef::parse(reference) {
        return Ok(ctx.store.deadline_by_ref(reference).await?);
    }
    let reason = match reference.trim().parse::<i64>() {
        Ok(id) => match ctx.store.deadline(id).await {
            Ok(found) => {
                let claim = ctx.store.claim(found.claim_id, ctx.as_of).await?;
                let refs: Vec<String> = claim
                    .deadlines
                    .iter()
                    .map(|d| format!("{} ({})", d.reference, display(d.due, d.precision)))
                    .collect();
                format!(
                    "name a deadline by claim and number: claim {} has {}",
                    claim.id,
                    refs.join(", ")
                )
            }
            Err(_) => "name a deadline by claim and number, such as 6.1 (claim 6's first)".into(),
        },
        Err(_) => "expected a deadline such as 6.1 (claim 6's first)".into(),
    };
    Err(Error::invalid("deadline", reference, reason))
}

/// Marks a deadline met `on` a day (the as-of date when absent).
pub async fn met<S: Store>(ctx: &Context<S>, reference: &str, on: Option<&str>) -> Result<Output> {
    let deadline = deadline(ctx, reference).await?;
    let id = deadline.id;
    let on = change_day(ctx, deadline.claim_id, "on", on, |e| {
        e.deadline_id == Some(id)
    })
    .await?;
    let met = ctx.store.meet_deadline(id, on).await?;
    show(ctx, met.claim_id).await
}

pub async fn move_to<S: Store>(
    ctx: &Context<S>,
    reference: &str,
    date: &str,
    note: Option<&str>,
    on: Option<&str>,
) -> Result<Output> {
    let current = deadline(ctx, reference).await?;
    let id = current.id;
    let to = period("date", date, ctx.as_of)?;
    let to = NewDeadline {
        due: to.end,
        precision: to.precision,
        label: None,
        met_on: None,
        as_written: Some(date.to_string()),
    };
    let note = optional_text(note);
    if current.due == to.due && current.precision == to.precision {
        return Err(Error::invalid(
            "date",
            date,
            format!(
                "deadline {} is already due then ({})",
                current.reference,
                iso(current.due)
            ),
        ));
    }
    let on = change_day(ctx, current.claim_id, "on", on, |e| {
        e.deadline_id == Some(id)
    })
    .await?;
    let moved = ctx
        .store
        .move_deadline(id, &to, on, note.as_deref())
        .await?;
    show(ctx, moved.claim_id).await
}

pub async fn remove<S: Store>(
    ctx: &Context<S>,
    reference: &str,
    note: Option<&str>,
    on: Option<&str>,
) -> Result<Output> {
    let gone = deadline(ctx, reference).await?;
    let on = change_day(ctx, gone.claim_id, "on", on, |e| {
        e.deadline_id == Some(gone.id)
    })
    .await?;
    let note = optional_text(note);
    ctx.store
        .delete_deadline(gone.id, on, note.as_deref())
        .await?;
    Ok(Output::Removed {
        what: "deadline",
        id: gone.id,
        reference: Some(gone.reference),
    })
}
