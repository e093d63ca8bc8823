//! Claims: add, edit, show, remove, resolve, reopen, list, search.

use chrono::NaiveDate;

use super::{change_day, replay, resolve_source, Context, Output};
use crate::domain::model::{
    grade_list, Claim, ClaimKind, Credibility, EventKind, HistoryEntry, Reliability, Status,
};
use crate::domain::normalize::fold;
use crate::domain::validate::{
    day, event_day, optional_lang, optional_text, optional_url, period, required_text, tags,
};
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, LogFilter, NewClaim, NewDeadline, StatusChange, Store};

/// A new claim as typed: every value still text, checked here.
#[derive(Debug, Clone, Default)]
pub struct AddClaim {
    pub text: String,
    /// The speakers, the lead first: source ids or names.
    pub source: Vec<String>,
    /// The outlet that reported it: a source id or name.
    pub reported_by: Option<String>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<String>,
    pub kind: Option<String>,
    pub credibility: Option<String>,
    /// Each deadline's date with its label.
    pub due: Vec<(String, Option<String>)>,
    pub tags: Vec<String>,
}

pub async fn add<S: Store>(ctx: &Context<S>, input: &AddClaim) -> Result<Output> {
    // Everything that needs no database is checked first.
    let text = required_text("text", &input.text)?;
    let said_on = input
        .said_on
        .as_deref()
        .map(|d| day("said_on", d, ctx.as_of))
        .transpose()?;
    // "Next September" counts from the day it was said, when we know it.
    let base = said_on.unwrap_or(ctx.as_of);
    let deadlines = input
        .due
        .iter()
        .map(|(due, label)| new_deadline(base, due, label.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let kind = match &input.kind {
        Some(kind) => ClaimKind::parse(kind)?,
        None if deadlines.is_empty() => ClaimKind::Report,
        None => ClaimKind::Promise,
    };
    let quote = optional_text(input.quote.as_deref());
    let lang = optional_lang(input.lang.as_deref())?;
    let url = optional_url("url", input.url.as_deref())?;
    let tags = tags(&input.tags)?;
    let credibility = credibility(input.credibility.as_deref())?;

    let (speaker_id, other_speakers) = speakers(ctx, &input.source).await?;
    let reported_by = match &input.reported_by {
        Some(key) => Some(resolve_source(&ctx.store, "reported_by", key).await?.id),
        None => None,
    };
    let claim = NewClaim {
        text,
        speaker_id,
        other_speakers,
        reported_by_id: reported_by,
        quote,
        lang,
        url,
        said_on,
        kind,
        credibility,
        tags,
        deadlines,
    };
    let id = ctx.store.insert_claim(&claim, ctx.as_of).await?;
    show(ctx, id).await
}

/// The speakers named, by id: the lead, then the others; none, or one
/// named twice, is refused.
async fn speakers<S: Store>(ctx: &Context<S>, keys: &[String]) -> Result<(i64, Vec<i64>)> {
    let mut ids: Vec<i64> = Vec::with_capacity(keys.len());
    for key in keys {
        let id = resolve_source(&ctx.store, "source", key).await?.id;
        if ids.contains(&id) {
            return Err(Error::invalid(
                "source",
                key,
                "names a speaker already given; give each speaker once",
            ));
        }
        ids.push(id);
    }
    match ids.split_first() {
        Some((lead, others)) => Ok((*lead, others.to_vec())),
        None => Err(Error::invalid("source", "", "a claim needs a speaker")),
    }
}

/// A credibility grade 1 to 6; empty means none.
fn credibility(value: Option<&str>) -> Result<Option<Credibility>> {
    optional_text(value)
        .map(|v| Credibility::parse("credibility", &v))
        .transpose()
}

/// A deadline from a date as typed (any form `dates` reads, relative forms
/// counting from `base`) and a label; the date is kept as written.
pub fn new_deadline(base: NaiveDate, due: &str, label: Option<&str>) -> Result<NewDeadline> {
    let period = period("due", due, base)?;
    Ok(NewDeadline {
        due: period.end,
        precision: period.precision,
        label: optional_text(label),
        met_on: None,
        as_written: Some(due.to_string()),
    })
}

/// Changes to a claim as typed: `None` keeps a field, an empty value clears
/// an optional one.
#[derive(Debug, Clone, Default)]
pub struct EditClaim {
    pub id: i64,
    pub text: Option<String>,
    /// New speakers, the lead first; empty keeps them.
    pub source: Vec<String>,
    pub reported_by: Option<String>,
    pub quote: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub said_on: Option<String>,
    pub kind: Option<String>,
    pub credibility: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// The day the change happened; the as-of date when absent.
    pub on: Option<String>,
}

pub async fn edit<S: Store>(ctx: &Context<S>, input: &EditClaim) -> Result<Output> {
    let stored = ctx.store.claim_fields(input.id).await?;
    let mut fields = stored.clone();
    if let Some(text) = &input.text {
        fields.text = required_text("text", text)?;
    }
    if !input.source.is_empty() {
        (fields.speaker_id, fields.other_speakers) = speakers(ctx, &input.source).await?;
    }
    if let Some(key) = &input.reported_by {
        fields.reported_by_id = match optional_text(Some(key)) {
            Some(key) => Some(resolve_source(&ctx.store, "reported_by", &key).await?.id),
            None => None,
        };
    }
    if let Some(quote) = &input.quote {
        fields.quote = optional_text(Some(quote));
    }
    if let Some(lang) = &input.lang {
        fields.lang = optional_lang(Some(lang))?;
    }
    if let Some(url) = &input.url {
        fields.url = optional_url("url", Some(url))?;
    }
    if let Some(said_on) = &input.said_on {
        fields.said_on = match optional_text(Some(said_on)) {
            Some(d) => Some(day("said_on", &d, ctx.as_of)?),
            None => None,
        };
    }
    if let Some(kind) = &input.kind {
        fields.kind = ClaimKind::parse(kind)?;
    }
    if input.credibility.is_some() {
        fields.credibility = credibility(input.credibility.as_deref())?;
    }
    let remove_tags = tags(&input.remove_tags)?;
    fields.tags.retain(|t| !remove_tags.contains(t));
    fields.tags.extend(tags(&input.add_tags)?);
    fields.tags.sort();
    fields.tags.dedup();
    let changed: Vec<&str> = fields
        .changes_from(&stored)
        .iter()
        .map(|c| c.field)
        .collect();
    let on = change_day(ctx, input.id, "on", input.on.as_deref(), |e| {
        e.event == EventKind::Edited && e.field.as_deref().is_some_and(|f| changed.contains(&f))
    })
    .await?;
    ctx.store.update_claim(input.id, &fields, on).await?;
    show(ctx, input.id).await
}

/// One claim with its history, by when each event happened, then when it
/// was written.
pub async fn claim<S: Store>(ctx: &Context<S>, id: i64) -> Result<Claim> {
    let mut claim = replay::claim(ctx, id).await?;
    if let Some(history) = &mut claim.history {
        // The `recorded` event first: it is what every other event changes.
        let key = |e: &HistoryEntry| {
            (
                e.event != EventKind::Recorded,
                e.at,
                e.recorded_at.clone(),
                e.id,
            )
        };
        history.sort_by_key(key);
    }
    Ok(claim)
}

pub async fn show<S: Store>(ctx: &Context<S>, id: i64) -> Result<Output> {
    Ok(Output::Claim(Box::new(claim(ctx, id).await?)))
}

/// Removes a claim with its deadlines and history. Front ends confirm first.
pub async fn remove<S: Store>(ctx: &Context<S>, id: i64) -> Result<Output> {
    ctx.store.delete_claim(id).await?;
    Ok(Output::Removed {
        what: "claim",
        id,
        reference: None,
    })
}

fn is_status_change(e: &HistoryEntry) -> bool {
    matches!(e.event, EventKind::Status | EventKind::Reopened)
}

/// A resolution as typed.
#[derive(Debug, Clone, Default)]
pub struct Resolve {
    pub id: i64,
    pub status: String,
    /// The day it was resolved; the as-of date when absent.
    pub on: Option<String>,
    pub evidence: Option<String>,
    pub note: Option<String>,
}

pub async fn resolve<S: Store>(ctx: &Context<S>, input: &Resolve) -> Result<Output> {
    let status = Status::parse(&input.status)?;
    if status == Status::Pending {
        return Err(Error::invalid(
            "status",
            "pending",
            "use `claims reopen` to set a claim back to pending",
        ));
    }
    let on = change_day(ctx, input.id, "on", input.on.as_deref(), is_status_change).await?;
    let evidence = optional_url("evidence", input.evidence.as_deref())?;
    let note = optional_text(input.note.as_deref());
    let change = StatusChange {
        to: status,
        on,
        note: note.as_deref(),
        evidence: evidence.as_deref(),
    };
    ctx.store.set_status(input.id, &change).await?;
    show(ctx, input.id).await
}

pub async fn reopen<S: Store>(
    ctx: &Context<S>,
    id: i64,
    note: Option<&str>,
    on: Option<&str>,
) -> Result<Output> {
    let on = change_day(ctx, id, "on", on, is_status_change).await?;
    let note = optional_text(note);
    let change = StatusChange {
        to: Status::Pending,
        on,
        note: note.as_deref(),
        evidence: None,
    };
    ctx.store.set_status(id, &change).await?;
    show(ctx, id).await
}

/// `note ID TEXT`: a note in the claim's history, changing nothing else.
pub async fn note<S: Store>(
    ctx: &Context<S>,
    id: i64,
    text: &str,
    evidence: Option<&str>,
    on: Option<&str>,
) -> Result<Output> {
    let text = required_text("note", text)?;
    let evidence = optional_url("evidence", evidence)?;
    let said_on = ctx.store.claim_fields(id).await?.said_on;
    let on = event_day("on", on, said_on, ctx.as_of)?;
    ctx.store
        .append_note(id, on, &text, evidence.as_deref())
        .await?;
    show(ctx, id).await
}

/// `undo ID`: voids the claim's latest change with a correction.
pub async fn undo<S: Store>(ctx: &Context<S>, id: i64, note: Option<&str>) -> Result<Output> {
    let note = optional_text(note);
    ctx.store.claim_fields(id).await?;
    ctx.store.undo(id, ctx.as_of, note.as_deref()).await?;
    show(ctx, id).await
}

/// `log`: the audit trail, newest written first.
pub async fn log<S: Store>(
    ctx: &Context<S>,
    id: Option<i64>,
    since: Option<&str>,
    by: Option<&str>,
    limit: Option<i64>,
) -> Result<Output> {
    if let Some(limit) = limit.filter(|limit| *limit < 0) {
        return Err(Error::invalid(
            "limit",
            &limit.to_string(),
            "must not be negative",
        ));
    }
    if let Some(id) = id {
        ctx.store.claim_fields(id).await?;
    }
    let filter = LogFilter {
        claim_id: id,
        since: since.map(|d| day("since", d, ctx.as_of)).transpose()?,
        by: optional_text(by),
        limit,
    };
    Ok(Output::Log(ctx.store.log(&filter).await?))
}

/// Which claims to list, as typed; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListClaims {
    pub status: Option<String>,
    /// Speaker or outlet: a source id or name.
    pub source: Option<String>,
    pub kind: Option<String>,
    pub tag: Option<String>,
    pub overdue: bool,
    pub due_before: Option<String>,
    pub due_after: Option<String>,
    pub search: Option<String>,
    /// Comma-separated reliability grades, `A,B`.
    pub reliability: Option<String>,
    /// Comma-separated credibility grades, `1,2`.
    pub credibility: Option<String>,
    pub limit: Option<i64>,
}

/// `--status`: a status, or `overdue` (pending with a deadline passed), as
/// tables show it; the second value says whether it was `overdue`.
pub fn status_filter(value: Option<&str>) -> Result<(Option<Status>, bool)> {
    let Some(value) = value else {
        return Ok((None, false));
    };
    if value.trim().eq_ignore_ascii_case("overdue") {
        return Ok((None, true));
    }
    Status::parse(value).map(|s| (Some(s), false)).map_err(|_| {
        let mut words: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        words.push("overdue");
        Error::invalid(
            "status",
            value,
            crate::domain::words::expected(value, &words),
        )
    })
}

pub async fn list<S: Store>(ctx: &Context<S>, input: &ListClaims) -> Result<Output> {
    if let Some(limit) = input.limit.filter(|limit| *limit < 0) {
        return Err(Error::invalid(
            "limit",
            &limit.to_string(),
            "must not be negative",
        ));
    }
    let (status, overdue) = status_filter(input.status.as_deref())?;
    let mut filter = ClaimFilter {
        status,
        kind: input.kind.as_deref().map(ClaimKind::parse).transpose()?,
        overdue: input.overdue || overdue,
        due_before: input
            .due_before
            .as_deref()
            .map(|d| period("due_before", d, ctx.as_of).map(|p| p.start))
            .transpose()?,
        due_after: input
            .due_after
            .as_deref()
            .map(|d| period("due_after", d, ctx.as_of).map(|p| p.end))
            .transpose()?,
        search: optional_text(input.search.as_deref()),
        reliability: input
            .reliability
            .as_deref()
            .map(|g| grade_list("reliability", g, Reliability::parse))
            .transpose()?
            .unwrap_or_default(),
        credibility: input
            .credibility
            .as_deref()
            .map(|g| grade_list("credibility", g, Credibility::parse))
            .transpose()?
            .unwrap_or_default(),
        limit: input.limit,
        ..ClaimFilter::default()
    };
    if let Some(tag) = &input.tag {
        filter.tag = Some(tags(std::slice::from_ref(tag))?.remove(0));
    }
    if let Some(key) = &input.source {
        filter.source_id = Some(resolve_source(&ctx.store, "source", key).await?.id);
    }
    Ok(Output::Claims {
        claims: replay::claims(ctx, &filter).await?,
        window: None,
        highlight: Vec::new(),
    })
}

/// `search`: best match first.
pub async fn search<S: Store>(ctx: &Context<S>, query: &str, limit: u32) -> Result<Output> {
    required_text("query", query)?;
    let claims = replay::search(ctx, query, limit).await?;
    let highlight = fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "and" | "or" | "not" | "near"))
        .map(str::to_string)
        .collect();
    Ok(Output::Claims {
        claims,
        window: None,
        highlight,
    })
}
