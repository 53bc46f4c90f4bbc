//! The `capstan` command: a thin dispatcher. Each subcommand lives in `commands/` as a flag
//! struct plus an `exec` function that calls into the library crates.

mod commands;

use std::process::ExitCode;

/// Rendering allocates and frees many small strings, maps and lists. mimalloc was much
/// faster than glibc's allocator when instructions dominated; how the two compare now that
/// page faults weigh as much is in docs/render.md, "Speed".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the binding has no constants for its options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// mimalloc's `mi_option_allow_thp`.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Allocator policy for a short-lived command-line process, set before the first
/// allocation creates an arena (so it runs as an ELF constructor, ahead of the Rust
/// runtime's own start-up):
/// - No transparent huge pages: a 2 MiB page is cleared whole when first touched, which
///   tripled the resident memory of a template render and cost more time than the page
///   faults it saves. (Committing arena memory lazily instead cost a `mprotect` call per
///   64 KiB, about 50 per render.)
/// - Freed memory is kept rather than handed back to the kernel: returning it (`madvise`)
///   and faulting it in again when it is reused cost 2-4% of a template render.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static ALLOCATOR_POLICY: extern "C" fn() = allocator_policy;

#[cfg(target_os = "linux")]
extern "C" fn allocator_policy() {
    // SAFETY: sets process-wide allocator options before any allocation; nothing else
    // runs yet.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
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
