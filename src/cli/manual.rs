//! The manual pages: `claims.1` and one page per subcommand
//! (`claims-add.1`, ...), the pages `claims.1` points to, with the sections
//! clap does not know: environment, exit status, files, dates, examples.

use std::path::{Path, PathBuf};

use clap::Command as ClapCommand;

use crate::cli::help::{examples, DATE_FORMS, ENVIRONMENT, EXIT_STATUS, FILES};

/// Escapes text for roff: backslashes, and a leading `.` or `'` that would
/// read as a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|line| {
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn tagged_section(out: &mut String, title: &str, items: &[(&str, &str)]) {
    if title.contains(' ') {
        out.push_str(&format!(".SH \"{title}\"\n"));
    } else {
        out.push_str(&format!(".SH {title}\n"));
    }
    for (tag, text) in items {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(tag), roff(text)));
    }
}

fn examples_section(out: &mut String, examples: &[&str]) {
    if examples.is_empty() {
        return;
    }
    out.push_str(".SH EXAMPLES\n");
    for example in examples {
        out.push_str(&format!(".PP\n.nf\n{}\n.fi\n", roff(example)));
    }
}

/// One page: clap's title, name, synopsis, description, options and
/// subcommands, then our sections.
fn page(command: &ClapCommand, name: &str, top: bool) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(command.clone().name(name.to_string()))
        .title(name.to_uppercase())
        .section("1")
        .manual("claims manual")
        .source(format!("claims {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if command.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    let mut extra = String::new();
    let short = name.strip_prefix("claims-").unwrap_or(name);
    if top {
        tagged_section(&mut extra, "ENVIRONMENT", ENVIRONMENT);
        tagged_section(&mut extra, "EXIT STATUS", EXIT_STATUS);
        tagged_section(&mut extra, "FILES", FILES);
        extra.push_str(&format!(".SH DATES\n.nf\n{}\n.fi\n", roff(DATE_FORMS)));
        let all: Vec<&str> = ["demo", "add", "list", "report"]
            .iter()
            .flat_map(|name| examples(name).iter().copied())
            .collect();
        examples_section(&mut extra, &all);
    } else {
        examples_section(&mut extra, examples(short));
        extra.push_str(".SH \"SEE ALSO\"\n\\fBclaims\\fR(1)\n");
    }
    out.extend_from_slice(extra.as_bytes());
    Ok(out)
}

/// `claims.1`, as `claims man` prints it.
pub fn main_page(command: &ClapCommand) -> std::io::Result<Vec<u8>> {
    page(command, "claims", true)
}

/// Writes `claims.1` and `claims-NAME.1` for every subcommand, and
/// `claims-NAME-SUB.1` for theirs, into `dir` (created if missing),
/// returning the files written.
pub fn write_pages(command: &ClapCommand, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    // Built, the command has the `help` subcommand the main page lists.
    let mut command = command.clone();
    command.build();
    let mut written = Vec::new();
    let path = dir.join("claims.1");
    std::fs::write(&path, main_page(&command)?)?;
    written.push(path);
    write_subcommand_pages(&command, "claims", dir, &mut written)?;
    Ok(written)
}

fn write_subcommand_pages(
    command: &ClapCommand,
    prefix: &str,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{prefix}-{}", sub.get_name());
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page(sub, &name, false)?)?;
        written.push(path);
        write_subcommand_pages(sub, &name, dir, written)?;
    }
    Ok(())
}
