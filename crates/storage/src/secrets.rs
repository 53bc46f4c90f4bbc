//! The Secrets driver, Helm's default: one Secret of type `helm.sh/release.v1` per revision.

use std::collections::BTreeMap;

use capstan_release::{decode_release, encode_release, Release};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::ByteString;
use kube::api::{DeleteParams, ListParams, ObjectMeta, PostParams};
use std::sync::Arc;

use capstan_kube::retry::Retry;
use kube::{Api, Client};

use crate::driver::{custom_labels, storage_labels, unix_now, Driver, StorageError};

/// The Secret type Helm gives release records.
pub const SECRET_TYPE: &str = "helm.sh/release.v1";

/// Releases stored as Secrets in one namespace.
#[derive(Clone)]
pub struct SecretsDriver {
    api: Api<Secret>,
    retry: Arc<Retry>,
}

impl std::fmt::Debug for SecretsDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsDriver").finish_non_exhaustive()
    }
}

impl SecretsDriver {
    /// A driver for the releases of `namespace`.
    pub fn new(client: Client, namespace: &str) -> Self {
        Self::with_retry(client, namespace, Arc::new(Retry::default()))
    }

    /// A driver whose API calls retry transient failures with `retry` (whose counters
    /// then include them).
    pub fn with_retry(client: Client, namespace: &str, retry: Arc<Retry>) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            retry,
        }
    }

    /// The retry policy and its counters.
    pub fn retry(&self) -> &Retry {
        &self.retry
    }

    fn object(key: &str, rel: &Release, stamp: (&str, String)) -> Result<Secret, StorageError> {
        let data = encode_release(rel).map_err(|source| StorageError::Codec {
            key: key.to_owned(),
            source,
        })?;
        Ok(Secret {
            metadata: ObjectMeta {
                name: Some(key.to_owned()),
                labels: Some(storage_labels(rel, stamp)),
                ..ObjectMeta::default()
            },
            type_: Some(SECRET_TYPE.to_owned()),
            data: Some(BTreeMap::from([(
                "release".to_owned(),
                ByteString(data.into_bytes()),
            )])),
            ..Secret::default()
        })
    }
}

/// Decodes the release of a stored Secret and restores its custom labels.
fn from_secret(sec: &Secret) -> Result<Release, StorageError> {
    let key = sec.metadata.name.clone().unwrap_or_default();
    let data = sec
        .data
        .as_ref()
        .and_then(|d| d.get("release"))
        .ok_or_else(|| StorageError::MissingData { key: key.clone() })?;
    let text = String::from_utf8_lossy(&data.0);
    let mut rel = decode_release(&text).map_err(|source| StorageError::Codec { key, source })?;
    if let Some(lbs) = &sec.metadata.labels {
        rel.labels = custom_labels(lbs);
    }
    Ok(rel)
}

pub(crate) fn not_found(e: kube::Error) -> StorageError {
    match &e {
        kube::Error::Api(s) if s.code == 404 => StorageError::NotFound,
        _ => StorageError::Kube(e),
    }
}

pub(crate) fn selector(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Driver for SecretsDriver {
    fn name(&self) -> &'static str {
        "Secret"
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let sec = self
            .retry
            .run(|| self.api.get(key))
            .await
            .map_err(not_found)?;
        from_secret(&sec)
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        let lp = ListParams::default().labels("owner=helm");
        let list = self.retry.run(|| self.api.list(&lp)).await?;
        // Like Helm, a record that does not decode is skipped rather than failing the list.
        Ok(list
            .items
            .iter()
            .filter_map(|s| from_secret(s).ok())
            .collect())
    }

    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let lp = ListParams::default().labels(&selector(labels));
        let list = self.retry.run(|| self.api.list(&lp)).await?;
        let found: Vec<Release> = list
            .items
            .iter()
            .filter_map(|s| from_secret(s).ok())
            .collect();
        if found.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(found)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let obj = Self::object(key, rel, ("createdAt", unix_now()))?;
        let pp = PostParams::default();
        match self.retry.run(|| self.api.create(&pp, &obj)).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 409 => {
                // A retried create whose first attempt landed (the answer was lost) finds
                // its own object: the encoding is deterministic, so compare the data.
                let existing = self.retry.run(|| self.api.get(key)).await?;
                if existing.data == obj.data {
                    Ok(())
                } else {
                    Err(StorageError::Exists)
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        // Helm replaces the whole Secret without a resourceVersion (an unconditional update);
        // concurrent writers are kept apart by the operation lock, not by this call.
        let obj = Self::object(key, rel, ("modifiedAt", unix_now()))?;
        crate::conflict::replace_record(&self.api, &self.retry, key, &obj, &rel.name, rel.version)
            .await
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let rel = self.get(key).await?;
        let dp = DeleteParams::default();
        match self.retry.run(|| self.api.delete(key, &dp)).await {
            // Gone between our read and the delete (or a retried delete whose first attempt
            // landed): the revision is deleted either way.
            Ok(_) => Ok(rel),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(rel),
            Err(e) => Err(e.into()),
        }
    }
}
