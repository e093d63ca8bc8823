//! Dates that name a month.

use chrono::{Datelike, NaiveDate};

use super::vocabulary::{
    month_of_words, weekday_name, weekday_word, which_word, Which, MONTH_NAMES_EN,
};
use super::{display, iso, ymd, Period, Precision};

/// `September 2026`, `Sep 2026`, `30 September 2026`, `September 30th,
/// 2026`, `Sept. 30`, `Q3 2026`, `in 2026`, `عام 2026`, `أيلول 2026`,
/// `أيلول/ سبتمبر 2026`, `25 من شباط 2026`, `في أيلول من عام 2026`,
/// `الخميس 26 شباط 2026` (the weekday must be the date's), `next September`,
/// `أيلول المقبل`, `أيلول الماضي`, `تشرين الثاني الجاري`.
pub(super) fn parse_named_month(text: &str, as_of: NaiveDate) -> Result<Period, String> {
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
            match w {
                Which::Last => past = true,
                _ => which = Some(w),
            }
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
