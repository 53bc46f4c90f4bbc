//! The SQL driver (`HELM_DRIVER=sql`): releases in PostgreSQL with helm's schema and queries.
//!
//! Table `releases_v1` holds one row per revision: `key` (`sh.helm.release.v1.NAME.vREV`),
//! `type` (`helm.sh/release.v1`), `body` (the encoded record, as in a Secret), `name`,
//! `namespace`, `version`, `status`, `owner` (`helm`), `createdAt` and `modifiedAt` (Unix
//! seconds); custom labels are rows of `custom_labels_v1`. Connections come from a
//! connection string as helm reads `HELM_DRIVER_SQL_CONNECTION_STRING` (URL or `key=value`
//! form) with lib/pq's `sslmode` meanings (see [`tls`]).
//!
//! Every statement runs through a retry loop: a broken connection (PostgreSQL restarted, the
//! network dropped) or a transient server answer (shutdown, serialization failure) drops the
//! connection, backs off, reconnects and tries again, counting in the shared
//! [`Retry`] counters. Writes are safe to repeat: a create whose commit answer was lost
//! finds its own identical row, an update is idempotent, and a delete reads the revision
//! before removing it.

mod schema;
pub mod tls;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use capstan_kube::retry::Retry;
use capstan_release::{decode_release, encode_release, Release};
use tokio::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config};

use crate::driver::{is_system_label, StorageError};
use crate::Driver;

pub use schema::{MIGRATIONS, MIGRATIONS_TABLE_DDL};

/// The environment variable helm reads the connection string from.
pub const CONNECTION_STRING_ENV: &str = "HELM_DRIVER_SQL_CONNECTION_STRING";

const TYPE: &str = "helm.sh/release.v1";
const OWNER: &str = "helm";
/// The labels helm's SQL driver can query: they are columns of `releases_v1`.
const QUERY_COLUMNS: [&str; 6] = [
    "modifiedAt",
    "createdAt",
    "version",
    "status",
    "owner",
    "name",
];

/// A query parameter, owned so each retry can rebuild its statement.
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Int(i32),
}

impl Param {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Param::Text(s) => s,
            Param::Int(i) => i,
        }
    }
}

/// How long one try of an operation (connecting included) may take.
const ATTEMPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

type Op<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// Releases in a PostgreSQL database shared with helm.
pub struct SqlDriver {
    config: Config,
    /// TLS as the connection string's `sslmode` asks (not used with `disable`).
    tls: tokio_postgres_rustls::MakeRustlsConnect,
    /// Release namespace; empty lists every namespace (as `helm list -A`).
    namespace: String,
    /// One connection, held for a whole operation (transactions need it exclusively);
    /// `None` after a failure, so the next try reconnects.
    conn: Mutex<Option<Client>>,
    retry: Arc<Retry>,
    /// Deadline of one try.
    attempt_timeout: std::time::Duration,
}

impl std::fmt::Debug for SqlDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlDriver")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

/// Whether a PostgreSQL error is worth another try on a new connection.
fn transient(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        // 08: connection exceptions; 57P01-03: the server shuts down or is starting;
        // 40001/40P01: serialization failure, deadlock (the transaction was rolled back).
        Some(c) => {
            let s = c.code();
            s.starts_with("08") || matches!(s, "57P01" | "57P02" | "57P03" | "40001" | "40P01")
        }
        // No SQLSTATE: a broken or refused connection is transient; a TLS failure
        // (certificate, handshake: `InvalidData`) or a protocol error is not.
        None => {
            use std::io::ErrorKind as K;
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                if let Some(io) = s.downcast_ref::<std::io::Error>() {
                    return matches!(
                        io.kind(),
                        K::ConnectionRefused
                            | K::ConnectionReset
                            | K::ConnectionAborted
                            | K::NotConnected
                            | K::BrokenPipe
                            | K::UnexpectedEof
                            | K::TimedOut
                            | K::AddrNotAvailable
                    );
                }
                src = s.source();
            }
            false
        }
    }
}

fn unix_secs() -> i32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
        .unwrap_or(0)
}

fn version_i32(key: &str, v: i64) -> Result<i32, StorageError> {
    i32::try_from(v).map_err(|_| StorageError::Invalid(format!("{key}: version {v} out of range")))
}

/// The row namespace of a release: helm writes `default` for an empty one.
fn row_namespace(rel: &Release) -> String {
    if rel.namespace.is_empty() {
        "default".to_owned()
    } else {
        rel.namespace.clone()
    }
}

fn encode(key: &str, rel: &Release) -> Result<String, StorageError> {
    encode_release(rel).map_err(|source| StorageError::Codec {
        key: key.to_owned(),
        source,
    })
}

fn decode(key: &str, body: &str) -> Result<Release, StorageError> {
    decode_release(body).map_err(|source| StorageError::Codec {
        key: key.to_owned(),
        source,
    })
}

async fn custom_labels(
    c: &Client,
    key: &str,
    namespace: &str,
) -> Result<BTreeMap<String, String>, StorageError> {
    let rows = c
        .query(
            "SELECT key, value FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
            &[&key, &namespace],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get::<_, Option<String>>(0).unwrap_or_default(),
                r.get::<_, Option<String>>(1).unwrap_or_default(),
            )
        })
        .filter(|(k, _)| !is_system_label(k))
        .collect())
}

/// Decodes `(key, namespace, body)` rows, skipping records that do not decode (as helm),
/// and restores their custom labels.
async fn releases(c: &Client, rows: &[tokio_postgres::Row]) -> Result<Vec<Release>, StorageError> {
    let mut out = Vec::new();
    for row in rows {
        let key: String = row.get(0);
        let ns: String = row.get(1);
        let body: String = row.get(2);
        let Ok(mut rel) = decode(&key, &body) else {
            continue;
        };
        rel.labels = custom_labels(c, &key, &ns).await?;
        out.push(rel);
    }
    Ok(out)
}

impl SqlDriver {
    /// Connects with `connection` (helm's `HELM_DRIVER_SQL_CONNECTION_STRING`) and creates
    /// or completes helm's schema; `namespace` empty means all namespaces.
    pub async fn connect(connection: &str, namespace: &str) -> Result<SqlDriver, StorageError> {
        Self::connect_with_retry(connection, namespace, Arc::new(Retry::default())).await
    }

    /// As [`SqlDriver::connect`], counting every statement in `retry`'s counters.
    pub async fn connect_with_retry(
        connection: &str,
        namespace: &str,
        retry: Arc<Retry>,
    ) -> Result<SqlDriver, StorageError> {
        Self::connect_with(connection, namespace, retry, ATTEMPT_TIMEOUT).await
    }

    /// As [`SqlDriver::connect_with_retry`], with the deadline of each try (connecting
    /// included; 30 s by default) after which a silent server counts as a transient failure.
    pub async fn connect_with(
        connection: &str,
        namespace: &str,
        retry: Arc<Retry>,
        attempt_timeout: std::time::Duration,
    ) -> Result<SqlDriver, StorageError> {
        let (rest, tls_opts) = tls::split(connection)?;
        let mut config: Config = rest
            .parse()
            .map_err(|e| StorageError::Invalid(format!("{CONNECTION_STRING_ENV}: {e}")))?;
        config.ssl_mode(tls_opts.mode);
        let driver = SqlDriver {
            config,
            tls: tls::connector(&tls_opts)?,
            namespace: namespace.to_owned(),
            conn: Mutex::new(None),
            retry,
            attempt_timeout,
        };
        driver
            .run(|c| Box::pin(async move { Ok(schema::ensure(c).await?) }))
            .await?;
        Ok(driver)
    }

    /// The driver for `namespace` with the connection string from
    /// `HELM_DRIVER_SQL_CONNECTION_STRING`.
    pub async fn from_env(namespace: &str) -> Result<SqlDriver, StorageError> {
        let conn = std::env::var(CONNECTION_STRING_ENV).unwrap_or_default();
        Self::connect(&conn, namespace).await
    }

    /// The retry policy and its counters.
    pub fn retry(&self) -> &Retry {
        &self.retry
    }

    /// Runs `op` on the connection, reconnecting and retrying after transient failures.
    async fn run<T>(
        &self,
        op: impl for<'a> Fn(&'a mut Client) -> Op<'a, T>,
    ) -> Result<T, StorageError> {
        let stats = &self.retry.stats;
        stats.attempted.fetch_add(1, Ordering::Relaxed);
        let mut delay = self.retry.base;
        let mut tries = 1;
        let mut guard = self.conn.lock().await;
        loop {
            // A server that stops answering (a network partition) must not hang the
            // operation: each try, connecting included, has a deadline, after which the
            // connection is dropped and the try counts as a transient failure.
            let attempt = async {
                match guard.as_mut() {
                    Some(c) if !c.is_closed() => op(c).await,
                    _ => match self.config.connect(self.tls.clone()).await {
                        Ok((client, connection)) => {
                            // The connection task ends when the client is dropped or the
                            // server goes away; its error then shows up on the next statement.
                            tokio::spawn(async move {
                                let _ = connection.await;
                            });
                            op(guard.insert(client)).await
                        }
                        Err(e) => Err(StorageError::Sql(e)),
                    },
                }
            };
            let result = match tokio::time::timeout(self.attempt_timeout, attempt).await {
                Ok(r) => r,
                Err(_) => Err(StorageError::SqlTimeout(self.attempt_timeout)),
            };
            let retryable = match &result {
                Err(StorageError::Sql(e)) => transient(e),
                Err(StorageError::SqlTimeout(_)) => true,
                _ => false,
            };
            match result {
                Err(_) if retryable && tries < self.retry.attempts.max(1) => {
                    *guard = None;
                    stats.retried.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max_delay);
                    tries += 1;
                }
                Err(e @ (StorageError::Sql(_) | StorageError::SqlTimeout(_))) => {
                    *guard = None;
                    stats.failed.fetch_add(1, Ordering::Relaxed);
                    return Err(e);
                }
                other => return other,
            }
        }
    }
}

impl Driver for SqlDriver {
    fn name(&self) -> &'static str {
        "SQL"
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let ns = self.namespace.clone();
        self.run(|c| {
            let (key, ns) = (key.to_owned(), ns.clone());
            Box::pin(async move {
                let row = c
                    .query_opt(
                        "SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2",
                        &[&key, &ns],
                    )
                    .await?
                    .ok_or(StorageError::NotFound)?;
                let mut rel = decode(&key, row.get(0))?;
                rel.labels = custom_labels(c, &key, &ns).await?;
                Ok(rel)
            })
        })
        .await
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        let ns = self.namespace.clone();
        self.run(|c| {
            let ns = ns.clone();
            Box::pin(async move {
                let rows = if ns.is_empty() {
                    c.query(
                        "SELECT key, namespace, body FROM releases_v1 WHERE owner = $1",
                        &[&OWNER],
                    )
                    .await?
                } else {
                    c.query(
                        "SELECT key, namespace, body FROM releases_v1 WHERE owner = $1 AND namespace = $2",
                        &[&OWNER, &ns],
                    )
                    .await?
                };
                let mut rels = releases(c, &rows).await?;
                // helm's List adds the system labels back (its filters look at them).
                for rel in &mut rels {
                    rel.labels.insert("name".into(), rel.name.clone());
                    rel.labels.insert("owner".into(), OWNER.into());
                    rel.labels.insert("status".into(), rel.status_str().to_owned());
                    rel.labels.insert("version".into(), rel.version.to_string());
                }
                Ok(rels)
            })
        })
        .await
    }

    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        // Only the columns can be queried (helm's error otherwise); integer columns take
        // integers.
        let mut clauses = Vec::new();
        let mut params = Vec::new();
        for (k, v) in labels {
            if !QUERY_COLUMNS.contains(&k.as_str()) {
                return Err(StorageError::UnknownLabel(k.clone()));
            }
            params.push(match k.as_str() {
                "version" | "createdAt" | "modifiedAt" => Param::Int(v.parse().map_err(|_| {
                    StorageError::Invalid(format!("label {k}: {v:?} is not an integer"))
                })?),
                _ => Param::Text(v.clone()),
            });
            clauses.push(format!("{k} = ${}", params.len()));
        }
        if !self.namespace.is_empty() {
            params.push(Param::Text(self.namespace.clone()));
            clauses.push(format!("namespace = ${}", params.len()));
        }
        let mut sql = "SELECT key, namespace, body FROM releases_v1".to_owned();
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        let found = self
            .run(|c| {
                let (sql, params) = (sql.clone(), params.clone());
                Box::pin(async move {
                    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(Param::as_sql).collect();
                    let rows = c.query(sql.as_str(), &refs).await?;
                    releases(c, &rows).await
                })
            })
            .await?;
        if found.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(found)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let body = encode(key, rel)?;
        let ns = row_namespace(rel);
        let version = version_i32(key, rel.version)?;
        let status = rel.status_str().to_owned();
        let labels: Vec<(String, String)> = rel
            .labels
            .iter()
            .filter(|(k, _)| !is_system_label(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.run(|c| {
            let (key, body, ns, status, labels, name) = (
                key.to_owned(),
                body.clone(),
                ns.clone(),
                status.clone(),
                labels.clone(),
                rel.name.clone(),
            );
            Box::pin(async move {
                let tx = c.transaction().await?;
                let inserted = tx
                    .execute(
                        "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdAt) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[&key, &TYPE, &body, &name, &ns, &version, &status, &OWNER, &unix_secs()],
                    )
                    .await;
                if let Err(e) = inserted {
                    if e.code() != Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
                        return Err(e.into());
                    }
                    drop(tx);
                    // The key is taken. A retried create whose first commit landed (its
                    // answer lost) finds its own row: the encoding is deterministic.
                    let row = c
                        .query_opt(
                            "SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2",
                            &[&key, &ns],
                        )
                        .await?;
                    return match row {
                        Some(r) if r.get::<_, &str>(0) == body.as_str() => Ok(()),
                        _ => Err(StorageError::Exists),
                    };
                }
                for (k, v) in &labels {
                    tx.execute(
                        "INSERT INTO custom_labels_v1 (releaseKey, releaseNamespace, key, value) VALUES ($1, $2, $3, $4)",
                        &[&key, &ns, k, v],
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            })
        })
        .await
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let body = encode(key, rel)?;
        let ns = row_namespace(rel);
        let version = version_i32(key, rel.version)?;
        let status = rel.status_str().to_owned();
        let n = self
            .run(|c| {
                let (key, body, ns, status, name) = (
                    key.to_owned(),
                    body.clone(),
                    ns.clone(),
                    status.clone(),
                    rel.name.clone(),
                );
                Box::pin(async move {
                    Ok(c.execute(
                        "UPDATE releases_v1 SET body = $1, name = $2, version = $3, status = $4, owner = $5, modifiedAt = $6 \
                         WHERE key = $7 AND namespace = $8",
                        &[&body, &name, &version, &status, &OWNER, &unix_secs(), &key, &ns],
                    )
                    .await?)
                })
            })
            .await?;
        // helm ignores a missing row; capstan's drivers report it, as Secrets/ConfigMaps do.
        if n == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        // Read first: a retried delete whose first commit landed still returns the release.
        let rel = self.get(key).await?;
        self.run(|c| {
            let (key, ns) = (key.to_owned(), self.namespace.clone());
            Box::pin(async move {
                let tx = c.transaction().await?;
                tx.execute(
                    "DELETE FROM releases_v1 WHERE key = $1 AND namespace = $2",
                    &[&key, &ns],
                )
                .await?;
                tx.execute(
                    "DELETE FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
                    &[&key, &ns],
                )
                .await?;
                tx.commit().await?;
                Ok(())
            })
        })
        .await?;
        Ok(rel)
    }
}
