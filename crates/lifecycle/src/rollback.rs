//! `rollback`.

use capstan_release::Release;

use crate::{Cluster, Driver, Env, LifecycleError, Plan, RollbackOptions};

/// Plans a rollback.
pub fn plan_rollback(
    _opts: &RollbackOptions,
    _history: &[Release],
) -> Result<Plan, LifecycleError> {
    Err(LifecycleError::Failed(
        "rollback: not implemented yet".into(),
    ))
}

/// Rolls a release back.
pub async fn rollback<C: Cluster, D: Driver>(
    _env: &Env<'_, C, D>,
    _opts: &RollbackOptions,
) -> Result<Release, LifecycleError> {
    Err(LifecycleError::Failed(
        "rollback: not implemented yet".into(),
    ))
}
