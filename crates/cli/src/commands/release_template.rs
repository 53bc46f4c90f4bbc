//! `helm get all --template`: a Go template (no extra functions) run on `{"Release": rel}`,
//! where the release has helm's Go field names (`.Release.Name`, `.Release.Info.Status`,
//! `.Release.Chart.Metadata.Version`, `range .Release.Hooks`, ...). Times print as Go's
//! `Time.String()`. The release is given as maps, so a missing field prints `<no value>`
//! where helm's typed struct fails, and printing a whole struct (`{{ .Release.Info }}`) shows
//! a map rather than Go's `{...}`.

use std::collections::BTreeMap;

use capstan_release::record::Timestamp;
use capstan_release::Release;
use serde_json::{json, Map, Value};

use super::output::{format_time, GO_STRING};

fn time(t: Option<&Timestamp>) -> Value {
    Value::String(format_time(t, GO_STRING))
}

fn object<T: serde::Serialize>(v: &T) -> Value {
    match serde_json::to_value(v) {
        Ok(Value::Null) | Err(_) => Value::Object(Map::new()),
        Ok(v) => v,
    }
}

/// The release as the template sees it.
fn release_value(rel: &Release, labels: &BTreeMap<String, String>) -> Value {
    let info = rel.info.clone().unwrap_or_default();
    let chart = rel.chart.clone().unwrap_or_default();
    let md = chart.metadata.clone().unwrap_or_default();
    let hooks: Vec<Value> = rel
        .hooks
        .iter()
        .map(|h| {
            json!({
                "Name": h.name, "Kind": h.kind, "Path": h.path, "Manifest": h.manifest,
                "Events": h.events, "Weight": h.weight, "DeletePolicies": h.delete_policies,
                "OutputLogPolicies": h.output_log_policies,
                "LastRun": {
                    "StartedAt": time(h.last_run.started_at.as_ref()),
                    "CompletedAt": time(h.last_run.completed_at.as_ref()),
                    "Phase": h.last_run.phase,
                },
            })
        })
        .collect();
    json!({
        "Name": rel.name,
        "Info": {
            "FirstDeployed": time(info.first_deployed.as_ref()),
            "LastDeployed": time(info.last_deployed.as_ref()),
            "Deleted": time(info.deleted.as_ref()),
            "Description": info.description,
            "Status": info.status,
            "RollbackRevision": info.rollback_revision,
            "Notes": info.notes,
        },
        "Chart": {
            "Metadata": {
                "Name": md.name, "Home": md.home, "Sources": md.sources, "Version": md.version,
                "Description": md.description, "Keywords": md.keywords, "Icon": md.icon,
                "APIVersion": md.api_version, "Condition": md.condition, "Tags": md.tags,
                "AppVersion": md.app_version, "Deprecated": md.deprecated,
                "Annotations": md.annotations, "KubeVersion": md.kube_version,
                "Type": md.chart_type,
            },
            "Values": object(&chart.values),
        },
        "Config": object(&rel.config),
        "Manifest": rel.manifest,
        "Hooks": hooks,
        "Version": rel.version,
        "Namespace": rel.namespace,
        "Labels": labels,
        "ApplyMethod": rel.apply_method,
    })
}

/// Runs `template` on the release.
pub fn render(
    template: &str,
    rel: &Release,
    labels: &BTreeMap<String, String>,
) -> anyhow::Result<String> {
    let data = json!({ "Release": release_value(rel, labels) });
    let mut set = capstan_gotmpl::Templates::new("_");
    set.parse("_", template)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    set.execute("_", &capstan_render::data::json_to_value(&data))
        .map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use capstan_release::{HookExecution, HookRecord, Info};

    #[test]
    fn fields_as_helm_names_them() {
        let rel = Release {
            name: "r1".into(),
            version: 3,
            namespace: "default".into(),
            info: Some(Info {
                status: "deployed".into(),
                last_deployed: Some("2026-12-05T18:35:53.967540533Z".into()),
                ..Info::default()
            }),
            hooks: vec![HookRecord {
                name: "t".into(),
                kind: "Pod".into(),
                events: vec!["test".into()],
                last_run: HookExecution {
                    phase: "Succeeded".into(),
                    ..HookExecution::default()
                },
                ..HookRecord::default()
            }],
            ..Release::default()
        };
        let out = render(
            "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Info.LastDeployed}} {{range .Release.Hooks}}{{.Name}}:{{.LastRun.Phase}}:{{.Events}}{{end}} {{.Release.Config}}",
            &rel,
            &BTreeMap::new(),
        )
        .expect("renders");
        assert_eq!(
            out,
            "r1 3 deployed 2026-12-05 18:35:53.967540533 +0000 UTC t:Succeeded:[test] map[]"
        );
    }
}
