//! Deployment, ReplicaSet, StatefulSet and DaemonSet controllers: enough to create pods,
//! roll to a new template, and report the status fields rollout checkers read.

use super::{
    meta, owned_pods, owner_ref, pod_done, pod_ready, set_condition, template_hash, Controllers,
    NODE,
};
use serde_json::{json, Value};
use std::sync::Arc;

fn replicas(o: &Value) -> i64 {
    o["spec"]["replicas"].as_i64().unwrap_or(1).max(0)
}

fn live(pods: Vec<Value>) -> Vec<Value> {
    pods.into_iter()
        .filter(|p| !pod_done(p) && p["metadata"]["deletionTimestamp"].is_null())
        .collect()
}

fn pod_from_template(
    tmpl: &Value,
    owner: &Value,
    ns: &str,
    name: Option<String>,
    generate: &str,
    extra_labels: &[(&str, String)],
) -> Value {
    let mut m = tmpl["metadata"].clone();
    if !m.is_object() {
        m = json!({});
    }
    match name {
        Some(n) => m["name"] = json!(n),
        None => m["generateName"] = json!(generate),
    }
    m["namespace"] = json!(ns);
    m["ownerReferences"] = json!([owner_ref(owner)]);
    for (k, v) in extra_labels {
        m["labels"][*k] = json!(v);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": tmpl["spec"]})
}

pub(super) fn reconcile_rs(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let Some(rs) = ctl.sh.store.get("apps/replicasets", ns, name) else {
        return;
    };
    if rs["metadata"]["deletionTimestamp"].is_string() {
        return;
    }
    let uid = meta(&rs, "uid").to_string();
    let mut pods = live(owned_pods(&ctl.sh, ns, &uid));
    let want = replicas(&rs);
    let have = pods.len() as i64;
    for _ in have..want {
        let p = pod_from_template(
            &rs["spec"]["template"],
            &rs,
            ns,
            None,
            &format!("{name}-"),
            &[],
        );
        if let Some(p) = ctl.create("pods", "", ns, p) {
            ctl.event(
                &rs,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {}", meta(&p, "name")),
                "replicaset-controller",
            );
            pods.push(p);
        }
    }
    if have > want {
        pods.sort_by(|a, b| meta(b, "creationTimestamp").cmp(meta(a, "creationTimestamp")));
        for p in pods.drain(..(have - want) as usize) {
            ctl.delete("pods", "", ns, meta(&p, "name"));
            ctl.event(
                &rs,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: {}", meta(&p, "name")),
                "replicaset-controller",
            );
        }
    }
    let n = pods.len() as i64;
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let gen = rs["metadata"]["generation"].clone();
    ctl.mutate("apps/replicasets", "apps", "replicasets", ns, name, Some(&uid), |r| {
        r["status"] = json!({"replicas": n, "fullyLabeledReplicas": n, "readyReplicas": ready, "availableReplicas": ready, "observedGeneration": gen});
        for k in ["readyReplicas", "availableReplicas"] {
            if ready == 0 {
                r["status"].as_object_mut().map(|m| m.remove(k));
            }
        }
    });
}

pub(super) fn reconcile_deployment(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let sh = &ctl.sh;
    let Some(d) = sh.store.get("apps/deployments", ns, name) else {
        return;
    };
    if d["metadata"]["deletionTimestamp"].is_string() {
        return;
    }
    let uid = meta(&d, "uid").to_string();
    let hash = template_hash(&d["spec"]["template"]);
    let owned: Vec<Value> = sh
        .store
        .list("apps/replicasets", Some(ns))
        .0
        .into_iter()
        .filter(|r| {
            r["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|rs| rs.iter().any(|o| o["uid"] == uid.as_str()))
        })
        .collect();
    let rev_of = |r: &Value| {
        r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let max_rev = owned.iter().map(rev_of).max().unwrap_or(0);
    let want = replicas(&d);
    let current = owned
        .iter()
        .find(|r| r["metadata"]["labels"]["pod-template-hash"] == hash.as_str())
        .cloned();
    let paused = d["spec"]["paused"] == true;
    let current = match current {
        Some(c) => {
            let rev = rev_of(&c);
            let bump = rev < max_rev;
            ctl.mutate(
                "apps/replicasets",
                "apps",
                "replicasets",
                ns,
                meta(&c, "name"),
                None,
                |r| {
                    r["spec"]["replicas"] = json!(want);
                    r["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                        json!(want.to_string());
                    if bump {
                        r["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
                            json!((max_rev + 1).to_string());
                    }
                },
            )
        }
        None if !paused => {
            let mut tmpl = d["spec"]["template"].clone();
            tmpl["metadata"]["labels"]["pod-template-hash"] = json!(hash);
            let mut sel = d["spec"]["selector"].clone();
            sel["matchLabels"]["pod-template-hash"] = json!(hash);
            let mut labels = tmpl["metadata"]["labels"].clone();
            labels["pod-template-hash"] = json!(hash);
            let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": format!("{name}-{hash}"), "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(&d)],
                    "annotations": {"deployment.kubernetes.io/revision": (max_rev + 1).to_string(),
                                    "deployment.kubernetes.io/desired-replicas": want.to_string(),
                                    "deployment.kubernetes.io/max-replicas": (want + 1).to_string()}},
                "spec": {"replicas": want, "selector": sel, "template": tmpl}});
            let created = ctl.create("replicasets", "apps", ns, rs);
            if created.is_some() {
                ctl.event(
                    &d,
                    "Normal",
                    "ScalingReplicaSet",
                    &format!("Scaled up replica set {name}-{hash} from 0 to {want}"),
                    "deployment-controller",
                );
            }
            created
        }
        None => None,
    };
    // Old ReplicaSets go to zero once the new one is available (a one-step rollout).
    let cur_ready = current.as_ref().map_or(0, |c| {
        c["status"]["availableReplicas"].as_i64().unwrap_or(0)
    });
    let mut old_pods = 0;
    for r in owned
        .iter()
        .filter(|r| r["metadata"]["labels"]["pod-template-hash"] != hash.as_str())
    {
        old_pods += r["status"]["replicas"].as_i64().unwrap_or(0);
        if cur_ready >= want && replicas(r) > 0 {
            ctl.mutate(
                "apps/replicasets",
                "apps",
                "replicasets",
                ns,
                meta(r, "name"),
                None,
                |x| x["spec"]["replicas"] = json!(0),
            );
            ctl.event(
                &d,
                "Normal",
                "ScalingReplicaSet",
                &format!(
                    "Scaled down replica set {} from {} to 0",
                    meta(r, "name"),
                    replicas(r)
                ),
                "deployment-controller",
            );
        }
    }
    let cur = current.unwrap_or(Value::Null);
    let updated = cur["status"]["replicas"].as_i64().unwrap_or(0);
    let total = updated + old_pods;
    let ready: i64 = owned
        .iter()
        .map(|r| r["status"]["readyReplicas"].as_i64().unwrap_or(0))
        .sum::<i64>()
        .max(cur["status"]["readyReplicas"].as_i64().unwrap_or(0));
    let available = ready;
    let gen = d["metadata"]["generation"].clone();
    let rev = cur["metadata"]["annotations"]["deployment.kubernetes.io/revision"].clone();
    let cur_name = meta(&cur, "name").to_string();
    ctl.mutate(
        "apps/deployments",
        "apps",
        "deployments",
        ns,
        name,
        Some(&uid),
        |x| {
            if rev.is_string() {
                x["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = rev.clone();
            }
            let mut st = x["status"].clone();
            if !st.is_object() {
                st = json!({});
            }
            st["observedGeneration"] = gen.clone();
            st["replicas"] = json!(total);
            st["updatedReplicas"] = json!(updated);
            st["readyReplicas"] = json!(ready);
            st["availableReplicas"] = json!(available);
            st["unavailableReplicas"] = json!((total - available).max(0));
            for k in [
                "readyReplicas",
                "availableReplicas",
                "unavailableReplicas",
                "replicas",
                "updatedReplicas",
            ] {
                if st[k] == 0 {
                    st.as_object_mut().map(|m| m.remove(k));
                }
            }
            let avail = available >= want;
            set_condition(
                &mut st,
                "Available",
                if avail { "True" } else { "False" },
                if avail {
                    "MinimumReplicasAvailable"
                } else {
                    "MinimumReplicasUnavailable"
                },
                if avail {
                    "Deployment has minimum availability."
                } else {
                    "Deployment does not have minimum availability."
                },
            );
            let done = avail && updated == want && old_pods == 0 && cur_ready >= want;
            set_condition(
                &mut st,
                "Progressing",
                "True",
                if done {
                    "NewReplicaSetAvailable"
                } else {
                    "ReplicaSetUpdated"
                },
                &if done {
                    format!("ReplicaSet \"{cur_name}\" has successfully progressed.")
                } else {
                    format!("ReplicaSet \"{cur_name}\" is progressing.")
                },
            );
            x["status"] = st;
        },
    );
}

pub(super) fn reconcile_sts(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let sh = &ctl.sh;
    let Some(s) = sh.store.get("apps/statefulsets", ns, name) else {
        return;
    };
    if s["metadata"]["deletionTimestamp"].is_string() {
        return;
    }
    let uid = meta(&s, "uid").to_string();
    let revision = format!("{name}-{}", template_hash(&s["spec"]["template"]));
    let want = replicas(&s);
    let pods = live(owned_pods(sh, ns, &uid));
    let ordered = s["spec"]["podManagementPolicy"] != "Parallel";
    for i in 0..want {
        let pname = format!("{name}-{i}");
        match pods.iter().find(|p| meta(p, "name") == pname) {
            Some(p) => {
                if p["metadata"]["labels"]["controller-revision-hash"] != revision.as_str() {
                    // Rolling update: replace one outdated pod at a time, highest ordinal first.
                    let all_ready = pods.iter().all(pod_ready);
                    if all_ready
                        && i == (0..want)
                            .rev()
                            .find(|j| {
                                pods.iter().any(|q| {
                                    meta(q, "name") == format!("{name}-{j}")
                                        && q["metadata"]["labels"]["controller-revision-hash"]
                                            != revision.as_str()
                                })
                            })
                            .unwrap_or(-1)
                    {
                        ctl.delete("pods", "", ns, &pname);
                    }
                }
                if ordered && !pod_ready(p) {
                    break;
                }
            }
            None => {
                for t in s["spec"]["volumeClaimTemplates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let claim = format!("{}-{pname}", meta(t, "name"));
                    if sh
                        .store
                        .get("/persistentvolumeclaims", ns, &claim)
                        .is_none()
                    {
                        let mut pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": t["metadata"].clone(), "spec": t["spec"].clone()});
                        pvc["metadata"]["name"] = json!(claim);
                        pvc["metadata"]["labels"] = s["spec"]["selector"]["matchLabels"].clone();
                        ctl.create("persistentvolumeclaims", "", ns, pvc);
                    }
                }
                let labels = [
                    ("statefulset.kubernetes.io/pod-name", pname.clone()),
                    ("controller-revision-hash", revision.clone()),
                    ("apps.kubernetes.io/pod-index", i.to_string()),
                ];
                let mut p = pod_from_template(
                    &s["spec"]["template"],
                    &s,
                    ns,
                    Some(pname.clone()),
                    "",
                    &labels,
                );
                p["spec"]["hostname"] = json!(pname);
                if let Some(svc) = s["spec"]["serviceName"].as_str() {
                    p["spec"]["subdomain"] = json!(svc);
                }
                for t in s["spec"]["volumeClaimTemplates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let claim = format!("{}-{pname}", meta(t, "name"));
                    if let Some(vs) = p["spec"]["volumes"].as_array_mut() {
                        vs.push(json!({"name": meta(t, "name"), "persistentVolumeClaim": {"claimName": claim}}));
                    } else {
                        p["spec"]["volumes"] = json!([{"name": meta(t, "name"), "persistentVolumeClaim": {"claimName": claim}}]);
                    }
                }
                if ctl.create("pods", "", ns, p).is_some() {
                    ctl.event(
                        &s,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("create Pod {pname} in StatefulSet {name} successful"),
                        "statefulset-controller",
                    );
                }
                if ordered {
                    break;
                }
            }
        }
    }
    for p in &pods {
        let idx = meta(p, "name")
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(-1);
        if idx >= want {
            ctl.delete("pods", "", ns, meta(p, "name"));
        }
    }
    let pods = live(owned_pods(sh, ns, &uid));
    let n = pods.len() as i64;
    let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
    let updated = pods
        .iter()
        .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == revision.as_str())
        .count() as i64;
    let gen = s["metadata"]["generation"].clone();
    ctl.mutate("apps/statefulsets", "apps", "statefulsets", ns, name, Some(&uid), |x| {
        let current = if updated == n && n == want { revision.clone() } else { x["status"]["currentRevision"].as_str().unwrap_or(&revision).to_string() };
        x["status"] = json!({"observedGeneration": gen, "replicas": n, "readyReplicas": ready, "currentReplicas": if current == revision { updated } else { n - updated },
            "updatedReplicas": updated, "availableReplicas": ready, "currentRevision": current, "updateRevision": revision, "collisionCount": 0});
    });
}

pub(super) fn reconcile_ds(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let sh = &ctl.sh;
    let Some(ds) = sh.store.get("apps/daemonsets", ns, name) else {
        return;
    };
    if ds["metadata"]["deletionTimestamp"].is_string() {
        return;
    }
    let uid = meta(&ds, "uid").to_string();
    let hash = template_hash(&ds["spec"]["template"]);
    let pods = live(owned_pods(sh, ns, &uid));
    let mut current = None;
    for p in &pods {
        if p["metadata"]["labels"]["controller-revision-hash"] == hash.as_str() && current.is_none()
        {
            current = Some(p.clone());
        } else {
            ctl.delete("pods", "", ns, meta(p, "name"));
        }
    }
    if current.is_none() {
        let mut p = pod_from_template(
            &ds["spec"]["template"],
            &ds,
            ns,
            None,
            &format!("{name}-"),
            &[
                ("controller-revision-hash", hash.clone()),
                (
                    "pod-template-generation",
                    ds["metadata"]["generation"]
                        .as_i64()
                        .unwrap_or(1)
                        .to_string(),
                ),
            ],
        );
        p["spec"]["nodeName"] = json!(NODE);
        if let Some(c) = ctl.create("pods", "", ns, p) {
            ctl.event(
                &ds,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {}", meta(&c, "name")),
                "daemonset-controller",
            );
            current = Some(c);
        }
    }
    let ready = current.as_ref().is_some_and(pod_ready) as i64;
    let gen = ds["metadata"]["generation"].clone();
    ctl.mutate("apps/daemonsets", "apps", "daemonsets", ns, name, Some(&uid), |x| {
        x["status"] = json!({"observedGeneration": gen, "desiredNumberScheduled": 1, "currentNumberScheduled": 1, "numberMisscheduled": 0,
            "numberReady": ready, "updatedNumberScheduled": 1, "numberAvailable": ready});
        if ready == 0 {
            x["status"]["numberUnavailable"] = json!(1);
            x["status"].as_object_mut().map(|m| m.remove("numberAvailable"));
        }
    });
}
