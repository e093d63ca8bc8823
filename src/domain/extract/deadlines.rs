//! Deadline phrases in what a speaker says: the longest run of words that
//! the date grammar reads, counted from the day it was said, kept when it
//! names a time to come the way deadlines are written (a month, a part or
//! a span of a period, a relative phrase, a year after "في", "by", "عام").

use chrono::NaiveDate;

use super::text::{Span, Token};
use crate::domain::dates::{self, Period, Precision};

/// A deadline phrase found: its words as written and what they mean.
#[derive(Debug, Clone)]
pub struct Found {
    pub span: Span,
    pub period: Period,
    /// Said as a deadline whatever the tense: with a year, a relative word
    /// or "by"/"بحلول". A bare month ("in October") is one only in a promise
    /// or a prediction ("the talks began in January" is not).
    pub firm: bool,
}

/// Words that may open a deadline phrase beside month names and numbers.
const OPENERS: &[&str] = &[
    "بحلول",
    "قبل",
    "حتى",
    "في",
    "خلال",
    "مطلع",
    "نهايه",
    "اواخر",
    "اوائل",
    "منتصف",
    "بدايه",
    "مستهل",
    "اواسط",
    "العام",
    "الشهر",
    "الاسبوع",
    "النصف",
    "الربع",
    "شهر",
    "عام",
    "سنه",
    "غضون",
    "by",
    "before",
    "until",
    "in",
    "within",
    "end",
    "early",
    "mid",
    "late",
    "next",
    "the",
    "this",
    "first",
    "second",
    "h1",
    "h2",
    "q1",
    "q2",
    "q3",
    "q4",
    "mid-2026",
    "later",
    "week",
    "month",
    "year",
];

/// Words whose presence makes a parsed phrase a deadline: relative and
/// part-of-period words (a bare number or a weekday is not enough).
const SIGNS: &[&str] = &[
    "المقبل",
    "القادم",
    "المقبله",
    "القادمه",
    "بحلول",
    "نهايه",
    "اواخر",
    "اوائل",
    "منتصف",
    "مطلع",
    "بدايه",
    "مستهل",
    "اواسط",
    "خلال",
    "غضون",
    "النصف",
    "الربع",
    "next",
    "end",
    "early",
    "mid",
    "late",
    "within",
    "half",
    "quarter",
    "h1",
    "h2",
    "q1",
    "q2",
    "q3",
    "q4",
    "coming",
    "this",
    "الحالي",
    "الجاري",
    "الحاليه",
    "الجاريه",
];

/// Words before a year number that make it a date (في 2026، by 2027).
const YEAR_CUES: &[&str] = &[
    "في",
    "بحلول",
    "حتى",
    "قبل",
    "عام",
    "العام",
    "سنه",
    "by",
    "in",
    "before",
    "until",
    "of",
];

/// The deadline phrases of `tokens` (one span's words), left to right,
/// none overlapping; each ends no earlier than `said_on`.
pub fn find(text: &str, tokens: &[Token], said_on: NaiveDate) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let opens = OPENERS.contains(&t.folded.as_str())
            || dates::names_a_month(&t.folded)
            || t.folded.chars().all(|c| c.is_ascii_digit());
        // "would end next month": end is the verb there, not a part.
        let a_verb = t.folded == "end"
            && i.checked_sub(1).is_some_and(|b| {
                matches!(
                    tokens[b].folded.as_str(),
                    "will"
                        | "would"
                        | "to"
                        | "could"
                        | "may"
                        | "might"
                        | "should"
                        | "shall"
                        | "must"
                        | "can"
                        | "not"
                )
            });
        let past = i
            .checked_sub(1)
            .is_some_and(|b| SINCE.contains(&tokens[b].folded.as_str()));
        if !opens || !t.is_word() || a_verb || past {
            i += 1;
            continue;
        }
        let mut best: Option<(usize, Period)> = None;
        for j in (i + 1..=(i + 8).min(tokens.len())).rev() {
            if !tokens[j - 1].is_word() {
                continue;
            }
            let phrase = &text[t.span.start..tokens[j - 1].span.end];
            if let Ok(period) = dates::parse(phrase, said_on) {
                if is_deadline(&tokens[i..j], period, said_on) {
                    best = Some((j, period));
                    break;
                }
            }
        }
        match best {
            Some((j, period)) => {
                out.push(Found {
                    span: Span {
                        start: t.span.start,
                        end: tokens[j - 1].span.end,
                    },
                    period,
                    firm: is_firm(&tokens[i..j]),
                });
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// Whether a phrase the grammar read is a deadline as news writes one.
/// Words before a phrase that make it a time past: since January, منذ آذار.
const SINCE: &[&str] = &["since", "from", "منذ", "starting", "ago"];

/// Words that say "by": the phrase is a deadline whatever the tense.
const BY: &[&str] = &[
    "by",
    "before",
    "until",
    "till",
    "within",
    "بحلول",
    "قبل",
    "حتي",
    "خلال",
    "غضون",
];

/// Whether a phrase a deadline is firm (see `Found::firm`).
fn is_firm(words: &[Token]) -> bool {
    words.iter().flat_map(|t| t.folded.split('-')).any(|w| {
        SIGNS.contains(&w)
            || BY.contains(&w)
            || (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
    })
}

fn is_deadline(words: &[Token], period: Period, said_on: NaiveDate) -> bool {
    if period.end < said_on {
        return false;
    }
    // mid-June: each part of a joined word counts.
    let folded: Vec<&str> = words.iter().flat_map(|t| t.folded.split('-')).collect();
    // An English month is a capitalised word ("may" is a verb).
    let month = words.iter().any(|t| {
        t.folded.split('-').any(dates::names_a_month)
            && (!t.text.is_ascii() || t.text.split('-').any(|p| p.starts_with(char::is_uppercase)))
    });
    let sign = folded.iter().any(|w| SIGNS.contains(w));
    let year_after_cue = folded.windows(2).any(|w| {
        YEAR_CUES.contains(&w[0]) && w[1].len() == 4 && w[1].chars().all(|c| c.is_ascii_digit())
    });
    match period.precision {
        // A day: a month with its day, or a span (within six months).
        Precision::Day => {
            sign || month && folded.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()))
        }
        Precision::Year => sign || year_after_cue,
        _ => month || sign || year_after_cue,
    }
}
