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
    if let Some(period) = parse_numeric_day(text)? {
        return Ok(period);
    }
    if let Some(period) = parse_numeric(text)? {
        return Ok(period);
    }
    if let Some(period) = parse_phrase(text, as_of)? {
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

/// Day dates written with separators: `30/09/2026`, `30-09-2026` and
/// `30.09.2026` day first (the order of the Arab world and Europe),
/// `2026/09/30` and `2026.09.30` year first, and `20260930`. A date that
/// only reads month first (`09/30/2026`) is refused, never turned around.
fn parse_numeric_day(text: &str) -> Result<Option<Period>, String> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    if text.len() == 8 && digits(text) {
        let year = text[..4].parse().unwrap_or(0);
        let date = ymd(year, number(&text[4..6]), number(&text[6..]))?;
        return Ok(Some(Period::day(date)));
    }
    for separator in ['/', '.', '-'] {
        let parts: Vec<&str> = text.split(separator).map(str::trim).collect();
        let [a, b, c] = parts.as_slice() else {
            continue;
        };
        if !(digits(a) && digits(b) && digits(c)) {
            continue;
        }
        if a.len() == 4 && separator != '-' && b.len() <= 2 && c.len() <= 2 {
            let date = ymd(a.parse().unwrap_or(0), number(b), number(c))?;
            return Ok(Some(Period::day(date)));
        }
        if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
            let (day, month) = (number(a), number(b));
            if month > 12 && (1..=12).contains(&day) {
                return Err(format!(
                    "reads only as month {day}, day {month}: dates with `{separator}` are \
                     day{separator}month{separator}year, as in 30{separator}09{separator}2026"
                ));
            }
            let date = ymd(c.parse().unwrap_or(0), month, day)?;
            return Ok(Some(Period::day(date)));
        }
    }
    Ok(None)
}

/// How a phrase counts from its anchor: the next or the current period.
#[derive(Clone, Copy, PartialEq)]
enum Which {
    Next,
    This,
}

/// A unit of time as phrases name it.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// Phrases counted from the anchor: `next month`, `this year`,
/// `الشهر المقبل`, `العام القادم`, `next quarter`; `within two weeks`,
/// `خلال ثلاثة أشهر`, `في غضون شهر`; `next Monday`, `الاثنين المقبل`.
/// `None` when the text is not such a phrase.
fn parse_phrase(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && !matches!(*w, "by" | "the" | "بحلول"))
        .collect();
    if let Some(period) = within(&words, as_of)? {
        return Ok(Some(period));
    }
    let mut which = None;
    let mut unit = None;
    let mut weekday = None;
    for word in &words {
        if let Some(w) = which_word(word) {
            which = Some(w);
        } else if let Some(u) = unit_word(word) {
            unit = Some(u);
        } else if let Some(d) = weekday_word(word) {
            weekday = Some(d);
        } else {
            return Ok(None);
        }
    }
    let (Some(which), 2) = (which, words.len()) else {
        return Ok(None);
    };
    if let (Some(day), None) = (weekday, unit) {
        if which == Which::This {
            return Err("say next Monday (the first after the day), or give the date".into());
        }
        let ahead = (7 + day.num_days_from_monday() - as_of.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return Ok(Some(Period::day(as_of + Days::new(ahead.into()))));
    }
    let next = u32::from(which == Which::Next);
    let period = match unit {
        Some(Unit::Month) => {
            let month = as_of
                .checked_add_months(Months::new(next))
                .ok_or("is too far away")?;
            Period::month(month.year(), month.month())?
        }
        Some(Unit::Quarter) => {
            let quarter = (as_of.month() - 1) / 3 + 1 + next;
            let (year, quarter) = if quarter > 4 {
                (as_of.year() + 1, quarter - 4)
            } else {
                (as_of.year(), quarter)
            };
            Period::quarter(year, quarter)?
        }
        Some(Unit::Year) => Period::year(as_of.year() + next as i32)?,
        Some(Unit::Week) => {
            return Err(
                "a week is not a period claims keeps: give its last day, or a span such as +1w"
                    .into(),
            )
        }
        Some(Unit::Day) | None => return Ok(None),
    };
    Ok(Some(period))
}

/// `within N units` and its Arabic forms (`خلال`, `في غضون`): the day the
/// span from the anchor ends.
fn within(words: &[&str], as_of: NaiveDate) -> Result<Option<Period>, String> {
    let rest = match words {
        ["within" | "in" | "خلال", rest @ ..] => rest,
        ["في", "غضون", rest @ ..] => rest,
        _ => return Ok(None),
    };
    let (amount, unit) = match rest {
        // `شهر`, `شهرين`: the unit word says how many.
        [unit] => match counted_unit(unit) {
            Some((Some(n), unit)) => (n, unit),
            _ => return Ok(None),
        },
        // A number and a singular (`a month`, `11 شهر`) or a plural.
        [number, unit] => match (number_word(number), counted_unit(unit)) {
            (Some(n), Some((None | Some(1), unit))) => (n, unit),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let end = match unit {
        Unit::Day => as_of.checked_add_days(Days::new(amount.into())),
        Unit::Week => as_of.checked_add_days(Days::new(u64::from(amount) * 7)),
        Unit::Month => as_of.checked_add_months(Months::new(amount)),
        Unit::Quarter => as_of.checked_add_months(Months::new(amount * 3)),
        Unit::Year => as_of.checked_add_months(Months::new(amount * 12)),
    };
    end.map(|end| Some(Period::day(end)))
        .ok_or_else(|| "is too far away".to_string())
}

fn which_word(word: &str) -> Option<Which> {
    match word {
        "next" | "coming" | "المقبل" | "القادم" | "المقبله" | "القادمه" => {
            Some(Which::Next)
        }
        "this" | "current" | "هذا" | "هذه" | "الحالي" | "الحاليه" | "الجاري" => {
            Some(Which::This)
        }
        _ => None,
    }
}

/// A unit named with its article or alone (`الشهر`, `month`).
fn unit_word(word: &str) -> Option<Unit> {
    match word {
        "week" | "الاسبوع" => Some(Unit::Week),
        "month" | "الشهر" => Some(Unit::Month),
        "quarter" | "الربع" => Some(Unit::Quarter),
        "year" | "العام" | "السنه" => Some(Unit::Year),
        _ => None,
    }
}

/// A unit word with the count it carries: `Some(1)` for a singular
/// (`شهر`, `month`), `Some(2)` for the Arabic dual (`شهرين`), `None` for a
/// plural, which a number word counts.
fn counted_unit(word: &str) -> Option<(Option<u32>, Unit)> {
    Some(match word {
        "day" | "يوم" => (Some(1), Unit::Day),
        "days" | "ايام" => (None, Unit::Day),
        "يومين" => (Some(2), Unit::Day),
        "week" | "اسبوع" => (Some(1), Unit::Week),
        "weeks" | "اسابيع" => (None, Unit::Week),
        "اسبوعين" => (Some(2), Unit::Week),
        "month" | "شهر" => (Some(1), Unit::Month),
        "months" | "اشهر" | "شهور" => (None, Unit::Month),
        "شهرين" => (Some(2), Unit::Month),
        "quarter" => (Some(1), Unit::Quarter),
        "quarters" => (None, Unit::Quarter),
        "year" | "عام" | "سنه" => (Some(1), Unit::Year),
        "years" | "اعوام" | "سنوات" => (None, Unit::Year),
        "عامين" | "سنتين" => (Some(2), Unit::Year),
        _ => return None,
    })
}

/// A count in digits or in words (one to twelve; واحد to عشرة).
fn number_word(word: &str) -> Option<u32> {
    if !word.is_empty() && word.len() <= 4 && word.chars().all(|c| c.is_ascii_digit()) {
        return word.parse().ok().filter(|n| *n > 0);
    }
    const WORDS: &[(&str, u32)] = &[
        ("a", 1),
        ("an", 1),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("واحد", 1),
        ("اثنين", 2),
        ("اثنان", 2),
        ("ثلاثه", 3),
        ("ثلاث", 3),
        ("اربعه", 4),
        ("اربع", 4),
        ("خمسه", 5),
        ("خمس", 5),
        ("سته", 6),
        ("ست", 6),
        ("سبعه", 7),
        ("سبع", 7),
        ("ثمانيه", 8),
        ("ثماني", 8),
        ("ثمان", 8),
        ("تسعه", 9),
        ("تسع", 9),
        ("عشره", 10),
        ("عشر", 10),
    ];
    WORDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
}

/// A day of the week, in English or Arabic (with or without the article).
fn weekday_word(word: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    Some(match word {
        "monday" | "الاثنين" | "اثنين" => Mon,
        "tuesday" | "الثلاثاء" | "ثلاثاء" => Tue,
        "wednesday" | "الاربعاء" | "اربعاء" => Wed,
        "thursday" | "الخميس" | "خميس" => Thu,
        "friday" | "الجمعه" | "جمعه" => Fri,
        "saturday" | "السبت" | "سبت" => Sat,
        "sunday" | "الاحد" | "احد" => Sun,
        _ => return None,
    })
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

/// `September 2026`, `Sep 2026`, `30 September 2026`, `September 30th,
/// 2026`, `Sept. 30`, `Q3 2026`, `in 2026`, `عام 2026`, `أيلول 2026`,
/// `أيلول/ سبتمبر 2026`, `25 من شباط 2026`, `في أيلول من عام 2026`,
/// `الخميس 26 شباط 2026` (the weekday must be the date's), `next September`,
/// `أيلول المقبل`, `أيلول الماضي`, `تشرين الثاني الجاري`.
fn parse_named_month(text: &str, as_of: NaiveDate) -> Result<Period, String> {
    const FILLER_WORDS: &[&str] = &[
        "by",
        "of",
        "in",
        "on",
        "the",
        "during",
        "بحلول",
        "شهر",
        "في",
        "خلال",
        "من",
        "عام",
        "العام",
        "سنه",
        "السنه",
        "يوم",
    ];
    let mut year = None;
    let mut day = None;
    let mut which = None;
    let mut past = false;
    let mut weekday = None;
    let mut words = Vec::new();
    let separators = |c: char| c.is_whitespace() || matches!(c, ',' | '/' | '.');
    for token in text.split(separators) {
        if token.is_empty() || FILLER_WORDS.contains(&token) {
            continue;
        }
        // `30th`, `1st`: the day with its English ordinal ending.
        let number = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|end| token.strip_suffix(end))
            .filter(|n| !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or(token);
        if let Some(w) = which_word(token) {
            which = Some(w);
        } else if matches!(token, "last" | "الماضي" | "المنصرم") {
            past = true;
        } else if let Some(d) = weekday_word(token) {
            weekday = Some(d);
        } else if number.chars().all(|c| c.is_ascii_digit()) {
            match number.len() {
                4 if year.is_none() => year = Some(number.parse::<i32>().unwrap_or(0)),
                1 | 2 if day.is_none() => day = Some(number.parse::<u32>().unwrap_or(0)),
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
    let relative = which.is_some() || past;
    if let ([], Some(year), None, None, false) = (words.as_slice(), year, day, weekday, relative) {
        return Period::year(year);
    }
    let month = month_of_words(&words).ok_or_else(|| {
        "not a date: use YYYY-MM-DD, YYYY-MM, YYYY-QN, YYYY, a month name with a year, \
         today, tomorrow or +30d"
            .to_string()
    })?;
    let year = match (year, which, past) {
        (Some(_), Some(_), _) | (Some(_), _, true) => {
            return Err("give either a year or \"next\"/\"last\", not both".into())
        }
        (_, Some(_), true) => return Err("a month cannot be both next and last".into()),
        (Some(year), None, false) => year,
        // The current month, in the anchor's year.
        (None, Some(Which::This), false) if month == as_of.month() => as_of.year(),
        (None, Some(Which::This), false) => {
            return Err(format!(
                "{} is not the current month ({})",
                MONTH_NAMES_EN[month as usize - 1],
                display(as_of, Precision::Month)
            ))
        }
        // The last such month before the anchor's.
        (None, None, true) if month < as_of.month() => as_of.year(),
        (None, None, true) => as_of.year() - 1,
        // A month without a year is its next occurrence: the current month
        // counts unless the text says "next".
        (None, next, false)
            if month > as_of.month() || (month == as_of.month() && next.is_none()) =>
        {
            as_of.year()
        }
        (None, _, false) => as_of.year() + 1,
    };
    let period = match day {
        Some(day) => Period::day(ymd(year, month, day)?),
        None => Period::month(year, month)?,
    };
    if let Some(named) = weekday {
        if day.is_none() {
            return Err("a weekday goes with a day's date (الخميس 26 شباط 2026)".into());
        }
        let actual = period.end.weekday();
        if actual != named {
            return Err(format!(
                "{} is a {}, not a {}",
                iso(period.end),
                weekday_name(actual),
                weekday_name(named)
            ));
        }
    }
    Ok(period)
}

fn weekday_name(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match day {
        Mon => "Monday",
        Tue => "Tuesday",
        Wed => "Wednesday",
        Thu => "Thursday",
        Fri => "Friday",
        Sat => "Saturday",
        Sun => "Sunday",
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
    // Levantine/Iraqi without the article.
    ("كانون ثاني", 1),
    ("تشرين اول", 10),
    ("تشرين ثاني", 11),
    ("كانون اول", 12),
    // An Egyptian/Gulf spelling.
    ("سيبتمبر", 9),
    // Morocco.
    ("يوليوز", 7),
    ("غشت", 8),
    ("شتنبر", 9),
    // Mauritania.
    ("اغشت", 8),
    ("شتمبر", 9),
    ("دجمبر", 12),
];

/// The search folding (hamza forms, diacritics, tatweel, ta marbuta, alif
/// maqsura, Persian and Urdu letters, Arabic-Indic digits, case) plus what only dates need: direction
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

    /// Each input reads, as of `AS_OF`, as a period due that day at that precision.
    fn assert_reads(cases: &[(&str, &str, Precision)]) {
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

    /// Each input is refused, as of `AS_OF`, with a reason that says this.
    fn assert_refuses(cases: &[(&str, &str)]) {
        for (input, reason) in cases {
            let err = parse(input, d(AS_OF)).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
    }

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
        assert_reads(cases);
    }

    /// The forms of real reporting (issue 13), as of Monday 2026-11-30.
    #[test]
    fn forms_of_real_reporting() {
        use Precision::*;
        let cases: &[(&str, &str, Precision)] = &[
            // Counted from the anchor.
            ("next month", "2026-12-31", Month),
            ("the coming month", "2026-12-31", Month),
            ("الشهر المقبل", "2026-12-31", Month),
            ("الشهر القادم", "2026-12-31", Month),
            ("this month", "2026-11-30", Month),
            ("next year", "2027-12-31", Year),
            ("by next year", "2027-12-31", Year),
            ("العام المقبل", "2027-12-31", Year),
            ("العام القادم", "2027-12-31", Year),
            ("السنة المقبلة", "2027-12-31", Year),
            ("this year", "2026-12-31", Year),
            ("هذا العام", "2026-12-31", Year),
            ("العام الحالي", "2026-12-31", Year),
            ("next quarter", "2027-03-31", Quarter),
            ("الربع المقبل", "2027-03-31", Quarter),
            ("this quarter", "2026-12-31", Quarter),
            ("within two weeks", "2026-12-14", Day),
            ("within 30 days", "2026-12-30", Day),
            ("within a month", "2026-12-30", Day),
            ("in two weeks", "2026-12-14", Day),
            ("خلال أسبوعين", "2026-12-14", Day),
            ("في غضون شهر", "2026-12-30", Day),
            ("خلال شهرين", "2027-01-30", Day),
            ("خلال ثلاثة أشهر", "2027-02-28", Day),
            ("خلال 3 أشهر", "2027-02-28", Day),
            ("خلال عشرة أيام", "2026-12-10", Day),
            ("خلال 11 شهر", "2027-10-30", Day),
            ("خلال عامين", "2028-11-30", Day),
            ("next Monday", "2026-12-07", Day),
            ("next Thursday", "2026-12-03", Day),
            ("الاثنين المقبل", "2026-12-07", Day),
            ("الخميس القادم", "2026-12-03", Day),
            // Years and months with their words.
            ("in 2026", "2026-12-31", Year),
            ("عام 2026", "2026-12-31", Year),
            ("سنة 2026", "2026-12-31", Year),
            ("العام 2026", "2026-12-31", Year),
            ("في عام 2026", "2026-12-31", Year),
            ("شهر أيلول", "2027-09-30", Month),
            ("أيلول من عام 2026", "2026-09-30", Month),
            ("في أيلول 2026", "2026-09-30", Month),
            ("خلال أيلول", "2027-09-30", Month),
            ("أيلول الماضي", "2026-09-30", Month),
            ("last November", "2025-11-30", Month),
            ("تشرين الثاني الجاري", "2026-11-30", Month),
            // Day dates as written.
            ("September 30th, 2026", "2026-09-30", Day),
            ("1st March 2027", "2027-03-01", Day),
            ("Sept. 30", "2027-09-30", Day),
            ("30 أيلول 2026", "2026-09-30", Day),
            ("25 من شباط 2026", "2026-02-25", Day),
            ("الخميس 26 شباط 2026", "2026-02-26", Day),
            ("Thursday, 26 February 2026", "2026-02-26", Day),
            ("30/09/2026", "2026-09-30", Day),
            ("30-09-2026", "2026-09-30", Day),
            ("30.09.2026", "2026-09-30", Day),
            ("1/2/2027", "2027-02-01", Day),
            ("٣٠/٠٩/٢٠٢٦", "2026-09-30", Day),
            ("2026/09/30", "2026-09-30", Day),
            ("2026.09.30", "2026-09-30", Day),
            ("20260930", "2026-09-30", Day),
            // Month names in every tradition.
            ("تشرين أول 2026", "2026-10-31", Month),
            ("تشرين ثاني 2026", "2026-11-30", Month),
            ("كانون ثاني 2027", "2027-01-31", Month),
            ("كانون أول 2026", "2026-12-31", Month),
            ("يونيه 2027", "2027-06-30", Month),
            ("يوليه 2027", "2027-07-31", Month),
            ("سيبتمبر 2027", "2027-09-30", Month),
            ("جانفي 2027", "2027-01-31", Month),
            ("فيفري 2027", "2027-02-28", Month),
            ("أفريل 2027", "2027-04-30", Month),
            ("ماي 2027", "2027-05-31", Month),
            ("جوان 2027", "2027-06-30", Month),
            ("جويلية 2027", "2027-07-31", Month),
            ("أوت 2027", "2027-08-31", Month),
            ("يوليوز 2027", "2027-07-31", Month),
            ("غشت 2027", "2027-08-31", Month),
            ("شتنبر 2027", "2027-09-30", Month),
            ("نونبر 2027", "2027-11-30", Month),
            ("دجنبر 2027", "2027-12-31", Month),
            ("أغشت 2027", "2027-08-31", Month),
            ("شتمبر 2027", "2027-09-30", Month),
            ("دجمبر 2027", "2027-12-31", Month),
            // Persian and Urdu letters (ی, ک, ہ) as Iraqi and Gulf keyboards type them.
            ("تشرین الأول 2026", "2026-10-31", Month),
            ("کانون الثانی 2027", "2027-01-31", Month),
        ];
        assert_reads(cases);
    }

    /// What the grammar cannot read for certain is refused, saying why.
    #[test]
    fn forms_refused_rather_than_guessed() {
        let cases: &[(&str, &str)] = &[
            ("09/30/2026", "day/month/year"),
            ("12.31.2026", "day.month.year"),
            (
                "الخميس 25 شباط 2026",
                "2026-02-25 is a Wednesday, not a Thursday",
            ),
            ("الخميس شباط 2026", "a weekday goes with a day"),
            ("next week", "a week is not a period"),
            ("الأسبوع المقبل", "a week is not a period"),
            ("this Monday", "say next Monday"),
            (
                "أيلول الجاري",
                "September is not the current month (Nov 2026)",
            ),
            ("أيلول الماضي 2026", "not both"),
            ("within months", "not a date"),
            ("خلال ثلاثة شهرين", "not a date"),
            ("2026/13/01", "month 13 does not exist"),
            ("31/04/2026", "April 2026 has only 30 days"),
            ("20261301", "month 13 does not exist"),
        ];
        assert_refuses(cases);
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
        assert_refuses(cases);
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
