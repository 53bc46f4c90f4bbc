//! `kubeVersion:` checks as Helm 4.3.1 makes them.
//!
//! Helm checks a chart's `kubeVersion` constraint with `IsCompatibleRange(constraint,
//! caps.KubeVersion.String())`. When the version came from `--kube-version`, Helm parsed it
//! with Kubernetes' generic version parser and `String()` is the *normalized* form, with
//! every suffix stripped (`v1.33.4-gke.1245000` is checked as `v1.33.4`), so vendor
//! prereleases do not fail `>= 1.33.0`. A version reported by a cluster is checked raw.

use super::constraints::Constraints;
use super::quote::go_quote;
use super::version::{parse_u64, Version};

/// Why Kubernetes' generic version parser (`k8s.io/apimachinery` `ParseGeneric`) rejected a
/// `--kube-version` value. Helm prints it as `invalid kube version '<v>': <this>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KubeVersionError {
    /// The text does not start with an optional `v` and a number, or has a newline after
    /// the numbers.
    #[error("could not parse {} as version", go_quote(.0))]
    Unparsable(String),
    /// Fewer than two numeric components.
    #[error("illegal version string {}", go_quote(.0))]
    Illegal(String),
    /// The major component has a leading zero.
    #[error("illegal zero-prefixed version component {} in {}", go_quote(.component), go_quote(.input))]
    ZeroPrefixed {
        /// The component.
        component: String,
        /// The whole input.
        input: String,
    },
    /// A component does not fit in a `u64`.
    #[error("illegal non-numeric version component {} in {}: {source}", go_quote(.component), go_quote(.input))]
    NonNumeric {
        /// The component.
        component: String,
        /// The whole input.
        input: String,
        /// Go's strconv error.
        source: super::version::ParseUintError,
    },
}

/// A Kubernetes version as Helm's `ParseKubeVersion` builds it from `--kube-version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// The input with a `v` added in front when missing (`.Capabilities.KubeVersion.Version`).
    pub version: String,
    /// `v` and the numeric components only, used for constraint checks.
    pub normalized: String,
    /// The first component, in decimal.
    pub major: String,
    /// The second component, in decimal.
    pub minor: String,
}

impl KubeVersion {
    /// Parses like Helm's `common.ParseKubeVersion`.
    pub fn parse(input: &str) -> Result<KubeVersion, KubeVersionError> {
        let numbers = generic_numbers(input)
            .ok_or_else(|| KubeVersionError::Unparsable(input.to_string()))?;
        let components: Vec<&str> = numbers.split('.').collect();
        if components.len() < 2 {
            return Err(KubeVersionError::Illegal(input.to_string()));
        }
        let mut values = Vec::with_capacity(components.len());
        for (i, comp) in components.iter().enumerate() {
            if i == 0 && comp.starts_with('0') && *comp != "0" {
                return Err(KubeVersionError::ZeroPrefixed {
                    component: comp.to_string(),
                    input: input.to_string(),
                });
            }
            let n = parse_u64(comp).map_err(|source| KubeVersionError::NonNumeric {
                component: comp.to_string(),
                input: input.to_string(),
                source,
            })?;
            values.push(n.to_string());
        }
        let version = if input.starts_with('v') {
            input.to_string()
        } else {
            format!("v{input}")
        };
        Ok(KubeVersion {
            version,
            normalized: format!("v{}", values.join(".")),
            major: values[0].clone(),
            minor: values[1].clone(),
        })
    }
}

/// The numeric part of `^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$`: everything after it may be
/// anything but a newline (Go's `.` does not match `\n`).
fn generic_numbers(input: &str) -> Option<&str> {
    let s = input.as_bytes();
    let mut i = 0;
    while s
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
    {
        i += 1;
    }
    if s.get(i) == Some(&b'v') {
        i += 1;
    }
    let start = i;
    let digits = |from: usize| from + s[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = digits(start);
    if end == start {
        return None;
    }
    while s.get(end) == Some(&b'.') && s.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if s[end..].contains(&b'\n') {
        return None;
    }
    Some(&input[start..end])
}

/// Helm's `IsCompatibleRange`: true when `version` parses (leniently) and satisfies
/// `constraint`; false when either fails to parse. Used for dependency `version:` ranges
/// and for `kubeVersion` against a version reported by a cluster.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    Constraints::parse(constraint).is_ok_and(|c| c.check(&v))
}

/// Helm's `kubeVersion` check for a `--kube-version` value: the version is normalized like
/// `ParseKubeVersion` does (suffixes dropped: `v1.30.0-gke.1` is checked as `v1.30.0`)
/// before [`is_compatible_range`]. A value the Kubernetes parser rejects is checked as
/// given (Helm refuses such a `--kube-version` before it gets here).
pub fn kube_version_compatible(constraint: &str, kube_version: &str) -> bool {
    match KubeVersion::parse(kube_version) {
        Ok(kv) => is_compatible_range(constraint, &kv.normalized),
        Err(_) => is_compatible_range(constraint, kube_version),
    }
}
