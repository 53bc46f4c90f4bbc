//! The ConfigMaps driver (`HELM_DRIVER=configmap`): one ConfigMap per revision, with the same
//! name, labels and encoded record as the Secrets driver (the record is a plain string value).

use std::collections::BTreeMap;

use capstan_release::{decode_release, encode_release, Release};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{DeleteParams, ListParams, ObjectMeta, PostParams};
use std::sync::Arc;

use capstan_kube::retry::Retry;
use kube::{Api, Client};

use crate::driver::{custom_labels, storage_labels, unix_now, Driver, StorageError};
use crate::secrets::{not_found, selector};

/// Releases stored as ConfigMaps in one namespace.
#[derive(Clone)]
pub struct ConfigMapsDriver {
    api: Api<ConfigMap>,
    retry: Arc<Retry>,
}

impl std::fmt::Debug for ConfigMapsDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigMapsDriver").finish_non_exhaustive()
    }
}

impl ConfigMapsDriver {
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

    fn object(key: &str, rel: &Release, stamp: (&str, String)) -> Result<ConfigMap, StorageError> {
        let data = encode_release(rel).map_err(|source| StorageError::Codec {
            key: key.to_owned(),
            source,
        })?;
        Ok(ConfigMap {
            metadata: ObjectMeta {
                name: Some(key.to_owned()),
                labels: Some(storage_labels(rel, stamp)),
                ..ObjectMeta::default()
            },
            data: Some(BTreeMap::from([("release".to_owned(), data)])),
            ..ConfigMap::default()
        })
    }
}

fn from_configmap(cm: &ConfigMap) -> Result<Release, StorageError> {
    let key = cm.metadata.name.clone().unwrap_or_default();
    let data = cm
        .data
        .as_ref()
        .and_then(|d| d.get("release"))
        .ok_or_else(|| StorageError::MissingData { key: key.clone() })?;
    let mut rel = decode_release(data).map_err(|source| StorageError::Codec { key, source })?;
    if let Some(lbs) = &cm.metadata.labels {
        rel.labels = custom_labels(lbs);
    }
    Ok(rel)
}

impl Driver for ConfigMapsDriver {
    fn name(&self) -> &'static str {
        "ConfigMap"
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let cm = self
            .retry
            .run(|| self.api.get(key))
            .await
            .map_err(not_found)?;
        from_configmap(&cm)
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        let lp = ListParams::default().labels("owner=helm");
        let list = self.retry.run(|| self.api.list(&lp)).await?;
        Ok(list
            .items
            .iter()
            .filter_map(|c| from_configmap(c).ok())
            .collect())
    }

    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let lp = ListParams::default().labels(&selector(labels));
        let list = self.retry.run(|| self.api.list(&lp)).await?;
        let found: Vec<Release> = list
            .items
            .iter()
            .filter_map(|c| from_configmap(c).ok())
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
