//! Closed sets of lower-case words (kinds, statuses, precisions): one macro
//! declares each with its parser, its display and its serde form.

/// Declares a closed set of lower-case words (a kind, a status...) with its
/// parser, whose error names the field, the value and the accepted words.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses user input (case-insensitive); `field` names the flag in errors,
            /// which suggest the nearest word to a typo.
            pub fn parse(value: &str) -> Result<Self, $crate::error::Error> {
                match value.trim().to_lowercase().as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::error::Error::invalid(
                        $field,
                        value,
                        $crate::domain::words::expected(value, &[$($word),+]),
                    )),
                }
            }

            /// The value whose word is exactly `word`, as it is stored.
            pub fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use word_enum;

/// "did you mean `fulfilled`? expected one of: …" for a value that is not
/// one of `words`; the suggestion only when one word is that near.
pub fn expected(value: &str, words: &[&str]) -> String {
    let list = words.join(", ");
    match nearest(value, words) {
        Some(word) => format!("did you mean `{word}`? (expected one of: {list})"),
        None => format!("expected one of: {list}"),
    }
}

/// The word of `words` nearest to `value` when it is a likely typo: at most
/// two edits away (one for short words), or the start of exactly one word.
pub fn nearest<'a>(value: &str, words: &[&'a str]) -> Option<&'a str> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return None;
    }
    let best = words
        .iter()
        .map(|w| (strsim::damerau_levenshtein(&value, w), *w))
        .min_by_key(|(distance, _)| *distance)?;
    let allowed = if value.chars().count() <= 4 { 1 } else { 2 };
    if best.0 <= allowed {
        return Some(best.1);
    }
    let mut starting = words
        .iter()
        .filter(|w| value.len() >= 3 && w.starts_with(&value));
    match (starting.next(), starting.next()) {
        (Some(word), None) => Some(word),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_the_nearest_word() {
        let statuses = [
            "pending",
            "fulfilled",
            "partial",
            "failed",
            "retracted",
            "unverifiable",
        ];
        assert_eq!(nearest("fulfiled", &statuses), Some("fulfilled"));
        assert_eq!(nearest("Fullfilled", &statuses), Some("fulfilled"));
        assert_eq!(nearest("pendign", &statuses), Some("pending"));
        assert_eq!(nearest("unverif", &statuses), Some("unverifiable"));
        assert_eq!(nearest("done", &statuses), None);
        assert_eq!(nearest("fa", &statuses), None);
        assert_eq!(
            expected("fulfiled", &statuses),
            "did you mean `fulfilled`? (expected one of: pending, fulfilled, partial, failed, retracted, unverifiable)"
        );
    }
}
