//! Server-side validation of create/update bodies, scoped to what clients notice:
//!
//! * `fieldValidation=Strict` (kubectl's default, `--validate=strict`) rejects unknown
//!   fields of built-in kinds with the apiserver's `strict decoding error: unknown field
//!   "spec.foo"`, found by a round trip through the k8s-openapi type: a field the type does
//!   not keep is one the apiserver would not know. A value of the wrong type fails that
//!   decoding too (serde's wording after the apiserver's prefix).
//! * Custom resources are checked against their CRD's OpenAPI v3 schema (types, required,
//!   enum) on every write, as the apiserver does (422 Invalid); unknown fields are rejected
//!   under Strict unless `x-kubernetes-preserve-unknown-fields` allows them.

use crate::error::ApiError;
use crate::resources::ResourceDef;
use crate::state::Shared;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Validates `obj` (a create or update body) for `def`. `Ok` carries the warnings for
/// `fieldValidation=Warn` (the apiserver's default when the parameter is absent): one
/// `unknown field "..."` per unknown field, sent back as `Warning` headers.
pub(crate) fn check(
    sh: &Shared,
    def: &ResourceDef,
    obj: &Value,
    q: &HashMap<String, String>,
) -> Result<Vec<String>, ApiError> {
    let mode = q
        .get("fieldValidation")
        .map(String::as_str)
        .unwrap_or("Warn");
    let strict = mode == "Strict";
    let warn = |unknown: Vec<String>| -> Vec<String> {
        if mode == "Warn" {
            unknown
                .iter()
                .map(|p| format!("unknown field \"{p}\""))
                .collect()
        } else {
            Vec::new()
        }
    };
    if def.custom {
        return check_custom(sh, def, obj, strict).map(warn);
    }
    let prefix = format!(
        "{} in version \"{}\" cannot be handled as a {}",
        def.kind, def.version, def.kind
    );
    let unknown = match builtin_unknown(&def.api_version(), &def.kind, obj) {
        None => return Ok(Vec::new()),
        // Only Strict reports decoding errors here: the other modes leave type errors to
        // the object handlers, as before this check existed.
        Some(Err(e)) if strict => return Err(ApiError::bad_request(format!("{prefix}: {e}"))),
        Some(Err(_)) => return Ok(Vec::new()),
        Some(Ok(u)) => u,
    };
    if unknown.is_empty() || !strict {
        return Ok(warn(unknown));
    }
    let list: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    Err(ApiError::bad_request(format!(
        "{prefix}: strict decoding error: {}",
        list.join(", ")
    )))
}

/// Unknown field paths of a built-in object, or the decoding error; `None` for kinds
/// without a typed model here.
fn builtin_unknown(
    api_version: &str,
    kind: &str,
    obj: &Value,
) -> Option<Result<Vec<String>, String>> {
    use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core};
    use k8s_openapi::api::{networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac};
    fn rt<T: DeserializeOwned + Serialize>(obj: &Value) -> Result<Vec<String>, String> {
        let typed: T = serde_json::from_value(obj.clone()).map_err(|e| e.to_string())?;
        let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        missing(obj, &back, "", &mut out);
        Ok(out)
    }
    Some(match (api_version, kind) {
        ("v1", "ConfigMap") => rt::<core::ConfigMap>(obj),
        ("v1", "Secret") => rt::<core::Secret>(obj),
        ("v1", "Service") => rt::<core::Service>(obj),
        ("v1", "ServiceAccount") => rt::<core::ServiceAccount>(obj),
        ("v1", "Pod") => rt::<core::Pod>(obj),
        ("v1", "Namespace") => rt::<core::Namespace>(obj),
        ("v1", "PersistentVolumeClaim") => rt::<core::PersistentVolumeClaim>(obj),
        ("apps/v1", "Deployment") => rt::<apps::Deployment>(obj),
        ("apps/v1", "StatefulSet") => rt::<apps::StatefulSet>(obj),
        ("apps/v1", "DaemonSet") => rt::<apps::DaemonSet>(obj),
        ("batch/v1", "Job") => rt::<batch::Job>(obj),
        ("batch/v1", "CronJob") => rt::<batch::CronJob>(obj),
        ("networking.k8s.io/v1", "Ingress") => rt::<net::Ingress>(obj),
        ("policy/v1", "PodDisruptionBudget") => rt::<policy::PodDisruptionBudget>(obj),
        ("rbac.authorization.k8s.io/v1", "Role") => rt::<rbac::Role>(obj),
        ("rbac.authorization.k8s.io/v1", "RoleBinding") => rt::<rbac::RoleBinding>(obj),
        ("rbac.authorization.k8s.io/v1", "ClusterRole") => rt::<rbac::ClusterRole>(obj),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => {
            rt::<rbac::ClusterRoleBinding>(obj)
        }
        _ => return None,
    })
}

/// Paths of non-null input fields the round-tripped value dropped.
fn missing(input: &Value, back: &Value, path: &str, out: &mut Vec<String>) {
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(bv) => missing(v, bv, &p, out),
                    None if v.is_null() => {}
                    // `apiVersion`/`kind` at the top are dropped by k8s-openapi's own
                    // serializer only when they do not match; anything else is unknown.
                    None => out.push(p),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                missing(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Schema errors fail; `Ok` holds the unknown field paths (already rejected under Strict).
fn check_custom(
    sh: &Shared,
    def: &ResourceDef,
    obj: &Value,
    strict: bool,
) -> Result<Vec<String>, ApiError> {
    let crd_name = format!("{}.{}", def.plural, def.group);
    let Some(crd) = sh.store.get(
        "apiextensions.k8s.io/customresourcedefinitions",
        "",
        &crd_name,
    ) else {
        return Ok(Vec::new());
    };
    let schema = crd["spec"]["versions"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["name"] == def.version.as_str()))
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .unwrap_or(Value::Null);
    if !schema.is_object() {
        return Ok(Vec::new());
    }
    let mut errs = Vec::new();
    let mut unknown = Vec::new();
    // metadata, apiVersion and kind are the server's, not the schema's.
    let mut body = obj.clone();
    if let Some(m) = body.as_object_mut() {
        for k in ["apiVersion", "kind", "metadata"] {
            m.remove(k);
        }
    }
    walk(&schema, &body, "", &mut errs, &mut unknown);
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    if let Some((field, detail)) = errs.first() {
        // The apiserver names a custom kind with its group (`Gadget.ex.io "g" is invalid`)
        // and lists several errors in brackets.
        let mut e = ApiError::invalid(&def.group, &def.kind, name, field, detail);
        let all: Vec<String> = errs.iter().map(|(f, d)| format!("{f}: {d}")).collect();
        let body = if all.len() == 1 {
            all[0].clone()
        } else {
            format!("[{}]", all.join(", "))
        };
        e.message = format!("{}.{} \"{name}\" is invalid: {body}", def.kind, def.group);
        if let Some(d) = e.details.as_mut() {
            d["causes"] = Value::Array(
                errs.iter()
                    .map(|(f, d)| serde_json::json!({"reason": "FieldValueInvalid", "message": d, "field": f}))
                    .collect(),
            );
        }
        return Err(e);
    }
    if strict && !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|p| format!("unknown field \"{p}\""))
            .collect();
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
            def.kind,
            def.version,
            def.kind,
            list.join(", ")
        )));
    }
    Ok(unknown)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `v` against a structural schema: `type`, `required`, `enum`, nested
/// `properties`/`items`/`additionalProperties`. Errors as (field, detail) in the apiserver's
/// words; unknown fields are collected separately.
fn walk(
    s: &Value,
    v: &Value,
    path: &str,
    errs: &mut Vec<(String, String)>,
    unknown: &mut Vec<String>,
) {
    if v.is_null() && s["nullable"] == true {
        return;
    }
    if s["x-kubernetes-int-or-string"] == true {
        if !matches!(type_name(v), "integer" | "string") {
            errs.push((
                path.into(),
                format!(
                    "Invalid value: \"{}\": {path} in body must be of type integer,string: \"{}\"",
                    type_name(v),
                    type_name(v)
                ),
            ));
        }
        return;
    }
    if let Some(want) = s["type"].as_str() {
        let got = type_name(v);
        let ok = got == want || (want == "number" && got == "integer");
        if !ok {
            let p = if path.is_empty() { "body" } else { path };
            errs.push((
                p.into(),
                format!("Invalid value: \"{got}\": {p} in body must be of type {want}: \"{got}\""),
            ));
            return;
        }
    }
    if let Some(allowed) = s["enum"].as_array() {
        if !allowed.contains(v) {
            let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
            errs.push((
                path.into(),
                format!(
                    "Unsupported value: {v}: supported values: {}",
                    list.join(", ")
                ),
            ));
        }
    }
    match v {
        Value::Object(m) => walk_object(s, m, path, errs, unknown),
        Value::Array(items) if s["items"].is_object() => {
            for (i, it) in items.iter().enumerate() {
                walk(&s["items"], it, &format!("{path}[{i}]"), errs, unknown);
            }
        }
        _ => {}
    }
}

fn walk_object(
    s: &Value,
    m: &Map<String, Value>,
    path: &str,
    errs: &mut Vec<(String, String)>,
    unknown: &mut Vec<String>,
) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    for r in s["required"].as_array().into_iter().flatten() {
        if let Some(k) = r.as_str() {
            if !m.contains_key(k) {
                errs.push((join(k), "Required value".into()));
            }
        }
    }
    let props = s["properties"].as_object();
    let preserve = s["x-kubernetes-preserve-unknown-fields"] == true;
    for (k, v) in m {
        if let Some(ps) = props.and_then(|p| p.get(k)) {
            walk(ps, v, &join(k), errs, unknown);
        } else if s["additionalProperties"].is_object() {
            walk(&s["additionalProperties"], v, &join(k), errs, unknown);
        } else if !preserve && s["additionalProperties"] != true {
            unknown.push(join(k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_finds_unknown_nested_fields() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"foo": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"spec":
            {"containers": [{"name": "c", "image": "i", "imagePolicy": "x"}]}}}});
        let u = builtin_unknown("apps/v1", "Deployment", &d)
            .unwrap()
            .unwrap();
        assert_eq!(
            u,
            vec!["spec.foo", "spec.template.spec.containers[0].imagePolicy"]
        );
        let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "x"}});
        assert!(builtin_unknown("apps/v1", "Deployment", &bad)
            .unwrap()
            .is_err());
        assert!(builtin_unknown("v1", "Frob", &d).is_none());
    }

    #[test]
    fn schema_walk_checks_type_required_enum_and_unknown() {
        let s = json!({"type": "object", "properties": {"spec": {"type": "object",
            "required": ["size"], "properties": {"size": {"type": "integer"},
            "mode": {"type": "string", "enum": ["a", "b"]},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}});
        let (mut e, mut u) = (Vec::new(), Vec::new());
        walk(
            &s,
            &json!({"spec": {"size": "big", "mode": "c", "x": 1, "free": {"y": 2}}}),
            "",
            &mut e,
            &mut u,
        );
        let of = |f: &str| {
            e.iter()
                .find(|x| x.0 == f)
                .map(|x| x.1.clone())
                .unwrap_or_default()
        };
        assert!(of("spec.size").contains("must be of type integer"), "{e:?}");
        assert!(
            of("spec.mode").starts_with("Unsupported value: \"c\""),
            "{e:?}"
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(u, vec!["spec.x"]);
        let (mut e, mut u) = (Vec::new(), Vec::new());
        walk(&s, &json!({"spec": {}}), "", &mut e, &mut u);
        assert_eq!(
            e,
            vec![("spec.size".to_string(), "Required value".to_string())]
        );
    }
}
