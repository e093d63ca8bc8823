//! Where the database is: `--db`, else `CLAIMS_DB`, else the platform data
//! directory (`~/.local/share/claims/claims.db` on Linux).

use std::path::PathBuf;

use crate::error::{Error, Result};

pub fn database_path(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os("CLAIMS_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::data_dir()
        .map(|dir| dir.join("claims").join("claims.db"))
        .ok_or_else(|| {
            Error::Usage(
                "cannot find a data directory for the database; pass --db PATH or set CLAIMS_DB"
                    .into(),
            )
        })
}
