//! capstan's sandbox: a Kubernetes API emulator that real kubectl, helm and kube-rs drive
//! unmodified, served over plain HTTP on loopback.
//!
//! One object store with a global resourceVersion counter feeds watches and the simulated
//! controllers (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, Pods). Objects are
//! kept as JSON. See `docs/sandbox.md` for what is emulated and what is not.
#![warn(missing_docs)]

pub mod audit;
pub mod background;
mod controllers;
mod defaults;
pub mod discovery;
pub mod error;
pub mod faults;
mod objects;
pub mod patch;
mod proto;
mod proto_kinds;
pub mod query;
pub mod resources;
pub mod selector;
mod server;
pub mod ssa;
mod state;
pub mod store;
mod stream;
mod table;
pub mod time;
mod validate;

pub use audit::AuditRecord;
pub use error::{ApiError, SandboxError};
pub use faults::{FaultPlan, FaultRule};

use state::Shared;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How pod containers are "run".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExecMode {
    /// Outcomes come from pod annotations (see docs/sandbox.md); nothing runs.
    #[default]
    Simulate,
    /// Each container's `command`/`args` runs as a local process on this machine.
    Local,
}

impl std::str::FromStr for ExecMode {
    type Err = SandboxError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "simulate" => Ok(Self::Simulate),
            "local" => Ok(Self::Local),
            other => Err(SandboxError::Config(format!(
                "--exec must be simulate or local, not {other:?}"
            ))),
        }
    }
}

/// Sandbox settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on; must be loopback (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// How containers run.
    pub exec: ExecMode,
    /// Directory for the audit log and local-exec working directories.
    pub state_dir: Option<PathBuf>,
    /// Delay before a pod starts running (and before workloads report ready).
    pub pod_start_delay: Duration,
    /// How long a simulated container of a run-to-completion pod runs by default.
    pub pod_run_duration: Duration,
    /// How many changes are kept for watch resumption (older versions get `410 Gone`).
    pub watch_history: usize,
    /// Interval of watch BOOKMARK events (when the client allows them).
    pub bookmark_interval: Duration,
    /// Seed for names and uids.
    pub seed: u64,
    /// Fault injection at start (can be changed through `/sandbox/faults`).
    pub faults: FaultPlan,
    /// Audit log file (JSON lines); defaults to `state_dir/audit.jsonl` when a state dir is set.
    pub audit_path: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            exec: ExecMode::Simulate,
            state_dir: None,
            pod_start_delay: Duration::from_millis(500),
            pod_run_duration: Duration::from_millis(500),
            watch_history: 10_000,
            bookmark_interval: Duration::from_secs(60),
            seed: 1,
            faults: FaultPlan::default(),
            audit_path: None,
        }
    }
}

/// The context name written into kubeconfigs.
pub const CONTEXT: &str = "capstan-sandbox";

/// A running sandbox.
pub struct Handle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Handle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig (context `capstan-sandbox`, namespace `default`) pointing here.
    pub fn kubeconfig(&self) -> String {
        kubeconfig_for(&self.url())
    }

    /// Writes the kubeconfig to `path`.
    pub fn write_kubeconfig(&self, path: &Path) -> Result<(), SandboxError> {
        std::fs::write(path, self.kubeconfig()).map_err(|source| SandboxError::Io {
            what: "write kubeconfig",
            path: path.display().to_string(),
            source,
        })
    }

    /// Every audit record so far, in order.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.shared.audit.records()
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.shared.faults.set(plan);
    }

    /// How many times a fault rule with `nth` has fired since the plan was last set (a
    /// crash test waits for 1: the held request has arrived).
    pub fn faults_fired(&self) -> u64 {
        self.shared.faults.fired()
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        self.shared.stop();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.stop();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The kubeconfig text for a sandbox at `url`.
pub fn kubeconfig_for(url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {CONTEXT}\n  cluster:\n    server: {url}\ncontexts:\n- name: {CONTEXT}\n  context:\n    cluster: {CONTEXT}\n    user: {CONTEXT}\n    namespace: default\ncurrent-context: {CONTEXT}\nusers:\n- name: {CONTEXT}\n  user: {{}}\npreferences: {{}}\n"
    )
}

fn seed_objects(sh: &Shared) {
    let ns_def = sh.registry.find("", "v1", "namespaces");
    let opts = objects::WriteOpts {
        manager: "kube-apiserver".into(),
        ..Default::default()
    };
    if let Some(def) = ns_def {
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let _ = objects::create(
                sh,
                &def,
                None,
                serde_json::json!({"metadata": {"name": ns}}),
                &opts,
            );
        }
    }
    if let Some(def) = sh.registry.find("", "v1", "nodes") {
        let node = serde_json::json!({"metadata": {"name": controllers::NODE, "labels": {"kubernetes.io/hostname": controllers::NODE, "kubernetes.io/os": "linux"}},
            "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "sandbox node is ready"}],
                       "nodeInfo": {"kubeletVersion": "v1.37.0", "operatingSystem": "linux", "architecture": "amd64"}}});
        let _ = objects::create(sh, &def, None, node, &opts);
    }
    if let Some(def) = sh.registry.find("", "v1", "services") {
        let svc = serde_json::json!({"metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"ports": [{"name": "https", "port": 443, "targetPort": 6443}]}});
        let _ = objects::create(sh, &def, Some("default"), svc, &opts);
    }
}

/// Starts a sandbox on the current tokio runtime.
pub async fn serve(config: SandboxConfig) -> Result<Handle, SandboxError> {
    if !config.listen.ip().is_loopback() {
        return Err(SandboxError::Config(format!(
            "the sandbox listens on loopback only, not {}",
            config.listen
        )));
    }
    let audit_path = config
        .audit_path
        .clone()
        .or_else(|| config.state_dir.as_ref().map(|d| d.join("audit.jsonl")));
    if let Some(d) = &config.state_dir {
        std::fs::create_dir_all(d).map_err(|source| SandboxError::Io {
            what: "create state dir",
            path: d.display().to_string(),
            source,
        })?;
    }
    let audit_file = match &audit_path {
        Some(p) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|source| SandboxError::Io {
                    what: "open audit log",
                    path: p.display().to_string(),
                    source,
                })?,
        ),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: config.listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: config.listen.to_string(),
        source,
    })?;
    let shared = Arc::new(Shared::new(config, audit::Audit::new(audit_file)));
    seed_objects(&shared);
    controllers::start(shared.clone());
    let sh = shared.clone();
    let app = axum::Router::new()
        .fallback(move |method, uri, headers, body| {
            let sh = sh.clone();
            async move { server::handle(sh, method, uri, headers, body).await }
        })
        // The real API server accepts request bodies up to 3 MiB.
        .layer(axum::extract::DefaultBodyLimit::max(3 * 1024 * 1024));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Handle {
        addr,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Runs a sandbox in the foreground until Ctrl-C or SIGTERM, writing the kubeconfig once it is ready.
pub fn run_foreground(
    config: SandboxConfig,
    kubeconfig: Option<&Path>,
) -> Result<(), SandboxError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SandboxError::Runtime)?;
    rt.block_on(async move {
        let handle = serve(config).await?;
        if let Some(p) = kubeconfig {
            handle.write_kubeconfig(p)?;
        }
        eprintln!("capstan sandbox listening on {}", handle.url());
        // Ctrl-C in a terminal, SIGTERM from `down`: both stop cleanly.
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut t) => {
                    t.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
        handle.shutdown().await;
        Ok(())
    })
}
