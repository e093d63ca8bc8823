//! Integration tests: the real binary on real databases (SQLite files, or
//! PostgreSQL with `CLAIMS_TEST_BACKEND=postgres`: see `common`).

mod common;

mod calendar;
mod claims;
mod deadlines;
mod demo;
mod errors;
mod extract;
mod history;
mod hostile;
mod html;
mod postgres;
mod readme;
mod records;
mod replay;
mod reports;
mod safety;
mod search;
mod sources;
mod storage;
mod stress;
mod terminal;
mod transfer;
