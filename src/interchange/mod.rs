//! The interchange formats: the record (`record`), its CSV form (`csv`),
//! reading files of records (`read`) and checking them (`validate`).

pub mod csv;
pub mod problem;
pub mod read;
pub mod record;
pub mod validate;
