//! `claims extract`: candidate claims from a news article, by rules a
//! reader can check, offline and the same every run. A sentence with a
//! reporting verb or frame gives a claim: who (the speaker phrase, or an
//! earlier speaker for "المصدر", "the source", "he" and a dropped subject),
//! what (the words said, as a span of the text), its kind (from its cue
//! words) and its deadlines (phrases the date grammar reads). What is not
//! attributed is not proposed.

mod arabic;
mod deadlines;
mod english;
pub mod text;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::dates;
use crate::domain::model::{ClaimKind, SourceKind};
use crate::domain::normalize::fold;
use text::{Span, Token};

/// The language an article is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ar,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    /// The language most of the text's letters are in.
    pub fn of(text: &str) -> Lang {
        let arabic = text
            .chars()
            .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
            .count();
        let latin = text.chars().filter(char::is_ascii_alphabetic).count();
        if arabic >= latin {
            Lang::Ar
        } else {
            Lang::En
        }
    }
}

/// Who a sentence says is speaking.
#[derive(Debug, Clone)]
pub enum SpeakerRef {
    /// Named here: مصدر أمني عراقي, Jane Doe.
    Named(Span),
    /// A definite head naming an earlier speaker: المصدر, the source.
    Definite { head: String, span: Span },
    /// No subject (وأضاف), or a pronoun (he): the last speaker, agreeing
    /// in gender where the verb shows it (أضافت).
    Dropped { feminine: bool },
}

/// What one sentence's rule found.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub speaker: SpeakerRef,
    pub content: Span,
    /// The verb or frame that fired.
    pub cue: &'static str,
    pub rule: &'static str,
}

/// A deadline phrase in a candidate, as written and as read.
#[derive(Debug, Clone, Serialize)]
pub struct FoundDeadline {
    pub as_written: String,
    pub start: usize,
    pub end: usize,
    pub due: NaiveDate,
    pub precision: dates::Precision,
    /// The period as `claims` shows it (`Sep 2026`).
    pub shown: String,
}

/// A proposed claim.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The speaker as the article names them (the earlier mention for
    /// "المصدر", "he" or a dropped subject).
    pub speaker: String,
    /// How this sentence refers to them (`المصدر`; empty when dropped).
    pub speaker_as_written: String,
    /// The kind a new source would get, from the words of its name.
    pub speaker_kind: SourceKind,
    /// The words said, exactly as in the text, and their byte offsets.
    pub quote: String,
    pub start: usize,
    pub end: usize,
    pub kind: ClaimKind,
    pub deadlines: Vec<FoundDeadline>,
    pub confidence: f64,
    /// The rule that fired (`ar:verb-speaker`, `en:according-to`, ...), and
    /// the cue word.
    pub rule: String,
    pub cue: String,
}

/// What an article gave.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub lang: Lang,
    /// From the dateline (`شفق نيوز- الأنبار`, `BAGHDAD (Reuters) -`).
    pub outlet: Option<String>,
    pub place: Option<String>,
    /// A date in the dateline, if it has one.
    pub dateline_date: Option<NaiveDate>,
    pub candidates: Vec<Candidate>,
}

/// A speaker met so far, for later references to them.
struct Mention {
    name: String,
    head: String,
    feminine: bool,
}

/// Extracts the candidate claims of `text` (plain text: strip HTML first),
/// counting relative deadlines from `said_on`, else from the dateline's
/// date, else from `today`.
pub fn extract(
    text: &str,
    lang: Option<Lang>,
    said_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Extraction {
    let lang = lang.unwrap_or_else(|| Lang::of(text));
    let (dateline, body_start) = dateline(text, today);
    let anchor = said_on.or(dateline.date).unwrap_or(today);
    let mut mentions: Vec<Mention> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    // Whether the last candidate was a lede its next sentence details.
    let mut previous_named_by: Option<usize> = None;
    let sentences = text::sentences(text)
        .into_iter()
        .filter(|s| s.end > body_start)
        .map(|s| Span {
            start: s.start.max(body_start),
            end: s.end,
        })
        .flat_map(|s| clauses(text, s, lang));
    for sentence in sentences {
        let tokens = text::tokens(text, sentence);
        let found = match lang {
            Lang::Ar => arabic::attribute(&tokens, sentence),
            Lang::En => english::attribute(&tokens),
        };
        let Some(found) = found else {
            continue;
        };
        let Some((speaker, as_written, confidence)) = resolve(text, &found.speaker, &mut mentions)
        else {
            continue;
        };
        let content_tokens: Vec<Token> = tokens
            .iter()
            .filter(|t| t.span.start >= found.content.start && t.span.end <= found.content.end)
            .cloned()
            .collect();
        let found_deadlines = deadlines::find(text, &content_tokens, anchor);
        for (part, part_deadlines) in split(text, &content_tokens, found.content, found_deadlines) {
            let part_tokens: Vec<Token> = content_tokens
                .iter()
                .filter(|t| t.span.start >= part.start && t.span.end <= part.end)
                .cloned()
                .collect();
            let firm = part_deadlines.iter().any(|d| d.firm);
            let kind = match lang {
                Lang::Ar => arabic::kind(&tokens, found.cue, firm),
                Lang::En => english::kind(&part_tokens, found.cue, firm),
            };
            // A bare month in a report or an opinion is a time it tells of.
            let mut part_deadlines = part_deadlines;
            if !matches!(kind, ClaimKind::Promise | ClaimKind::Prediction) {
                part_deadlines.retain(|d| d.firm);
            }
            let candidate = Candidate {
                speaker_kind: speaker_kind(&speaker),
                speaker: speaker.clone(),
                speaker_as_written: as_written.clone(),
                quote: part.of(text).to_string(),
                start: part.start,
                end: part.end,
                kind,
                deadlines: part_deadlines
                    .iter()
                    .map(|d| FoundDeadline {
                        as_written: d.span.of(text).to_string(),
                        start: d.span.start,
                        end: d.span.end,
                        due: d.period.end,
                        precision: d.period.precision,
                        shown: dates::display(d.period.end, d.period.precision),
                    })
                    .collect(),
                confidence,
                rule: found.rule.to_string(),
                cue: found.cue.to_string(),
            };
            // An agency lede in verbal nouns and the sentence that details it
            // ("أفاد مصدر ... بانطلاق" then "وأخبر المصدر ... بالمباشرة"): one
            // claim, in the detail's words.
            let is_nominal = |quote: &str| lang == Lang::Ar && quote.starts_with('ب');
            let details_lede = matches!(found.speaker, SpeakerRef::Definite { .. })
                && previous_named_by == Some(candidates.len())
                && candidates.last().is_some_and(|last| {
                    last.speaker == candidate.speaker
                        && is_nominal(&last.quote)
                        && is_nominal(&candidate.quote)
                        && last.deadlines.is_empty()
                        && candidate.deadlines.is_empty()
                });
            if details_lede {
                candidates.pop();
            }
            candidates.push(candidate);
        }
        previous_named_by = match found.speaker {
            SpeakerRef::Named(_) => Some(candidates.len()),
            _ => None,
        };
    }
    Extraction {
        lang,
        outlet: dateline.outlet,
        place: dateline.place,
        dateline_date: dateline.date,
        candidates,
    }
}

/// Who a reference names, with how this sentence wrote it and the
/// confidence of the rule; `None` when it refers back to nobody.
fn resolve(
    text: &str,
    speaker: &SpeakerRef,
    mentions: &mut Vec<Mention>,
) -> Option<(String, String, f64)> {
    match speaker {
        SpeakerRef::Named(span) => {
            let name = span.of(text).trim().to_string();
            mentions.push(Mention {
                head: head_of(&name),
                feminine: is_feminine(&name),
                name: name.clone(),
            });
            Some((name.clone(), name, 0.9))
        }
        SpeakerRef::Definite { head, span } => {
            let written = span.of(text).to_string();
            let head = fold(head);
            let head = head.trim_start_matches("the ").to_string();
            match mentions.iter().rev().find(|m| m.head == head) {
                Some(m) => Some((m.name.clone(), written, 0.8)),
                // A first mention with the article: a speaker of its own.
                None => {
                    mentions.push(Mention {
                        head: head_of(&written),
                        feminine: is_feminine(&written),
                        name: written.clone(),
                    });
                    Some((written.clone(), written, 0.6))
                }
            }
        }
        SpeakerRef::Dropped { feminine } => {
            let agreeing = mentions.iter().rev().find(|m| m.feminine == *feminine);
            let m = agreeing.or(mentions.last())?;
            Some((
                m.name.clone(),
                String::new(),
                if agreeing.is_some() { 0.75 } else { 0.6 },
            ))
        }
    }
}

/// The word a later "the X" / "الX" names a speaker by: the first Arabic
/// word without its article (مصدر أمني → مصدر), the last English word
/// before any "of"/"for" (a security source → source; a spokesman for
/// the ministry → spokesman).
fn head_of(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<&str> = folded.split_whitespace().collect();
    if Lang::of(name) == Lang::Ar {
        let first = words.first().copied().unwrap_or("");
        return first.trim_start_matches("ال").to_string();
    }
    let cut = words
        .iter()
        .position(|w| matches!(*w, "of" | "for" | "at" | "in" | "from" | "with"))
        .unwrap_or(words.len());
    words[..cut].last().copied().unwrap_or("").to_string()
}

/// Whether a name is grammatically feminine: its Arabic head ends in ة
/// (لجنة، وزارة، المتحدثة), or an English one says she.
fn is_feminine(name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or("");
    first.ends_with('ة')
        || ["spokeswoman", "minister she", "woman"]
            .iter()
            .any(|w| name.to_lowercase().contains(w))
}

/// The kind a new source would get from the words of its name.
pub fn speaker_kind(name: &str) -> SourceKind {
    let folded = fold(name);
    let has = |words: &[&str]| {
        folded
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| words.contains(&w) || words.contains(&w.trim_start_matches("ال")))
    };
    if has(&["مصدر", "مصادر", "source", "sources", "officials"])
        || folded.starts_with("an official")
        || folded.starts_with("a senior official")
        || folded.starts_with("مسؤول")
    {
        return SourceKind::Anonymous;
    }
    if has(&[
        "وكاله",
        "صحيفه",
        "قناه",
        "agency",
        "newspaper",
        "television",
        "tv",
    ]) {
        return SourceKind::Outlet;
    }
    if has(&[
        "متحدث",
        "متحدثه",
        "وزاره",
        "وزير",
        "وزيره",
        "سفاره",
        "حكومه",
        "لجنه",
        "البرلمان",
        "برلمان",
        "رئيس",
        "رئاسه",
        "مجلس",
        "الجيش",
        "جيش",
        "شرطه",
        "قياده",
        "محافظ",
        "نائب",
        "ministry",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "embassy",
        "government",
        "committee",
        "parliament",
        "president",
        "army",
        "police",
        "governor",
        "mayor",
        "council",
        "cabinet",
        "department",
    ]) {
        return SourceKind::Government;
    }
    if has(&[
        "شركه",
        "منظمه",
        "الامم",
        "التحالف",
        "company",
        "organization",
        "organisation",
        "bank",
        "coalition",
        "union",
        "group",
        "association",
        "un",
        "nato",
    ]) {
        return SourceKind::Organization;
    }
    let capitalised = name
        .split_whitespace()
        .filter(|w| w.starts_with(char::is_uppercase))
        .count();
    if Lang::of(name) == Lang::En
        && capitalised >= 2
        && capitalised == name.split_whitespace().count()
    {
        return SourceKind::Person;
    }
    SourceKind::Other
}

/// Where a claim's words divide into claims of their own: each part with
/// its own deadline, cut before "و"/"and" after a comma (or at a semicolon)
/// between two deadlines. One deadline or none: the whole.
fn split(
    text: &str,
    tokens: &[Token],
    whole: Span,
    found: Vec<deadlines::Found>,
) -> Vec<(Span, Vec<deadlines::Found>)> {
    if found.len() < 2 {
        return vec![(whole, found)];
    }
    let mut cuts: Vec<usize> = Vec::new();
    for pair in found.windows(2) {
        let between = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.span.start >= pair[0].span.end && t.span.end <= pair[1].span.start);
        let between: Vec<(usize, &Token)> = between.collect();
        let cut_at = |(_, t): &(usize, &Token)| {
            if t.is("؛") || t.is(";") {
                t.span.end
            } else {
                t.span.start
            }
        };
        let joins =
            |t: &Token| t.folded.starts_with('و') || t.folded == "and" || t.folded == "while";
        // Best after a comma or at a semicolon; else before the last "و" word
        // (وينتهي في آذار 2027), each part keeping its own deadline.
        let cut = between
            .iter()
            .filter(|(i, t)| {
                let after_comma = i
                    .checked_sub(1)
                    .is_some_and(|p| tokens[p].is("،") || tokens[p].is(","));
                (after_comma && joins(t)) || t.is("؛") || t.is(";")
            })
            .map(cut_at)
            .next_back()
            .or_else(|| {
                between
                    .iter()
                    .filter(|(_, t)| t.folded.starts_with('و') && t.folded.chars().count() > 3)
                    .map(cut_at)
                    .next_back()
            });
        if let Some(cut) = cut {
            cuts.push(cut);
        }
    }
    if cuts.len() + 1 != found.len() {
        return vec![(whole, found)];
    }
    let mut parts = Vec::new();
    let mut start = whole.start;
    let mut found = found.into_iter();
    for cut in cuts.into_iter().chain(std::iter::once(whole.end)) {
        let piece = &text[start..cut];
        let trimmed_end = start + piece.trim_end_matches([' ', '،', ',', ';', '؛']).len();
        let lead = piece.len() - piece.trim_start_matches([' ', '؛', ';']).len();
        parts.push((
            Span {
                start: start + lead,
                end: trimmed_end,
            },
            found.next().into_iter().collect(),
        ));
        start = cut;
    }
    parts
}

/// A sentence as the clauses that each name a speaker: cut before ", but",
/// ", while", "; " (، بينما، في حين، ؛) where what follows has a speaker of
/// its own ("..., but shipping analysts warned that ...").
fn clauses(text: &str, sentence: Span, lang: Lang) -> Vec<Span> {
    let tokens = text::tokens(text, sentence);
    let opens = |i: usize| -> Option<usize> {
        let t = &tokens[i];
        let next = tokens.get(i + 1).map(|n| n.folded.as_str());
        match (t.text, next) {
            ("," | "،", Some("but" | "while" | "whereas" | "بينما" | "فيما")) => {
                Some(i + 2)
            }
            ("،", Some("في")) if tokens.get(i + 2).is_some_and(|n| n.folded == "حين") => {
                Some(i + 3)
            }
            (";" | "؛", _) => Some(i + 1),
            _ => None,
        }
    };
    for i in 0..tokens.len() {
        let Some(rest) = opens(i).filter(|r| *r < tokens.len()) else {
            continue;
        };
        let tail = Span {
            start: tokens[rest].span.start,
            end: sentence.end,
        };
        let tail_tokens = text::tokens(text, tail);
        let found = match lang {
            Lang::Ar => arabic::attribute(&tail_tokens, tail),
            Lang::En => english::attribute(&tail_tokens),
        };
        if let Some(Attribution {
            speaker: SpeakerRef::Named(_),
            ..
        }) = found
        {
            let head = Span {
                start: sentence.start,
                end: tokens[i].span.start,
            };
            let mut out = vec![head];
            out.extend(clauses(text, tail, lang));
            return out;
        }
    }
    vec![sentence]
}

/// A dateline's outlet, place and date.
#[derive(Default)]
struct Dateline {
    outlet: Option<String>,
    place: Option<String>,
    date: Option<NaiveDate>,
}

/// The dateline of an article, and where its body begins: a first line
/// `OUTLET- PLACE` (شفق نيوز- الأنبار), or an opening `PLACE, DATE (OUTLET) -`.
fn dateline(text: &str, today: NaiveDate) -> (Dateline, usize) {
    let lead = text.len() - text.trim_start().len();
    let first_line_end = text[lead..].find('\n').map_or(text.len(), |e| lead + e);
    let first = &text[lead..first_line_end];
    let dashes = [" - ", " – ", " — ", "- ", "– ", "— ", "-", "–", "—"];
    let find_dash = |line: &str| {
        dashes
            .iter()
            .filter_map(|d| line.find(d).map(|at| (at, d.len())))
            .min_by_key(|(at, _)| *at)
    };
    let mut found = Dateline::default();
    // The day of the report: what follows the place's comma ("Sept 7, 2026",
    // "Aug 3"). A day without its year is the last one by `today`; a date
    // after `today` with its year is not taken (a report is not dated ahead).
    let date_in = |part: &str| -> Option<NaiveDate> {
        let (_, after) = part.split_once([',', '،'])?;
        let written = after.trim().trim_matches([',', '،']).trim();
        let period = dates::parse(written, today).ok()?;
        if period.precision != dates::Precision::Day {
            return None;
        }
        if period.start <= today {
            return Some(period.start);
        }
        let has_year = written
            .split(|c: char| !c.is_ascii_digit())
            .any(|n| n.len() == 4);
        if has_year {
            return None;
        }
        let last_year = period.start.with_year(period.start.year() - 1)?;
        (last_year <= today).then_some(last_year)
    };
    // OUTLET- PLACE, alone on the first line.
    if first.chars().count() <= 60 && !first.contains(['.', ':']) {
        if let Some((at, len)) = find_dash(first) {
            let outlet = first[..at].trim();
            let place = first[at + len..]
                .split([',', '،'])
                .next()
                .unwrap_or("")
                .trim();
            if !outlet.is_empty() {
                found.outlet = Some(outlet.to_string());
                found.place = (!place.is_empty()).then(|| place.to_string());
                found.date = date_in(first);
                return (found, first_line_end);
            }
        }
    }
    // PLACE, DATE (OUTLET) - the body.
    let head_end = first
        .char_indices()
        .nth(120)
        .map_or(first.len(), |(i, _)| i);
    if let Some(close) = first[..head_end].find(')') {
        if let Some(open) = first[..close].rfind('(') {
            let after = &first[close + 1..];
            let trimmed = after.trim_start();
            if let Some(rest) = trimmed.strip_prefix(['-', '–', '—']) {
                let place = first[..open].split(',').next().unwrap_or("").trim();
                found.outlet = Some(first[open + 1..close].trim().to_string());
                found.place = (!place.is_empty()).then(|| place.to_string());
                found.date = date_in(&first[..open]);
                let body = lead + first.len() - rest.len();
                return (found, body);
            }
        }
    }
    (found, 0)
}

#[cfg(test)]
mod tests;
