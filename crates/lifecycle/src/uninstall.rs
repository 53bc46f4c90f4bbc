//! `uninstall`.

use capstan_release::Release;

use crate::objects::ObjRef;
use crate::{Cluster, Driver, Env, LifecycleError, Plan, UninstallOptions};

/// What uninstall did.
#[derive(Debug, Clone, Default)]
pub struct UninstallReport {
    /// The final record (`uninstalled`), also when purged.
    pub release: Option<Release>,
    /// Objects kept by `helm.sh/resource-policy: keep` (helm lists them).
    pub kept: Vec<ObjRef>,
}

/// Plans an uninstall.
pub fn plan_uninstall(
    _opts: &UninstallOptions,
    _history: &[Release],
) -> Result<Plan, LifecycleError> {
    Err(LifecycleError::Failed(
        "uninstall: not implemented yet".into(),
    ))
}

/// Uninstalls a release.
pub async fn uninstall<C: Cluster, D: Driver>(
    _env: &Env<'_, C, D>,
    _opts: &UninstallOptions,
) -> Result<UninstallReport, LifecycleError> {
    Err(LifecycleError::Failed(
        "uninstall: not implemented yet".into(),
    ))
}
