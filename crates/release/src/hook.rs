//! Hooks: the events, delete policies and annotations Helm defines.

use serde::{Deserialize, Serialize};

/// `helm.sh/hook`: the events a hook runs at, comma separated.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// `helm.sh/hook-weight`: an integer as a string; anything else counts as 0.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// `helm.sh/hook-delete-policy`: comma separated delete policies.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
/// `helm.sh/hook-output-log-policy`: when to print a hook's pod logs.
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";
/// `helm.sh/resource-policy`: `keep` leaves the object behind on uninstall and upgrade.
pub const RESOURCE_POLICY_ANNOTATION: &str = "helm.sh/resource-policy";

/// A point of the lifecycle where hooks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HookEvent {
    /// `pre-install`
    #[serde(rename = "pre-install")]
    PreInstall,
    /// `post-install`
    #[serde(rename = "post-install")]
    PostInstall,
    /// `pre-delete`
    #[serde(rename = "pre-delete")]
    PreDelete,
    /// `post-delete`
    #[serde(rename = "post-delete")]
    PostDelete,
    /// `pre-upgrade`
    #[serde(rename = "pre-upgrade")]
    PreUpgrade,
    /// `post-upgrade`
    #[serde(rename = "post-upgrade")]
    PostUpgrade,
    /// `pre-rollback`
    #[serde(rename = "pre-rollback")]
    PreRollback,
    /// `post-rollback`
    #[serde(rename = "post-rollback")]
    PostRollback,
    /// `test` (also spelled `test-success` in charts)
    #[serde(rename = "test")]
    Test,
}

impl HookEvent {
    /// Every event, in lifecycle order.
    pub const ALL: [HookEvent; 9] = [
        HookEvent::PreInstall,
        HookEvent::PostInstall,
        HookEvent::PreDelete,
        HookEvent::PostDelete,
        HookEvent::PreUpgrade,
        HookEvent::PostUpgrade,
        HookEvent::PreRollback,
        HookEvent::PostRollback,
        HookEvent::Test,
    ];

    /// The string Helm stores.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }

    /// Parses one annotation item as Helm does: trimmed, lower-cased, `test-success` is
    /// `test`. Anything else (`test-failure`, `crd-install`, typos) is unknown: `None`.
    pub fn parse_annotation_item(item: &str) -> Option<HookEvent> {
        let item = item.trim().to_lowercase();
        if item == "test-success" {
            return Some(HookEvent::Test);
        }
        HookEvent::ALL.into_iter().find(|e| e.as_str() == item)
    }
}

impl std::fmt::Display for HookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hook delete policy. Helm keeps unknown policy strings as they are (they then match
/// nothing), so this is an open set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HookDeletePolicy(pub String);

impl HookDeletePolicy {
    /// `hook-succeeded`
    pub const SUCCEEDED: &'static str = "hook-succeeded";
    /// `hook-failed`
    pub const FAILED: &'static str = "hook-failed";
    /// `before-hook-creation`, the default when a hook names no policy.
    pub const BEFORE_HOOK_CREATION: &'static str = "before-hook-creation";
}

/// When a hook's pod logs are printed (`helm.sh/hook-output-log-policy`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HookOutputLogPolicy(pub String);

/// A hook as Helm sorts it out of the rendered manifests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hook {
    /// `metadata.name`
    pub name: String,
    /// `kind`
    pub kind: String,
    /// The template path it was rendered from (`chart/templates/x.yaml`).
    pub path: String,
    /// The manifest text of this one document.
    pub manifest: String,
    /// The events it runs at, in annotation order.
    pub events: Vec<HookEvent>,
    /// `helm.sh/hook-weight` as an integer (0 when absent or not an integer).
    pub weight: i64,
    /// The delete policies as written (lower-cased, trimmed).
    pub delete_policies: Vec<HookDeletePolicy>,
    /// The output log policies as written.
    pub output_log_policies: Vec<HookOutputLogPolicy>,
}

/// Helm's weight parsing: Go's `strconv.Atoi`, 0 on any error. Atoi accepts an optional sign
/// and decimal digits only, within the int range.
pub fn parse_weight(text: &str) -> i64 {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    text.parse::<i64>().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_like_go_atoi() {
        assert_eq!(parse_weight("5"), 5);
        assert_eq!(parse_weight("-5"), -5);
        assert_eq!(parse_weight("+7"), 7);
        assert_eq!(parse_weight(" 5"), 0);
        assert_eq!(parse_weight("1.5"), 0);
        assert_eq!(parse_weight(""), 0);
        assert_eq!(parse_weight("99999999999999999999"), 0);
        assert_eq!(parse_weight("0x10"), 0);
    }

    #[test]
    fn hook_items_parse_like_helm() {
        assert_eq!(
            HookEvent::parse_annotation_item(" Pre-Install "),
            Some(HookEvent::PreInstall)
        );
        assert_eq!(
            HookEvent::parse_annotation_item("test-success"),
            Some(HookEvent::Test)
        );
        assert_eq!(HookEvent::parse_annotation_item("test-failure"), None);
        assert_eq!(HookEvent::parse_annotation_item("crd-install"), None);
    }
}
