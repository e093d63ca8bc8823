//! `check` and `backup`: the engine's own checks, then every derived row
//! recomputed and compared.

use std::path::Path;

use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::days::wrong_days;
use super::derived::{claim_states, stored_derived};
use super::open::create_private;
use super::rows::{date, stored};
use super::SqliteStore;
use crate::domain::model::Status;
use crate::domain::rules::{Role, Tally, TallyChanges};
use crate::store::check::{compare_counts, compare_derived, Found};
use crate::store::{StoreError as Error, StoreResult as Result};

impl SqliteStore {
    /// Copies the database with `VACUUM INTO` (a consistent snapshot even
    /// while other processes write) into a private temporary file beside
    /// `to`, then renames it into place, so an existing file is replaced
    /// only by a complete copy. Never onto the database itself.
    pub(super) async fn backup(&self, to: &Path) -> Result<u64> {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(to, &self.path) {
            return Err(Error::Conflict(
                "a backup cannot replace the database itself".into(),
            ));
        }
        let invalid = |reason: &str| Error::Invalid {
            field: "backup path",
            value: to.display().to_string(),
            reason: reason.to_string(),
        };
        let name = to.file_name().ok_or_else(|| invalid("names no file"))?;
        let partial = to.with_file_name(format!(".{}.partial", name.to_string_lossy()));
        let target = partial
            .to_str()
            .ok_or_else(|| invalid("is not valid UTF-8"))?
            .to_string();
        let _ = std::fs::remove_file(&partial);
        create_private(&partial)?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
        let io = |source| Error::Io {
            action: "cannot write the backup",
            path: to.to_path_buf(),
            source,
        };
        std::fs::rename(&partial, to).map_err(io)?;
        Ok(std::fs::metadata(to).map_err(io)?.len())
    }

    pub(super) async fn claim_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Everything wrong with the database: SQLite's integrity and foreign
    /// key checks, the history's own rules (each claim's starts with
    /// `created` and ends at its status), then every derived row recomputed
    /// with `domain::rules` and compared. At most 20 ids are named per rule.
    pub(super) async fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut conn = self.pool.acquire().await?;
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut *conn)
            .await?;
        problems.extend(
            integrity
                .into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("integrity: {r}")),
        );
        let foreign = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await?;
        for row in foreign {
            let table: String = row.try_get(0)?;
            let rowid: Option<i64> = row.try_get(1)?;
            let parent: String = row.try_get(2)?;
            problems.push(format!(
                "foreign key: {table} row {} points to a missing {parent} row",
                rowid.map_or("?".into(), |r| r.to_string())
            ));
        }
        // Rules of the stored rows themselves, answered in SQL.
        const ROW_RULES: [(&str, &str); 3] = [
            (
                "claims without a `recorded` event",
                "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM events h \
                 WHERE h.claim_id = c.id AND h.event = 'recorded') ORDER BY c.id LIMIT 21",
            ),
            (
                "claims whose status is not where their history ends",
                "SELECT c.id FROM claims c WHERE c.status <> COALESCE((SELECT h.to_status \
                 FROM events h WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1), '') \
                 ORDER BY c.id LIMIT 21",
            ),
            (
                "claims without a fingerprint",
                "SELECT id FROM claims WHERE fingerprint IS NULL ORDER BY id LIMIT 21",
            ),
        ];
        // New ids come from counters that must stay ahead of every id given.
        let behind: Vec<String> = sqlx::query_scalar(
            "SELECT c.name FROM id_counters c WHERE c.next_id <= CASE c.name \
             WHEN 'claims' THEN (SELECT COALESCE(MAX(id), 0) FROM claims) \
             WHEN 'deadlines' THEN (SELECT COALESCE(MAX(id), 0) FROM deadlines) \
             ELSE (SELECT COALESCE(MAX(id), 0) FROM sources) END ORDER BY c.name",
        )
        .fetch_all(&mut *conn)
        .await?;
        if !behind.is_empty() {
            problems.push(format!(
                "id counters behind the ids already given: {}",
                behind.join(", ")
            ));
        }
        let mut found = Found::default();
        for (rule, sql) in ROW_RULES {
            let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
            found.add(rule, ids);
        }

        // Every claim's derived data, a page at a time, against the rules.
        let mut expected = TallyChanges::default();
        let mut after = 0;
        loop {
            let ids: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM claims WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(CHECK_PAGE)
                    .fetch_all(&mut *conn)
                    .await?;
            let Some(last) = ids.last() else { break };
            after = *last;
            let states = claim_states(&mut conn, &ids).await?;
            let stored = stored_derived(&mut conn, &ids).await?;
            for id in &ids {
                let (Some(state), Some(stored)) = (states.get(id), stored.get(id)) else {
                    continue;
                };
                compare_derived(&mut found, *id, state, stored, &mut expected);
            }
        }
        let orphans: Vec<i64> = sqlx::query_scalar(
            "SELECT deadline_id FROM deadline_facts \
             WHERE deadline_id NOT IN (SELECT id FROM deadlines) ORDER BY 1 LIMIT 21",
        )
        .fetch_all(&mut *conn)
        .await?;
        found.add("deadlines whose track-record facts are wrong", orphans);

        // The counts, against the sum of every claim's tallies.
        let stored = stored_tallies(&mut conn).await?;
        compare_counts(&mut found, &expected, &stored);
        // The record of past days, against every claim's events.
        let (spans, journal) = wrong_days(&mut conn).await?;
        found.add("claims whose periods in the day tables are wrong", spans);
        if journal {
            found.add_rule("the journal of past days' counts is wrong");
        }
        problems.extend(found.lines());
        Ok(problems)
    }
}

/// Claims read per page by `check`.
const CHECK_PAGE: i64 = 5_000;

/// The four count tables as they are stored (rows at 0 left out).
async fn stored_tallies(conn: &mut SqliteConnection) -> Result<TallyChanges> {
    let mut out = TallyChanges::default();
    let role = |text: &str| stored("role", text, Role::parse);
    for row in sqlx::query("SELECT source_id, role, status, n FROM source_counts WHERE n <> 0")
        .fetch_all(&mut *conn)
        .await?
    {
        let status = stored("status", row.try_get(2)?, Status::from_word)?;
        let tally = match row.try_get::<&str, _>(1)? {
            "all" => Tally::Total { status },
            name => Tally::Status {
                source_id: row.try_get(0)?,
                role: role(name)?,
                status,
            },
        };
        *out.0.entry(tally).or_default() += row.try_get::<i64, _>(3)?;
    }
    for row in sqlx::query("SELECT role, source_id, next_due, n FROM claim_due_counts WHERE n <> 0")
        .fetch_all(&mut *conn)
        .await?
    {
        let name: &str = row.try_get(0)?;
        let source = match name {
            "all" => None,
            other => Some((role(other)?, row.try_get(1)?)),
        };
        let tally = Tally::NextDue {
            source,
            next_due: date(row.try_get(2)?)?,
        };
        *out.0.entry(tally).or_default() += row.try_get::<i64, _>(3)?;
    }
    for row in
        sqlx::query("SELECT source_id, role, late_days, n FROM record_delivered WHERE n <> 0")
            .fetch_all(&mut *conn)
            .await?
    {
        let tally = Tally::Delivered {
            source_id: row.try_get(0)?,
            role: role(row.try_get(1)?)?,
            late_days: row.try_get(2)?,
        };
        *out.0.entry(tally).or_default() += row.try_get::<i64, _>(3)?;
    }
    for row in sqlx::query(
        "SELECT source_id, role, first_due, pending, n FROM record_undelivered WHERE n <> 0",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let tally = Tally::Undelivered {
            source_id: row.try_get(0)?,
            role: role(row.try_get(1)?)?,
            first_due: date(row.try_get(2)?)?,
            pending: row.try_get::<i64, _>(3)? != 0,
        };
        *out.0.entry(tally).or_default() += row.try_get::<i64, _>(4)?;
    }
    Ok(out)
}
