//! `capstan lint` on the command line: Helm's part against the real `helm lint` 4.3.1
//! (stdout, stderr and exit status), and the hook rules' exit status and JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn helm() -> PathBuf {
    let helm = root().join(".tools/helm");
    assert!(
        helm.exists(),
        "the reference helm is missing at {}: run scripts/test to install it into .tools/",
        helm.display()
    );
    helm
}

fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(root().join("crates/lint/tests/fixtures"))
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("run")
}

fn capstan() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capstan"))
}

fn same_as_helm(args: &[&str]) {
    let h = run(&helm(), &[&["lint"], args].concat());
    let c = run(&capstan(), &[&["lint", "--no-hook-rules"], args].concat());
    assert_eq!(
        String::from_utf8_lossy(&c.stdout),
        String::from_utf8_lossy(&h.stdout),
        "{args:?}"
    );
    assert_eq!(
        String::from_utf8_lossy(&c.stderr),
        String::from_utf8_lossy(&h.stderr),
        "{args:?}"
    );
    assert_eq!(c.status.code(), h.status.code(), "{args:?}");
}

#[test]
fn helm_checks_match_helm_lint() {
    same_as_helm(&["helm/good"]);
    same_as_helm(&["helm/deps-missing", "--with-subcharts"]);
    same_as_helm(&["helm/lint-warnings", "helm/good", "--quiet"]);
    same_as_helm(&["helm/deprecated-api", "--strict"]);
    same_as_helm(&[
        "helm/deprecated-api",
        "--kube-version",
        "1.20.0",
        "--strict",
    ]);
    same_as_helm(&["helm/schema-fail", "--set", "replicas=3"]);
    same_as_helm(&["helm/no-chart"]);
    same_as_helm(&[]);
    same_as_helm(&["helm/good", "--kube-version", "abc"]);
}

#[test]
fn archives_match_helm_lint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf-8");
    let p = run(&helm(), &["package", "helm/lint-warnings", "-d", out]);
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    let tgz = dir.path().join("lint-warnings-0.1.0.tgz");
    same_as_helm(&[tgz.to_str().expect("utf-8")]);
}

#[test]
fn hook_rules_decide_the_exit_status() {
    // HOOK001 is a warning: exit 0, but 1 with --strict; HOOK002 is an error.
    let warn = run(&capstan(), &["lint", "hooks/HOOK001/bad"]);
    assert!(warn.status.success());
    let text = String::from_utf8_lossy(&warn.stdout);
    assert!(
        text.contains("[WARNING] templates/hook.yaml:9: HOOK001 "),
        "{text}"
    );
    assert!(text.contains("\tfix: "), "{text}");
    let strict = run(&capstan(), &["lint", "--strict", "hooks/HOOK001/bad"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr)
        .contains("Error: 1 chart(s) linted, 1 chart(s) failed"));
    let err = run(&capstan(), &["lint", "-o", "json", "hooks/HOOK002/bad"]);
    assert_eq!(err.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&err.stdout).expect("JSON on stdout");
    assert_eq!(json["charts"][0]["findings"][0]["rule"], "HOOK002");
    assert_eq!(json["charts"][0]["failed"], true);
}

#[test]
fn task_api_example_lints_clean() {
    let out = run(
        &capstan(),
        &["lint", "--strict", "../../../../examples/task-api"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "==> Linting ../../../../examples/task-api\n\n1 chart(s) linted, 0 chart(s) failed\n"
    );
}

#[test]
fn task_api_example_renders_like_helm_template() {
    for set in [
        &[][..],
        &["--set", "failUpgrade=true", "--set", "failTest=true"][..],
        &["--set", "backup.existingClaim=backups", "--is-upgrade"][..],
    ] {
        let args = [&["template", "t", "../../../../examples/task-api"], set].concat();
        let h = run(&helm(), &args);
        let c = run(&capstan(), &args);
        assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
        assert_eq!(
            String::from_utf8_lossy(&c.stdout),
            String::from_utf8_lossy(&h.stdout),
            "{set:?}"
        );
        let hooks = String::from_utf8_lossy(&h.stdout)
            .matches("helm.sh/hook:")
            .count();
        assert!(hooks >= 14, "{set:?}: only {hooks} hooks rendered");
    }
}
