//! Patch formats: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and Kubernetes strategic
//! merge patch for the built-in kinds (merge keys from a table of the common list fields).

use serde_json::{Map, Value};

/// Why a patch could not be applied.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PatchError {
    /// The patch document is not what its content type says.
    #[error("{0}")]
    Malformed(String),
    /// A JSON patch operation failed (missing path, failed test).
    #[error("{0}")]
    Failed(String),
}

/// The merge key of a list field, by field name; `None` means the list is replaced whole.
///
/// `ports` is keyed by `containerPort` in containers and by `port` in Services; the item
/// itself tells which.
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

/// Applies a JSON merge patch (RFC 7386) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

fn unescape(tok: &str) -> String {
    tok.replace("~1", "/").replace("~0", "~")
}

fn pointer_parts(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(vec![]);
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| PatchError::Malformed(format!("invalid JSON pointer {path:?}")))?;
    Ok(rest.split('/').map(unescape).collect())
}

fn remove_at(doc: &mut Value, path: &str) -> Result<Value, PatchError> {
    let mut parts = pointer_parts(path)?;
    let last = parts
        .pop()
        .ok_or_else(|| PatchError::Failed("cannot remove the document root".into()))?;
    let parent = walk(doc, &parts)?;
    match parent {
        Value::Object(m) => m.remove(&last).ok_or_else(|| {
            PatchError::Failed(format!(
                "remove operation does not apply: doc is missing path: {path}"
            ))
        }),
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| PatchError::Failed(format!("invalid array index {last:?}")))?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(PatchError::Failed(format!(
                    "remove operation does not apply: doc is missing path: {path}"
                )))
            }
        }
        _ => Err(PatchError::Failed(format!("doc is missing path: {path}"))),
    }
}

fn walk<'a>(doc: &'a mut Value, parts: &[String]) -> Result<&'a mut Value, PatchError> {
    let mut cur = doc;
    for p in parts {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or_else(|| {
                PatchError::Failed(format!("doc is missing path: /{}", parts.join("/")))
            })?,
            Value::Array(a) => {
                let i: usize = p
                    .parse()
                    .map_err(|_| PatchError::Failed(format!("invalid array index {p:?}")))?;
                a.get_mut(i).ok_or_else(|| {
                    PatchError::Failed(format!("doc is missing path: /{}", parts.join("/")))
                })?
            }
            _ => {
                return Err(PatchError::Failed(format!(
                    "doc is missing path: /{}",
                    parts.join("/")
                )))
            }
        };
    }
    Ok(cur)
}

fn add_at(doc: &mut Value, path: &str, value: Value, replace: bool) -> Result<(), PatchError> {
    let mut parts = pointer_parts(path)?;
    let Some(last) = parts.pop() else {
        *doc = value;
        return Ok(());
    };
    let parent = walk(doc, &parts)?;
    match parent {
        Value::Object(m) => {
            if replace && !m.contains_key(&last) {
                return Err(PatchError::Failed(format!(
                    "replace operation does not apply: doc is missing key: {path}"
                )));
            }
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" && !replace {
                a.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| PatchError::Failed(format!("invalid array index {last:?}")))?;
            if replace {
                let slot = a.get_mut(i).ok_or_else(|| {
                    PatchError::Failed(format!(
                        "replace operation does not apply: doc is missing path: {path}"
                    ))
                })?;
                *slot = value;
            } else if i <= a.len() {
                a.insert(i, value);
            } else {
                return Err(PatchError::Failed(format!(
                    "add operation does not apply: index out of range: {path}"
                )));
            }
            Ok(())
        }
        _ => Err(PatchError::Failed(format!("doc is missing path: {path}"))),
    }
}

/// Applies a JSON patch (RFC 6902) to `doc`.
pub fn json_patch(doc: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let ops = patch
        .as_array()
        .ok_or_else(|| PatchError::Malformed("json patch must be a list of operations".into()))?;
    for op in ops {
        let path = op["path"].as_str().unwrap_or_default();
        let from = op["from"].as_str().unwrap_or_default();
        match op["op"].as_str() {
            Some("add") => add_at(doc, path, op["value"].clone(), false)?,
            Some("replace") => add_at(doc, path, op["value"].clone(), true)?,
            Some("remove") => {
                remove_at(doc, path)?;
            }
            Some("move") => {
                let v = remove_at(doc, from)?;
                add_at(doc, path, v, false)?;
            }
            Some("copy") => {
                let v = walk(doc, &pointer_parts(from)?)?.clone();
                add_at(doc, path, v, false)?;
            }
            Some("test") => {
                let v = walk(doc, &pointer_parts(path)?)?;
                if *v != op["value"] {
                    return Err(PatchError::Failed(format!("testing value {path} failed")));
                }
            }
            other => {
                return Err(PatchError::Malformed(format!(
                    "Unexpected kind: {}",
                    other.unwrap_or("<missing>")
                )))
            }
        }
    }
    Ok(())
}

/// Applies a strategic merge patch to `target` (a map at `field`, or the whole object).
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    smp_map(target, patch);
}

fn smp_map(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    match p.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut m = p.clone();
            m.remove("$patch");
            *target = Value::Object(m);
            return;
        }
        Some("delete") => {
            *target = Value::Null;
            return;
        }
        _ => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else {
        return;
    };
    let mut orders: Vec<(String, Value)> = Vec::new();
    for (k, v) in p {
        if k == "$patch" || k == "$retainKeys" {
            continue;
        }
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((field.to_string(), v.clone()));
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(del)) = (t.get_mut(field), v.as_array()) {
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        match v {
            Value::Object(_) => {
                let slot = t.entry(k.clone()).or_insert(Value::Null);
                smp_map(slot, v);
                if slot.is_null() {
                    t.remove(k);
                }
            }
            Value::Array(items) => {
                let slot = t.entry(k.clone()).or_insert(Value::Array(vec![]));
                smp_list(k, slot, items);
            }
            other => {
                t.insert(k.clone(), other.clone());
            }
        }
    }
    if let Some(keep) = p.get("$retainKeys").and_then(Value::as_array) {
        t.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k)));
    }
    for (field, order) in orders {
        if let (Some(Value::Array(list)), Some(order)) = (t.get_mut(&field), order.as_array()) {
            reorder(&field, list, order);
        }
    }
}

fn item_key<'a>(item: &'a Value, key: &str) -> Option<&'a Value> {
    item.get(key)
}

fn smp_list(field: &str, target: &mut Value, items: &[Value]) {
    let key = merge_key(
        field,
        items
            .first()
            .or_else(|| target.as_array().and_then(|a| a.first())),
    );
    let primitive_merge = field == "finalizers";
    let Some(key) = key.filter(|_| items.iter().all(Value::is_object)) else {
        if primitive_merge {
            if let Value::Array(t) = target {
                for i in items {
                    if !t.contains(i) {
                        t.push(i.clone());
                    }
                }
                return;
            }
        }
        *target = Value::Array(items.to_vec());
        return;
    };
    if !target.is_array() {
        *target = Value::Array(vec![]);
    }
    let Value::Array(t) = target else {
        return;
    };
    for item in items {
        let directive = item.get("$patch").and_then(Value::as_str);
        if directive == Some("replace") {
            let mut kept: Vec<Value> = items
                .iter()
                .filter(|i| i.get("$patch").is_none())
                .cloned()
                .collect();
            std::mem::swap(t, &mut kept);
            return;
        }
        let Some(k) = item_key(item, key) else {
            continue;
        };
        let pos = t.iter().position(|x| item_key(x, key) == Some(k));
        match (directive, pos) {
            (Some("delete"), Some(i)) => {
                t.remove(i);
            }
            (Some("delete"), None) => {}
            (_, Some(i)) => smp_map(&mut t[i], item),
            (_, None) => {
                let mut fresh = Value::Object(Map::new());
                smp_map(&mut fresh, item);
                t.push(fresh);
            }
        }
    }
}

fn reorder(field: &str, list: &mut Vec<Value>, order: &[Value]) {
    let Some(key) = merge_key(field, list.first()) else {
        return;
    };
    let mut out = Vec::with_capacity(list.len());
    for o in order {
        let want = o.get(key).unwrap_or(o);
        if let Some(i) = list.iter().position(|x| x.get(key).unwrap_or(x) == want) {
            out.push(list.remove(i));
        }
    }
    out.append(list);
    *list = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_sets_and_deletes() {
        let mut d = json!({"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2]});
        merge_patch(&mut d, &json!({"a": null, "b": {"c": 5}, "l": [3]}));
        assert_eq!(d, json!({"b": {"c": 5, "d": 3}, "l": [3]}));
    }

    #[test]
    fn json_patch_ops() {
        let mut d = json!({"a": {"b": [1, 2]}});
        json_patch(
            &mut d,
            &json!([{"op": "add", "path": "/a/b/-", "value": 3},
                    {"op": "replace", "path": "/a/b/0", "value": 9},
                    {"op": "remove", "path": "/a/b/1"},
                    {"op": "add", "path": "/a/x~1y", "value": true},
                    {"op": "test", "path": "/a/b/0", "value": 9}]),
        )
        .unwrap();
        assert_eq!(d, json!({"a": {"b": [9, 3], "x/y": true}}));
        let err = json_patch(&mut d, &json!([{"op": "remove", "path": "/nope"}])).unwrap_err();
        assert!(matches!(err, PatchError::Failed(_)));
        assert!(json_patch(&mut d, &json!({"op": "add"})).is_err());
    }

    #[test]
    fn strategic_merge_uses_merge_keys_and_directives() {
        let mut d = json!({"spec": {"containers": [
            {"name": "a", "image": "x:1", "env": [{"name": "E", "value": "1"}]},
            {"name": "b", "image": "y:1"}]}});
        strategic_merge(
            &mut d,
            &json!({"spec": {
                "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                "containers": [
                    {"name": "a", "image": "x:2", "env": [{"name": "F", "value": "2"}]},
                    {"name": "b", "$patch": "delete"},
                    {"name": "c", "image": "z:1"}]}}),
        );
        let cs = d["spec"]["containers"].as_array().unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0]["name"], "a");
        assert_eq!(cs[0]["image"], "x:2");
        assert_eq!(cs[0]["env"].as_array().unwrap().len(), 2);
        assert_eq!(cs[1]["name"], "c");
    }

    #[test]
    fn strategic_merge_replace_retain_and_service_ports() {
        let mut d = json!({"spec": {"ports": [{"port": 80, "name": "http"}], "selector": {"a": "1", "b": "2"}},
                           "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}});
        strategic_merge(
            &mut d,
            &json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}], "selector": {"$patch": "replace", "c": "3"}},
                    "strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": null}}),
        );
        assert_eq!(
            d["spec"]["ports"],
            json!([{"port": 80, "name": "http", "targetPort": 8080}])
        );
        assert_eq!(d["spec"]["selector"], json!({"c": "3"}));
        assert_eq!(d["strategy"], json!({"type": "Recreate"}));
    }
}
