//! The README rendered as a forge renders it (CommonMark with GitHub's
//! tables): every table row must land in a table, not as loose text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The text of each paragraph, and how many rows the tables hold.
fn rendered(markdown: &str) -> (Vec<String>, usize) {
    let mut paragraphs = Vec::new();
    let mut current: Option<String> = None;
    let mut rows = 0;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Paragraph) => current = Some(String::new()),
            Event::End(TagEnd::Paragraph) => paragraphs.extend(current.take()),
            Event::Start(Tag::TableHead | Tag::TableRow) => rows += 1,
            Event::Text(text) | Event::Code(text) => {
                if let Some(p) = current.as_mut() {
                    p.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = current.as_mut() {
                    p.push('\n');
                }
            }
            _ => {}
        }
    }
    (paragraphs, rows)
}

#[test]
fn every_table_row_of_the_readme_renders_in_a_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let (paragraphs, rows) = rendered(&readme);
    let loose: Vec<&String> = paragraphs
        .iter()
        .filter(|p| p.lines().any(|line| line.trim_start().starts_with('|')))
        .collect();
    assert!(loose.is_empty(), "table rows rendered as text: {loose:#?}");
    // Every source line that starts a row is a row of a rendered table
    // (outside code blocks).
    let mut in_code = false;
    let mut source_rows = 0;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code
            && line.starts_with('|')
            && !line.starts_with("|---")
            && !line.starts_with("| ---")
        {
            source_rows += 1;
        }
    }
    assert_eq!(rows, source_rows);
}

#[test]
fn a_blank_line_inside_a_table_is_caught() {
    let broken = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n";
    let (paragraphs, rows) = rendered(broken);
    assert_eq!(rows, 2);
    assert_eq!(paragraphs, vec!["| 3 | 4 |".to_string()]);
}
