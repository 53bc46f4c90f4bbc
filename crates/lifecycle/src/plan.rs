//! The plan: what an action will do, step by step, computed by pure functions from the
//! request, the rendered release and the stored history. The executor is the only code that
//! carries a plan out; `capstan plan` prints one and `--output json` streams its events.

use serde::Serialize;

use capstan_release::{HookEvent, HookRecord, Release, Status};

use crate::hooks::{ordered_hooks, HookStep};
use crate::objects::{ObjRef, Resource};

/// Which command a plan belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// `install`
    Install,
    /// `upgrade`
    Upgrade,
    /// `rollback`
    Rollback,
    /// `uninstall`
    Uninstall,
    /// `test`
    Test,
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// The newest revision was left `pending-*` by an operation whose lock expired: mark it
    /// `failed` and go on (capstan's crash recovery).
    RecoverStale {
        /// The stale revision.
        revision: i64,
        /// Its status.
        status: Status,
    },
    /// `--create-namespace`.
    CreateNamespace {
        /// Namespace.
        name: String,
    },
    /// Create the chart's CRDs (existing ones are left alone).
    CreateCrds {
        /// The CRDs.
        crds: Vec<Resource>,
    },
    /// Objects that already exist must carry this release's ownership metadata (else Helm's
    /// `unable to continue with install: … exists and cannot be imported …`), unless
    /// `--take-ownership`.
    CheckOwnership {
        /// Objects to check (for upgrades only those new to the release).
        resources: Vec<ObjRef>,
        /// `--take-ownership`.
        take_ownership: bool,
        /// `install` or `update`, as in Helm's message.
        verb: String,
    },
    /// `install --replace`: the previous newest revision becomes `superseded` (unless failed).
    SupersedeReplaced {
        /// Revision.
        revision: i64,
    },
    /// Store the new revision (history pruned first by `--history-max`).
    CreateRecord {
        /// Revision.
        revision: i64,
        /// Status written.
        status: Status,
        /// Description written.
        description: String,
    },
    /// Rewrite the revision being worked on with a new status.
    UpdateRecord {
        /// Status.
        status: Status,
        /// Description.
        description: String,
    },
    /// Run the hooks of one event in Helm's order.
    RunHooks {
        /// Event.
        hook_event: HookEvent,
        /// Hooks, in execution order.
        hooks: Vec<HookStep>,
        /// capstan's `--parallel-hooks`: equal weights run together.
        parallel: bool,
    },
    /// Apply regular resources (stamped with ownership), kind by kind.
    ApplyResources {
        /// Resources in install order.
        resources: Vec<Resource>,
    },
    /// Upgrade/rollback: delete objects of the previous manifest that the new one lacks,
    /// unless the live object carries `helm.sh/resource-policy: keep`.
    DeleteRemoved {
        /// Candidates.
        resources: Vec<Resource>,
    },
    /// `--wait`: wait until the resources are ready.
    WaitReady {
        /// Resources.
        resources: Vec<ObjRef>,
        /// `--wait-for-jobs`.
        wait_for_jobs: bool,
    },
    /// Uninstall: delete the manifest's objects in uninstall order.
    DeleteResources {
        /// Objects to delete.
        resources: Vec<Resource>,
        /// Objects kept by `helm.sh/resource-policy: keep`.
        kept: Vec<ObjRef>,
    },
    /// Uninstall `--wait`: wait for the deleted objects to be gone.
    WaitDeleted {
        /// Objects.
        resources: Vec<ObjRef>,
    },
    /// Mark earlier revisions `superseded` (upgrade: the one it replaced; rollback: every
    /// `deployed` one; uninstall `--keep-history`: older deployed ones).
    Supersede {
        /// Revisions.
        revisions: Vec<i64>,
    },
    /// Delete every stored revision of the release (uninstall without `--keep-history`).
    PurgeHistory {
        /// Revisions.
        revisions: Vec<i64>,
    },
}

impl Step {
    /// A short name for live output (`pre-install hooks`, `apply resources`).
    pub fn name(&self) -> String {
        match self {
            Step::RecoverStale { .. } => "recover stale release".into(),
            Step::CreateNamespace { .. } => "create namespace".into(),
            Step::CreateCrds { .. } => "create CRDs".into(),
            Step::CheckOwnership { .. } => "check ownership".into(),
            Step::SupersedeReplaced { .. } => "supersede replaced revision".into(),
            Step::CreateRecord { .. } => "record release".into(),
            Step::UpdateRecord { status, .. } => format!("record release {status}"),
            Step::RunHooks { hook_event, .. } => format!("{hook_event} hooks"),
            Step::ApplyResources { .. } => "apply resources".into(),
            Step::DeleteRemoved { .. } => "delete removed resources".into(),
            Step::WaitReady { .. } => "wait for resources".into(),
            Step::DeleteResources { .. } => "delete resources".into(),
            Step::WaitDeleted { .. } => "wait for deletion".into(),
            Step::Supersede { .. } => "supersede previous revisions".into(),
            Step::PurgeHistory { .. } => "purge history".into(),
        }
    }
}

/// What happens when a step fails.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "on-failure", rename_all = "kebab-case")]
pub enum FailurePolicy {
    /// Install: the revision becomes `failed` (`Release "x" failed: …`); with
    /// `--rollback-on-failure` the release is then uninstalled and purged.
    Install {
        /// `--rollback-on-failure`.
        uninstall: bool,
    },
    /// Upgrade: the new revision becomes `failed` (`Upgrade "x" failed: …`), the previous
    /// stays `deployed`; `--cleanup-on-fail` deletes created objects; with
    /// `--rollback-on-failure` a rollback to `rollback_to` follows.
    Upgrade {
        /// `--cleanup-on-fail`.
        cleanup_on_fail: bool,
        /// `--rollback-on-failure`: the newest deployed/superseded revision, if any.
        rollback_to: Option<i64>,
        /// Whether `--rollback-on-failure` was asked.
        rollback_on_failure: bool,
    },
    /// Rollback: apply/wait failures mark the new revision `failed`; hook failures leave it
    /// `pending-rollback` as helm does unless `fail_on_hook_error`.
    Rollback {
        /// `--cleanup-on-fail`.
        cleanup_on_fail: bool,
        /// capstan's opt-in fix for helm's stuck `pending-rollback`.
        fail_on_hook_error: bool,
    },
    /// Uninstall: pre-delete failures stop with the release `uninstalling`; post-delete
    /// errors are collected and reported after the record is written.
    Uninstall,
    /// Test: the release status never changes; hook results are stored.
    Test,
}

/// A plan for one action on one release.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The command.
    pub action: Action,
    /// Release name.
    pub release: String,
    /// Release namespace.
    pub namespace: String,
    /// The revision the action works on (new revision for install/upgrade/rollback).
    pub revision: i64,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// What a failure does.
    pub on_failure: FailurePolicy,
    /// Hook objects are awaited on deletion only under a waiting strategy (Helm 4's
    /// `hookOnly` default skips delete waits).
    pub wait_deletes: bool,
    /// Things the user should know before anything runs.
    pub warnings: Vec<String>,
}

/// The hooks step of `event` for a release's hooks, unless `--no-hooks` (then no step).
pub fn hooks_step(
    hooks: &[HookRecord],
    event: HookEvent,
    no_hooks: bool,
    parallel: bool,
    namespace: &str,
) -> Result<Option<Step>, crate::error::LifecycleError> {
    if no_hooks {
        return Ok(None);
    }
    let steps = ordered_hooks(hooks, event, namespace)?;
    Ok(Some(Step::RunHooks {
        hook_event: event,
        hooks: steps,
        parallel,
    }))
}

/// Revisions of `history` with `status`.
pub fn revisions_with(history: &[Release], status: Status) -> Vec<i64> {
    history
        .iter()
        .filter(|r| r.status() == Some(status))
        .map(|r| r.version)
        .collect()
}

/// The newest revision with status `deployed` or `superseded` before `before` (the target
/// of `--rollback-on-failure` after a failed upgrade).
pub fn last_good_revision(history: &[Release], before: i64) -> Option<i64> {
    history
        .iter()
        .filter(|r| r.version < before)
        .filter(|r| matches!(r.status(), Some(Status::Deployed | Status::Superseded)))
        .map(|r| r.version)
        .max()
}

/// The objects `--wait` waits for: all but paused Deployments, which helm 4's status
/// watcher leaves out (judged on the rendered manifest; a paused rollout never progresses).
pub fn wait_targets(resources: &[Resource]) -> Vec<ObjRef> {
    resources
        .iter()
        .filter(|r| {
            let paused = r.object.pointer("/spec/paused") == Some(&serde_json::Value::Bool(true));
            !(r.r.kind == "Deployment" && r.r.api_version.starts_with("apps/") && paused)
        })
        .map(|r| r.r.clone())
        .collect()
}
