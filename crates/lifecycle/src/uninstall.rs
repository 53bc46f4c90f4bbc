//! `uninstall`: `uninstalling` persisted, pre-delete hooks, the stored manifest's objects
//! deleted in uninstall order (`helm.sh/resource-policy: keep` kept, objects not owned by
//! the release skipped), post-delete hooks whose errors are collected, then the history is
//! purged (or kept with `--keep-history`, status `uninstalled`).

use kube::api::PropagationPolicy;

use capstan_release::kinds::compare_kinds;
use capstan_release::record::now_timestamp;
use capstan_release::{HookEvent, Release, Status, UNINSTALL_ORDER};

use crate::common::history;
use crate::error::validate_name;
use crate::executor::{set_status, Exec};
use crate::objects::{resources_from_manifest, uninstall_policy, ObjRef, UninstallPolicy};
use crate::plan::{hooks_step, revisions_with, Action, FailurePolicy, Plan, Step};
use crate::request::Cascade;
use crate::{Cluster, Driver, Env, LifecycleError, UninstallOptions};

/// What uninstall did.
#[derive(Debug, Clone, Default)]
pub struct UninstallReport {
    /// The final record (`uninstalled`), also when purged; `None` when nothing was found
    /// and `--ignore-not-found` was given.
    pub release: Option<Release>,
    /// Objects kept by `helm.sh/resource-policy: keep` (helm lists them).
    pub kept: Vec<ObjRef>,
}

/// Plans an uninstall (`None`: nothing to do, with `--ignore-not-found`).
pub fn plan_uninstall(
    opts: &UninstallOptions,
    history: &[Release],
) -> Result<Option<Plan>, LifecycleError> {
    if validate_name(&opts.name).is_err() {
        return Err(LifecycleError::InvalidNameFor {
            action: "uninstall",
            name: opts.name.clone(),
        });
    }
    let Some(last) = history.last() else {
        if opts.ignore_not_found {
            return Ok(None);
        }
        return Err(LifecycleError::Failed(format!(
            "uninstall: Release not loaded: {}: release: not found",
            opts.name
        )));
    };
    let all: Vec<i64> = history.iter().map(|r| r.version).collect();
    let mut plan = Plan {
        action: Action::Uninstall,
        release: opts.name.clone(),
        namespace: last.namespace.clone(),
        revision: last.version,
        steps: Vec::new(),
        on_failure: FailurePolicy::Uninstall,
        wait_deletes: opts.common.wait,
        warnings: Vec::new(),
    };
    if last.status() == Some(Status::Uninstalled) {
        if opts.keep_history {
            return Err(LifecycleError::AlreadyDeleted(opts.name.clone()));
        }
        plan.steps.push(Step::PurgeHistory { revisions: all });
        return Ok(Some(plan));
    }
    let ns = last.namespace.clone();
    let mut resources = resources_from_manifest(&last.manifest, &ns)?;
    resources.sort_by(|a, b| compare_kinds(&a.r.kind, &b.r.kind, UNINSTALL_ORDER));
    let mut kept = Vec::new();
    resources.retain(|r| match uninstall_policy(&r.object) {
        UninstallPolicy::Delete => true,
        UninstallPolicy::Keep => {
            kept.push(r.r.clone());
            false
        }
        UninstallPolicy::Ignore => false,
    });
    let c = &opts.common;
    let steps = &mut plan.steps;
    steps.push(Step::UpdateRecord {
        status: Status::Uninstalling,
        description: "Deletion in progress (or silently failed)".into(),
    });
    steps.extend(hooks_step(
        &last.hooks,
        HookEvent::PreDelete,
        c.no_hooks,
        c.parallel_hooks,
        &ns,
    )?);
    steps.push(Step::DeleteResources {
        resources: resources.clone(),
        kept,
    });
    if c.wait {
        steps.push(Step::WaitDeleted {
            resources: resources.iter().map(|r| r.r.clone()).collect(),
        });
    }
    steps.extend(hooks_step(
        &last.hooks,
        HookEvent::PostDelete,
        c.no_hooks,
        c.parallel_hooks,
        &ns,
    )?);
    if opts.keep_history {
        steps.push(Step::UpdateRecord {
            status: Status::Uninstalled,
            description: opts
                .description
                .clone()
                .unwrap_or_else(|| "Uninstallation complete".into()),
        });
        let older: Vec<i64> = revisions_with(history, Status::Deployed)
            .into_iter()
            .filter(|v| *v != last.version)
            .collect();
        if !older.is_empty() {
            steps.push(Step::Supersede { revisions: older });
        }
    } else {
        steps.push(Step::PurgeHistory { revisions: all });
    }
    Ok(Some(plan))
}

/// Uninstalls a release.
pub async fn uninstall<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &UninstallOptions,
) -> Result<UninstallReport, LifecycleError> {
    let acquired = env.locks.acquire(&opts.namespace, &opts.name).await?;
    if let Some(message) = acquired.warning.clone() {
        env.emit(crate::Event::Warning { message });
    }
    let out = uninstall_locked(env, opts).await;
    env.locks.release(acquired.guard).await;
    out
}

/// Uninstall when the caller holds the lock (install's `--rollback-on-failure`).
pub(crate) async fn uninstall_locked<C: Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    opts: &UninstallOptions,
) -> Result<UninstallReport, LifecycleError> {
    let hist = history(env, &opts.name).await?;
    let Some(plan) = plan_uninstall(opts, &hist)? else {
        return Ok(UninstallReport::default());
    };
    let Some(mut rel) = hist.last().cloned() else {
        return Ok(UninstallReport::default());
    };
    if opts.dry_run {
        return Ok(UninstallReport {
            release: Some(rel),
            kept: Vec::new(),
        });
    }
    if let Some(i) = rel.info.as_mut() {
        i.deleted = Some(now_timestamp());
    }
    let mut exec = Exec::new(env, rel, &plan, opts.common.timeout);
    exec.propagation = match opts.cascade {
        Cascade::Background => PropagationPolicy::Background,
        Cascade::Foreground => PropagationPolicy::Foreground,
        Cascade::Orphan => PropagationPolicy::Orphan,
    };
    exec.collect_event = Some(HookEvent::PostDelete);
    if let Err((_, e)) = exec.run(&plan.steps).await {
        return Err(LifecycleError::Failed(e.0));
    }
    let mut rel = exec.rel.clone();
    if !plan.steps.iter().any(|s| {
        matches!(
            s,
            Step::UpdateRecord {
                status: Status::Uninstalled,
                ..
            }
        )
    }) {
        set_status(
            &mut rel,
            Status::Uninstalled,
            opts.description
                .as_deref()
                .unwrap_or("Uninstallation complete"),
        );
    }
    if !exec.collected.is_empty() {
        return Err(LifecycleError::Failed(format!(
            "uninstallation completed with {} error(s): {}",
            exec.collected.len(),
            exec.collected.join("; ")
        )));
    }
    Ok(UninstallReport {
        release: Some(rel),
        kept: exec.kept,
    })
}
