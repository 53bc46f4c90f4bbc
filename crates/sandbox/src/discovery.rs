//! Discovery documents: `/version`, legacy and aggregated discovery, and a synthetic OpenAPI
//! (v3 index and per group/version documents, plus a v2 document).
//!
//! The OpenAPI schemas are permissive on purpose: clients need the
//! `x-kubernetes-group-version-kind` markers and the `fieldValidation` parameter (which makes
//! them leave validation to the server), not the full schemas.

use crate::resources::{Registry, ResourceDef};
use serde_json::{json, Value};

/// The Kubernetes version the sandbox claims to be.
pub const KUBE_MINOR: &str = "37";

/// `GET /version`.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": KUBE_MINOR,
        "emulationMajor": "1",
        "emulationMinor": KUBE_MINOR,
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "36",
        "gitVersion": format!("v1.{KUBE_MINOR}.0"),
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-11-01T00:00:00Z",
        "goVersion": "go1.27",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

/// `GET /api` (legacy form).
pub fn core_versions() -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"],
           "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
}

fn gv_entry(group: &str, v: &str) -> Value {
    json!({"groupVersion": format!("{group}/{v}"), "version": v})
}

/// `GET /apis` (legacy form).
pub fn group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, vs)| {
            let preferred = preferred_version(reg, &g, &vs);
            json!({"name": g, "versions": vs.iter().map(|v| gv_entry(&g, v)).collect::<Vec<_>>(),
                   "preferredVersion": gv_entry(&g, &preferred)})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn preferred_version(reg: &Registry, group: &str, versions: &[String]) -> String {
    reg.all()
        .into_iter()
        .find(|d| d.group == group && d.preferred)
        .map(|d| d.version)
        .or_else(|| versions.first().cloned())
        .unwrap_or_default()
}

/// `GET /apis/<group>` (legacy form).
pub fn group(reg: &Registry, group: &str) -> Option<Value> {
    let (g, vs) = reg.groups().into_iter().find(|(g, _)| g == group)?;
    let preferred = preferred_version(reg, &g, &vs);
    Some(json!({"kind": "APIGroup", "apiVersion": "v1", "name": g,
                "versions": vs.iter().map(|v| gv_entry(&g, v)).collect::<Vec<_>>(),
                "preferredVersion": gv_entry(&g, &preferred)}))
}

fn subresources(d: &ResourceDef) -> Vec<(&'static str, Value, Vec<&'static str>)> {
    let mut out = Vec::new();
    if d.has_status {
        out.push(("status", json!(d.kind), vec!["get", "patch", "update"]));
    }
    if d.has_scale {
        out.push(("scale", json!("Scale"), vec!["get", "patch", "update"]));
    }
    if d.kind == "Pod" && d.group.is_empty() {
        out.push(("log", json!("Pod"), vec!["get"]));
    }
    out
}

/// `GET /api/v1` or `/apis/<g>/<v>`: the `APIResourceList`.
pub fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    if !reg.has_group_version(group, version) {
        return None;
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut resources = Vec::new();
    for d in reg
        .all()
        .into_iter()
        .filter(|d| d.group == group && d.version == version)
    {
        resources.push(d.discovery_entry());
        for (sub, kind, verbs) in subresources(&d) {
            resources.push(
                json!({"name": format!("{}/{sub}", d.plural), "singularName": "",
                                  "namespaced": d.namespaced, "kind": kind, "verbs": verbs}),
            );
        }
    }
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

/// The media type of aggregated discovery responses.
pub const AGGREGATED_CT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether the client asked for aggregated discovery (v2).
pub fn wants_aggregated(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let p = part.replace(' ', "");
        p.contains("g=apidiscovery.k8s.io")
            && p.contains("v=v2")
            && p.contains("as=APIGroupDiscoveryList")
    })
}

/// Aggregated discovery for `/api` (core only) or `/apis` (every named group).
pub fn aggregated(reg: &Registry, core: bool) -> Value {
    let all = reg.all();
    let items: Vec<Value> = reg
        .groups()
        .into_iter()
        .filter(|(g, _)| g.is_empty() == core)
        .map(|(g, vs)| {
            let preferred = preferred_version(reg, &g, &vs);
            let mut ordered = vec![preferred.clone()];
            ordered.extend(vs.iter().filter(|v| **v != preferred).cloned());
            let versions: Vec<Value> = ordered
                .iter()
                .map(|v| {
                    let resources: Vec<Value> = all
                        .iter()
                        .filter(|d| d.group == g && d.version == *v)
                        .map(|d| {
                            let mut r = json!({
                                "resource": d.plural,
                                "responseKind": {"group": d.group, "version": d.version, "kind": d.kind},
                                "scope": if d.namespaced { "Namespaced" } else { "Cluster" },
                                "singularResource": d.singular,
                                "verbs": d.verbs(),
                            });
                            if !d.short_names.is_empty() {
                                r["shortNames"] = json!(d.short_names);
                            }
                            if !d.categories.is_empty() {
                                r["categories"] = json!(d.categories);
                            }
                            let subs: Vec<Value> = subresources(d)
                                .into_iter()
                                .map(|(s, kind, verbs)| {
                                    let (sg, sv) = if s == "scale" { ("autoscaling", "v1") } else { (d.group.as_str(), d.version.as_str()) };
                                    json!({"subresource": s, "responseKind": {"group": sg, "version": sv, "kind": kind}, "verbs": verbs})
                                })
                                .collect();
                            if !subs.is_empty() {
                                r["subresources"] = json!(subs);
                            }
                            r
                        })
                        .collect();
                    json!({"version": v, "resources": resources, "freshness": "Current"})
                })
                .collect();
            json!({"metadata": {"name": g, "creationTimestamp": null}, "versions": versions})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The schema name a kind gets in OpenAPI, e.g. `io.k8s.api.apps.v1.Deployment`.
fn schema_name(d: &ResourceDef) -> String {
    if d.custom {
        let rev: Vec<&str> = d.group.split('.').rev().collect();
        format!("{}.{}.{}", rev.join("."), d.version, d.kind)
    } else {
        let g = if d.group.is_empty() {
            "core"
        } else {
            d.group.split('.').next().unwrap_or("core")
        };
        format!("io.k8s.api.{g}.{}.{}", d.version, d.kind)
    }
}

/// `GET /openapi/v3`: the index of per group/version documents.
pub fn openapi_v3_index(reg: &Registry, hash: u64) -> Value {
    let mut paths = serde_json::Map::new();
    for (g, vs) in reg.groups() {
        for v in vs {
            let p = gv_path(&g, &v);
            paths.insert(
                p.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash:016X}")}),
            );
        }
    }
    json!({"paths": paths})
}

fn op(d: &ResourceDef, action: &str, list: bool) -> Value {
    let mut params =
        vec![json!({"name": "fieldManager", "in": "query", "schema": {"type": "string"}})];
    if matches!(action, "post" | "put" | "patch") {
        params.push(json!({"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}}));
        params.push(json!({"name": "dryRun", "in": "query", "schema": {"type": "string"}}));
    }
    let kind = if list {
        format!("{}List", d.kind)
    } else {
        d.kind.clone()
    };
    let action_name = match (action, list) {
        ("get", true) => "list",
        ("post", _) => "post",
        ("put", _) => "put",
        ("delete", true) => "deletecollection",
        (a, _) => a,
    };
    json!({
        "operationId": format!("{action}{}", d.kind),
        "parameters": params,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", schema_name(d) + if list { "List" } else { "" })}}}}},
        "x-kubernetes-action": action_name,
        "x-kubernetes-group-version-kind": {"group": d.group, "version": d.version, "kind": kind},
    })
}

/// `GET /openapi/v3/<gv path>`: a permissive document for one group/version.
pub fn openapi_v3_doc(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    if !reg.has_group_version(group, version) {
        return None;
    }
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for d in reg
        .all()
        .into_iter()
        .filter(|d| d.group == group && d.version == version)
    {
        let base = if d.namespaced {
            format!(
                "/{}/namespaces/{{namespace}}/{}",
                gv_path(group, version),
                d.plural
            )
        } else {
            format!("/{}/{}", gv_path(group, version), d.plural)
        };
        paths.insert(base.clone(), json!({"get": op(&d, "get", true), "post": op(&d, "post", false), "delete": op(&d, "delete", true)}));
        paths.insert(
            format!("{base}/{{name}}"),
            json!({"get": op(&d, "get", false), "put": op(&d, "put", false),
            "patch": op(&d, "patch", false), "delete": op(&d, "delete", false)}),
        );
        let gvk = json!([{"group": d.group, "version": d.version, "kind": d.kind}]);
        schemas.insert(
            schema_name(&d),
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "x-kubernetes-group-version-kind": gvk}),
        );
        schemas.insert(format!("{}List", schema_name(&d)), json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "x-kubernetes-group-version-kind": [{"group": d.group, "version": d.version, "kind": format!("{}List", d.kind)}]}));
    }
    Some(
        json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": format!("v1.{KUBE_MINOR}.0")},
                "paths": paths, "components": {"schemas": schemas}}),
    )
}

/// `GET /openapi/v2` (JSON; clients that insist on protobuf fall back to v3 first).
pub fn openapi_v2(reg: &Registry) -> Value {
    let mut defs = serde_json::Map::new();
    for d in reg.all() {
        defs.insert(schema_name(&d), json!({"type": "object",
            "x-kubernetes-group-version-kind": [{"group": d.group, "version": d.version, "kind": d.kind}]}));
    }
    json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": format!("v1.{KUBE_MINOR}.0")},
           "paths": {}, "definitions": defs})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_lists_resources_with_subresources() {
        let reg = Registry::new();
        let l = resource_list(&reg, "apps", "v1").unwrap();
        let names: Vec<&str> = l["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(
            names.contains(&"deployments")
                && names.contains(&"deployments/status")
                && names.contains(&"deployments/scale")
        );
        assert!(resource_list(&reg, "apps", "v9").is_none());
        let agg = aggregated(&reg, true);
        assert_eq!(agg["items"][0]["metadata"]["name"], "");
        let apis = aggregated(&reg, false);
        let auto = apis["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == "autoscaling")
            .unwrap();
        assert_eq!(auto["versions"][0]["version"], "v2");
    }

    #[test]
    fn openapi_marks_field_validation() {
        let reg = Registry::new();
        let idx = openapi_v3_index(&reg, 1);
        assert!(idx["paths"]["api/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap()
            .starts_with("/openapi/v3/api/v1?hash="));
        let doc = openapi_v3_doc(&reg, "", "v1").unwrap();
        let post = &doc["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["post"];
        assert_eq!(post["x-kubernetes-group-version-kind"]["kind"], "ConfigMap");
        assert!(post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation"));
        assert!(wants_aggregated(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
        ));
        assert!(!wants_aggregated("application/json"));
    }
}
