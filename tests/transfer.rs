//! `claims import` and `claims export` in every format, both ways.

use serde_json::{json, Value};

use crate::common::{one_error_line, Db};

/// Removes database ids, which differ between databases, recursively.
/// A record without what is particular to one database: its row ids and
/// the UUID of the database it was exported from (claim `uid`s stay: they
/// are the claim's identity everywhere).
fn without_ids(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            for key in ["id", "claim_id", "deadline_id", "database"] {
                map.remove(key);
            }
            for v in map.values_mut() {
                *v = without_ids(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_ids(v.take());
            }
        }
        _ => {}
    }
    value
}

fn export(db: &Db, format: &str) -> String {
    db.ok(&["export", "--format", format])
}

fn import_file(db: &Db, name: &str, content: &str) -> Value {
    let path = db.dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    db.json(&["import", path.to_str().unwrap()])
}

/// Deterministic claims that exercise every field and every awkward character.
fn generated(n: usize) -> String {
    let speakers = [
        "مصدر أمني عراقي",
        "Ministry of Defence",
        "=HYPERLINK(\"x\")",
        "@someone",
        "Zoë; the | pipe",
    ];
    let texts = [
        "The convoy left Ain al-Asad",
        "سينتقل التحالف إلى شراكة أمنية ثنائية",
        "-7 soldiers, +3 vehicles",
        "=SUM(A1:A9)",
        "line one\nline two, with \"quotes\"",
        "emoji 🇮🇶 and\ttab",
    ];
    let statuses = [
        "pending",
        "pending",
        "fulfilled",
        "partial",
        "failed",
        "retracted",
        "unverifiable",
    ];
    let kinds = ["promise", "prediction", "report", "opinion"];
    let dues = [
        "2025-09-30|month",
        "2026-12-31|quarter",
        "2027-12-31|year",
        "2026-11-15|day",
    ];
    let mut lines = String::new();
    for i in 0..n {
        let deadlines: Vec<Value> = (0..(i % 3))
            .map(|d| {
                let (due, precision) = dues[(i + d) % dues.len()].split_once('|').unwrap();
                json!({"due": due, "precision": precision,
                       "label": if d == 0 { Value::Null } else { json!(format!("phase {d}; part | {i}")) },
                       "met_on": if i % 5 == 0 { json!("2025-01-02") } else { Value::Null }})
            })
            .collect();
        let record = json!({
            "external_id": if i % 4 == 0 { json!(format!("sheet-{i}")) } else { Value::Null },
            "text": format!("{} #{i}", texts[i % texts.len()]),
            "status": statuses[i % statuses.len()],
            "kind": kinds[i % 4],
            "source": {"name": speakers[i % speakers.len()], "kind": "anonymous"},
            "reported_by": if i % 2 == 0 { json!({"name": "Shafaq News", "kind": "outlet"}) } else { Value::Null },
            "quote": if i % 3 == 0 { json!("قال المصدر: \"سنغادر\"، ثم صمت") } else { Value::Null },
            "lang": if i % 3 == 0 { json!("ar") } else { Value::Null },
            "url": if i % 2 == 1 { json!(format!("https://example.org/{i}?a=1,b=2")) } else { Value::Null },
            "said_on": if i % 2 == 0 { json!(format!("2025-0{}-1{}", 1 + i % 9, i % 10)) } else { Value::Null },
            "tags": if i % 2 == 0 { json!(["withdrawal", "a;b", "انسحاب"]) } else { json!([]) },
            "deadlines": deadlines,
        });
        lines.push_str(&serde_json::to_string(&record).unwrap());
        lines.push('\n');
    }
    lines
}

#[test]
fn json_round_trip_on_the_example_report() {
    let source = Db::demo();
    source.ok(&[
        "resolve",
        "1",
        "fulfilled",
        "--evidence",
        "https://example.org/convoy",
        "--note",
        "seen",
    ]);
    source.ok(&["deadline", "move", "3.1", "2027-03", "--note", "extended"]);
    source.ok(&["deadline", "met", "5.1", "--on", "2025-09-20"]);
    let first = export(&source, "json");
    let target = Db::new();
    let summary = import_file(&target, "claims.json", &first);
    assert_eq!(summary["new"], 8);
    assert_eq!(summary["sources_created"], 5);
    let second = export(&target, "json");
    let a: Value = serde_json::from_str(&first).unwrap();
    let b: Value = serde_json::from_str(&second).unwrap();
    assert_eq!(without_ids(a.clone()), without_ids(b));
    // The Arabic is byte-exact, source details and history included.
    assert!(second.contains(
        "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026"
    ));
    assert!(second.contains("\"role\": \"spokesperson, US Embassy in Baghdad\""));
    assert!(second.contains("\"event\": \"deadline_moved\""));
}

/// Export, import into an empty database, export again: the same, ids aside.
fn assert_round_trips(source: &Db, count: usize) {
    for format in ["jsonl", "csv"] {
        let first = export(source, format);
        let target = Db::new();
        let summary = import_file(&target, &format!("again.{format}"), &first);
        assert_eq!(summary["new"], count, "{format}");
        let second = export(&target, format);
        if format == "csv" {
            // Ids aside (the first column), the CSV comes back identical.
            let strip = |text: &str| -> Vec<String> {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                reader
                    .records()
                    .map(|r| r.unwrap().iter().skip(1).collect::<Vec<_>>().join("\u{1}"))
                    .collect()
            };
            assert_eq!(strip(&first), strip(&second));
        } else {
            let parse = |text: &str| -> Vec<Value> {
                text.lines()
                    .map(|l| without_ids(serde_json::from_str(l).unwrap()))
                    .collect()
            };
            assert_eq!(parse(&first), parse(&second));
        }
    }
}

#[test]
fn jsonl_and_csv_round_trip_on_generated_data() {
    let source = Db::new();
    let summary = import_file(&source, "generated.jsonl", &generated(120));
    assert_eq!(summary["new"], 120);
    assert_round_trips(&source, 120);
}

#[test]
fn jsonl_and_csv_round_trip_on_the_example_report() {
    let source = Db::demo();
    source.ok(&["resolve", "8", "unverifiable"]);
    assert_round_trips(&source, 8);
    let csv = export(&source, "csv");
    assert!(csv.contains(
        "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026"
    ));
    assert!(csv.contains("2026-09|phase 2"));
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_neutralised() {
    let db = Db::new();
    import_file(&db, "g.jsonl", &generated(6));
    let csv = export(&db, "csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "live formula cell: {cell:?}"
        );
    }
    assert!(cells.iter().any(|c| c.starts_with("'=SUM(A1:A9)")));
    assert!(cells.iter().any(|c| c.starts_with("'-7 soldiers")));
    assert!(cells.iter().any(|c| c == "'@someone"));
    // The import undoes it.
    let back = Db::new();
    import_file(&back, "back.csv", &csv);
    let texts: Vec<Value> = back
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].clone())
        .collect();
    assert!(texts.contains(&json!("=SUM(A1:A9) #3")));
    assert!(texts.contains(&json!("-7 soldiers, +3 vehicles #2")));
}

#[test]
fn importing_twice_adds_nothing() {
    let db = Db::new();
    let data = generated(40);
    let first = import_file(&db, "a.jsonl", &data);
    assert_eq!(first["new"], 40);
    let second = import_file(&db, "a.jsonl", &data);
    assert_eq!(
        second,
        json!({"new": 0, "unchanged": 40, "differing": 0, "duplicates": 0, "sources_created": 0,
            "updated": 0, "differences": [], "dry_run": false})
    );
    // The same claim twice in one file, and a known external id with other text.
    let doubled = format!(
        "{}\n{}\n{}\n",
        r#"{"text": "Once", "source": {"name": "Ministry of Defence"}}"#,
        r#"{"text": "Once", "source": {"name": "ministry of defence"}}"#,
        r#"{"external_id": "sheet-0", "text": "Changed text", "source": {"name": "Ministry of Defence"}}"#
    );
    let third = import_file(&db, "b.jsonl", &doubled);
    assert_eq!(third["new"], 1);
    assert_eq!(third["duplicates"], 1);
    assert_eq!(third["differing"], 1);
    assert_eq!(db.json(&["list"]).as_array().unwrap().len(), 41);
    // Claims recorded by hand are recognised too.
    db.ok(&[
        "add",
        "By hand",
        "--source",
        "Ministry of Defence",
        "--said-on",
        "2025-05-05",
    ]);
    let by_hand = import_file(
        &db,
        "c.jsonl",
        r#"{"text": "By hand", "source": {"name": "MINISTRY OF DEFENCE"}, "said_on": "2025-05-05"}"#,
    );
    assert_eq!(by_hand["unchanged"], 1);
}

#[test]
fn a_bad_record_aborts_the_whole_import() {
    let db = Db::with_sources();
    let before = db.bytes();
    let path = db.dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "text,source,said_on,deadlines\nFine,Shafaq News,2025-01-01,2026-09\nBad date,Shafaq News,2025-13-01,\nAlso fine,X,,\n",
    )
    .unwrap();
    let (code, err) = db.fails(&["import", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        one_error_line(&err),
        format!("error: {}: line 3: invalid said_on `2025-13-01`: month 13 does not exist; nothing was imported", path.display())
    );
    assert_eq!(db.bytes(), before);
}

#[test]
fn dry_run_reports_every_problem_and_writes_nothing() {
    let db = Db::with_sources();
    let before = db.bytes();
    let path = db.dir.path().join("bad.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"text": "ok", "source": {"name": "A"}}"#,
            "\n",
            r#"{"text": "", "source": {"name": "A"}, "status": "done"}"#,
            "\n",
            "\n",
            r#"{"text": "x", "source": {"name": "A"}, "deadlines": [{"due": "2026-02-30"}]}"#,
            "\n",
            r#"{"text": "x", "source": {"name": "A"}, "colour": "red"}"#,
            "\n",
        ),
    )
    .unwrap();
    let name = path.display().to_string();
    let (code, err) = db.fails(&["import", "--dry-run", &name]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: 4 problems found; nothing was imported:");
    assert_eq!(
        lines[1],
        format!("  {name}: line 2: invalid text ``: must not be empty")
    );
    assert!(
        lines[2].starts_with(&format!("  {name}: line 2: invalid status `done`")),
        "{err}"
    );
    assert_eq!(
        lines[3],
        format!(
            "  {name}: line 4: invalid deadlines.due `2026-02-30`: February 2026 has only 28 days"
        )
    );
    assert!(
        lines[4].starts_with(&format!("  {name}: line 5: unknown field `colour`")),
        "{err}"
    );
    assert_eq!(db.bytes(), before);
    // Without --dry-run: the first problem, and how many more.
    let (_, err) = db.fails(&["import", &name]);
    assert!(
        one_error_line(&err).ends_with(
            "nothing was imported (3 more problems: run with --dry-run to list them all)"
        ),
        "{err}"
    );
    // A clean dry run says what it would do and writes nothing.
    let good = db.dir.path().join("good.jsonl");
    std::fs::write(&good, r#"{"text": "ok", "source": {"name": "New source"}}"#).unwrap();
    let out = db.ok(&["import", "--dry-run", good.to_str().unwrap()]);
    assert!(out.starts_with("would import 1 new claim;"), "{out}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn untrusted_input_is_refused_clearly() {
    let db = Db::with_sources();
    let before = db.bytes();
    let dir = db.dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let big = write(
        "big.jsonl",
        &b"{\"text\": \"x\", \"source\": {\"name\": \"A\"}}\n".repeat(100),
    );
    let bad_utf8 = write("bad.csv", b"text,source\nfine,A\nbro\xffken,A\n");
    let nested = write(
        "nested.json",
        format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    let nested_object = write(
        "deep.jsonl",
        format!("{}{}\n", "{\"a\":".repeat(5000), "}".repeat(5000)).as_bytes(),
    );
    let not_array = write("object.json", br#"{"text": "x"}"#);
    let unknown_column = write("cols.csv", b"text,source,colour\nx,A,red\n");
    let short_row = write("short.csv", b"text,source,said_on\nx,A\n");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (vec!["import", "--max-size", "1k", &big], format!("error: {big}: larger than the import limit of 1024 bytes (--max-size)")),
        (vec!["import", &bad_utf8], format!("error: {bad_utf8}: line 3: invalid UTF-8 in column `text` at byte 4; nothing was imported")),
        (vec!["import", &nested], format!("error: {nested}: not a JSON array of claims (as `claims export --format json` writes): nested too deeply; nothing was imported")),
        (vec!["import", &nested_object], format!("error: {nested_object}: line 1: unknown field `a`, expected one of `id`, `uid`, `database`, `external_id`, `text`, `status`, `kind`, `source`, `speakers`, `reported_by`, `quote`, `lang`, `url`, `said_on`, `credibility`, `tags`, `deadlines`, `history`, `next_due`, `overdue`, `days_overdue` at column 4; nothing was imported")),
        (vec!["import", &not_array], format!("error: {not_array}: not a JSON array of claims (as `claims export --format json` writes): invalid type: map, expected a sequence at line 1 column 0; nothing was imported")),
        (vec!["import", &unknown_column], format!("error: {unknown_column}: line 1: invalid column `colour`: unknown column (known: id, external_id, text, source, source_kind, reported_by, quote, lang, url, said_on, kind, status, deadlines, tags, credibility, source_reliability, speakers); nothing was imported")),
        (vec!["import", &short_row], format!("error: {short_row}: line 2: has 2 cells; the header has 3; nothing was imported")),
    ];
    for (args, expected) in cases {
        let (code, err) = db.fails(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(one_error_line(&err), expected, "{args:?}");
        assert_eq!(db.bytes(), before, "{args:?} changed the database");
    }
}

#[test]
fn a_byte_order_mark_and_stdin_are_accepted() {
    let db = Db::new();
    let csv = "\u{feff}text,source,deadlines\nالانسحاب الكامل,مصدر حكومي عراقي,أيلول 2026|phase 2\n";
    let path = db.dir.path().join("bom.csv");
    std::fs::write(&path, csv).unwrap();
    db.ok(&["import", path.to_str().unwrap()]);
    let claim = db.json(&["show", "1"]);
    assert_eq!(claim["text"], "الانسحاب الكامل");
    assert_eq!(claim["source"]["name"], "مصدر حكومي عراقي");
    assert_eq!(claim["deadlines"][0]["due"], "2026-09-30");
    assert_eq!(claim["deadlines"][0]["label"], "phase 2");
    // Standard input, format sniffed from the first character.
    let out = db
        .cmd(&["--format", "json", "import", "-"])
        .write_stdin(r#"[{"text": "From stdin", "source": {"name": "Pipe"}}]"#)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.json(&["show", "2"])["text"], "From stdin");
}

#[test]
fn export_filters_by_status_source_and_tag() {
    let db = Db::demo();
    db.ok(&["resolve", "8", "unverifiable"]);
    let count = |args: &[&str]| -> usize {
        let mut all = vec!["export"];
        all.extend_from_slice(args);
        let out = db.ok(&all);
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&[]), 8);
    assert_eq!(count(&["--status", "unverifiable"]), 1);
    assert_eq!(count(&["--source", "مصدر حكومي عراقي"]), 3);
    assert_eq!(count(&["--source", "Shafaq News"]), 8);
    assert_eq!(count(&["--tag", "syria"]), 2);
    assert_eq!(db.ok(&["export", "--status", "failed"]), "[]\n");
}

#[test]
fn the_calendar_parses_and_keeps_one_stable_event_per_deadline() {
    use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};
    let db = Db::demo();
    db.ok(&["deadline", "met", "3.1"]);
    let ics = export(&db, "ics");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n'));
    }
    let calendar: Calendar = ics.parse().expect("a valid iCalendar file");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    // Four deadlines on pending claims, one of them met: the met one stays,
    // cancelled, so a subscribed calendar drops it.
    assert_eq!(events.len(), 4);
    let cancelled: Vec<_> = events
        .iter()
        .filter(|e| e.property_value("STATUS") == Some("CANCELLED"))
        .collect();
    assert_eq!(cancelled.len(), 1);
    let phase_two = events
        .iter()
        .find(|e| e.get_summary().is_some_and(|s| s.starts_with("Phase two")))
        .unwrap();
    let day = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::Date(date)) => date.to_string(),
        other => panic!("not an all-day date: {other:?}"),
    };
    assert_eq!(day(phase_two.get_start()), "2026-09-30");
    assert_eq!(day(phase_two.get_end()), "2026-10-01");
    let description = phase_two.get_description().unwrap();
    assert!(
        description.contains("Speaker: مصدر حكومي عراقي"),
        "{description}"
    );
    assert!(
        description.contains("Reported by: Shafaq News"),
        "{description}"
    );
    assert!(description.contains("Quote (ar): المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026"), "{description}");
    // The same UIDs every time, so calendars update instead of duplicating.
    let uids = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(uids(&ics), uids(&export(&db, "ics")));
    assert_eq!(uids(&ics).len(), 4);
    // upcoming --format ics: only the window.
    let soon = db.ok(&["--as-of", "2026-09-01", "upcoming", "--format", "ics"]);
    assert_eq!(uids(&soon).len(), 2);
}

#[test]
fn claimreview_maps_resolved_claims() {
    let db = Db::demo();
    db.ok(&[
        "resolve",
        "6",
        "partial",
        "--on",
        "2025-10-02",
        "--evidence",
        "https://example.org/handover",
        "--note",
        "Baghdad HQ closed, Ain al-Asad kept",
    ]);
    db.ok(&["resolve", "1", "fulfilled"]);
    db.ok(&["resolve", "2", "unverifiable"]);
    // Without its publisher an export says which setting is missing.
    let (code, err) = db.fails(&["export", "--format", "claimreview"]);
    assert_eq!(code, 2);
    assert_eq!(
        one_error_line(&err),
        "error: a ClaimReview export needs the setting `publisher.name`: \
         claims settings set publisher.name \"Fact-check desk\""
    );
    db.ok(&["settings", "set", "publisher.name", "مكتب التحقق"]);
    db.ok(&["settings", "set", "publisher.url", "https://desk.example"]);
    let (code, err) = db.fails(&[
        "settings",
        "set",
        "review_url",
        "https://desk.example/claims",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("needs {uid} or {id}"), "{err}");
    let (code, err) = db.fails(&["settings", "set", "publisher.nme", "x"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `publisher.name`?"), "{err}");
    db.ok(&[
        "settings",
        "set",
        "review_url",
        "https://desk.example/claims/{uid}",
    ]);
    let settings = db.json(&["settings"]);
    assert_eq!(settings["publisher.name"], "مكتب التحقق");
    let reviews: Value = serde_json::from_str(&export(&db, "claimreview")).unwrap();
    let reviews = reviews.as_array().unwrap();
    assert_eq!(reviews.len(), 3);
    // Google's required and recommended properties, with their types.
    let text = |v: &Value| v.as_str().is_some_and(|s| !s.is_empty());
    let date = |v: &Value| {
        v.as_str()
            .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
    };
    let web = |v: &Value| v.as_str().is_some_and(|s| s.starts_with("https://"));
    for review in reviews {
        assert_eq!(review["@context"], "https://schema.org");
        assert_eq!(review["@type"], "ClaimReview");
        assert!(text(&review["claimReviewed"]), "{review}");
        assert!(web(&review["url"]), "{review}");
        assert_eq!(review["author"]["@type"], "Organization");
        assert_eq!(review["author"]["name"], "مكتب التحقق");
        assert_eq!(review["author"]["url"], "https://desk.example");
        assert!(date(&review["datePublished"]), "{review}");
        let rating = &review["reviewRating"];
        assert_eq!(rating["@type"], "Rating");
        assert!(text(&rating["alternateName"]), "{review}");
        assert_eq!(
            (
                rating["bestRating"].as_i64(),
                rating["worstRating"].as_i64()
            ),
            (Some(5), Some(1))
        );
        let item = &review["itemReviewed"];
        assert_eq!(item["@type"], "Claim");
        assert!(
            matches!(
                item["author"]["@type"].as_str(),
                Some("Person" | "Organization")
            ),
            "{item}"
        );
        assert!(text(&item["author"]["name"]), "{item}");
        for appearance in [&item["appearance"][0], &item["firstAppearance"]] {
            assert_eq!(appearance["@type"], "CreativeWork", "{item}");
            assert_eq!(appearance["publisher"]["name"], "Shafaq News");
        }
    }
    let partial = reviews
        .iter()
        .find(|r| r["reviewRating"]["ratingValue"] == 3)
        .unwrap();
    assert!(partial["claimReviewed"]
        .as_str()
        .unwrap()
        .starts_with("Phase one"));
    assert_eq!(partial["datePublished"], "2025-10-02");
    let uid = db.json(&["show", "6"])["uid"].as_str().unwrap().to_string();
    assert_eq!(partial["url"], format!("https://desk.example/claims/{uid}"));
    assert_eq!(partial["citation"]["url"], "https://example.org/handover");
    assert_eq!(partial["reviewBody"], "Baghdad HQ closed, Ain al-Asad kept");
    assert_eq!(
        partial["itemReviewed"]["author"]["name"],
        "مصدر حكومي عراقي"
    );
    assert_eq!(partial["reviewRating"]["alternateName"], "Partly fulfilled");
    let fulfilled = reviews
        .iter()
        .find(|r| r["reviewRating"]["ratingValue"] == 5)
        .unwrap();
    assert_eq!(fulfilled["reviewRating"]["alternateName"], "Fulfilled");
    let unverifiable = reviews
        .iter()
        .find(|r| r["reviewRating"]["alternateName"] == "Unverifiable")
        .unwrap();
    assert!(unverifiable["reviewRating"].get("ratingValue").is_none());
    // A joint statement: every speaker is an author.
    let joint = db.json(&["add", "A joint statement", "--source", "3", "--source", "4"]);
    let id = joint["id"].to_string();
    db.ok(&["resolve", &id, "failed"]);
    let reviews: Value = serde_json::from_str(&export(&db, "claimreview")).unwrap();
    let joint = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["claimReviewed"] == "A joint statement")
        .unwrap();
    let authors = joint["itemReviewed"]["author"].as_array().unwrap();
    assert_eq!(authors.len(), 2, "{joint}");
    assert!(authors.iter().all(|a| text(&a["name"])));
}

#[test]
fn lists_and_reports_as_csv_and_markdown() {
    let db = Db::demo();
    db.ok(&["add", "Pipes | and\nnew lines", "--source", "1"]);
    let csv = db.ok(&["overdue", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().next(), Some("id"));
    assert_eq!(reader.records().count(), 4);
    let report = db.ok(&["report", "--format", "csv"]);
    assert!(
        report.starts_with("section,id,external_id,text"),
        "{report}"
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("overdue,")).count(),
        4
    );
    let md = db.ok(&["list", "--format", "markdown"]);
    assert!(md.starts_with("| ID | Status | Due |"), "{md}");
    assert!(md.contains("Pipes \\| and<br>new lines"), "{md}");
    let md = db.ok(&["report", "--format", "markdown"]);
    for heading in ["# Claims as of 2026-11-30", "## Overdue (4)", "## Sources"] {
        assert!(md.contains(heading), "{heading}:\n{md}");
    }
    let jsonl = db.ok(&["list", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 9);
    let (code, err) = db.fails(&["show", "1", "--format", "csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        one_error_line(&err),
        "error: --format csv is not available for this command (use table, json)"
    );
}

#[test]
fn completions_and_manual_need_no_database() {
    let db = Db::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = db.ok(&["completions", shell]);
        // The script asks `claims` for candidates: COMPLETE=SHELL claims ...
        assert!(
            out.contains("COMPLETE") && out.contains("claims"),
            "{shell}: {out}"
        );
    }
    let man = db.ok(&["man"]);
    assert!(man.contains(".TH CLAIMS 1"), "{man}");
    assert!(!db.path.exists());
}

#[test]
fn colour_can_be_forced_or_refused() {
    let db = Db::demo();
    let always = db.ok(&["--color", "always", "overdue"]);
    assert!(always.contains("\x1b[31m"));
    let never = db
        .cmd(&["--color", "never", "overdue"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!never.stdout.contains(&0x1b));
}

/// Each database and each claim has a UUID: an edited claim re-imported is
/// recognised by it, and calendar events are unique across databases and
/// stable across moves.
#[test]
fn uuids_identify_databases_and_claims() {
    let one = Db::demo();
    let two = Db::demo();
    let uuid = |db: &Db| db.json(&["init"])["uuid"].as_str().unwrap().to_string();
    assert_ne!(uuid(&one), uuid(&two));
    assert_eq!(uuid(&one).len(), 36);
    assert_eq!(one.json(&["migrate", "--status"])["uuid"], uuid(&one));
    let exported = export(&one, "json");
    let records: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(records[0]["database"], uuid(&one));
    let uid = records[0]["uid"].as_str().unwrap().to_string();
    assert_eq!(one.json(&["show", "1"])["uid"], uid);
    // Edit the text, then import the export back: the same claim, differing.
    one.ok(&["edit", "1", "--text", "A convoy left Ain al-Asad"]);
    let summary = import_file(&one, "back.json", &exported);
    assert_eq!(summary["new"], 0);
    assert_eq!(summary["differing"], 1);
    assert_eq!(summary["unchanged"], 7);
    // Into another database the claims keep their uids.
    let other = Db::new();
    import_file(&other, "copy.json", &exported);
    assert_eq!(other.json(&["show", "1"])["uid"], uid);
    // Calendars: the claim's uid and the deadline's number.
    let uids = |db: &Db| -> Vec<String> {
        export(db, "ics")
            .split("\r\n")
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    let before = uids(&two);
    assert!(
        before.iter().all(|u| u.ends_with(".1@claims")),
        "{before:?}"
    );
    assert!(uids(&one).iter().all(|u| !before.contains(u)));
    two.ok(&["deadline", "move", "7.1", "2027-03"]);
    assert_eq!(uids(&two), before);
}

/// Excel in most of Europe and the Arab world saves `;`: the separator is
/// read from the header (or forced with --delimiter), and export writes the
/// one asked for. The example report round-trips through each.
#[test]
fn csv_with_semicolons_or_tabs_imports_and_exports() {
    let source = Db::demo();
    for (flag, separator) in [("semicolon", ';'), ("tab", '\t')] {
        let csv = source.ok(&["export", "--format", "csv", "--delimiter", flag]);
        let header = csv.lines().next().unwrap();
        assert!(
            header.starts_with(&format!("id{separator}external_id{separator}text")),
            "{header}"
        );
        let target = Db::new();
        let summary = import_file(&target, "excel.csv", &csv);
        assert_eq!(summary["new"], 8, "{flag}");
        let arabic = target.json(&["show", "7"]);
        assert_eq!(
            arabic["quote"],
            "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026"
        );
        // Forced: the same file read with the wrong separator is refused.
        let path = target.dir.path().join("excel.csv");
        let (code, err) = target.fails(&[
            "import",
            path.to_str().unwrap(),
            "--delimiter",
            "comma",
            "--dry-run",
        ]);
        assert_eq!(code, 1, "{err}");
    }
}

/// A CSV whose Arabic became `????` (saved again in a legacy encoding) is
/// refused, saying so; nothing is imported.
#[test]
fn a_csv_whose_arabic_became_question_marks_is_refused() {
    let source = Db::demo();
    let csv = source.ok(&["export", "--format", "csv"]);
    let lossy: String = csv
        .chars()
        .map(|c| {
            if ('\u{0600}'..='\u{06FF}').contains(&c) {
                '?'
            } else {
                c
            }
        })
        .collect();
    let target = Db::new();
    let path = target.dir.path().join("resaved.csv");
    std::fs::write(&path, lossy).unwrap();
    let (code, err) = target.fails(&["import", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let line = crate::common::one_error_line(&err);
    assert!(line.contains("its letters were replaced by `?`"), "{line}");
    assert!(line.contains("save it again as \"CSV UTF-8\""), "{line}");
    assert!(line.contains("nothing was imported"), "{line}");
    assert_eq!(target.json(&["list"]).as_array().unwrap().len(), 0);
}

/// `export --format xlsx`: a Claims sheet with the CSV columns, a Deadlines
/// sheet with real date cells, a History sheet; only text and dates, never a
/// formula (a claim that reads like one stays text). `import FILE.xlsx`
/// brings the same claims back; a sheet with a formula is refused.
#[test]
fn xlsx_export_and_import_round_trip() {
    use calamine::{Data, DataType, Reader};
    let source = Db::demo();
    source.ok(&[
        "add",
        "=SUM(A1:A9) is not a formula",
        "--source",
        "1",
        "--due",
        "نهاية العام",
    ]);
    source.ok(&["deadline", "move", "6.1", "2026-01"]);
    let out = source
        .cmd(&["export", "--format", "xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let bytes = out.stdout;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Claims", "Deadlines", "History"]
    );
    for sheet in ["Claims", "Deadlines", "History"] {
        let formulas = workbook.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }
    let claims = workbook.worksheet_range("Claims").unwrap();
    let header: Vec<String> = claims
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..3], ["id", "external_id", "text"]);
    assert_eq!(claims.rows().count(), 10);
    let quote =
        "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026";
    assert!(claims
        .rows()
        .any(|r| r.iter().any(|c| c.as_string().as_deref() == Some(quote))));
    assert!(claims
        .rows()
        .all(|r| r.iter().all(|c| matches!(c, Data::String(_) | Data::Empty))));
    let deadlines = workbook.worksheet_range("Deadlines").unwrap();
    let moved = deadlines
        .rows()
        .find(|r| r[2].as_string().as_deref() == Some("6.1"))
        .unwrap();
    assert!(matches!(moved[3], Data::DateTime(_)), "{:?}", moved[3]);
    assert_eq!(
        calamine::DataType::as_date(&moved[3]).unwrap().to_string(),
        "2026-01-31"
    );
    let history = workbook.worksheet_range("History").unwrap();
    assert!(history
        .rows()
        .any(|r| r[6].to_string().contains("moved 2025-09-30 → 2026-01-31")));

    let target = Db::new();
    let path = target.dir.path().join("claims.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let summary = target.json(&["import", path.to_str().unwrap()]);
    assert_eq!(summary["new"], 9, "{summary}");
    let records = |db: &Db| -> Vec<Value> {
        let exported: Value = serde_json::from_str(&db.ok(&["export"])).unwrap();
        exported
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["text"].clone(),
                    r["quote"].clone(),
                    r["deadlines"].clone(),
                )
            })
            .map(|(t, q, d)| {
                let due: Vec<Value> = d
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["due"].clone())
                    .collect();
                serde_json::json!([t, q, due])
            })
            .collect()
    };
    assert_eq!(records(&target), records(&source));

    // A workbook with a formula in it is refused, naming the cell.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Claims").unwrap();
    for (i, h) in ["text", "source"].iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "A claim").unwrap();
    sheet.write_formula(1, 1, "=CONCAT(\"a\",\"b\")").unwrap();
    let formula = target.dir.path().join("formula.xlsx");
    std::fs::write(&formula, book.save_to_buffer().unwrap()).unwrap();
    let (code, err) = target.fails(&["import", formula.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("cell B2: a formula"), "{err}");
}

/// csvkit (a real CSV client, installed by CI with Datasette) reads our CSV
/// exports, comma and semicolon, with the Arabic intact and every column.
#[test]
fn csvkit_reads_the_csv_exports() {
    let Some(csvjson) =
        crate::common::client("csvjson", Some("CLAIMS_CSVJSON"), "CLAIMS_REQUIRE_CSVKIT")
    else {
        return;
    };
    let db = Db::demo();
    for (flag, separator) in [("comma", ","), ("semicolon", ";")] {
        let path = db.dir.path().join(format!("{flag}.csv"));
        std::fs::write(
            &path,
            db.ok(&["export", "--format", "csv", "--delimiter", flag]),
        )
        .unwrap();
        let out = std::process::Command::new(&csvjson)
            .args(["-d", separator, "--no-inference"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 8, "{flag}");
        let seven = rows.iter().find(|r| r["id"] == "7").unwrap();
        assert_eq!(
            seven["quote"],
            "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026"
        );
        assert_eq!(seven["source"], "مصدر حكومي عراقي");
        assert_eq!(seven.as_object().unwrap().len(), 17, "{flag}: every column");
    }
}

/// LibreOffice (headless; CI installs Debian's `libreoffice-calc-nogui`)
/// opens our xlsx: each sheet as it reads it is our CSV, the Arabic intact,
/// the due dates real date cells, no formula anywhere. Its own re-save of
/// the workbook imports as the same claims, and a sheet it wrote with a
/// formula in it is refused, naming the cell.
#[test]
fn libreoffice_reads_and_rewrites_the_xlsx() {
    let Some(soffice) = crate::common::client(
        "soffice",
        Some("CLAIMS_SOFFICE"),
        "CLAIMS_REQUIRE_LIBREOFFICE",
    ) else {
        return;
    };
    let db = Db::demo();
    let dir = db.dir.path();
    let xlsx = dir.join("claims.xlsx");
    let out = db.cmd(&["export", "--format", "xlsx"]).output().unwrap();
    assert!(out.status.success());
    std::fs::write(&xlsx, out.stdout).unwrap();
    // Its own profile: a user's running LibreOffice, or another test's,
    // would otherwise take the conversion over (or lock it out).
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let convert = |filter: &str, input: &std::path::Path, into: &str, infilter: Option<&str>| {
        let mut command = std::process::Command::new(&soffice);
        command.arg(&profile).arg("--headless");
        if let Some(infilter) = infilter {
            command.arg(format!("--infilter={infilter}"));
        }
        let out = command
            .args(["--convert-to", filter, "--outdir"])
            .arg(dir.join(into))
            .arg(input)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Every sheet to CSV, in UTF-8 (76), each to its own file (-1).
    convert(
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        &xlsx,
        "csv",
        None,
    );
    let rows = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let sheet = |name: &str| {
        rows(&std::fs::read_to_string(dir.join(format!("csv/claims-{name}.csv"))).unwrap())
    };
    assert_eq!(
        sheet("Claims"),
        rows(&db.ok(&["export", "--format", "csv"]))
    );
    let deadlines = sheet("Deadlines");
    assert_eq!(
        deadlines[0][..4],
        ["claim_id", "claim_uid", "deadline", "due"]
    );
    assert!(deadlines
        .iter()
        .any(|r| r[2] == "7.1" && r[3] == "2026-09-30"));
    assert!(sheet("History").len() > 8);
    // The flat OpenDocument form says what each cell is.
    convert("fods", &xlsx, "fods", None);
    let fods = std::fs::read_to_string(dir.join("fods/claims.fods")).unwrap();
    assert!(!fods.contains("table:formula"));
    assert!(
        fods.contains("office:value-type=\"date\" office:date-value=\"2026-09-30\""),
        "the due dates are not date cells"
    );
    assert!(fods.contains("مصدر حكومي عراقي"));

    // LibreOffice's own xlsx of our workbook imports as the same claims.
    convert("xlsx:Calc MS Excel 2007 XML", &xlsx, "resaved", None);
    let target = Db::new();
    let summary = target.json(&["import", dir.join("resaved/claims.xlsx").to_str().unwrap()]);
    assert_eq!(summary["new"], 8, "{summary}");
    assert_eq!(
        rows(&target.ok(&["export", "--format", "csv"])),
        rows(&db.ok(&["export", "--format", "csv"]))
    );

    // A CSV opened in LibreOffice turns `=1+1` into a formula; saved as
    // xlsx, it is refused.
    let mut csv = db.ok(&["export", "--format", "csv"]);
    csv.push_str("99,,=1+1,Someone,person,,,,,,report,pending,,,,,\n");
    let typed = dir.join("typed.csv");
    std::fs::write(&typed, csv).unwrap();
    convert(
        "xlsx:Calc MS Excel 2007 XML",
        &typed,
        "typed",
        Some("Text - txt - csv (StarCalc):44,34,76,1"),
    );
    let (code, err) = target.fails(&["import", dir.join("typed/typed.xlsx").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("cell C10: a formula (=1+1)"), "{err}");
    assert_eq!(target.json(&["list"]).as_array().unwrap().len(), 8);
}
