//! How events carry values: an edit's old and new value as stored text,
//! lists (tags, speakers) as JSON arrays, a deadline as a JSON object. One
//! encoding, written by every backend and read back by replays.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::dates::{from_iso, iso, Precision};
use crate::domain::model::{Deadline, DeadlineRef};

/// A deadline as an event carries it: enough to bring it back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineValue {
    pub id: i64,
    pub number: i64,
    pub due: String,
    pub precision: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_written: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_on: Option<String>,
}

impl DeadlineValue {
    pub fn of(deadline: &Deadline) -> DeadlineValue {
        DeadlineValue {
            id: deadline.id,
            number: deadline.reference.number,
            due: iso(deadline.due),
            precision: deadline.precision.to_string(),
            label: deadline.label.clone(),
            as_written: deadline.as_written.clone(),
            met_on: deadline.met_on.map(iso),
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a deadline value serializes")
    }

    pub fn decode(text: &str) -> Option<DeadlineValue> {
        serde_json::from_str(text).ok()
    }

    /// The deadline it describes, of claim `claim_id`; `None` when the value
    /// does not hold a valid date or precision.
    pub fn deadline(&self, claim_id: i64) -> Option<Deadline> {
        Some(Deadline {
            id: self.id,
            reference: DeadlineRef {
                claim_id,
                number: self.number,
            },
            claim_id,
            due: from_iso(&self.due)?,
            precision: Precision::from_word(&self.precision)?,
            label: self.label.clone(),
            met_on: match &self.met_on {
                Some(day) => Some(from_iso(day)?),
                None => None,
            },
            as_written: self.as_written.clone(),
        })
    }
}

/// A list field's value: a JSON array.
pub fn encode_list<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("a list serializes")
}

/// A list field's value read back; `None` when it is not such an array.
pub fn decode_list<T: for<'de> Deserialize<'de>>(text: &str) -> Option<Vec<T>> {
    serde_json::from_str(text).ok()
}

/// A date field's value read back.
pub fn decode_day(text: Option<&str>) -> Option<Option<NaiveDate>> {
    match text {
        None => Some(None),
        Some(day) => from_iso(day).map(Some),
    }
}
