//! Pieces shared by the actions: building the release record, history look-ups, and
//! running a plan with the lock held.

use capstan_chart::{Chart, Values};
use capstan_release::record::now_timestamp;
use capstan_release::{HookRecord, Info, Release, Status};
use capstan_storage::chart_record::{chart_record, go_value};
use capstan_storage::{is_system_label, StorageError};

use crate::error::LifecycleError;
use crate::event::Event;
use crate::lock::Guard;
use crate::objects::{parse_object, Resource};
use crate::plan::Step;
use crate::render::Rendered;
use crate::{Driver, Env};

/// The history of `name`, oldest first; empty when there is none.
pub(crate) async fn history<C, D: Driver>(
    env: &Env<'_, C, D>,
    name: &str,
) -> Result<Vec<Release>, LifecycleError> {
    match env.storage.history(name).await {
        Ok(h) => Ok(h),
        Err(StorageError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// User values as the record's `config`.
pub(crate) fn config_of(values: &Values) -> capstan_release::gojson::GoMap {
    match go_value(&serde_json::Value::Object(values.clone())) {
        capstan_release::gojson::GoValue::Object(m) => m,
        _ => Default::default(),
    }
}

/// A stored config back as values.
pub(crate) fn values_of(rel: &Release) -> Values {
    match serde_json::to_value(&rel.config) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Values::new(),
    }
}

/// Rejects `--labels` that use the storage's own label names.
pub(crate) fn check_labels(
    labels: &std::collections::BTreeMap<String, String>,
) -> Result<(), LifecycleError> {
    if labels.keys().any(|k| is_system_label(k)) {
        return Err(LifecycleError::ReservedLabel);
    }
    Ok(())
}

/// The new revision's record (status set by the plan's first record step).
pub(crate) fn new_release(
    chart: &Chart,
    values: &Values,
    rendered: &Rendered,
    name: &str,
    namespace: &str,
    revision: i64,
    first_deployed: Option<String>,
) -> Release {
    let now = now_timestamp();
    Release {
        name: name.to_owned(),
        info: Some(Info {
            first_deployed: Some(first_deployed.unwrap_or_else(|| now.clone())),
            last_deployed: Some(now),
            notes: rendered.notes.clone(),
            ..Info::default()
        }),
        chart: Some(chart_record(chart)),
        config: config_of(values),
        manifest: rendered.manifest.clone(),
        hooks: rendered.hooks.iter().map(HookRecord::from_hook).collect(),
        version: revision,
        namespace: namespace.to_owned(),
        labels: Default::default(),
        apply_method: "ssa".to_owned(),
    }
}

/// The regular resources of a rendered chart, in install order.
pub(crate) fn resources_of(
    rendered: &Rendered,
    namespace: &str,
) -> Result<Vec<Resource>, LifecycleError> {
    rendered
        .manifests
        .iter()
        .map(|m| parse_object(&m.content, &m.name, namespace))
        .collect()
}

/// The CRDs of a chart's `crds/` folders (one object per document).
pub(crate) fn crds_of(rendered: &Rendered) -> Result<Vec<Resource>, LifecycleError> {
    let mut out = Vec::new();
    for (path, text) in &rendered.crds {
        for doc in capstan_release::split_manifests(text) {
            out.push(parse_object(&doc, path, "")?);
        }
    }
    Ok(out)
}

/// Takes the release lock. When the newest revision is `pending-*`, it is stale only if
/// the lock was taken over from an expired holder; then a `RecoverStale` step is returned.
/// Otherwise a pending revision is Helm's "another operation is in progress" (only when
/// `check_pending`: rollback, uninstall and test do not check, as in Helm).
pub(crate) async fn lock_and_check<C, D>(
    env: &Env<'_, C, D>,
    namespace: &str,
    name: &str,
    last: Option<&Release>,
    check_pending: bool,
) -> Result<(Guard, Option<Step>), LifecycleError> {
    let acquired = env.locks.acquire(namespace, name).await?;
    if let Some(message) = &acquired.warning {
        env.emit(Event::Warning {
            message: message.clone(),
        });
    }
    let pending = last.filter(|r| r.status().is_some_and(Status::is_pending));
    let Some(p) = pending else {
        return Ok((acquired.guard, None));
    };
    if let Some(holder) = &acquired.taken_over_from {
        env.emit(Event::Warning {
            message: format!(
                "release {name:?} revision {} is {} but its operation's lock (held by {holder}) expired: that operation is gone, recovering",
                p.version,
                p.status_str()
            ),
        });
        let step = Step::RecoverStale {
            revision: p.version,
            status: p.status().unwrap_or(Status::Unknown),
        };
        return Ok((acquired.guard, Some(step)));
    }
    if check_pending {
        env.locks.release(acquired.guard).await;
        return Err(LifecycleError::Pending);
    }
    Ok((acquired.guard, None))
}

/// The history as it will be once a `RecoverStale` step has marked the stale revision
/// `failed`, so that planning sees the state the executor creates (e.g. upgrading a release
/// whose only other revision was already superseded when the operation died).
pub(crate) fn as_recovered(hist: &[Release], recover: Option<&Step>) -> Vec<Release> {
    let mut out = hist.to_vec();
    if let Some(Step::RecoverStale { revision, .. }) = recover {
        if let Some(r) = out.iter_mut().find(|r| r.version == *revision) {
            if let Some(info) = r.info.as_mut() {
                info.status = Status::Failed.as_str().to_owned();
            }
        }
    }
    out
}

/// The error text of the failed step `i`, and whether the release record already existed
/// then. Failures of the operation's own hook events get helm's prefix (`failed pre-install: `,
/// `pre-upgrade hooks failed: `, ...); a cancellation stays `context canceled`.
pub(crate) fn failed_step(
    steps: &[Step],
    i: usize,
    err: String,
    prefixes: [(capstan_release::HookEvent, &str); 2],
) -> (String, bool) {
    let recorded = steps[..i]
        .iter()
        .any(|s| matches!(s, Step::CreateRecord { .. }));
    let text = match &steps[i] {
        _ if err == crate::cancel::CANCELED => err,
        Step::RunHooks { hook_event, .. } => {
            match prefixes.iter().find(|(event, _)| event == hook_event) {
                Some((_, prefix)) => format!("{prefix}{err}"),
                None => err,
            }
        }
        _ => err,
    };
    (text, recorded)
}

/// The read-only checks a dry run still makes against the cluster: the plan's
/// `CheckOwnership` steps (helm's install with `--dry-run=server`, and helm's upgrade in
/// both dry-run modes, refuse objects that exist without this release's ownership). Nothing
/// is written: the executor only reads the live objects.
pub(crate) async fn dry_run_checks<C: crate::Cluster, D: Driver>(
    env: &Env<'_, C, D>,
    rel: &Release,
    plan: &crate::plan::Plan,
    timeout: std::time::Duration,
) -> Result<(), LifecycleError> {
    let checks: Vec<Step> = plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::CheckOwnership { .. }))
        .cloned()
        .collect();
    let mut exec = crate::executor::Exec::new(env, rel.clone(), plan, timeout);
    exec.run(&checks)
        .await
        .map_err(|(_, e)| LifecycleError::Failed(e.0))
}
