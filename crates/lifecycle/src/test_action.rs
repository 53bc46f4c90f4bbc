//! `test`: the `test` hooks of the newest revision (whatever its status), filtered by
//! `name=`/`!name=`; the release status never changes, hook runs are stored, and with
//! `--logs` the pods' logs are read before delete policies run (Helm 4).

use capstan_release::{HookEvent, Release};

use crate::common::history;
use crate::error::validate_name;
use crate::executor::Exec;
use crate::plan::{hooks_step, Action, FailurePolicy, Plan};
use crate::{Cluster, Driver, Env, LifecycleError, TestOptions};

/// What `test` did: the release with its hooks' last runs, and the first failure.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// The release (status unchanged) with updated hook runs.
    pub release: Release,
    /// The failing test's error (helm's text), if any.
    pub failure: Option<String>,
}

/// Splits the release's hooks into (executing, skipped) by the filters, as Helm does.
pub fn filter_hooks(
    rel: &Release,
    filters: &[String],
) -> (
    Vec<capstan_release::HookRecord>,
    Vec<capstan_release::HookRecord>,
) {
    let include: Vec<&str> = filters
        .iter()
        .filter_map(|f| f.strip_prefix("name="))
        .collect();
    let exclude: Vec<&str> = filters
        .iter()
        .filter_map(|f| f.strip_prefix("!name="))
        .collect();
    let mut executing = rel.hooks.clone();
    let mut skipped = Vec::new();
    if !exclude.is_empty() {
        let (s, e): (Vec<_>, Vec<_>) = executing
            .into_iter()
            .partition(|h| exclude.contains(&h.name.as_str()));
        skipped.extend(s);
        executing = e;
    }
    if !include.is_empty() {
        let (e, s): (Vec<_>, Vec<_>) = executing
            .into_iter()
            .partition(|h| include.contains(&h.name.as_str()));
        skipped.extend(s);
        executing = e;
    }
    (executing, skipped)
}

/// Plans a test run.
pub fn plan_test(opts: &TestOptions, history: &[Release]) -> Result<Plan, LifecycleError> {
    if validate_name(&opts.name).is_err() {
        return Err(LifecycleError::InvalidNameFor {
            action: "releaseTest",
            name: opts.name.clone(),
        });
    }
    let last = history.last().ok_or(LifecycleError::NotFound)?;
    let (executing, _) = filter_hooks(last, &opts.filters);
    let steps = hooks_step(
        &executing,
        HookEvent::Test,
        false,
        opts.common.parallel_hooks,
        &last.namespace,
    )?
    .into_iter()
    .collect();
    Ok(Plan {
        action: Action::Test,
        release: opts.name.clone(),
        namespace: last.namespace.clone(),
        revision: last.version,
        steps,
        on_failure: FailurePolicy::Test,
        wait_deletes: true,
        warnings: Vec::new(),
    })
}

/// Runs a release's tests.
pub async fn test<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &TestOptions,
) -> Result<TestReport, LifecycleError> {
    let hist = history(env, &opts.name).await?;
    let plan = plan_test(opts, &hist)?;
    let mut rel = hist.last().cloned().ok_or(LifecycleError::NotFound)?;
    let (executing, skipped) = filter_hooks(&rel, &opts.filters);
    rel.hooks = executing;
    let mut exec = Exec::new(env, rel, &plan, opts.common.timeout);
    exec.test_logs = opts.logs;
    let failure = exec.run(&plan.steps).await.err().map(|(_, e)| e.0);
    let mut rel = exec.rel;
    if !skipped.is_empty() {
        let mut hooks = skipped;
        hooks.extend(rel.hooks);
        rel.hooks = hooks;
    }
    env.storage.update(&rel).await?;
    Ok(TestReport {
        release: rel,
        failure,
    })
}
