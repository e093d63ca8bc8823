//! The command line as a terminal and a shell meet it: closed pipes, widths,
//! suggestions.

use std::process::Stdio;

use crate::common::Db;

/// `claims ... | head -1`: the reader goes away before the output is
/// written. Every command that prints exits 0, silently, without a panic.
#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let db = Db::demo();
    db.ok(&["resolve", "1", "fulfilled"]);
    for (name, value) in [
        ("publisher.name", "Desk"),
        ("publisher.url", "https://desk.example"),
        ("review_url", "https://desk.example/{uid}"),
    ] {
        db.ok(&["settings", "set", name, value]);
    }
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["man"],
        vec!["list"],
        vec!["show", "1"],
        vec!["log"],
        vec!["sources"],
    ];
    for format in ["json", "jsonl", "csv", "xlsx", "ics", "claimreview"] {
        commands.push(vec!["export", "--format", format]);
    }
    for format in ["table", "json", "csv", "markdown", "html"] {
        commands.push(vec!["report", "--format", format]);
    }
    for args in &commands {
        let mut child = db
            .process(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reading end closes at once, so the first write finds it closed.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "claims {args:?}: {stderr}");
        assert!(stderr.is_empty(), "claims {args:?} wrote: {stderr}");
    }
}

/// Runs `claims ARGS` on a pseudo-terminal of `columns` columns (through
/// util-linux `script`), returning what the terminal was sent; `None`, said
/// visibly, where `script` is missing.
fn on_a_terminal(db: &Db, columns: usize, args: &[&str]) -> Option<String> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: no `script` (util-linux) to make a terminal");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("claims");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = vec![
        quote(binary.to_str().unwrap()),
        "--db".into(),
        quote(db.target().to_str().unwrap()),
        "--as-of".into(),
        crate::common::AS_OF.into(),
    ];
    line.extend(args.iter().map(|a| quote(a)));
    let out = std::process::Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("COLUMNS", columns.to_string())
        .env("NO_COLOR", "1")
        .env_remove("CLAIMS_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"))
}

/// Columns as the terminal draws them: isolates are drawn as nothing.
fn drawn_columns(line: &str) -> usize {
    line.chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// On an 80-column terminal every row of `list` and `report` fits, the long
/// cells cut with `…`; `--wide` and a pipe print them whole.
#[test]
fn tables_fit_the_terminal_and_pipes_get_whole_cells() {
    let db = Db::demo();
    let Some(list) = on_a_terminal(&db, 80, &["list"]) else {
        return;
    };
    let long_line = |text: &str| text.lines().map(drawn_columns).max().unwrap_or(0);
    assert!(long_line(&list) <= 80, "{list}");
    assert!(list.contains('…'), "{list}");
    // Right-to-left names are isolated, so the columns keep their order.
    assert!(list.contains("\u{2068}مصدر"), "{list}");
    for args in [
        &["report"][..],
        &["sources"],
        &["sources", "--record"],
        &["log"],
        &["show", "3"],
        &["search", "انسحاب"],
    ] {
        let text = on_a_terminal(&db, 80, args).unwrap();
        assert!(long_line(&text) <= 80, "{args:?}\n{text}");
    }
    // `show` wraps a long text under its first line.
    let shown = on_a_terminal(&db, 80, &["show", "3"]).unwrap();
    assert!(
        shown.contains("\n               Iraq will be signed soon"),
        "{shown}"
    );
    let narrow = on_a_terminal(&db, 60, &["list"]).unwrap();
    assert!(long_line(&narrow) <= 60, "{narrow}");
    assert!(!narrow.contains("WHEN"), "{narrow}");
    let wide = on_a_terminal(&db, 80, &["list", "--wide"]).unwrap();
    assert!(!wide.contains('…'), "{wide}");
    assert!(long_line(&wide) > 80);
    // To a pipe, never cut.
    let piped = db.ok(&["list"]);
    assert!(!piped.contains('…'), "{piped}");
    assert!(piped.contains("مصدر أمني عراقي"));
}

/// A claim's text and quote of several lines stay a block beside their name.
#[test]
fn show_indents_text_of_several_lines_as_a_block() {
    let db = Db::with_sources();
    db.ok(&[
        "add",
        "First line\nsecond line",
        "--source",
        "1",
        "--quote",
        "السطر الأول\nالسطر الثاني",
    ]);
    let shown = db.ok(&["show", "1"]);
    assert!(
        shown.contains("  text         First line\n               second line\n"),
        "{shown}"
    );
    assert!(
        shown.contains("  quote        السطر الأول\n               السطر الثاني\n"),
        "{shown}"
    );
}

/// A mistyped word gets the nearest one; `--status overdue` works, as the
/// STATUS column shows it.
#[test]
fn typos_get_suggestions_and_status_overdue_lists_the_overdue() {
    let db = Db::demo();
    for (args, message) in [
        (
            &["list", "--status", "fulfiled"][..],
            "error: invalid status `fulfiled`: did you mean `fulfilled`? (expected one of: \
             pending, fulfilled, partial, failed, retracted, unverifiable, overdue)",
        ),
        (
            &["resolve", "1", "fulfiled"],
            "error: invalid status `fulfiled`: did you mean `fulfilled`? (expected one of: \
             pending, fulfilled, partial, failed, retracted, unverifiable)",
        ),
        (
            &["list", "--kind", "promis"],
            "error: invalid claim kind `promis`: did you mean `promise`? (expected one of: \
             promise, prediction, report, opinion)",
        ),
        (
            &["list", "--status", "done"],
            "error: invalid status `done`: expected one of: \
             pending, fulfilled, partial, failed, retracted, unverifiable, overdue",
        ),
    ] {
        let (code, err) = db.fails(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(crate::common::one_error_line(&err), message);
    }
    let overdue = crate::common::ids(&db.json(&["overdue"]));
    let mut listed = crate::common::ids(&db.json(&["list", "--status", "overdue"]));
    listed.sort();
    let mut expected = overdue.clone();
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(overdue.len(), 4);
    let (code, err) = db.fails(&["export", "--status", "overdue"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("claims list --status overdue --format jsonl"),
        "{err}"
    );
}

/// Each command's help lists the formats it takes, and examples; the date
/// forms have their own help.
#[test]
fn help_lists_each_commands_formats_and_examples() {
    let db = Db::new();
    for (command, formats) in [
        ("list", "table (default), json, jsonl, csv, markdown"),
        (
            "upcoming",
            "table (default), json, jsonl, csv, markdown, ics",
        ),
        ("report", "table (default), json, csv, markdown, html"),
        (
            "export",
            "json (default), jsonl, csv, xlsx, ics, claimreview",
        ),
        ("show", "table (default), json"),
    ] {
        let help = db.ok(&[command, "--help"]);
        assert!(
            help.contains(&format!("Formats (--format): {formats}\n")),
            "{command}: {help}"
        );
        assert!(help.contains("Examples:\n  claims "), "{command}: {help}");
    }
    let (code, err) = db.fails(&["show", "1", "--format", "csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format csv is not available for this command (use table, json)"));
    for args in [&["help", "dates"][..], &["dates", "--help"], &["dates"]] {
        let text = db.ok(args);
        for form in [
            "رمضان 1448 هـ",
            "by the end of 2026",
            "2026-W49",
            "النصف الأول من 2026",
        ] {
            assert!(text.contains(form), "{args:?}: {form}");
        }
    }
    assert!(db.ok(&["--help"]).contains("CLAIMS_DB"));
}

/// `claims man --dir` writes the page of every command that `claims.1` and
/// the other pages point to, each with its sections; `man` renders them
/// without a warning where it is installed.
#[test]
fn the_manual_has_a_page_for_every_command_it_names() {
    let db = Db::new();
    let dir = db.dir.path().join("man1");
    let said = db.ok(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(said.starts_with("wrote "), "{said}");
    let page = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let main = page("claims.1");
    for section in [
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
        ".SH FILES",
        ".SH DATES",
        ".SH EXAMPLES",
    ] {
        assert!(main.contains(section), "{section}");
    }
    for variable in [
        "CLAIMS_DB",
        "CLAIMS_USER",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
    ] {
        assert!(main.contains(variable), "{variable}");
    }
    assert_eq!(db.ok(&["man"]), main);
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for name in &pages {
        let text = page(name);
        // clap_mangen names the pages of subcommands `claims\-add(1)`.
        for reference in text.split("claims\\-").skip(1) {
            let Some(end) = reference.find("(1)") else {
                continue;
            };
            let target = format!("claims-{}.1", reference[..end].replace("\\-", "-"));
            if !reference[..end].contains(char::is_whitespace) {
                assert!(pages.contains(&target), "{name} points to {target}");
            }
        }
    }
    assert!(pages.contains(&"claims-add.1".to_string()));
    assert!(pages.contains(&"claims-source-add.1".to_string()));
    assert!(page("claims-list.1").contains(".SH EXAMPLES"));
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: rendering the pages (no `man` here)");
        return;
    }
    for name in &pages {
        let out = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(dir.join(name))
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0")
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.is_empty(), "{name}: {warnings}");
    }
}

/// The shell completes values, not file names: statuses, kinds, formats and
/// shells from the grammar, sources' names, claims' ids and open deadlines
/// from the database. Asked as fish asks (`COMPLETE=fish claims -- WORDS`),
/// and in a real bash with the script `claims completions bash` prints.
#[test]
fn completions_offer_values_from_the_grammar_and_the_database() {
    let db = Db::demo();
    let ask = |words: &[&str]| -> Vec<String> {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("claims"))
            .arg("--")
            .args(words)
            .env("COMPLETE", "fish")
            .env("CLAIMS_DB", db.target())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    let has = |got: &[String], wanted: &[&str]| {
        for w in wanted {
            assert!(got.iter().any(|g| g == w), "{w} not in {got:?}");
        }
    };
    has(
        &ask(&["claims", "list", "--status", ""]),
        &["pending", "fulfilled", "overdue"],
    );
    has(
        &ask(&["claims", "resolve", "1", ""]),
        &["fulfilled", "unverifiable"],
    );
    assert!(!ask(&["claims", "resolve", "1", ""]).contains(&"pending".to_string()));
    has(
        &ask(&["claims", "add", "x", "--kind", ""]),
        &["promise", "prediction"],
    );
    has(
        &ask(&["claims", "source", "add", "x", "--kind", ""]),
        &["government", "anonymous"],
    );
    has(
        &ask(&["claims", "list", "--format", ""]),
        &["table", "csv", "markdown"],
    );
    has(
        &ask(&["claims", "completions", ""]),
        &["bash", "zsh", "fish"],
    );
    has(
        &ask(&["claims", "list", "--source", ""]),
        &["Shafaq News", "مصدر أمني عراقي"],
    );
    has(&ask(&["claims", "show", ""]), &["1", "8"]);
    has(&ask(&["claims", "deadline", "met", ""]), &["6.1", "7.1"]);
    has(
        &ask(&["claims", "settings", "set", ""]),
        &["publisher.name", "review_url"],
    );
    // A real bash, with the script the README says to install.
    let script = db.ok(&["completions", "bash"]);
    let bin_dir = assert_cmd::cargo::cargo_bin("claims")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script_file = db.dir.path().join("claims.bash");
    std::fs::write(&script_file, script).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; COMP_WORDS=(claims list --source 'مصدر'); COMP_CWORD=3; COMP_TYPE=9; \
             _clap_complete_claims claims 'مصدر' --source; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script_file.display()
        ))
        .env("PATH", &path)
        .env("CLAIMS_DB", db.target())
        .output()
        .unwrap();
    let offered = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        offered,
        "مصدر أمني عراقي\nمصدر حكومي عراقي\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A real zsh, where installed (CI installs it), running the script's
    // completer as its completion system would: `compdef` registers it, and
    // `_describe` (which would draw the menu) prints what it is given.
    if crate::common::client("zsh", None, "CLAIMS_REQUIRE_ZSH").is_some() {
        let zsh_script = db.dir.path().join("_claims");
        std::fs::write(&zsh_script, db.ok(&["completions", "zsh"])).unwrap();
        let zsh = |words: &str| -> Vec<String> {
            let out = std::process::Command::new("zsh")
                .arg("-f")
                .arg("-c")
                .arg(format!(
                    "compdef() {{ :; }}; source {}; _describe() {{ print -rl -- \"${{(@P)3}}\"; }}; \
                     words=({words}); CURRENT=${{#words}}; _clap_dynamic_completer_claims",
                    zsh_script.display()
                ))
                .env("PATH", &path)
                .env("CLAIMS_DB", db.target())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| l.split(':').next().unwrap_or_default().to_string())
                .collect()
        };
        has(&zsh("claims list --status ''"), &["pending", "overdue"]);
        assert_eq!(
            zsh("claims list --source 'مص'"),
            ["مصدر أمني عراقي", "مصدر حكومي عراقي"]
        );
        has(&zsh("claims deadline move ''"), &["6.1", "7.1"]);
    }
    // A real fish, where installed (CI installs it).
    if crate::common::client("fish", None, "CLAIMS_REQUIRE_FISH").is_none() {
        return;
    }
    let fish_script = db.dir.path().join("claims.fish");
    std::fs::write(&fish_script, db.ok(&["completions", "fish"])).unwrap();
    let fish = |line: &str| -> Vec<String> {
        let out = std::process::Command::new("fish")
            .arg("--no-config")
            .arg("-c")
            .arg(format!(
                "source {}; complete -C '{line}'",
                fish_script.display()
            ))
            .env("PATH", &path)
            .env("CLAIMS_DB", db.target())
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    has(&fish("claims list --status "), &["pending", "overdue"]);
    assert_eq!(
        fish("claims list --source مص"),
        ["مصدر أمني عراقي", "مصدر حكومي عراقي"]
    );
    has(&fish("claims deadline move "), &["6.1", "7.1"]);
}
