//! The command line as a terminal and a shell meet it: closed pipes, widths,
//! suggestions.

use std::process::Stdio;

use crate::common::Db;

/// `claims ... | head -1`: the reader goes away before the output is
/// written. Every command that prints exits 0, silently, without a panic.
#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let db = Db::demo();
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["man"],
        vec!["list"],
        vec!["show", "1"],
        vec!["log"],
        vec!["sources"],
    ];
    for format in ["json", "jsonl", "csv", "ics", "claimreview"] {
        commands.push(vec!["export", "--format", format]);
    }
    for format in ["table", "json", "csv", "markdown", "html"] {
        commands.push(vec!["report", "--format", format]);
    }
    for args in &commands {
        let mut child = db
            .process(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reading end closes at once, so the first write finds it closed.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "claims {args:?}: {stderr}");
        assert!(stderr.is_empty(), "claims {args:?} wrote: {stderr}");
    }
}
