//! `claims`: a claim-tracking database. `run` executes one parsed command
//! line and returns the text to print.

pub mod calendar;
pub mod claimreview;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dates;
pub mod db;
pub mod error;
pub mod exchange;
pub mod html;
pub mod model;
pub mod normalize;
pub mod output;

use std::io::Write;

use clap::{ArgMatches, CommandFactory};

use cli::{Cli, Command, DeadlineCommand, Format, SourceCommand};
use commands::{claims, deadlines, demo, reports, sources, transfer, Context};
use db::{OpenMode, Store};
use error::{Error, Result};

/// Runs one command and writes its result to `out`.
pub async fn run(cli: Cli, matches: &ArgMatches, out: &mut dyn Write) -> Result<()> {
    // These need no database.
    match &cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "claims", out);
            return Ok(());
        }
        Command::Man => {
            return clap_mangen::Man::new(Cli::command())
                .render(out)
                .map_err(Error::Output);
        }
        _ => {}
    }
    let format = format_for(&cli.command, cli.format)?;
    let today = chrono::Local::now().date_naive();
    let as_of = match &cli.as_of {
        Some(value) => commands::day("--as-of", value, today)?,
        None => today,
    };
    // Pairing --due with --label needs the raw argument positions.
    let deadlines = match matches.subcommand() {
        Some(("add", add)) => pair_labels(add)?,
        _ => Vec::new(),
    };
    let mode = match &cli.command {
        Command::Migrate { status: true } => OpenMode::Inspect,
        _ => OpenMode::Migrate,
    };
    let path = config::database_path(cli.db.clone())?;
    let store = Store::open(&path, mode).await?;
    let ctx = Context { store, as_of };
    let result = match &cli.command {
        Command::Export {
            status,
            source,
            tag,
        } => {
            let args = transfer::ExportArgs {
                status: status.as_deref(),
                source: source.as_deref(),
                tag: tag.as_deref(),
            };
            transfer::export(&ctx, &args, format, out).await
        }
        command => match dispatch(&ctx, command, &deadlines).await {
            Ok(output) => match &cli.command {
                Command::Report {
                    output: Some(path), ..
                } => {
                    let style = output::Style { color: false };
                    let text = output::render(&output, format, as_of, style);
                    commands::safety::write_file(path, text.as_bytes())
                }
                _ => {
                    let style = output::Style::detect(cli.color);
                    let text = output::render(&output, format, as_of, style);
                    out.write_all(text.as_bytes()).map_err(Error::Output)
                }
            },
            Err(e) => Err(e),
        },
    };
    ctx.store.close().await;
    result
}

/// The output format: the one asked for if the command has it, else its default.
fn format_for(command: &Command, asked: Option<Format>) -> Result<Format> {
    use Format::*;
    let (default, allowed): (Format, &[Format]) = match command {
        Command::Export { .. } => (Json, &[Json, Jsonl, Csv, Ics, Claimreview]),
        Command::List(_) | Command::Search { .. } | Command::Overdue { .. } => {
            (Table, &[Table, Json, Jsonl, Csv, Markdown])
        }
        Command::Upcoming { .. } => (Table, &[Table, Json, Jsonl, Csv, Markdown, Ics]),
        Command::Report { .. } | Command::Demo { .. } => {
            (Table, &[Table, Json, Csv, Markdown, Html])
        }
        _ => (Table, &[Table, Json]),
    };
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

async fn dispatch(
    ctx: &Context,
    command: &Command,
    deadlines: &[(String, Option<String>)],
) -> Result<commands::Output> {
    match command {
        Command::Init => commands::init(ctx).await,
        Command::Migrate { .. } => commands::migrations(ctx).await,
        Command::Source(command) => match command {
            SourceCommand::Add(args) => sources::add(ctx, &args.name, &args.fields).await,
            SourceCommand::List(args) => sources::list(ctx, args).await,
            SourceCommand::Show { source } => sources::show(ctx, source).await,
            SourceCommand::Edit {
                source,
                name,
                fields,
            } => sources::edit(ctx, source, name.as_deref(), fields).await,
            SourceCommand::Remove { source } => sources::remove(ctx, source).await,
        },
        Command::Sources(args) => sources::list(ctx, args).await,
        Command::Add(args) => claims::add(ctx, args, deadlines).await,
        Command::Edit(args) => claims::edit(ctx, args).await,
        Command::Show { id } => claims::show(ctx, *id).await,
        Command::Remove { id, yes } => claims::remove(ctx, *id, *yes).await,
        Command::Deadline(command) => match command {
            DeadlineCommand::Add { claim, date, label } => {
                deadlines::add(ctx, *claim, date, label.as_deref()).await
            }
            DeadlineCommand::Met { deadline, on } => {
                deadlines::met(ctx, *deadline, on.as_deref()).await
            }
            DeadlineCommand::Move {
                deadline,
                date,
                note,
            } => deadlines::move_to(ctx, *deadline, date, note.as_deref()).await,
            DeadlineCommand::Remove { deadline } => deadlines::remove(ctx, *deadline).await,
        },
        Command::Resolve {
            id,
            status,
            on,
            evidence,
            note,
        } => {
            claims::resolve(
                ctx,
                *id,
                status,
                on.as_deref(),
                evidence.as_deref(),
                note.as_deref(),
            )
            .await
        }
        Command::Reopen { id, note } => claims::reopen(ctx, *id, note.as_deref()).await,
        Command::List(args) => claims::list(ctx, args).await,
        Command::Search { query, limit } => claims::search(ctx, query, *limit).await,
        Command::Upcoming { within, limit } => reports::upcoming(ctx, within, *limit).await,
        Command::Overdue { limit } => reports::overdue(ctx, *limit).await,
        Command::Report {
            within,
            limit,
            sources,
            ..
        } => reports::report(ctx, within, *limit, *sources).await,
        Command::Demo { force } => demo::demo(ctx, *force).await,
        Command::Import {
            files,
            from,
            dry_run,
            max_size,
        } => {
            let args = transfer::ImportArgs {
                files,
                from: *from,
                dry_run: *dry_run,
                max_size,
            };
            transfer::import(ctx, &args).await
        }
        Command::Backup { path, force } => commands::safety::backup(ctx, path, *force).await,
        Command::Check => commands::safety::check(ctx).await,
        Command::Export { .. } | Command::Completions { .. } | Command::Man => {
            unreachable!("handled by run")
        }
    }
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
