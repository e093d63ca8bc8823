//! What is wrong with one field of one interchange record.

/// A problem with one field of one record: `field` and `value` name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() && self.field.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(
                f,
                "invalid {} `{}`: {}",
                self.field, self.value, self.reason
            )
        }
    }
}

pub fn problem(field: &str, value: &str, reason: impl Into<String>) -> Problem {
    Problem {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.into(),
    }
}
