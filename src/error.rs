//! The one error type. Its `Display` is the exact line a user sees after
//! `error: `, and `exit_code` says how the process ends.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value that does not parse or is not allowed.
    #[error("invalid {field} `{value}`: {reason}")]
    Invalid {
        field: String,
        value: String,
        reason: String,
    },

    /// An id or name that matches nothing.
    #[error("no {what} {key}{hint}")]
    NotFound {
        what: &'static str,
        key: String,
        hint: String,
    },

    /// The change would break a rule of the data (a duplicate, a source still in use).
    #[error("{0}")]
    Conflict(String),

    /// The command line is well-formed but asks for something it must not do as given.
    #[error("{0}")]
    Usage(String),

    #[error("`{path}` is not a SQLite database; refusing to touch it")]
    NotSqlite { path: PathBuf },

    #[error("`{path}` is a SQLite database but not a claims database; refusing to touch it")]
    ForeignDatabase { path: PathBuf },

    #[error(
        "`{path}` was written by a newer claims (schema version {found}; this claims knows up to {known}); upgrade claims to open it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    /// A problem in an input file; the message names the file and line.
    #[error("{0}")]
    Input(String),

    /// Writing the output failed (a closed pipe is not reported).
    #[error("cannot write output: {0}")]
    Output(std::io::Error),

    #[error("the disk is full (or the database reached its size limit); nothing was written")]
    DiskFull,

    #[error(
        "the database is damaged ({0}); restore a backup (`claims check` lists what is wrong)"
    )]
    Damaged(String),

    #[error("database: {0}")]
    Database(sqlx::Error),

    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("database is inconsistent: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for Error {
    /// SQLite's "full" and "corrupt" results get messages that say what to do.
    fn from(e: sqlx::Error) -> Self {
        let code = match &e {
            sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i32>().ok()),
            _ => None,
        };
        // Extended result codes keep the primary code in the low byte.
        match code.map(|c| c & 0xff) {
            Some(13) => Error::DiskFull,
            Some(11) | Some(26) => Error::Damaged(match &e {
                sqlx::Error::Database(db) => db.message().to_string(),
                other => other.to_string(),
            }),
            _ => Error::Database(e),
        }
    }
}

impl Error {
    pub fn invalid(field: &str, value: &str, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    pub fn no_claim(id: i64) -> Self {
        Error::NotFound {
            what: "claim",
            key: format!("with id {id}"),
            hint: String::new(),
        }
    }

    pub fn no_deadline(id: i64) -> Self {
        Error::NotFound {
            what: "deadline",
            key: format!("with id {id}"),
            hint: String::new(),
        }
    }

    /// Whether the reader of our output went away (`claims list | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// 2 for usage errors (clap uses 2 for its own), 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
