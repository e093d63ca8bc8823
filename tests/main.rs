//! Integration tests: the real binary on real SQLite files.

mod common;

mod claims;
mod deadlines;
mod demo;
mod errors;
mod history;
mod hostile;
mod html;
mod records;
mod replay;
mod reports;
mod safety;
mod search;
mod sources;
mod storage;
mod stress;
mod transfer;
