//! Hook-safety rules: problems in Helm hooks that `helm lint` does not see and that show up
//! only when a release is installed, upgraded or deleted.
//!
//! Each rule has an id, a severity and a fix hint ([`RULES`]). A finding names the template
//! file and the line of the offending field in that template's rendered output (the text
//! `helm template --show-only FILE` prints), found with [`crate::locate`].

use capstan_release::HookEvent;
use serde_json::Value;

mod cross;

use crate::locate::{LineIndex, Seg};
use crate::{Finding, RenderedFile, Severity};

/// A rule: id, severity, short title and the fix hint printed with each finding.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Rule {
    /// `HOOK001`...
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// What it checks.
    pub title: &'static str,
    /// How to fix a finding.
    pub hint: &'static str,
}

/// Every hook rule.
pub const RULES: &[Rule] = &[
    Rule { id: "HOOK001", severity: Severity::Warning, title: "Job hook without backoffLimit or activeDeadlineSeconds",
        hint: "set spec.backoffLimit (e.g. 1) and spec.activeDeadlineSeconds so a failing hook fails fast instead of retrying 6 times or hanging until --timeout" },
    Rule { id: "HOOK002", severity: Severity::Error, title: "hook pod restarts forever (restartPolicy Always)",
        hint: "set restartPolicy: Never (or OnFailure) in the hook's pod spec; an Always pod never completes, so Helm waits until --timeout" },
    Rule { id: "HOOK003", severity: Severity::Warning, title: "upgrade hook left behind after every upgrade",
        hint: "add helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded so the hook object is removed once it succeeded" },
    Rule { id: "HOOK004", severity: Severity::Error, title: "pre-install hook uses a resource the release has not created yet",
        hint: "make a hook copy of the resource (helm.sh/hook: pre-install with a lower helm.sh/hook-weight), or move the work to post-install" },
    Rule { id: "HOOK005", severity: Severity::Warning, title: "non-idempotent SQL in a hook command",
        hint: "hooks re-run (Job retries, failed upgrades retried, every upgrade): use IF NOT EXISTS / IF EXISTS / ON CONFLICT / CREATE OR REPLACE" },
    Rule { id: "HOOK006", severity: Severity::Warning, title: "hook on a long-running kind",
        hint: "Helm does not wait for a Deployment/StatefulSet/DaemonSet hook and never manages it afterwards; use a Job or Pod hook, or make it a regular resource" },
    Rule { id: "HOOK007", severity: Severity::Warning, title: "hooks of one event share a weight",
        hint: "give each Job/Pod hook of an event its own helm.sh/hook-weight; equal weights run in name order, which breaks when a name changes" },
    Rule { id: "HOOK008", severity: Severity::Warning, title: "test hook without a delete policy",
        hint: "add helm.sh/hook-delete-policy: before-hook-creation (keeps the last run's logs) or before-hook-creation,hook-succeeded" },
    Rule { id: "HOOK009", severity: Severity::Warning, title: "hook container without resource requests and limits",
        hint: "set resources.requests and resources.limits so the hook is schedulable under quotas and cannot starve the node" },
    Rule { id: "HOOK010", severity: Severity::Warning, title: "hook container without securityContext (runs as the image's user, often root) or with runAsUser: 0",
        hint: "set securityContext (runAsNonRoot: true, a runAsUser, allowPrivilegeEscalation: false) on the pod or the container" },
    Rule { id: "HOOK011", severity: Severity::Error, title: "credential written literally in a hook",
        hint: "put the credential in a Secret and read it with env[].valueFrom.secretKeyRef; refer to it as $VAR in commands" },
    Rule { id: "HOOK012", severity: Severity::Warning, title: "hook image is :latest or untagged",
        hint: "pin the hook image to a version tag or a digest so a re-run runs the same code" },
    Rule { id: "HOOK013", severity: Severity::Error, title: "helm.sh/hook value Helm does not know",
        hint: "use pre-install, post-install, pre-upgrade, post-upgrade, pre-rollback, post-rollback, pre-delete, post-delete or test; Helm drops the whole resource otherwise" },
    Rule { id: "HOOK014", severity: Severity::Warning, title: "helm.sh/hook-weight is not an integer",
        hint: "write the weight as a quoted integer (\"-5\", \"0\", \"10\"); anything else is silently weight 0" },
    Rule { id: "HOOK015", severity: Severity::Warning, title: "test hook is a Job",
        hint: "make the test a Pod: helm test --logs (Helm 4.3) prints logs only of Pod test hooks, so a failing Job test shows no output" },
];

fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or(&RULES[0])
}

/// One YAML document of a rendered file and its first line in that file (1-based).
#[derive(Clone, Debug)]
pub struct Doc {
    /// The document's text.
    pub text: String,
    /// Line of the file where the document starts.
    pub first_line: usize,
}

/// Splits rendered text into documents at `---` lines, keeping line numbers.
pub fn split_documents(content: &str) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    let mut first = 1;
    for (i, line) in content.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        let is_sep = bare == "---"
            || (bare.starts_with("---")
                && bare[3..].starts_with([' ', '\t', '#'])
                && bare[3..].trim_start().starts_with('#'));
        if is_sep {
            if !cur.trim().is_empty() {
                docs.push(Doc {
                    text: std::mem::take(&mut cur),
                    first_line: first,
                });
            }
            cur.clear();
            first = i + 2;
            continue;
        }
        cur.push_str(line);
    }
    if !cur.trim().is_empty() {
        docs.push(Doc {
            text: cur,
            first_line: first,
        });
    }
    docs
}

/// A rendered document with what the rules need.
struct Object {
    file: String,
    /// The rendered file's lines and the template source's, to map a line back.
    rendered: std::sync::Arc<Vec<String>>,
    source: std::sync::Arc<Vec<String>>,
    value: Value,
    index: LineIndex,
    kind: String,
    name: String,
    hook: Option<HookInfo>,
}

struct HookInfo {
    raw: String,
    events: Vec<HookEvent>,
    unknown: Vec<String>,
    weight_raw: Option<String>,
    weight: i64,
    policies: Option<Vec<String>>,
}

const HOOK: &str = "helm.sh/hook";
const WEIGHT: &str = "helm.sh/hook-weight";
const DELETE: &str = "helm.sh/hook-delete-policy";

fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.pointer("/metadata/annotations")?.get(key)?.as_str()
}

fn hook_info(v: &Value) -> Option<HookInfo> {
    let raw = annotation(v, HOOK)?.to_string();
    let mut events = Vec::new();
    let mut unknown = Vec::new();
    for item in raw.split(',') {
        match HookEvent::parse_annotation_item(item) {
            Some(e) => events.push(e),
            None => unknown.push(item.trim().to_string()),
        }
    }
    let weight_raw = annotation(v, WEIGHT).map(str::to_string);
    let weight = weight_raw
        .as_deref()
        .map(capstan_release::hook::parse_weight)
        .unwrap_or(0);
    let policies = annotation(v, DELETE).map(|p| {
        p.split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    });
    Some(HookInfo {
        raw,
        events,
        unknown,
        weight_raw,
        weight,
        policies,
    })
}

fn keys(parts: &[&str]) -> Vec<Seg> {
    crate::locate::path(parts)
}

fn annotation_path(key: &str) -> Vec<Seg> {
    vec![
        Seg::Key("metadata".into()),
        Seg::Key("annotations".into()),
        Seg::Key(key.into()),
    ]
}

/// Where the pod spec of a kind lives.
fn pod_spec_path(kind: &str) -> Option<Vec<Seg>> {
    Some(match kind {
        "Pod" => keys(&["spec"]),
        "Job"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController" => keys(&["spec", "template", "spec"]),
        "CronJob" => keys(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => return None,
    })
}

fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            Seg::Key(k) => cur.get(k.as_str())?,
            Seg::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

fn with(path: &[Seg], more: &[Seg]) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

struct Checker {
    findings: Vec<Finding>,
}

impl Checker {
    fn add(&mut self, id: &str, obj: &Object, path: &[Seg], message: String) {
        self.add_at_line(id, obj, obj.index.line_of(path), message);
    }

    fn add_at_line(&mut self, id: &str, obj: &Object, line: usize, message: String) {
        let r = rule(id);
        self.findings.push(Finding {
            rule: r.id,
            severity: r.severity,
            file: obj.file.clone(),
            line,
            source_line: source_line(obj, line),
            resource: format!("{}/{}", obj.kind, obj.name),
            message,
            hint: r.hint,
        });
    }
}

/// The source line that reads exactly like rendered line `line` (trimmed), if only one does.
fn source_line(obj: &Object, line: usize) -> Option<usize> {
    let text = obj.rendered.get(line.checked_sub(1)?)?.trim();
    if text.is_empty() {
        return None;
    }
    let mut hits = obj
        .source
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == text)
        .map(|(i, _)| i + 1);
    match (hits.next(), hits.next()) {
        (Some(n), None) => Some(n),
        _ => None,
    }
}

/// Runs every hook rule over the rendered templates of a chart.
pub fn check(rendered: &[RenderedFile]) -> Vec<Finding> {
    let mut objects = Vec::new();
    for f in rendered {
        let rendered_lines = std::sync::Arc::new(f.content.lines().map(str::to_string).collect());
        let source_lines = std::sync::Arc::new(f.source.lines().map(str::to_string).collect());
        for doc in split_documents(&f.content) {
            let Ok(value) = capstan_chart::yaml::from_str(&doc.text) else {
                continue;
            };
            if !value.is_object() {
                continue;
            }
            let kind = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let hook = hook_info(&value);
            objects.push(Object {
                file: f.file.clone(),
                rendered: std::sync::Arc::clone(&rendered_lines),
                source: std::sync::Arc::clone(&source_lines),
                index: LineIndex::new(&doc.text, doc.first_line),
                value,
                kind,
                name,
                hook,
            });
        }
    }
    let mut c = Checker {
        findings: Vec::new(),
    };
    for obj in &objects {
        if obj.hook.is_some() {
            per_hook(&mut c, obj);
        }
    }
    cross::equal_weights(&mut c, &objects);
    cross::pre_install_dependencies(&mut c, &objects);
    c.findings
        .sort_by(|a, b| (a.file.as_str(), a.line, a.rule).cmp(&(b.file.as_str(), b.line, b.rule)));
    c.findings
}

fn per_hook(c: &mut Checker, obj: &Object) {
    let Some(h) = &obj.hook else {
        return;
    };
    let hook_line = annotation_path(HOOK);
    if !h.unknown.is_empty() {
        c.add(
            "HOOK013",
            obj,
            &hook_line,
            format!(
                "helm.sh/hook {:?} contains unknown event {}: Helm drops this resource without a word (neither hook nor manifest)",
                h.raw,
                h.unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", ")
            ),
        );
        // The resource never reaches the cluster; nothing else about it matters.
        return;
    }
    if let Some(w) = &h.weight_raw {
        let digits = w.strip_prefix(['+', '-']).unwrap_or(w);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            c.add(
                "HOOK014",
                obj,
                &annotation_path(WEIGHT),
                format!("helm.sh/hook-weight {w:?} is not an integer; Helm uses weight 0"),
            );
        }
    }
    let kind = obj.kind.as_str();
    if matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
    ) {
        c.add(
            "HOOK006",
            obj,
            &keys(&["kind"]),
            format!("{kind} as a {} hook: Helm creates it, does not wait for it and never updates or deletes it", h.raw),
        );
    }
    let is_test = h.events.contains(&HookEvent::Test);
    if is_test && h.policies.is_none() {
        c.add(
            "HOOK008",
            obj,
            &hook_line,
            "test hook has no helm.sh/hook-delete-policy; its pod stays until the next helm test"
                .into(),
        );
    }
    if is_test && kind == "Job" {
        c.add(
            "HOOK015",
            obj,
            &keys(&["kind"]),
            "test hook is a Job: helm test --logs shows no logs for it".into(),
        );
    }
    let upgrade = h
        .events
        .iter()
        .find(|e| matches!(e, HookEvent::PreUpgrade | HookEvent::PostUpgrade));
    if let Some(e) = upgrade {
        let removes = h.policies.as_ref().is_some_and(|p| {
            p.iter()
                .any(|x| x == "hook-succeeded" || x == "hook-failed")
        });
        if !removes {
            let at = if h.policies.is_some() {
                annotation_path(DELETE)
            } else {
                hook_line.clone()
            };
            c.add(
                "HOOK003",
                obj,
                &at,
                format!("{e} hook without hook-succeeded in its delete policy: a finished {kind} stays in the cluster after every upgrade"),
            );
        }
    }
    if kind == "Job" {
        let spec = obj.value.get("spec");
        let missing: Vec<&str> = ["backoffLimit", "activeDeadlineSeconds"]
            .into_iter()
            .filter(|k| spec.and_then(|s| s.get(*k)).is_none())
            .collect();
        if !missing.is_empty() {
            c.add(
                "HOOK001",
                obj,
                &keys(&["spec"]),
                format!(
                    "Job hook without {} (Kubernetes defaults: 6 retries, no deadline)",
                    missing.join(" and ")
                ),
            );
        }
    }
    if let Some(spec_path) = pod_spec_path(kind) {
        if let Some(spec) = get(&obj.value, &spec_path) {
            pod_rules(c, obj, &spec_path, spec);
        }
    }
}

fn pod_rules(c: &mut Checker, obj: &Object, spec_path: &[Seg], spec: &Value) {
    let runs_to_completion = matches!(obj.kind.as_str(), "Pod" | "Job" | "CronJob");
    if runs_to_completion {
        match spec.get("restartPolicy").and_then(Value::as_str) {
            Some("Always") => c.add(
                "HOOK002",
                obj,
                &with(spec_path, &keys(&["restartPolicy"])),
                "restartPolicy: Always in a hook pod: it never completes (a Job rejects it)".into(),
            ),
            None if obj.kind == "Pod" => c.add(
                "HOOK002",
                obj,
                spec_path,
                "hook Pod without restartPolicy: Kubernetes defaults it to Always, so the pod never completes".into(),
            ),
            _ => {}
        }
    }
    let pod_security = spec.get("securityContext").is_some_and(|s| !is_empty(s));
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get(list).and_then(Value::as_array) else {
            continue;
        };
        for (i, ctr) in containers.iter().enumerate() {
            let cpath = with(spec_path, &[Seg::Key(list.into()), Seg::Index(i)]);
            container_rules(c, obj, &cpath, ctr, pod_security);
            root_user(c, obj, spec_path, spec, &cpath, ctr);
        }
    }
}

/// HOOK010 also when the container explicitly runs as root: `runAsUser: 0` on the container,
/// or on the pod without a container override.
fn root_user(
    c: &mut Checker,
    obj: &Object,
    spec_path: &[Seg],
    spec: &Value,
    cpath: &[Seg],
    ctr: &Value,
) {
    let uid = |v: &Value| {
        v.pointer("/securityContext/runAsUser")
            .and_then(Value::as_f64)
    };
    let (value, path) = match (uid(ctr), uid(spec)) {
        (Some(u), _) => (u, with(cpath, &keys(&["securityContext", "runAsUser"]))),
        (None, Some(u)) => (u, with(spec_path, &keys(&["securityContext", "runAsUser"]))),
        (None, None) => return,
    };
    if value == 0.0 {
        let cname = ctr.get("name").and_then(Value::as_str).unwrap_or("?");
        c.add(
            "HOOK010",
            obj,
            &path,
            format!("container {cname:?} runs as root (runAsUser: 0)"),
        );
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn container_rules(c: &mut Checker, obj: &Object, cpath: &[Seg], ctr: &Value, pod_security: bool) {
    let cname = ctr.get("name").and_then(Value::as_str).unwrap_or("?");
    let name_path = with(cpath, &keys(&["name"]));
    // Images.
    let image = ctr.get("image").and_then(Value::as_str).unwrap_or("");
    if !image.is_empty() {
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = if image.contains('@') {
            Some("digest")
        } else {
            last.split_once(':').map(|(_, t)| t)
        };
        let problem = match tag {
            None => Some(format!(
                "container {cname:?} image {image:?} has no tag (means :latest)"
            )),
            Some("latest") => Some(format!("container {cname:?} image {image:?} uses :latest")),
            _ => None,
        };
        if let Some(m) = problem {
            c.add("HOOK012", obj, &with(cpath, &keys(&["image"])), m);
        }
    }
    // Resources.
    let res = ctr.get("resources");
    let has = |k: &str| res.and_then(|r| r.get(k)).is_some_and(|v| !is_empty(v));
    let missing: Vec<&str> = ["requests", "limits"]
        .into_iter()
        .filter(|k| !has(k))
        .collect();
    if !missing.is_empty() {
        c.add(
            "HOOK009",
            obj,
            &name_path,
            format!(
                "container {cname:?} has no resources.{}",
                missing.join(" or resources.")
            ),
        );
    }
    // Security context.
    let own = ctr.get("securityContext").is_some_and(|s| !is_empty(s));
    if !own && !pod_security {
        c.add(
            "HOOK010",
            obj,
            &name_path,
            format!("container {cname:?} has no securityContext (neither pod nor container): it runs as the image's user, often root"),
        );
    }
    // Literal credentials in env.
    if let Some(env) = ctr.get("env").and_then(Value::as_array) {
        for (i, e) in env.iter().enumerate() {
            let name = e.get("name").and_then(Value::as_str).unwrap_or("");
            let value = e.get("value").and_then(Value::as_str).unwrap_or("");
            if looks_like_credential_name(name) && !value.is_empty() && !value.starts_with('$') {
                c.add(
                    "HOOK011",
                    obj,
                    &with(cpath, &[Seg::Key("env".into()), Seg::Index(i), Seg::Key("value".into())]),
                    format!("container {cname:?} sets env {name} to a literal value instead of valueFrom.secretKeyRef"),
                );
            }
        }
    }
    // Command lines: literal credentials and SQL.
    for field in ["command", "args"] {
        let Some(items) = ctr.get(field).and_then(Value::as_array) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(text) = item.as_str() else {
                continue;
            };
            let path = with(cpath, &[Seg::Key(field.into()), Seg::Index(i)]);
            let base = obj.index.line_of(&path);
            // A multi-line string is a block scalar: its text starts on the next line.
            let line_of = |k: usize| {
                if text.contains('\n') {
                    base + 1 + k
                } else {
                    base
                }
            };
            for (k, what) in literal_credentials(text) {
                c.add_at_line(
                    "HOOK011",
                    obj,
                    line_of(k),
                    format!("container {cname:?} {field} has a literal credential ({what})"),
                );
            }
            for issue in crate::sql::scan(text) {
                c.add_at_line(
                    "HOOK005",
                    obj,
                    line_of(issue.line),
                    format!("container {cname:?} {field}: {}", issue.what),
                );
            }
        }
    }
}

fn looks_like_credential_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "PWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// Literal credentials on a command line: `password=x`, `PGPASSWORD=x`, `--password x`,
/// `redis-cli -a x`, `scheme://user:pass@host`. A value starting with `$` is a variable.
fn literal_credentials(text: &str) -> Vec<(usize, String)> {
    static PATTERNS: std::sync::OnceLock<Vec<regex::Regex>> = std::sync::OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            r#"(?i)\b([a-z_]*(?:password|passwd|pwd|secret|token|api_?key))\s*[=:]\s*['"]?([^\s'"$][^\s'"]*)"#,
            r#"(?i)(--password|--pass|--token)\s+['"]?([^\s'"$-][^\s'"]*)"#,
            r#"(redis-cli\b[^\n]*?\s-a)\s+['"]?([^\s'"$-][^\s'"]*)"#,
            r#"([a-z][a-z0-9+.-]*://[^/\s:@]+):([^@\s/$'"][^@\s/'"]*)@"#,
        ]
        .iter()
        .filter_map(|p| regex::Regex::new(p).ok())
        .collect()
    });
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        for re in patterns {
            if let Some(m) = re.captures(line) {
                let what = m.get(1).map(|g| g.as_str()).unwrap_or("credential");
                out.push((k, what.trim().to_string()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &str) -> RenderedFile {
        RenderedFile {
            file: name.into(),
            content: content.into(),
            source: content.into(),
        }
    }

    const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: init\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n";
    const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: init\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\nspec:\n  backoffLimit: 1\n  activeDeadlineSeconds: 60\n  template:\n    spec:\n      restartPolicy: Never\n      serviceAccountName: init\n      securityContext: {runAsNonRoot: true}\n      containers:\n        - name: c\n          image: busybox:1.36\n          resources: {requests: {cpu: 1m}, limits: {cpu: 1m}}\n";

    #[test]
    fn same_name_and_weight_run_in_kind_order() {
        // Helm runs the ServiceAccount first (install order), so the Job may use it.
        let found = check(&[
            file("templates/sa.yaml", SA),
            file("templates/job.yaml", JOB),
        ]);
        assert!(found.is_empty(), "{found:#?}");
        // As a regular resource it would not exist yet.
        let regular = SA.replace("  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n", "");
        let found = check(&[
            file("templates/sa.yaml", &regular),
            file("templates/job.yaml", JOB),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].rule, found[0].line), ("HOOK004", 14));
    }

    #[test]
    fn source_lines_follow_the_template() {
        // Two template-comment lines render as nothing, so the rendered line is 2 lower.
        let rendered = "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: test\nspec:\n  restartPolicy: Always\n";
        let source = format!(
            "{{{{/* a */}}}}\n{{{{/* b */}}}}\n{}",
            rendered.replace("name: p", "name: {{ .Release.Name }}")
        );
        let f = RenderedFile {
            file: "templates/t.yaml".into(),
            content: rendered.into(),
            source,
        };
        let found = check(&[f]);
        let restart = found.iter().find(|f| f.rule == "HOOK002").expect("HOOK002");
        assert_eq!((restart.line, restart.source_line), (7, Some(9)));
    }

    #[test]
    fn odd_hooks_do_not_panic() {
        let odd = [
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: ''\n",
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\nspec: 3\n",
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      containers: [1, {env: [{name: PASSWORD, value: 5}]}, {args: [7]}]\n",
            "kind: Job\nmetadata: {annotations: {helm.sh/hook: pre-upgrade, helm.sh/hook-weight: ''}}\n",
            "- not a map\n",
            "a: [unclosed\n",
        ];
        for text in odd {
            let _ = check(&[file("templates/odd.yaml", text)]);
        }
        let found = check(&[file("templates/odd.yaml", odd[0])]);
        assert_eq!(
            found.iter().map(|f| f.rule).collect::<Vec<_>>(),
            ["HOOK013"]
        );
    }

    #[test]
    fn documents_keep_their_lines() {
        let docs = split_documents("a: 1\n---\n# c\nb: 2\n--- # x\n\n---\nc: 3\n");
        let firsts: Vec<usize> = docs.iter().map(|d| d.first_line).collect();
        assert_eq!(firsts, [1, 3, 8]);
    }

    #[test]
    fn literal_credentials_on_command_lines() {
        let hits = |t: &str| literal_credentials(t).len();
        assert_eq!(hits("psql postgres://app:s3cret@db/app"), 1);
        assert_eq!(hits("export PGPASSWORD=hunter2"), 1);
        assert_eq!(hits("redis-cli -h r -a hunter2 PING"), 1);
        assert_eq!(hits("mysql --password hunter2"), 1);
        assert_eq!(hits("export PGPASSWORD=$DB_PASSWORD"), 0);
        assert_eq!(
            hits("psql \"host=$DB_HOST user=$DB_USER\" -c 'SELECT 1'"),
            0
        );
        assert_eq!(
            hits("redis-cli -h \"$REDIS_HOST\" -a \"$REDIS_PASSWORD\" PING"),
            0
        );
    }
}
