//! Fault injection, the audit log, and local exec mode.

use capstan_sandbox::{serve, ExecMode, FaultPlan, FaultRule, Handle, SandboxConfig};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::api::{Api, ListParams, LogParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;
use std::time::{Duration, Instant};

async fn start(cfg: SandboxConfig) -> (Handle, Client) {
    let h = serve(cfg).await.expect("sandbox");
    let kc = Kubeconfig::from_yaml(&h.kubeconfig()).expect("kubeconfig");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    (h, Client::try_from(config).expect("client"))
}

fn cm(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": "v"}})).expect("cm")
}

fn code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// A plain HTTP/1.1 GET, returning the whole response text.
async fn raw_get(h: &Handle, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(h.addr())
        .await
        .expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_errors_latency_and_cut_watches() {
    let (h, client) = start(SandboxConfig::default()).await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    api.create(&PostParams::default(), &cm("a"))
        .await
        .expect("create");
    // kube-rs retries 429/503 itself, so 429 and Retry-After are checked on the raw wire.
    h.set_faults(FaultPlan {
        seed: 3,
        rules: vec![FaultRule {
            verb: Some("get".into()),
            resource: Some("configmaps".into()),
            error_rate: 1.0,
            error_code: 429,
            retry_after_seconds: Some(2),
            ..Default::default()
        }],
    });
    let raw = raw_get(&h, "/api/v1/namespaces/default/configmaps/a").await;
    assert!(raw.starts_with("HTTP/1.1 429"), "{raw}");
    assert!(raw.to_ascii_lowercase().contains("retry-after: 2"), "{raw}");
    assert!(raw.contains("\"reason\":\"TooManyRequests\""), "{raw}");
    h.set_faults(FaultPlan {
        seed: 3,
        rules: vec![FaultRule {
            verb: Some("get".into()),
            resource: Some("configmaps".into()),
            error_rate: 1.0,
            error_code: 500,
            ..Default::default()
        }],
    });
    let e = api.get("a").await.unwrap_err();
    assert_eq!(code(&e), Some(500));
    // Other verbs and resources are untouched.
    assert!(api.list(&ListParams::default()).await.is_ok());
    h.set_faults(FaultPlan {
        seed: 3,
        rules: vec![
            FaultRule {
                verb: Some("list".into()),
                latency_ms: 300,
                ..Default::default()
            },
            FaultRule {
                verb: Some("watch".into()),
                watch_cut_after: Some(2),
                ..Default::default()
            },
        ],
    });
    assert!(api.get("a").await.is_ok());
    let t = Instant::now();
    api.list(&ListParams::default()).await.expect("list");
    assert!(t.elapsed() >= Duration::from_millis(300));
    for n in ["b", "c", "d"] {
        api.create(&PostParams::default(), &cm(n))
            .await
            .expect("create");
    }
    // From "0" the watch would replay 4 ADDED events; it is cut after 2.
    let events: Vec<_> = api
        .watch(&WatchParams::default().timeout(5), "0")
        .await
        .expect("watch")
        .try_collect()
        .await
        .expect("events");
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| matches!(e, WatchEvent::Added(_))));
    h.set_faults(FaultPlan {
        seed: 9,
        rules: vec![FaultRule {
            verb: Some("get".into()),
            reset_rate: 1.0,
            ..Default::default()
        }],
    });
    let e = api.get("a").await.unwrap_err();
    assert_eq!(
        code(&e),
        None,
        "a reset is a transport error, not a Status: {e}"
    );
    h.set_faults(FaultPlan::default());
    assert!(api.get("a").await.is_ok());
    let audit = h.audit();
    assert!(audit.iter().any(|r| r.verb == "get" && r.code == 429));
    assert!(audit.iter().any(|r| r.verb == "get" && r.code == 500));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_records_order_and_managers() {
    let dir = std::env::temp_dir().join(format!("capstan-sandbox-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = SandboxConfig {
        state_dir: Some(dir.clone()),
        ..SandboxConfig::default()
    };
    let (h, client) = start(cfg).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    api.create(
        &PostParams {
            field_manager: Some("first".into()),
            ..Default::default()
        },
        &cm("one"),
    )
    .await
    .expect("create");
    api.get("one").await.expect("get");
    let _ = api.get("missing").await;
    let recs: Vec<_> = h
        .audit()
        .into_iter()
        .filter(|r| r.resource == "configmaps")
        .collect();
    let summary: Vec<(String, String, u16)> = recs
        .iter()
        .map(|r| (r.verb.clone(), r.name.clone(), r.code))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("create".into(), "one".into(), 201),
            ("get".into(), "one".into(), 200),
            ("get".into(), "missing".into(), 404)
        ]
    );
    assert_eq!(recs[0].field_manager, "first");
    let text = std::fs::read_to_string(dir.join("audit.jsonl")).expect("audit file");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["verb"] == "create" && l["name"] == "one" && l["namespace"] == "default"));
    h.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_exec_runs_commands_with_env() {
    let dir = std::env::temp_dir().join(format!("capstan-sandbox-exec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = SandboxConfig {
        exec: ExecMode::Local,
        state_dir: Some(dir.clone()),
        pod_start_delay: Duration::from_millis(50),
        ..SandboxConfig::default()
    };
    let (h, client) = start(cfg).await;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "default");
    secrets
        .create(
            &PostParams::default(),
            &serde_json::from_value(
                json!({"metadata": {"name": "s"}, "stringData": {"pw": "hunter2"}}),
            )
            .expect("secret"),
        )
        .await
        .expect("secret");
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let pod: Pod = serde_json::from_value(json!({"metadata": {"name": "p", "labels": {"app": "x"}}, "spec": {"restartPolicy": "Never",
        "initContainers": [{"name": "init", "image": "ignored", "command": ["sh", "-c", "echo prepared > /dev/null; echo init-ran"]}],
        "containers": [{"name": "c", "image": "ignored", "command": ["sh", "-c"],
            "args": ["echo \"$PW $ME $APP\"; pwd; exit 3"],
            "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "s", "key": "pw"}}},
                    {"name": "ME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}}]}]}})).expect("pod");
    pods.create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
    let done = kube::runtime::wait::await_condition(pods.clone(), "p", |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.as_deref())
            .is_some_and(|ph| ph == "Failed" || ph == "Succeeded")
    });
    tokio::time::timeout(Duration::from_secs(20), done)
        .await
        .expect("pod finishes")
        .expect("watch");
    let p = pods.get("p").await.expect("get");
    let st = p.status.expect("status");
    assert_eq!(st.phase.as_deref(), Some("Failed"));
    let term = st.container_statuses.expect("statuses")[0]
        .state
        .clone()
        .and_then(|s| s.terminated)
        .expect("terminated");
    assert_eq!(term.exit_code, 3);
    let log = pods
        .logs(
            "p",
            &LogParams {
                container: Some("c".into()),
                ..Default::default()
            },
        )
        .await
        .expect("logs");
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some("hunter2 p x"));
    assert!(
        lines
            .next()
            .is_some_and(|l| l.ends_with("pods/default/p/c")),
        "{log}"
    );
    let init_log = pods
        .logs(
            "p",
            &LogParams {
                container: Some("init".into()),
                ..Default::default()
            },
        )
        .await
        .expect("init logs");
    assert_eq!(init_log, "init-ran\n");
    // Follow on a finished container returns the whole log and ends.
    let follow = pods
        .log_stream(
            "p",
            &LogParams {
                follow: true,
                ..Default::default()
            },
        )
        .await
        .expect("stream");
    let n = futures::io::AsyncBufReadExt::lines(follow).count().await;
    assert_eq!(n, 2);
    h.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
