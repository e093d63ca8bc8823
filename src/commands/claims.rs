//! `claims add`, `edit`, `show`, `remove`, `resolve`, `reopen`, `list`.

use super::{
    day, optional_lang, optional_text, optional_url, period, required_text, resolve_source, tags,
    Context, Output,
};
use crate::cli::{AddArgs, EditArgs, ListArgs};
use crate::db::{ClaimFilter, NewClaim, NewDeadline};
use crate::error::{Error, Result};
use crate::model::{grade_list, ClaimKind, Credibility, Reliability, Status};

/// `add`. `deadlines` pairs each `--due` with the `--label` that followed it.
pub async fn add(
    ctx: &Context,
    args: &AddArgs,
    deadlines: &[(String, Option<String>)],
) -> Result<Output> {
    // Everything that needs no database is checked first.
    let text = required_text("claim text", &args.text)?;
    let deadlines = deadlines
        .iter()
        .map(|(due, label)| new_deadline(ctx, due, label.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let kind = match &args.kind {
        Some(kind) => ClaimKind::parse(kind)?,
        None if deadlines.is_empty() => ClaimKind::Report,
        None => ClaimKind::Promise,
    };
    let quote = optional_text(args.quote.as_deref());
    let lang = optional_lang(args.lang.as_deref())?;
    let url = optional_url("--url", args.url.as_deref())?;
    let said_on = args
        .said_on
        .as_deref()
        .map(|d| day("--said-on", d, ctx.as_of))
        .transpose()?;
    let tags = tags(&args.tag)?;
    let credibility = credibility(args.credibility.as_deref())?;

    let speaker = resolve_source(&ctx.store, "--source", &args.source).await?;
    let reported_by = match &args.reported_by {
        Some(key) => Some(resolve_source(&ctx.store, "--reported-by", key).await?.id),
        None => None,
    };
    let claim = NewClaim {
        text,
        speaker_id: speaker.id,
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

/// `--credibility`: a grade 1 to 6; empty means none.
fn credibility(value: Option<&str>) -> Result<Option<Credibility>> {
    optional_text(value)
        .map(|v| Credibility::parse("--credibility", &v))
        .transpose()
}

pub fn new_deadline(ctx: &Context, due: &str, label: Option<&str>) -> Result<NewDeadline> {
    let period = period("--due", due, ctx.as_of)?;
    Ok(NewDeadline {
        due: period.end,
        precision: period.precision,
        label: optional_text(label),
        met_on: None,
    })
}

/// `edit`: the fields given replace the stored ones; an empty value clears
/// an optional field.
pub async fn edit(ctx: &Context, args: &EditArgs) -> Result<Output> {
    let mut fields = ctx.store.claim_fields(args.id).await?;
    if let Some(text) = &args.text {
        fields.text = required_text("--text", text)?;
    }
    if let Some(key) = &args.source {
        fields.speaker_id = resolve_source(&ctx.store, "--source", key).await?.id;
    }
    if let Some(key) = &args.reported_by {
        fields.reported_by_id = match optional_text(Some(key)) {
            Some(key) => Some(resolve_source(&ctx.store, "--reported-by", &key).await?.id),
            None => None,
        };
    }
    if let Some(quote) = &args.quote {
        fields.quote = optional_text(Some(quote));
    }
    if let Some(lang) = &args.lang {
        fields.lang = optional_lang(Some(lang))?;
    }
    if let Some(url) = &args.url {
        fields.url = optional_url("--url", Some(url))?;
    }
    if let Some(said_on) = &args.said_on {
        fields.said_on = match optional_text(Some(said_on)) {
            Some(d) => Some(day("--said-on", &d, ctx.as_of)?),
            None => None,
        };
    }
    if let Some(kind) = &args.kind {
        fields.kind = ClaimKind::parse(kind)?;
    }
    if args.credibility.is_some() {
        fields.credibility = credibility(args.credibility.as_deref())?;
    }
    let add_tags = tags(&args.tag)?;
    let remove_tags = tags(&args.untag)?;
    ctx.store
        .update_claim(args.id, &fields, &add_tags, &remove_tags)
        .await?;
    show(ctx, args.id).await
}

pub async fn show(ctx: &Context, id: i64) -> Result<Output> {
    Ok(Output::Claim(Box::new(
        ctx.store.claim(id, ctx.as_of).await?,
    )))
}

pub async fn remove(ctx: &Context, id: i64, yes: bool) -> Result<Output> {
    if !yes {
        // Say what would go before refusing, so the user can check the id.
        let claim = ctx.store.claim(id, ctx.as_of).await?;
        return Err(Error::Usage(format!(
            "removing claim {id} (\"{}\") deletes its deadlines and history; add --yes to confirm",
            claim.text
        )));
    }
    ctx.store.delete_claim(id).await?;
    Ok(Output::Removed { what: "claim", id })
}

pub async fn resolve(
    ctx: &Context,
    id: i64,
    status: &str,
    on: Option<&str>,
    evidence: Option<&str>,
    note: Option<&str>,
) -> Result<Output> {
    let status = Status::parse(status)?;
    if status == Status::Pending {
        return Err(Error::invalid(
            "status",
            "pending",
            "use `claims reopen` to set a claim back to pending",
        ));
    }
    let on = match on {
        Some(on) => day("--on", on, ctx.as_of)?,
        None => ctx.as_of,
    };
    let evidence = optional_url("--evidence", evidence)?;
    let note = optional_text(note);
    ctx.store
        .set_status(id, status, on, note.as_deref(), evidence.as_deref())
        .await?;
    show(ctx, id).await
}

pub async fn reopen(ctx: &Context, id: i64, note: Option<&str>) -> Result<Output> {
    let note = optional_text(note);
    ctx.store
        .set_status(id, Status::Pending, ctx.as_of, note.as_deref(), None)
        .await?;
    show(ctx, id).await
}

pub async fn list(ctx: &Context, args: &ListArgs) -> Result<Output> {
    let mut filter = ClaimFilter {
        status: args.status.as_deref().map(Status::parse).transpose()?,
        kind: args.kind.as_deref().map(ClaimKind::parse).transpose()?,
        overdue: args.overdue,
        due_before: args
            .due_before
            .as_deref()
            .map(|d| period("--due-before", d, ctx.as_of).map(|p| p.start))
            .transpose()?,
        due_after: args
            .due_after
            .as_deref()
            .map(|d| period("--due-after", d, ctx.as_of).map(|p| p.end))
            .transpose()?,
        search: optional_text(args.search.as_deref()),
        reliability: args
            .reliability
            .as_deref()
            .map(|g| grade_list("--reliability", g, Reliability::parse))
            .transpose()?
            .unwrap_or_default(),
        credibility: args
            .credibility
            .as_deref()
            .map(|g| grade_list("--credibility", g, Credibility::parse))
            .transpose()?
            .unwrap_or_default(),
        limit: args.limit,
        ..ClaimFilter::default()
    };
    if let Some(limit) = args.limit {
        if limit < 0 {
            return Err(Error::invalid(
                "--limit",
                &limit.to_string(),
                "must not be negative",
            ));
        }
    }
    if let Some(tag) = &args.tag {
        filter.tag = Some(tags(std::slice::from_ref(tag))?.remove(0));
    }
    if let Some(key) = &args.source {
        filter.source_id = Some(resolve_source(&ctx.store, "--source", key).await?.id);
    }
    Ok(Output::Claims {
        claims: ctx.store.claims(&filter, ctx.as_of).await?,
        window: None,
        highlight: Vec::new(),
    })
}

/// `search`: best match first (bm25 over the folded text).
pub async fn search(ctx: &Context, query: &str, limit: u32) -> Result<Output> {
    required_text("search query", query)?;
    let ids = ctx.store.search_ids(query, Some(limit)).await?;
    let mut claims = ctx.store.claims_by_ids(&ids, ctx.as_of).await?;
    let rank: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    claims.sort_by_key(|c| rank[&c.id]);
    let highlight = crate::normalize::fold(query)
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
