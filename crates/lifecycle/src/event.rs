//! What the executor reports while it works. The CLI prints these as live lines, or as one
//! JSON object per line with `--output json` (`serde_json::to_string(&event)`).

use serde::Serialize;

/// One thing that happened, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A plan step started (`phase` is the step's name, e.g. `pre-install hooks`).
    PhaseStarted {
        /// Step name.
        phase: String,
    },
    /// A plan step ended.
    PhaseFinished {
        /// Step name.
        phase: String,
        /// Whether it succeeded.
        ok: bool,
    },
    /// A hook object was created.
    HookCreated {
        /// Hook event (`pre-install`, …).
        hook_event: String,
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// Weight.
        weight: i64,
    },
    /// A hook is still running (emitted periodically while it is waited on).
    HookRunning {
        /// Name.
        name: String,
        /// Seconds since it was created.
        elapsed_secs: u64,
        /// Pod phase or Job state when known.
        state: String,
    },
    /// A hook finished successfully.
    HookSucceeded {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
    },
    /// A hook failed.
    HookFailed {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The error (Helm's text).
        reason: String,
        /// The failed pod's last log lines and the object's Events, when available.
        diagnostics: Vec<String>,
    },
    /// A hook failed but carries `capstan.io/hook-failure-policy: warn`.
    HookWarned {
        /// Name.
        name: String,
        /// The error.
        reason: String,
    },
    /// A hook object was deleted by a delete policy.
    HookDeleted {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The policy that deleted it.
        policy: String,
    },
    /// A regular resource was applied.
    ResourceApplied {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// Namespace (empty for cluster-scoped).
        namespace: String,
        /// Whether it did not exist before.
        created: bool,
    },
    /// A regular resource is ready (`--wait`).
    ResourceReady {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
    },
    /// A regular resource was deleted.
    ResourceDeleted {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
    },
    /// A resource was left in place by `helm.sh/resource-policy: keep`.
    ResourceKept {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
    },
    /// A release record was written.
    ReleaseRecorded {
        /// Release.
        name: String,
        /// Revision.
        revision: i64,
        /// Status.
        status: String,
        /// Description.
        description: String,
    },
    /// A release record was deleted (purge, history pruning).
    ReleaseDeleted {
        /// Release.
        name: String,
        /// Revision.
        revision: i64,
    },
    /// Something the user should know (stale pending release recovered, unknown hooks…).
    Warning {
        /// The message.
        message: String,
    },
    /// A hook's container logs by its `helm.sh/hook-output-log-policy` (helm prints them on
    /// stderr, raw), emitted before the matching delete policy runs.
    HookLogs {
        /// Hook name.
        name: String,
        /// `pod (container)`.
        source: String,
        /// The lines.
        lines: Vec<String>,
    },
    /// A test hook's logs (`test --logs`), fetched before delete policies run.
    Logs {
        /// Pod (and container) the lines come from.
        source: String,
        /// The lines.
        lines: Vec<String>,
    },
}
