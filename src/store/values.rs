//! Stored values read back, and the searchable text of a claim: the same
//! for every engine.

use chrono::NaiveDate;

use crate::domain::model::{Credibility, EventKind, Merged, Reliability, Status};
use crate::store::{StoreError as Error, StoreResult as Result};

/// A word the database holds, read back; the schema's CHECKs keep it valid,
/// so anything else is damage.
pub(crate) fn stored<T>(what: &str, word: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    parse(word).ok_or_else(|| Error::Corrupt(format!("unexpected {what} `{word}` in the database")))
}

pub(crate) fn opt_reliability(value: Option<&str>) -> Result<Option<Reliability>> {
    value
        .map(|v| stored("reliability", v, Reliability::from_letter))
        .transpose()
}

pub(crate) fn opt_credibility(value: Option<i64>) -> Result<Option<Credibility>> {
    value
        .map(|v| {
            Credibility::from_number(v).ok_or_else(|| {
                Error::Corrupt(format!("unexpected credibility {v} in the database"))
            })
        })
        .transpose()
}

/// The claims that name source `$1` as lead or other speaker, or outlet,
/// in id order (the same SQL on every engine).
pub(crate) const CLAIMS_NAMING_SOURCE: &str = "SELECT id FROM claims \
     WHERE speaker_id = $1 OR reported_by_id = $1 \
     UNION SELECT claim_id FROM claim_speakers WHERE source_id = $1 ORDER BY 1";

/// The id of the source a name (folded: `$1`) is the name or an alias of;
/// a merged source's name is the name of the source it went into.
pub(crate) const SOURCE_ID_BY_NAME: &str = "SELECT COALESCE(merged_into, id) FROM sources \
     WHERE name_key = $1 UNION ALL SELECT source_id FROM source_aliases WHERE name_key = $1 LIMIT 1";

/// What holds a name (folded: `$1`) as a source's own: `name_free`'s first half.
pub(crate) const SOURCE_HOLDING_NAME: &str =
    "SELECT id, name, merged_into FROM sources WHERE name_key = $1";

/// What holds a name (folded: `$1`) as an alias: `name_free`'s second half.
pub(crate) const ALIAS_HOLDING_NAME: &str = "SELECT s.id, s.name, a.name FROM source_aliases a \
     JOIN sources s ON s.id = a.source_id WHERE a.name_key = $1";

/// A source's merge, from its two columns: both set or neither.
pub(crate) fn merged(into: Option<i64>, on: Option<NaiveDate>) -> Result<Option<Merged>> {
    match (into, on) {
        (Some(into), Some(on)) => Ok(Some(Merged { into, on })),
        (None, None) => Ok(None),
        _ => Err(Error::Corrupt(
            "a source merged into another without the day, or the reverse".into(),
        )),
    }
}

/// When a change is written: now, in UTC; or the time `CLAIMS_CLOCK` gives
/// (an RFC 3339 timestamp), so that tests and the transcription of a paper
/// log can write events on the days they were written.
pub(crate) fn now() -> String {
    let clock = std::env::var("CLAIMS_CLOCK")
        .ok()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t.trim()).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    clock
        .unwrap_or_else(chrono::Utc::now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An event to append; unset fields are stored as NULL.
pub(crate) struct Event<'a> {
    pub(crate) kind: EventKind,
    pub(crate) at: NaiveDate,
    pub(crate) from: Option<Status>,
    pub(crate) to: Status,
    pub(crate) note: Option<&'a str>,
    pub(crate) evidence: Option<&'a str>,
    pub(crate) deadline_id: Option<i64>,
    pub(crate) old_due: Option<NaiveDate>,
    pub(crate) new_due: Option<NaiveDate>,
    pub(crate) field: Option<&'a str>,
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
    pub(crate) voids: Option<i64>,
}

impl<'a> Event<'a> {
    pub(crate) fn new(kind: EventKind, at: NaiveDate, from: Option<Status>, to: Status) -> Self {
        Event {
            kind,
            at,
            from,
            to,
            note: None,
            evidence: None,
            deadline_id: None,
            old_due: None,
            new_due: None,
            field: None,
            old: None,
            new: None,
            voids: None,
        }
    }
}
