//! The release record Helm stores (`release.Release` of Helm 4's `pkg/release/v1`), as
//! `encoding/json` writes it: field order, omitted fields and the exact timestamp strings.
//!
//! Records written by Helm 3 (zero times written out as `0001-01-01T00:00:00Z`, no
//! `apply_method`, no chart mod times) are kept as read, so they round-trip too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::chart_json::ChartRecord;
use crate::gojson::GoMap;
use crate::status::Status;

/// A timestamp as Go's `time.Time` marshals it (RFC 3339 with up to nine fraction digits and
/// the zone offset), kept verbatim so that re-encoding never changes it.
pub type Timestamp = String;

/// Go's zero `time.Time` as JSON.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A stored release.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Release {
    /// Release name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Status, times, notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// The chart that was installed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartRecord>,
    /// User-supplied values (`--set`, `-f`); omitted when empty, as Go's `omitempty` does.
    #[serde(skip_serializing_if = "GoMap::is_empty")]
    pub config: GoMap,
    /// The rendered manifest (without hooks).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The hooks with their last run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<HookRecord>,
    /// Revision number.
    #[serde(skip_serializing_if = "is_zero")]
    pub version: i64,
    /// Namespace of the release.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Custom labels: not part of the JSON, stored as labels of the Secret/ConfigMap/row.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
    /// `"ssa"` or `"csa"` (Helm 4; how the resources were applied).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub apply_method: String,
}

impl Release {
    /// The release status, if `info` is present and the string is one Helm knows.
    pub fn status(&self) -> Option<Status> {
        self.info.as_ref().and_then(|i| parse_status(&i.status))
    }

    /// The raw status string (empty when there is no `info`).
    pub fn status_str(&self) -> &str {
        self.info.as_ref().map(|i| i.status.as_str()).unwrap_or("")
    }
}

/// Release information (`release.Info`). Helm 4 omits zero times; Helm 3 wrote them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Info {
    /// When the first revision was deployed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_deployed: Option<Timestamp>,
    /// When this revision was deployed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_deployed: Option<Timestamp>,
    /// When it was deleted (uninstall with `--keep-history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Timestamp>,
    /// Human-readable description ("Install complete", ...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Status string (`deployed`, `pending-install`, ...), kept as read.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    /// Revision this one rolled back to.
    #[serde(skip_serializing_if = "is_zero")]
    pub rollback_revision: i64,
    /// Rendered NOTES.txt.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Resources by kind (only filled for `helm status --show-resources`, never stored).
    #[serde(skip_serializing_if = "GoMap::is_empty")]
    pub resources: GoMap,
}

/// A hook of a release (`release.Hook`); hook events and policies are kept as the strings
/// read (see [`crate::hook`] for the typed forms).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HookRecord {
    /// Resource name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Resource kind.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Template path (`chart/templates/x.yaml`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// The rendered manifest.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// Events (`pre-install`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The last execution; always written.
    pub last_run: HookExecution,
    /// Weight.
    #[serde(skip_serializing_if = "is_zero")]
    pub weight: i64,
    /// Delete policies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub delete_policies: Vec<String>,
    /// Output log policies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub output_log_policies: Vec<String>,
}

/// One execution of a hook (`release.HookExecution`); `phase` is always written (empty
/// string for a hook that never ran).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HookExecution {
    /// Start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// Completion time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// `Unknown`, `Running`, `Succeeded` or `Failed`.
    pub phase: String,
}

/// Parses a status string as Helm writes it.
pub fn parse_status(s: &str) -> Option<Status> {
    const ALL: [Status; 9] = [
        Status::Unknown,
        Status::Deployed,
        Status::Uninstalled,
        Status::Superseded,
        Status::Failed,
        Status::Uninstalling,
        Status::PendingInstall,
        Status::PendingUpgrade,
        Status::PendingRollback,
    ];
    ALL.into_iter().find(|st| st.as_str() == s)
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}
