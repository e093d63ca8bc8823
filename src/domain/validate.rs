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
    fn tags_are_trimmed_and_deduplicated() {
        let got = tags(&["iraq".into(), " iraq ".into(), "انسحاب".into()]).unwrap();
        assert_eq!(got, vec!["iraq", "انسحاب"]);
        assert!(tags(&[" ".into()]).is_err());
    }
}
