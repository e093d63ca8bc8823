//! `extract --interactive`: the candidates walked on a terminal, one at a
//! time (accept, edit the text, change the speaker or the kind, skip), with
//! dialoguer; what is accepted becomes import records.

use std::io::IsTerminal;

use dialoguer::{Input, Select};

use crate::app::extract::Extracted;
use crate::domain::model::ClaimKind;
use crate::error::{Error, Result};
use crate::interchange::record::Record;

const CHOICES: [&str; 6] = [
    "accept",
    "edit the text",
    "change the speaker",
    "change the kind",
    "skip",
    "stop (record what was accepted)",
];

const KINDS: [ClaimKind; 4] = [
    ClaimKind::Promise,
    ClaimKind::Prediction,
    ClaimKind::Report,
    ClaimKind::Opinion,
];

/// Whether the review can run: it asks on the terminal.
pub fn ensure_terminal() -> Result<()> {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        Ok(())
    } else {
        Err(Error::Usage(
            "--interactive asks on a terminal; without one, write `--format jsonl` and import it"
                .into(),
        ))
    }
}

/// Asks about each candidate; returns the records of those accepted, as
/// edited.
pub fn review(found: &Extracted) -> Result<Vec<Record>> {
    let interrupted = |e: dialoguer::Error| {
        Error::Input(format!("the review stopped ({e}); nothing was recorded"))
    };
    let total = found.claims.len();
    let mut accepted = Vec::new();
    'candidates: for (n, (claim, mut record)) in
        found.claims.iter().zip(found.records()).enumerate()
    {
        loop {
            let due: Vec<String> = claim
                .candidate
                .deadlines
                .iter()
                .map(|d| format!("{} ({})", d.shown, d.as_written))
                .collect();
            eprintln!(
                "\nclaim {} of {total}  [{}]  {}\n  speaker  {}{}\n  quote    {}\n  text     {}\n  due      {}",
                n + 1,
                record.kind.as_deref().unwrap_or("report"),
                claim.candidate.rule,
                record.source.name,
                if claim.source.id.is_some() { "" } else { " (new source)" },
                claim.candidate.quote,
                record.text,
                if due.is_empty() { "-".to_string() } else { due.join("; ") },
            );
            let choice = Select::new()
                .with_prompt("this claim")
                .items(CHOICES)
                .default(0)
                .interact()
                .map_err(interrupted)?;
            match choice {
                0 => {
                    accepted.push(record);
                    continue 'candidates;
                }
                1 => {
                    record.text = Input::<String>::new()
                        .with_prompt("text")
                        .with_initial_text(record.text.clone())
                        .interact_text()
                        .map_err(interrupted)?;
                }
                2 => {
                    record.source.name = Input::<String>::new()
                        .with_prompt("speaker")
                        .with_initial_text(record.source.name.clone())
                        .interact_text()
                        .map_err(interrupted)?;
                }
                3 => {
                    let kind = Select::new()
                        .with_prompt("kind")
                        .items(KINDS.map(|k| k.to_string()))
                        .default(0)
                        .interact()
                        .map_err(interrupted)?;
                    record.kind = Some(KINDS[kind].to_string());
                }
                4 => continue 'candidates,
                _ => break 'candidates,
            }
        }
    }
    Ok(accepted)
}
