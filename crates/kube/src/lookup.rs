//! Helm's `lookup` template function: one object, or a list when the name is empty; a
//! missing object gives an empty map rather than an error, as in Helm, while a kind the
//! server does not serve is an error (Helm fails to build its client too).

use kube::api::{GroupVersionKind, ListParams};
use serde_json::{json, Map, Value};

use crate::resources::{ResourceError, Resources};

/// `lookup apiVersion kind namespace name`. An empty `namespace` means all namespaces for
/// a list (and is ignored for cluster-scoped kinds).
pub async fn lookup(
    res: &Resources,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Value, ResourceError> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let mapping = res.mapping(&gvk).await?;
    let client = res.client().clone();
    let api = if mapping.namespaced && !namespace.is_empty() {
        kube::Api::<kube::api::DynamicObject>::namespaced_with(client, namespace, &mapping.resource)
    } else {
        kube::Api::all_with(client, &mapping.resource)
    };
    if name.is_empty() {
        let lp = ListParams::default();
        let list = res.retry().run(|| api.list(&lp)).await?;
        let items: Vec<Value> = list
            .items
            .into_iter()
            .map(|o| serde_json::to_value(o).unwrap_or(Value::Null))
            .collect();
        return Ok(json!({
            "apiVersion": api_version,
            "kind": format!("{kind}List"),
            "metadata": {"resourceVersion": list.metadata.resource_version.unwrap_or_default()},
            "items": items,
        }));
    }
    match res.retry().run(|| api.get_opt(name)).await? {
        Some(obj) => Ok(serde_json::to_value(obj).map_err(kube::Error::SerdeError)?),
        None => Ok(Value::Object(Map::new())),
    }
}
