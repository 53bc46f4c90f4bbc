//! The lifecycle on the in-memory fake cluster and memory storage, part 1: install and
//! upgrade — hook order, the stored record at each hook, deletion order, failure texts and
//! statuses per phase, `--rollback-on-failure`, the pending check, crash recovery and the
//! rollback-hook quirk (hooks-spec checklist 2-11, 17, 25).

#[macro_use]
mod fake;
use fake::*;

#[tokio::test]
async fn install_order_records_and_deletions() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    let rel = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("installs");
    assert_eq!(rel.status_str(), "deployed");
    assert_eq!(t.created(), ["a-job", "b-job", "z-late", "post"]);
    // Each hook sees the record pending-install (written before the first hook).
    let seen = t.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(_, s)| s == "pending-install"), "{seen:?}");
    // hook-succeeded deletions run after all hooks of the event, in reverse order.
    assert_eq!(
        t.hook_deleted(),
        [
            "z-late:hook-succeeded",
            "b-job:hook-succeeded",
            "post:hook-succeeded"
        ]
    );
    let calls = t.cluster.calls();
    let apply_app = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("ConfigMap/app".into()))
        .expect("applied");
    let apply_post = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/post".into()))
        .expect("post");
    let apply_late = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/z-late".into()))
        .expect("pre");
    assert!(apply_late < apply_app && apply_app < apply_post);
    // before-hook-creation (default for a-job) deletes before creating.
    let del_a = calls
        .iter()
        .position(|c| *c == FakeCall::Delete("Job/a-job".into()))
        .expect("bhc");
    let app_a = calls
        .iter()
        .position(|c| *c == FakeCall::Apply("Job/a-job".into()))
        .expect("a");
    assert!(del_a < app_a);
    assert_eq!(
        t.history().await,
        [(1, "deployed".into(), "Install complete".into())]
    );
    let stored = t.storage.get("r", 1).await.expect("stored");
    let phases: Vec<_> = stored
        .hooks
        .iter()
        .map(|h| (h.name.as_str(), h.last_run.phase.as_str()))
        .collect();
    assert!(
        phases.contains(&("a-job", "Succeeded")) && phases.contains(&("t1", "")),
        "{phases:?}"
    );
    // Helm stores the default policy on hooks it executed, not on those that never ran.
    let policies = |n: &str| {
        stored
            .hooks
            .iter()
            .find(|h| h.name == n)
            .map(|h| h.delete_policies.clone())
    };
    assert_eq!(
        policies("a-job"),
        Some(vec!["before-hook-creation".to_string()])
    );
    assert_eq!(policies("t1"), Some(vec![]));
    // Hooks carry no ownership stamp; regular resources do.
    let live = t.cluster.objects();
    assert!(live.contains(&"Job/a-job".to_string()) && !live.contains(&"Job/b-job".to_string()));
    // Installing again is refused with Helm's text.
    let err = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "cannot reuse a name that is still in use");
}

#[tokio::test]
async fn pre_install_failure_semantics() {
    let t = T::new();
    t.cluster
        .set_hook_outcome("b-job", HookOutcome::Failed("BackoffLimitExceeded".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    let err = install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed pre-install: resource Job/default/b-job not ready. status: Failed, message: Job Failed. failed: 0/1"
    );
    let h = t.history().await;
    assert_eq!(h[0].1, "failed");
    assert!(h[0]
        .2
        .starts_with("Release \"r\" failed: failed pre-install: resource Job/default/b-job"));
    assert!(
        !t.cluster.objects().contains(&"ConfigMap/app".to_string()),
        "no regular resources"
    );
    assert_eq!(t.created(), ["a-job", "b-job"], "later hooks never run");
    // b-job has hook-succeeded only: kept on failure; a-job (before-hook-creation) too.
    assert!(t.hook_deleted().is_empty());
    let stored = t.storage.get("r", 1).await.expect("stored");
    let b = stored
        .hooks
        .iter()
        .find(|h| h.name == "b-job")
        .expect("hook");
    assert_eq!(b.last_run.phase, "Failed");
}

#[tokio::test]
async fn failed_hook_deletes_by_hook_failed_and_earlier_succeeded() {
    let t = T::new();
    let dir = chart(&[(
        "h.yaml",
        [
            job("one", "pre-install", 0, Some("hook-succeeded")),
            job("two", "pre-install", 1, Some("hook-failed")),
        ]
        .join("---\n"),
    )]);
    t.cluster
        .set_hook_outcome("two", HookOutcome::Failed("x".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .unwrap_err();
    assert_eq!(t.hook_deleted(), ["two:hook-failed", "one:hook-succeeded"]);
}

#[tokio::test]
async fn install_rollback_on_failure_uninstalls_and_purges() {
    let t = T::new();
    t.cluster
        .set_hook_outcome("post", HookOutcome::Failed("x".into()));
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.rollback_on_failure = true;
    let err = install(&env, load(&basic_chart()), &values(), &o)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with(
        "release r failed, and has been uninstalled due to rollback-on-failure being set: failed post-install: resource Job/default/post not ready."
    ), "{err}");
    assert!(t.history().await.is_empty(), "purged");
    assert!(!t.cluster.objects().contains(&"ConfigMap/app".to_string()));
}

#[tokio::test]
async fn upgrade_records_pending_then_supersedes() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.seen.lock().unwrap().clear();
    let rel = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .expect("upgrade");
    assert_eq!((rel.version, rel.status_str()), (2, "deployed"));
    let seen = t.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(_, s)| s == "pending-upgrade"), "{seen:?}");
    assert_eq!(
        t.history().await,
        [
            (1, "superseded".into(), "Install complete".into()),
            (2, "deployed".into(), "Upgrade complete".into())
        ]
    );
}

#[tokio::test]
async fn post_upgrade_failure_keeps_previous_deployed_and_blocks_nothing() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    t.cluster
        .set_hook_outcome("post", HookOutcome::Failed("x".into()));
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("post-upgrade hooks failed: resource Job/default/post"),
        "{err}"
    );
    let h = t.history().await;
    assert_eq!((h[0].1.as_str(), h[1].1.as_str()), ("deployed", "failed"));
    assert!(h[1]
        .2
        .starts_with("Upgrade \"r\" failed: post-upgrade hooks failed:"));
    // A rollback with no revision goes to 1.
    let rb = rollback(
        &env,
        &RollbackOptions {
            name: "r".into(),
            ..Default::default()
        },
    )
    .await
    .expect("rollback");
    assert_eq!(
        rb.info
            .as_ref()
            .map(|i| (i.description.as_str(), i.rollback_revision)),
        Some(("Rollback to 1", 1))
    );
    let h = t.history().await;
    assert_eq!(
        h.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["superseded", "failed", "deployed"]
    );
}

#[tokio::test]
async fn pending_release_blocks_upgrade_with_helm_text() {
    let t = T::new();
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&basic_chart()), &values(), &iopts())
        .await
        .expect("install");
    let mut r = t.storage.get("r", 1).await.expect("rev");
    r.version = 2;
    r.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r).await.expect("pending");
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
}

#[tokio::test]
async fn crash_recovery_with_an_expired_lock() {
    let mut t = T::new();
    let locks = MemoryLocks::default();
    // A capstan that died mid-upgrade: pending revision, lock expired.
    locks.put(
        "default/r",
        "dead-pid",
        Instant::now() - Duration::from_secs(1),
    );
    t.locks = Locks::Memory(locks);
    let sink = t.sink();
    let env = env!(t, sink);
    let mut o = iopts();
    o.common.no_hooks = true;
    // Install first without the stale lock interfering: it is taken over.
    install(&env, load(&basic_chart()), &values(), &o)
        .await
        .expect("install");
    let mut r = t.storage.get("r", 1).await.expect("rev");
    r.version = 2;
    r.info.as_mut().expect("info").status = "pending-upgrade".into();
    t.storage.create(&r).await.expect("pending");
    if let Locks::Memory(m) = &t.locks {
        m.put(
            "default/r",
            "dead-pid",
            Instant::now() - Duration::from_secs(1),
        );
    }
    let rel = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .expect("recovers");
    assert_eq!(rel.version, 3);
    let h = t.history().await;
    assert_eq!(h[1].1, "failed");
    assert!(
        h[1].2
            .starts_with("Release unlocked from stale 'pending-upgrade' state"),
        "{}",
        h[1].2
    );
    assert!(t
        .names(|e| match e {
            Event::Warning { message } => Some(message.clone()),
            _ => None,
        })
        .iter()
        .any(|m| m.contains("expired")));
    // A live lock still blocks.
    if let Locks::Memory(m) = &t.locks {
        m.put(
            "default/r",
            "live",
            Instant::now() + Duration::from_secs(60),
        );
    }
    let err = upgrade(&env, load(&basic_chart()), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
}

#[tokio::test]
async fn rollback_hook_failure_leaves_pending_like_helm_or_failed_when_asked() {
    let t = T::new();
    let dir = chart(&[
        ("h.yaml", job("pr", "pre-rollback", 0, None)),
        ("cm.yaml", cm("app", "")),
    ]);
    let sink = t.sink();
    let env = env!(t, sink);
    install(&env, load(&dir), &values(), &iopts())
        .await
        .expect("install");
    upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .expect("upgrade");
    t.cluster
        .set_hook_outcome("pr", HookOutcome::Failed("x".into()));
    let ro = RollbackOptions {
        name: "r".into(),
        ..Default::default()
    };
    let err = rollback(&env, &ro).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("resource Job/default/pr not ready."),
        "unprefixed: {err}"
    );
    assert_eq!(t.history().await[2].1, "pending-rollback");
    let err = upgrade(&env, load(&dir), &values(), &uopts())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "another operation (install/upgrade/rollback) is in progress"
    );
    // capstan's opt-in: the new revision is marked failed instead.
    let ro = RollbackOptions {
        name: "r".into(),
        revision: 1,
        fail_on_hook_error: true,
        ..Default::default()
    };
    rollback(&env, &ro).await.unwrap_err();
    let h = t.history().await;
    assert_eq!(h[3].1, "failed");
    assert!(h[3].2.starts_with("Rollback \"r\" failed:"));
    let err = rollback(
        &env,
        &RollbackOptions {
            name: "r".into(),
            revision: 9,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "release has no 9 version");
}
