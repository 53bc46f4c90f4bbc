//! `helm template` as a library call: values, render, NOTES, manifest sorting and the exact
//! text Helm 4 prints (Helm's `renderResources` plus `pkg/cmd/template.go`).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use capstan_chart::Chart;
use capstan_release::manifest::{HeadMetadata, SimpleHead};
use capstan_release::{sort_manifest_refs, split_manifest_refs, Hook, HookEvent, INSTALL_ORDER};

use crate::data::ReleaseInfo;
use crate::engine::{render, EngineOptions, RenderContext};
use crate::objects::{Capabilities, KubeVersion};
use crate::template_sink::Sink;

/// What `helm template` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct TemplateRequest {
    /// The release name.
    pub release_name: String,
    /// The namespace (`default` when not given).
    pub namespace: String,
    /// `--kube-version`, already parsed.
    pub kube_version: Option<KubeVersion>,
    /// `--api-versions`
    pub api_versions: Vec<String>,
    /// `--is-upgrade`
    pub is_upgrade: bool,
    /// `--include-crds`
    pub include_crds: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--render-subchart-notes`
    pub subchart_notes: bool,
    /// `--show-only` patterns.
    pub show_only: Vec<String>,
    /// `--skip-schema-validation`
    pub skip_schema_validation: bool,
    /// `--output-dir`: write the documents under this directory instead of stdout.
    pub output_dir: Option<String>,
    /// `--release-name`: put the output-dir files under a directory named after the release.
    pub use_release_name: bool,
}

/// The outcome of a successful `helm template`.
#[derive(Clone, Debug, Default)]
pub struct TemplateOutput {
    /// What Helm prints on stdout.
    pub stdout: String,
    /// Warnings Helm prints on stderr (slog lines), in order.
    pub warnings: Vec<String>,
    /// The rendered NOTES.
    pub notes: String,
    /// The hooks, in kind order.
    pub hooks: Vec<Hook>,
}

/// A `helm template` failure: the text after `Error: `, and any warnings printed before it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// The message Helm prints after `Error: `.
    pub message: String,
    /// Warnings printed before the error.
    pub warnings: Vec<String>,
    /// What Helm printed on stdout before failing (`wrote PATH` lines of `--output-dir`).
    pub stdout: String,
}

fn fail(message: impl Into<String>, warnings: &[String]) -> TemplateError {
    TemplateError {
        message: message.into(),
        warnings: warnings.to_vec(),
        stdout: String::new(),
    }
}

/// Reads the head of a manifest (apiVersion, kind, metadata.name, annotations) as Helm's
/// `SimpleHead` unmarshalling does.
pub fn parse_head(doc: &str) -> Result<SimpleHead, String> {
    // Most documents are plain block YAML whose head the fast reader can vouch for;
    // the full decoder handles (and words the errors of) everything else.
    // sigs.k8s.io/yaml wraps every failure of its YAML-to-JSON step (syntax, decoding, NaN
    // and infinities) with this prefix.
    let v = match capstan_chart::yaml::head_of(doc) {
        Some(head) => head,
        None => capstan_chart::yaml::from_str(doc)
            .map_err(|e| format!("error converting YAML to JSON: {e}"))?,
    };
    let obj = match v {
        serde_json::Value::Object(o) => o,
        serde_json::Value::Null => return Ok(SimpleHead::default()),
        other => {
            let kind = match other {
                serde_json::Value::Array(_) => "array",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::Bool(_) => "bool",
                _ => "value",
            };
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type util.SimpleHead"
            ));
        }
    };
    let text = |key: &str| match obj.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let metadata = match obj.get("metadata") {
        Some(serde_json::Value::Object(m)) => {
            let name = match m.get("name") {
                Some(serde_json::Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            let mut annotations = BTreeMap::new();
            if let Some(serde_json::Value::Object(a)) = m.get("annotations") {
                for (k, v) in a {
                    match v {
                        serde_json::Value::String(s) => {
                            annotations.insert(k.clone(), s.clone());
                        }
                        serde_json::Value::Null => {}
                        other => {
                            let kind = match other {
                                serde_json::Value::Number(_) => "number",
                                serde_json::Value::Bool(_) => "bool",
                                serde_json::Value::Array(_) => "array",
                                _ => "object",
                            };
                            return Err(format!(
                                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field .metadata.annotations of type string"
                            ));
                        }
                    }
                }
            }
            Some(HeadMetadata { name, annotations })
        }
        _ => None,
    };
    Ok(SimpleHead {
        api_version: text("apiVersion"),
        kind: text("kind"),
        metadata,
    })
}

/// Runs `helm template` on a loaded chart with the merged user values.
pub fn template(
    chart: Chart,
    user_values: &capstan_chart::Values,
    req: &TemplateRequest,
) -> Result<TemplateOutput, TemplateError> {
    run_template(chart, user_values, req, None)
}

/// Like [`template`], but prints: stdout goes to `out` (as it is produced, unless
/// `--show-only` or `--output-dir` need the whole text first) and each warning to `warn`,
/// all of them before the first byte of stdout. The returned output's `stdout` and
/// `warnings` are then empty. A failure other than writing itself has written nothing and
/// reported no warning: they are in the error, as from [`template`].
pub fn template_to(
    chart: Chart,
    user_values: &capstan_chart::Values,
    req: &TemplateRequest,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> Result<TemplateOutput, TemplateError> {
    if req.show_only.is_empty() && req.output_dir.is_none() {
        return run_template(chart, user_values, req, Some((out, warn)));
    }
    let mut output = run_template(chart, user_values, req, None)?;
    for w in output.warnings.drain(..) {
        warn(&w);
    }
    out.write_all(output.stdout.as_bytes())
        .map_err(|e| fail(e.to_string(), &[]))?;
    output.stdout.clear();
    Ok(output)
}

/// Where [`run_template`] prints, when it prints itself.
type Printer<'a> = (&'a mut dyn Write, &'a mut dyn FnMut(&str));

fn run_template(
    mut chart: Chart,
    user_values: &capstan_chart::Values,
    req: &TemplateRequest,
    printer: Option<Printer<'_>>,
) -> Result<TemplateOutput, TemplateError> {
    let mut warnings = Vec::new();
    capstan_chart::check_installable(&chart).map_err(|e| fail(e.to_string(), &warnings))?;
    if chart.metadata.deprecated {
        warnings.push("level=WARN msg=\"this chart is deprecated\"".to_string());
    }
    // Schema validation (compiling a JSON schema is costly) runs beside the render below;
    // its verdict is still reported first, as Helm validates before rendering.
    let values = capstan_chart::helm_values(&mut chart, user_values, true)
        .map_err(|e| fail(e.to_string(), &warnings))?;
    let validate = |chart: &Chart, values: &capstan_chart::Values| {
        if req.skip_schema_validation {
            return Ok(());
        }
        capstan_chart::schema::validate_against_schema(chart, values)
            .map_err(|e| fail(e.to_string(), &warnings))
    };

    let capabilities = Capabilities::for_template(req.kube_version.clone(), &req.api_versions);
    if !chart.metadata.kube_version.is_empty() {
        let kv = &capabilities.kube_version;
        if !capstan_chart::semver::kube_version_compatible(
            &chart.metadata.kube_version,
            &kv.normalized,
        ) {
            validate(&chart, &values)?;
            return Err(fail(
                format!(
                    "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                    chart.metadata.kube_version, kv.version
                ),
                &warnings,
            ));
        }
    }
    let ctx = RenderContext {
        release: ReleaseInfo {
            name: req.release_name.clone(),
            namespace: req.namespace.clone(),
            revision: 1,
            is_upgrade: req.is_upgrade,
        },
        capabilities: Arc::new(capabilities),
        values,
    };
    let debug_hint = |m: String| format!("{m}\n\nUse --debug flag to render out invalid YAML");
    let (schema_verdict, rendered) = std::thread::scope(|scope| {
        let schema = scope.spawn(|| validate(&chart, &ctx.values));
        let rendered = render(&chart, &ctx, EngineOptions::default());
        let verdict = schema
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (verdict, rendered)
    });
    schema_verdict?;
    let mut files = rendered.map_err(|e| fail(debug_hint(e.0), &warnings))?;

    // NOTES.txt: only the top chart's unless subchart notes are asked for.
    let top_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let note_names: Vec<String> = files
        .keys()
        .filter(|k| k.ends_with("NOTES.txt"))
        .cloned()
        .collect();
    for name in note_names {
        let text = files.remove(&name).unwrap_or_default();
        if req.subchart_notes || name == top_notes {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&text);
        }
    }

    let sorted = sort_manifest_refs(&files, INSTALL_ORDER, parse_head)
        .map_err(|e| fail(debug_hint(e.to_string()), &warnings))?;
    for (path, value) in &sorted.skipped_unknown_hooks {
        warnings.push(format!(
            "level=WARN msg=\"skipping unknown hooks\" hookTypes={value:?} path={path}"
        ));
    }

    // With --output-dir, Helm prints a `wrote PATH` line per document as it writes, and the
    // manifest buffer stays empty (it still prints the trimmed buffer: one newline).
    let mut wrote = String::new();
    let mut writer = crate::output_dir::OutputDir::new();
    let release_dir = req.output_dir.as_ref().map(|d| {
        if req.use_release_name {
            join_dir(d, &req.release_name)
        } else {
            d.clone()
        }
    });
    let io_fail = |e: std::io::Error| fail(e.to_string(), &[]);
    let mut manifest = match printer {
        Some((out, warn)) => {
            for w in warnings.drain(..) {
                warn(&w);
            }
            Sink::stream(out)
        }
        // Room for the hooks too, which are appended to the same buffer below: growing a
        // megabyte of output copies it.
        None => Sink::Buffer(String::with_capacity(
            sorted
                .manifests
                .iter()
                .map(|m| m.content.len() + m.name.len() + 16)
                .chain(
                    sorted
                        .hooks
                        .iter()
                        .map(|h| h.manifest.len() + h.path.len() + 16),
                )
                .sum(),
        )),
    };
    let write_err = |m: String| fail(m, &warnings);
    if req.include_crds {
        for (name, file) in chart.crd_objects() {
            let data = String::from_utf8_lossy(&file.data);
            match &req.output_dir {
                // Helm writes CRDs to the output dir itself, not the release-name directory.
                Some(dir) => {
                    wrote.push_str(&writer.write(dir, &name, &data, false).map_err(write_err)?)
                }
                None => manifest.document(&name, &data).map_err(io_fail)?,
            }
        }
    }
    // CRDs and manifests share one "written" map in Helm; the hooks start a new one.
    for m in &sorted.manifests {
        match &release_dir {
            Some(dir) => wrote.push_str(
                &writer
                    .write(dir, m.name, m.content, false)
                    .map_err(write_err)?,
            ),
            None => manifest.document(m.name, m.content).map_err(io_fail)?,
        }
    }
    let mut out = manifest;
    out.end_manifests().map_err(io_fail)?;
    let mut hook_writer = crate::output_dir::OutputDir::new();
    if !req.no_hooks {
        for h in &sorted.hooks {
            if req.skip_tests && h.events.contains(&HookEvent::Test) {
                continue;
            }
            match &release_dir {
                Some(dir) => {
                    // Helm appends to a hook's file whenever it already exists on disk.
                    let exists = std::path::Path::new(&format!("{dir}/{}", h.path)).exists();
                    wrote.push_str(
                        &hook_writer
                            .write(dir, &h.path, &h.manifest, exists)
                            .map_err(write_err)?,
                    );
                }
                None => out.document(&h.path, &h.manifest).map_err(io_fail)?,
            }
        }
    }
    let mut out = out.into_string();
    if !req.show_only.is_empty() {
        out = show_only(&out, &req.show_only).map_err(|m| TemplateError {
            stdout: wrote.clone(),
            ..fail(m, &warnings)
        })?;
    }
    Ok(TemplateOutput {
        stdout: if wrote.is_empty() { out } else { wrote + &out },
        warnings,
        notes,
        hooks: sorted.hooks,
    })
}

/// Go's `filepath.Join(dir, name)` for the release-name directory (cleaned path).
fn join_dir(dir: &str, name: &str) -> String {
    let joined = format!("{dir}/{name}");
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (absolute, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// `--show-only`: keeps the documents whose `# Source:` path (without the chart name)
/// matches one of the patterns (Go's `filepath.Match`), in pattern order.
fn show_only(all: &str, patterns: &[String]) -> Result<String, String> {
    let docs = split_manifest_refs(all);
    let mut out = String::new();
    for pattern in patterns {
        let mut found = false;
        for doc in &docs {
            let Some(source) = doc.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                continue;
            };
            let Some((_, path)) = source.split_once('/') else {
                continue;
            };
            if crate::glob::go_path_match(pattern, path) {
                out.push_str(&format!("---\n{doc}\n"));
                found = true;
            }
        }
        if !found {
            return Err(format!("could not find template {pattern} in chart"));
        }
    }
    Ok(out)
}
