//! The lifecycle through the real kube-rs cluster layer and the Secrets driver, against the
//! in-process sandbox over HTTP: install → upgrade → failing upgrade → rollback → test →
//! uninstall of a small chart with hooks, checking the stored records and the objects left.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use capstan_kube::resources::Resources;
use capstan_kube::{connect, ConnectOptions};
use capstan_lifecycle::*;
use capstan_sandbox::{serve, SandboxConfig};
use capstan_storage::{SecretsDriver, Storage};
use serde_json::json;

fn job(name: &str, events: &str, weight: i64, policy: &str, exit: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {events}\n    helm.sh/hook-weight: \"{weight}\"\n    helm.sh/hook-delete-policy: {policy}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sandbox.capstan.dev/exit-code: \"{exit}\"\n        sandbox.capstan.dev/duration: 100ms\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n"
    )
}

fn chart(dir: &std::path::Path, version: &str, migrate_exit: &str, extra_cm: bool) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("templates")).expect("dir");
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: demo\nversion: {version}\n"),
    )
    .expect("Chart.yaml");
    let mut cms = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  rev: \"{{ .Release.Revision }}\"\n".to_string();
    if extra_cm {
        cms.push_str(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n",
        );
    }
    std::fs::write(dir.join("templates/cm.yaml"), cms).expect("cm");
    let hooks = [
        job(
            "migrate",
            "pre-install,pre-upgrade",
            0,
            "before-hook-creation,hook-succeeded",
            migrate_exit,
        )
        .replace(
            "    helm.sh/hook-delete-policy",
            "    helm.sh/hook-output-log-policy: hook-failed\n    helm.sh/hook-delete-policy",
        )
        .replace(
            "        sandbox.capstan.dev/duration: 100ms\n",
            "        sandbox.capstan.dev/duration: 100ms\n        sandbox.capstan.dev/logs: \"migrating\\nboom\"\n",
        ),
        job(
            "notify",
            "post-install,post-upgrade,post-rollback",
            1,
            "before-hook-creation",
            "0",
        ),
        job("smoke", "test", 0, "before-hook-creation", "0"),
        job("slow", "post-install", 5, "before-hook-creation", "0")
            .replace("sandbox.capstan.dev/duration: 100ms", "sandbox.capstan.dev/duration: 2500ms"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: \"1\"\n    helm.sh/hook-delete-policy: hook-succeeded\n    sandbox.capstan.dev/exit-code: \"0\"\n    sandbox.capstan.dev/logs: |\n      probe ok\n      all good\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n".to_string(),
    ]
    .join("---\n");
    std::fs::write(dir.join("templates/hooks.yaml"), hooks).expect("hooks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_against_the_sandbox() {
    let handle = serve(SandboxConfig {
        pod_start_delay: Duration::from_millis(100),
        pod_run_duration: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let dir = std::env::temp_dir().join(format!("capstan-lifecycle-sbx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let conn = connect(&ConnectOptions {
        kubeconfig: Some(kc),
        ..ConnectOptions::default()
    })
    .await
    .expect("connects");
    let cluster = Resources::new(conn.client.clone());
    let storage = Storage::new(SecretsDriver::new(conn.client.clone(), "default"));
    let locks = Locks::Lease {
        client: conn.client.clone(),
        holder: "test".into(),
        duration: Duration::from_secs(60),
    };
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let ev = events.clone();
    let sink = move |e: Event| ev.lock().unwrap().push(e);
    let env = Env {
        cluster: &cluster,
        storage: &storage,
        locks: &locks,
        events: &sink,
    };
    let cdir = dir.join("chart");
    let load =
        |p: &std::path::Path| capstan_chart::load(p.to_str().expect("utf-8")).expect("loads");
    let common = CommonOptions {
        timeout: Duration::from_secs(30),
        ..CommonOptions::default()
    };

    chart(&cdir, "0.1.0", "0", true);
    let io = InstallOptions {
        name: "demo".into(),
        namespace: "default".into(),
        common: common.clone(),
        ..InstallOptions::default()
    };
    let rel = install(&env, load(&cdir), &capstan_chart::Values::new(), &io)
        .await
        .expect("install");
    assert_eq!(rel.status_str(), "deployed");
    // A hook running for a while is reported live with its Job and pod state.
    let running: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::HookRunning { name, state, .. } if name == "slow" => Some(state.clone()),
            _ => None,
        })
        .collect();
    assert!(
        running
            .iter()
            .any(|s| s.contains(" pod slow-") && s.contains("restarts=0")),
        "{running:?}"
    );
    let probe =
        |name: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
    let app = cluster
        .get(&probe("app"), "default")
        .await
        .expect("get")
        .expect("app exists");
    assert_eq!(app.data["data"]["rev"], "1");
    assert_eq!(
        app.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("app.kubernetes.io/managed-by"))
            .map(String::as_str),
        Some("Helm")
    );
    let migrate = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"}});
    assert!(
        cluster
            .get(&migrate, "default")
            .await
            .expect("get")
            .is_none(),
        "hook-succeeded deleted it"
    );

    let uo = UpgradeOptions {
        name: "demo".into(),
        namespace: "default".into(),
        common: common.clone(),
        ..UpgradeOptions::default()
    };
    chart(&cdir, "0.2.0", "0", false);
    let rel = upgrade(&env, load(&cdir), &capstan_chart::Values::new(), &uo)
        .await
        .expect("upgrade");
    assert_eq!((rel.version, rel.status_str()), (2, "deployed"));
    assert!(
        cluster
            .get(&probe("extra"), "default")
            .await
            .expect("get")
            .is_none(),
        "removed object deleted"
    );

    chart(&cdir, "0.3.0", "1", false);
    let err = upgrade(&env, load(&cdir), &capstan_chart::Values::new(), &uo)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pre-upgrade hooks failed: resource Job/default/migrate not ready. status: Failed, message: Job Failed. failed: 1/1"
    );
    assert!(
        cluster
            .get(&migrate, "default")
            .await
            .expect("get")
            .is_some(),
        "failed hook kept (no hook-failed)"
    );
    let diag = events.lock().unwrap().iter().find_map(|e| match e {
        Event::HookFailed { diagnostics, .. } => Some(diagnostics.clone()),
        _ => None,
    });
    let diag = diag.expect("failure reported as an event");
    assert!(
        diag.iter()
            .any(|l| l.starts_with("reason: BackoffLimitExceeded")),
        "the Job's reason is shown: {diag:?}"
    );
    // hook-output-log-policy: hook-failed copies the failed Job's pod logs.
    let hook_logs: Vec<Vec<String>> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::HookLogs { name, lines, .. } if name == "migrate" => Some(lines.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        hook_logs,
        [vec!["migrating".to_string(), "boom".to_string()]]
    );

    let ro = RollbackOptions {
        name: "demo".into(),
        namespace: "default".into(),
        revision: 1,
        common: common.clone(),
        ..RollbackOptions::default()
    };
    let rel = rollback(&env, &ro).await.expect("rollback");
    assert_eq!((rel.version, rel.status_str()), (4, "deployed"));
    let app = cluster
        .get(&probe("app"), "default")
        .await
        .expect("get")
        .expect("app");
    assert_eq!(
        app.data["data"]["rev"], "1",
        "revision 1's manifest is back"
    );
    assert!(
        cluster
            .get(&probe("extra"), "default")
            .await
            .expect("get")
            .is_some(),
        "re-created by rollback"
    );

    let statuses: Vec<(i64, String)> = storage
        .history("demo")
        .await
        .expect("history")
        .iter()
        .map(|r| (r.version, r.status_str().to_owned()))
        .collect();
    assert_eq!(
        statuses,
        [
            (1, "superseded".into()),
            (2, "superseded".into()),
            (3, "failed".into()),
            (4, "deployed".into())
        ]
    );

    let rep = test(
        &env,
        &TestOptions {
            logs: true,
            name: "demo".into(),
            namespace: "default".into(),
            common: common.clone(),
            ..Default::default()
        },
    )
    .await
    .expect("test");
    assert_eq!(rep.failure, None);
    let smoke = rep
        .release
        .hooks
        .iter()
        .find(|h| h.name == "smoke")
        .expect("smoke");
    assert_eq!(smoke.last_run.phase, "Succeeded");
    // Logs of Pod test hooks only, per container, read before hook-succeeded deleted it.
    let logs: Vec<(String, Vec<String>)> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Logs { source, lines } => Some((source.clone(), lines.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        logs,
        [(
            "probe (c)".to_string(),
            vec!["probe ok".to_string(), "all good".to_string()]
        )]
    );
    let probe_pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe"}});
    assert!(cluster
        .get(&probe_pod, "default")
        .await
        .expect("get")
        .is_none());

    let rep = uninstall(
        &env,
        &UninstallOptions {
            name: "demo".into(),
            namespace: "default".into(),
            common,
            ..Default::default()
        },
    )
    .await
    .expect("uninstall");
    assert!(rep.release.is_some());
    assert!(cluster
        .get(&probe("app"), "default")
        .await
        .expect("get")
        .is_none());
    assert!(matches!(
        storage.history("demo").await,
        Err(capstan_storage::StorageError::NotFound)
    ));
    // --create-namespace with the Lease lock: the namespace is made before the lock.
    let io = InstallOptions {
        name: "other".into(),
        namespace: "team".into(),
        create_namespace: true,
        common: CommonOptions {
            no_hooks: true,
            ..CommonOptions::default()
        },
        ..InstallOptions::default()
    };
    chart(&cdir, "0.1.0", "0", false);
    let rel = install(&env, load(&cdir), &capstan_chart::Values::new(), &io)
        .await
        .expect("install into a new namespace");
    assert_eq!(
        (rel.namespace.as_str(), rel.status_str()),
        ("team", "deployed")
    );
    handle.shutdown().await;
}

/// Crash recovery through a real Lease: a capstan killed mid-upgrade left revision 2
/// `pending-upgrade` and a Lease held by a process of this machine that no longer runs; the
/// next upgrade sees the holder is gone, marks revision 2 failed and upgrades.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_holder_is_recognised_at_once() {
    use capstan_kube::k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
    use capstan_kube::k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
    use capstan_kube::k8s_openapi::jiff::Timestamp;
    use capstan_kube::kube::api::{ObjectMeta, PostParams};

    let handle = serve(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let dir = std::env::temp_dir().join(format!("capstan-lifecycle-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let conn = connect(&ConnectOptions {
        kubeconfig: Some(kc),
        ..ConnectOptions::default()
    })
    .await
    .expect("connects");
    let cluster = Resources::new(conn.client.clone());
    let storage = Storage::new(SecretsDriver::new(conn.client.clone(), "default"));
    let locks = Locks::Lease {
        client: conn.client.clone(),
        holder: capstan_lifecycle::lock::local_holder(),
        duration: Duration::from_secs(3600),
    };
    let sink = |_: Event| {};
    let env = Env {
        cluster: &cluster,
        storage: &storage,
        locks: &locks,
        events: &sink,
    };
    let cdir = dir.join("chart");
    chart(&cdir, "0.1.0", "0", false);
    let load = || capstan_chart::load(cdir.to_str().expect("utf-8")).expect("loads");
    let common = CommonOptions {
        no_hooks: true,
        ..CommonOptions::default()
    };
    let io = InstallOptions {
        name: "k".into(),
        namespace: "default".into(),
        common: common.clone(),
        ..InstallOptions::default()
    };
    install(&env, load(), &capstan_chart::Values::new(), &io)
        .await
        .expect("install");
    let mut pending = storage.get("k", 1).await.expect("rev 1");
    pending.version = 2;
    pending.info.as_mut().expect("info").status = "pending-upgrade".into();
    storage.create(&pending).await.expect("pending revision");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| host.trim().to_owned());
    let now = Timestamp::now();
    let lease = Lease {
        metadata: ObjectMeta {
            name: Some(capstan_storage::lock_name("k")),
            ..ObjectMeta::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(format!("capstan/{host}/0/1")),
            lease_duration_seconds: Some(3600),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            ..LeaseSpec::default()
        }),
    };
    let leases: capstan_kube::kube::Api<Lease> =
        capstan_kube::kube::Api::namespaced(conn.client.clone(), "default");
    leases
        .create(&PostParams::default(), &lease)
        .await
        .expect("dead holder's lease");
    assert_eq!(
        locks.inspect("default", "k").await.expect("inspect"),
        capstan_lifecycle::lock::LockState::Stale {
            holder: format!("capstan/{host}/0/1")
        },
        "status can tell the pending revision's operation is gone"
    );
    let uo = UpgradeOptions {
        name: "k".into(),
        namespace: "default".into(),
        common,
        ..UpgradeOptions::default()
    };
    let rel = upgrade(&env, load(), &capstan_chart::Values::new(), &uo)
        .await
        .expect("recovers without waiting for the lease to expire");
    assert_eq!((rel.version, rel.status_str()), (3, "deployed"));
    let st: Vec<String> = storage
        .history("k")
        .await
        .expect("history")
        .iter()
        .map(|r| r.status_str().to_owned())
        .collect();
    assert_eq!(st, ["superseded", "failed", "deployed"]);
    assert_eq!(
        locks.inspect("default", "k").await.expect("inspect"),
        capstan_lifecycle::lock::LockState::Free
    );
    handle.shutdown().await;
}

/// A held Lease is renewed in the background, so an operation longer than the Lease's
/// duration keeps its lock; once released, the next holder gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_lease_is_renewed() {
    let handle = serve(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let dir = std::env::temp_dir().join(format!("capstan-lifecycle-renew-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let conn = connect(&ConnectOptions {
        kubeconfig: Some(kc),
        ..ConnectOptions::default()
    })
    .await
    .expect("connects");
    let lease = |holder: &str| Locks::Lease {
        client: conn.client.clone(),
        holder: holder.into(),
        duration: Duration::from_secs(2),
    };
    let (a, b) = (lease("a"), lease("b"));
    let held = a.acquire("default", "x").await.expect("a takes it");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let err = b
        .acquire("default", "x")
        .await
        .err()
        .expect("still held after 2 durations");
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
    a.release(held.guard).await;
    let got = b.acquire("default", "x").await.expect("free after release");
    assert_eq!(got.taken_over_from, None);
    b.release(got.guard).await;
    handle.shutdown().await;
}
