//! `lookup` during install and upgrade on the fake cluster: answered from the cluster for
//! real runs and `--dry-run=server`, empty for `--dry-run=client` (helm's
//! `interactWithServer`), on a current-thread runtime (the render thread must not need
//! the runtime thread it waits on) and on a multi-thread one.
// The shared harness re-exports more than this file needs.
#![allow(unused_imports)]

#[macro_use]
mod fake;
use fake::*;
use serde_json::json;

/// A Secret that keeps the password of the live one, plus a missing object, a list and a
/// cluster-scoped Namespace.
fn lookup_chart() -> PathBuf {
    chart(&[(
        "secret.yaml",
        r#"{{- $old := lookup "v1" "Secret" .Release.Namespace "db" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  password: {{ if $old }}{{ $old.data.password | quote }}{{ else }}"generated"{{ end }}
  missing: {{ lookup "v1" "ConfigMap" "default" "absent" | toJson | quote }}
  listed: {{ (lookup "v1" "ConfigMap" "default" "").items | default list | len | quote }}
  namespace: {{ dig "metadata" "name" "none" (lookup "v1" "Namespace" "" "team") | quote }}
  revision: {{ .Release.Revision | quote }}
"#
        .to_owned(),
    )])
}

fn seed(t: &T) {
    let put = |obj: serde_json::Value, ns: &str| t.cluster.put(obj, ns).expect("put");
    put(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"password": "a2VlcA=="}}),
        "default",
    );
    put(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}}),
        "default",
    );
    put(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
        "",
    );
}

fn data(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("  name:"))
        .map(|l| l.trim().to_owned())
        .collect()
}

async fn install_with(t: &T, dry_run: DryRun) -> Vec<String> {
    let sink = t.sink();
    let env = env!(t, sink);
    let opts = InstallOptions { dry_run, ..iopts() };
    let rel = install(&env, load(&lookup_chart()), &values(), &opts)
        .await
        .expect("installs");
    data(&rel.manifest)
}

const FROM_CLUSTER: [&str; 5] = [
    r#"password: "a2VlcA==""#,
    r#"missing: "{}""#,
    r#"listed: "1""#,
    r#"namespace: "team""#,
    r#"revision: "1""#,
];

#[tokio::test]
async fn install_and_server_dry_run_read_the_cluster() {
    let t = T::new();
    seed(&t);
    assert_eq!(install_with(&t, DryRun::Server).await, FROM_CLUSTER);
    assert_eq!(install_with(&t, DryRun::None).await, FROM_CLUSTER);
}

#[tokio::test]
async fn client_dry_run_renders_empty_lookups() {
    let t = T::new();
    seed(&t);
    assert_eq!(
        install_with(&t, DryRun::Client).await,
        [
            r#"password: "generated""#,
            r#"missing: "{}""#,
            r#"listed: "0""#,
            r#"namespace: "none""#,
            r#"revision: "1""#,
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_reads_the_cluster_as_it_is_then() {
    let t = T::new();
    seed(&t);
    install_with(&t, DryRun::None).await;
    // The install applied ConfigMap `app`: the upgrade's list sees two.
    let sink = t.sink();
    let env = env!(t, sink);
    let rel = upgrade(&env, load(&lookup_chart()), &values(), &uopts())
        .await
        .expect("upgrades");
    assert_eq!(
        data(&rel.manifest),
        [
            r#"password: "a2VlcA==""#,
            r#"missing: "{}""#,
            r#"listed: "2""#,
            r#"namespace: "team""#,
            r#"revision: "2""#,
        ]
    );
    let opts = UpgradeOptions {
        dry_run: DryRun::Client,
        ..uopts()
    };
    let rel = upgrade(&env, load(&lookup_chart()), &values(), &opts)
        .await
        .expect("client dry run");
    assert!(
        data(&rel.manifest).contains(&r#"listed: "0""#.to_owned()),
        "{}",
        rel.manifest
    );
}
