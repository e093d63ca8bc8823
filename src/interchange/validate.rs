//! Checking an interchange record field by field and turning it into what
//! the store inserts. Every problem is reported, not only the first.

use chrono::NaiveDate;

use crate::domain::dates::{self, from_iso, iso};
use crate::domain::keys::name_key;
use crate::domain::model::{
    ClaimKind, Credibility, EventKind, Precision, Reliability, SourceKind, Status,
};
use crate::domain::validate::{self, optional_text, url};
use crate::interchange::csv::period_form;
use crate::interchange::problem::{problem, Problem};
use crate::interchange::record::{Record, RecordDeadline, RecordHistory, RecordSource};
use crate::store::{ImportClaim, ImportHistory, NewClaim, NewDeadline, NewSource};

/// Checks every field of a record and turns it into what the store inserts.
/// Relative dates count from `as_of`. Returns every problem found, not only
/// the first.
pub fn validate(record: &Record, as_of: NaiveDate) -> Result<ImportClaim, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut check = |result: Result<(), Problem>| {
        if let Err(p) = result {
            problems.push(p);
        }
    };
    if record.text.trim().is_empty() {
        check(Err(problem("text", &record.text, "must not be empty")));
    }
    let speaker = source(&record.source, "source")
        .map_err(|p| check(Err(p)))
        .ok();
    // `speakers` lists everyone, the lead (`source`) first or not at all.
    let mut other_speakers = Vec::new();
    for s in &record.speakers {
        if name_key(&s.name) == name_key(&record.source.name) {
            continue;
        }
        match source(s, "speakers") {
            Ok(s)
                if !other_speakers
                    .iter()
                    .any(|o: &NewSource| name_key(&o.name) == name_key(&s.name)) =>
            {
                other_speakers.push(s)
            }
            Ok(_) => {}
            Err(p) => check(Err(p)),
        }
    }
    let reported_by = match &record.reported_by {
        Some(r) => source(r, "reported_by").map_err(|p| check(Err(p))).ok(),
        None => None,
    };
    let status = match &record.status {
        Some(s) if !s.trim().is_empty() => Status::parse(s)
            .map_err(|_| {
                check(Err(problem(
                    "status",
                    s,
                    format!("expected one of: {}", words(Status::ALL)),
                )))
            })
            .ok(),
        _ => Some(Status::Pending),
    };
    let kind = match &record.kind {
        Some(k) if !k.trim().is_empty() => ClaimKind::parse(k)
            .map_err(|_| {
                check(Err(problem(
                    "kind",
                    k,
                    format!("expected one of: {}", words(ClaimKind::ALL)),
                )))
            })
            .ok(),
        _ if record.deadlines.is_empty() => Some(ClaimKind::Report),
        _ => Some(ClaimKind::Promise),
    };
    let url_value = optional_text(record.url.as_deref());
    if let Some(u) = &url_value {
        check(url("url", u).map(|_| ()).map_err(|_| {
            problem(
                "url",
                u,
                "must be an http:// or https:// address with a host",
            )
        }));
    }
    let lang = optional_text(record.lang.as_deref());
    if let Some(l) = &lang {
        check(
            validate::lang(l)
                .map(|_| ())
                .map_err(|_| problem("lang", l, "expected a language tag such as ar, en or ar-IQ")),
        );
    }
    let said_on = match optional_text(record.said_on.as_deref()) {
        Some(d) => dates::parse_day(&d, as_of)
            .map_err(|reason| check(Err(problem("said_on", &d, reason))))
            .ok(),
        None => None,
    };
    // The same rule as `--tag`: trimmed, not empty, each once.
    let tags = match validate::tags(&record.tags) {
        Ok(tags) => tags,
        Err(_) => {
            for tag in record.tags.iter().filter(|t| t.trim().is_empty()) {
                check(Err(problem("tags", tag, "a tag must not be empty")));
            }
            Vec::new()
        }
    };
    let mut deadlines = Vec::new();
    for d in &record.deadlines {
        match deadline(d, said_on.unwrap_or(as_of), as_of) {
            Ok(d) => deadlines.push(d),
            Err(p) => check(Err(p)),
        }
    }
    let mut history = Vec::new();
    for h in record.history.iter().flatten() {
        match history_entry(h) {
            Ok(h) => history.push(h),
            Err(p) => check(Err(p)),
        }
    }
    // A correction voids an earlier event of the same record, once.
    let mut voided = std::collections::HashSet::new();
    for (i, h) in history.iter().enumerate() {
        if let Some(target) = h.voids {
            let earlier = history[..i].iter().any(|e| e.id == Some(target));
            if !earlier || !voided.insert(target) {
                check(Err(problem(
                    "history.voids",
                    &target.to_string(),
                    "must name an earlier event of this record (by its `id`), once",
                )));
            }
        }
    }
    let mut numbers = std::collections::HashSet::new();
    for d in &record.deadlines {
        if let Some(n) = d.number {
            if n < 1 || !numbers.insert(n) {
                check(Err(problem(
                    "deadlines.number",
                    &n.to_string(),
                    "must be a positive number, different for each deadline of the claim",
                )));
            }
        }
    }
    let deadline_keys = record.deadlines.iter().map(|d| (d.id, d.number)).collect();
    if let (Some(last), Some(status)) = (history.last(), status) {
        if last.to != status {
            check(Err(problem(
                "history",
                last.to.as_str(),
                format!("the last change must lead to the claim's status `{status}`"),
            )));
        }
    }
    let credibility = match record.credibility {
        Some(n) => Credibility::parse("credibility", &n.to_string())
            .map_err(|_| {
                check(Err(problem(
                    "credibility",
                    &n.to_string(),
                    "expected 1 to 6",
                )))
            })
            .ok(),
        None => None,
    };
    let uid = match optional_text(record.uid.as_deref()) {
        Some(u) => match uuid::Uuid::parse_str(&u) {
            // Stored in one form, so that the same claim always matches.
            Ok(parsed) => Some(parsed.hyphenated().to_string()),
            Err(_) => {
                check(Err(problem("uid", &u, "expected a UUID")));
                None
            }
        },
        None => None,
    };
    let external_id = optional_text(record.external_id.as_deref());
    match (problems.is_empty(), speaker, status, kind) {
        (true, Some(speaker), Some(status), Some(kind)) => Ok(ImportClaim {
            uid,
            external_id,
            speaker,
            other_speakers,
            reported_by,
            status,
            claim: NewClaim {
                text: record.text.clone(),
                speaker_id: 0,
                other_speakers: Vec::new(),
                reported_by_id: None,
                quote: optional_text(record.quote.as_deref()),
                lang,
                url: url_value,
                said_on,
                kind,
                credibility,
                tags,
                deadlines,
            },
            deadline_keys,
            history,
        }),
        _ => Err(problems),
    }
}

fn words<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn source(s: &RecordSource, field: &str) -> Result<NewSource, Problem> {
    if s.name.trim().is_empty() {
        return Err(problem(
            &format!("{field}.name"),
            &s.name,
            "must not be empty",
        ));
    }
    let kind = match &s.kind {
        Some(k) if !k.trim().is_empty() => SourceKind::parse(k).map_err(|_| {
            problem(
                &format!("{field}.kind"),
                k,
                format!("expected one of: {}", words(SourceKind::ALL)),
            )
        })?,
        _ => SourceKind::Other,
    };
    let url_value = optional_text(s.url.as_deref());
    if let Some(u) = &url_value {
        url(&format!("{field}.url"), u).map_err(|_| {
            problem(
                &format!("{field}.url"),
                u,
                "must be an http:// or https:// address with a host",
            )
        })?;
    }
    let reliability = optional_text(s.reliability.as_deref())
        .map(|r| {
            Reliability::parse("reliability", &r)
                .map_err(|_| problem(&format!("{field}.reliability"), &r, "expected A to F"))
        })
        .transpose()?;
    Ok(NewSource {
        name: s.name.clone(),
        kind,
        role: optional_text(s.role.as_deref()),
        affiliation: optional_text(s.affiliation.as_deref()),
        url: url_value,
        notes: optional_text(s.notes.as_deref()),
        reliability,
    })
}

/// A deadline with an explicit precision must give the last day of its
/// period in ISO form; without one, `due` is any date form `claims` reads,
/// relative forms counting from `base` (the claim's said date, else the
/// as-of date), and is kept as written.
fn deadline(d: &RecordDeadline, base: NaiveDate, as_of: NaiveDate) -> Result<NewDeadline, Problem> {
    let mut as_written = optional_text(d.as_written.as_deref());
    let (due, precision) = match optional_text(d.precision.as_deref()) {
        Some(p) => {
            let precision = Precision::parse(&p).map_err(|_| {
                problem(
                    "deadlines.precision",
                    &p,
                    format!(
                        "expected one of: {}",
                        Precision::ALL
                            .iter()
                            .map(|p| p.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            let due = from_iso(&d.due).ok_or_else(|| {
                problem(
                    "deadlines.due",
                    &d.due,
                    "expected YYYY-MM-DD with a precision",
                )
            })?;
            let period = dates::parse(&period_form(due, precision), as_of)
                .map_err(|reason| problem("deadlines.due", &d.due, reason))?;
            if period.end != due {
                return Err(problem(
                    "deadlines.due",
                    &d.due,
                    format!(
                        "a {precision} deadline is due on the last day of its period ({})",
                        iso(period.end)
                    ),
                ));
            }
            (due, precision)
        }
        None => {
            let period = dates::parse(&d.due, base)
                .map_err(|reason| problem("deadlines.due", &d.due, reason))?;
            as_written = as_written.or_else(|| optional_text(Some(&d.due)));
            (period.end, period.precision)
        }
    };
    let met_on = match optional_text(d.met_on.as_deref()) {
        Some(m) => Some(
            dates::parse_day(&m, as_of)
                .map_err(|reason| problem("deadlines.met_on", &m, reason))?,
        ),
        None => None,
    };
    Ok(NewDeadline {
        due,
        precision,
        label: optional_text(d.label.as_deref()),
        met_on,
        as_written,
    })
}

fn history_entry(h: &RecordHistory) -> Result<ImportHistory, Problem> {
    // Exports older than schema 14 call the first event `created`.
    let event = match h.event.as_str() {
        "created" => Some(EventKind::Recorded),
        other => EventKind::from_word(other),
    }
    .ok_or_else(|| {
        problem(
            "history.event",
            &h.event,
            format!("expected one of: {}", words(EventKind::ALL)),
        )
    })?;
    let day = |field: &str, value: &str| {
        from_iso(value).ok_or_else(|| problem(field, value, "expected YYYY-MM-DD"))
    };
    let status = |field: &str, value: &str| {
        Status::parse(value).map_err(|_| {
            problem(
                field,
                value,
                format!("expected one of: {}", words(Status::ALL)),
            )
        })
    };
    let recorded_at = match optional_text(h.recorded_at.as_deref()) {
        Some(stamp) => Some(
            chrono::DateTime::parse_from_rfc3339(&stamp)
                .map_err(|_| {
                    problem(
                        "history.recorded_at",
                        &stamp,
                        "expected a timestamp such as 2026-12-01T09:30:00Z",
                    )
                })?
                .with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        None => None,
    };
    if event == EventKind::Correction && h.voids.is_none() {
        return Err(problem(
            "history.voids",
            "",
            "a correction must name the event it voids",
        ));
    }
    Ok(ImportHistory {
        id: h.id,
        event,
        at: day("history.at", &h.at)?,
        from: h
            .from
            .as_deref()
            .map(|f| status("history.from", f))
            .transpose()?,
        to: status("history.to", &h.to)?,
        note: h.note.clone(),
        evidence: h.evidence.clone(),
        deadline_id: h.deadline_id,
        old_due: h
            .old_due
            .as_deref()
            .map(|d| day("history.old_due", d))
            .transpose()?,
        new_due: h
            .new_due
            .as_deref()
            .map(|d| day("history.new_due", d))
            .transpose()?,
        recorded_at,
        by: optional_text(h.by.as_deref()),
        voids: h.voids,
        field: h.field.clone(),
        old: h.old.clone(),
        new: h.new.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::from_iso;
    use crate::interchange::record::{RecordDeadline, RecordSource};

    #[test]
    fn validation_reports_every_problem() {
        let record = Record {
            text: " ".into(),
            status: Some("done".into()),
            source: RecordSource {
                name: "s".into(),
                kind: Some("blogger".into()),
                ..RecordSource::default()
            },
            said_on: Some("2026-02-30".into()),
            deadlines: vec![RecordDeadline {
                due: "2026-09-15".into(),
                precision: Some("month".into()),
                ..RecordDeadline::default()
            }],
            ..Record::default()
        };
        let as_of = from_iso("2026-11-30").unwrap();
        let problems = validate(&record, as_of).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["text", "source.kind", "status", "said_on", "deadlines.due"]
        );
        assert_eq!(
            problems[4].to_string(),
            "invalid deadlines.due `2026-09-15`: a month deadline is due on the last day of its period (2026-09-30)"
        );
    }
}
