//! The state every handler and controller shares.

use crate::audit::Audit;
use crate::faults::Faults;
use crate::resources::{Registry, ResourceDef};
use crate::store::Store;
use crate::SandboxConfig;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// The log of one container: lines so far, and whether it has ended.
#[derive(Debug, Default)]
pub struct LogBuf {
    lines: Mutex<Vec<String>>,
    done: AtomicBool,
    /// Woken on every new line and at the end.
    pub notify: Notify,
}

impl LogBuf {
    /// Appends a line.
    pub fn push(&self, line: String) {
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
        self.notify.notify_waiters();
    }

    /// Marks the log finished (container exited).
    pub fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether the container exited.
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    /// Lines from index `from`.
    pub fn lines_from(&self, from: usize) -> Vec<String> {
        let g = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        g.get(from..).map(<[String]>::to_vec).unwrap_or_default()
    }

    /// Number of lines so far.
    pub fn len(&self) -> usize {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Shared server state.
pub struct Shared {
    /// Objects.
    pub store: Store,
    /// Served types.
    pub registry: Registry,
    /// Configuration the sandbox started with.
    pub config: SandboxConfig,
    /// Request log.
    pub audit: Audit,
    /// Fault injection.
    pub faults: Faults,
    logs: Mutex<HashMap<(String, String, String), Arc<LogBuf>>>,
    ip_counter: AtomicU32,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Shared {
    /// Fresh state.
    pub fn new(config: SandboxConfig, audit: Audit) -> Self {
        Self {
            store: Store::new(config.watch_history, config.seed),
            registry: Registry::new(),
            faults: Faults::new(config.faults.clone()),
            audit,
            config,
            logs: Mutex::new(HashMap::new()),
            ip_counter: AtomicU32::new(1),
            stop: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Tells every background task (controllers, pod runs, watches, log follows) to end.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Spawns a task that ends early when the sandbox stops, so shutdown never waits on a
    /// long watch and no controller outlives its server.
    pub fn spawn<F>(&self, f: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let mut rx = self.stop.subscribe();
        tokio::spawn(async move {
            let stopped = async move {
                while !*rx.borrow_and_update() {
                    if rx.changed().await.is_err() {
                        return;
                    }
                }
            };
            tokio::select! {
                _ = f => {}
                _ = stopped => {}
            }
        });
    }

    /// The next number for a Service cluster IP.
    pub fn next_ip(&self) -> u32 {
        self.ip_counter.fetch_add(1, Ordering::SeqCst)
    }

    /// The preferred type stored under a store key (`group/plural`).
    pub fn def_for_key(&self, key: &str) -> Option<ResourceDef> {
        let all = self.registry.all();
        all.iter()
            .find(|d| d.store_key() == key && d.preferred)
            .or_else(|| all.iter().find(|d| d.store_key() == key))
            .cloned()
    }

    /// The log buffer of a container, created on first use.
    pub fn log_buf(&self, ns: &str, pod: &str, container: &str) -> Arc<LogBuf> {
        self.logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((ns.into(), pod.into(), container.into()))
            .or_default()
            .clone()
    }

    /// The log buffer of a container if it has one.
    pub fn existing_log(&self, ns: &str, pod: &str, container: &str) -> Option<Arc<LogBuf>> {
        self.logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(ns.into(), pod.into(), container.into()))
            .cloned()
    }

    /// Drops the logs of a deleted pod (so a new pod with the same name starts clean).
    pub fn forget_logs_of(&self, def: &ResourceDef, obj: &Value) {
        if def.kind != "Pod" || !def.group.is_empty() {
            return;
        }
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = obj["metadata"]["name"].as_str().unwrap_or_default();
        let mut g = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        g.retain(|(n, p, _), buf| {
            let keep = !(n == ns && p == name);
            if !keep {
                buf.finish();
            }
            keep
        });
    }
}
