//! Manifests as objects: parsing rendered documents into JSON objects for the API, stamping
//! Helm's ownership metadata on regular resources, the adoption check and the
//! `helm.sh/resource-policy` rules.

use serde::Serialize;
use serde_json::{Map, Value};

use capstan_release::hook::RESOURCE_POLICY_ANNOTATION;
use capstan_release::split_manifests;

use crate::error::LifecycleError;

/// `meta.helm.sh/release-name`
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
/// `meta.helm.sh/release-namespace`
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";
/// `app.kubernetes.io/managed-by`
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// capstan's per-hook annotation: `warn` turns a post-hook failure into a warning.
pub const HOOK_FAILURE_POLICY_ANNOTATION: &str = "capstan.io/hook-failure-policy";

/// Kinds that live outside namespaces, so they get no namespace when a manifest has none.
/// Custom resources are assumed namespaced unless their manifest says otherwise; the cluster
/// layer maps them for real.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "PriorityClass",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "IngressClass",
    "PodSecurityPolicy",
    "CSIDriver",
    "CSINode",
    "RuntimeClass",
    "VolumeAttachment",
];

/// The identity of an object, as Helm matches objects between revisions (group, kind,
/// namespace, name) plus the apiVersion needed to reach it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjRef {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// Effective namespace (empty for cluster-scoped kinds).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ObjRef {
    /// The API group (`apps`, empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .split_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }

    /// Whether two refs name the same object (Helm ignores the version).
    pub fn same_object(&self, other: &ObjRef) -> bool {
        self.group() == other.group()
            && self.kind == other.kind
            && self.namespace == other.namespace
            && self.name == other.name
    }

    /// Helm's `Kind "name" in namespace "ns"` form.
    pub fn describe(&self) -> String {
        format!(
            "{} {:?} in namespace {:?}",
            self.kind, self.name, self.namespace
        )
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// A regular resource or hook object ready for the API.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    /// Its identity.
    #[serde(flatten)]
    pub r: ObjRef,
    /// The template it came from.
    pub path: String,
    /// The object as JSON (stamped with ownership metadata for regular resources).
    #[serde(skip)]
    pub object: Value,
}

/// go-yaml reads every number as float64 (our YAML reader does the same, for the template
/// engine); the API wants integers where the YAML had them, as sigs.k8s.io/yaml gives.
fn integers(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                Value::from(f as i64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(integers).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, integers(v))).collect()),
        other => other,
    }
}

/// Parses one rendered document into an object; `release_ns` fills a missing namespace of
/// namespaced kinds. `path` names the template in errors.
pub fn parse_object(doc: &str, path: &str, release_ns: &str) -> Result<Resource, LifecycleError> {
    let value = capstan_chart::yaml::from_str(doc)
        .map_err(|e| LifecycleError::Manifest(format!("YAML parse error on {path}: {e}")))?;
    let value = integers(value);
    let Value::Object(obj) = &value else {
        return Err(LifecycleError::Manifest(format!(
            "unable to build kubernetes objects: {path}: the document is not an object"
        )));
    };
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    let api_version = s(obj.get("apiVersion"));
    let kind = s(obj.get("kind"));
    let meta = obj.get("metadata");
    let name = s(meta.and_then(|m| m.get("name")));
    if api_version.is_empty() || kind.is_empty() {
        return Err(LifecycleError::Manifest(format!(
            "unable to build kubernetes objects: {path}: apiVersion and kind must be set"
        )));
    }
    if name.is_empty() {
        return Err(LifecycleError::Manifest(format!(
            "unable to build kubernetes objects: {path}: {kind} has no metadata.name"
        )));
    }
    let mut namespace = s(meta.and_then(|m| m.get("namespace")));
    if namespace.is_empty() && !CLUSTER_SCOPED.contains(&kind.as_str()) {
        namespace = release_ns.to_owned();
    }
    Ok(Resource {
        r: ObjRef {
            api_version,
            kind,
            namespace,
            name,
        },
        path: path.to_owned(),
        object: value,
    })
}

/// The resources of a stored release manifest (`---\n# Source: path\n...` documents).
pub fn resources_from_manifest(
    manifest: &str,
    release_ns: &str,
) -> Result<Vec<Resource>, LifecycleError> {
    let mut out = Vec::new();
    for doc in split_manifests(manifest) {
        let path = doc
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .unwrap_or("manifest")
            .to_owned();
        let body: String = doc
            .lines()
            .filter(|l| !l.starts_with("# Source: "))
            .collect::<Vec<_>>()
            .join("\n");
        if body.trim().is_empty() {
            continue;
        }
        out.push(parse_object(&body, &path, release_ns)?);
    }
    Ok(out)
}

fn map_at<'a>(obj: &'a mut Value, field: &str) -> Option<&'a mut Map<String, Value>> {
    let meta = obj
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let m = meta.as_object_mut()?;
    let slot = m
        .entry(field.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// Stamps Helm's ownership metadata on a regular resource (never on hooks).
pub fn stamp_ownership(obj: &mut Value, release: &str, namespace: &str) {
    if let Some(labels) = map_at(obj, "labels") {
        labels.insert(MANAGED_BY_LABEL.into(), Value::from("Helm"));
    }
    if let Some(ann) = map_at(obj, "annotations") {
        ann.insert(RELEASE_NAME_ANNOTATION.into(), Value::from(release));
        ann.insert(RELEASE_NAMESPACE_ANNOTATION.into(), Value::from(namespace));
    }
}

fn meta_str<'a>(obj: &'a Value, field: &str, key: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(field)?.get(key)?.as_str()
}

/// Helm's `checkOwnership`: `Ok` when the live object belongs to this release, else the
/// reason in Helm's words (`invalid ownership metadata; label validation error: …`).
pub fn check_ownership(live: &Value, release: &str, namespace: &str) -> Result<(), String> {
    let mut errs = Vec::new();
    let require = |actual: Option<&str>, key: &str, want: &str| match actual {
        None => Some(format!("missing key {key:?}: must be set to {want:?}")),
        Some(a) if a != want => Some(format!(
            "key {key:?} must equal {want:?}: current value is {a:?}"
        )),
        Some(_) => None,
    };
    if let Some(e) = require(
        meta_str(live, "labels", MANAGED_BY_LABEL),
        MANAGED_BY_LABEL,
        "Helm",
    ) {
        errs.push(format!("label validation error: {e}"));
    }
    for (key, want) in [
        (RELEASE_NAME_ANNOTATION, release),
        (RELEASE_NAMESPACE_ANNOTATION, namespace),
    ] {
        if let Some(e) = require(meta_str(live, "annotations", key), key, want) {
            errs.push(format!("annotation validation error: {e}"));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid ownership metadata; {}", errs.join("; ")))
    }
}

/// What uninstall does with a resource of the stored manifest, by its
/// `helm.sh/resource-policy` annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UninstallPolicy {
    /// No annotation: delete.
    Delete,
    /// `keep` (lower-cased, trimmed): keep and report.
    Keep,
    /// Any other value: Helm puts it in neither list, so it is silently not deleted.
    Ignore,
}

/// The uninstall decision from the stored manifest.
pub fn uninstall_policy(obj: &Value) -> UninstallPolicy {
    match meta_str(obj, "annotations", RESOURCE_POLICY_ANNOTATION) {
        None => UninstallPolicy::Delete,
        Some(v) if v.trim().eq_ignore_ascii_case("keep") => UninstallPolicy::Keep,
        Some(_) => UninstallPolicy::Ignore,
    }
}

/// Upgrade/rollback keep a removed object when the *live* object says exactly `keep`.
pub fn live_keep(live: &Value) -> bool {
    meta_str(live, "annotations", RESOURCE_POLICY_ANNOTATION) == Some("keep")
}

/// Whether a hook manifest opts into capstan's warn-only failure policy.
pub fn warn_on_failure(obj: &Value) -> bool {
    meta_str(obj, "annotations", HOOK_FAILURE_POLICY_ANNOTATION)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("warn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stamps_and_checks() {
        let mut r = parse_object(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n",
            "c/templates/d.yaml",
            "ns1",
        )
        .expect("parses");
        assert_eq!(r.r.namespace, "ns1");
        assert_eq!(r.object["spec"]["replicas"], Value::from(2));
        assert!(r.object["spec"]["replicas"].is_i64());
        assert!(check_ownership(&r.object, "rel", "ns1")
            .unwrap_err()
            .starts_with("invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error"));
        stamp_ownership(&mut r.object, "rel", "ns1");
        check_ownership(&r.object, "rel", "ns1").expect("owned");
        assert_eq!(
            check_ownership(&r.object, "other", "ns1").unwrap_err(),
            "invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"other\": current value is \"rel\""
        );
        let ns = parse_object(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
            "p",
            "d",
        )
        .expect("parses");
        assert_eq!(ns.r.namespace, "");
        assert!(parse_object("kind: X\n", "p", "d").is_err());
    }

    #[test]
    fn stored_manifest_round_trip_and_policies() {
        let m = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/resource-policy: \" Keep \"\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    helm.sh/resource-policy: retain\n";
        let rs = resources_from_manifest(m, "default").expect("parses");
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].path, "c/templates/a.yaml");
        assert_eq!(uninstall_policy(&rs[0].object), UninstallPolicy::Keep);
        assert_eq!(uninstall_policy(&rs[1].object), UninstallPolicy::Ignore);
        assert!(!live_keep(&rs[0].object), "live check is exact");
    }
}
