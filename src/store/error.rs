//! What can go wrong in storage, in kinds every backend maps its own errors
//! to. The messages are the lines users see; nothing here names an engine's
//! error codes.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An id or name that matches nothing: "no claim with id 42".
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },

    /// The change would break a rule of the data (a duplicate, a source in use).
    #[error("{0}")]
    Conflict(String),

    /// The database refused this user (a database role without the right).
    #[error("{0}")]
    Denied(String),

    /// Another writer held the database for longer than we wait.
    #[error("the database is busy ({0}); try again")]
    Busy(String),

    #[error("the disk is full (or the database reached its size limit); nothing was written")]
    DiskFull,

    /// The engine found its own files damaged.
    #[error(
        "the database is damaged ({0}); restore a backup (`claims check` lists what is wrong)"
    )]
    Damaged(String),

    /// Stored data that breaks the schema's own rules (a value no version writes).
    #[error("database is inconsistent: {0}")]
    Corrupt(String),

    #[error(
        "`{location}` was written by a newer claims (schema version {found}; this claims knows up to {known}); upgrade claims to open it"
    )]
    TooNew {
        location: String,
        found: i64,
        known: i64,
    },

    /// The file or server is not a database of the expected engine.
    #[error("`{location}` is not a {engine} database; refusing to touch it")]
    NotADatabase {
        location: String,
        engine: &'static str,
    },

    /// A database of the right engine that belongs to another program.
    #[error("`{location}` is a {engine} database but not a claims database; refusing to touch it")]
    Foreign {
        location: String,
        engine: &'static str,
    },

    /// Asked to look at a database that does not exist.
    #[error("no database at `{location}` (run `claims init` to create it)")]
    Missing { location: String },

    /// A value the engine cannot take as given.
    #[error("invalid {field} `{value}`: {reason}")]
    Invalid {
        field: &'static str,
        value: String,
        reason: String,
    },

    /// A search query the engine cannot parse.
    #[error("invalid search query `{query}`: {reason}")]
    BadQuery { query: String, reason: String },

    #[error("{action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    /// A migration failed to apply.
    #[error("database migration: {0}")]
    Migration(String),

    /// The way to the database server went away mid-command (a restart, a
    /// network cut): whatever had not committed was rolled back, so a read
    /// or an uncommitted write may run again once the server is back.
    #[error("{0}")]
    Lost(String),

    /// What a database server (or the way to it) reported, as one line
    /// that names the database without its password.
    #[error("{0}")]
    Server(String),
    /// Anything else the engine reported.
    #[error("database: {0}")]
    Backend(String),
}

impl StoreError {
    pub fn no_claim(id: i64) -> Self {
        StoreError::NotFound {
            what: "claim",
            key: format!("with id {id}"),
        }
    }

    pub fn no_deadline(id: i64) -> Self {
        StoreError::NotFound {
            what: "deadline",
            key: format!("with id {id}"),
        }
    }

    pub fn no_source(id: i64) -> Self {
        StoreError::NotFound {
            what: "source",
            key: format!("with id {id}"),
        }
    }
}

pub type StoreResult<T> = std::result::Result<T, StoreError>;
