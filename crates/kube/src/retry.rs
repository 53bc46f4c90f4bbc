//! Retries with backoff for transient API failures: 429 and 5xx answers and broken
//! connections. Conflicts (409) are not retried here: only the caller knows whether
//! re-sending is safe (it is for a server-side apply, not for a create).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counters of API calls made through [`Retry::run`], for reports and tests.
#[derive(Debug, Default)]
pub struct RetryStats {
    /// Operations started.
    pub attempted: AtomicU64,
    /// Extra attempts after a transient failure.
    pub retried: AtomicU64,
    /// Operations that finally failed (transient errors beyond the attempt limit, or
    /// non-transient errors).
    pub failed: AtomicU64,
}

impl RetryStats {
    /// `(attempted, retried, failed)` now.
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.attempted.load(Ordering::Relaxed),
            self.retried.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }
}

/// A retry policy: exponential backoff from `base` up to `max_delay`, at most `attempts`
/// tries, honouring the server's `retryAfterSeconds` when it sends one.
#[derive(Debug)]
pub struct Retry {
    /// Tries per operation (at least 1).
    pub attempts: u32,
    /// First delay.
    pub base: Duration,
    /// Longest delay between tries.
    pub max_delay: Duration,
    /// Counters.
    pub stats: RetryStats,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 10,
            base: Duration::from_millis(50),
            max_delay: Duration::from_secs(5),
            stats: RetryStats::default(),
        }
    }
}

/// Whether an error is worth another try, and the delay the server asked for.
pub fn transient(err: &kube::Error) -> Option<Option<Duration>> {
    match err {
        kube::Error::Api(s) if matches!(s.code, 429 | 500 | 502 | 503 | 504) => {
            let after = s
                .details
                .as_ref()
                .map(|d| d.retry_after_seconds)
                .filter(|&secs| secs > 0)
                .map(|secs| Duration::from_secs(u64::from(secs)));
            Some(after)
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => {
            Some(None)
        }
        _ => None,
    }
}

impl Retry {
    /// Runs `op` until it succeeds, fails for good, or the attempts are used up.
    pub async fn run<T, F, Fut>(&self, op: F) -> Result<T, kube::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        self.run_handling(|_| false, op).await
    }

    /// As [`Retry::run`], but errors for which `handled` is true are returned without being
    /// counted as failed: the caller recovers from them itself (a 409 it re-reads and resends).
    pub async fn run_handling<T, F, Fut>(
        &self,
        handled: impl Fn(&kube::Error) -> bool,
        mut op: F,
    ) -> Result<T, kube::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        self.stats.attempted.fetch_add(1, Ordering::Relaxed);
        let mut delay = self.base;
        let mut tries = 1;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(e) => match transient(&e) {
                    Some(after) if tries < self.attempts.max(1) => {
                        self.stats.retried.fetch_add(1, Ordering::Relaxed);
                        // The server's Retry-After wins, but is capped so a hostile or
                        // confused server cannot stall us for hours.
                        let wait = after.unwrap_or(delay).min(self.max_delay.max(delay));
                        tokio::time::sleep(wait).await;
                        delay = (delay * 2).min(self.max_delay);
                        tries += 1;
                    }
                    _ => {
                        if !handled(&e) {
                            self.stats.failed.fetch_add(1, Ordering::Relaxed);
                        }
                        return Err(e);
                    }
                },
            }
        }
    }
}
