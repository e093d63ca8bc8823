//! The one error type. Its `Display` is the exact line a user sees after
//! `error: `, and `exit_code` says how the process ends. Fields are named
//! in domain terms (`due`, `said_on`); a front end renames them to its own
//! (`--due`) with `rename_fields`.

use crate::store::error::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value that does not parse or is not allowed.
    #[error("invalid {field} `{value}`: {reason}")]
    Invalid {
        field: String,
        value: String,
        reason: String,
    },

    /// An id or name that matches nothing; `field` is where it was given.
    #[error("no {what} {key}{}{hint}", field.as_ref().map(|f| format!(" for {f}")).unwrap_or_default())]
    NotFound {
        what: &'static str,
        key: String,
        field: Option<String>,
        hint: String,
    },

    /// The change would break a rule of the data (a duplicate, a source still in use).
    #[error("{0}")]
    Conflict(String),

    /// Well-formed, but asks for something it must not do as given.
    #[error("{0}")]
    Usage(String),

    /// A problem in an input file; the message names the file and line.
    #[error("{0}")]
    Input(String),

    /// Records of an import that do not validate, each with where it was.
    #[error("{}; nothing was imported", .0.first().map(String::as_str).unwrap_or("no records"))]
    InvalidRecords(Vec<String>),

    /// Writing the output failed (a closed pipe is not reported).
    #[error("cannot write output: {0}")]
    Output(std::io::Error),

    /// Reading or writing a file the user named.
    #[error("{action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },

    /// A rule of ours that stored data breaks (a value no version writes).
    #[error("database is inconsistent: {0}")]
    Corrupt(String),

    /// Everything else storage reports.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for Error {
    /// Not found, conflicts and bad queries are the application's own kinds,
    /// so front ends see one shape whatever the layer that found them.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, key } => Error::NotFound {
                what,
                key,
                field: None,
                hint: String::new(),
            },
            StoreError::Conflict(message) => Error::Conflict(message),
            StoreError::BadQuery { query, reason } => Error::Invalid {
                field: "query".into(),
                value: query,
                reason,
            },
            StoreError::Invalid {
                field,
                value,
                reason,
            } => Error::Invalid {
                field: field.into(),
                value,
                reason,
            },
            other => Error::Store(other),
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

    /// The same error with its field renamed by `name` (which returns `None`
    /// to keep a name): how a front end speaks of its own flags.
    pub fn rename_fields(self, name: impl Fn(&str) -> Option<String>) -> Self {
        match self {
            Error::Invalid {
                field,
                value,
                reason,
            } => Error::Invalid {
                field: name(&field).unwrap_or(field),
                value,
                reason,
            },
            Error::NotFound {
                what,
                key,
                field: Some(field),
                hint,
            } => Error::NotFound {
                what,
                key,
                field: Some(name(&field).unwrap_or(field)),
                hint,
            },
            other => other,
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
