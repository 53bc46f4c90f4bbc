//! The pod "kubelet": schedules pods onto the sandbox node, starts them after the configured
//! delay, and ends run-to-completion pods, either from annotations (simulate) or by running
//! the container commands as local processes (local).

use super::{meta, set_condition, Controllers, NODE};
use crate::state::LogBuf;
use crate::time::now_rfc3339;
use crate::ExecMode;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

/// Annotation prefix for simulated outcomes.
pub const ANN: &str = "sandbox.capstan.dev/";

/// Parses `500ms`, `2s`, `1m` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Some(n) = s.strip_suffix("ms") {
        return n.trim().parse().ok().map(Duration::from_millis);
    }
    if let Some(n) = s.strip_suffix('s') {
        return n
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f >= 0.0)
            .map(Duration::from_secs_f64);
    }
    if let Some(n) = s.strip_suffix('m') {
        return n
            .trim()
            .parse::<u64>()
            .ok()
            .map(|m| Duration::from_secs(m * 60));
    }
    s.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0)
        .map(Duration::from_secs_f64)
}

fn ann<'a>(pod: &'a Value, key: &str, container: &str) -> Option<&'a str> {
    let a = &pod["metadata"]["annotations"];
    a[format!("{ANN}{key}.{container}")]
        .as_str()
        .or_else(|| a[format!("{ANN}{key}")].as_str())
}

fn container_names(pod: &Value) -> Vec<String> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect()
}

/// What happened to one container.
struct Outcome {
    exit_code: i64,
}

impl Controllers {
    pub(super) fn start_pod(self: &Arc<Self>, pod: &Value) {
        let uid = meta(pod, "uid").to_string();
        if pod_terminal(pod) || uid.is_empty() {
            return;
        }
        let (tx, rx) = watch::channel(false);
        {
            let mut g = self.runners.lock().unwrap_or_else(|e| e.into_inner());
            if g.contains_key(&uid) {
                return;
            }
            g.insert(uid.clone(), tx);
        }
        let me = self.clone();
        let pod = pod.clone();
        let sh = self.sh.clone();
        sh.spawn(async move {
            me.run_pod(pod, rx).await;
            me.runners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&uid);
        });
    }

    fn write_pod(&self, pod: &Value, f: impl Fn(&mut Value)) -> Option<Value> {
        self.mutate(
            "/pods",
            "",
            "pods",
            meta(pod, "namespace"),
            meta(pod, "name"),
            Some(meta(pod, "uid")),
            f,
        )
    }

    async fn run_pod(self: &Arc<Self>, pod: Value, mut cancel: watch::Receiver<bool>) {
        let n = self.sh.next_ip();
        let ip = format!("10.244.{}.{}", (n / 250) % 250, n % 250 + 1);
        let Some(pod) = self.write_pod(&pod, |p| {
            p["spec"]["nodeName"] = json!(NODE);
            set_condition(&mut p["status"], "PodScheduled", "True", "", "");
            strip_update_time(p);
        }) else {
            return;
        };
        self.event(
            &pod,
            "Normal",
            "Scheduled",
            &format!(
                "Successfully assigned {}/{} to {NODE}",
                meta(&pod, "namespace"),
                meta(&pod, "name")
            ),
            "default-scheduler",
        );
        let delay = pod["metadata"]["annotations"][format!("{ANN}start-delay")]
            .as_str()
            .and_then(parse_duration)
            .unwrap_or(self.sh.config.pod_start_delay);
        if sleep_or_cancel(delay, &mut cancel).await {
            return;
        }
        let Some(pod) = self.run_init_containers(pod, &mut cancel).await else {
            return;
        };
        let main_containers: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let names = container_names(&pod);
        let started = now_rfc3339();
        let never_ready = pod["metadata"]["annotations"][format!("{ANN}ready")] == "false";
        let Some(pod) = self.write_pod(&pod, |p| {
            p["status"]["phase"] = json!("Running");
            p["status"]["startTime"] = json!(started);
            p["status"]["hostIP"] = json!("127.0.0.1");
            p["status"]["podIP"] = json!(ip);
            p["status"]["podIPs"] = json!([{"ip": ip}]);
            let statuses: Vec<Value> = p["spec"]["containers"].as_array().into_iter().flatten().map(|c| json!({
                "name": c["name"], "image": c["image"], "imageID": format!("docker.io/library/{}", c["image"].as_str().unwrap_or_default()),
                "containerID": format!("sandbox://{}", c["name"].as_str().unwrap_or_default()),
                "ready": !never_ready, "started": true, "restartCount": 0, "state": {"running": {"startedAt": started}}})).collect();
            p["status"]["containerStatuses"] = json!(statuses);
            for c in ["Initialized", "PodReadyToStartContainers"] {
                set_condition(&mut p["status"], c, "True", "", "");
            }
            let ready = if never_ready { "False" } else { "True" };
            set_condition(&mut p["status"], "ContainersReady", ready, "", "");
            set_condition(&mut p["status"], "Ready", ready, "", "");
            strip_update_time(p);
        }) else {
            return;
        };
        for c in &names {
            let image = pod["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|x| x["name"] == c.as_str())
                .and_then(|x| x["image"].as_str())
                .unwrap_or_default()
                .to_string();
            self.event(
                &pod,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
                "kubelet",
            );
            self.event(
                &pod,
                "Normal",
                "Created",
                &format!("Created container: {c}"),
                "kubelet",
            );
            self.event(
                &pod,
                "Normal",
                "Started",
                &format!("Started container {c}"),
                "kubelet",
            );
        }
        let ns = meta(&pod, "namespace").to_string();
        let pname = meta(&pod, "name").to_string();
        let bufs: Vec<Arc<LogBuf>> = names
            .iter()
            .map(|c| self.sh.log_buf(&ns, &pname, c))
            .collect();
        let run_to_completion = pod["spec"]["restartPolicy"] != "Always";
        // Local mode runs run-to-completion pods (Jobs, hooks, tests); long-running pods are
        // simulated even then, so a chart's servers never start on this machine and a crashing
        // one cannot spin a ReplicaSet into a hot loop.
        let exec = if run_to_completion {
            self.sh.config.exec
        } else {
            ExecMode::Simulate
        };
        let outcomes = match exec {
            ExecMode::Simulate => {
                let mut forever = !run_to_completion;
                for (c, buf) in names.iter().zip(&bufs) {
                    if let Some(text) = ann(&pod, "logs", c) {
                        for l in text.lines() {
                            buf.push(l.to_string());
                        }
                    }
                    if ann(&pod, "exit-code", c).is_some() {
                        forever = false;
                    }
                }
                if forever {
                    let _ = cancel.changed().await;
                    return;
                }
                let dur = names
                    .iter()
                    .filter_map(|c| ann(&pod, "duration", c).and_then(parse_duration))
                    .max()
                    .unwrap_or(self.sh.config.pod_run_duration);
                if sleep_or_cancel(dur, &mut cancel).await {
                    return;
                }
                names
                    .iter()
                    .map(|c| Outcome {
                        exit_code: ann(&pod, "exit-code", c)
                            .and_then(|s| s.trim().parse().ok())
                            .unwrap_or(0),
                    })
                    .collect::<Vec<_>>()
            }
            ExecMode::Local => match self
                .run_local(&pod, &main_containers, &bufs, &mut cancel)
                .await
            {
                Some(o) => o,
                None => return,
            },
        };
        for b in &bufs {
            b.finish();
        }
        let finished = now_rfc3339();
        let failed = outcomes.iter().any(|o| o.exit_code != 0);
        if let Some(p) = self.write_pod(&pod, |p| {
            p["status"]["phase"] = json!(if failed { "Failed" } else { "Succeeded" });
            if let Some(st) = p["status"]["containerStatuses"].as_array_mut() {
                for (s, o) in st.iter_mut().zip(&outcomes) {
                    let reason = if o.exit_code == 0 { "Completed" } else { "Error" };
                    s["state"] = json!({"terminated": {"exitCode": o.exit_code, "reason": reason, "startedAt": started, "finishedAt": finished,
                        "containerID": s["containerID"]}});
                    s["ready"] = json!(false);
                    s["started"] = json!(false);
                }
            }
            set_condition(&mut p["status"], "Ready", "False", "PodCompleted", "");
            set_condition(&mut p["status"], "ContainersReady", "False", "PodCompleted", "");
            strip_update_time(p);
        }) {
            if failed {
                let code = outcomes.iter().map(|o| o.exit_code).find(|c| *c != 0).unwrap_or(1);
                self.event(&p, "Warning", "BackOff", &format!("container exited with code {code}"), "kubelet");
            }
        }
    }

    /// Runs the init containers one after the other (simulated: instantly, exit code from
    /// `exit-code.<name>`, logs from `logs.<name>`; local: their commands). Returns the pod
    /// to go on with, or `None` when an init container failed (the pod is then Failed) or the
    /// pod went away.
    async fn run_init_containers(
        &self,
        pod: Value,
        cancel: &mut watch::Receiver<bool>,
    ) -> Option<Value> {
        let inits: Vec<Value> = pod["spec"]["initContainers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if inits.is_empty() {
            return Some(pod);
        }
        let ns = meta(&pod, "namespace").to_string();
        let pname = meta(&pod, "name").to_string();
        let mut statuses = Vec::new();
        let mut failed = false;
        for c in &inits {
            let cname = c["name"].as_str().unwrap_or_default().to_string();
            let buf = self.sh.log_buf(&ns, &pname, &cname);
            let started = now_rfc3339();
            let code = match self.sh.config.exec {
                ExecMode::Local if pod["spec"]["restartPolicy"] != "Always" => {
                    let out = self
                        .run_local(
                            &pod,
                            std::slice::from_ref(c),
                            std::slice::from_ref(&buf),
                            cancel,
                        )
                        .await?;
                    out.first().map_or(0, |o| o.exit_code)
                }
                _ => {
                    let a = &pod["metadata"]["annotations"];
                    if let Some(text) = a[format!("{ANN}logs.{cname}")].as_str() {
                        for l in text.lines() {
                            buf.push(l.to_string());
                        }
                    }
                    a[format!("{ANN}exit-code.{cname}")]
                        .as_str()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0)
                }
            };
            buf.finish();
            let reason = if code == 0 { "Completed" } else { "Error" };
            statuses.push(json!({"name": cname, "image": c["image"], "imageID": "", "ready": code == 0, "restartCount": 0, "started": false,
                "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": now_rfc3339()}}}));
            self.event(
                &pod,
                "Normal",
                "Started",
                &format!("Started container {cname}"),
                "kubelet",
            );
            if code != 0 {
                failed = true;
                break;
            }
        }
        let updated = self.write_pod(&pod, |p| {
            p["status"]["initContainerStatuses"] = json!(statuses);
            if failed && p["spec"]["restartPolicy"] == "Always" {
                // The kubelet would restart it forever: the pod stays Pending in back-off.
                if let Some(last) = p["status"]["initContainerStatuses"]
                    .as_array_mut()
                    .and_then(|a| a.last_mut())
                {
                    last["lastState"] = last["state"].clone();
                    last["state"] = json!({"waiting": {"reason": "CrashLoopBackOff"}});
                }
                set_condition(
                    &mut p["status"],
                    "Initialized",
                    "False",
                    "ContainersNotInitialized",
                    "containers with incomplete status",
                );
                strip_update_time(p);
            } else if failed {
                p["status"]["phase"] = json!("Failed");
                set_condition(
                    &mut p["status"],
                    "Initialized",
                    "False",
                    "ContainersNotInitialized",
                    "containers with incomplete status",
                );
                strip_update_time(p);
            }
        })?;
        if failed {
            self.event(
                &updated,
                "Warning",
                "BackOff",
                "init container failed",
                "kubelet",
            );
            return None;
        }
        Some(updated)
    }

    /// Runs each container's command as a local process; `None` if cancelled.
    async fn run_local(
        &self,
        pod: &Value,
        containers: &[Value],
        bufs: &[Arc<LogBuf>],
        cancel: &mut watch::Receiver<bool>,
    ) -> Option<Vec<Outcome>> {
        let ns = meta(pod, "namespace");
        let base = self
            .sh
            .config
            .state_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir)
            .join("pods")
            .join(ns)
            .join(meta(pod, "name"));
        let mut children = Vec::new();
        for (c, buf) in containers.iter().zip(bufs) {
            let mut argv: Vec<String> = c["command"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(c["args"].as_array().into_iter().flatten())
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            if argv.is_empty() {
                buf.push("sandbox: container has no command or args; the image entrypoint cannot run locally".into());
                children.push(None);
                continue;
            }
            let dir = base.join(c["name"].as_str().unwrap_or("c"));
            let _ = std::fs::create_dir_all(&dir);
            let prog = argv.remove(0);
            let mut cmd = tokio::process::Command::new(prog);
            cmd.args(argv)
                .current_dir(&dir)
                .env_clear()
                .kill_on_drop(true)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            for k in ["PATH", "HOME", "LANG", "TMPDIR"] {
                if let Ok(v) = std::env::var(k) {
                    cmd.env(k, v);
                }
            }
            cmd.env("HOSTNAME", meta(pod, "name"));
            for (k, v) in self.container_env(pod, c) {
                cmd.env(k, v);
            }
            match cmd.spawn() {
                Ok(mut child) => {
                    for out in
                        [
                            child.stdout.take().map(|s| {
                                Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>
                            }),
                            child.stderr.take().map(|s| {
                                Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>
                            }),
                        ]
                        .into_iter()
                        .flatten()
                    {
                        let b = buf.clone();
                        tokio::spawn(async move {
                            let mut lines = BufReader::new(out).lines();
                            while let Ok(Some(l)) = lines.next_line().await {
                                b.push(l);
                            }
                        });
                    }
                    children.push(Some(child));
                }
                Err(e) => {
                    buf.push(format!("sandbox: cannot start container command: {e}"));
                    children.push(None);
                }
            }
        }
        let mut outcomes = Vec::new();
        for ch in children.iter_mut() {
            let code = match ch {
                None => 127,
                Some(child) => tokio::select! {
                    st = child.wait() => st.ok().and_then(|s| s.code()).map_or(137, i64::from),
                    _ = cancel.changed() => return None,
                },
            };
            outcomes.push(Outcome { exit_code: code });
        }
        // Give the output readers a moment to drain the pipes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Some(outcomes)
    }

    /// A container's environment: `env` (values and valueFrom) and `envFrom`.
    fn container_env(&self, pod: &Value, c: &Value) -> Vec<(String, String)> {
        let ns = meta(pod, "namespace");
        let mut out = Vec::new();
        let secret_value = |name: &str, key: &str| -> Option<String> {
            let s = self.sh.store.get("/secrets", ns, name)?;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(s["data"][key].as_str()?)
                .ok()?;
            String::from_utf8(raw).ok()
        };
        let cm_value = |name: &str, key: &str| -> Option<String> {
            self.sh.store.get("/configmaps", ns, name)?["data"][key]
                .as_str()
                .map(String::from)
        };
        for ef in c["envFrom"].as_array().into_iter().flatten() {
            let prefix = ef["prefix"].as_str().unwrap_or_default();
            if let Some(n) = ef["configMapRef"]["name"].as_str() {
                if let Some(cm) = self.sh.store.get("/configmaps", ns, n) {
                    for (k, v) in cm["data"].as_object().into_iter().flatten() {
                        out.push((
                            format!("{prefix}{k}"),
                            v.as_str().unwrap_or_default().to_string(),
                        ));
                    }
                }
            }
            if let Some(n) = ef["secretRef"]["name"].as_str() {
                if let Some(s) = self.sh.store.get("/secrets", ns, n) {
                    for k in s["data"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone())
                    {
                        if let Some(v) = secret_value(n, &k) {
                            out.push((format!("{prefix}{k}"), v));
                        }
                    }
                }
            }
        }
        for e in c["env"].as_array().into_iter().flatten() {
            let Some(name) = e["name"].as_str() else {
                continue;
            };
            let vf = &e["valueFrom"];
            let v = if let Some(v) = e["value"].as_str() {
                Some(v.to_string())
            } else if vf["secretKeyRef"].is_object() {
                secret_value(
                    vf["secretKeyRef"]["name"].as_str().unwrap_or_default(),
                    vf["secretKeyRef"]["key"].as_str().unwrap_or_default(),
                )
            } else if vf["configMapKeyRef"].is_object() {
                cm_value(
                    vf["configMapKeyRef"]["name"].as_str().unwrap_or_default(),
                    vf["configMapKeyRef"]["key"].as_str().unwrap_or_default(),
                )
            } else if let Some(path) = vf["fieldRef"]["fieldPath"].as_str() {
                field_ref(pod, path)
            } else {
                None
            };
            out.push((name.to_string(), v.unwrap_or_default()));
        }
        out
    }
}

/// Resolves a downward-API `fieldRef` path.
fn field_ref(pod: &Value, path: &str) -> Option<String> {
    let bracket = |prefix: &str| -> Option<String> {
        let key = path
            .strip_prefix(prefix)?
            .strip_prefix("['")?
            .strip_suffix("']")?;
        let field = prefix.trim_start_matches("metadata.");
        pod["metadata"][field][key].as_str().map(String::from)
    };
    match path {
        "metadata.name" | "metadata.namespace" | "metadata.uid" => {
            pod["metadata"][&path[9..]].as_str().map(String::from)
        }
        "spec.nodeName" => Some(NODE.to_string()),
        "spec.serviceAccountName" => pod["spec"]["serviceAccountName"].as_str().map(String::from),
        "status.podIP" => pod["status"]["podIP"].as_str().map(String::from),
        "status.hostIP" => Some("127.0.0.1".into()),
        _ => bracket("metadata.labels").or_else(|| bracket("metadata.annotations")),
    }
}

/// Pod conditions carry lastProbeTime, not lastUpdateTime.
fn strip_update_time(p: &mut Value) {
    if let Some(cs) = p["status"]["conditions"].as_array_mut() {
        for c in cs {
            if let Some(m) = c.as_object_mut() {
                m.remove("lastUpdateTime");
                m.entry("lastProbeTime").or_insert(Value::Null);
                if m.get("reason").is_some_and(|r| r == "") {
                    m.remove("reason");
                }
                if m.get("message").is_some_and(|r| r == "") {
                    m.remove("message");
                }
            }
        }
    }
}

fn pod_terminal(p: &Value) -> bool {
    matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

/// Sleeps; `true` if cancelled first.
async fn sleep_or_cancel(d: Duration, cancel: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => false,
        _ = cancel.changed() => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration("x"), None);
    }

    #[test]
    fn field_refs() {
        let p = json!({"metadata": {"name": "p", "namespace": "n", "labels": {"app": "x"}}, "status": {"podIP": "1.2.3.4"}});
        assert_eq!(field_ref(&p, "metadata.name").as_deref(), Some("p"));
        assert_eq!(field_ref(&p, "metadata.namespace").as_deref(), Some("n"));
        assert_eq!(
            field_ref(&p, "metadata.labels['app']").as_deref(),
            Some("x")
        );
        assert_eq!(field_ref(&p, "status.podIP").as_deref(), Some("1.2.3.4"));
        assert_eq!(field_ref(&p, "spec.nope"), None);
    }
}
