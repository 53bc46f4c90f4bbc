//! `capstan sandbox serve|up|down|status`: the local Kubernetes API emulator (see
//! docs/sandbox.md). `serve` runs in the foreground; `up`/`down`/`status` manage a background
//! one whose pid file, log and kubeconfig live under the user's data directory.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use capstan_sandbox::background::{self, BackgroundPaths, BackgroundStatus};
use capstan_sandbox::{run_foreground, FaultPlan, SandboxConfig};

/// `capstan sandbox` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SandboxCommand {
    /// run a sandbox in the foreground until Ctrl-C
    Serve(ServeArgs),
    /// start a background sandbox (kubeconfig under the user's data directory)
    Up,
    /// stop the background sandbox
    Down,
    /// say whether the background sandbox runs (exit 3 when it does not)
    Status,
}

/// Flags of `capstan sandbox serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// loopback address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// write a kubeconfig (context capstan-sandbox) here once ready
    #[arg(long = "write-kubeconfig")]
    pub write_kubeconfig: Option<PathBuf>,
    /// how containers run: simulate (annotations decide outcomes) or local (runs the
    /// container's command on this machine)
    #[arg(long, default_value = "simulate")]
    pub exec: String,
    /// directory for the audit log and local-exec working directories
    #[arg(long = "state-dir")]
    pub state_dir: Option<PathBuf>,
    /// delay before pods start and workloads report ready, in milliseconds
    #[arg(long = "pod-start-delay-ms")]
    pub pod_start_delay_ms: Option<u64>,
    /// default run time of a simulated run-to-completion container, in milliseconds
    #[arg(long = "pod-run-ms")]
    pub pod_run_ms: Option<u64>,
    /// fault-injection plan (JSON, see docs/sandbox.md)
    #[arg(long)]
    pub faults: Option<PathBuf>,
    /// seed for generated names, uids and injected faults
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Runs a `capstan sandbox` subcommand.
pub fn exec(cmd: SandboxCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SandboxCommand::Serve(args) => serve(args),
        SandboxCommand::Up => background_cmd("up"),
        SandboxCommand::Down => background_cmd("down"),
        SandboxCommand::Status => background_cmd("status"),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut cfg = SandboxConfig {
        listen: args.listen,
        ..SandboxConfig::default()
    };
    cfg.exec = args
        .exec
        .parse()
        .map_err(|e| anyhow::anyhow!("--exec: {e}"))?;
    cfg.state_dir = args.state_dir;
    if let Some(ms) = args.pod_start_delay_ms {
        cfg.pod_start_delay = Duration::from_millis(ms);
    }
    if let Some(ms) = args.pod_run_ms {
        cfg.pod_run_duration = Duration::from_millis(ms);
    }
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    if let Some(path) = args.faults {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        cfg.faults = serde_json::from_str::<FaultPlan>(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    run_foreground(cfg, args.write_kubeconfig.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn background_cmd(cmd: &str) -> anyhow::Result<ExitCode> {
    let paths = BackgroundPaths::for_user()?;
    let status = match cmd {
        "up" => {
            let exe = std::env::current_exe()?;
            background::up(
                &paths,
                &[exe.into_os_string(), "sandbox".into(), "serve".into()],
                &[],
                Duration::from_secs(10),
            )?
        }
        "down" => background::down(&paths, Duration::from_secs(10))?,
        _ => background::status(&paths),
    };
    match status {
        BackgroundStatus::Running { pid, kubeconfig } => {
            println!("running (pid {pid}); kubeconfig: {}", kubeconfig.display());
            Ok(ExitCode::SUCCESS)
        }
        BackgroundStatus::Stopped => {
            println!("stopped");
            Ok(ExitCode::from(if cmd == "status" { 3 } else { 0 }))
        }
    }
}
