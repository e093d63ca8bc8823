//! Where the database is: `--db`, else `CLAIMS_DB`, else the platform data
//! directory (`~/.local/share/claims/claims.db` on Linux). A path or a
//! `sqlite:` URL names an SQLite file; `postgres://` (or `postgresql://`)
//! names a PostgreSQL server.

use std::path::PathBuf;

use crate::error::{Error, Result};
pub use crate::store::redact;

/// A database, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL connection URL, as given (password included: show it
    /// only through `redact`).
    Postgres(String),
}

impl Location {
    /// How to name the database in a message: the path, or the URL without
    /// its password.
    pub fn shown(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

pub fn database_location(flag: Option<PathBuf>) -> Result<Location> {
    if let Some(given) = flag {
        return parse_location(given);
    }
    if let Some(given) = std::env::var_os("CLAIMS_DB").filter(|p| !p.is_empty()) {
        return parse_location(PathBuf::from(given));
    }
    dirs::data_dir()
        .map(|dir| Location::File(dir.join("claims").join("claims.db")))
        .ok_or_else(|| {
            Error::Usage(
                "cannot find a data directory for the database; pass --db PATH or set CLAIMS_DB"
                    .into(),
            )
        })
}

/// A path, or a URL (`scheme://...`, or `sqlite:PATH`).
fn parse_location(given: PathBuf) -> Result<Location> {
    let Some(text) = given.to_str() else {
        return Ok(Location::File(given));
    };
    let invalid = |reason: &str| Error::Invalid {
        field: "db".into(),
        value: redact(text),
        reason: reason.to_string(),
    };
    if let Some(rest) = text.strip_prefix("sqlite:") {
        // sqlite:///abs, sqlite://rel, sqlite:rel: the path is what follows.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.is_empty() {
            return Err(invalid("names no file"));
        }
        if path.contains('?') {
            return Err(invalid(
                "an sqlite: URL takes a path only (claims chooses the connection's options)",
            ));
        }
        return Ok(Location::File(PathBuf::from(path)));
    }
    match url_scheme(text) {
        None => Ok(Location::File(given)),
        Some("postgres" | "postgresql") => Ok(Location::Postgres(text.to_string())),
        Some(scheme) => Err(invalid(&format!(
            "`{scheme}://` is not a database claims knows; give a file path, an sqlite: URL \
             or a postgres:// URL"
        ))),
    }
}

/// The scheme of `scheme://...`, if the text is such a URL.
fn url_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Location> {
        parse_location(PathBuf::from(text))
    }

    #[test]
    fn paths_and_sqlite_urls_name_files() {
        let file = |p: &str| Location::File(PathBuf::from(p));
        assert_eq!(parse("claims.db").unwrap(), file("claims.db"));
        assert_eq!(parse("/data/claims.db").unwrap(), file("/data/claims.db"));
        assert_eq!(parse("sqlite:claims.db").unwrap(), file("claims.db"));
        assert_eq!(parse("sqlite://claims.db").unwrap(), file("claims.db"));
        assert_eq!(parse("sqlite:///data/c.db").unwrap(), file("/data/c.db"));
        // A colon in a file name is no URL.
        assert_eq!(parse("notes:2026.db").unwrap(), file("notes:2026.db"));
        assert!(parse("sqlite:").is_err());
        assert!(parse("sqlite://c.db?mode=ro").is_err());
    }

    #[test]
    fn postgres_urls_name_servers_and_other_schemes_are_refused() {
        for url in ["postgres://u@host/db", "postgresql://u@%2Ftmp%2Fpg/db"] {
            assert_eq!(parse(url).unwrap(), Location::Postgres(url.to_string()));
        }
        let err = parse("mysql://root:hunter2@db/claims")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid db `mysql://root:***@db/claims`: `mysql://` is not a database claims \
             knows; give a file path, an sqlite: URL or a postgres:// URL"
        );
    }
}
