//! What applying the plan's resources would do to the cluster: each rendered object compared
//! with its live copy (and, for upgrade and rollback, with the stored manifest of the
//! revision being replaced, because server-side apply also removes fields the release set
//! before and no longer sets).

use serde::Serialize;
use serde_json::Value;

/// How many changed fields are listed per object (the rest are counted).
pub const MAX_FIELDS: usize = 12;

/// One field that would change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// Dotted path (`spec.template.spec.containers[0].image`).
    pub path: String,
    /// The live value (`None`: absent).
    pub from: Option<Value>,
    /// The rendered value (`None`: removed).
    pub to: Option<Value>,
}

/// The fields of `live` that applying `desired` would change: fields `desired` sets to
/// another value, and fields `previous` (the manifest the release applied last) set that
/// `desired` no longer does and that are still live. Fields only the server or other
/// managers set (defaults, status) are not changes.
pub fn changed_fields(desired: &Value, live: &Value, previous: Option<&Value>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    set_fields(desired, Some(live), "", &mut out);
    if let Some(prev) = previous {
        dropped_fields(prev, desired, live, "", &mut out);
    }
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Numbers compare by value (`1` and `1.0` are one value for the API).
fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn set_fields(desired: &Value, live: Option<&Value>, path: &str, out: &mut Vec<FieldChange>) {
    match (desired, live) {
        (Value::Object(d), Some(Value::Object(l))) => {
            for (k, dv) in d {
                set_fields(dv, l.get(k), &join(path, k), out);
            }
        }
        (Value::Array(d), Some(Value::Array(l))) if d.len() == l.len() => {
            for (i, (dv, lv)) in d.iter().zip(l).enumerate() {
                set_fields(dv, Some(lv), &format!("{path}[{i}]"), out);
            }
        }
        // An explicit null asks for nothing.
        (Value::Null, None | Some(Value::Null)) => {}
        (d, Some(l)) if same_scalar(d, l) => {}
        // An empty map or list the server left out is no change.
        (Value::Object(d), None) if d.is_empty() => {}
        (Value::Array(d), None) if d.is_empty() => {}
        (d, l) => out.push(FieldChange {
            path: path.to_owned(),
            from: l.cloned(),
            to: Some(d.clone()),
        }),
    }
}

fn dropped_fields(
    prev: &Value,
    desired: &Value,
    live: &Value,
    path: &str,
    out: &mut Vec<FieldChange>,
) {
    let (Value::Object(p), Value::Object(d), Value::Object(l)) = (prev, desired, live) else {
        return;
    };
    for (k, pv) in p {
        let Some(lv) = l.get(k) else { continue };
        let sub = join(path, k);
        match d.get(k) {
            None => out.push(FieldChange {
                path: sub,
                from: Some(lv.clone()),
                to: None,
            }),
            Some(dv) => dropped_fields(pv, dv, lv, &sub, out),
        }
    }
}

/// A value for one line of text: JSON, shortened.
pub fn short(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                let head: String = s.chars().take(57).collect();
                format!("{head}...")
            } else {
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_status_are_not_changes() {
        let desired = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "image": "x:1"}]}}}});
        let live = json!({"spec": {"replicas": 1.0, "strategy": {"type": "RollingUpdate"},
            "template": {"spec": {"containers": [{"name": "a", "image": "x:1", "terminationMessagePath": "/dev/termination-log"}]}}},
            "status": {"replicas": 1}});
        assert_eq!(changed_fields(&desired, &live, Some(&desired)), []);
    }

    #[test]
    fn changed_added_and_dropped_fields() {
        let prev = json!({"metadata": {"labels": {"a": "1", "old": "x"}}, "spec": {"replicas": 1}});
        let desired =
            json!({"metadata": {"labels": {"a": "2"}}, "spec": {"replicas": 1, "paused": true}});
        let live = json!({"metadata": {"labels": {"a": "1", "old": "x"}}, "spec": {"replicas": 1}});
        let got = changed_fields(&desired, &live, Some(&prev));
        let paths: Vec<&str> = got.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            ["metadata.labels.a", "spec.paused", "metadata.labels.old"]
        );
        assert_eq!(got[0].from, Some(json!("1")));
        assert_eq!(got[0].to, Some(json!("2")));
        assert_eq!(got[1].from, None);
        assert_eq!(got[2].to, None);
    }

    #[test]
    fn lists_of_other_length_change_as_a_whole() {
        let desired = json!({"args": ["a", "b"]});
        let live = json!({"args": ["a"]});
        let got = changed_fields(&desired, &live, None);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, "args");
        assert_eq!(short(&got[0].to), r#"["a","b"]"#);
    }
}
