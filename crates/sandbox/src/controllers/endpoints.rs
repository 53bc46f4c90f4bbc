//! The endpoints controllers: each Service with a selector gets an Endpoints object and an
//! EndpointSlice listing the pods it selects (ready ones as addresses, the others as
//! not-ready), with target ports resolved (named ports looked up in the pod).

use super::{meta, owner_ref, pod_done, pod_ready, Controllers, NODE};
use crate::selector::LabelSelector;
use serde_json::{json, Value};
use std::sync::Arc;

fn resolve_port(svc_port: &Value, pod: &Value) -> Option<i64> {
    match &svc_port["targetPort"] {
        Value::Number(n) => n.as_i64(),
        Value::String(name) => pod["spec"]["containers"]
            .as_array()?
            .iter()
            .flat_map(|c| c["ports"].as_array().into_iter().flatten())
            .find(|p| p["name"] == name.as_str())
            .and_then(|p| p["containerPort"].as_i64())
            .or_else(|| name.parse().ok()),
        _ => svc_port["port"].as_i64(),
    }
}

/// Brings the Endpoints and EndpointSlice of one Service up to date.
pub(super) fn reconcile(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let sh = &ctl.sh;
    let Some(svc) = sh.store.get("/services", ns, name) else {
        ctl.delete("endpoints", "", ns, name);
        return;
    };
    let Some(sel) = svc["spec"]["selector"]
        .as_object()
        .filter(|m| !m.is_empty())
    else {
        return;
    };
    let selector = LabelSelector::from_object(&json!({"matchLabels": sel}));
    let pods: Vec<Value> = sh
        .store
        .list("/pods", Some(ns))
        .0
        .into_iter()
        .filter(|p| selector.matches(p) && !pod_done(p) && p["status"]["podIP"].is_string())
        .collect();
    let ports: Vec<Value> = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    let target = |p: &Value| json!({"kind": "Pod", "name": meta(p, "name"), "namespace": ns, "uid": meta(p, "uid")});
    let addr =
        |p: &Value| json!({"ip": p["status"]["podIP"], "nodeName": NODE, "targetRef": target(p)});
    let ready: Vec<Value> = pods.iter().filter(|p| pod_ready(p)).map(addr).collect();
    let not_ready: Vec<Value> = pods.iter().filter(|p| !pod_ready(p)).map(addr).collect();
    let ep_ports: Vec<Value> = ports
        .iter()
        .map(|sp| {
            let port = pods
                .first()
                .and_then(|p| resolve_port(sp, p))
                .or_else(|| sp["port"].as_i64());
            let mut e = json!({"port": port, "protocol": sp["protocol"].as_str().unwrap_or("TCP")});
            if let Some(n) = sp["name"].as_str() {
                e["name"] = json!(n);
            }
            e
        })
        .collect();
    let mut subset = json!({"ports": ep_ports});
    if !ready.is_empty() {
        subset["addresses"] = json!(ready);
    }
    if !not_ready.is_empty() {
        subset["notReadyAddresses"] = json!(not_ready);
    }
    let subsets = if pods.is_empty() {
        None
    } else {
        Some(json!([subset]))
    };
    let labels = svc["metadata"]["labels"].clone();
    if sh.store.get("/endpoints", ns, name).is_none() {
        let mut ep = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns}});
        if labels.is_object() {
            ep["metadata"]["labels"] = labels.clone();
        }
        ctl.create("endpoints", "", ns, ep);
    }
    ctl.mutate(
        "/endpoints",
        "",
        "endpoints",
        ns,
        name,
        None,
        |e| match &subsets {
            Some(s) => e["subsets"] = s.clone(),
            None => {
                e.as_object_mut().map(|m| m.remove("subsets"));
            }
        },
    );
    // The EndpointSlice, found by its service-name label.
    let slice_name = sh
        .store
        .list("discovery.k8s.io/endpointslices", Some(ns))
        .0
        .into_iter()
        .find(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == name)
        .map(|s| meta(&s, "name").to_string());
    let endpoints: Vec<Value> = pods
        .iter()
        .map(|p| {
            json!({"addresses": [p["status"]["podIP"]], "nodeName": NODE, "targetRef": target(p),
        "conditions": {"ready": pod_ready(p), "serving": pod_ready(p), "terminating": false}})
        })
        .collect();
    let slice_ports: Vec<Value> = ports.iter().map(|sp| {
        let port = pods.first().and_then(|p| resolve_port(sp, p)).or_else(|| sp["port"].as_i64());
        json!({"name": sp["name"].as_str().unwrap_or(""), "port": port, "protocol": sp["protocol"].as_str().unwrap_or("TCP")})
    }).collect();
    let slice_name = match slice_name {
        Some(n) => n,
        None => {
            let s = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": {"generateName": format!("{name}-"), "namespace": ns, "ownerReferences": [owner_ref(&svc)],
                    "labels": {"kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
                "endpoints": [], "ports": []});
            match ctl.create("endpointslices", "discovery.k8s.io", ns, s) {
                Some(c) => meta(&c, "name").to_string(),
                None => return,
            }
        }
    };
    ctl.mutate(
        "discovery.k8s.io/endpointslices",
        "discovery.k8s.io",
        "endpointslices",
        ns,
        &slice_name,
        None,
        |s| {
            s["endpoints"] = json!(endpoints);
            s["ports"] = json!(slice_ports);
        },
    );
}
