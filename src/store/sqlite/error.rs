//! SQLite's result codes as the store's error kinds.

use crate::store::StoreError;

impl From<sqlx::Error> for StoreError {
    /// "Full", "busy" and "corrupt" get messages that say what to do.
    fn from(e: sqlx::Error) -> Self {
        let (code, message) = match &e {
            sqlx::Error::Database(db) => (
                db.code().and_then(|c| c.parse::<i32>().ok()),
                db.message().to_string(),
            ),
            other => (None, other.to_string()),
        };
        // Extended result codes keep the primary code in the low byte.
        match code.map(|c| c & 0xff) {
            Some(13) => StoreError::DiskFull,
            Some(5) | Some(6) => StoreError::Busy(message),
            Some(11) | Some(26) => StoreError::Damaged(message),
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(e.to_string())
    }
}
