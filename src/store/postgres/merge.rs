//! `source merge` on PostgreSQL: a source's claims moved to another, each
//! by an edit event, in one transaction.

use chrono::NaiveDate;

use super::sources::{source_from_row, SOURCE_COLUMNS};
use super::PostgresStore;
use crate::store::values::CLAIMS_NAMING_SOURCE;
use crate::store::{merge_note, StoreError as Error, StoreResult as Result};

impl PostgresStore {
    /// Moves every claim naming `from` to `into` (an `edited` event each,
    /// dated `on`), marks `from` merged and gives its aliases to `into`.
    /// Returns the claims changed.
    pub async fn merge_source(&self, from: i64, into: i64, on: NaiveDate) -> Result<Vec<i64>> {
        let mut tx = self.begin().await?;
        let mut pair = Vec::new();
        // Locked in id order, so that two merges cannot cross.
        for id in [from.min(into), from.max(into)] {
            let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1 FOR UPDATE"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.failed(e))?;
            pair.push(source_from_row(&row.ok_or_else(|| Error::no_source(id))?)?);
        }
        if pair[0].id != from {
            pair.reverse();
        }
        let note = merge_note(&pair[0], &pair[pair.len() - 1])?;
        let claims: Vec<i64> = sqlx::query_scalar(CLAIMS_NAMING_SOURCE)
            .bind(from)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        for &id in &claims {
            let fields = self
                .claim_fields_in(&mut tx, id)
                .await?
                .with_source_replaced(from, into);
            self.update_claim_in(&mut tx, id, &fields, on, Some(&note))
                .await?;
        }
        for (sql, with_day) in [
            (
                "UPDATE sources SET merged_into = $2, merged_on = $3, merged_at = now(), \
                 merged_by = current_user WHERE id = $1",
                true,
            ),
            // Sources merged into `from` before, and its aliases, find `into` now.
            (
                "UPDATE sources SET merged_into = $2 WHERE merged_into = $1",
                false,
            ),
            (
                "UPDATE source_aliases SET source_id = $2 WHERE source_id = $1",
                false,
            ),
        ] {
            let query = sqlx::query(sql).bind(from).bind(into);
            let query = if with_day { query.bind(on) } else { query };
            query.execute(&mut *tx).await.map_err(|e| self.failed(e))?;
        }
        self.commit(tx).await?;
        Ok(claims)
    }
}
