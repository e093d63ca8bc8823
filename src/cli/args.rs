//! The command line's flags and subcommands. The `///` comments are the
//! help text.

use std::path::PathBuf;

use clap_complete::engine::ArgValueCandidates;

use crate::cli::complete;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::interchange::read::InputFormat;
pub use crate::render::Format;

/// Track attributed claims (who said what, who reported it, the original
/// wording) and their deadlines: see what is pending, upcoming and overdue.
#[derive(Debug, Parser)]
#[command(name = "claims", version, about, max_term_width = 100)]
pub struct Cli {
    /// Database: a file path or sqlite: URL [default: $CLAIMS_DB, else the platform data directory]
    #[arg(
        long,
        global = true,
        value_name = "PATH|URL",
        help_heading = "Global options"
    )]
    pub db: Option<PathBuf>,

    /// Replay the record as it stood on this date (claims said by then, the
    /// changes that happened by then), and date changes on it [default: today]
    #[arg(
        long,
        global = true,
        value_name = "DATE",
        help_heading = "Global options"
    )]
    pub as_of: Option<String>,

    /// Leave out everything written to the database after this date: what it
    /// said that day (to reproduce a published report)
    #[arg(
        long,
        global = true,
        value_name = "DATE",
        help_heading = "Global options"
    )]
    pub known_on: Option<String>,

    /// Who is making the changes [default: $CLAIMS_USER, else the login name]
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub by: Option<String>,

    /// Output format [default: table; json for export]. Not every command has every format
    #[arg(long, global = true, value_enum, help_heading = "Global options")]
    pub format: Option<Format>,

    /// When to colour table output (NO_COLOR and CLICOLOR_FORCE are honoured with auto)
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN",
        help_heading = "Global options"
    )]
    pub color: ColorChoice,

    /// Print table cells whole instead of fitting the table to the terminal
    /// (output to a pipe or a file is never cut)
    #[arg(long, global = true, help_heading = "Global options")]
    pub wide: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// A CSV cell separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Delimiter {
    /// ,
    Comma,
    /// ;
    Semicolon,
    /// a tab character
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// What `claims grant` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantLevel {
    Read,
    Write,
    Admin,
}

// The formats are the renderer's; clap learns their names here, so nothing
// below the command line depends on clap.
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Format::Table => "Aligned columns for people",
            Format::Json => "One JSON document",
            Format::Jsonl => "One JSON object per line",
            Format::Csv => "Comma-separated values with a header row",
            Format::Markdown => "Markdown tables",
            Format::Ics => {
                "An iCalendar file: an all-day event per deadline (closed ones cancelled)"
            }
            Format::Claimreview => "schema.org ClaimReview JSON-LD for resolved claims",
            Format::Html => "One self-contained HTML page (report)",
            Format::Xlsx => "An Excel workbook: Claims, Deadlines and History sheets",
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for InputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        InputFormat::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Formats `import` reads.

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database or bring its schema up to date; print its path and schema version
    Init,
    /// Apply pending migrations, or with --status list them without applying
    Migrate {
        /// Only show which migrations are applied
        #[arg(long)]
        status: bool,
    },
    /// Add, list, show, edit and remove sources (speakers and outlets)
    #[command(subcommand, disable_help_subcommand = true)]
    Source(SourceCommand),
    /// List sources with their track records (the same as `source list`)
    Sources(SourceListArgs),
    /// Record a claim
    Add(AddArgs),
    /// Change a claim's fields
    Edit(EditArgs),
    /// Show a claim with its deadlines and history
    Show {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
    },
    /// Remove a claim with its deadlines and history
    Remove {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
        /// Confirm the removal
        #[arg(long)]
        yes: bool,
    },
    /// Add, meet, move and remove a claim's deadlines
    #[command(subcommand, disable_help_subcommand = true)]
    Deadline(DeadlineCommand),
    /// Set a claim's outcome: fulfilled, partial, failed, retracted or unverifiable
    Resolve {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
        /// The new status
        #[arg(add = ArgValueCandidates::new(complete::outcomes))]
        status: String,
        /// When it happened [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// A link to the evidence
        #[arg(long, value_name = "URL")]
        evidence: Option<String>,
        /// Why, in a few words
        #[arg(long)]
        note: Option<String>,
    },
    /// Set a resolved claim back to pending
    Reopen {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
        /// Why
        #[arg(long)]
        note: Option<String>,
        /// When it happened [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Add a note to a claim's history (changes nothing else)
    Note {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
        /// The note
        text: String,
        /// A link to the evidence
        #[arg(long, value_name = "URL")]
        evidence: Option<String>,
        /// The day it concerns [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Void a claim's latest change with a correction (the change stays in the history, marked void)
    Undo {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: i64,
        /// Why
        #[arg(long)]
        note: Option<String>,
    },
    /// The audit trail: every change, newest written first (--by NAME: only that user's)
    Log {
        /// Only this claim's events
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        id: Option<i64>,
        /// Only events written on or after this date
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// At most this many events
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: i64,
    },
    /// List claims, ordered by next open deadline
    List(ListArgs),
    /// Search claims (text, quote, speaker and outlet names) in Arabic or English, best match first
    Search {
        /// Words, "a phrase", prefix* — FTS5 syntax; Arabic matches with or without harakat and hamza
        query: String,
        /// At most this many claims
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
    },
    /// Pending claims with a deadline coming up
    Upcoming {
        /// How far ahead to look: 30d, 2w, 3m, 1y
        #[arg(long, default_value = "30d", value_name = "SPAN")]
        within: String,
        /// At most this many claims
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
    },
    /// Pending claims whose deadline has passed with no outcome recorded, most overdue first
    Overdue {
        /// At most this many claims
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
    },
    /// The status report: counts, overdue, upcoming, claims without deadline, source records
    Report {
        /// How far ahead the upcoming section looks
        #[arg(long, default_value = "30d", value_name = "SPAN")]
        within: String,
        /// Claims shown per section (the counts are always complete)
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
        /// Sources shown, busiest first (0 for all)
        #[arg(long, default_value_t = 20, value_name = "N")]
        sources: usize,
        /// Write the report to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Propose the claims of a news article (Arabic or English): speakers, exact quotes, kinds, deadlines
    Extract {
        /// The article: plain text or HTML; `-` reads standard input
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The article's language
        #[arg(long, value_parser = ["ar", "en", "auto"], default_value = "auto")]
        lang: String,
        /// The day it was said; relative deadlines count from it [default: the dateline's date, else the as-of date]
        #[arg(long)]
        said_on: Option<String>,
        /// The outlet that reported it [default: from the dateline]
        #[arg(long, add = ArgValueCandidates::new(complete::source_names))]
        outlet: Option<String>,
        /// Walk the candidates on the terminal (accept, edit the text, change the speaker or kind, skip) and record the accepted ones
        #[arg(long, short = 'i')]
        interactive: bool,
    },
    /// Import claims from CSV, JSON or JSON Lines files, all or nothing
    Import {
        /// Files to read; `-` reads standard input
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Input format [default: from the file extension, or sniffed on stdin]
        #[arg(long, value_enum)]
        from: Option<InputFormat>,
        /// Check everything and report every problem (and what differs from the stored claims) without writing
        #[arg(long)]
        dry_run: bool,
        /// Bring stored claims that a record differs from to what it says, each difference an event
        #[arg(long)]
        update: bool,
        /// Refuse inputs larger than this (bytes, or with k, m, g)
        #[arg(long, default_value = "2g", value_name = "SIZE")]
        max_size: String,
        /// The CSV cell separator [default: found from the header: comma, semicolon or tab]
        #[arg(long, value_enum)]
        delimiter: Option<Delimiter>,
    },
    /// Write every claim with sources, deadlines and history (json, jsonl, csv, ics, claimreview)
    Export {
        /// Only claims with this status
        #[arg(long, add = ArgValueCandidates::new(complete::statuses))]
        status: Option<String>,
        /// Only claims by this source, as speaker or outlet (id or name)
        #[arg(long, add = ArgValueCandidates::new(complete::source_names))]
        source: Option<String>,
        /// Only claims with this tag
        #[arg(long)]
        tag: Option<String>,
        /// The CSV cell separator (semicolon for Excel in most of Europe and the Arab world)
        #[arg(long, value_enum, default_value_t = Delimiter::Comma)]
        delimiter: Delimiter,
    },
    /// Write a consistent copy of the database, safe while others write
    Backup {
        /// Where to write the copy
        path: PathBuf,
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// Check the database: SQLite integrity, foreign keys and claims' own rules
    Check,
    /// Give a database role the right to read, write or administer this PostgreSQL database
    Grant {
        /// An existing database role (made with CREATE ROLE ... LOGIN)
        #[arg(required_unless_present = "list", conflicts_with = "list")]
        role: Option<String>,
        /// read, write or admin
        #[arg(value_enum, required_unless_present = "list", conflicts_with = "list")]
        level: Option<GrantLevel>,
        /// List every role with rights on the database, and which
        #[arg(long)]
        list: bool,
    },
    /// Show the database's settings, or set one (the ClaimReview publisher and review address)
    Settings {
        #[command(subcommand)]
        action: Option<SettingsCommand>,
    },
    /// Print a shell completion script
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write every page into a directory
    Man {
        /// Write claims.1 and a page per subcommand (claims-add.1, ...) here
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Show the date forms claims reads (also: claims help dates)
    #[command(after_long_help = crate::cli::help::DATE_FORMS)]
    Dates,
    /// Load the claims of the example report (Ain al-Asad, Shafaq News) and print the report
    Demo {
        /// Add the demo claims even if the database holds other data
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Set a setting: publisher.name, publisher.url or review_url
    Set {
        /// publisher.name, publisher.url or review_url
        #[arg(add = ArgValueCandidates::new(complete::settings))]
        name: String,
        value: String,
    },
    /// Remove a setting
    Unset {
        #[arg(add = ArgValueCandidates::new(complete::settings))]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source
    Add(SourceArgs),
    /// List sources with their track records
    List(SourceListArgs),
    /// Show a source with its claims and track record
    Show {
        /// Source id or name
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        source: String,
    },
    /// Change a source's fields (an empty value clears a field)
    Edit {
        /// Source id or name
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        source: String,
        /// New name
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: SourceFields,
    },
    /// Give a source another name ("شفق نيوز" for Shafaq News): both find it
    Alias {
        /// Source id or name
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        source: String,
        /// The other name
        name: String,
    },
    /// Merge a source into another: its claims and history move, the merge
    /// is an event on each claim, and its names find the other from then on
    Merge {
        /// The source that goes (id or name)
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        from: String,
        /// The source that stays (id or name)
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        into: String,
        /// The day of the merge (a date or phrase; the as-of date if absent)
        #[arg(long)]
        on: Option<String>,
    },
    /// Remove a source that has no claims
    Remove {
        /// Source id or name
        #[arg(add = ArgValueCandidates::new(complete::source_names))]
        source: String,
    },
}

#[derive(Debug, Args)]
pub struct SourceListArgs {
    /// Show the track records: claims resolved, deadlines met on time, median delay
    #[arg(long)]
    pub record: bool,
    /// Only sources graded with one of these reliabilities (A,B)
    #[arg(long, value_name = "GRADES")]
    pub reliability: Option<String>,
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The name as the report gives it ("an Iraqi security source", "Shafaq News")
    pub name: String,
    #[command(flatten)]
    pub fields: SourceFields,
}

#[derive(Debug, Args)]
pub struct SourceFields {
    /// person, organization, government, outlet, anonymous or other [default: other]
    #[arg(long, add = ArgValueCandidates::new(complete::source_kinds))]
    pub kind: Option<String>,
    /// Role or description ("spokesperson, US Embassy in Baghdad")
    #[arg(long)]
    pub role: Option<String>,
    /// Who the source belongs to
    #[arg(long)]
    pub affiliation: Option<String>,
    /// A link about the source (http or https)
    #[arg(long)]
    pub url: Option<String>,
    /// Free notes
    #[arg(long)]
    pub notes: Option<String>,
    /// Reliability on the Admiralty scale: A completely reliable, B usually,
    /// C fairly, D not usually, E unreliable, F cannot be judged
    #[arg(long, value_name = "A-F")]
    pub reliability: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The claim in the tracker's words
    pub text: String,
    /// Who said it (source id or name); repeat for a joint statement, the lead first
    #[arg(long, value_name = "SOURCE", required = true, add = ArgValueCandidates::new(complete::source_names))]
    pub source: Vec<String>,
    /// Who reported it, such as the outlet (source id or name)
    #[arg(long, value_name = "SOURCE", add = ArgValueCandidates::new(complete::source_names))]
    pub reported_by: Option<String>,
    /// The exact original wording
    #[arg(long)]
    pub quote: Option<String>,
    /// Language of the quote (ar, en, fr...)
    #[arg(long)]
    pub lang: Option<String>,
    /// Where it was said or published (http or https)
    #[arg(long)]
    pub url: Option<String>,
    /// When it was said or published
    #[arg(long, value_name = "DATE")]
    pub said_on: Option<String>,
    /// promise, prediction, report or opinion [default: promise with a deadline, else report]
    #[arg(long, add = ArgValueCandidates::new(complete::claim_kinds))]
    pub kind: Option<String>,
    /// Credibility on the Admiralty scale: 1 confirmed, 2 probably true, 3
    /// possibly true, 4 doubtful, 5 improbable, 6 cannot be judged
    #[arg(long, value_name = "1-6")]
    pub credibility: Option<String>,
    /// A deadline; repeat for phases. A --label after it names it
    #[arg(long, value_name = "DATE")]
    pub due: Vec<String>,
    /// Label of the --due before it ("phase 2")
    #[arg(long)]
    pub label: Vec<String>,
    /// A tag; repeat for more
    #[arg(long)]
    pub tag: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Claim id
    #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
    pub id: i64,
    /// New text
    #[arg(long)]
    pub text: Option<String>,
    /// New speakers (source id or name); repeat for several, the lead first
    #[arg(long, value_name = "SOURCE", add = ArgValueCandidates::new(complete::source_names))]
    pub source: Vec<String>,
    /// New outlet (source id or name; empty to clear)
    #[arg(long, value_name = "SOURCE", add = ArgValueCandidates::new(complete::source_names))]
    pub reported_by: Option<String>,
    /// New quote (empty to clear)
    #[arg(long)]
    pub quote: Option<String>,
    /// New quote language (empty to clear)
    #[arg(long)]
    pub lang: Option<String>,
    /// New URL (empty to clear)
    #[arg(long)]
    pub url: Option<String>,
    /// New date said (empty to clear)
    #[arg(long, value_name = "DATE")]
    pub said_on: Option<String>,
    /// New kind
    #[arg(long, add = ArgValueCandidates::new(complete::claim_kinds))]
    pub kind: Option<String>,
    /// New credibility, 1 to 6 (empty to clear)
    #[arg(long, value_name = "1-6")]
    pub credibility: Option<String>,
    /// Add a tag; repeatable
    #[arg(long)]
    pub tag: Vec<String>,
    /// Remove a tag; repeatable
    #[arg(long, value_name = "TAG")]
    pub untag: Vec<String>,
    /// When the change happened [default: the as-of date]
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DeadlineCommand {
    /// Add a deadline to a claim
    Add {
        /// Claim id
        #[arg(add = ArgValueCandidates::new(complete::claim_ids))]
        claim: i64,
        /// Due date: a day, week, month, quarter, half or year, a part of one
        /// ("end of 2026"), a Hijri month ("رمضان 1448 هـ") or a phrase ("next month")
        date: String,
        /// A label ("phase 2")
        #[arg(long)]
        label: Option<String>,
        /// When it was given [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Record that a deadline was met
    Met {
        /// The deadline as CLAIM.N: 6.1 is claim 6's first deadline (`show` lists them)
        #[arg(value_name = "DEADLINE", add = ArgValueCandidates::new(complete::deadline_refs))]
        deadline: String,
        /// When [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Move a deadline (an extension); recorded in the claim's history
    Move {
        /// The deadline as CLAIM.N: 6.1 is claim 6's first deadline (`show` lists them)
        #[arg(value_name = "DEADLINE", add = ArgValueCandidates::new(complete::deadline_refs))]
        deadline: String,
        /// The new due date
        date: String,
        /// Why it moved
        #[arg(long)]
        note: Option<String>,
        /// When it moved [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Remove a deadline (kept in the history: replays of earlier days still see it)
    Remove {
        /// The deadline as CLAIM.N: 6.1 is claim 6's first deadline (`show` lists them)
        #[arg(value_name = "DEADLINE", add = ArgValueCandidates::new(complete::deadline_refs))]
        deadline: String,
        /// Why
        #[arg(long)]
        note: Option<String>,
        /// When [default: the as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only claims with this status (or overdue)
    #[arg(long, add = ArgValueCandidates::new(complete::statuses))]
    pub status: Option<String>,
    /// Only claims by this source, as speaker or outlet (id or name)
    #[arg(long, add = ArgValueCandidates::new(complete::source_names))]
    pub source: Option<String>,
    /// Only claims of this kind
    #[arg(long, add = ArgValueCandidates::new(complete::claim_kinds))]
    pub kind: Option<String>,
    /// Only claims with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only overdue claims
    #[arg(long)]
    pub overdue: bool,
    /// Only claims with an unmet deadline due before this date's period
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    /// Only claims with an unmet deadline due after this date's period
    #[arg(long, value_name = "DATE")]
    pub due_after: Option<String>,
    /// Only claims matching these words (the `search` engine, as one phrase)
    #[arg(long)]
    pub search: Option<String>,
    /// Only claims whose speaker has one of these reliabilities (A,B)
    #[arg(long, value_name = "GRADES")]
    pub reliability: Option<String>,
    /// Only claims graded with one of these credibilities (1,2)
    #[arg(long, value_name = "GRADES")]
    pub credibility: Option<String>,
    /// At most this many claims
    #[arg(long, value_name = "N")]
    pub limit: Option<i64>,
}
