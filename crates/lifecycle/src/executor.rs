//! The executor: the only code that changes the cluster or the store. It runs a [`Plan`]'s
//! steps in order on the release revision being worked on, reports an [`Event`] for each
//! thing it does, and stops at the first failing step (the action decides what a failure
//! means, from the plan's [`crate::FailurePolicy`]).

use std::time::Duration;

use kube::api::PropagationPolicy;
use serde_json::{json, Value};

use capstan_kube::ready::Readiness;
use capstan_release::record::now_timestamp;
use capstan_release::{Release, Status};

use crate::event::Event;
use crate::lock::Guard;
use crate::objects::{check_ownership, live_keep, stamp_ownership, ObjRef, Resource};
use crate::plan::{Plan, Step};
use crate::{Cluster, Driver, Env};

/// A failed step: Helm's message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepError(pub String);

impl<E: std::fmt::Display> From<E> for StepError {
    fn from(e: E) -> Self {
        StepError(e.to_string())
    }
}

/// The executor's state while it runs one plan.
pub(crate) struct Exec<'e, 'a, C, D> {
    pub env: &'e Env<'a, C, D>,
    /// The revision being worked on (hooks' last runs are written into it).
    pub rel: Release,
    pub namespace: String,
    pub timeout: Duration,
    /// `--history-max` for the record this plan creates.
    pub history_max: usize,
    /// Whether deletes are awaited (Helm 4 waits only under a waiting strategy).
    pub wait_deletes: bool,
    /// `--cascade` for deletions.
    pub propagation: PropagationPolicy,
    /// Server-side apply with conflicts forced (`--force-replace`, `--take-ownership`).
    pub force: bool,
    /// `--force-replace` on an update: Helm 4 refuses it for server-side-applied releases.
    pub force_replace: bool,
    /// `--force-conflicts`: server-side apply forced; refused with client-side apply.
    pub force_conflicts: bool,
    /// Client-side apply (`apply_method: csa`): resources are created or three-way patched
    /// against `originals` instead of server-side applied.
    pub client_side: bool,
    /// Server-side updates first move helm's client-side field ownership to server-side
    /// apply (helm 4: the first server-side upgrade of a client-side release, and every
    /// server-side rollback).
    pub upgrade_csa_manager: bool,
    /// The previous revision's objects: the "original" of client-side three-way patches.
    pub originals: Vec<Resource>,
    /// Objects created (not merely updated) by apply steps, for `--cleanup-on-fail`.
    pub created: Vec<Resource>,
    /// Objects kept by resource policy.
    pub kept: Vec<ObjRef>,
    /// Errors collected instead of stopping (uninstall).
    pub collected: Vec<String>,
    /// capstan's warn-only hook failures.
    pub hook_warnings: Vec<String>,
    /// `test --logs`: fetch hook pod logs before deletions.
    pub test_logs: bool,
    /// The operation lock (renewed in the background while held).
    pub guard: Option<Guard>,
    /// Failures of this event's hooks are collected instead of stopping (post-delete).
    pub collect_event: Option<capstan_release::HookEvent>,
}

pub(crate) fn minimal(r: &ObjRef) -> Value {
    let mut v = json!({"apiVersion": r.api_version, "kind": r.kind, "metadata": {"name": r.name}});
    if !r.namespace.is_empty() {
        v["metadata"]["namespace"] = Value::from(r.namespace.clone());
    }
    v
}

impl<'e, 'a, C: Cluster, D: Driver> Exec<'e, 'a, C, D> {
    pub fn new(env: &'e Env<'a, C, D>, rel: Release, plan: &Plan, timeout: Duration) -> Self {
        Exec {
            env,
            rel,
            namespace: plan.namespace.clone(),
            // Helm 4's status watcher replaces a zero timeout by 30 s
            // (DefaultStatusWatcherTimeout).
            timeout: if timeout.is_zero() {
                Duration::from_secs(30)
            } else {
                timeout
            },
            history_max: 0,
            wait_deletes: plan.wait_deletes,
            propagation: PropagationPolicy::Background,
            force: false,
            force_replace: false,
            force_conflicts: false,
            client_side: false,
            upgrade_csa_manager: false,
            originals: Vec::new(),
            created: Vec::new(),
            kept: Vec::new(),
            collected: Vec::new(),
            hook_warnings: Vec::new(),
            test_logs: false,
            guard: None,
            collect_event: None,
        }
    }

    pub fn emit(&self, e: Event) {
        self.env.emit(e);
    }

    /// Runs `steps` in order; the first failure stops the run and names the failed step.
    pub async fn run(&mut self, steps: &[Step]) -> Result<(), (usize, StepError)> {
        for (i, step) in steps.iter().enumerate() {
            let phase = step.name();
            self.emit(Event::PhaseStarted {
                phase: phase.clone(),
            });
            // A cancellation abandons the step in flight, as Helm abandons its goroutine.
            let res = tokio::select! {
                biased;
                _ = crate::cancel::cancelled() => Err(StepError(crate::cancel::CANCELED.into())),
                r = self.step(step) => r,
            };
            self.emit(Event::PhaseFinished {
                phase,
                ok: res.is_ok(),
            });
            match (res, step) {
                (Err(e), Step::RunHooks { hook_event, .. })
                    if Some(*hook_event) == self.collect_event =>
                {
                    self.collected.push(e.0)
                }
                (res, _) => res.map_err(|e| (i, e))?,
            }
        }
        Ok(())
    }

    async fn step(&mut self, step: &Step) -> Result<(), StepError> {
        match step {
            Step::RecoverStale { revision, status } => {
                let mut old = self.env.storage.get(&self.rel.name, *revision).await?;
                let msg = format!(
                    "Release unlocked from stale '{status}' state: the operation that left it is gone (its lock expired)"
                );
                set_status(&mut old, Status::Failed, &msg);
                self.store_update(&old).await?;
                self.emit(Event::Warning {
                    message: format!(
                        "release {:?} revision {revision} was left {status} by an operation that is gone; marked failed, continuing",
                        self.rel.name
                    ),
                });
                Ok(())
            }
            Step::CreateNamespace { name } => {
                let ns = json!({"apiVersion": "v1", "kind": "Namespace",
                    "metadata": {"name": name, "labels": {"name": name}}});
                if self.env.cluster.get(&ns, "").await?.is_none() {
                    self.env
                        .cluster
                        .apply(&ns, "", capstan_kube::resources::HELM_FIELD_MANAGER, false)
                        .await?;
                }
                Ok(())
            }
            Step::CreateCrds { crds } => self.create_crds(crds).await,
            Step::CheckOwnership {
                resources,
                take_ownership,
                verb,
            } => {
                if *take_ownership {
                    return Ok(());
                }
                for r in resources {
                    if let Some(live) = self.env.cluster.get(&minimal(r), &self.namespace).await? {
                        if let Err(why) =
                            check_ownership(&live, &self.rel.name, &self.rel.namespace)
                        {
                            return Err(StepError(format!(
                                "unable to continue with {verb}: {} exists and cannot be imported into the current release: {why}",
                                r.describe()
                            )));
                        }
                    }
                }
                Ok(())
            }
            Step::SupersedeReplaced { revision } => {
                let mut old = self.env.storage.get(&self.rel.name, *revision).await?;
                if old.status() != Some(Status::Failed) {
                    set_status(&mut old, Status::Superseded, "superseded by new release");
                    self.store_update(&old).await?;
                }
                Ok(())
            }
            Step::CreateRecord {
                status,
                description,
                ..
            } => {
                set_status(&mut self.rel, *status, description);
                self.env
                    .storage
                    .create_pruned(&self.rel, self.history_max)
                    .await?;
                self.recorded();
                Ok(())
            }
            Step::UpdateRecord {
                status,
                description,
            } => {
                let mut description = description.clone();
                if *status == Status::Deployed && !self.hook_warnings.is_empty() {
                    // capstan's warn-only post hooks: deployed, with the warning on record.
                    description =
                        format!("{description} (warning: {})", self.hook_warnings.join("; "));
                }
                set_status(&mut self.rel, *status, &description);
                self.record().await;
                Ok(())
            }
            Step::RunHooks {
                hook_event,
                hooks,
                parallel,
            } => self.run_hooks(*hook_event, hooks, *parallel).await,
            Step::ApplyResources { resources } => self.apply(resources).await,
            Step::DeleteRemoved { resources } => {
                for r in resources {
                    let obj = minimal(&r.r);
                    match self.env.cluster.get(&obj, &self.namespace).await {
                        Ok(Some(live)) if live_keep(&live) => {
                            self.kept.push(r.r.clone());
                            self.emit(Event::ResourceKept {
                                kind: r.r.kind.clone(),
                                name: r.r.name.clone(),
                            });
                        }
                        Ok(Some(_)) => match self
                            .env
                            .cluster
                            .delete(&obj, &self.namespace, PropagationPolicy::Background)
                            .await
                        {
                            Ok(_) => self.emit(Event::ResourceDeleted {
                                kind: r.r.kind.clone(),
                                name: r.r.name.clone(),
                            }),
                            // Helm only logs a failed deletion of a removed object.
                            Err(e) => self.emit(Event::Warning {
                                message: format!("failed to delete {}: {e}", r.r),
                            }),
                        },
                        Ok(None) => {}
                        Err(e) => self.emit(Event::Warning {
                            message: format!("unable to read {}: {e}", r.r),
                        }),
                    }
                }
                Ok(())
            }
            Step::WaitReady {
                resources,
                wait_for_jobs,
            } => self.wait_ready(resources, *wait_for_jobs).await,
            Step::DeleteResources { resources, kept } => {
                for k in kept {
                    self.kept.push(k.clone());
                    self.emit(Event::ResourceKept {
                        kind: k.kind.clone(),
                        name: k.name.clone(),
                    });
                }
                let mut failed = false;
                for r in resources {
                    let obj = minimal(&r.r);
                    // Helm 4.3 deletes only objects that carry this release's ownership.
                    match self.env.cluster.get(&obj, &self.namespace).await {
                        Ok(None) => continue,
                        Ok(Some(live)) => {
                            if check_ownership(&live, &self.rel.name, &self.rel.namespace).is_err()
                            {
                                self.emit(Event::Warning {
                                    message: format!(
                                        "{} is not owned by this release; not deleted",
                                        r.r.describe()
                                    ),
                                });
                                continue;
                            }
                        }
                        Err(e) => {
                            self.emit(Event::Warning {
                                message: format!("unable to verify ownership of {}: {e}", r.r),
                            });
                            continue;
                        }
                    }
                    match self
                        .env
                        .cluster
                        .delete(&obj, &self.namespace, self.propagation.clone())
                        .await
                    {
                        Ok(_) => self.emit(Event::ResourceDeleted {
                            kind: r.r.kind.clone(),
                            name: r.r.name.clone(),
                        }),
                        Err(e) => {
                            failed = true;
                            self.emit(Event::Warning {
                                message: format!("failed to delete {}: {e}", r.r),
                            });
                        }
                    }
                }
                if failed {
                    return Err(StepError(format!(
                        "failed to delete release: {}",
                        self.rel.name
                    )));
                }
                Ok(())
            }
            Step::WaitDeleted { resources } => {
                for r in resources {
                    if let Err(e) = self
                        .env
                        .cluster
                        .wait_deleted(&minimal(r), &self.namespace, self.timeout)
                        .await
                    {
                        self.collected.push(format!(
                            "resource {}/{}/{} still exists: {e}",
                            r.kind, r.namespace, r.name
                        ));
                    }
                }
                Ok(())
            }
            Step::Supersede { revisions } => {
                for v in revisions {
                    let mut old = self.env.storage.get(&self.rel.name, *v).await?;
                    if let Some(i) = old.info.as_mut() {
                        i.status = Status::Superseded.as_str().to_owned();
                    }
                    self.store_update(&old).await?;
                }
                Ok(())
            }
            Step::PurgeHistory { revisions } => {
                for v in revisions {
                    if let Err(e) = self.env.storage.delete(&self.rel.name, *v).await {
                        self.collected
                            .push(format!("uninstall: Failed to purge the release: {e}"));
                        break;
                    }
                    self.emit(Event::ReleaseDeleted {
                        name: self.rel.name.clone(),
                        revision: *v,
                    });
                }
                Ok(())
            }
        }
    }

    /// Writes the working revision (Helm's `recordRelease`: a failure is only reported).
    pub async fn record(&self) {
        match self.env.storage.update(&self.rel).await {
            Ok(()) => self.recorded(),
            Err(e) => self.emit(Event::Warning {
                message: format!("failed to update release {}: {e}", self.rel.name),
            }),
        }
    }

    async fn store_update(&self, rel: &Release) -> Result<(), StepError> {
        self.env.storage.update(rel).await?;
        self.emit(Event::ReleaseRecorded {
            name: rel.name.clone(),
            revision: rel.version,
            status: rel.status_str().to_owned(),
            description: rel
                .info
                .as_ref()
                .map(|i| i.description.clone())
                .unwrap_or_default(),
        });
        Ok(())
    }

    fn recorded(&self) {
        self.emit(Event::ReleaseRecorded {
            name: self.rel.name.clone(),
            revision: self.rel.version,
            status: self.rel.status_str().to_owned(),
            description: self
                .rel
                .info
                .as_ref()
                .map(|i| i.description.clone())
                .unwrap_or_default(),
        });
    }

    async fn create_crds(&mut self, crds: &[Resource]) -> Result<(), StepError> {
        for crd in crds {
            if self.env.cluster.get(&crd.object, "").await?.is_some() {
                // Helm skips existing CRDs: it never updates them.
                continue;
            }
            self.env
                .cluster
                .apply(
                    &crd.object,
                    "",
                    capstan_kube::resources::HELM_FIELD_MANAGER,
                    false,
                )
                .await
                .map_err(|e| StepError(format!("failed to install CRD {}: {e}", crd.path)))?;
            self.emit(Event::ResourceApplied {
                kind: crd.r.kind.clone(),
                name: crd.r.name.clone(),
                namespace: String::new(),
                created: true,
            });
        }
        // Helm waits (up to 60 s) for the CRDs to be established before rendering on, and
        // goes on whatever the outcome (the apply of their objects then says what is wrong).
        let objs: Vec<Value> = crds.iter().map(|c| c.object.clone()).collect();
        let _ = self
            .env
            .cluster
            .wait_ready(&objs, "", false, Duration::from_secs(60), &|_| {})
            .await;
        Ok(())
    }

    /// Applies resources kind by kind: one kind's objects concurrently, the next kind after.
    async fn apply(&mut self, resources: &[Resource]) -> Result<(), StepError> {
        if self.force_replace && !self.client_side {
            // Helm 4's kube client, before touching anything: replace cannot be combined
            // with server-side apply.
            return Err(StepError(
                "invalid operation: cannot use server-side apply and force replace together".into(),
            ));
        }
        if self.force_conflicts && self.client_side {
            // Helm 4's kube client refuses the option pair before touching anything.
            return Err(StepError(
                "invalid client update option(s): forceConflicts enabled when serverSideApply disabled".into(),
            ));
        }
        let mut start = 0;
        while start < resources.len() {
            let kind = &resources[start].r.kind;
            let end = resources[start..]
                .iter()
                .position(|r| &r.r.kind != kind)
                .map(|p| start + p)
                .unwrap_or(resources.len());
            let batch = &resources[start..end];
            let results = futures::future::join_all(batch.iter().map(|r| self.apply_one(r))).await;
            let mut first_err = None;
            for (r, res) in batch.iter().zip(results) {
                match res {
                    Ok(created) => {
                        if created {
                            self.created.push(r.clone());
                        }
                        self.emit(Event::ResourceApplied {
                            kind: r.r.kind.clone(),
                            name: r.r.name.clone(),
                            namespace: r.r.namespace.clone(),
                            created,
                        });
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = first_err {
                return Err(e);
            }
            start = end;
        }
        Ok(())
    }

    async fn apply_one(&self, r: &Resource) -> Result<bool, StepError> {
        let mut obj = r.object.clone();
        stamp_ownership(&mut obj, &self.rel.name, &self.rel.namespace);
        if self.client_side {
            let original = self
                .originals
                .iter()
                .find(|o| o.r.same_object(&r.r))
                .map(|o| &o.object);
            return self
                .env
                .cluster
                .update_client_side(
                    original,
                    &obj,
                    &self.namespace,
                    capstan_kube::resources::HELM_FIELD_MANAGER,
                    self.force_replace,
                )
                .await
                .map_err(|e| {
                    StepError(format!(
                        "failed to update resource: {} {:?}: {e}",
                        r.r.kind, r.r.name
                    ))
                });
        }
        let existed = self.env.cluster.get(&obj, &self.namespace).await?.is_some();
        if existed && self.upgrade_csa_manager {
            self.env
                .cluster
                .upgrade_client_side_manager(
                    &obj,
                    &self.namespace,
                    capstan_kube::resources::HELM_FIELD_MANAGER,
                )
                .await
                .map_err(|e| {
                    StepError(format!(
                        "failed to patch object to upgrade CSA field manager {}/{} {}: {e}",
                        r.r.namespace,
                        r.r.name,
                        gvk_string(&r.r.api_version, &r.r.kind)
                    ))
                })?;
        }
        self.env
            .cluster
            .apply(
                &obj,
                &self.namespace,
                capstan_kube::resources::HELM_FIELD_MANAGER,
                self.force || self.force_conflicts,
            )
            .await
            .map_err(|e| {
                StepError(format!(
                    "failed to {} resource: {} {:?}: {e}",
                    if existed { "update" } else { "create" },
                    r.r.kind,
                    r.r.name
                ))
            })?;
        Ok(!existed)
    }

    /// `--wait`: helm 4's status watcher. The wait ends when every resource is ready
    /// (kstatus `Current`) or failed, or at the timeout; then every resource that is not
    /// ready is reported in order, and `context deadline exceeded` if time ran out.
    async fn wait_ready(&mut self, resources: &[ObjRef], jobs: bool) -> Result<(), StepError> {
        let objs: Vec<Value> = resources.iter().map(minimal).collect();
        let on_ready = |i: usize| {
            if let Some(r) = resources.get(i) {
                self.env.emit(Event::ResourceReady {
                    kind: r.kind.clone(),
                    name: r.name.clone(),
                });
            }
        };
        let report = self
            .env
            .cluster
            .wait_ready(&objs, &self.namespace, jobs, self.timeout, &on_ready)
            .await?;
        if report.all_ready() {
            return Ok(());
        }
        let mut errs: Vec<String> = resources
            .iter()
            .zip(&report.states)
            .filter_map(|(r, state)| {
                let (status, message) = match state {
                    Readiness::Current => return None,
                    Readiness::InProgress(m) => ("InProgress", m),
                    Readiness::Failed(m) => ("Failed", m),
                };
                Some(format!(
                    "resource {}/{}/{} not ready. status: {status}, message: {message}",
                    r.kind, r.namespace, r.name
                ))
            })
            .collect();
        if report.timed_out {
            errs.push("context deadline exceeded".into());
        }
        Err(StepError(errs.join("\n")))
    }
}

/// Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment` (`/v1, Kind=ConfigMap` for
/// the core group).
fn gvk_string(api_version: &str, kind: &str) -> String {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    format!("{group}/{version}, Kind={kind}")
}

/// Sets status and description of a record.
pub(crate) fn set_status(rel: &mut Release, status: Status, description: &str) {
    let info = rel.info.get_or_insert_with(Default::default);
    info.status = status.as_str().to_owned();
    info.description = description.to_owned();
    if status == Status::Deployed && info.last_deployed.is_none() {
        info.last_deployed = Some(now_timestamp());
    }
}
