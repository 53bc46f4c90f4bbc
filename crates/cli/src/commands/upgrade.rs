//! `capstan upgrade RELEASE CHART`: helm's upgrade (and `--install`) on
//! `capstan_lifecycle::upgrade`, printing `Release "x" has been upgraded. Happy Helming!` and
//! the status, or `UPGRADE FAILED: …` with exit 1.

use std::process::ExitCode;

use capstan_lifecycle::{Env, InstallOptions, UpgradeOptions};
use capstan_release::Status;
use capstan_storage::StorageError;

use super::lifecycle_run::{
    cancel_on_signal, crd_dry_run_warning, dry_run, hide_secrets, load_chart, parse_labels,
    release_output, render_options, server_side, Backend, ChartFlags, Reporter, WaitFlags,
};
use super::output::Format;
use super::session::Session;
use super::values_flags::ValuesFlags;
use super::GlobalFlags;

/// Flags of `capstan upgrade`.
#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    /// RELEASE CHART
    pub args: Vec<String>,
    /// if a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long)]
    pub install: bool,
    /// if --install is set, create the release namespace if not present
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// allow deletion of new resources created in this upgrade when upgrade fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// simulates the operation without persisting changes: none, client or server
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset")]
    pub dry_run: Option<String>,
    /// limit the maximum number of revisions saved per release. Use 0 for no limit
    #[arg(long = "history-max", default_value_t = 10)]
    pub history_max: usize,
    /// Labels merged into the release's (a value of null removes a label)
    #[arg(short = 'l', long)]
    pub labels: Vec<String>,
    /// disable pre/post upgrade hooks
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
    /// when upgrading, reset the values to the ones built into the chart
    #[arg(long = "reset-values")]
    pub reset_values: bool,
    /// when upgrading, reuse the last release's values and merge in any overrides
    #[arg(long = "reuse-values")]
    pub reuse_values: bool,
    /// reset the values to the chart's, apply the last release's values, then the overrides
    #[arg(long = "reset-then-reuse-values")]
    pub reset_then_reuse_values: bool,
    /// if set, capstan will rollback the upgrade to the previous successful release on failure
    #[arg(long = "rollback-on-failure")]
    pub rollback_on_failure: bool,
    /// deprecated name of --rollback-on-failure
    #[arg(long, hide = true)]
    pub atomic: bool,
    /// if set, no CRDs will be installed when an upgrade is performed with install flag enabled
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// if set, upgrade will ignore the check for helm annotations and take ownership of the existing resources
    #[arg(long = "take-ownership")]
    pub take_ownership: bool,
    /// force resource updates by replacement
    #[arg(long = "force-replace")]
    pub force_replace: bool,
    /// if set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts")]
    pub force_conflicts: bool,
    /// if set, render subchart notes along with the parent
    #[arg(long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    /// if set, do not show notes in upgrade output
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
    /// if set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// must be "true", "false" or "auto": object updates run in the server instead of the client ("auto" follows the previous revision)
    #[arg(long = "server-side")]
    pub server_side: Option<String>,
    /// chart source and rendering flags helm accepts
    #[command(flatten)]
    pub chart: ChartFlags,
    /// hooks, waiting and timing
    #[command(flatten)]
    pub wait: WaitFlags,
    /// values
    #[command(flatten)]
    pub values: ValuesFlags,
}

/// Runs `capstan upgrade`.
pub fn exec(global: &GlobalFlags, args: UpgradeArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    args.chart.check()?;
    if args.atomic {
        eprintln!("Flag --atomic has been deprecated, use --rollback-on-failure instead");
    }
    let [name, chart_path] = args.args.as_slice() else {
        anyhow::bail!(
            "\"helm upgrade\" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]"
        );
    };
    let common = args.wait.common(args.no_hooks)?;
    let server_side = server_side(args.server_side.as_deref(), false)
        .map_err(|e| anyhow::anyhow!("UPGRADE FAILED: {e}"))?;
    let dry = dry_run(args.dry_run.as_deref())?;
    args.chart.check_hide_secret(dry, "UPGRADE FAILED: ")?;
    let labels = parse_labels(&args.labels)?;
    let name_for_signal = name.clone();
    let session = Session::connect(global)?;
    let namespace = session.namespace().to_owned();
    let reporter = Reporter::new(format);
    // helm's `--install` history check meets the dead cluster first (no prefix).
    session.block_on(session.reachable()).map_err(|e| {
        if args.install {
            e
        } else {
            anyhow::anyhow!("UPGRADE FAILED: {e}")
        }
    })?;
    let backend = session.block_on(Backend::new(&session, &namespace))?;
    let rollback_on_failure = args.rollback_on_failure || args.atomic;
    // `--install` with no release (or an uninstalled one) is an install, as helm decides it
    // before loading values.
    let install_instead = if args.install {
        match session.block_on(backend.storage.history(name)) {
            Err(StorageError::NotFound) => Some(false),
            Ok(h) if h.last().and_then(|r| r.status()) == Some(Status::Uninstalled) => Some(true),
            Ok(_) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let values = args.values.merge()?;
    let chart = load_chart(chart_path).map_err(|e| match install_instead {
        Some(_) => e,
        None => anyhow::anyhow!("UPGRADE FAILED: {e}"),
    })?;
    if install_instead.is_some() && format == Format::Table {
        println!("Release {name:?} does not exist. Installing it now.");
    }
    let result = session.block_on(async {
        cancel_on_signal(&name_for_signal);
        if install_instead.is_some() {
            crd_dry_run_warning(&chart, dry, args.skip_crds);
        }
        // Helm's upgrade reads the server's capabilities in every dry-run mode; only an
        // install (`--install` of a missing release) renders offline for `--dry-run=client`.
        let caps_mode = match install_instead {
            Some(_) => dry,
            None => capstan_lifecycle::DryRun::None,
        };
        let render = render_options(
            &session,
            caps_mode,
            args.render_subchart_notes,
            args.skip_schema_validation,
        )
        .await?;
        let sink = |e| reporter.on_event(e);
        let env = Env {
            cluster: &backend.resources,
            storage: &backend.storage,
            locks: &backend.locks,
            events: &sink,
        };
        if let Some(replace) = install_instead {
            let opts = InstallOptions {
                name: name.clone(),
                namespace: namespace.clone(),
                common,
                create_namespace: args.create_namespace,
                dry_run: dry,
                replace,
                rollback_on_failure,
                skip_crds: args.skip_crds,
                description: args.description.clone(),
                labels,
                take_ownership: args.take_ownership,
                force_replace: args.force_replace,
                // helm: an install unless `--server-side=false`.
                client_side: server_side == Some(false),
                render,
            };
            // helm returns the install's error without the UPGRADE FAILED prefix here.
            return capstan_lifecycle::install(&env, chart, &values, &opts)
                .await
                .map_err(|e| anyhow::anyhow!("{}", super::install::install_error(&e)));
        }
        let opts = UpgradeOptions {
            name: name.clone(),
            namespace: namespace.clone(),
            common,
            install: args.install,
            create_namespace: args.create_namespace,
            dry_run: dry,
            rollback_on_failure,
            cleanup_on_fail: args.cleanup_on_fail,
            history_max: Some(args.history_max),
            reuse_values: args.reuse_values,
            reset_values: args.reset_values,
            reset_then_reuse_values: args.reset_then_reuse_values,
            description: args.description.clone(),
            labels,
            take_ownership: args.take_ownership,
            force_replace: args.force_replace,
            server_side,
            force_conflicts: args.force_conflicts,
            skip_crds: args.skip_crds,
            render,
        };
        capstan_lifecycle::upgrade(&env, chart, &values, &opts)
            .await
            .map_err(|e| anyhow::anyhow!("UPGRADE FAILED: {e}"))
    });
    reporter.finish();
    let mut rel = result?;
    if args.chart.hide_secret {
        rel.manifest = hide_secrets(&rel.manifest);
    }
    let mut text = String::new();
    if install_instead.is_none() && format == Format::Table {
        text.push_str(&format!(
            "Release {name:?} has been upgraded. Happy Helming!\n"
        ));
    }
    text.push_str(&release_output(&rel, format, args.hide_notes)?);
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
