//! The lifecycle commands end to end: the same sequence (install, upgrade, failing upgrade,
//! rollback, test, uninstall, failing install, `upgrade --install`, dry runs) run by real
//! helm 4.3.1 on one in-process sandbox and by capstan on another. Compared: exit codes,
//! stdout (with the times of the moment replaced), the `Error:` line, and every stored
//! release record decoded, minus its timestamps.

mod release_env;

use std::collections::BTreeMap;

use release_env::{demo_chart, error_line, stored_records, strip_times, Env};
use serde_json::Value;

/// Replaces the wall-clock parts of helm's status output (and the RFC 3339 times of JSON and
/// YAML output).
fn times(s: &str) -> String {
    let rfc3339 = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
        .expect("regex");
    let s = rfc3339.replace_all(s, "<time>");
    s.lines()
        .map(|l| {
            for key in ["LAST DEPLOYED: ", "Last Started:   ", "Last Completed: "] {
                if l.starts_with(key) {
                    return format!("{key}<time>");
                }
            }
            l.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The JSON paths where `a` and `b` differ, with both values (long strings cut).
fn diff_paths(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                diff_paths(&format!("{path}/{k}"), va, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff_paths(&format!("{path}/{i}"), va, vb, out);
            }
        }
        _ if a != b => {
            let cut = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            out.push(format!("{path}: {} / {}", cut(a), cut(b)));
        }
        _ => {}
    }
}

/// Every stored release record of the sandbox (Secrets), by storage key, decoded.
fn records(env: &Env) -> BTreeMap<String, Value> {
    stored_records(env)
        .into_iter()
        .map(|(name, record, labels)| {
            let status = labels["status"].clone();
            (
                name,
                serde_json::json!({"record": record, "status_label": status}),
            )
        })
        .collect()
}

struct Pair {
    helm: Env,
    capstan: Env,
    chart: String,
}

impl Pair {
    fn new() -> Pair {
        let helm = Env::start();
        let capstan = Env::start();
        // One chart directory for both, so the stored chart (file times included) is equal.
        let chart = demo_chart(&helm);
        Pair {
            helm,
            capstan,
            chart,
        }
    }

    /// Runs `args` with helm on one sandbox and capstan on the other; compares exit status,
    /// stdout (times replaced) and the error line. Returns helm's exit code.
    fn same(&self, args: &[&str]) -> Option<i32> {
        let args: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "CHART" {
                    self.chart.as_str()
                } else {
                    a
                }
            })
            .collect();
        let h = self.helm.helm(&args);
        let c = self.capstan.capstan(&args);
        let c_err = String::from_utf8_lossy(&c.stderr).into_owned();
        assert_eq!(
            c.status.code(),
            h.status.code(),
            "exit status of {args:?}\nhelm stderr: {}\ncapstan stderr: {c_err}",
            String::from_utf8_lossy(&h.stderr)
        );
        let mut c_out = String::from_utf8_lossy(&c.stdout).into_owned();
        if args.windows(2).any(|w| w == ["-o", "json"]) {
            // capstan streams its events first; the release is the last line, as helm's.
            c_out = c_out
                .lines()
                .last()
                .map(|l| format!("{l}\n"))
                .unwrap_or_default();
        }
        assert_eq!(
            times(&c_out),
            times(&String::from_utf8_lossy(&h.stdout)),
            "stdout of {args:?}\ncapstan stderr: {c_err}"
        );
        assert_eq!(error_line(&c), error_line(&h), "error of {args:?}");
        h.status.code()
    }

    fn same_records(&self, when: &str) {
        let (c, h) = (records(&self.capstan), records(&self.helm));
        if c != h {
            let mut diffs = Vec::new();
            diff_paths(
                "",
                &serde_json::to_value(&c).unwrap_or_default(),
                &serde_json::to_value(&h).unwrap_or_default(),
                &mut diffs,
            );
            panic!(
                "stored records differ after {when} (path: capstan / helm):\n{}",
                diffs.join("\n")
            );
        }
    }
}

#[test]
fn lifecycle_sequence_matches_helm() {
    let p = Pair::new();
    p.same(&["install", "r", "CHART"]);
    p.same_records("install");
    p.same(&["upgrade", "r", "CHART", "--set", "message=bye"]);
    p.same_records("upgrade");
    p.same(&["upgrade", "r", "CHART", "--set", "failPre=true"]);
    p.same_records("failing upgrade");
    p.same(&["rollback", "r", "2"]);
    p.same_records("rollback");
    p.same(&["test", "r"]);
    p.same(&["test", "r", "--logs"]);
    p.same_records("test");
    p.same(&["history", "r", "-o", "json", "--max", "0"]);
    p.same(&["uninstall", "r", "--keep-history"]);
    p.same_records("uninstall --keep-history");
    p.same(&["uninstall", "r"]);
    p.same(&["uninstall", "r"]);
    p.same(&["uninstall", "r", "--ignore-not-found"]);
    p.same_records("uninstall");
}

#[test]
fn failures_and_variants_match_helm() {
    let p = Pair::new();
    p.same(&["install", "bad", "CHART", "--set", "failPre=true"]);
    p.same_records("failing install");
    p.same(&["install", "bad", "CHART"]);
    p.same(&["install", "bad", "CHART", "--replace"]);
    p.same_records("install --replace");
    p.same(&["upgrade", "--install", "new", "CHART", "--labels", "team=a"]);
    p.same(&["upgrade", "--install", "new", "CHART", "--reuse-values"]);
    p.same_records("upgrade --install");
    p.same(&["upgrade", "nope", "CHART"]);
    p.same(&["rollback", "new", "99"]);
    p.same(&["rollback", "nope"]);
    p.same(&["install", "Bad_Name", "CHART"]);
    p.same(&["install", "CHART"]);
    p.same(&["install", "x", "CHART", "--dry-run=client"]);
    p.same(&[
        "install",
        "y",
        "CHART",
        "--no-hooks",
        "--description",
        "custom",
    ]);
    p.same(&[
        "install",
        "z",
        "CHART",
        "--rollback-on-failure",
        "--set",
        "failPre=true",
    ]);
    p.same_records("variants");
    p.same(&["uninstall"]);
    p.same(&["test"]);
    p.same(&["upgrade", "y"]);
}

#[test]
fn json_output_streams_events_then_the_release() {
    let p = Pair::new();
    let c = p.capstan.capstan(&["install", "j", &p.chart, "-o", "json"]);
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let text = String::from_utf8_lossy(&c.stdout).into_owned();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let (last, events) = lines.split_last().expect("output");
    assert!(
        events.iter().any(|e| e["event"] == "hook-created"),
        "{text}"
    );
    assert!(
        events.iter().any(|e| e["event"] == "release-recorded"),
        "{text}"
    );
    // The last line is the release, as helm's `install -o json` prints it.
    let h = p.helm.helm(&["install", "j", &p.chart, "-o", "json"]);
    let mut hv: Value = serde_json::from_slice(&h.stdout).expect("helm json");
    let mut cv = last.clone();
    strip_times(&mut hv);
    strip_times(&mut cv);
    assert!(
        cv == hv,
        "release JSON differs:\ncapstan {cv}\nhelm    {hv}"
    );
}

#[test]
fn generate_name_uses_the_chart_name() {
    let env = Env::start();
    let chart = demo_chart(&env);
    let c = env.capstan(&["install", &chart, "--generate-name"]);
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let out = String::from_utf8_lossy(&c.stdout);
    let name = out
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("NAME: demo-"))
        .expect("NAME: demo-<seconds>");
    assert!(name.chars().all(|c| c.is_ascii_digit()), "{out}");
}

#[test]
fn hook_default_delete_policy_is_stored_as_helm_does() {
    let p = Pair::new();
    p.same(&["install", "r", "CHART"]);
    let policies = |env: &Env| -> Vec<Value> {
        let out = env.kubectl(&["get", "secret", "sh.helm.release.v1.r.v1", "-o", "json"]);
        let s: Value = serde_json::from_slice(&out.stdout).expect("secret");
        use base64::Engine;
        let text = base64::engine::general_purpose::STANDARD
            .decode(s["data"]["release"].as_str().expect("data"))
            .expect("base64");
        let rel = capstan_release::decode_release(&String::from_utf8_lossy(&text)).expect("record");
        rel.hooks
            .iter()
            .map(|h| serde_json::json!([h.name, h.delete_policies]))
            .collect()
    };
    assert_eq!(policies(&p.capstan), policies(&p.helm));
}

/// A chart whose pre-install Job runs for a while, logs two lines and exits 3.
fn failing_chart(env: &Env) -> String {
    env.write(
        "fail/Chart.yaml",
        "apiVersion: v2\nname: fail\nversion: 0.1.0\n",
    );
    env.write(
        "fail/templates/pre.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sandbox.capstan.dev/exit-code: \"3\"\n        sandbox.capstan.dev/duration: \"2500ms\"\n        sandbox.capstan.dev/logs: \"connecting to db\\nERROR: relation users does not exist\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: busybox\n        command: [\"false\"]\n",
    );
    env.dir.join("fail").display().to_string()
}

#[test]
fn hook_progress_and_failure_details_on_stderr() {
    let env = Env::start();
    let chart = failing_chart(&env);
    let out = env.capstan(&["install", "f", &chart]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    // Not a terminal: the running hook is reported on plain lines.
    assert!(
        err.lines().any(|l| l.starts_with("hook f-migrate: ")),
        "{err}"
    );
    // The failure: the hook, the pod's last log lines, the Job's events with the reason.
    assert!(err.contains("hook Job/f-migrate failed: "), "{err}");
    assert!(
        err.contains("ERROR: relation users does not exist"),
        "{err}"
    );
    assert!(err.contains("BackoffLimitExceeded"), "{err}");
    assert!(err.contains("exit code 3"), "{err}");
    assert!(
        err.lines().last().is_some_and(|l| l.starts_with(
            "Error: INSTALLATION FAILED: failed pre-install: resource Job/default/f-migrate not ready."
        )),
        "{err}"
    );
    // With -o json the same facts arrive as events on stdout.
    let out = env.capstan(&["install", "g", &chart, "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let events: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let failed = events
        .iter()
        .find(|e| e["event"] == "hook-failed")
        .expect("a hook-failed event");
    assert_eq!(failed["name"], "g-migrate");
    let diag = failed["diagnostics"].to_string();
    assert!(diag.contains("BackoffLimitExceeded"), "{diag}");
    assert!(events
        .iter()
        .any(|e| e["event"] == "release-recorded" && e["status"] == "failed"));
}

#[test]
fn more_flags_match_helm() {
    let p = Pair::new();
    p.same(&[
        "install",
        "r",
        "CHART",
        "-n",
        "team",
        "--create-namespace",
        "--wait",
    ]);
    p.same(&[
        "upgrade",
        "r",
        "CHART",
        "-n",
        "team",
        "--set",
        "message=two",
        "--history-max",
        "2",
    ]);
    p.same(&[
        "upgrade",
        "r",
        "CHART",
        "-n",
        "team",
        "--reuse-values",
        "--set",
        "nested.a=5",
    ]);
    p.same(&["upgrade", "r", "CHART", "-n", "team", "--reset-values"]);
    p.same(&[
        "upgrade",
        "r",
        "CHART",
        "-n",
        "team",
        "--reset-then-reuse-values",
        "--wait",
        "--wait-for-jobs",
        "--timeout",
        "60s",
    ]);
    p.same_records("upgrades with values flags and --history-max 2");
    p.same(&[
        "upgrade",
        "r",
        "CHART",
        "-n",
        "team",
        "--cleanup-on-fail",
        "--set",
        "failPre=true",
    ]);
    p.same(&[
        "rollback",
        "r",
        "-n",
        "team",
        "--no-hooks",
        "--history-max",
        "3",
    ]);
    p.same_records("cleanup-on-fail and rollback");
    p.same(&["test", "r", "-n", "team", "--filter", "name=r-test"]);
    p.same(&["test", "r", "-n", "team", "--filter", "!name=r-test"]);
    p.same(&[
        "uninstall",
        "r",
        "-n",
        "team",
        "--no-hooks",
        "--cascade",
        "foreground",
        "--wait",
    ]);
    p.same_records("uninstall --cascade foreground");
    p.same(&["uninstall", "r", "--cascade", "sideways"]);
    p.same(&["install", "o", "CHART", "-o", "yaml", "--hide-notes"]);
    p.same(&["upgrade", "o", "CHART", "-o", "json", "--labels", "a=b"]);
    p.same(&["install", "w", "CHART", "--timeout", "ten"]);
    p.same(&["install", "ss", "CHART", "--server-side"]);
    p.same(&["upgrade", "ss", "CHART", "--server-side", "true"]);
    p.same(&["upgrade", "ss", "CHART", "--server-side", "bogus"]);
    p.same(&["rollback", "ss", "1", "--server-side", "auto"]);
    p.same(&["install", "sx", "CHART", "--server-side=maybe"]);
    p.same_records("--server-side");
}

/// A chart whose pre-install Job runs for a minute.
fn slow_chart(env: &Env) -> String {
    env.write(
        "slow/Chart.yaml",
        "apiVersion: v2\nname: slow\nversion: 0.1.0\n",
    );
    env.write(
        "slow/templates/pre.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-slow\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    metadata:\n      annotations:\n        sandbox.capstan.dev/duration: \"60s\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: s\n        image: busybox\n        command: [\"sleep\", \"60\"]\n",
    );
    env.dir.join("slow").display().to_string()
}

/// Starts `install NAME CHART` in the background, waits until its hook Job exists, then
/// sends SIGINT; returns the finished process's output.
fn interrupted_install(env: &Env, bin: &std::path::Path, chart: &str) -> std::process::Output {
    let child = std::process::Command::new(bin)
        .args(["install", "s", chart])
        .env("HOME", env.dir.join("home"))
        .env("KUBECONFIG", &env.kubeconfig)
        .env("HELM_CACHE_HOME", env.dir.join("home/.cache/helm"))
        .env("HELM_CONFIG_HOME", env.dir.join("home/.config/helm"))
        .env("HELM_DATA_HOME", env.dir.join("home/.local/share/helm"))
        .env_remove("HELM_DRIVER")
        .env_remove("HELM_NAMESPACE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start");
    let mut waited = 0;
    while !env.kubectl(&["get", "job", "s-slow"]).status.success() {
        waited += 1;
        assert!(waited < 300, "the hook Job never appeared");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    child.wait_with_output().expect("wait")
}

#[test]
fn sigint_cancels_like_helm() {
    let p = Pair::new();
    let chart = slow_chart(&p.helm);
    let h = interrupted_install(&p.helm, &release_env::helm_bin(), &chart);
    let c = interrupted_install(&p.capstan, &release_env::capstan_bin(), &chart);
    assert_eq!(c.status.code(), h.status.code());
    assert_eq!(
        String::from_utf8_lossy(&c.stdout),
        String::from_utf8_lossy(&h.stdout)
    );
    assert_eq!(error_line(&c), error_line(&h));
    assert_eq!(
        error_line(&c),
        "Error: INSTALLATION FAILED: context canceled"
    );
    p.same_records("SIGINT during the pre-install hook");
}

#[test]
fn failing_test_keep_policy_and_dry_runs_match_helm() {
    let p = Pair::new();
    p.same(&["install", "t", "CHART", "--set", "failTest=true,keep=true"]);
    p.same(&["test", "t"]);
    p.same(&["test", "t", "--logs"]);
    p.same_records("failing test");
    p.same(&["uninstall", "t"]);
    p.same_records("uninstall with a kept ConfigMap");
    let kept = |e: &Env| e.kubectl(&["get", "configmap", "t-cm"]).status.success();
    assert!(
        kept(&p.helm) && kept(&p.capstan),
        "the kept ConfigMap stays in both clusters"
    );
    p.same(&["install", "d", "CHART", "--dry-run"]);
    p.same(&["install", "d", "CHART", "--dry-run=server"]);
    p.same(&["install", "d", "CHART", "--dry-run=bogus"]);
    p.same(&["upgrade", "--install", "d", "CHART", "--dry-run=client"]);
    p.same(&[
        "install",
        "h",
        "CHART",
        "--set",
        "secret=true",
        "--dry-run=client",
        "--hide-secret",
    ]);
    p.same(&[
        "install",
        "h",
        "CHART",
        "--set",
        "secret=true",
        "--dry-run=client",
    ]);
    p.same(&["install", "h", "CHART", "--hide-secret"]);
    p.same(&["install", "h", "CHART", "--post-renderer", "kustomize"]);
    p.same(&[
        "install",
        "h",
        "CHART",
        "--version",
        "9.9.9",
        "--devel",
        "--enable-dns",
        "--disable-openapi-validation",
        "--dependency-update",
    ]);
    p.same(&[
        "upgrade",
        "h",
        "CHART",
        "--version",
        "1.0.0",
        "--hide-secret",
        "--dry-run=server",
    ]);
    p.same_records("dry runs (nothing stored)");
}

/// The JSON lines of a capstan `-o json` run: (events, final document).
fn json_lines(o: &std::process::Output) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let last = lines.pop().expect("a final line");
    (lines, last)
}

#[test]
fn json_output_on_rollback_test_and_uninstall() {
    let env = Env::start();
    let chart = demo_chart(&env);
    for args in [
        &["install", "j", &chart][..],
        &["upgrade", "j", &chart, "--set", "message=two"],
    ] {
        let o = env.capstan(args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = env.capstan(&["rollback", "j", "1", "-o", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (events, rel) = json_lines(&o);
    assert!(events.iter().any(|e| e["event"] == "phase-started"));
    assert_eq!(
        (rel["version"].as_i64(), &rel["info"]["status"]),
        (Some(3), &Value::from("deployed"))
    );
    assert_eq!(rel["info"]["description"], "Rollback to 1");

    let o = env.capstan(&["test", "j", "-o", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (events, rel) = json_lines(&o);
    assert!(events
        .iter()
        .any(|e| e["event"] == "hook-succeeded" && e["name"] == "j-test"));
    let test_hook = rel["hooks"]
        .as_array()
        .expect("hooks")
        .iter()
        .find(|h| h["name"] == "j-test")
        .expect("the test hook");
    assert_eq!(test_hook["last_run"]["phase"], "Succeeded");

    let o = env.capstan(&["uninstall", "j", "-o", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (events, rel) = json_lines(&o);
    assert!(events.iter().any(|e| e["event"] == "resource-deleted"));
    assert_eq!(rel["info"]["status"], "uninstalled");
    // Nothing left to uninstall with --ignore-not-found: the document is null.
    let o = env.capstan(&["uninstall", "j", "--ignore-not-found", "-o", "json"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().last(),
        Some("null")
    );
}

/// The live ConfigMap `name` without server-set metadata (uid, versions, managed fields).
fn live_cm(env: &Env, name: &str) -> Value {
    let o = env.kubectl(&["get", "configmap", name, "-o", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cm: Value = serde_json::from_slice(&o.stdout).expect("configmap");
    serde_json::json!({
        "data": cm["data"],
        "labels": cm["metadata"]["labels"],
        "annotations": cm["metadata"]["annotations"],
    })
}

#[test]
fn upgrade_of_a_helm3_release_matches_helm4() {
    let p = Pair::new();
    let helm3 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm-3");
    assert!(
        helm3.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        helm3.display()
    );
    for env in [&p.helm, &p.capstan] {
        let o = std::process::Command::new(&helm3)
            .args(["install", "old", &p.chart])
            .env("HOME", env.dir.join("home"))
            .env("KUBECONFIG", &env.kubeconfig)
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run helm 3");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // An outside edit of a field the chart sets, and a key the chart does not set.
        let o = env.kubectl(&[
            "patch",
            "configmap",
            "old-cm",
            "--type",
            "merge",
            "-p",
            r#"{"data":{"message":"edited","outside":"kept"}}"#,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // helm 4's `--server-side=auto` follows the previous revision's apply method: a helm 3
    // release (none recorded) is updated client-side with a three-way merge and recorded
    // "csa"; the chart's value wins over the edit, the foreign key stays.
    p.same(&["upgrade", "old", "CHART", "--set", "message=four"]);
    p.same_records("client-side upgrade of a helm 3 release");
    let (c, h) = (live_cm(&p.capstan, "old-cm"), live_cm(&p.helm, "old-cm"));
    assert_eq!(c, h, "live ConfigMap after the upgrade (capstan / helm)");
    assert_eq!(c["data"]["outside"], "kept");
    assert_eq!(c["data"]["message"], "four");
    p.same(&["rollback", "old", "1"]);
    p.same_records("client-side rollback");
    assert_eq!(live_cm(&p.capstan, "old-cm"), live_cm(&p.helm, "old-cm"));
    // Switching to server-side apply explicitly records "ssa"; auto then keeps it.
    p.same(&[
        "upgrade",
        "old",
        "CHART",
        "--server-side=true",
        "--set",
        "message=five",
    ]);
    p.same(&["upgrade", "old", "CHART", "--set", "message=six"]);
    p.same(&["upgrade", "old", "CHART", "--server-side=bogus"]);
    p.same_records("server-side upgrades after client-side ones");
    assert_eq!(live_cm(&p.capstan, "old-cm"), live_cm(&p.helm, "old-cm"));
}

#[test]
fn server_dry_run_reads_the_cluster_like_helm() {
    let p = Pair::new();
    // Objects the chart would create, made by someone else beforehand.
    for env in [&p.helm, &p.capstan] {
        for args in [
            &["create", "configmap", "s-cm", "--from-literal=a=b"][..],
            &[
                "create",
                "secret",
                "generic",
                "u-secret",
                "--from-literal=a=b",
            ],
        ] {
            let o = env.kubectl(args);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
    // A client dry run does not look; a server dry run refuses the foreign ConfigMap.
    assert_eq!(
        p.same(&["install", "s", "CHART", "--dry-run=client"]),
        Some(0)
    );
    assert_eq!(
        p.same(&["install", "s", "CHART", "--dry-run=server"]),
        Some(1)
    );
    assert_eq!(
        p.same(&[
            "install",
            "s",
            "CHART",
            "--dry-run=server",
            "--take-ownership"
        ]),
        Some(0)
    );
    assert_eq!(
        p.same(&["upgrade", "--install", "s", "CHART", "--dry-run=server"]),
        Some(1)
    );
    p.same(&["install", "u", "CHART"]);
    // The upgrade would add the foreign Secret: refused in both dry-run modes, as helm does.
    assert_eq!(
        p.same(&[
            "upgrade",
            "u",
            "CHART",
            "--set",
            "secret=true",
            "--dry-run=client"
        ]),
        Some(1)
    );
    assert_eq!(
        p.same(&[
            "upgrade",
            "u",
            "CHART",
            "--set",
            "secret=true",
            "--dry-run=server"
        ]),
        Some(1)
    );
    p.same(&[
        "upgrade",
        "u",
        "CHART",
        "--set",
        "secret=true",
        "--dry-run=server",
        "--take-ownership",
        "--description",
        "trying",
    ]);
    p.same(&[
        "upgrade",
        "u",
        "CHART",
        "--set",
        "message=x",
        "--dry-run=server",
    ]);
    p.same_records("server dry runs (only the real install stored)");
    // Nothing was created or taken over by the dry runs.
    for env in [&p.helm, &p.capstan] {
        let o = env.kubectl(&["get", "configmap", "s-cm", "-o", "json"]);
        let cm: Value = serde_json::from_slice(&o.stdout).expect("configmap");
        assert_eq!(cm["metadata"]["labels"], Value::Null, "s-cm untouched");
        assert!(!env.kubectl(&["get", "job", "s-pre"]).status.success());
        let o = env.kubectl(&["get", "configmap", "u-cm", "-o", "json"]);
        let cm: Value = serde_json::from_slice(&o.stdout).expect("configmap");
        assert_eq!(cm["data"]["message"], "hello", "u-cm not upgraded");
    }
    // A chart with CRDs: helm warns that they are not created by a server dry run.
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n";
    p.helm.write("demo/crds/widgets.yaml", crd);
    let warning = "level=WARN msg=\"This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies.\"";
    for (args, warns) in [
        (
            &["install", "c", p.chart.as_str(), "--dry-run=server"][..],
            true,
        ),
        (
            &["install", "c", p.chart.as_str(), "--dry-run=client"],
            false,
        ),
        (
            &[
                "install",
                "c",
                p.chart.as_str(),
                "--dry-run=server",
                "--skip-crds",
            ],
            false,
        ),
    ] {
        let h = p.helm.helm(args);
        let c = p.capstan.capstan(args);
        let warned =
            |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).contains(warning);
        assert_eq!(warned(&h), warns, "helm's CRD warning of {args:?}");
        assert_eq!(warned(&c), warned(&h), "CRD warning of {args:?}");
        assert_eq!(c.status.code(), h.status.code(), "exit status of {args:?}");
    }
    for env in [&p.helm, &p.capstan] {
        assert!(
            !env.kubectl(&["get", "crd", "widgets.example.com"])
                .status
                .success(),
            "a dry run creates no CRD"
        );
    }
    // A real install creates the CRD, waits until it is established, then creates a
    // Widget from the templates.
    p.helm.write(
        "demo/templates/widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-w\nspec:\n  size: 3\n",
    );
    assert_eq!(p.same(&["install", "c", "CHART"]), Some(0));
    p.same_records("install with a CRD and a custom resource");
    for env in [&p.helm, &p.capstan] {
        assert!(env.kubectl(&["get", "widget", "c-w"]).status.success());
    }
    let _ = std::fs::remove_file(p.helm.dir.join("demo/templates/widget.yaml"));
    let _ = std::fs::remove_file(p.helm.dir.join("demo/crds/widgets.yaml"));
}

#[test]
fn install_server_side_false_and_kept_hooks_match_helm4() {
    let p = Pair::new();
    let chart = p.helm.write(
        "kept/Chart.yaml",
        "apiVersion: v2\nname: kept\nversion: 0.1.0\n",
    );
    let dir = chart.parent().expect("chart dir").display().to_string();
    p.helm.write(
        "kept/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  v: {{ .Values.v | default \"1\" | quote }}\n",
    );
    // Deleted only on failure: a successful run leaves the Job for the next upgrade to meet.
    p.helm.write(
        "kept/templates/hook.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: hook-failed\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: j\n        image: busybox\n",
    );
    assert_eq!(
        p.same(&["install", "k", &dir, "--server-side=false"]),
        Some(0)
    );
    assert_eq!(p.same(&["upgrade", "k", &dir, "--set", "v=2"]), Some(0));
    p.same_records("client-side install and upgrade");
    // The kept hook exists now: a client-side create of it fails as helm's does.
    assert_eq!(p.same(&["upgrade", "k", &dir, "--set", "v=3"]), Some(1));
    p.same_records("client-side upgrade meeting its kept hook");
    // Server-side apply updates the kept hook in place.
    assert_eq!(
        p.same(&["upgrade", "k", &dir, "--set", "v=4", "--server-side=true"]),
        Some(0)
    );
    // --force-conflicts is for server-side apply only.
    assert_eq!(
        p.same(&[
            "upgrade",
            "k",
            &dir,
            "--server-side=false",
            "--force-conflicts",
            "--no-hooks",
        ]),
        Some(1)
    );
    assert_eq!(p.same(&["rollback", "k", "2", "--force-replace"]), Some(0));
    p.same_records("server-side upgrade, then a client-side rollback with --force-replace");
    assert_eq!(live_cm(&p.capstan, "k-cm"), live_cm(&p.helm, "k-cm"));
}

/// A chart of three Jobs: one failing (`bad`), one quick, one running for `slow`.
fn jobs_chart(env: &Env) -> String {
    env.write(
        "jobs/Chart.yaml",
        "apiVersion: v2\nname: jobs\nversion: 0.1.0\n",
    );
    env.write("jobs/values.yaml", "bad: true\nslow: 60s\n");
    let job = |name: &str, ann: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{{{ .Release.Name }}}}-{name}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n{ann}\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: j\n        image: busybox\n"
        )
    };
    let text = [
        job(
            "bad",
            "        sandbox.capstan.dev/exit-code: \"{{ if .Values.bad }}1{{ else }}0{{ end }}\"",
        ),
        job("ok", "        sandbox.capstan.dev/duration: \"1s\""),
        job(
            "slow",
            "        sandbox.capstan.dev/duration: {{ .Values.slow | quote }}",
        ),
    ]
    .join("---\n");
    env.write("jobs/templates/jobs.yaml", &text);
    env.dir.join("jobs").display().to_string()
}

#[test]
fn wait_reports_every_unready_resource_like_helm() {
    let p = Pair::new();
    let chart = jobs_chart(&p.helm);
    let wait = ["--wait", "--wait-for-jobs"];
    // A failed Job ends the wait once the others are done; only it is reported.
    let mut args = vec!["install", "a", chart.as_str(), "--set", "slow=2s"];
    args.extend(wait);
    assert_eq!(p.same(&args), Some(1));
    // At the timeout: the failed Job and the running one, then the deadline.
    let mut args = vec!["install", "b", chart.as_str(), "--timeout", "4s"];
    args.extend(wait);
    assert_eq!(p.same(&args), Some(1));
    // Everything completes.
    let mut args = vec!["install", "c", chart.as_str(), "--set", "bad=false,slow=2s"];
    args.extend(wait);
    assert_eq!(p.same(&args), Some(0));
    p.same_records("waits that fail, time out and succeed");
    // helm's status watcher leaves paused Deployments out of the wait.
    p.helm.write(
        "paused/Chart.yaml",
        "apiVersion: v2\nname: paused\nversion: 0.1.0\n",
    );
    p.helm.write(
        "paused/templates/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-d\nspec:\n  paused: {{ .Values.paused }}\n  replicas: 1\n  selector:\n    matchLabels: {app: p}\n  template:\n    metadata:\n      labels: {app: p}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
    );
    p.helm.write("paused/values.yaml", "paused: true\n");
    let paused = p.helm.dir.join("paused").display().to_string();
    assert_eq!(
        p.same(&["install", "p", &paused, "--wait", "--timeout", "5s"]),
        Some(0)
    );
    p.same_records("a paused Deployment is not waited for");
}

#[test]
fn switching_a_helm3_release_to_server_side_matches_helm4() {
    let p = Pair::new();
    let helm3 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm-3");
    assert!(
        helm3.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        helm3.display()
    );
    p.helm.write(
        "sw/Chart.yaml",
        "apiVersion: v2\nname: sw\nversion: 0.1.0\n",
    );
    p.helm.write(
        "sw/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: \"1\"\n{{- if .Values.extra }}\n  extra: \"x\"\n{{- end }}\n",
    );
    let dir = p.helm.dir.join("sw").display().to_string();
    for env in [&p.helm, &p.capstan] {
        let o = std::process::Command::new(&helm3)
            .args(["install", "s", &dir, "--set", "extra=true"])
            .env("HOME", env.dir.join("home"))
            .env("KUBECONFIG", &env.kubeconfig)
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run helm 3");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // The first server-side upgrade of a client-side release drops a key the chart no
    // longer sets.
    assert_eq!(
        p.same(&[
            "upgrade",
            "s",
            &dir,
            "--server-side=true",
            "--set",
            "extra=false"
        ]),
        Some(0)
    );
    p.same_records("switch to server-side apply");
    let (c, h) = (live_cm(&p.capstan, "s-cm"), live_cm(&p.helm, "s-cm"));
    assert_eq!(c, h, "live ConfigMap after the switch (capstan / helm)");
    // Field ownership as well (helm 4 migrates client-side managers on this switch; the
    // result the sandbox shows must be the same).
    let managers = |env: &Env| {
        let o = env.kubectl(&[
            "get",
            "configmap",
            "s-cm",
            "-o",
            "json",
            "--show-managed-fields",
        ]);
        let mut v: Value = serde_json::from_slice(&o.stdout).expect("configmap");
        let mut fields = v["metadata"]["managedFields"].take();
        for f in fields.as_array_mut().into_iter().flatten() {
            if let Some(m) = f.as_object_mut() {
                m.remove("time");
            }
        }
        fields
    };
    assert_eq!(managers(&p.capstan), managers(&p.helm));
    // helm 4 patches the object twice: the managed-fields move, then the apply.
    let patches = |env: &Env| {
        env.handle()
            .audit()
            .iter()
            .filter(|r| r.name == "s-cm" && r.verb == "patch" && r.code == 200)
            .count()
    };
    assert_eq!((patches(&p.capstan), patches(&p.helm)), (2, 2));
}
