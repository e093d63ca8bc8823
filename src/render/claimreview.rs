//! schema.org ClaimReview JSON-LD for resolved claims, the form newsrooms
//! publish fact-checks in.
//!
//! Our statuses map to a 1–5 rating (5 best):
//! fulfilled 5 "Fulfilled", partial 3 "Partly fulfilled", failed 1 "Not
//! fulfilled", retracted 2 "Retracted"; unverifiable has no number, only the
//! name "Unverifiable". Pending claims are not reviewed.

use serde_json::{json, Value};

use crate::app::settings::Publisher;
use crate::domain::dates::iso;
use crate::domain::model::{Claim, EventKind, SourceKind, Status};

/// The rating for a status: (ratingValue, alternateName).
pub fn rating(status: Status) -> Option<(Option<u8>, &'static str)> {
    match status {
        Status::Pending => None,
        Status::Fulfilled => Some((Some(5), "Fulfilled")),
        Status::Partial => Some((Some(3), "Partly fulfilled")),
        Status::Failed => Some((Some(1), "Not fulfilled")),
        Status::Retracted => Some((Some(2), "Retracted")),
        Status::Unverifiable => Some((None, "Unverifiable")),
    }
}

/// The ClaimReview of a resolved claim (its history must be loaded), as
/// Google documents it: `url` (the review's page, from the `review_url`
/// setting), `author` (the publisher), `claimReviewed`, `reviewRating`,
/// `datePublished` (the resolution's day) and `itemReviewed`, a `Claim`
/// with its speakers as `author`, `datePublished` (said on), `appearance`
/// and `firstAppearance` (the claim's URL). `None` for a pending claim.
pub fn review(claim: &Claim, publisher: &Publisher) -> Option<Value> {
    let (value, name) = rating(claim.status)?;
    let resolution = claim.history.as_ref().and_then(|h| {
        h.iter()
            .rev()
            .find(|e| e.to == claim.status && e.event == EventKind::Status && !e.voided)
    });
    let person = |kind: SourceKind| match kind {
        SourceKind::Person | SourceKind::Anonymous => "Person",
        _ => "Organization",
    };
    let mut authors: Vec<Value> = claim
        .speakers
        .iter()
        .map(|s| json!({"@type": person(s.kind), "name": s.name}))
        .collect();
    if authors.is_empty() {
        authors.push(json!({"@type": person(claim.source.kind), "name": claim.source.name}));
    }
    let mut item = json!({
        "@type": "Claim",
        "author": if authors.len() == 1 { authors.remove(0) } else { json!(authors) },
    });
    if let Some(said_on) = claim.said_on {
        item["datePublished"] = json!(iso(said_on));
    }
    if claim.url.is_some() || claim.reported_by.is_some() {
        let mut appearance = json!({"@type": "CreativeWork"});
        if let Some(url) = &claim.url {
            appearance["url"] = json!(url);
        }
        if let Some(outlet) = &claim.reported_by {
            appearance["publisher"] = json!({"@type": "Organization", "name": outlet.name});
        }
        item["firstAppearance"] = appearance.clone();
        item["appearance"] = json!([appearance]);
    }
    if let Some(quote) = &claim.quote {
        item["text"] = json!(quote);
        if let Some(lang) = &claim.lang {
            item["inLanguage"] = json!(lang);
        }
    }
    let mut rating = json!({
        "@type": "Rating",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": name,
        "name": name,
    });
    if let Some(value) = value {
        rating["ratingValue"] = json!(value);
    }
    let mut review = json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.review_url(&claim.uid, claim.id),
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "reviewRating": rating,
    });
    if let Some(entry) = resolution {
        review["datePublished"] = json!(iso(entry.at));
        if let Some(evidence) = &entry.evidence {
            review["citation"] = json!({"@type": "CreativeWork", "url": evidence});
        }
        if let Some(note) = &entry.note {
            review["reviewBody"] = json!(note);
        }
    }
    Some(review)
}
