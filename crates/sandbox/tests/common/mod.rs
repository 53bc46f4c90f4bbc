//! Shared harness: an in-process sandbox, a private kubeconfig and cache per test, and the
//! reference kubectl/helm binaries from `.tools`.
#![allow(dead_code)]

use capstan_sandbox::{serve, Handle, SandboxConfig};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A running sandbox with its own scratch directory.
pub struct Env {
    pub rt: tokio::runtime::Runtime,
    pub handle: Option<Handle>,
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

/// The path of a reference tool, or a failure saying how to install it.
pub fn tool(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.tools")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with `bash /work/shared/tools/get-reference-tools /work/main/.tools`",
        p.display()
    );
    p
}

/// Test-speed controller timings.
pub fn fast_config() -> SandboxConfig {
    SandboxConfig {
        pod_start_delay: Duration::from_millis(200),
        pod_run_duration: Duration::from_millis(200),
        ..SandboxConfig::default()
    }
}

impl Env {
    pub fn start() -> Self {
        Self::with_config(fast_config())
    }

    pub fn with_config(cfg: SandboxConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("capstan-sandbox-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("scratch dir");
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

    pub fn handle(&self) -> &Handle {
        self.handle.as_ref().expect("running")
    }

    fn cmd(&self, tool_name: &str) -> Command {
        let mut c = Command::new(tool(tool_name));
        c.env("HOME", self.dir.join("home"))
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CACHE_HOME", self.dir.join("home/.cache/helm"))
            .env("HELM_CONFIG_HOME", self.dir.join("home/.config/helm"))
            .env("HELM_DATA_HOME", self.dir.join("home/.local/share/helm"))
            .env_remove("KUBERNETES_SERVICE_HOST");
        c
    }

    /// Runs kubectl with a private cache dir.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        let mut c = self.cmd("kubectl");
        c.arg("--cache-dir").arg(self.dir.join("kcache")).args(args);
        c.output().expect("run kubectl")
    }

    /// Runs kubectl and asserts success, returning stdout.
    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let o = self.kubectl(args);
        assert!(
            o.status.success(),
            "kubectl {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Runs a helm binary (`helm` or `helm-3`).
    pub fn helm(&self, bin: &str, args: &[&str]) -> Output {
        let mut c = self.cmd(bin);
        c.args(args);
        c.output().expect("run helm")
    }

    pub fn helm_ok(&self, bin: &str, args: &[&str]) -> String {
        let o = self.helm(bin, args);
        assert!(
            o.status.success(),
            "{bin} {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Writes a file under the scratch dir and returns its path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
