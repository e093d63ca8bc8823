//! What the shell completes for each argument: the closed sets of words
//! (statuses, kinds), and from the database the sources' names, the claims'
//! ids and the open deadlines (clap_complete's dynamic engine: the shell
//! asks `claims` itself, with `COMPLETE=bash`).

use clap_complete::engine::CompletionCandidate;

use crate::config;
use crate::domain::model::{Claim, ClaimKind, Source, SourceKind, Status};
use crate::render::truncate;
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{ClaimFilter, OpenMode, Store};

fn words(words: impl IntoIterator<Item = &'static str>) -> Vec<CompletionCandidate> {
    words.into_iter().map(CompletionCandidate::new).collect()
}

/// `list --status`, `export --status`: the statuses, and `overdue`.
pub fn statuses() -> Vec<CompletionCandidate> {
    words(Status::ALL.iter().map(|s| s.as_str()).chain(["overdue"]))
}

/// `resolve ID STATUS`: the outcomes.
pub fn outcomes() -> Vec<CompletionCandidate> {
    words(
        Status::ALL
            .iter()
            .filter(|s| **s != Status::Pending)
            .map(|s| s.as_str()),
    )
}

pub fn claim_kinds() -> Vec<CompletionCandidate> {
    words(ClaimKind::ALL.iter().map(|k| k.as_str()))
}

pub fn source_kinds() -> Vec<CompletionCandidate> {
    words(SourceKind::ALL.iter().map(|k| k.as_str()))
}

pub fn settings() -> Vec<CompletionCandidate> {
    words(crate::app::settings::SETTINGS.iter().map(|(name, _)| *name))
}

/// The sources' names, from the database `CLAIMS_DB` (or the default) names.
pub fn source_names() -> Vec<CompletionCandidate> {
    let Some((sources, _)) = database() else {
        return Vec::new();
    };
    sources
        .into_iter()
        .map(|s| CompletionCandidate::new(s.name).help(Some(s.kind.as_str().into())))
        .collect()
}

/// The claims' ids, each with the start of its text.
pub fn claim_ids() -> Vec<CompletionCandidate> {
    let Some((_, claims)) = database() else {
        return Vec::new();
    };
    claims
        .into_iter()
        .map(|c| {
            CompletionCandidate::new(c.id.to_string()).help(Some(truncate(&c.text, 50).into()))
        })
        .collect()
}

/// The open deadlines (`6.1`), each with its claim's text.
pub fn deadline_refs() -> Vec<CompletionCandidate> {
    let Some((_, claims)) = database() else {
        return Vec::new();
    };
    claims
        .iter()
        .flat_map(|c| {
            c.deadlines.iter().filter(|d| d.met_on.is_none()).map(|d| {
                CompletionCandidate::new(d.reference.to_string())
                    .help(Some(truncate(&c.text, 50).into()))
            })
        })
        .collect()
}

/// The sources and (up to 1,000) claims of the database, read without
/// changing it; `None` when it cannot be read (completion stays quiet).
fn database() -> Option<(Vec<Source>, Vec<Claim>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        match config::database_location(None).ok()? {
            config::Location::File(path) => {
                let store = SqliteStore::open(&path, OpenMode::Inspect).await.ok()?;
                let read = read(&store).await;
                store.close().await;
                read
            }
            config::Location::Postgres(url) => {
                let store = PostgresStore::open_with(&url, OpenMode::Inspect)
                    .await
                    .ok()?;
                let read = read(&store).await;
                store.close().await;
                read
            }
        }
    })
}

async fn read<S: Store>(store: &S) -> Option<(Vec<Source>, Vec<Claim>)> {
    let today = chrono::Local::now().date_naive();
    let filter = ClaimFilter {
        limit: Some(1000),
        ..ClaimFilter::default()
    };
    let mut sources = store.sources().await.ok()?;
    // A merged source's names find the one it went into; offer that one.
    sources.retain(|s| s.merged.is_none());
    Some((sources, store.claims(&filter, today).await.ok()?))
}
