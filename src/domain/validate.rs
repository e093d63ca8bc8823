//! Checks of the values people type, the same for every way in (command
//! line, import file, a later HTTP API). Errors name the field in domain
//! terms (`due`, `said_on`, `url`); the command line maps them to its flags.

use chrono::NaiveDate;

use crate::domain::dates;
use crate::error::{Error, Result};

/// Text that must have something in it. Stored exactly as given.
pub fn required_text(field: &str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, value, "must not be empty"));
    }
    Ok(value.to_string())
}

/// An optional text: an empty value means none.
pub fn optional_text(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).map(str::to_string)
}

/// An http or https address with a host and no spaces.
pub fn url(field: &str, value: &str) -> Result<String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| Error::invalid(field, value, "must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(Error::invalid(field, value, "has no host"));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(field, value, "must not contain spaces"));
    }
    Ok(value.to_string())
}

pub fn optional_url(field: &str, value: Option<&str>) -> Result<Option<String>> {
    optional_text(value).map(|v| url(field, &v)).transpose()
}

/// A BCP 47 language tag such as `ar`, `en` or `ar-IQ`.
pub fn lang(value: &str) -> Result<String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok {
        return Err(Error::invalid(
            "lang",
            value,
            "expected a language tag such as ar, en or ar-IQ",
        ));
    }
    Ok(value.to_string())
}

pub fn optional_lang(value: Option<&str>) -> Result<Option<String>> {
    optional_text(value).map(|v| lang(&v)).transpose()
}

/// Tags are trimmed, must not be empty, and are kept once each.
pub fn tags(values: &[String]) -> Result<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for value in values {
        let tag = value.trim();
        if tag.is_empty() {
            return Err(Error::invalid("tag", value, "must not be empty"));
        }
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    Ok(tags)
}

/// A date flag that names one day.
pub fn day(field: &str, value: &str, as_of: NaiveDate) -> Result<NaiveDate> {
    dates::parse_day(value, as_of).map_err(|reason| Error::invalid(field, value, reason))
}

/// The day something happened to a claim (`--on`): not before the claim was
/// said, and not after the as-of date, since a change cannot be dated in a
/// future the record has not reached. `None` means the as-of date.
pub fn event_day(
    field: &str,
    value: Option<&str>,
    said_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<NaiveDate> {
    let on = match value {
        Some(value) => day(field, value, as_of)?,
        None => as_of,
    };
    // Without a date of its own the change happens on the as-of date.
    let (field, shown) = match value {
        Some(value) => (field, value.to_string()),
        None => ("as_of", dates::iso(on)),
    };
    if let Some(said) = said_on.filter(|said| on < *said) {
        return Err(Error::invalid(
            field,
            &shown,
            format!("is before the claim was said ({})", dates::iso(said)),
        ));
    }
    if on > as_of {
        return Err(Error::invalid(
            field,
            &shown,
            format!("is after the as-of date ({})", dates::iso(as_of)),
        ));
    }
    Ok(on)
}

/// A date flag that may name a period.
pub fn period(field: &str, value: &str, as_of: NaiveDate) -> Result<dates::Period> {
    dates::parse(value, as_of).map_err(|reason| Error::invalid(field, value, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(url("url", "https://shafaq.com/ar/x").is_ok());
        assert!(url("url", "http://example.org").is_ok());
        for bad in [
            "shafaq.com",
            "ftp://x.org",
            "https://",
            "https:// x.org",
            "javascript:alert(1)",
        ] {
            assert!(url("url", bad).is_err(), "{bad}");
        }
        let err = url("url", "shafaq.com").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid url `shafaq.com`: must start with http:// or https://"
        );
    }

    #[test]
    fn langs() {
        for good in ["ar", "en", "ar-IQ", "zh-Hant"] {
            assert!(lang(good).is_ok(), "{good}");
        }
        for bad in ["a", "arabic language", "ar_IQ", "عربي", ""] {
            assert!(lang(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_happen_between_saying_and_now() {
        let day = |t| dates::from_iso(t).unwrap();
        let (said, as_of) = (Some(day("2025-08-18")), day("2026-11-30"));
        assert_eq!(
            event_day("on", Some("2026-03-01"), said, as_of).unwrap(),
            day("2026-03-01")
        );
        assert_eq!(event_day("on", None, said, as_of).unwrap(), as_of);
        assert_eq!(
            event_day("on", Some("2024-01-01"), said, as_of)
                .unwrap_err()
                .to_string(),
            "invalid on `2024-01-01`: is before the claim was said (2025-08-18)"
        );
        assert_eq!(
            event_day("on", Some("2030-01-01"), said, as_of)
                .unwrap_err()
                .to_string(),
            "invalid on `2030-01-01`: is after the as-of date (2026-11-30)"
        );
        // Without a said date, only the future is refused.
        assert!(event_day("on", Some("1990-01-01"), None, as_of).is_ok());
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let got = tags(&["iraq".into(), " iraq ".into(), "انسحاب".into()]).unwrap();
        assert_eq!(got, vec!["iraq", "انسحاب"]);
        assert!(tags(&[" ".into()]).is_err());
    }
}
