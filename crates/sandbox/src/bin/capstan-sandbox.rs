//! `capstan-sandbox serve --listen 127.0.0.1:0 --write-kubeconfig FILE [--exec simulate|local]
//! [--state-dir DIR] [--pod-start-delay-ms N] [--pod-run-ms N] [--faults FILE]`: runs the
//! sandbox in the foreground (the same flags `capstan sandbox serve` will take).

use capstan_sandbox::{run_foreground, FaultPlan, SandboxConfig};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

fn usage() -> ExitCode {
    eprintln!("usage: capstan-sandbox serve [--listen ADDR] [--write-kubeconfig FILE] [--exec simulate|local] [--state-dir DIR] [--pod-start-delay-ms N] [--pod-run-ms N] [--faults FILE] [--seed N]");
    ExitCode::from(2)
}

/// `up`, `down` and `status` of the background sandbox under the user's data directory.
fn background(cmd: &str) -> ExitCode {
    use capstan_sandbox::background::{self, BackgroundPaths, BackgroundStatus};
    let paths = match BackgroundPaths::for_user() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("capstan-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let res = match cmd {
        "up" => match std::env::current_exe() {
            Ok(exe) => background::up(
                &paths,
                &[exe.into_os_string(), "serve".into()],
                &[],
                Duration::from_secs(10),
            ),
            Err(e) => {
                eprintln!("capstan-sandbox: {e}");
                return ExitCode::FAILURE;
            }
        },
        "down" => background::down(&paths, Duration::from_secs(10)),
        _ => Ok(background::status(&paths)),
    };
    match res {
        Ok(BackgroundStatus::Running { pid, kubeconfig }) => {
            println!("running (pid {pid}); kubeconfig: {}", kubeconfig.display());
            ExitCode::SUCCESS
        }
        Ok(BackgroundStatus::Stopped) => {
            println!("stopped");
            ExitCode::from(if cmd == "status" { 3 } else { 0 })
        }
        Err(e) => {
            eprintln!("capstan-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {}
        Some(cmd @ ("up" | "down" | "status")) => return background(cmd),
        _ => return usage(),
    }
    let mut cfg = SandboxConfig::default();
    let mut kubeconfig: Option<PathBuf> = None;
    let mut it = args.iter().skip(1);
    while let Some(flag) = it.next() {
        let Some(val) = it.next() else { return usage() };
        let res: Result<(), String> = (|| {
            match flag.as_str() {
                "--listen" => cfg.listen = val.parse().map_err(|e| format!("--listen: {e}"))?,
                "--write-kubeconfig" => kubeconfig = Some(PathBuf::from(val)),
                "--exec" => cfg.exec = val.parse().map_err(|e| format!("{e}"))?,
                "--state-dir" => cfg.state_dir = Some(PathBuf::from(val)),
                "--pod-start-delay-ms" => {
                    cfg.pod_start_delay =
                        Duration::from_millis(val.parse().map_err(|e| format!("{flag}: {e}"))?)
                }
                "--pod-run-ms" => {
                    cfg.pod_run_duration =
                        Duration::from_millis(val.parse().map_err(|e| format!("{flag}: {e}"))?)
                }
                "--seed" => cfg.seed = val.parse().map_err(|e| format!("{flag}: {e}"))?,
                "--faults" => {
                    let text = std::fs::read_to_string(val).map_err(|e| format!("{val}: {e}"))?;
                    cfg.faults = serde_json::from_str::<FaultPlan>(&text)
                        .map_err(|e| format!("{val}: {e}"))?;
                }
                other => return Err(format!("unknown flag {other}")),
            }
            Ok(())
        })();
        if let Err(e) = res {
            eprintln!("capstan-sandbox: {e}");
            return usage();
        }
    }
    match run_foreground(cfg, kubeconfig.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capstan-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}
