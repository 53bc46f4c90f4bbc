//! `install`.

use capstan_chart::{Chart, Values};
use capstan_release::Release;

use crate::render::Rendered;
use crate::{Cluster, Driver, Env, InstallOptions, LifecycleError, Plan};

/// Plans an install from the rendered chart and the release's stored history.
pub fn plan_install(
    _opts: &InstallOptions,
    _rendered: &Rendered,
    _history: &[Release],
) -> Result<Plan, LifecycleError> {
    Err(LifecycleError::Failed(
        "install: not implemented yet".into(),
    ))
}

/// Installs `chart` as a new release.
pub async fn install<C: Cluster, D: Driver>(
    _env: &Env<'_, C, D>,
    _chart: Chart,
    _values: &Values,
    _opts: &InstallOptions,
) -> Result<Release, LifecycleError> {
    Err(LifecycleError::Failed(
        "install: not implemented yet".into(),
    ))
}
