//! The read-side release commands (`status`, `history`, `list`, `get ...`) against real helm
//! 4.3.1: releases are installed, upgraded, tested, rolled back and uninstalled by helm on an
//! in-process sandbox, then helm and capstan run with the same arguments and must print the
//! same stdout and stderr and exit with the same status. Both read the same stored records,
//! so even the timestamps must agree; only the AGE column of `status` tables (computed by the
//! server at request time) is normalised.

mod release_env;

use release_env::{demo_chart, Env};

/// Replaces the trailing AGE cell of resource table rows (`12s`, `3m4s`, ...).
fn ages(s: &str) -> String {
    s.lines()
        .map(|l| {
            let trimmed = l.trim_end();
            match trimmed.rsplit_once(' ') {
                Some((head, last))
                    if !last.is_empty()
                        && last.chars().next().is_some_and(|c| c.is_ascii_digit())
                        && last
                            .chars()
                            .all(|c| c.is_ascii_digit() || "smhdy".contains(c))
                        && last.chars().last().is_some_and(|c| "smhdy".contains(c)) =>
                {
                    format!("{head} AGE")
                }
                _ => l.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sandbox holding: `r1` (installed, upgraded with --set, tested, rolled back to 1),
/// `r2` in namespace `other` with a custom label, `bad` (failed install), `gone`
/// (uninstalled with --keep-history).
fn populated() -> (Env, String) {
    let env = Env::start();
    let chart = demo_chart(&env);
    env.helm_ok(&["install", "r1", &chart]);
    env.helm_ok(&[
        "upgrade",
        "r1",
        &chart,
        "--set",
        "message=bye,nested.gone=null",
    ]);
    env.helm_ok(&["test", "r1"]);
    env.helm_ok(&["rollback", "r1", "1"]);
    env.helm_ok(&[
        "install",
        "r2",
        &chart,
        "-n",
        "other",
        "--create-namespace",
        "--labels",
        "team=a",
    ]);
    let bad = env.helm(&["install", "bad", &chart, "--set", "failPre=true"]);
    assert!(
        !bad.status.success(),
        "the failing pre-install hook must fail"
    );
    env.helm_ok(&["install", "gone", &chart]);
    env.helm_ok(&["uninstall", "gone", "--keep-history"]);
    (env, chart)
}

#[test]
fn status_matches_helm() {
    let (env, _) = populated();
    for args in [
        &["status", "r1"][..],
        &["status", "r1", "-o", "json"],
        &["status", "r1", "-o", "yaml"],
        &["status", "r1", "--revision", "2"],
        &["status", "r1", "--revision", "2", "-o", "json"],
        &["status", "r2", "-n", "other"],
        &["status", "bad"],
        &["status", "gone"],
        &["status", "gone", "-o", "yaml"],
    ] {
        env.same_as_helm_with(args, ages);
    }
    // The test hook's last run is shown from revision 2's record.
    let out = env.capstan(&["status", "r1", "--revision", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("TEST SUITE:     r1-test"), "{text}");
    assert!(text.contains("Phase:          Succeeded"), "{text}");
}

#[test]
fn history_matches_helm() {
    let (env, _) = populated();
    for args in [
        &["history", "r1"][..],
        &["hist", "r1"],
        &["history", "r1", "-o", "json"],
        &["history", "r1", "-o", "yaml"],
        &["history", "r1", "--show-rollback-revision"],
        &["history", "r1", "--max", "2"],
        &["history", "r1", "--max", "0"],
        &["history", "bad"],
        &["history", "gone", "-o", "json"],
        &["history", "r2", "-n", "other"],
    ] {
        env.same_as_helm(args);
    }
}

#[test]
fn list_matches_helm() {
    let (env, _) = populated();
    for args in [
        &["list"][..],
        &["ls"],
        &["list", "-A"],
        &["list", "-A", "-o", "json"],
        &["list", "-A", "-o", "yaml"],
        &["list", "-q"],
        &["list", "-A", "-q", "-o", "json"],
        &["list", "-q", "-o", "yaml"],
        &["list", "--deployed"],
        &["list", "--failed"],
        &["list", "--uninstalled"],
        &["list", "--superseded"],
        &["list", "--pending"],
        &["list", "--uninstalling"],
        &["list", "--deployed", "--failed", "-A"],
        &["list", "--filter", "^r"],
        &["list", "-f", "o", "-A"],
        &["list", "--max", "1"],
        &["list", "-m", "2", "--offset", "1", "-A"],
        &["list", "--offset", "10"],
        &["list", "-d", "-A"],
        &["list", "-d", "-r", "-A"],
        &["list", "-r"],
        &["list", "--no-headers", "-A"],
        &["list", "--time-format", "2006-01-02 15:04:05Z0700", "-A"],
        &["list", "--time-format", "Jan _2 3:04PM", "-A"],
        &["list", "-l", "team=a", "-A"],
        &["list", "-l", "team!=a", "-A"],
        &["list", "-l", "name=r1"],
        &["list", "-n", "other"],
        &["list", "-n", "empty-ns"],
        &["list", "-n", "empty-ns", "-o", "json"],
    ] {
        env.same_as_helm(args);
    }
}

#[test]
fn get_matches_helm() {
    let (env, _) = populated();
    for args in [
        &["get", "all", "r1"][..],
        &["get", "all", "r1", "--revision", "2"],
        &["get", "all", "r2", "-n", "other"],
        &["get", "hooks", "r1"],
        &["get", "manifest", "r1"],
        &["get", "manifest", "r1", "--revision", "2"],
        &["get", "notes", "r1"],
        &["get", "notes", "r1", "--revision", "2"],
        &["get", "values", "r1"],
        &["get", "values", "r1", "--revision", "2"],
        &["get", "values", "r1", "--revision", "2", "-o", "json"],
        &["get", "values", "r1", "--revision", "2", "-o", "yaml"],
        &["get", "values", "r1", "--revision", "2", "--all"],
        &["get", "values", "r1", "-a", "-o", "json"],
        &["get", "values", "r2", "-n", "other"],
        &["get", "values", "r2", "-n", "other", "-o", "json"],
        &["get", "metadata", "r1"],
        &["get", "metadata", "r1", "-o", "json"],
        &["get", "metadata", "r2", "-n", "other", "-o", "yaml"],
        &["get", "metadata", "r1", "--revision", "1"],
        &["get", "metadata", "bad"],
        &["get", "all", "r1", "--template", "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Info.LastDeployed}} {{.Release.Chart.Metadata.Version}} {{.Release.Namespace}}"],
        &["get", "all", "r1", "--revision", "2", "--template", "{{range .Release.Hooks}}{{.Name}}:{{.Kind}}:{{.LastRun.Phase}}:{{.Events}} {{end}}{{.Release.Config}} {{.Release.Labels}}"],
        &["get", "all", "r2", "-n", "other", "--template", "{{.Release.Labels}} {{.Release.Info.Description}}"],
        &["get", "all", "r1", "--template", "{{.Release.Name"],
        // Helm's release is a typed Go value: a missing field is an error, a missing map
        // key prints <no value>.
        &["get", "all", "r1", "--template", "{{.Release.Nope}}"],
        &["get", "all", "r1", "--template", "a {{.Release.Info.Nope}} b"],
        &["get", "all", "r1", "--template", "{{.Release.Chart.Metadata.Nope}}"],
        &["get", "all", "r1", "--template", "{{.Release.Chart.Nope}}"],
        &["get", "all", "r1", "--template", "{{range .Release.Hooks}}{{.Nope}}{{end}}"],
        &["get", "all", "r1", "--template", "{{range .Release.Hooks}}{{.LastRun.Nope}}{{end}}"],
        &["get", "all", "r1", "--template", "{{.Release.Info.LastDeployed.Nope}}"],
        &["get", "all", "r1", "--template", "{{.Release.Nope.deeper}}"],
        &["get", "all", "r1", "--template", "{{.Release.Config.nope}} {{.Release.Labels.nope}} {{.Release.Chart.Values.nope}} {{.Release.Chart.Metadata.Annotations.nope}}"],
        &["get", "all", "r1", "--template", "{{.Release.Chart.Name}} {{.Release.Chart.AppVersion}} {{.Release.Chart.IsRoot}} {{.Release.ApplyMethod}} {{.Release.Info.RollbackRevision}} {{.Release.Info.Deleted}}"],
        &["get", "all", "r1", "--template", "{{.Release.Info}} {{(index .Release.Hooks 0).LastRun}} {{.Release.Chart.Metadata.Sources}} {{.Release.Chart.Metadata.Annotations}}"],
        &["get", "all", "r1", "--template", "{{range .Release.Hooks}}{{.Weight}} {{.DeletePolicies}} {{.LastRun.StartedAt.String | len | printf \"%T\"}} {{end}}"],
    ] {
        env.same_as_helm(args);
    }
}

#[test]
fn errors_match_helm() {
    let (env, _) = populated();
    for args in [
        &["status", "nope"][..],
        &["status", "r1", "--revision", "9"],
        &["status", "Bad_Name"],
        &["status"],
        &["status", "a", "b"],
        &["status", "r1", "-o", "xml"],
        &["history", "nope"],
        &["history", "Bad_Name"],
        &["history"],
        &["list", "extra"],
        &["list", "-o", "toml"],
        &["list", "--filter", "["],
        &["list", "--filter", "a[b"],
        &["list", "--filter", "(r1"],
        &["list", "--filter", "r1)"],
        &["list", "--filter", "*"],
        &["get", "all", "nope"],
        &["get", "all"],
        &["get", "hooks", "nope"],
        &["get", "manifest", "r1", "--revision", "7"],
        &["get", "notes", "nope"],
        &["get", "values", "nope"],
        &["get", "values", "r1", "-o", "xml"],
        &["get", "metadata", "nope"],
        &["get", "metadata", "r1", "--revision", "42"],
        &["status", "r1", "--no-such-flag"],
    ] {
        env.same_as_helm(args);
    }
}

#[test]
fn configmap_driver_matches_helm() {
    let mut env = Env::start();
    env.vars.push(("HELM_DRIVER".into(), "configmap".into()));
    let chart = demo_chart(&env);
    env.helm_ok(&["install", "cm1", &chart, "--labels", "x=y"]);
    env.helm_ok(&["upgrade", "cm1", &chart, "--set", "message=again"]);
    for args in [
        &["list"][..],
        &["list", "-A", "-o", "json"],
        &["history", "cm1"],
        &["status", "cm1"],
        &["get", "all", "cm1"],
        &["get", "metadata", "cm1"],
        &["list", "-l", "x=y"],
    ] {
        env.same_as_helm_with(args, ages);
    }
    // The Secrets driver sees none of these releases.
    env.vars.clear();
    let out = env.capstan(&["list", "-q"]);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn status_shows_resources_and_related_pods() {
    let env = Env::start();
    env.write(
        "multi/Chart.yaml",
        "apiVersion: v2\nname: multi\nversion: 1.0.0\n",
    );
    env.write(
        "multi/templates/all.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-a\ndata:\n  x: \"1\"\n\
         ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-longer-name\ndata:\n  x: \"1\"\n  y: \"2\"\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
    );
    let chart = env.dir.join("multi").display().to_string();
    env.helm_ok(&["install", "m", &chart, "--wait"]);
    // helm prints the kinds in Go map order (random), so compare the blocks as sets.
    let blocks = |o: &std::process::Output| {
        // The section after RESOURCES becomes a block of its own, so the order of the
        // kinds does not decide which block carries it.
        let text =
            ages(&String::from_utf8_lossy(&o.stdout)).replace("\n\nTEST SUITE", "\n==> TEST SUITE");
        let mut b: Vec<String> = text.split("==> ").map(str::to_owned).collect();
        b.sort();
        b
    };
    let h = env.helm(&["status", "m"]);
    let c = env.capstan(&["status", "m"]);
    assert_eq!(blocks(&c), blocks(&h));
    let text = String::from_utf8_lossy(&c.stdout);
    assert!(text.contains("==> v1/Pod(related)"), "{text}");
    assert!(text.contains("m-longer-name   2     AGE") || text.contains("m-longer-name   2"));
    // JSON: the same objects under the same keys (a map, so key order is Go's sorted one).
    let norm = |o: &std::process::Output| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        // Pod status times move while the controllers work; compare names per group.
        let res = v["info"]["resources"].take();
        let groups: std::collections::BTreeMap<String, Vec<String>> = res
            .as_object()
            .expect("resources")
            .iter()
            .map(|(k, items)| {
                let mut names: Vec<String> = items
                    .as_array()
                    .expect("list")
                    .iter()
                    .flat_map(|i| match i["items"].as_array() {
                        // A pod list read for a workload's selector.
                        Some(pods) => pods
                            .iter()
                            .map(|p| format!("{}/{}", i["kind"], p["metadata"]["name"]))
                            .collect::<Vec<_>>(),
                        None => vec![i["metadata"]["name"].as_str().unwrap_or("").to_owned()],
                    })
                    .collect();
                names.sort();
                (k.clone(), names)
            })
            .collect();
        v["info"]["resources"] = serde_json::to_value(groups).expect("value");
        v
    };
    assert_eq!(
        norm(&env.capstan(&["status", "m", "-o", "json"])),
        norm(&env.helm(&["status", "m", "-o", "json"]))
    );
}

#[test]
fn sql_driver_matches_helm() {
    let url = match std::env::var("CAPSTAN_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => u,
        _ => panic!(
            "CAPSTAN_TEST_POSTGRES is not set: the SQL driver test needs PostgreSQL. Run \
             `scripts/start-services` (after `apt-get install -y postgresql`) and export the \
             line it prints, or run the tests through scripts/test, which does both"
        ),
    };
    let mut env = Env::start();
    env.vars.push(("HELM_DRIVER".into(), "sql".into()));
    env.vars
        .push(("HELM_DRIVER_SQL_CONNECTION_STRING".into(), url.clone()));
    // The database is shared with other tests: a namespace of our own keeps rows apart.
    let ns = format!(
        "cli-sql-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let chart = demo_chart(&env);
    env.helm_ok(&[
        "install",
        "s1",
        &chart,
        "-n",
        &ns,
        "--create-namespace",
        "--labels",
        "k=v",
    ]);
    env.helm_ok(&["upgrade", "s1", &chart, "-n", &ns, "--set", "message=sql"]);
    for args in [
        &["list", "-n", &ns][..],
        &["list", "-n", &ns, "-o", "json"],
        &["history", "s1", "-n", &ns],
        &["status", "s1", "-n", &ns],
        &["get", "all", "s1", "-n", &ns],
        &["get", "values", "s1", "-n", &ns, "--revision", "1"],
    ] {
        env.same_as_helm_with(args, ages);
    }
    // capstan writes through the SQL driver; helm reads what it wrote.
    let up = env.capstan(&[
        "upgrade",
        "s1",
        &chart,
        "-n",
        &ns,
        "--set",
        "message=capstan",
    ]);
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let hist = env.helm_ok(&["history", "s1", "-n", &ns]);
    assert!(
        hist.lines().count() == 4 && hist.contains("Upgrade complete"),
        "{hist}"
    );
    env.same_as_helm(&["get", "values", "s1", "-n", &ns]);
    let un = env.capstan(&["uninstall", "s1", "-n", &ns]);
    assert!(
        un.status.success(),
        "{}",
        String::from_utf8_lossy(&un.stderr)
    );
    env.same_as_helm(&["list", "-n", &ns, "-q"]);
}

#[test]
fn connection_flags_match_helm() {
    let mut env = Env::start();
    let chart = demo_chart(&env);
    env.helm_ok(&["install", "k1", &chart]);
    let url = env.handle().url();
    // No kubeconfig at all: --kube-apiserver alone reaches the cluster.
    env.vars.push((
        "KUBECONFIG".into(),
        env.dir.join("missing").display().to_string(),
    ));
    for args in [
        &["list", "--kube-apiserver", &url][..],
        &[
            "status",
            "k1",
            "--kube-apiserver",
            &url,
            "--kube-token",
            "t0ken",
            "--kube-as-user",
            "alice",
            "--kube-as-group",
            "devs",
        ],
        &[
            "history",
            "k1",
            "--kube-apiserver",
            &url,
            "--kube-insecure-skip-tls-verify",
            "--burst-limit",
            "50",
            "--qps",
            "20",
            "--color",
            "never",
        ],
        &[
            "get",
            "values",
            "k1",
            "--kube-apiserver",
            &url,
            "--colour",
            "never",
        ],
    ] {
        env.same_as_helm_with(args, ages);
    }
    env.vars.push(("HELM_KUBEAPISERVER".into(), url.clone()));
    env.same_as_helm(&["list", "-q"]);
}

#[test]
fn helm3_records_read_like_helm4_reads_them() {
    let env = Env::start();
    let chart = demo_chart(&env);
    let helm3 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm-3");
    assert!(
        helm3.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        helm3.display()
    );
    let run3 = |args: &[&str]| {
        let o = std::process::Command::new(&helm3)
            .args(args)
            .env("HOME", env.dir.join("home"))
            .env("KUBECONFIG", &env.kubeconfig)
            .env("HELM_CACHE_HOME", env.dir.join("home/.cache/helm"))
            .env("HELM_CONFIG_HOME", env.dir.join("home/.config/helm"))
            .env("HELM_DATA_HOME", env.dir.join("home/.local/share/helm"))
            .env_remove("HELM_DRIVER")
            .output()
            .expect("run helm 3");
        assert!(
            o.status.success(),
            "helm 3 {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    // Helm 3 writes zero times out (`deleted`), no apply_method, and its own chart fields.
    run3(&["install", "h3", &chart]);
    run3(&["upgrade", "h3", &chart, "--set", "message=three"]);
    run3(&["uninstall", "h3", "--keep-history"]);
    for args in [
        &["status", "h3"][..],
        &["status", "h3", "-o", "json"],
        &["history", "h3"],
        &["history", "h3", "-o", "yaml"],
        &["list", "-a"],
        &["list", "--uninstalled", "-o", "json"],
        &["get", "all", "h3", "--revision", "1"],
        &["get", "metadata", "h3"],
        &["get", "values", "h3", "--all"],
    ] {
        env.same_as_helm_with(args, ages);
    }
}

#[test]
fn unreachable_cluster_matches_helm() {
    let mut env = Env::start();
    let chart = demo_chart(&env);
    if let Some(h) = env.handle.take() {
        env.rt.block_on(h.shutdown());
    }
    for args in [
        &["status", "r1"][..],
        &["list", "-A"],
        &["history", "r1"],
        &["get", "all", "r1"],
        &["install", "r1", &chart],
        &["upgrade", "r1", &chart],
        &["upgrade", "--install", "r1", &chart],
        &["rollback", "r1"],
        &["uninstall", "r1"],
        &["test", "r1"],
    ] {
        env.same_as_helm(args);
    }
}
