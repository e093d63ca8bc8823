//! `import --update` on SQLite: how the shared `store::update` writes here.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::claims::{claim_fields_in, write_fields};
use super::deadlines::{deadline_in, insert_deadline_in};
use super::derived::{claim_state, refresh_derived};
use super::history::{append_event, claim_status, events_of, Event};
use super::rows::deadline_from_row;
use super::search::index_claim;
use crate::domain::dates::iso;
use crate::domain::model::{Deadline, Status};
use crate::store::differences::StoredClaim;
use crate::store::update::{self, ClaimWrites};
use crate::store::{ClaimFields, ImportClaim, NewDeadline, StoreResult as Result};

/// A stored claim as an import compares it.
pub(super) async fn stored_claim(tx: &mut SqliteConnection, id: i64) -> Result<StoredClaim> {
    let fields = claim_fields_in(tx, id).await?;
    let status = claim_status(tx, id).await?;
    let deadlines = sqlx::query(
        "SELECT id, claim_id, due, precision, label, met_on, as_written, number FROM deadlines \
         WHERE claim_id = $1 ORDER BY due, id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(deadline_from_row)
    .collect::<Result<Vec<_>>>()?;
    let events = events_of(tx, &[id]).await?.remove(&id).unwrap_or_default();
    Ok(StoredClaim {
        id,
        fields,
        status,
        deadlines,
        events,
    })
}

/// Brings a stored claim to the record's fields, status and deadlines,
/// with its search row and derived data.
pub(super) async fn update_claim_from(
    tx: &mut SqliteConnection,
    by: Option<&str>,
    stored: &StoredClaim,
    fields: &ClaimFields,
    record: &ImportClaim,
    today: NaiveDate,
) -> Result<()> {
    let id = stored.id;
    let before = claim_state(tx, id).await?;
    update::update_claim_from(&mut Writes { tx, by }, stored, fields, record, today).await?;
    index_claim(tx, id).await?;
    refresh_derived(tx, id, before).await
}

/// How an update writes on SQLite.
struct Writes<'c, 'b> {
    tx: &'c mut SqliteConnection,
    by: Option<&'b str>,
}

impl ClaimWrites for Writes<'_, '_> {
    async fn append(&mut self, claim_id: i64, event: &Event<'_>) -> Result<i64> {
        append_event(self.tx, self.by, claim_id, event).await
    }

    async fn write_fields(&mut self, claim_id: i64, fields: &ClaimFields) -> Result<()> {
        write_fields(self.tx, claim_id, fields).await
    }

    async fn set_status(&mut self, claim_id: i64, status: Status) -> Result<()> {
        sqlx::query("UPDATE claims SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(claim_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn deadline(&mut self, id: i64) -> Result<Deadline> {
        deadline_in(self.tx, id).await
    }

    async fn insert_deadline(&mut self, claim_id: i64, deadline: &NewDeadline) -> Result<i64> {
        insert_deadline_in(self.tx, claim_id, deadline).await
    }

    async fn move_deadline(&mut self, id: i64, to: &NewDeadline) -> Result<()> {
        sqlx::query("UPDATE deadlines SET due = $1, precision = $2, as_written = $3 WHERE id = $4")
            .bind(iso(to.due))
            .bind(to.precision.as_str())
            .bind(&to.as_written)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE deadlines SET label = $1 WHERE id = $2")
            .bind(label)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_met_on(&mut self, id: i64, on: NaiveDate) -> Result<()> {
        sqlx::query("UPDATE deadlines SET met_on = $1 WHERE id = $2")
            .bind(iso(on))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn delete_deadline(&mut self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM deadlines WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
