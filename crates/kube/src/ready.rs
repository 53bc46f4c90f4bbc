//! Readiness as Helm 4 judges it for `--wait` / `--wait-for-jobs`: the kstatus rules
//! (sigs.k8s.io/cli-utils `kstatus`), computed from an object's JSON.
//!
//! Every kind first needs `status.observedGeneration >= metadata.generation` when both are
//! present; then per-kind rules apply, and other kinds are judged by the `Ready`,
//! `Reconciling` and `Stalled` conditions, or are current when they have none.

use serde_json::Value;

/// The kstatus verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Reconciled and ready.
    Current,
    /// Still progressing, with the reason.
    InProgress(String),
    /// Will not get ready on its own (e.g. a failed Job or Pod, a stuck rollout).
    Failed(String),
}

fn int(v: &Value, ptr: &str) -> Option<i64> {
    v.pointer(ptr).and_then(Value::as_i64)
}

fn int0(v: &Value, ptr: &str) -> i64 {
    int(v, ptr).unwrap_or(0)
}

fn str_at<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// The condition of `type_` as `(status, reason, message)`.
fn condition<'a>(v: &'a Value, type_: &str) -> Option<(&'a str, &'a str, &'a str)> {
    v.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
        .map(|c| {
            let get = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
            (get("status"), get("reason"), get("message"))
        })
}

fn progress(what: &str, have: i64, want: i64) -> Readiness {
    Readiness::InProgress(format!("{what}: {have}/{want}"))
}

/// Judges one object. `wait_for_jobs` follows Helm's custom Job reader: a Job is current
/// only once `Complete`; without it plain kstatus applies (current once started).
pub fn readiness(obj: &Value, wait_for_jobs: bool) -> Readiness {
    let kind = str_at(obj, "/kind").unwrap_or("");
    if let (Some(gen), Some(observed)) = (
        int(obj, "/metadata/generation"),
        int(obj, "/status/observedGeneration"),
    ) {
        if observed < gen {
            return Readiness::InProgress(format!(
                "{kind} generation {gen} not yet observed (at {observed})"
            ));
        }
    }
    match kind {
        "Deployment" => deployment(obj),
        "StatefulSet" => statefulset(obj),
        "DaemonSet" => daemonset(obj),
        "ReplicaSet" => replicaset(obj),
        "Pod" => pod(obj),
        "Job" => job(obj, wait_for_jobs),
        "PersistentVolumeClaim" => match str_at(obj, "/status/phase") {
            Some("Bound") => Readiness::Current,
            other => Readiness::InProgress(format!("PVC is {}", other.unwrap_or("not bound"))),
        },
        "Service" => {
            if str_at(obj, "/spec/type") == Some("LoadBalancer")
                && obj
                    .pointer("/status/loadBalancer/ingress")
                    .and_then(Value::as_array)
                    .is_none_or(|a| a.is_empty())
            {
                Readiness::InProgress("LoadBalancer has no ingress yet".into())
            } else {
                Readiness::Current
            }
        }
        "CustomResourceDefinition" => {
            if let Some(("False", reason, msg)) = condition(obj, "NamesAccepted") {
                return Readiness::Failed(format!("names not accepted: {reason}: {msg}"));
            }
            match condition(obj, "Established") {
                Some(("True", _, _)) => Readiness::Current,
                _ => Readiness::InProgress("CRD is not established".into()),
            }
        }
        _ => generic(obj),
    }
}

fn generic(obj: &Value) -> Readiness {
    if let Some(("True", reason, msg)) = condition(obj, "Stalled") {
        return Readiness::Failed(format!("stalled: {reason}: {msg}"));
    }
    if let Some(("True", reason, _)) = condition(obj, "Reconciling") {
        return Readiness::InProgress(format!("reconciling: {reason}"));
    }
    match condition(obj, "Ready") {
        Some(("False", reason, msg)) => {
            Readiness::InProgress(format!("not ready: {reason}: {msg}"))
        }
        _ => Readiness::Current,
    }
}

fn deployment(obj: &Value) -> Readiness {
    let want = int(obj, "/spec/replicas").unwrap_or(1);
    if let Some((_, "ProgressDeadlineExceeded", msg)) = condition(obj, "Progressing") {
        return Readiness::Failed(format!("progress deadline exceeded: {msg}"));
    }
    let updated = int0(obj, "/status/updatedReplicas");
    let replicas = int0(obj, "/status/replicas");
    let ready = int0(obj, "/status/readyReplicas");
    let available = int0(obj, "/status/availableReplicas");
    if updated < want {
        return progress("updated replicas", updated, want);
    }
    if replicas > updated {
        return Readiness::InProgress(format!(
            "{} old replicas pending termination",
            replicas - updated
        ));
    }
    if available < updated {
        return progress("available replicas", available, updated);
    }
    if ready < want {
        return progress("ready replicas", ready, want);
    }
    if let Some(("False", _, _)) = condition(obj, "Available") {
        return Readiness::InProgress("Deployment is not Available".into());
    }
    Readiness::Current
}

fn statefulset(obj: &Value) -> Readiness {
    if str_at(obj, "/spec/updateStrategy/type") == Some("OnDelete") {
        return Readiness::Current;
    }
    let want = int(obj, "/spec/replicas").unwrap_or(1);
    let ready = int0(obj, "/status/readyReplicas");
    let current = int0(obj, "/status/currentReplicas");
    let updated = int0(obj, "/status/updatedReplicas");
    if int0(obj, "/status/replicas") < want {
        return progress("replicas", int0(obj, "/status/replicas"), want);
    }
    if ready < want {
        return progress("ready replicas", ready, want);
    }
    let partition = int0(obj, "/spec/updateStrategy/rollingUpdate/partition");
    if partition > 0 {
        // A partitioned rollout is done when the pods above the partition are updated.
        let target = (want - partition).max(0);
        return if updated < target {
            progress("updated replicas", updated, target)
        } else {
            Readiness::Current
        };
    }
    let cur_rev = str_at(obj, "/status/currentRevision");
    let upd_rev = str_at(obj, "/status/updateRevision");
    if cur_rev != upd_rev {
        return progress("updated replicas", updated, want);
    }
    if current < want {
        return progress("current replicas", current, want);
    }
    Readiness::Current
}

fn daemonset(obj: &Value) -> Readiness {
    let desired = int0(obj, "/status/desiredNumberScheduled");
    let checks = [
        ("scheduled", int0(obj, "/status/currentNumberScheduled")),
        ("updated", int0(obj, "/status/updatedNumberScheduled")),
        ("available", int0(obj, "/status/numberAvailable")),
        ("ready", int0(obj, "/status/numberReady")),
    ];
    for (what, have) in checks {
        if have < desired {
            return progress(what, have, desired);
        }
    }
    Readiness::Current
}

fn replicaset(obj: &Value) -> Readiness {
    if let Some(("True", reason, msg)) = condition(obj, "ReplicaFailure") {
        return Readiness::InProgress(format!("replica failure: {reason}: {msg}"));
    }
    let want = int(obj, "/spec/replicas").unwrap_or(1);
    let checks = [
        (
            "labelled replicas",
            int0(obj, "/status/fullyLabeledReplicas"),
        ),
        ("available replicas", int0(obj, "/status/availableReplicas")),
        ("ready replicas", int0(obj, "/status/readyReplicas")),
    ];
    for (what, have) in checks {
        if have < want {
            return progress(what, have, want);
        }
    }
    Readiness::Current
}

fn pod(obj: &Value) -> Readiness {
    match str_at(obj, "/status/phase") {
        Some("Succeeded") => Readiness::Current,
        Some("Failed") => Readiness::Failed("pod failed".into()),
        Some("Running") => match condition(obj, "Ready") {
            Some(("True", _, _)) => Readiness::Current,
            _ => Readiness::InProgress("pod is running but not ready".into()),
        },
        other => Readiness::InProgress(format!("pod is {}", other.unwrap_or("pending"))),
    }
}

/// kstatus's Job rules, with helm's texts: `Job Failed. failed: F/C` (C = completions,
/// else parallelism, else 1), and, under `--wait-for-jobs` (helm's own Job reader), current
/// only once `Complete` (`Job in progress` until then).
fn job(obj: &Value, wait_for_jobs: bool) -> Readiness {
    let parallelism = int(obj, "/spec/parallelism").unwrap_or(1);
    let completions = int(obj, "/spec/completions").unwrap_or(parallelism);
    if let Some(("True", _, _)) = condition(obj, "Complete") {
        return Readiness::Current;
    }
    if let Some(("True", _, _)) = condition(obj, "Failed") {
        return Readiness::Failed(format!(
            "Job Failed. failed: {}/{completions}",
            int0(obj, "/status/failed")
        ));
    }
    if wait_for_jobs {
        return Readiness::InProgress("Job in progress".into());
    }
    // Plain kstatus: a Job that has started counts as current.
    if obj.pointer("/status/startTime").is_some() {
        Readiness::Current
    } else {
        Readiness::InProgress("Job not started".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn current(v: Value) -> bool {
        readiness(&v, true) == Readiness::Current
    }

    #[test]
    fn deployments() {
        let mut d = json!({"kind": "Deployment", "metadata": {"generation": 2},
            "spec": {"replicas": 2},
            "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2,
                "readyReplicas": 2, "availableReplicas": 2}});
        assert!(current(d.clone()));
        d["status"]["observedGeneration"] = json!(1);
        assert!(matches!(readiness(&d, false), Readiness::InProgress(_)));
        d["status"]["observedGeneration"] = json!(2);
        d["status"]["availableReplicas"] = json!(1);
        assert!(matches!(readiness(&d, false), Readiness::InProgress(_)));
        d["status"]["conditions"] = json!([{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]);
        assert!(matches!(readiness(&d, false), Readiness::Failed(_)));
    }

    #[test]
    fn pods_jobs_pvcs_services_crds() {
        assert!(current(
            json!({"kind": "Pod", "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}})
        ));
        assert!(!current(
            json!({"kind": "Pod", "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "False"}]}})
        ));
        assert!(matches!(
            readiness(
                &json!({"kind": "Pod", "status": {"phase": "Failed"}}),
                false
            ),
            Readiness::Failed(_)
        ));
        let running =
            json!({"kind": "Job", "status": {"active": 1, "startTime": "2026-01-01T00:00:00Z"}});
        assert!(matches!(
            readiness(&json!({"kind": "Job", "status": {}}), false),
            Readiness::InProgress(_)
        ));
        assert!(matches!(
            readiness(&running, true),
            Readiness::InProgress(_)
        ));
        assert_eq!(readiness(&running, false), Readiness::Current);
        assert!(current(
            json!({"kind": "Job", "status": {"conditions": [{"type": "Complete", "status": "True"}]}})
        ));
        let failed = json!({"kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}});
        assert_eq!(
            readiness(&failed, false),
            Readiness::Failed("Job Failed. failed: 0/1".into())
        );
        assert_eq!(
            readiness(&running, true),
            Readiness::InProgress("Job in progress".into())
        );
        assert!(current(
            json!({"kind": "PersistentVolumeClaim", "status": {"phase": "Bound"}})
        ));
        assert!(!current(
            json!({"kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}})
        ));
        assert!(current(
            json!({"kind": "Service", "spec": {"type": "ClusterIP"}})
        ));
        assert!(!current(
            json!({"kind": "Service", "spec": {"type": "LoadBalancer"}, "status": {}})
        ));
        assert!(current(
            json!({"kind": "Service", "spec": {"type": "LoadBalancer"},
            "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}})
        ));
        assert!(current(json!({"kind": "CustomResourceDefinition",
            "status": {"conditions": [{"type": "Established", "status": "True"}]}})));
        assert!(!current(
            json!({"kind": "CustomResourceDefinition", "status": {}})
        ));
    }

    #[test]
    fn workload_sets_and_generic_conditions() {
        let mut sts = json!({"kind": "StatefulSet", "spec": {"replicas": 2},
            "status": {"replicas": 2, "readyReplicas": 2, "currentReplicas": 2, "updatedReplicas": 2,
                "currentRevision": "a", "updateRevision": "a"}});
        assert!(current(sts.clone()));
        sts["status"]["updateRevision"] = json!("b");
        assert!(!current(sts));
        assert!(current(
            json!({"kind": "DaemonSet", "status": {"desiredNumberScheduled": 1,
            "currentNumberScheduled": 1, "updatedNumberScheduled": 1, "numberAvailable": 1, "numberReady": 1}})
        ));
        assert!(!current(
            json!({"kind": "DaemonSet", "status": {"desiredNumberScheduled": 1}})
        ));
        assert!(!current(
            json!({"kind": "ReplicaSet", "spec": {"replicas": 1}, "status": {}})
        ));
        assert!(current(json!({"kind": "Widget"})));
        assert!(!current(
            json!({"kind": "Widget", "status": {"conditions": [{"type": "Ready", "status": "False"}]}})
        ));
        assert!(matches!(
            readiness(
                &json!({"kind": "Widget", "status": {"conditions": [{"type": "Stalled", "status": "True"}]}}),
                true
            ),
            Readiness::Failed(_)
        ));
    }
}
