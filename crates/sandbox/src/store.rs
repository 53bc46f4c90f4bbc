//! The object store: every object as JSON, one global resourceVersion counter, and a
//! history of changes that feeds watches (and answers `410 Gone` once it has rolled over).

use crate::error::ApiError;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// The kind of a watch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Object created.
    Added,
    /// Object changed.
    Modified,
    /// Object removed.
    Deleted,
}

impl EventType {
    /// The wire name (`ADDED`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change in the store.
#[derive(Debug, Clone)]
pub struct Change {
    /// The resourceVersion this change produced.
    pub rv: u64,
    /// Storage key of the resource type (`group/plural`).
    pub key: String,
    /// Namespace (empty for cluster-scoped objects).
    pub namespace: String,
    /// Object name.
    pub name: String,
    /// What happened.
    pub kind: EventType,
    /// The object after the change (before removal, for `Deleted`).
    pub object: Value,
    /// The object before a `Modified` change, so watches with selectors can tell when an
    /// object enters or leaves their selection.
    pub previous: Option<Value>,
}

type Objects = BTreeMap<(String, String), Value>;

/// Retained changes to replay, and the receiver of live ones.
pub type WatchStart = (Vec<Arc<Change>>, broadcast::Receiver<Arc<Change>>);

struct Inner {
    rv: u64,
    objects: HashMap<String, Objects>,
    history: VecDeque<Arc<Change>>,
    history_cap: usize,
    rng: u64,
}

/// The shared object store.
pub struct Store {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Change>>,
}

/// Fields whose change does not bump `metadata.generation`.
fn spec_part(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("metadata");
        m.remove("status");
    }
    v
}

/// Reads `metadata.resourceVersion` as a number.
pub fn rv_of(obj: &Value) -> Option<u64> {
    obj["metadata"]["resourceVersion"].as_str()?.parse().ok()
}

impl Store {
    /// A store keeping the last `history_cap` changes for watch resumption, seeded for names
    /// and uids.
    pub fn new(history_cap: usize, seed: u64) -> Self {
        let (tx, _) = broadcast::channel(history_cap.clamp(1024, 65_536));
        Self {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: HashMap::new(),
                history: VecDeque::new(),
                history_cap: history_cap.max(1),
                rng: seed | 1,
            }),
            tx,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock means a panic mid-write; the data is still a consistent map, so
        // keep serving rather than cascading the panic.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current (latest) resourceVersion.
    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// A pseudo-random u64 from the seeded generator (xorshift64*).
    pub fn random(&self) -> u64 {
        let mut g = self.lock();
        let mut x = g.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        g.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A five-character suffix like the API server's generateName.
    pub fn name_suffix(&self) -> String {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut r = self.random();
        (0..5)
            .map(|_| {
                let c = ALPHA[(r % ALPHA.len() as u64) as usize] as char;
                r /= ALPHA.len() as u64;
                c
            })
            .collect()
    }

    /// A random (version 4 layout) UUID.
    pub fn uid(&self) -> String {
        let (a, b) = (self.random(), self.random());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// Subscribes to future changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// Subscribes and returns the retained changes after `rv`, atomically, so nothing is missed
    /// between replay and live events. `Err` if `rv` is older than the retained history.
    pub fn watch_from(&self, rv: u64) -> Result<WatchStart, ApiError> {
        let g = self.lock();
        let rx = self.tx.subscribe();
        let oldest = g.history.front().map(|c| c.rv).unwrap_or(g.rv + 1);
        // Changes rv+1.. must all still be in the history: rv+1 >= oldest retained.
        if rv + 1 < oldest && rv < g.rv {
            return Err(ApiError::gone(format!(
                "too old resource version: {rv} ({})",
                oldest.saturating_sub(1)
            )));
        }
        let replay = g.history.iter().filter(|c| c.rv > rv).cloned().collect();
        Ok((replay, rx))
    }

    /// One object.
    pub fn get(&self, key: &str, ns: &str, name: &str) -> Option<Value> {
        self.lock()
            .objects
            .get(key)?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    /// Every object of a type (in one namespace, or all when `ns` is `None`), in name order,
    /// with the resourceVersion the list is consistent at.
    pub fn list(&self, key: &str, ns: Option<&str>) -> (Vec<Value>, u64) {
        let g = self.lock();
        let items = match g.objects.get(key) {
            None => vec![],
            Some(m) => match ns {
                Some(ns) => m
                    .range((ns.to_string(), String::new())..)
                    .take_while(|((n, _), _)| n == ns)
                    .map(|(_, v)| v.clone())
                    .collect(),
                None => m.values().cloned().collect(),
            },
        };
        (items, g.rv)
    }

    /// Every stored type key with its objects, for garbage collection and namespace cleanup.
    pub fn keys(&self) -> Vec<String> {
        self.lock().objects.keys().cloned().collect()
    }

    fn record(&self, g: &mut Inner, change: Change) {
        let c = Arc::new(change);
        g.history.push_back(c.clone());
        while g.history.len() > g.history_cap {
            g.history.pop_front();
        }
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(c);
    }

    /// Stores a new object; fails with AlreadyExists. Sets resourceVersion (and generation 1
    /// when `track_generation`).
    pub fn create(
        &self,
        key: &str,
        group: &str,
        plural: &str,
        mut obj: Value,
        track_generation: bool,
    ) -> Result<Value, ApiError> {
        let (ns, name) = namespace_and_name(&obj);
        let mut g = self.lock();
        let id = (ns.clone(), name.clone());
        if g.objects.get(key).is_some_and(|m| m.contains_key(&id)) {
            return Err(ApiError::already_exists(group, plural, &name));
        }
        g.rv += 1;
        let rv = g.rv;
        obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        if track_generation {
            obj["metadata"]["generation"] = Value::from(1);
        }
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert(id, obj.clone());
        self.record(
            &mut g,
            Change {
                rv,
                key: key.to_string(),
                namespace: ns,
                name,
                kind: EventType::Added,
                object: obj.clone(),
                previous: None,
            },
        );
        Ok(obj)
    }

    /// Replaces an object. If `obj` carries a resourceVersion it must match the stored one
    /// (409 otherwise). Bumps generation when the spec changed and `track_generation`.
    /// Returns the stored object, unchanged (no new resourceVersion) if nothing differs.
    pub fn update(
        &self,
        key: &str,
        group: &str,
        plural: &str,
        mut obj: Value,
        track_generation: bool,
    ) -> Result<Value, ApiError> {
        let (ns, name) = namespace_and_name(&obj);
        let mut g = self.lock();
        let id = (ns.clone(), name.clone());
        let Some(old) = g.objects.get(key).and_then(|m| m.get(&id)).cloned() else {
            return Err(ApiError::not_found(group, plural, &name));
        };
        let old_rv = rv_of(&old).unwrap_or(0);
        match obj["metadata"]["resourceVersion"].as_str() {
            Some(s) if !s.is_empty() && s.parse::<u64>().ok() != Some(old_rv) => {
                return Err(ApiError::conflict(group, plural, &name));
            }
            _ => {}
        }
        obj["metadata"]["resourceVersion"] = Value::String(old_rv.to_string());
        // Immutable identity fields always come from the stored object.
        for f in ["uid", "creationTimestamp", "generation"] {
            match old["metadata"].get(f) {
                Some(v) => obj["metadata"][f] = v.clone(),
                None => {
                    if let Some(m) = obj["metadata"].as_object_mut() {
                        m.remove(f);
                    }
                }
            }
        }
        if track_generation && spec_part(&old) != spec_part(&obj) {
            let gen = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
            obj["metadata"]["generation"] = Value::from(gen);
        }
        if obj == old {
            return Ok(old);
        }
        g.rv += 1;
        let rv = g.rv;
        obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert(id, obj.clone());
        self.record(
            &mut g,
            Change {
                rv,
                key: key.to_string(),
                namespace: ns,
                name,
                kind: EventType::Modified,
                object: obj.clone(),
                previous: Some(old),
            },
        );
        Ok(obj)
    }

    /// Removes an object, recording a DELETED change. `None` if it was not there.
    pub fn remove(&self, key: &str, ns: &str, name: &str) -> Option<Value> {
        let mut g = self.lock();
        let id = (ns.to_string(), name.to_string());
        let mut obj = g.objects.get_mut(key)?.remove(&id)?;
        g.rv += 1;
        let rv = g.rv;
        obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        self.record(
            &mut g,
            Change {
                rv,
                key: key.to_string(),
                namespace: ns.to_string(),
                name: name.to_string(),
                kind: EventType::Deleted,
                object: obj.clone(),
                previous: None,
            },
        );
        Some(obj)
    }
}

/// The object's `metadata.namespace` and `metadata.name` (empty when absent).
fn namespace_and_name(obj: &Value) -> (String, String) {
    let field = |f: &str| obj["metadata"][f].as_str().unwrap_or_default().to_string();
    (field("namespace"), field("name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": {"a": "1"}})
    }

    #[test]
    fn resource_versions_increase_and_conflicts_are_detected() {
        let s = Store::new(100, 7);
        let a = s
            .create("/configmaps", "", "configmaps", cm("a"), false)
            .unwrap();
        let rv1 = rv_of(&a).unwrap();
        assert!(s
            .create("/configmaps", "", "configmaps", cm("a"), false)
            .is_err());
        let mut changed = a.clone();
        changed["data"]["a"] = json!("2");
        let b = s
            .update("/configmaps", "", "configmaps", changed.clone(), false)
            .unwrap();
        assert!(rv_of(&b).unwrap() > rv1);
        // The old resourceVersion is now stale.
        let err = s
            .update("/configmaps", "", "configmaps", changed, false)
            .unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(s.list("/configmaps", Some("default")).0.len(), 1);
        assert!(s.remove("/configmaps", "default", "a").is_some());
        assert!(s.get("/configmaps", "default", "a").is_none());
    }

    #[test]
    fn generation_tracks_spec_changes_only() {
        let s = Store::new(100, 7);
        let d = json!({"metadata": {"name": "d", "namespace": "n"}, "spec": {"replicas": 1}});
        let d = s
            .create("apps/deployments", "apps", "deployments", d, true)
            .unwrap();
        let mut st = d.clone();
        st["status"] = json!({"replicas": 1});
        let st = s
            .update("apps/deployments", "apps", "deployments", st, true)
            .unwrap();
        assert_eq!(st["metadata"]["generation"], 1);
        let mut sp = st.clone();
        sp["spec"]["replicas"] = json!(3);
        let sp = s
            .update("apps/deployments", "apps", "deployments", sp, true)
            .unwrap();
        assert_eq!(sp["metadata"]["generation"], 2);
    }

    #[test]
    fn watch_history_expires() {
        let s = Store::new(2, 7);
        for n in ["a", "b", "c", "d"] {
            s.create("/configmaps", "", "configmaps", cm(n), false)
                .unwrap();
        }
        let now = s.current_rv();
        assert!(s.watch_from(now - 1).is_ok());
        assert_eq!(s.watch_from(1).unwrap_err().code, 410);
        let (replay, _) = s.watch_from(now - 2).unwrap();
        assert_eq!(replay.len(), 2);
    }

    #[test]
    fn uids_and_suffixes_look_real() {
        let s = Store::new(2, 1);
        let u = s.uid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(s.uid(), u);
        assert_eq!(s.name_suffix().len(), 5);
    }
}
