//! `upgrade`: the pending check, revision N+1 stored `pending-upgrade` before pre-upgrade
//! hooks, apply (removed objects deleted unless the live object says `keep`), wait,
//! post-upgrade hooks, and only then the previous revision `superseded` and the new one
//! `deployed`. Failures record `failed`; `--cleanup-on-fail` and `--rollback-on-failure`.

use std::collections::BTreeMap;

use capstan_chart::values::coalesce_tables;
use capstan_chart::{Chart, Values};
use capstan_release::{HookEvent, Release, Status};

use crate::common::{
    check_labels, dry_run_checks, failed_step, history, lock_and_check, new_release, resources_of,
    values_of,
};
use crate::error::validate_name;
use crate::executor::{minimal, set_status, Exec};
use crate::objects::resources_from_manifest;
use crate::plan::{hooks_step, last_good_revision, Action, FailurePolicy, Plan, Step};
use crate::render::{render_release, render_release_on, RenderTarget, Rendered};
use crate::request::{ValuesMode, DEFAULT_HISTORY_MAX};
use crate::{
    Cluster, Driver, Env, InstallOptions, LifecycleError, RollbackOptions, UpgradeOptions,
};

/// The revision an upgrade works from ("current": the newest deployed, or a failed or
/// superseded newest revision when none is deployed).
pub fn current_revision<'h>(
    name: &str,
    history: &'h [Release],
) -> Result<&'h Release, LifecycleError> {
    let Some(last) = history.last() else {
        return Err(LifecycleError::NoDeployedReleases(name.to_owned()));
    };
    if last.status() == Some(Status::Deployed) {
        return Ok(last);
    }
    if let Some(d) = history
        .iter()
        .rev()
        .find(|r| r.status() == Some(Status::Deployed))
    {
        return Ok(d);
    }
    match last.status() {
        Some(Status::Failed | Status::Superseded) => Ok(last),
        _ => Err(LifecycleError::NoDeployedReleases(name.to_owned())),
    }
}

/// The values an upgrade renders with, by `--reuse-values` & co (Helm's `reuseValues`).
/// May replace the chart's defaults (`--reuse-values` uses the previous computed values).
pub fn upgrade_values(
    chart: &mut Chart,
    new: &Values,
    current: &Release,
    mode: ValuesMode,
) -> Values {
    let old = values_of(current);
    match mode {
        ValuesMode::Reset => new.clone(),
        ValuesMode::Reuse => {
            let mut old_computed = old.clone();
            if let Some(c) = &current.chart {
                if let Ok(serde_json::Value::Object(defaults)) = serde_json::to_value(&c.values) {
                    coalesce_tables(&mut old_computed, defaults);
                }
            }
            chart.values = old_computed;
            let mut v = new.clone();
            coalesce_tables(&mut v, old);
            v
        }
        ValuesMode::ResetThenReuse => {
            let mut v = new.clone();
            coalesce_tables(&mut v, old);
            v
        }
        ValuesMode::Default if new.is_empty() => old,
        ValuesMode::Default => new.clone(),
    }
}

/// Plans an upgrade. `recover` is the crash-recovery step when the newest revision was left
/// pending by a dead operation.
pub fn plan_upgrade(
    opts: &UpgradeOptions,
    rendered: &Rendered,
    history: &[Release],
    recover: Option<Step>,
) -> Result<Plan, LifecycleError> {
    validate_name(&opts.name)
        .map_err(|_| LifecycleError::Failed(format!("release name is invalid: {}", opts.name)))?;
    check_labels(&opts.labels)?;
    let last = history
        .last()
        .ok_or_else(|| LifecycleError::NoDeployedReleases(opts.name.clone()))?;
    if recover.is_none() && last.status().is_some_and(Status::is_pending) {
        return Err(LifecycleError::Pending);
    }
    let current = current_revision(&opts.name, history)?;
    let revision = last.version + 1;
    let ns = current.namespace.clone();
    let target = resources_of(rendered, &ns)?;
    let before = resources_from_manifest(&current.manifest, &ns)?;
    let new_objects: Vec<_> = target
        .iter()
        .filter(|t| !before.iter().any(|b| b.r.same_object(&t.r)))
        .map(|t| t.r.clone())
        .collect();
    let removed: Vec<_> = before
        .into_iter()
        .filter(|b| !target.iter().any(|t| t.r.same_object(&b.r)))
        .collect();
    let hooks: Vec<_> = rendered
        .hooks
        .iter()
        .map(capstan_release::HookRecord::from_hook)
        .collect();
    let c = &opts.common;
    let wait = c.wait || opts.rollback_on_failure;
    let mut steps: Vec<Step> = recover.into_iter().collect();
    steps.push(Step::CheckOwnership {
        resources: new_objects,
        take_ownership: opts.take_ownership,
        verb: "update".into(),
    });
    steps.push(Step::CreateRecord {
        revision,
        status: Status::PendingUpgrade,
        description: "Preparing upgrade".into(),
    });
    steps.extend(hooks_step(
        &hooks,
        HookEvent::PreUpgrade,
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
    if wait {
        steps.push(Step::WaitReady {
            resources: crate::plan::wait_targets(&target),
            wait_for_jobs: c.wait_for_jobs,
        });
    }
    steps.extend(hooks_step(
        &hooks,
        HookEvent::PostUpgrade,
        c.no_hooks,
        c.parallel_hooks,
        &ns,
    )?);
    steps.push(Step::Supersede {
        revisions: vec![current.version],
    });
    steps.push(Step::UpdateRecord {
        status: Status::Deployed,
        description: opts
            .description
            .clone()
            .unwrap_or_else(|| "Upgrade complete".into()),
    });
    Ok(Plan {
        action: Action::Upgrade,
        release: opts.name.clone(),
        namespace: ns,
        revision,
        steps,
        on_failure: FailurePolicy::Upgrade {
            cleanup_on_fail: opts.cleanup_on_fail,
            rollback_to: last_good_revision(history, revision),
            rollback_on_failure: opts.rollback_on_failure,
        },
        wait_deletes: wait,
        warnings: rendered.warnings.clone(),
    })
}

/// Merges `--labels` into the previous revision's labels; a value `null` removes a label.
fn merge_labels(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = old.clone();
    for (k, v) in new {
        if v == "null" {
            out.remove(k);
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Upgrades a release to `chart` (or installs it with `--install` when there is none).
pub async fn upgrade<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    mut chart: Chart,
    values: &Values,
    opts: &UpgradeOptions,
) -> Result<Release, LifecycleError> {
    let hist = history(env, &opts.name).await?;
    let last_status = hist.last().and_then(|r| r.status());
    if opts.install && (hist.is_empty() || last_status == Some(Status::Uninstalled)) {
        let io = InstallOptions {
            name: opts.name.clone(),
            namespace: opts.namespace.clone(),
            common: opts.common.clone(),
            create_namespace: opts.create_namespace,
            dry_run: opts.dry_run,
            replace: !hist.is_empty(),
            rollback_on_failure: opts.rollback_on_failure,
            skip_crds: opts.skip_crds,
            description: opts.description.clone(),
            labels: opts.labels.clone(),
            take_ownership: opts.take_ownership,
            force_replace: opts.force_replace,
            // helm: `--server-side` other than "false" installs server-side.
            client_side: opts.server_side == Some(false),
            render: opts.render.clone(),
        };
        return crate::install(env, chart, values, &io).await;
    }
    validate_name(&opts.name)
        .map_err(|_| LifecycleError::Failed(format!("release name is invalid: {}", opts.name)))?;
    if hist.is_empty() {
        return Err(LifecycleError::NoDeployedReleases(opts.name.clone()));
    }
    let ns = hist.last().map(|r| r.namespace.clone()).unwrap_or_default();
    let (guard, recover) = if opts.dry_run.is_dry_run() {
        (None, None)
    } else {
        let (g, r) = lock_and_check(env, &ns, &opts.name, hist.last(), true).await?;
        (Some(g), r)
    };
    let hist = crate::common::as_recovered(&hist, recover.as_ref());
    let out = run_upgrade(
        env,
        &mut chart,
        values,
        opts,
        &hist,
        recover,
        guard.is_some(),
    )
    .await;
    if let Some(g) = guard {
        env.locks.release(g).await;
    }
    out
}

async fn run_upgrade<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    chart: &mut Chart,
    values: &Values,
    opts: &UpgradeOptions,
    hist: &[Release],
    recover: Option<Step>,
    locked: bool,
) -> Result<Release, LifecycleError> {
    let last = hist.last().ok_or(LifecycleError::NotFound)?;
    if recover.is_none() && last.status().is_some_and(Status::is_pending) {
        return Err(LifecycleError::Pending);
    }
    let current = current_revision(&opts.name, hist)?.clone();
    let vals = upgrade_values(chart, values, &current, opts.values_mode());
    let revision = last.version + 1;
    let target = RenderTarget {
        name: &opts.name,
        namespace: &current.namespace,
        revision,
        is_upgrade: true,
    };
    // helm's `interactWithServer`: lookup reads the cluster unless this is a client dry run.
    let rendered = if opts.dry_run == crate::DryRun::Client {
        render_release(chart.clone(), &vals, &target, &opts.render)?
    } else {
        render_release_on(env.cluster, chart.clone(), &vals, &target, &opts.render).await?
    };
    let plan = plan_upgrade(opts, &rendered, hist, recover)?;
    for w in &plan.warnings {
        env.emit(crate::Event::Warning { message: w.clone() });
    }
    let mut rel = new_release(
        chart,
        &vals,
        &rendered,
        &opts.name,
        &current.namespace,
        revision,
        current.info.as_ref().and_then(|i| i.first_deployed.clone()),
    );
    rel.labels = merge_labels(&current.labels, &opts.labels);
    // Helm 4 (`auto`): the newest revision's apply method carries on, so a release helm 3
    // made keeps being updated client-side.
    let server_side = crate::request::server_side_apply(opts.server_side, &last.apply_method);
    rel.apply_method = crate::request::apply_method(server_side).to_owned();
    if opts.dry_run.is_dry_run() {
        // Helm's upgrade checks the ownership of new objects in both dry-run modes (only
        // `lookup` tells client from server there).
        dry_run_checks(env, &rel, &plan, opts.common.timeout).await?;
        let desc = opts.description.as_deref().unwrap_or("Dry run complete");
        set_status(&mut rel, Status::PendingUpgrade, desc);
        return Ok(rel);
    }
    let mut exec = Exec::new(env, rel, &plan, opts.common.timeout);
    exec.history_max = opts.history_max.unwrap_or(DEFAULT_HISTORY_MAX);
    exec.force = opts.take_ownership;
    exec.force_replace = opts.force_replace;
    exec.client_side = !server_side;
    // helm 4: the release being upgraded from was applied client-side (its method absent
    // or `csa`) and this upgrade is server-side.
    exec.upgrade_csa_manager = server_side && matches!(current.apply_method.as_str(), "" | "csa");
    exec.force_conflicts = opts.force_conflicts;
    exec.originals = resources_from_manifest(&current.manifest, &plan.namespace)?;
    let _ = locked;
    let (i, e) = match exec.run(&plan.steps).await {
        Ok(()) => return Ok(exec.rel),
        Err(f) => f,
    };
    let (err, recorded) = failed_step(
        &plan.steps,
        i,
        e.0,
        [
            (HookEvent::PreUpgrade, "pre-upgrade hooks failed: "),
            (HookEvent::PostUpgrade, "post-upgrade hooks failed: "),
        ],
    );
    if !recorded {
        return Err(LifecycleError::Failed(err));
    }
    let desc = format!("Upgrade {:?} failed: {err}", opts.name);
    set_status(&mut exec.rel, Status::Failed, &desc);
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
                    "an error occurred while cleaning up resources. original upgrade error: {err}: unable to cleanup resources: {ce}"
                )));
            }
            env.emit(crate::Event::ResourceDeleted {
                kind: r.r.kind.clone(),
                name: r.r.name.clone(),
            });
        }
    }
    if !opts.rollback_on_failure {
        return Err(LifecycleError::Failed(err));
    }
    let hist_now = history(env, &opts.name).await?;
    let Some(to) = last_good_revision(&hist_now, revision) else {
        return Err(LifecycleError::Failed(format!(
            "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
        )));
    };
    let mut common = opts.common.clone();
    common.wait = true;
    let ro = RollbackOptions {
        name: opts.name.clone(),
        namespace: plan.namespace.clone(),
        revision: to,
        common,
        // Helm's failRelease builds the rollback without CleanupOnFail or MaxHistory
        // (so its Create does not prune).
        cleanup_on_fail: false,
        force_replace: opts.force_replace,
        server_side: opts.server_side,
        force_conflicts: opts.force_conflicts,
        history_max: Some(0),
        ..RollbackOptions::default()
    };
    match crate::rollback::rollback_locked(env, &ro).await {
        Ok(_) => Err(LifecycleError::Failed(format!(
            "release {} failed, and has been rolled back due to rollback-on-failure being set: {err}",
            opts.name
        ))),
        Err(re) => Err(LifecycleError::Failed(format!(
            "an error occurred while rolling back the release. original upgrade error: {err}: {re}"
        ))),
    }
}
