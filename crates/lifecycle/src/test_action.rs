//! `test`.

use capstan_release::Release;

use crate::{Cluster, Driver, Env, LifecycleError, Plan, TestOptions};

/// What `test` did: the release with its hooks' last runs, and the first failure.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// The release (status unchanged) with updated hook runs.
    pub release: Release,
    /// The failing test's error (helm's text), if any.
    pub failure: Option<String>,
}

/// Plans a test run.
pub fn plan_test(_opts: &TestOptions, _history: &[Release]) -> Result<Plan, LifecycleError> {
    Err(LifecycleError::Failed("test: not implemented yet".into()))
}

/// Runs a release's tests.
pub async fn test<C: Cluster, D: Driver>(
    _env: &Env<'_, C, D>,
    _opts: &TestOptions,
) -> Result<TestReport, LifecycleError> {
    Err(LifecycleError::Failed("test: not implemented yet".into()))
}
