//! `lookup` against the cluster, capstan vs real helm 4.3.1, each on its own sandbox seeded
//! with the same objects: install and upgrade (which read the cluster), `--dry-run=server`
//! (reads), `--dry-run=client` and `template` (empty maps), and a lookup of an unserved
//! group (the template fails). Compared: exit status, stdout with the times of the moment
//! replaced, the `Error:` line, and every stored release record decoded minus timestamps.

mod release_env;

use std::collections::BTreeMap;

use release_env::{error_line, stored_records, Env};
use serde_json::Value;

/// Keeps an existing Secret's password, and prints what the other lookups return in forms
/// that do not depend on the sandbox's uids, resource versions or times.
const TEMPLATE: &str = r#"{{- $old := lookup "v1" "Secret" .Release.Namespace "db" }}
{{- $list := lookup "v1" "ConfigMap" "other" "" }}
{{- $ns := lookup "v1" "Namespace" "" "team" }}
{{- $dep := lookup "apps/v1" "Deployment" "default" "dep" }}
{{- if .Values.broken }}{{ lookup "nope.io/v1" "Nope" "default" "x" }}{{ end }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-secret
data:
  password: {{ if $old }}{{ $old.data.password }}{{ else }}{{ "generated" | b64enc }}{{ end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-facts
data:
  missing: {{ lookup "v1" "ConfigMap" "default" "absent" | toJson | quote }}
  missingType: {{ typeOf (lookup "v1" "ConfigMap" "default" "absent") | quote }}
  unlistedKind: {{ lookup "v1" "Nope" "default" "x" | toJson | quote }}
  listKind: {{ $list.kind | default "none" | quote }}
  listKeys: {{ keys $list | sortAlpha | join "," | quote }}
  listMetaKeys: {{ $list.metadata | default dict | keys | sortAlpha | join "," | quote }}
  listItemsType: {{ typeOf $list.items | quote }}
  {{- $items := "" }}
  {{- range $list.items }}
  {{- $items = printf "%s%s/%s/%s=%s;" $items .apiVersion .kind .metadata.name (toJson .data) }}
  {{- end }}
  listItems: {{ $items | quote }}
  allConfigMaps: {{ (lookup "v1" "ConfigMap" "" "").items | default list | len | quote }}
  namespace: {{ dig "metadata" "name" "none" $ns | quote }}
  namespaceType: {{ typeOf $ns | quote }}
  replicas: {{ dig "spec" "replicas" "none" $dep | quote }}
  replicasType: {{ typeOf (dig "spec" "replicas" "none" $dep) | quote }}
  labels: {{ dig "metadata" "labels" dict $dep | toJson | quote }}
"#;

fn chart(env: &Env) -> String {
    env.write(
        "look/Chart.yaml",
        "apiVersion: v2\nname: look\nversion: 0.1.0\n",
    );
    env.write("look/values.yaml", "broken: false\n");
    env.write("look/templates/t.yaml", TEMPLATE);
    env.dir.join("look").display().to_string()
}

/// The same objects on a sandbox: a Secret to keep, two ConfigMaps in `other`, a Namespace
/// and a Deployment.
fn seed(env: &Env) {
    for args in [
        &["create", "namespace", "other"][..],
        &["create", "namespace", "team"],
        &[
            "create",
            "secret",
            "generic",
            "db",
            "--from-literal=password=kept",
            "-n",
            "default",
        ],
        &[
            "create",
            "configmap",
            "one",
            "--from-literal=a=1",
            "-n",
            "other",
        ],
        &["create", "configmap", "two", "-n", "other"],
        &[
            "create",
            "deployment",
            "dep",
            "--image=nginx",
            "--replicas=2",
            "-n",
            "default",
        ],
    ] {
        let o = env.kubectl(args);
        assert!(
            o.status.success(),
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn times(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.starts_with("LAST DEPLOYED: ") {
                "LAST DEPLOYED: <time>".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every stored release record (Secrets labelled `owner=helm`), decoded, minus times.
fn records(env: &Env) -> BTreeMap<String, Value> {
    stored_records(env)
        .into_iter()
        .map(|(name, record, _)| (name, record))
        .collect()
}

struct Pair {
    helm: Env,
    capstan: Env,
    chart: String,
}

impl Pair {
    fn new() -> Pair {
        let (helm, capstan) = (Env::start(), Env::start());
        seed(&helm);
        seed(&capstan);
        let chart = chart(&helm);
        Pair {
            helm,
            capstan,
            chart,
        }
    }

    /// Runs `args` (`CHART` stands for the chart) with both; returns helm's stdout.
    fn same(&self, args: &[&str]) -> String {
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
        let h_out = String::from_utf8_lossy(&h.stdout).into_owned();
        assert_eq!(
            c.status.code(),
            h.status.code(),
            "exit status of {args:?}\nhelm stderr: {}\ncapstan stderr: {c_err}",
            String::from_utf8_lossy(&h.stderr)
        );
        assert_eq!(
            times(&String::from_utf8_lossy(&c.stdout)),
            times(&h_out),
            "stdout of {args:?}\ncapstan stderr: {c_err}"
        );
        assert_eq!(error_line(&c), error_line(&h), "error of {args:?}");
        h_out
    }

    fn same_records(&self, when: &str) {
        let (c, h) = (records(&self.capstan), records(&self.helm));
        assert!(
            c == h,
            "stored records differ after {when}:\ncapstan {c:?}\nhelm    {h:?}"
        );
    }
}

/// The manifest lines of the facts ConfigMap and the kept password, from stored records.
fn manifest_of(env: &Env, key: &str) -> String {
    records(env)[key]["manifest"]
        .as_str()
        .expect("manifest")
        .to_owned()
}

#[test]
fn lookup_reads_the_cluster_as_helm_does() {
    let p = Pair::new();
    // A server dry run reads the cluster; the manifest is printed.
    let out = p.same(&["install", "r", "CHART", "--dry-run=server"]);
    assert!(
        out.contains("password: a2VwdA=="),
        "the live password: {out}"
    );
    assert!(out.contains(r#"listKind: "ConfigMapList""#), "{out}");
    assert!(out.contains(r#"replicasType: "int64""#), "{out}");
    // A client dry run and `template` do not: every lookup is an empty map.
    let out = p.same(&["install", "r", "CHART", "--dry-run=client"]);
    assert!(out.contains(r#"listKind: "none""#), "{out}");
    assert!(
        out.contains(r#"missingType: "map[string]interface {}""#),
        "{out}"
    );
    let t = p.same(&["template", "r", "CHART"]);
    assert!(t.contains(r#"namespace: "none""#), "{t}");
    // The real install and upgrade store what they read.
    p.same(&["install", "r", "CHART"]);
    p.same_records("install");
    let m = manifest_of(&p.capstan, "sh.helm.release.v1.r.v1");
    assert!(m.contains("password: a2VwdA=="), "{m}");
    assert!(m.contains(r#"namespace: "team""#), "{m}");
    // Between the two, the cluster changes: the upgrade sees the new state.
    for env in [&p.helm, &p.capstan] {
        let o = env.kubectl(&["create", "configmap", "three", "-n", "other"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    p.same(&["upgrade", "r", "CHART"]);
    p.same_records("upgrade");
    let m = manifest_of(&p.capstan, "sh.helm.release.v1.r.v2");
    assert!(m.contains("v1/ConfigMap/three="), "{m}");
    p.same(&["upgrade", "r", "CHART", "--dry-run=client"]);
    p.same(&["upgrade", "r", "CHART", "--dry-run=server"]);
    p.same_records("dry-run upgrades");
}

#[test]
fn a_lookup_of_an_unserved_group_fails_as_in_helm() {
    let p = Pair::new();
    p.same(&["install", "r", "CHART", "--set", "broken=true"]);
    p.same(&[
        "install",
        "r",
        "CHART",
        "--set",
        "broken=true",
        "--dry-run=server",
    ]);
    // No cluster, no failure.
    p.same(&[
        "install",
        "r",
        "CHART",
        "--set",
        "broken=true",
        "--dry-run=client",
    ]);
    p.same(&["install", "ok", "CHART"]);
    p.same(&["upgrade", "ok", "CHART", "--set", "broken=true"]);
    p.same_records("failures");
}
