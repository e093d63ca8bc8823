//! Dates written in digits: ISO forms, day dates with separators, `+30d`.

use chrono::{Days, Months, NaiveDate};

use super::{ymd, Period};

/// `+30d`, `-2w`, `+3m`, `+1y`.
pub(super) fn parse_relative(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
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
pub(super) fn parse_numeric_day(text: &str) -> Result<Option<Period>, String> {
    match day_numbers(text)? {
        Some((year, month, day)) => Ok(Some(Period::day(ymd(year, month, day)?))),
        None => Ok(None),
    }
}

/// The year, month and day of a day date in digits (the forms of
/// [`parse_numeric_day`] and ISO `2026-09-30`), in any calendar; `None` when
/// the text is not one.
pub(super) fn day_numbers(text: &str) -> Result<Option<(i32, u32, u32)>, String> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let year = |s: &str| s.parse::<i32>().unwrap_or(0);
    if text.len() == 8 && digits(text) {
        return Ok(Some((
            year(&text[..4]),
            number(&text[4..6]),
            number(&text[6..]),
        )));
    }
    for separator in ['/', '.', '-'] {
        let parts: Vec<&str> = text.split(separator).map(str::trim).collect();
        let [a, b, c] = parts.as_slice() else {
            continue;
        };
        if !(digits(a) && digits(b) && digits(c)) {
            continue;
        }
        if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
            return Ok(Some((year(a), number(b), number(c))));
        }
        if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
            let (day, month) = (number(a), number(b));
            if month > 12 && (1..=12).contains(&day) {
                return Err(format!(
                    "reads only as month {day}, day {month}: dates with `{separator}` are \
                     day{separator}month{separator}year, as in 30{separator}09{separator}2026"
                ));
            }
            return Ok(Some((year(c), month, day)));
        }
    }
    Ok(None)
}

/// `2026-09-30`, `2026-W49`, `2026-09`, `2026-Q3`, `2026-H1`, `2026`.
pub(super) fn parse_numeric(text: &str) -> Result<Option<Period>, String> {
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
        [y, w] if all_digits(y) && w.starts_with('w') && all_digits(&w[1..]) => {
            Ok(Some(Period::week(year(y)?, w[1..].parse().unwrap_or(0))?))
        }
        [y, h] if all_digits(y) && h.starts_with('h') && all_digits(&h[1..]) => {
            Ok(Some(Period::half(year(y)?, h[1..].parse().unwrap_or(0))?))
        }
        [y, m] if all_digits(y) && all_digits(m) => {
            let month: u32 = m.parse().unwrap_or(0);
            Ok(Some(Period::month(year(y)?, month)?))
        }
        [y, m, d] if all_digits(y) && all_digits(m) && all_digits(d) => {
            let date = ymd(year(y)?, m.parse().unwrap_or(0), d.parse().unwrap_or(0))?;
            Ok(Some(Period::day(date)))
        }
        _ if parts.iter().all(|p| all_digits(p)) => {
            Err("expected YYYY-MM-DD, YYYY-WNN, YYYY-MM, YYYY-QN, YYYY-HN or YYYY".into())
        }
        _ => Ok(None),
    }
}
