//! `install`: Helm's order — name check, CRDs, ownership check, `pending-install` record
//! written before anything else changes, pre-install hooks, resources, wait, post-install
//! hooks, `deployed`. A failure records `failed`; `--rollback-on-failure` then uninstalls.

use capstan_chart::{Chart, Values};
use capstan_release::{HookEvent, Release, Status};

use crate::common::{
    check_labels, crds_of, dry_run_checks, failed_step, history, lock_and_check, new_release,
    resources_of,
};
use crate::error::validate_name;
use crate::executor::{set_status, Exec};
use crate::plan::{hooks_step, Action, FailurePolicy, Plan, Step};
use crate::render::{render_release, render_release_on, RenderTarget, Rendered};
use crate::{Cluster, Driver, Env, InstallOptions, LifecycleError, UninstallOptions};

/// The revision an install creates: 1, or last+1 with `--replace` over an `uninstalled` or
/// `failed` release; any other existing history is Helm's "cannot reuse a name".
pub fn install_revision(opts: &InstallOptions, history: &[Release]) -> Result<i64, LifecycleError> {
    validate_name(&opts.name)?;
    let Some(last) = history.last() else {
        return Ok(1);
    };
    if opts.dry_run.is_dry_run() {
        return Ok(1);
    }
    match last.status() {
        Some(Status::Uninstalled | Status::Failed) if opts.replace => Ok(last.version + 1),
        _ => Err(LifecycleError::NameInUse),
    }
}

/// Plans an install from the rendered chart and the release's stored history.
pub fn plan_install(
    opts: &InstallOptions,
    rendered: &Rendered,
    history: &[Release],
) -> Result<Plan, LifecycleError> {
    let revision = install_revision(opts, history)?;
    check_labels(&opts.labels)?;
    let ns = &opts.namespace;
    let resources = resources_of(rendered, ns)?;
    let hooks: Vec<_> = rendered
        .hooks
        .iter()
        .map(capstan_release::HookRecord::from_hook)
        .collect();
    let common = &opts.common;
    // Helm 4: --rollback-on-failure turns the default hook-only wait into a real wait.
    let wait = common.wait || opts.rollback_on_failure;
    let mut steps = Vec::new();
    if !opts.skip_crds && !rendered.crds.is_empty() && !opts.dry_run.is_dry_run() {
        steps.push(Step::CreateCrds {
            crds: crds_of(rendered)?,
        });
    }
    steps.push(Step::CheckOwnership {
        resources: resources.iter().map(|r| r.r.clone()).collect(),
        take_ownership: opts.take_ownership,
        verb: "install".into(),
    });
    if opts.create_namespace {
        steps.push(Step::CreateNamespace { name: ns.clone() });
    }
    if revision > 1 {
        steps.push(Step::SupersedeReplaced {
            revision: revision - 1,
        });
    }
    steps.push(Step::CreateRecord {
        revision,
        status: Status::PendingInstall,
        description: "Initial install underway".into(),
    });
    steps.extend(hooks_step(
        &hooks,
        HookEvent::PreInstall,
        common.no_hooks,
        common.parallel_hooks,
        ns,
    )?);
    steps.push(Step::ApplyResources {
        resources: resources.clone(),
    });
    if wait {
        steps.push(Step::WaitReady {
            resources: crate::plan::wait_targets(&resources),
            wait_for_jobs: common.wait_for_jobs,
        });
    }
    steps.extend(hooks_step(
        &hooks,
        HookEvent::PostInstall,
        common.no_hooks,
        common.parallel_hooks,
        ns,
    )?);
    steps.push(Step::UpdateRecord {
        status: Status::Deployed,
        description: opts
            .description
            .clone()
            .unwrap_or_else(|| "Install complete".into()),
    });
    Ok(Plan {
        action: Action::Install,
        release: opts.name.clone(),
        namespace: ns.clone(),
        revision,
        steps,
        on_failure: FailurePolicy::Install {
            uninstall: opts.rollback_on_failure,
        },
        wait_deletes: wait,
        warnings: rendered.warnings.clone(),
    })
}

/// Installs `chart` as a new release.
pub async fn install<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    chart: Chart,
    values: &Values,
    opts: &InstallOptions,
) -> Result<Release, LifecycleError> {
    validate_name(&opts.name)?;
    let hist = history(env, &opts.name).await?;
    let revision = install_revision(opts, &hist)?;
    // Helm renders an install as revision 1 even with --replace: the record's version is
    // bumped to last+1 only afterwards (replaceRelease), so `.Release.Revision` says 1.
    let target = RenderTarget {
        name: &opts.name,
        namespace: &opts.namespace,
        revision: 1,
        is_upgrade: false,
    };
    // helm's `interactWithServer`: lookup reads the cluster unless this is a client dry run.
    let rendered = if opts.dry_run == crate::DryRun::Client {
        render_release(chart.clone(), values, &target, &opts.render)?
    } else {
        render_release_on(env.cluster, chart.clone(), values, &target, &opts.render).await?
    };
    let plan = plan_install(opts, &rendered, &hist)?;
    for w in &plan.warnings {
        env.emit(crate::Event::Warning { message: w.clone() });
    }
    let mut rel = new_release(
        &chart,
        values,
        &rendered,
        &opts.name,
        &opts.namespace,
        revision,
        None,
    );
    rel.labels = opts.labels.clone();
    rel.apply_method = crate::request::apply_method(!opts.client_side).to_owned();
    if opts.dry_run.is_dry_run() {
        if opts.dry_run == crate::DryRun::Server {
            // Helm 4's server dry run still refuses objects another owner holds.
            dry_run_checks(env, &rel, &plan, opts.common.timeout).await?;
        }
        set_status(&mut rel, Status::PendingInstall, "Dry run complete");
        return Ok(rel);
    }
    if opts.create_namespace {
        // The lock (a Lease) lives in the release namespace, so the namespace comes first;
        // the plan's own CreateNamespace step then finds it.
        let ns_step = [Step::CreateNamespace {
            name: opts.namespace.clone(),
        }];
        let mut pre = Exec::new(env, rel.clone(), &plan, opts.common.timeout);
        pre.run(&ns_step)
            .await
            .map_err(|(_, e)| LifecycleError::Failed(e.0))?;
    }
    let (guard, _) = lock_and_check(env, &opts.namespace, &opts.name, None, false).await?;
    let mut exec = Exec::new(env, rel, &plan, opts.common.timeout);
    exec.force = opts.take_ownership;
    exec.client_side = opts.client_side;
    exec.guard = Some(guard);
    let result = exec.run(&plan.steps).await;
    let guard = exec.guard.take();
    let out = match result {
        Ok(()) => Ok(exec.rel),
        Err((i, e)) => {
            let (err, recorded) = failed_step(
                &plan.steps,
                i,
                e.0,
                [
                    (HookEvent::PreInstall, "failed pre-install: "),
                    (HookEvent::PostInstall, "failed post-install: "),
                ],
            );
            if !recorded {
                Err(LifecycleError::Failed(err))
            } else {
                let desc = format!("Release {:?} failed: {err}", opts.name);
                set_status(&mut exec.rel, Status::Failed, &desc);
                exec.record().await;
                if opts.rollback_on_failure {
                    let un = UninstallOptions {
                        name: opts.name.clone(),
                        namespace: opts.namespace.clone(),
                        common: opts.common.clone(),
                        ..UninstallOptions::default()
                    };
                    // The lock is ours: uninstall runs under it.
                    match crate::uninstall::uninstall_locked(env, &un).await {
                        Ok(_) => Err(LifecycleError::Failed(format!(
                            "release {} failed, and has been uninstalled due to rollback-on-failure being set: {err}",
                            opts.name
                        ))),
                        Err(ue) => Err(LifecycleError::Failed(format!(
                            "an error occurred while uninstalling the release. original install error: {err}: {ue}"
                        ))),
                    }
                } else {
                    Err(LifecycleError::Failed(err))
                }
            }
        }
    };
    if let Some(g) = guard {
        env.locks.release(g).await;
    }
    out
}
