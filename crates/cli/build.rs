//! Links the `capstan` executable as a position-dependent (non-PIE) binary on Linux.
//!
//! A PIE binary of this size carries ~40,000 relative relocations that the dynamic loader
//! applies at every start, touching (and faulting in) every page of `.data.rel.ro`: about
//! a millisecond per run, which matters for `capstan template` in scripts and CI loops.
//! Linked without PIE, the linker resolves them once. The code itself is unchanged.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bin=capstan=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
