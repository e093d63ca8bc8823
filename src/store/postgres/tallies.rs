//! The count tables read back as tallies: today's (for `check`) or the
//! journal's movement after a day (for past days' reports).

use chrono::NaiveDate;
use sqlx::postgres::PgConnection;
use sqlx::Row;

use super::reads::word;
use crate::domain::model::Status;
use crate::domain::rules::{Role, Tally, TallyChanges};
use crate::store::TallyScope;

use super::Sql;

fn role(text: &str) -> Sql<Role> {
    word("role", text, Role::parse)
}

/// The tallies the count tables add up to: with `after`, the journal's
/// rows after that day in `scope`; without, the counts as they stand.
pub(super) async fn read_tallies(
    conn: &mut PgConnection,
    after: Option<NaiveDate>,
    scope: TallyScope<'_>,
) -> Sql<TallyChanges> {
    let mut out = TallyChanges::default();
    for (_, tally, n) in tally_rows(conn, after, scope, false).await? {
        *out.0.entry(tally).or_default() += n;
    }
    Ok(out)
}

/// Every row of the journal that is not 0, by day (`-infinity` for the
/// first day there is), for `check`.
pub(super) async fn journal_by_day(conn: &mut PgConnection) -> Sql<Vec<(String, Tally, i64)>> {
    let rows = tally_rows(conn, Some(NaiveDate::MIN), TallyScope::All, true).await?;
    Ok(rows
        .into_iter()
        .map(|(day, tally, n)| (day.unwrap_or_default(), tally, n))
        .collect())
}

/// The rows behind `read_tallies`; `by_day` keeps the journal's days apart
/// (and reads every day, `-infinity` included).
async fn tally_rows(
    conn: &mut PgConnection,
    after: Option<NaiveDate>,
    scope: TallyScope<'_>,
    by_day: bool,
) -> Sql<Vec<(Option<String>, Tally, i64)>> {
    let mut out = Vec::new();
    let day = if by_day { None } else { after };
    let journal = after.is_some();
    let counts = matches!(scope, TallyScope::Counts | TallyScope::All);
    let records = !matches!(scope, TallyScope::Counts);
    let sources = match scope {
        TallyScope::Records(ids) => Some(ids),
        _ => None,
    };
    // A count table, or its journal.
    let table = |today: &str, days: &str| {
        if journal {
            days.to_string()
        } else {
            today.to_string()
        }
    };
    let after = if day.is_some() {
        " AND day > $1"
    } else {
        " AND $1::date IS NULL"
    };
    // The day as text leads each row when kept apart.
    let (lead, group) = if by_day {
        ("day::text, ", "day, ")
    } else {
        ("NULL::text, ", "")
    };
    let only = match sources {
        Some(_) => " AND (role = 'all' OR source_id = ANY($2))",
        None => " AND $2::bigint[] IS NULL",
    };
    let ids: Option<Vec<i64>> = sources.map(<[i64]>::to_vec);
    let mut add = |day: Option<String>, tally: Tally, n: i64| out.push((day, tally, n));
    if counts {
        let sql = format!(
            "SELECT {lead}source_id, role, status, SUM(n)::bigint FROM {} WHERE TRUE{after} \
             GROUP BY {group}source_id, role, status HAVING SUM(n) <> 0",
            table("source_counts", "source_count_days")
        );
        for row in sqlx::query(&sql).bind(day).fetch_all(&mut *conn).await? {
            let status = word("status", row.try_get(3)?, Status::from_word)?;
            let tally = match row.try_get::<&str, _>(2)? {
                "all" => Tally::Total { status },
                name => Tally::Status {
                    source_id: row.try_get(1)?,
                    role: role(name)?,
                    status,
                },
            };
            add(row.try_get(0)?, tally, row.try_get(4)?);
        }
    }
    let mut due_roles = Vec::new();
    if counts {
        due_roles.push("role = 'all'");
    }
    if records {
        due_roles.push("role <> 'all'");
    }
    if !due_roles.is_empty() {
        let sql = format!(
            "SELECT {lead}role, source_id, next_due, SUM(n)::bigint FROM {} WHERE ({}){after}{only} \
             GROUP BY {group}role, source_id, next_due HAVING SUM(n) <> 0",
            table("claim_due_counts", "claim_due_count_days"),
            due_roles.join(" OR ")
        );
        for row in sqlx::query(&sql)
            .bind(day)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
        {
            let source = match row.try_get::<&str, _>(1)? {
                "all" => None,
                other => Some((role(other)?, row.try_get(2)?)),
            };
            add(
                row.try_get(0)?,
                Tally::NextDue {
                    source,
                    next_due: row.try_get(3)?,
                },
                row.try_get(4)?,
            );
        }
    }
    if records {
        let sql = format!(
            "SELECT {lead}source_id, role, late_days, SUM(n)::bigint FROM {} WHERE TRUE{after}{only} \
             GROUP BY {group}source_id, role, late_days HAVING SUM(n) <> 0",
            table("record_delivered", "record_delivered_days")
        );
        for row in sqlx::query(&sql)
            .bind(day)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
        {
            let late: i32 = row.try_get(3)?;
            add(
                row.try_get(0)?,
                Tally::Delivered {
                    source_id: row.try_get(1)?,
                    role: role(row.try_get(2)?)?,
                    late_days: i64::from(late),
                },
                row.try_get(4)?,
            );
        }
        let sql = format!(
            "SELECT {lead}source_id, role, first_due, pending, SUM(n)::bigint FROM {} \
             WHERE TRUE{after}{only} GROUP BY {group}source_id, role, first_due, pending \
             HAVING SUM(n) <> 0",
            table("record_undelivered", "record_undelivered_days")
        );
        for row in sqlx::query(&sql)
            .bind(day)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?
        {
            add(
                row.try_get(0)?,
                Tally::Undelivered {
                    source_id: row.try_get(1)?,
                    role: role(row.try_get(2)?)?,
                    first_due: row.try_get(3)?,
                    pending: row.try_get(4)?,
                },
                row.try_get(5)?,
            );
        }
    }
    Ok(out)
}
