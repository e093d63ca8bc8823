//! Multi-row statements on PostgreSQL: values bound as text or integers,
//! each placeholder cast to its column's type (`$1::date`), so one code
//! path writes every table and days can be `-infinity`.

use sqlx::postgres::PgConnection;

/// A value for a multi-row statement.
pub(super) enum PgValue {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Most parameters one statement takes (PostgreSQL allows 65535).
const MAX_PARAMS: usize = 30_000;

/// `head VALUES (...), (...) tail`, with `casts[i]` the type of column i
/// (`""` for none, or an expression of the value as `{}`), in as few statements as the parameter limit allows.
pub(super) async fn insert_rows(
    conn: &mut PgConnection,
    head: &str,
    casts: &[&str],
    values: &[PgValue],
    tail: &str,
) -> Result<(), sqlx::Error> {
    let width = casts.len();
    for chunk in values.chunks((MAX_PARAMS / width) * width) {
        let rows = chunk.len() / width;
        let mut sql = String::with_capacity(head.len() + rows * width * 12);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut n = 0;
        for row in 0..rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (i, cast) in casts.iter().enumerate() {
                n += 1;
                if i > 0 {
                    sql.push_str(", ");
                }
                if cast.contains("{}") {
                    // An expression of the value (`to_tsvector('simple', {})`).
                    sql.push_str(&cast.replace("{}", &format!("${n}")));
                } else if cast.is_empty() {
                    sql.push_str(&format!("${n}"));
                } else {
                    sql.push_str(&format!("${n}::{cast}"));
                }
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let mut query = sqlx::query(&sql);
        for value in chunk {
            query = match value {
                PgValue::Int(v) => query.bind(*v),
                PgValue::OptInt(v) => query.bind(*v),
                PgValue::Text(v) => query.bind(v.as_str()),
                PgValue::OptText(v) => query.bind(v.as_deref()),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
