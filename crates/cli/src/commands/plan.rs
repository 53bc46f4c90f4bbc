//! `capstan plan install|upgrade|rollback|uninstall RELEASE [CHART]`: the lifecycle timeline
//! before anything happens. The lifecycle crate's pure `plan_*` functions give the steps;
//! this command explains them (phases in order, each hook with its weight, kind, delete
//! policy and what its failure would do) and, when the cluster answers, compares the
//! rendered resources with the live objects: what would be created, changed and deleted.
//! Nothing is written to the cluster or the release storage.

mod diff;
mod report;
mod text;

use std::process::ExitCode;

use anyhow::Context;
use capstan_lifecycle::render::{render_release, RenderTarget};
use capstan_lifecycle::request::CommonOptions;
use capstan_lifecycle::upgrade::{current_revision, upgrade_values};
use capstan_lifecycle::{
    InstallOptions, Plan, RenderOptions, RollbackOptions, UninstallOptions, UpgradeOptions,
};
use capstan_release::Release;
use capstan_storage::StorageError;

use super::session::Session;
use super::values_flags::ValuesFlags;
use super::GlobalFlags;
use report::{build_report, LiveView};

/// `capstan plan` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// the timeline of `install RELEASE CHART`
    Install(InstallPlanArgs),
    /// the timeline of `upgrade RELEASE CHART`
    Upgrade(UpgradePlanArgs),
    /// the timeline of `rollback RELEASE [REVISION]`
    Rollback(RollbackPlanArgs),
    /// the timeline of `uninstall RELEASE`
    Uninstall(UninstallPlanArgs),
}

/// Flags every plan takes (the lifecycle flags that change the timeline, and the format).
#[derive(Debug, Clone, clap::Args)]
pub struct CommonPlanFlags {
    /// output format: text or json
    #[arg(short = 'o', long, default_value = "text")]
    pub output: String,
    /// plan without hooks
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// plan a wait for the resources to be ready
    #[arg(long)]
    pub wait: bool,
    /// with --wait, Jobs must complete
    #[arg(long = "wait-for-jobs")]
    pub wait_for_jobs: bool,
    /// plan hooks of equal weight to run together (capstan's --parallel-hooks)
    #[arg(long = "parallel-hooks")]
    pub parallel_hooks: bool,
}

impl CommonPlanFlags {
    fn common(&self) -> CommonOptions {
        CommonOptions {
            no_hooks: self.no_hooks,
            wait: self.wait || self.wait_for_jobs,
            wait_for_jobs: self.wait_for_jobs,
            parallel_hooks: self.parallel_hooks,
            ..CommonOptions::default()
        }
    }
}

/// `capstan plan install`.
#[derive(Debug, clap::Args)]
pub struct InstallPlanArgs {
    /// release name
    pub name: String,
    /// chart directory or .tgz
    pub chart: String,
    #[command(flatten)]
    pub common: CommonPlanFlags,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// plan an uninstall when the install fails
    #[arg(long = "rollback-on-failure", alias = "atomic")]
    pub rollback_on_failure: bool,
    /// plan the namespace's creation
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// reuse the name of an uninstalled or failed release
    #[arg(long)]
    pub replace: bool,
    /// leave the chart's CRDs out
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
}

/// `capstan plan upgrade`.
#[derive(Debug, clap::Args)]
pub struct UpgradePlanArgs {
    /// release name
    pub name: String,
    /// chart directory or .tgz
    pub chart: String,
    #[command(flatten)]
    pub common: CommonPlanFlags,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// plan an install when the release does not exist
    #[arg(short = 'i', long)]
    pub install: bool,
    /// plan a rollback when the upgrade fails
    #[arg(long = "rollback-on-failure", alias = "atomic")]
    pub rollback_on_failure: bool,
    /// plan the deletion of created objects when the upgrade fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// reuse the last release's values and merge in the new ones
    #[arg(long = "reuse-values")]
    pub reuse_values: bool,
    /// reset the values to the chart's
    #[arg(long = "reset-values")]
    pub reset_values: bool,
    /// reset to the chart's values, then merge the last release's and the new ones
    #[arg(long = "reset-then-reuse-values")]
    pub reset_then_reuse_values: bool,
}

/// `capstan plan rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackPlanArgs {
    /// release name
    pub name: String,
    /// revision to roll back to (default: the one before the newest)
    pub revision: Option<i64>,
    #[command(flatten)]
    pub common: CommonPlanFlags,
    /// plan the deletion of created objects when the rollback fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
    /// plan capstan's fix: a failed pre- or post-rollback hook marks the revision failed
    /// (helm leaves it pending-rollback)
    #[arg(long = "fail-on-hook-error")]
    pub fail_on_hook_error: bool,
}

/// `capstan plan uninstall`.
#[derive(Debug, clap::Args)]
pub struct UninstallPlanArgs {
    /// release name
    pub name: String,
    #[command(flatten)]
    pub common: CommonPlanFlags,
    /// keep the release history (status uninstalled)
    #[arg(long = "keep-history")]
    pub keep_history: bool,
    /// treat a missing release as nothing to do
    #[arg(long = "ignore-not-found")]
    pub ignore_not_found: bool,
}

/// Where the plan's inputs come from: the cluster when it answers, else nothing (install
/// only: a plan with every resource to be created).
struct Inputs {
    session: Option<Session>,
    namespace: String,
    unreachable: Option<String>,
}

impl Inputs {
    fn open(global: &GlobalFlags) -> Inputs {
        let fallback_ns = global
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".into());
        match Session::connect(global) {
            Ok(s) => match s.block_on(s.reachable()) {
                Ok(()) => Inputs {
                    namespace: s.namespace().to_owned(),
                    session: Some(s),
                    unreachable: None,
                },
                Err(e) => Inputs {
                    session: None,
                    namespace: fallback_ns,
                    unreachable: Some(format!("{e:#}")),
                },
            },
            Err(e) => Inputs {
                session: None,
                namespace: fallback_ns,
                unreachable: Some(format!("{e:#}")),
            },
        }
    }

    /// The stored history of `name`, oldest first (empty offline or when there is none).
    fn history(&self, name: &str) -> anyhow::Result<Vec<Release>> {
        let Some(s) = &self.session else {
            return Ok(Vec::new());
        };
        let storage = s.storage()?;
        match s.block_on(storage.history(name)) {
            Ok(h) => Ok(h),
            Err(StorageError::NotFound) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// History that must exist: upgrade, rollback and uninstall need the cluster.
    fn require(&self, action: &str) -> anyhow::Result<&Session> {
        match (&self.session, &self.unreachable) {
            (Some(s), _) => Ok(s),
            (None, why) => anyhow::bail!(
                "plan {action} reads the release's history from the cluster: {}",
                why.as_deref().unwrap_or("Kubernetes cluster unreachable")
            ),
        }
    }

    fn render_options(&self) -> anyhow::Result<RenderOptions> {
        let Some(s) = &self.session else {
            return Ok(RenderOptions::default());
        };
        let res = capstan_kube::resources::Resources::new(s.cluster.client.clone());
        let caps = s
            .block_on(capstan_kube::observe::capabilities(&res))
            .map_err(|e| anyhow::anyhow!("Kubernetes cluster unreachable: {e}"))?;
        Ok(RenderOptions {
            kube_version: Some(caps.kube_version),
            api_versions: caps.api_versions,
            ..RenderOptions::default()
        })
    }
}

/// Runs a `capstan plan` subcommand.
pub fn exec(global: &GlobalFlags, cmd: PlanCommand) -> anyhow::Result<ExitCode> {
    let inputs = Inputs::open(global);
    let (plan, previous, flags) = match cmd {
        PlanCommand::Install(a) => {
            let hist = inputs.history(&a.name)?;
            let opts = InstallOptions {
                name: a.name.clone(),
                namespace: inputs.namespace.clone(),
                common: a.common.common(),
                create_namespace: a.create_namespace,
                replace: a.replace,
                rollback_on_failure: a.rollback_on_failure,
                skip_crds: a.skip_crds,
                render: inputs.render_options()?,
                ..InstallOptions::default()
            };
            (
                plan_install(&a.chart, &a.values, &opts, &hist)?,
                None,
                a.common,
            )
        }
        PlanCommand::Upgrade(a) => {
            inputs.require("upgrade")?;
            let hist = inputs.history(&a.name)?;
            let render = inputs.render_options()?;
            if hist.is_empty() && a.install {
                let opts = InstallOptions {
                    name: a.name.clone(),
                    namespace: inputs.namespace.clone(),
                    common: a.common.common(),
                    rollback_on_failure: a.rollback_on_failure,
                    render,
                    ..InstallOptions::default()
                };
                (
                    plan_install(&a.chart, &a.values, &opts, &hist)?,
                    None,
                    a.common,
                )
            } else {
                let opts = UpgradeOptions {
                    name: a.name.clone(),
                    namespace: inputs.namespace.clone(),
                    common: a.common.common(),
                    rollback_on_failure: a.rollback_on_failure,
                    cleanup_on_fail: a.cleanup_on_fail,
                    reuse_values: a.reuse_values,
                    reset_values: a.reset_values,
                    reset_then_reuse_values: a.reset_then_reuse_values,
                    render,
                    ..UpgradeOptions::default()
                };
                let (plan, prev) = plan_upgrade(&a.chart, &a.values, &opts, &hist)?;
                (plan, Some(prev), a.common)
            }
        }
        PlanCommand::Rollback(a) => {
            inputs.require("rollback")?;
            let hist = inputs.history(&a.name)?;
            let opts = RollbackOptions {
                name: a.name.clone(),
                namespace: inputs.namespace.clone(),
                revision: a.revision.unwrap_or(0),
                common: a.common.common(),
                cleanup_on_fail: a.cleanup_on_fail,
                fail_on_hook_error: a.fail_on_hook_error,
                ..RollbackOptions::default()
            };
            let plan = capstan_lifecycle::plan_rollback(&opts, &hist, None)?;
            let prev = hist.last().map(|r| r.manifest.clone());
            (plan, prev, a.common)
        }
        PlanCommand::Uninstall(a) => {
            inputs.require("uninstall")?;
            let hist = inputs.history(&a.name)?;
            let opts = UninstallOptions {
                name: a.name.clone(),
                namespace: inputs.namespace.clone(),
                common: a.common.common(),
                keep_history: a.keep_history,
                ignore_not_found: a.ignore_not_found,
                ..UninstallOptions::default()
            };
            match capstan_lifecycle::plan_uninstall(&opts, &hist)? {
                Some(plan) => (plan, None, a.common),
                None => {
                    println!("release {:?} not found: nothing to do", a.name);
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    };
    let live = match &inputs.session {
        Some(s) => LiveView::Cluster(s),
        None => LiveView::Offline(
            inputs
                .unreachable
                .clone()
                .unwrap_or_else(|| "Kubernetes cluster unreachable".into()),
        ),
    };
    let report = build_report(&plan, previous.as_deref(), &live)?;
    match flags.output.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&report)?),
        "text" | "table" | "" => print!("{}", text::render(&report)),
        other => anyhow::bail!("invalid format type {other:?}: plan prints text or json"),
    }
    Ok(ExitCode::SUCCESS)
}

fn load_chart(path: &str) -> anyhow::Result<capstan_chart::Chart> {
    capstan_chart::load(path).with_context(|| format!("load chart {path}"))
}

/// Renders the chart for an install and plans it.
fn plan_install(
    chart: &str,
    values: &ValuesFlags,
    opts: &InstallOptions,
    hist: &[Release],
) -> anyhow::Result<Plan> {
    let revision = capstan_lifecycle::install::install_revision(opts, hist)?;
    let target = RenderTarget {
        name: &opts.name,
        namespace: &opts.namespace,
        revision,
        is_upgrade: false,
    };
    let rendered = render_release(load_chart(chart)?, &values.merge()?, &target, &opts.render)?;
    Ok(capstan_lifecycle::plan_install(opts, &rendered, hist)?)
}

/// Renders the chart for an upgrade (values as `--reuse-values` & co say) and plans it;
/// also returns the manifest of the revision being replaced.
fn plan_upgrade(
    chart: &str,
    values: &ValuesFlags,
    opts: &UpgradeOptions,
    hist: &[Release],
) -> anyhow::Result<(Plan, String)> {
    let last = hist
        .last()
        .ok_or_else(|| anyhow::anyhow!("{:?} has no deployed releases", opts.name))?;
    let current = current_revision(&opts.name, hist)?;
    let mut chart = load_chart(chart)?;
    let vals = upgrade_values(&mut chart, &values.merge()?, current, opts.values_mode());
    let target = RenderTarget {
        name: &opts.name,
        namespace: &current.namespace,
        revision: last.version + 1,
        is_upgrade: true,
    };
    let rendered = render_release(chart, &vals, &target, &opts.render)?;
    let plan = capstan_lifecycle::plan_upgrade(opts, &rendered, hist, None)?;
    Ok((plan, current.manifest.clone()))
}
