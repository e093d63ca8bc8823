use chrono::NaiveDate;

use super::*;

fn day(text: &str) -> NaiveDate {
    dates::from_iso(text).unwrap()
}

fn claims(text: &str, said_on: &str) -> Vec<(String, String, ClaimKind, Vec<String>)> {
    extract(text, None, Some(day(said_on)), day("2026-12-01"))
        .candidates
        .into_iter()
        .map(|c| {
            let due = c.deadlines.iter().map(|d| d.shown.clone()).collect();
            (c.speaker, c.quote, c.kind, due)
        })
        .collect()
}

#[test]
fn an_arabic_report_gives_its_speakers_quotes_and_deadlines() {
    let text = "وكالة الأنباء- بغداد\n\nقال مصدر أمني عراقي، يوم الأحد، إن القوات ستغادر القاعدة بحلول نهاية العام. \
                وأضاف المصدر أن الانسحاب بدأ. وقالت وزارة الخارجية في بيان، إن المفاوضات ستستأنف في آذار المقبل.";
    let found = claims(text, "2026-02-01");
    assert_eq!(
        found,
        [
            (
                "مصدر أمني عراقي".to_string(),
                "القوات ستغادر القاعدة بحلول نهاية العام".to_string(),
                ClaimKind::Promise,
                vec!["2026".to_string()]
            ),
            (
                "مصدر أمني عراقي".to_string(),
                "الانسحاب بدأ".to_string(),
                ClaimKind::Report,
                vec![]
            ),
            (
                "وزارة الخارجية".to_string(),
                "المفاوضات ستستأنف في آذار المقبل".to_string(),
                ClaimKind::Promise,
                vec!["Mar 2026".to_string()]
            ),
        ]
    );
    let extraction = extract(text, None, None, day("2026-12-01"));
    assert_eq!(extraction.outlet.as_deref(), Some("وكالة الأنباء"));
    assert_eq!(extraction.place.as_deref(), Some("بغداد"));
    let c = &extraction.candidates[0];
    assert_eq!(&text[c.start..c.end], c.quote);
    assert_eq!(c.speaker_kind, SourceKind::Anonymous);
}

#[test]
fn an_english_report_gives_its_speakers_quotes_and_deadlines() {
    let text = "BAGHDAD (Reuters) - Iraq's prime minister said on Monday that all foreign troops would leave by September 2026. \
                \"We will not stay a day longer,\" said John Smith, a coalition spokesman. \
                He added that talks would resume next month. \
                Prices may rise further, according to a senior official.";
    let found = claims(text, "2026-03-02");
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found[0].0, "Iraq's prime minister");
    assert_eq!(
        found[0].1,
        "all foreign troops would leave by September 2026"
    );
    assert_eq!(found[0].3, ["Sep 2026"]);
    assert_eq!(found[1].0, "John Smith");
    assert_eq!(found[1].1, "We will not stay a day longer");
    assert_eq!(found[2].0, "John Smith");
    assert_eq!(found[2].3, ["Apr 2026"]);
    assert_eq!(found[3].0, "a senior official");
    assert_eq!(found[3].2, ClaimKind::Prediction);
    let extraction = extract(text, None, None, day("2026-12-01"));
    assert_eq!(extraction.outlet.as_deref(), Some("Reuters"));
    assert_eq!(extraction.place.as_deref(), Some("BAGHDAD"));
}

#[test]
fn a_dateline_gives_the_day_of_the_report_never_a_day_ahead() {
    let date = |text: &str, today: &str| extract(text, None, None, day(today)).dateline_date;
    let said = "The minister said talks would end next month.";
    assert_eq!(
        date(
            &format!("BEIRUT, Sept 7, 2026 (Reuters) - {said}"),
            "2026-12-02"
        ),
        Some(day("2026-09-07"))
    );
    // No year: the last Sept 7 by today.
    assert_eq!(
        date(&format!("BEIRUT, Sept 7 (Reuters) - {said}"), "2026-12-02"),
        Some(day("2026-09-07"))
    );
    assert_eq!(
        date(&format!("BEIRUT, Sept 7 (Reuters) - {said}"), "2026-03-01"),
        Some(day("2025-09-07"))
    );
    // A year ahead of today is not taken; neither is no date.
    assert_eq!(
        date(
            &format!("BEIRUT, Sept 7, 2027 (Reuters) - {said}"),
            "2026-12-02"
        ),
        None
    );
    assert_eq!(
        date(&format!("BEIRUT (Reuters) - {said}"), "2026-12-02"),
        None
    );
    let arabic = "شفق نيوز- بغداد، 18 آب 2025\n\nقال مصدر إن ...";
    assert_eq!(date(arabic, "2026-12-02"), Some(day("2025-08-18")));
    assert_eq!(
        extract(arabic, None, None, day("2026-12-02"))
            .place
            .as_deref(),
        Some("بغداد")
    );
    // The relative deadline counts from the dateline's day.
    let found = extract(
        &format!("BEIRUT, Sept 7 (Reuters) - {said}"),
        None,
        None,
        day("2026-12-02"),
    );
    assert_eq!(found.candidates[0].deadlines[0].due, day("2026-10-31"));
    // "end" after "would" is the verb: next month, not its end.
    assert_eq!(found.candidates[0].deadlines[0].as_written, "next month");
    assert_eq!(
        found.candidates[0].deadlines[0].precision,
        dates::Precision::Month
    );
}

#[test]
fn a_month_told_of_is_not_a_deadline() {
    let found = claims(
        "The minister said the talks began in October. He said prices had risen since January. \
         He said the talks would resume in October.",
        "2026-09-07",
    );
    let due: Vec<&Vec<String>> = found.iter().map(|c| &c.3).collect();
    assert_eq!(due, [&vec![], &vec![], &vec!["Oct 2026".to_string()]]);
}

#[test]
fn phases_with_their_own_deadlines_are_claims_of_their_own() {
    let text =
        "وقال المسؤول إن المرحلة الأولى تنتهي في حزيران 2026، والمرحلة الثانية تنتهي في أيلول 2027.";
    let found = claims(text, "2026-01-10");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].1, "المرحلة الأولى تنتهي في حزيران 2026");
    assert_eq!(found[0].3, ["Jun 2026"]);
    assert_eq!(found[1].1, "والمرحلة الثانية تنتهي في أيلول 2027");
    assert_eq!(found[1].3, ["Sep 2027"]);
}

#[test]
fn numbers_and_past_days_are_not_deadlines() {
    let text = "قال مصدر إن عدد الجنود كان نحو 2000 جندي يوم الاثنين الماضي.";
    let found = claims(text, "2026-01-10");
    assert_eq!(found.len(), 1);
    assert!(found[0].3.is_empty(), "{found:?}");
}

/// Words and marks news prose is made of, to build broken articles from.
const PIECES: &[&str] = &[
    "قال",
    "وأضاف",
    "أفادت",
    "المصدر",
    "مصدر",
    "أمني",
    "إن",
    "أن",
    "بأن",
    "عن",
    "،",
    "؛",
    ".",
    "؟",
    ":",
    "«",
    "»",
    "\"",
    "“",
    "”",
    "(",
    ")",
    "-",
    "\n",
    "بحسب",
    "وفقاً",
    "لـ",
    "يشار",
    "إلى",
    "كانت",
    "قد",
    "ذكرت",
    "في",
    "تصريح",
    "بحلول",
    "أيلول",
    "2026",
    "المقبل",
    "نهاية",
    "العام",
    "said",
    "told",
    "according",
    "to",
    "that",
    "the",
    "source",
    "he",
    "she",
    ",",
    ";",
    "June",
    "by",
    "next",
    "month",
    "mid-June",
    "will",
    "Reuters",
    "BAGHDAD",
    "2000",
    "ب",
    "بانطلاق",
];

proptest::proptest! {
    /// Any text, however broken, gives candidates whose offsets are the
    /// quote's, and never a panic.
    #[test]
    fn any_text_is_read_without_panic(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..80),
        glue in proptest::collection::vec(proptest::sample::select(&[" ", "", "  ", "\n"][..]), 80),
    ) {
        let text: String = pieces
            .iter()
            .zip(&glue)
            .flat_map(|(p, g)| [*p, *g])
            .collect();
        for lang in [Some(Lang::Ar), Some(Lang::En), None] {
            let found = extract(&text, lang, Some(day("2026-01-01")), day("2026-12-01"));
            for c in &found.candidates {
                proptest::prop_assert_eq!(&text[c.start..c.end], c.quote.as_str());
                for d in &c.deadlines {
                    proptest::prop_assert_eq!(&text[d.start..d.end], d.as_written.as_str());
                }
            }
        }
    }
}
