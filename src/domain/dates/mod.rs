//! The one date parser every date-taking flag goes through, and the one place
//! that decides how a date looks at its precision ("Sep 2026").
//!
//! A date is a *period*: a day, an ISO week, a month, part of a month, a quarter, a half
//! year, a year or part of one, a Hijri month or year. Deadlines are due on the
//! last day of their period, so "by September 2026" is met in time on
//! 2026-09-30 and overdue from 2026-10-01.

mod hijri;
mod named;
mod numeric;
mod phrases;
mod vocabulary;

#[cfg(test)]
mod tests;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::domain::words::word_enum;

word_enum!(
    /// How precise a date is; a deadline is due at the end of its period.
    Precision, "precision" {
        Day => "day",
        Week => "week",
        Month => "month",
        Quarter => "quarter",
        Year => "year",
        Half => "half",
        EarlyMonth => "early-month",
        MidMonth => "mid-month",
        LateMonth => "late-month",
        EarlyYear => "early-year",
        MidYear => "mid-year",
        LateYear => "late-year",
        HijriMonth => "hijri-month",
        HijriYear => "hijri-year",
    }
);

/// The thirds of a month (days 1-10, 11-20, 21 to the end) and of a year
/// (January-April, May-August, September-December), as "early", "mid" and
/// "late" name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Early,
    Mid,
    Late,
}

impl Part {
    fn index(self) -> u32 {
        match self {
            Part::Early => 0,
            Part::Mid => 1,
            Part::Late => 2,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Part::Early => "early",
            Part::Mid => "mid",
            Part::Late => "late",
        }
    }
}

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

    /// An ISO week, Monday to Sunday.
    fn week(year: i32, week: u32) -> Result<Self, String> {
        let start = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)
            .ok_or_else(|| format!("week {week} of {year} does not exist (ISO weeks)"))?;
        Ok(Period {
            start,
            end: start + Days::new(6),
            precision: Precision::Week,
        })
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

    fn half(year: i32, half: u32) -> Result<Self, String> {
        if !(1..=2).contains(&half) {
            return Err(format!("half {half} does not exist (use H1 or H2)"));
        }
        let first_month = (half - 1) * 6 + 1;
        Ok(Period {
            start: ymd(year, first_month, 1)?,
            end: last_day_of_month(year, first_month + 5),
            precision: Precision::Half,
        })
    }

    fn year(year: i32) -> Result<Self, String> {
        Ok(Period {
            start: ymd(year, 1, 1)?,
            end: ymd(year, 12, 31)?,
            precision: Precision::Year,
        })
    }

    /// Days 1-10, 11-20 or 21 to the end of a month.
    fn part_of_month(part: Part, year: i32, month: u32) -> Result<Self, String> {
        let first = part.index() * 10 + 1;
        let end = match part {
            Part::Late => last_day_of_month(year, month),
            _ => ymd(year, month, first + 9)?,
        };
        let precision = match part {
            Part::Early => Precision::EarlyMonth,
            Part::Mid => Precision::MidMonth,
            Part::Late => Precision::LateMonth,
        };
        Ok(Period {
            start: ymd(year, month, first)?,
            end,
            precision,
        })
    }

    /// January-April, May-August or September-December.
    fn part_of_year(part: Part, year: i32) -> Result<Self, String> {
        let first_month = part.index() * 4 + 1;
        let precision = match part {
            Part::Early => Precision::EarlyYear,
            Part::Mid => Precision::MidYear,
            Part::Late => Precision::LateYear,
        };
        Ok(Period {
            start: ymd(year, first_month, 1)?,
            end: last_day_of_month(year, first_month + 3),
            precision,
        })
    }

    /// The period of `precision` that holds `date`; for the parts of a month
    /// or a year, that part of `date`'s month or year.
    pub fn of(date: NaiveDate, precision: Precision) -> Result<Self, String> {
        let (year, month) = (date.year(), date.month());
        match precision {
            Precision::Day => Ok(Period::day(date)),
            Precision::Week => {
                let week = date.iso_week();
                Period::week(week.year(), week.week())
            }
            Precision::Month => Period::month(year, month),
            Precision::Quarter => Period::quarter(year, (month - 1) / 3 + 1),
            Precision::Half => Period::half(year, (month - 1) / 6 + 1),
            Precision::Year => Period::year(year),
            Precision::EarlyMonth => Period::part_of_month(Part::Early, year, month),
            Precision::MidMonth => Period::part_of_month(Part::Mid, year, month),
            Precision::LateMonth => Period::part_of_month(Part::Late, year, month),
            Precision::EarlyYear => Period::part_of_year(Part::Early, year),
            Precision::MidYear => Period::part_of_year(Part::Mid, year),
            Precision::LateYear => Period::part_of_year(Part::Late, year),
            Precision::HijriMonth => {
                let (year, month, _) = hijri::of_date(date)?;
                hijri::month_period(year, month)
            }
            Precision::HijriYear => hijri::year_period(hijri::of_date(date)?.0),
        }
    }

    /// Early, mid or late in this period: a part of a month or a year, or a
    /// quarter's first, second or third month.
    fn part(self, part: Part) -> Result<Self, String> {
        let (year, month) = (self.start.year(), self.start.month());
        match self.precision {
            Precision::Month => Period::part_of_month(part, year, month),
            Precision::Year => Period::part_of_year(part, year),
            Precision::Quarter => Period::month(year, month + part.index()),
            _ => Err(format!(
                "early, mid and late divide a month, a quarter or a year, and {} is none",
                display(self.end, self.precision)
            )),
        }
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
    parse_folded(text, as_of)
}

/// A reader of one family of forms: `None` when the text is not of it.
type Reader = fn(&str, NaiveDate) -> Result<Option<Period>, String>;

/// [`parse`] after folding; the parts and halves of a period read the period
/// they divide with it.
fn parse_folded(text: &str, as_of: NaiveDate) -> Result<Period, String> {
    match text {
        "today" => return Ok(Period::day(as_of)),
        "tomorrow" => return Ok(Period::day(as_of + Days::new(1))),
        "yesterday" => return Ok(Period::day(as_of - Days::new(1))),
        _ => {}
    }
    let readers: [Reader; 8] = [
        phrases::parse_part,
        phrases::parse_half,
        phrases::parse_quarter,
        hijri::parse,
        numeric::parse_relative,
        |text, _| numeric::parse_numeric_day(text),
        |text, _| numeric::parse_numeric(text),
        phrases::parse_phrase,
    ];
    for read in readers {
        if let Some(period) = read(text, as_of)? {
            return Ok(period);
        }
    }
    named::parse_named_month(text, as_of)
}

/// Whether a folded word names a month, or begins a two-word month name
/// (`تشرين`, `كانون`): the extractor's sign of a date phrase.
pub fn names_a_month(folded: &str) -> bool {
    vocabulary::MONTH_WORDS
        .iter()
        .any(|(name, _)| *name == folded || name.split(' ').next() == Some(folded))
}

/// Parses a date that must name one day (said on, resolved on, as of).
pub fn parse_day(input: &str, as_of: NaiveDate) -> Result<NaiveDate, String> {
    let period = parse(input, as_of)?;
    if period.precision != Precision::Day {
        return Err(format!(
            "names a period ({}), not a day; give a day such as {}",
            display(period.end, period.precision),
            iso(period.end)
        ));
    }
    Ok(period.end)
}

/// Shows a date at its precision: `2026-09-30`, `2026-W49`, `Sep 2026`, `late Sep 2026`,
/// `2026-Q3`, `2026-H2`, `2026`, `late 2026`, `Ramadan 1448 AH`, `1448 AH`;
/// every form parses back to the same period.
pub fn display(date: NaiveDate, precision: Precision) -> String {
    let month = || date.format("%b %Y").to_string();
    match precision {
        Precision::Day => iso(date),
        Precision::Week => {
            let week = date.iso_week();
            format!("{}-W{:02}", week.year(), week.week())
        }
        Precision::Month => month(),
        Precision::Quarter => format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
        Precision::Half => format!("{}-H{}", date.year(), (date.month() - 1) / 6 + 1),
        Precision::Year => date.year().to_string(),
        Precision::EarlyMonth => format!("{} {}", Part::Early.word(), month()),
        Precision::MidMonth => format!("{} {}", Part::Mid.word(), month()),
        Precision::LateMonth => format!("{} {}", Part::Late.word(), month()),
        Precision::EarlyYear => format!("{} {}", Part::Early.word(), date.year()),
        Precision::MidYear => format!("{} {}", Part::Mid.word(), date.year()),
        Precision::LateYear => format!("{} {}", Part::Late.word(), date.year()),
        Precision::HijriMonth | Precision::HijriYear => hijri::display(date, precision),
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
    match numeric::parse_relative(&format!("+{text}"), from) {
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
        let month_name = vocabulary::MONTH_NAMES_EN[month as usize - 1];
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
