//! Simulated controllers: one task reads every store change and reconciles the objects it
//! affects (and their controlling owners). Reconciles are idempotent and write only when
//! something differs, so the loop settles.

mod cron;
mod endpoints;
mod jobs;
mod pods;
mod workloads;

use crate::objects::{self, WriteOpts};
use crate::state::Shared;
use crate::store::{Change, EventType};
use crate::time::{now_micro, now_rfc3339};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast::error::RecvError;

/// The single node pods are "scheduled" on.
pub const NODE: &str = "sandbox-node";

/// The field manager controllers write as.
const MANAGER: &str = "kube-controller-manager";

/// Controller state: running pod simulations, by pod uid.
pub struct Controllers {
    sh: Arc<Shared>,
    runners: Mutex<HashMap<String, tokio::sync::watch::Sender<bool>>>,
}

/// Starts the controller task.
pub fn start(sh: Arc<Shared>) {
    let mut rx = sh.store.subscribe();
    let ctl = Arc::new(Controllers {
        sh,
        runners: Mutex::new(HashMap::new()),
    });
    // CronJobs are time-driven, not change-driven: check them every second.
    let cron_ctl = ctl.clone();
    ctl.sh.spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            cron::tick(&cron_ctl);
        }
    });
    let sh = ctl.sh.clone();
    sh.spawn(async move {
        loop {
            match rx.recv().await {
                Ok(c) => ctl.on_change(&c),
                Err(RecvError::Lagged(_)) => ctl.resync(),
                Err(RecvError::Closed) => return,
            }
        }
    });
}

fn meta<'a>(o: &'a Value, f: &str) -> &'a str {
    o["metadata"][f].as_str().unwrap_or_default()
}

/// The controlling owner reference (kind, name) of an object.
fn controller_of(o: &Value) -> Option<(String, String)> {
    o["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or_default().to_string(),
                r["name"].as_str().unwrap_or_default().to_string(),
            )
        })
}

impl Controllers {
    fn on_change(self: &Arc<Self>, c: &Change) {
        let ns = c.namespace.as_str();
        match c.key.as_str() {
            "/pods" => {
                match c.kind {
                    EventType::Added => self.start_pod(&c.object),
                    EventType::Deleted => self.stop_pod(meta(&c.object, "uid")),
                    EventType::Modified => {}
                }
                if let Some((kind, name)) = controller_of(&c.object) {
                    self.reconcile_kind(&kind, ns, &name);
                }
                // Services in the namespace may select this pod.
                for svc in self.sh.store.list("/services", Some(ns)).0 {
                    endpoints::reconcile(self, ns, meta(&svc, "name"));
                }
            }
            "/services" => endpoints::reconcile(self, ns, &c.name),
            "apps/replicasets" => {
                if c.kind != EventType::Deleted {
                    self.reconcile_kind("ReplicaSet", ns, &c.name);
                }
                if let Some((kind, name)) = controller_of(&c.object) {
                    self.reconcile_kind(&kind, ns, &name);
                }
            }
            "apps/deployments" if c.kind != EventType::Deleted => {
                self.reconcile_kind("Deployment", ns, &c.name)
            }
            "apps/statefulsets" if c.kind != EventType::Deleted => {
                self.reconcile_kind("StatefulSet", ns, &c.name)
            }
            "apps/daemonsets" if c.kind != EventType::Deleted => {
                self.reconcile_kind("DaemonSet", ns, &c.name)
            }
            "batch/jobs" if c.kind != EventType::Deleted => self.reconcile_kind("Job", ns, &c.name),
            _ => {}
        }
    }

    fn reconcile_kind(self: &Arc<Self>, kind: &str, ns: &str, name: &str) {
        match kind {
            "Job" => jobs::reconcile(self, ns, name),
            "ReplicaSet" => workloads::reconcile_rs(self, ns, name),
            "Deployment" => workloads::reconcile_deployment(self, ns, name),
            "StatefulSet" => workloads::reconcile_sts(self, ns, name),
            "DaemonSet" => workloads::reconcile_ds(self, ns, name),
            _ => {}
        }
    }

    /// Reconciles everything (after missing events).
    fn resync(self: &Arc<Self>) {
        for (key, kind) in [
            ("apps/deployments", "Deployment"),
            ("apps/replicasets", "ReplicaSet"),
            ("apps/statefulsets", "StatefulSet"),
            ("apps/daemonsets", "DaemonSet"),
            ("batch/jobs", "Job"),
        ] {
            for o in self.sh.store.list(key, None).0 {
                self.reconcile_kind(kind, meta(&o, "namespace"), meta(&o, "name"));
            }
        }
        for p in self.sh.store.list("/pods", None).0 {
            let running = self
                .runners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(meta(&p, "uid"));
            if !running {
                self.start_pod(&p);
            }
        }
    }

    fn stop_pod(&self, uid: &str) {
        if let Some(tx) = self
            .runners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uid)
        {
            let _ = tx.send(true);
        }
    }

    /// Creates an object through the normal write path as the controller manager.
    fn create(&self, plural: &str, group: &str, ns: &str, obj: Value) -> Option<Value> {
        // Every kind the controllers create is served at v1 in its group.
        let version = "v1";
        let def = self.sh.registry.find(group, version, plural)?;
        objects::create(
            &self.sh,
            &def,
            Some(ns),
            obj,
            &WriteOpts {
                manager: MANAGER.into(),
                ..Default::default()
            },
        )
        .ok()
    }

    /// Deletes an object through the normal path (background propagation).
    fn delete(&self, plural: &str, group: &str, ns: &str, name: &str) {
        if let Some(def) = self.sh.registry.find(group, "v1", plural) {
            let _ = objects::delete(
                &self.sh,
                &def,
                ns,
                name,
                &objects::DeleteOpts {
                    propagation: Some("Background".into()),
                    ..Default::default()
                },
            );
        }
    }

    /// Read-modify-write of a stored object's status (or anything), retried on conflicts.
    #[allow(clippy::too_many_arguments)]
    fn mutate(
        &self,
        key: &str,
        group: &str,
        plural: &str,
        ns: &str,
        name: &str,
        uid: Option<&str>,
        f: impl Fn(&mut Value),
    ) -> Option<Value> {
        for _ in 0..5 {
            let cur = self.sh.store.get(key, ns, name)?;
            if uid.is_some_and(|u| u != meta(&cur, "uid")) {
                return None;
            }
            let mut next = cur.clone();
            f(&mut next);
            if next == cur {
                return Some(cur);
            }
            let tracked = !matches!(plural, "pods");
            match self.sh.store.update(key, group, plural, next, tracked) {
                Ok(v) => return Some(v),
                Err(e) if e.code == 409 => continue,
                Err(_) => return None,
            }
        }
        None
    }

    /// Records an Event about `obj`.
    fn event(&self, obj: &Value, kind: &str, reason: &str, message: &str, component: &str) {
        let ns = match meta(obj, "namespace") {
            "" => "default",
            n => n,
        };
        let name = format!("{}.{:016x}", meta(obj, "name"), self.sh.store.random());
        let now = now_rfc3339();
        let ev = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta(obj, "name"),
                               "namespace": meta(obj, "namespace"), "uid": meta(obj, "uid"), "resourceVersion": meta(obj, "resourceVersion")},
            "reason": reason, "message": message, "type": kind,
            "source": {"component": component, "host": if component == "kubelet" { NODE } else { "" }},
            "firstTimestamp": now, "lastTimestamp": now, "eventTime": null, "count": 1,
            "reportingComponent": component, "reportingInstance": if component == "kubelet" { NODE } else { "" },
        });
        let _ = now_micro;
        self.create("events", "", ns, ev);
    }
}

/// A stable short hash of a pod template, in the API server's name-suffix alphabet.
fn template_hash(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|_| {
            let c = ALPHA[(h % ALPHA.len() as u64) as usize] as char;
            h /= ALPHA.len() as u64;
            c
        })
        .collect()
}

/// Whether a pod is Running and Ready.
fn pod_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running"
        && p["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// Whether a pod has finished.
fn pod_done(p: &Value) -> bool {
    matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

/// Pods in `ns` controlled by the object with `uid`.
fn owned_pods(sh: &Shared, ns: &str, uid: &str) -> Vec<Value> {
    sh.store
        .list("/pods", Some(ns))
        .0
        .into_iter()
        .filter(|p| {
            p["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|rs| {
                    rs.iter()
                        .any(|r| r["uid"] == uid && r["controller"] == true)
                })
        })
        .collect()
}

/// An owner reference to `obj` marking it as controller.
fn owner_ref(obj: &Value) -> Value {
    json!({"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta(obj, "name"), "uid": meta(obj, "uid"),
           "controller": true, "blockOwnerDeletion": true})
}

/// Sets (or updates) a condition, keeping lastTransitionTime when the status is unchanged.
fn set_condition(status: &mut Value, ctype: &str, st: &str, reason: &str, message: &str) {
    let now = now_rfc3339();
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let Some(conds) = status["conditions"].as_array_mut() else {
        return;
    };
    match conds.iter_mut().find(|c| c["type"] == ctype) {
        Some(c) => {
            if c["status"] != st {
                c["lastTransitionTime"] = json!(now);
            }
            c["status"] = json!(st);
            c["reason"] = json!(reason);
            c["message"] = json!(message);
        }
        None => conds.push(
            json!({"type": ctype, "status": st, "reason": reason, "message": message,
                                  "lastTransitionTime": now, "lastUpdateTime": now}),
        ),
    }
}
