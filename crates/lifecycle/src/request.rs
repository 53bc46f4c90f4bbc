//! What each lifecycle command is asked to do: one options struct per action, with a field
//! for every helm flag that changes the lifecycle (the CLI fills them from its flags).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Helm's default `--timeout` (5m0s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Helm's default `--history-max` for upgrade and rollback.
pub const DEFAULT_HISTORY_MAX: usize = 10;

/// `--dry-run[=client|server]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DryRun {
    /// Not a dry run.
    #[default]
    None,
    /// `--dry-run` / `--dry-run=client`: nothing is sent to the cluster or stored.
    Client,
    /// `--dry-run=server`: as client, but the cluster is read (ownership checks, lookup).
    Server,
}

impl DryRun {
    /// Whether anything is to be skipped.
    pub fn is_dry_run(self) -> bool {
        self != DryRun::None
    }
}

/// `--cascade`: the deletion propagation of uninstall.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cascade {
    /// `background` (the default).
    #[default]
    Background,
    /// `foreground`.
    Foreground,
    /// `orphan`.
    Orphan,
}

/// The render inputs that come from the cluster (`.Capabilities`); the CLI reads them from
/// the server (`capstan_kube::observe::capabilities`), tests give them directly.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// The server's version (`v1.31.0`); `None` = Helm's default for offline rendering.
    pub kube_version: Option<String>,
    /// Every served `group/version` and `group/version/Kind`.
    pub api_versions: Vec<String>,
    /// `--render-subchart-notes`.
    pub subchart_notes: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// Options shared by every action that runs hooks and waits.
#[derive(Clone, Debug)]
pub struct CommonOptions {
    /// `--timeout`: each hook wait, the resource wait and each delete wait get all of it.
    pub timeout: Duration,
    /// `--wait`: wait for regular resources to be ready (Helm 4's `watcher` strategy).
    pub wait: bool,
    /// `--wait-for-jobs`: with `--wait`, Jobs must complete.
    pub wait_for_jobs: bool,
    /// `--no-hooks`: skip this action's hooks.
    pub no_hooks: bool,
    /// `--parallel-hooks` (capstan): hooks of equal weight run concurrently.
    pub parallel_hooks: bool,
}

impl Default for CommonOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            wait_for_jobs: false,
            no_hooks: false,
            parallel_hooks: false,
        }
    }
}

/// `capstan install NAME CHART`.
#[derive(Clone, Debug, Default)]
pub struct InstallOptions {
    /// Release name (the CLI resolves `--generate-name` before calling).
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// Hooks, waiting, timeout.
    pub common: CommonOptions,
    /// `--create-namespace`.
    pub create_namespace: bool,
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--replace`: reuse the name of an `uninstalled` or `failed` release.
    pub replace: bool,
    /// `--rollback-on-failure` (old name `--atomic`): uninstall on failure.
    pub rollback_on_failure: bool,
    /// `--skip-crds`.
    pub skip_crds: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--labels`: stored on the release record.
    pub labels: BTreeMap<String, String>,
    /// `--take-ownership`: adopt existing objects whatever their ownership metadata.
    pub take_ownership: bool,
    /// `--force-replace`: ignored on install (objects are created), as helm 4 creates them.
    pub force_replace: bool,
    /// `--server-side=false`: create the objects client-side and record `apply_method: csa`
    /// (helm 4's default, `false` here, is server-side apply, recorded `ssa`).
    pub client_side: bool,
    /// Render inputs from the cluster.
    pub render: RenderOptions,
}

/// `capstan upgrade NAME CHART`.
#[derive(Clone, Debug, Default)]
pub struct UpgradeOptions {
    /// Release name.
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// Hooks, waiting, timeout.
    pub common: CommonOptions,
    /// `--install`: install when there is no release (or its last revision is uninstalled).
    pub install: bool,
    /// `--create-namespace` (with `--install`).
    pub create_namespace: bool,
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--rollback-on-failure` / `--atomic`: roll back to the last good revision on failure.
    pub rollback_on_failure: bool,
    /// `--cleanup-on-fail`: delete the objects this upgrade created when it fails.
    pub cleanup_on_fail: bool,
    /// `--history-max` (0 keeps everything); `None` = Helm's default 10.
    pub history_max: Option<usize>,
    /// `--reuse-values`.
    pub reuse_values: bool,
    /// `--reset-values`.
    pub reset_values: bool,
    /// `--reset-then-reuse-values`.
    pub reset_then_reuse_values: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--labels`: merged into the previous revision's (value `null` removes a label).
    pub labels: BTreeMap<String, String>,
    /// `--take-ownership`.
    pub take_ownership: bool,
    /// `--force-replace`: replace changed objects whole. Only for a client-side update:
    /// helm 4 refuses it with server-side apply (`invalid operation: cannot use
    /// server-side apply and force replace together`), and so does capstan.
    pub force_replace: bool,
    /// `--server-side`: `Some(true)`/`Some(false)` force server-/client-side apply; `None`
    /// (helm's `auto`) follows the newest revision's `apply_method` (`ssa` → server-side,
    /// absent or `csa`, as helm 3 wrote them → client-side three-way merge).
    pub server_side: Option<bool>,
    /// `--force-conflicts`: server-side apply takes over fields other managers own;
    /// refused for a client-side update (helm: `forceConflicts enabled when serverSideApply
    /// disabled`).
    pub force_conflicts: bool,
    /// `--skip-crds` (for `--install`).
    pub skip_crds: bool,
    /// Render inputs from the cluster.
    pub render: RenderOptions,
}

/// `capstan rollback NAME [REVISION]`.
#[derive(Clone, Debug, Default)]
pub struct RollbackOptions {
    /// Release name.
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// Target revision; 0 = the one before the newest.
    pub revision: i64,
    /// Hooks, waiting, timeout.
    pub common: CommonOptions,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--cleanup-on-fail`.
    pub cleanup_on_fail: bool,
    /// `--force-replace`: replace changed objects whole; refused with server-side apply,
    /// as helm 4 refuses it.
    pub force_replace: bool,
    /// `--server-side` (`None` = `auto`: the target revision's `apply_method` decides, as
    /// for upgrade).
    pub server_side: Option<bool>,
    /// `--force-conflicts` (as for upgrade).
    pub force_conflicts: bool,
    /// `--history-max`; `None` = 10.
    pub history_max: Option<usize>,
    /// `--description` (≤ 256 characters).
    pub description: Option<String>,
    /// capstan (opt-in): a failed pre/post-rollback hook marks the new revision `failed`
    /// instead of leaving it `pending-rollback` as helm does. `false` (default) = helm.
    pub fail_on_hook_error: bool,
}

/// `capstan uninstall NAME`.
#[derive(Clone, Debug, Default)]
pub struct UninstallOptions {
    /// Release name.
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// Hooks, waiting, timeout.
    pub common: CommonOptions,
    /// `--keep-history`.
    pub keep_history: bool,
    /// `--cascade`.
    pub cascade: Cascade,
    /// `--ignore-not-found`.
    pub ignore_not_found: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--description`.
    pub description: Option<String>,
}

/// `capstan test NAME`.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// Release name.
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// `--timeout` (other fields of `common` are ignored, except `parallel_hooks`).
    pub common: CommonOptions,
    /// `--filter name=X` (include) and `--filter '!name=X'` (exclude), as given.
    pub filters: Vec<String>,
    /// `--logs`: collect the test pods' logs before delete policies run.
    pub logs: bool,
}

/// Values handling of upgrade (`--reuse-values` & co), as Helm decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValuesMode {
    /// `--reset-values`: only the new values.
    Reset,
    /// `--reuse-values`: old config under the new values, old computed values as defaults.
    Reuse,
    /// `--reset-then-reuse-values`: new chart defaults, old config, new values.
    ResetThenReuse,
    /// No flag: reuse the old config if no new values were given, else only the new ones.
    Default,
}

/// Helm 4's choice between server-side and client-side apply for an update: the flag when
/// given, else (`auto`) server-side only when the previous revision says `ssa`.
pub fn server_side_apply(flag: Option<bool>, previous_apply_method: &str) -> bool {
    flag.unwrap_or(previous_apply_method == "ssa")
}

/// The `apply_method` a revision applied that way records.
pub fn apply_method(server_side: bool) -> &'static str {
    if server_side {
        "ssa"
    } else {
        "csa"
    }
}

impl UpgradeOptions {
    /// The values mode the flags select (`--reset-values` wins, as in Helm).
    pub fn values_mode(&self) -> ValuesMode {
        if self.reset_values {
            ValuesMode::Reset
        } else if self.reuse_values {
            ValuesMode::Reuse
        } else if self.reset_then_reuse_values {
            ValuesMode::ResetThenReuse
        } else {
            ValuesMode::Default
        }
    }
}
