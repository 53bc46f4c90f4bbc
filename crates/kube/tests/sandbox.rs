//! The cluster layer against an in-process sandbox: REST mapping (also for a CRD created in
//! the same run), server-side apply under helm's field manager, delete, hook waits, and the
//! same operations with injected faults (503, 429, dropped watches) where nothing may fail,
//! and `--wait`'s watch-based readiness wait.

use std::time::Duration;

use capstan_kube::resources::{Resources, HELM_FIELD_MANAGER};
use capstan_kube::retry::Retry;
use capstan_kube::wait::{wait_hook, HookOutcome};
use capstan_kube::{connect, ConnectOptions};
use capstan_sandbox::faults::FaultPlan;
use capstan_sandbox::{serve, Handle, SandboxConfig};
use kube::api::PropagationPolicy;
use serde_json::{json, Value};

async fn start(test: &str) -> (Handle, Resources) {
    let handle = serve(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let dir = std::env::temp_dir().join(format!("capstan-kube-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let cluster = connect(&ConnectOptions {
        kubeconfig: Some(kc),
        // Our Retry does all retrying here, so its counters see every injected fault.
        disable_client_retry: true,
        ..ConnectOptions::default()
    })
    .await
    .expect("connects");
    (
        handle,
        Resources::with_retry(cluster.client, Retry::default()),
    )
}

fn cm(name: &str, v: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": v}})
}

fn job(name: &str, exit_code: u8) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
        "spec": {"backoffLimit": 0, "template": {
            "metadata": {"annotations": {
                "sandbox.capstan.dev/exit-code": exit_code.to_string(),
                "sandbox.capstan.dev/duration": "200ms"}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}
    })
}

async fn run_hook(res: &Resources, obj: &Value) -> HookOutcome {
    res.apply(obj, "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("hook applied");
    let api = res.api_for(obj, "default").await.expect("api");
    let kind = obj["kind"].as_str().expect("kind");
    let name = obj["metadata"]["name"].as_str().expect("name");
    wait_hook(api, kind, name, Duration::from_secs(60))
        .await
        .expect("hook finishes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_map_delete_and_wait() {
    let (handle, res) = start("basic").await;
    // Warm the discovery cache before the CRD exists.
    let applied = res
        .apply(&cm("a", "1"), "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("apply configmap");
    let mf = applied.metadata.managed_fields.unwrap_or_default();
    assert_eq!(mf.len(), 1);
    assert_eq!(mf[0].manager.as_deref(), Some("helm"));
    assert_eq!(mf[0].operation.as_deref(), Some("Apply"));

    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    });
    res.apply(&crd, "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("apply CRD");
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}});
    res.apply(&widget, "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("a kind from a CRD created in the same run is mapped after a refresh");
    let got = res
        .get(&widget, "default")
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(got.data["spec"]["size"], 3);

    let unknown = json!({"apiVersion": "nope.io/v1", "kind": "Nope", "metadata": {"name": "x"}});
    let err = res
        .apply(&unknown, "default", HELM_FIELD_MANAGER, false)
        .await
        .expect_err("unknown kind");
    assert!(
        err.to_string().contains("resource mapping not found"),
        "{err}"
    );

    assert_eq!(run_hook(&res, &job("ok", 0)).await, HookOutcome::Succeeded);
    match run_hook(&res, &job("bad", 1)).await {
        HookOutcome::Failed(why) => assert!(why.contains("BackoffLimitExceeded"), "{why}"),
        other => panic!("failing job reported {other:?}"),
    }

    assert!(res
        .delete(&cm("a", "1"), "default", PropagationPolicy::Background)
        .await
        .expect("delete"));
    assert!(!res
        .delete(&cm("a", "1"), "default", PropagationPolicy::Background)
        .await
        .expect("second delete is a no-op"));
    // Foreground deletion of a Job: its pods go first, then the Job; wait for it to vanish.
    let api = res.api_for(&job("ok", 0), "default").await.expect("api");
    assert!(res
        .delete(&job("ok", 0), "default", PropagationPolicy::Foreground)
        .await
        .expect("delete job"));
    capstan_kube::wait::wait_deleted(api, "ok", Duration::from_secs(30))
        .await
        .expect("job is gone");
    assert!(res
        .get(&job("ok", 0), "default")
        .await
        .expect("get")
        .is_none());
    assert!(res
        .get(&cm("a", "1"), "default")
        .await
        .expect("get")
        .is_none());
    let (_, _, failed) = res.retry().stats.snapshot();
    // The only failed call is the second delete's 404 (reported as "already gone").
    assert_eq!(failed, 1);
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_succeeds_under_injected_faults() {
    let (handle, res) = start("faults").await;
    let plan: FaultPlan = serde_json::from_value(json!({
        "seed": 7,
        "rules": [
            {"errorRate": 0.05, "errorCode": 503},
            {"errorRate": 0.05, "errorCode": 429, "retryAfterSeconds": 0},
            {"verb": "watch", "watchCutAfter": 1}
        ]
    }))
    .expect("fault plan");
    handle.set_faults(plan);
    for i in 0..60 {
        let name = format!("cm-{i}");
        res.apply(&cm(&name, "1"), "default", HELM_FIELD_MANAGER, false)
            .await
            .expect("apply under faults");
        res.apply(&cm(&name, "2"), "default", HELM_FIELD_MANAGER, false)
            .await
            .expect("re-apply under faults");
        let got = res
            .get(&cm(&name, "2"), "default")
            .await
            .expect("get under faults")
            .expect("exists");
        assert_eq!(got.data["data"]["k"], "2");
    }
    for i in 0..3 {
        assert_eq!(
            run_hook(&res, &job(&format!("hook-{i}"), 0)).await,
            HookOutcome::Succeeded
        );
    }
    for i in 0..60 {
        res.delete(
            &cm(&format!("cm-{i}"), "1"),
            "default",
            PropagationPolicy::Background,
        )
        .await
        .expect("delete under faults");
    }
    let (attempted, retried, failed) = res.retry().stats.snapshot();
    let injected = handle
        .audit()
        .iter()
        .filter(|r| r.code == 503 || r.code == 429)
        .count();
    eprintln!(
        "fault run: attempted={attempted} retried={retried} failed={failed} injected={injected}"
    );
    assert!(attempted >= 240, "attempted {attempted}");
    assert!(
        retried > 0,
        "faults were injected, so something was retried"
    );
    assert_eq!(failed, 0);
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_logs_and_events() {
    use capstan_kube::observe::{capabilities, events_for, follow_pod_logs, pod_logs};
    let (handle, res) = start("observe").await;
    let caps = capabilities(&res).await.expect("capabilities");
    assert_eq!(caps.kube_version, "v1.37.0");
    for want in [
        "v1",
        "apps/v1",
        "apps/v1/Deployment",
        "batch/v1/Job",
        "v1/ConfigMap",
    ] {
        assert!(
            caps.api_versions.iter().any(|v| v == want),
            "{want} in {:?}",
            caps.api_versions
        );
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "logger", "annotations": {
            "sandbox.capstan.dev/logs": "one\ntwo\nthree",
            "sandbox.capstan.dev/duration": "100ms"}},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}});
    assert_eq!(run_hook(&res, &pod).await, HookOutcome::Succeeded);
    let client = res.client().clone();
    let all = pod_logs(client.clone(), "default", "logger", Some("c"), None)
        .await
        .expect("logs");
    assert_eq!(all, ["one", "two", "three"]);
    let last = pod_logs(client.clone(), "default", "logger", None, Some(1))
        .await
        .expect("tail");
    assert_eq!(last, ["three"]);
    let mut followed = Vec::new();
    follow_pod_logs(client.clone(), "default", "logger", None, |l| {
        followed.push(l)
    })
    .await
    .expect("follow");
    assert_eq!(followed, ["one", "two", "three"]);
    let events = events_for(client, "default", "Pod", "logger")
        .await
        .expect("events");
    assert!(events.iter().any(|e| e.contains("Scheduled")), "{events:?}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployment_becomes_ready_through_the_cluster_trait() {
    use capstan_kube::cluster::Cluster;
    use capstan_kube::ready::Readiness;
    let (handle, res) = start("ready").await;
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    Cluster::apply(&res, &dep, "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("apply");
    let first = res
        .readiness(&dep, "default", false)
        .await
        .expect("readiness");
    assert!(matches!(first, Readiness::InProgress(_)), "{first:?}");
    let mut last = first;
    // Pods start after the sandbox's 500ms delay; poll until the rollout is judged current.
    for _ in 0..200 {
        last = res
            .readiness(&dep, "default", false)
            .await
            .expect("readiness");
        if last == Readiness::Current {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(last, Readiness::Current);
    let live = Cluster::get(&res, &dep, "default")
        .await
        .expect("get")
        .expect("live");
    assert_eq!(live["status"]["readyReplicas"], 2);
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_like_helm() {
    use capstan_kube::lookup::lookup;
    let (handle, res) = start("lookup").await;
    res.apply(&cm("x", "1"), "default", HELM_FIELD_MANAGER, false)
        .await
        .expect("apply");
    let one = lookup(&res, "v1", "ConfigMap", "default", "x")
        .await
        .expect("lookup");
    assert_eq!(one["data"]["k"], "1");
    assert_eq!(one["kind"], "ConfigMap");
    let missing = lookup(&res, "v1", "ConfigMap", "default", "nope")
        .await
        .expect("lookup");
    assert_eq!(missing, json!({}));
    let err = lookup(&res, "nope.io/v1", "Nope", "default", "x")
        .await
        .expect_err("an unserved group is an error, as in helm");
    assert_eq!(
        err.to_string(),
        "unable to get apiresource from unstructured: nope.io/v1, Kind=Nope: the server could not find the requested resource"
    );
    // A kind its (served) group does not list is no error: helm asks `/api/x`, a 404.
    let unlisted = lookup(&res, "v1", "Nope", "default", "x")
        .await
        .expect("lookup");
    assert_eq!(unlisted, json!({}));
    let list = lookup(&res, "v1", "ConfigMap", "", "").await.expect("list");
    assert_eq!(list["kind"], "ConfigMapList");
    assert_eq!(list["apiVersion"], "v1");
    for item in list["items"].as_array().expect("items") {
        // client-go gives each item the list's apiVersion and kind.
        assert_eq!(
            (&item["apiVersion"], &item["kind"]),
            (&json!("v1"), &json!("ConfigMap"))
        );
    }
    let names: Vec<_> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["metadata"]["name"].as_str())
        .collect();
    assert!(names.contains(&"x"), "{names:?}");
    let ns = lookup(&res, "v1", "Namespace", "", "default")
        .await
        .expect("namespace");
    assert_eq!(ns["metadata"]["name"], "default");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_ready_watches_until_current_or_failed() {
    use capstan_kube::cluster::Cluster;
    use capstan_kube::ready::Readiness;
    let (handle, res) = start("wait-ready").await;
    // Every watch is cut after one event: the watchers must re-list and still see the end.
    let plan: FaultPlan = serde_json::from_value(json!({
        "seed": 3,
        "rules": [{"verb": "watch", "watchCutAfter": 1}]
    }))
    .expect("fault plan");
    handle.set_faults(plan);
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    let bad = job("bad", 1);
    for obj in [&dep, &bad] {
        Cluster::apply(&res, obj, "default", HELM_FIELD_MANAGER, false)
            .await
            .expect("apply");
    }
    let ready = std::sync::Mutex::new(Vec::new());
    let on_ready = |i: usize| ready.lock().expect("lock").push(i);
    let report = res
        .wait_ready(
            &[dep.clone(), bad.clone()],
            "default",
            true,
            Duration::from_secs(60),
            &on_ready,
        )
        .await
        .expect("wait");
    assert!(!report.timed_out, "{report:?}");
    assert_eq!(report.states[0], Readiness::Current);
    assert_eq!(
        report.states[1],
        Readiness::Failed("Job Failed. failed: 1/1".into())
    );
    assert_eq!(*ready.lock().expect("lock"), [0]);
    let watches = handle
        .audit()
        .iter()
        .filter(|r| r.verb == "watch" && r.resource == "deployments")
        .count();
    assert!(watches > 0, "the Deployment was watched");
    // An object that never appears: in progress until the timeout.
    let report = res
        .wait_ready(
            &[cm("ghost", "1")],
            "default",
            false,
            Duration::from_millis(800),
            &|_| {},
        )
        .await
        .expect("wait");
    assert!(report.timed_out);
    assert_eq!(report.states, [Readiness::InProgress("not found".into())]);
    handle.shutdown().await;
}
