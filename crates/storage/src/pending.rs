//! Recovery of a release whose last revision is `pending-*`: is the operation that wrote it
//! still running, or did it die? Helm answers neither and refuses to go on ("another
//! operation (install/upgrade/rollback) is in progress"); capstan decides from its lock.
//!
//! - lock held by a live holder → [`PendingState::Live`] (wait or give up);
//! - lock expired, or held by a process of this host that no longer exists →
//!   [`PendingState::Abandoned`] (the lifecycle may mark the revision `failed` and proceed);
//! - no lock at all: capstan always locks, so either a capstan that died released nothing
//!   and its Lease was removed, or helm (which takes no lock) is at work. A revision older
//!   than the caller's grace period is taken as abandoned; a younger one as
//!   [`PendingState::Live`] with no holder.

use std::time::Duration;

use capstan_release::{Release, Status};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::{Api, Client};

use crate::driver::{Driver, StorageError};
use crate::lock::{expired, lock_name, LockError};
use crate::Storage;

/// What the lock of a release says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// No lock.
    Free,
    /// Held and renewed in time.
    Held {
        /// Holder identity.
        holder: String,
    },
    /// Held, but not renewed within its duration: the holder died.
    Expired {
        /// Holder identity.
        holder: String,
    },
}

/// Whether the last revision of a release is pending, and if so whether its operation lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingState {
    /// No release, or its last revision is not `pending-*`.
    None,
    /// A live operation owns the pending revision; `holder` is `None` when no lock is held
    /// (helm, which takes none, or a capstan within the grace period).
    Live {
        /// The lock holder, if any.
        holder: Option<String>,
        /// The pending revision.
        revision: i64,
    },
    /// The operation that wrote the pending revision is dead.
    Abandoned {
        /// The pending revision.
        revision: i64,
        /// Its status (`pending-install`, `pending-upgrade`, `pending-rollback`).
        status: String,
    },
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".into())
}

/// This process's lock holder identity, `HOST/PID`, so a holder that died on this host can be
/// told from a live one even before its lock expires.
pub fn holder_identity() -> String {
    format!("{}/{}", hostname(), std::process::id())
}

/// Whether `holder` (an identity from [`holder_identity`]) is known to be gone: a process of
/// this host that no longer exists. Holders of other hosts are presumed alive.
pub fn holder_gone(holder: &str) -> bool {
    let Some((host, pid)) = holder.rsplit_once('/') else {
        return false;
    };
    match pid.parse::<u32>() {
        Ok(pid) if host == hostname() && std::path::Path::new("/proc/self").exists() => {
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        }
        _ => false,
    }
}

/// Reads the lock (Lease `capstan-release-lock.RELEASE`) of a release.
pub async fn lock_state(
    client: Client,
    namespace: &str,
    release: &str,
) -> Result<LockState, LockError> {
    let api: Api<Lease> = Api::namespaced(client, namespace);
    let Some(lease) = api.get_opt(&lock_name(release)).await? else {
        return Ok(LockState::Free);
    };
    let holder = lease
        .spec
        .as_ref()
        .and_then(|s| s.holder_identity.clone())
        .unwrap_or_default();
    Ok(if expired(&lease, Timestamp::now()) {
        LockState::Expired { holder }
    } else {
        LockState::Held { holder }
    })
}

/// Whether a revision was last written more than `grace` ago (unknown times count as old).
fn older_than(rel: &Release, grace: Duration) -> bool {
    let Some(t) = rel
        .info
        .as_ref()
        .and_then(|i| i.last_deployed.as_ref().or(i.first_deployed.as_ref()))
        .and_then(|s| s.parse::<Timestamp>().ok())
    else {
        return true;
    };
    let grace = SignedDuration::try_from(grace).unwrap_or(SignedDuration::MAX);
    t.checked_add(grace)
        .map(|end| end < Timestamp::now())
        .unwrap_or(false)
}

impl<D: Driver> Storage<D> {
    /// Whether `name`'s last revision is pending and whether its operation is dead, given the
    /// release's lock as [`lock_state`] (or the caller's own lock) reports it. With no lock, a
    /// pending revision older than `grace` is abandoned (see the module text).
    pub async fn pending_state(
        &self,
        name: &str,
        lock: &LockState,
        grace: Duration,
    ) -> Result<PendingState, StorageError> {
        let last = match self.last(name).await {
            Ok(l) => l,
            Err(StorageError::NotFound) => return Ok(PendingState::None),
            Err(e) => return Err(e),
        };
        if !last.status().is_some_and(Status::is_pending) {
            return Ok(PendingState::None);
        }
        let abandoned = PendingState::Abandoned {
            revision: last.version,
            status: last.status_str().to_owned(),
        };
        Ok(match lock {
            LockState::Expired { .. } => abandoned,
            LockState::Held { holder } if holder_gone(holder) => abandoned,
            LockState::Held { holder } => PendingState::Live {
                holder: Some(holder.clone()),
                revision: last.version,
            },
            LockState::Free if older_than(&last, grace) => abandoned,
            LockState::Free => PendingState::Live {
                holder: None,
                revision: last.version,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryDriver;
    use capstan_release::Info;

    fn rel(version: i64, status: Status, at: Option<String>) -> Release {
        Release {
            name: "a".into(),
            namespace: "default".into(),
            version,
            info: Some(Info {
                status: status.as_str().into(),
                last_deployed: at,
                ..Info::default()
            }),
            ..Release::default()
        }
    }

    #[tokio::test]
    async fn pending_states() {
        let s = Storage::new(MemoryDriver::new());
        let free = LockState::Free;
        let hour = Duration::from_secs(3600);
        assert_eq!(
            s.pending_state("a", &free, hour).await.expect("state"),
            PendingState::None
        );
        s.create(&rel(1, Status::Deployed, None)).await.expect("v1");
        assert_eq!(
            s.pending_state("a", &free, hour).await.expect("state"),
            PendingState::None
        );
        let now = Timestamp::now().to_string();
        s.create(&rel(2, Status::PendingUpgrade, Some(now)))
            .await
            .expect("v2");
        let me = LockState::Held {
            holder: holder_identity(),
        };
        assert_eq!(
            s.pending_state("a", &me, hour).await.expect("state"),
            PendingState::Live {
                holder: Some(holder_identity()),
                revision: 2
            }
        );
        let abandoned = PendingState::Abandoned {
            revision: 2,
            status: "pending-upgrade".into(),
        };
        let expired = LockState::Expired {
            holder: "elsewhere/1".into(),
        };
        assert_eq!(
            s.pending_state("a", &expired, hour).await.expect("state"),
            abandoned
        );
        // A pid far beyond pid_max on this host: that process is gone.
        let dead = LockState::Held {
            holder: format!("{}/4294967295", hostname()),
        };
        assert_eq!(
            s.pending_state("a", &dead, hour).await.expect("state"),
            abandoned
        );
        // Another host's holder is presumed alive.
        let remote = LockState::Held {
            holder: "other-host/4294967295".into(),
        };
        assert!(matches!(
            s.pending_state("a", &remote, hour).await.expect("state"),
            PendingState::Live { .. }
        ));
        // No lock: young → live (maybe helm at work), old → abandoned.
        assert_eq!(
            s.pending_state("a", &free, hour).await.expect("state"),
            PendingState::Live {
                holder: None,
                revision: 2
            }
        );
        assert_eq!(
            s.pending_state("a", &free, Duration::ZERO)
                .await
                .expect("state"),
            abandoned
        );
    }
}
