//! The driver interface: what Helm's `driver.Driver` does, async.

use std::collections::BTreeMap;
use std::future::Future;

use capstan_release::{CodecError, Release};

/// Labels Helm sets itself on a stored release; all others are the release's custom labels.
pub const SYSTEM_LABELS: [&str; 6] = [
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// Whether `key` is one of Helm's own storage labels.
pub fn is_system_label(key: &str) -> bool {
    SYSTEM_LABELS.contains(&key)
}

/// The storage key of a revision: `sh.helm.release.v1.NAME.vREV`.
pub fn release_key(name: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{name}.v{version}")
}

/// Errors from the storage drivers. The wording of the first three follows Helm's
/// `driver` package errors, which users see.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No such release (Helm's `ErrReleaseNotFound`).
    #[error("release: not found")]
    NotFound,
    /// The key is taken (Helm's `ErrReleaseExists`).
    #[error("release: already exists")]
    Exists,
    /// The last revision is `pending-*`: another operation runs, or died without finishing.
    #[error("another operation (install/upgrade/rollback) is in progress")]
    PendingOperation {
        /// Release name.
        name: String,
        /// The pending revision.
        version: i64,
        /// Its status (`pending-install`, `pending-upgrade`, `pending-rollback`).
        status: String,
    },
    /// The stored record could not be decoded or encoded.
    #[error("release {key}: {source}")]
    Codec {
        /// Storage key.
        key: String,
        /// What went wrong.
        source: CodecError,
    },
    /// A stored object lacks the `release` data.
    #[error("{key}: no release data in the stored object")]
    MissingData {
        /// Storage key.
        key: String,
    },
    /// `HELM_DRIVER` names no driver (Helm's wording).
    #[error("unknown driver {0:?}")]
    UnknownDriver(String),
    /// The driver exists in Helm but not yet in capstan.
    #[error("the {0} storage driver is not implemented yet")]
    Unsupported(&'static str),
    /// An update met a conflict (409) and the stored object is not our release record.
    #[error("release {key}: the stored record was changed by someone else (conflict)")]
    Conflict {
        /// Storage key.
        key: String,
    },
    /// A query named a label that is not a column (helm's SQL driver wording).
    #[error("unknown label {0}")]
    UnknownLabel(String),
    /// Bad input to a driver (connection string, out-of-range numbers).
    #[error("{0}")]
    Invalid(String),
    /// PostgreSQL did not answer in time (SQL driver), after every retry.
    #[error("sql: no answer from PostgreSQL within {0:?}")]
    SqlTimeout(std::time::Duration),
    /// PostgreSQL failed (SQL driver).
    #[error("sql: {}", sql_message(.0))]
    Sql(#[from] tokio_postgres::Error),
    /// The Kubernetes API failed.
    #[error("kubernetes API: {0}")]
    Kube(#[from] kube::Error),
}

/// A PostgreSQL error with its cause chain (the top-level text alone is often just
/// "db error").
fn sql_message(e: &tokio_postgres::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// One storage backend (Helm's `driver.Driver`). Queries match stored labels exactly;
/// a query with no match is [`StorageError::NotFound`], as in Helm.
pub trait Driver: Send + Sync {
    /// Helm's driver name (`Secret`, `ConfigMap`, `Memory`, `SQL`).
    fn name(&self) -> &'static str;

    /// Reads one revision.
    fn get(&self, key: &str) -> impl Future<Output = Result<Release, StorageError>> + Send;

    /// Every release revision stored in the driver's namespace.
    fn list(&self) -> impl Future<Output = Result<Vec<Release>, StorageError>> + Send;

    /// Revisions whose labels include all of `labels` (e.g. `name`, `status`).
    fn query(
        &self,
        labels: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<Vec<Release>, StorageError>> + Send;

    /// Stores a new revision; [`StorageError::Exists`] when the key is taken.
    fn create(
        &self,
        key: &str,
        rel: &Release,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;

    /// Replaces a stored revision.
    fn update(
        &self,
        key: &str,
        rel: &Release,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;

    /// Removes a revision and returns it.
    fn delete(&self, key: &str) -> impl Future<Output = Result<Release, StorageError>> + Send;
}

/// The labels Helm puts on a stored revision: custom labels first, then the system ones.
pub(crate) fn storage_labels(rel: &Release, stamp: (&str, String)) -> BTreeMap<String, String> {
    let mut lbs = rel.labels.clone();
    lbs.insert(stamp.0.to_owned(), stamp.1);
    lbs.insert("name".into(), rel.name.clone());
    lbs.insert("owner".into(), "helm".into());
    lbs.insert("status".into(), rel.status_str().to_owned());
    lbs.insert("version".into(), rel.version.to_string());
    lbs
}

/// Custom labels of a stored object (system labels removed), as Helm fills `Release.Labels`.
pub(crate) fn custom_labels(lbs: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    lbs.iter()
        .filter(|(k, _)| !is_system_label(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Seconds since the Unix epoch, as Helm writes `createdAt` / `modifiedAt`.
pub(crate) fn unix_now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}
