//! `claims`: a claim-tracking database. `run` executes one parsed command
//! line and returns the text to print.

pub mod cli;
pub mod commands;
pub mod config;
pub mod dates;
pub mod db;
pub mod error;
pub mod model;
pub mod output;

use clap::ArgMatches;

use cli::{Cli, Command, DeadlineCommand, SourceCommand};
use commands::{claims, deadlines, demo, reports, sources, Context};
use db::{OpenMode, Store};
use error::{Error, Result};

/// Runs one command and renders its result.
pub async fn run(cli: Cli, matches: &ArgMatches) -> Result<String> {
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
    let result = dispatch(&ctx, &cli.command, &deadlines).await;
    ctx.store.close().await;
    let output = result?;
    Ok(output::render(
        &output,
        cli.format,
        as_of,
        output::Style::detect(),
    ))
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
            SourceCommand::List => sources::list(ctx).await,
            SourceCommand::Show { source } => sources::show(ctx, source).await,
            SourceCommand::Edit {
                source,
                name,
                fields,
            } => sources::edit(ctx, source, name.as_deref(), fields).await,
            SourceCommand::Remove { source } => sources::remove(ctx, source).await,
        },
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
        Command::Upcoming { within } => reports::upcoming(ctx, within).await,
        Command::Overdue => reports::overdue(ctx).await,
        Command::Report { within } => reports::report(ctx, within).await,
        Command::Demo { force } => demo::demo(ctx, *force).await,
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
