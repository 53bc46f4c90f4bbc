//! `helm get all --template`: a Go template (no extra functions) run on `{"Release": rel}`,
//! where the release is helm's typed Go value: `*v1.Release` with `*v1.Info`, `*v2.Chart`,
//! `*v2.Metadata`, `[]*v1.Hook` and `v1.HookExecution` structs, `time.Time` times (printed
//! as Go's `Time.String()`), and maps only where helm has maps (`Config`, `Labels`,
//! `Chart.Values`, `Metadata.Annotations`). So a field the struct does not have fails as
//! in helm (`can't evaluate field X in type *v1.Release`), while a missing map key prints
//! `<no value>`.

use std::collections::BTreeMap;
use std::sync::Arc;

use capstan_gotmpl::{Kind, Object, Value};
use capstan_release::record::Timestamp;
use capstan_release::Release;

use super::output::{format_time, GO_STRING};

/// A Go struct, or a pointer to one, with its exported fields in declaration order.
struct GoStruct {
    type_name: &'static str,
    kind: Kind,
    fields: Vec<(&'static str, Value)>,
    /// Methods without arguments and their results (`(*v2.Chart).Name`, ...).
    methods: Vec<(&'static str, Value)>,
}

impl GoStruct {
    fn ptr(type_name: &'static str, fields: Vec<(&'static str, Value)>) -> Value {
        Value::Object(Arc::new(GoStruct {
            type_name,
            kind: Kind::Ptr,
            fields,
            methods: Vec::new(),
        }))
    }
}

impl Object for GoStruct {
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }
    fn has_method(&self, name: &str) -> bool {
        self.methods.iter().any(|(n, _)| *n == name)
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        self.methods
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("can't evaluate field {name} in type {}", self.type_name))
    }
    fn format_v(&self) -> String {
        // fmt's `%v`: `&{a b}` for a pointer to a struct. A pointer nested in a struct
        // prints as its address in Go, which differs on every run.
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|(_, v)| match v {
                Value::Object(o) if o.kind() == Kind::Ptr => "0xc000000000".to_owned(),
                other => capstan_gotmpl::fmt::sprint(std::slice::from_ref(other)),
            })
            .collect();
        let body = format!("{{{}}}", parts.join(" "));
        if self.kind == Kind::Ptr {
            format!("&{body}")
        } else {
            body
        }
    }
}

/// A Go `time.Time`: no exported fields; prints as `Time.String()`.
struct GoTime(String);

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        name == "String"
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "String" => Ok(Value::str(self.0.as_str())),
            other => Err(format!("can't evaluate field {other} in type time.Time")),
        }
    }
    fn format_v(&self) -> String {
        self.0.clone()
    }
}

fn time(t: Option<&Timestamp>) -> Value {
    Value::Object(Arc::new(GoTime(format_time(t, GO_STRING))))
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    capstan_render::data::json_to_value(&serde_json::to_value(v).unwrap_or_default())
}

/// A Go map (`map[string]any`): nil when absent, which prints `map[]` as Go's does.
fn go_map<T: serde::Serialize>(v: &T) -> Value {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(m)) => {
            capstan_render::data::json_to_value(&serde_json::Value::Object(m))
        }
        _ => Value::map(BTreeMap::new()),
    }
}

/// A slice of struct pointers (`[]*v1.Hook`): its elements are not interface slots, so a
/// field error names their own type (`*v1.Hook`) as Go's does. gotmpl has no element type
/// for named pointers; `[]interface {}`'s slice variant is the one whose elements are
/// typed by their values (only `printf "%T"` of the whole slice tells the difference).
fn struct_slice(items: Vec<Value>) -> Value {
    Value::List(Arc::new(capstan_gotmpl::List {
        elem: capstan_gotmpl::ElemType::InterfaceSlice,
        items,
    }))
}

/// A `[]string`.
fn strings(v: &[String]) -> Value {
    Value::List(Arc::new(capstan_gotmpl::List {
        elem: capstan_gotmpl::ElemType::String,
        items: v.iter().map(|s| Value::str(s.as_str())).collect(),
    }))
}

fn string_map(m: &BTreeMap<String, String>) -> Value {
    Value::map(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
            .collect(),
    )
}

/// The release as the template sees it.
fn release_value(rel: &Release, labels: &BTreeMap<String, String>) -> Value {
    let info = rel.info.clone().unwrap_or_default();
    let chart = rel.chart.clone().unwrap_or_default();
    let md = chart.metadata.clone().unwrap_or_default();
    let s = |x: &str| Value::str(x);
    let hooks: Vec<Value> = rel
        .hooks
        .iter()
        .map(|h| {
            let last_run = Value::Object(Arc::new(GoStruct {
                type_name: "v1.HookExecution",
                kind: Kind::Struct,
                fields: vec![
                    ("StartedAt", time(h.last_run.started_at.as_ref())),
                    ("CompletedAt", time(h.last_run.completed_at.as_ref())),
                    ("Phase", s(&h.last_run.phase)),
                ],
                methods: Vec::new(),
            }));
            GoStruct::ptr(
                "*v1.Hook",
                vec![
                    ("Name", s(&h.name)),
                    ("Kind", s(&h.kind)),
                    ("Path", s(&h.path)),
                    ("Manifest", s(&h.manifest)),
                    ("Events", strings(&h.events)),
                    ("LastRun", last_run),
                    ("Weight", Value::Int(h.weight)),
                    ("DeletePolicies", strings(&h.delete_policies)),
                    ("OutputLogPolicies", strings(&h.output_log_policies)),
                ],
            )
        })
        .collect();
    let metadata = GoStruct::ptr(
        "*v2.Metadata",
        vec![
            ("Name", s(&md.name)),
            ("Home", s(&md.home)),
            ("Sources", strings(&md.sources)),
            ("Version", s(&md.version)),
            ("Description", s(&md.description)),
            ("Keywords", strings(&md.keywords)),
            ("Maintainers", json(&md.maintainers)),
            ("Icon", s(&md.icon)),
            ("APIVersion", s(&md.api_version)),
            ("Condition", s(&md.condition)),
            ("Tags", s(&md.tags)),
            ("AppVersion", s(&md.app_version)),
            ("Deprecated", Value::Bool(md.deprecated)),
            ("Annotations", string_map(&md.annotations)),
            ("KubeVersion", s(&md.kube_version)),
            ("Dependencies", json(&md.dependencies)),
            ("Type", s(&md.chart_type)),
        ],
    );
    let chart_value = Value::Object(Arc::new(GoStruct {
        type_name: "*v2.Chart",
        kind: Kind::Ptr,
        fields: vec![
            ("Raw", Value::list(Vec::new())),
            ("Metadata", metadata),
            ("Lock", json(&chart.lock)),
            ("Templates", json(&chart.templates)),
            ("Values", go_map(&chart.values)),
            ("Schema", json(&chart.schema)),
            ("SchemaModTime", time(chart.schemamodtime.as_ref())),
            ("Files", json(&chart.files)),
            ("ModTime", time(chart.modtime.as_ref())),
        ],
        methods: vec![
            ("Name", s(&md.name)),
            ("AppVersion", s(&md.app_version)),
            ("IsRoot", Value::Bool(true)),
        ],
    }));
    let info_value = GoStruct::ptr(
        "*v1.Info",
        vec![
            ("FirstDeployed", time(info.first_deployed.as_ref())),
            ("LastDeployed", time(info.last_deployed.as_ref())),
            ("Deleted", time(info.deleted.as_ref())),
            ("Description", s(&info.description)),
            ("Status", s(&info.status)),
            ("RollbackRevision", Value::Int(info.rollback_revision)),
            ("Notes", s(&info.notes)),
            ("Resources", Value::map(BTreeMap::new())),
        ],
    );
    GoStruct::ptr(
        "*v1.Release",
        vec![
            ("Name", s(&rel.name)),
            ("Info", info_value),
            ("Chart", chart_value),
            ("Config", go_map(&rel.config)),
            ("Manifest", s(&rel.manifest)),
            ("Hooks", struct_slice(hooks)),
            ("Version", Value::Int(rel.version)),
            ("Namespace", s(&rel.namespace)),
            ("Labels", string_map(labels)),
            ("ApplyMethod", s(&rel.apply_method)),
        ],
    )
}

/// Runs `template` on the release: the text written, and the error that stopped it (Go
/// writes straight to stdout, so what came before a failing action is printed too).
pub fn render(
    template: &str,
    rel: &Release,
    labels: &BTreeMap<String, String>,
) -> (String, anyhow::Result<()>) {
    let mut data = BTreeMap::new();
    data.insert("Release".to_owned(), release_value(rel, labels));
    let mut set = capstan_gotmpl::Templates::new("_");
    if let Err(e) = set.parse("_", template) {
        return (String::new(), Err(anyhow::anyhow!("{e}")));
    }
    let mut out = String::new();
    let res = set
        .execute_into("_", &Value::map(data), &mut out)
        .map_err(|e| anyhow::anyhow!("{e}"));
    (out, res)
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
        let (out, res) = render(
            "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Info.LastDeployed}} {{range .Release.Hooks}}{{.Name}}:{{.LastRun.Phase}}:{{.Events}}{{end}} {{.Release.Config}}",
            &rel,
            &BTreeMap::new(),
        );
        res.expect("renders");
        assert_eq!(
            out,
            "r1 3 deployed 2026-12-05 18:35:53.967540533 +0000 UTC t:Succeeded:[test] map[]"
        );
    }

    #[test]
    fn missing_fields_fail_as_on_helms_typed_release() {
        let rel = Release {
            name: "r1".into(),
            ..Release::default()
        };
        let (out, res) = render("x {{.Release.Info.Nope}}", &rel, &BTreeMap::new());
        assert_eq!(out, "x ");
        assert_eq!(
            res.expect_err("a missing field").to_string(),
            "template: _:1:12: executing \"_\" at <.Release.Info.Nope>: can't evaluate field Nope in type *v1.Info"
        );
        let (out, res) = render("{{.Release.Config.nope}}", &rel, &BTreeMap::new());
        res.expect("a missing map key is not an error");
        assert_eq!(out, "<no value>");
    }
}
