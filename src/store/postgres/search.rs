//! Full-text search on PostgreSQL: the folded text (folded in Rust, as on
//! SQLite) matched with `tsquery` over a GIN index, ranked by `ts_rank_cd`.
//! The query syntax is SQLite's (FTS5) as far as `tsquery` has it: words
//! (all must appear), `"phrases"`, `prefix*`, `OR`, `NOT`, `AND` and
//! parentheses; `NEAR`, `^` and column filters are refused.

use chrono::NaiveDate;

use sqlx::postgres::PgConnection;

use super::PostgresStore;
use crate::domain::model::Claim;
use crate::store::search::{
    list_phrase, parse_query, stored_row, SearchRow, Searchable, Term, Token,
};
use crate::store::{Progress, StoreError as Error, StoreResult as Result, SEARCH_REBUILD};

/// The `words` vector of a search row, from `"{words}\t{stems}"`: the
/// words themselves at weight A, their stems at weight B, so that one
/// `tsquery` can ask for a word exactly (`:A`) or in any form (`:B`), and
/// exact matches rank first.
pub(super) const WORDS_VECTOR: &str =
    "setweight(to_tsvector('simple', split_part({}, E'\\t', 1)), 'A') \
     || setweight(to_tsvector('simple', split_part({}, E'\\t', 2)), 'B')";

/// The text `WORDS_VECTOR` reads for a row.
pub(super) fn words_and_stems(row: &SearchRow) -> String {
    format!("{}\t{}", row.words, row.stems)
}

/// A lexeme for `to_tsquery`, quoted (the words hold no quote), with its weight.
fn lexeme(word: &str, weight: char) -> String {
    format!("'{word}':{weight}")
}

/// Words that must follow each other, at one weight.
fn phrase(words: &[String], weight: char) -> String {
    let lexemes: Vec<String> = words.iter().map(|w| lexeme(w, weight)).collect();
    if lexemes.len() == 1 {
        return lexemes.into_iter().next().unwrap_or_default();
    }
    format!("({})", lexemes.join(" <-> "))
}

/// The `tsquery` of `list --search`: the words as one phrase, in any
/// form (their stems, which every row holds for each of its words); matches
/// nothing when there are no words.
pub(super) fn phrase_query(text: &str) -> String {
    match list_phrase(text) {
        Some((_, stems)) => phrase(&stems, 'B'),
        None => "''".to_string(),
    }
}

/// The `tsquery` of what a user typed, or why it cannot be one.
pub(super) fn ts_query(query: &str) -> std::result::Result<String, String> {
    let tokens = parse_query(query)?;
    let out: Vec<String> = tokens
        .iter()
        .map(|token| match token {
            Token::Term(Term::Word { word, stem }) => {
                format!("({} | {})", lexeme(word, 'A'), lexeme(stem, 'B'))
            }
            Token::Term(Term::Phrase(words)) => phrase(words, 'A'),
            Token::Term(Term::Prefix(word)) => format!("'{word}':*A"),
            Token::And => "&".to_string(),
            Token::Or => "|".to_string(),
            Token::AndNot => "& !".to_string(),
            Token::Open => "(".to_string(),
            Token::Close => ")".to_string(),
        })
        .collect();
    Ok(out.join(" "))
}

use super::Sql;

/// The statement that reads `Searchable` rows (a `WHERE` on `c` follows).
const SEARCHABLE: &str = "SELECT c.id, c.text, c.quote, s.name, r.name, \
     (SELECT string_agg(o.name, E'\\n' ORDER BY cs.position) FROM claim_speakers cs \
     JOIN sources o ON o.id = cs.source_id WHERE cs.claim_id = c.id) \
     FROM claims c JOIN sources s ON s.id = c.speaker_id \
     LEFT JOIN sources r ON r.id = c.reported_by_id";

/// Rewrites one claim's search row from what is stored.
pub(super) async fn index_claim(tx: &mut PgConnection, claim_id: i64) -> Sql<()> {
    let row: Option<Searchable> = sqlx::query_as(&format!("{SEARCHABLE} WHERE c.id = $1"))
        .bind(claim_id)
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM claim_search WHERE claim_id = $1")
        .bind(claim_id)
        .execute(&mut *tx)
        .await?;
    if let Some(parts) = row {
        let row = stored_row(&parts);
        sqlx::query(&format!(
            "INSERT INTO claim_search (claim_id, body, words) VALUES ($1, $2, {})",
            WORDS_VECTOR.replace("{}", "$3")
        ))
        .bind(claim_id)
        .bind(&row.body)
        .bind(words_and_stems(&row))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl PostgresStore {
    /// Rewrites the search rows of claims stored before their words had
    /// stems (`search_backfill`, migration 3), in one transaction.
    pub(super) async fn fill_search(&self, progress: Progress<'_>) -> Result<()> {
        let pending: Option<i32> =
            sqlx::query_scalar("SELECT pending FROM search_backfill LIMIT 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| self.failed(e))?;
        if pending.is_none() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM claims")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        let (total, mut done) = (total as u64, 0u64);
        progress(SEARCH_REBUILD, done, total);
        // A page of claims at a time: read in one statement, rewritten in
        // one (claim by claim, a million would take minutes).
        let mut after = 0i64;
        loop {
            let page: Vec<Searchable> = sqlx::query_as(&format!(
                "{SEARCHABLE} WHERE c.id > $1 ORDER BY c.id LIMIT 5000"
            ))
            .bind(after)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.0;
            let mut ids = Vec::with_capacity(page.len());
            let mut bodies = Vec::with_capacity(page.len());
            let mut words = Vec::with_capacity(page.len());
            for parts in &page {
                let row = stored_row(parts);
                ids.push(parts.0);
                words.push(words_and_stems(&row));
                bodies.push(row.body);
            }
            sqlx::query(&format!(
                "INSERT INTO claim_search (claim_id, body, words) \
                 SELECT u.id, u.body, {} FROM unnest($1::bigint[], $2::text[], $3::text[]) \
                 AS u(id, body, words) \
                 ON CONFLICT (claim_id) DO UPDATE SET body = excluded.body, words = excluded.words",
                WORDS_VECTOR.replace("{}", "u.words")
            ))
            .bind(&ids)
            .bind(&bodies)
            .bind(&words)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
            done += ids.len() as u64;
            progress(SEARCH_REBUILD, done, total);
        }
        sqlx::query("DELETE FROM search_backfill")
            .execute(&mut *tx)
            .await
            .map_err(|e| self.failed(e))?;
        self.commit(tx).await
    }

    /// Claims matching a query over the folded text, best first.
    pub async fn search(&self, query: &str, limit: u32, as_of: NaiveDate) -> Result<Vec<Claim>> {
        let bad = |reason: String| Error::BadQuery {
            query: query.to_string(),
            reason,
        };
        let ts = ts_query(query).map_err(bad)?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT claim_id FROM claim_search, to_tsquery('simple', $1) q WHERE words @@ q \
             ORDER BY ts_rank_cd(words, q) DESC, claim_id LIMIT $2",
        )
        .bind(&ts)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| match &e {
            // syntax_error in the tsquery
            sqlx::Error::Database(db) if db.code().as_deref() == Some("42601") => {
                bad(format!("{} (search syntax)", db.message()))
            }
            _ => self.failed(e),
        })?;
        self.claims_in_order(&ids, as_of).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_tsqueries() {
        assert_eq!(
            ts_query("convoys base").unwrap(),
            "('convoys':A | 'convoy':B) & ('base':A | 'base':B)"
        );
        assert_eq!(ts_query("al-Asad").unwrap(), "('al':A <-> 'asad':A)");
        assert_eq!(
            ts_query("\"first convoy\" OR withdraw*").unwrap(),
            "('first':A <-> 'convoy':A) | 'withdraw':*A"
        );
        assert_eq!(
            ts_query("(a OR b) NOT c").unwrap(),
            "( ('a':A | 'a':B) | ('b':A | 'b':B) ) & ! ('c':A | 'c':B)"
        );
        assert_eq!(ts_query("انسحاب").unwrap(), "('انسحاب':A | 'انسحاب':B)");
        assert_eq!(phrase_query("first, convoys"), "('first':B <-> 'convoy':B)");
        assert_eq!(phrase_query(" , "), "''");
    }
}
