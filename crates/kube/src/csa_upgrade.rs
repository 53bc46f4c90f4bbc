//! Moving a client-side-applied object's field ownership to server-side apply, as helm 4
//! does before its first server-side update of a release that was applied client-side (and
//! on every server-side rollback): the `Update` entry of manager `helm` in
//! `metadata.managedFields` becomes (or is merged into) its `Apply` entry. Without this the
//! `Apply` manager would not own the fields helm set client-side, and a field the chart drops
//! would stay on the object. The rule is client-go's `csaupgrade.UpgradeManagedFields`.

use kube::api::{Patch, PatchParams};
use serde_json::{json, Map, Value};

use crate::resources::{ResourceError, Resources};

/// kubectl's last-applied annotation is never owned by the converted manager.
const LAST_APPLIED: &str = "f:kubectl.kubernetes.io/last-applied-configuration";

fn is(entry: &Value, manager: &str, operation: &str) -> bool {
    entry.get("manager").and_then(Value::as_str) == Some(manager)
        && entry.get("operation").and_then(Value::as_str) == Some(operation)
        && entry
            .get("subresource")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
}

/// The union of two `fieldsV1` trees (a field set is a tree of `f:`/`k:`/`v:`/`.` keys).
fn union(a: &mut Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                union(x.entry(k.clone()).or_insert_with(|| json!({})), v);
            }
        }
        (a, b) if a.is_null() => *a = b.clone(),
        _ => {}
    }
}

/// The managed fields with `manager`'s client-side (`Update`) ownership moved to its
/// server-side (`Apply`) entry; `None` when there is nothing to move.
pub fn upgrade_managed_fields(fields: &[Value], manager: &str) -> Option<Vec<Value>> {
    let mut entries = fields.to_vec();
    let target = match entries.iter().position(|e| is(e, manager, "Apply")) {
        Some(i) => i,
        None => {
            // The first client-side entry becomes the server-side one.
            let i = entries.iter().position(|e| is(e, manager, "Update"))?;
            entries[i]["operation"] = Value::from("Apply");
            i
        }
    };
    let api_version = entries[target].get("apiVersion").cloned();
    let csa = entries
        .iter()
        .position(|e| is(e, manager, "Update") && e.get("apiVersion").cloned() == api_version)
        .map(|i| entries[i]["fieldsV1"].clone());
    let mut set = entries[target]
        .get("fieldsV1")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(csa) = csa {
        union(&mut set, &csa);
    }
    if let Some(Value::Object(ann)) = set.pointer_mut("/f:metadata/f:annotations") {
        ann.remove(LAST_APPLIED);
    }
    entries[target]["fieldsV1"] = set;
    entries[target]["fieldsType"] = Value::from("FieldsV1");
    let out: Vec<Value> = entries
        .into_iter()
        .filter(|e| !is(e, manager, "Update"))
        .collect();
    (out != fields).then_some(out)
}

impl Resources {
    /// Moves `manager`'s client-side field ownership of the live object to server-side
    /// apply ([`upgrade_managed_fields`]), sending the new managed fields with the live
    /// resourceVersion so a concurrent write is a conflict, re-read and retried (up to 5
    /// times). Returns whether a patch was sent; an absent object is left alone.
    pub async fn upgrade_client_side_manager(
        &self,
        obj: &Value,
        default_ns: &str,
        manager: &str,
    ) -> Result<bool, ResourceError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(obj, default_ns).await?;
        let mut conflicts = 0;
        loop {
            let Some(live) = self.retry().run(|| api.get_opt(name)).await? else {
                return Ok(false);
            };
            let fields = serde_json::to_value(&live.metadata.managed_fields)
                .ok()
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            let Some(next) = upgrade_managed_fields(&fields, manager) else {
                return Ok(false);
            };
            let mut meta = Map::new();
            meta.insert("managedFields".into(), Value::Array(next));
            meta.insert(
                "resourceVersion".into(),
                Value::from(live.metadata.resource_version.clone().unwrap_or_default()),
            );
            let patch = Patch::Merge(json!({ "metadata": meta }));
            let pp = PatchParams {
                field_manager: Some(manager.to_owned()),
                ..PatchParams::default()
            };
            match api.patch(name, &pp, &patch).await {
                Ok(_) => return Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 && conflicts < 5 => conflicts += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(manager: &str, op: &str, fields: Value) -> Value {
        json!({"manager": manager, "operation": op, "apiVersion": "v1",
               "fieldsType": "FieldsV1", "fieldsV1": fields, "time": "t"})
    }

    #[test]
    fn client_side_ownership_moves_to_the_apply_entry() {
        let csa = entry(
            "helm",
            "Update",
            json!({"f:data": {"f:a": {}, "f:extra": {}},
                   "f:metadata": {"f:annotations": {LAST_APPLIED: {}, "f:x": {}}}}),
        );
        let other = entry("kubectl-edit", "Update", json!({"f:data": {"f:b": {}}}));
        // Only a client-side entry: it becomes the Apply entry.
        let out = upgrade_managed_fields(&[csa.clone(), other.clone()], "helm").expect("moved");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["operation"], "Apply");
        assert_eq!(
            out[0]["fieldsV1"],
            json!({"f:data": {"f:a": {}, "f:extra": {}},
                   "f:metadata": {"f:annotations": {"f:x": {}}}})
        );
        assert_eq!(out[1], other);
        // With an Apply entry: the client-side fields are merged into it, and the Update
        // entry dropped.
        let ssa = entry("helm", "Apply", json!({"f:data": {"f:a": {}, "f:c": {}}}));
        let out = upgrade_managed_fields(&[csa, ssa], "helm").expect("moved");
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0]["fieldsV1"]["f:data"],
            json!({"f:a": {}, "f:c": {}, "f:extra": {}})
        );
        // Nothing client-side: nothing to do.
        let ssa = entry("helm", "Apply", json!({"f:data": {"f:a": {}}}));
        assert_eq!(upgrade_managed_fields(&[ssa], "helm"), None);
        assert_eq!(upgrade_managed_fields(&[], "helm"), None);
    }
}
