//! The differential harness: runs a scenario (a sequence of CLI steps) with one binary (real
//! helm 4.3.1, or capstan) against a fresh in-process sandbox and captures, after each step,
//! what a user and the cluster can observe: exit code, normalised stdout/stderr, the decoded
//! release records (timestamps blanked), the objects left in the namespace, and the order of
//! hook object writes and deletions from the sandbox's audit log.
#![allow(dead_code)]

use capstan_sandbox::{serve, AuditRecord, Handle, SandboxConfig};
use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Longest a single CLI step may run before the harness kills it (helm's own `--timeout` is
/// far shorter; this only keeps a hung binary from hanging the test).
pub const STEP_LIMIT: Duration = Duration::from_secs(180);

/// Hook objects in the lifecycle charts are all named with this prefix, which is how the
/// audit log's hook operations are told apart from the release's regular objects.
pub const HOOK_PREFIX: &str = "hk-";

/// The reference helm 4.3.1, or a failure telling how to install it.
pub fn helm_bin() -> PathBuf {
    tool("helm")
}

/// A reference tool from `.tools` (never skipped: a missing tool fails with the fix).
pub fn tool(name: &str) -> PathBuf {
    let dir = std::env::var_os("CAPSTAN_REFERENCE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools"));
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        p.display()
    );
    p
}

/// The capstan binary built from crates/cli.
pub fn capstan_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capstan"))
}

/// A chart of `testdata/lifecycle-charts`.
pub fn chart(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/lifecycle-charts")
        .join(name)
        .canonicalize()
        .unwrap_or_else(|e| panic!("chart {name}: {e}"))
        .display()
        .to_string()
}

/// A fresh sandbox with its own scratch directory, kubeconfig and helm home.
pub struct Sandbox {
    rt: tokio::runtime::Runtime,
    handle: Option<Handle>,
    /// Scratch directory (removed on drop).
    pub dir: PathBuf,
    /// Kubeconfig pointing at this sandbox.
    pub kubeconfig: PathBuf,
}

impl Sandbox {
    /// Starts a sandbox with fast pod timings (hooks finish in ~100 ms).
    pub fn start() -> Self {
        let cfg = SandboxConfig {
            pod_start_delay: Duration::from_millis(50),
            pod_run_duration: Duration::from_millis(50),
            ..SandboxConfig::default()
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("capstan-lcdiff-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("scratch dir");
        let handle = rt.block_on(serve(cfg)).expect("sandbox starts");
        let kubeconfig = dir.join("kubeconfig");
        handle.write_kubeconfig(&kubeconfig).expect("kubeconfig");
        // helm warns about group/world-readable kubeconfigs; keep stderr clean.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&kubeconfig, std::fs::Permissions::from_mode(0o600));
        }
        Self {
            rt,
            handle: Some(handle),
            dir,
            kubeconfig,
        }
    }

    /// The running server.
    pub fn handle(&self) -> &Handle {
        self.handle.as_ref().expect("sandbox running")
    }

    /// Every audited request so far.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.handle().audit()
    }

    /// A command for `bin` with this sandbox's kubeconfig and a private helm home.
    pub fn command(&self, bin: &Path) -> Command {
        let mut c = Command::new(bin);
        let home = self.dir.join("home");
        c.env("HOME", &home)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CACHE_HOME", home.join(".cache/helm"))
            .env("HELM_CONFIG_HOME", home.join(".config/helm"))
            .env("HELM_DATA_HOME", home.join(".local/share/helm"))
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_DRIVER")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// GET `path` from the API and parse the JSON answer.
    pub fn get_json(&self, path: &str) -> Value {
        let text = http_get(&self.handle().addr().to_string(), path)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
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

/// A minimal HTTP/1.0 GET (the sandbox answers HTTP/1.0 without chunking and closes).
fn http_get(addr: &str, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    match text.split_once("\r\n\r\n") {
        Some((_, body)) => Ok(body.to_string()),
        None => Err(std::io::Error::other(format!("no HTTP body in {text:?}"))),
    }
}

/// What one finished command printed and returned.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Exit code; -1 when killed by a signal or by the step limit.
    pub code: i32,
    /// Raw stdout.
    pub stdout: String,
    /// Raw stderr (with a harness note appended when the step limit killed it).
    pub stderr: String,
}

/// Runs `cmd` to completion, killing it after `STEP_LIMIT`.
pub fn run_limited(mut cmd: Command) -> Ran {
    let mut child = cmd.spawn().expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut killed = false;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > STEP_LIMIT {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let mut stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    if killed {
        stderr.push_str(&format!("\n[harness: killed after {STEP_LIMIT:?}]\n"));
    }
    Ran {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// One step of a scenario: the command line after the binary name. `{chart}` is replaced by
/// the scenario's chart path.
pub type Step = &'static [&'static str];

/// A scenario: a chart and the steps run against one fresh sandbox.
pub struct Scenario {
    /// Unique name.
    pub name: &'static str,
    /// Directory under testdata/lifecycle-charts.
    pub chart: &'static str,
    /// The command lines, in order.
    pub steps: &'static [Step],
}

/// Everything observed after one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepCapture {
    /// The command line (chart path shown as `{chart}`).
    pub args: String,
    /// Exit code.
    pub code: i32,
    /// stdout with dates, durations and the binary's own name normalised.
    pub stdout: String,
    /// stderr, normalised the same way.
    pub stderr: String,
    /// Decoded release records (sorted by Secret name), timestamps blanked.
    pub records: Vec<Value>,
    /// Objects in the namespace after the step (`Kind/name {labels} {annotations}`), sorted.
    pub objects: Vec<String>,
    /// Successful writes (`apply`) and deletions of hook objects during the step, in order.
    pub hook_ops: Vec<String>,
    /// Successful writes and deletions of the release's regular objects during the step,
    /// sorted (helm applies objects of one kind concurrently, so their order is not fixed).
    pub object_ops: Vec<String>,
}

impl StepCapture {
    /// The capture as JSON, for the files written beside the test output.
    pub fn to_json(&self) -> Value {
        json!({
            "args": self.args, "code": self.code, "stdout": self.stdout, "stderr": self.stderr,
            "records": self.records, "objects": self.objects, "hook_ops": self.hook_ops,
            "object_ops": self.object_ops,
        })
    }

    /// The stored status of revision `rev` (`None` when no such record exists).
    pub fn status_of(&self, rev: u64) -> Option<String> {
        self.records
            .iter()
            .find(|r| r["version"].as_u64() == Some(rev))
            .and_then(|r| r["info"]["status"].as_str())
            .map(String::from)
    }

    /// Whether an object `Kind/name` exists after the step.
    pub fn has_object(&self, kind_name: &str) -> bool {
        self.objects
            .iter()
            .any(|o| o.split(' ').next() == Some(kind_name))
    }
}

/// capstan's own flags (beyond helm), dropped from the command line when helm runs a step.
pub const CAPSTAN_ONLY_FLAGS: &[&str] = &["--fail-on-hook-error"];

/// Runs every step of `sc` with `bin` on a fresh sandbox.
pub fn run_scenario(bin: &Path, sc: &Scenario) -> Vec<StepCapture> {
    let sb = Sandbox::start();
    let chart_path = chart(sc.chart);
    let mut out = Vec::new();
    for step in sc.steps {
        let is_helm = bin
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("helm"));
        let args: Vec<String> = step
            .iter()
            .filter(|a| !(is_helm && CAPSTAN_ONLY_FLAGS.contains(a)))
            .map(|a| a.replace("{chart}", &chart_path))
            .collect();
        let before = sb.audit().len();
        let mut cmd = sb.command(bin);
        cmd.args(&args);
        let ran = run_limited(cmd);
        let audit = sb.audit();
        out.push(capture(&sb, step, &ran, &audit[before.min(audit.len())..]));
    }
    out
}

/// Builds the capture of one finished step.
pub fn capture(sb: &Sandbox, step: Step, ran: &Ran, audit: &[AuditRecord]) -> StepCapture {
    let (hook_ops, mut object_ops) = operations(audit);
    object_ops.sort();
    StepCapture {
        args: step.join(" "),
        code: ran.code,
        stdout: normalise_text(&ran.stdout),
        stderr: normalise_text(&ran.stderr),
        records: records(sb),
        objects: objects(sb),
        hook_ops,
        object_ops,
    }
}

/// Hook and regular-object operations of an audit slice. Release records (Secrets named
/// `sh.helm.release.v1.*`) and reads are left out; a write is a create or a patch.
pub fn operations(audit: &[AuditRecord]) -> (Vec<String>, Vec<String>) {
    let mut hooks = Vec::new();
    let mut objects = Vec::new();
    for r in audit {
        if r.code >= 300 || r.name.is_empty() || r.name.starts_with("sh.helm.release.v1.") {
            continue;
        }
        let op = match r.verb.as_str() {
            "create" | "patch" | "update" => "apply",
            "delete" => "delete",
            _ => continue,
        };
        // capstan's operation lock (a Lease per release, renewed while it works) has no
        // helm counterpart: a deliberate difference (crash safety, docs/storage.md).
        if r.resource == "leases" && r.name.starts_with("capstan-release-lock.") {
            continue;
        }
        let line = format!("{op} {} {}", r.resource, r.name);
        if r.name.starts_with(HOOK_PREFIX) {
            // A status or subresource write is not a hook operation.
            if !r.resource.contains('/') {
                hooks.push(line);
            }
        } else {
            objects.push(line);
        }
    }
    (hooks, objects)
}

/// The decoded release records in `default`, sorted by Secret name.
pub fn records(sb: &Sandbox) -> Vec<Value> {
    let list = sb.get_json("/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm");
    let mut items: Vec<Value> = list["items"].as_array().cloned().unwrap_or_default();
    items.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    items
        .iter()
        .map(|s| {
            let data = s["data"]["release"].as_str().unwrap_or_default();
            let b64 = decode_b64(data);
            let json = capstan_release::codec::decode_release_json(&b64)
                .unwrap_or_else(|e| panic!("release record does not decode: {e}"));
            let mut rel: Value = serde_json::from_slice(&json).expect("release JSON");
            blank_times(&mut rel);
            let mut labels = s["metadata"]["labels"].clone();
            if let Some(m) = labels.as_object_mut() {
                for k in ["createdAt", "modifiedAt"] {
                    if m.contains_key(k) {
                        m.insert(k.into(), json!("<time>"));
                    }
                }
            }
            rel["$secret"] = json!({
                "name": s["metadata"]["name"], "type": s["type"], "labels": labels,
            });
            rel
        })
        .collect()
}

/// Secrets come back with `data` base64-encoded; the release payload is itself base64, so
/// undo the outer layer here.
fn decode_b64(data: &str) -> String {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("Secret data is base64");
    String::from_utf8(raw).expect("release payload is text")
}

/// Replaces every timestamp of a release record with `<time>`.
fn blank_times(rel: &mut Value) {
    if let Some(info) = rel["info"].as_object_mut() {
        for k in ["first_deployed", "last_deployed", "deleted"] {
            if info
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
            {
                info.insert(k.into(), json!("<time>"));
            }
        }
    }
    if let Some(hooks) = rel["hooks"].as_array_mut() {
        for h in hooks {
            if let Some(lr) = h["last_run"].as_object_mut() {
                for k in ["started_at", "completed_at"] {
                    if lr
                        .get(k)
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.is_empty())
                    {
                        lr.insert(k.into(), json!("<time>"));
                    }
                }
            }
        }
    }
}

/// Kinds listed after each step, with the API path of their collection in `default`.
const LISTED: &[(&str, &str)] = &[
    ("ConfigMap", "/api/v1/namespaces/default/configmaps"),
    ("Secret", "/api/v1/namespaces/default/secrets"),
    (
        "ServiceAccount",
        "/api/v1/namespaces/default/serviceaccounts",
    ),
    ("Service", "/api/v1/namespaces/default/services"),
    ("Pod", "/api/v1/namespaces/default/pods"),
    ("Job", "/apis/batch/v1/namespaces/default/jobs"),
    ("Deployment", "/apis/apps/v1/namespaces/default/deployments"),
];

/// The objects in `default`, without the fresh sandbox's own (`default` ServiceAccount,
/// `kubernetes` Service), the release records, and the pods Jobs own (named randomly; the
/// Job stands for them).
pub fn objects(sb: &Sandbox) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, path) in LISTED {
        let list = sb.get_json(path);
        for o in list["items"].as_array().into_iter().flatten() {
            let m = &o["metadata"];
            let name = m["name"].as_str().unwrap_or_default();
            let own = (*kind == "ServiceAccount" && name == "default")
                || (*kind == "Service" && name == "kubernetes")
                || (*kind == "ConfigMap" && name == "kube-root-ca.crt")
                || name.starts_with("sh.helm.release.v1.");
            let job_pod = m["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["kind"] == "Job"));
            if own || job_pod {
                continue;
            }
            out.push(format!(
                "{kind}/{name} labels={} annotations={}",
                Value::Object(clean_map(&m["labels"])),
                Value::Object(clean_map(&m["annotations"]))
            ));
        }
    }
    out.sort();
    out
}

/// Labels/annotations with the values that differ run to run (uids) blanked.
fn clean_map(v: &Value) -> Map<String, Value> {
    let mut m = v.as_object().cloned().unwrap_or_default();
    for (k, val) in m.iter_mut() {
        if k.contains("controller-uid") {
            *val = json!("<uid>");
        }
    }
    m
}

/// Blanks what legitimately differs between runs and binaries: Go-style dates
/// (`Sat Dec  5 18:17:43 2026`), RFC 3339 times, and the binary's name where a message
/// names it (`helm` ↔ `capstan`, e.g. in "Use 'helm ...'").
pub fn normalise_text(s: &str) -> String {
    let s = blank_go_dates(s);
    let s = blank_rfc3339(&s);
    let s = s.replace("capstan", "<bin>").replace("helm ", "<bin> ");
    let s = sort_status_resources(&blank_ipv4(&s));
    let mut out = String::with_capacity(s.len());
    let mut in_diagnostics = false;
    for line in s.split_inclusive('\n') {
        // client-go's klog lines (watch ends, throttling) come and go with timing.
        if is_klog(line) {
            continue;
        }
        // Deliberate differences on stderr (see STDERR_DIFFERENCES): capstan's hook failure
        // diagnostics block and helm's slog line for the same failure are dropped; the
        // unknown-hook notices of both become one marker.
        if in_diagnostics && line.starts_with("  ") {
            continue;
        }
        in_diagnostics = false;
        if line.starts_with("hook ") && line.contains(" failed: ") {
            in_diagnostics = true;
            continue;
        }
        if line.starts_with("level=WARN msg=\"upgrade failed\"") {
            continue;
        }
        if line.starts_with("level=INFO msg=\"skipping unknown hooks\"")
            || line.starts_with("WARNING: skipping unknown hook")
        {
            out.push_str("<unknown-hook notice>\n");
            continue;
        }
        // `status` tables show object ages; blank them and the alignment they shift.
        if line.split_whitespace().any(is_age) {
            let toks: Vec<&str> = line
                .split_whitespace()
                .map(|t| if is_age(t) { "<age>" } else { t })
                .collect();
            out.push_str(&toks.join(" "));
            out.push('\n');
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Deliberate stderr differences the normalisation removes, with the reason (reported by the
/// differential suite and docs/lifecycle-diff.md).
pub const STDERR_DIFFERENCES: &[&str] = &[
    "capstan prints a failed hook's diagnostics (reason, Job/Pod events, container state, last \
     log lines) before the error (issue 7 §4, on by default); helm prints a \
     `level=WARN msg=\"upgrade failed\"` log line instead. The `Error:` lines must be equal.",
    "an unknown `helm.sh/hook` value: helm logs `level=INFO msg=\"skipping unknown hooks\"`, \
     capstan warns naming the file (issue 7 §2); both must say something.",
];

/// Blanks dotted IPv4 addresses (Service cluster IPs in `status` tables come from the
/// sandbox's counter, which dry-run creates also advance).
fn blank_ipv4(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, tok) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = tok.trim_end_matches('\n');
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push_str("<ip>");
            out.push_str(&tok[core.len()..]);
        } else {
            out.push_str(tok);
        }
    }
    out
}

/// helm prints `status`'s `RESOURCES:` groups (`==> v1/ConfigMap`, ...) in Go map order,
/// which varies run to run: sort the groups.
fn sort_status_resources(s: &str) -> String {
    let Some(start) = s.find("RESOURCES:\n") else {
        return s.to_string();
    };
    let body_start = start + "RESOURCES:\n".len();
    let rest = &s[body_start..];
    // The section ends at the next top-level header (`NOTES:`, `TEST SUITE:`, ...).
    let mut end = rest.len();
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        let top = line.split_once(':').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
        });
        if top && !line.starts_with("==>") {
            end = pos;
            break;
        }
        pos += line.len();
    }
    let section = &rest[..end];
    let mut blocks: Vec<String> = Vec::new();
    for line in section.split_inclusive('\n') {
        if line.starts_with("==> ") || blocks.is_empty() {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
        }
    }
    // helm separates groups with a blank line and ends the section with one more; trim and
    // rejoin so the order is the only thing normalised away.
    let mut blocks: Vec<String> = blocks
        .iter()
        .map(|b| b.trim_end_matches('\n').to_string())
        .filter(|b| !b.is_empty())
        .collect();
    blocks.sort();
    let mut joined = blocks.join("\n\n");
    joined.push_str("\n\n\n");
    format!("{}{}{}", &s[..body_start], joined, &rest[end..])
}

/// `I1205 18:24:45.231900   31464 reflector.go:664] ...`
fn is_klog(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[8] == b':'
        && b[11] == b':'
        && b[14] == b'.'
}

/// kubectl-style ages: `5s`, `3m2s`, `4h`, `2d3h`.
fn is_age(t: &str) -> bool {
    let mut digits = false;
    let mut units = 0;
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits = true;
        } else if matches!(c, 's' | 'm' | 'h' | 'd') && digits {
            digits = false;
            units += 1;
        } else {
            return false;
        }
    }
    units > 0 && !digits
}

fn blank_go_dates(s: &str) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        // "Mon Jan _2 15:04:05 2006" is 24 bytes.
        if i + 24 <= b.len()
            && s.is_char_boundary(i)
            && s.is_char_boundary(i + 24)
            && DAYS.iter().any(|d| s[i..].starts_with(d))
            && looks_like_go_date(&b[i..i + 24])
        {
            out.push_str("<date>");
            i += 24;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn looks_like_go_date(w: &[u8]) -> bool {
    let digit = |c: u8| c.is_ascii_digit();
    w[3] == b' '
        && w[4].is_ascii_uppercase()
        && w[7] == b' '
        && (w[8] == b' ' || digit(w[8]))
        && digit(w[9])
        && w[10] == b' '
        && digit(w[11])
        && digit(w[12])
        && w[13] == b':'
        && w[16] == b':'
        && w[19] == b' '
        && w[20..24].iter().all(|c| digit(*c))
}

fn blank_rfc3339(s: &str) -> String {
    // 2026-12-05T18:17:43[.frac][Z|+hh:mm]
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if i + 19 <= b.len()
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 7] == b'-'
            && b[i + 10] == b'T'
            && b[i + 13] == b':'
            && b[i + 16] == b':'
        {
            let mut j = i + 19;
            while j < b.len()
                && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'Z' | b'+' | b':'))
            {
                j += 1;
            }
            out.push_str("<time>");
            i = j;
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Writes a scenario's captures to `<target tmp>/lifecycle-diff/<bin>/<scenario>.json` for
/// inspection; returns the path.
pub fn save(bin_label: &str, sc: &Scenario, caps: &[StepCapture]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lifecycle-diff")
        .join(bin_label);
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(format!("{}.json", sc.name));
    let v: Vec<Value> = caps.iter().map(StepCapture::to_json).collect();
    let _ = std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap_or_default());
    p
}

/// Runs `f` over `items` on up to `threads` threads, keeping the input order of results.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_blanked() {
        assert_eq!(
            normalise_text("LAST DEPLOYED: Sat Dec  5 18:17:43 2026\nx"),
            "LAST DEPLOYED: <date>\nx"
        );
        assert_eq!(
            normalise_text("at 2026-12-05T18:17:43.123456Z ok"),
            "at <time> ok"
        );
        assert_eq!(normalise_text("Error: helm failed"), "Error: <bin> failed");
        assert_eq!(
            normalise_text("I1205 18:24:45.231900   31464 reflector.go:664] x\nok\n"),
            "ok\n"
        );
        assert_eq!(
            normalise_text("r-kept   1     12s\nNAME  AGE\n"),
            "r-kept 1 <age>\nNAME  AGE\n"
        );
        assert_eq!(
            normalise_text("hook Job/x failed: boom\n  events Job/x: y\nError: boom\n"),
            "Error: boom\n"
        );
        assert_eq!(normalise_text("ip 10.96.0.21 x"), "ip <ip> x");
        let st = "A\nRESOURCES:\n==> v1/Service\nNAME\n\n==> v1/ConfigMap\nNAME\n\nNOTES:\nn\n";
        assert_eq!(
            sort_status_resources(st),
            "A\nRESOURCES:\n==> v1/ConfigMap\nNAME\n\n==> v1/Service\nNAME\n\n\nNOTES:\nn\n"
        );
    }
}
