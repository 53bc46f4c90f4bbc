//! Rendering a chart for a release, as `helm install`/`upgrade` do before they touch
//! anything: values, `.Release` (name, namespace, revision, IsInstall/IsUpgrade),
//! `.Capabilities` from the cluster, NOTES, and the split into hooks and ordered manifests.

use std::sync::Arc;

use capstan_chart::{Chart, Values};
use capstan_release::{sort_manifests, Hook, Manifest, INSTALL_ORDER};
use capstan_render::data::ReleaseInfo;
use capstan_render::engine::{render, EngineOptions, RenderContext};
use capstan_render::objects::{Capabilities, KubeVersion, VersionSet};
use capstan_render::template::parse_head;

use crate::error::LifecycleError;
use crate::request::RenderOptions;

/// Who the chart is rendered for.
#[derive(Clone, Debug)]
pub struct RenderTarget<'a> {
    /// Release name.
    pub name: &'a str,
    /// Release namespace.
    pub namespace: &'a str,
    /// `.Release.Revision`.
    pub revision: i64,
    /// `.Release.IsUpgrade` (and not `IsInstall`).
    pub is_upgrade: bool,
}

/// A chart rendered for a release.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The release manifest as Helm stores it (`---\n# Source: …` per document, hooks and
    /// CRDs excluded), in install order.
    pub manifest: String,
    /// Regular manifests in install order.
    pub manifests: Vec<Manifest>,
    /// Hooks in kind order (Helm's stored order).
    pub hooks: Vec<Hook>,
    /// NOTES.txt output.
    pub notes: String,
    /// Warnings for the user (deprecated chart, unknown hook events dropped, …).
    pub warnings: Vec<String>,
    /// `crds/` files of the chart and its subcharts: (path, content).
    pub crds: Vec<(String, String)>,
}

/// Renders `chart` with the user's `values` for `target`.
pub fn render_release(
    mut chart: Chart,
    values: &Values,
    target: &RenderTarget<'_>,
    opts: &RenderOptions,
) -> Result<Rendered, LifecycleError> {
    let mut warnings = Vec::new();
    if chart.metadata.deprecated {
        warnings.push("this chart is deprecated".to_owned());
    }
    let vals = capstan_chart::helm_values(&mut chart, values, opts.skip_schema_validation)
        .map_err(|e| LifecycleError::Render(e.to_string()))?;
    let kube_version = match &opts.kube_version {
        Some(v) => Some(KubeVersion::parse(v).map_err(|e| LifecycleError::Render(e.to_string()))?),
        None => None,
    };
    let mut caps = Capabilities::for_template(kube_version, &[]);
    if !opts.api_versions.is_empty() {
        caps.api_versions = Arc::new(VersionSet(opts.api_versions.clone()));
    }
    capstan_chart::check_kube_version(&chart, &caps.kube_version.version)
        .map_err(|e| LifecycleError::Render(e.to_string()))?;
    let ctx = RenderContext {
        release: ReleaseInfo {
            name: target.name.to_owned(),
            namespace: target.namespace.to_owned(),
            revision: target.revision,
            is_upgrade: target.is_upgrade,
        },
        capabilities: Arc::new(caps),
        values: vals,
    };
    let mut files =
        render(&chart, &ctx, EngineOptions::default()).map_err(|e| LifecycleError::Render(e.0))?;
    let top_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let note_names: Vec<String> = files
        .keys()
        .filter(|k| k.ends_with("NOTES.txt"))
        .cloned()
        .collect();
    for name in note_names {
        let text = files.remove(&name).unwrap_or_default();
        if opts.subchart_notes || name == top_notes {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&text);
        }
    }
    let sorted = sort_manifests(&files, INSTALL_ORDER, parse_head)
        .map_err(|e| LifecycleError::Render(e.to_string()))?;
    for (path, value) in &sorted.skipped_unknown_hooks {
        warnings.push(format!(
            "skipping unknown hook {value:?} in {path}: helm drops this document from the release"
        ));
    }
    let mut manifest = String::new();
    for m in &sorted.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    let crds = chart
        .crd_objects()
        .into_iter()
        .map(|(p, f)| (p, String::from_utf8_lossy(&f.data).into_owned()))
        .collect();
    Ok(Rendered {
        manifest,
        manifests: sorted.manifests,
        hooks: sorted.hooks,
        notes,
        warnings,
        crds,
    })
}
