//! `source merge` on SQLite: a source's claims moved to another, each by
//! an edit event, in one transaction.

use chrono::NaiveDate;

use super::claims::{claim_fields_in, update_claim_in};
use super::rows::{now, source_from_row, SOURCE_COLUMNS};
use super::SqliteStore;
use crate::store::values::CLAIMS_NAMING_SOURCE;
use crate::store::{merge_note, StoreError as Error, StoreResult as Result};

impl SqliteStore {
    /// Moves every claim naming `from` to `into` (an `edited` event each,
    /// dated `on`), marks `from` merged and gives its aliases to `into`.
    /// Returns the claims changed.
    pub(super) async fn merge_source(
        &self,
        from: i64,
        into: i64,
        on: NaiveDate,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin().await?;
        let mut pair = Vec::new();
        for id in [from, into] {
            let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            pair.push(source_from_row(&row.ok_or_else(|| Error::no_source(id))?)?);
        }
        let note = merge_note(&pair[0], &pair[1])?;
        let claims: Vec<i64> = sqlx::query_scalar(CLAIMS_NAMING_SOURCE)
            .bind(from)
            .fetch_all(&mut *tx)
            .await?;
        for &id in &claims {
            let fields = claim_fields_in(&mut tx, id)
                .await?
                .with_source_replaced(from, into);
            update_claim_in(&mut tx, self.by(), id, &fields, on, Some(&note)).await?;
        }
        sqlx::query(
            "UPDATE sources SET merged_into = $2, merged_on = $3, merged_at = $4, merged_by = $5 \
             WHERE id = $1",
        )
        .bind(from)
        .bind(into)
        .bind(crate::domain::dates::iso(on))
        .bind(now())
        .bind(self.by())
        .execute(&mut *tx)
        .await?;
        // Sources merged into `from` before, and its aliases, find `into` now.
        sqlx::query("UPDATE sources SET merged_into = $2 WHERE merged_into = $1")
            .bind(from)
            .bind(into)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE source_aliases SET source_id = $2 WHERE source_id = $1")
            .bind(from)
            .bind(into)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(claims)
    }
}
