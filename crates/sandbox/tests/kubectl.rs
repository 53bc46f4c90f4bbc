//! Real kubectl 1.37 against the sandbox.

mod common;
use common::Env;
use std::process::Stdio;

const CM: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: t1\ndata:\n  k: v\n";

#[test]
fn create_namespace_apply_get_and_delete() {
    let env = Env::start();
    assert!(env
        .kubectl_ok(&["create", "namespace", "t1"])
        .contains("namespace/t1 created"));
    let f = env.write("cm.yaml", CM);
    let f = f.to_str().expect("utf8 path");
    assert!(env
        .kubectl_ok(&["apply", "-f", f])
        .contains("configmap/a created"));
    assert!(env
        .kubectl_ok(&["apply", "-f", f])
        .contains("configmap/a unchanged"));
    env.write("cm.yaml", &CM.replace("k: v", "k: w"));
    assert!(env
        .kubectl_ok(&["apply", "-f", f])
        .contains("configmap/a configured"));
    let y = env.kubectl_ok(&["get", "configmap", "a", "-n", "t1", "-o", "yaml"]);
    assert!(y.contains("k: w"), "{y}");
    assert!(
        y.contains("kubectl.kubernetes.io/last-applied-configuration"),
        "{y}"
    );
    assert!(y.contains("resourceVersion:") && y.contains("uid:"), "{y}");
    // Server-side apply takes over the same fields without conflict (same values).
    assert!(env
        .kubectl_ok(&["apply", "--server-side", "-f", f])
        .contains("configmap/a serverside-applied"));
    let mf = env.kubectl_ok(&[
        "get",
        "configmap",
        "a",
        "-n",
        "t1",
        "-o",
        "yaml",
        "--show-managed-fields",
    ]);
    assert!(
        mf.contains("manager: kubectl") && mf.contains("operation: Apply"),
        "{mf}"
    );
    assert!(env
        .kubectl_ok(&["delete", "-f", f])
        .contains("configmap \"a\" deleted"));
    let gone = env.kubectl(&["get", "configmap", "a", "-n", "t1"]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("configmaps \"a\" not found"));
    // Namespaces must exist.
    let o = env.kubectl(&["create", "configmap", "x", "-n", "nope"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("namespaces \"nope\" not found"));
}

#[test]
fn server_side_apply_conflict_is_reported() {
    let env = Env::start();
    env.kubectl_ok(&["create", "namespace", "t1"]);
    let f = env.write("cm.yaml", CM);
    let f = f.to_str().expect("utf8 path");
    env.kubectl_ok(&["apply", "--server-side", "--field-manager", "one", "-f", f]);
    env.write("cm.yaml", &CM.replace("k: v", "k: other"));
    let o = env.kubectl(&["apply", "--server-side", "--field-manager", "two", "-f", f]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("conflict") && err.contains(".data.k"), "{err}");
    env.kubectl_ok(&[
        "apply",
        "--server-side",
        "--field-manager",
        "two",
        "--force-conflicts",
        "-f",
        f,
    ]);
    assert!(env
        .kubectl_ok(&["get", "cm", "a", "-n", "t1", "-o", "jsonpath={.data.k}"])
        .contains("other"));
}

const WORKLOADS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: batch/v1
kind: Job
metadata:
  name: x
spec:
  template:
    metadata:
      annotations:
        sandbox.capstan.dev/logs: "hello\nworld"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"#;

#[test]
fn rollout_wait_logs_describe() {
    let env = Env::start();
    let f = env.write("w.yaml", WORKLOADS);
    env.kubectl_ok(&["apply", "-f", f.to_str().expect("utf8")]);
    assert!(env
        .kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=30s"])
        .contains("successfully rolled out"));
    assert!(env
        .kubectl_ok(&["wait", "--for=condition=complete", "job/x", "--timeout=30s"])
        .contains("condition met"));
    assert_eq!(env.kubectl_ok(&["logs", "job/x"]), "hello\nworld\n");
    assert_eq!(env.kubectl_ok(&["logs", "job/x", "--tail=1"]), "world\n");
    let d = env.kubectl_ok(&["describe", "job", "x"]);
    assert!(
        d.contains("SuccessfulCreate") && d.contains("Completed"),
        "{d}"
    );
    // The Service's Endpoints list both ready pods.
    let ips = env.kubectl_ok(&[
        "get",
        "endpoints",
        "web",
        "-o",
        "jsonpath={.subsets[0].addresses[*].ip}",
    ]);
    assert_eq!(ips.split_whitespace().count(), 2, "{ips}");
    let p = env.kubectl_ok(&[
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        "jsonpath={.items[*].status.phase}",
    ]);
    assert_eq!(p, "Running Running");
    let sel = env.kubectl_ok(&[
        "get",
        "pods",
        "--field-selector",
        "status.phase=Succeeded",
        "-o",
        "name",
    ]);
    assert!(sel.starts_with("pod/x-"), "{sel}");
    // Deleting the Deployment collects its ReplicaSet and Pods.
    env.kubectl_ok(&["delete", "deployment", "web"]);
    assert_eq!(
        env.kubectl_ok(&["get", "rs,pods", "-l", "app=web", "-o", "name"]),
        ""
    );
}

#[test]
fn get_watch_streams_changes() {
    let env = Env::start();
    env.kubectl_ok(&["create", "configmap", "w1", "--from-literal=a=1"]);
    let mut child = std::process::Command::new(common::tool("kubectl"))
        .env("HOME", env.dir.join("home"))
        .args([
            "--kubeconfig",
            env.kubeconfig.to_str().expect("utf8"),
            "--cache-dir",
            env.dir.join("kc2").to_str().expect("utf8"),
        ])
        .args([
            "get",
            "configmap",
            "-w",
            "--request-timeout=10s",
            "-o",
            "name",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("kubectl -w");
    // Wait for the watch to be established, then create another object.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !env
        .handle()
        .audit()
        .iter()
        .any(|r| r.verb == "watch" && r.resource == "configmaps")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "kubectl never started watching"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    env.kubectl_ok(&["create", "configmap", "w2", "--from-literal=a=1"]);
    // Read what the watch prints until w2 shows up (or a generous deadline passes).
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !out.contains("configmap/w2") && std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        out.contains("configmap/w1") && out.contains("configmap/w2"),
        "{out}"
    );
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.ex.io
spec:
  group: ex.io
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    subresources: {status: {}}
"#;

#[test]
fn crd_kinds_are_served_once_established() {
    let env = Env::start();
    let crd = env.write("crd.yaml", CRD);
    let cr = env.write(
        "cr.yaml",
        "apiVersion: ex.io/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n",
    );
    env.kubectl_ok(&["apply", "-f", crd.to_str().expect("utf8")]);
    env.kubectl_ok(&[
        "wait",
        "--for=condition=established",
        "crd/widgets.ex.io",
        "--timeout=10s",
    ]);
    assert!(env
        .kubectl_ok(&["apply", "-f", cr.to_str().expect("utf8")])
        .contains("widget.ex.io/w1 created"));
    assert!(env.kubectl_ok(&["get", "wd"]).contains("w1"));
    assert!(env
        .kubectl_ok(&["apply", "--server-side", "-f", cr.to_str().expect("utf8")])
        .contains("serverside-applied"));
    assert_eq!(
        env.kubectl_ok(&["get", "widget", "w1", "-o", "jsonpath={.spec.size}"]),
        "3"
    );
    // Strategic merge patches are refused for custom resources, as on a real server.
    let o = env.kubectl(&["patch", "widget", "w1", "-p", "{\"spec\":{\"size\":4}}"]);
    assert!(!o.status.success());
    env.kubectl_ok(&[
        "patch",
        "widget",
        "w1",
        "--type=merge",
        "-p",
        "{\"spec\":{\"size\":4}}",
    ]);
    assert_eq!(
        env.kubectl_ok(&[
            "get",
            "widget",
            "w1",
            "-o",
            "jsonpath={.metadata.generation}"
        ]),
        "2"
    );
    env.kubectl_ok(&["delete", "crd", "widgets.ex.io"]);
    assert!(!env.kubectl(&["get", "widgets"]).status.success());
    // Re-creating the CRD does not bring the old custom resources back.
    env.kubectl_ok(&["apply", "-f", crd.to_str().expect("utf8")]);
    assert_eq!(env.kubectl_ok(&["get", "widgets", "-o", "name"]), "");
}
