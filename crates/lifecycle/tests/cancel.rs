//! SIGINT/SIGTERM during an install or upgrade: the revision in flight is recorded `failed`
//! with Helm's `context canceled`, never left pending (hooks-spec checklist 25). A separate
//! test binary, since cancellation is process-wide.

use std::sync::Arc;

use capstan_kube::cluster::FakeCluster;
use capstan_lifecycle::*;
use capstan_storage::{MemoryDriver, Storage};

fn chart_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("capstan-lifecycle-cancel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).expect("dir");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    )
    .expect("chart");
    std::fs::write(
        dir.join("templates/all.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pre\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
    )
    .expect("templates");
    dir
}

#[tokio::test]
async fn cancel_during_pre_hooks_records_failed() {
    let cluster = FakeCluster::new();
    let storage = Arc::new(Storage::new(MemoryDriver::new()));
    // The "signal" arrives while the pre-install hook runs.
    let sink = |e: Event| {
        if matches!(e, Event::HookCreated { .. }) {
            capstan_lifecycle::cancel::cancel();
        }
    };
    let env = Env {
        cluster: &cluster,
        storage: &storage,
        locks: &Locks::Off,
        events: &sink,
    };
    let load = || capstan_chart::load(chart_dir().to_str().expect("utf-8")).expect("loads");
    let opts = InstallOptions {
        name: "r".into(),
        namespace: "default".into(),
        ..InstallOptions::default()
    };
    let err = install(&env, load(), &capstan_chart::Values::new(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "context canceled");
    let rel = storage.get("r", 1).await.expect("stored");
    assert_eq!(rel.status_str(), "failed");
    assert_eq!(
        rel.info.as_ref().map(|i| i.description.as_str()),
        Some("Release \"r\" failed: context canceled")
    );
    assert!(
        !cluster.objects().contains(&"ConfigMap/app".to_string()),
        "abandoned before apply"
    );

    // Same for an upgrade (after the flag is cleared for the install that sets it up).
    capstan_lifecycle::cancel::reset();
    let quiet = |_: Event| {};
    let env2 = Env {
        cluster: &cluster,
        storage: &storage,
        locks: &Locks::Off,
        events: &quiet,
    };
    let mut o = opts.clone();
    o.replace = true;
    install(&env2, load(), &capstan_chart::Values::new(), &o)
        .await
        .expect("reinstall over a failed release");
    let uo = UpgradeOptions {
        name: "r".into(),
        namespace: "default".into(),
        ..UpgradeOptions::default()
    };
    let err = upgrade(&env, load(), &capstan_chart::Values::new(), &uo)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "context canceled");
    let h = storage.history("r").await.expect("history");
    let st: Vec<&str> = h.iter().map(|r| r.status_str()).collect();
    assert_eq!(st, ["failed", "deployed", "failed"]);
    assert_eq!(
        h[2].info.as_ref().map(|i| i.description.as_str()),
        Some("Upgrade \"r\" failed: context canceled")
    );
}
