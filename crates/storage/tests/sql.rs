//! The SQL driver on PostgreSQL (`CAPSTAN_TEST_POSTGRES`, started by scripts/start-services):
//! the schema capstan creates is the one helm 4.3.1 creates, the driver keeps helm's
//! semantics (custom labels, queries, namespaces), and it survives its connections being
//! killed mid-run.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use capstan_kube::retry::Retry;
use capstan_release::{Info, Release, Status};
use capstan_sandbox::{serve, SandboxConfig};
use capstan_storage::{Driver, SqlDriver, Storage, StorageError};

fn rel(name: &str, ns: &str, version: i64, status: Status) -> Release {
    Release {
        name: name.into(),
        namespace: ns.into(),
        version,
        info: Some(Info {
            status: status.as_str().into(),
            description: format!("rev {version}"),
            ..Info::default()
        }),
        manifest: format!("---\n# rev {version}\n"),
        ..Release::default()
    }
}

/// Every fact of the schema two tools could disagree on, as text rows.
async fn describe(url: &str) -> Vec<String> {
    let c = common::connect(url).await;
    let queries = [
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, \
         column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        "SELECT relname, relrowsecurity, relacl::text FROM pg_class WHERE relnamespace = \
         'public'::regnamespace AND relkind = 'r' ORDER BY 1",
        "SELECT id FROM gorp_migrations ORDER BY id",
    ];
    let mut out = Vec::new();
    for q in queries {
        for msg in c.simple_query(q).await.expect("catalog query") {
            if let tokio_postgres::SimpleQueryMessage::Row(r) = msg {
                let cells: Vec<_> = (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                    .collect();
                out.push(cells.join(" | "));
            }
        }
    }
    out
}

fn helm_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm");
    assert!(
        p.exists(),
        "{} is missing: install the reference tools with `scripts/get-reference-tools .tools`",
        p.display()
    );
    p
}

fn helm(kubeconfig: &Path, url: &str, args: &[&str]) -> String {
    let home = kubeconfig.parent().expect("dir").join("home");
    let out = std::process::Command::new(helm_bin())
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HELM_DRIVER", "sql")
        .env("HELM_DRIVER_SQL_CONNECTION_STRING", url)
        .env_remove("KUBECONFIG")
        .output()
        .expect("helm runs");
    assert!(
        out.status.success(),
        "helm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// helm 4.3.1 and capstan create the same tables, columns, indexes, grants, row security
/// and migration records, and helm sees capstan's custom labels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_matches_helm_and_labels_are_shared() {
    let handle = serve(SandboxConfig::default()).await.expect("sandbox");
    let dir = std::env::temp_dir().join(format!("capstan-sql-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");

    let by_helm = common::fresh_database("schema_by_helm").await;
    let by_us = common::fresh_database("schema_by_capstan").await;
    let (kc2, u2) = (kc.clone(), by_helm.clone());
    tokio::task::spawn_blocking(move || helm(&kc2, &u2, &["list"]))
        .await
        .expect("helm task");
    let ours = SqlDriver::connect(&by_us, "default")
        .await
        .expect("capstan migrates an empty database");
    let helm_schema = describe(&by_helm).await;
    assert!(
        helm_schema
            .iter()
            .any(|r| r.starts_with("releases_v1 | createdat | integer")),
        "{helm_schema:#?}"
    );
    assert_eq!(describe(&by_us).await, helm_schema);

    // On helm's database capstan finds every migration applied and changes nothing.
    SqlDriver::connect(&by_helm, "default")
        .await
        .expect("connects to helm's schema");
    assert_eq!(describe(&by_helm).await, helm_schema);

    // Custom labels go to custom_labels_v1, and helm's --selector sees them.
    let mut r = rel("lab", "default", 1, Status::Deployed);
    r.labels = BTreeMap::from([("team".to_owned(), "blue".to_owned())]);
    ours.create("sh.helm.release.v1.lab.v1", &r)
        .await
        .expect("create");
    ours.create(
        "sh.helm.release.v1.other.v1",
        &rel("other", "default", 1, Status::Deployed),
    )
    .await
    .expect("create");
    let (kc2, u2) = (kc.clone(), by_us.clone());
    let listed = tokio::task::spawn_blocking(move || {
        helm(
            &kc2,
            &u2,
            &["list", "--selector", "team=blue", "-o", "json"],
        )
    })
    .await
    .expect("helm task");
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("json");
    let names: Vec<_> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, ["lab"]);
    // The same TLS connection string works for helm (lib/pq) and capstan.
    {
        let ca = common::test_ca();
        let tls_url = format!(
            "{}?sslmode=verify-full&sslrootcert={ca}",
            by_us.split('?').next().expect("base")
        );
        let over_tls = SqlDriver::connect(&tls_url, "default")
            .await
            .expect("capstan over TLS");
        assert_eq!(over_tls.list().await.expect("list").len(), 2);
        let (kc2, u2) = (kc.clone(), tls_url.clone());
        let listed = tokio::task::spawn_blocking(move || helm(&kc2, &u2, &["list", "-q"]))
            .await
            .expect("helm task");
        assert_eq!(
            listed.split_whitespace().collect::<Vec<_>>(),
            ["lab", "other"]
        );
    }
    drop(ours);
    handle.shutdown().await;
}

/// Driver semantics as helm's SQL driver has them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_semantics() {
    let url = common::fresh_database("semantics").await;
    let d = SqlDriver::connect(&url, "default").await.expect("connect");
    let all = SqlDriver::connect(&url, "").await.expect("all namespaces");
    assert_eq!(d.name(), "SQL");
    let key = "sh.helm.release.v1.a.v1";
    let mut a1 = rel("a", "default", 1, Status::Deployed);
    a1.labels = BTreeMap::from([("tier".to_owned(), "web".to_owned())]);
    d.create(key, &a1).await.expect("create");
    // The same record again is the answer of a lost create: accepted; another is not.
    d.create(key, &a1).await.expect("identical create");
    assert!(matches!(
        d.create(key, &rel("a", "default", 1, Status::Failed)).await,
        Err(StorageError::Exists)
    ));
    let got = d.get(key).await.expect("get");
    assert_eq!(got.labels, a1.labels);
    assert_eq!(got.manifest, a1.manifest);
    assert!(matches!(
        d.get("sh.helm.release.v1.nope.v1").await,
        Err(StorageError::NotFound)
    ));

    d.create(
        "sh.helm.release.v1.b.v1",
        &rel("b", "other", 1, Status::Deployed),
    )
    .await
    .expect("create in another namespace");
    let names = |v: Vec<Release>| {
        let mut n: Vec<_> = v.into_iter().map(|r| r.name).collect();
        n.sort();
        n
    };
    assert_eq!(names(d.list().await.expect("list")), ["a"]);
    assert_eq!(names(all.list().await.expect("list -A")), ["a", "b"]);
    let listed = d.list().await.expect("list");
    assert_eq!(
        listed[0].labels.get("status").map(String::as_str),
        Some("deployed"),
        "list adds the system labels back, as helm's"
    );

    let q = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let found = d
        .query(&q(&[("name", "a"), ("owner", "helm"), ("version", "1")]))
        .await
        .expect("query");
    assert_eq!(found.len(), 1);
    assert!(matches!(
        d.query(&q(&[("name", "a"), ("status", "failed")])).await,
        Err(StorageError::NotFound)
    ));
    let err = d
        .query(&q(&[("tier", "web")]))
        .await
        .expect_err("custom labels are not columns");
    assert_eq!(err.to_string(), "unknown label tier");

    d.update(key, &rel("a", "default", 1, Status::Superseded))
        .await
        .expect("update");
    assert_eq!(d.get(key).await.expect("get").status_str(), "superseded");
    assert!(matches!(
        d.update(
            "sh.helm.release.v1.a.v9",
            &rel("a", "default", 9, Status::Failed)
        )
        .await,
        Err(StorageError::NotFound)
    ));

    let gone = d.delete(key).await.expect("delete");
    assert_eq!(gone.labels, a1.labels);
    assert!(matches!(d.get(key).await, Err(StorageError::NotFound)));
    let c = common::connect(&url).await;
    let left: i64 = c
        .query_one("SELECT count(*) FROM custom_labels_v1", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(left, 0, "labels deleted with the release");

    let bad = SqlDriver::connect(
        "postgres://nobody@127.0.0.1:1/x?connect_timeout=1",
        "default",
    )
    .await
    .expect_err("no server");
    assert!(bad.to_string().starts_with("sql:"), "{bad}");
    let bad = SqlDriver::connect("host=", "default").await;
    assert!(bad.is_err());
}

/// A storage run with every PostgreSQL connection of the database killed at intervals
/// (what a server restart does to clients): every operation succeeds through reconnecting
/// retries, counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_killed_connections() {
    let url = common::fresh_database("killed").await;
    let retry = Arc::new(Retry::default());
    let driver = SqlDriver::connect_with_retry(&url, "default", retry.clone())
        .await
        .expect("connect");
    let db = url
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .expect("db name")
        .to_owned();
    let admin = common::connect(&common::server_url()).await;
    let kill = format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    );
    // A background killer too, to land kills inside transactions.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = {
        let (stop, kill) = (stop.clone(), kill.clone());
        let admin = common::connect(&common::server_url()).await;
        tokio::spawn(async move {
            let mut kills = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(53)).await;
                if let Ok(r) = admin.query_one(kill.as_str(), &[]).await {
                    kills += u64::try_from(r.get::<_, i64>(0)).unwrap_or(0);
                }
            }
            kills
        })
    };
    let mut storage = Storage::new(driver);
    storage.max_history = 5;
    let mut ops = 0;
    let mut sync_kills = 0;
    for v in 1..=40 {
        if v % 4 == 0 {
            let r = admin.query_one(kill.as_str(), &[]).await.expect("kill");
            sync_kills += r.get::<_, i64>(0);
        }
        if v > 1 {
            storage
                .update(&rel("cap", "default", v - 1, Status::Superseded))
                .await
                .expect("update survives");
            ops += 1;
        }
        storage
            .create(&rel("cap", "default", v, Status::Deployed))
            .await
            .expect("create survives");
        let h = storage.history("cap").await.expect("history survives");
        assert!(h.len() <= 5);
        assert_eq!(storage.deployed("cap").await.expect("deployed").version, v);
        ops += 3;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let bg_kills = killer.await.expect("killer");
    let (attempted, retried, failed) = retry.stats.snapshot();
    eprintln!(
        "sql killed-connection run: operations={ops} statements={attempted} retried={retried} \
         failed={failed} connections killed={} ({sync_kills} between operations)",
        sync_kills as u64 + bg_kills
    );
    assert!(sync_kills > 0, "connections were killed");
    assert!(retried > 0, "killed connections were retried");
    assert_eq!(failed, 0);
    let h = storage.history("cap").await.expect("history");
    assert_eq!(
        h.iter().map(|r| r.version).collect::<Vec<_>>(),
        [36, 37, 38, 39, 40]
    );
}

/// lib/pq's `sslmode` meanings over a TLS-enabled server (self-signed certificate for
/// localhost and 127.0.0.1, from scripts/start-services).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_modes() {
    let ca = common::test_ca();
    let url = common::fresh_database("tls").await;
    let db = url
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .expect("db name")
        .to_owned();
    let base = url.split('?').next().expect("base").to_owned();
    let admin = common::connect(&common::server_url()).await;
    let encrypted = |want: bool| {
        let (admin, db) = (&admin, db.clone());
        async move {
            let n: i64 = admin
                .query_one(
                    "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
                     WHERE a.datname = $1 AND s.ssl = $2",
                    &[&db, &want],
                )
                .await
                .expect("pg_stat_ssl")
                .get(0);
            n
        }
    };
    for (query, tls) in [
        ("sslmode=disable", false),
        ("sslmode=require", true),
        ("", true), // lib/pq's default is require
        ("sslmode=prefer", true),
        (&format!("sslmode=verify-ca&sslrootcert={ca}") as &str, true),
        (
            &format!("sslmode=verify-full&sslrootcert={ca}") as &str,
            true,
        ),
    ] {
        let conn = if query.is_empty() {
            base.clone()
        } else {
            format!("{base}?{query}")
        };
        let d = SqlDriver::connect(&conn, "default")
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(
            encrypted(tls).await,
            1,
            "{query}: one connection, TLS={tls}"
        );
        drop(d);
        // The dropped connection leaves pg_stat_activity asynchronously.
        for _ in 0..100 {
            if encrypted(tls).await == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // The key=value form, with the host name checked against the certificate.
    let kv = format!(
        "host=localhost port={} user=postgres dbname={db} sslmode=verify-full sslrootcert={ca}",
        url.split(':')
            .nth(2)
            .and_then(|s| s.split('/').next())
            .expect("port")
    );
    SqlDriver::connect(&kv, "default")
        .await
        .expect("key=value verify-full");
    // A self-signed server fails verification against the system roots.
    let err = SqlDriver::connect(&format!("{base}?sslmode=verify-full"), "default")
        .await
        .expect_err("unknown issuer");
    assert!(err.to_string().contains("certificate"), "{err}");
    let err = SqlDriver::connect(&format!("{base}?sslmode=bogus"), "default")
        .await
        .expect_err("bad sslmode");
    assert!(err.to_string().contains("unsupported sslmode"), "{err}");
}

/// A server that accepts connections and never answers: every try hits its deadline, the
/// driver gives up with a timeout error instead of hanging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_server_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let held = tokio::spawn(async move {
        let mut conns = Vec::new();
        while let Ok((c, _)) = listener.accept().await {
            conns.push(c); // never read, never answered
        }
    });
    let retry = Arc::new(Retry {
        attempts: 3,
        base: Duration::from_millis(10),
        ..Retry::default()
    });
    let err = SqlDriver::connect_with(
        &format!("postgres://u@127.0.0.1:{port}/db?sslmode=disable"),
        "default",
        retry.clone(),
        Duration::from_millis(300),
    )
    .await
    .expect_err("no answer");
    assert!(matches!(err, StorageError::SqlTimeout(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "sql: no answer from PostgreSQL within 300ms"
    );
    assert_eq!(retry.stats.snapshot(), (1, 2, 1));
    held.abort();
}
