//! The resources of a release as `helm status` shows them: each object of the stored
//! manifest read from the cluster (as a server-side `Table` for the table output, whole for
//! JSON/YAML), grouped under `VERSION/Kind`, plus the pods selected by workloads under
//! `v1/Pod(related)`. Objects that cannot be read are left out silently, as helm does.

use capstan_kube::resources::Resources;
use capstan_release::gojson::{GoMap, GoValue};
use capstan_release::split_manifests;
use kube::api::GroupVersionKind;
use serde_json::Value;

/// What kubectl asks for when it wants tables (and helm with it), JSON as a fallback.
const TABLE_ACCEPT: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// One `VERSION/Kind` group: tables, or whole objects.
#[derive(Debug)]
pub struct Group {
    /// `v1/ConfigMap`, `v1/Pod(related)`.
    pub key: String,
    /// What the server returned.
    pub items: Vec<Value>,
}

fn push(groups: &mut Vec<Group>, key: String, item: Value) {
    match groups.iter_mut().find(|g| g.key == key) {
        Some(g) => g.items.push(item),
        None => groups.push(Group {
            key,
            items: vec![item],
        }),
    }
}

/// The pod selector helm follows from a manifest object (`getSelectorFromObject`).
fn pod_selector(obj: &Value) -> Option<Vec<(String, String)>> {
    let sel = match obj.get("kind")?.as_str()? {
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            obj.pointer("/spec/selector/matchLabels")?
        }
        "ReplicationController" => obj.pointer("/spec/selector")?,
        _ => return None,
    };
    let mut out = Vec::new();
    for (k, v) in sel.as_object()? {
        out.push((k.clone(), v.as_str()?.to_owned()));
    }
    out.sort();
    Some(out)
}

fn collection_url(group: &str, version: &str, ns: Option<&str>, plural: &str) -> String {
    let mut url = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    if let Some(ns) = ns {
        url.push_str(&format!("/namespaces/{ns}"));
    }
    url.push('/');
    url.push_str(plural);
    url
}

async fn get_json(client: &kube::Client, url: &str, table: bool) -> Option<Value> {
    let mut req = http::Request::get(url);
    if table {
        req = req.header(http::header::ACCEPT, TABLE_ACCEPT);
    }
    let req = req.body(Vec::new()).ok()?;
    client.request::<Value>(req).await.ok()
}

/// Reads the resources of `manifest` (default namespace `namespace`). `table` asks the
/// server for `Table`s (the table output); otherwise whole objects are returned.
pub async fn fetch(
    client: &kube::Client,
    manifest: &str,
    namespace: &str,
    table: bool,
) -> anyhow::Result<Vec<Group>> {
    let res = Resources::new(client.clone());
    let mut groups = Vec::new();
    let mut selectors: Vec<Vec<(String, String)>> = Vec::new();
    let include = if table { "?includeObject=Object" } else { "" };
    for doc in split_manifests(manifest) {
        let obj = match capstan_chart::yaml::from_str(&doc) {
            Ok(v @ Value::Object(_)) => v,
            _ => continue,
        };
        let (Some(api_version), Some(kind), Some(name)) = (
            obj.get("apiVersion").and_then(Value::as_str),
            obj.get("kind").and_then(Value::as_str),
            obj.pointer("/metadata/name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let mapping = res
            .mapping(&GroupVersionKind::gvk(group, version, kind))
            .await?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(namespace);
        let url = format!(
            "{}/{name}{include}",
            collection_url(
                group,
                version,
                mapping.namespaced.then_some(ns),
                &mapping.resource.plural
            )
        );
        let Some(got) = get_json(client, &url, table).await else {
            continue;
        };
        push(&mut groups, format!("{version}/{kind}"), got);
        let Some(sel) = pod_selector(&obj) else {
            continue;
        };
        if selectors.contains(&sel) {
            continue;
        }
        let selector = sel
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        selectors.push(sel);
        let sep = if include.is_empty() { '?' } else { '&' };
        let url = format!(
            "{}{include}{sep}labelSelector={}",
            collection_url("", "v1", Some(ns), "pods"),
            query_escape(&selector)
        );
        let Some(list) = get_json(client, &url, table).await else {
            continue;
        };
        // One entry per list read (a Table, or the PodList itself), as helm's builder
        // hands back the list object it got.
        push(&mut groups, "v1/Pod(related)".into(), list);
    }
    Ok(groups)
}

fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The groups as `info.resources` of the JSON/YAML status output.
pub fn to_gomap(groups: &[Group]) -> anyhow::Result<GoMap> {
    let mut out = GoMap::new();
    for g in groups {
        let items: Vec<GoValue> = g
            .items
            .iter()
            .map(|v| serde_json::from_value(v.clone()))
            .collect::<Result<_, _>>()?;
        out.insert(g.key.clone(), GoValue::Array(items));
    }
    Ok(out)
}

/// kubectl's printer state across tables: a header is left out when the columns are the
/// ones printed last.
#[derive(Default)]
struct TablePrinter {
    last_columns: Option<Value>,
    printed_headers: bool,
}

impl TablePrinter {
    fn print(&mut self, table: &Value, out: &mut String) {
        let empty = Vec::new();
        let mut cols = table
            .get("columnDefinitions")
            .and_then(Value::as_array)
            .unwrap_or(&empty)
            .clone();
        let rows = table
            .get("rows")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let same = self.last_columns.as_ref() == Some(&Value::Array(cols.clone()));
        let no_headers = self.printed_headers && (cols.is_empty() || same);
        if cols.is_empty() {
            if let Some(Value::Array(last)) = &self.last_columns {
                cols = last.clone();
            }
        } else if !same {
            self.last_columns = Some(Value::Array(cols.clone()));
            self.printed_headers = false;
        }
        if !rows.is_empty() {
            self.printed_headers = true;
        }
        if rows.is_empty() {
            return;
        }
        let shown: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0)
            .map(|(i, _)| i)
            .collect();
        let mut lines: Vec<Vec<String>> = Vec::new();
        if !no_headers {
            lines.push(
                shown
                    .iter()
                    .map(|&i| {
                        cols[i]
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_uppercase()
                    })
                    .collect(),
            );
        }
        for row in rows {
            let cells = row.get("cells").and_then(Value::as_array);
            lines.push(
                shown
                    .iter()
                    .map(|&i| cell_text(cells.and_then(|c| c.get(i))))
                    .collect(),
            );
        }
        out.push_str(&tabwriter(&lines));
    }
}

fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s
            .split(['\n', '\r', '\x0c'])
            .next()
            .unwrap_or("")
            .to_owned(),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => capstan_release::gojson::go_float(f),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

/// Go's `tabwriter` as kubectl configures it (minimum width 6, padding 3, spaces): every
/// cell but a line's last is padded to its column's width.
fn tabwriter(lines: &[Vec<String>]) -> String {
    let ncols = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; ncols];
    for line in lines {
        for (i, c) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            widths[i] = widths[i].max((c.chars().count() + 3).max(6));
        }
    }
    let mut out = String::new();
    for line in lines {
        for (i, c) in line.iter().enumerate() {
            if i + 1 < line.len() {
                out.push_str(&format!("{c:<w$}", w = widths[i]));
            } else {
                out.push_str(c);
            }
        }
        out.push('\n');
    }
    out
}

/// The `RESOURCES:` section's body as helm's status printer writes it.
pub fn print_tables(groups: &[Group]) -> String {
    let mut printer = TablePrinter::default();
    let mut out = String::new();
    for g in groups {
        out.push_str(&format!("==> {}\n", g.key));
        for t in &g.items {
            printer.print(t, &mut out);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_print_like_kubectl() {
        let cols = json!([
            {"name": "Name", "priority": 0},
            {"name": "Data", "priority": 0},
            {"name": "Extra", "priority": 1},
            {"name": "Age", "priority": 0}
        ]);
        let t1 = json!({"columnDefinitions": cols, "rows": [{"cells": ["r1-a", 1, "x", "2s"]}]});
        let t2 = json!({"columnDefinitions": cols, "rows": [{"cells": ["r1-longer-name", 2, "x", "2s"]}]});
        let groups = vec![Group {
            key: "v1/ConfigMap".into(),
            items: vec![t1, t2],
        }];
        assert_eq!(
            print_tables(&groups),
            "==> v1/ConfigMap\nNAME   DATA   AGE\nr1-a   1      2s\nr1-longer-name   2     2s\n\n"
        );
    }

    #[test]
    fn selectors_of_workloads() {
        let d = json!({"kind": "Deployment", "spec": {"selector": {"matchLabels": {"b": "2", "a": "1"}}}});
        assert_eq!(
            pod_selector(&d),
            Some(vec![("a".into(), "1".into()), ("b".into(), "2".into())])
        );
        assert_eq!(pod_selector(&json!({"kind": "Service"})), None);
    }
}
