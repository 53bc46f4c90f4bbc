//! kube-rs 5 against the sandbox: every verb, watch resumption and expiry, SSA conflicts.

use capstan_sandbox::{serve, Handle, SandboxConfig};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;
use std::time::Duration;

async fn start(cfg: SandboxConfig) -> (Handle, Client) {
    let h = serve(cfg).await.expect("sandbox");
    let kc = Kubeconfig::from_yaml(&h.kubeconfig()).expect("kubeconfig parses");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    let client = Client::try_from(config).expect("client");
    (h, client)
}

fn fast() -> SandboxConfig {
    SandboxConfig {
        pod_start_delay: Duration::from_millis(100),
        pod_run_duration: Duration::from_millis(100),
        ..SandboxConfig::default()
    }
}

fn api_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

fn cm(name: &str, v: &str) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": {"app": "t"}}, "data": {"k": v}}),
    )
    .expect("cm")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_verb_on_configmaps() {
    let (_h, client) = start(fast()).await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let created = api
        .create(&PostParams::default(), &cm("a", "1"))
        .await
        .expect("create");
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    let dup = api
        .create(&PostParams::default(), &cm("a", "1"))
        .await
        .unwrap_err();
    assert_eq!(api_code(&dup), Some(409));
    let got = api.get("a").await.expect("get");
    assert_eq!(
        got.data
            .as_ref()
            .and_then(|d| d.get("k"))
            .map(String::as_str),
        Some("1")
    );
    // Update with the current resourceVersion works; the stale one conflicts.
    let mut next = got.clone();
    next.data = Some([("k".to_string(), "2".to_string())].into());
    let updated = api
        .replace("a", &PostParams::default(), &next)
        .await
        .expect("replace");
    let stale = api
        .replace("a", &PostParams::default(), &next)
        .await
        .unwrap_err();
    assert_eq!(api_code(&stale), Some(409));
    assert_ne!(
        updated.metadata.resource_version,
        got.metadata.resource_version
    );
    api.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"m": "x"}})),
    )
    .await
    .expect("merge patch");
    api.patch(
        "a",
        &PatchParams::default(),
        &Patch::Strategic(json!({"data": {"s": "y"}})),
    )
    .await
    .expect("strategic patch");
    let p = api.get("a").await.expect("get");
    let d = p.data.expect("data");
    assert_eq!(
        (d["k"].as_str(), d["m"].as_str(), d["s"].as_str()),
        ("2", "x", "y")
    );
    // dryRun stores nothing.
    api.create(
        &PostParams {
            dry_run: true,
            ..Default::default()
        },
        &cm("dry", "1"),
    )
    .await
    .expect("dry run");
    assert_eq!(api_code(&api.get("dry").await.unwrap_err()), Some(404));
    for i in 0..5 {
        api.create(&PostParams::default(), &cm(&format!("b{i}"), "1"))
            .await
            .expect("create");
    }
    // Pagination with limit/continue.
    let page = api
        .list(&ListParams::default().labels("app=t").limit(4))
        .await
        .expect("list");
    assert_eq!(page.items.len(), 4);
    let token = page.metadata.continue_.clone().expect("continue token");
    let rest = api
        .list(
            &ListParams::default()
                .labels("app=t")
                .limit(4)
                .continue_token(&token),
        )
        .await
        .expect("list");
    assert_eq!(rest.items.len(), 2);
    let by_name = api
        .list(&ListParams::default().fields("metadata.name=b3"))
        .await
        .expect("list");
    assert_eq!(by_name.items.len(), 1);
    api.delete("a", &DeleteParams::default())
        .await
        .expect("delete");
    assert_eq!(api_code(&api.get("a").await.unwrap_err()), Some(404));
    api.delete_collection(
        &DeleteParams::default(),
        &ListParams::default().labels("app=t"),
    )
    .await
    .expect("deletecollection");
    assert!(api
        .list(&ListParams::default())
        .await
        .expect("list")
        .items
        .is_empty());
    // A missing namespace is NotFound.
    let nowhere: Api<ConfigMap> = Api::namespaced(client, "nowhere");
    let e = nowhere
        .create(&PostParams::default(), &cm("x", "1"))
        .await
        .unwrap_err();
    assert_eq!(api_code(&e), Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_subresource_and_namespace_deletion() {
    let (_h, client) = start(fast()).await;
    let ns: Api<Namespace> = Api::all(client.clone());
    ns.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "n1"}})).expect("ns"),
    )
    .await
    .expect("ns");
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "n1");
    let d: Deployment =
        serde_json::from_value(json!({"metadata": {"name": "d"}, "spec": {"replicas": 1,
        "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}))
        .expect("deploy");
    let d = deps
        .create(&PostParams::default(), &d)
        .await
        .expect("create");
    assert_eq!(d.metadata.generation, Some(1));
    let cond = kube::runtime::wait::await_condition(deps.clone(), "d", |o: Option<&Deployment>| {
        o.and_then(|d| d.status.as_ref())
            .and_then(|s| s.available_replicas)
            == Some(1)
    });
    tokio::time::timeout(Duration::from_secs(20), cond)
        .await
        .expect("deployment becomes available")
        .expect("watch");
    // A spec change bumps generation; a status patch does not.
    let d2 = deps
        .patch(
            "d",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 2}})),
        )
        .await
        .expect("patch");
    assert_eq!(d2.metadata.generation, Some(2));
    let st = deps
        .patch_status(
            "d",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"collisionCount": 7}})),
        )
        .await
        .expect("status");
    assert_eq!(st.metadata.generation, Some(2));
    assert_eq!(st.status.and_then(|s| s.collision_count), Some(7));
    ns.delete("n1", &DeleteParams::default())
        .await
        .expect("delete ns");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(api_code(&deps.get("d").await.unwrap_err()), Some(404));
    assert_eq!(api_code(&ns.get("n1").await.unwrap_err()), Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_resumes_from_a_resource_version_and_expires() {
    let mut cfg = fast();
    cfg.watch_history = 5;
    let (_h, client) = start(cfg).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    api.create(&PostParams::default(), &cm("w0", "1"))
        .await
        .expect("create");
    let rv = api
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    api.create(&PostParams::default(), &cm("w1", "1"))
        .await
        .expect("create");
    api.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .expect("patch");
    let mut s = api
        .watch(&WatchParams::default().timeout(5), &rv)
        .await
        .expect("watch")
        .boxed();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), s.try_next())
            .await
            .expect("event in time")
            .expect("ok")
        {
            Some(WatchEvent::Added(o)) => {
                seen.push(format!("ADDED {}", o.metadata.name.unwrap_or_default()))
            }
            Some(WatchEvent::Modified(o)) => {
                seen.push(format!("MODIFIED {}", o.metadata.name.unwrap_or_default()))
            }
            Some(other) => panic!("unexpected {other:?}"),
            None => break,
        }
    }
    assert_eq!(seen, vec!["ADDED w1", "MODIFIED w1"]);
    // Once the history has rolled over, the old version is Gone.
    for i in 0..10 {
        api.create(&PostParams::default(), &cm(&format!("x{i}"), "1"))
            .await
            .expect("create");
    }
    let mut s = api
        .watch(&WatchParams::default().timeout(5), &rv)
        .await
        .map(|s| s.boxed());
    match &mut s {
        Err(e) => assert_eq!(api_code(e), Some(410)),
        Ok(stream) => match stream.try_next().await {
            Ok(Some(WatchEvent::Error(e))) => assert_eq!(e.code, 410),
            Err(e) => assert_eq!(api_code(&e), Some(410)),
            other => panic!("expected 410 Gone, got {other:?}"),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_conflicts_and_force() {
    let (_h, client) = start(fast()).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let doc = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"k": "1", "only-one": "x"}});
    let a = api
        .patch("s", &PatchParams::apply("one"), &Patch::Apply(&doc))
        .await
        .expect("apply creates");
    let mf = a.metadata.managed_fields.expect("managed fields");
    assert_eq!(mf[0].manager.as_deref(), Some("one"));
    assert_eq!(mf[0].operation.as_deref(), Some("Apply"));
    let other = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"k": "2"}});
    let err = api
        .patch("s", &PatchParams::apply("two"), &Patch::Apply(&other))
        .await
        .unwrap_err();
    assert_eq!(api_code(&err), Some(409));
    assert!(err.to_string().contains("conflict with \"one\""), "{err}");
    let forced = api
        .patch(
            "s",
            &PatchParams::apply("two").force(),
            &Patch::Apply(&other),
        )
        .await
        .expect("force");
    assert_eq!(
        forced
            .data
            .as_ref()
            .and_then(|d| d.get("k"))
            .map(String::as_str),
        Some("2")
    );
    // Manager "one" re-applies without the field it gave up; its other field stays.
    let again = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {"only-one": "x"}});
    let r = api
        .patch("s", &PatchParams::apply("one"), &Patch::Apply(&again))
        .await
        .expect("reapply");
    let d = r.data.expect("data");
    assert_eq!((d["k"].as_str(), d["only-one"].as_str()), ("2", "x"));
    // Dropping a field from one's apply removes it when nobody else owns it.
    let dropped =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": {}});
    let r = api
        .patch("s", &PatchParams::apply("one"), &Patch::Apply(&dropped))
        .await
        .expect("reapply");
    assert!(!r.data.unwrap_or_default().contains_key("only-one"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_runs_to_completion_and_failure() {
    let (_h, client) = start(fast()).await;
    let jobs: Api<Job> = Api::namespaced(client, "default");
    let job = |name: &str, code: &str, backoff: i32| -> Job {
        serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"backoffLimit": backoff, "completions": 2, "parallelism": 2,
            "template": {"metadata": {"annotations": {"sandbox.capstan.dev/exit-code": code}},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})).expect("job")
    };
    jobs.create(&PostParams::default(), &job("ok", "0", 0))
        .await
        .expect("create");
    jobs.create(&PostParams::default(), &job("bad", "1", 1))
        .await
        .expect("create");
    let done = |j: Option<&Job>| {
        j.and_then(|j| j.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
            })
    };
    for n in ["ok", "bad"] {
        let w = kube::runtime::wait::await_condition(jobs.clone(), n, done);
        tokio::time::timeout(Duration::from_secs(20), w)
            .await
            .expect("job finishes")
            .expect("watch");
    }
    let ok = jobs.get("ok").await.expect("get").status.expect("status");
    assert_eq!(ok.succeeded, Some(2));
    let bad = jobs.get("bad").await.expect("get").status.expect("status");
    let failed = bad
        .conditions
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "Failed")
        .expect("Failed condition");
    assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    assert!(bad.failed.unwrap_or(0) >= 2);

    // A Job that outlives activeDeadlineSeconds fails with DeadlineExceeded; a finished Job
    // with ttlSecondsAfterFinished goes away.
    let slow: Job = serde_json::from_value(json!({"metadata": {"name": "slow"}, "spec": {"activeDeadlineSeconds": 1, "ttlSecondsAfterFinished": 1,
        "template": {"metadata": {"annotations": {"sandbox.capstan.dev/duration": "60s"}},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})).expect("job");
    jobs.create(&PostParams::default(), &slow)
        .await
        .expect("create");
    let w = kube::runtime::wait::await_condition(jobs.clone(), "slow", done);
    let j = tokio::time::timeout(Duration::from_secs(20), w)
        .await
        .expect("deadline passes")
        .expect("watch")
        .expect("job");
    let failed = j
        .status
        .and_then(|s| s.conditions)
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "Failed")
        .expect("Failed");
    assert_eq!(failed.reason.as_deref(), Some("DeadlineExceeded"));
    let gone = kube::runtime::wait::await_condition(
        jobs.clone(),
        "slow",
        kube::runtime::wait::conditions::is_deleted(""),
    );
    tokio::time::timeout(Duration::from_secs(20), gone)
        .await
        .expect("ttl deletes the job")
        .expect("watch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalizers_propagation_and_bookmarks() {
    let mut cfg = fast();
    cfg.bookmark_interval = Duration::from_millis(100);
    let (_h, client) = start(cfg).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let held: ConfigMap = serde_json::from_value(
        json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}}),
    )
    .expect("cm");
    cms.create(&PostParams::default(), &held)
        .await
        .expect("create");
    cms.delete("held", &DeleteParams::default())
        .await
        .expect("delete");
    let still = cms.get("held").await.expect("still there");
    assert!(still.metadata.deletion_timestamp.is_some());
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .expect("patch");
    assert_eq!(api_code(&cms.get("held").await.unwrap_err()), Some(404));

    // Orphan keeps the dependent and drops its owner reference; Background deletes it.
    let owner = cms
        .create(&PostParams::default(), &cm("owner", "1"))
        .await
        .expect("owner");
    let uid = owner.metadata.uid.clone().expect("uid");
    for n in ["dep1", "dep2"] {
        let d: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": n, "ownerReferences": [
            {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": uid}]}}))
            .expect("dep");
        cms.create(&PostParams::default(), &d).await.expect("dep");
    }
    cms.delete("owner", &DeleteParams::orphan())
        .await
        .expect("orphan delete");
    let dep = cms.get("dep1").await.expect("orphaned dependent stays");
    assert!(dep.metadata.owner_references.unwrap_or_default().is_empty());
    let owner = cms
        .create(&PostParams::default(), &cm("owner2", "1"))
        .await
        .expect("owner");
    let d: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "dep3", "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner2", "uid": owner.metadata.uid}]}}))
        .expect("dep");
    cms.create(&PostParams::default(), &d).await.expect("dep");
    cms.delete("owner2", &DeleteParams::foreground())
        .await
        .expect("foreground delete");
    assert_eq!(api_code(&cms.get("dep3").await.unwrap_err()), Some(404));

    // Bookmarks arrive when allowed.
    let rv = cms
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    let mut s = cms
        .watch(
            &WatchParams {
                bookmarks: true,
                ..WatchParams::default().timeout(5)
            },
            &rv,
        )
        .await
        .expect("watch")
        .boxed();
    let ev = tokio::time::timeout(Duration::from_secs(5), s.try_next())
        .await
        .expect("in time")
        .expect("ok");
    assert!(matches!(ev, Some(WatchEvent::Bookmark(_))), "{ev:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selector_watches_see_objects_enter_and_leave() {
    let (_h, client) = start(fast()).await;
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    let rv = cms
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    let mut s = cms
        .watch(&WatchParams::default().labels("tier=web").timeout(5), &rv)
        .await
        .expect("watch")
        .boxed();
    cms.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "m"}})).expect("cm"),
    )
    .await
    .expect("create");
    cms.patch(
        "m",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"tier": "web"}}})),
    )
    .await
    .expect("label");
    cms.patch(
        "m",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"a": "1"}})),
    )
    .await
    .expect("data");
    cms.patch(
        "m",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"tier": "db"}}})),
    )
    .await
    .expect("relabel");
    let mut kinds = Vec::new();
    while kinds.len() < 3 {
        match tokio::time::timeout(Duration::from_secs(5), s.try_next())
            .await
            .expect("in time")
            .expect("ok")
        {
            Some(WatchEvent::Added(_)) => kinds.push("ADDED"),
            Some(WatchEvent::Modified(_)) => kinds.push("MODIFIED"),
            Some(WatchEvent::Deleted(_)) => kinds.push("DELETED"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(kinds, vec!["ADDED", "MODIFIED", "DELETED"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_open_watches() {
    let (h, client) = start(fast()).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let mut s = api
        .watch(&WatchParams::default().timeout(290), "0")
        .await
        .expect("watch")
        .boxed();
    let reader = tokio::spawn(async move { while let Ok(Some(_)) = s.try_next().await {} });
    tokio::time::timeout(Duration::from_secs(10), h.shutdown())
        .await
        .expect("shutdown does not wait for the watch to time out");
    tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("the watch stream ends")
        .expect("join");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_init_containers_run_first_and_can_fail() {
    use k8s_openapi::api::core::v1::Pod;
    let (_h, client) = start(fast()).await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let pod = |name: &str, init_code: &str| -> Pod {
        serde_json::from_value(json!({"metadata": {"name": name, "annotations": {"sandbox.capstan.dev/exit-code.init": init_code,
            "sandbox.capstan.dev/logs.init": "migrating"}},
            "spec": {"restartPolicy": "Never", "initContainers": [{"name": "init", "image": "busybox"}],
                     "containers": [{"name": "main", "image": "busybox"}]}})).expect("pod")
    };
    pods.create(&PostParams::default(), &pod("good", "0"))
        .await
        .expect("create");
    pods.create(&PostParams::default(), &pod("bad", "2"))
        .await
        .expect("create");
    let done = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.as_deref())
            .is_some_and(|ph| ph == "Succeeded" || ph == "Failed")
    };
    for n in ["good", "bad"] {
        let w = kube::runtime::wait::await_condition(pods.clone(), n, done);
        tokio::time::timeout(Duration::from_secs(20), w)
            .await
            .expect("pod finishes")
            .expect("watch");
    }
    let good = pods.get("good").await.expect("get").status.expect("status");
    assert_eq!(good.phase.as_deref(), Some("Succeeded"));
    let bad = pods.get("bad").await.expect("get").status.expect("status");
    assert_eq!(bad.phase.as_deref(), Some("Failed"));
    let init = bad.init_container_statuses.expect("init statuses")[0]
        .state
        .clone()
        .and_then(|s| s.terminated)
        .expect("terminated");
    assert_eq!(init.exit_code, 2);
    assert!(
        bad.container_statuses.is_none(),
        "main containers never started"
    );
    let log = pods
        .logs(
            "bad",
            &kube::api::LogParams {
                container: Some("init".into()),
                ..Default::default()
            },
        )
        .await
        .expect("init log");
    assert_eq!(log, "migrating\n");
}
