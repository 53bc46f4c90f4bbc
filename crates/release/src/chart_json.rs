//! The `chart` part of a stored release: Helm's `chart.Chart` as `encoding/json` writes it.
//!
//! These are plain data structs (the release crate depends on nothing of ours); converting a
//! loaded `capstan_chart::Chart` into them is done by the storage crate. Field order and omit
//! rules follow Helm 4's `pkg/chart/v2` and `pkg/chart/common` so records round-trip
//! byte-identically. Timestamps are kept as the exact strings read (Go's RFC 3339 with
//! nanoseconds) because re-formatting could change them; see [`crate::record::Timestamp`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gojson::{GoMap, GoValue};
use crate::record::Timestamp;

/// A stored chart (`chart.Chart`). `Option` marks Go's nil (written as `null`), which Helm
/// writes for a missing lock, templates, values, schema or files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChartRecord {
    /// `Chart.yaml`.
    pub metadata: Option<Metadata>,
    /// `Chart.lock` (`null` without one).
    pub lock: Option<Lock>,
    /// The files under `templates/`, in load order.
    pub templates: Option<Vec<File>>,
    /// `values.yaml` as parsed (every number a float64 in Helm).
    pub values: Option<GoMap>,
    /// `values.schema.json` bytes (base64 in JSON).
    #[serde(with = "opt_base64")]
    pub schema: Option<Vec<u8>>,
    /// Modification time of the schema; Helm 4 always writes it (the zero time when unknown),
    /// Helm 3 never does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schemamodtime: Option<Timestamp>,
    /// Other files of the chart (README, `files/`, ...), in load order.
    pub files: Option<Vec<File>>,
    /// Modification time of the chart (Helm 4; omitted when zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modtime: Option<Timestamp>,
}

/// A file of a chart (`common.File`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct File {
    /// Path relative to the chart root.
    pub name: String,
    /// Contents (base64 in JSON; `null` for a nil slice).
    #[serde(with = "opt_base64")]
    pub data: Option<Vec<u8>>,
    /// Modification time (Helm 4; omitted when zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modtime: Option<Timestamp>,
}

/// `Chart.yaml` (`chart.Metadata`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // the fields are Chart.yaml's, documented by Helm
pub struct Metadata {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(rename = "apiVersion", skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(rename = "appVersion", skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(rename = "kubeVersion", skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
}

/// A chart maintainer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct Maintainer {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// A dependency in `Chart.yaml` or `Chart.lock` (`chart.Dependency`); `name` and
/// `repository` are always written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct Dependency {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    pub repository: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub enabled: bool,
    #[serde(rename = "import-values", skip_serializing_if = "Vec::is_empty")]
    pub import_values: Vec<GoValue>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

/// `Chart.lock` (`chart.Lock`): every field is always written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Lock {
    /// When the lock was generated.
    pub generated: Timestamp,
    /// Digest of the dependency list.
    pub digest: String,
    /// Locked dependencies (`null` when nil).
    pub dependencies: Option<Vec<Dependency>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Go's `[]byte` JSON form: standard base64, `null` for nil.
mod opt_base64 {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(bytes) => s.serialize_str(&STANDARD.encode(bytes)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) => STANDARD
                .decode(s.as_bytes())
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}
