//! Waiting for a hook resource to finish: a Job until `Complete` or `Failed`, a Pod until
//! `Succeeded` or `Failed`; anything else is done once it exists (as in Helm).
//!
//! The watch goes through kube-runtime's watcher with backoff: a dropped or expired watch
//! (410) is re-listed, and the re-list shows the current state, so an end state reached
//! while the watch was down is still seen.

use std::time::Duration;

use futures::StreamExt;
use kube::api::DynamicObject;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::Api;

/// How a watched hook ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookOutcome {
    /// Job `Complete`, Pod `Succeeded`, or another kind that exists.
    Succeeded,
    /// Job `Failed` or Pod `Failed`, with the reason/message found.
    Failed(String),
}

/// Errors while waiting.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The timeout passed first.
    #[error("timed out waiting for the condition")]
    Timeout,
    /// The object was deleted before it finished.
    #[error("{0} was deleted before it finished")]
    Deleted(String),
    /// The watch stream ended (should not happen with backoff).
    #[error("watch ended before {0} finished")]
    WatchEnded(String),
}

fn condition_true<'a>(obj: &'a DynamicObject, kind: &str) -> Option<&'a serde_json::Value> {
    obj.data
        .pointer("/status/conditions")
        .and_then(|c| c.as_array())?
        .iter()
        .find(|c| {
            c.get("type").and_then(|t| t.as_str()) == Some(kind)
                && c.get("status").and_then(|s| s.as_str()) == Some("True")
        })
}

/// Whether a hook object of `kind` has finished, and how.
pub fn hook_state(kind: &str, obj: &DynamicObject) -> Option<HookOutcome> {
    match kind {
        "Job" => {
            if let Some(c) = condition_true(obj, "Failed") {
                let reason = c.get("reason").and_then(|r| r.as_str()).unwrap_or("");
                let msg = c.get("message").and_then(|r| r.as_str()).unwrap_or("");
                return Some(HookOutcome::Failed(format!("{reason}: {msg}")));
            }
            condition_true(obj, "Complete").map(|_| HookOutcome::Succeeded)
        }
        "Pod" => match obj.data.pointer("/status/phase").and_then(|p| p.as_str()) {
            Some("Succeeded") => Some(HookOutcome::Succeeded),
            Some("Failed") => Some(HookOutcome::Failed("pod failed".into())),
            _ => None,
        },
        _ => Some(HookOutcome::Succeeded),
    }
}

/// Watches `name` through `api` until its hook state is final or `timeout` passes.
pub async fn wait_hook(
    api: Api<DynamicObject>,
    kind: &str,
    name: &str,
    timeout: Duration,
) -> Result<HookOutcome, WaitError> {
    let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let stream = watcher::watcher(api, cfg).default_backoff();
    let fut = async {
        futures::pin_mut!(stream);
        while let Some(ev) = stream.next().await {
            match ev {
                Ok(Event::Apply(obj)) | Ok(Event::InitApply(obj)) => {
                    if let Some(out) = hook_state(kind, &obj) {
                        return Ok(out);
                    }
                }
                Ok(Event::Delete(_)) => return Err(WaitError::Deleted(name.to_owned())),
                // Errors are retried by the backoff; Init/InitDone carry nothing to judge.
                Ok(_) | Err(_) => {}
            }
        }
        Err(WaitError::WatchEnded(name.to_owned()))
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| WaitError::Timeout)?
}

/// Waits until `name` no longer exists (after a delete with finalizers or foreground
/// propagation), re-listing after dropped watches like [`wait_hook`].
pub async fn wait_deleted(
    api: Api<DynamicObject>,
    name: &str,
    timeout: Duration,
) -> Result<(), WaitError> {
    let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let stream = watcher::watcher(api, cfg).default_backoff();
    let fut = async {
        futures::pin_mut!(stream);
        // After each (re-)list, `InitDone` without an `InitApply` in between means the
        // object is gone.
        let mut seen_in_list = false;
        while let Some(ev) = stream.next().await {
            match ev {
                Ok(Event::Init) => seen_in_list = false,
                Ok(Event::InitApply(_)) => seen_in_list = true,
                Ok(Event::InitDone) if !seen_in_list => return Ok(()),
                Ok(Event::Delete(_)) => return Ok(()),
                Ok(_) | Err(_) => {}
            }
        }
        Err(WaitError::WatchEnded(name.to_owned()))
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| WaitError::Timeout)?
}
