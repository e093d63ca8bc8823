//! Who says what in English news prose: "X said (that) ...", "..., X said.",
//! "\"...,\" said X, a spokesman.", "according to X, ...", "X told Reuters
//! ...", with "he", "she" and "the source" taken back to an earlier speaker.

use super::text::{Span, Token};
use super::{Attribution, SpeakerRef};
use crate::domain::model::ClaimKind;

/// Reporting verbs as they stand in news prose, folded (lower case).
const VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "announced",
    "pledged",
    "promised",
    "vowed",
    "warned",
    "expects",
    "expected",
    "predicted",
    "added",
    "stated",
    "confirmed",
    "denied",
    "noted",
    "explained",
    "insisted",
    "stressed",
    "claimed",
    "reported",
    "declared",
    "estimated",
    "forecast",
    "believes",
    "argued",
    "acknowledged",
    "revealed",
];

/// Words that open what follows a speaker (a time, an addressee, a setting).
const AFTER_SPEAKER: &[&str] = &[
    "on", "in", "at", "during", "late", "earlier", "last", "this", "to",
];

/// Openers of a sentence that are not its subject (`On Monday, ...`).
const OPENERS: &[&str] = &[
    "on",
    "in",
    "earlier",
    "later",
    "meanwhile",
    "separately",
    "also",
    "however",
    "but",
    "and",
    "last",
    "this",
    "at",
    "during",
    "speaking",
    "after",
    "before",
];

/// Whether a folded word names a day: a weekday, today, yesterday.
fn is_day_word(word: &str) -> bool {
    matches!(
        word,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
            | "tonight"
            | "morning"
            | "evening"
    )
}

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we"];

/// Whether this word is a reporting verb here: `expected` only when a
/// subject stands before it, `reported` not as a passive (`was reported`).
fn is_verb(tokens: &[Token], i: usize) -> bool {
    let word = tokens[i].folded.as_str();
    if !VERBS.contains(&word) {
        return false;
    }
    let before = i.checked_sub(1).map(|b| tokens[b].folded.as_str());
    !matches!(
        before,
        Some("was" | "were" | "is" | "are" | "be" | "been" | "being")
    )
}

fn span_of(tokens: &[Token], from: usize, to: usize) -> Span {
    Span {
        start: tokens[from].span.start,
        end: tokens[to - 1].span.end,
    }
}

/// A speaker phrase as found: trimmed of an opener, a leading "and", an
/// appositive after a comma (`Jane Doe, a spokeswoman` → `Jane Doe`) and
/// quotation marks.
fn speaker_ref(tokens: &[Token], from: usize, to: usize) -> Option<SpeakerRef> {
    let mut from = from;
    let mut to = to;
    while from < to && !tokens[from].is_word() {
        from += 1;
    }
    // Up to the first comma: the name before its appositive.
    if let Some(comma) = tokens[from..to].iter().position(|t| t.is(",")) {
        if comma > 0 {
            to = from + comma;
        }
    }
    while to > from
        && (!tokens[to - 1].is_word()
            || matches!(
                tokens[to - 1].folded.as_str(),
                "also"
                    | "again"
                    | "later"
                    | "previously"
                    | "repeatedly"
                    | "earlier"
                    | "has"
                    | "had"
            ))
    {
        to -= 1;
    }
    if to == from || to - from > 12 {
        return None;
    }
    let words: Vec<&str> = tokens[from..to].iter().map(|t| t.folded.as_str()).collect();
    if words.len() == 1 && PRONOUNS.contains(&words[0]) {
        return Some(SpeakerRef::Dropped {
            feminine: words[0] == "she",
        });
    }
    if words[0] == "the" && words.len() <= 3 {
        let head = words[words.len() - 1].to_string();
        return Some(SpeakerRef::Definite {
            head,
            span: span_of(tokens, from, to),
        });
    }
    Some(SpeakerRef::Named(span_of(tokens, from, to)))
}

/// Finds who says what in one sentence, if anyone does.
pub fn attribute(tokens: &[Token]) -> Option<Attribution> {
    if let Some(found) = according_to(tokens) {
        return Some(found);
    }
    // "..., X said on Thursday.": the verb near the end names the speaker,
    // whatever verbs the words said hold.
    let last = (0..tokens.len()).rev().find(|&i| is_verb(tokens, i))?;
    let tail_words = tokens[last + 1..].iter().filter(|t| t.is_word()).count();
    let first = (0..tokens.len()).find(|&i| is_verb(tokens, i))?;
    let i = if tail_words <= 3 && last != first && tokens[..last].iter().any(|t| t.is(",")) {
        last
    } else {
        first
    };
    let cue = VERBS.iter().find(|v| **v == tokens[i].folded).copied()?;
    // Where the clause with the verb begins: after a closing quotation mark
    // and its comma, or after an opener's comma, else the sentence start.
    let quote_before = tokens[..i]
        .iter()
        .rposition(|t| t.is("\"") || t.is("”"))
        .filter(|q| tokens[..*q].iter().any(|t| t.is("\"") || t.is("“")));
    if let Some(q) = quote_before {
        // "...," X said. / "...," said X, a spokesman.
        let open = tokens[..q]
            .iter()
            .rposition(|t| t.is("\"") || t.is("“"))
            .unwrap_or(0);
        let content = trimmed(tokens, open + 1, q)?;
        let speaker = if i > q + 1 {
            speaker_ref(tokens, q + 1, i)?
        } else {
            let end = tokens[i + 1..]
                .iter()
                .position(|t| !t.is_word() && !t.is("'"))
                .map_or(tokens.len(), |p| i + 1 + p);
            speaker_ref(tokens, i + 1, end)?
        };
        return Some(Attribution {
            speaker,
            content,
            cue,
            rule: "en:quote-then-speaker",
        });
    }
    let mut clause_start = 0;
    if tokens
        .first()
        .is_some_and(|t| OPENERS.contains(&t.folded.as_str()))
    {
        // A short opener (On Monday, In a statement,): longer is the clause.
        if let Some(comma) = tokens[..i]
            .iter()
            .position(|t| t.is(","))
            .filter(|c| *c <= 5)
        {
            clause_start = comma + 1;
        }
    }
    // CONTENT, X said. — the verb near the end, a comma before the speaker.
    let rest_words = tokens[i + 1..].iter().filter(|t| t.is_word()).count();
    if rest_words <= 4 {
        if let Some(comma) = tokens[clause_start..i].iter().rposition(|t| t.is(",")) {
            let comma = clause_start + comma;
            if let (Some(speaker), Some(content)) = (
                speaker_ref(tokens, comma + 1, i),
                trimmed(tokens, clause_start, comma),
            ) {
                return Some(Attribution {
                    speaker,
                    content,
                    cue,
                    rule: "en:content-then-speaker",
                });
            }
        }
    }
    // X said (on Monday) (that) CONTENT.
    let speaker = if i > clause_start {
        speaker_ref(tokens, clause_start, i)?
    } else {
        return None;
    };
    let mut j = i + 1;
    // An addressee, a time or a setting before "that": told a parliamentary
    // committee that, said in a joint statement on Wednesday that.
    if let Some(that) = tokens[j..]
        .iter()
        .take(10)
        .position(|t| t.folded == "that" || t.is(",") || t.is(":") || t.is("\""))
        .filter(|p| tokens[j + p].folded == "that")
    {
        j += that;
    } else {
        // said on Wednesday it would ...: the day, then the words said.
        while tokens
            .get(j)
            .is_some_and(|t| AFTER_SPEAKER.contains(&t.folded.as_str()))
            && tokens.get(j + 1).is_some_and(|t| is_day_word(&t.folded))
        {
            j += 2;
        }
        // told Reuters / told reporters: the addressee.
        if cue == "told" && tokens.get(j).is_some_and(|t| t.is_word()) {
            j += 1;
        }
    }
    while j < tokens.len() && (tokens[j].folded == "that" || tokens[j].is(",") || tokens[j].is(":"))
    {
        j += 1;
    }
    let content = trimmed(tokens, j, tokens.len())?;
    Some(Attribution {
        speaker,
        content,
        cue,
        rule: "en:speaker-verb",
    })
}

/// The words from `from` to `to`, without marks at either end (a quoted
/// span keeps its inner punctuation).
fn trimmed(tokens: &[Token], from: usize, to: usize) -> Option<Span> {
    let mut from = from;
    let mut to = to;
    while from < to && !tokens[from].is_word() {
        from += 1;
    }
    while to > from && !tokens[to - 1].is_word() && !tokens[to - 1].is("%") {
        to -= 1;
    }
    (to > from).then(|| span_of(tokens, from, to))
}

/// "according to X, CONTENT" and "CONTENT, according to X."
fn according_to(tokens: &[Token]) -> Option<Attribution> {
    let at = (0..tokens.len().saturating_sub(1))
        .find(|&i| tokens[i].folded == "according" && tokens[i + 1].folded == "to")?;
    let name_from = at + 2;
    let name_to = tokens[name_from..]
        .iter()
        .position(|t| t.is(",") || t.is(".") || t.is(";"))
        .map_or(tokens.len(), |p| name_from + p);
    let speaker = speaker_ref(tokens, name_from, name_to)?;
    let content = if tokens[..at].iter().filter(|t| t.is_word()).count() <= 1 {
        trimmed(tokens, name_to, tokens.len())?
    } else {
        trimmed(tokens, 0, at)?
    };
    Some(Attribution {
        speaker,
        content,
        cue: "according to",
        rule: "en:according-to",
    })
}

/// The kind a sentence's cues give: opinion (believes, argued), prediction
/// (expects, predicted, warned, may, likely), promise (pledged, promised,
/// vowed, will, plans to, a deadline), else a report.
pub fn kind(tokens: &[Token], cue: &str, has_deadline: bool) -> ClaimKind {
    let has = |list: &[&str]| tokens.iter().any(|t| list.contains(&t.folded.as_str()));
    if matches!(cue, "believes" | "argued") || has(&["opinion", "mistake", "believes"]) {
        return ClaimKind::Opinion;
    }
    if matches!(
        cue,
        "expects" | "expected" | "predicted" | "warned" | "forecast" | "estimated"
    ) || has(&[
        "may", "might", "could", "likely", "probably", "expected", "expects",
    ]) {
        return ClaimKind::Prediction;
    }
    if matches!(cue, "pledged" | "promised" | "vowed")
        || has_deadline
        || has(&[
            "will",
            "would",
            "going",
            "shall",
            "plans",
            "intends",
            "pledged",
            "promised",
            "vowed",
            "committed",
        ])
    {
        return ClaimKind::Promise;
    }
    ClaimKind::Report
}
