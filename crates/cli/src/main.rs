//! The `capstan` command: a thin dispatcher. Each subcommand lives in `commands/` as a flag
//! struct plus an `exec` function that calls into the library crates.

mod commands;

use std::process::ExitCode;

/// Rendering allocates and frees many small strings, maps and lists; mimalloc does that
/// markedly faster than glibc's allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_arena_eager_commit` (the binding has no constant for it).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// On overcommitting systems mimalloc commits whole arenas up front, which tripled the
/// resident memory of a template render; commit pages as they are used instead. This must
/// happen before the first allocation creates an arena, so it runs as an ELF constructor,
/// ahead of the Rust runtime's own start-up.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LAZY_ARENA_COMMIT: extern "C" fn() = lazy_arena_commit;

#[cfg(target_os = "linux")]
extern "C" fn lazy_arena_commit() {
    // SAFETY: sets a process-wide allocator option before any allocation; nothing else
    // runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    let cli = match commands::parse(std::env::args_os().collect()) {
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
