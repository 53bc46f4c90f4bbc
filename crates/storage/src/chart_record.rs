//! A loaded chart as Helm stores it in a release record.
//!
//! Helm stores only the top chart (subcharts are not serialized), with its templates, values,
//! schema and other files, and Helm 4 adds modification times. Times are written in UTC;
//! Helm writes them in the local zone of the machine that ran it, which is the same text on
//! a UTC machine.

use std::time::{SystemTime, UNIX_EPOCH};

use capstan_chart::Chart;
use capstan_release::chart_json::{ChartRecord, Dependency, File, Lock, Maintainer, Metadata};
use capstan_release::gojson::{GoMap, GoValue};
use capstan_release::record::{format_timestamp, Timestamp, ZERO_TIME};

fn time(t: SystemTime) -> Timestamp {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => format_timestamp(
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(e) => {
            // Before 1970: negative seconds, counted back from the epoch.
            let d = e.duration();
            let mut secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            let mut nanos = d.subsec_nanos();
            if nanos > 0 {
                secs -= 1;
                nanos = 1_000_000_000 - nanos;
            }
            format_timestamp(secs, nanos)
        }
    }
}

/// Converts a JSON value (the chart crate's values) into Go's dynamic form.
pub fn go_value(v: &serde_json::Value) -> GoValue {
    match v {
        serde_json::Value::Null => GoValue::Null,
        serde_json::Value::Bool(b) => GoValue::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                GoValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                GoValue::Uint(u)
            } else {
                GoValue::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        serde_json::Value::String(s) => GoValue::String(s.clone()),
        serde_json::Value::Array(a) => GoValue::Array(a.iter().map(go_value).collect()),
        serde_json::Value::Object(m) => GoValue::Object(go_map(m)),
    }
}

fn go_map(m: &serde_json::Map<String, serde_json::Value>) -> GoMap {
    m.iter().map(|(k, v)| (k.clone(), go_value(v))).collect()
}

fn file(f: &capstan_chart::chart::File) -> File {
    File {
        name: f.name.clone(),
        data: Some(f.data.to_vec()),
        modtime: f.mod_time.map(time),
    }
}

/// Go writes a nil slice as `null`: the loader leaves a list nil when it found nothing.
fn files(list: &[capstan_chart::chart::File]) -> Option<Vec<File>> {
    (!list.is_empty()).then(|| list.iter().map(file).collect())
}

fn dependency(d: &capstan_chart::metadata::Dependency) -> Dependency {
    Dependency {
        name: d.name.clone(),
        version: d.version.clone(),
        repository: d.repository.clone(),
        condition: d.condition.clone(),
        tags: d.tags.clone(),
        enabled: d.enabled,
        import_values: d.import_values.iter().map(go_value).collect(),
        alias: d.alias.clone(),
    }
}

/// The `chart` field of a release record for `chart`. Null entries in `maintainers` or
/// `dependencies` (possible in Go) are dropped.
pub fn chart_record(chart: &Chart) -> ChartRecord {
    let m = &chart.metadata;
    let metadata = Metadata {
        name: m.name.clone(),
        home: m.home.clone(),
        sources: m.sources.clone(),
        version: m.version.clone(),
        description: m.description.clone(),
        keywords: m.keywords.clone(),
        maintainers: m
            .maintainers
            .iter()
            .flatten()
            .map(|x| Maintainer {
                name: x.name.clone(),
                email: x.email.clone(),
                url: x.url.clone(),
            })
            .collect(),
        icon: m.icon.clone(),
        api_version: m.api_version.clone(),
        condition: m.condition.clone(),
        tags: m.tags.clone(),
        app_version: m.app_version.clone(),
        deprecated: m.deprecated,
        annotations: m.annotations.clone(),
        kube_version: m.kube_version.clone(),
        dependencies: m.dependencies.iter().flatten().map(dependency).collect(),
        chart_type: m.chart_type.clone(),
    };
    ChartRecord {
        metadata: Some(metadata),
        lock: chart.lock.as_ref().map(|l| Lock {
            generated: l.generated.clone(),
            digest: l.digest.clone(),
            dependencies: Some(l.dependencies.iter().flatten().map(dependency).collect()),
        }),
        templates: files(&chart.templates),
        // Helm leaves Values nil (`null`) for a chart without values.yaml (checked with
        // helm 4.3.1). The loaded chart does not say whether an empty values.yaml existed;
        // both are written as `null`.
        values: (!chart.values.is_empty()).then(|| go_map(&chart.values)),
        schema: chart.schema.clone(),
        schemamodtime: Some(
            chart
                .schema_mod_time
                .map(time)
                .unwrap_or_else(|| ZERO_TIME.to_owned()),
        ),
        files: files(&chart.files),
        modtime: chart.mod_time.map(time),
    }
}
