//! Aligned tables for a terminal. Widths are the columns a terminal draws
//! (as tmux and `wcwidth` count them), a table is fitted to the terminal by
//! cutting the columns that may shrink, and right-to-left cells are isolated
//! so that a bidi-aware terminal keeps the columns in their order.

use unicode_width::UnicodeWidthChar;

use crate::domain::normalize::fold;
use crate::domain::stem::stem;
use crate::render::{Color, Style};

const ZERO_WIDTH_JOINER: char = '\u{200D}';
const FIRST_STRONG_ISOLATE: char = '\u{2068}';
const POP_DIRECTIONAL_ISOLATE: char = '\u{2069}';

/// The terminal columns of `text`: the sum of its characters' widths (so
/// `لأ` is two, as terminals draw lam and alef apart, and harakat are none),
/// except that a character joined to the one before by a zero-width joiner
/// adds nothing (an emoji sequence is drawn as one).
pub fn columns(text: &str) -> usize {
    let mut total = 0;
    let mut joined = false;
    for c in text.chars() {
        if !joined {
            total += c.width().unwrap_or(0);
        }
        joined = c == ZERO_WIDTH_JOINER;
    }
    total
}

/// The text on one line: line breaks and tabs become spaces.
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ")
}

/// Cuts text to `width` terminal columns on one line, ending with `…` when
/// cut; combining marks stay with their letter.
pub fn truncate(text: &str, width: usize) -> String {
    let text = one_line(text);
    if columns(&text) <= width {
        return text;
    }
    let mut out = String::new();
    let mut used = 0;
    let mut joined = false;
    for c in text.chars() {
        let w = if joined { 0 } else { c.width().unwrap_or(0) };
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
        joined = c == ZERO_WIDTH_JOINER;
    }
    while out.ends_with(ZERO_WIDTH_JOINER) {
        out.pop();
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Breaks one line of text at spaces into lines of at most `width` columns;
/// a word longer than that has a line of its own.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let needed = columns(&current) + usize::from(!current.is_empty()) + columns(word);
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

/// Whether `text` has a letter of a right-to-left script.
fn right_to_left(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
    })
}

pub struct Cell {
    text: String,
    color: Option<Color>,
    /// Whether the table's terms are marked in it.
    marked: bool,
}

impl Cell {
    pub fn plain(text: impl AsRef<str>) -> Cell {
        Cell {
            text: one_line(text.as_ref()),
            color: None,
            marked: false,
        }
    }

    pub fn colored(text: impl AsRef<str>, color: Color) -> Cell {
        Cell {
            color: Some(color),
            ..Cell::plain(text)
        }
    }

    /// A cell in which the table's terms (search words) are marked.
    pub fn marked(text: impl AsRef<str>) -> Cell {
        Cell {
            marked: true,
            ..Cell::plain(text)
        }
    }

    pub fn colored_if(text: impl AsRef<str>, color: Option<Color>) -> Cell {
        Cell {
            color,
            ..Cell::plain(text)
        }
    }
}

/// Columns padded to their widest cell; the last column is not padded, so
/// lines carry no trailing spaces. Columns empty in every row are left out.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    right: Vec<usize>,
    /// Columns that may be cut to fit the terminal, with their least width.
    shrinkable: Vec<(usize, usize)>,
    /// Columns left out, in this order, when even the least widths do not fit.
    droppable: Vec<usize>,
    /// Folded words marked in marked cells when colour is on.
    terms: Vec<String>,
}

impl Table {
    pub fn new(header: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            rows: Vec::new(),
            right: Vec::new(),
            shrinkable: Vec::new(),
            droppable: Vec::new(),
            terms: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn right_align(&mut self, column: usize) {
        self.right.push(column);
    }

    /// Lets `column` be cut, down to `least` columns, when the table is
    /// wider than the terminal.
    pub fn shrinkable(&mut self, column: usize, least: usize) {
        self.shrinkable.push((column, least));
    }

    /// Lets `column` be left out when the table cannot fit the terminal
    /// otherwise; the first given goes first.
    pub fn droppable(&mut self, column: usize) {
        self.droppable.push(column);
    }

    /// The words to mark in marked cells (folded search terms).
    pub fn marking(&mut self, terms: &[String]) {
        self.terms = terms.to_vec();
    }

    pub fn render(&self, style: Style) -> String {
        let mut shown: Vec<usize> = (0..self.header.len())
            .filter(|&i| self.rows.iter().any(|row| !row[i].text.is_empty()))
            .collect();
        let mut widths: Vec<usize> = self.header.iter().map(|h| columns(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(columns(&cell.text));
            }
        }
        if let Some(limit) = style.width {
            self.fit(&mut widths, &mut shown, limit);
        }
        let header: Vec<Cell> = self
            .header
            .iter()
            .map(|h| Cell::colored(h, Color::Dim))
            .collect();
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if !shown.contains(&i) {
                    continue;
                }
                let text = truncate(&cell.text, widths[i]);
                let pad = widths[i].saturating_sub(columns(&text));
                let last = Some(&i) == shown.last();
                let mut painted = if cell.marked && style.color && !self.terms.is_empty() {
                    mark_terms(&text, style, &self.terms)
                } else {
                    style.paint(&text, cell.color)
                };
                if right_to_left(&text) {
                    painted = format!("{FIRST_STRONG_ISOLATE}{painted}{POP_DIRECTIONAL_ISOLATE}");
                }
                if self.right.contains(&i) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(&painted);
                } else {
                    line.push_str(&painted);
                    if !last {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Leaves out droppable columns while even the least widths are too
    /// wide, then narrows the shrinkable columns, the widest first, until
    /// the shown columns and their gaps fit in `limit` (or none may shrink).
    fn fit(&self, widths: &mut [usize], shown: &mut Vec<usize>, limit: usize) {
        let total = |widths: &[usize], shown: &[usize]| {
            shown.iter().map(|&i| widths[i]).sum::<usize>() + 2 * shown.len().saturating_sub(1)
        };
        let mut least = widths.to_vec();
        for &(column, at_least) in &self.shrinkable {
            least[column] = least[column].min(at_least);
        }
        for column in &self.droppable {
            if total(&least, shown) <= limit {
                break;
            }
            shown.retain(|i| i != column);
        }
        let mut excess = total(widths, shown).saturating_sub(limit);
        // Down to their least widths, then, on a very narrow terminal, to a
        // few columns each.
        for floor in [None, Some(4)] {
            while excess > 0 {
                let Some(&(column, _)) = self
                    .shrinkable
                    .iter()
                    .filter(|(i, least)| shown.contains(i) && widths[*i] > floor.unwrap_or(*least))
                    .max_by_key(|(i, _)| widths[*i])
                else {
                    break;
                };
                widths[column] -= 1;
                excess -= 1;
            }
        }
    }
}

/// `text` with each word that starts with a term, or has a term's stem,
/// painted as a match; harakat are marks inside a word, not breaks.
fn mark_terms(text: &str, style: Style, terms: &[String]) -> String {
    let stems: Vec<String> = terms.iter().map(|t| stem(t)).collect();
    let mut painted = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, painted: &mut String| {
        let folded = fold(word);
        let matches =
            terms.iter().any(|t| folded.starts_with(t.as_str())) || stems.contains(&stem(&folded));
        if !word.is_empty() && matches {
            painted.push_str(&style.paint(word, Some(Color::Highlight)));
        } else {
            painted.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || ('\u{0610}'..='\u{06ED}').contains(&c) {
            word.push(c);
        } else {
            flush(&mut word, &mut painted);
            painted.push(c);
        }
    }
    flush(&mut word, &mut painted);
    painted
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style {
        color: false,
        width: None,
    };

    fn fitted(width: usize) -> Style {
        Style {
            color: false,
            width: Some(width),
        }
    }

    /// What a terminal shows: isolates are drawn as nothing.
    fn shown(text: &str) -> String {
        text.replace([FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE], "")
    }

    #[test]
    fn widths_are_the_columns_a_terminal_draws() {
        // Measured in tmux 3.3a: the cursor after each.
        assert_eq!(columns("لأ"), 2);
        assert_eq!(columns("سلام"), 4);
        assert_eq!(columns("كَتَبَ"), 3);
        assert_eq!(columns("👨\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(columns("🇮🇶"), 2);
        assert_eq!(columns("一二"), 4);
        assert_eq!(columns("\u{2068}x\u{2069}"), 1);
    }

    #[test]
    fn tables_align_by_terminal_columns() {
        let mut table = Table::new(&["A", "B"]);
        table.row(vec![Cell::plain("كَتَبَ"), Cell::plain("x")]);
        table.row(vec![Cell::plain("لأمن"), Cell::plain("y")]);
        table.row(vec![Cell::plain("ab"), Cell::plain("z")]);
        let text = shown(&table.render(PLAIN));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "A     B");
        assert_eq!(lines[1], "كَتَبَ   x");
        assert_eq!(lines[2], "لأمن  y");
        assert_eq!(lines[3], "ab    z");
    }

    #[test]
    fn right_to_left_cells_are_isolated() {
        let mut table = Table::new(&["ID", "SPEAKER", "CLAIM"]);
        table.row(vec![
            Cell::plain("1"),
            Cell::plain("مصدر أمني"),
            Cell::plain("The convoy left"),
        ]);
        let text = table.render(PLAIN);
        let row = text.lines().nth(1).unwrap();
        assert_eq!(row, "1   \u{2068}مصدر أمني\u{2069}  The convoy left");
    }

    #[test]
    fn a_wide_table_is_fitted_by_cutting_the_columns_that_may_shrink() {
        let mut table = Table::new(&["ID", "SPEAKER", "CLAIM"]);
        table.shrinkable(1, 7);
        table.shrinkable(2, 10);
        table.row(vec![
            Cell::plain("1"),
            Cell::plain("A very long speaker name indeed"),
            Cell::plain("x".repeat(100)),
        ]);
        for width in [80, 60, 40] {
            let text = table.render(fitted(width));
            for line in text.lines() {
                assert!(columns(line) <= width, "{width}: {line}");
            }
            assert!(text.lines().nth(1).unwrap().ends_with('…'), "{text}");
        }
        // Too narrow for the least widths: a few columns each, and what
        // cannot shrink holds.
        let text = table.render(fitted(20));
        assert_eq!(text.lines().nth(1).unwrap(), "1   A very…  xxxxxx…");
        let text = table.render(fitted(10));
        assert_eq!(text.lines().nth(1).unwrap(), "1   A v…  xxx…");
        // Whole cells when nothing limits the width (a pipe, --wide).
        let text = table.render(PLAIN);
        assert!(text.contains(&"x".repeat(100)));
        assert!(text.contains("A very long speaker name indeed"));
    }

    #[test]
    fn columns_are_left_out_when_the_least_widths_do_not_fit() {
        let mut table = Table::new(&["ID", "NAME", "KIND", "ROLE"]);
        table.shrinkable(1, 6);
        table.droppable(3);
        table.droppable(2);
        table.row(vec![
            Cell::plain("1"),
            Cell::plain("A long name"),
            Cell::plain("government"),
            Cell::plain("spokesperson"),
        ]);
        let rows = |width| -> Vec<String> {
            table
                .render(fitted(width))
                .lines()
                .map(str::to_string)
                .collect()
        };
        assert_eq!(rows(80)[1], "1   A long name  government  spokesperson");
        assert_eq!(rows(30)[0], "ID  NAME         KIND");
        assert_eq!(rows(30)[1], "1   A long name  government");
        assert_eq!(rows(14)[1], "1   A long na…");
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(
            wrap("الانسحاب من قاعدة عين الأسد", 12),
            vec!["الانسحاب من", "قاعدة عين", "الأسد"]
        );
        assert_eq!(wrap("unbreakable", 4), vec!["unbreakable"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn truncation_counts_columns_and_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(truncate("一二三四五", 5), "一二…");
        assert_eq!(truncate("a\nb", 5), "a b");
        assert_eq!(truncate("لألألأ", 5), "لألأ…");
        assert_eq!(truncate("كَتَبَ كتب", 4), "كَتَبَ…");
    }
}
