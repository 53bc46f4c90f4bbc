//! Running the hooks of one event, as Helm's `execHook`: per hook, `before-hook-creation`
//! deletion, `last_run` Running persisted, create, wait (Job/Pod only), Succeeded/Failed;
//! on failure `hook-failed` for that hook and `hook-succeeded` for the ones that passed;
//! after all pass, `hook-succeeded` deletions in reverse order. With `--parallel-hooks`
//! the hooks of one weight are created together and awaited together.

use std::time::Duration;

use kube::api::PropagationPolicy;
use serde_json::Value;

use capstan_kube::cluster::ClusterError;
use capstan_kube::resources::HELM_FIELD_MANAGER;
use capstan_kube::wait::{HookOutcome, WaitError};
use capstan_release::record::now_timestamp;
use capstan_release::{HookDeletePolicy, HookEvent};

use crate::event::Event;
use crate::executor::{Exec, StepError};
use crate::hooks::{weight_groups, HookStep};
use crate::{Cluster, Driver};

/// How often a running hook is reported.
const TICK: Duration = Duration::from_secs(2);

fn is_post(event: HookEvent) -> bool {
    matches!(
        event,
        HookEvent::PostInstall
            | HookEvent::PostUpgrade
            | HookEvent::PostRollback
            | HookEvent::PostDelete
    )
}

/// Helm 4's waiter messages (kstatus Job/Pod readers).
fn failure_text(
    h: &HookStep,
    live: Option<&Value>,
    outcome: &Result<HookOutcome, ClusterError>,
) -> Option<String> {
    let r = &h.resource.r;
    let head = format!("resource {}/{}/{} not ready.", r.kind, r.namespace, r.name);
    match outcome {
        Ok(HookOutcome::Succeeded) => None,
        Ok(HookOutcome::Failed(_)) => {
            Some(match r.kind.as_str() {
                "Job" => {
                    let int = |p: &str| live.and_then(|v| v.pointer(p)).and_then(Value::as_i64);
                    let failed = int("/status/failed").unwrap_or(0);
                    let completions = int("/spec/completions")
                        .or_else(|| int("/spec/parallelism"))
                        .unwrap_or(1);
                    format!("{head} status: Failed, message: Job Failed. failed: {failed}/{completions}")
                }
                _ => format!("{head} status: Failed, message: pod {} failed", r.name),
            })
        }
        Err(ClusterError::Wait(WaitError::Timeout)) => {
            let msg = match r.kind.as_str() {
                "Job" => "Job in progress".to_owned(),
                _ => "Pod phase not available".to_owned(),
            };
            Some(format!(
                "{head} status: InProgress, message: {msg}\ncontext deadline exceeded"
            ))
        }
        Err(ClusterError::Wait(WaitError::Deleted(_))) => Some(format!(
            "{head} status: NotFound, message: Resource not found\ncontext deadline exceeded"
        )),
        Err(e) => Some(e.to_string()),
    }
}

/// The reason a Job or Pod gives for failing (`BackoffLimitExceeded: Job has reached …`,
/// `DeadlineExceeded`, a container's `ImagePullBackOff`).
fn failure_reason(live: &Value) -> Option<String> {
    let conds = live.pointer("/status/conditions").and_then(Value::as_array);
    if let Some(c) = conds.into_iter().flatten().find(|c| {
        c.get("type").and_then(Value::as_str) == Some("Failed")
            && c.get("status").and_then(Value::as_str) == Some("True")
    }) {
        let get = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
        return Some(format!("reason: {}: {}", get("reason"), get("message")));
    }
    let statuses = live
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)?;
    statuses.iter().find_map(|cs| {
        let w = cs.pointer("/state/waiting/reason").and_then(Value::as_str);
        let t = cs
            .pointer("/state/terminated/reason")
            .and_then(Value::as_str);
        w.or(t).map(|r| format!("reason: {r}"))
    })
}

fn restarts(live: &Value) -> i64 {
    live.pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
                .sum()
        })
        .unwrap_or(0)
}

fn state_of(live: &Value) -> String {
    match live.get("kind").and_then(Value::as_str) {
        Some("Pod") => format!(
            "{} restarts={}",
            live.pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("Pending"),
            restarts(live)
        ),
        Some("Job") => {
            let n = |p: &str| live.pointer(p).and_then(Value::as_i64).unwrap_or(0);
            format!(
                "active={} succeeded={} failed={}",
                n("/status/active"),
                n("/status/succeeded"),
                n("/status/failed")
            )
        }
        _ => String::new(),
    }
}

impl<C: Cluster, D: Driver> Exec<'_, '_, C, D> {
    /// Runs the hooks of `event`.
    pub(crate) async fn run_hooks(
        &mut self,
        event: HookEvent,
        hooks: &[HookStep],
        parallel: bool,
    ) -> Result<(), StepError> {
        let groups: Vec<&[HookStep]> = if parallel {
            weight_groups(hooks)
        } else {
            hooks.chunks(1).collect()
        };
        let mut done = 0usize;
        for group in groups {
            self.run_group(event, group, &hooks[..done]).await?;
            done += group.len();
        }
        // Test logs come before any deletion (Helm 4's delayed shutdown).
        if self.test_logs {
            for h in hooks {
                self.emit_logs(h).await;
            }
        }
        for h in hooks.iter().rev() {
            self.output_logs(h, HookDeletePolicy::SUCCEEDED).await;
            self.delete_by_policy(h, HookDeletePolicy::SUCCEEDED)
                .await?;
        }
        Ok(())
    }

    async fn run_group(
        &mut self,
        event: HookEvent,
        group: &[HookStep],
        earlier: &[HookStep],
    ) -> Result<(), StepError> {
        for h in group {
            // Helm stores the default policy on every hook it executes (hookSetDeletePolicy).
            if let Some(rec) = self.rel.hooks.get_mut(h.index) {
                if rec.delete_policies.is_empty() {
                    rec.delete_policies = h.delete_policies.clone();
                }
            }
            self.delete_by_policy(h, HookDeletePolicy::BEFORE_HOOK_CREATION)
                .await?;
        }
        for h in group {
            if let Some(rec) = self.rel.hooks.get_mut(h.index) {
                rec.last_run.started_at = Some(now_timestamp());
                rec.last_run.completed_at = None;
                rec.last_run.phase = "Running".into();
            }
            // Helm persists the Running state before creating each hook.
            self.record().await;
            if let Some(rec) = self.rel.hooks.get_mut(h.index) {
                rec.last_run.phase = "Unknown".into();
            }
            // Helm creates hooks the way the release applies: server-side apply, or a
            // plain create for a client-side release (which fails on an existing object).
            let created = if self.client_side {
                self.env
                    .cluster
                    .create(&h.resource.object, &self.namespace, HELM_FIELD_MANAGER)
                    .await
            } else {
                self.env
                    .cluster
                    .apply(
                        &h.resource.object,
                        &self.namespace,
                        HELM_FIELD_MANAGER,
                        false,
                    )
                    .await
            };
            if let Err(e) = created {
                self.finish(h, false);
                return Err(StepError(format!(
                    "warning: Hook {event} {} failed: {e}",
                    h.resource.path
                )));
            }
            self.emit(Event::HookCreated {
                hook_event: event.as_str().to_owned(),
                kind: h.resource.r.kind.clone(),
                name: h.resource.r.name.clone(),
                weight: h.weight,
            });
        }
        let outcomes = if group.len() == 1 {
            vec![self.wait_one(&group[0]).await]
        } else {
            futures::future::join_all(group.iter().map(|h| {
                self.env
                    .cluster
                    .wait_hook(&h.resource.object, &self.namespace, self.timeout)
            }))
            .await
        };
        let mut first_err: Option<(usize, String)> = None;
        let mut failed = vec![false; group.len()];
        for (i, (h, outcome)) in group.iter().zip(outcomes).enumerate() {
            let live = match &outcome {
                Ok(HookOutcome::Succeeded) => None,
                _ => self
                    .env
                    .cluster
                    .get(&h.resource.object, &self.namespace)
                    .await
                    .ok()
                    .flatten(),
            };
            match failure_text(h, live.as_ref(), &outcome) {
                None => {
                    self.finish(h, true);
                    self.emit(Event::HookSucceeded {
                        kind: h.resource.r.kind.clone(),
                        name: h.resource.r.name.clone(),
                    });
                }
                Some(reason) => {
                    self.finish(h, false);
                    let mut diagnostics: Vec<String> =
                        live.as_ref().and_then(failure_reason).into_iter().collect();
                    diagnostics.extend(
                        self.env
                            .cluster
                            .diagnostics(&h.resource.object, &self.namespace)
                            .await,
                    );
                    if h.warn_on_failure && is_post(event) {
                        self.emit(Event::HookWarned {
                            name: h.resource.r.name.clone(),
                            reason: reason.clone(),
                        });
                        self.hook_warnings.push(format!(
                            "{event} hook {} failed: {reason}",
                            h.resource.r.name
                        ));
                        self.delete_by_policy(h, HookDeletePolicy::FAILED)
                            .await
                            .ok();
                        continue;
                    }
                    self.emit(Event::HookFailed {
                        kind: h.resource.r.kind.clone(),
                        name: h.resource.r.name.clone(),
                        reason: reason.clone(),
                        diagnostics,
                    });
                    failed[i] = true;
                    first_err.get_or_insert((i, reason));
                }
            }
        }
        let Some((_, err)) = first_err else {
            return Ok(());
        };
        if self.test_logs {
            for h in earlier.iter().chain(group) {
                self.emit_logs(h).await;
            }
        }
        // A failed deletion here is only reported: the hook's own error is what counts.
        for (h, f) in group.iter().zip(&failed) {
            if *f {
                self.output_logs(h, HookDeletePolicy::FAILED).await;
                if let Err(e) = self.delete_by_policy(h, HookDeletePolicy::FAILED).await {
                    self.emit(Event::Warning {
                        message: format!(
                            "error deleting the hook resource on hook failure: {}",
                            e.0
                        ),
                    });
                }
            }
        }
        let succeeded = earlier.iter().chain(
            group
                .iter()
                .zip(&failed)
                .filter(|(_, f)| !**f)
                .map(|(h, _)| h),
        );
        for h in succeeded {
            self.delete_by_policy(h, HookDeletePolicy::SUCCEEDED)
                .await?;
        }
        Err(StepError(err))
    }

    /// Waits for one hook, reporting it as running every couple of seconds.
    async fn wait_one(&self, h: &HookStep) -> Result<HookOutcome, ClusterError> {
        let started = tokio::time::Instant::now();
        let wait = self
            .env
            .cluster
            .wait_hook(&h.resource.object, &self.namespace, self.timeout);
        futures::pin_mut!(wait);
        let mut tick = tokio::time::interval_at(started + TICK, TICK);
        loop {
            tokio::select! {
                out = &mut wait => return out,
                _ = tick.tick() => {
                    let mut state = match self.env.cluster.get(&h.resource.object, &self.namespace).await {
                        Ok(Some(live)) => state_of(&live),
                        _ => String::new(),
                    };
                    if h.resource.r.kind == "Job" {
                        // The newest pod's phase and restarts, as the user would ask kubectl.
                        let pods = self.env.cluster.hook_pods(&h.resource.object, &self.namespace).await;
                        let newest = pods.iter().max_by_key(|p| {
                            p.pointer("/metadata/creationTimestamp")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned()
                        });
                        if let Some(p) = newest {
                            state.push_str(&format!(
                                " pod {} {}",
                                p.pointer("/metadata/name").and_then(Value::as_str).unwrap_or(""),
                                state_of(p)
                            ));
                        }
                    }
                    self.emit(Event::HookRunning {
                        name: h.resource.r.name.clone(),
                        elapsed_secs: started.elapsed().as_secs(),
                        state,
                    });
                }
            }
        }
    }

    fn finish(&mut self, h: &HookStep, ok: bool) {
        if let Some(rec) = self.rel.hooks.get_mut(h.index) {
            rec.last_run.completed_at = Some(now_timestamp());
            rec.last_run.phase = if ok { "Succeeded" } else { "Failed" }.into();
        }
    }

    /// `test --logs`: Helm 4.3 prints the logs of Pod test hooks only, one block per
    /// container (init containers first).
    async fn emit_logs(&self, h: &HookStep) {
        if h.resource.r.kind != "Pod" {
            return;
        }
        for (pod, container, lines) in self
            .env
            .cluster
            .container_logs(&h.resource.object, &self.namespace, true)
            .await
        {
            self.emit(Event::Logs {
                source: format!("{pod} ({container})"),
                lines,
            });
        }
    }

    /// `helm.sh/hook-output-log-policy`: a Job's or Pod's regular containers' logs, when the
    /// hook ended as the policy names (`hook-succeeded` / `hook-failed`); Helm copies them to
    /// stderr before the matching deletion.
    async fn output_logs(&self, h: &HookStep, policy: &str) {
        if !h.output_log_policies.iter().any(|p| p == policy)
            || !matches!(h.resource.r.kind.as_str(), "Job" | "Pod")
        {
            return;
        }
        for (pod, container, lines) in self
            .env
            .cluster
            .container_logs(&h.resource.object, &self.namespace, false)
            .await
        {
            self.emit(Event::HookLogs {
                name: h.resource.r.name.clone(),
                source: format!("{pod} ({container})"),
                lines,
            });
        }
    }

    /// Deletes a hook object when `policy` is among its delete policies (never CRDs); waits
    /// for it to be gone under a waiting strategy.
    async fn delete_by_policy(&self, h: &HookStep, policy: &str) -> Result<(), StepError> {
        if !h.deletes_on(policy) {
            return Ok(());
        }
        let existed = self
            .env
            .cluster
            .delete(
                &h.resource.object,
                &self.namespace,
                PropagationPolicy::Background,
            )
            .await?;
        if self.wait_deletes && existed {
            self.env
                .cluster
                .wait_deleted(&h.resource.object, &self.namespace, self.timeout)
                .await?;
        }
        if existed {
            self.emit(Event::HookDeleted {
                kind: h.resource.r.kind.clone(),
                name: h.resource.r.name.clone(),
                policy: policy.to_owned(),
            });
        }
        Ok(())
    }
}
