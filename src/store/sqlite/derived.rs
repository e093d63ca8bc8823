//! Derived data of a claim, rewritten after each change.

use sqlx::sqlite::SqliteConnection;

use crate::store::StoreResult as Result;

/// Recomputes the derived open-deadline data of one claim: which deadlines
/// are open (unmet, claim pending) and the claim's next open due date.
/// Every write that changes a status or a deadline calls it.
/// Rewrites everything derived from a claim's deadlines, status and history:
/// the open flags and next due date, and the facts the track records read.
/// Call it after the claim's history row is written.
pub(super) async fn refresh_derived(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    refresh_open(tx, claim_id).await?;
    refresh_facts(tx, claim_id).await
}

/// The facts of the track records, per deadline and role (see migration 8):
/// the first due date given, the delivery date, whether the claim is pending.
/// `{where}` selects the claims.
pub(super) const FACTS_SELECT: &str = "INSERT INTO deadline_facts (deadline_id, role, source_id, first_due, done, pending) \
     SELECT dl.id, r.role, CASE r.role WHEN 'speaker' THEN c.speaker_id ELSE c.reported_by_id END, \
       COALESCE((SELECT h.old_due FROM status_history h WHERE h.claim_id = c.id \
                 AND h.deadline_id = dl.id AND h.event = 'deadline_moved' ORDER BY h.id LIMIT 1), dl.due), \
       COALESCE(dl.met_on, CASE WHEN c.status = 'fulfilled' THEN (SELECT MAX(h.at) \
                FROM status_history h WHERE h.claim_id = c.id AND h.event = 'status' \
                AND h.to_status = 'fulfilled') END), \
       c.status = 'pending' \
     FROM claims c JOIN deadlines dl ON dl.claim_id = c.id \
     CROSS JOIN (SELECT 'speaker' AS role UNION ALL SELECT 'outlet') r \
     WHERE c.status <> 'unverifiable' AND (r.role = 'speaker' OR c.reported_by_id IS NOT NULL) \
       AND {where}";

pub(super) async fn refresh_facts(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    sqlx::query(
        "DELETE FROM deadline_facts WHERE deadline_id IN (SELECT id FROM deadlines WHERE claim_id = $1)",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&FACTS_SELECT.replace("{where}", "c.id = $1"))
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub(super) async fn refresh_open(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE deadlines SET open = CASE WHEN met_on IS NULL AND EXISTS \
         (SELECT 1 FROM claims c WHERE c.id = deadlines.claim_id AND c.status = 'pending') \
         THEN 1 ELSE 0 END WHERE claim_id = $1",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE claims SET next_due = \
         (SELECT MIN(d.due) FROM deadlines d WHERE d.claim_id = $1 AND d.open = 1) WHERE id = $1",
    )
    .bind(claim_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
