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

/// Formats a UTC time as Go's `time.Time` JSON form (RFC 3339, fraction trimmed of trailing
/// zeros and left out when zero, `Z` zone), e.g. `2026-11-23T22:49:16.95248Z`.
pub fn format_timestamp(unix_secs: i64, nanos: u32) -> Timestamp {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    let nanos = nanos % 1_000_000_000;
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// The current time in Go's JSON form (see [`format_timestamp`]).
pub fn now_timestamp() -> Timestamp {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => format_timestamp(
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(_) => ZERO_TIME.to_owned(),
    }
}

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

impl HookRecord {
    /// The record of a parsed hook that has not run yet (`last_run` with an empty phase, as
    /// Helm stores hooks when it creates the pending release).
    pub fn from_hook(h: &crate::hook::Hook) -> HookRecord {
        HookRecord {
            name: h.name.clone(),
            kind: h.kind.clone(),
            path: h.path.clone(),
            manifest: h.manifest.clone(),
            events: h.events.iter().map(|e| e.as_str().to_owned()).collect(),
            last_run: HookExecution::default(),
            weight: h.weight,
            delete_policies: h.delete_policies.iter().map(|p| p.0.clone()).collect(),
            output_log_policies: h.output_log_policies.iter().map(|p| p.0.clone()).collect(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_like_go() {
        assert_eq!(format_timestamp(0, 0), "1970-01-01T00:00:00Z");
        // Seen in a helm 4.3.1 record: 2026-11-23T22:49:16.952480087Z.
        assert_eq!(
            format_timestamp(1_795_474_156, 952_480_087),
            "2026-11-23T22:49:16.952480087Z"
        );
        assert_eq!(
            format_timestamp(951_782_400, 500_000_000),
            "2000-02-29T00:00:00.5Z"
        );
        assert_eq!(format_timestamp(-62_135_596_800, 0), ZERO_TIME);
        assert!(now_timestamp().ends_with('Z'));
    }

    #[test]
    fn hook_record_from_parsed_hook() {
        let h = crate::hook::Hook {
            name: "h".into(),
            kind: "Job".into(),
            path: "c/templates/h.yaml".into(),
            manifest: "kind: Job\n".into(),
            events: vec![
                crate::hook::HookEvent::PreInstall,
                crate::hook::HookEvent::PostUpgrade,
            ],
            weight: -3,
            delete_policies: vec![crate::hook::HookDeletePolicy("before-hook-creation".into())],
            output_log_policies: vec![],
        };
        let json = crate::gojson::to_go_json(&HookRecord::from_hook(&h)).expect("encodes");
        assert_eq!(
            String::from_utf8_lossy(&json),
            r#"{"name":"h","kind":"Job","path":"c/templates/h.yaml","manifest":"kind: Job\n","events":["pre-install","post-upgrade"],"last_run":{"phase":""},"weight":-3,"delete_policies":["before-hook-creation"]}"#
        );
    }
}
