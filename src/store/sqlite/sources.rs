//! Sources: add, read, rename, remove.

use sqlx::sqlite::SqliteConnection;

use super::ids::{take_id, Ids};
use super::rows::{now, source_from_row, SOURCE_COLUMNS};
use super::search::index_claim;
use super::SqliteStore;
use crate::domain::keys::name_key;
use crate::domain::model::{Reliability, Source};
pub(super) use crate::store::values::SOURCE_ID_BY_NAME;
use crate::store::values::{ALIAS_HOLDING_NAME, CLAIMS_NAMING_SOURCE, SOURCE_HOLDING_NAME};
use crate::store::{name_free, NewSource, StoreError as Error, StoreResult as Result};

pub(super) async fn insert_source_in(tx: &mut SqliteConnection, source: &NewSource) -> Result<i64> {
    ensure_name_free(tx, &source.name, None).await?;
    let id = take_id(tx, Ids::Sources).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO sources (id, name, name_key, kind, role, affiliation, url, notes, created_at, \
         reliability) VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&source.name)
    .bind(name_key(&source.name))
    .bind(source.kind.as_str())
    .bind(&source.role)
    .bind(&source.affiliation)
    .bind(&source.url)
    .bind(&source.notes)
    .bind(now())
    .bind(source.reliability.map(Reliability::as_str))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?)
}

pub(super) async fn ensure_name_free(
    tx: &mut SqliteConnection,
    name: &str,
    except: Option<i64>,
) -> Result<()> {
    let taken = sqlx::query_as(SOURCE_HOLDING_NAME)
        .bind(name_key(name))
        .fetch_optional(&mut *tx)
        .await?;
    let alias = sqlx::query_as(ALIAS_HOLDING_NAME)
        .bind(name_key(name))
        .fetch_optional(&mut *tx)
        .await?;
    name_free(taken, alias, except)
}

impl SqliteStore {
    /// Gives source `id` another name, free of every source's names.
    pub(super) async fn add_alias(&self, id: i64, name: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sources WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            return Err(Error::no_source(id));
        }
        ensure_name_free(&mut tx, name, None).await?;
        sqlx::query("INSERT INTO source_aliases (name_key, source_id, name) VALUES ($1, $2, $3)")
            .bind(name_key(name))
            .bind(id)
            .bind(name.trim())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every alias, by source and name.
    pub(super) async fn aliases(&self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT source_id, name, name_key FROM source_aliases \
             UNION ALL SELECT merged_into, name, name_key FROM sources WHERE merged_into IS NOT NULL \
             ORDER BY 1, 3",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl SqliteStore {
    /// Adds a source; a name already taken (ignoring Latin case) is a conflict.
    pub(super) async fn insert_source(&self, source: &NewSource) -> Result<Source> {
        let mut tx = self.begin().await?;
        let id = insert_source_in(&mut tx, source).await?;
        tx.commit().await?;
        self.source(id).await
    }

    /// The source with this id, or `NotFound`.
    pub(super) async fn source(&self, id: i64) -> Result<Source> {
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => source_from_row(&row),
            None => Err(Error::no_source(id)),
        }
    }

    /// The source whose name matches `name` ignoring Latin case, if any.
    pub(super) async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let row = sqlx::query(&format!(
            "{SOURCE_COLUMNS} WHERE id = ({SOURCE_ID_BY_NAME})"
        ))
        .bind(name_key(name))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| source_from_row(&row)).transpose()
    }

    /// Every source, by name.
    pub(super) async fn sources(&self) -> Result<Vec<Source>> {
        let rows = sqlx::query(&format!("{SOURCE_COLUMNS} ORDER BY name_key, id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(source_from_row).collect()
    }

    /// Replaces a source's fields; renaming onto another source's name is a conflict.
    pub(super) async fn update_source(&self, id: i64, source: &NewSource) -> Result<Source> {
        let mut tx = self.begin().await?;
        ensure_name_free(&mut tx, &source.name, Some(id)).await?;
        let done = sqlx::query(
            "UPDATE sources SET name = $1, name_key = $2, kind = $3, role = $4, affiliation = $5, \
             url = $6, notes = $7, reliability = $9 WHERE id = $8",
        )
        .bind(&source.name)
        .bind(name_key(&source.name))
        .bind(source.kind.as_str())
        .bind(&source.role)
        .bind(&source.affiliation)
        .bind(&source.url)
        .bind(&source.notes)
        .bind(id)
        .bind(source.reliability.map(Reliability::as_str))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::no_source(id));
        }
        // Source names are searchable: their claims' rows change with them.
        let claims: Vec<i64> = sqlx::query_scalar(CLAIMS_NAMING_SOURCE)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        for claim in claims {
            index_claim(&mut tx, claim).await?;
        }
        tx.commit().await?;
        self.source(id).await
    }

    /// Removes a source that no claim names as speaker (lead or joint) or outlet.
    pub(super) async fn delete_source(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let source = source_from_row(&row.ok_or_else(|| Error::no_source(id))?)?;
        let used: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims WHERE speaker_id = $1 OR reported_by_id = $1 \
             OR id IN (SELECT claim_id FROM claim_speakers WHERE source_id = $1)",
        )
        .bind(source.id)
        .fetch_one(&mut *tx)
        .await?;
        if used > 0 {
            return Err(Error::Conflict(format!(
                "source `{}` (id {}) still has {used} claim{}; remove them or move them to another source first",
                source.name,
                source.id,
                if used == 1 { "" } else { "s" }
            )));
        }
        sqlx::query("DELETE FROM sources WHERE id = $1")
            .bind(source.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
