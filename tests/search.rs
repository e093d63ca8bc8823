//! `claims search` and `list --search`: one engine, Arabic folded.

use crate::common::{ids, one_error_line, Db};

#[test]
fn arabic_and_english_match_however_they_are_written() {
    let db = Db::demo();
    db.ok(&[
        "add",
        "كَتَبَ الوزيرُ رسالةً إلى البرلمان",
        "--source",
        "Shafaq News",
    ]);
    let cases: &[(&str, &[i64])] = &[
        ("عين الاسد", &[1]),
        ("عين الأسد", &[1]),
        ("كتب", &[9]),
        ("الى البرلمان", &[9]),
        ("\"civil\" partnership", &[3]),
        ("withdr*", &[1, 3, 6, 7, 8]),
        ("coalition NOT withdrawal", &[4, 5]),
    ];
    for (query, expected) in cases {
        let mut found = ids(&db.json(&["search", query]));
        if query.starts_with("withdr") || query.contains("NOT") {
            found.sort();
            let mut expected = expected.to_vec();
            expected.sort();
            assert_eq!(found, expected, "{query}");
        } else {
            assert_eq!(found, expected.to_vec(), "{query}");
        }
    }
    let found = ids(&db.json(&["search", "ain al-asad"]));
    assert!(found.contains(&1) && found.contains(&6), "{found:?}");
    // Speaker and outlet names are searchable, in either script.
    let mut by_speaker = ids(&db.json(&["search", "مصدر امني"]));
    by_speaker.sort();
    assert_eq!(by_speaker, vec![1, 2]);
    assert_eq!(
        db.json(&["search", "shafaq", "--limit", "3"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        ids(&db.json(&["list", "--search", "قاعدة عين الأسد"])),
        vec![1]
    );
}

/// The issue's examples on the demo (the example report): a word finds its
/// other forms, across the article and suffixes, in Arabic and English;
/// a quoted word finds only itself; exact matches rank first.
#[test]
fn a_word_finds_its_other_forms() {
    let db = Db::demo();
    db.ok(&[
        "add",
        "Part of the forces moves to Kuwait",
        "--source",
        "1",
        "--quote",
        "ونقل جزء من القوات والمعدات العسكرية إلى أربيل والجزء الآخر إلى دولة الكويت",
    ]);
    let sorted = |query: &str| {
        let mut found = ids(&db.json(&["search", query]));
        found.sort();
        found
    };
    let exact = |query: &str| sorted(&format!("\"{query}\""));
    for (query, form) in [
        ("انسحاب", "الانسحاب"),
        ("كويت", "الكويت"),
        ("مرحلة", "المرحلة"),
        ("convoys", "convoy"),
    ] {
        let found = sorted(query);
        let of_form = exact(form);
        assert!(!of_form.is_empty(), "{form}");
        for id in &of_form {
            assert!(
                found.contains(id),
                "{query} finds {form} (claim {id}): {found:?}"
            );
        }
    }
    // The Persian and Urdu letters of Iraqi and Gulf keyboards meet the
    // Arabic ones, in the query and in the text.
    assert_eq!(sorted("کويت"), sorted("كويت"));
    db.ok(&["add", "Talks in تشرین الأول", "--source", "1"]);
    assert!(sorted("تشرين").contains(&10), "{:?}", sorted("تشرين"));
    // Quoted, a word matches only itself.
    assert!(exact("convoys").is_empty());
    assert_eq!(sorted("convoys"), sorted("convoy"));
    // `list --search` stems too.
    assert_eq!(
        ids(&db.json(&["list", "--search", "convoys"])).len(),
        sorted("convoy").len()
    );
}

/// A claim with the word as written ranks above one with another form.
#[test]
fn exact_matches_rank_first() {
    let db = Db::with_sources();
    db.ok(&["add", "the convoys left", "--source", "1"]);
    db.ok(&["add", "a convoy left", "--source", "1"]);
    assert_eq!(ids(&db.json(&["search", "convoy"])), vec![2, 1]);
    assert_eq!(ids(&db.json(&["search", "convoys"])), vec![1, 2]);
}

#[test]
fn a_bad_query_says_so() {
    let db = Db::demo();
    let before = db.bytes();
    let (code, err) = db.fails(&["search", "\"civil partnership"]);
    assert_eq!(code, 1);
    // One parser for both engines.
    assert_eq!(
        one_error_line(&err),
        "error: invalid search query `\"civil partnership`: a quote is not closed"
    );
    assert_eq!(db.bytes(), before);
}

#[test]
fn the_index_follows_edits_renames_and_removals() {
    let db = Db::demo();
    let sorted = |query: &str| {
        let mut found = ids(&db.json(&["search", query]));
        found.sort();
        found
    };
    assert_eq!(sorted("kuwait"), vec![6, 7]);
    db.ok(&["edit", "2", "--text", "The convoy is heading for Kuwait"]);
    assert_eq!(sorted("kuwait"), vec![2, 6, 7]);
    assert_eq!(sorted("syrian"), vec![8]);
    db.ok(&["source", "edit", "Shafaq News", "--name", "شفق نيوز"]);
    assert_eq!(db.json(&["search", "شفق"]).as_array().unwrap().len(), 8);
    assert_eq!(db.json(&["search", "shafaq"]).as_array().unwrap().len(), 0);
    db.ok(&["remove", "2", "--yes"]);
    assert_eq!(sorted("kuwait"), vec![6, 7]);
}

#[test]
fn an_older_database_gets_its_index_built() {
    if crate::common::sqlite_only("a database of the first schema") {
        return;
    }
    let db = crate::common::first_schema_database(&[
        "INSERT INTO sources (id, name, name_key, kind, created_at) VALUES (1, 'مصدر', 'مصدر', 'anonymous', 'x')",
        "INSERT INTO claims (id, text, speaker_id, quote, kind, status, created_at, updated_at) VALUES (1, 'Withdrawal from Ain al-Asad', 1, 'الانسحاب من قاعدة عين الأسد', 'promise', 'pending', 'x', 'x')",
        "INSERT INTO status_history (claim_id, event, at, to_status, recorded_at) VALUES (1, 'created', '2026-01-01', 'pending', 'x')",
    ]);
    assert_eq!(ids(&db.json(&["search", "عين الاسد"])), vec![1]);
    assert_eq!(ids(&db.json(&["search", "ain"])), vec![1]);
    // With the stems of its words (migration 16).
    assert_eq!(ids(&db.json(&["search", "withdrawals"])), vec![1]);
    assert_eq!(ids(&db.json(&["search", "انسحاب"])), vec![1]);
}

#[test]
fn matching_words_are_highlighted_in_table_output() {
    let db = Db::demo();
    db.ok(&["add", "كَتَبَ الوزيرُ رسالةً", "--source", "1"]);
    let out = db.ok(&["--color", "always", "search", "withdrawal convoy"]);
    assert!(
        out.contains("the US \x1b[7mwithdrawal\x1b[0m has begun: a \x1b[7mconvoy\x1b[0m"),
        "{out}"
    );
    let out = db.ok(&["--color", "always", "search", "كتب"]);
    assert!(out.contains("\x1b[7mكَتَبَ\x1b[0m الوزيرُ"), "{out}");
    // A word's other forms are marked too, in the quote as in the text,
    // harakat and all.
    let out = db.ok(&["--color", "always", "search", "انسحاب"]);
    assert!(out.contains("QUOTE"), "{out}");
    assert!(out.contains("جدولة \x1b[7mالانسحاب\x1b[0m"), "{out}");
    let out = db.ok(&["--color", "always", "search", "convoys"]);
    assert!(out.contains("a \x1b[7mconvoy\x1b[0m"), "{out}");
    // Without colour the text is left exactly as stored.
    let plain = db.ok(&["search", "كتب"]);
    assert!(
        plain.contains("كَتَبَ الوزيرُ رسالةً") && !plain.contains('\x1b'),
        "{plain}"
    );
}

/// A word in thousands of claims takes the other plan (walk the list order,
/// test each claim); both plans and both halves of the list order (open
/// deadline by date, then the rest by id) must give the same list.
#[test]
fn a_common_word_lists_in_the_same_order_as_the_list() {
    let db = Db::new();
    let file = db.dir.path().join("many.jsonl");
    let lines: Vec<String> = (0..6_000)
        .map(|i| {
            let deadline = if i % 2 == 0 {
                format!(
                    r#", "deadlines": [{{"due": "2027-{:02}-01"}}]"#,
                    12 - i % 12
                )
            } else {
                String::new()
            };
            format!(
                r#"{{"text": "convoy {i}", "source": {{"name": "S{}"}}{deadline}}}"#,
                i % 7
            )
        })
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    db.ok(&["import", file.to_str().unwrap()]);
    db.ok(&[
        "add",
        "a rare word: quagga",
        "--source",
        "S1",
        "--due",
        "2027-06-01",
    ]);

    let all = ids(&db.json(&["list"]));
    assert_eq!(all.len(), 6_001);
    // Earliest deadline first (2027-02-01: i = 10, 22, ...), and after the
    // 3,001 claims with a deadline, those without by id (i = 1: id 2).
    assert_eq!(all[..2], [11, 23]);
    assert_eq!(all[3_001..3_003], [2, 4]);
    let common = ids(&db.json(&["list", "--search", "convoy"]));
    let expected: Vec<i64> = all.iter().copied().filter(|id| *id != 6_001).collect();
    assert_eq!(common, expected);
    // A first page that ends inside the claims with deadlines, and one that
    // crosses into the claims without.
    assert_eq!(
        ids(&db.json(&["list", "--search", "convoy", "--limit", "5"])),
        expected[..5]
    );
    assert_eq!(
        ids(&db.json(&["list", "--search", "convoy", "--limit", "3005"])),
        expected[..3005]
    );
    assert_eq!(ids(&db.json(&["list", "--limit", "3002"])), all[..3002]);
    assert_eq!(ids(&db.json(&["list", "--search", "quagga"])), vec![6_001]);
}
