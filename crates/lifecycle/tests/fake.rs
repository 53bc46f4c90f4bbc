//! The lifecycle on the in-memory fake cluster and memory storage: the hooks-spec checklist
//! items that concern the lifecycle (order of hook creations and deletions, the stored
//! record at each step, error texts, pruning, keep policy, test filters, atomic paths) and
//! capstan's extras (parallel hooks, warn-only post hooks, rollback-hook failure fix, crash
//! recovery).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use capstan_kube::cluster::{FakeCall, FakeCluster};
use capstan_kube::wait::HookOutcome;
use capstan_lifecycle::lock::MemoryLocks;
use capstan_lifecycle::*;
use capstan_release::Release;
use capstan_storage::{MemoryDriver, Storage};

static N: AtomicUsize = AtomicUsize::new(0);

fn job(name: &str, events: &str, weight: i64, policy: Option<&str>) -> String {
    let policy = policy
        .map(|p| format!("\n    helm.sh/hook-delete-policy: {p}"))
        .unwrap_or_default();
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {events}\n    helm.sh/hook-weight: \"{weight}\"{policy}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n"
    )
}

fn cm(name: &str, extra: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}{extra}\ndata:\n  k: v\n")
}

/// Writes a chart with the given templates and returns its directory.
fn chart(templates: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "capstan-lifecycle-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).expect("chart dir");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    for (name, text) in templates {
        std::fs::write(dir.join("templates").join(name), text).expect("template");
    }
    dir
}

fn load(dir: &std::path::Path) -> capstan_chart::Chart {
    capstan_chart::load(dir.to_str().expect("utf-8 path")).expect("chart loads")
}

struct T {
    cluster: FakeCluster,
    storage: Arc<Storage<MemoryDriver>>,
    locks: Locks,
    events: Arc<Mutex<Vec<Event>>>,
    /// (event, stored status of the newest revision) captured when a hook is created.
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl T {
    fn new() -> T {
        T {
            cluster: FakeCluster::new(),
            storage: Arc::new(Storage::new(MemoryDriver::new())),
            locks: Locks::Off,
            events: Arc::default(),
            seen: Arc::default(),
        }
    }

    fn sink(&self) -> impl Fn(Event) + Send + Sync {
        let events = self.events.clone();
        let storage = self.storage.clone();
        let seen = self.seen.clone();
        move |e: Event| {
            if let Event::HookCreated { name, .. } = &e {
                // The memory driver never awaits, so reading it here is safe.
                let last = futures::executor::block_on(storage.last("r"));
                let st = last.map(|r| r.status_str().to_owned()).unwrap_or_default();
                seen.lock().unwrap().push((name.clone(), st));
            }
            events.lock().unwrap().push(e);
        }
    }

    fn names(&self, f: impl Fn(&Event) -> Option<String>) -> Vec<String> {
        self.events.lock().unwrap().iter().filter_map(f).collect()
    }

    fn created(&self) -> Vec<String> {
        self.names(|e| match e {
            Event::HookCreated { name, .. } => Some(name.clone()),
            _ => None,
        })
    }

    fn hook_deleted(&self) -> Vec<String> {
        self.names(|e| match e {
            Event::HookDeleted { name, policy, .. } => Some(format!("{name}:{policy}")),
            _ => None,
        })
    }

    async fn history(&self) -> Vec<(i64, String, String)> {
        self.storage
            .history("r")
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r: Release| {
                let d = r
                    .info
                    .as_ref()
                    .map(|i| i.description.clone())
                    .unwrap_or_default();
                (r.version, r.status_str().to_owned(), d)
            })
            .collect()
    }
}

fn iopts() -> InstallOptions {
    InstallOptions {
        name: "r".into(),
        namespace: "default".into(),
        ..InstallOptions::default()
    }
}

fn uopts() -> UpgradeOptions {
    UpgradeOptions {
        name: "r".into(),
        namespace: "default".into(),
        ..UpgradeOptions::default()
    }
}

macro_rules! env {
    ($t:expr, $sink:expr) => {
        Env {
            cluster: &$t.cluster,
            storage: &$t.storage,
            locks: &$t.locks,
            events: &$sink,
        }
    };
}

fn values() -> capstan_chart::Values {
    capstan_chart::Values::new()
}

fn basic_chart() -> PathBuf {
    chart(&[
        ("cm.yaml", cm("app", "")),
        (
            "hooks.yaml",
            [
                job(
                    "z-late",
                    "pre-install,pre-upgrade",
                    5,
                    Some("hook-succeeded"),
                ),
                job(
                    "b-job",
                    "pre-install,pre-upgrade",
                    0,
                    Some("hook-succeeded"),
                ),
                job("a-job", "pre-install,pre-upgrade", 0, None),
                job(
                    "post",
                    "post-install,post-upgrade",
                    0,
                    Some("hook-succeeded,hook-failed"),
                ),
                job("t1", "test", 0, None),
                job("t2", "test-success", 1, None),
            ]
            .join("---\n"),
        ),
    ])
}

#[tokio::test]
async fn install_order_records_and_deletions() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let rel = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("installs");
    assert_eq!(rel.status_str(), "deployed");
    assert_eq!(t.created(), ["a-job", "b-job", "z-late", "post"]);
    // Each hook sees the record pending-install (written before the first hook).
    let seen = t.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(_, s)| s == "pending-install"), "{seen:?}");
    // hook-succeeded deletions run after all hooks of the event, in reverse order.
    assert_eq!(
        t.hook_deleted(),
        [
            "z-late:hook-succeeded",
            "b-job:hook-succeeded",
            "post:hook-succeeded"
        ]
    );
    let calls = t.cluster.calls();
    let apply_app = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("ConfigMap/app".into()))
        .expect("applied");
    let apply_post = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/post".into()))
        .expect("post");
    let apply_late = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/z-late".into()))
        .expect("pre");
    assert!(apply_late < apply_app && apply_app < apply_post);
    // before-hook-creation (default for a-job) deletes before creating.
    let del_a = calls
        .iter()
        .position(|c| *c == FakeCall::Delete("Job/a-job".into()))
        .expect("bhc");
    let app_a = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/a-job".into()))
        .expect("a");
    assert!(del_a < app_a);
    assert_eq!(
        t.history().await,
        [(1, "deployed".into(), "Install complete".into())]
    );
    let stored = t.storage.get("r", 1).await.expect("stored");
    let phases: Vec<_> = stored
        .hooks
        .iter()
        .map(|h| (h.name.as_str(), h.last_run.phase.as_str()))
        .collect();
    assert!(
        phases.contains(&("a-job", "Succeeded")) && phases.contains(&("t1", "")),
        "{phases:?}"
    );
    // Helm stores the default policy on hooks it executed, not on those that never ran.
    let policies = |n: &str| {
        stored
            .hooks
            .iter()
            .find(|h| h.name == n)
            .map(|h| h.delete_policies.clone())
    };
    assert_eq!(
        policies("a-job"),
        Some(vec!["before-hook-creation".to_string()])
    );
    assert_eq!(policies("t1"), Some(vec![]));
    // Hooks carry no ownership stamp; regular resources do.
    let live = t.cluster.objects();
    assert!(live.contains(&"Job/a-job".to_string()) && !live.contains(&"Job/b-job".to_string()));
    // Installing again is refused with Helm's text.
    let err = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "cannot reuse a name that is still in use");
}

#[tokio::test]
async fn pre_install_failure_semantics() {
    let t = T::new();
    t.cluster
        .set_hook_outcome("b-job", HookOutcome::Failed("BackoffLimitExceeded".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    let err = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed pre-install: resource Job/default/b-job not ready. status: Failed, message: Job Failed. failed: 0/1"
    );
    let h = t.history().await;
    assert_eq!(h[0].1, "failed");
    assert!(h[0]
        .2
        .starts_with("Release \"r\" failed: failed pre-install: resource Job/default/b-job"));
    assert!(
        !t.cluster.objects().contains(&"ConfigMap/app".to_string()),
        "no regular resources"
    );
    assert_eq!(t.created(), ["a-job", "b-job"], "later hooks never run");
    // b-job has hook-succeeded only: kept on failure; a-job (before-hook-creation) too.
    assert!(t.hook_deleted().is_empty());
    let stored = t.storage.get("r", 1).await.expect("stored");
    let b = stored
        .hooks
        .iter()
        .find(|h| h.name == "b-job")
        .expect("hook");
    assert_eq!(b.last_run.phase, "Failed");
}

#[tokio::test]
async fn failed_hook_deletes_by_hook_failed_and_earlier_succeeded() {
    let t = T::new();
    let dir = chart(&[(
        "h.yaml",
        [
            job("one", "pre-install", 0, Some("hook-succeeded")),
            job("two", "pre-install", 1, Some("hook-failed")),
        ]
        .join("---\n"),
    )]);
    t.cluster
        .set_hook_outcome("two", HookOutcome::Failed("x".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(t.hook_deleted(), ["two:hook-failed", "one:hook-succeeded"]);
}

#[tokio::test]
async fn install_rollback_on_failure_uninstalls_and_purges() {
    let t = T::new();
    t.cluster
        .set_hook_outcome("post", HookOutcome::Failed("x".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.rollback_on_failure = true;
    let err = install(&env, load(&basic_chart()), &values(), &o)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with(
        "release r failed, and has been uninstalled due to rollback-on-failure being set: failed post-install: resource Job/default/post not ready."
    ), "{err}");
    assert!(t.history().await.is_empty(), "purged");
    assert!(!t.cluster.objects().contains(&"ConfigMap/app".to_string()));
}

#[tokio::test]
async fn upgrade_records_pending_then_supersedes() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.seen.lock().unwrap().clear();
    let rel = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .expect("upgrade");
    assert_eq!((rel.version, rel.status_str()), (2, "deployed"));
    let seen = t.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(_, s)| s == "pending-upgrade"), "{seen:?}");
    assert_eq!(
        t.history().await,
        [
            (1, "superseded".into(), "Install complete".into()),
            (2, "deployed".into(), "Upgrade complete".into())
        ]
    );
}

#[tokio::test]
async fn post_upgrade_failure_keeps_previous_deployed_and_blocks_nothing() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("post", HookOutcome::Failed("x".into()));
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("post-upgrade hooks failed: resource Job/default/post"),
        "{err}"
    );
    let h = t.history().await;
    assert_eq!((h[0].1.as_str(), h[1].1.as_str()), ("deployed", "failed"));
    assert!(h[1]
        .2
        .starts_with("Upgrade \"r\" failed: post-upgrade hooks failed:"));
    // A rollback with no revision goes to 1.
    let rb = rollback(
        &env,
        &RollbackOptions {
            name: "r".into(),
            ..Default::default()
        },
    )
    .await
    .expect("rollback");
    assert_eq!(
        rb.info
            .as_ref()
            .map(|i| (i.description.as_str(), i.rollback_revision)),
        Some(("Rollback to 1", 1))
    );
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "failed", "deployed"]
    );
}

#[tokio::test]
async fn pending_release_blocks_upgrade_with_helm_text() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    let mut r = t.storage.get("r", 1).await.expect("rev");
    r.version = 2;
    r.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r).await.expect("pending");
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
}

#[tokio::test]
async fn crash_recovery_with_an_expired_lock() {
    let mut t = T::new();
    let locks = MemoryLocks::default();
    // A capstan that died mid-upgrade: pending revision, lock expired.
    locks.put(
        "default/r",
        "dead-pid",
        Instant::now() - Duration::from_secs(1),
    );
    t.locks = Locks::Memory(locks);
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.common.no_hooks = true;
    // Install first without the stale lock interfering: it is taken over.
    install(&env, load(&basic_chart()), &values(), &o)
        .await
        .expect("install");
    let mut r = t.storage.get("r", 1).await.expect("rev");
    r.version = 2;
    r.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r).await.expect("pending");
    if let Locks::Memory(m) = &t.locks {
        m.put(
            "default/r",
            "dead-pid",
            Instant::now() - Duration::from_secs(1),
        );
    }
    let rel = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .expect("recovers");
    assert_eq!(rel.version, 3);
    let h = t.history().await;
    assert_eq!(h[1].1, "failed");
    assert!(
        h[1].2
            .starts_with("Release unlocked from stale 'pending-upgrade' state"),
        "{}",
        h[1].2
    );
    assert!(t
        .names(|e| match e {
            Event::Warning { message } => Some(message.clone()),
            _ => None,
        })
        .iter()
        .any(|m| m.contains("expired")));
    // A live lock still blocks.
    if let Locks::Memory(m) = &t.locks {
        m.put(
            "default/r",
            "live",
            Instant::now() + Duration::from_secs(60),
        );
    }
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
}

#[tokio::test]
async fn rollback_hook_failure_leaves_pending_like_helm_or_failed_when_asked() {
    let t = T::new();
    let dir = chart(&[
        ("h.yaml", job("pr", "pre-rollback", 0, None)),
        ("cm.yaml", cm("app", "")),
    ]);
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .expect("upgrade");
    t.cluster
        .set_hook_outcome("pr", HookOutcome::Failed("x".into()));
    let ro = RollbackOptions {
        name: "r".into(),
        ..Default::default()
    };
    let err = rollback(&env, &ro).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("resource Job/default/pr not ready."),
        "unprefixed: {err}"
    );
    assert_eq!(t.history().await[2].1, "pending-rollback");
    let err = upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
    // capstan's opt-in: the new revision is marked failed instead.
    let ro = RollbackOptions {
        name: "r".into(),
        revision: 1,
        fail_on_hook_error: true,
        ..Default::default()
    };
    rollback(&env, &ro).await.unwrap_err();
    let h = t.history().await;
    assert_eq!(h[3].1, "failed");
    assert!(h[3].2.starts_with("Rollback \"r\" failed:"));
    let err = rollback(
        &env,
        &RollbackOptions {
            name: "r".into(),
            revision: 9,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "release has no 9 version");
}

#[tokio::test]
async fn history_max_prunes_but_keeps_last_deployed() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("cm.yaml", cm("app", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    for _ in 0..4 {
        let mut o = uopts();
        o.history_max = Some(3);
        upgrade(&env, load(&dir), &values(), &o)
            .await
            .expect("upgrade");
    }
    let v: Vec<i64> = t.history().await.iter().map(|h| h.0).collect();
    assert_eq!(v, [3, 4, 5]);
}

#[tokio::test]
async fn upgrade_deletes_removed_objects_unless_live_keep() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let v1 = chart(&[
        ("a.yaml", cm("a", "")),
        ("b.yaml", cm("b", "")),
        ("k.yaml", cm("k", "")),
    ]);
    install(&env, load(&v1), &values(), &iopts())
        .await
        .expect("install");
    // The live k carries keep (set out of band), the chart does not.
    let mut live = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "k", "annotations": {"helm.sh/resource-policy": "keep"}}});
    live["metadata"]["labels"] = serde_json::json!({"app.kubernetes.io/managed-by": "Helm"});
    t.cluster.put(live, "default").expect("put");
    let v2 = chart(&[("a.yaml", cm("a", ""))]);
    upgrade(&env, load(&v2), &values(), &uopts())
        .await
        .expect("upgrade");
    let objs = t.cluster.objects();
    assert!(objs.contains(&"ConfigMap/a".to_string()));
    assert!(!objs.contains(&"ConfigMap/b".to_string()));
    assert!(objs.contains(&"ConfigMap/k".to_string()));
}

#[tokio::test]
async fn cleanup_on_fail_deletes_only_created_objects() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(
        &env,
        load(&chart(&[("a.yaml", cm("a", ""))])),
        &values(),
        &iopts(),
    )
    .await
    .expect("install");
    t.cluster.fail_apply("c", "bad object");
    let v2 = chart(&[
        ("a.yaml", cm("a", "")),
        ("b.yaml", cm("b", "")),
        ("c.yaml", cm("c", "")),
    ]);
    let mut o = uopts();
    o.cleanup_on_fail = true;
    upgrade(&env, load(&v2), &values(), &o).await.unwrap_err();
    let objs = t.cluster.objects();
    assert!(
        objs.contains(&"ConfigMap/a".to_string()),
        "updated, not created: kept"
    );
    assert!(
        !objs.contains(&"ConfigMap/b".to_string()),
        "created by the failed upgrade: deleted"
    );
}

#[tokio::test]
async fn upgrade_rollback_on_failure_rolls_back() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("z-late", HookOutcome::Failed("x".into()));
    let mut o = uopts();
    o.rollback_on_failure = true;
    let err = upgrade(&env, load(&basic_chart()), &values(), &o)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with(
        "release r failed, and has been rolled back due to rollback-on-failure being set: pre-upgrade hooks failed:"
    ), "{err}");
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "failed", "deployed"]
    );
    assert_eq!(h[2].2, "Rollback to 1");
}

#[tokio::test]
async fn uninstall_order_keep_and_purge() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[
        ("a.yaml", cm("a", "")),
        (
            "keep.yaml",
            cm(
                "kept",
                "\n  annotations:\n    helm.sh/resource-policy: keep",
            ),
        ),
        (
            "svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n"
                .into(),
        ),
        (
            "h.yaml",
            [
                job("pd", "pre-delete", 0, None),
                job("post-d", "post-delete", 0, None),
            ]
            .join("---\n"),
        ),
    ]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    t.seen.lock().unwrap().clear();
    let rep = uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            namespace: "default".into(),
            ..Default::default()
        },
    )
    .await
    .expect("uninstall");
    assert_eq!(
        rep.kept.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["kept"]
    );
    assert_eq!(
        t.seen.lock().unwrap()[0],
        ("pd".to_string(), "uninstalling".to_string())
    );
    let deleted = t.names(|e| match e {
        Event::ResourceDeleted { kind, name } => Some(format!("{kind}/{name}")),
        _ => None,
    });
    assert_eq!(
        deleted,
        ["Service/s", "ConfigMap/a"],
        "uninstall order: Service before ConfigMap"
    );
    assert!(t.history().await.is_empty(), "purged");
    let objs = t.cluster.objects();
    assert!(objs.contains(&"ConfigMap/kept".to_string()));
    assert!(
        objs.contains(&"Job/pd".to_string()),
        "hook objects are never deleted by uninstall"
    );
    let err = uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "uninstall: Release not loaded: r: release: not found"
    );
    uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            ignore_not_found: true,
            ..Default::default()
        },
    )
    .await
    .expect("ignored");
}

#[tokio::test]
async fn uninstall_keep_history_and_post_delete_errors() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[
        ("a.yaml", cm("a", "")),
        ("h.yaml", job("post-d", "post-delete", 0, None)),
    ]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("post-d", HookOutcome::Failed("x".into()));
    let o = UninstallOptions {
        name: "r".into(),
        keep_history: true,
        ..Default::default()
    };
    let err = uninstall(&env, &o).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("uninstallation completed with 1 error(s): resource Job/default/post-d"),
        "{err}"
    );
    assert_eq!(
        t.history().await,
        [(1, "uninstalled".into(), "Uninstallation complete".into())]
    );
    let err = uninstall(&env, &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the release named \"r\" is already deleted"
    );
}

#[tokio::test]
async fn test_hooks_filters_and_status() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    let n = t.created().len();
    let rep = test(
        &env,
        &TestOptions {
            name: "r".into(),
            filters: vec!["!name=t1".into()],
            ..Default::default()
        },
    )
    .await
    .expect("test");
    assert_eq!(rep.failure, None);
    assert_eq!(&t.created()[n..], ["t2"]);
    assert_eq!(rep.release.status_str(), "deployed");
    let stored = t.storage.get("r", 1).await.expect("rev");
    assert_eq!(
        stored.hooks[0].name, "t1",
        "skipped hooks are stored first, as helm does"
    );
    assert_eq!(
        stored
            .hooks
            .iter()
            .find(|h| h.name == "t2")
            .map(|h| h.last_run.phase.as_str()),
        Some("Succeeded")
    );
    t.cluster
        .set_hook_outcome("t1", HookOutcome::Failed("x".into()));
    let rep = test(
        &env,
        &TestOptions {
            name: "r".into(),
            filters: vec!["name=t1".into()],
            ..Default::default()
        },
    )
    .await
    .expect("test runs");
    assert!(rep
        .failure
        .expect("fails")
        .starts_with("resource Job/default/t1 not ready"));
    assert_eq!(
        t.history().await[0].1,
        "deployed",
        "test never changes the status"
    );
}

#[tokio::test]
async fn warn_policy_post_hook_keeps_release_deployed() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let warn = job("bust", "post-install", 0, None).replace(
        "helm.sh/hook-weight: \"0\"",
        "helm.sh/hook-weight: \"0\"\n    capstan.io/hook-failure-policy: warn",
    );
    let dir = chart(&[("a.yaml", cm("a", "")), ("h.yaml", warn)]);
    t.cluster
        .set_hook_outcome("bust", HookOutcome::Failed("x".into()));
    let rel = install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("deployed despite the hook");
    let d = rel
        .info
        .as_ref()
        .map(|i| i.description.clone())
        .unwrap_or_default();
    assert!(
        d.starts_with("Install complete (warning: post-install hook bust failed:"),
        "{d}"
    );
    assert_eq!(t.history().await[0].1, "deployed");
}

#[tokio::test]
async fn parallel_hooks_create_equal_weights_together() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[(
        "h.yaml",
        [
            job("a", "pre-install", 0, None),
            job("b", "pre-install", 0, None),
            job("c", "pre-install", 1, None),
        ]
        .join("---\n"),
    )]);
    let mut o = iopts();
    o.common.parallel_hooks = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("install");
    let calls: Vec<_> = t
        .cluster
        .calls()
        .into_iter()
        .filter(|c| matches!(c, FakeCall::Apply(_) | FakeCall::Wait(_)))
        .collect();
    assert_eq!(
        calls,
        [
            FakeCall::Apply("Job/a".into()),
            FakeCall::Apply("Job/b".into()),
            FakeCall::Wait("Job/a".into()),
            FakeCall::Wait("Job/b".into()),
            FakeCall::Apply("Job/c".into()),
            FakeCall::Wait("Job/c".into()),
        ]
    );
}

#[tokio::test]
async fn ownership_conflict_and_take_ownership() {
    let t = T::new();
    t.cluster
        .put(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}}), "default")
        .expect("put");
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("cm.yaml", cm("app", ""))]);
    let err = install(&env, load(&dir), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to continue with install: ConfigMap \"app\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"r\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\""
    );
    assert!(t.history().await.is_empty(), "nothing stored");
    let mut o = iopts();
    o.take_ownership = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("adopts");
}

#[tokio::test]
async fn plans_serialize() {
    let dir = basic_chart();
    let rendered = capstan_lifecycle::render::render_release(
        load(&dir),
        &values(),
        &capstan_lifecycle::render::RenderTarget {
            name: "r",
            namespace: "default",
            revision: 1,
            is_upgrade: false,
        },
        &RenderOptions::default(),
    )
    .expect("renders");
    let plan = plan_install(&iopts(), &rendered, &[]).expect("plans");
    let json = serde_json::to_value(&plan).expect("serializes");
    let steps: Vec<&str> = json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["step"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "check-ownership",
            "create-record",
            "run-hooks",
            "apply-resources",
            "run-hooks",
            "update-record"
        ]
    );
    assert_eq!(json["steps"][2]["hooks"][0]["name"], "a-job");
}

#[tokio::test]
async fn replace_renders_revision_one_like_helm() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  rev: \"{{ .Release.Revision }}\"\n".to_string(),
    )]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            keep_history: true,
            ..Default::default()
        },
    )
    .await
    .expect("uninstall");
    let mut o = iopts();
    o.replace = true;
    let rel = install(&env, load(&dir), &values(), &o)
        .await
        .expect("replace");
    assert_eq!(rel.version, 2);
    assert!(rel.manifest.contains("rev: \"1\""), "{}", rel.manifest);
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "deployed"]
    );
}

#[tokio::test]
async fn force_replace_is_refused_for_server_side_releases_like_helm4() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("a.yaml", cm("a", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    let mut o = uopts();
    o.force_replace = true;
    let err = upgrade(&env, load(&dir), &values(), &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid operation: cannot use server-side apply and force replace together"
    );
    let h = t.history().await;
    assert_eq!(h[1].1, "failed");
    assert_eq!(
        h[1].2,
        "Upgrade \"r\" failed: invalid operation: cannot use server-side apply and force replace together"
    );
}

/// Killed between superseding revision 1 and writing revision 2 `deployed`: no revision is
/// deployed, the newest is pending. The next upgrade recovers it (crash test kill point).
#[tokio::test]
async fn crash_after_supersede_before_deployed_recovers() {
    let mut t = T::new();
    let locks = MemoryLocks::default();
    t.locks = Locks::Memory(locks);
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("a.yaml", cm("a", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    let mut r1 = t.storage.get("r", 1).await.expect("rev 1");
    r1.info.as_mut().expect("info").status = "superseded".into();
    t.storage.update(&r1).await.expect("superseded");
    let mut r2 = r1.clone();
    r2.version = 2;
    r2.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r2).await.expect("pending");
    if let Locks::Memory(m) = &t.locks {
        m.put("default/r", "dead", Instant::now() - Duration::from_secs(1));
    }
    let rel = upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .expect("recovers");
    assert_eq!((rel.version, rel.status_str()), (3, "deployed"));
    let st: Vec<String> = t.history().await.into_iter().map(|h| h.1).collect();
    assert_eq!(st, ["superseded", "superseded", "deployed"]);
}
