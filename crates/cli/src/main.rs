//! The `capstan` command: a thin dispatcher. Each subcommand lives in `commands/` as a flag
//! struct plus an `exec` function that calls into the library crates.

mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Rendering allocates and frees many small strings, maps and lists; mimalloc does that
/// markedly faster than glibc's allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match commands::Cli::try_parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(err) => return commands::clap_failure(err),
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Helm (cobra) prints `Error: <message>` and exits 1; scripts match on that.
            eprintln!("Error: {err:#}");
            ExitCode::from(1)
        }
    }
}
