//! Throughput: 1,000 objects and 100 concurrent watches on one sandbox.

use capstan_sandbox::{serve, SandboxConfig};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;
use std::time::Duration;

const OBJECTS: usize = 1000;
const WATCHES: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_objects_hundred_watches() {
    let h = serve(SandboxConfig::default()).await.expect("sandbox");
    let kc = Kubeconfig::from_yaml(&h.kubeconfig()).expect("kubeconfig");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    let client = Client::try_from(config).expect("client");
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let rv = api
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    let mut watchers = Vec::new();
    for _ in 0..WATCHES {
        let api = api.clone();
        let rv = rv.clone();
        let stream = api
            .watch(&WatchParams::default().timeout(120), &rv)
            .await
            .expect("watch");
        watchers.push(tokio::spawn(async move {
            let mut s = stream.boxed();
            let mut added = 0usize;
            while added < OBJECTS {
                match s.try_next().await {
                    Ok(Some(WatchEvent::Added(_))) => added += 1,
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            added
        }));
    }
    futures::stream::iter(0..OBJECTS)
        .map(|i| {
            let api = api.clone();
            async move {
                let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": format!("cm-{i:04}"), "labels": {"bucket": (i % 10).to_string()}},
                    "data": {"i": i.to_string()}})).expect("cm");
                api.create(&PostParams::default(), &cm).await.expect("create");
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    for w in watchers {
        let n = tokio::time::timeout(Duration::from_secs(120), w)
            .await
            .expect("watch finishes in time")
            .expect("join");
        assert_eq!(n, OBJECTS, "every watch sees every object");
    }
    let all = api.list(&ListParams::default()).await.expect("list");
    assert_eq!(all.items.len(), OBJECTS);
    let bucket = api
        .list(&ListParams::default().labels("bucket=3"))
        .await
        .expect("list");
    assert_eq!(bucket.items.len(), OBJECTS / 10);
    let mut pages = 0;
    let mut seen = 0;
    let mut token: Option<String> = None;
    loop {
        let mut lp = ListParams::default().limit(250);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let page = api.list(&lp).await.expect("page");
        seen += page.items.len();
        pages += 1;
        token = page.metadata.continue_.clone();
        if token.is_none() {
            break;
        }
    }
    assert_eq!((pages, seen), (4, OBJECTS));
}
