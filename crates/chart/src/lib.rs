//! Helm charts as Helm 4.3.1 reads them: loading (directory, `.tgz`, bytes) with Helm's
//! limits and path checks, `Chart.yaml`, dependencies (conditions, tags, aliases,
//! import-values), values coalescing, `--set` parsing ([`strvals`]), Masterminds semver
//! ([`semver`]), YAML read the way Helm reads it ([`yaml`]), and `values.schema.json`
//! validation with Helm 4's messages ([`schema`]).
//!
//! The usual sequence, as `helm template` runs it:
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut chart = capstan_chart::load("mychart")?;
//! let user = capstan_chart::values::parse_values(b"replicaCount: 2\n")?;
//! let values = capstan_chart::helm_values(&mut chart, &user, false)?;
//! capstan_chart::check_kube_version(&chart, "v1.31.0")?;
//! // `values` is `.Values` for the top-level templates; `chart` now holds only the
//! // enabled subcharts, renamed to their aliases. A subchart's templates see
//! // `values::scoped_values(&values, &["sub"])`, and `.Chart` is
//! // `chart.metadata.to_template_value(true)`.
//! for (name, file) in chart.all_templates() {
//!     // "mychart/templates/x.yaml", "mychart/charts/sub/templates/y.yaml", ...
//! #   let _ = (name, file);
//! }
//! # let _ = values; Ok(()) }
//! ```
//!
//! Map of the crate:
//! * [`loader`]: [`load`], [`load_dir`], [`load_archive`], [`loader::load_files`];
//!   [`archive`]: the safe `.tgz` reader; [`ignore`]: `.helmignore`.
//! * [`chart`]: [`Chart`] and [`File`]; [`metadata`]: `Chart.yaml`, lock files, validation.
//! * [`deps`]: `ProcessDependencies`; [`values`]: parsing, `MergeMaps`, coalescing.
//! * [`schema`]: validation of the chart and every subchart.
//! * [`yaml`]: `yaml::from_str(text) -> serde_json::Value`, JSON-normalised like Helm.
#![warn(missing_docs)]

pub mod archive;
pub mod chart;
pub mod deps;
pub mod ignore;
mod imports;
pub mod loader;
pub mod metadata;
pub mod schema;
pub mod semver;
pub mod strvals;
pub mod values;
pub mod yaml;

pub use chart::{Chart, File};
pub use loader::{load, load_archive, load_dir, LoadError};
pub use values::Values;

/// A failure computing the values of a chart, in the order Helm checks.
#[derive(Debug, thiserror::Error)]
pub enum ValuesPipelineError {
    /// The chart is a library (or another non-application type).
    #[error("{0} charts are not installable")]
    NotInstallable(String),
    /// A dependency listed in `Chart.yaml` is not in `charts/`.
    #[error(transparent)]
    MissingDependencies(#[from] deps::MissingDependencies),
    /// Coalescing hit a type mismatch.
    #[error("chart dependencies processing failed: {0}")]
    Dependencies(values::CoalesceError),
    /// Coalescing hit a type mismatch.
    #[error(transparent)]
    Coalesce(values::CoalesceError),
    /// The values fail a schema.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

/// The chart's `kubeVersion:` constraint does not admit the target cluster version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {version}")]
pub struct KubeVersionMismatch {
    /// The chart's constraint.
    pub constraint: String,
    /// The cluster version as Helm prints it (`v1.31.0`).
    pub version: String,
}

/// Helm's render-time check of `kubeVersion:` against the target cluster version
/// (`kube_version` as Helm prints it, e.g. `v1.31.0`). Charts without a constraint pass.
pub fn check_kube_version(chart: &Chart, kube_version: &str) -> Result<(), KubeVersionMismatch> {
    let constraint = &chart.metadata.kube_version;
    if constraint.is_empty() || semver::kube_version_compatible(constraint, kube_version) {
        return Ok(());
    }
    Err(KubeVersionMismatch {
        constraint: constraint.clone(),
        version: kube_version.to_string(),
    })
}

/// Helm's `checkIfInstallable`: only `application` (or untyped) charts install.
pub fn check_installable(chart: &Chart) -> Result<(), ValuesPipelineError> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => Ok(()),
        other => Err(ValuesPipelineError::NotInstallable(other.to_string())),
    }
}

/// Computes `.Values` for the top-level templates the way `helm install`/`helm template`
/// does: installability check, missing-dependency check, dependency processing (which
/// removes disabled subcharts from `chart` and applies aliases and import-values),
/// coalescing with `user` (the merged `-f`/`--set` values), then schema validation of
/// the chart and every subchart unless `skip_schema_validation`.
///
/// The `kubeVersion:` constraint is checked separately with
/// [`semver::kube_version_compatible`], since Helm does it when rendering.
pub fn helm_values(
    chart: &mut Chart,
    user: &Values,
    skip_schema_validation: bool,
) -> Result<Values, ValuesPipelineError> {
    helm_values_logged(chart, user, skip_schema_validation, &mut Vec::new())
}

/// [`helm_values`], appending to `log` the lines Helm 4 prints on stderr along the way
/// (slog text format, in Helm's order: coalescing warnings at INFO, non-bool
/// conditions/tags and missing import tables at WARN). When dependency processing fails,
/// Helm also logs `level=ERROR msg="chart dependencies processing failed" error=...`;
/// that line is added too.
pub fn helm_values_logged(
    chart: &mut Chart,
    user: &Values,
    skip_schema_validation: bool,
    log: &mut Vec<String>,
) -> Result<Values, ValuesPipelineError> {
    check_installable(chart)?;
    deps::check_dependencies(chart)?;
    if let Err(e) = deps::process_dependencies_logged(chart, user, log) {
        log.push(format!(
            "level=ERROR msg=\"chart dependencies processing failed\" error={}",
            deps::slog_value(&e.to_string())
        ));
        return Err(ValuesPipelineError::Dependencies(e));
    }
    let mut raw = Vec::new();
    let vals = values::coalesce_values_logged(chart, user, &mut raw);
    log.extend(deps::info_lines(raw));
    let vals = vals.map_err(ValuesPipelineError::Coalesce)?;
    if !skip_schema_validation {
        schema::validate_against_schema(chart, &vals)?;
    }
    Ok(vals)
}
