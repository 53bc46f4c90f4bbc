//! The ConfigMaps driver (`HELM_DRIVER=configmap`): one ConfigMap per revision, with the same
//! name, labels and encoded record as the Secrets driver (the record is a plain string value).

use std::collections::BTreeMap;

use capstan_release::{decode_release, encode_release, Release};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{DeleteParams, ListParams, ObjectMeta, PostParams};
use kube::{Api, Client};

use crate::driver::{custom_labels, storage_labels, unix_now, Driver, StorageError};
use crate::secrets::{not_found, selector};

/// Releases stored as ConfigMaps in one namespace.
#[derive(Clone)]
pub struct ConfigMapsDriver {
    api: Api<ConfigMap>,
}

impl std::fmt::Debug for ConfigMapsDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigMapsDriver").finish_non_exhaustive()
    }
}

impl ConfigMapsDriver {
    /// A driver for the releases of `namespace`.
    pub fn new(client: Client, namespace: &str) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
        }
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
        let cm = self.api.get(key).await.map_err(not_found)?;
        from_configmap(&cm)
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        let list = self
            .api
            .list(&ListParams::default().labels("owner=helm"))
            .await?;
        Ok(list
            .items
            .iter()
            .filter_map(|c| from_configmap(c).ok())
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
            .filter_map(|c| from_configmap(c).ok())
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
