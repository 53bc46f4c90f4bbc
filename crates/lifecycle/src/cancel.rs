//! Cancellation (SIGINT/SIGTERM): Helm turns the signal into a cancelled context, abandons
//! the step in flight and records the revision `failed` with `context canceled` (hooks-spec
//! A.1.1 step 15, checklist 25). A signal is process-wide, so is this: the CLI's signal
//! handler calls [`cancel`], and the running action stops at once, records `failed` and
//! returns the error.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// Go's `context.Canceled` text, which Helm records.
pub const CANCELED: &str = "context canceled";

static CANCELLED: AtomicBool = AtomicBool::new(false);
static NOTIFY: Notify = Notify::const_new();

/// Cancels the running operation (call from a signal handler task).
pub fn cancel() {
    CANCELLED.store(true, Ordering::SeqCst);
    NOTIFY.notify_waiters();
}

/// Clears a cancellation (for a process that runs several operations, e.g. tests).
pub fn reset() {
    CANCELLED.store(false, Ordering::SeqCst);
}

/// Whether [`cancel`] was called.
pub fn is_cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// Resolves once [`cancel`] has been called.
pub(crate) async fn cancelled() {
    loop {
        let n = NOTIFY.notified();
        tokio::pin!(n);
        n.as_mut().enable();
        if is_cancelled() {
            return;
        }
        n.await;
    }
}
