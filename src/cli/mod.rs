//! The command line: the only part that knows clap, flags, the terminal and
//! the files named on the command line. It turns arguments into the
//! application's plain inputs, runs the command on the store, and renders
//! what comes back; errors get their fields renamed to our flags.

pub mod args;
mod complete;
mod files;
mod help;
mod manual;
mod review;

use std::io::Write;

use clap::{ArgMatches, CommandFactory};

use crate::app::{
    self, claims, deadlines, demo, extract, reports, sources, transfer, Context, Output,
};
use crate::config;
use crate::domain::validate::day;
use crate::error::{Error, Result};
use crate::interchange::read::ReadRecord;
use crate::render::export::ExportWriter;
use crate::render::{self, Format, Style};
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{AccessLevel, ImportMode, OpenMode, Store};
pub use args::Cli;
use args::{
    ColorChoice, Command, DeadlineCommand, GrantLevel, SettingsCommand, SourceCommand, SourceFields,
};

/// Runs one command line and writes its result to `out`.
pub async fn run(cli: Cli, matches: &ArgMatches, out: &mut dyn Write) -> Result<()> {
    let names = FlagNames::of(&cli.command);
    execute(cli, matches, out)
        .await
        .map_err(|e| e.rename_fields(|field| names.flag(field)))
}

async fn execute(cli: Cli, matches: &ArgMatches, out: &mut dyn Write) -> Result<()> {
    refuse_repeated_globals(&std::env::args_os().collect::<Vec<_>>())?;
    // These need no database.
    match &cli.command {
        Command::Completions { shell } => {
            // The script asks `claims` itself for candidates (COMPLETE=SHELL
            // claims ...), so values come from the database as it is then.
            // Written to memory first: the write that can fail is ours.
            use clap_complete::env::EnvCompleter;
            let completer: &dyn EnvCompleter = match shell {
                clap_complete::Shell::Bash => &clap_complete::env::Bash,
                clap_complete::Shell::Zsh => &clap_complete::env::Zsh,
                clap_complete::Shell::Fish => &clap_complete::env::Fish,
                clap_complete::Shell::Elvish => &clap_complete::env::Elvish,
                _ => &clap_complete::env::Powershell,
            };
            let mut script = Vec::new();
            completer
                .write_registration("COMPLETE", "claims", "claims", "claims", &mut script)
                .map_err(Error::Output)?;
            return out.write_all(&script).map_err(Error::Output);
        }
        Command::Man { dir: None } => {
            let page = manual::main_page(&command()).map_err(Error::Output)?;
            return out.write_all(&page).map_err(Error::Output);
        }
        Command::Man { dir: Some(dir) } => {
            let written = manual::write_pages(&command(), dir).map_err(|e| {
                Error::Input(format!(
                    "cannot write the manual into `{}`: {e}",
                    dir.display()
                ))
            })?;
            return writeln!(out, "wrote {} pages into {}", written.len(), dir.display())
                .map_err(Error::Output);
        }
        Command::Dates => {
            return out
                .write_all(help::DATE_FORMS.as_bytes())
                .map_err(Error::Output);
        }
        _ => {}
    }
    let format = format_for(&command_path(matches), cli.format)?;
    let today = chrono::Local::now().date_naive();
    let as_of = match &cli.as_of {
        Some(value) => day("as_of", value, today)?,
        None => today,
    };
    // Pairing --due with --label needs the raw argument positions.
    let deadlines = match matches.subcommand() {
        Some(("add", add)) => pair_labels(add)?,
        _ => Vec::new(),
    };
    // Checked before opening, so that a refusal writes nothing.
    if let Command::Backup { path, force: false } = &cli.command {
        if path.exists() {
            return Err(Error::Conflict(format!(
                "`{}` already exists; add --force to replace it",
                path.display()
            )));
        }
    }
    let mode = match &cli.command {
        Command::Migrate { status: true } => OpenMode::Inspect,
        _ => OpenMode::Migrate,
    };
    let known_on = cli
        .known_on
        .as_deref()
        .map(|value| day("known_on", value, today))
        .transpose()?;
    if known_on.is_some() && writes(&cli.command) {
        return Err(Error::Usage(
            "--known-on shows what the database said on a day; it cannot be given to a command that changes the database".into(),
        ));
    }
    let inputs = Inputs {
        as_of,
        known_on,
        format,
        deadlines,
    };
    match config::database_location(cli.db.clone())? {
        config::Location::File(path) => {
            let bar = files::OpeningBar::default();
            let progress = |step: &str, done, total| bar.advanced(step, done, total);
            let mut store = SqliteStore::open_reporting(&path, mode, &progress).await?;
            store.set_actor(&actor(cli.by.as_deref()));
            run_on(store, &cli, inputs, out).await
        }
        config::Location::Postgres(url) => {
            let bar = files::OpeningBar::default();
            let progress = |step: &str, done, total| bar.advanced(step, done, total);
            let store = PostgresStore::open_reporting(&url, mode, &progress).await?;
            if cli.by.is_some() && writes(&cli.command) {
                let role = store.role().await?;
                store.close().await;
                return Err(Error::Usage(format!(
                    "--by cannot be given on PostgreSQL: changes are recorded as your database \
                     role `{role}` (connect as another role to write as it)"
                )));
            }
            run_on(store, &cli, inputs, out).await
        }
    }
}

/// What a command needs besides its store, worked out before opening it.
struct Inputs {
    as_of: chrono::NaiveDate,
    known_on: Option<chrono::NaiveDate>,
    format: Format,
    deadlines: Vec<(String, Option<String>)>,
}

/// Runs the command on an open store, renders what it returns and closes
/// the store.
async fn run_on<S: Store>(store: S, cli: &Cli, inputs: Inputs, out: &mut dyn Write) -> Result<()> {
    let Inputs {
        as_of,
        known_on,
        format,
        deadlines,
    } = inputs;
    let ctx = Context {
        store,
        as_of,
        known_on,
        by: cli.by.clone(),
    };
    let result = match &cli.command {
        Command::Export {
            status,
            source,
            tag,
            delimiter,
        } => {
            let input = transfer::ExportClaims {
                status: status.clone(),
                source: source.clone(),
                tag: tag.clone(),
            };
            export(&ctx, &input, format, delimiter.byte(), out).await
        }
        command => match dispatch(&ctx, command, deadlines, format).await {
            Ok(output) => {
                let to_file = match &cli.command {
                    Command::Report {
                        output: Some(path), ..
                    } => Some(path),
                    _ => None,
                };
                let style = match to_file {
                    Some(_) => Style::PLAIN,
                    None => terminal_style(cli.color, cli.wide),
                };
                let text = render::render(&output, format, as_of, style)?;
                match to_file {
                    Some(path) => files::write_file(path, text.as_bytes()),
                    None => out.write_all(text.as_bytes()).map_err(Error::Output),
                }
            }
            Err(e) => Err(e),
        },
    };
    ctx.store.close().await;
    result
}

/// Who the changes are by: `--by`, else `CLAIMS_USER`, else the login name.
fn actor(by: Option<&str>) -> String {
    let named = |value: Option<String>| {
        value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    named(by.map(str::to_string))
        .or_else(|| named(std::env::var("CLAIMS_USER").ok()))
        .or_else(|| named(std::env::var("USER").ok()))
        .or_else(|| named(std::env::var("LOGNAME").ok()))
        .or_else(|| named(std::env::var("USERNAME").ok()))
        // Without a login environment (cron, services): the account itself.
        .or_else(|| named(whoami::fallible::username().ok()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Whether a command writes to the database.
fn writes(command: &Command) -> bool {
    matches!(
        command,
        Command::Source(
            SourceCommand::Add(_)
                | SourceCommand::Edit { .. }
                | SourceCommand::Alias { .. }
                | SourceCommand::Merge { .. }
                | SourceCommand::Remove { .. },
        ) | Command::Add(_)
            | Command::Edit(_)
            | Command::Remove { .. }
            | Command::Deadline(_)
            | Command::Resolve { .. }
            | Command::Reopen { .. }
            | Command::Note { .. }
            | Command::Undo { .. }
            | Command::Import { .. }
            | Command::Extract {
                interactive: true,
                ..
            }
            | Command::Demo { .. }
            | Command::Init
            | Command::Grant { list: false, .. }
            | Command::Settings { action: Some(_) }
            | Command::Migrate { status: false },
    )
}

/// A global flag given twice (`--format json list --format csv`) is refused
/// like any other repeated flag, never silently the last. clap refuses
/// repeats at one level, but merges a global flag given before and after
/// the subcommand, so the words of the command line are counted here (up
/// to `--`, as clap reads them).
fn refuse_repeated_globals(words: &[std::ffi::OsString]) -> Result<()> {
    for flag in [
        "--db",
        "--as-of",
        "--known-on",
        "--by",
        "--format",
        "--color",
    ] {
        let given = words
            .iter()
            .skip(1)
            .take_while(|w| *w != "--")
            .filter(|w| {
                let w = w.to_string_lossy();
                w == flag || w.starts_with(&format!("{flag}="))
            })
            .count();
        if given > 1 {
            return Err(Error::Usage(format!(
                "the argument '{flag}' cannot be used multiple times"
            )));
        }
    }
    Ok(())
}

/// The output format: the one asked for if the command has it, else its default.
fn format_for(command: &str, asked: Option<Format>) -> Result<Format> {
    let allowed = help::formats(command);
    let default = allowed.first().copied().unwrap_or(Format::Table);
    match asked {
        None => Ok(default),
        Some(format) if allowed.contains(&format) => Ok(format),
        Some(format) => Err(Error::Usage(format!(
            "--format {} is not available for this command (use {})",
            format.name(),
            allowed
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The command as typed, below the top: `list`, `source list`.
fn command_path(matches: &ArgMatches) -> String {
    let mut path = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        path.push(name);
        current = sub;
    }
    path.join(" ")
}

/// The command line's grammar with each command's formats and examples in
/// its help (what `main`, completions and the manual use).
pub fn command() -> clap::Command {
    help::with_help(Cli::command())
}

/// `--color always|never` decide; with `auto`, colour only on a terminal,
/// never with `NO_COLOR`, always with `CLICOLOR_FORCE`. Tables fit the
/// terminal (`COLUMNS`, else its size, else 80) unless `--wide`; output to a
/// pipe or a file is never cut.
fn terminal_style(choice: ColorChoice, wide: bool) -> Style {
    use std::io::IsTerminal;
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let terminal = std::io::stdout().is_terminal();
    let color = if choice != ColorChoice::Auto {
        choice == ColorChoice::Always
    } else if set("NO_COLOR") {
        false
    } else if set("CLICOLOR_FORCE") {
        true
    } else {
        terminal && std::env::var("TERM").map_or(true, |t| t != "dumb")
    };
    let width = (terminal && !wide).then(|| {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .unwrap_or(80)
    });
    Style { color, width }
}

fn source_fields(fields: &SourceFields) -> sources::SourceFields {
    sources::SourceFields {
        kind: fields.kind.clone(),
        role: fields.role.clone(),
        affiliation: fields.affiliation.clone(),
        url: fields.url.clone(),
        notes: fields.notes.clone(),
        reliability: fields.reliability.clone(),
    }
}

async fn dispatch<S: Store>(
    ctx: &Context<S>,
    command: &Command,
    due: Vec<(String, Option<String>)>,
    format: Format,
) -> Result<Output> {
    match command {
        Command::Init => app::init(ctx).await,
        Command::Migrate { .. } => app::migrations(ctx).await,
        Command::Source(command) => match command {
            SourceCommand::Add(args) => {
                sources::add(ctx, &args.name, &source_fields(&args.fields)).await
            }
            SourceCommand::List(args) => {
                sources::list(ctx, args.reliability.as_deref(), args.record).await
            }
            SourceCommand::Show { source } => sources::show(ctx, source).await,
            SourceCommand::Alias { source, name } => sources::alias(ctx, source, name).await,
            SourceCommand::Merge { from, into, on } => {
                sources::merge(ctx, from, into, on.as_deref()).await
            }
            SourceCommand::Edit {
                source,
                name,
                fields,
            } => sources::edit(ctx, source, name.as_deref(), &source_fields(fields)).await,
            SourceCommand::Remove { source } => sources::remove(ctx, source).await,
        },
        Command::Sources(args) => {
            sources::list(ctx, args.reliability.as_deref(), args.record).await
        }
        Command::Add(args) => {
            let input = claims::AddClaim {
                text: args.text.clone(),
                source: args.source.clone(),
                reported_by: args.reported_by.clone(),
                quote: args.quote.clone(),
                lang: args.lang.clone(),
                url: args.url.clone(),
                said_on: args.said_on.clone(),
                kind: args.kind.clone(),
                credibility: args.credibility.clone(),
                due,
                tags: args.tag.clone(),
            };
            claims::add(ctx, &input).await
        }
        Command::Edit(args) => {
            let changes = [
                &args.text,
                &args.reported_by,
                &args.quote,
                &args.lang,
                &args.url,
                &args.said_on,
                &args.kind,
                &args.credibility,
            ];
            if changes.iter().all(|c| c.is_none())
                && args.source.is_empty()
                && args.tag.is_empty()
                && args.untag.is_empty()
            {
                return Err(Error::Usage(format!(
                    "nothing to change for claim {}: give a field such as --text, --source or --tag",
                    args.id
                )));
            }
            let input = claims::EditClaim {
                id: args.id,
                text: args.text.clone(),
                source: args.source.clone(),
                reported_by: args.reported_by.clone(),
                quote: args.quote.clone(),
                lang: args.lang.clone(),
                url: args.url.clone(),
                said_on: args.said_on.clone(),
                kind: args.kind.clone(),
                credibility: args.credibility.clone(),
                add_tags: args.tag.clone(),
                remove_tags: args.untag.clone(),
                on: args.on.clone(),
            };
            claims::edit(ctx, &input).await
        }
        Command::Show { id } => claims::show(ctx, *id).await,
        Command::Remove { id, yes } => {
            if !yes {
                // Say what would go before refusing, so the user can check the id.
                let claim = claims::claim(ctx, *id).await?;
                return Err(Error::Usage(format!(
                    "removing claim {id} (\"{}\") deletes its deadlines and history; add --yes to confirm",
                    claim.text
                )));
            }
            claims::remove(ctx, *id).await
        }
        Command::Deadline(command) => match command {
            DeadlineCommand::Add {
                claim,
                date,
                label,
                on,
            } => deadlines::add(ctx, *claim, date, label.as_deref(), on.as_deref()).await,
            DeadlineCommand::Met { deadline, on } => {
                deadlines::met(ctx, deadline, on.as_deref()).await
            }
            DeadlineCommand::Move {
                deadline,
                date,
                note,
                on,
            } => deadlines::move_to(ctx, deadline, date, note.as_deref(), on.as_deref()).await,
            DeadlineCommand::Remove { deadline, note, on } => {
                deadlines::remove(ctx, deadline, note.as_deref(), on.as_deref()).await
            }
        },
        Command::Resolve {
            id,
            status,
            on,
            evidence,
            note,
        } => {
            let input = claims::Resolve {
                id: *id,
                status: status.clone(),
                on: on.clone(),
                evidence: evidence.clone(),
                note: note.clone(),
            };
            claims::resolve(ctx, &input).await
        }
        Command::Reopen { id, note, on } => {
            claims::reopen(ctx, *id, note.as_deref(), on.as_deref()).await
        }
        Command::Note {
            id,
            text,
            evidence,
            on,
        } => claims::note(ctx, *id, text, evidence.as_deref(), on.as_deref()).await,
        Command::Undo { id, note } => claims::undo(ctx, *id, note.as_deref()).await,
        Command::Log { id, since, limit } => {
            claims::log(ctx, *id, since.as_deref(), ctx.by.as_deref(), Some(*limit)).await
        }
        Command::List(args) => {
            let input = claims::ListClaims {
                status: args.status.clone(),
                source: args.source.clone(),
                kind: args.kind.clone(),
                tag: args.tag.clone(),
                overdue: args.overdue,
                due_before: args.due_before.clone(),
                due_after: args.due_after.clone(),
                search: args.search.clone(),
                reliability: args.reliability.clone(),
                credibility: args.credibility.clone(),
                limit: args.limit,
            };
            claims::list(ctx, &input).await
        }
        Command::Search { query, limit } => claims::search(ctx, query, *limit).await,
        Command::Upcoming { within, limit } => {
            // A calendar's events count their deadline's moves: histories.
            let histories = format == Format::Ics;
            reports::upcoming(ctx, within, *limit, histories).await
        }
        Command::Overdue { limit } => reports::overdue(ctx, *limit).await,
        Command::Report {
            within,
            limit,
            sources,
            ..
        } => reports::report(ctx, within, *limit, *sources).await,
        Command::Demo { force } => demo::demo(ctx, *force).await.map_err(|e| match e {
            Error::Conflict(message) => Error::Conflict(format!(
                "{message}; add --force to load the demo into it anyway, or pick another file with --db"
            )),
            other => other,
        }),
        Command::Extract {
            file,
            lang,
            said_on,
            outlet,
            interactive,
        } => {
            if *interactive {
                review::ensure_terminal()?;
            }
            let (text, html) = files::read_article(file)?;
            let input = extract::ExtractInput {
                text,
                html,
                lang: Some(lang.clone()),
                said_on: said_on.clone(),
                outlet: outlet.clone(),
            };
            let found = extract::extract(ctx, &input).await?;
            match (found, *interactive) {
                (Output::Extracted(found), true) => {
                    // The accepted claims are recorded as an import would.
                    let read = review::review(&found)?
                        .into_iter()
                        .enumerate()
                        .map(|(n, record)| ReadRecord {
                            location: format!("claim {}", n + 1),
                            record: Ok(record),
                        })
                        .collect();
                    let mode = ImportMode {
                        dry_run: false,
                        update: false,
                    };
                    transfer::import(ctx, read, mode, &|_| {}).await
                }
                (found, _) => Ok(found),
            }
        }
        Command::Import {
            files,
            from,
            dry_run,
            update,
            max_size,
            delimiter,
        } => {
            let read = files::read_inputs(files, *from, max_size, delimiter.map(|d| d.byte()))?;
            let bar = files::progress_bar(read.len());
            let mode = ImportMode {
                dry_run: *dry_run,
                update: *update,
            };
            let imported = transfer::import(ctx, read, mode, &|done| {
                bar.set_position(done as u64)
            })
            .await;
            bar.finish_and_clear();
            imported.map_err(|e| match e {
                Error::InvalidRecords(problems) => files::import_problems(problems, *dry_run),
                other => other,
            })
        }
        Command::Settings { action: None } => app::settings::list(ctx).await,
        Command::Settings {
            action: Some(SettingsCommand::Set { name, value }),
        } => app::settings::set(ctx, name, Some(value)).await,
        Command::Settings {
            action: Some(SettingsCommand::Unset { name }),
        } => app::settings::set(ctx, name, None).await,
        Command::Backup { path, .. } => app::safety::backup(ctx, path).await,
        Command::Check => app::safety::check(ctx).await,
        Command::Grant {
            role: Some(role),
            level: Some(level),
            ..
        } => {
            let level = match level {
                GrantLevel::Read => AccessLevel::Read,
                GrantLevel::Write => AccessLevel::Write,
                GrantLevel::Admin => AccessLevel::Admin,
            };
            app::access::grant(ctx, role, level).await
        }
        Command::Grant { .. } => app::access::grants(ctx).await,
        Command::Export { .. } | Command::Completions { .. } | Command::Man { .. } | Command::Dates => {
            unreachable!("handled by execute")
        }
    }
}

/// Streams every matching claim, page by page, to `out`.
async fn export<S: Store>(
    ctx: &Context<S>,
    input: &transfer::ExportClaims,
    format: Format,
    delimiter: u8,
    out: &mut dyn Write,
) -> Result<()> {
    // Records straight from the store for the record formats; whole claims
    // for the calendar and ClaimReview.
    let whole_claims = !matches!(format, Format::Json | Format::Jsonl | Format::Csv);
    if format == Format::Xlsx && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::Usage(
            "a workbook is binary: send it to a file (claims export --format xlsx > claims.xlsx)"
                .into(),
        ));
    }
    // Checked before anything is written: a review needs its publisher.
    let publisher = match format {
        Format::Claimreview => Some(app::settings::publisher(ctx).await?),
        _ => None,
    };
    let mut pages = transfer::export(ctx, input, whole_claims).await?;
    let mut writer = ExportWriter::new(format, delimiter, publisher, out)?;
    while let Some(page) = pages.next_page().await? {
        match page {
            transfer::ExportPage::Records(records) => {
                for record in &records {
                    writer.record(record)?;
                }
            }
            transfer::ExportPage::Claims(claims) => {
                for claim in &claims {
                    writer.claim(claim)?;
                }
            }
        }
    }
    writer.finish()
}

/// Pairs each `--label` with the `--due` just before it on the command line.
fn pair_labels(matches: &ArgMatches) -> Result<Vec<(String, Option<String>)>> {
    let positioned = |name: &str| -> Vec<(usize, String)> {
        match (matches.indices_of(name), matches.get_many::<String>(name)) {
            (Some(indices), Some(values)) => indices.zip(values.cloned()).collect(),
            _ => Vec::new(),
        }
    };
    let dues = positioned("due");
    let mut paired: Vec<(String, Option<String>)> =
        dues.iter().map(|(_, due)| (due.clone(), None)).collect();
    for (index, label) in positioned("label") {
        let owner = dues.iter().rposition(|(due_index, _)| *due_index < index);
        match owner {
            Some(i) if paired[i].1.is_none() => paired[i].1 = Some(label),
            Some(i) => {
                return Err(Error::Usage(format!(
                    "--due `{}` has two labels; give one --label after each --due",
                    paired[i].0
                )))
            }
            None => {
                return Err(Error::Usage(format!(
                    "--label `{label}` must follow the --due it names"
                )))
            }
        }
    }
    Ok(paired)
}

/// How the application's field names read on this command line.
struct FlagNames {
    /// Fields given as arguments rather than flags, and how they read.
    positional: &'static [(&'static str, &'static str)],
}

impl FlagNames {
    fn of(command: &Command) -> FlagNames {
        let positional: &'static [(&'static str, &'static str)] = match command {
            Command::Add(_) => &[("text", "claim text")],
            Command::Source(SourceCommand::Add(_)) => &[("name", "source name")],
            Command::Source(_) => &[("source", "source")],
            Command::Search { .. } => &[("query", "search query")],
            Command::Deadline(_) => &[("date", "date"), ("deadline", "deadline")],
            Command::Resolve { .. } => &[("status", "status")],
            _ => &[],
        };
        FlagNames { positional }
    }

    /// `due` -> `--due`, `said_on` -> `--said-on`; arguments by their names;
    /// `None` for names that are not ours (`status`, `claim kind`).
    fn flag(&self, field: &str) -> Option<String> {
        if let Some((_, name)) = self.positional.iter().find(|(f, _)| *f == field) {
            return Some(name.to_string());
        }
        const FLAGS: &[&str] = &[
            "as_of",
            "by",
            "credibility",
            "db",
            "due",
            "due_after",
            "due_before",
            "evidence",
            "known_on",
            "label",
            "lang",
            "limit",
            "max_size",
            "name",
            "note",
            "on",
            "reliability",
            "reported_by",
            "said_on",
            "since",
            "source",
            "tag",
            "text",
            "url",
            "within",
        ];
        FLAGS
            .contains(&field)
            .then(|| format!("--{}", field.replace('_', "-")))
    }
}
