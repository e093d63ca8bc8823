//! `claims backup` and `claims check`.

use std::path::Path;

use super::{Context, Output};
use crate::error::{Error, Result};
use crate::store::Store;

/// A complete copy of the database at `to`, replacing a file there only by a
/// complete copy. Front ends ask before replacing an existing file.
pub async fn backup<S: Store>(ctx: &Context<S>, to: &Path) -> Result<Output> {
    let bytes = ctx.store.backup(to).await?;
    Ok(Output::Backup {
        path: to.display().to_string(),
        bytes,
    })
}

/// Fails with the list of problems when anything is wrong.
pub async fn check<S: Store>(ctx: &Context<S>) -> Result<Output> {
    let problems = ctx.store.check().await?;
    if problems.is_empty() {
        return Ok(Output::Checked {
            claims: ctx.store.claim_count().await?,
        });
    }
    Err(Error::Input(format!(
        "{} problem{} found in `{}`:\n{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        ctx.store.location(),
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    )))
}
