//! An operation lock per release, so two capstan processes cannot change one release at once.
//!
//! The lock is a `coordination.k8s.io/v1` Lease named `capstan-release-lock.NAME` in the
//! release namespace, holding the holder's identity, a duration and a renew time. A Lease
//! whose renew time plus duration has passed belongs to an operation that died and may be
//! taken over; taking over and releasing are conditional on the Lease's resourceVersion, so
//! of two racing processes exactly one wins. Helm itself takes no lock: this protects capstan
//! against capstan, and [`crate::Storage::check_not_pending`] still reports a release that a
//! helm operation left `pending-*`.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{DeleteParams, ObjectMeta, PostParams, Preconditions};
use kube::{Api, Client};

use crate::driver::StorageError;

/// Errors of the release lock.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live holder has the lock.
    #[error("release {release} is locked by {holder} (another operation is in progress)")]
    Held {
        /// Release name.
        release: String,
        /// Current holder.
        holder: String,
    },
    /// The API failed.
    #[error("release lock: {0}")]
    Kube(#[from] kube::Error),
}

impl From<LockError> for StorageError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Kube(k) => StorageError::Kube(k),
            LockError::Held { release, .. } => StorageError::PendingOperation {
                name: release,
                version: 0,
                status: "locked".into(),
            },
        }
    }
}

/// The Lease name for a release.
pub fn lock_name(release: &str) -> String {
    format!("capstan-release-lock.{release}")
}

/// A held lock; call [`ReleaseLock::release`] when the operation ends (a lock that is never
/// released expires after its duration).
#[derive(Debug)]
pub struct ReleaseLock {
    api: Api<Lease>,
    name: String,
    resource_version: Option<String>,
    lease: Lease,
    /// When the lock was taken over from a holder whose Lease had expired (an operation
    /// that died), that holder's identity: the caller may treat a `pending-*` revision left
    /// behind as stale.
    pub taken_over_from: Option<String>,
}

pub(crate) fn expired(lease: &Lease, now: Timestamp) -> bool {
    let Some(spec) = &lease.spec else {
        return true;
    };
    let secs = i64::from(spec.lease_duration_seconds.unwrap_or(0));
    let renewed = spec
        .renew_time
        .as_ref()
        .or(spec.acquire_time.as_ref())
        .map(|t| t.0);
    match renewed {
        Some(t) => t
            .checked_add(SignedDuration::from_secs(secs))
            .map(|end| end < now)
            .unwrap_or(true),
        None => true,
    }
}

impl ReleaseLock {
    /// Takes the lock for `release`, or fails with [`LockError::Held`] when a live holder has it.
    pub async fn acquire(
        client: Client,
        namespace: &str,
        release: &str,
        holder: &str,
        duration: Duration,
    ) -> Result<ReleaseLock, LockError> {
        Self::acquire_unless_alive(client, namespace, release, holder, duration, &|_| false).await
    }

    /// [`Self::acquire`], also taking over a live Lease whose holder `holder_gone` reports
    /// dead (e.g. a process on this machine that no longer exists), so a killed operation
    /// does not block the next one for the Lease's whole duration.
    pub async fn acquire_unless_alive(
        client: Client,
        namespace: &str,
        release: &str,
        holder: &str,
        duration: Duration,
        holder_gone: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<ReleaseLock, LockError> {
        let api: Api<Lease> = Api::namespaced(client, namespace);
        let name = lock_name(release);
        let now = Timestamp::now();
        let spec = LeaseSpec {
            holder_identity: Some(holder.to_owned()),
            lease_duration_seconds: Some(i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            ..LeaseSpec::default()
        };
        let mut lease = Lease {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                ..ObjectMeta::default()
            },
            spec: Some(spec),
        };
        match api.create(&PostParams::default(), &lease).await {
            Ok(created) => {
                return Ok(ReleaseLock {
                    api,
                    name,
                    resource_version: created.metadata.resource_version,
                    lease,
                    taken_over_from: None,
                })
            }
            Err(kube::Error::Api(s)) if s.code == 409 => {}
            Err(e) => return Err(e.into()),
        }
        let current = api.get(&name).await?;
        let current_holder = current
            .spec
            .as_ref()
            .and_then(|s| s.holder_identity.clone())
            .unwrap_or_default();
        if !expired(&current, now) && !holder_gone(&current_holder) {
            let holder = current
                .spec
                .and_then(|s| s.holder_identity)
                .unwrap_or_default();
            return Err(LockError::Held {
                release: release.to_owned(),
                holder,
            });
        }
        // Take over the dead holder's Lease; the resourceVersion makes this fail with 409 if
        // someone else took it over first.
        lease.metadata.resource_version = current.metadata.resource_version;
        let previous = current
            .spec
            .and_then(|s| s.holder_identity)
            .unwrap_or_default();
        match api.replace(&name, &PostParams::default(), &lease).await {
            Ok(taken) => Ok(ReleaseLock {
                api,
                name,
                resource_version: taken.metadata.resource_version,
                lease,
                taken_over_from: Some(previous),
            }),
            Err(kube::Error::Api(s)) if s.code == 409 => Err(LockError::Held {
                release: release.to_owned(),
                holder: "another process".into(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Renews the lock (a new renew time), so a long operation keeps it; fails with
    /// [`LockError::Held`] when another process took it over meanwhile.
    pub async fn renew(&mut self) -> Result<(), LockError> {
        let mut lease = self.lease.clone();
        lease.metadata.resource_version = self.resource_version.clone();
        if let Some(spec) = lease.spec.as_mut() {
            spec.renew_time = Some(MicroTime(Timestamp::now()));
        }
        match self
            .api
            .replace(&self.name, &PostParams::default(), &lease)
            .await
        {
            Ok(l) => {
                self.resource_version = l.metadata.resource_version;
                Ok(())
            }
            Err(kube::Error::Api(s)) if s.code == 409 || s.code == 404 => Err(LockError::Held {
                release: self.name.clone(),
                holder: "another process".into(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Gives the lock up (only if still ours: a lock taken over after expiry is left alone).
    pub async fn release(self) -> Result<(), LockError> {
        let dp = DeleteParams {
            preconditions: Some(Preconditions {
                resource_version: self.resource_version,
                uid: None,
            }),
            ..DeleteParams::default()
        };
        match self.api.delete(&self.name, &dp).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 409 => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
