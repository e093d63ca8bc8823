//! The files the command line reads and writes: import inputs (with a size
//! limit and a progress bar) and outputs written whole or not at all.

use std::io::Read;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::{Error, Result};
use crate::interchange::read::{read_records, InputFormat, ReadRecord};

/// Reads every input file (`-` is stdin) into records, each no larger than
/// `max_size` (`512k`, `64m`, `2g`).
pub fn read_inputs(
    files: &[std::path::PathBuf],
    from: Option<InputFormat>,
    max_size: &str,
    delimiter: Option<u8>,
) -> Result<Vec<ReadRecord>> {
    let max = parse_size(max_size)?;
    let mut read = Vec::new();
    for file in files {
        let bytes = read_capped(file, max)?;
        let extension = file.extension().and_then(|e| e.to_str());
        read_records(
            &display_name(file),
            extension,
            from,
            delimiter,
            &bytes,
            &mut read,
        )?;
    }
    Ok(read)
}

/// Problems found in the records, as one error: every one on a dry run,
/// else the first and how many more.
pub fn import_problems(problems: Vec<String>, dry_run: bool) -> Error {
    let count = problems.len();
    if dry_run {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        Error::Input(format!(
            "{count} problem{} found; nothing was imported:\n{}",
            if count == 1 { "" } else { "s" },
            list.join("\n")
        ))
    } else if count == 1 {
        Error::Input(format!("{}; nothing was imported", problems[0]))
    } else {
        Error::Input(format!(
            "{}; nothing was imported ({} more problem{}: run with --dry-run to list them all)",
            problems[0],
            count - 1,
            if count == 2 { "" } else { "s" }
        ))
    }
}

pub fn progress_bar(len: usize) -> ProgressBar {
    use std::io::IsTerminal;
    if len < 10_000 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("importing {bar:40} {pos}/{len} claims ({eta})")
    {
        bar.set_style(style);
    }
    bar
}
/// The bar of a long step of opening (the search index rebuilt after an
/// upgrade): drawn on a terminal once the step is known to be large.
#[derive(Default)]
pub struct OpeningBar(std::sync::OnceLock<ProgressBar>);

impl OpeningBar {
    pub fn advanced(&self, step: &str, done: u64, total: u64) {
        use std::io::IsTerminal;
        let bar = self.0.get_or_init(|| {
            if total < 10_000 || !std::io::stderr().is_terminal() {
                return ProgressBar::hidden();
            }
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({eta})")
            {
                bar.set_style(style);
            }
            bar.set_message(step.to_string());
            bar
        });
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    }
}

fn display_name(file: &Path) -> String {
    if file == Path::new("-") {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    }
}
fn read_capped(file: &Path, max: u64) -> Result<Vec<u8>> {
    let name = display_name(file);
    let too_big = || {
        Error::Input(format!(
            "{name}: larger than the import limit of {} bytes (--max-size)",
            max
        ))
    };
    let io = |source| Error::Io {
        action: "cannot read",
        path: file.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let handle = std::fs::File::open(file).map_err(io)?;
        if handle.metadata().map_err(io)?.len() > max {
            return Err(too_big());
        }
        handle.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}
fn parse_size(text: &str) -> Result<u64> {
    let lower = text.trim().to_ascii_lowercase();
    let (digits, factor) = match lower.chars().last() {
        Some('k') => (&lower[..lower.len() - 1], 1u64 << 10),
        Some('m') => (&lower[..lower.len() - 1], 1 << 20),
        Some('g') => (&lower[..lower.len() - 1], 1 << 30),
        _ => (lower.as_str(), 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::invalid(
                "--max-size",
                text,
                "expected a size such as 1048576, 512k, 64m or 2g",
            )
        })
}

/// Writes `bytes` to `path` through a temporary file beside it renamed into
/// place, so the file is either the old one or the whole new one.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let io_error = |source| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("--output", &path.display().to_string(), "names no file"))?;
    let partial = path.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(io_error(e));
    }
    Ok(())
}

/// An article to read whole: a file or standard input, as UTF-8 text, at
/// most 16 MB.
pub fn read_article(file: &Path) -> Result<(String, bool)> {
    let bytes = read_capped(file, 16 << 20)?;
    let name = display_name(file);
    let text =
        String::from_utf8(bytes).map_err(|_| Error::Input(format!("{name}: not UTF-8 text")))?;
    let html = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    Ok((text, html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576").unwrap(), 1 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("2g").unwrap(), 2 << 30);
        for bad in ["", "0", "lots", "-1k", "99999999999999999999g"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
