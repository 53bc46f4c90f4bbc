//! Release statuses, spelled as Helm stores them.

use serde::{Deserialize, Serialize};

/// The status of one release revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// `unknown`
    #[serde(rename = "unknown")]
    Unknown,
    /// `deployed`
    #[serde(rename = "deployed")]
    Deployed,
    /// `uninstalled`
    #[serde(rename = "uninstalled")]
    Uninstalled,
    /// `superseded`
    #[serde(rename = "superseded")]
    Superseded,
    /// `failed`
    #[serde(rename = "failed")]
    Failed,
    /// `uninstalling`
    #[serde(rename = "uninstalling")]
    Uninstalling,
    /// `pending-install`
    #[serde(rename = "pending-install")]
    PendingInstall,
    /// `pending-upgrade`
    #[serde(rename = "pending-upgrade")]
    PendingUpgrade,
    /// `pending-rollback`
    #[serde(rename = "pending-rollback")]
    PendingRollback,
}

impl Status {
    /// The string Helm writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
        }
    }

    /// Whether an operation is (or was left) in progress: Helm's lock states.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
