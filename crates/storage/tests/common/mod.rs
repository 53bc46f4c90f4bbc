//! PostgreSQL helpers for the SQL driver tests: the server comes from `CAPSTAN_TEST_POSTGRES`
//! (printed by scripts/start-services); each test gets a database of its own.

#![allow(dead_code)]

use tokio_postgres::NoTls;

/// The connection string of the test server; fails (never skips) when it is not set.
pub fn server_url() -> String {
    match std::env::var("CAPSTAN_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => u,
        _ => panic!(
            "CAPSTAN_TEST_POSTGRES is not set: the SQL driver tests need PostgreSQL. Run \
             `scripts/start-services` (after `apt-get install -y postgresql`) and export the \
             line it prints, or run the tests through scripts/test, which does both"
        ),
    }
}

/// The CA certificate of the test server's TLS (`CAPSTAN_TEST_POSTGRES_CA`); fails when unset.
pub fn test_ca() -> String {
    match std::env::var("CAPSTAN_TEST_POSTGRES_CA") {
        Ok(c) if !c.is_empty() => c,
        _ => panic!(
            "CAPSTAN_TEST_POSTGRES_CA is not set: run `scripts/start-services` (it needs \
             openssl, which the postgresql package brings) and export the lines it prints"
        ),
    }
}

/// `url` with its database replaced by `db` (URL form `postgres://...` or `key=value` form).
pub fn with_database(url: &str, db: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let query = rest.find('?').map(|i| &rest[i..]).unwrap_or("");
        let hostpart = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
        format!("{}{hostpart}/{db}{query}", &url[..scheme_end + 3])
    } else {
        format!("{url} dbname={db}")
    }
}

/// A connection to `url` whose driver task runs on the current runtime.
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!("cannot connect to {url}: {e} (is scripts/start-services running?)")
        });
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// An empty database for one test (dropped first if a previous run left it) and its URL.
pub async fn fresh_database(test: &str) -> String {
    let name: String = format!("capstan_t_{test}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(63)
        .collect();
    let admin = connect(&server_url()).await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop old test database");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    with_database(&server_url(), &name)
}

/// The stored `body` (encoded record) of a release row, decoded to the JSON helm wrote.
pub async fn body_of(url: &str, key: &str) -> Vec<u8> {
    let c = connect(url).await;
    let row = c
        .query_one(
            "SELECT body, type, owner FROM releases_v1 WHERE key = $1 AND namespace = 'default'",
            &[&key],
        )
        .await
        .expect("release row exists");
    assert_eq!(row.get::<_, &str>(1), "helm.sh/release.v1");
    assert_eq!(row.get::<_, &str>(2), "helm");
    capstan_release::codec::decode_release_json(row.get::<_, &str>(0))
        .expect("helm's record decodes")
}
