//! Phrases counted from the anchor, and the parts and halves of a period.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::vocabulary::{
    counted_unit, number_word, unit_word, weekday_word, which_word, Unit, Which,
};
use super::{parse_folded, Part, Period, Precision};

/// Phrases counted from the anchor: `next month`, `this year`,
/// `الشهر المقبل`, `العام القادم`, `next quarter`; `within two weeks`,
/// `خلال ثلاثة أشهر`, `في غضون شهر`; `next Monday`, `الاثنين المقبل`.
/// `None` when the text is not such a phrase.
pub(super) fn parse_phrase(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
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
        let (from, to) = (
            as_of.weekday().num_days_from_monday(),
            day.num_days_from_monday(),
        );
        return match which {
            Which::This => {
                Err("say next Monday (the first after the day), or give the date".into())
            }
            Which::Next => {
                let ahead = (7 + to - from) % 7;
                let ahead = if ahead == 0 { 7 } else { ahead };
                Ok(Some(Period::day(as_of + Days::new(ahead.into()))))
            }
            Which::Last => {
                let back = (7 + from - to) % 7;
                let back = if back == 0 { 7 } else { back };
                Ok(Some(Period::day(as_of - Days::new(back.into()))))
            }
        };
    }
    let offset = match which {
        Which::Next => 1,
        Which::This => 0,
        Which::Last => -1,
    };
    match unit {
        Some(unit) => unit_period(unit, as_of, offset),
        None => Ok(None),
    }
}

/// The ISO week, month, quarter or year that holds `as_of`, moved by `offset` of them;
/// `None` for days, which have their own words (today, tomorrow).
fn unit_period(unit: Unit, as_of: NaiveDate, offset: i32) -> Result<Option<Period>, String> {
    let (months, precision) = match unit {
        Unit::Month => (1, Precision::Month),
        Unit::Quarter => (3, Precision::Quarter),
        Unit::Year => (12, Precision::Year),
        Unit::Week => {
            let days = Days::new(7 * u64::from(offset.unsigned_abs()));
            let moved = if offset < 0 {
                as_of.checked_sub_days(days)
            } else {
                as_of.checked_add_days(days)
            };
            let moved = moved.ok_or("is too far away")?;
            return Period::of(moved, Precision::Week).map(Some);
        }
        Unit::Day => return Ok(None),
    };
    let shift = Months::new(months * offset.unsigned_abs());
    let moved = if offset < 0 {
        as_of.checked_sub_months(shift)
    } else {
        as_of.checked_add_months(shift)
    };
    let moved = moved.ok_or("is too far away")?;
    Period::of(moved, precision).map(Some)
}

/// Words before a part or a half; the first ones make "by the end of X"
/// mean X itself, due at its end.
const BY_WORDS: &[&str] = &["by", "before", "until", "بحلول", "قبل", "حتي"];
const LEADING_WORDS: &[&str] = &["the", "at", "in", "during", "في", "مع", "خلال"];
const OF_WORDS: &[&str] = &["of", "the", "من"];

/// A word for a part of a period, and whether it names the end itself
/// (`end`, `نهاية`) rather than the last third (`late`, `أواخر`). `أول` and
/// `آخر` are left out: they also mean "the first" and "the last".
fn part_word(word: &str) -> Option<(Part, bool)> {
    Some(match word {
        "early" | "beginning" | "start" | "اوائل" | "مطلع" | "بدايه" | "مستهل" => {
            (Part::Early, false)
        }
        "mid" | "middle" | "منتصف" | "اواسط" => (Part::Mid, false),
        "late" | "اواخر" => (Part::Late, false),
        "end" | "نهايه" => (Part::Late, true),
        _ => return None,
    })
}

/// Skips the leading words of a part or a half, saying whether one was a "by".
fn skip_leading<'a>(words: &'a [&'a str]) -> (bool, &'a [&'a str]) {
    let mut by = false;
    let mut rest = words;
    while let [first, tail @ ..] = rest {
        if BY_WORDS.contains(first) {
            by = true;
        } else if !LEADING_WORDS.contains(first) {
            break;
        }
        rest = tail;
    }
    (by, rest)
}

/// The period a part or a half divides: a date, or a unit word alone for
/// the anchor's own (`نهاية العام`, `the end of the month`).
fn divided_period(words: &[&str], as_of: NaiveDate, example: &str) -> Result<Period, String> {
    let mut words = words;
    while let [first, tail @ ..] = words {
        if !OF_WORDS.contains(first) {
            break;
        }
        words = tail;
    }
    match words {
        [] => Err(format!("say of what, as in {example}")),
        [unit] if unit_word(unit).is_some() => {
            unit_period(unit_word(unit).expect("checked"), as_of, 0)?
                .ok_or_else(|| format!("say of what, as in {example}"))
        }
        _ => parse_folded(&words.join(" "), as_of),
    }
}

/// Parts of a period: `early September 2026`, `mid-2026`, `late Q3 2026`,
/// `end of 2026`, `أوائل أيلول`, `منتصف 2026`, `نهاية العام`; "by the end
/// of X" (`بحلول نهاية X`) is X itself.
pub(super) fn parse_part(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (by, words) = skip_leading(&words);
    let Some((first, tail)) = words.split_first() else {
        return Ok(None);
    };
    // `mid-2026`, `mid-September`: the part joined to its period.
    let (word, joined) = match first.split_once('-') {
        Some((word, rest)) if !rest.is_empty() && part_word(word).is_some() => (word, Some(rest)),
        _ => (*first, None),
    };
    let Some((part, names_end)) = part_word(word) else {
        return Ok(None);
    };
    let rest: Vec<&str> = joined.into_iter().chain(tail.iter().copied()).collect();
    let whole = divided_period(&rest, as_of, "the end of September 2026")
        .map_err(|e| format!("after \"{word}\": {e}"))?;
    if by && names_end {
        return Ok(Some(whole));
    }
    whole.part(part).map(Some)
}

/// Half years: `H1 2026`, `2026-H2` (see the numeric forms), `first half of
/// 2026`, `النصف الأول من 2026`, `النصف الثاني من العام المقبل`.
pub(super) fn parse_half(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (_, words) = skip_leading(&words);
    let (half, rest) = match words {
        ["h1", rest @ ..] | ["first", "half", rest @ ..] | ["النصف", "الاول", rest @ ..] => {
            (1, rest)
        }
        ["h2", rest @ ..] | ["second", "half", rest @ ..] | ["النصف", "الثاني", rest @ ..] => {
            (2, rest)
        }
        _ => return Ok(None),
    };
    let whole = divided_period(rest, as_of, "the first half of 2026")
        .map_err(|e| format!("after \"half\": {e}"))?;
    if whole.precision != Precision::Year {
        return Err(format!(
            "a half divides a year, and {} is not one",
            super::display(whole.end, whole.precision)
        ));
    }
    Period::half(whole.start.year(), half).map(Some)
}

/// A quarter named by its place in a year: `the first quarter of 2027`,
/// `the last quarter of next year`, `الربع الأول من 2027`, `الربع الأخير من
/// العام المقبل`. Alone (`last quarter`) it is not one: the phrases read that.
pub(super) fn parse_quarter(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (_, words) = skip_leading(&words);
    let (quarter, rest) = match words {
        ["first", "quarter", rest @ ..] | ["الربع", "الاول", rest @ ..] => (1, rest),
        ["second", "quarter", rest @ ..] | ["الربع", "الثاني", rest @ ..] => (2, rest),
        ["third", "quarter", rest @ ..] | ["الربع", "الثالث", rest @ ..] => (3, rest),
        ["fourth" | "last" | "final", "quarter", rest @ ..]
        | ["الربع", "الرابع" | "الاخير", rest @ ..] => (4, rest),
        _ => return Ok(None),
    };
    if rest.is_empty() {
        return Ok(None);
    }
    let whole = divided_period(rest, as_of, "the first quarter of 2027")
        .map_err(|e| format!("after \"quarter\": {e}"))?;
    if whole.precision != Precision::Year {
        return Err(format!(
            "a quarter here divides a year, and {} is not one",
            super::display(whole.end, whole.precision)
        ));
    }
    Period::quarter(whole.start.year(), quarter).map(Some)
}

/// The count and unit of `the next N units` (`next two months`, `الشهرين
/// المقبلين`, `الأشهر الثلاثة المقبلة`): a span from the anchor, said with
/// "next" so that it cannot be read as a period of its own.
fn next_span(words: &[&str]) -> Option<(u32, Unit)> {
    let bare = |w: &str| -> String {
        match w.strip_prefix("ال") {
            Some(rest) if counted_unit(rest).is_some() || number_word(rest).is_some() => {
                rest.to_string()
            }
            _ => w.to_string(),
        }
    };
    match words {
        ["next" | "coming", number, unit] => match (number_word(number), counted_unit(unit)) {
            (Some(n), Some((None, unit))) => Some((n, unit)),
            _ => None,
        },
        [unit, "المقبلين" | "القادمين" | "المقبلتين" | "القادمتين"] if unit.starts_with("ال") => {
            match counted_unit(&bare(unit)) {
                Some((Some(2), unit)) => Some((2, unit)),
                _ => None,
            }
        }
        [unit, number, "المقبله" | "القادمه" | "المقبلين" | "القادمين"]
            if unit.starts_with("ال") && number.starts_with("ال") =>
        {
            match (number_word(&bare(number)), counted_unit(&bare(unit))) {
                (Some(n), Some((None, unit))) => Some((n, unit)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `within N units` and its Arabic forms (`خلال`, `في غضون`), and `within the
/// next N units` (`خلال الشهرين المقبلين`): the day the span from the anchor
/// ends.
pub(super) fn within(words: &[&str], as_of: NaiveDate) -> Result<Option<Period>, String> {
    let rest = match words {
        ["within" | "in" | "خلال", rest @ ..] => rest,
        ["في", "غضون", rest @ ..] => rest,
        _ => return Ok(None),
    };
    let (amount, unit) = match next_span(rest) {
        Some(span) => span,
        None => match rest {
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
        },
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
