//! Full-text search: FTS5 over a folded copy of each claim's text.

use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnection;

use super::SqliteStore;
use crate::domain::model::Claim;
use crate::store::search::{list_phrase, parse_query, stored_row, Searchable, Term, Token};
use crate::store::{StoreError as Error, StoreResult as Result};

/// A phrase in FTS5's syntax: the words quoted (they hold no quote).
fn quoted(words: &[String]) -> String {
    format!("\"{}\"", words.join(" "))
}

/// The FTS5 query for what a user typed (`store::search`'s syntax): a word
/// matches itself in `body` or its stem in `stems`; phrases and prefixes
/// match `body`.
pub(super) fn fts_query(query: &str) -> std::result::Result<String, String> {
    let tokens = parse_query(query)?;
    let out: Vec<String> = tokens
        .iter()
        .map(|token| match token {
            Token::Term(Term::Word { word, stem }) => format!(
                "(body : {} OR stems : {})",
                quoted(std::slice::from_ref(word)),
                quoted(std::slice::from_ref(stem))
            ),
            Token::Term(Term::Phrase(words)) => format!("body : {}", quoted(words)),
            Token::Term(Term::Prefix(word)) => {
                format!("body : {}*", quoted(std::slice::from_ref(word)))
            }
            Token::And => "AND".to_string(),
            Token::Or => "OR".to_string(),
            Token::AndNot => "NOT".to_string(),
            Token::Open => "(".to_string(),
            Token::Close => ")".to_string(),
        })
        .collect();
    Ok(out.join(" "))
}

/// The FTS5 query of `list --search`: the words as one phrase, in any
/// form; `None` when there are no words. The stems alone: a list is not
/// ranked, and every word's stem is in `stems`, so asking `body` too only
/// doubles the work.
pub(super) fn fts_phrase(text: &str) -> Option<String> {
    let (_, stems) = list_phrase(text)?;
    Some(format!("stems : {}", quoted(&stems)))
}

/// The statement that reads `Searchable` rows (a `WHERE` on `c` follows).
pub(super) const SEARCHABLE: &str = "SELECT c.id, c.text, c.quote, s.name, r.name, \
     (SELECT group_concat(o.name, char(10)) FROM claim_speakers cs \
     JOIN sources o ON o.id = cs.source_id WHERE cs.claim_id = c.id) \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

/// Rewrites one claim's search row from what is stored.
pub(super) async fn index_claim(tx: &mut SqliteConnection, claim_id: i64) -> Result<()> {
    let row: Option<Searchable> = sqlx::query_as(&format!("{SEARCHABLE} WHERE c.id = $1"))
        .bind(claim_id)
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM claim_search WHERE rowid = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    if let Some(parts) = row {
        let row = stored_row(&parts);
        sqlx::query("INSERT INTO claim_search (rowid, body, stems) VALUES ($1, $2, $3)")
            .bind(claim_id)
            .bind(row.body)
            .bind(row.stems)
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
        let fts = fts_query(query).map_err(|reason| Error::BadQuery {
            query: query.to_string(),
            reason,
        })?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT rowid FROM claim_search WHERE claim_search MATCH $1 ORDER BY rank LIMIT $2",
        )
        .bind(fts)
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
