//! The operation lock as the lifecycle uses it: keeps two capstan processes off one release,
//! and tells a `pending-*` revision left by a dead capstan (its lock expired) from one that
//! a live operation (or helm, which takes no lock) owns.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use capstan_storage::{LockError, ReleaseLock};

use crate::error::LifecycleError;

/// Where locks live.
pub enum Locks {
    /// No locking: a `pending-*` revision always blocks upgrades, as in helm.
    Off,
    /// Leases in the cluster (`capstan-release-lock.NAME`), as `capstan_storage::ReleaseLock`.
    Lease {
        /// API client.
        client: kube::Client,
        /// This process's identity (host and pid).
        holder: String,
        /// How long a lock outlives its last renewal.
        duration: Duration,
    },
    /// In memory, for tests: a map of release → (holder, expiry).
    /// (Use [`local_holder`] as the Lease holder so a killed capstan is recognised at once.)
    Memory(MemoryLocks),
}

impl std::fmt::Debug for Locks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Locks::Off => f.write_str("Locks::Off"),
            Locks::Lease { holder, .. } => write!(f, "Locks::Lease({holder})"),
            Locks::Memory(_) => f.write_str("Locks::Memory"),
        }
    }
}

/// Locks kept in memory with an expiry, for tests of crash recovery.
#[derive(Debug, Default)]
pub struct MemoryLocks {
    held: Mutex<BTreeMap<String, (String, Instant)>>,
}

impl MemoryLocks {
    /// Records a lock as held by `holder` until `expires` (a test's "crashed process").
    pub fn put(&self, key: &str, holder: &str, expires: Instant) {
        self.lock()
            .insert(key.to_owned(), (holder.to_owned(), expires));
    }

    /// Whether `key` is currently locked.
    pub fn is_held(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (String, Instant)>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A held lock.
pub enum Guard {
    /// Nothing held (`Locks::Off`).
    None,
    /// A Lease, renewed in the background (every third of its duration) until released.
    Lease(LeaseGuard),
    /// A memory lock.
    Memory(String),
}

/// A held Lease and the task that keeps renewing it, so that an operation longer than the
/// Lease's duration (a long hook wait) keeps its lock.
pub struct LeaseGuard {
    lock: Arc<tokio::sync::Mutex<Option<ReleaseLock>>>,
    renewer: tokio::task::JoinHandle<()>,
}

impl LeaseGuard {
    fn start(lock: ReleaseLock, duration: Duration) -> LeaseGuard {
        let lock = Arc::new(tokio::sync::Mutex::new(Some(lock)));
        let shared = lock.clone();
        let every = (duration / 3).max(Duration::from_secs(1));
        let renewer = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let mut held = shared.lock().await;
                match held.as_mut() {
                    // A failed renewal is retried next time; the Lease may expire meanwhile.
                    Some(l) => {
                        let _ = l.renew().await;
                    }
                    None => break,
                }
            }
        });
        LeaseGuard { lock, renewer }
    }
}

/// The outcome of taking a lock.
pub struct Acquired {
    /// Give it back with [`Locks::release`].
    pub guard: Guard,
    /// The holder of an expired lock that was taken over: its operation died.
    pub taken_over_from: Option<String>,
    /// Something the user should know (e.g. running unlocked).
    pub warning: Option<String>,
}

/// This machine's name (`HOSTNAME`, else the kernel's).
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A process's start time (field 22 of `/proc/PID/stat`), to tell a reused pid apart.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after its closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_owned)
}

/// The lock holder identity of this process: `capstan/HOST/PID/START`, which lets another
/// capstan on the same machine see that the holder has died (see [`holder_gone`]).
pub fn local_holder() -> String {
    let pid = std::process::id();
    format!(
        "capstan/{}/{pid}/{}",
        hostname(),
        start_time(pid).unwrap_or_default()
    )
}

/// Whether a holder written by [`local_holder`] is a process of this machine that no longer
/// runs (or whose pid now belongs to another process). Holders of other machines or in
/// another form are never judged dead here: their Lease must expire.
pub fn holder_gone(holder: &str) -> bool {
    let mut parts = holder.split('/');
    let (Some("capstan"), Some(host), Some(pid), Some(start)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if host != hostname() {
        return false;
    }
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    match start_time(pid) {
        None => std::path::Path::new("/proc/self").exists(),
        Some(now) => !start.is_empty() && now != start,
    }
}

/// What the lock of a release says about whoever holds it (for `status`: a `pending-*`
/// revision whose holder is gone is an operation that died).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// Nobody holds it (or locking is off).
    Free,
    /// A live operation holds it.
    Held {
        /// Holder identity.
        holder: String,
    },
    /// It is held by an operation that is gone (expired, or a dead local process).
    Stale {
        /// Holder identity.
        holder: String,
    },
}

fn key(namespace: &str, release: &str) -> String {
    format!("{namespace}/{release}")
}

impl Locks {
    /// Takes the lock of `release`; a live holder means another operation runs.
    pub async fn acquire(
        &self,
        namespace: &str,
        release: &str,
    ) -> Result<Acquired, LifecycleError> {
        match self {
            Locks::Off => Ok(Acquired {
                guard: Guard::None,
                taken_over_from: None,
                warning: None,
            }),
            Locks::Lease {
                client,
                holder,
                duration,
            } => match ReleaseLock::acquire_unless_alive(
                client.clone(),
                namespace,
                release,
                holder,
                *duration,
                &holder_gone,
            )
            .await
            {
                Ok(l) => {
                    let taken_over_from = l.taken_over_from.clone();
                    Ok(Acquired {
                        guard: Guard::Lease(LeaseGuard::start(l, *duration)),
                        taken_over_from,
                        warning: None,
                    })
                }
                Err(LockError::Held { .. }) => Err(LifecycleError::Pending),
                // Without permission on Leases, go on unlocked (as helm always does).
                Err(LockError::Kube(kube::Error::Api(s))) if s.code == 403 => Ok(Acquired {
                    guard: Guard::None,
                    taken_over_from: None,
                    warning: Some(format!(
                        "running without the release lock (no access to Leases: {})",
                        s.message
                    )),
                }),
                Err(LockError::Kube(e)) => Err(LifecycleError::Failed(format!(
                    "unable to take the release lock: {e}"
                ))),
            },
            Locks::Memory(m) => {
                let k = key(namespace, release);
                let mut held = m.lock();
                let taken_over_from = match held.get(&k) {
                    Some((_, exp)) if *exp > Instant::now() => return Err(LifecycleError::Pending),
                    Some((h, _)) => Some(h.clone()),
                    None => None,
                };
                held.insert(
                    k.clone(),
                    (
                        "self".to_owned(),
                        Instant::now() + Duration::from_secs(3600),
                    ),
                );
                Ok(Acquired {
                    guard: Guard::Memory(k),
                    taken_over_from,
                    warning: None,
                })
            }
        }
    }

    /// Reads the lock of `release` without taking it.
    pub async fn inspect(
        &self,
        namespace: &str,
        release: &str,
    ) -> Result<LockState, LifecycleError> {
        match self {
            Locks::Off => Ok(LockState::Free),
            Locks::Memory(m) => Ok(match m.lock().get(&key(namespace, release)) {
                None => LockState::Free,
                Some((h, exp)) if *exp > Instant::now() => LockState::Held { holder: h.clone() },
                Some((h, _)) => LockState::Stale { holder: h.clone() },
            }),
            Locks::Lease { client, .. } => {
                use capstan_kube::k8s_openapi::api::coordination::v1::Lease;
                use capstan_kube::k8s_openapi::jiff::{SignedDuration, Timestamp};
                let api: kube::Api<Lease> = kube::Api::namespaced(client.clone(), namespace);
                let lease = api
                    .get_opt(&capstan_storage::lock_name(release))
                    .await
                    .map_err(|e| {
                        LifecycleError::Failed(format!("unable to read the release lock: {e}"))
                    })?;
                let Some(spec) = lease.and_then(|l| l.spec) else {
                    return Ok(LockState::Free);
                };
                let holder = spec.holder_identity.clone().unwrap_or_default();
                let secs = i64::from(spec.lease_duration_seconds.unwrap_or(0));
                let expired = spec
                    .renew_time
                    .as_ref()
                    .or(spec.acquire_time.as_ref())
                    .and_then(|t| t.0.checked_add(SignedDuration::from_secs(secs)).ok())
                    .is_none_or(|end| end < Timestamp::now());
                Ok(if expired || holder_gone(&holder) {
                    LockState::Stale { holder }
                } else {
                    LockState::Held { holder }
                })
            }
        }
    }

    /// Renews a held lock (between steps of a long operation). Failures are reported to
    /// the caller, which only warns: the operation itself is still valid.
    pub async fn renew(&self, guard: &mut Guard) -> Result<(), LifecycleError> {
        match guard {
            Guard::Lease(g) => match g.lock.lock().await.as_mut() {
                Some(l) => l.renew().await.map_err(|e| {
                    LifecycleError::Failed(format!("unable to renew the release lock: {e}"))
                }),
                None => Ok(()),
            },
            Guard::None | Guard::Memory(_) => Ok(()),
        }
    }

    /// Gives the lock back.
    pub async fn release(&self, guard: Guard) {
        match (self, guard) {
            (_, Guard::Lease(g)) => {
                g.renewer.abort();
                let taken = g.lock.lock().await.take();
                if let Some(l) = taken {
                    // A lock we cannot delete expires on its own.
                    let _ = l.release().await;
                }
            }
            (Locks::Memory(m), Guard::Memory(k)) => {
                m.lock().remove(&k);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_of_this_machine_are_judged() {
        let me = local_holder();
        assert!(me.starts_with("capstan/"));
        assert!(!holder_gone(&me), "this process is alive");
        let host = hostname();
        // pid 0 never names a user process: gone.
        assert!(holder_gone(&format!("capstan/{host}/0/1")));
        // Same pid, other start time: the pid was reused.
        let pid = std::process::id();
        assert!(holder_gone(&format!("capstan/{host}/{pid}/1")));
        assert!(
            !holder_gone("capstan/other-host/0/1"),
            "other machines expire"
        );
        assert!(!holder_gone("capstan-host-123"), "unknown forms expire");
    }
}
