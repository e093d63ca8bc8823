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

            /// Parses user input (case-insensitive); `field` names the flag in errors.
            pub fn parse(value: &str) -> Result<Self, $crate::error::Error> {
                match value.trim().to_lowercase().as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::error::Error::invalid(
                        $field,
                        value,
                        format!("expected one of: {}", [$($word),+].join(", ")),
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
