//! An article as text: markup stripped, cut into sentences and words, every
//! piece keeping its byte offsets in the text read.

use crate::domain::normalize::fold;

/// A piece of the text, by byte offsets: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// How many bytes the two spans share.
    pub fn overlap(self, other: Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// A word or a mark of punctuation, with its folded form (see
/// `normalize::fold`) for matching.
#[derive(Debug, Clone)]
pub struct Token<'a> {
    pub text: &'a str,
    pub folded: String,
    pub span: Span,
}

impl Token<'_> {
    pub fn is_word(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_alphanumeric)
    }

    pub fn is(&self, mark: &str) -> bool {
        self.text == mark
    }
}

/// The text of an HTML page as a reader sees it: tags removed (block tags
/// end a line; scripts and styles go whole), the common entities decoded.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after[..close].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        rest = &after[close + 1..];
        if matches!(name.as_str(), "script" | "style") && !after.starts_with('/') {
            let end_tag = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&end_tag) {
                Some(at) => rest[at..].split_once('>').map_or("", |(_, r)| r),
                None => "",
            };
        } else if matches!(
            name.as_str(),
            "p" | "br"
                | "div"
                | "li"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "tr"
                | "article"
                | "section"
                | "blockquote"
                | "header"
                | "footer"
        ) {
            out.push('\n');
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#39" => '\'',
                "nbsp" => ' ',
                "laquo" => '«',
                "raquo" => '»',
                "ldquo" => '“',
                "rdquo" => '”',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Abbreviations whose full stop does not end a sentence (folded, without
/// the stop): Arabic titles and English ones.
const ABBREVIATIONS: &[&str] = &[
    "د", "م", "أ", "ا", "ق", "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt",
    "sgt", "rep", "sen", "gov", "st", "jr", "sr", "no", "vs", "u.s", "u.n", "u.k", "e.g", "i.e",
    "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec",
];

/// The sentences of `text`: ended by `.`, `!`, `?`, `؟` or a line break,
/// never inside quotation marks («», “”, ""), never after an abbreviation
/// (`د.`, `Dr.`) or inside a number (`2.5`). Each is trimmed of spaces.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    let mut straight_open = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let push = |from: usize, to: usize, out: &mut Vec<Span>| {
        let piece = &text[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        let span = Span {
            start: from + lead,
            end: to - trail,
        };
        if span.start < span.end {
            out.push(span);
        }
    };
    for (i, &(at, c)) in chars.iter().enumerate() {
        match c {
            '«' | '“' => depth += 1,
            '»' | '”' => depth = (depth - 1).max(0),
            '"' => straight_open = !straight_open,
            '\n' => {
                push(start, at, &mut out);
                start = at + 1;
                depth = 0;
                straight_open = false;
            }
            '.' | '!' | '?' | '؟'
                if (depth == 0 && !straight_open)
                    || chars
                        .get(i + 1)
                        .is_some_and(|(_, n)| matches!(n, '"' | '»' | '”'))
                        && chars.get(i + 2).is_none_or(|(_, n)| n.is_whitespace()) =>
            {
                let next = chars.get(i + 1).map(|(_, c)| *c);
                if c == '.' {
                    // 2.5, and the stop of an abbreviation.
                    if next.is_some_and(|n| n.is_alphanumeric()) {
                        continue;
                    }
                    let before = &text[start..at];
                    let word = before
                        .rsplit(|c: char| c.is_whitespace() || c == '(')
                        .next()
                        .unwrap_or("");
                    if ABBREVIATIONS.contains(&fold(word).as_str()) {
                        continue;
                    }
                }
                // A closing quotation mark right after belongs to this one.
                let mut end = at + c.len_utf8();
                let mut j = i + 1;
                while let Some(&(q_at, q)) = chars.get(j) {
                    if matches!(q, '"' | '»' | '”' | '\'' | ')') {
                        end = q_at + q.len_utf8();
                        match q {
                            '"' => straight_open = !straight_open,
                            '»' | '”' => depth = (depth - 1).max(0),
                            _ => {}
                        }
                        j += 1;
                    } else {
                        break;
                    }
                }
                if end < text.len() && !text[end..].starts_with(char::is_whitespace) {
                    continue;
                }
                push(start, end, &mut out);
                start = end;
            }
            _ => {}
        }
    }
    push(start, text.len(), &mut out);
    out
}

/// The words and marks of a span, in order. A word runs over letters,
/// digits, harakat and inner apostrophes, hyphens and dots (`U.S.`,
/// `al-Asad`); every other non-space character is a mark of its own.
pub fn tokens<'a>(text: &'a str, span: Span) -> Vec<Token<'a>> {
    let piece = span.of(text);
    let mut out = Vec::new();
    let mut word_start: Option<usize> = None;
    let chars: Vec<(usize, char)> = piece.char_indices().collect();
    let in_word = |c: char| c.is_alphanumeric() || ('\u{064B}'..='\u{065F}').contains(&c);
    let finish = |from: usize, to: usize, out: &mut Vec<Token<'a>>| {
        let s = Span {
            start: span.start + from,
            end: span.start + to,
        };
        let text = s.of(text);
        out.push(Token {
            text,
            folded: fold(text),
            span: s,
        });
    };
    for (i, &(at, c)) in chars.iter().enumerate() {
        let joins = matches!(c, '\'' | '’' | '-' | '.' | 'ـ')
            && word_start.is_some()
            && chars.get(i + 1).is_some_and(|(_, n)| in_word(*n));
        if in_word(c) || joins {
            word_start.get_or_insert(at);
            continue;
        }
        if let Some(from) = word_start.take() {
            finish(from, at, &mut out);
        }
        if !c.is_whitespace() {
            finish(at, at + c.len_utf8(), &mut out);
        }
    }
    if let Some(from) = word_start {
        finish(from, piece.len(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn sentences_end_where_writers_end_them() {
        assert_eq!(
            cut("قال د. أحمد إن الوضع مستقر. وأضاف: «لن ننسحب. أبداً» غداً؟ نعم"),
            [
                "قال د. أحمد إن الوضع مستقر.",
                "وأضاف: «لن ننسحب. أبداً» غداً؟",
                "نعم"
            ]
        );
        assert_eq!(
            cut("\"We will leave. Soon,\" Dr. Smith said. Growth was 2.5 percent.\nNext"),
            [
                "\"We will leave. Soon,\" Dr. Smith said.",
                "Growth was 2.5 percent.",
                "Next"
            ]
        );
        assert_eq!(
            cut("He said \"no.\" Then left."),
            ["He said \"no.\"", "Then left."]
        );
    }

    #[test]
    fn words_keep_their_offsets() {
        let text = "وقال المتحدث، إن U.S. forces' al-Asad";
        let words: Vec<&str> = tokens(
            text,
            Span {
                start: 0,
                end: text.len(),
            },
        )
        .iter()
        .map(|t| t.span.of(text))
        .collect();
        assert_eq!(
            words,
            [
                "وقال",
                "المتحدث",
                "،",
                "إن",
                "U.S",
                ".",
                "forces",
                "'",
                "al-Asad"
            ]
        );
    }

    #[test]
    fn markup_goes_text_stays() {
        assert_eq!(
            strip_html("<p>قال &laquo;نعم&raquo;</p><script>x()</script><p>A &amp; B&#33;</p>"),
            "\nقال «نعم»\n\nA & B!\n"
        );
    }
}
