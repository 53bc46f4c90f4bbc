//! `upgrade`.

use capstan_chart::{Chart, Values};
use capstan_release::Release;

use crate::render::Rendered;
use crate::{Cluster, Driver, Env, LifecycleError, Plan, UpgradeOptions};

/// Plans an upgrade.
pub fn plan_upgrade(
    _opts: &UpgradeOptions,
    _rendered: &Rendered,
    _history: &[Release],
) -> Result<Plan, LifecycleError> {
    Err(LifecycleError::Failed(
        "upgrade: not implemented yet".into(),
    ))
}

/// Upgrades a release to `chart`.
pub async fn upgrade<C: Cluster, D: Driver>(
    _env: &Env<'_, C, D>,
    _chart: Chart,
    _values: &Values,
    _opts: &UpgradeOptions,
) -> Result<Release, LifecycleError> {
    Err(LifecycleError::Failed(
        "upgrade: not implemented yet".into(),
    ))
}
