//! Interop with the real helm binaries on an in-process sandbox: records helm writes are read
//! and re-encoded byte-identically, and records capstan writes are read by `helm list`,
//! `helm history`, `helm get all` and `helm status`.

use std::path::{Path, PathBuf};
use std::process::Output;

use capstan_release::chart_json::{ChartRecord, File, Metadata};
use capstan_release::codec::{decode_release_json, release_to_json};
use capstan_release::gojson::{to_go_json, GoValue};
use capstan_release::record::format_timestamp;
use capstan_release::{Info, Release, Status};
use capstan_sandbox::{serve, Handle, SandboxConfig};
use capstan_storage::chart_record::chart_record;
use capstan_storage::{AnyDriver, Driver, DriverKind, Storage, StorageError};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::Api;

mod common;

fn tool(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.tools")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with \
         `bash /work/shared/tools/get-reference-tools /work/main/.tools`",
        p.display()
    );
    p
}

/// A scratch directory for one test (kubeconfig, helm's home, the chart).
fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("capstan-storage-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

struct Env {
    handle: Handle,
    /// `HELM_DRIVER` for helm and for our driver choice (`secret`, `configmap`, `sql`).
    driver: &'static str,
    /// The test's own PostgreSQL database (`sql` only).
    sql_url: Option<String>,
    dir: PathBuf,
    kubeconfig: PathBuf,
}

impl Env {
    async fn start(test: &str, driver: &'static str) -> Env {
        let handle = serve(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let dir = scratch(test);
        let kubeconfig = dir.join("kubeconfig");
        handle
            .write_kubeconfig(&kubeconfig)
            .expect("kubeconfig written");
        let sql_url = if driver == "sql" {
            Some(common::fresh_database(test).await)
        } else {
            None
        };
        Env {
            handle,
            driver,
            sql_url,
            dir,
            kubeconfig,
        }
    }

    async fn driver(&self) -> AnyDriver {
        if let Some(url) = &self.sql_url {
            return AnyDriver::Sql(Box::new(
                capstan_storage::SqlDriver::connect(url, "default")
                    .await
                    .expect("sql driver connects"),
            ));
        }
        let kind = DriverKind::parse(self.driver).expect("known driver");
        AnyDriver::connect(kind, self.client().await, "default").expect("driver")
    }

    async fn client(&self) -> kube::Client {
        let cluster = capstan_kube::connect(&capstan_kube::ConnectOptions {
            kubeconfig: Some(self.kubeconfig.clone()),
            ..Default::default()
        })
        .await
        .expect("capstan-kube connects with the sandbox kubeconfig");
        assert_eq!(
            cluster.namespace, "default",
            "namespace comes from the context"
        );
        cluster.client
    }

    /// Runs a helm binary (blocking, off the runtime threads) and returns its output.
    async fn helm(&self, bin: &str, args: &[&str]) -> Output {
        let bin = tool(bin);
        let home = self.dir.join("home");
        let kc = self.kubeconfig.clone();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let driver = self.driver;
        let sql_url = self.sql_url.clone().unwrap_or_default();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(bin)
                .args(&args)
                .env("HELM_DRIVER_SQL_CONNECTION_STRING", sql_url)
                .arg("--kubeconfig")
                .arg(&kc)
                .env("HOME", &home)
                .env("XDG_CACHE_HOME", home.join("cache"))
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_DATA_HOME", home.join("data"))
                .env("HELM_DRIVER", driver)
                .env_remove("KUBECONFIG")
                .output()
                .expect("helm runs")
        })
        .await
        .expect("helm task")
    }

    async fn helm_ok(&self, bin: &str, args: &[&str]) -> String {
        let out = self.helm(bin, args).await;
        assert!(
            out.status.success(),
            "{bin} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn chart(&self) -> String {
        let c = self.dir.join("c");
        std::fs::create_dir_all(c.join("templates")).expect("chart dir");
        let files = [
            ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1.0\"\ndescription: \"a <b> & c\"\nannotations:\n  z: \"1\"\n  a: \"2\"\n"),
            ("values.yaml", "a: 1\nb: 1.5\nc: \"x<y\"\nd: [1, true, null]\nbig: 1e21\nsmall: 0.0000001\nz: {y: 2, a: 3}\n"),
            ("values.schema.json", "{\"type\":\"object\"}\n"),
            ("README.md", "hi\n"),
            ("templates/NOTES.txt", "notes {{ .Release.Name }}\n"),
            ("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  k: {{ .Values.c | quote }}\n  rev: {{ .Release.Revision | quote }}\n"),
            ("templates/hook.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    \"helm.sh/hook\": post-install,post-upgrade\n    \"helm.sh/hook-weight\": \"2\"\n    \"helm.sh/hook-delete-policy\": before-hook-creation\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n"),
        ];
        for (name, text) in files {
            std::fs::write(c.join(name), text).expect("chart file");
        }
        c.display().to_string()
    }
}

/// Reads the stored object (Secret or ConfigMap, by the env's driver) the way helm would
/// and returns the raw JSON helm wrote.
async fn raw_json(env: &Env, client: &kube::Client, key: &str) -> Vec<u8> {
    if let Some(url) = &env.sql_url {
        return common::body_of(url, key).await;
    }
    let text = if env.driver == "configmap" {
        let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
        let cm = api.get(key).await.expect("release configmap exists");
        cm.data
            .and_then(|mut d| d.remove("release"))
            .expect("release key")
    } else {
        let api: Api<Secret> = Api::default_namespaced(client.clone());
        let sec = api.get(key).await.expect("release secret exists");
        assert_eq!(sec.type_.as_deref(), Some("helm.sh/release.v1"));
        let data = sec
            .data
            .as_ref()
            .and_then(|d| d.get("release"))
            .expect("release key");
        String::from_utf8_lossy(&data.0).into_owned()
    };
    decode_release_json(&text).expect("helm's record decodes")
}

async fn helm_records_reencode_identically(bin: &str, driver: &'static str) {
    let env = Env::start(&format!("read-{bin}-{driver}"), driver).await;
    let chart = env.chart();
    env.helm_ok(bin, &["install", "r1", &chart, "--set", "x=5", "--wait"])
        .await;
    env.helm_ok(bin, &["upgrade", "r1", &chart, "--set", "y=a<b", "--wait"])
        .await;
    let client = env.client().await;
    let driver = env.driver().await;
    for v in 1..=2 {
        let key = format!("sh.helm.release.v1.r1.v{v}");
        let helm_json = raw_json(&env, &client, &key).await;
        let rel = driver.get(&key).await.expect("driver reads helm's release");
        assert_eq!(rel.version, v);
        assert!(!rel.hooks.is_empty(), "hooks were stored");
        let ours = release_to_json(&rel).expect("encodes");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&helm_json),
            "{bin} revision {v} re-encodes byte-identically"
        );
    }
    if bin == "helm" {
        // Our chart encoding of the same chart directory equals what helm 4 stored.
        let rel = driver.get("sh.helm.release.v1.r1.v1").await.expect("v1");
        let loaded = capstan_chart::loader::load_dir(&chart).expect("chart loads");
        let ours = to_go_json(&chart_record(&loaded)).expect("encodes");
        let helms = to_go_json(&rel.chart).expect("encodes");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&helms)
        );
        // A bare chart: no values.yaml, no other files, one template.
        let bare = env.dir.join("bare");
        std::fs::create_dir_all(bare.join("templates")).expect("dir");
        std::fs::write(
            bare.join("Chart.yaml"),
            "apiVersion: v2\nname: bare\nversion: 1.0.0\n",
        )
        .expect("write");
        std::fs::write(
            bare.join("templates/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bare\n",
        )
        .expect("write");
        let bare_s = bare.display().to_string();
        env.helm_ok(bin, &["install", "bare", &bare_s]).await;
        let rel = driver
            .get("sh.helm.release.v1.bare.v1")
            .await
            .expect("bare v1");
        let loaded = capstan_chart::loader::load_dir(&bare).expect("chart loads");
        let ours = to_go_json(&chart_record(&loaded)).expect("encodes");
        let helms = to_go_json(&rel.chart).expect("encodes");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&helms)
        );
    }
    let storage = Storage::new(driver);
    let h = storage.history("r1").await.expect("history");
    let states: Vec<_> = h
        .iter()
        .map(|r| (r.version, r.status_str().to_owned()))
        .collect();
    assert_eq!(
        states,
        [(1, "superseded".to_owned()), (2, "deployed".to_owned())]
    );
    assert_eq!(storage.deployed("r1").await.expect("deployed").version, 2);
    assert!(matches!(
        storage.history("nope").await,
        Err(StorageError::NotFound)
    ));
    env.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_records_reencode_identically() {
    helm_records_reencode_identically("helm", "secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm3_records_reencode_identically() {
    helm_records_reencode_identically("helm-3", "secret").await;
}

/// A release as capstan builds it, without any help from helm's own records.
fn our_release(version: i64, status: Status) -> Release {
    let manifest = "---\n# Source: capc/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cap-cm\ndata:\n  k: \"v\"\n";
    Release {
        name: "cap".into(),
        namespace: "default".into(),
        version,
        info: Some(Info {
            first_deployed: Some("2026-11-23T10:00:00.123456789Z".into()),
            last_deployed: Some(format_timestamp(1_795_400_000 + version * 60, 500_000_000)),
            description: if version == 1 {
                "Install complete"
            } else {
                "Upgrade complete"
            }
            .into(),
            status: status.as_str().into(),
            notes: "capstan notes".into(),
            ..Info::default()
        }),
        chart: Some(ChartRecord {
            metadata: Some(Metadata {
                name: "capc".into(),
                version: "0.2.0".into(),
                api_version: "v2".into(),
                app_version: "9.9".into(),
                ..Metadata::default()
            }),
            templates: Some(vec![File {
                name: "templates/cm.yaml".into(),
                data: Some(b"apiVersion: v1\nkind: ConfigMap\n".to_vec()),
                modtime: None,
            }]),
            values: Some([("k".to_owned(), GoValue::String("v".into()))].into()),
            schemamodtime: Some(capstan_release::record::ZERO_TIME.into()),
            files: Some(vec![]),
            ..ChartRecord::default()
        }),
        config: [("replicas".to_owned(), GoValue::Int(3))].into(),
        manifest: manifest.into(),
        apply_method: "ssa".into(),
        ..Release::default()
    }
}

async fn helm_reads_our_records(bin: &str, driver: &'static str) {
    let env = Env::start(&format!("write-{bin}-{driver}"), driver).await;
    let storage = Storage::new(env.driver().await);
    storage
        .create(&our_release(1, Status::Deployed))
        .await
        .expect("store v1");
    storage
        .update(&our_release(1, Status::Superseded))
        .await
        .expect("supersede v1");
    storage
        .create(&our_release(2, Status::Deployed))
        .await
        .expect("store v2");

    let list: serde_json::Value =
        serde_json::from_str(&env.helm_ok(bin, &["list", "-o", "json"]).await).expect("list JSON");
    let entry = &list[0];
    assert_eq!(entry["name"], "cap", "{list}");
    assert_eq!(entry["revision"], "2");
    assert_eq!(entry["status"], "deployed");
    assert_eq!(entry["chart"], "capc-0.2.0");
    assert_eq!(entry["app_version"], "9.9");

    let hist: serde_json::Value =
        serde_json::from_str(&env.helm_ok(bin, &["history", "cap", "-o", "json"]).await)
            .expect("history JSON");
    let states: Vec<_> = hist
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["revision"].clone(),
                e["status"].clone(),
                e["description"].clone(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (1.into(), "superseded".into(), "Install complete".into()),
            (2.into(), "deployed".into(), "Upgrade complete".into()),
        ]
    );

    let all = env.helm_ok(bin, &["get", "all", "cap"]).await;
    assert!(all.contains("REVISION: 2"), "{all}");
    assert!(all.contains("name: cap-cm"), "{all}");
    assert!(all.contains("replicas: 3"), "{all}");
    assert!(all.contains("capstan notes"), "{all}");
    let values = env
        .helm_ok(bin, &["get", "values", "cap", "--all", "-o", "json"])
        .await;
    assert_eq!(values.trim(), r#"{"k":"v","replicas":3}"#);

    let status = env.helm_ok(bin, &["status", "cap"]).await;
    assert!(status.contains("STATUS: deployed"), "{status}");
    assert!(status.contains("REVISION: 2"), "{status}");
    env.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_reads_capstan_records() {
    helm_reads_our_records("helm", "secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm3_reads_capstan_records() {
    helm_reads_our_records("helm-3", "secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_configmap_records_reencode_identically() {
    helm_records_reencode_identically("helm", "configmap").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_reads_capstan_configmap_records() {
    helm_reads_our_records("helm", "configmap").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_sql_records_reencode_identically() {
    helm_records_reencode_identically("helm", "sql").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm3_sql_records_reencode_identically() {
    helm_records_reencode_identically("helm-3", "sql").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_reads_capstan_sql_records() {
    helm_reads_our_records("helm", "sql").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm3_reads_capstan_sql_records() {
    helm_reads_our_records("helm-3", "sql").await;
}

/// Storage operations with 5% 503, 5% 429 and 2% 500 injected on every request: every
/// operation still succeeds through the drivers' counted retries (kube-rs's own retry
/// layer is off here), and helm still reads the result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_survives_injected_faults() {
    let env = Env::start("faults", "secret").await;
    let plan: capstan_sandbox::faults::FaultPlan = serde_json::from_value(serde_json::json!({
        "seed": 11,
        "rules": [
            {"errorRate": 0.05, "errorCode": 503},
            {"errorRate": 0.05, "errorCode": 429, "retryAfterSeconds": 0},
            {"errorRate": 0.02, "errorCode": 500}
        ]
    }))
    .expect("fault plan");
    let cluster = capstan_kube::connect(&capstan_kube::ConnectOptions {
        kubeconfig: Some(env.kubeconfig.clone()),
        disable_client_retry: true,
        ..Default::default()
    })
    .await
    .expect("connect");
    let retry = std::sync::Arc::new(capstan_kube::retry::Retry::default());
    let driver =
        capstan_storage::SecretsDriver::with_retry(cluster.client, "default", retry.clone());
    env.handle.set_faults(plan);
    let mut storage = Storage::new(driver);
    storage.max_history = 5;
    let mut ops = 0;
    for v in 1..=30 {
        if v > 1 {
            storage
                .update(&our_release(v - 1, Status::Superseded))
                .await
                .expect("supersede under faults");
            ops += 1;
        }
        storage
            .create(&our_release(v, Status::Deployed))
            .await
            .expect("create under faults");
        let h = storage.history("cap").await.expect("history under faults");
        assert!(h.len() <= 5, "history-max prunes to 5");
        assert_eq!(storage.deployed("cap").await.expect("deployed").version, v);
        ops += 3;
    }
    let injected = env
        .handle
        .audit()
        .iter()
        .filter(|r| matches!(r.code, 429 | 500 | 503))
        .count();
    let (attempted, retried, failed) = retry.stats.snapshot();
    eprintln!(
        "storage fault run: operations={ops} api calls={attempted} retried={retried} \
         failed={failed} injected={injected}"
    );
    assert!(injected > 0, "faults were injected");
    assert!(retried > 0, "injected faults were retried");
    assert_eq!(failed, 0);
    env.handle
        .set_faults(capstan_sandbox::faults::FaultPlan::default());
    let hist: serde_json::Value =
        serde_json::from_str(&env.helm_ok("helm", &["history", "cap", "-o", "json"]).await)
            .expect("history JSON");
    let revs: Vec<_> = hist
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["revision"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(revs, [26, 27, 28, 29, 30], "{hist}");
    env.handle.shutdown().await;
}

/// Updates that meet 409 Conflict are re-read and resent while the stored object is still
/// our release record; another object under the key is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_conflicts_are_retried_only_on_our_record() {
    let env = Env::start("conflicts", "secret").await;
    let retry = std::sync::Arc::new(capstan_kube::retry::Retry::default());
    let driver =
        capstan_storage::SecretsDriver::with_retry(env.client().await, "default", retry.clone());
    let storage = Storage::new(driver);
    storage
        .create(&our_release(1, Status::Deployed))
        .await
        .expect("create");
    let conflicts = |rate: f64| -> capstan_sandbox::faults::FaultPlan {
        serde_json::from_value(serde_json::json!({"seed": 3, "rules": [
            {"verb": "update", "resource": "secrets", "errorRate": rate, "errorCode": 409}
        ]}))
        .expect("plan")
    };
    env.handle.set_faults(conflicts(0.5));
    for status in [
        Status::Superseded,
        Status::Deployed,
        Status::Superseded,
        Status::Deployed,
    ] {
        storage
            .update(&our_release(1, status))
            .await
            .expect("update through conflicts");
    }
    let (_, retried, failed) = retry.stats.snapshot();
    assert!(retried > 0, "conflicts were retried");
    assert_eq!(failed, 0);
    env.handle
        .set_faults(capstan_sandbox::faults::FaultPlan::default());
    assert_eq!(
        storage.get("cap", 1).await.expect("get").status_str(),
        "deployed"
    );

    // Someone else's object under a release key: a conflict is not resent.
    let api: Api<Secret> = Api::default_namespaced(env.client().await);
    let foreign: Secret = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "sh.helm.release.v1.cap.v7", "labels": {"owner": "someone"}},
        "data": {"release": "eA=="}
    }))
    .expect("secret");
    api.create(&Default::default(), &foreign)
        .await
        .expect("foreign secret");
    env.handle.set_faults(conflicts(1.0));
    let err = storage
        .update(&our_release(7, Status::Deployed))
        .await
        .expect_err("conflict on a foreign object");
    assert!(matches!(err, StorageError::Conflict { .. }), "{err}");
    env.handle
        .set_faults(capstan_sandbox::faults::FaultPlan::default());
    let still = api.get("sh.helm.release.v1.cap.v7").await.expect("get");
    assert_eq!(
        still.metadata.labels.and_then(|l| l.get("owner").cloned()),
        Some("someone".to_owned())
    );
    env.handle.shutdown().await;
}

/// helm and capstan take turns on one release: helm installs, capstan writes revision 2
/// (superseding 1), helm upgrades on top of it, and both see the same history.
async fn take_turns(driver: &'static str) {
    let env = Env::start(&format!("turns-{driver}"), driver).await;
    let chart = env.chart();
    env.helm_ok("helm", &["install", "r1", &chart]).await;
    let storage = Storage::new(env.driver().await);
    let mut v1 = storage.get("r1", 1).await.expect("helm's revision 1");
    let mut v2 = v1.clone();
    v2.version = 2;
    if let Some(info) = v2.info.as_mut() {
        info.description = "Upgrade complete".into();
    }
    if let Some(info) = v1.info.as_mut() {
        info.status = Status::Superseded.as_str().into();
    }
    storage
        .update(&v1)
        .await
        .expect("supersede helm's revision");
    storage.create(&v2).await.expect("capstan's revision 2");
    env.helm_ok("helm", &["upgrade", "r1", &chart, "--set", "z=1"])
        .await;
    let hist: serde_json::Value =
        serde_json::from_str(&env.helm_ok("helm", &["history", "r1", "-o", "json"]).await)
            .expect("history JSON");
    let states: Vec<_> = hist
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["revision"].as_i64().unwrap_or(0),
                e["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (1, "superseded".to_owned()),
            (2, "superseded".to_owned()),
            (3, "deployed".to_owned())
        ],
        "{driver}"
    );
    let ours: Vec<_> = storage
        .history("r1")
        .await
        .expect("history")
        .iter()
        .map(|r| (r.version, r.status_str().to_owned()))
        .collect();
    assert_eq!(ours, states, "{driver}: capstan sees helm's history");
    let v3 = storage.get("r1", 3).await.expect("helm's revision 3");
    assert_eq!(
        v3.config.get("z").map(|v| to_go_json(v).expect("json")),
        Some(b"1".to_vec())
    );
    env.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_and_capstan_take_turns_on_secrets() {
    take_turns("secret").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_and_capstan_take_turns_on_sql() {
    take_turns("sql").await;
}
