//! `capstan plan` and `capstan demo` on examples/task-api (issue 8 §3 and §5): the plan's
//! timeline (phases, hooks in order with weights and policies, failure fates) and its
//! resource comparison against an in-process sandbox, and the demo's walk with each step's
//! outcome.

mod task_api;

use std::time::Duration;

use capstan_lifecycle::{
    CommonOptions, Env, Event, InstallOptions, Locks, RenderOptions, UpgradeOptions,
};
use capstan_sandbox::ExecMode;
use capstan_storage::{AnyDriver, DriverKind, Storage};
use serde_json::Value;
use task_api::{chart, ok, show, Sandbox};

/// Installs (or upgrades) the chart as release `t` through the lifecycle library, as the
/// CLI would, so the plan tests do not depend on the install command's output.
fn deploy(sb: &Sandbox, upgrade: bool, set: &[(&str, Value)]) {
    let client = sb.client();
    sb.rt.block_on(async {
        let res = capstan_kube::resources::Resources::new(client.clone());
        let storage = Storage::new(
            AnyDriver::connect(DriverKind::Secrets, client.clone(), "default").expect("driver"),
        );
        let sink = |_: Event| {};
        let env = Env {
            cluster: &res,
            storage: &storage,
            locks: &Locks::Off,
            events: &sink,
        };
        let mut values = capstan_chart::Values::new();
        for (k, v) in set {
            values.insert((*k).to_owned(), v.clone());
        }
        let chart = capstan_chart::load(chart()).expect("chart");
        let common = CommonOptions {
            timeout: Duration::from_secs(60),
            ..CommonOptions::default()
        };
        let rel = if upgrade {
            let opts = UpgradeOptions {
                name: "t".into(),
                namespace: "default".into(),
                common,
                render: RenderOptions::default(),
                ..UpgradeOptions::default()
            };
            capstan_lifecycle::upgrade(&env, chart, &values, &opts).await
        } else {
            let opts = InstallOptions {
                name: "t".into(),
                namespace: "default".into(),
                common,
                ..InstallOptions::default()
            };
            capstan_lifecycle::install(&env, chart, &values, &opts).await
        };
        assert_eq!(rel.expect("deployed").status_str(), "deployed");
    });
}

fn plan_json(sb: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "json"]);
    let out = ok(&sb.capstan(&all), &all.join(" "));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("plan -o json: {e}\n{out}"))
}

fn phases(plan: &Value) -> Vec<String> {
    plan["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|p| p["phase"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// (weight, kind, name) of the hooks of one phase.
fn hooks(plan: &Value, phase: &str) -> Vec<(i64, String, String)> {
    let p = plan["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|p| p["phase"] == phase)
        .unwrap_or_else(|| panic!("no phase {phase} in {}", plan["timeline"]));
    p["hooks"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    (
                        h["weight"].as_i64().expect("weight"),
                        h["kind"].as_str().unwrap_or("").to_owned(),
                        h["name"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn hk(weight: i64, kind: &str, name: &str) -> (i64, String, String) {
    (weight, kind.to_owned(), format!("t-task-api-{name}"))
}

/// `kind/name` of the objects under `resources.<fate>`.
fn fate(plan: &Value, which: &str) -> Vec<String> {
    plan["resources"][which]
        .as_array()
        .expect("resource list")
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or(""),
                o["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn stored_revisions(sb: &Sandbox) -> Vec<String> {
    sb.names::<k8s_openapi::api::core::v1::Secret>()
        .into_iter()
        .filter(|n| n.starts_with("sh.helm.release.v1.t."))
        .collect()
}

#[test]
fn plan_shows_the_task_api_timeline_and_what_changes() {
    let sb = Sandbox::start(ExecMode::Simulate);
    let chart_arg = chart().display().to_string();
    let c = chart_arg.as_str();

    // Install: nothing exists yet.
    let p = plan_json(&sb, &["install", "t", c]);
    assert_eq!(p["action"], "install");
    assert_eq!(p["revision"], 1);
    assert_eq!(p["cluster"]["reachable"], true);
    assert_eq!(
        phases(&p),
        [
            "check ownership",
            "record release",
            "pre-install hooks",
            "apply resources",
            "post-install hooks",
            "record release deployed"
        ]
    );
    assert_eq!(
        hooks(&p, "pre-install hooks"),
        [hk(-10, "Secret", "hook-db"), hk(0, "Job", "db-init")]
    );
    // The sequence: weights -5, 0, 5 whose names sort the other way round.
    assert_eq!(
        hooks(&p, "post-install hooks"),
        [
            hk(-10, "Secret", "hook-db"),
            hk(-5, "Job", "seq-register"),
            hk(0, "Job", "seq-cache-warm"),
            hk(5, "Job", "seq-announce")
        ]
    );
    let db_init = &p["timeline"][2]["hooks"][1];
    assert_eq!(
        db_init["delete_policies"],
        serde_json::json!(["before-hook-creation", "hook-succeeded"])
    );
    let fails = db_init["on_failure"].as_str().expect("on_failure");
    assert!(
        fails.contains("revision 1 recorded failed, no resource applied")
            && fails.contains("kept for inspection"),
        "{fails}"
    );
    assert_eq!(
        fate(&p, "create"),
        [
            "Secret/t-task-api-db",
            "Service/t-task-api",
            "Deployment/t-task-api"
        ]
    );
    assert!(stored_revisions(&sb).is_empty(), "plan stored nothing");

    deploy(&sb, false, &[]);
    assert_eq!(stored_revisions(&sb).len(), 1);

    // Upgrade with the failing hook: the debug-failure hook between migration and validation.
    let p = plan_json(&sb, &["upgrade", "t", c, "--set", "failUpgrade=true"]);
    assert_eq!(p["revision"], 2);
    assert_eq!(
        hooks(&p, "pre-upgrade hooks"),
        [
            hk(-10, "Secret", "hook-db"),
            hk(-5, "Job", "migrate"),
            hk(0, "Job", "debug-failure"),
            hk(5, "Job", "validate")
        ]
    );
    assert_eq!(
        hooks(&p, "post-upgrade hooks"),
        [hk(-10, "Secret", "hook-db"), hk(0, "Job", "cache-flush")]
    );
    let dbg = &p["timeline"][2]["hooks"][2];
    let fails = dbg["on_failure"].as_str().expect("on_failure");
    assert!(
        fails.contains("upgrade fails: revision 2 recorded failed before any resource changes; revision 1 stays deployed")
            && fails.contains("later hooks of this event do not run"),
        "{fails}"
    );
    assert!(fate(&p, "create").is_empty() && fate(&p, "change").is_empty());
    assert_eq!(fate(&p, "unchanged").len(), 3, "{}", p["resources"]);

    // A real change shows its field.
    let p = plan_json(
        &sb,
        &[
            "upgrade",
            "t",
            c,
            "--set",
            "api.replicas=3",
            "--rollback-on-failure",
        ],
    );
    assert_eq!(fate(&p, "change"), ["Deployment/t-task-api"]);
    let fields = &p["resources"]["change"][0]["fields"];
    assert_eq!(fields[0]["path"], "spec.replicas", "{fields}");
    assert_eq!(fields[0]["from"], 1);
    assert_eq!(fields[0]["to"], 3);
    assert_eq!(p["on_failure"]["rollback_to"], 1);
    assert!(
        p["on_failure_text"]
            .to_string()
            .contains("a rollback to revision 1 follows as revision 3"),
        "{}",
        p["on_failure_text"]
    );

    deploy(&sb, true, &[]);
    // Rollback to 1: its hooks come from revision 1's record.
    let p = plan_json(&sb, &["rollback", "t", "1"]);
    assert_eq!(p["revision"], 3);
    assert_eq!(
        hooks(&p, "pre-rollback hooks"),
        [
            hk(-10, "Secret", "hook-db"),
            hk(0, "Job", "backup-pre-rollback")
        ]
    );
    assert_eq!(
        hooks(&p, "post-rollback hooks"),
        [
            hk(-10, "Secret", "hook-db"),
            hk(0, "Job", "verify-rollback")
        ]
    );
    assert!(phases(&p).contains(&"supersede previous revisions".to_owned()));

    // Uninstall: pre-delete backup, objects in uninstall order, post-delete deregistration.
    let p = plan_json(&sb, &["uninstall", "t"]);
    assert_eq!(
        phases(&p),
        [
            "record release uninstalling",
            "pre-delete hooks",
            "delete resources",
            "post-delete hooks",
            "purge history"
        ]
    );
    assert_eq!(
        hooks(&p, "pre-delete hooks"),
        [
            hk(-10, "Secret", "hook-db"),
            hk(0, "Job", "backup-pre-delete")
        ]
    );
    assert_eq!(
        hooks(&p, "post-delete hooks"),
        [hk(-10, "Secret", "hook-db"), hk(0, "Job", "deregister")]
    );
    assert_eq!(
        fate(&p, "delete"),
        [
            "Service/t-task-api",
            "Deployment/t-task-api",
            "Secret/t-task-api-db"
        ]
    );
    assert_eq!(stored_revisions(&sb).len(), 2, "plans wrote nothing");

    // Text: the same timeline for people.
    let text = ok(
        &sb.capstan(&["plan", "upgrade", "t", c, "--set", "failUpgrade=true"]),
        "plan text",
    );
    for want in [
        "PLAN: upgrade of release \"t\" in namespace \"default\", revision 3",
        "TIMELINE",
        "WEIGHT  KIND    NAME",
        "-5      Job     t-task-api-migrate",
        "0       Job     t-task-api-debug-failure",
        "on failure: upgrade fails: revision 3 recorded failed before any resource changes; revision 2 stays deployed",
        "IF A STEP FAILS",
        "unchanged Deployment/t-task-api",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn plan_errors_and_offline_install() {
    let sb = Sandbox::start(ExecMode::Simulate);
    let c = chart().display().to_string();
    let out = sb.capstan(&["plan", "upgrade", "nope", &c]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"nope\" has no deployed releases"),
        "{}",
        show(&out)
    );
    let out = sb.capstan(&["plan", "rollback", "nope"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));

    // No cluster: install is still planned, every resource to be created.
    let dead = sb.dir.join("dead-kubeconfig");
    std::fs::write(&dead, capstan_sandbox::kubeconfig_for("http://127.0.0.1:9")).expect("write");
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["plan", "install", "t", &c, "-o", "json"])
        .env("KUBECONFIG", &dead)
        .output()
        .expect("run");
    let p: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&out)));
    assert_eq!(p["cluster"]["reachable"], false);
    assert_eq!(fate(&p, "create").len(), 3);
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["plan", "uninstall", "t"])
        .env("KUBECONFIG", &dead)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("plan uninstall reads the release's history from the cluster"),
        "{}",
        show(&out)
    );
}

/// Positions of `needles` in `hay`, which must be increasing.
fn in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match hay[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("{n:?} missing (or out of order) after byte {from} of\n{hay}"),
        }
    }
}

#[test]
fn demo_walks_the_lifecycle_with_the_expected_outcomes() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["demo", "--release", "walk"])
        .env("HOME", dir.path())
        .env_remove("KUBECONFIG")
        .output()
        .expect("run demo");
    let text = ok(&out, "capstan demo");
    in_order(
        &text,
        &[
            "==> 1/6 install",
            "+ Job/walk-task-api-db-init created (weight 0)",
            "created Deployment/walk-task-api",
            "+ Job/walk-task-api-seq-register created (weight -5)",
            "+ Job/walk-task-api-seq-cache-warm created (weight 0)",
            "+ Job/walk-task-api-seq-announce created (weight 5)",
            "=> revision 1 deployed (as expected)",
            "==> 2/6 upgrade",
            "+ Job/walk-task-api-migrate created (weight -5)",
            "+ Job/walk-task-api-validate created (weight 5)",
            "+ Job/walk-task-api-cache-flush created (weight 0)",
            "=> revision 2 deployed (as expected)",
            "==> 3/6 upgrade --set failUpgrade=true",
            "+ Job/walk-task-api-migrate created (weight -5)",
            "+ Job/walk-task-api-debug-failure created (weight 0)",
            "FAILED Job/walk-task-api-debug-failure",
            "debug-failure: failUpgrade=true, failing the upgrade on purpose",
            "=> failed: pre-upgrade hooks failed",
            "(as expected)",
            "history: 1 superseded, 2 deployed, 3 failed",
            "==> 4/6 rollback",
            "+ Job/walk-task-api-backup-pre-rollback created",
            "+ Job/walk-task-api-verify-rollback created",
            "=> revision 4 deployed (rolled back to 2) (as expected)",
            "==> 5/6 test",
            "+ Pod/walk-task-api-test-db created",
            "=> tests passed (as expected)",
            "==> 6/6 uninstall",
            "+ Job/walk-task-api-backup-pre-delete created",
            "deleted Deployment/walk-task-api",
            "+ Job/walk-task-api-deregister created",
            "=> release \"walk\" uninstalled (as expected)",
            "demo complete: every step ended as expected",
        ],
    );
    let step3 = &text[text.find("==> 3/6").expect("step 3")..text.find("==> 4/6").expect("step 4")];
    assert!(
        !step3.contains("validate created"),
        "validation must not run after the failing hook:\n{step3}"
    );
}

#[test]
fn demo_json_reports_every_step_as_expected() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["demo", "-o", "json"])
        .env("HOME", dir.path())
        .output()
        .expect("run demo");
    let text = ok(&out, "capstan demo -o json");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let outcomes: Vec<(bool, bool)> = lines
        .iter()
        .filter(|l| l["demo"] == "outcome")
        .map(|l| {
            (
                l["ok"].as_bool().expect("ok"),
                l["as_expected"].as_bool().expect("as_expected"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (true, true),
            (true, true),
            (false, true),
            (true, true),
            (true, true),
            (true, true)
        ]
    );
    let failed_hooks: Vec<&str> = lines
        .iter()
        .filter(|l| l["event"] == "hook-failed")
        .map(|l| l["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(failed_hooks, ["demo-task-api-debug-failure"]);
    assert_eq!(lines.last().expect("last")["ok"], true);
}

#[test]
fn demo_refuses_local_exec_without_a_database() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["demo", "--exec", "local"])
        .env("HOME", dir.path())
        .env_remove("CAPSTAN_DEMO_DATABASE_HOST")
        .output()
        .expect("run demo");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Error: --exec local runs the hooks' psql and redis-cli on this machine"),
        "{}",
        show(&out)
    );
    let out = std::process::Command::new(task_api::capstan_bin())
        .args(["demo", "-o", "yaml"])
        .env("HOME", dir.path())
        .output()
        .expect("run demo");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid format type \"yaml\""));
}
