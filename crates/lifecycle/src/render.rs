//! Rendering a chart for a release, as `helm install`/`upgrade` do before they touch
//! anything: values, `.Release` (name, namespace, revision, IsInstall/IsUpgrade),
//! `.Capabilities` from the cluster, NOTES, and the split into hooks and ordered manifests.

use std::sync::Arc;

use capstan_chart::{Chart, Values};
use capstan_kube::cluster::Cluster;
use capstan_release::{sort_manifests, Hook, Manifest, INSTALL_ORDER};
use capstan_render::data::ReleaseInfo;
use capstan_render::engine::{render, EngineOptions, LookupFn, RenderContext};
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

/// Renders `chart` with the user's `values` for `target`, offline: `lookup` gives empty
/// maps (helm's `template` and client dry runs).
pub fn render_release(
    chart: Chart,
    values: &Values,
    target: &RenderTarget<'_>,
    opts: &RenderOptions,
) -> Result<Rendered, LifecycleError> {
    render_with(chart, values, target, opts, None)
}

/// One `lookup` call from the render thread, waiting for its answer.
struct Ask {
    args: [String; 4],
    reply: std::sync::mpsc::SyncSender<Result<serde_json::Value, String>>,
}

/// Renders as [`render_release`], with `lookup` answered by `cluster` (helm's install and
/// upgrade, also `--dry-run=server`). The engine is synchronous and the cluster async: the
/// render runs on a blocking thread and sends each lookup over a channel to this task,
/// which awaits the cluster and replies. The runtime thread is never blocked, so this
/// works on a current-thread runtime too.
pub async fn render_release_on<C: Cluster>(
    cluster: &C,
    chart: Chart,
    values: &Values,
    target: &RenderTarget<'_>,
    opts: &RenderOptions,
) -> Result<Rendered, LifecycleError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Ask>();
    let lookup: LookupFn = Arc::new(move |api_version, kind, namespace, name| {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        let args = [api_version, kind, namespace, name].map(str::to_owned);
        tx.send(Ask { args, reply })
            .map_err(|_| "lookup: the operation was cancelled".to_owned())?;
        answer
            .recv()
            .map_err(|_| "lookup: the operation was cancelled".to_owned())?
    });
    let (values, opts) = (values.clone(), opts.clone());
    let (name, namespace) = (target.name.to_owned(), target.namespace.to_owned());
    let (revision, is_upgrade) = (target.revision, target.is_upgrade);
    let mut job = tokio::task::spawn_blocking(move || {
        let target = RenderTarget {
            name: &name,
            namespace: &namespace,
            revision,
            is_upgrade,
        };
        render_with(chart, &values, &target, &opts, Some(lookup))
    });
    loop {
        tokio::select! {
            done = &mut job => {
                return match done {
                    Ok(r) => r,
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(e) => Err(LifecycleError::Render(e.to_string())),
                };
            }
            Some(ask) = rx.recv() => {
                let [a, k, ns, n] = &ask.args;
                let answer = cluster.lookup(a, k, ns, n).await.map_err(|e| e.0);
                // The render thread is gone only if it failed meanwhile; `job` says why.
                let _ = ask.reply.send(answer);
            }
        }
    }
}

fn render_with(
    mut chart: Chart,
    values: &Values,
    target: &RenderTarget<'_>,
    opts: &RenderOptions,
    lookup: Option<LookupFn>,
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
    let engine = EngineOptions {
        lookup,
        ..EngineOptions::default()
    };
    let mut files = render(&chart, &ctx, engine).map_err(|e| LifecycleError::Render(e.0))?;
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
