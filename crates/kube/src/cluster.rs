//! The cluster operations the lifecycle engine needs, as a trait with two implementations:
//! [`Resources`] (a real cluster through kube-rs) and [`FakeCluster`] (in memory, for unit
//! tests of the engine without any server).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use kube::api::PropagationPolicy;
use serde_json::Value;

use crate::lookup::LookupError;
use crate::ready::{readiness, Readiness};
use crate::ready_wait::ReadyReport;
use crate::resources::{ResourceError, Resources};
use crate::wait::{wait_hook, HookOutcome, WaitError};

/// Errors of [`Cluster`] operations.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Mapping or API failure.
    #[error(transparent)]
    Resource(#[from] ResourceError),
    /// Waiting failed.
    #[error(transparent)]
    Wait(#[from] WaitError),
}

/// Cluster operations on manifests given as JSON objects; namespaced kinds without
/// `metadata.namespace` go to `ns`.
pub trait Cluster: Send + Sync {
    /// Server-side apply as `manager`.
    fn apply(
        &self,
        obj: &Value,
        ns: &str,
        manager: &str,
        force: bool,
    ) -> impl Future<Output = Result<Value, ClusterError>> + Send;

    /// Client-side update, as helm does for a release applied client-side (`apply_method`
    /// absent or `csa`): create `target` when absent, else send the three-way patch of
    /// `original` (the object in the previous release manifest), `target` and the live
    /// object; with `replace` (`--force-replace`), replace the live object whole instead.
    /// Returns whether the object was created.
    fn update_client_side(
        &self,
        original: Option<&Value>,
        target: &Value,
        ns: &str,
        manager: &str,
        replace: bool,
    ) -> impl Future<Output = Result<bool, ClusterError>> + Send;

    /// Before the first server-side update of an object helm applied client-side: moves
    /// `manager`'s client-side field ownership to its server-side apply entry
    /// ([`crate::csa_upgrade`]), as helm 4 does. Returns whether anything was changed. The
    /// default (the fake, which keeps no managed fields) does nothing.
    fn upgrade_client_side_manager(
        &self,
        _obj: &Value,
        _ns: &str,
        _manager: &str,
    ) -> impl Future<Output = Result<bool, ClusterError>> + Send {
        async { Ok(false) }
    }

    /// Creates the object (a POST: an existing object is the server's 409 `AlreadyExists`),
    /// as helm creates hooks of a client-side-applied release.
    fn create(
        &self,
        obj: &Value,
        ns: &str,
        manager: &str,
    ) -> impl Future<Output = Result<Value, ClusterError>> + Send;

    /// The live object, `None` when absent.
    fn get(
        &self,
        obj: &Value,
        ns: &str,
    ) -> impl Future<Output = Result<Option<Value>, ClusterError>> + Send;

    /// Deletes; `false` when it was already gone.
    fn delete(
        &self,
        obj: &Value,
        ns: &str,
        propagation: PropagationPolicy,
    ) -> impl Future<Output = Result<bool, ClusterError>> + Send;

    /// Waits for a hook resource to finish.
    fn wait_hook(
        &self,
        obj: &Value,
        ns: &str,
        timeout: Duration,
    ) -> impl Future<Output = Result<HookOutcome, ClusterError>> + Send;

    /// Waits until the object is gone (after a delete), up to `timeout`. The default polls
    /// [`Cluster::get`]; [`Resources`] watches.
    fn wait_deleted(
        &self,
        obj: &Value,
        ns: &str,
        timeout: Duration,
    ) -> impl Future<Output = Result<(), ClusterError>> + Send {
        async move {
            let deadline = tokio::time::Instant::now() + timeout;
            loop {
                if self.get(obj, ns).await?.is_none() {
                    return Ok(());
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(WaitError::Timeout.into());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// Why a hook failed, for the user: the last log lines of its pods (a Job's pods by
    /// `job-name`, or the Pod itself) and the object's Events. Best effort: empty when
    /// nothing can be read.
    fn diagnostics(&self, _obj: &Value, _ns: &str) -> impl Future<Output = Vec<String>> + Send {
        async { Vec::new() }
    }

    /// The full logs of a hook's containers as `(pod, container, lines)`: a Pod's own, a
    /// Job's pods' (label `job-name`); init containers first when `include_init`. Empty for
    /// other kinds or when nothing can be read.
    fn container_logs(
        &self,
        _obj: &Value,
        _ns: &str,
        _include_init: bool,
    ) -> impl Future<Output = Vec<(String, String, Vec<String>)>> + Send {
        async { Vec::new() }
    }

    /// The pods of a hook as JSON: a Job's (label `job-name`), or the Pod itself; empty for
    /// other kinds or when they cannot be listed. For live progress lines.
    fn hook_pods(&self, _obj: &Value, _ns: &str) -> impl Future<Output = Vec<Value>> + Send {
        async { Vec::new() }
    }

    /// `--wait`: waits until every object is `Current` or `Failed`, or `timeout` passes,
    /// calling `on_ready(i)` when object `i` becomes `Current` (see
    /// [`crate::ready_wait`]). The default polls [`Cluster::readiness`] every 250 ms;
    /// [`Resources`] watches.
    fn wait_ready(
        &self,
        objs: &[Value],
        ns: &str,
        wait_for_jobs: bool,
        timeout: Duration,
        on_ready: &(dyn Fn(usize) + Send + Sync),
    ) -> impl Future<Output = Result<ReadyReport, ClusterError>> + Send {
        async move {
            let deadline = tokio::time::Instant::now() + timeout;
            let mut states = vec![crate::ready_wait::absent(); objs.len()];
            loop {
                for (i, obj) in objs.iter().enumerate() {
                    if !matches!(states[i], Readiness::InProgress(_)) {
                        continue;
                    }
                    states[i] = self.readiness(obj, ns, wait_for_jobs).await?;
                    if states[i] == Readiness::Current {
                        on_ready(i);
                    }
                }
                if crate::ready_wait::settled(&states) {
                    return Ok(ReadyReport {
                        states,
                        timed_out: false,
                    });
                }
                if tokio::time::Instant::now() >= deadline {
                    return Ok(ReadyReport {
                        states,
                        timed_out: true,
                    });
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }

    /// Helm's `lookup` template function ([`crate::lookup::lookup`] for a real cluster): the
    /// object, `{}` when absent, or a `<Kind>List` when `name` is empty. The default reads
    /// one object with [`Cluster::get`] and knows no lists (an empty one).
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Future<Output = Result<Value, LookupError>> + Send {
        let probe = serde_json::json!({
            "apiVersion": api_version,
            "kind": kind,
            "metadata": {"name": name, "namespace": namespace},
        });
        let list = name.is_empty();
        let ns = namespace.to_owned();
        async move {
            if list {
                return Ok(serde_json::json!({
                    "apiVersion": probe["apiVersion"],
                    "kind": format!("{}List", probe["kind"].as_str().unwrap_or("")),
                    "metadata": {},
                    "items": [],
                }));
            }
            match self.get(&probe, &ns).await {
                Ok(found) => Ok(found.unwrap_or_else(|| Value::Object(Default::default()))),
                Err(e) => Err(LookupError(e.to_string())),
            }
        }
    }

    /// The readiness of the live object (absent objects are in progress).
    fn readiness(
        &self,
        obj: &Value,
        ns: &str,
        wait_for_jobs: bool,
    ) -> impl Future<Output = Result<Readiness, ClusterError>> + Send {
        async move {
            Ok(match self.get(obj, ns).await? {
                Some(live) => readiness(&live, wait_for_jobs),
                None => Readiness::InProgress("not found".into()),
            })
        }
    }
}

fn to_value(o: kube::api::DynamicObject) -> Result<Value, ClusterError> {
    serde_json::to_value(o)
        .map_err(|e| ClusterError::Resource(ResourceError::Kube(kube::Error::SerdeError(e))))
}

impl Cluster for Resources {
    async fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, LookupError> {
        crate::lookup::lookup(self, api_version, kind, namespace, name).await
    }

    async fn apply(
        &self,
        obj: &Value,
        ns: &str,
        manager: &str,
        force: bool,
    ) -> Result<Value, ClusterError> {
        to_value(Resources::apply(self, obj, ns, manager, force).await?)
    }

    async fn update_client_side(
        &self,
        original: Option<&Value>,
        target: &Value,
        ns: &str,
        manager: &str,
        replace: bool,
    ) -> Result<bool, ClusterError> {
        if replace {
            if Resources::get(self, target, ns).await?.is_none() {
                Resources::create(self, target, ns, manager).await?;
                return Ok(true);
            }
            Resources::replace(self, target, ns, manager).await?;
            return Ok(false);
        }
        let done = self.update_three_way(original, target, ns, manager).await?;
        Ok(matches!(done, crate::threeway::Updated::Created(_)))
    }

    async fn create(&self, obj: &Value, ns: &str, manager: &str) -> Result<Value, ClusterError> {
        to_value(Resources::create(self, obj, ns, manager).await?)
    }

    async fn upgrade_client_side_manager(
        &self,
        obj: &Value,
        ns: &str,
        manager: &str,
    ) -> Result<bool, ClusterError> {
        Ok(Resources::upgrade_client_side_manager(self, obj, ns, manager).await?)
    }

    async fn get(&self, obj: &Value, ns: &str) -> Result<Option<Value>, ClusterError> {
        match Resources::get(self, obj, ns).await? {
            Some(o) => Ok(Some(to_value(o)?)),
            None => Ok(None),
        }
    }

    async fn delete(
        &self,
        obj: &Value,
        ns: &str,
        propagation: PropagationPolicy,
    ) -> Result<bool, ClusterError> {
        Ok(Resources::delete(self, obj, ns, propagation).await?)
    }

    async fn wait_hook(
        &self,
        obj: &Value,
        ns: &str,
        timeout: Duration,
    ) -> Result<HookOutcome, ClusterError> {
        let api = self.api_for(obj, ns).await?;
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        Ok(wait_hook(api, kind, name, timeout).await?)
    }

    async fn wait_ready(
        &self,
        objs: &[Value],
        ns: &str,
        wait_for_jobs: bool,
        timeout: Duration,
        on_ready: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ReadyReport, ClusterError> {
        crate::ready_wait::watch_ready(self, objs, ns, wait_for_jobs, timeout, on_ready).await
    }

    async fn wait_deleted(
        &self,
        obj: &Value,
        ns: &str,
        timeout: Duration,
    ) -> Result<(), ClusterError> {
        let api = self.api_for(obj, ns).await?;
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        Ok(crate::wait::wait_deleted(api, name, timeout).await?)
    }

    async fn container_logs(
        &self,
        obj: &Value,
        ns: &str,
        include_init: bool,
    ) -> Vec<(String, String, Vec<String>)> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(ns);
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        crate::observe::container_logs(self.client().clone(), ns, kind, name, include_init).await
    }

    async fn hook_pods(&self, obj: &Value, ns: &str) -> Vec<Value> {
        use k8s_openapi::api::core::v1::Pod;
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(ns);
        let api: kube::Api<Pod> = kube::Api::namespaced(self.client().clone(), ns);
        let pods: Vec<Pod> = match obj.get("kind").and_then(Value::as_str) {
            Some("Job") => api
                .list(&kube::api::ListParams::default().labels(&format!("job-name={name}")))
                .await
                .map(|l| l.items)
                .unwrap_or_default(),
            Some("Pod") => api.get_opt(name).await.ok().flatten().into_iter().collect(),
            _ => Vec::new(),
        };
        pods.into_iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .collect()
    }

    async fn diagnostics(&self, obj: &Value, ns: &str) -> Vec<String> {
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(ns);
        crate::observe::hook_diagnostics(self.client().clone(), ns, kind, name).await
    }
}

/// Identity of an object in the fake: apiVersion, kind, namespace, name.
type Key = (String, String, String, String);

fn key(obj: &Value, ns: &str) -> Result<Key, ClusterError> {
    let s = |p: &str| obj.pointer(p).and_then(Value::as_str).map(str::to_owned);
    Ok((
        s("/apiVersion").ok_or(ResourceError::Incomplete("apiVersion"))?,
        s("/kind").ok_or(ResourceError::Incomplete("kind"))?,
        s("/metadata/namespace")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| ns.to_owned()),
        s("/metadata/name").ok_or(ResourceError::Incomplete("metadata.name"))?,
    ))
}

/// One call recorded by the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FakeCall {
    /// `apply` of `kind/name`.
    Apply(String),
    /// `update_client_side` of `kind/name` (a client-side create, patch or replace).
    Update(String),
    /// `create` of `kind/name`.
    Create(String),
    /// `delete` of `kind/name`.
    Delete(String),
    /// `wait_hook` of `kind/name`.
    Wait(String),
}

/// An in-memory cluster: applied objects are stored as given (a merge would be
/// indistinguishable for the engine's tests), hooks end with the outcome scripted for their
/// name (success by default), and every call is recorded in order.
#[derive(Debug, Default)]
pub struct FakeCluster {
    objects: Mutex<BTreeMap<Key, Value>>,
    outcomes: Mutex<BTreeMap<String, HookOutcome>>,
    apply_errors: Mutex<BTreeMap<String, String>>,
    calls: Mutex<Vec<FakeCall>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned fake only means a test thread panicked; keep going with the data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl FakeCluster {
    /// An empty fake cluster.
    pub fn new() -> Self {
        Self::default()
    }

    /// Scripts how the hook named `name` ends.
    pub fn set_hook_outcome(&self, name: &str, outcome: HookOutcome) {
        lock(&self.outcomes).insert(name.to_owned(), outcome);
    }

    /// Scripts `apply` of the object named `name` to fail with `message` (an API refusal).
    pub fn fail_apply(&self, name: &str, message: &str) {
        lock(&self.apply_errors).insert(name.to_owned(), message.to_owned());
    }

    /// Every stored object, as `Kind/name` in key order.
    pub fn objects(&self) -> Vec<String> {
        lock(&self.objects).keys().map(label).collect()
    }

    /// Stores a live object as the cluster would report it (e.g. with a status).
    pub fn put(&self, obj: Value, ns: &str) -> Result<(), ClusterError> {
        let k = key(&obj, ns)?;
        lock(&self.objects).insert(k, obj);
        Ok(())
    }

    /// The calls made so far.
    pub fn calls(&self) -> Vec<FakeCall> {
        lock(&self.calls).clone()
    }

    fn record(&self, call: FakeCall) {
        lock(&self.calls).push(call);
    }
}

/// RFC 7386 merge of `patch` into `target`; strategic-merge directives (`$patch`,
/// `$setElementOrder/…`) are dropped, as the fake has no schema to apply them with.
fn json_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            t.remove(k);
        } else {
            json_merge(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn label(k: &Key) -> String {
    format!("{}/{}", k.1, k.3)
}

impl Cluster for FakeCluster {
    /// Answers from the stored objects: by apiVersion, kind and name (in `namespace` unless
    /// it is empty), or every match as a `<Kind>List`.
    async fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, LookupError> {
        let objects = lock(&self.objects);
        let mut matches = objects.iter().filter(|((a, k, ns, n), _)| {
            a == api_version
                && k == kind
                && (namespace.is_empty() || ns == namespace)
                && (name.is_empty() || n == name)
        });
        if name.is_empty() {
            let items: Vec<Value> = matches.map(|(_, v)| v.clone()).collect();
            return Ok(serde_json::json!({
                "apiVersion": api_version,
                "kind": format!("{kind}List"),
                "metadata": {},
                "items": items,
            }));
        }
        Ok(matches
            .next()
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| Value::Object(Default::default())))
    }

    async fn apply(
        &self,
        obj: &Value,
        ns: &str,
        _manager: &str,
        _force: bool,
    ) -> Result<Value, ClusterError> {
        let k = key(obj, ns)?;
        self.record(FakeCall::Apply(label(&k)));
        if let Some(msg) = lock(&self.apply_errors).get(&k.3) {
            return Err(ResourceError::Kube(kube::Error::Api(
                kube::core::Status::failure(msg, "Invalid")
                    .with_code(422)
                    .boxed(),
            ))
            .into());
        }
        lock(&self.objects).insert(k, obj.clone());
        Ok(obj.clone())
    }

    async fn update_client_side(
        &self,
        original: Option<&Value>,
        target: &Value,
        ns: &str,
        _manager: &str,
        replace: bool,
    ) -> Result<bool, ClusterError> {
        let k = key(target, ns)?;
        self.record(FakeCall::Update(label(&k)));
        if let Some(msg) = lock(&self.apply_errors).get(&k.3) {
            return Err(ResourceError::Kube(kube::Error::Api(
                kube::core::Status::failure(msg, "Invalid")
                    .with_code(422)
                    .boxed(),
            ))
            .into());
        }
        let mut objects = lock(&self.objects);
        let next = match objects.get(&k) {
            // The patch a real server would receive, applied with a JSON merge (enough for
            // the engine's tests: maps merge, `null` deletes, lists are replaced).
            Some(live) if !replace => {
                let (patch, _) = crate::threeway::three_way_patch(original, target, live);
                let mut merged = live.clone();
                json_merge(&mut merged, &patch);
                merged
            }
            _ => target.clone(),
        };
        let created = objects.insert(k, next).is_none();
        Ok(created)
    }

    async fn create(&self, obj: &Value, ns: &str, _manager: &str) -> Result<Value, ClusterError> {
        let k = key(obj, ns)?;
        self.record(FakeCall::Create(label(&k)));
        let mut objects = lock(&self.objects);
        if objects.contains_key(&k) {
            let msg = format!("{} {:?} already exists", k.1.to_lowercase(), k.3);
            return Err(ResourceError::Kube(kube::Error::Api(
                kube::core::Status::failure(&msg, "AlreadyExists")
                    .with_code(409)
                    .boxed(),
            ))
            .into());
        }
        objects.insert(k, obj.clone());
        Ok(obj.clone())
    }

    async fn get(&self, obj: &Value, ns: &str) -> Result<Option<Value>, ClusterError> {
        let k = key(obj, ns)?;
        Ok(lock(&self.objects).get(&k).cloned())
    }

    async fn delete(
        &self,
        obj: &Value,
        ns: &str,
        _propagation: PropagationPolicy,
    ) -> Result<bool, ClusterError> {
        let k = key(obj, ns)?;
        self.record(FakeCall::Delete(label(&k)));
        Ok(lock(&self.objects).remove(&k).is_some())
    }

    async fn wait_hook(
        &self,
        obj: &Value,
        ns: &str,
        _timeout: Duration,
    ) -> Result<HookOutcome, ClusterError> {
        let k = key(obj, ns)?;
        self.record(FakeCall::Wait(label(&k)));
        if !lock(&self.objects).contains_key(&k) {
            return Err(WaitError::Deleted(k.3).into());
        }
        Ok(lock(&self.outcomes)
            .get(&k.3)
            .cloned()
            .unwrap_or(HookOutcome::Succeeded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn fake_lookup_reads_stored_objects() {
        let c = FakeCluster::new();
        let cm =
            |n: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n}});
        c.put(cm("a"), "one").expect("put");
        c.put(cm("b"), "two").expect("put");
        assert_eq!(
            c.lookup("v1", "ConfigMap", "one", "a").await.expect("get"),
            cm("a")
        );
        assert_eq!(
            c.lookup("v1", "ConfigMap", "two", "a").await.expect("get"),
            json!({})
        );
        assert_eq!(
            c.lookup("v1", "ConfigMap", "", "b").await.expect("get"),
            cm("b")
        );
        let all = c.lookup("v1", "ConfigMap", "", "").await.expect("list");
        assert_eq!(all["kind"], "ConfigMapList");
        assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
        let one = c.lookup("v1", "ConfigMap", "two", "").await.expect("list");
        assert_eq!(one["items"], json!([cm("b")]));
    }

    #[tokio::test]
    async fn fake_records_and_scripts() {
        let c = FakeCluster::new();
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "h"}});
        c.set_hook_outcome("h", HookOutcome::Failed("boom".into()));
        c.apply(&job, "default", "helm", false)
            .await
            .expect("apply");
        assert_eq!(
            c.wait_hook(&job, "default", Duration::from_secs(1))
                .await
                .expect("wait"),
            HookOutcome::Failed("boom".into())
        );
        assert!(matches!(
            c.readiness(&job, "default", true).await.expect("ready"),
            Readiness::InProgress(_)
        ));
        assert!(c
            .delete(&job, "default", PropagationPolicy::Background)
            .await
            .expect("delete"));
        assert!(!c
            .delete(&job, "default", PropagationPolicy::Background)
            .await
            .expect("delete"));
        assert!(c
            .wait_hook(&job, "default", Duration::from_secs(1))
            .await
            .is_err());
        assert_eq!(
            c.calls(),
            [
                FakeCall::Apply("Job/h".into()),
                FakeCall::Wait("Job/h".into()),
                FakeCall::Delete("Job/h".into()),
                FakeCall::Delete("Job/h".into()),
                FakeCall::Wait("Job/h".into()),
            ]
        );
        let err = c
            .apply(&json!({"kind": "X"}), "default", "helm", false)
            .await;
        assert!(err.is_err(), "incomplete manifests are refused");
    }
}
