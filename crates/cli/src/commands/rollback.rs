//! `capstan rollback RELEASE [REVISION]`: helm's rollback on `capstan_lifecycle::rollback`,
//! printing `Rollback was a success! Happy Helming!`.

use std::process::ExitCode;

use capstan_lifecycle::{DryRun, Env, RollbackOptions};

use super::lifecycle_run::{dry_run, server_side, Backend, Reporter, WaitFlags};
use super::output::{json_line, yaml_doc, Format};
use super::session::Session;
use super::GlobalFlags;

/// Flags of `capstan rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// <RELEASE> [REVISION]
    pub args: Vec<String>,
    /// allow deletion of new resources created in this rollback when rollback fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// add a custom description for the rollback (max 256 characters)
    #[arg(long)]
    pub description: Option<String>,
    /// simulates the operation without persisting changes: none, client or server
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset")]
    pub dry_run: Option<String>,
    /// force resource updates by replacement
    #[arg(long = "force-replace")]
    pub force_replace: bool,
    /// deprecated name of --force-replace
    #[arg(long, hide = true)]
    pub force: bool,
    /// if set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts")]
    pub force_conflicts: bool,
    /// limit the maximum number of revisions saved per release. Use 0 for no limit
    #[arg(long = "history-max", default_value_t = 10)]
    pub history_max: usize,
    /// prevent hooks from running during rollback
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// capstan: a failed pre/post-rollback hook marks the new revision failed (helm leaves
    /// it pending-rollback, which blocks later upgrades)
    #[arg(long = "fail-on-hook-error")]
    pub fail_on_hook_error: bool,
    /// capstan: `json` streams the lifecycle events as JSON lines, then the release (helm
    /// has no output flag here; the default prints what helm prints)
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
    /// must be "true", "false" or "auto": object updates run in the server instead of the client ("auto" follows the target revision)
    #[arg(long = "server-side")]
    pub server_side: Option<String>,
    /// hooks, waiting and timing
    #[command(flatten)]
    pub wait: WaitFlags,
}

/// Runs `capstan rollback`.
pub fn exec(global: &GlobalFlags, args: RollbackArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    if args.force {
        eprintln!("Flag --force has been deprecated, use --force-replace instead");
    }
    let Some(name) = args.args.first().cloned() else {
        anyhow::bail!(
            "\"helm rollback\" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]"
        );
    };
    let revision = match args.args.get(1) {
        Some(r) => r.parse::<i64>().map_err(|_| {
            anyhow::anyhow!(
                "could not convert revision to a number: strconv.Atoi: parsing {r:?}: invalid syntax"
            )
        })?,
        None => 0,
    };
    if let Some(d) = &args.description {
        let n = d.chars().count();
        if n > 256 {
            anyhow::bail!("description must be 256 characters or less, got {n}");
        }
    }
    let dry = dry_run(args.dry_run.as_deref())?;
    let common = args.wait.common(args.no_hooks)?;
    let server_side = server_side(args.server_side.as_deref(), false)?;
    let session = Session::connect(global)?;
    let namespace = session.namespace().to_owned();
    let reporter = Reporter::new(format);
    session.block_on(session.reachable())?;
    let backend = session.block_on(Backend::new(&session, &namespace))?;
    let opts = RollbackOptions {
        name,
        namespace,
        revision,
        common,
        dry_run: dry != DryRun::None,
        cleanup_on_fail: args.cleanup_on_fail,
        force_replace: args.force_replace || args.force,
        server_side,
        force_conflicts: args.force_conflicts,
        history_max: Some(args.history_max),
        description: args.description.clone(),
        fail_on_hook_error: args.fail_on_hook_error,
    };
    let result = session.block_on(async {
        let sink = |e| reporter.on_event(e);
        let env = Env {
            cluster: &backend.resources,
            storage: &backend.storage,
            locks: &backend.locks,
            events: &sink,
        };
        capstan_lifecycle::rollback(&env, &opts).await
    });
    reporter.finish();
    let rel = result?;
    match format {
        Format::Json => print!("{}", json_line(&rel)?),
        Format::Yaml => print!("{}", yaml_doc(&rel)?),
        Format::Table => println!("Rollback was a success! Happy Helming!"),
    }
    Ok(ExitCode::SUCCESS)
}
