//! The audit log: one JSON line per API request, in the order the server finished them.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::Mutex;

/// One audited request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// RFC 3339 time with microseconds.
    pub time: String,
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`.
    pub verb: String,
    /// Plural resource, with subresource as `pods/log`.
    pub resource: String,
    /// API group (empty for core).
    pub group: String,
    /// Namespace, empty when cluster-scoped or all namespaces.
    pub namespace: String,
    /// Object name, empty for collections.
    pub name: String,
    /// Field manager of a write (query `fieldManager`, or derived from the user agent).
    pub field_manager: String,
    /// HTTP status code answered.
    pub code: u16,
    /// The client's User-Agent.
    pub user_agent: String,
}

/// Collected records, mirrored to a JSON-lines file when configured.
#[derive(Debug, Default)]
pub struct Audit {
    records: Mutex<Vec<AuditRecord>>,
    file: Option<Mutex<std::fs::File>>,
}

impl Audit {
    /// An audit log, also appending to `file` if given.
    pub fn new(file: Option<std::fs::File>) -> Self {
        Self {
            records: Mutex::new(Vec::new()),
            file: file.map(Mutex::new),
        }
    }

    /// Records one request.
    pub fn record(&self, r: AuditRecord) {
        if let Some(f) = &self.file {
            if let (Ok(mut f), Ok(line)) = (f.lock(), serde_json::to_string(&r)) {
                // The in-memory copy stays authoritative if the disk is full.
                let _ = writeln!(f, "{line}");
            }
        }
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(r);
    }

    /// Every record so far.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The records as JSON lines.
    pub fn to_json_lines(&self) -> String {
        self.records()
            .iter()
            .filter_map(|r| serde_json::to_string(r).ok())
            .map(|l| l + "\n")
            .collect()
    }
}
