//! `--wait`: waiting until a release's resources are ready, as helm 4's status watcher
//! does. Every resource is watched at once (kube-runtime watchers by name, re-listed after
//! a dropped or expired watch); each event re-judges that object with the kstatus rules of
//! [`crate::ready`]. The wait ends when every resource is `Current` or `Failed` (a failed
//! resource needs intervention, so helm stops waiting for it), or at the timeout; then
//! every resource that is not `Current` is reported, in the given order.

use std::time::Duration;

use futures::stream::{self, StreamExt};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use serde_json::Value;

use crate::cluster::ClusterError;
use crate::ready::{readiness, Readiness};
use crate::resources::{ResourceError, Resources};

/// How a wait for readiness ended: each resource's last verdict, in the order given, and
/// whether the timeout cut it short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyReport {
    /// The last verdict of each resource.
    pub states: Vec<Readiness>,
    /// The timeout passed before every resource was `Current` or `Failed`.
    pub timed_out: bool,
}

impl ReadyReport {
    /// Whether every resource is `Current`.
    pub fn all_ready(&self) -> bool {
        !self.timed_out && self.states.iter().all(|s| *s == Readiness::Current)
    }
}

/// Whether waiting is over: nothing is still in progress.
pub fn settled(states: &[Readiness]) -> bool {
    states
        .iter()
        .all(|s| !matches!(s, Readiness::InProgress(_)))
}

/// The verdict for an object that does not exist (yet, or any more).
pub fn absent() -> Readiness {
    Readiness::InProgress("not found".into())
}

/// Watches every object in `objs` until all are `Current` or `Failed`, or `timeout`
/// passes. `on_ready(i)` is called when object `i` first becomes `Current`.
pub async fn watch_ready(
    res: &Resources,
    objs: &[Value],
    ns: &str,
    wait_for_jobs: bool,
    timeout: Duration,
    on_ready: &(dyn Fn(usize) + Send + Sync),
) -> Result<ReadyReport, ClusterError> {
    let mut streams = Vec::with_capacity(objs.len());
    for (i, obj) in objs.iter().enumerate() {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = res.api_for(obj, ns).await?;
        let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let s = watcher::watcher(api, cfg)
            .default_backoff()
            .map(move |ev| (i, ev));
        streams.push(s.boxed());
    }
    let mut states = vec![absent(); objs.len()];
    // Whether a (re-)list of object i has shown it: a list without it means it is gone.
    let mut listed = vec![false; objs.len()];
    let mut announced = vec![false; objs.len()];
    let mut merged = stream::select_all(streams);
    let run = async {
        if objs.is_empty() {
            return;
        }
        while let Some((i, ev)) = merged.next().await {
            let verdict = match ev {
                Ok(Event::Init) => {
                    listed[i] = false;
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    listed[i] = true;
                    judge(&o, wait_for_jobs)
                }
                Ok(Event::Apply(o)) => judge(&o, wait_for_jobs),
                Ok(Event::InitDone) if !listed[i] => absent(),
                Ok(Event::Delete(_)) => absent(),
                // A re-list that showed the object already judged it; errors are retried
                // by the backoff.
                Ok(Event::InitDone) | Err(_) => continue,
            };
            if verdict == Readiness::Current && !announced[i] {
                announced[i] = true;
                on_ready(i);
            }
            states[i] = verdict;
            if settled(&states) {
                return;
            }
        }
    };
    let timed_out = tokio::time::timeout(timeout, run).await.is_err();
    Ok(ReadyReport { states, timed_out })
}

fn judge(obj: &kube::api::DynamicObject, wait_for_jobs: bool) -> Readiness {
    match serde_json::to_value(obj) {
        Ok(v) => readiness(&v, wait_for_jobs),
        Err(e) => Readiness::InProgress(format!("unreadable object: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settles_only_when_nothing_is_in_progress() {
        assert!(settled(&[
            Readiness::Current,
            Readiness::Failed("x".into())
        ]));
        assert!(!settled(&[Readiness::Current, absent()]));
        assert!(settled(&[]));
        let r = ReadyReport {
            states: vec![Readiness::Current],
            timed_out: false,
        };
        assert!(r.all_ready());
        let r = ReadyReport {
            states: vec![Readiness::Current, Readiness::Failed("x".into())],
            timed_out: false,
        };
        assert!(!r.all_ready());
    }
}
