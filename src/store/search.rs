//! Search, engine-neutral: what a claim's search row holds (its folded text
//! and the stems of its words) and what a query asks for, parsed once, so
//! that SQLite (FTS5) and PostgreSQL (`tsquery`) match the same claims.
//!
//! The query syntax is FTS5's as far as both engines have it: words (all
//! must appear; each matches itself or another form of it, by its stem),
//! `"phrases"` and `prefix*` (matched exactly, unstemmed), `OR`, `NOT`,
//! `AND` and parentheses. `NEAR` and `^` are refused; a `:` inside a word is
//! punctuation, like `-` (there are no column filters).

use crate::domain::normalize::fold;
use crate::domain::stem::stem;
use crate::store::ImportClaim;

/// What a claim's search row holds.
pub(crate) struct SearchRow {
    /// The folded text: text, quote, speaker, outlet, other speakers.
    pub body: String,
    /// Its words, split as queries split them, space-separated.
    pub words: String,
    /// The stem of each of those words, in the same order.
    pub stems: String,
}

/// The search row of a claim's searchable parts (text, quote, speaker,
/// outlet, other speakers).
pub(crate) fn search_row(parts: &[Option<&str>]) -> SearchRow {
    let joined: Vec<&str> = parts.iter().flatten().copied().collect();
    let body = fold(&joined.join("\n"));
    let split = words(&body);
    let stems: Vec<String> = split.iter().map(|w| stem(w)).collect();
    SearchRow {
        words: split.join(" "),
        stems: stems.join(" "),
        body,
    }
}

/// A claim's searchable parts as both engines read them back: id, text,
/// quote, speaker, outlet, and the other speakers (one per line, in order).
pub(crate) type Searchable = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// The search row of a stored claim.
pub(crate) fn stored_row(parts: &Searchable) -> SearchRow {
    let (_, text, quote, speaker, outlet, others) = parts;
    search_row(&[
        Some(text),
        quote.as_deref(),
        Some(speaker),
        outlet.as_deref(),
        others.as_deref(),
    ])
}

/// The search row of an imported record.
pub(crate) fn record_row(r: &ImportClaim) -> SearchRow {
    let parts: Vec<Option<&str>> = [
        Some(r.claim.text.as_str()),
        r.claim.quote.as_deref(),
        Some(r.speaker.name.as_str()),
        r.reported_by.as_ref().map(|o| o.name.as_str()),
    ]
    .into_iter()
    .chain(r.other_speakers.iter().map(|s| Some(s.name.as_str())))
    .collect();
    search_row(&parts)
}

/// The words of folded text: split at every character that is not a
/// letter or a digit.
pub(crate) fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// One operand of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    /// A word as typed (folded), and its stem: matches either.
    Word { word: String, stem: String },
    /// Words that must follow each other, exactly.
    Phrase(Vec<String>),
    /// A word's beginning, exactly.
    Prefix(String),
}

/// A query, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Term(Term),
    And,
    Or,
    /// `a NOT b`: a, and not b.
    AndNot,
    Open,
    Close,
}

/// The tokens of what a user typed, with `And` made explicit between
/// operands, or why it cannot be a query.
pub(crate) fn parse_query(query: &str) -> Result<Vec<Token>, String> {
    let folded = fold(query);
    let mut out: Vec<Token> = Vec::new();
    // Whether the last token ends an operand (so the next one needs `And`).
    let mut operand = false;
    let push_operand = |out: &mut Vec<Token>, term: Term, operand: &mut bool| {
        if *operand {
            out.push(Token::And);
        }
        out.push(Token::Term(term));
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
                    let phrase = inner.into_iter().map(str::to_string).collect();
                    push_operand(&mut out, Term::Phrase(phrase), &mut operand);
                }
            }
            '(' => {
                if operand {
                    out.push(Token::And);
                }
                out.push(Token::Open);
                operand = false;
                rest = &rest[1..];
            }
            ')' => {
                out.push(Token::Close);
                operand = true;
                rest = &rest[1..];
            }
            '^' | ':' => return Err(format!("`{c}` is not supported")),
            _ => {
                let end = rest
                    .find(|ch: char| ch.is_whitespace() || matches!(ch, '"' | '(' | ')'))
                    .unwrap_or(rest.len());
                let token = &rest[..end];
                rest = &rest[end..];
                match token {
                    "or" | "and" | "not" if !operand => {
                        return Err(format!("`{}` needs a term before it", token.to_uppercase()))
                    }
                    "or" => {
                        out.push(Token::Or);
                        operand = false;
                    }
                    "and" => {
                        out.push(Token::And);
                        operand = false;
                    }
                    "not" => {
                        out.push(Token::AndNot);
                        operand = false;
                    }
                    "near" => return Err("`NEAR` is not supported".to_string()),
                    _ => {
                        let (text, prefix) = match token.strip_suffix('*') {
                            Some(text) => (text, true),
                            None => (token, false),
                        };
                        let parts = words(text);
                        let term = match (parts.as_slice(), prefix) {
                            ([], _) => continue,
                            ([word], true) => Term::Prefix(word.to_string()),
                            (_, true) => return Err(format!("`{token}`: a prefix is one word")),
                            ([word], false) => Term::Word {
                                word: word.to_string(),
                                stem: stem(word),
                            },
                            // `al-asad`: its words as a phrase.
                            (parts, false) => {
                                Term::Phrase(parts.iter().map(|p| p.to_string()).collect())
                            }
                        };
                        push_operand(&mut out, term, &mut operand);
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
    Ok(out)
}

/// `list --search`: the words as one phrase, each matching itself or
/// another form of it; `None` when there are no words.
pub(crate) fn list_phrase(text: &str) -> Option<(Vec<String>, Vec<String>)> {
    let folded = fold(text);
    let split = words(&folded);
    if split.is_empty() {
        return None;
    }
    let stems = split.iter().map(|w| stem(w)).collect();
    Some((split.into_iter().map(str::to_string).collect(), stems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Token {
        Token::Term(Term::Word {
            word: w.into(),
            stem: stem(w),
        })
    }

    #[test]
    fn queries_parse_into_terms_and_operators() {
        assert_eq!(
            parse_query("convoys base").unwrap(),
            vec![word("convoys"), Token::And, word("base")]
        );
        assert_eq!(
            parse_query("al-Asad").unwrap(),
            vec![Token::Term(Term::Phrase(vec!["al".into(), "asad".into()]))]
        );
        assert_eq!(
            parse_query("\"first convoy\" OR withdraw*").unwrap(),
            vec![
                Token::Term(Term::Phrase(vec!["first".into(), "convoy".into()])),
                Token::Or,
                Token::Term(Term::Prefix("withdraw".into())),
            ]
        );
        assert_eq!(
            parse_query("(a OR b) NOT c").unwrap(),
            vec![
                Token::Open,
                word("a"),
                Token::Or,
                word("b"),
                Token::Close,
                Token::AndNot,
                word("c"),
            ]
        );
        for (bad, why) in [
            ("a NEAR b", "NEAR"),
            ("OR a", "needs a term"),
            ("NOT a", "needs a term"),
            ("a OR", "ends with an operator"),
            ("\"open", "a quote is not closed"),
            ("  ", "nothing to search for"),
            ("^x", "`^` is not supported"),
            ("al-asad*", "a prefix is one word"),
        ] {
            let err = parse_query(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_row_keeps_each_word_with_its_stem() {
        let row = search_row(&[Some("بدء الانسحاب"), None, Some("Convoys")]);
        assert_eq!(row.words, "بدء الانسحاب convoys");
        assert_eq!(row.stems, "بدء انسحاب convoy");
    }
}
