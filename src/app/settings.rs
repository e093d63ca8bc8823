//! The database's settings: who publishes the ClaimReview export and where
//! each review lives.

use crate::app::{Context, Output};
use crate::error::{Error, Result};
use crate::store::Store;

/// Every setting, with what it means.
pub const SETTINGS: &[(&str, &str)] = &[
    (
        "publisher.name",
        "the fact-checking organisation that publishes the reviews (ClaimReview `author`)",
    ),
    ("publisher.url", "the organisation's web address"),
    (
        "review_url",
        "the address of a claim's review page, {uid} (the claim's UUID) or {id} filled in (ClaimReview `url`)",
    ),
];

/// A setting with its value, when set.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Setting {
    pub name: &'static str,
    pub value: Option<String>,
    pub meaning: &'static str,
}

/// Who publishes the reviews, and where they live: all three settings.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub url: String,
    /// With `{uid}` and `{id}` to fill in.
    pub review_url: String,
}

impl Publisher {
    /// The address of `claim`'s review page.
    pub fn review_url(&self, uid: &str, id: i64) -> String {
        self.review_url
            .replace("{uid}", uid)
            .replace("{id}", &id.to_string())
    }
}

pub async fn list<S: Store>(ctx: &Context<S>) -> Result<Output> {
    let stored = ctx.store.settings().await?;
    Ok(Output::Settings(
        SETTINGS
            .iter()
            .map(|(name, meaning)| Setting {
                name,
                value: stored
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
                meaning,
            })
            .collect(),
    ))
}

/// Sets `name` (or with `None` removes it), checking the name and the value.
pub async fn set<S: Store>(ctx: &Context<S>, name: &str, value: Option<&str>) -> Result<Output> {
    let names: Vec<&str> = SETTINGS.iter().map(|(n, _)| *n).collect();
    if !names.contains(&name) {
        return Err(Error::invalid(
            "setting",
            name,
            crate::domain::words::expected(name, &names),
        ));
    }
    let value = value.map(str::trim);
    if let Some(value) = value {
        check(name, value)?;
    }
    ctx.store.set_setting(name, value).await?;
    list(ctx).await
}

fn check(name: &str, value: &str) -> Result<()> {
    let web = |v: &str| v.starts_with("https://") || v.starts_with("http://");
    let reason = match name {
        _ if value.is_empty() => Some("is empty (use `claims settings unset` to remove it)"),
        "publisher.url" if !web(value) => Some("expected an http:// or https:// address"),
        "review_url" if !web(value) => Some("expected an http:// or https:// address"),
        "review_url" if !value.contains("{uid}") && !value.contains("{id}") => {
            Some("needs {uid} or {id}, so that each claim has its own page")
        }
        _ => None,
    };
    match reason {
        Some(reason) => Err(Error::invalid(name, value, reason)),
        None => Ok(()),
    }
}

/// The publisher for a ClaimReview export; a missing setting is an error
/// that says how to set it.
pub async fn publisher<S: Store>(ctx: &Context<S>) -> Result<Publisher> {
    let stored = ctx.store.settings().await?;
    let get = |name: &str| {
        stored
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                let example = match name {
                    "publisher.name" => "\"Fact-check desk\"",
                    "publisher.url" => "https://desk.example",
                    _ => "https://desk.example/claims/{uid}",
                };
                Error::Usage(format!(
                    "a ClaimReview export needs the setting `{name}`: \
                     claims settings set {name} {example}"
                ))
            })
    };
    Ok(Publisher {
        name: get("publisher.name")?,
        url: get("publisher.url")?,
        review_url: get("review_url")?,
    })
}
