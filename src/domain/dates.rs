//! The one date parser every date-taking flag goes through, and the one place
//! that decides how a date looks at its precision ("Sep 2026").
//!
//! A date is a *period*: a day, a month, a quarter or a year. Deadlines are due
//! on the last day of their period, so "by September 2026" is met in time on
//! 2026-09-30 and overdue from 2026-10-01.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::domain::words::word_enum;

word_enum!(
    /// How precise a date is; a deadline is due at the end of its period.
    Precision, "precision" {
        Day => "day",
        Month => "month",
        Quarter => "quarter",
        Year => "year",
    }
);

/// A parsed date: the period it names and how precise it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub precision: Precision,
}

impl Period {
    pub fn day(date: NaiveDate) -> Self {
        Period {
            start: date,
            end: date,
            precision: Precision::Day,
        }
    }

    fn month(year: i32, month: u32) -> Result<Self, String> {
        let start = ymd(year, month, 1)?;
        Ok(Period {
            start,
            end: last_day_of_month(year, month),
            precision: Precision::Month,
        })
    }

    fn quarter(year: i32, quarter: u32) -> Result<Self, String> {
        if !(1..=4).contains(&quarter) {
            return Err(format!("quarter {quarter} does not exist (use Q1 to Q4)"));
        }
        let first_month = (quarter - 1) * 3 + 1;
        Ok(Period {
            start: ymd(year, first_month, 1)?,
            end: last_day_of_month(year, first_month + 2),
            precision: Precision::Quarter,
        })
    }

    fn year(year: i32) -> Result<Self, String> {
        Ok(Period {
            start: ymd(year, 1, 1)?,
            end: ymd(year, 12, 31)?,
            precision: Precision::Year,
        })
    }
}

/// Parses every date form `claims` accepts (see the README), relative forms
/// counting from `as_of`. The error is a reason, without the input: callers
/// name the field and the value.
pub fn parse(input: &str, as_of: NaiveDate) -> Result<Period, String> {
    let folded = normalize_input(input);
    let text = folded.trim();
    if text.is_empty() {
        return Err("empty date".into());
    }
    match text {
        "today" => return Ok(Period::day(as_of)),
        "tomorrow" => return Ok(Period::day(as_of + Days::new(1))),
        "yesterday" => return Ok(Period::day(as_of - Days::new(1))),
        _ => {}
    }
    if let Some(period) = parse_relative(text, as_of)? {
        return Ok(period);
    }
    if let Some(period) = parse_numeric(text)? {
        return Ok(period);
    }
    parse_named_month(text, as_of)
}

/// Parses a date that must name one day (said on, resolved on, as of).
pub fn parse_day(input: &str, as_of: NaiveDate) -> Result<NaiveDate, String> {
    let period = parse(input, as_of)?;
    if period.precision != Precision::Day {
        return Err(format!(
            "names a whole {}; give a day such as {}",
            period.precision.as_str(),
            period.end.format("%Y-%m-%d")
        ));
    }
    Ok(period.end)
}

/// Shows a date at its precision: `2026-09-30`, `Sep 2026`, `2026-Q3`, `2026`.
pub fn display(date: NaiveDate, precision: Precision) -> String {
    match precision {
        Precision::Day => iso(date),
        Precision::Month => date.format("%b %Y").to_string(),
        Precision::Quarter => format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
        Precision::Year => date.year().to_string(),
    }
}

/// The storage and JSON form of a day.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Reads a day back from storage.
pub fn from_iso(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Parses `30d`-style spans (`--within`): a number of days, weeks, months or
/// years counted forward from `from`, giving the last day of the span.
pub fn span_end(input: &str, from: NaiveDate) -> Result<NaiveDate, String> {
    let text = normalize_input(input);
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    let text = if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() {
        format!("{text}d")
    } else {
        text.to_string()
    };
    match parse_relative(&format!("+{text}"), from) {
        Ok(Some(period)) => Ok(period.end),
        _ => Err("expected a span such as 30d, 2w, 3m or 1y".into()),
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let last = last_day_of_month(year, month).day();
        let month_name = MONTH_NAMES_EN[month as usize - 1];
        if day == 0 {
            "day 0 does not exist".to_string()
        } else {
            format!("{month_name} {year} has only {last} days")
        }
    })
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("month checked by caller");
    first + Months::new(1) - Days::new(1)
}

/// `+30d`, `-2w`, `+3m`, `+1y`.
fn parse_relative(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let (sign, rest) = match text.chars().next() {
        Some('+') => (1, &text[1..]),
        Some('-') => (-1, &text[1..]),
        _ => return Ok(None),
    };
    let rest = rest.trim();
    let split = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(split);
    let amount: u32 = digits
        .parse()
        .map_err(|_| "expected a number after the sign, as in +30d".to_string())?;
    let overflow = || "is too far away".to_string();
    let date = match (unit.trim(), sign) {
        ("d" | "day" | "days", 1) => as_of.checked_add_days(Days::new(amount.into())),
        ("d" | "day" | "days", _) => as_of.checked_sub_days(Days::new(amount.into())),
        ("w" | "week" | "weeks", 1) => as_of.checked_add_days(Days::new(u64::from(amount) * 7)),
        ("w" | "week" | "weeks", _) => as_of.checked_sub_days(Days::new(u64::from(amount) * 7)),
        ("m" | "month" | "months", 1) => as_of.checked_add_months(Months::new(amount)),
        ("m" | "month" | "months", _) => as_of.checked_sub_months(Months::new(amount)),
        ("y" | "year" | "years", 1) => amount
            .checked_mul(12)
            .and_then(|m| as_of.checked_add_months(Months::new(m))),
        ("y" | "year" | "years", _) => amount
            .checked_mul(12)
            .and_then(|m| as_of.checked_sub_months(Months::new(m))),
        _ => return Err("unknown unit: use d, w, m or y, as in +30d".into()),
    };
    date.map(|d| Some(Period::day(d))).ok_or_else(overflow)
}

/// `2026-09-30`, `2026-09`, `2026-Q3`, `2026`.
fn parse_numeric(text: &str) -> Result<Option<Period>, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let year = |s: &str| -> Result<i32, String> {
        if s.len() != 4 {
            return Err("the year needs four digits".into());
        }
        s.parse().map_err(|_| "bad year".to_string())
    };
    match parts.as_slice() {
        [y] if all_digits(y) => Ok(Some(Period::year(year(y)?)?)),
        [y, q] if all_digits(y) && q.starts_with('q') && all_digits(&q[1..]) => Ok(Some(
            Period::quarter(year(y)?, q[1..].parse().unwrap_or(0))?,
        )),
        [y, m] if all_digits(y) && all_digits(m) => {
            let month: u32 = m.parse().unwrap_or(0);
            Ok(Some(Period::month(year(y)?, month)?))
        }
        [y, m, d] if all_digits(y) && all_digits(m) && all_digits(d) => {
            let date = ymd(year(y)?, m.parse().unwrap_or(0), d.parse().unwrap_or(0))?;
            Ok(Some(Period::day(date)))
        }
        _ if parts.iter().all(|p| all_digits(p)) => {
            Err("expected YYYY-MM-DD, YYYY-MM, YYYY-QN or YYYY".into())
        }
        _ => Ok(None),
    }
}

/// `September 2026`, `Sep 2026`, `30 September 2026`, `Q3 2026`,
/// `أيلول 2026`, `أيلول/ سبتمبر 2026`, `next September`, `أيلول المقبل`.
fn parse_named_month(text: &str, as_of: NaiveDate) -> Result<Period, String> {
    const NEXT_WORDS: [&str; 4] = ["next", "المقبل", "القادم", "المقبله"];
    const FILLER_WORDS: [&str; 4] = ["by", "بحلول", "شهر", "of"];
    let mut year = None;
    let mut day = None;
    let mut next = false;
    let mut words = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || c == ',' || c == '/') {
        if token.is_empty() || FILLER_WORDS.contains(&token) {
            continue;
        }
        if NEXT_WORDS.contains(&token) {
            next = true;
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            match token.len() {
                4 if year.is_none() => year = Some(token.parse::<i32>().unwrap_or(0)),
                1 | 2 if day.is_none() => day = Some(token.parse::<u32>().unwrap_or(0)),
                _ => return Err(format!("cannot tell what the number {token} is")),
            }
        } else {
            words.push(token);
        }
    }
    if let ([quarter], Some(year), None) = (words.as_slice(), year, day) {
        if let Some(q) = quarter.strip_prefix('q') {
            if let Ok(q) = q.parse() {
                return Period::quarter(year, q);
            }
        }
    }
    let month = month_of_words(&words).ok_or_else(|| {
        "not a date: use YYYY-MM-DD, YYYY-MM, YYYY-QN, YYYY, a month name with a year, \
         today, tomorrow or +30d"
            .to_string()
    })?;
    let year = match year {
        Some(year) => {
            if next {
                return Err("give either a year or \"next\", not both".into());
            }
            year
        }
        // A month without a year is its next occurrence: the current month
        // counts unless the text says "next".
        None if month > as_of.month() || (month == as_of.month() && !next) => as_of.year(),
        None => as_of.year() + 1,
    };
    match day {
        Some(day) => Ok(Period::day(ymd(year, month, day)?)),
        None => Period::month(year, month),
    }
}

/// The month that `words` name: one name ("september", "تشرين الاول") or the
/// same month in two naming traditions ("ايلول سبتمبر").
fn month_of_words(words: &[&str]) -> Option<u32> {
    let lookup = |words: &[&str]| -> Option<u32> {
        let phrase = words.join(" ");
        MONTH_WORDS
            .iter()
            .find(|(name, _)| *name == phrase)
            .map(|(_, month)| *month)
    };
    if words.is_empty() {
        return None;
    }
    if let Some(month) = lookup(words) {
        return Some(month);
    }
    (1..words.len()).find_map(|split| {
        let first = lookup(&words[..split])?;
        (lookup(&words[split..]) == Some(first)).then_some(first)
    })
}

const MONTH_NAMES_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month names after [`normalize_input`]: English full and short, the Levantine/Iraqi
/// Arabic names and the Egyptian/Gulf ones (with their common spellings).
const MONTH_WORDS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    ("كانون الثاني", 1),
    ("شباط", 2),
    ("اذار", 3),
    ("نيسان", 4),
    ("ايار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("اب", 8),
    ("ايلول", 9),
    ("تشرين الاول", 10),
    ("تشرين الثاني", 11),
    ("كانون الاول", 12),
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("ابريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("جانفي", 1),
    ("فيفري", 2),
    ("افريل", 4),
    ("ماي", 5),
    ("جوان", 6),
    ("جويليه", 7),
    ("اوت", 8),
    ("نونبر", 11),
    ("دجنبر", 12),
];

/// The search folding (hamza forms, diacritics, tatweel, ta marbuta, alif
/// maqsura, Arabic-Indic digits, case) plus what only dates need: direction
/// marks dropped and the Arabic comma read as a comma.
fn normalize_input(input: &str) -> String {
    crate::domain::normalize::fold(input)
        .chars()
        .filter_map(|c| match c {
            '\u{200E}' | '\u{200F}' => None,
            '\u{060C}' => Some(','),
            _ => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        from_iso(s).unwrap()
    }

    const AS_OF: &str = "2026-11-30";

    #[test]
    fn accepted_forms() {
        use Precision::*;
        let cases: &[(&str, &str, Precision)] = &[
            ("2026-09-30", "2026-09-30", Day),
            ("  2026-09-30 ", "2026-09-30", Day),
            ("2024-02-29", "2024-02-29", Day),
            ("2026-09", "2026-09-30", Month),
            ("2026-02", "2026-02-28", Month),
            ("September 2026", "2026-09-30", Month),
            ("september 2026", "2026-09-30", Month),
            ("Sep 2026", "2026-09-30", Month),
            ("Sept 2026", "2026-09-30", Month),
            ("by September 2026", "2026-09-30", Month),
            ("30 September 2026", "2026-09-30", Day),
            ("September 30, 2026", "2026-09-30", Day),
            ("2026-Q3", "2026-09-30", Quarter),
            ("2026-q1", "2026-03-31", Quarter),
            ("Q4 2026", "2026-12-31", Quarter),
            ("2026", "2026-12-31", Year),
            ("أيلول 2026", "2026-09-30", Month),
            ("ايلول 2026", "2026-09-30", Month),
            ("شهر أيلول 2026", "2026-09-30", Month),
            ("أيلول/ سبتمبر 2026", "2026-09-30", Month),
            ("سبتمبر 2026", "2026-09-30", Month),
            ("تشرين الأول 2026", "2026-10-31", Month),
            ("تشرين الثاني 2025", "2025-11-30", Month),
            ("كانون الثاني 2027", "2027-01-31", Month),
            ("كانون الأول 2026", "2026-12-31", Month),
            ("آذار 2026", "2026-03-31", Month),
            ("آب 2026", "2026-08-31", Month),
            ("شباط ٢٠٢٨", "2028-02-29", Month),
            ("أيلول ٢٠٢٦", "2026-09-30", Month),
            ("٢٠٢٦", "2026-12-31", Year),
            ("٢٠٢٦-٠٩-٣٠", "2026-09-30", Day),
            ("۲۰۲۶-۰۹", "2026-09-30", Month),
            ("يناير 2027", "2027-01-31", Month),
            ("أغسطس 2026", "2026-08-31", Month),
            ("today", "2026-11-30", Day),
            ("Today", "2026-11-30", Day),
            ("tomorrow", "2026-12-01", Day),
            ("yesterday", "2026-11-29", Day),
            ("+30d", "2026-12-30", Day),
            ("+2w", "2026-12-14", Day),
            ("+3m", "2027-02-28", Day),
            ("+1y", "2027-11-30", Day),
            ("-7d", "2026-11-23", Day),
            // Without a year: the next such month, this one included.
            ("تشرين الأول", "2027-10-31", Month),
            ("November", "2026-11-30", Month),
            ("December", "2026-12-31", Month),
            ("next November", "2027-11-30", Month),
            ("أيلول المقبل", "2027-09-30", Month),
        ];
        let as_of = d(AS_OF);
        for (input, due, precision) in cases {
            let got = parse(input, as_of).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (iso(got.end), got.precision),
                (due.to_string(), *precision),
                "{input}"
            );
        }
    }

    #[test]
    fn next_month_name_is_relative_to_as_of() {
        let got = parse("أيلول/ سبتمبر المقبل", d("2025-08-15")).unwrap();
        assert_eq!(iso(got.end), "2025-09-30");
        assert_eq!(got.start, d("2025-09-01"));
    }

    #[test]
    fn rejected_forms_say_why() {
        let cases: &[(&str, &str)] = &[
            ("2026-02-30", "February 2026 has only 28 days"),
            ("2025-02-29", "February 2025 has only 28 days"),
            ("2026-04-31", "April 2026 has only 30 days"),
            ("2026-13", "month 13 does not exist"),
            ("2026-13-01", "month 13 does not exist"),
            ("2026-00-10", "month 0 does not exist"),
            ("2026-01-00", "day 0 does not exist"),
            ("2026-Q5", "quarter 5 does not exist"),
            ("26-09-30", "four digits"),
            ("", "empty date"),
            ("soon", "not a date"),
            ("Septembre 2026", "not a date"),
            ("+30x", "unknown unit"),
            ("+d", "expected a number"),
            ("next September 2026", "not both"),
            ("31 September 2026", "September 2026 has only 30 days"),
        ];
        for (input, reason) in cases {
            let err = parse(input, d(AS_OF)).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
    }

    #[test]
    fn parse_day_refuses_periods() {
        assert_eq!(parse_day("2026-09-30", d(AS_OF)).unwrap(), d("2026-09-30"));
        let err = parse_day("2026-09", d(AS_OF)).unwrap_err();
        assert!(err.contains("whole month"), "{err}");
    }

    #[test]
    fn display_by_precision() {
        let due = d("2026-09-30");
        assert_eq!(display(due, Precision::Day), "2026-09-30");
        assert_eq!(display(due, Precision::Month), "Sep 2026");
        assert_eq!(display(due, Precision::Quarter), "2026-Q3");
        assert_eq!(display(due, Precision::Year), "2026");
    }

    #[test]
    fn spans() {
        let from = d(AS_OF);
        assert_eq!(span_end("30d", from).unwrap(), d("2026-12-30"));
        assert_eq!(span_end("30", from).unwrap(), d("2026-12-30"));
        assert_eq!(span_end("2w", from).unwrap(), d("2026-12-14"));
        assert_eq!(span_end("+1m", from).unwrap(), d("2026-12-30"));
        assert!(span_end("soon", from).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn precision() -> impl Strategy<Value = Precision> {
        prop_oneof![
            Just(Precision::Day),
            Just(Precision::Month),
            Just(Precision::Quarter),
            Just(Precision::Year)
        ]
    }

    proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,40}") {
            let _ = parse(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
            let _ = span_end(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        }

        #[test]
        fn never_panics_on_date_like_input(input in "[-+0-9QqSsep ٠-٩أيلول]{0,16}") {
            let _ = parse(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        }

        /// What `display` shows parses back to the same period.
        #[test]
        fn display_parses_back(days in 0i64..200 * 366, precision in precision()) {
            let day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
            let period = parse(&display(day, precision), as_of).unwrap();
            prop_assert_eq!(period.precision, precision);
            prop_assert!(period.start <= day && day <= period.end);
            let again = parse(&display(period.end, precision), as_of).unwrap();
            prop_assert_eq!(again, period);
        }
    }
}
