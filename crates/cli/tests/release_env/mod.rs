//! Shared harness of the release command tests: an in-process sandbox with a private
//! kubeconfig and helm home, the reference helm 4.3.1 from `.tools`, and the capstan binary,
//! run with the same environment so their outputs can be compared byte for byte.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use capstan_sandbox::{serve, Handle, SandboxConfig};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The reference helm 4.3.1, or a failure saying how to install it.
pub fn helm_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm");
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        p.display()
    );
    p
}

/// The capstan binary under test.
pub fn capstan_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capstan"))
}

/// A running sandbox with its own scratch directory and helm home.
pub struct Env {
    pub rt: tokio::runtime::Runtime,
    pub handle: Option<Handle>,
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
    /// Extra environment for both binaries (e.g. `HELM_DRIVER`).
    pub vars: Vec<(String, String)>,
}

impl Env {
    /// A sandbox whose pods start and finish quickly.
    pub fn start() -> Self {
        let cfg = SandboxConfig {
            pod_start_delay: Duration::from_millis(100),
            pod_run_duration: Duration::from_millis(100),
            ..SandboxConfig::default()
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("capstan-cli-rel-{}-{n}", std::process::id()));
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
            vars: Vec::new(),
        }
    }

    /// The sandbox.
    pub fn handle(&self) -> &Handle {
        self.handle.as_ref().expect("running")
    }

    fn cmd(&self, bin: &Path) -> Command {
        let mut c = Command::new(bin);
        c.env("HOME", self.dir.join("home"))
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CACHE_HOME", self.dir.join("home/.cache/helm"))
            .env("HELM_CONFIG_HOME", self.dir.join("home/.config/helm"))
            .env("HELM_DATA_HOME", self.dir.join("home/.local/share/helm"))
            .env("NO_COLOR", "1")
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_DRIVER")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .current_dir(&self.dir);
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs the reference helm.
    pub fn helm(&self, args: &[&str]) -> Output {
        self.cmd(&helm_bin()).args(args).output().expect("run helm")
    }

    /// Runs helm and asserts success.
    pub fn helm_ok(&self, args: &[&str]) -> String {
        let o = self.helm(args);
        assert!(
            o.status.success(),
            "helm {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Runs capstan.
    pub fn capstan(&self, args: &[&str]) -> Output {
        self.cmd(&capstan_bin())
            .args(args)
            .output()
            .expect("run capstan")
    }

    /// Runs kubectl.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/kubectl");
        self.cmd(&bin)
            .arg("--cache-dir")
            .arg(self.dir.join("kcache"))
            .args(args)
            .output()
            .expect("run kubectl")
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

    /// Runs helm and capstan with the same arguments; panics with both outputs when stdout,
    /// stderr or the exit status differ (after `normalise`, applied to both).
    pub fn same_as_helm_with(&self, args: &[&str], normalise: fn(&str) -> String) {
        let h = self.helm(args);
        let c = self.capstan(args);
        let (ho, co) = (
            normalise(&String::from_utf8_lossy(&h.stdout)),
            normalise(&String::from_utf8_lossy(&c.stdout)),
        );
        let (he, ce) = (
            String::from_utf8_lossy(&h.stderr).into_owned(),
            String::from_utf8_lossy(&c.stderr).into_owned(),
        );
        assert_eq!(co, ho, "stdout of {args:?}\ncapstan stderr: {ce}");
        assert_eq!(ce, he, "stderr of {args:?}");
        assert_eq!(c.status.code(), h.status.code(), "exit status of {args:?}");
    }

    /// [`Self::same_as_helm_with`] without normalisation.
    pub fn same_as_helm(&self, args: &[&str]) {
        self.same_as_helm_with(args, |s| s.to_owned());
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

/// A chart with a ConfigMap, NOTES, a pre-install/pre-upgrade Job hook and a test Pod; the
/// `failPre` / `failTest` values make the pre hook / the test fail (sandbox annotation),
/// `keep` gives the ConfigMap `helm.sh/resource-policy: keep`, `secret` adds a Secret.
pub fn demo_chart(env: &Env) -> String {
    env.write(
        "demo/Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2.3\"\ndescription: demo\n\
         annotations:\n  team: core\n  tier: backend\n",
    );
    env.write(
        "demo/values.yaml",
        "message: hello\nfailPre: false\nfailTest: false\nkeep: false\nsecret: false\nnested:\n  a: 1\n  b: [x, y]\n  gone: 3\n",
    );
    env.write(
        "demo/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n{{- if .Values.keep }}\n  annotations:\n    helm.sh/resource-policy: keep\n{{- end }}\ndata:\n  message: {{ .Values.message | quote }}\n",
    );
    env.write(
        "demo/templates/test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\n    sandbox.capstan.dev/logs: \"test ok\"\n{{- if .Values.failTest }}\n    sandbox.capstan.dev/exit-code: \"2\"\n{{- end }}\nspec:\n  restartPolicy: Never\n  containers:\n  - name: t\n    image: busybox\n    command: [\"true\"]\n",
    );
    env.write(
        "demo/templates/pre.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-pre\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"-1\"\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sandbox.capstan.dev/exit-code: \"{{ if .Values.failPre }}1{{ else }}0{{ end }}\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: j\n        image: busybox\n        command: [\"true\"]\n",
    );
    env.write(
        "demo/templates/secret.yaml",
        "{{- if .Values.secret }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret\nstringData:\n  password: hunter2\n{{- end }}\n",
    );
    env.write(
        "demo/templates/NOTES.txt",
        "Thanks for installing {{ .Release.Name }}.\nMessage: {{ .Values.message }}\n",
    );
    env.dir.join("demo").display().to_string()
}

/// The `Error: …` lines of a command's stderr.
pub fn error_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.starts_with("Error: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops timestamps (and file modification times) from a decoded record.
pub fn strip_times(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for k in [
                "first_deployed",
                "last_deployed",
                "deleted",
                "started_at",
                "completed_at",
                "modtime",
                "schemamodtime",
                "generated",
            ] {
                m.remove(k);
            }
            m.values_mut().for_each(strip_times);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_times),
        _ => {}
    }
}

/// Every stored release record (Secrets labelled `owner=helm`): the Secret's name, the
/// record decoded (it must be one helm can read) minus times, and the Secret's labels.
pub fn stored_records(env: &Env) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    use base64::Engine;
    let out = env.kubectl(&["get", "secrets", "-A", "-l", "owner=helm", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("secret list");
    let mut recs = Vec::new();
    for item in list["items"].as_array().expect("items") {
        let name = item["metadata"]["name"].as_str().unwrap_or("").to_owned();
        let text = base64::engine::general_purpose::STANDARD
            .decode(item["data"]["release"].as_str().expect("release data"))
            .expect("base64");
        let rel = capstan_release::decode_release(&String::from_utf8_lossy(&text))
            .expect("a record helm can read");
        let mut v = serde_json::to_value(&rel).expect("json");
        strip_times(&mut v);
        recs.push((name, v, item["metadata"]["labels"].clone()));
    }
    recs
}
