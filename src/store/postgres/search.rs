//! Full-text search on PostgreSQL: the folded text (folded in Rust, as on
//! SQLite) matched with `tsquery` over a GIN index, ranked by `ts_rank_cd`.
//! The query syntax is SQLite's (FTS5) as far as `tsquery` has it: words
//! (all must appear), `"phrases"`, `prefix*`, `OR`, `NOT`, `AND` and
//! parentheses; `NEAR`, `^` and column filters are refused.

use chrono::NaiveDate;

use sqlx::postgres::PgConnection;

use super::PostgresStore;
use crate::domain::model::Claim;
use crate::domain::normalize::fold;
use crate::store::values::search_body;
use crate::store::{StoreError as Error, StoreResult as Result};

/// The words of folded text, split as SQLite splits plain queries.
fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of a search row as the index reads them: split in Rust, so
/// PostgreSQL's parser sees nothing to split further.
pub(super) fn search_words(body: &str) -> String {
    words(body).join(" ")
}

/// A lexeme for `to_tsquery`, quoted (the words hold no quote).
fn lexeme(word: &str) -> String {
    format!("'{word}'")
}

/// Words that must follow each other.
fn phrase(words: &[&str]) -> String {
    let lexemes: Vec<String> = words.iter().map(|w| lexeme(w)).collect();
    format!("({})", lexemes.join(" <-> "))
}

/// The `tsquery` of words as one phrase (`list --search`); matches nothing
/// when there are no words.
pub(super) fn phrase_query(text: &str) -> String {
    let folded = fold(text);
    let words = words(&folded);
    if words.is_empty() {
        return "''".to_string();
    }
    phrase(&words)
}

/// The `tsquery` of what a user typed, or why it cannot be one.
pub(super) fn ts_query(query: &str) -> std::result::Result<String, String> {
    let folded = fold(query);
    let mut out: Vec<String> = Vec::new();
    // Whether the last token ends an operand (so the next one needs `&`).
    let mut operand = false;
    let push_operand = |out: &mut Vec<String>, text: String, operand: &mut bool| {
        if *operand {
            out.push("&".to_string());
        }
        out.push(text);
        *operand = true;
    };
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        match c {
            '"' => {
                let end = rest[1..]
                    .find('"')
                    .ok_or("a quote is not closed".to_string())?;
                let inner = words(&rest[1..=end]);
                rest = &rest[end + 2..];
                if !inner.is_empty() {
                    push_operand(&mut out, phrase(&inner), &mut operand);
                }
            }
            '(' => {
                if operand {
                    out.push("&".to_string());
                }
                out.push("(".to_string());
                operand = false;
                rest = &rest[1..];
            }
            ')' => {
                out.push(")".to_string());
                operand = true;
                rest = &rest[1..];
            }
            '^' | ':' => return Err(format!("`{c}` is not supported on PostgreSQL")),
            _ => {
                let end = rest
                    .find(|ch: char| ch.is_whitespace() || matches!(ch, '"' | '(' | ')'))
                    .unwrap_or(rest.len());
                let token = &rest[..end];
                rest = &rest[end..];
                match token {
                    "or" | "and" if !operand => {
                        return Err(format!("`{}` needs a term before it", token.to_uppercase()))
                    }
                    "or" => {
                        out.push("|".to_string());
                        operand = false;
                    }
                    "and" => {
                        out.push("&".to_string());
                        operand = false;
                    }
                    "not" => {
                        if !operand {
                            return Err("`NOT` needs a term before it".to_string());
                        }
                        out.push("& !".to_string());
                        operand = false;
                    }
                    "near" => return Err("`NEAR` is not supported on PostgreSQL".to_string()),
                    _ => {
                        let (stem, prefix) = match token.strip_suffix('*') {
                            Some(stem) => (stem, true),
                            None => (token, false),
                        };
                        let parts = words(stem);
                        if parts.is_empty() {
                            continue;
                        }
                        let mut text = if parts.len() == 1 {
                            lexeme(parts[0])
                        } else {
                            phrase(&parts)
                        };
                        if prefix {
                            if parts.len() > 1 {
                                return Err(format!("`{token}`: a prefix is one word"));
                            }
                            text.push_str(":*");
                        }
                        push_operand(&mut out, text, &mut operand);
                    }
                }
            }
        }
    }
    if out.is_empty() {
        return Err("there is nothing to search for".to_string());
    }
    if !operand {
        return Err("the query ends with an operator".to_string());
    }
    Ok(out.join(" "))
}

use super::Sql;

/// Rewrites one claim's search row from what is stored.
pub(super) async fn index_claim(tx: &mut PgConnection, claim_id: i64) -> Sql<()> {
    type Searchable = (
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let row: Option<Searchable> = sqlx::query_as(
        "SELECT c.text, c.quote, s.name, r.name, (SELECT string_agg(o.name, E'\\n' \
         ORDER BY cs.position) FROM claim_speakers cs JOIN sources o ON o.id = cs.source_id \
         WHERE cs.claim_id = c.id) FROM claims c JOIN sources s ON s.id = c.speaker_id \
         LEFT JOIN sources r ON r.id = c.reported_by_id WHERE c.id = $1",
    )
    .bind(claim_id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM claim_search WHERE claim_id = $1")
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
        sqlx::query(
            "INSERT INTO claim_search (claim_id, body, words) \
             VALUES ($1, $2, to_tsvector('simple', $3))",
        )
        .bind(claim_id)
        .bind(&body)
        .bind(search_words(&body))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl PostgresStore {
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
        assert_eq!(ts_query("convoy base").unwrap(), "'convoy' & 'base'");
        assert_eq!(ts_query("al-Asad").unwrap(), "('al' <-> 'asad')");
        assert_eq!(
            ts_query("\"first convoy\" OR withdraw*").unwrap(),
            "('first' <-> 'convoy') | 'withdraw':*"
        );
        assert_eq!(ts_query("(a OR b) NOT c").unwrap(), "( 'a' | 'b' ) & ! 'c'");
        assert_eq!(ts_query("انسحاب التحالف").unwrap(), "'انسحاب' & 'التحالف'");
        assert!(ts_query("a NEAR b").is_err());
        assert!(ts_query("OR a").is_err());
        assert!(ts_query("a OR").is_err());
        assert!(ts_query("\"open").is_err());
        assert!(ts_query("  ").is_err());
        assert_eq!(phrase_query("first, convoy"), "('first' <-> 'convoy')");
    }
}
