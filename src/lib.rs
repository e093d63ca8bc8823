//! `claims`: a claim-tracking database. The layers, each depending only on
//! those below it (see the README's architecture section):
//!
//! - `cli`: clap, the terminal, the files named on the command line;
//! - `app`: one function per command, plain inputs in, data out;
//! - `render`: data into table, JSON, CSV, Markdown, HTML, iCalendar...;
//! - `interchange`: the import/export record, its CSV form and readers;
//! - `store`: the storage API and its backends (`store::sqlite`);
//! - `domain`: claims, sources, dates, the rules; `error`: the error type.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod interchange;
pub mod render;
pub mod store;

pub use cli::run;
