//! Building statements: numbered binds added in any order, and the multi-row INSERTs of bulk writes.

use sqlx::sqlite::SqliteConnection;
use sqlx::Sqlite;

use crate::store::StoreResult as Result;

/// SQLite allows 32766 binds per statement; stay far below it.
pub(super) const IDS_PER_QUERY: usize = 500;

/// Builds a statement with numbered binds, so conditions can be added in any order.
#[derive(Default, Clone)]
pub(super) struct Statement {
    pub(super) sql: String,
    pub(super) binds: Vec<Bind>,
}

#[derive(Clone)]
pub(super) enum Bind {
    Text(String),
    Int(i64),
}

impl Statement {
    pub(super) fn new(sql: &str) -> Self {
        Statement {
            sql: sql.to_string(),
            binds: Vec::new(),
        }
    }

    /// Appends `sql`, replacing each `{}` with the placeholder of the next bind.
    pub(super) fn push(&mut self, sql: &str, binds: impl IntoIterator<Item = Bind>) {
        let mut binds = binds.into_iter();
        let mut parts = sql.split("{}");
        self.sql.push_str(parts.next().unwrap_or_default());
        for part in parts {
            let bind = binds.next().expect("one bind per placeholder");
            self.binds.push(bind);
            self.sql.push_str(&format!("${}", self.binds.len()));
            self.sql.push_str(part);
        }
    }

    pub(super) fn query(
        &self,
    ) -> sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments<'_>> {
        let mut query = sqlx::query(&self.sql);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

pub(super) fn text(value: impl Into<String>) -> Bind {
    Bind::Text(value.into())
}

pub(super) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Most rows one INSERT carries: more made imports no faster (measured).
const MAX_ROWS_PER_INSERT: usize = 1500;

/// A query whose binds are `ids`, in order: the `IN (...)` of a chunk of
/// ids, with `placeholders(ids.len())` in `sql`.
pub(super) fn with_ids<'q>(
    sql: &'q str,
    ids: &'q [i64],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    ids.iter()
        .fold(sqlx::query(sql), |query, id| query.bind(*id))
}

/// A value for a multi-row INSERT.
pub(super) enum Value<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Owned(String),
    OptOwned(Option<String>),
}

impl<'a> Value<'a> {
    pub(super) fn opt(text: Option<&'a str>) -> Value<'a> {
        Value::OptText(text)
    }
}

/// Inserts rows of `width` values with as few statements as SQLite allows;
/// `tail` follows the values (an `ON CONFLICT` clause, or nothing).
///
/// The only statement with anonymous `?` binds: SQLite looks named and
/// numbered parameters (`$1`) up by walking a list, which makes a statement
/// with thousands of them quadratic to prepare and bind (80% of an import's
/// time, measured). A PostgreSQL backend would use COPY here instead.
pub(super) async fn insert_many(
    tx: &mut SqliteConnection,
    head: &str,
    width: usize,
    values: &[Value<'_>],
    tail: &str,
) -> Result<()> {
    let rows_per_statement = (30_000 / width).min(MAX_ROWS_PER_INSERT);
    for chunk in values.chunks(rows_per_statement * width) {
        let rows = chunk.len() / width;
        let mut sql = String::with_capacity(head.len() + rows * width * 7);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let row_marks = format!("({})", vec!["?"; width].join(", "));
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&row_marks);
        }
        sql.push_str(tail);
        let mut query = sqlx::query(&sql);
        for value in chunk {
            query = match value {
                Value::Int(n) => query.bind(*n),
                Value::OptInt(n) => query.bind(*n),
                Value::Text(t) => query.bind(*t),
                Value::OptText(t) => query.bind(*t),
                Value::Owned(t) => query.bind(t.as_str()),
                Value::OptOwned(t) => query.bind(t.as_deref()),
            };
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_numbers_binds_in_order() {
        let mut s = Statement::new("SELECT 1 WHERE 1 = 1");
        s.push(" AND a = {} AND b = {}", [Bind::Int(1), text("x")]);
        s.push(" LIMIT {}", [Bind::Int(3)]);
        assert_eq!(s.sql, "SELECT 1 WHERE 1 = 1 AND a = $1 AND b = $2 LIMIT $3");
        assert_eq!(s.binds.len(), 3);
    }
}
