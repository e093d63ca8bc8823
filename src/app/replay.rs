//! Reading the record as it stood (`--as-of` a past day) or as it was known
//! (`--known-on`). The store answers for the record as it stands; only the
//! claims a view can change (said, changed or written after its day) are
//! replayed here from their events, and the answers are corrected by them:
//! counts by the difference of those claims' tallies, lists by dropping
//! those claims from the store's pages and merging their replayed selves.
//! So a replay costs in proportion to what changed since, not to the size
//! of the database.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::Context;
use crate::domain::model::{Claim, HistoryEntry, SourceRef, Status};
use crate::domain::replay::{history_in, replay, Snapshot, View};
use crate::domain::rules::{derive, is_open, judge, tallies, ClaimState, Tally, TallyChanges};
use crate::error::{Error, Result};
use crate::store::{ClaimFilter, DayList, DeadlineCounts, Store, TallyScope};

/// A claim a view can change: as it stands, and as it stood in the view
/// (`None`: not yet said, or not yet written).
struct Changed {
    now: ClaimState,
    then: Option<Snapshot>,
    /// The state of `then`.
    then_state: Option<ClaimState>,
}

/// The view of a command, with what it changes.
pub struct Replay {
    pub view: View,
    changed: HashMap<i64, Changed>,
    /// How the stored counts move in the view.
    pub adjust: TallyChanges,
}

impl Replay {
    /// The command's view; `None` when it is the record as it stands. With
    /// `only`, just those claims are looked at (a page already chosen).
    pub async fn of<S: Store>(ctx: &Context<S>, only: Option<&[i64]>) -> Result<Option<Replay>> {
        Self::make(ctx, only, true).await
    }

    /// The view for lists alone: the counts' adjustments are not made.
    pub async fn for_lists<S: Store>(
        ctx: &Context<S>,
        only: Option<&[i64]>,
    ) -> Result<Option<Replay>> {
        Self::make(ctx, only, false).await
    }

    async fn make<S: Store>(
        ctx: &Context<S>,
        only: Option<&[i64]>,
        counts: bool,
    ) -> Result<Option<Replay>> {
        let view = View {
            as_of: ctx.as_of,
            known_on: ctx.known_on,
        };
        let mut changed = HashMap::new();
        let mut adjust = TallyChanges::default();
        let mut each = |page: Vec<(Snapshot, Vec<HistoryEntry>)>| {
            for (now, events) in page {
                let now_state = now.state(&events);
                if counts {
                    adjust.add(tallies(&now_state, &derive(&now_state)), -1);
                }
                let replayed = replay(&now, &events, &view);
                let then_state = replayed.as_ref().map(|(snapshot, history)| {
                    let state = snapshot.state(history);
                    if counts {
                        adjust.add(tallies(&state, &derive(&state)), 1);
                    }
                    state
                });
                changed.insert(
                    now.id,
                    Changed {
                        now: now_state,
                        then: replayed.map(|(snapshot, _)| snapshot),
                        then_state,
                    },
                );
            }
        };
        if !ctx.store.replay_set(&view, only, &mut each).await? {
            return Ok(None);
        }
        Ok(Some(Replay {
            view,
            changed,
            adjust,
        }))
    }

    /// Whether the view can change this claim.
    pub fn changes(&self, id: i64) -> bool {
        self.changed.contains_key(&id)
    }

    /// A claim as the store gave it, as it stood in the view; `None` when
    /// it did not exist then.
    pub fn claim(&self, claim: Claim, sources: &HashMap<i64, SourceRef>) -> Option<Claim> {
        match self.changed.get(&claim.id) {
            None => Some(self.history_only(claim)),
            Some(Changed { then: None, .. }) => None,
            Some(Changed {
                then: Some(snapshot),
                ..
            }) => Some(as_in(claim, snapshot, &self.view, sources)),
        }
    }

    /// A claim's history in the view, from its stored history.
    pub fn history(&self, stored: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
        history_in(&stored, &self.view)
    }

    /// A claim the view does not change: only its history is cut to what
    /// had happened, and been written, by then.
    fn history_only(&self, mut claim: Claim) -> Claim {
        if let Some(history) = &claim.history {
            claim.history = Some(history_in(history, &self.view));
        }
        claim
    }

    /// The replayed claims that pass `keep`, best first by `order`, at most
    /// `limit`, as full claims.
    async fn replayed<S: Store, K: Ord>(
        &self,
        ctx: &Context<S>,
        keep: impl Fn(&Snapshot, &ClaimState) -> bool,
        order: impl Fn(&Snapshot, &ClaimState) -> K,
        limit: Option<usize>,
    ) -> Result<Vec<Claim>> {
        let mut picked: Vec<(K, i64)> = self
            .changed
            .iter()
            .filter_map(|(id, c)| {
                let snapshot = c.then.as_ref()?;
                let state = c.then_state.as_ref()?;
                keep(snapshot, state).then(|| (order(snapshot, state), *id))
            })
            .collect();
        picked.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some(limit) = limit {
            picked.truncate(limit);
        }
        let ids: Vec<i64> = picked.iter().map(|(_, id)| *id).collect();
        let sources = source_refs(ctx).await?;
        let mut claims: HashMap<i64, Claim> = ctx
            .store
            .claims_by_ids(&ids, self.view.as_of)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| claims.remove(id))
            .filter_map(|c| self.claim(c, &sources))
            .collect())
    }

    /// Per-claim totals of the deadline counts, moved from now to the view.
    pub fn deadline_counts(
        &self,
        stored: DeadlineCounts,
        from: NaiveDate,
        until: NaiveDate,
    ) -> DeadlineCounts {
        let mut counts = stored;
        let mut count = |state: &ClaimState, by: i64| {
            let next_due = derive(state).next_due;
            let upcoming = state
                .deadlines
                .iter()
                .any(|d| is_open(state.status, d.met_on) && from <= d.due && d.due <= until);
            counts.upcoming += by * i64::from(upcoming);
            counts.with_open_deadline += by * i64::from(next_due.is_some());
            counts.overdue += by * i64::from(next_due.is_some_and(|d| d < from));
        };
        for c in self.changed.values() {
            count(&c.now, -1);
            if let Some(state) = &c.then_state {
                count(state, 1);
            }
        }
        counts
    }
}

/// How the stored counts move in the command's view (none when it is the
/// record as it stands).
pub async fn adjustments<S: Store>(ctx: &Context<S>) -> Result<TallyChanges> {
    match view_kind(ctx).await? {
        ViewKind::Now => Ok(TallyChanges::default()),
        ViewKind::PastDay => day_adjustments(ctx, TallyScope::All).await,
        ViewKind::Replayed => Ok(Replay::of(ctx, None)
            .await?
            .map(|r| r.adjust)
            .unwrap_or_default()),
    }
}

// ----- past days from the day tables -----
//
// A view with no `known_on` is the record as of a day as known today: the
// day tables (migration 15) hold its counts and its lists, so only the
// claims listed are replayed, for display (`docs/replay-speed.md`).

/// How a command's view is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// The record as it stands: nothing was said or happened after the day.
    Now,
    /// A past day, as known today: from the day tables.
    PastDay,
    /// As known on a day (`known_on`): replayed claim by claim.
    Replayed,
}

/// How the command's view is read (one indexed look without `known_on`).
pub async fn view_kind<S: Store>(ctx: &Context<S>) -> Result<ViewKind> {
    Ok(if ctx.known_on.is_some() {
        ViewKind::Replayed
    } else if ctx.store.changed_after(ctx.as_of).await? {
        ViewKind::PastDay
    } else {
        ViewKind::Now
    })
}

/// How the stored counts in `scope` move as of the command's day: back by
/// what the journal holds after it.
async fn day_adjustments<S: Store>(
    ctx: &Context<S>,
    scope: TallyScope<'_>,
) -> Result<TallyChanges> {
    let mut after = ctx.store.tallies_after(ctx.as_of, scope).await?;
    for n in after.0.values_mut() {
        *n = -*n;
    }
    Ok(after)
}

/// The counts and lists of a past day.
pub struct DayView {
    /// How the claim counts and totals move (`TallyScope::Counts`).
    pub adjust: TallyChanges,
}

impl DayView {
    pub async fn of<S: Store>(ctx: &Context<S>) -> Result<DayView> {
        Ok(DayView {
            adjust: day_adjustments(ctx, TallyScope::Counts).await?,
        })
    }

    /// How the counts move for the track records of these sources: the
    /// claim counts' moves with their deadline counts' added.
    pub async fn records_adjust<S: Store>(
        &self,
        ctx: &Context<S>,
        sources: &[i64],
    ) -> Result<TallyChanges> {
        let mut adjust = day_adjustments(ctx, TallyScope::Records(sources)).await?;
        for (tally, n) in self.adjust.moving() {
            *adjust.0.entry(tally.clone()).or_default() += n;
        }
        Ok(adjust)
    }

    /// The report's deadline counts of the day: upcoming from the open
    /// periods of deadlines, the others from the next-due counts moved.
    pub async fn deadline_counts<S: Store>(
        &self,
        ctx: &Context<S>,
        until: NaiveDate,
    ) -> Result<DeadlineCounts> {
        let mut counts = ctx.store.deadline_counts(ctx.as_of, until).await?;
        counts.upcoming = ctx.store.upcoming_count_on(ctx.as_of, until).await?;
        for (tally, n) in self.adjust.moving() {
            if let Tally::NextDue {
                source: None,
                next_due,
            } = tally
            {
                counts.with_open_deadline += n;
                if *next_due < ctx.as_of {
                    counts.overdue += n;
                }
            }
        }
        Ok(counts)
    }
}

/// The first `limit` claims of a list of the command's (past) day, as they
/// stood then.
pub async fn day_list<S: Store>(
    ctx: &Context<S>,
    list: DayList,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    let ids = ctx.store.day_list(ctx.as_of, list, limit).await?;
    claims_as_they_stood(ctx, &ids).await
}

/// These claims as they stood in the command's view, in this order.
async fn claims_as_they_stood<S: Store>(ctx: &Context<S>, ids: &[i64]) -> Result<Vec<Claim>> {
    let mut found: HashMap<i64, Claim> = ctx
        .store
        .claims_by_ids(ids, ctx.as_of)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let in_order = ids.iter().filter_map(|id| found.remove(id));
    let Some(replay) = Replay::for_lists(ctx, Some(ids)).await? else {
        return Ok(in_order.collect());
    };
    let sources = source_refs(ctx).await?;
    Ok(in_order.filter_map(|c| replay.claim(c, &sources)).collect())
}

/// Every source by id, as claims name them.
pub async fn source_refs<S: Store>(ctx: &Context<S>) -> Result<HashMap<i64, SourceRef>> {
    Ok(ctx
        .store
        .sources()
        .await?
        .into_iter()
        .map(|s| {
            (
                s.id,
                SourceRef {
                    id: s.id,
                    name: s.name,
                    kind: s.kind,
                    reliability: s.reliability,
                },
            )
        })
        .collect())
}

/// A claim with the values of a replayed snapshot, judged on `as_of`.
fn as_in(
    mut claim: Claim,
    snapshot: &Snapshot,
    view: &View,
    sources: &HashMap<i64, SourceRef>,
) -> Claim {
    claim.status = snapshot.status;
    claim.said_on = snapshot.said_on;
    claim.kind = snapshot.kind;
    claim.credibility = snapshot.credibility;
    claim.tags = snapshot.tags.clone();
    claim.deadlines = snapshot.deadlines.clone();
    let speakers: Vec<SourceRef> = snapshot
        .speakers
        .iter()
        .filter_map(|id| sources.get(id).cloned())
        .collect();
    if let Some(lead) = speakers.first() {
        claim.source = lead.clone();
        claim.speakers = speakers;
    }
    claim.reported_by = snapshot.outlet.and_then(|id| sources.get(&id).cloned());
    for (field, value) in &snapshot.texts {
        match field.as_str() {
            "text" => {
                if let Some(text) = value {
                    claim.text = text.clone();
                }
            }
            "quote" => claim.quote = value.clone(),
            "lang" => claim.lang = value.clone(),
            "url" => claim.url = value.clone(),
            _ => {}
        }
    }
    if let Some(history) = &claim.history {
        claim.history = Some(history_in(history, view));
    }
    judge(&mut claim, view.as_of);
    claim
}

/// Whether a replayed claim passes a list filter (all but `search`, which
/// the caller applies).
fn passes(
    filter: &ClaimFilter,
    snapshot: &Snapshot,
    state: &ClaimState,
    sources: &HashMap<i64, SourceRef>,
    as_of: NaiveDate,
) -> bool {
    let next_due = derive(state).next_due;
    let open = |d: &crate::domain::rules::DeadlineState| d.met_on.is_none();
    filter.status.is_none_or(|s| s == snapshot.status)
        && filter.kind.is_none_or(|k| k == snapshot.kind)
        && filter
            .source_id
            .is_none_or(|id| snapshot.speakers.contains(&id) || snapshot.outlet == Some(id))
        && filter
            .tag
            .as_ref()
            .is_none_or(|t| snapshot.tags.contains(t))
        && (!filter.overdue || next_due.is_some_and(|d| d < as_of))
        && (filter.due_before.is_none() && filter.due_after.is_none()
            || state.deadlines.iter().any(|d| {
                open(d)
                    && filter.due_before.is_none_or(|b| d.due < b)
                    && filter.due_after.is_none_or(|a| d.due > a)
            }))
        && (!filter.no_open_deadline || snapshot.status == Status::Pending && next_due.is_none())
        && (filter.reliability.is_empty()
            || snapshot
                .speakers
                .first()
                .and_then(|id| sources.get(id))
                .and_then(|s| s.reliability)
                .is_some_and(|r| filter.reliability.contains(&r)))
        && (filter.credibility.is_empty()
            || snapshot
                .credibility
                .is_some_and(|c| filter.credibility.contains(&c)))
}

/// `list`, `overdue` and the report's sections in the command's view: the
/// store's order (next due date, claims without one last, then id).
pub async fn claims<S: Store>(ctx: &Context<S>, filter: &ClaimFilter) -> Result<Vec<Claim>> {
    claims_in(ctx, Replay::for_lists(ctx, None).await?.as_ref(), filter).await
}

/// `claims` with the view's replay already made.
pub async fn claims_in<S: Store>(
    ctx: &Context<S>,
    replay: Option<&Replay>,
    filter: &ClaimFilter,
) -> Result<Vec<Claim>> {
    let Some(replay) = replay else {
        return Ok(ctx.store.claims(filter, ctx.as_of).await?);
    };
    let as_of = ctx.as_of;
    let sources = source_refs(ctx).await?;
    let limit = filter.limit.map(|l| l.max(0) as usize);
    let stable = stable_page(replay, limit, |limit| {
        let filter = ClaimFilter {
            limit,
            ..filter.clone()
        };
        async move { ctx.store.claims(&filter, as_of).await }
    })
    .await?;
    let mut replayed = replay
        .replayed(
            ctx,
            |snapshot, state| passes(filter, snapshot, state, &sources, as_of),
            |_, state| {
                let next_due = derive(state).next_due;
                (next_due.is_none(), next_due)
            },
            limit,
        )
        .await?;
    if let Some(search) = &filter.search {
        // The search index holds today's text: a replayed claim is listed
        // when it matches today.
        let matching = ctx
            .store
            .claims(
                &ClaimFilter {
                    search: Some(search.clone()),
                    ..ClaimFilter::default()
                },
                as_of,
            )
            .await?;
        replayed.retain(|c| matching.iter().any(|m| m.id == c.id));
    }
    let key = |c: &Claim| (c.next_due.is_none(), c.next_due, c.id);
    Ok(merge(stable, replayed, key, limit))
}

/// `upcoming` in the command's view: soonest first by the first open
/// deadline in the window.
pub async fn upcoming<S: Store>(
    ctx: &Context<S>,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    upcoming_in(
        ctx,
        Replay::for_lists(ctx, None).await?.as_ref(),
        until,
        limit,
    )
    .await
}

/// `upcoming` with the view's replay already made.
pub async fn upcoming_in<S: Store>(
    ctx: &Context<S>,
    replay: Option<&Replay>,
    until: NaiveDate,
    limit: Option<u32>,
) -> Result<Vec<Claim>> {
    let from = ctx.as_of;
    let Some(replay) = replay else {
        return Ok(ctx.store.upcoming(from, until, limit).await?);
    };
    let first_in_window =
        |status: Status, deadlines: &mut dyn Iterator<Item = (NaiveDate, Option<NaiveDate>)>| {
            deadlines
                .filter(|(due, met)| is_open(status, *met) && from <= *due && *due <= until)
                .map(|(due, _)| due)
                .min()
        };
    let limit_n = limit.map(|l| l as usize);
    let stable = stable_page(replay, limit_n, |limit| async move {
        ctx.store
            .upcoming(from, until, limit.map(|l| l as u32))
            .await
    })
    .await?;
    let replayed = replay
        .replayed(
            ctx,
            |_, state| {
                first_in_window(
                    state.status,
                    &mut state.deadlines.iter().map(|d| (d.due, d.met_on)),
                )
                .is_some()
            },
            |_, state| {
                first_in_window(
                    state.status,
                    &mut state.deadlines.iter().map(|d| (d.due, d.met_on)),
                )
            },
            limit_n,
        )
        .await?;
    let key = |c: &Claim| {
        (
            first_in_window(c.status, &mut c.deadlines.iter().map(|d| (d.due, d.met_on))),
            c.id,
        )
    };
    Ok(merge(stable, replayed, key, limit_n))
}

/// The store's first claims that the view does not change, at least
/// `limit` of them when there are: pages grow until enough are left.
async fn stable_page<F, Fut>(replay: &Replay, limit: Option<usize>, fetch: F) -> Result<Vec<Claim>>
where
    F: Fn(Option<i64>) -> Fut,
    Fut: std::future::Future<Output = crate::store::StoreResult<Vec<Claim>>>,
{
    let Some(limit) = limit else {
        let all = fetch(None).await?;
        return Ok(all.into_iter().filter(|c| !replay.changes(c.id)).collect());
    };
    let mut asked = limit.max(1) * 2;
    loop {
        let page = fetch(Some(asked as i64)).await?;
        let full = page.len() < asked;
        let kept: Vec<Claim> = page.into_iter().filter(|c| !replay.changes(c.id)).collect();
        if kept.len() >= limit || full {
            return Ok(kept);
        }
        asked *= 4;
    }
}

/// Two lists in one order, at most `limit`.
fn merge<K: Ord>(
    a: Vec<Claim>,
    b: Vec<Claim>,
    key: impl Fn(&Claim) -> K,
    limit: Option<usize>,
) -> Vec<Claim> {
    let mut all: Vec<Claim> = a.into_iter().chain(b).collect();
    all.sort_by(|x, y| key(x).cmp(&key(y)).then_with(|| Ordering::Equal));
    if let Some(limit) = limit {
        all.truncate(limit);
    }
    all
}

/// `search` in the command's view: the store's ranking of today's text,
/// without claims not yet said then, changed ones as they stood.
pub async fn search<S: Store>(ctx: &Context<S>, query: &str, limit: u32) -> Result<Vec<Claim>> {
    let found = ctx.store.search(query, limit, ctx.as_of).await?;
    let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
    let Some(replay) = Replay::for_lists(ctx, Some(&ids)).await? else {
        return Ok(found);
    };
    let sources = source_refs(ctx).await?;
    Ok(found
        .into_iter()
        .filter_map(|c| replay.claim(c, &sources))
        .collect())
}

/// One claim with its history in the command's view.
pub async fn claim<S: Store>(ctx: &Context<S>, id: i64) -> Result<Claim> {
    let claim = ctx.store.claim(id, ctx.as_of).await?;
    let Some(replay) = Replay::for_lists(ctx, Some(&[id])).await? else {
        return Ok(claim);
    };
    let sources = source_refs(ctx).await?;
    let said_on = claim.said_on;
    replay.claim(claim, &sources).ok_or_else(|| {
        let when = match (said_on, ctx.known_on) {
            (Some(said), _) if said > ctx.as_of => format!(
                "was said on {}, after {}",
                crate::domain::dates::iso(said),
                crate::domain::dates::iso(ctx.as_of)
            ),
            (_, Some(known)) => format!(
                "was not yet in the database on {}",
                crate::domain::dates::iso(known)
            ),
            _ => "did not exist then".to_string(),
        };
        Error::Conflict(format!("claim {id} {when}"))
    })
}
