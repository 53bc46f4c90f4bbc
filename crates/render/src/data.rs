//! Turning chart data (`serde_json` trees from the `chart` crate) into template values with
//! the Go types Helm's templates see.

use std::collections::BTreeMap;
use std::sync::Arc;

use capstan_chart::metadata::{Dependency, Metadata};
use capstan_gotmpl::{ElemType, Map, Value};

/// Go's name of Helm's values map type (`.Values`, `.Template`, the top-level dot).
pub const VALUES_TYPE: &str = "common.Values";

/// Converts a JSON-normalised values tree to template values: numbers that came from
/// YAML/JSON are `float64`, integers from `--set` are `int64`, maps are
/// `map[string]interface {}`.
pub fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64().filter(|_| !n.is_f64()) {
                Value::Int64(i)
            } else if let Some(u) = n.as_u64().filter(|_| !n.is_f64()) {
                Value::Uint64(u)
            } else {
                Value::Float64(n.as_f64().unwrap_or(0.0))
            }
        }
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
    }
}

/// A values table as Helm's named `common.Values` map type.
pub fn values_table(map: &serde_json::Map<String, serde_json::Value>) -> Value {
    named_map(
        map.iter()
            .map(|(k, v)| (k.clone(), json_to_value(v)))
            .collect(),
    )
}

/// A `common.Values` map from entries.
pub fn named_map(entries: BTreeMap<String, Value>) -> Value {
    Value::Map(Arc::new(Map::new(
        Some(VALUES_TYPE),
        ElemType::Interface,
        entries,
    )))
}

fn strings(items: &[String]) -> Value {
    // structToMap copies slices element by element into []interface {}.
    Value::list(items.iter().map(|s| Value::str(s.as_str())).collect())
}

fn dependency_map(d: &Dependency) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Name".into(), Value::str(d.name.as_str()));
    m.insert("Version".into(), Value::str(d.version.as_str()));
    m.insert("Repository".into(), Value::str(d.repository.as_str()));
    m.insert("Condition".into(), Value::str(d.condition.as_str()));
    m.insert("Tags".into(), strings(&d.tags));
    m.insert("Enabled".into(), Value::Bool(d.enabled));
    m.insert(
        "ImportValues".into(),
        Value::list(d.import_values.iter().map(json_to_value).collect()),
    );
    m.insert("Alias".into(), Value::str(d.alias.as_str()));
    Value::map(m)
}

/// `.Chart` as Helm 4 builds it (`MetadataAsMap`): the metadata struct's Go field names as
/// keys, slices as `[]interface {}`, plus `IsRoot`.
pub fn chart_map(meta: &Metadata, is_root: bool) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Name".into(), Value::str(meta.name.as_str()));
    m.insert("Home".into(), Value::str(meta.home.as_str()));
    m.insert("Sources".into(), strings(&meta.sources));
    m.insert("Version".into(), Value::str(meta.version.as_str()));
    m.insert("Description".into(), Value::str(meta.description.as_str()));
    m.insert("Keywords".into(), strings(&meta.keywords));
    let maintainers = meta
        .maintainers
        .iter()
        .map(|mt| match mt {
            Some(mt) => {
                let mut e = BTreeMap::new();
                e.insert("Name".into(), Value::str(mt.name.as_str()));
                e.insert("Email".into(), Value::str(mt.email.as_str()));
                e.insert("URL".into(), Value::str(mt.url.as_str()));
                Value::map(e)
            }
            None => Value::Nil,
        })
        .collect();
    m.insert("Maintainers".into(), Value::list(maintainers));
    m.insert("Icon".into(), Value::str(meta.icon.as_str()));
    m.insert("APIVersion".into(), Value::str(meta.api_version.as_str()));
    m.insert("Condition".into(), Value::str(meta.condition.as_str()));
    m.insert("Tags".into(), Value::str(meta.tags.as_str()));
    m.insert("AppVersion".into(), Value::str(meta.app_version.as_str()));
    m.insert("Deprecated".into(), Value::Bool(meta.deprecated));
    let annotations = meta
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
        .collect();
    m.insert(
        "Annotations".into(),
        Value::Map(Arc::new(Map::new(None, ElemType::String, annotations))),
    );
    m.insert("KubeVersion".into(), Value::str(meta.kube_version.as_str()));
    let deps = meta
        .dependencies
        .iter()
        .map(|d| d.as_ref().map(dependency_map).unwrap_or(Value::Nil))
        .collect();
    m.insert("Dependencies".into(), Value::list(deps));
    m.insert("Type".into(), Value::str(meta.chart_type.as_str()));
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::map(m)
}

/// `.Release` for a render.
#[derive(Clone, Debug)]
pub struct ReleaseInfo {
    /// `Name`
    pub name: String,
    /// `Namespace`
    pub namespace: String,
    /// `Revision`
    pub revision: i64,
    /// `IsUpgrade` (`IsInstall` is its negation)
    pub is_upgrade: bool,
}

impl ReleaseInfo {
    /// The `.Release` map (`map[string]interface {}`; Revision is a Go `int`).
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Name".into(), Value::str(self.name.as_str()));
        m.insert("Namespace".into(), Value::str(self.namespace.as_str()));
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::Bool(!self.is_upgrade));
        m.insert("Service".into(), Value::str("Helm"));
        Value::map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_go_types() {
        let v: serde_json::Value = serde_json::json!({"f": 3.0, "i": 3, "s": "x", "n": null});
        let serde_json::Value::Object(o) = v else {
            unreachable!()
        };
        let Value::Map(m) = values_table(&o) else {
            panic!()
        };
        assert_eq!(m.entries()["f"].type_name(), "float64");
        assert_eq!(m.entries()["i"].type_name(), "int64");
        assert!(m.entries()["n"].is_nil());
        assert_eq!(Value::Map(m).type_name(), "common.Values");
    }
}
