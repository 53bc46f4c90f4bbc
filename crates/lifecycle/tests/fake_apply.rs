//! The lifecycle on the in-memory fake cluster, part 3: how objects are applied (helm 4's
//! `apply_method` rules, client-side three-way updates, `--force-replace`,
//! `--force-conflicts`), what dry runs still check against the cluster, and what `--wait`
//! reports.

#![allow(unused_imports)] // the shared harness re-exports more than this file uses
#[macro_use]
mod fake;
use fake::*;

use serde_json::json;

fn cm_with(name: &str, value: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: {value:?}\n")
}

fn value_chart(value: &str) -> PathBuf {
    chart(&[("cm.yaml", cm_with("app", value))])
}

async fn methods(t: &T) -> Vec<String> {
    t.storage
        .history("r")
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.apply_method)
        .collect()
}

fn updates_and_applies(t: &T) -> Vec<FakeCall> {
    t.cluster
        .calls()
        .into_iter()
        .filter(|c| matches!(c, FakeCall::Apply(_) | FakeCall::Update(_)))
        .collect()
}

async fn live_data(t: &T) -> serde_json::Value {
    let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}});
    t.cluster
        .get(&obj, "default")
        .await
        .expect("get")
        .expect("live")["data"]
        .clone()
}

/// Stores revision `v` as helm 3 wrote it: no `apply_method`.
async fn as_helm3(t: &T, v: i64) {
    let mut rel = t.storage.get("r", v).await.expect("revision");
    rel.apply_method = String::new();
    t.storage.update(&rel).await.expect("update");
}

#[tokio::test]
async fn apply_method_follows_the_previous_revision_as_helm4_auto_does() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&value_chart("1")), &values(), &iopts())
        .await
        .expect("install");
    as_helm3(&t, 1).await;
    // auto + no apply_method (helm 3) → client-side, recorded csa.
    upgrade(&env, load(&value_chart("2")), &values(), &uopts())
        .await
        .expect("upgrade 2");
    // auto + csa → csa again.
    upgrade(&env, load(&value_chart("3")), &values(), &uopts())
        .await
        .expect("upgrade 3");
    // --server-side=true switches to ssa; auto then keeps it.
    let mut o = uopts();
    o.server_side = Some(true);
    upgrade(&env, load(&value_chart("4")), &values(), &o)
        .await
        .expect("upgrade 4");
    upgrade(&env, load(&value_chart("5")), &values(), &uopts())
        .await
        .expect("upgrade 5");
    // Rollback (auto) takes the target revision's method: revision 2 was csa.
    rollback(
        &env,
        &RollbackOptions {
            name: "r".into(),
            revision: 2,
            ..RollbackOptions::default()
        },
    )
    .await
    .expect("rollback");
    // --server-side=false forces csa on an ssa release.
    let mut o = uopts();
    o.server_side = Some(false);
    upgrade(&env, load(&value_chart("7")), &values(), &o)
        .await
        .expect("upgrade 7");
    assert_eq!(
        methods(&t).await,
        ["", "csa", "csa", "ssa", "ssa", "csa", "csa"]
    );
    let app = |c: fn(String) -> FakeCall| c("ConfigMap/app".into());
    assert_eq!(
        updates_and_applies(&t),
        [
            app(FakeCall::Apply),
            app(FakeCall::Update),
            app(FakeCall::Update),
            app(FakeCall::Apply),
            app(FakeCall::Apply),
            app(FakeCall::Update),
            app(FakeCall::Update),
        ]
    );
    assert_eq!(live_data(&t).await, json!({"k": "7"}));
}

#[tokio::test]
async fn install_server_side_false_records_csa() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.client_side = true;
    install(&env, load(&value_chart("1")), &values(), &o)
        .await
        .expect("install");
    assert_eq!(methods(&t).await, ["csa"]);
    assert_eq!(
        updates_and_applies(&t),
        [FakeCall::Update("ConfigMap/app".into())]
    );
}

#[tokio::test]
async fn client_side_update_keeps_outside_edits_and_force_replace_drops_them() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.client_side = true;
    install(&env, load(&value_chart("1")), &values(), &o)
        .await
        .expect("install");
    // Someone adds a key the chart does not set.
    let mut live = t
        .cluster
        .get(
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}}),
            "default",
        )
        .await
        .expect("get")
        .expect("live");
    live["data"]["outside"] = json!("edit");
    t.cluster.put(live, "default").expect("put");
    upgrade(&env, load(&value_chart("2")), &values(), &uopts())
        .await
        .expect("three-way upgrade");
    assert_eq!(live_data(&t).await, json!({"k": "2", "outside": "edit"}));
    // --force-replace works for a client-side release and replaces the object whole.
    let mut o = uopts();
    o.force_replace = true;
    upgrade(&env, load(&value_chart("3")), &values(), &o)
        .await
        .expect("replace upgrade");
    assert_eq!(live_data(&t).await, json!({"k": "3"}));
    // --force-conflicts is for server-side apply only, as helm 4's kube client says.
    let mut o = uopts();
    o.force_conflicts = true;
    let err = upgrade(&env, load(&value_chart("4")), &values(), &o)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client update option(s): forceConflicts enabled when serverSideApply disabled"
    );
    assert_eq!(methods(&t).await, ["csa", "csa", "csa", "csa"]);
}

#[tokio::test]
async fn server_dry_run_checks_ownership_and_writes_nothing() {
    let t = T::new();
    t.cluster
        .put(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}}),
            "default",
        )
        .expect("put");
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = value_chart("1");
    let mut o = iopts();
    o.dry_run = DryRun::Client;
    let rel = install(&env, load(&dir), &values(), &o)
        .await
        .expect("a client dry run does not look");
    assert_eq!(
        rel.info.as_ref().map(|i| i.description.as_str()),
        Some("Dry run complete")
    );
    o.dry_run = DryRun::Server;
    let err = install(&env, load(&dir), &values(), &o).await.unwrap_err();
    assert!(
        err.to_string().starts_with(
            "unable to continue with install: ConfigMap \"app\" in namespace \"default\" exists and cannot be imported"
        ),
        "{err}"
    );
    o.take_ownership = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("a server dry run with --take-ownership passes");
    assert!(t.history().await.is_empty(), "nothing stored");
    assert!(updates_and_applies(&t).is_empty(), "nothing applied");
}

#[tokio::test]
async fn upgrade_dry_runs_check_new_objects_in_both_modes() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&value_chart("1")), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .put(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other"}}),
            "default",
        )
        .expect("put");
    let two = chart(&[
        ("cm.yaml", cm_with("app", "2")),
        ("other.yaml", cm_with("other", "x")),
    ]);
    for mode in [DryRun::Client, DryRun::Server] {
        let mut o = uopts();
        o.dry_run = mode;
        let err = upgrade(&env, load(&two), &values(), &o).await.unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unable to continue with update: ConfigMap \"other\""),
            "{mode:?}: {err}"
        );
        o.take_ownership = true;
        o.description = Some("checked".into());
        let rel = upgrade(&env, load(&two), &values(), &o)
            .await
            .expect("with --take-ownership");
        assert_eq!(
            rel.info.as_ref().map(|i| i.description.as_str()),
            Some("checked")
        );
    }
    assert_eq!(t.history().await.len(), 1, "only the install is stored");
    assert_eq!(live_data(&t).await, json!({"k": "1"}));
}

#[tokio::test]
async fn hooks_of_a_client_side_release_are_created_not_applied() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    // A hook kept after success (no before-hook-creation): helm's create of it fails on the
    // next client-side upgrade, where server-side apply would update it.
    let dir = chart(&[
        ("cm.yaml", cm_with("app", "1")),
        (
            "hook.yaml",
            job("pre", "pre-install,pre-upgrade", 0, Some("hook-failed")),
        ),
    ]);
    let mut o = iopts();
    o.client_side = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("install");
    assert!(t
        .cluster
        .calls()
        .contains(&FakeCall::Create("Job/pre".into())));
    let err = upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "pre-upgrade hooks failed: warning: Hook pre-upgrade demo/templates/hook.yaml failed: "
        ),
        "{err}"
    );
    assert!(err.to_string().contains("already exists"), "{err}");
    // The same upgrade server-side applies the hook over the old one.
    let mut o = uopts();
    o.server_side = Some(true);
    upgrade(&env, load(&dir), &values(), &o)
        .await
        .expect("server-side upgrade");
    assert_eq!(methods(&t).await, ["csa", "csa", "ssa"]);
}

#[tokio::test]
async fn wait_reports_every_unready_resource_then_the_deadline() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    // The fake keeps objects as applied, so a status in the manifest is what it reports.
    let job = |name: &str, status: &str| {
        format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n  completions: 2\n{status}")
    };
    let failed = "status:\n  failed: 1\n  conditions:\n  - type: Failed\n    status: \"True\"\n";
    let dir = chart(&[
        ("a.yaml", job("bad", failed)),
        ("b.yaml", job("slow", "")),
        ("c.yaml", cm_with("app", "1")),
    ]);
    let mut o = iopts();
    o.common.wait = true;
    o.common.wait_for_jobs = true;
    o.common.timeout = Duration::from_millis(600);
    let err = install(&env, load(&dir), &values(), &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource Job/default/bad not ready. status: Failed, message: Job Failed. failed: 1/2\n\
         resource Job/default/slow not ready. status: InProgress, message: Job in progress\n\
         context deadline exceeded"
    );
    // Without the running Job, the failed one ends the wait at once: no deadline.
    let dir = chart(&[
        ("a.yaml", job("bad2", failed)),
        ("c.yaml", cm_with("app2", "1")),
    ]);
    let mut o = iopts();
    o.name = "r2".into();
    o.common.wait = true;
    o.common.wait_for_jobs = true;
    let err = install(&env, load(&dir), &values(), &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource Job/default/bad2 not ready. status: Failed, message: Job Failed. failed: 1/2"
    );
    let ready: Vec<String> = t.names(|e| match e {
        Event::ResourceReady { name, .. } => Some(name.clone()),
        _ => None,
    });
    assert_eq!(ready, ["app", "app2"]);
}
