//! Conflict handling for record updates on the Kubernetes drivers.
//!
//! Helm replaces a release record without a resourceVersion, so the API server has nothing
//! to compare and a 409 is rare; it still happens (a conditional update by another client
//! in between, an API server or proxy answering 409 under load). Re-sending is safe only
//! when the stored object is still *our* release record — the same release name and
//! revision, owned by helm — and then we resend on top of what is there. Any other object
//! under the key is left alone and reported as [`StorageError::Conflict`].

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::Ordering;

use capstan_kube::retry::Retry;
use kube::api::PostParams;
use kube::{Api, Resource};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::driver::StorageError;
use crate::secrets::not_found;

/// Re-reads and resends after a 409 at most this many times.
const CONFLICT_RETRIES: u32 = 5;

/// Whether stored labels say the object is the record of `name` revision `version`.
pub(crate) fn is_record_of(
    labels: Option<&BTreeMap<String, String>>,
    name: &str,
    version: i64,
) -> bool {
    let Some(l) = labels else { return false };
    l.get("owner").map(String::as_str) == Some("helm")
        && l.get("name").map(String::as_str) == Some(name)
        && l.get("version") == Some(&version.to_string())
}

/// Replaces `key` with `obj` (the record of `name` revision `version`), retrying transient
/// failures through `retry` and conflicts while the stored object is still that record.
pub(crate) async fn replace_record<K>(
    api: &Api<K>,
    retry: &Retry,
    key: &str,
    obj: &K,
    name: &str,
    version: i64,
) -> Result<(), StorageError>
where
    K: Resource + Clone + Debug + Serialize + DeserializeOwned,
{
    let pp = PostParams::default();
    let mut obj = obj.clone();
    let mut conflicts = 0;
    loop {
        let conflict = |e: &kube::Error| matches!(e, kube::Error::Api(s) if s.code == 409);
        match retry
            .run_handling(conflict, || api.replace(key, &pp, &obj))
            .await
        {
            Ok(_) => return Ok(()),
            Err(kube::Error::Api(s)) if s.code == 409 => {
                let current = retry.run(|| api.get(key)).await.map_err(not_found)?;
                if conflicts >= CONFLICT_RETRIES
                    || !is_record_of(current.meta().labels.as_ref(), name, version)
                {
                    retry.stats.failed.fetch_add(1, Ordering::Relaxed);
                    return Err(StorageError::Conflict {
                        key: key.to_owned(),
                    });
                }
                conflicts += 1;
                retry.stats.retried.fetch_add(1, Ordering::Relaxed);
                obj.meta_mut().resource_version = current.meta().resource_version.clone();
            }
            Err(e) => return Err(not_found(e)),
        }
    }
}
