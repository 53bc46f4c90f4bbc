//! Shared harness of the fake-cluster tests: chart builders, a fake cluster with memory
//! storage, an event sink that also records the stored status when each hook is created.
#![allow(dead_code)]

pub use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
pub use std::time::{Duration, Instant};

pub use capstan_kube::cluster::{FakeCall, FakeCluster};
pub use capstan_kube::wait::HookOutcome;
pub use capstan_lifecycle::lock::MemoryLocks;
pub use capstan_lifecycle::*;
use capstan_release::Release;
use capstan_storage::{MemoryDriver, Storage};

static N: AtomicUsize = AtomicUsize::new(0);

pub fn job(name: &str, events: &str, weight: i64, policy: Option<&str>) -> String {
    let policy = policy
        .map(|p| format!("\n    helm.sh/hook-delete-policy: {p}"))
        .unwrap_or_default();
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {events}\n    helm.sh/hook-weight: \"{weight}\"{policy}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n"
    )
}

pub fn cm(name: &str, extra: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}{extra}\ndata:\n  k: v\n")
}

/// Writes a chart with the given templates and returns its directory.
pub fn chart(templates: &[(&str, String)]) -> PathBuf {
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

pub fn load(dir: &std::path::Path) -> capstan_chart::Chart {
    capstan_chart::load(dir.to_str().expect("utf-8 path")).expect("chart loads")
}

pub struct T {
    pub cluster: FakeCluster,
    pub storage: Arc<Storage<MemoryDriver>>,
    pub locks: Locks,
    pub events: Arc<Mutex<Vec<Event>>>,
    /// (event, stored status of the newest revision) captured when a hook is created.
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl T {
    pub fn new() -> T {
        T {
            cluster: FakeCluster::new(),
            storage: Arc::new(Storage::new(MemoryDriver::new())),
            locks: Locks::Off,
            events: Arc::default(),
            seen: Arc::default(),
        }
    }

    pub fn sink(&self) -> impl Fn(Event) + Send + Sync {
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

    pub fn names(&self, f: impl Fn(&Event) -> Option<String>) -> Vec<String> {
        self.events.lock().unwrap().iter().filter_map(f).collect()
    }

    pub fn created(&self) -> Vec<String> {
        self.names(|e| match e {
            Event::HookCreated { name, .. } => Some(name.clone()),
            _ => None,
        })
    }

    pub fn hook_deleted(&self) -> Vec<String> {
        self.names(|e| match e {
            Event::HookDeleted { name, policy, .. } => Some(format!("{name}:{policy}")),
            _ => None,
        })
    }

    pub async fn history(&self) -> Vec<(i64, String, String)> {
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

pub fn iopts() -> InstallOptions {
    InstallOptions {
        name: "r".into(),
        namespace: "default".into(),
        ..InstallOptions::default()
    }
}

pub fn uopts() -> UpgradeOptions {
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

pub fn values() -> capstan_chart::Values {
    capstan_chart::Values::new()
}

pub fn basic_chart() -> PathBuf {
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
