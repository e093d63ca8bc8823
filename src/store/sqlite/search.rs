//! Full-text search: FTS5 over a folded copy of each claim's text.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::SqliteStore;
use crate::domain::model::Claim;
use crate::store::{StoreError as Error, StoreResult as Result};

/// The FTS5 query for what a user typed, folded. Plain words (no quotes,
/// `*`, parentheses or operators) are matched each as a word, whatever the
/// punctuation between them ("al-Asad"); anything else is FTS5 syntax.
pub(super) fn fts_query(query: &str) -> String {
    let folded = crate::domain::normalize::fold(query);
    let operators = folded.contains(['"', '*', '(', ')', '^', ':'])
        || folded
            .split_whitespace()
            .any(|w| matches!(w, "and" | "or" | "not" | "near"));
    if operators {
        // Operators are upper case in FTS5; folding lowered them.
        return folded
            .split(' ')
            .map(|w| match w {
                "and" | "or" | "not" | "near" => w.to_uppercase(),
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) use crate::store::values::search_body;

/// Rewrites one claim's search row from what is stored.
pub(super) async fn index_claim(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    // The other speakers of a joint statement are searchable too.
    type Searchable = (
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let row: Option<Searchable> = sqlx::query_as(
        "SELECT c.text, c.quote, s.name, r.name, (SELECT group_concat(o.name, char(10)) \
         FROM claim_speakers cs JOIN sources o ON o.id = cs.source_id WHERE cs.claim_id = c.id) \
         FROM claims c JOIN sources s ON s.id = c.speaker_id \
         LEFT JOIN sources r ON r.id = c.reported_by_id WHERE c.id = $1",
    )
    .bind(claim_id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM claim_search WHERE rowid = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    if let Some((text, quote, speaker, outlet, others)) = row {
        let body = search_body(&[
            Some(&text),
            quote.as_deref(),
            Some(&speaker),
            outlet.as_deref(),
            others.as_deref(),
        ]);
        sqlx::query("INSERT INTO claim_search (rowid, body) VALUES ($1, $2)")
            .bind(claim_id)
            .bind(body)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Above this many search matches, `list --search` walks the list order
/// instead of sorting every match (see `claims`).
pub(super) const COMMON_MATCHES: i64 = 5_000;

impl SqliteStore {
    /// Claims matching an FTS5 query over the folded text, best first (bm25).
    pub(super) async fn search(
        &self,
        query: &str,
        limit: u32,
        as_of: NaiveDate,
    ) -> Result<Vec<Claim>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT rowid FROM claim_search WHERE claim_search MATCH $1 ORDER BY rank LIMIT $2",
        )
        .bind(fts_query(query))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| match &e {
            // SQLITE_ERROR from MATCH: the query's syntax.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("1") => Error::BadQuery {
                query: query.to_string(),
                reason: format!("{} (FTS5 query syntax)", db.message()),
            },
            _ => e.into(),
        })?;
        self.claims_in_order(&ids, as_of).await
    }
}
