//! `rollback`: revision N+1 with the target's chart, config, manifest and hooks stored
//! `pending-rollback` (no pending check, as in Helm), pre-rollback hooks, apply, wait,
//! post-rollback hooks, every `deployed` revision `superseded`, the new one `deployed`.

use capstan_release::record::now_timestamp;
use capstan_release::{HookEvent, Info, Release, Status};

use crate::common::{history, lock_and_check};
use crate::error::validate_name;
use crate::executor::{minimal, set_status, Exec};
use crate::objects::resources_from_manifest;
use crate::plan::{hooks_step, revisions_with, Action, FailurePolicy, Plan, Step};
use crate::request::DEFAULT_HISTORY_MAX;
use crate::{Cluster, Driver, Env, LifecycleError, RollbackOptions};

/// The target revision and the new record of a rollback.
pub fn rollback_release(
    opts: &RollbackOptions,
    history: &[Release],
) -> Result<(i64, Release), LifecycleError> {
    if validate_name(&opts.name).is_err() {
        return Err(LifecycleError::InvalidNameFor {
            action: "prepareRollback",
            name: opts.name.clone(),
        });
    }
    if let Some(d) = &opts.description {
        let n = d.chars().count();
        if n > 256 {
            return Err(LifecycleError::DescriptionTooLong(n));
        }
    }
    let current = history.last().ok_or(LifecycleError::NotFound)?;
    let target = if opts.revision == 0 {
        current.version - 1
    } else {
        opts.revision
    };
    let prev = history
        .iter()
        .find(|r| r.version == target)
        .ok_or(LifecycleError::NoSuchRevision(target))?;
    let description = opts
        .description
        .clone()
        .unwrap_or_else(|| format!("Rollback to {target}"));
    let rel = Release {
        name: opts.name.clone(),
        info: Some(Info {
            first_deployed: current.info.as_ref().and_then(|i| i.first_deployed.clone()),
            last_deployed: Some(now_timestamp()),
            status: Status::PendingRollback.as_str().into(),
            notes: prev
                .info
                .as_ref()
                .map(|i| i.notes.clone())
                .unwrap_or_default(),
            rollback_revision: target,
            description,
            ..Info::default()
        }),
        chart: prev.chart.clone(),
        config: prev.config.clone(),
        manifest: prev.manifest.clone(),
        hooks: prev.hooks.clone(),
        version: current.version + 1,
        namespace: current.namespace.clone(),
        labels: prev.labels.clone(),
        // Helm 4: `--server-side`, or (`auto`) the target revision's own method.
        apply_method: crate::request::apply_method(crate::request::server_side_apply(
            opts.server_side,
            &prev.apply_method,
        ))
        .into(),
    };
    Ok((target, rel))
}

/// Plans a rollback. `recover` marks a stale pending revision failed first.
pub fn plan_rollback(
    opts: &RollbackOptions,
    history: &[Release],
    recover: Option<Step>,
) -> Result<Plan, LifecycleError> {
    let (_, rel) = rollback_release(opts, history)?;
    let current = history.last().ok_or(LifecycleError::NotFound)?;
    let ns = rel.namespace.clone();
    let target = resources_from_manifest(&rel.manifest, &ns)?;
    let removed: Vec<_> = resources_from_manifest(&current.manifest, &ns)?
        .into_iter()
        .filter(|b| !target.iter().any(|t| t.r.same_object(&b.r)))
        .collect();
    let c = &opts.common;
    let description = rel
        .info
        .as_ref()
        .map(|i| i.description.clone())
        .unwrap_or_default();
    let mut steps: Vec<Step> = recover.into_iter().collect();
    steps.push(Step::CreateRecord {
        revision: rel.version,
        status: Status::PendingRollback,
        description: description.clone(),
    });
    steps.extend(hooks_step(
        &rel.hooks,
        HookEvent::PreRollback,
        c.no_hooks,
        c.parallel_hooks,
        &ns,
    )?);
    steps.push(Step::ApplyResources {
        resources: target.clone(),
    });
    if !removed.is_empty() {
        steps.push(Step::DeleteRemoved { resources: removed });
    }
    if c.wait {
        steps.push(Step::WaitReady {
            resources: crate::plan::wait_targets(&target),
            wait_for_jobs: c.wait_for_jobs,
        });
    }
    steps.extend(hooks_step(
        &rel.hooks,
        HookEvent::PostRollback,
        c.no_hooks,
        c.parallel_hooks,
        &ns,
    )?);
    let deployed = revisions_with(history, Status::Deployed);
    if !deployed.is_empty() {
        steps.push(Step::Supersede {
            revisions: deployed,
        });
    }
    steps.push(Step::UpdateRecord {
        status: Status::Deployed,
        description,
    });
    Ok(Plan {
        action: Action::Rollback,
        release: opts.name.clone(),
        namespace: ns,
        revision: rel.version,
        steps,
        on_failure: FailurePolicy::Rollback {
            cleanup_on_fail: opts.cleanup_on_fail,
            fail_on_hook_error: opts.fail_on_hook_error,
        },
        wait_deletes: c.wait,
        warnings: Vec::new(),
    })
}

/// Rolls a release back.
pub async fn rollback<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &RollbackOptions,
) -> Result<Release, LifecycleError> {
    let hist = history(env, &opts.name).await?;
    let ns = hist
        .last()
        .map(|r| r.namespace.clone())
        .unwrap_or_else(|| opts.namespace.clone());
    let (guard, recover) = lock_and_check(env, &ns, &opts.name, hist.last(), false).await?;
    let hist = crate::common::as_recovered(&hist, recover.as_ref());
    let out = run(env, opts, &hist, recover).await;
    env.locks.release(guard).await;
    out
}

/// Rollback when the caller holds the lock (upgrade's `--rollback-on-failure`).
pub(crate) async fn rollback_locked<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &RollbackOptions,
) -> Result<Release, LifecycleError> {
    let hist = history(env, &opts.name).await?;
    run(env, opts, &hist, None).await
}

async fn run<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &RollbackOptions,
    hist: &[Release],
    recover: Option<Step>,
) -> Result<Release, LifecycleError> {
    let (_, rel) = rollback_release(opts, hist)?;
    let plan = plan_rollback(opts, hist, recover)?;
    if opts.dry_run {
        return Ok(rel);
    }
    let mut exec = Exec::new(env, rel, &plan, opts.common.timeout);
    exec.history_max = opts.history_max.unwrap_or(DEFAULT_HISTORY_MAX);
    exec.force_replace = opts.force_replace;
    exec.client_side = exec.rel.apply_method != "ssa";
    // helm 4's rollback always moves client-side ownership before a server-side update.
    exec.upgrade_csa_manager = !exec.client_side;
    exec.force_conflicts = opts.force_conflicts;
    if let Some(current) = hist.last() {
        exec.originals = resources_from_manifest(&current.manifest, &plan.namespace)?;
    }
    let (i, e) = match exec.run(&plan.steps).await {
        Ok(()) => return Ok(exec.rel),
        Err(f) => f,
    };
    let name = &opts.name;
    match &plan.steps[i] {
        Step::ApplyResources { .. } => {
            let msg = format!("Rollback {name:?} failed: {}", e.0);
            if let Some(current) = hist.last() {
                let mut current = current.clone();
                if let Some(info) = current.info.as_mut() {
                    info.status = Status::Superseded.as_str().into();
                }
                let _ = env.storage.update(&current).await;
            }
            set_status(&mut exec.rel, Status::Failed, &msg);
            exec.record().await;
            if opts.cleanup_on_fail {
                for r in exec.created.clone() {
                    if let Err(ce) = env
                        .cluster
                        .delete(
                            &minimal(&r.r),
                            &plan.namespace,
                            kube::api::PropagationPolicy::Background,
                        )
                        .await
                    {
                        return Err(LifecycleError::Failed(format!(
                            "an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: {ce}"
                        )));
                    }
                }
            }
            Err(LifecycleError::Failed(e.0))
        }
        Step::WaitReady { .. } => {
            set_status(
                &mut exec.rel,
                Status::Failed,
                &format!("Release {name:?} failed: {}", e.0),
            );
            exec.record().await;
            Err(LifecycleError::Failed(format!(
                "release {name} failed: {}",
                e.0
            )))
        }
        Step::RunHooks { .. } if opts.fail_on_hook_error => {
            // capstan: do not leave the revision pending-rollback forever (see
            // docs/differences.md).
            set_status(
                &mut exec.rel,
                Status::Failed,
                &format!("Rollback {name:?} failed: {}", e.0),
            );
            exec.record().await;
            Err(LifecycleError::Failed(e.0))
        }
        // Helm: a failed rollback hook leaves the revision pending-rollback.
        _ => Err(LifecycleError::Failed(e.0)),
    }
}
