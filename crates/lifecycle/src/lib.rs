//! The release lifecycle with hooks: `install`, `upgrade`, `rollback`, `uninstall` and
//! `test`, with Helm 4.3.1's order of steps, hook semantics, stored records and error texts
//! (see `../shared/docs/hooks-spec.md` and docs/lifecycle.md).
//!
//! Each action is built in two parts: a pure **plan** (`plan_*`: request + rendered chart +
//! stored history → [`Plan`], no I/O; `capstan plan` prints it) and one **executor** that
//! carries the plan out against a [`Cluster`] and a [`Storage`], reporting [`Event`]s.
//!
//! # How the CLI calls it
//!
//! ```no_run
//! # async fn demo() -> Result<(), capstan_lifecycle::LifecycleError> {
//! use capstan_lifecycle::{install, Env, Event, InstallOptions, Locks};
//! use capstan_kube::cluster::FakeCluster;
//! use capstan_storage::{MemoryDriver, Storage};
//!
//! let cluster = FakeCluster::new(); // the CLI uses capstan_kube::resources::Resources
//! let storage = Storage::new(MemoryDriver::new()); // the CLI uses AnyDriver (HELM_DRIVER)
//! let print = |e: Event| println!("{}", serde_json::to_string(&e).unwrap_or_default());
//! let env = Env { cluster: &cluster, storage: &storage, locks: &Locks::Off, events: &print };
//! let chart = capstan_chart::load("mychart").map_err(|e| capstan_lifecycle::LifecycleError::Render(e.to_string()))?;
//! let opts = InstallOptions { name: "r1".into(), namespace: "default".into(), ..Default::default() };
//! let rel = install(&env, chart, &capstan_chart::Values::new(), &opts).await?;
//! println!("STATUS: {}", rel.status_str());
//! # Ok(()) }
//! ```
//!
//! - Values: pass the merged `-f`/`--set` values (the CLI's `values_flags`); upgrade applies
//!   `--reuse-values`/`--reset-values` itself from the stored config.
//! - `.Capabilities`: fill `RenderOptions` from `capstan_kube::observe::capabilities`.
//! - Errors display as helm prints them after `Error: `; the CLI adds `INSTALLATION FAILED: `
//!   (install) or `UPGRADE FAILED: ` (upgrade) as helm does. Exit code 1.
//! - Locks: `Locks::Lease` in real use (crash recovery needs it), `Locks::Off` to behave
//!   exactly like helm.
//! - `test` returns a [`TestReport`] even when a test fails (helm prints the status then).

#![warn(missing_docs)]

pub mod cancel;
mod common;
pub mod error;
pub mod event;
mod executor;
mod hook_exec;
pub mod hooks;
pub mod install;
pub mod lock;
pub mod objects;
pub mod plan;
pub mod render;
pub mod request;
pub mod rollback;
pub mod test_action;
pub mod uninstall;
pub mod upgrade;

pub use capstan_kube::cluster::Cluster;
pub use capstan_storage::{Driver, Storage};
pub use error::LifecycleError;
pub use event::Event;
pub use install::{install, plan_install};
pub use lock::Locks;
pub use plan::{Action, FailurePolicy, Plan, Step};
pub use request::{
    Cascade, CommonOptions, DryRun, InstallOptions, RenderOptions, RollbackOptions, TestOptions,
    UninstallOptions, UpgradeOptions,
};
pub use rollback::{plan_rollback, rollback};
pub use test_action::{plan_test, test, TestReport};
pub use uninstall::{plan_uninstall, uninstall, UninstallReport};
pub use upgrade::{plan_upgrade, upgrade};

/// What an action works with: the cluster, the release storage, the lock and the event sink.
pub struct Env<'a, C, D> {
    /// The cluster (`Resources` for real, `FakeCluster` in tests).
    pub cluster: &'a C,
    /// Release storage.
    pub storage: &'a Storage<D>,
    /// The operation lock.
    pub locks: &'a Locks,
    /// Receives every event as it happens (the CLI prints them; tests collect them).
    pub events: &'a (dyn Fn(Event) + Send + Sync),
}

impl<C, D> Env<'_, C, D> {
    /// Reports an event.
    pub fn emit(&self, e: Event) {
        (self.events)(e);
    }
}
