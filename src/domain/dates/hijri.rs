//! Hijri dates in the Umm al-Qura calendar, as Gulf governments use it:
//! `رمضان 1448 هـ`, `14-09-1447 هـ`, `1448 AH`, `Ramadan 1448 AH`, read as
//! the Gregorian days they cover. The conversion is ICU4X's (`icu_calendar`),
//! whose table is ICU's; only the years KACST has published are accepted.

use chrono::{Datelike, Days, NaiveDate};
use icu_calendar::cal::Hijri;
use icu_calendar::{Date, Iso};

use super::numeric::day_numbers;
use super::vocabulary::{which_word, Which};
use super::{Period, Precision};

/// The years of the published Umm al-Qura tables (1937 to 2077); outside
/// them a date is refused rather than computed from rules.
pub(super) const FIRST_YEAR: i32 = 1356;
pub(super) const LAST_YEAR: i32 = 1500;

/// How `display` names the months.
const MONTH_NAMES: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
];

/// Month names after folding, with `-` and `'` read as spaces.
const MONTH_WORDS: &[(&str, u32)] = &[
    ("محرم", 1),
    ("المحرم", 1),
    ("muharram", 1),
    ("صفر", 2),
    ("safar", 2),
    ("ربيع الاول", 3),
    ("ربيع اول", 3),
    ("rabi al awwal", 3),
    ("rabi i", 3),
    ("ربيع الثاني", 4),
    ("ربيع ثاني", 4),
    ("ربيع الاخر", 4),
    ("rabi al thani", 4),
    ("rabi al akhir", 4),
    ("rabi ii", 4),
    ("جمادي الاولي", 5),
    ("جمادي الاول", 5),
    ("jumada al ula", 5),
    ("jumada al awwal", 5),
    ("jumada i", 5),
    ("جمادي الثانيه", 6),
    ("جمادي الاخره", 6),
    ("جمادي الثاني", 6),
    ("جمادي الاخر", 6),
    ("jumada al akhirah", 6),
    ("jumada al akhira", 6),
    ("jumada al thani", 6),
    ("jumada ii", 6),
    ("رجب", 7),
    ("rajab", 7),
    ("شعبان", 8),
    ("shaban", 8),
    ("sha ban", 8),
    ("رمضان", 9),
    ("ramadan", 9),
    ("ramadhan", 9),
    ("شوال", 10),
    ("shawwal", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("dhu al qadah", 11),
    ("dhu al qidah", 11),
    ("dhul qadah", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
    ("dhu al hijjah", 12),
    ("dhul hijjah", 12),
];

/// The marks that say a date is Hijri: `هـ` (folded to `ه`), `AH`, `هجري`.
fn is_marker(word: &str) -> bool {
    matches!(
        word,
        "ه" | "ah" | "a.h." | "a.h" | "هجري" | "هجريه" | "للهجره" | "هجريا"
    )
}

fn calendar() -> Hijri<icu_calendar::cal::hijri::UmmAlQura> {
    Hijri::new_umm_al_qura()
}

fn check_year(year: i32) -> Result<(), String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "Hijri year {year} is outside the Umm al-Qura tables ({FIRST_YEAR} to {LAST_YEAR} AH)"
        ))
    }
}

/// The Gregorian day of a Hijri date.
fn to_gregorian(year: i32, month: u32, day: u32) -> Result<NaiveDate, String> {
    check_year(year)?;
    if !(1..=12).contains(&month) {
        return Err(format!("Hijri month {month} does not exist"));
    }
    let first = Date::try_new_hijri_with_calendar(year, month as u8, 1, calendar())
        .map_err(|e| format!("Hijri {year}-{month}: {e}"))?;
    let length = u32::from(first.days_in_month());
    if day == 0 || day > length {
        return Err(format!(
            "{} {year} AH has {length} days (Umm al-Qura)",
            MONTH_NAMES[month as usize - 1]
        ));
    }
    let iso = first.to_calendar(Iso);
    let start = NaiveDate::from_ymd_opt(
        iso.year().extended_year(),
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
    .ok_or("outside the dates claims keeps")?;
    Ok(start + Days::new(u64::from(day - 1)))
}

/// The Hijri year, month and day of a Gregorian day.
pub(super) fn of_date(date: NaiveDate) -> Result<(i32, u32, u32), String> {
    let iso = Date::try_new_iso(date.year(), date.month() as u8, date.day() as u8)
        .map_err(|e| format!("{date}: {e}"))?;
    let hijri = iso.to_calendar(calendar());
    Ok((
        hijri.year().extended_year(),
        u32::from(hijri.month().ordinal),
        u32::from(hijri.day_of_month().0),
    ))
}

pub(super) fn month_period(year: i32, month: u32) -> Result<Period, String> {
    let start = to_gregorian(year, month, 1)?;
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    // The year after the last is still in ICU's table, so the last month ends.
    let next = if next_year > LAST_YEAR {
        end_of_last_year()?
    } else {
        to_gregorian(next_year, next_month, 1)?
    };
    Ok(Period {
        start,
        end: next - Days::new(1),
        precision: Precision::HijriMonth,
    })
}

pub(super) fn year_period(year: i32) -> Result<Period, String> {
    let start = to_gregorian(year, 1, 1)?;
    let next = if year == LAST_YEAR {
        end_of_last_year()?
    } else {
        to_gregorian(year + 1, 1, 1)?
    };
    Ok(Period {
        start,
        end: next - Days::new(1),
        precision: Precision::HijriYear,
    })
}

/// 1 Muharram of the year after [`LAST_YEAR`].
fn end_of_last_year() -> Result<NaiveDate, String> {
    let first = Date::try_new_hijri_with_calendar(LAST_YEAR + 1, 1, 1, calendar())
        .map_err(|e| e.to_string())?
        .to_calendar(Iso);
    NaiveDate::from_ymd_opt(
        first.year().extended_year(),
        u32::from(first.month().ordinal),
        u32::from(first.day_of_month().0),
    )
    .ok_or_else(|| "outside the dates claims keeps".into())
}

/// `Ramadan 1448 AH`, `1448 AH`.
pub(super) fn display(date: NaiveDate, precision: Precision) -> String {
    match of_date(date) {
        Ok((year, month, _)) if precision == Precision::HijriMonth => {
            format!("{} {year} AH", MONTH_NAMES[month as usize - 1])
        }
        Ok((year, _, _)) => format!("{year} AH"),
        // Beyond ICU's range: the Gregorian day says what the date is.
        Err(_) => super::iso(date),
    }
}

fn month_of_words(words: &[String]) -> Option<u32> {
    let phrase = words.join(" ");
    MONTH_WORDS
        .iter()
        .find(|(name, _)| *name == phrase)
        .map(|(_, month)| *month)
}

/// A Hijri date: marked with `هـ`, `AH` or `هجري`, or naming a Hijri month.
/// `None` when the text is neither.
pub(super) fn parse(text: &str, as_of: NaiveDate) -> Result<Option<Period>, String> {
    let mut tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // `1448هـ`: the mark written against the year.
    let mut marked = false;
    if let Some(last) = tokens.last_mut() {
        if let Some(year) = last.strip_suffix('ه') {
            if !year.is_empty() && year.chars().all(|c| c.is_ascii_digit()) {
                *last = year;
                marked = true;
            }
        }
    }
    if tokens.last().is_some_and(|t| is_marker(t)) {
        tokens.pop();
        marked = true;
    }
    if let ([day_date], true) = (tokens.as_slice(), marked) {
        if let Some((year, month, day)) = day_numbers(day_date)? {
            return Ok(Some(Period::day(to_gregorian(year, month, day)?)));
        }
    }
    let mut numbers = Vec::new();
    let mut which = None;
    let mut words: Vec<String> = Vec::new();
    for token in &tokens {
        if matches!(
            *token,
            "من" | "شهر" | "عام" | "سنه" | "في" | "بحلول" | "by" | "of" | "in"
        ) {
            continue;
        }
        if let Some(w) = which_word(token) {
            which = Some(w);
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            numbers.push(*token);
        } else {
            words.extend(
                token
                    .split(['-', '\'', '’'])
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    let month = month_of_words(&words);
    match (month, marked) {
        (None, false) => return Ok(None),
        (None, true) if !words.is_empty() => {
            return Err(format!(
                "not a Hijri month: {} (use رمضان 1448 هـ or Ramadan 1448 AH)",
                words.join(" ")
            ))
        }
        _ => {}
    }
    let (mut year, mut day) = (None, None);
    for number in numbers {
        match number.len() {
            4 if year.is_none() => year = number.parse::<i32>().ok(),
            1 | 2 if day.is_none() => day = number.parse::<u32>().ok(),
            _ => return Err(format!("cannot tell what the number {number} is")),
        }
    }
    let Some(month) = month else {
        return match (year, day, which) {
            (Some(year), None, None) => year_period(year).map(Some),
            _ => Err("a Hijri date gives a year, as in 1448 هـ or رمضان 1448 هـ".into()),
        };
    };
    let year = match (year, which) {
        (Some(_), Some(_)) => {
            return Err("give either a year or \"next\"/\"last\", not both".into())
        }
        (Some(year), None) => year,
        (None, which) => {
            let (this_year, this_month, _) = of_date(as_of)?;
            match which {
                Some(Which::Last) if month < this_month => this_year,
                Some(Which::Last) => this_year - 1,
                Some(Which::This) if month == this_month => this_year,
                Some(Which::This) => {
                    return Err(format!(
                        "{} is not the current Hijri month ({})",
                        MONTH_NAMES[month as usize - 1],
                        MONTH_NAMES[this_month as usize - 1]
                    ))
                }
                // The next such month, the current one included unless "next".
                None if month >= this_month => this_year,
                Some(Which::Next) if month > this_month => this_year,
                _ => this_year + 1,
            }
        }
    };
    match day {
        Some(day) => Ok(Some(Period::day(to_gregorian(year, month, day)?))),
        None => month_period(year, month).map(Some),
    }
}
