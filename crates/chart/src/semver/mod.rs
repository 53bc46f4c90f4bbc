//! Masterminds/semver v3.5.0 compatible versions and constraints, as Helm 4.3.1 uses them
//! for `semver`/`semverCompare`, dependency `version:` ranges and `kubeVersion:` checks.
//!
//! ```
//! use capstan_chart::semver::{Constraints, Version};
//! let c = Constraints::parse(">= 1.2, < 2 || ^3").unwrap();
//! assert!(c.check(&Version::parse("v1.4").unwrap()));
//! assert!(!c.check(&Version::parse("1.5.0-rc.1").unwrap()));
//! ```

mod constraints;
mod kube;
mod quote;
mod version;

pub use constraints::{ConstraintError, Constraints, MAX_CONSTRAINT_GROUPS, MAX_CONSTRAINT_LEN};
pub use kube::{is_compatible_range, kube_version_compatible, KubeVersion, KubeVersionError};

pub(crate) use quote::{go_quote, go_quote_runes};
pub use version::{ParseUintError, UintErrorKind, Version, VersionError, MAX_VERSION_LEN};

/// Sprig's `semverCompare`: parses the constraint, then the version, and checks.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, SemverCompareError> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

/// A failure of [`semver_compare`]: whichever of its two inputs failed first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SemverCompareError {
    /// The constraint did not parse.
    #[error(transparent)]
    Constraint(#[from] ConstraintError),
    /// The version did not parse.
    #[error(transparent)]
    Version(#[from] VersionError),
}
