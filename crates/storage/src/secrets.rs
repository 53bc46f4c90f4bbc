//! The Secrets driver, Helm's default: one Secret of type `helm.sh/release.v1` per revision.

use std::collections::BTreeMap;

use capstan_release::{decode_release, encode_release, Release};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::ByteString;
use kube::api::{DeleteParams, ListParams, ObjectMeta, PostParams};
use kube::{Api, Client};

use crate::driver::{custom_labels, storage_labels, unix_now, Driver, StorageError};

/// The Secret type Helm gives release records.
pub const SECRET_TYPE: &str = "helm.sh/release.v1";

/// Releases stored as Secrets in one namespace.
#[derive(Clone)]
pub struct SecretsDriver {
    api: Api<Secret>,
}

impl std::fmt::Debug for SecretsDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsDriver").finish_non_exhaustive()
    }
}

impl SecretsDriver {
    /// A driver for the releases of `namespace`.
    pub fn new(client: Client, namespace: &str) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
        }
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
        let sec = self.api.get(key).await.map_err(not_found)?;
        from_secret(&sec)
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        let list = self
            .api
            .list(&ListParams::default().labels("owner=helm"))
            .await?;
        // Like Helm, a record that does not decode is skipped rather than failing the list.
        Ok(list
            .items
            .iter()
            .filter_map(|s| from_secret(s).ok())
            .collect())
    }

    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let list = self
            .api
            .list(&ListParams::default().labels(&selector(labels)))
            .await?;
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
        match self.api.create(&PostParams::default(), &obj).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 409 => Err(StorageError::Exists),
            Err(e) => Err(e.into()),
        }
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        // Helm replaces the whole Secret without a resourceVersion (an unconditional update);
        // concurrent writers are kept apart by the operation lock, not by this call.
        let obj = Self::object(key, rel, ("modifiedAt", unix_now()))?;
        self.api
            .replace(key, &PostParams::default(), &obj)
            .await
            .map_err(not_found)?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let rel = self.get(key).await?;
        self.api
            .delete(key, &DeleteParams::default())
            .await
            .map_err(not_found)?;
        Ok(rel)
    }
}
