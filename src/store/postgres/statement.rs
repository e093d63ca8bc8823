//! Multi-row statements on PostgreSQL: each column's values bound as one
//! array and unnested, `INSERT INTO t (a, b) SELECT u.c1, u.c2::date FROM
//! unnest($1::bigint[], $2::text[]) AS u(c1, c2)`. The statement's text is
//! the same whatever the number of rows, so the server parses and plans it
//! once per connection, and there is no limit on parameters to split at.

use sqlx::postgres::PgConnection;

/// A value for a multi-row statement.
pub(super) enum PgValue {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// A column's values, as bound.
enum Column {
    Ints(Vec<Option<i64>>),
    Texts(Vec<Option<String>>),
}

/// `head SELECT ... FROM unnest(...) tail` for rows of `values` (row-major),
/// with `casts[i]` the type of column i (`""` for none, or an expression of
/// the value as `{}`). Integers are bound as `bigint`, everything else as
/// text and cast in the statement.
pub(super) async fn insert_rows(
    conn: &mut PgConnection,
    head: &str,
    casts: &[&str],
    values: &[PgValue],
    tail: &str,
) -> Result<(), sqlx::Error> {
    let width = casts.len();
    let rows = values.len() / width;
    if rows == 0 {
        return Ok(());
    }
    let mut columns: Vec<Column> = values[..width]
        .iter()
        .map(|v| match v {
            PgValue::Int(_) | PgValue::OptInt(_) => Column::Ints(Vec::with_capacity(rows)),
            PgValue::Text(_) | PgValue::OptText(_) => Column::Texts(Vec::with_capacity(rows)),
        })
        .collect();
    for (i, value) in values.iter().enumerate() {
        match (&mut columns[i % width], value) {
            (Column::Ints(c), PgValue::Int(v)) => c.push(Some(*v)),
            (Column::Ints(c), PgValue::OptInt(v)) => c.push(*v),
            (Column::Texts(c), PgValue::Text(v)) => c.push(Some(v.clone())),
            (Column::Texts(c), PgValue::OptText(v)) => c.push(v.clone()),
            _ => {
                return Err(sqlx::Error::Protocol(format!(
                    "column {} of `{head}` mixes integers and text",
                    i % width + 1
                )))
            }
        }
    }
    let mut params = Vec::with_capacity(width);
    let mut exprs = Vec::with_capacity(width);
    for (i, (column, cast)) in columns.iter().zip(casts).enumerate() {
        let n = i + 1;
        params.push(match column {
            Column::Ints(_) => format!("${n}::bigint[]"),
            Column::Texts(_) => format!("${n}::text[]"),
        });
        let value = format!("u.c{n}");
        exprs.push(if cast.contains("{}") {
            cast.replace("{}", &value)
        } else if cast.is_empty() {
            value
        } else {
            format!("{value}::{cast}")
        });
    }
    let names: Vec<String> = (1..=width).map(|n| format!("c{n}")).collect();
    let sql = format!(
        "{head} SELECT {} FROM unnest({}) AS u({}){tail}",
        exprs.join(", "),
        params.join(", "),
        names.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for column in columns {
        query = match column {
            Column::Ints(c) => query.bind(c),
            Column::Texts(c) => query.bind(c),
        };
    }
    query.execute(&mut *conn).await?;
    Ok(())
}
