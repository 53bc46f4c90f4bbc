//! The lifecycle on the in-memory fake cluster and memory storage, part 2: pruning, keep
//! policies, `--cleanup-on-fail`, uninstall, test filters, capstan's extras (warn-only post
//! hooks, parallel hooks), ownership, plans as JSON (hooks-spec checklist 18-22).

#[macro_use]
mod fake;
use fake::*;

#[tokio::test]
async fn history_max_prunes_but_keeps_last_deployed() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("cm.yaml", cm("app", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    for _ in 0..4 {
        let mut o = uopts();
        o.history_max = Some(3);
        upgrade(&env, load(&dir), &values(), &o)
            .await
            .expect("upgrade");
    }
    let v: Vec<i64> = t.history().await.iter().map(|h| h.0).collect();
    assert_eq!(v, [3, 4, 5]);
}

#[tokio::test]
async fn upgrade_deletes_removed_objects_unless_live_keep() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let v1 = chart(&[
        ("a.yaml", cm("a", "")),
        ("b.yaml", cm("b", "")),
        ("k.yaml", cm("k", "")),
    ]);
    install(&env, load(&v1), &values(), &iopts())
        .await
        .expect("install");
    // The live k carries keep (set out of band), the chart does not.
    let mut live = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "k", "annotations": {"helm.sh/resource-policy": "keep"}}});
    live["metadata"]["labels"] = serde_json::json!({"app.kubernetes.io/managed-by": "Helm"});
    t.cluster.put(live, "default").expect("put");
    let v2 = chart(&[("a.yaml", cm("a", ""))]);
    upgrade(&env, load(&v2), &values(), &uopts())
        .await
        .expect("upgrade");
    let objs = t.cluster.objects();
    assert!(objs.contains(&"ConfigMap/a".to_string()));
    assert!(!objs.contains(&"ConfigMap/b".to_string()));
    assert!(objs.contains(&"ConfigMap/k".to_string()));
}

#[tokio::test]
async fn cleanup_on_fail_deletes_only_created_objects() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(
        &env,
        load(&chart(&[("a.yaml", cm("a", ""))])),
        &values(),
        &iopts(),
    )
    .await
    .expect("install");
    t.cluster.fail_apply("c", "bad object");
    let v2 = chart(&[
        ("a.yaml", cm("a", "")),
        ("b.yaml", cm("b", "")),
        ("c.yaml", cm("c", "")),
    ]);
    let mut o = uopts();
    o.cleanup_on_fail = true;
    upgrade(&env, load(&v2), &values(), &o).await.unwrap_err();
    let objs = t.cluster.objects();
    assert!(
        objs.contains(&"ConfigMap/a".to_string()),
        "updated, not created: kept"
    );
    assert!(
        !objs.contains(&"ConfigMap/b".to_string()),
        "created by the failed upgrade: deleted"
    );
}

#[tokio::test]
async fn upgrade_rollback_on_failure_rolls_back() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("z-late", HookOutcome::Failed("x".into()));
    let mut o = uopts();
    o.rollback_on_failure = true;
    let err = upgrade(&env, load(&basic_chart()), &values(), &o)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with(
        "release r failed, and has been rolled back due to rollback-on-failure being set: pre-upgrade hooks failed:"
    ), "{err}");
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "failed", "deployed"]
    );
    assert_eq!(h[2].2, "Rollback to 1");
}

#[tokio::test]
async fn uninstall_order_keep_and_purge() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[
        ("a.yaml", cm("a", "")),
        (
            "keep.yaml",
            cm(
                "kept",
                "\n  annotations:\n    helm.sh/resource-policy: keep",
            ),
        ),
        (
            "svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n"
                .into(),
        ),
        (
            "h.yaml",
            [
                job("pd", "pre-delete", 0, None),
                job("post-d", "post-delete", 0, None),
            ]
            .join("---\n"),
        ),
    ]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    t.seen.lock().unwrap().clear();
    let rep = uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            namespace: "default".into(),
            ..Default::default()
        },
    )
    .await
    .expect("uninstall");
    assert_eq!(
        rep.kept.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["kept"]
    );
    assert_eq!(
        t.seen.lock().unwrap()[0],
        ("pd".to_string(), "uninstalling".to_string())
    );
    let deleted = t.names(|e| match e {
        Event::ResourceDeleted { kind, name } => Some(format!("{kind}/{name}")),
        _ => None,
    });
    assert_eq!(
        deleted,
        ["Service/s", "ConfigMap/a"],
        "uninstall order: Service before ConfigMap"
    );
    assert!(t.history().await.is_empty(), "purged");
    let objs = t.cluster.objects();
    assert!(objs.contains(&"ConfigMap/kept".to_string()));
    assert!(
        objs.contains(&"Job/pd".to_string()),
        "hook objects are never deleted by uninstall"
    );
    let err = uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "uninstall: Release not loaded: r: release: not found"
    );
    uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            ignore_not_found: true,
            ..Default::default()
        },
    )
    .await
    .expect("ignored");
}

#[tokio::test]
async fn uninstall_keep_history_and_post_delete_errors() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[
        ("a.yaml", cm("a", "")),
        ("h.yaml", job("post-d", "post-delete", 0, None)),
    ]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("post-d", HookOutcome::Failed("x".into()));
    let o = UninstallOptions {
        name: "r".into(),
        keep_history: true,
        ..Default::default()
    };
    let err = uninstall(&env, &o).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("uninstallation completed with 1 error(s): resource Job/default/post-d"),
        "{err}"
    );
    assert_eq!(
        t.history().await,
        [(1, "uninstalled".into(), "Uninstallation complete".into())]
    );
    let err = uninstall(&env, &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the release named \"r\" is already deleted"
    );
}

#[tokio::test]
async fn test_hooks_filters_and_status() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    let n = t.created().len();
    let rep = test(
        &env,
        &TestOptions {
            name: "r".into(),
            filters: vec!["!name=t1".into()],
            ..Default::default()
        },
    )
    .await
    .expect("test");
    assert_eq!(rep.failure, None);
    assert_eq!(&t.created()[n..], ["t2"]);
    assert_eq!(rep.release.status_str(), "deployed");
    let stored = t.storage.get("r", 1).await.expect("rev");
    assert_eq!(
        stored.hooks[0].name, "t1",
        "skipped hooks are stored first, as helm does"
    );
    assert_eq!(
        stored
            .hooks
            .iter()
            .find(|h| h.name == "t2")
            .map(|h| h.last_run.phase.as_str()),
        Some("Succeeded")
    );
    t.cluster
        .set_hook_outcome("t1", HookOutcome::Failed("x".into()));
    let rep = test(
        &env,
        &TestOptions {
            name: "r".into(),
            filters: vec!["name=t1".into()],
            ..Default::default()
        },
    )
    .await
    .expect("test runs");
    assert!(rep
        .failure
        .expect("fails")
        .starts_with("resource Job/default/t1 not ready"));
    assert_eq!(
        t.history().await[0].1,
        "deployed",
        "test never changes the status"
    );
}

#[tokio::test]
async fn warn_policy_post_hook_keeps_release_deployed() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let warn = job("bust", "post-install", 0, None).replace(
        "helm.sh/hook-weight: \"0\"",
        "helm.sh/hook-weight: \"0\"\n    capstan.io/hook-failure-policy: warn",
    );
    let dir = chart(&[("a.yaml", cm("a", "")), ("h.yaml", warn)]);
    t.cluster
        .set_hook_outcome("bust", HookOutcome::Failed("x".into()));
    let rel = install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("deployed despite the hook");
    let d = rel
        .info
        .as_ref()
        .map(|i| i.description.clone())
        .unwrap_or_default();
    assert!(
        d.starts_with("Install complete (warning: post-install hook bust failed:"),
        "{d}"
    );
    assert_eq!(t.history().await[0].1, "deployed");
}

#[tokio::test]
async fn parallel_hooks_create_equal_weights_together() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[(
        "h.yaml",
        [
            job("a", "pre-install", 0, None),
            job("b", "pre-install", 0, None),
            job("c", "pre-install", 1, None),
        ]
        .join("---\n"),
    )]);
    let mut o = iopts();
    o.common.parallel_hooks = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("install");
    let calls: Vec<_> = t
        .cluster
        .calls()
        .into_iter()
        .filter(|c| matches!(c, FakeCall::Apply(_) | FakeCall::Wait(_)))
        .collect();
    assert_eq!(
        calls,
        [
            FakeCall::Apply("Job/a".into()),
            FakeCall::Apply("Job/b".into()),
            FakeCall::Wait("Job/a".into()),
            FakeCall::Wait("Job/b".into()),
            FakeCall::Apply("Job/c".into()),
            FakeCall::Wait("Job/c".into()),
        ]
    );
}

#[tokio::test]
async fn ownership_conflict_and_take_ownership() {
    let t = T::new();
    t.cluster
        .put(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}}), "default")
        .expect("put");
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("cm.yaml", cm("app", ""))]);
    let err = install(&env, load(&dir), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to continue with install: ConfigMap \"app\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"r\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\""
    );
    assert!(t.history().await.is_empty(), "nothing stored");
    let mut o = iopts();
    o.take_ownership = true;
    install(&env, load(&dir), &values(), &o)
        .await
        .expect("adopts");
}

#[tokio::test]
async fn plans_serialize() {
    let dir = basic_chart();
    let rendered = capstan_lifecycle::render::render_release(
        load(&dir),
        &values(),
        &capstan_lifecycle::render::RenderTarget {
            name: "r",
            namespace: "default",
            revision: 1,
            is_upgrade: false,
        },
        &RenderOptions::default(),
    )
    .expect("renders");
    let plan = plan_install(&iopts(), &rendered, &[]).expect("plans");
    let json = serde_json::to_value(&plan).expect("serializes");
    let steps: Vec<&str> = json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["step"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "check-ownership",
            "create-record",
            "run-hooks",
            "apply-resources",
            "run-hooks",
            "update-record"
        ]
    );
    assert_eq!(json["steps"][2]["hooks"][0]["name"], "a-job");
}

#[tokio::test]
async fn replace_renders_revision_one_like_helm() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  rev: \"{{ .Release.Revision }}\"\n".to_string(),
    )]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    uninstall(
        &env,
        &UninstallOptions {
            name: "r".into(),
            keep_history: true,
            ..Default::default()
        },
    )
    .await
    .expect("uninstall");
    let mut o = iopts();
    o.replace = true;
    let rel = install(&env, load(&dir), &values(), &o)
        .await
        .expect("replace");
    assert_eq!(rel.version, 2);
    assert!(rel.manifest.contains("rev: \"1\""), "{}", rel.manifest);
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "deployed"]
    );
}

#[tokio::test]
async fn force_replace_is_refused_for_server_side_releases_like_helm4() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("a.yaml", cm("a", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    let mut o = uopts();
    o.force_replace = true;
    let err = upgrade(&env, load(&dir), &values(), &o).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid operation: cannot use server-side apply and force replace together"
    );
    let h = t.history().await;
    assert_eq!(h[1].1, "failed");
    assert_eq!(
        h[1].2,
        "Upgrade \"r\" failed: invalid operation: cannot use server-side apply and force replace together"
    );
}

/// Killed between superseding revision 1 and writing revision 2 `deployed`: no revision is
/// deployed, the newest is pending. The next upgrade recovers it (crash test kill point).
#[tokio::test]
async fn crash_after_supersede_before_deployed_recovers() {
    let mut t = T::new();
    let locks = MemoryLocks::default();
    t.locks = Locks::Memory(locks);
    let sink = t.sink();
    let env = env!(t, sink);
    let dir = chart(&[("a.yaml", cm("a", ""))]);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    let mut r1 = t.storage.get("r", 1).await.expect("rev 1");
    r1.info.as_mut().expect("info").status = "superseded".into();
    t.storage.update(&r1).await.expect("superseded");
    let mut r2 = r1.clone();
    r2.version = 2;
    r2.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r2).await.expect("pending");
    if let Locks::Memory(m) = &t.locks {
        m.put("default/r", "dead", Instant::now() - Duration::from_secs(1));
    }
    let rel = upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .expect("recovers");
    assert_eq!((rel.version, rel.status_str()), (3, "deployed"));
    let st: Vec<String> = t.history().await.into_iter().map(|h| h.1).collect();
    assert_eq!(st, ["superseded", "superseded", "deployed"]);
}
