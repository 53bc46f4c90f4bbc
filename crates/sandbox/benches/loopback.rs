//! Loopback benchmark of create/get/list/watch through kube-rs:
//! `cargo bench -p capstan-sandbox --bench loopback` prints operations per second for
//! 1,000 ConfigMaps created while 100 watches are open (each must see all 1,000 ADDED
//! events), then gets and lists of them.

use capstan_sandbox::{serve, SandboxConfig};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;
use std::time::Instant;

const N: usize = 1000;
const WATCHES: usize = 100;

fn report(what: &str, n: usize, started: Instant) {
    let s = started.elapsed().as_secs_f64();
    println!(
        "{what:<28} {n:>6} ops in {s:>7.3}s = {:>9.0} ops/s",
        n as f64 / s
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let h = serve(SandboxConfig::default()).await.expect("sandbox");
        let kc = Kubeconfig::from_yaml(&h.kubeconfig()).expect("kubeconfig");
        let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("config");
        let api: Api<ConfigMap> = Api::namespaced(Client::try_from(config).expect("client"), "default");
        let rv = api.list(&ListParams::default()).await.expect("list").metadata.resource_version.expect("rv");
        let mut watches = Vec::with_capacity(WATCHES);
        for _ in 0..WATCHES {
            let w = api.watch(&WatchParams::default().timeout(300), &rv).await.expect("watch");
            watches.push(w.boxed());
        }
        // Each watch counts its ADDED events on its own task while the creates run.
        let drains: Vec<_> = watches
            .into_iter()
            .map(|mut s| {
                tokio::spawn(async move {
                    let mut n = 0;
                    while n < N {
                        match s.try_next().await {
                            Ok(Some(WatchEvent::Added(_))) => n += 1,
                            Ok(Some(_)) => {}
                            Ok(None) | Err(_) => break,
                        }
                    }
                    n
                })
            })
            .collect();
        let t = Instant::now();
        futures::stream::iter(0..N)
            .map(|i| {
                let api = api.clone();
                async move {
                    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": format!("b-{i}")}, "data": {"i": i.to_string()}})).expect("cm");
                    api.create(&PostParams::default(), &cm).await.expect("create");
                }
            })
            .buffer_unordered(32)
            .collect::<Vec<_>>()
            .await;
        report("create (32 in flight)", N, t);
        let mut seen = 0;
        for d in drains {
            seen += d.await.expect("watch task");
        }
        assert_eq!(seen, N * WATCHES, "every watch sees every ADDED event");
        report(&format!("{WATCHES} watches, events"), seen, t);
        let t = Instant::now();
        futures::stream::iter(0..N)
            .map(|i| {
                let api = api.clone();
                async move { api.get(&format!("b-{i}")).await.expect("get") }
            })
            .buffer_unordered(32)
            .collect::<Vec<_>>()
            .await;
        report("get (32 in flight)", N, t);
        let t = Instant::now();
        for _ in 0..20 {
            let l = api.list(&ListParams::default()).await.expect("list");
            assert_eq!(l.items.len(), N);
        }
        report(&format!("list of {N}"), 20, t);
        h.shutdown().await;
    });
}
