//! `claims grant`: who may read, write or administer a shared database.

use super::{Context, Output};
use crate::error::Result;
use crate::store::{AccessLevel, Store};

/// Gives `role` the rights of `level`, then lists every role's.
pub async fn grant<S: Store>(ctx: &Context<S>, role: &str, level: AccessLevel) -> Result<Output> {
    ctx.store.grant(role, level).await?;
    grants(ctx).await
}

/// Every role with rights on the database.
pub async fn grants<S: Store>(ctx: &Context<S>) -> Result<Output> {
    Ok(Output::Grants(ctx.store.grants().await?))
}
