//! The resource types the sandbox serves: the built-in kinds charts use, plus every kind an
//! Established CustomResourceDefinition adds at run time.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::RwLock;

/// One resource type at one group/version, as discovery describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDef {
    /// API group; empty for the core (legacy) group.
    pub group: String,
    /// Version within the group, e.g. `v1`.
    pub version: String,
    /// Kind, e.g. `ConfigMap`.
    pub kind: String,
    /// Plural resource name used in paths, e.g. `configmaps`.
    pub plural: String,
    /// Singular name (lower-case kind).
    pub singular: String,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names (`cm`, `deploy`).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Whether a `status` subresource exists.
    pub has_status: bool,
    /// Whether a `scale` subresource exists.
    pub has_scale: bool,
    /// Whether this version is the group's preferred (storage) version.
    pub preferred: bool,
    /// Whether this type came from a CustomResourceDefinition.
    pub custom: bool,
}

impl ResourceDef {
    /// `group/version`, or just `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Storage key shared by every version of the resource: `group/plural`.
    pub fn store_key(&self) -> String {
        format!("{}/{}", self.group, self.plural)
    }

    /// The verbs discovery advertises.
    pub fn verbs(&self) -> Vec<&'static str> {
        let mut v = vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
        ];
        v.extend(["update", "watch"]);
        v
    }

    /// The JSON entry of an `APIResourceList`.
    pub fn discovery_entry(&self) -> Value {
        let mut e = json!({
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": self.verbs(),
        });
        if !self.short_names.is_empty() {
            e["shortNames"] = json!(self.short_names);
        }
        if !self.categories.is_empty() {
            e["categories"] = json!(self.categories);
        }
        e
    }
}

struct Builtin {
    gv: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    all: bool,
    status: bool,
    scale: bool,
}

const fn b(
    gv: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
) -> Builtin {
    Builtin {
        gv,
        kind,
        plural,
        namespaced,
        short,
        all: false,
        status: false,
        scale: false,
    }
}

const fn st(mut x: Builtin) -> Builtin {
    x.status = true;
    x
}

const fn all(mut x: Builtin) -> Builtin {
    x.all = true;
    x
}

const fn sc(mut x: Builtin) -> Builtin {
    x.scale = true;
    x
}

const BUILTINS: &[Builtin] = &[
    st(b("v1", "Namespace", "namespaces", false, &["ns"])),
    b("v1", "ConfigMap", "configmaps", true, &["cm"]),
    b("v1", "Secret", "secrets", true, &[]),
    all(st(b("v1", "Service", "services", true, &["svc"]))),
    b("v1", "ServiceAccount", "serviceaccounts", true, &["sa"]),
    all(st(b("v1", "Pod", "pods", true, &["po"]))),
    st(b(
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
        &["pvc"],
    )),
    st(b(
        "v1",
        "PersistentVolume",
        "persistentvolumes",
        false,
        &["pv"],
    )),
    b("v1", "Endpoints", "endpoints", true, &["ep"]),
    b("v1", "Event", "events", true, &["ev"]),
    st(b("v1", "Node", "nodes", false, &["no"])),
    st(sc(b(
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
        &["rc"],
    ))),
    st(b("v1", "ResourceQuota", "resourcequotas", true, &["quota"])),
    b("v1", "LimitRange", "limitranges", true, &["limits"]),
    b("v1", "PodTemplate", "podtemplates", true, &[]),
    all(st(sc(b(
        "apps/v1",
        "Deployment",
        "deployments",
        true,
        &["deploy"],
    )))),
    all(st(sc(b(
        "apps/v1",
        "StatefulSet",
        "statefulsets",
        true,
        &["sts"],
    )))),
    all(st(b("apps/v1", "DaemonSet", "daemonsets", true, &["ds"]))),
    all(st(sc(b(
        "apps/v1",
        "ReplicaSet",
        "replicasets",
        true,
        &["rs"],
    )))),
    b(
        "apps/v1",
        "ControllerRevision",
        "controllerrevisions",
        true,
        &[],
    ),
    all(st(b("batch/v1", "Job", "jobs", true, &[]))),
    all(st(b("batch/v1", "CronJob", "cronjobs", true, &["cj"]))),
    st(b(
        "networking.k8s.io/v1",
        "Ingress",
        "ingresses",
        true,
        &["ing"],
    )),
    b(
        "networking.k8s.io/v1",
        "IngressClass",
        "ingressclasses",
        false,
        &[],
    ),
    b(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
        &["netpol"],
    ),
    b(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "endpointslices",
        true,
        &[],
    ),
    st(b(
        "policy/v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
        &["pdb"],
    )),
    all(st(b(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
        &["hpa"],
    ))),
    st(b(
        "autoscaling/v1",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
        &["hpa"],
    )),
    b("rbac.authorization.k8s.io/v1", "Role", "roles", true, &[]),
    b(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "rolebindings",
        true,
        &[],
    ),
    b(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "clusterroles",
        false,
        &[],
    ),
    b(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        &[],
    ),
    st(b(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        &["crd", "crds"],
    )),
    b(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
        &[],
    ),
    b(
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
        &[],
    ),
    b(
        "scheduling.k8s.io/v1",
        "PriorityClass",
        "priorityclasses",
        false,
        &["pc"],
    ),
    b(
        "storage.k8s.io/v1",
        "StorageClass",
        "storageclasses",
        false,
        &["sc"],
    ),
    st(b(
        "apiregistration.k8s.io/v1",
        "APIService",
        "apiservices",
        false,
        &[],
    )),
    b("coordination.k8s.io/v1", "Lease", "leases", true, &[]),
];

/// The registry of served resource types, built-in and custom.
#[derive(Debug)]
pub struct Registry {
    defs: RwLock<Vec<ResourceDef>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// A registry holding the built-in kinds.
    pub fn new() -> Self {
        let mut defs = Vec::new();
        let mut seen_groups: BTreeMap<String, ()> = BTreeMap::new();
        for x in BUILTINS {
            let (group, version) = match x.gv.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), x.gv.to_string()),
            };
            // The first version listed for a resource is its preferred one.
            let preferred = seen_groups
                .insert(format!("{group}/{}", x.plural), ())
                .is_none();
            defs.push(ResourceDef {
                group,
                version,
                kind: x.kind.to_string(),
                plural: x.plural.to_string(),
                singular: x.kind.to_ascii_lowercase(),
                namespaced: x.namespaced,
                short_names: x.short.iter().map(|s| s.to_string()).collect(),
                categories: if x.all { vec!["all".into()] } else { vec![] },
                has_status: x.status,
                has_scale: x.scale,
                preferred,
                custom: false,
            });
        }
        Self {
            defs: RwLock::new(defs),
        }
    }

    /// A snapshot of every served type.
    pub fn all(&self) -> Vec<ResourceDef> {
        self.defs.read().map(|d| d.clone()).unwrap_or_default()
    }

    /// The first type matching `pred`, cloned out of the lock (every request looks one up, so
    /// the whole table is not copied for it).
    fn find_by(&self, pred: impl Fn(&ResourceDef) -> bool) -> Option<ResourceDef> {
        self.defs.read().ok()?.iter().find(|d| pred(d)).cloned()
    }

    /// Finds the type served at `group/version/plural`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<ResourceDef> {
        self.find_by(|d| d.group == group && d.version == version && d.plural == plural)
    }

    /// Finds the type for an `apiVersion` and `kind`.
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<ResourceDef> {
        let (group, version) = split_api_version(api_version);
        self.find_by(|d| d.group == group && d.version == version && d.kind == kind)
    }

    /// Whether any version of `group` is served.
    pub fn has_group_version(&self, group: &str, version: &str) -> bool {
        self.find_by(|d| d.group == group && d.version == version)
            .is_some()
    }

    /// The served groups in discovery order, each with its versions (preferred first).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for d in self.all() {
            match out.iter_mut().find(|(g, _)| *g == d.group) {
                Some((_, vs)) => {
                    if !vs.contains(&d.version) {
                        vs.push(d.version.clone());
                    }
                }
                None => out.push((d.group.clone(), vec![d.version.clone()])),
            }
        }
        out
    }

    /// Replaces the custom types contributed by the CRD named `crd_name` with `defs`.
    pub fn set_custom(&self, crd_name: &str, defs: Vec<ResourceDef>) {
        if let Ok(mut all) = self.defs.write() {
            all.retain(|d| !(d.custom && format!("{}.{}", d.plural, d.group) == crd_name));
            all.extend(defs);
        }
    }
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// The resource types a CRD object defines (one per served version), if it is well formed.
pub fn defs_from_crd(crd: &Value) -> Vec<ResourceDef> {
    let spec = &crd["spec"];
    let group = spec["group"].as_str().unwrap_or_default();
    let names = &spec["names"];
    let (Some(kind), Some(plural)) = (names["kind"].as_str(), names["plural"].as_str()) else {
        return vec![];
    };
    let singular = names["singular"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let namespaced = spec["scope"].as_str() != Some("Cluster");
    let mut out = Vec::new();
    let versions = spec["versions"].as_array().cloned().unwrap_or_default();
    let storage = versions
        .iter()
        .find(|v| v["storage"].as_bool() == Some(true))
        .and_then(|v| v["name"].as_str())
        .map(String::from);
    for v in &versions {
        if v["served"].as_bool() == Some(false) {
            continue;
        }
        let Some(name) = v["name"].as_str() else {
            continue;
        };
        out.push(ResourceDef {
            group: group.to_string(),
            version: name.to_string(),
            kind: kind.to_string(),
            plural: plural.to_string(),
            singular: singular.clone(),
            namespaced,
            short_names: strs(&names["shortNames"]),
            categories: strs(&names["categories"]),
            has_status: v["subresources"]["status"].is_object(),
            has_scale: v["subresources"]["scale"].is_object(),
            preferred: storage.as_deref() == Some(name),
            custom: true,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_resolve_by_path_and_kind() {
        let r = Registry::new();
        let d = r.find("apps", "v1", "deployments").expect("deployments");
        assert_eq!(d.kind, "Deployment");
        assert!(d.namespaced && d.has_status && d.has_scale);
        assert_eq!(d.short_names, vec!["deploy"]);
        assert!(r
            .find_kind("v1", "Namespace")
            .is_some_and(|d| !d.namespaced));
        assert!(r.find("apps", "v1", "nope").is_none());
        let hpa2 = r
            .find("autoscaling", "v2", "horizontalpodautoscalers")
            .expect("hpa");
        assert!(hpa2.preferred);
    }

    #[test]
    fn crd_adds_and_replaces_kinds() {
        let r = Registry::new();
        let crd = json!({"spec": {"group": "ex.io", "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                          "subresources": {"status": {}}}]}});
        r.set_custom("widgets.ex.io", defs_from_crd(&crd));
        let d = r.find("ex.io", "v1", "widgets").expect("widget");
        assert!(d.custom && d.has_status && d.preferred);
        r.set_custom("widgets.ex.io", vec![]);
        assert!(r.find("ex.io", "v1", "widgets").is_none());
    }
}
