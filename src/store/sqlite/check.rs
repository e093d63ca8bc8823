//! `check` and `backup`: the engine's own checks, then every derived row
//! recomputed and compared.

use std::path::Path;

use sqlx::Row;

use super::derived::FACTS_SELECT;
use super::open::create_private;
use super::SqliteStore;
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
    /// key checks, then the rules `claims` keeps (each claim's history starts
    /// with `created` and ends at its status; the open-deadline data matches
    /// the deadlines). At most 20 ids are named per rule.
    pub(super) async fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        problems.extend(
            integrity
                .into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("integrity: {r}")),
        );
        let foreign = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
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
        const RULES: [(&str, &str); 10] = [
            (
                "sources whose claim counts are wrong",
                "SELECT DISTINCT x.source_id FROM (SELECT speaker_id AS source_id, 'speaker' AS role, \
                 status, COUNT(*) AS n FROM claims GROUP BY speaker_id, status UNION ALL \
                 SELECT reported_by_id, 'outlet', status, COUNT(*) FROM claims \
                 WHERE reported_by_id IS NOT NULL GROUP BY reported_by_id, status) x \
                 LEFT JOIN source_counts sc ON sc.source_id = x.source_id AND sc.role = x.role \
                 AND sc.status = x.status WHERE sc.n IS NULL OR sc.n <> x.n \
                 UNION SELECT source_id FROM source_counts WHERE n < 0 ORDER BY 1 LIMIT 21",
            ),
            (
                "claims without a `created` history row",
                "SELECT c.id FROM claims c WHERE NOT EXISTS (SELECT 1 FROM status_history h \
                 WHERE h.claim_id = c.id AND h.event = 'created') ORDER BY c.id LIMIT 21",
            ),
            (
                "claims whose status is not where their history ends",
                "SELECT c.id FROM claims c WHERE c.status <> COALESCE((SELECT h.to_status \
                 FROM status_history h WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1), '') \
                 ORDER BY c.id LIMIT 21",
            ),
            (
                "deadlines whose open flag is wrong",
                "SELECT d.id FROM deadlines d JOIN claims c ON c.id = d.claim_id WHERE d.open <> \
                 CASE WHEN d.met_on IS NULL AND c.status = 'pending' THEN 1 ELSE 0 END \
                 ORDER BY d.id LIMIT 21",
            ),
            (
                "claims whose next open deadline is wrong",
                "SELECT c.id FROM claims c WHERE COALESCE(c.next_due, '') <> COALESCE((SELECT \
                 MIN(d.due) FROM deadlines d WHERE d.claim_id = c.id AND d.open = 1), '') \
                 ORDER BY c.id LIMIT 21",
            ),
            (
                "claims without a fingerprint",
                "SELECT id FROM claims WHERE fingerprint IS NULL ORDER BY id LIMIT 21",
            ),
            (
                "deadlines whose track-record facts are wrong",
                "SELECT deadline_id FROM (SELECT * FROM deadline_facts EXCEPT \
                 SELECT * FROM temp.fresh_facts) UNION SELECT deadline_id FROM \
                 (SELECT * FROM temp.fresh_facts EXCEPT SELECT * FROM deadline_facts) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose delivered-deadline counts are wrong",
                "WITH stored AS (SELECT source_id, role, late_days, n FROM record_delivered \
                 WHERE n <> 0), fresh AS (SELECT source_id, role, MAX(0, CAST(julianday(done) \
                 - julianday(first_due) AS INTEGER)), COUNT(*) FROM deadline_facts \
                 WHERE done IS NOT NULL GROUP BY 1, 2, 3) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose undelivered-deadline counts are wrong",
                "WITH stored AS (SELECT source_id, role, first_due, pending, n FROM \
                 record_undelivered WHERE n <> 0), fresh AS (SELECT source_id, role, first_due, \
                 pending, COUNT(*) FROM deadline_facts WHERE done IS NULL GROUP BY 1, 2, 3, 4) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
            (
                "sources whose overdue counts are wrong",
                "WITH stored AS (SELECT role, source_id, next_due, n FROM claim_due_counts \
                 WHERE n <> 0), fresh AS (SELECT 'speaker' AS role, speaker_id AS source_id, next_due, COUNT(*) \
                 FROM claims WHERE next_due IS NOT NULL GROUP BY 2, 3 UNION ALL \
                 SELECT 'outlet', reported_by_id, next_due, COUNT(*) FROM claims \
                 WHERE next_due IS NOT NULL AND reported_by_id IS NOT NULL GROUP BY 2, 3 \
                 UNION ALL SELECT 'all', 0, next_due, COUNT(*) FROM claims \
                 WHERE next_due IS NOT NULL GROUP BY 3) \
                 SELECT source_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh) \
                 UNION SELECT source_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored) \
                 ORDER BY 1 LIMIT 21",
            ),
        ];
        // The facts as they should be, for the rule above to compare.
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS fresh_facts AS SELECT * FROM deadline_facts WHERE 0",
        )
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM temp.fresh_facts")
            .execute(&self.pool)
            .await?;
        sqlx::query(
            &FACTS_SELECT
                .replace("INSERT INTO deadline_facts", "INSERT INTO temp.fresh_facts")
                .replace("{where}", "1 = 1"),
        )
        .execute(&self.pool)
        .await?;
        for (rule, sql) in RULES {
            let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&self.pool).await?;
            if !ids.is_empty() {
                let shown: Vec<String> = ids.iter().take(20).map(|i| i.to_string()).collect();
                let more = if ids.len() > 20 { ", …" } else { "" };
                problems.push(format!("{rule}: {}{more}", shown.join(", ")));
            }
        }
        Ok(problems)
    }
}
