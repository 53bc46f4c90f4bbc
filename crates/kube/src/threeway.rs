//! Helm 3's update of a release it installed (`apply_method` absent or `csa`): a patch
//! computed from the previous manifest (original), the new manifest (modified) and the live
//! object (current), sent as a strategic merge patch for built-in kinds and as a JSON merge
//! patch for custom resources.
//!
//! The strategic patch follows the three-way rule of Kubernetes' `CreateThreeWayMergePatch`:
//! additions and changes are taken from current → modified (so fields other actors added and
//! the chart does not mention are kept), deletions from original → modified (so only what
//! the chart used to set and no longer sets is removed). Lists with a merge key
//! (`containers` by `name`, `volumeMounts` by `mountPath`, ...) are diffed per element, with
//! `$patch: delete` for removed elements and `$setElementOrder` giving the chart's order;
//! other lists are replaced whole. Custom resources get helm 3's two-way JSON merge patch
//! (original → modified), as strategic merge is not defined for them.

use kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::{Map, Value};

use crate::resources::{ResourceError, Resources};

/// How a patch must be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/merge-patch+json`.
    Merge,
}

/// The merge key of a list field in the built-in types, or `None` for lists replaced whole.
pub fn merge_key(field: &str, sample: Option<&Value>) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "ports" => {
            if sample.is_some_and(|s| s.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        _ => return None,
    })
}

/// API groups whose types client-go (and so helm 3) has compiled in, plus
/// `apiextensions.k8s.io` which helm registers: objects of these get strategic merge
/// patches. Everything else is a custom resource (even in a `*.k8s.io` group, such as the
/// Gateway API or volume snapshots) and gets a JSON merge patch.
const BUILTIN_GROUPS: [&str; 21] = [
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "extensions",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
];

/// The patch type helm 3 uses for an `apiVersion`: strategic for the built-in groups,
/// JSON merge for custom resources.
pub fn patch_kind(api_version: &str) -> PatchKind {
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    if BUILTIN_GROUPS.contains(&group) || group == "resource.k8s.io" {
        PatchKind::Strategic
    } else {
        PatchKind::Merge
    }
}

/// Whether to keep deletions (`null`, `$patch: delete`) or additions/changes in a diff.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// current → modified: additions and changes only.
    Changes,
    /// original → modified: deletions only.
    Deletions,
}

fn diff_maps(from: &Map<String, Value>, to: &Map<String, Value>, mode: Mode) -> Map<String, Value> {
    let mut out = Map::new();
    if mode == Mode::Deletions {
        for k in from.keys() {
            if !to.contains_key(k) {
                out.insert(k.clone(), Value::Null);
            }
        }
    }
    for (k, t) in to {
        let f = from.get(k);
        match (f, t) {
            (Some(Value::Object(fm)), Value::Object(tm)) => {
                let d = diff_maps(fm, tm, mode);
                if !d.is_empty() {
                    out.insert(k.clone(), Value::Object(d));
                }
            }
            (Some(Value::Array(fl)), Value::Array(tl)) if is_merged_scalar_list(k) => {
                // A list of scalars merged as a set (finalizers): additions are listed,
                // removals go to `$deleteFromPrimitiveList/FIELD`.
                let (other, field) = if mode == Mode::Changes {
                    (fl, k.clone())
                } else {
                    (fl, format!("$deleteFromPrimitiveList/{k}"))
                };
                let items: Vec<Value> = if mode == Mode::Changes {
                    tl.iter().filter(|x| !other.contains(x)).cloned().collect()
                } else {
                    fl.iter().filter(|x| !tl.contains(x)).cloned().collect()
                };
                if !items.is_empty() {
                    out.insert(field, Value::Array(items));
                }
            }
            (Some(Value::Array(fl)), Value::Array(tl)) => {
                if let Some(key) = merge_key(k, tl.first().or(fl.first()))
                    .filter(|_| fl.iter().chain(tl).all(Value::is_object))
                {
                    let d = diff_keyed(fl, tl, key, mode);
                    if !d.is_empty() {
                        out.insert(k.clone(), Value::Array(d));
                    }
                } else if mode == Mode::Changes && fl != tl {
                    out.insert(k.clone(), t.clone());
                }
            }
            (Some(f), t) if f == t => {}
            _ if mode == Mode::Changes => {
                out.insert(k.clone(), t.clone());
            }
            _ => {}
        }
    }
    out
}

/// Scalar lists with the `merge` patch strategy in the built-in types.
fn is_merged_scalar_list(field: &str) -> bool {
    field == "finalizers"
}

fn diff_keyed(from: &[Value], to: &[Value], key: &str, mode: Mode) -> Vec<Value> {
    let find = |list: &[Value], k: &Value| list.iter().find(|x| x.get(key) == Some(k)).cloned();
    let mut out = Vec::new();
    if mode == Mode::Deletions {
        for f in from {
            if let Some(k) = f.get(key) {
                if find(to, k).is_none() {
                    out.push(serde_json::json!({ key: k, "$patch": "delete" }));
                }
            }
        }
    }
    for t in to {
        let Some(k) = t.get(key) else { continue };
        match (find(from, k), t) {
            (Some(Value::Object(fm)), Value::Object(tm)) => {
                let mut d = diff_maps(&fm, tm, mode);
                if !d.is_empty() {
                    d.insert(key.to_owned(), k.clone());
                    out.push(Value::Object(d));
                }
            }
            (None, _) if mode == Mode::Changes => out.push(t.clone()),
            _ => {}
        }
    }
    out
}

/// Merges two patches (deletions and changes of the same object).
fn merge_patches(a: &mut Map<String, Value>, b: Map<String, Value>) {
    for (k, v) in b {
        match (a.get_mut(&k), v) {
            (Some(Value::Object(am)), Value::Object(bm)) => merge_patches(am, bm),
            (Some(Value::Array(al)), Value::Array(bl)) => {
                let key = merge_key(&k, al.first().or(bl.first()));
                for item in bl {
                    let pos = key.and_then(|key| {
                        al.iter()
                            .position(|x| x.get(key).is_some() && x.get(key) == item.get(key))
                    });
                    match (pos, item) {
                        (Some(i), Value::Object(im)) => {
                            if let Value::Object(slot) = &mut al[i] {
                                merge_patches(slot, im);
                            }
                        }
                        (_, item) => al.push(item),
                    }
                }
            }
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
}

/// Adds `$setElementOrder/FIELD` for every merge-keyed list in the patch, listing the
/// modified object's keys in order, as Kubernetes' patch generator does.
fn add_element_order(patch: &mut Map<String, Value>, modified: &Map<String, Value>) {
    let fields: Vec<String> = patch.keys().cloned().collect();
    for k in &fields {
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let Some(Value::Array(ml)) = modified.get(field) {
                patch.insert(
                    format!("$setElementOrder/{field}"),
                    Value::Array(ml.clone()),
                );
            }
        }
    }
    for k in fields {
        match (patch.get_mut(&k), modified.get(&k)) {
            (Some(Value::Object(pm)), Some(Value::Object(mm))) => add_element_order(pm, mm),
            (Some(Value::Array(_)), Some(Value::Array(ml))) if is_merged_scalar_list(&k) => {
                patch.insert(format!("$setElementOrder/{k}"), Value::Array(ml.clone()));
            }
            (Some(Value::Array(pl)), Some(Value::Array(ml))) => {
                let Some(key) = merge_key(&k, ml.first()) else {
                    continue;
                };
                for item in pl.iter_mut() {
                    let Some(im) = item.as_object_mut() else {
                        continue;
                    };
                    let Some(id) = im.get(key).cloned() else {
                        continue;
                    };
                    if let Some(Value::Object(mm)) = ml.iter().find(|x| x.get(key) == Some(&id)) {
                        add_element_order(im, mm);
                    }
                }
                let order: Vec<Value> = ml
                    .iter()
                    .filter_map(|x| x.get(key).map(|id| serde_json::json!({ key: id })))
                    .collect();
                patch.insert(format!("$setElementOrder/{k}"), Value::Array(order));
            }
            _ => {}
        }
    }
}

fn as_map(v: Option<&Value>) -> Map<String, Value> {
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

/// The strategic three-way patch turning `current` into `modified`, deleting only what
/// `original` set and `modified` no longer does. An empty object means "no change".
pub fn strategic_three_way(original: Option<&Value>, modified: &Value, current: &Value) -> Value {
    let (o, m, c) = (
        as_map(original),
        as_map(Some(modified)),
        as_map(Some(current)),
    );
    let mut patch = diff_maps(&o, &m, Mode::Deletions);
    merge_patches(&mut patch, diff_maps(&c, &m, Mode::Changes));
    add_element_order(&mut patch, &m);
    Value::Object(patch)
}

/// Helm 3's patch for a custom resource: the JSON merge patch from `original` to
/// `modified` (RFC 7386; lists replaced whole). Without an original, the additions and
/// changes from `current`.
pub fn json_merge_two_way(original: Option<&Value>, modified: &Value, current: &Value) -> Value {
    fn merge_diff(from: &Value, to: &Value) -> Value {
        let (Some(f), Some(t)) = (from.as_object(), to.as_object()) else {
            return to.clone();
        };
        let mut out = Map::new();
        for k in f.keys() {
            if !t.contains_key(k) {
                out.insert(k.clone(), Value::Null);
            }
        }
        for (k, tv) in t {
            match f.get(k) {
                Some(fv) if fv == tv => {}
                Some(fv) if fv.is_object() && tv.is_object() => {
                    out.insert(k.clone(), merge_diff(fv, tv));
                }
                _ => {
                    out.insert(k.clone(), tv.clone());
                }
            }
        }
        Value::Object(out)
    }
    match original {
        Some(o) => merge_diff(o, modified),
        None => Value::Object(diff_maps(
            &as_map(Some(current)),
            &as_map(Some(modified)),
            Mode::Changes,
        )),
    }
}

/// The patch helm 3 sends to update `current` to `modified` and its kind.
pub fn three_way_patch(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> (Value, PatchKind) {
    let api_version = modified
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    match patch_kind(api_version) {
        PatchKind::Strategic => (
            strategic_three_way(original, modified, current),
            PatchKind::Strategic,
        ),
        PatchKind::Merge => (
            json_merge_two_way(original, modified, current),
            PatchKind::Merge,
        ),
    }
}

/// What [`Resources::update_three_way`] did.
#[derive(Debug)]
pub enum Updated {
    /// The object did not exist and was created.
    Created(Box<DynamicObject>),
    /// A patch was sent.
    Patched(Box<DynamicObject>),
    /// The live object already matched: no request was sent (helm 3's "no changes").
    Unchanged,
}

impl Resources {
    /// Updates one object as helm 3 does for releases it installed: create it when absent,
    /// else patch it with [`three_way_patch`] of `original` (the object in the previous
    /// release manifest, if it was there), `target` and the live object, under field
    /// manager `manager`. Patches are idempotent, so transient failures are retried.
    pub async fn update_three_way(
        &self,
        original: Option<&Value>,
        target: &Value,
        default_ns: &str,
        manager: &str,
    ) -> Result<Updated, ResourceError> {
        let name = target
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(target, default_ns).await?;
        let Some(current) = self.retry().run(|| api.get_opt(name)).await? else {
            let created = self.create(target, default_ns, manager).await?;
            return Ok(Updated::Created(Box::new(created)));
        };
        let current = serde_json::to_value(&current)
            .map_err(|e| ResourceError::Kube(kube::Error::SerdeError(e)))?;
        let (patch, kind) = three_way_patch(original, target, &current);
        if patch.as_object().is_some_and(Map::is_empty) {
            return Ok(Updated::Unchanged);
        }
        let pp = PatchParams {
            field_manager: Some(manager.to_owned()),
            ..PatchParams::default()
        };
        let unsupported = |e: &kube::Error| matches!(e, kube::Error::Api(s) if s.code == 415);
        let sent = match kind {
            PatchKind::Strategic => {
                let p = Patch::Strategic(patch);
                self.retry()
                    .run_handling(unsupported, || api.patch(name, &pp, &p))
                    .await
            }
            PatchKind::Merge => {
                let p = Patch::Merge(patch);
                self.retry().run(|| api.patch(name, &pp, &p)).await
            }
        };
        let patched = match sent {
            // A kind we took for built-in that the server serves without strategic merge
            // (an aggregated or custom API): fall back to the JSON merge patch, as kubectl.
            Err(e) if unsupported(&e) => {
                let p = Patch::Merge(json_merge_two_way(original, target, &current));
                self.retry().run(|| api.patch(name, &pp, &p)).await?
            }
            other => other?,
        };
        Ok(Updated::Patched(Box::new(patched)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(labels: Value, containers: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "d", "labels": labels},
               "spec": {"replicas": 1, "template": {"spec": {"containers": containers}}}})
    }

    #[test]
    fn keeps_foreign_fields_and_deletes_only_what_the_chart_dropped() {
        let original = deploy(
            json!({"a": "1", "old": "x"}),
            json!([{"name": "app", "image": "app:1", "env": [{"name": "E", "value": "1"}]},
                   {"name": "gone", "image": "g:1"}]),
        );
        let modified = deploy(
            json!({"a": "2"}),
            json!([{"name": "app", "image": "app:2"}]),
        );
        // Live: someone added a label and a sidecar, and scaled to 3.
        let mut current = deploy(
            json!({"a": "1", "old": "x", "foreign": "y"}),
            json!([{"name": "app", "image": "app:1", "env": [{"name": "E", "value": "1"}]},
                   {"name": "gone", "image": "g:1"}, {"name": "sidecar", "image": "s:1"}]),
        );
        current["spec"]["replicas"] = json!(3);
        let (p, kind) = three_way_patch(Some(&original), &modified, &current);
        assert_eq!(kind, PatchKind::Strategic);
        assert_eq!(
            p,
            json!({
                "metadata": {"labels": {"a": "2", "old": null}},
                "spec": {"replicas": 1, "template": {"spec": {
                    "$setElementOrder/containers": [{"name": "app"}],
                    "containers": [
                        {"name": "gone", "$patch": "delete"},
                        {"name": "app", "env": null, "image": "app:2"}
                    ]}}}
            })
        );
        // Nothing to do when the live object already matches.
        let (p, _) = three_way_patch(Some(&modified), &modified, &modified);
        assert_eq!(p, json!({}));
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let cm = |f: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": f}});
        let (p, _) = three_way_patch(
            Some(&cm(json!(["x/a", "x/b"]))),
            &cm(json!(["x/a", "x/c"])),
            &cm(json!(["x/a", "x/b", "x/f"])),
        );
        assert_eq!(
            p,
            json!({"metadata": {
                "$deleteFromPrimitiveList/finalizers": ["x/b"],
                "$setElementOrder/finalizers": ["x/a", "x/c"],
                "finalizers": ["x/c"]}})
        );
    }

    #[test]
    fn custom_resources_get_a_json_merge_patch() {
        let o = json!({"apiVersion": "x.io/v1", "kind": "K", "metadata": {"name": "k"},
                       "spec": {"a": 1, "b": [1, 2], "c": {"d": 1}}});
        let m = json!({"apiVersion": "x.io/v1", "kind": "K", "metadata": {"name": "k"},
                       "spec": {"a": 1, "b": [3], "c": {}}});
        let (p, kind) = three_way_patch(Some(&o), &m, &json!({}));
        assert_eq!(kind, PatchKind::Merge);
        assert_eq!(p, json!({"spec": {"b": [3], "c": {"d": null}}}));
        assert_eq!(patch_kind("v1"), PatchKind::Strategic);
        assert_eq!(patch_kind("networking.k8s.io/v1"), PatchKind::Strategic);
        assert_eq!(patch_kind("cluster.x-k8s.io/v1beta1"), PatchKind::Merge);
        assert_eq!(
            patch_kind("gateway.networking.k8s.io/v1"),
            PatchKind::Merge,
            "Gateway API kinds are custom resources"
        );
        assert_eq!(
            patch_kind("rbac.authorization.k8s.io/v1"),
            PatchKind::Strategic
        );
    }
}
