//! The memory driver (Helm's `HELM_DRIVER=memory`): the same records and labels, kept in a map.

use std::collections::BTreeMap;
use std::sync::Mutex;

use capstan_release::Release;

use crate::driver::{storage_labels, unix_now, Driver, StorageError};

/// Stored records by key: the object labels and the release.
type Records = BTreeMap<String, (BTreeMap<String, String>, Release)>;

/// Releases kept in memory, with the labels the Secrets driver would store.
#[derive(Debug, Default)]
pub struct MemoryDriver {
    records: Mutex<Records>,
}

impl MemoryDriver {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Records) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-operation; the map itself
        // is always consistent (every change is a single insert or remove).
        let mut guard = self.records.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
}

impl Driver for MemoryDriver {
    fn name(&self) -> &'static str {
        "Memory"
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        self.with(|m| {
            m.get(key)
                .map(|(_, r)| r.clone())
                .ok_or(StorageError::NotFound)
        })
    }

    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        Ok(self.with(|m| m.values().map(|(_, r)| r.clone()).collect()))
    }

    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let found: Vec<Release> = self.with(|m| {
            m.values()
                .filter(|(lbs, _)| labels.iter().all(|(k, v)| lbs.get(k) == Some(v)))
                .map(|(_, r)| r.clone())
                .collect()
        });
        if found.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(found)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let lbs = storage_labels(rel, ("createdAt", unix_now()));
        self.with(|m| {
            if m.contains_key(key) {
                return Err(StorageError::Exists);
            }
            m.insert(key.to_owned(), (lbs, rel.clone()));
            Ok(())
        })
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let lbs = storage_labels(rel, ("modifiedAt", unix_now()));
        self.with(|m| match m.get_mut(key) {
            Some(slot) => {
                *slot = (lbs, rel.clone());
                Ok(())
            }
            None => Err(StorageError::NotFound),
        })
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        self.with(|m| m.remove(key).map(|(_, r)| r).ok_or(StorageError::NotFound))
    }
}
