//! Contract tests of the storage API: each test is written once against
//! `Store` and instantiated for every backend by `store_tests!` (the
//! pattern of taskchampion's `storage_tests!`). A backend passes when every
//! one of these passes on a fresh database of its own.

use chrono::NaiveDate;

use super::*;
use crate::domain::dates::{from_iso, Precision};
use crate::domain::model::EventKind;
use crate::domain::model::{ClaimKind, SourceKind, Status};

pub(crate) fn day(text: &str) -> NaiveDate {
    from_iso(text).unwrap()
}

pub(crate) fn new_source(name: &str) -> NewSource {
    NewSource {
        name: name.to_string(),
        kind: SourceKind::Person,
        role: None,
        affiliation: None,
        url: None,
        notes: None,
        reliability: None,
    }
}

pub(crate) fn new_claim(
    text: &str,
    speaker_id: i64,
    outlet: Option<i64>,
    due: &[&str],
) -> NewClaim {
    NewClaim {
        text: text.to_string(),
        speaker_id,
        other_speakers: Vec::new(),
        reported_by_id: outlet,
        quote: Some("نص عربي".to_string()),
        lang: Some("ar".to_string()),
        url: None,
        said_on: Some(day("2025-08-18")),
        kind: ClaimKind::Promise,
        credibility: None,
        tags: vec!["withdrawal".to_string()],
        deadlines: due
            .iter()
            .map(|d| NewDeadline {
                due: day(d),
                precision: Precision::Day,
                label: None,
                met_on: None,
                as_written: Some(d.to_string()),
            })
            .collect(),
    }
}

/// A source, then a claim by it: the claim reads back exactly, judged.
pub(crate) async fn claims_read_back_exactly<S: Store>(store: S) {
    let speaker = store
        .insert_source(&new_source("مصدر حكومي عراقي"))
        .await
        .unwrap();
    let outlet = store
        .insert_source(&new_source("Shafaq News"))
        .await
        .unwrap();
    let id = store
        .insert_claim(
            &new_claim(
                "The coalition leaves 🏳️",
                speaker.id,
                Some(outlet.id),
                &["2026-09-30"],
            ),
            day("2025-08-18"),
        )
        .await
        .unwrap();
    let claim = store.claim(id, day("2026-11-30")).await.unwrap();
    assert_eq!(claim.text, "The coalition leaves 🏳️");
    assert_eq!(claim.source.name, "مصدر حكومي عراقي");
    assert_eq!(claim.reported_by.unwrap().name, "Shafaq News");
    assert_eq!(claim.quote.as_deref(), Some("نص عربي"));
    assert_eq!(claim.tags, vec!["withdrawal"]);
    assert!(claim.overdue);
    assert_eq!(claim.days_overdue, Some(61));
    let history = claim.history.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].event, EventKind::Recorded);
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// Names are unique by name key; unknown ids are `NotFound`.
pub(crate) async fn conflicts_and_missing_rows_are_errors<S: Store>(store: S) {
    store
        .insert_source(&new_source("Shafaq News"))
        .await
        .unwrap();
    let again = store.insert_source(&new_source("shafaq news ")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(matches!(
        store.source(99).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.claim(99, day("2026-11-30")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.deadline(99).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete_claim(99).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.claim_count().await.unwrap(), 0);
    store.close().await;
}

/// A status change writes its history row, moves the derived counts and
/// refuses to repeat itself.
pub(crate) async fn status_changes_keep_history_and_counts<S: Store>(store: S) {
    let speaker = store.insert_source(&new_source("Minister")).await.unwrap();
    let id = store
        .insert_claim(
            &new_claim("x", speaker.id, None, &["2025-09-30"]),
            day("2025-08-18"),
        )
        .await
        .unwrap();
    let as_of = day("2026-11-30");
    let before = store
        .track_records(as_of, None, &Default::default())
        .await
        .unwrap();
    assert_eq!(before[&speaker.id].0.overdue, 1);
    let change = StatusChange {
        to: Status::Fulfilled,
        on: day("2025-10-10"),
        note: Some("convoy seen"),
        evidence: Some("https://example.org/e"),
    };
    assert_eq!(
        store.set_status(id, &change).await.unwrap(),
        Status::Pending
    );
    assert!(matches!(
        store.set_status(id, &change).await,
        Err(StoreError::Conflict(_))
    ));
    let records = store
        .track_records(as_of, None, &Default::default())
        .await
        .unwrap();
    let record = &records[&speaker.id].0;
    assert_eq!((record.fulfilled, record.overdue), (1, 0));
    assert_eq!((record.deadlines_due, record.deadlines_met_on_time), (1, 0));
    assert_eq!(record.median_days_late, Some(10.0));
    let history = store.histories(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!(history.last().unwrap().to, Status::Fulfilled);
    assert_eq!(
        history.last().unwrap().evidence.as_deref(),
        Some("https://example.org/e")
    );
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// Deadlines: moved, met and removed, with the claim judged after each.
pub(crate) async fn deadlines_move_meet_and_go<S: Store>(store: S) {
    let speaker = store.insert_source(&new_source("Minister")).await.unwrap();
    let id = store
        .insert_claim(
            &new_claim("x", speaker.id, None, &["2025-09-30", "2026-09-30"]),
            day("2025-08-18"),
        )
        .await
        .unwrap();
    let as_of = day("2025-12-01");
    let claim = store.claim(id, as_of).await.unwrap();
    let first = claim.deadlines[0].id;
    let second = claim.deadlines[1].id;
    let to = NewDeadline {
        due: day("2026-12-31"),
        precision: Precision::Day,
        label: None,
        met_on: None,
        as_written: Some("end of 2026".to_string()),
    };
    let moved = store
        .move_deadline(first, &to, as_of, Some("extended"))
        .await
        .unwrap();
    assert_eq!(moved.due, day("2025-09-30"));
    assert!(!store.claim(id, as_of).await.unwrap().overdue);
    let met = store
        .meet_deadline(second, day("2026-09-01"))
        .await
        .unwrap();
    assert_eq!(met.met_on, Some(day("2026-09-01")));
    assert!(matches!(
        store.meet_deadline(second, day("2026-09-02")).await,
        Err(StoreError::Conflict(_))
    ));
    let upcoming = store
        .upcoming(day("2026-12-01"), day("2026-12-31"), None)
        .await
        .unwrap();
    assert_eq!(upcoming.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
    let removed = store
        .delete_deadline(first, day("2026-11-30"), None)
        .await
        .unwrap();
    assert_eq!(removed.due, day("2026-12-31"));
    let claim = store.claim(id, as_of).await.unwrap();
    assert_eq!(claim.deadlines.len(), 1);
    assert_eq!(claim.next_due, None);
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// An import writes all records or, on a dry run, none; a second import of
/// the same records changes nothing; export gives them back.
pub(crate) async fn imports_are_all_or_nothing_and_export_back<S: Store>(store: S) {
    let records: Vec<ImportClaim> = (0..3)
        .map(|i| ImportClaim {
            uid: None,
            external_id: Some(format!("x-{i}")),
            speaker: new_source("Minister"),
            other_speakers: Vec::new(),
            reported_by: Some(new_source("Shafaq News")),
            status: Status::Pending,
            deadline_keys: vec![(None, None)],
            claim: new_claim(&format!("claim {i}"), 0, None, &["2026-09-30"]),
            history: Vec::new(),
        })
        .collect();
    let recorded = day("2026-11-30");
    let dry = store
        .import(
            &records,
            recorded,
            crate::store::ImportMode {
                dry_run: true,
                update: false,
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((dry.new, dry.sources_created), (3, 2));
    assert_eq!(store.claim_count().await.unwrap(), 0);
    let done = store
        .import(
            &records,
            recorded,
            crate::store::ImportMode::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(done.new, 3);
    let again = store
        .import(
            &records,
            recorded,
            crate::store::ImportMode::default(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!((again.new, again.unchanged), (0, 3));
    let page = store
        .export_page(&ClaimFilter::default(), 0, 2)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    let rest = store
        .export_page(&ClaimFilter::default(), page[1].id.unwrap(), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].external_id.as_deref(), Some("x-2"));
    assert_eq!(rest[0].reported_by.as_ref().unwrap().name, "Shafaq News");
    let counts = store
        .deadline_counts(recorded, day("2026-12-31"))
        .await
        .unwrap();
    assert_eq!(counts.overdue, 3);
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// An id once given is never given again, even after its row is removed.
pub(crate) async fn ids_are_never_reused<S: Store>(store: S) {
    let speaker = store.insert_source(&new_source("Minister")).await.unwrap();
    let recorded = day("2026-11-30");
    let first = store
        .insert_claim(
            &new_claim("one", speaker.id, None, &["2026-12-31"]),
            recorded,
        )
        .await
        .unwrap();
    let second = store
        .insert_claim(
            &new_claim("two", speaker.id, None, &["2026-12-31"]),
            recorded,
        )
        .await
        .unwrap();
    let deadline = store.claim(second, recorded).await.unwrap().deadlines[0].id;
    store.delete_claim(second).await.unwrap();
    let third = store
        .insert_claim(
            &new_claim("three", speaker.id, None, &["2026-12-31"]),
            recorded,
        )
        .await
        .unwrap();
    assert!(third > second && second > first, "{first} {second} {third}");
    let again = store.claim(third, recorded).await.unwrap().deadlines[0].id;
    assert!(again > deadline);
    let gone = store.insert_source(&new_source("Deputy")).await.unwrap();
    store.delete_source(gone.id).await.unwrap();
    let next = store.insert_source(&new_source("Deputy")).await.unwrap();
    assert!(next.id > gone.id);
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// Search folds Arabic spelling; a query the engine cannot parse is `BadQuery`.
pub(crate) async fn search_folds_and_refuses_bad_syntax<S: Store>(store: S) {
    let speaker = store
        .insert_source(&new_source("مصدر أمني عراقي"))
        .await
        .unwrap();
    let mut claim = new_claim("A convoy left", speaker.id, None, &[]);
    claim.quote = Some("رتل امريكي خرج من قاعدة عين الأسد".to_string());
    let id = store.insert_claim(&claim, day("2026-11-30")).await.unwrap();
    let found = store
        .search("عين الاسد", 10, day("2026-11-30"))
        .await
        .unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
    let bad = store.search("\"unclosed", 10, day("2026-11-30")).await;
    assert!(matches!(bad, Err(StoreError::BadQuery { .. })), "{bad:?}");
    store.close().await;
}

/// The record of past days: lists and counts as claims stood on a day.
pub(crate) async fn past_days_read_as_they_stood<S: Store>(store: S) {
    use crate::domain::rules::Tally;
    let speaker = store.insert_source(&new_source("Minister")).await.unwrap();
    let due = store
        .insert_claim(
            &new_claim("due in September", speaker.id, None, &["2025-09-30"]),
            day("2025-08-18"),
        )
        .await
        .unwrap();
    let undated = store
        .insert_claim(
            &new_claim("no deadline", speaker.id, None, &[]),
            day("2025-08-18"),
        )
        .await
        .unwrap();
    let change = StatusChange {
        to: Status::Failed,
        on: day("2025-10-15"),
        note: None,
        evidence: None,
    };
    store.set_status(due, &change).await.unwrap();
    assert!(store.changed_after(day("2025-10-01")).await.unwrap());
    assert!(!store.changed_after(day("2025-10-15")).await.unwrap());
    let list = |on: &str, list: DayList| {
        let store = &store;
        let on = day(on);
        async move { store.day_list(on, list, Some(10)).await.unwrap() }
    };
    // Not yet said; due; overdue; resolved.
    assert!(list("2025-08-17", DayList::NoOpenDeadline).await.is_empty());
    let window = DayList::Upcoming {
        until: day("2025-09-30"),
    };
    assert_eq!(list("2025-09-01", window).await, [due]);
    assert_eq!(
        store
            .upcoming_count_on(day("2025-09-01"), day("2025-09-30"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(list("2025-10-01", DayList::Overdue).await, [due]);
    assert!(list("2025-10-15", DayList::Overdue).await.is_empty());
    assert_eq!(list("2025-10-01", DayList::NoOpenDeadline).await, [undated]);
    // The counts moved after 2025-10-01: one claim from pending to failed.
    let moved = store
        .tallies_after(day("2025-10-01"), TallyScope::Counts)
        .await
        .unwrap();
    let total = |status| moved.0.get(&Tally::Total { status }).copied().unwrap_or(0);
    assert_eq!((total(Status::Pending), total(Status::Failed)), (-1, 1));
    assert!(store
        .tallies_after(day("2025-10-15"), TallyScope::All)
        .await
        .unwrap()
        .moving()
        .next()
        .is_none());
    assert!(store.check().await.unwrap().is_empty());
    store.close().await;
}

/// Instantiates every contract test for one backend: `$open` is an async
/// expression giving a fresh, empty store and what keeps it alive (a
/// temporary directory, a scratch database), dropped after the test, or
/// `None` when the backend cannot run here (having said so).
macro_rules! store_tests {
    ($open:expr) => {
        #[tokio::test]
        async fn claims_read_back_exactly() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::claims_read_back_exactly(store).await
        }
        #[tokio::test]
        async fn conflicts_and_missing_rows_are_errors() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::conflicts_and_missing_rows_are_errors(store).await
        }
        #[tokio::test]
        async fn status_changes_keep_history_and_counts() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::status_changes_keep_history_and_counts(store).await
        }
        #[tokio::test]
        async fn deadlines_move_meet_and_go() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::deadlines_move_meet_and_go(store).await
        }
        #[tokio::test]
        async fn imports_are_all_or_nothing_and_export_back() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::imports_are_all_or_nothing_and_export_back(store).await
        }
        #[tokio::test]
        async fn ids_are_never_reused() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::ids_are_never_reused(store).await
        }
        #[tokio::test]
        async fn past_days_read_as_they_stood() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::past_days_read_as_they_stood(store).await
        }
        #[tokio::test]
        async fn search_folds_and_refuses_bad_syntax() {
            let Some((_keep, store)) = $open else { return };
            $crate::store::tests::search_folds_and_refuses_bad_syntax(store).await
        }
    };
}

pub(crate) use store_tests;

mod sqlite {
    use crate::store::sqlite::SqliteStore;
    use crate::store::OpenMode;

    /// A fresh database in a directory removed after the test.
    async fn fresh() -> Option<(tempfile::TempDir, SqliteStore)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.db");
        let store = SqliteStore::open(&path, OpenMode::Migrate).await.unwrap();
        Some((dir, store))
    }

    super::store_tests!(fresh().await);
}

mod postgres {
    super::store_tests!(crate::store::postgres::tests::fresh("a store contract test").await);
}
