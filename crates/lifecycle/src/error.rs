//! The lifecycle's errors. Their `Display` is the text Helm 4.3.1 prints after `Error: `
//! (without the CLI's `INSTALLATION FAILED: ` / `UPGRADE FAILED: ` prefix, which the CLI adds
//! as helm's commands do), because users and scripts match on it.

use capstan_kube::cluster::ClusterError;
use capstan_storage::StorageError;

/// Helm's release-name rule, quoted in its error.
pub const NAME_REGEX: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// A lifecycle failure.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// No release name was given.
    #[error("release name \"\": no name provided")]
    MissingName,
    /// The release name breaks Helm's rule (≤ 53 characters, DNS-like).
    #[error("release name {0:?}: invalid release name, must match regex {NAME_REGEX} and the length must not be longer than 53")]
    InvalidName(String),
    /// `upgrade`/`rollback`/`uninstall`/`test` got an invalid name.
    #[error("{action}: Release name is invalid: {name}")]
    InvalidNameFor {
        /// Helm's prefix (`uninstall`, `prepareRollback`, `releaseTest`).
        action: &'static str,
        /// The name.
        name: String,
    },
    /// Install over an existing release without `--replace` (or with a live latest revision).
    #[error("cannot reuse a name that is still in use")]
    NameInUse,
    /// The newest revision is `pending-*` and its operation is not known to be dead.
    #[error("another operation (install/upgrade/rollback) is in progress")]
    Pending,
    /// Upgrade of a release that has no revision at all.
    #[error("{0:?} has no deployed releases")]
    NoDeployedReleases(String),
    /// A release that does not exist (Helm's `release: not found`).
    #[error("release: not found")]
    NotFound,
    /// Rollback to a revision that is not in the history.
    #[error("release has no {0} version")]
    NoSuchRevision(i64),
    /// Uninstall of a release whose newest revision is already `uninstalled`.
    #[error("the release named {0:?} is already deleted")]
    AlreadyDeleted(String),
    /// `--labels` uses one of the storage's own label names.
    #[error("user supplied labels contains system reserved label name. System labels: [name owner status version createdAt modifiedAt]")]
    ReservedLabel,
    /// `--description` longer than 256 characters (rollback).
    #[error("description must be 256 characters or less, got {0}")]
    DescriptionTooLong(usize),
    /// Rendering or values failed (Helm's message).
    #[error("{0}")]
    Render(String),
    /// A manifest could not be read as an object.
    #[error("{0}")]
    Manifest(String),
    /// The operation failed; the text is Helm's, prefixes included
    /// (`failed pre-install: …`, `release x failed, and has been uninstalled …`).
    #[error("{0}")]
    Failed(String),
    /// Release storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A cluster call failed outside a hook or apply step.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}

/// Validates a release name as Helm's `ValidateReleaseName` does.
pub fn validate_name(name: &str) -> Result<(), LifecycleError> {
    if name.is_empty() {
        return Err(LifecycleError::MissingName);
    }
    if name.len() > 53 || !dns_name(name) {
        return Err(LifecycleError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`: dot-separated labels
/// of lower-case letters, digits and inner dashes.
fn dns_name(name: &str) -> bool {
    name.split('.').all(|label| {
        let b = label.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && alnum(&b[0])
            && alnum(&b[b.len() - 1])
            && b.iter().all(|c| alnum(c) || *c == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_helm() {
        for ok in ["a", "my-release", "a.b-c.d", "0x"] {
            validate_name(ok).expect(ok);
        }
        for bad in ["", "A", "-a", "a-", "a..b", "a_b", &"x".repeat(54)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            validate_name("Bad").unwrap_err().to_string(),
            "release name \"Bad\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
        );
    }
}
