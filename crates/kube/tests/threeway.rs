//! Helm 3's three-way merge, against real helm 3.17.3 on the sandbox: the same release is
//! installed by helm 3 in two namespaces, another actor edits both live objects the same
//! way, then helm 3 upgrades one and capstan's `update_three_way` the other; the live
//! objects must end up the same (the chart's changes applied, the other actor's fields kept,
//! fields the chart dropped removed).

use std::path::{Path, PathBuf};

use capstan_kube::resources::Resources;
use capstan_kube::threeway::Updated;
use capstan_kube::{connect, ConnectOptions};
use capstan_sandbox::{serve, SandboxConfig};
use kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::{json, Value};

fn helm3() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm-3");
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        p.display()
    );
    p
}

fn deployment(image: &str, labels: Value, env: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": labels},
        "spec": {"replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": image, "env": env}]}}}})
}

fn config_map(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf"}, "data": data})
}

fn with_finalizers(mut obj: Value, f: Value) -> Value {
    obj["metadata"]["finalizers"] = f;
    obj
}

fn service(ports: Value, annotations: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "annotations": annotations},
        "spec": {"selector": {"app": "web"}, "ports": ports}})
}

fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})
}

const CRD: &str = r#"{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
 "metadata": {"name": "widgets.example.com"},
 "spec": {"group": "example.com", "scope": "Namespaced",
  "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
  "versions": [{"name": "v1", "served": true, "storage": true,
   "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}"#;

/// Chart revision 1 and 2 objects (templates are JSON, which is YAML too).
fn objects(rev: u8) -> Vec<Value> {
    if rev == 1 {
        vec![
            deployment(
                "app:1",
                json!({"app": "web", "old": "yes"}),
                json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]),
            ),
            with_finalizers(
                config_map(json!({"a": "1", "b": "2"})),
                json!(["example.com/a", "example.com/b"]),
            ),
            service(
                json!([{"name": "http", "port": 80, "targetPort": 8080},
                       {"name": "metrics", "port": 9090, "targetPort": 9090}]),
                json!({"keep": "1"}),
            ),
            widget(json!({"size": 1, "tags": ["a", "b"], "extra": {"x": 1}})),
        ]
    } else {
        vec![
            deployment(
                "app:2",
                json!({"app": "web"}),
                json!([{"name": "A", "value": "10"}]),
            ),
            with_finalizers(
                config_map(json!({"a": "1", "c": "3"})),
                json!(["example.com/a", "example.com/c"]),
            ),
            service(
                json!([{"name": "http", "port": 80, "targetPort": 8081}]),
                json!({"keep": "1", "new": "2"}),
            ),
            widget(json!({"size": 2, "tags": ["c"]})),
        ]
    }
}

fn write_chart(dir: &Path, rev: u8) -> String {
    let c = dir.join(format!("chart{rev}"));
    std::fs::create_dir_all(c.join("templates")).expect("chart dir");
    std::fs::write(
        c.join("Chart.yaml"),
        format!("apiVersion: v2\nname: tw\nversion: 0.{rev}.0\n"),
    )
    .expect("Chart.yaml");
    std::fs::create_dir_all(c.join("crds")).expect("crds dir");
    std::fs::write(c.join("crds/widgets.yaml"), CRD).expect("crd");
    for (i, o) in objects(rev).iter().enumerate() {
        std::fs::write(c.join(format!("templates/o{i}.yaml")), o.to_string()).expect("template");
    }
    c.display().to_string()
}

fn helm(kc: &Path, args: &[&str]) {
    let home = kc.parent().expect("dir").join("home");
    let out = std::process::Command::new(helm3())
        .args(args)
        .arg("--kubeconfig")
        .arg(kc)
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("KUBECONFIG")
        .env_remove("HELM_DRIVER")
        .output()
        .expect("helm-3 runs");
    assert!(
        out.status.success(),
        "helm-3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The parts of a live object that updates decide (no server bookkeeping).
fn essence(o: &DynamicObject) -> Value {
    let v = serde_json::to_value(o).expect("json");
    json!({
        "labels": v["metadata"]["labels"],
        "annotations": v["metadata"]["annotations"].as_object().map(|m| {
            m.iter().filter(|(k, _)| !k.starts_with("meta.helm.sh/")).map(|(k, v)| (k.clone(), v.clone())).collect::<serde_json::Map<_, _>>()
        }),
        // Allocated by the server, differently in each namespace.
        "spec": v["spec"].as_object().map(|m| {
            m.iter().filter(|(k, _)| !k.starts_with("clusterIP")).map(|(k, v)| (k.clone(), v.clone())).collect::<serde_json::Map<_, _>>()
        }),
        "data": v["data"],
        "finalizers": v["metadata"]["finalizers"],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_three_way_matches_helm3_upgrade() {
    let handle = serve(SandboxConfig::default()).await.expect("sandbox");
    let dir = std::env::temp_dir().join(format!("capstan-kube-threeway-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let (c1, c2) = (write_chart(&dir, 1), write_chart(&dir, 2));
    for ns in ["by-helm", "by-capstan"] {
        let (kc, c1) = (kc.clone(), c1.clone());
        tokio::task::spawn_blocking(move || {
            helm(&kc, &["install", "r", &c1, "-n", ns, "--create-namespace"])
        })
        .await
        .expect("helm task");
    }
    let client = connect(&ConnectOptions {
        kubeconfig: Some(kc.clone()),
        ..ConnectOptions::default()
    })
    .await
    .expect("connect")
    .client;
    let res = Resources::new(client);

    // Another actor: a label, an annotation, a sidecar and a data key, on both copies.
    let foreign_deploy = json!({"metadata": {"labels": {"team": "ops"}, "annotations": {"note": "x"}},
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "side:1"}]}}}});
    let foreign_cm =
        json!({"data": {"extra": "kept"}, "metadata": {"finalizers": ["example.com/f"]}});
    let foreign_svc = json!({"metadata": {"labels": {"team": "ops"}}});
    let foreign_widget = json!({"spec": {"foreign": "kept"}});
    for ns in ["by-helm", "by-capstan"] {
        let pp = PatchParams {
            field_manager: Some("someone-else".into()),
            ..PatchParams::default()
        };
        let old = objects(1);
        for (obj, patch) in [
            (&old[0], &foreign_deploy),
            (&old[1], &foreign_cm),
            (&old[2], &foreign_svc),
            (&old[3], &foreign_widget),
        ] {
            let api = res.api_for(obj, ns).await.expect("api");
            let name = obj["metadata"]["name"].as_str().expect("name");
            let patch = if obj["kind"] == "Widget" {
                Patch::Merge(patch)
            } else {
                Patch::Strategic(patch)
            };
            api.patch(name, &pp, &patch).await.expect("foreign edit");
        }
    }

    let kc2 = kc.clone();
    tokio::task::spawn_blocking(move || helm(&kc2, &["upgrade", "r", &c2, "-n", "by-helm"]))
        .await
        .expect("helm task");
    let (old, new) = (objects(1), objects(2));
    for (o, t) in old.iter().zip(&new) {
        match res
            .update_three_way(Some(o), t, "by-capstan", "helm")
            .await
            .expect("three-way update")
        {
            Updated::Patched(_) => {}
            other => panic!("expected a patch, got {other:?}"),
        }
    }

    for obj in &new {
        let by_helm = res.get(obj, "by-helm").await.expect("get").expect("exists");
        let by_us = res
            .get(obj, "by-capstan")
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(essence(&by_us), essence(&by_helm), "{}", obj["kind"]);
    }
    // The result has the chart's changes and keeps the other actor's fields.
    let d = res
        .get(&new[0], "by-capstan")
        .await
        .expect("get")
        .expect("exists");
    let d = essence(&d);
    assert_eq!(
        d["labels"],
        json!({"app": "web", "app.kubernetes.io/managed-by": "Helm", "team": "ops"})
    );
    let containers = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers");
    assert_eq!(containers.len(), 2, "{containers:?}");
    assert_eq!(containers[0]["image"], "app:2");
    assert_eq!(containers[0]["env"], json!([{"name": "A", "value": "10"}]));
    let cm = res
        .get(&new[1], "by-capstan")
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(
        essence(&cm)["data"],
        json!({"a": "1", "c": "3", "extra": "kept"})
    );
    let mut fins: Vec<_> = essence(&cm)["finalizers"]
        .as_array()
        .expect("finalizers")
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_owned())
        .collect();
    fins.sort();
    assert_eq!(fins, ["example.com/a", "example.com/c", "example.com/f"]);
    let w = res
        .get(&new[3], "by-capstan")
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(
        essence(&w)["spec"],
        json!({"size": 2, "tags": ["c"], "foreign": "kept"})
    );

    // A second run has nothing to change; an object missing from the cluster is created.
    assert!(matches!(
        res.update_three_way(Some(&new[1]), &new[1], "by-capstan", "helm")
            .await
            .expect("update"),
        Updated::Unchanged
    ));
    let extra = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fresh"}, "data": {"x": "1"}});
    assert!(matches!(
        res.update_three_way(None, &extra, "by-capstan", "helm")
            .await
            .expect("create"),
        Updated::Created(_)
    ));
    handle.shutdown().await;
}

/// `create` and `replace` (helm's `--force` update): a replace that meets 409s (injected) is
/// re-read and resent until it lands; the object is then exactly the new manifest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_and_replace_through_conflicts() {
    let handle = serve(SandboxConfig::default()).await.expect("sandbox");
    let dir = std::env::temp_dir().join(format!("capstan-kube-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let client = connect(&ConnectOptions {
        kubeconfig: Some(kc),
        disable_client_retry: true,
        ..ConnectOptions::default()
    })
    .await
    .expect("connect")
    .client;
    let res = Resources::new(client);
    let v1 = config_map(json!({"a": "1", "b": "2"}));
    res.create(&v1, "default", "helm").await.expect("create");
    match res.create(&v1, "default", "helm").await {
        Err(capstan_kube::resources::ResourceError::Kube(kube::Error::Api(s))) => {
            assert_eq!(s.code, 409)
        }
        other => panic!("a second create is a conflict, got {other:?}"),
    }
    let plan: capstan_sandbox::faults::FaultPlan = serde_json::from_value(json!({
        "seed": 5,
        "rules": [{"verb": "update", "resource": "configmaps", "errorRate": 0.5, "errorCode": 409}]
    }))
    .expect("plan");
    let (_, _, failed_before) = res.retry().stats.snapshot();
    assert_eq!(failed_before, 1, "the refused create counts as failed");
    handle.set_faults(plan);
    for i in 0..6 {
        let next = config_map(json!({"c": i.to_string()}));
        let got = res
            .replace(&next, "default", "helm")
            .await
            .expect("replace through conflicts");
        let got = serde_json::to_value(&got).expect("json");
        assert_eq!(got["data"], json!({"c": i.to_string()}));
    }
    handle.set_faults(capstan_sandbox::faults::FaultPlan::default());
    let (_, retried, failed) = res.retry().stats.snapshot();
    assert!(retried > 0, "conflicts were met and resent");
    assert_eq!(failed, failed_before, "no replace failed");
    handle.shutdown().await;
}
