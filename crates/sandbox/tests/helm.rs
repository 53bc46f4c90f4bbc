//! Real helm 4.3.1 and 3.17.3 against the sandbox, with a chart using every hook type,
//! weights, each delete policy, a failing pre-upgrade hook and passing/failing test hooks.

mod common;
use common::Env;
use std::path::PathBuf;

fn chart() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/charts/hooks")
        .display()
        .to_string()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Index of the first write (create, or server-side apply patch) of `name` in the audit log.
fn first_write(env: &Env, name: &str) -> usize {
    env.handle()
        .audit()
        .iter()
        .position(|r| r.name == name && (r.verb == "create" || r.verb == "patch") && r.code < 300)
        .unwrap_or_else(|| panic!("{name} was never written"))
}

fn exists(env: &Env, kind: &str, name: &str) -> bool {
    env.kubectl(&["get", kind, name]).status.success()
}

fn lifecycle(bin: &str) {
    let env = Env::start();
    let c = chart();
    let out = env.helm_ok(
        bin,
        &[
            "install",
            "r",
            &c,
            "--wait",
            "--wait-for-jobs",
            "--timeout",
            "60s",
        ],
    );
    assert!(out.contains("STATUS: deployed"), "{out}");
    // Weights order the pre-install hooks; the release's own objects come after them, and
    // post-install after those.
    let (cm, a, b) = (
        first_write(&env, "hook-cm"),
        first_write(&env, "pre-install-a"),
        first_write(&env, "pre-install-b"),
    );
    let (web, post) = (
        first_write(&env, "r-web"),
        first_write(&env, "post-install"),
    );
    assert!(
        cm < a && a < b && b < web && web < post,
        "order: cm {cm} a {a} b {b} web {web} post {post}"
    );
    // Delete policies: hook-succeeded removed pre-install-b, before-hook-creation kept pre-install-a.
    assert!(!exists(&env, "job", "pre-install-b"));
    assert!(exists(&env, "job", "pre-install-a"));
    assert!(env
        .kubectl_ok(&[
            "get",
            "deploy",
            "r-web",
            "-o",
            "jsonpath={.status.readyReplicas}"
        ])
        .contains('1'));

    let up = env.helm_ok(bin, &["upgrade", "r", &c]);
    assert!(up.contains("REVISION: 2"), "{up}");
    assert!(
        !exists(&env, "job", "post-upgrade"),
        "hook-succeeded must delete post-upgrade"
    );

    // A failing pre-upgrade hook fails the upgrade, as on a real cluster.
    let bad = env.helm(bin, &["upgrade", "r", &c, "--set", "failPreUpgrade=true"]);
    assert!(!bad.status.success());
    let err = stderr(&bad);
    assert!(
        err.contains("UPGRADE FAILED: pre-upgrade hooks failed"),
        "{err}"
    );
    if bin == "helm-3" {
        assert!(
            err.contains("job pre-upgrade failed: BackoffLimitExceeded"),
            "{err}"
        );
    } else {
        assert!(err.contains("Job/default/pre-upgrade"), "{err}");
    }
    let hist = env.helm_ok(bin, &["history", "r"]);
    assert!(
        hist.lines().nth(3).is_some_and(|l| l.contains("failed")),
        "{hist}"
    );
    // The Job failed with the real reason (its Event outlives it), and hook-failed deleted it.
    let reasons = env.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=pre-upgrade",
        "-o",
        "jsonpath={.items[*].reason}",
    ]);
    assert!(reasons.contains("BackoffLimitExceeded"), "{reasons}");
    assert!(
        !exists(&env, "job", "pre-upgrade"),
        "hook-failed must delete the failed hook"
    );

    let ok = env.helm_ok(bin, &["test", "r", "--logs"]);
    assert!(
        ok.contains("test ok") && ok.contains("Phase:          Succeeded"),
        "{ok}"
    );
    env.helm_ok(bin, &["upgrade", "r", &c, "--set", "failTest=true"]);
    let t = env.helm(bin, &["test", "r", "--logs"]);
    assert!(
        !t.status.success(),
        "a failing test hook must fail helm test"
    );
    assert!(stderr(&t).contains("r-test-bad"), "{}", stderr(&t));

    env.helm_ok(bin, &["rollback", "r", "2"]);
    let st = env.helm_ok(bin, &["status", "r"]);
    assert!(
        st.contains("REVISION: 5") && st.contains("STATUS: deployed"),
        "{st}"
    );
    assert!(first_write(&env, "pre-rollback") < first_write(&env, "post-rollback"));
    assert!(env.helm_ok(bin, &["list"]).contains("deployed"));

    env.helm_ok(bin, &["uninstall", "r"]);
    assert!(first_write(&env, "pre-delete") < first_write(&env, "post-delete"));
    assert!(!exists(&env, "deploy", "r-web"));
    assert_eq!(
        env.kubectl_ok(&["get", "secrets", "-l", "owner=helm", "-o", "name"]),
        ""
    );
    assert_eq!(
        env.kubectl_ok(&["get", "rs,pods", "-l", "app=web", "-o", "name"]),
        ""
    );
}

#[test]
fn helm4_lifecycle_with_hooks() {
    lifecycle("helm");
}

#[test]
fn helm3_lifecycle_with_hooks() {
    lifecycle("helm-3");
}
