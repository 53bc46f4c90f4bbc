//! Helm's storage layer over a driver: history, last (deployed) revision, pruning.

use std::collections::BTreeMap;

use capstan_release::{Release, Status};

use crate::driver::{release_key, Driver, StorageError};

/// Release history operations on top of a [`Driver`], as Helm's `storage.Storage`.
#[derive(Debug)]
pub struct Storage<D> {
    driver: D,
    /// `--history-max`: revisions kept per release; 0 keeps all.
    pub max_history: usize,
}

fn by_name(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("name".to_owned(), name.to_owned()),
        ("owner".to_owned(), "helm".to_owned()),
    ])
}

impl<D: Driver> Storage<D> {
    /// Storage on `driver`, keeping every revision.
    pub fn new(driver: D) -> Self {
        Self {
            driver,
            max_history: 0,
        }
    }

    /// The driver underneath.
    pub fn driver(&self) -> &D {
        &self.driver
    }

    /// One revision.
    pub async fn get(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.get(&release_key(name, version)).await
    }

    /// Every revision of `name`, oldest first; [`StorageError::NotFound`] when none.
    pub async fn history(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        let mut h = self.driver.query(&by_name(name)).await?;
        h.sort_by_key(|r| r.version);
        Ok(h)
    }

    /// The newest revision, whatever its status.
    pub async fn last(&self, name: &str) -> Result<Release, StorageError> {
        self.history(name)
            .await?
            .pop()
            .ok_or(StorageError::NotFound)
    }

    /// The newest revision with status `deployed`.
    pub async fn deployed(&self, name: &str) -> Result<Release, StorageError> {
        let mut q = by_name(name);
        q.insert("status".into(), Status::Deployed.as_str().into());
        let h = self.driver.query(&q).await?;
        h.into_iter()
            .max_by_key(|r| r.version)
            .ok_or(StorageError::NotFound)
    }

    /// Fails with [`StorageError::PendingOperation`] when the newest revision is
    /// `pending-*`. Helm refuses to upgrade or roll back such a release ("another operation
    /// (install/upgrade/rollback) is in progress"); the caller decides whether the pending
    /// revision belongs to an operation that died (see docs/storage.md).
    pub async fn check_not_pending(&self, name: &str) -> Result<(), StorageError> {
        match self.last(name).await {
            Ok(last) if last.status().is_some_and(Status::is_pending) => {
                Err(StorageError::PendingOperation {
                    name: name.to_owned(),
                    version: last.version,
                    status: last.status_str().to_owned(),
                })
            }
            Ok(_) | Err(StorageError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Stores a new revision, first pruning history down to `max_history - 1` revisions
    /// (never the last deployed one), as Helm's `Storage.Create` does.
    pub async fn create(&self, rel: &Release) -> Result<(), StorageError> {
        self.create_pruned(rel, self.max_history).await
    }

    /// [`Self::create`] with an explicit `--history-max` (0 keeps everything), for callers
    /// that share one `Storage` between actions with different limits.
    pub async fn create_pruned(
        &self,
        rel: &Release,
        max_history: usize,
    ) -> Result<(), StorageError> {
        if max_history > 0 {
            self.remove_least_recent(&rel.name, max_history - 1).await?;
        }
        self.driver
            .create(&release_key(&rel.name, rel.version), rel)
            .await
    }

    /// Replaces a stored revision.
    pub async fn update(&self, rel: &Release) -> Result<(), StorageError> {
        self.driver
            .update(&release_key(&rel.name, rel.version), rel)
            .await
    }

    /// Deletes one revision.
    pub async fn delete(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.delete(&release_key(name, version)).await
    }

    /// Deletes the oldest revisions until at most `maximum` remain, keeping the last
    /// deployed revision whatever its age.
    async fn remove_least_recent(&self, name: &str, maximum: usize) -> Result<(), StorageError> {
        let history = match self.history(name).await {
            Ok(h) => h,
            Err(StorageError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        };
        if history.len() <= maximum {
            return Ok(());
        }
        let keep = match self.deployed(name).await {
            Ok(d) => Some(d.version),
            Err(StorageError::NotFound) => None,
            Err(e) => return Err(e),
        };
        let mut doomed = Vec::new();
        for rel in &history {
            if history.len() - doomed.len() <= maximum {
                break;
            }
            if Some(rel.version) != keep {
                doomed.push(rel.version);
            }
        }
        for v in doomed {
            self.delete(name, v).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryDriver;
    use capstan_release::Info;

    fn rel(name: &str, version: i64, status: Status) -> Release {
        Release {
            name: name.into(),
            version,
            namespace: "default".into(),
            info: Some(Info {
                status: status.as_str().into(),
                ..Info::default()
            }),
            ..Release::default()
        }
    }

    #[tokio::test]
    async fn history_last_and_deployed() {
        let s = Storage::new(MemoryDriver::new());
        assert!(matches!(s.last("a").await, Err(StorageError::NotFound)));
        s.create(&rel("a", 1, Status::Superseded))
            .await
            .expect("create");
        s.create(&rel("a", 2, Status::Deployed))
            .await
            .expect("create");
        s.create(&rel("a", 3, Status::Failed))
            .await
            .expect("create");
        s.create(&rel("b", 1, Status::Deployed))
            .await
            .expect("create");
        let h = s.history("a").await.expect("history");
        assert_eq!(h.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(s.last("a").await.expect("last").version, 3);
        assert_eq!(s.deployed("a").await.expect("deployed").version, 2);
        assert!(matches!(
            s.create(&rel("a", 3, Status::Failed)).await,
            Err(StorageError::Exists)
        ));
    }

    #[tokio::test]
    async fn pruning_keeps_last_deployed() {
        let mut s = Storage::new(MemoryDriver::new());
        s.create(&rel("a", 1, Status::Deployed))
            .await
            .expect("create");
        for v in 2..=4 {
            s.create(&rel("a", v, Status::Failed))
                .await
                .expect("create");
        }
        s.max_history = 3;
        s.create(&rel("a", 5, Status::Failed))
            .await
            .expect("create");
        let h = s.history("a").await.expect("history");
        // Revision 1 is the last deployed one, so 2 and 3 go instead.
        assert_eq!(h.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 4, 5]);
    }

    #[tokio::test]
    async fn pending_release_is_detected() {
        let s = Storage::new(MemoryDriver::new());
        s.check_not_pending("a")
            .await
            .expect("no release, nothing pending");
        s.create(&rel("a", 1, Status::Deployed))
            .await
            .expect("create");
        s.check_not_pending("a")
            .await
            .expect("deployed is not pending");
        s.create(&rel("a", 2, Status::PendingUpgrade))
            .await
            .expect("create");
        match s.check_not_pending("a").await {
            Err(StorageError::PendingOperation {
                version, status, ..
            }) => {
                assert_eq!((version, status.as_str()), (2, "pending-upgrade"));
            }
            other => panic!("expected a pending operation, got {other:?}"),
        }
    }
}
