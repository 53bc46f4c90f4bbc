//! Shared harness of the task-api tests (`plan_demo_cli.rs`, `task_api_e2e.rs`): an
//! in-process sandbox (simulated or `--exec local`) with a private kubeconfig and home, the
//! capstan binary run against it, and the example chart's path.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use capstan_sandbox::{serve, AuditRecord, ExecMode, Handle, SandboxConfig};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `examples/task-api`.
pub fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/task-api")
}

/// The capstan binary under test.
pub fn capstan_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capstan"))
}

/// A running sandbox with its own scratch directory.
pub struct Sandbox {
    pub rt: tokio::runtime::Runtime,
    pub handle: Option<Handle>,
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

impl Sandbox {
    /// A sandbox whose pods start and finish quickly; `exec` says whether hook commands
    /// really run (`Local`) or are simulated.
    pub fn start(exec: ExecMode) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("capstan-task-api-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("scratch dir");
        let cfg = SandboxConfig {
            exec,
            state_dir: Some(dir.join("state")),
            pod_start_delay: Duration::from_millis(50),
            pod_run_duration: Duration::from_millis(100),
            ..SandboxConfig::default()
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = rt.block_on(serve(cfg)).expect("sandbox starts");
        let kubeconfig = dir.join("kubeconfig");
        handle.write_kubeconfig(&kubeconfig).expect("kubeconfig");
        Self {
            rt,
            handle: Some(handle),
            dir,
            kubeconfig,
        }
    }

    /// The sandbox handle.
    pub fn handle(&self) -> &Handle {
        self.handle.as_ref().expect("running")
    }

    /// Every audit record so far.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.handle().audit()
    }

    /// Names of the objects of `resource` (plural) created so far, in order, as the audit
    /// log saw them: successful creates, and server-side applies that answered 201 Created
    /// (how the lifecycle creates hooks).
    pub fn created(&self, resource: &str) -> Vec<String> {
        self.audit()
            .into_iter()
            .filter(|r| r.resource == resource)
            .filter(|r| {
                (r.verb == "create" && r.code < 300) || (r.verb == "patch" && r.code == 201)
            })
            .map(|r| r.name)
            .collect()
    }

    /// `capstan ARGS` against this sandbox.
    pub fn capstan(&self, args: &[&str]) -> Output {
        let out = Command::new(capstan_bin())
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.join("home"))
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run capstan");
        out
    }

    /// A kube-rs client for reading objects directly.
    pub fn client(&self) -> kube::Client {
        let kc = kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig");
        let cfg = self
            .rt
            .block_on(kube::Config::from_custom_kubeconfig(
                kc,
                &kube::config::KubeConfigOptions::default(),
            ))
            .expect("config");
        // The client's buffer task needs the runtime.
        let _guard = self.rt.enter();
        kube::Client::try_from(cfg).expect("client")
    }

    /// The names of the objects of a kind in `default`, sorted.
    pub fn names<K>(&self) -> Vec<String>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + serde::de::DeserializeOwned
            + std::fmt::Debug,
        <K as kube::Resource>::DynamicType: Default,
    {
        let api: kube::Api<K> = kube::Api::namespaced(self.client(), "default");
        let list = self
            .rt
            .block_on(api.list(&Default::default()))
            .expect("list");
        let mut names: Vec<String> = list.items.iter().map(kube::ResourceExt::name_any).collect();
        names.sort();
        names
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// stdout, stderr and the exit code, for assertion messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts success and returns stdout.
pub fn ok(out: &Output, what: &str) -> String {
    assert!(out.status.success(), "{what} failed:\n{}", show(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
