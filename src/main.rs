use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use claims::cli::Cli;

// Imports and exports allocate millions of small strings; glibc's allocator
// spent a third of an import's time in malloc and free (measured).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `COMPLETE=bash claims ...`: the shell asking for candidates.
    clap_complete::CompleteEnv::with_factory(claims::cli::command).complete();
    let matches = claims::cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = runtime
        .block_on(claims::run(cli, &matches, &mut out))
        .and_then(|()| out.flush().map_err(claims::error::Error::Output));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `claims list | head` closing the pipe early is not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Whatever was buffered before the error still belongs on stdout.
            let _ = out.flush();
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
