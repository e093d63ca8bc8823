//! New ids, from counters that only grow (migration 10): an id once given
//! is never given again, even after its row is removed.

use sqlx::sqlite::SqliteConnection;

use crate::store::{StoreError as Error, StoreResult as Result};

/// The tables whose ids are counted.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ids {
    Claims,
    Deadlines,
    Sources,
}

impl Ids {
    fn name(self) -> &'static str {
        match self {
            Ids::Claims => "claims",
            Ids::Deadlines => "deadlines",
            Ids::Sources => "sources",
        }
    }
}

/// Takes `count` new ids of a table in the caller's transaction; returns the
/// first (the others follow it).
pub(super) async fn take_ids(conn: &mut SqliteConnection, table: Ids, count: i64) -> Result<i64> {
    let next: Option<i64> = sqlx::query_scalar(
        "UPDATE id_counters SET next_id = next_id + $2 WHERE name = $1 RETURNING next_id - $2",
    )
    .bind(table.name())
    .bind(count)
    .fetch_optional(&mut *conn)
    .await?;
    next.ok_or_else(|| Error::Corrupt(format!("no id counter for {}", table.name())))
}

/// One new id of a table.
pub(super) async fn take_id(conn: &mut SqliteConnection, table: Ids) -> Result<i64> {
    take_ids(conn, table, 1).await
}
