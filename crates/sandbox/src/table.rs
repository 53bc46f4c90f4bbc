//! Server-side printing: `meta.k8s.io/v1` `Table` responses for clients that ask for them
//! (`kubectl get`), with the columns the real server prints for the common kinds.

use crate::resources::ResourceDef;
use crate::time::{parse_rfc3339, unix_now};
use serde_json::{json, Value};

/// The media type of Table responses.
pub const TABLE_CT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// Whether the Accept header asks for a Table.
pub fn wants_table(accept: &str) -> bool {
    accept.split(',').any(|p| {
        let p = p.replace(' ', "");
        p.contains("as=Table") && p.contains("g=meta.k8s.io") && p.contains("v=v1;")
            || p.ends_with("as=Table;v=v1;g=meta.k8s.io")
    })
}

/// kubectl-style short durations: `45s`, `3m12s`, `2h5m`, `3d4h`.
pub fn human_age(secs: u64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 600 => {
            if s % 60 == 0 {
                format!("{m}m")
            } else {
                format!("{m}m{}s", s % 60)
            }
        }
        s if s < 3 * 3600 => format!("{m}m"),
        s if s < 8 * 3600 => format!("{h}h{}m", (s % 3600) / 60),
        s if s < 48 * 3600 => format!("{h}h"),
        s if s < 8 * 86_400 => format!("{d}d{}h", (s % 86_400) / 3600),
        _ => format!("{d}d"),
    }
}

fn age(o: &Value) -> String {
    match o["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(parse_rfc3339)
    {
        Some(t) => human_age(unix_now().as_secs().saturating_sub(t)),
        None => "<unknown>".into(),
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn col(name: &str, ty: &str, priority: u8) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": ty, "format": format, "description": name, "priority": priority})
}

fn pod_status(p: &Value) -> String {
    let phase = p["status"]["phase"].as_str().unwrap_or("Pending");
    if p["metadata"]["deletionTimestamp"].is_string() {
        return "Terminating".into();
    }
    for cs in p["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(r) = cs["state"]["terminated"]["reason"].as_str() {
            return r.to_string();
        }
        if let Some(r) = cs["state"]["waiting"]["reason"].as_str() {
            return r.to_string();
        }
    }
    if phase == "Pending" && p["spec"]["nodeName"].is_string() {
        return "ContainerCreating".into();
    }
    phase.to_string()
}

/// Column definitions and cells for one kind.
fn columns(def: &ResourceDef) -> Vec<Value> {
    let mut c = vec![col("Name", "string", 0)];
    let more: &[(&str, &str, u8)] = match (def.group.as_str(), def.kind.as_str()) {
        ("", "Pod") => &[
            ("Ready", "string", 0),
            ("Status", "string", 0),
            ("Restarts", "string", 0),
            ("Age", "string", 0),
            ("IP", "string", 1),
            ("Node", "string", 1),
        ],
        ("apps", "Deployment") => &[
            ("Ready", "string", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Age", "string", 0),
        ],
        ("apps", "ReplicaSet") => &[
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Age", "string", 0),
        ],
        ("apps", "StatefulSet") => &[("Ready", "string", 0), ("Age", "string", 0)],
        ("apps", "DaemonSet") => &[
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Age", "string", 0),
        ],
        ("batch", "Job") => &[
            ("Status", "string", 0),
            ("Completions", "string", 0),
            ("Duration", "string", 0),
            ("Age", "string", 0),
        ],
        ("", "Namespace") => &[("Status", "string", 0), ("Age", "string", 0)],
        ("batch", "CronJob") => &[
            ("Schedule", "string", 0),
            ("Timezone", "string", 0),
            ("Suspend", "boolean", 0),
            ("Active", "integer", 0),
            ("Last Schedule", "string", 0),
            ("Age", "string", 0),
        ],
        ("", "Service") => &[
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
            ("Age", "string", 0),
        ],
        ("", "ConfigMap") => &[("Data", "integer", 0), ("Age", "string", 0)],
        ("", "Secret") => &[
            ("Type", "string", 0),
            ("Data", "integer", 0),
            ("Age", "string", 0),
        ],
        _ => &[("Age", "string", 0)],
    };
    c.extend(more.iter().map(|(n, t, p)| col(n, t, *p)));
    c
}

fn cells(def: &ResourceDef, o: &Value) -> Vec<Value> {
    let name = json!(o["metadata"]["name"]);
    let st = &o["status"];
    let rest: Vec<Value> = match (def.group.as_str(), def.kind.as_str()) {
        ("", "Pod") => {
            let cs = st["containerStatuses"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
            let ready = cs.iter().filter(|c| c["ready"] == true).count();
            let restarts: i64 = cs.iter().map(|c| int(&c["restartCount"])).sum();
            vec![
                json!(format!("{ready}/{total}")),
                json!(pod_status(o)),
                json!(restarts.to_string()),
                json!(age(o)),
                json!(st["podIP"].as_str().unwrap_or("<none>")),
                json!(o["spec"]["nodeName"].as_str().unwrap_or("<none>")),
            ]
        }
        ("apps", "Deployment") => vec![
            json!(format!(
                "{}/{}",
                int(&st["readyReplicas"]),
                int(&o["spec"]["replicas"])
            )),
            json!(int(&st["updatedReplicas"])),
            json!(int(&st["availableReplicas"])),
            json!(age(o)),
        ],
        ("apps", "ReplicaSet") => vec![
            json!(int(&o["spec"]["replicas"])),
            json!(int(&st["replicas"])),
            json!(int(&st["readyReplicas"])),
            json!(age(o)),
        ],
        ("apps", "StatefulSet") => vec![
            json!(format!(
                "{}/{}",
                int(&st["readyReplicas"]),
                int(&o["spec"]["replicas"])
            )),
            json!(age(o)),
        ],
        ("apps", "DaemonSet") => vec![
            json!(int(&st["desiredNumberScheduled"])),
            json!(int(&st["currentNumberScheduled"])),
            json!(int(&st["numberReady"])),
            json!(int(&st["updatedNumberScheduled"])),
            json!(int(&st["numberAvailable"])),
            json!(age(o)),
        ],
        ("batch", "Job") => {
            let conds = st["conditions"].as_array().cloned().unwrap_or_default();
            let has = |t: &str| {
                conds
                    .iter()
                    .any(|c| c["type"] == t && c["status"] == "True")
            };
            let status = if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else {
                "Running"
            };
            let start = st["startTime"].as_str().and_then(parse_rfc3339);
            let end = st["completionTime"]
                .as_str()
                .and_then(parse_rfc3339)
                .unwrap_or_else(|| unix_now().as_secs());
            let dur = start.map_or(String::new(), |s| human_age(end.saturating_sub(s)));
            vec![
                json!(status),
                json!(format!(
                    "{}/{}",
                    int(&st["succeeded"]),
                    o["spec"]["completions"].as_i64().unwrap_or(1)
                )),
                json!(dur),
                json!(age(o)),
            ]
        }
        ("", "Namespace") => vec![
            json!(st["phase"].as_str().unwrap_or("Active")),
            json!(age(o)),
        ],
        ("", "Service") => {
            let ports: Vec<String> = o["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "{}/{}",
                        int(&p["port"]),
                        p["protocol"].as_str().unwrap_or("TCP")
                    )
                })
                .collect();
            vec![
                json!(o["spec"]["type"].as_str().unwrap_or("ClusterIP")),
                json!(o["spec"]["clusterIP"].as_str().unwrap_or("<none>")),
                json!("<none>"),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                json!(age(o)),
            ]
        }
        ("", "ConfigMap") => vec![
            json!(
                o["data"].as_object().map_or(0, |m| m.len())
                    + o["binaryData"].as_object().map_or(0, |m| m.len())
            ),
            json!(age(o)),
        ],
        ("", "Secret") => vec![
            json!(o["type"].as_str().unwrap_or("Opaque")),
            json!(o["data"].as_object().map_or(0, |m| m.len())),
            json!(age(o)),
        ],
        _ => vec![json!(age(o))],
    };
    let mut out = vec![name];
    out.extend(rest);
    out
}

/// A Table of `items`; `include` is `Object`, `Metadata` (default) or `None`.
pub fn table(def: &ResourceDef, items: &[Value], list_meta: Value, include: &str) -> Value {
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let object = match include {
                "Object" => o.clone(),
                "None" => Value::Null,
                _ => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]}),
            };
            json!({"cells": cells(def, o), "object": object})
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta, "columnDefinitions": columns(def), "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Registry;

    #[test]
    fn ages_like_kubectl() {
        assert_eq!(human_age(5), "5s");
        assert_eq!(human_age(185), "3m5s");
        assert_eq!(human_age(3600), "60m");
        assert_eq!(human_age(4 * 3600 + 120), "4h2m");
        assert_eq!(human_age(30 * 3600), "30h");
        assert_eq!(human_age(3 * 86_400 + 3600), "3d1h");
        assert_eq!(human_age(20 * 86_400), "20d");
    }

    #[test]
    fn pod_rows() {
        let r = Registry::new();
        let def = r.find("", "v1", "pods").unwrap();
        let p = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}], "nodeName": "n"},
            "status": {"phase": "Succeeded", "containerStatuses": [{"ready": false, "restartCount": 0, "state": {"terminated": {"reason": "Completed"}}}]}});
        let t = table(&def, &[p], json!({}), "Metadata");
        assert_eq!(t["rows"][0]["cells"][0], "p");
        assert_eq!(t["rows"][0]["cells"][1], "0/1");
        assert_eq!(t["rows"][0]["cells"][2], "Completed");
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
        assert!(wants_table("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"));
        assert!(!wants_table("application/json"));
    }
}
