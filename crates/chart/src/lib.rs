//! Helm charts: loading (directory, `.tgz`, bytes) with Helm's limits, `Chart.yaml`,
//! dependencies (conditions, tags, aliases, import-values), values coalescing, `--set`
//! parsing, YAML read as Helm reads it, and `values.schema.json` validation.
#![warn(missing_docs)]

pub mod metadata;
pub mod semver;
pub mod strvals;
pub mod yaml;
