//! The words of dates: units, counts, weekdays and month names, after
//! [`super::normalize_input`].

/// How a phrase counts from its anchor: the next, the current or the last period.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Which {
    Next,
    This,
    Last,
}

/// A unit of time as phrases name it.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

pub(super) fn which_word(word: &str) -> Option<Which> {
    match word {
        "next" | "coming" | "المقبل" | "القادم" | "المقبله" | "القادمه" => {
            Some(Which::Next)
        }
        "this" | "current" | "هذا" | "هذه" | "الحالي" | "الحاليه" | "الجاري" => {
            Some(Which::This)
        }
        "last" | "الماضي" | "الماضيه" | "المنصرم" | "المنصرمه" => {
            Some(Which::Last)
        }
        _ => None,
    }
}

/// A unit named with its article or alone (`الشهر`, `month`).
pub(super) fn unit_word(word: &str) -> Option<Unit> {
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
pub(super) fn counted_unit(word: &str) -> Option<(Option<u32>, Unit)> {
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
pub(super) fn number_word(word: &str) -> Option<u32> {
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
pub(super) fn weekday_word(word: &str) -> Option<chrono::Weekday> {
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

pub(super) fn weekday_name(day: chrono::Weekday) -> &'static str {
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
pub(super) fn month_of_words(words: &[&str]) -> Option<u32> {
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

pub(super) const MONTH_NAMES_EN: [&str; 12] = [
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
pub(super) const MONTH_WORDS: &[(&str, u32)] = &[
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
