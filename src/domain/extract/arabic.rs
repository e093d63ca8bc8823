//! Who says what in Arabic news prose: a reporting verb (قال، أفاد، أكد ...)
//! or a frame (بحسب، وفقاً لـ، نقلاً عن، يشار إلى ...), the speaker phrase
//! after it up to a comma, a complementizer (إن، أن، بأن، عن), an addressee
//! (لوكالة ...) or a setting (في تصريح ...), and what is said after that.

use super::text::{Span, Token};
use super::{Attribution, SpeakerRef};
use crate::domain::model::ClaimKind;
use crate::domain::normalize::fold;

/// Reporting verbs, folded (ى is ي), in the masculine past (the feminine
/// adds ت, or puts it for the final ي: نفى، نفت).
/// Those marked `true` are also common nouns or prepositions (بين "between",
/// عبر "across", تابع "follower"): they count only after و/ف, or for عبر
/// with عن after it.
const VERBS: &[(&str, bool)] = &[
    ("قال", false),
    ("افاد", false),
    ("اكد", false),
    ("اوضح", false),
    ("اضاف", false),
    ("تابع", true),
    ("كشف", false),
    ("اشار", false),
    ("لفت", true),
    ("صرح", false),
    ("ذكر", true),
    ("اعلن", false),
    ("بين", true),
    ("شدد", false),
    ("نوه", false),
    ("ابلغ", false),
    ("اخبر", false),
    ("نفي", false),
    ("حذر", false),
    ("توقع", false),
    ("تعهد", false),
    ("اعتبر", false),
    ("راي", true),
    ("عبر", true),
    ("رجح", false),
];

/// Frames that name the speaker before or after what is said, folded.
const FRAMES: &[&str] = &[
    "بحسب",
    "وبحسب",
    "حسب",
    "وحسب",
    "وفقا",
    "ووفقا",
    "نقلا",
    "ونقلا",
    "لسان",
];

/// Words after which a subject-first sentence names its speaker: يشار إلى X،
/// عبرت عن ...
const SUBJECT_FIRST: &[&str] = &["يشار", "ويشار", "يذكر", "ويذكر"];

/// Where a speaker phrase ends: complementizers, and the words that open
/// what follows the speaker (an addressee, a time, a setting).
const ENDS_SPEAKER: &[&str] = &[
    "ان",
    "بان",
    "انه",
    "انها",
    "بانه",
    "بانها",
    "عن",
    "يوم",
    "اليوم",
    "امس",
    "صباح",
    "مساء",
    "خلال",
    "الي",
    "لوكاله",
    "للوكاله",
    "لصحيفه",
    "لقناه",
    "لموقع",
    "لشفق",
    "للصحفيين",
    "اليوم،",
];

/// Openers of a setting after the speaker: في تصريح، في بيان ...
const SETTINGS: &[&str] = &[
    "تصريح",
    "بيان",
    "حديث",
    "مؤتمر",
    "لقاء",
    "مقابله",
    "تغريده",
    "منشور",
    "كلمه",
    "اتصال",
];

/// Complementizers after which the words said begin.
const COMPLEMENTIZERS: &[&str] = &["ان", "بان", "انه", "انها", "بانه", "بانها", "عن"];

/// The verb this word is, with whether it is feminine: و/ف taken off, ت
/// (feminine) taken off, then looked up.
fn verb(token: &Token, first: bool) -> Option<(&'static str, bool)> {
    let word = token.folded.as_str();
    let mut forms: Vec<(&str, bool)> = vec![(word, false)];
    for prefix in ["و", "ف"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            forms.push((rest, true));
        }
    }
    for (form, prefixed) in forms {
        let masculine = form.strip_suffix('ت').unwrap_or("");
        let final_ya = format!("{masculine}ي");
        for (stem, feminine) in [(form, false), (masculine, true), (final_ya.as_str(), true)] {
            if stem.is_empty() {
                continue;
            }
            if let Some((name, ambiguous)) = VERBS.iter().find(|(v, _)| *v == stem) {
                // The feminine ending makes a verb of an ambiguous word.
                if *ambiguous && !prefixed && !first && !feminine && *name != "عبر" {
                    continue;
                }
                return Some((name, feminine));
            }
        }
    }
    None
}

fn is_end_of_speaker(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if !t.is_word() {
        return true;
    }
    if ENDS_SPEAKER.contains(&t.folded.as_str()) {
        return true;
    }
    // في تصريح، في بيان: the setting, not part of the name.
    (t.folded == "في" || t.folded == "خلال")
        && tokens
            .get(i + 1)
            .is_some_and(|n| SETTINGS.contains(&n.folded.trim_start_matches("ال")))
}

/// The speaker phrase from `from`: up to the first end (at most ten words).
fn speaker_phrase(tokens: &[Token], from: usize) -> (usize, usize) {
    let mut end = from;
    while end < tokens.len() && end - from < 10 && !is_end_of_speaker(tokens, end) {
        end += 1;
    }
    (from, end)
}

/// Where what is said begins after position `from`: after a complementizer,
/// at a ب word (a verbal noun: بانطلاق), after a colon, or inside a quotation.
fn content_start(tokens: &[Token], from: usize) -> Option<usize> {
    let mut i = from;
    while i < tokens.len() {
        let t = &tokens[i];
        if COMPLEMENTIZERS.contains(&t.folded.as_str()) {
            return (i + 1 < tokens.len()).then_some(i + 1);
        }
        if t.is(":") || t.is("«") || t.is("\"") || t.is("“") {
            return (i + 1 < tokens.len()).then_some(i + 1);
        }
        if t.is_word() && t.folded.starts_with('ب') && t.folded.len() > 8 && i > from {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The words said from token `from` to the sentence's end, without the
/// final stop or a closing quotation mark left alone.
fn content_span(tokens: &[Token], from: usize, sentence: Span) -> Span {
    let start = tokens[from].span.start;
    let mut end = sentence.end;
    let mut last = tokens.len();
    while last > from {
        let t = &tokens[last - 1];
        if t.is_word() || t.is("»") && has_open(tokens, from, last - 1) || t.is(")") {
            break;
        }
        end = t.span.start;
        last -= 1;
    }
    if let Some(t) = tokens.get(last.saturating_sub(1)) {
        end = end.max(t.span.end).min(sentence.end);
    }
    Span { start, end }
}

fn has_open(tokens: &[Token], from: usize, to: usize) -> bool {
    tokens[from..to].iter().any(|t| t.is("«"))
}

/// Finds who says what in one sentence, if anyone does.
pub fn attribute(tokens: &[Token], sentence: Span) -> Option<Attribution> {
    // A frame: بحسب X، ... / ...، بحسب X.
    if let Some(found) = framed(tokens, sentence) {
        return Some(found);
    }
    let subject_first = tokens
        .iter()
        .position(|t| SUBJECT_FIRST.contains(&t.folded.as_str()));
    for (i, token) in tokens.iter().enumerate() {
        let Some((name, feminine)) = verb(token, i == 0) else {
            continue;
        };
        if name == "عبر" && !tokens[i + 1..].iter().take(8).any(|t| t.folded == "عن") {
            continue;
        }
        // يشار إلى X، عبرت عن: the subject came first.
        if let Some(at) = subject_first.filter(|at| *at < i) {
            let mut from = at + 1;
            if tokens
                .get(from)
                .is_some_and(|t| t.folded == "الي" || t.folded == "ان")
            {
                from += 1;
            }
            let (s, e) = speaker_phrase(tokens, from);
            if e > s {
                let start = content_start(tokens, i + 1).unwrap_or(i + 1);
                if start < tokens.len() {
                    return Some(Attribution {
                        speaker: SpeakerRef::Named(Span {
                            start: tokens[s].span.start,
                            end: tokens[e - 1].span.end,
                        }),
                        content: content_span(tokens, start, sentence),
                        cue: name,
                        rule: "ar:subject-first",
                    });
                }
            }
        }
        let (s, e) = speaker_phrase(tokens, i + 1);
        let speaker = if e == s {
            // وكانت مصادر إعلامية قد ذكرت أن: the subject between كان and the verb.
            match subject_after_kana(tokens, i) {
                Some(span) => SpeakerRef::Named(span),
                None => SpeakerRef::Dropped { feminine },
            }
        } else if e - s == 1 && tokens[s].folded.starts_with("ال") {
            SpeakerRef::Definite {
                head: tokens[s].folded.trim_start_matches("ال").to_string(),
                span: tokens[s].span,
            }
        } else {
            SpeakerRef::Named(Span {
                start: tokens[s].span.start,
                end: tokens[e - 1].span.end,
            })
        };
        let start = content_start(tokens, e).or_else(|| {
            // No complementizer: what follows the speaker's comma.
            let mut j = e;
            while j < tokens.len() && !tokens[j].is_word() {
                j += 1;
            }
            (j < tokens.len() && j > i + 1).then_some(j)
        })?;
        let rule = match speaker {
            SpeakerRef::Named(_) => "ar:verb-speaker",
            SpeakerRef::Definite { .. } => "ar:verb-definite-speaker",
            _ => "ar:verb-dropped-subject",
        };
        return Some(Attribution {
            speaker,
            content: content_span(tokens, start, sentence),
            cue: name,
            rule,
        });
    }
    None
}

/// The subject of كان/كانت standing before the verb at `verb` (and قد).
fn subject_after_kana(tokens: &[Token], verb: usize) -> Option<Span> {
    let kana = tokens[..verb]
        .iter()
        .rposition(|t| matches!(t.folded.as_str(), "كان" | "كانت" | "وكان" | "وكانت"))?;
    let mut end = verb;
    if end > kana + 1 && tokens[end - 1].folded == "قد" {
        end -= 1;
    }
    let words = &tokens[kana + 1..end];
    (!words.is_empty() && words.len() <= 6 && words.iter().all(Token::is_word)).then(|| Span {
        start: words[0].span.start,
        end: words[words.len() - 1].span.end,
    })
}

/// بحسب X، CONTENT / CONTENT، بحسب X / وفقاً لـX / نقلاً عن X / على لسان X.
fn framed(tokens: &[Token], sentence: Span) -> Option<Attribution> {
    let at = tokens
        .iter()
        .position(|t| FRAMES.contains(&t.folded.as_str()))?;
    let mut from = at + 1;
    // وفقاً لـ / نقلاً عن: the particle after the frame word.
    while tokens
        .get(from)
        // (folding drops the tatweel: لـ is ل, a lone ـ nothing)
        .is_some_and(|t| matches!(t.folded.as_str(), "ل" | "عن" | ""))
    {
        from += 1;
    }
    // بحسب ما أعلنه X / بحسب ما أفاد به X: the speaker after the verb.
    if tokens.get(from).is_some_and(|t| t.folded == "ما") {
        from += 2;
        if tokens.get(from).is_some_and(|t| t.folded == "به") {
            from += 1;
        }
    }
    let (s, e) = speaker_phrase(tokens, from);
    if e == s {
        return None;
    }
    // وفقاً لبيان الوزارة: the ل joined to the name, and the statement
    // standing for who made it.
    let mut s = s;
    let mut first = tokens[s].span.start;
    let name = tokens[s].text;
    if let Some(rest) = name
        .strip_prefix('ل')
        .filter(|_| tokens[at].folded.contains("وفق"))
    {
        first += name.len() - rest.len();
    }
    let joined = fold(&name[first - tokens[s].span.start..]);
    if matches!(joined.as_str(), "بيان" | "تصريح" | "تقرير" | "تصريحات") && e > s + 1
    {
        s += 1;
        first = tokens[s].span.start;
    }
    let span = Span {
        start: first,
        end: tokens[e - 1].span.end,
    };
    let speaker = if e == s + 1 && tokens[s].folded.starts_with("ال") {
        SpeakerRef::Definite {
            head: tokens[s].folded.trim_start_matches("ال").to_string(),
            span,
        }
    } else {
        SpeakerRef::Named(span)
    };
    let content = if at <= 1 {
        // Frame first: what follows the comma after the speaker.
        let mut j = e;
        while j < tokens.len() && !tokens[j].is_word() {
            j += 1;
        }
        let j = content_start(tokens, e)
            .filter(|c| *c <= j + 1)
            .unwrap_or(j);
        if j >= tokens.len() {
            return None;
        }
        content_span(tokens, j, sentence)
    } else {
        // Frame last: what came before it.
        let mut end = at;
        while end > 0 && !tokens[end - 1].is_word() {
            end -= 1;
        }
        if end == 0 {
            return None;
        }
        let start = if tokens[0].folded == "و" { 1 } else { 0 };
        Span {
            start: tokens[start].span.start,
            end: tokens[end - 1].span.end,
        }
    };
    Some(Attribution {
        speaker,
        content,
        cue: "بحسب",
        rule: "ar:frame",
    })
}

/// The kind a sentence's cues give: opinion (اعتبر، رأى، عبر عن), prediction
/// (توقع، يعتقد، قد، رجح، حذر), promise (تعهد، a future verb, a deadline),
/// else a report.
pub fn kind(tokens: &[Token], cue: &str, has_deadline: bool) -> ClaimKind {
    let words: Vec<&str> = tokens.iter().map(|t| t.folded.as_str()).collect();
    let has = |list: &[&str]| {
        words
            .iter()
            .any(|w| list.contains(w) || list.contains(&w.trim_start_matches('و')))
    };
    if matches!(cue, "اعتبر" | "راي" | "عبر")
        || has(&[
            "معتبره",
            "معتبرا",
            "معربا",
            "معربه",
            "اعتبر",
            "اعتبرت",
            "يرى",
            "ترى",
        ])
    {
        return ClaimKind::Opinion;
    }
    if matches!(cue, "توقع" | "رجح" | "حذر")
        || has(&["يعتقد", "يتوقع", "تتوقع", "متوقعا", "ربما", "يرجح", "محذرا"])
        || words
            .windows(2)
            .any(|w| w[0] == "قد" && w[1].starts_with(['ي', 'ت', 'ن']))
    {
        return ClaimKind::Prediction;
    }
    if cue == "تعهد" || has_deadline || tokens.iter().any(|t| is_future_verb(t.text)) {
        return ClaimKind::Promise;
    }
    ClaimKind::Report
}

/// A verb with the future prefix سـ (سينتقل، ستكون) or after سوف.
fn is_future_verb(word: &str) -> bool {
    let word = word.trim_start_matches('و');
    if word == "سوف" {
        return true;
    }
    let Some(rest) = word.strip_prefix('س') else {
        return false;
    };
    const NOT_VERBS: &[&str] = &[
        "سيارة",
        "سيارات",
        "سياسة",
        "سياسي",
        "سياسية",
        "سيطرة",
        "ستة",
        "ستين",
        "سنة",
        "سنوات",
        "سنوية",
        "سيادة",
        "سياق",
        "سيناريو",
        "ستار",
        "سيدة",
    ];
    rest.chars().count() >= 4
        && rest.starts_with(['ي', 'ت', 'ن'])
        && !rest.ends_with(['ة', 'ه'])
        && !NOT_VERBS.contains(&word)
}
