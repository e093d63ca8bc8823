//! Sources on PostgreSQL: add, read, rename, remove.

use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Row;

use super::search::index_claim;
use super::{failure, PostgresStore};
use crate::domain::keys::name_key;
use crate::domain::model::{Reliability, Source, SourceKind};
use crate::store::values::{merged, opt_reliability, stored};
use crate::store::values::{
    ALIAS_HOLDING_NAME, CLAIMS_NAMING_SOURCE, SOURCE_HOLDING_NAME, SOURCE_ID_BY_NAME,
};
use crate::store::{name_free, NewSource, StoreError as Error, StoreResult as Result};

pub(super) const SOURCE_COLUMNS: &str =
    "SELECT id, name, kind, role, affiliation, url, notes, reliability, merged_into, merged_on \
     FROM sources";

pub(super) fn source_from_row(row: &PgRow) -> Result<Source> {
    let get = |e: sqlx::Error| Error::Corrupt(format!("a source row: {e}"));
    Ok(Source {
        id: row.try_get("id").map_err(get)?,
        name: row.try_get("name").map_err(get)?,
        kind: stored(
            "source kind",
            row.try_get("kind").map_err(get)?,
            SourceKind::from_word,
        )?,
        role: row.try_get("role").map_err(get)?,
        affiliation: row.try_get("affiliation").map_err(get)?,
        url: row.try_get("url").map_err(get)?,
        notes: row.try_get("notes").map_err(get)?,
        reliability: opt_reliability(row.try_get("reliability").map_err(get)?)?,
        merged: merged(
            row.try_get("merged_into").map_err(get)?,
            row.try_get("merged_on").map_err(get)?,
        )?,
    })
}

impl PostgresStore {
    /// Adds a source; a name already taken (ignoring Latin case) is a
    /// conflict. Returns its id.
    pub(super) async fn add_source(&self, source: &NewSource) -> Result<i64> {
        let mut tx = self.begin().await?;
        ensure_name_free(&mut tx, &self.location, &source.name, None).await?;
        let id = insert_source_in(&mut tx, source)
            .await
            .map_err(|e| self.failed(e))?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// The source with this id, or `NotFound`.
    pub async fn source(&self, id: i64) -> Result<Source> {
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        match row {
            Some(row) => source_from_row(&row),
            None => Err(Error::no_source(id)),
        }
    }

    /// The source whose name matches `name` ignoring Latin case, if any.
    pub async fn source_by_name(&self, name: &str) -> Result<Option<Source>> {
        let row = sqlx::query(&format!(
            "{SOURCE_COLUMNS} WHERE id = ({SOURCE_ID_BY_NAME})"
        ))
        .bind(name_key(name))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        row.map(|row| source_from_row(&row)).transpose()
    }

    /// Every source, by name (byte order of the name key, as on SQLite).
    pub async fn sources(&self) -> Result<Vec<Source>> {
        let rows = sqlx::query(&format!(
            "{SOURCE_COLUMNS} ORDER BY name_key COLLATE \"C\", id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        rows.iter().map(source_from_row).collect()
    }

    /// Replaces a source's fields, and its claims' search rows, which name
    /// it; renaming onto another source's name is a conflict.
    pub(super) async fn change_source(&self, id: i64, source: &NewSource) -> Result<()> {
        let mut tx = self.begin().await?;
        ensure_name_free(&mut tx, &self.location, &source.name, Some(id)).await?;
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
        .await
        .map_err(|e| self.failed(e))?;
        if done.rows_affected() == 0 {
            return Err(Error::no_source(id));
        }
        // Its claims' search rows name it.
        let claims: Vec<i64> = sqlx::query_scalar(CLAIMS_NAMING_SOURCE)
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        for claim in claims {
            index_claim(&mut tx, claim)
                .await
                .map_err(|e| self.failed(e))?;
        }
        self.commit(tx).await
    }

    /// Removes a source that no claim names as speaker (lead or joint) or outlet.
    pub async fn delete_source(&self, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        // Locked, so that no claim can name it between the count and the delete.
        let row = sqlx::query(&format!("{SOURCE_COLUMNS} WHERE id = $1 FOR UPDATE"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let source = source_from_row(&row.ok_or_else(|| Error::no_source(id))?)?;
        let used: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims WHERE speaker_id = $1 OR reported_by_id = $1 \
             OR id IN (SELECT claim_id FROM claim_speakers WHERE source_id = $1)",
        )
        .bind(source.id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| self.failed(e))?;
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
            .await
            .map_err(|e| self.failed(e))?;
        self.commit(tx).await?;
        Ok(())
    }
}

async fn ensure_name_free(
    tx: &mut PgConnection,
    location: &str,
    name: &str,
    except: Option<i64>,
) -> Result<()> {
    let taken = sqlx::query_as(SOURCE_HOLDING_NAME)
        .bind(name_key(name))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| failure(e, location))?;
    let alias = sqlx::query_as(ALIAS_HOLDING_NAME)
        .bind(name_key(name))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| failure(e, location))?;
    name_free(taken, alias, except)
}

/// Adds a source whose name is known to be free. Returns its id.
pub(super) async fn insert_source_in(
    tx: &mut PgConnection,
    source: &NewSource,
) -> std::result::Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sources (name, name_key, kind, role, affiliation, url, notes, created_at, \
         reliability) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8) RETURNING id",
    )
    .bind(&source.name)
    .bind(name_key(&source.name))
    .bind(source.kind.as_str())
    .bind(&source.role)
    .bind(&source.affiliation)
    .bind(&source.url)
    .bind(&source.notes)
    .bind(source.reliability.map(Reliability::as_str))
    .fetch_one(&mut *tx)
    .await
}

/// The id of the source named like `source` (by name key), if any.
pub(super) async fn source_id_by_key(
    tx: &mut PgConnection,
    name: &str,
) -> std::result::Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(SOURCE_ID_BY_NAME)
        .bind(name_key(name))
        .fetch_optional(&mut *tx)
        .await
}

impl PostgresStore {
    /// Gives source `id` another name, free of every source's names.
    pub async fn add_alias(&self, id: i64, name: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sources WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        if known == 0 {
            return Err(Error::no_source(id));
        }
        ensure_name_free(&mut tx, &self.location, name, None).await?;
        sqlx::query("INSERT INTO source_aliases (name_key, source_id, name) VALUES ($1, $2, $3)")
            .bind(name_key(name))
            .bind(id)
            .bind(name.trim())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        self.commit(tx).await
    }

    /// Every alias, by source and name.
    pub async fn aliases(&self) -> Result<Vec<(i64, String)>> {
        sqlx::query_as(
            "SELECT source_id, name FROM (SELECT source_id, name, name_key FROM source_aliases \
             UNION ALL SELECT merged_into, name, name_key FROM sources WHERE merged_into IS NOT NULL) \
             names ORDER BY source_id, name_key COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))
    }
}
