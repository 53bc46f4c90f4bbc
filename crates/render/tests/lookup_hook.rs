//! The `lookup` function with and without a cluster behind it (`EngineOptions::lookup`):
//! the callback's arguments, client-go's number types, the error chain a failed lookup
//! produces, and the empty map of `template` and lint mode.

use std::sync::{Arc, Mutex};

use capstan_gotmpl::{Templates, Value};
use capstan_render::engine::{EngineOptions, LookupFn};
use capstan_render::functions::helm_functions;
use serde_json::json;

fn run(opts: EngineOptions, text: &str) -> Result<String, String> {
    let mut set = Templates::new("t");
    set.funcs(helm_functions(opts));
    set.parse("t", text).map_err(|e| e.to_string())?;
    set.execute("t", &Value::Nil).map_err(|e| e.to_string())
}

/// A fake cluster holding one Deployment, a Namespace, a ConfigMap list; anything else is
/// absent, and kind `Broken` fails as an unserved group does.
fn cluster(calls: Arc<Mutex<Vec<String>>>) -> LookupFn {
    Arc::new(move |api, kind, ns, name| {
        calls
            .lock()
            .unwrap()
            .push(format!("{api} {kind} {ns:?} {name:?}"));
        match (kind, name) {
            ("Broken", _) => Err(format!(
                "unable to get apiresource from unstructured: {api}, Kind={kind}: the server could not find the requested resource"
            )),
            ("Deployment", "d") => Ok(json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "d", "generation": 2},
                "spec": {"replicas": 3, "ratio": 0.5, "big": 18446744073709551615u64, "paused": false, "x": null},
            })),
            ("ConfigMap", "") => Ok(json!({
                "apiVersion": "v1", "kind": "ConfigMapList", "metadata": {"resourceVersion": "7"},
                "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}],
            })),
            _ => Ok(json!({})),
        }
    })
}

#[test]
fn lookup_reads_the_cluster_with_client_go_types() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let opts = EngineOptions {
        lookup: Some(cluster(calls.clone())),
        ..EngineOptions::default()
    };
    let out = run(
        opts,
        r#"{{ $d := lookup "apps/v1" "Deployment" "ns" "d" }}{{ typeOf $d }}|{{ typeOf $d.spec.replicas }}={{ $d.spec.replicas }}|{{ typeOf $d.spec.ratio }}|{{ typeOf $d.spec.big }}|{{ typeOf $d.metadata.generation }}|{{ $d.spec.paused }}|{{ typeOf $d.spec.x }}|{{ lookup "v1" "ConfigMap" "ns" "gone" | toJson }}|{{ $l := lookup "v1" "ConfigMap" "" "" }}{{ $l.kind }} {{ len $l.items }} {{ (index $l.items 0).metadata.name }} {{ typeOf $l.items }}"#,
    )
    .expect("render");
    assert_eq!(
        out,
        "map[string]interface {}|int64=3|float64|float64|int64|false|<nil>|{}|ConfigMapList 1 a []interface {}"
    );
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            r#"apps/v1 Deployment "ns" "d""#,
            r#"v1 ConfigMap "ns" "gone""#,
            r#"v1 ConfigMap "" """#,
        ]
    );
}

#[test]
fn a_failed_lookup_fails_the_template_with_its_text() {
    let opts = EngineOptions {
        lookup: Some(cluster(Arc::new(Mutex::new(Vec::new())))),
        ..EngineOptions::default()
    };
    let err = run(opts, r#"x {{ lookup "foo.io/v1" "Broken" "default" "x" }}"#)
        .expect_err("an unserved group fails");
    assert_eq!(
        err,
        r#"template: t:1:5: executing "t" at <lookup "foo.io/v1" "Broken" "default" "x">: error calling lookup: unable to get apiresource from unstructured: foo.io/v1, Kind=Broken: the server could not find the requested resource"#
    );
}

#[test]
fn without_a_cluster_or_in_lint_mode_lookup_is_empty() {
    let text = r#"{{ lookup "apps/v1" "Deployment" "ns" "d" | toJson }} {{ typeOf (lookup "v1" "ConfigMap" "" "") }}"#;
    assert_eq!(
        run(EngineOptions::default(), text).expect("render"),
        "{} map[string]interface {}"
    );
    let calls = Arc::new(Mutex::new(Vec::new()));
    let lint = EngineOptions {
        lint_mode: true,
        lookup: Some(cluster(calls.clone())),
        ..EngineOptions::default()
    };
    assert_eq!(
        run(lint, text).expect("render"),
        "{} map[string]interface {}"
    );
    assert!(
        calls.lock().unwrap().is_empty(),
        "helm's lint never asks the cluster"
    );
}
