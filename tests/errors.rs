//! Every bad input: one clear line naming the field and the value, exit 1
//! (2 for usage errors), and the database file left exactly as it was.

use crate::common::{one_error_line, Db};

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let db = Db::with_sources();
    db.ok(&["add", "A claim", "--source", "1", "--due", "2027"]);
    let cases: &[(&[&str], &str)] = &[
        (&["show", "42"], "error: no claim with id 42"),
        (&["edit", "42", "--text", "x"], "error: no claim with id 42"),
        (&["resolve", "42", "failed"], "error: no claim with id 42"),
        (&["deadline", "met", "42.1"], "error: no deadline 42.1"),
        (&["deadline", "move", "42.1", "2028"], "error: no deadline 42.1"),
        (
            &["resolve", "1", "done"],
            "error: invalid status `done`: expected one of: pending, fulfilled, partial, failed, retracted, unverifiable",
        ),
        (
            &["list", "--status", "open"],
            "error: invalid status `open`: expected one of: pending, fulfilled, partial, failed, retracted, unverifiable, overdue",
        ),
        (
            &["add", "x", "--source", "1", "--due", "2026-02-30"],
            "error: invalid --due `2026-02-30`: February 2026 has only 28 days",
        ),
        (
            &["add", "x", "--source", "1", "--due", "soon"],
            "error: invalid --due `soon`: not a date: use YYYY-MM-DD, YYYY-MM, YYYY-QN, YYYY, a month name with a year, today, tomorrow or +30d",
        ),
        (
            &["add", "x", "--source", "1", "--said-on", "2025-09"],
            "error: invalid --said-on `2025-09`: names a period (Sep 2025), not a day; give a day such as 2025-09-30",
        ),
        (
            &["deadline", "move", "1.1", "2026-13"],
            "error: invalid date `2026-13`: month 13 does not exist",
        ),
        (
            &["resolve", "1", "failed", "--on", "yesterday-ish"],
            "error: invalid --on `yesterday-ish`: not a date: use YYYY-MM-DD, YYYY-MM, YYYY-QN, YYYY, a month name with a year, today, tomorrow or +30d",
        ),
        (&["add", "   ", "--source", "1"], "error: invalid claim text `   `: must not be empty"),
        (&["source", "add", ""], "error: invalid source name ``: must not be empty"),
        (
            &["source", "add", "Government Spokesperson"],
            "error: a source named `Government spokesperson` already exists (id 1)",
        ),
        (
            &["add", "x", "--source", "1", "--url", "shafaq.com/x"],
            "error: invalid --url `shafaq.com/x`: must start with http:// or https://",
        ),
        (
            &["resolve", "1", "fulfilled", "--evidence", "javascript:alert(1)"],
            "error: invalid --evidence `javascript:alert(1)`: must start with http:// or https://",
        ),
        (
            &["source", "add", "New", "--url", "https://"],
            "error: invalid --url `https://`: has no host",
        ),
        (
            &["add", "x", "--source", "1", "--lang", "Arabic language"],
            "error: invalid --lang `Arabic language`: expected a language tag such as ar, en or ar-IQ",
        ),
        (
            &["add", "x", "--source", "1", "--kind", "rumour"],
            "error: invalid claim kind `rumour`: expected one of: promise, prediction, report, opinion",
        ),
        (
            &["source", "add", "New", "--kind", "blogger"],
            "error: invalid source kind `blogger`: expected one of: person, organization, government, outlet, anonymous, other",
        ),
        (
            &["add", "x", "--source", "Nobody at all"],
            "error: no source named `Nobody at all` for --source (add it with `claims source add`)",
        ),
        (&["add", "x", "--source", "7"], "error: no source with id 7"),
        (
            &["upcoming", "--within", "soon"],
            "error: invalid --within `soon`: expected a span such as 30d, 2w, 3m or 1y",
        ),
        (
            &["--as-of", "2026-02-29", "list"],
            "error: invalid --as-of `2026-02-29`: February 2026 has only 28 days",
        ),
    ];
    let before = db.bytes();
    for (args, expected) in cases {
        let (code, stderr) = db.fails(args);
        assert_eq!(code, 1, "claims {args:?}: {stderr}");
        assert_eq!(one_error_line(&stderr), *expected, "claims {args:?}");
        assert_eq!(db.bytes(), before, "claims {args:?} changed the database");
    }
}

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let db = Db::with_sources();
    let before = db.bytes();
    let cases: &[&[&str]] = &[
        &["add", "x"],
        &["add", "x", "--source", "1", "--label", "orphan"],
        &[
            "add", "x", "--source", "1", "--due", "2027", "--label", "a", "--label", "b",
        ],
        &["show", "not-a-number"],
        &["frobnicate"],
        &["list", "--format", "yaml"],
        // A flag that cannot repeat is refused when repeated, never silently the last.
        &["add", "x", "--source", "1", "--quote", "a", "--quote", "b"],
        &["edit", "1", "--text", "a", "--text", "b"],
        &[
            "resolve",
            "1",
            "failed",
            "--on",
            "2026-01-01",
            "--on",
            "2026-02-01",
        ],
        &["--format", "json", "list", "--format", "csv"],
        &["list", "--as-of", "2026-01-01", "--as-of", "2026-02-01"],
    ];
    for args in cases {
        let (code, stderr) = db.fails(args);
        assert_eq!(code, 2, "claims {args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "claims {args:?}: {stderr}");
        assert_eq!(db.bytes(), before, "claims {args:?} changed the database");
    }
}

#[test]
fn a_database_directory_that_cannot_be_made_is_an_error() {
    let db = Db::new();
    let file = db.dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let path = file.join("sub").join("claims.db");
    let out = assert_cmd::Command::cargo_bin("claims")
        .unwrap()
        .args(["--db", path.to_str().unwrap(), "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = one_error_line(&stderr);
    assert!(
        line.starts_with("error: cannot create the database directory `"),
        "{line}"
    );
    assert!(line.contains("plain-file/sub"), "{line}");
}

/// What cannot be true is refused: a change dated before the claim was said
/// or after the as-of date, a move onto the date a deadline already has, an
/// edit that changes nothing. Each names the field and the value and writes
/// nothing.
#[test]
fn impossible_changes_are_refused_and_change_nothing() {
    let db = Db::with_sources();
    db.ok(&[
        "add",
        "The first phase ends",
        "--source",
        "1",
        "--said-on",
        "2025-08-18",
        "--due",
        "2025-09",
    ]);
    let before = db.bytes();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["resolve", "1", "fulfilled", "--on", "2024-01-01"],
            1,
            "error: invalid --on `2024-01-01`: is before the claim was said (2025-08-18)",
        ),
        (
            &["resolve", "1", "fulfilled", "--on", "2030-01-01"],
            1,
            "error: invalid --on `2030-01-01`: is after the as-of date (2026-11-30)",
        ),
        (
            &["--as-of", "2025-08-01", "resolve", "1", "failed"],
            1,
            "error: invalid --as-of `2025-08-01`: is before the claim was said (2025-08-18)",
        ),
        (
            &["deadline", "met", "1.1", "--on", "2025-08-17"],
            1,
            "error: invalid --on `2025-08-17`: is before the claim was said (2025-08-18)",
        ),
        (
            &["deadline", "met", "1.1", "--on", "2027-01-01"],
            1,
            "error: invalid --on `2027-01-01`: is after the as-of date (2026-11-30)",
        ),
        (
            &["deadline", "move", "1.1", "2025-09"],
            1,
            "error: invalid date `2025-09`: deadline 1.1 is already due then (2025-09-30)",
        ),
        (
            &["edit", "1"],
            2,
            "error: nothing to change for claim 1: give a field such as --text, --source or --tag",
        ),
    ];
    for (args, code, expected) in cases {
        let (got, err) = db.fails(args);
        assert_eq!(got, *code, "{args:?}");
        assert_eq!(one_error_line(&err), *expected, "{args:?}");
        assert_eq!(db.bytes(), before, "{args:?} changed the database");
    }
    // The same changes, possible ones, go through.
    db.ok(&["deadline", "move", "1.1", "2025-12", "--note", "extended"]);
    db.ok(&["resolve", "1", "fulfilled", "--on", "2025-08-18"]);
}
