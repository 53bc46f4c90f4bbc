//! Field ownership: `managedFields` bookkeeping for updates, and server-side apply with
//! conflicts and `force`.
//!
//! A field set is a set of leaf paths; each path element is `f:<field>` or, inside a list with
//! a merge key, `k:{"name":"x"}` (the same spelling as `fieldsV1`). Lists without a known
//! merge key are atomic: the whole list is one leaf.

use crate::patch::merge_key;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// A set of owned leaf paths.
pub type FieldSet = BTreeSet<Vec<String>>;

/// Metadata fields nobody "owns" (identity and server-managed).
const UNOWNED_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
];

/// The leaf paths of an object (apiVersion, kind and identity metadata excluded).
pub fn leaves(obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    if let Some(m) = obj.as_object() {
        for (k, v) in m {
            if k == "apiVersion" || k == "kind" {
                continue;
            }
            if k == "metadata" {
                if let Some(meta) = v.as_object() {
                    for (mk, mv) in meta {
                        if !UNOWNED_META.contains(&mk.as_str()) {
                            walk(
                                mv,
                                mk,
                                &mut vec!["f:metadata".into(), format!("f:{mk}")],
                                &mut out,
                            );
                        }
                    }
                }
                continue;
            }
            walk(v, k, &mut vec![format!("f:{k}")], &mut out);
        }
    }
    out
}

fn key_elem(item: &Value, key: &str) -> Option<String> {
    let k = item.get(key)?;
    Some(format!("k:{}", json!({ key: k })))
}

fn walk(v: &Value, field: &str, path: &mut Vec<String>, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                path.push(format!("f:{k}"));
                walk(c, k, path, out);
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let key = merge_key(field, items.first());
            let keyed: Option<Vec<String>> =
                key.and_then(|k| items.iter().map(|i| key_elem(i, k)).collect());
            match keyed {
                Some(elems) => {
                    for (item, e) in items.iter().zip(elems) {
                        path.push(e);
                        out.insert(path.clone());
                        if let Some(m) = item.as_object() {
                            for (k, c) in m {
                                path.push(format!("f:{k}"));
                                walk(c, k, path, out);
                                path.pop();
                            }
                        }
                        path.pop();
                    }
                }
                None => {
                    out.insert(path.clone());
                }
            }
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

/// Looks up the value at a path, if present.
pub fn get_path<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for e in path {
        cur = if let Some(f) = e.strip_prefix("f:") {
            cur.get(f)?
        } else {
            let want: Value = serde_json::from_str(e.strip_prefix("k:")?).ok()?;
            let want = want.as_object()?;
            cur.as_array()?
                .iter()
                .find(|i| want.iter().all(|(k, v)| i.get(k) == Some(v)))?
        };
    }
    Some(cur)
}

/// Removes the value at a path, if present.
pub fn remove_path(obj: &mut Value, path: &[String]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for e in parent_path {
        let next = if let Some(f) = e.strip_prefix("f:") {
            cur.get_mut(f)
        } else {
            let Some(want) = e
                .strip_prefix("k:")
                .and_then(|s| serde_json::from_str::<Value>(s).ok())
            else {
                return;
            };
            let Some(want) = want.as_object().cloned() else {
                return;
            };
            cur.as_array_mut().and_then(|a| {
                a.iter_mut()
                    .find(|i| want.iter().all(|(k, v)| i.get(k) == Some(v)))
            })
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(m) = cur.as_object_mut() {
            m.remove(f);
        }
    } else if let Some(want) = last
        .strip_prefix("k:")
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
    {
        if let (Some(a), Some(want)) = (cur.as_array_mut(), want.as_object()) {
            a.retain(|i| !want.iter().all(|(k, v)| i.get(k) == Some(v)));
        }
    }
}

/// A path as a user reads it in a conflict message: `.spec.containers[name="a"].image`.
pub fn path_string(path: &[String]) -> String {
    let mut s = String::new();
    for e in path {
        if let Some(f) = e.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = e.strip_prefix("k:") {
            let inner: Value = serde_json::from_str(k).unwrap_or(Value::Null);
            let parts: Vec<String> = inner
                .as_object()
                .map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect())
                .unwrap_or_default();
            s.push_str(&format!("[{}]", parts.join(",")));
        }
    }
    s
}

/// A field set as `fieldsV1` JSON.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for e in path {
            let next = cur
                .entry(e.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(m) = next else { break };
            cur = m;
        }
    }
    Value::Object(root)
}

/// Parses `fieldsV1` JSON back into leaf paths (every node without children is a leaf;
/// `k:` nodes count too, so list items are remembered).
pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn rec(v: &Value, path: &mut Vec<String>, out: &mut FieldSet) {
        let Some(m) = v.as_object() else { return };
        let children: Vec<_> = m.iter().filter(|(k, _)| k.as_str() != ".").collect();
        let leaf = children.is_empty() || path.last().is_some_and(|l| l.starts_with("k:"));
        if leaf && !path.is_empty() {
            out.insert(path.clone());
        }
        for (k, c) in children {
            path.push(k.clone());
            rec(c, path, out);
            path.pop();
        }
    }
    let mut out = FieldSet::new();
    rec(v, &mut vec![], &mut out);
    out
}

/// One `managedFields` entry, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Field manager name.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    /// apiVersion the manager used.
    pub api_version: String,
    /// Subresource (`status`) or empty.
    pub subresource: String,
    /// When the entry last changed.
    pub time: String,
    /// Owned fields.
    pub fields: FieldSet,
}

/// Decodes `metadata.managedFields`.
pub fn entries(obj: &Value) -> Vec<Entry> {
    obj["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| Entry {
                    manager: e["manager"].as_str().unwrap_or_default().into(),
                    operation: e["operation"].as_str().unwrap_or("Update").into(),
                    api_version: e["apiVersion"].as_str().unwrap_or_default().into(),
                    subresource: e["subresource"].as_str().unwrap_or_default().into(),
                    time: e["time"].as_str().unwrap_or_default().into(),
                    fields: from_fields_v1(&e["fieldsV1"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Writes entries back into `metadata.managedFields` (dropping empty ones).
pub fn set_entries(obj: &mut Value, es: &[Entry]) {
    let arr: Vec<Value> = es
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": e.operation,
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&e.fields),
            });
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    if arr.is_empty() {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
    } else {
        obj["metadata"]["managedFields"] = Value::Array(arr);
    }
}

/// Whether one path is a prefix of (or equal to) the other.
fn overlaps(a: &[String], b: &[String]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Whether `anc` is `path` or one of its ancestors.
fn is_prefix(anc: &[String], path: &[String]) -> bool {
    anc.len() <= path.len() && path[..anc.len()] == *anc
}

/// Who changed what, for ownership tracking.
pub struct Actor<'a> {
    /// Field manager.
    pub manager: &'a str,
    /// apiVersion of the request.
    pub api_version: &'a str,
    /// Subresource written (`status`) or empty.
    pub subresource: &'a str,
    /// Timestamp for the entry.
    pub time: &'a str,
}

/// Records an Update-operation write: the actor takes the leaves that changed (or were
/// added); removed leaves leave every set. `old` is `None` for a create.
pub fn record_update(old: Option<&Value>, new: &mut Value, actor: &Actor<'_>) {
    let mut es = old.map(entries).unwrap_or_default();
    let new_leaves = leaves(new);
    let changed: FieldSet = match old {
        None => new_leaves.clone(),
        Some(o) => {
            let old_leaves = leaves(o);
            new_leaves
                .iter()
                .filter(|p| !old_leaves.contains(*p) || get_path(o, p) != get_path(new, p))
                .cloned()
                .collect()
        }
    };
    for e in es.iter_mut() {
        e.fields
            .retain(|p| new_leaves.iter().any(|l| overlaps(l, p)));
        if e.manager != actor.manager || e.operation != "Update" {
            e.fields.retain(|p| !changed.contains(p));
        }
    }
    if !changed.is_empty() {
        match es.iter_mut().find(|e| {
            e.manager == actor.manager
                && e.operation == "Update"
                && e.subresource == actor.subresource
        }) {
            Some(e) => {
                e.fields.extend(changed);
                e.time = actor.time.to_string();
            }
            None => es.push(Entry {
                manager: actor.manager.into(),
                operation: "Update".into(),
                api_version: actor.api_version.into(),
                subresource: actor.subresource.into(),
                time: actor.time.into(),
                fields: changed,
            }),
        }
    }
    set_entries(new, &es);
}

/// Merges an applied configuration into `live` the way server-side apply does: maps merge,
/// keyed lists merge by key, everything else is replaced.
pub fn apply_merge(live: &mut Value, applied: &Value, field: &str) {
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                match l.get_mut(k) {
                    Some(slot) => apply_merge(slot, v, k),
                    None => {
                        l.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (l @ Value::Array(_), Value::Array(a)) => {
            let key = merge_key(field, a.first());
            match (key, l.as_array_mut()) {
                (Some(k), Some(items)) if a.iter().all(|i| i.get(k).is_some()) => {
                    for ai in a {
                        match items.iter_mut().find(|i| i.get(k) == ai.get(k)) {
                            Some(slot) => apply_merge(slot, ai, field),
                            None => items.push(ai.clone()),
                        }
                    }
                }
                _ => *l = Value::Array(a.clone()),
            }
        }
        (l, a) => *l = a.clone(),
    }
}

/// The outcome of a server-side apply.
#[derive(Debug)]
pub enum ApplyOutcome {
    /// The object to store.
    Applied(Value),
    /// Conflicts: (other manager, field path).
    Conflicts(Vec<(String, String)>),
}

/// Server-side apply of `applied` onto `live` by `actor`; `force` takes conflicting fields.
pub fn apply(live: &Value, applied: &Value, actor: &Actor<'_>, force: bool) -> ApplyOutcome {
    let mut es = entries(live);
    let new_set = leaves(applied);
    let mut conflicts = Vec::new();
    for e in es.iter_mut() {
        if e.manager == actor.manager {
            continue;
        }
        let mut taken = Vec::new();
        for p in &new_set {
            // An applied empty map does not claim what others own inside it.
            for q in e.fields.iter().filter(|q| is_prefix(q, p)) {
                let same = get_path(live, q) == get_path(applied, q)
                    && get_path(live, p) == get_path(applied, p);
                if !same {
                    if force {
                        taken.push(q.clone());
                    } else {
                        conflicts.push((e.manager.clone(), path_string(q)));
                    }
                }
            }
        }
        for q in taken {
            e.fields.remove(&q);
        }
    }
    if !conflicts.is_empty() {
        conflicts.sort();
        conflicts.dedup();
        return ApplyOutcome::Conflicts(conflicts);
    }
    let mut out = live.clone();
    // Fields this manager applied before and no longer applies are removed, unless someone
    // else also owns them.
    let old_mine: FieldSet = es
        .iter()
        .filter(|e| e.manager == actor.manager && e.operation == "Apply")
        .flat_map(|e| e.fields.iter().cloned())
        .collect();
    for p in old_mine.difference(&new_set) {
        let shared = es.iter().any(|e| {
            !(e.manager == actor.manager && e.operation == "Apply")
                && e.fields.iter().any(|q| overlaps(p, q))
        });
        if !shared && !new_set.iter().any(|n| is_prefix(p, n)) {
            remove_path(&mut out, p);
        }
    }
    apply_merge(&mut out, applied, "");
    es.retain(|e| {
        !(e.manager == actor.manager
            && e.operation == "Apply"
            && e.subresource == actor.subresource)
    });
    es.push(Entry {
        manager: actor.manager.into(),
        operation: "Apply".into(),
        api_version: actor.api_version.into(),
        subresource: actor.subresource.into(),
        time: actor.time.into(),
        fields: new_set,
    });
    set_entries(&mut out, &es);
    ApplyOutcome::Applied(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(m: &str) -> Actor<'_> {
        Actor {
            manager: m,
            api_version: "v1",
            subresource: "",
            time: "2026-01-01T00:00:00Z",
        }
    }

    #[test]
    fn leaves_use_merge_keys() {
        let o = json!({"apiVersion": "v1", "metadata": {"name": "x", "labels": {"a": "1"}},
                       "spec": {"containers": [{"name": "c", "image": "i"}], "args": ["a"]}});
        let l = leaves(&o);
        assert!(l.contains(&vec![
            "f:metadata".to_string(),
            "f:labels".into(),
            "f:a".into()
        ]));
        assert!(l.contains(&vec![
            "f:spec".to_string(),
            "f:containers".into(),
            "k:{\"name\":\"c\"}".into(),
            "f:image".into()
        ]));
        assert!(l.contains(&vec!["f:spec".to_string(), "f:args".into()]));
        assert_eq!(from_fields_v1(&to_fields_v1(&l)), l);
    }

    #[test]
    fn apply_conflicts_and_force() {
        let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1", "j": "x"}});
        let ApplyOutcome::Applied(live) = apply(
            &json!({"metadata": {"name": "a"}}),
            &applied,
            &actor("one"),
            false,
        ) else {
            panic!("first apply must succeed")
        };
        assert_eq!(live["data"]["k"], "1");
        let other = json!({"metadata": {"name": "a"}, "data": {"k": "2"}});
        match apply(&live, &other, &actor("two"), false) {
            ApplyOutcome::Conflicts(c) => {
                assert_eq!(c, vec![("one".to_string(), ".data.k".to_string())])
            }
            ApplyOutcome::Applied(_) => panic!("expected a conflict"),
        }
        let ApplyOutcome::Applied(forced) = apply(&live, &other, &actor("two"), true) else {
            panic!("force must win")
        };
        assert_eq!(forced["data"]["k"], "2");
        let es = entries(&forced);
        let one = es.iter().find(|e| e.manager == "one").unwrap();
        assert!(!one
            .fields
            .contains(&vec!["f:data".to_string(), "f:k".into()]));
        // Same value: shared ownership, no conflict.
        let same = json!({"metadata": {"name": "a"}, "data": {"j": "x"}});
        assert!(matches!(
            apply(&live, &same, &actor("three"), false),
            ApplyOutcome::Applied(_)
        ));
    }

    #[test]
    fn reapply_removes_dropped_fields() {
        let first = json!({"metadata": {"name": "a"}, "data": {"k": "1", "gone": "x"}});
        let ApplyOutcome::Applied(live) = apply(
            &json!({"metadata": {"name": "a"}}),
            &first,
            &actor("m"),
            false,
        ) else {
            panic!()
        };
        let second = json!({"metadata": {"name": "a"}, "data": {"k": "1"}});
        let ApplyOutcome::Applied(live) = apply(&live, &second, &actor("m"), false) else {
            panic!()
        };
        assert!(live["data"].get("gone").is_none());
    }

    #[test]
    fn updates_take_changed_fields() {
        let mut created = json!({"metadata": {"name": "a"}, "data": {"k": "1"}});
        record_update(None, &mut created, &actor("kubectl-create"));
        let mut edited = created.clone();
        edited["data"]["k"] = json!("2");
        record_update(Some(&created), &mut edited, &actor("kubectl-edit"));
        let es = entries(&edited);
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].manager, "kubectl-edit");
    }
}
