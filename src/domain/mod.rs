//! The domain: what a claim, a source and a deadline are, and the rules
//! about them, with no storage, terminal or file in sight. Everything else
//! depends on this; it depends on nothing but `error`.

pub mod dates;
pub mod days;
pub mod extract;
pub mod history;
pub mod keys;
pub mod model;
pub mod normalize;
pub mod replay;
pub mod rules;
pub mod stem;
pub mod validate;
pub mod words;
