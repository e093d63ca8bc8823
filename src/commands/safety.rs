//! `claims backup` and `claims check`.

use std::path::Path;

use super::{Context, Output};
use crate::error::{Error, Result};

/// Copies the database with `VACUUM INTO` (a consistent snapshot even while
/// other processes write) into a private temporary file beside `to`, then
/// renames it into place, so an existing backup is replaced only by a
/// complete one.
pub async fn backup(ctx: &Context, to: &Path, force: bool) -> Result<Output> {
    if to.exists() && !force {
        return Err(Error::Conflict(format!(
            "`{}` already exists; add --force to replace it",
            to.display()
        )));
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(to, ctx.store.path()) {
        return Err(Error::Conflict(
            "a backup cannot replace the database itself".into(),
        ));
    }
    let name = to
        .file_name()
        .ok_or_else(|| Error::invalid("backup path", &to.display().to_string(), "names no file"))?;
    let partial = to.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let _ = std::fs::remove_file(&partial);
    crate::db::create_private(&partial)?;
    if let Err(e) = ctx.store.backup(&partial).await {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, to).map_err(|source| Error::Io {
        action: "cannot write the backup",
        path: to.to_path_buf(),
        source,
    })?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(Output::Backup {
        path: to.display().to_string(),
        bytes,
    })
}

/// Fails with the list of problems when anything is wrong.
pub async fn check(ctx: &Context) -> Result<Output> {
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
        ctx.store.path().display(),
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    )))
}

/// Writes `bytes` to `path` through a temporary file beside it renamed into
/// place, so the file is either the old one or the whole new one.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let io_error = |source| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("--output", &path.display().to_string(), "names no file"))?;
    let partial = path.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(io_error(e));
    }
    Ok(())
}
