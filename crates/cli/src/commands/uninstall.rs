//! `capstan uninstall RELEASE_NAME [...]` (aliases `del`, `delete`, `un`): helm's uninstall
//! on `capstan_lifecycle::uninstall`, printing `release "x" uninstalled` per release.

use std::process::ExitCode;

use capstan_lifecycle::{Cascade, Env, UninstallOptions};

use super::lifecycle_run::{Backend, Reporter, WaitFlags};
use super::output::{json_line, yaml_doc, Format};
use super::session::Session;
use super::GlobalFlags;

/// Flags of `capstan uninstall`.
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// RELEASE_NAME [...]
    pub args: Vec<String>,
    /// Must be "background", "orphan", or "foreground"
    #[arg(long, default_value = "background")]
    pub cascade: String,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// simulate a uninstall
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Treat "release not found" as a successful uninstall
    #[arg(long = "ignore-not-found")]
    pub ignore_not_found: bool,
    /// remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long = "keep-history")]
    pub keep_history: bool,
    /// prevent hooks from running during uninstallation
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// capstan: `json` streams the lifecycle events as JSON lines, then the release (helm
    /// has no output flag here; the default prints what helm prints)
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
    /// hooks, waiting and timing
    #[command(flatten)]
    pub wait: WaitFlags,
}

/// Runs `capstan uninstall`.
pub fn exec(global: &GlobalFlags, args: UninstallArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    if args.args.is_empty() {
        anyhow::bail!(
            "\"helm uninstall\" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME [...] [flags]"
        );
    }
    let cascade = match args.cascade.as_str() {
        "background" => Cascade::Background,
        "foreground" => Cascade::Foreground,
        "orphan" => Cascade::Orphan,
        other => anyhow::bail!(
            "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
        ),
    };
    let common = args.wait.common(args.no_hooks)?;
    let session = Session::connect(global)?;
    let namespace = session.namespace().to_owned();
    let reporter = Reporter::new(format);
    session.block_on(session.reachable())?;
    let backend = session.block_on(Backend::new(&session, &namespace))?;
    for name in &args.args {
        let opts = UninstallOptions {
            name: name.clone(),
            namespace: namespace.clone(),
            common: common.clone(),
            keep_history: args.keep_history,
            cascade,
            ignore_not_found: args.ignore_not_found,
            dry_run: args.dry_run,
            description: args.description.clone(),
        };
        let result = session.block_on(async {
            let sink = |e| reporter.on_event(e);
            let env = Env {
                cluster: &backend.resources,
                storage: &backend.storage,
                locks: &backend.locks,
                events: &sink,
            };
            capstan_lifecycle::uninstall(&env, &opts).await
        });
        reporter.finish();
        let report = result?;
        if format != Format::Table {
            // The final record (uninstalled, also when purged), or null when nothing was
            // found and --ignore-not-found was given.
            match format {
                Format::Json => print!("{}", json_line(&report.release)?),
                _ => print!("{}", yaml_doc(&report.release)?),
            }
            continue;
        }
        if !report.kept.is_empty() {
            let mut info = String::from("These resources were kept due to the resource policy:\n");
            for k in &report.kept {
                info.push_str(&format!("[{}] {}\n", k.kind, k.name));
            }
            println!("{info}");
        }
        println!("release \"{name}\" uninstalled");
    }
    Ok(ExitCode::SUCCESS)
}
