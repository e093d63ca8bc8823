//! What `--help`, `claims dates` and the manual pages say beyond the flags:
//! each command's formats and examples, the date forms, the environment.

use clap::Command as ClapCommand;

use crate::render::Format;

/// The formats a command writes, the first its default.
pub fn formats(command: &str) -> &'static [Format] {
    use Format::*;
    match command {
        "export" => &[Json, Jsonl, Csv, Xlsx, Ics, Claimreview],
        "list" | "search" | "overdue" => &[Table, Json, Jsonl, Csv, Markdown],
        "upcoming" => &[Table, Json, Jsonl, Csv, Markdown, Ics],
        "report" | "demo" => &[Table, Json, Csv, Markdown, Html],
        "sources" | "source list" => &[Table, Json, Jsonl, Csv, Markdown],
        "extract" => &[Table, Json, Jsonl],
        "completions" | "man" | "dates" => &[],
        _ => &[Table, Json],
    }
}

/// A few runs of each command, on the example report's data.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("demo", &["claims demo", "claims demo --format html > report.html"]),
    (
        "extract",
        &[
            "claims extract article.txt --said-on 2025-08-18",
            "claims extract article.txt --format jsonl | claims import - --dry-run",
        ],
    ),
    (
        "add",
        &[
            "claims add \"The coalition leaves Ain al-Asad by September 2026\" --source \"مصدر أمني\" \\\n    --reported-by \"Shafaq News\" --quote \"الانسحاب من قاعدة عين الأسد\" --said-on 2025-08-18 \\\n    --due \"بحلول أيلول المقبل\" --label \"phase 1\"",
        ],
    ),
    (
        "list",
        &[
            "claims list --status overdue",
            "claims list --source \"Shafaq News\" --due-before 2027",
            "claims list --search انسحاب --format csv > withdrawal.csv",
        ],
    ),
    (
        "search",
        &["claims search انسحاب", "claims search '\"عين الأسد\" OR convoy'"],
    ),
    (
        "overdue",
        &["claims overdue", "claims --as-of 2026-01-01 overdue --format markdown"],
    ),
    (
        "upcoming",
        &[
            "claims upcoming --within 90d",
            "claims upcoming --format ics > deadlines.ics",
        ],
    ),
    (
        "report",
        &["claims report", "claims report --format html -o report.html"],
    ),
    ("show", &["claims show 6", "claims --as-of 2025-10-01 show 6"]),
    (
        "resolve",
        &["claims resolve 1 fulfilled --on 2025-09-28 --evidence https://example.org/convoy"],
    ),
    (
        "deadline",
        &[
            "claims deadline add 6 \"نهاية العام\" --label \"phase 2\"",
            "claims deadline move 6.1 2026-01 --note \"extended\"",
            "claims deadline met 6.1 --on 2025-12-20",
        ],
    ),
    (
        "source",
        &[
            "claims source add \"شفق نيوز\" --kind outlet --url https://shafaq.com",
            "claims source show \"Shafaq News\"",
            "claims source alias \"Shafaq News\" \"شفق نيوز\"",
            "claims source merge \"Shafaq\" \"Shafaq News\"",
        ],
    ),
    (
        "sources",
        &[
            "claims sources --record",
            "claims sources --record --format csv > track-records.csv",
        ],
    ),
    ("log", &["claims log --since 2026-11-01", "claims log 6"]),
    (
        "import",
        &[
            "claims import claims.csv --dry-run",
            "claims export --format jsonl | claims --db other.db import - --update",
        ],
    ),
    (
        "export",
        &[
            "claims export > claims.json",
            "claims export --format csv --status pending > pending.csv",
            "claims export --format claimreview > reviews.json",
            "claims export --format xlsx > claims.xlsx",
        ],
    ),
    ("dates", &["claims dates", "claims help dates"]),
    ("man", &["claims man --dir ~/.local/share/man/man1"]),
    (
        "completions",
        &["claims completions bash > ~/.local/share/bash-completion/completions/claims"],
    ),
];

/// The date forms, as `claims dates` prints them.
pub const DATE_FORMS: &str = "\
A date is a period; a deadline is due on its last day, overdue from the next.
Phrases count from the claim's --said-on (for its deadlines), else --as-of.

Days      2026-09-30  30/09/2026 (day first)  2026/09/30  20260930
          30 September 2026  September 30th, 2026  30 أيلول 2026
          25 من شباط 2026  الخميس 26 شباط 2026 (the weekday is checked)
          today  tomorrow  +30d  +2w  -7d  next Monday  الاثنين المقبل
          within two weeks  خلال ثلاثة أشهر  في غضون شهر (the span's end)
          within the next two months  خلال الشهرين المقبلين
Weeks     2026-W49  next week  الأسبوع المقبل (ISO: Monday to Sunday)
Months    2026-09  September 2026  أيلول 2026  سبتمبر 2026  أيلول المقبل
          أيلول الماضي  next month  الشهر المقبل (no year: the next one)
Parts     early/mid/late September 2026: days 1-10, 11-20, 21 to the end
          أوائل أيلول  منتصف الشهر  أواخر أيلول  نهاية الشهر
Quarters  2026-Q3  Q3 2026  next quarter  الربع المقبل
          the first quarter of 2027  الربع الأخير من العام المقبل
Halves    2026-H1  H1 2026  first half of 2026  النصف الأول من 2026
Years     2026  عام 2026  in 2026  next year  العام المقبل  العام الماضي
          early 2026 (Jan-Apr)  mid-2026  منتصف 2026 (May-Aug)
          end of 2026  نهاية العام (Sep-Dec)
          by the end of 2026  بحلول نهاية العام: the year, due 2026-12-31
Hijri     رمضان 1448 هـ  Ramadan 1448 AH  1448 هـ  14-09-1447 هـ
          (Umm al-Qura, 1356-1500 AH)

Refused, never guessed: 09/30/2026 (/ is day/month/year), a weekday that
is not the date's, 30 رمضان 1448 هـ (a month of 29 days), anything unknown.
Month names of every tradition: كانون الثاني ... كانون الأول, تشرين أول,
يناير ... ديسمبر, يونيه, يوليه, جانفي, فيفري, أفريل, جوان, جويلية, أوت,
يوليوز, غشت, شتنبر, نونبر, دجنبر, أغشت, شتمبر, دجمبر; with or without
hamza and harakat.
";

/// The environment variables `claims` reads, for `--help` and the manual.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CLAIMS_DB",
        "The database: a SQLite file path, or a postgres:// URL (--db overrides it).",
    ),
    (
        "CLAIMS_USER",
        "Who makes the changes on SQLite (--by overrides it; else the login name).",
    ),
    (
        "NO_COLOR",
        "Set and not empty: no colour with --color auto.",
    ),
    (
        "CLICOLOR_FORCE",
        "Set and not 0: colour with --color auto even when not on a terminal.",
    ),
    (
        "COLUMNS",
        "The terminal's width for tables (else its size, else 80).",
    ),
];

pub const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success (also when the reader of the output went away, as with | head).",
    ),
    (
        "1",
        "Bad input, a refused change, a failed check, or a database error; nothing was changed.",
    ),
    (
        "2",
        "A usage error: an unknown command or flag, a missing argument.",
    ),
];

pub const FILES: &[(&str, &str)] = &[
    (
        "$XDG_DATA_HOME/claims/claims.db",
        "The default database (~/.local/share/claims/claims.db), created on first use.",
    ),
    (
        "claims.db-wal, claims.db-shm",
        "SQLite's write-ahead log beside the database, folded back when the last writer closes.",
    ),
];

/// The top-level command with each subcommand's formats and examples in its
/// help, and the environment in the top-level help.
pub fn with_help(command: ClapCommand) -> ClapCommand {
    let command = with_subcommand_help(command, "");
    let environment: String = ENVIRONMENT
        .iter()
        .map(|(name, meaning)| format!("  {name:<15} {meaning}\n"))
        .collect();
    command.after_help(format!(
        "Dates: `claims dates` shows the forms (\"end of 2026\", \"أيلول المقبل\", \"رمضان 1448 هـ\").\n\n\
         Environment:\n{environment}"
    ))
}

/// Each subcommand of `command` (named `path` on the command line: "" at
/// the top, "source" below it) with its formats and examples.
fn with_subcommand_help(mut command: ClapCommand, path: &str) -> ClapCommand {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        let after = after_help(&full);
        command = command.mut_subcommand(&name, |sub| {
            let sub = with_subcommand_help(sub, &full);
            if after.is_empty() {
                sub
            } else {
                sub.after_help(after)
            }
        });
    }
    command
}

/// "Formats: table (default), json ..." and "Examples:" for a subcommand.
fn after_help(name: &str) -> String {
    let mut text = String::new();
    let formats = formats(name);
    if let Some((default, others)) = formats.split_first() {
        let mut list = vec![format!("{} (default)", default.name())];
        list.extend(others.iter().map(|f| f.name().to_string()));
        text.push_str(&format!("Formats (--format): {}\n", list.join(", ")));
    }
    if let Some((_, examples)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str("Examples:\n");
        for example in *examples {
            text.push_str(&format!("  {example}\n"));
        }
    }
    text
}

/// The examples of a command, for its manual page.
pub fn examples(name: &str) -> &'static [&'static str] {
    EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, examples)| examples)
}
