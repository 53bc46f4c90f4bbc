//! Helm 4's `helm lint` rules (`pkg/chart/v2/lint/rules`): Chart.yaml, values, templates,
//! dependencies and CRDs, with Helm's message texts and order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use capstan_chart::metadata::Metadata;
use capstan_render::data::ReleaseInfo;
use capstan_render::engine::{render, EngineOptions, RenderContext};
use capstan_render::objects::Capabilities;
use serde_json::Value;

use crate::{LintOptions, Message, RenderedFile, Severity};

mod chartfile;
use chartfile::chartfile;

/// A chart directory to lint: the given one, or a `.tgz` unpacked into a temporary directory.
pub enum ChartDir {
    /// A directory given on the command line.
    Given(PathBuf),
    /// An unpacked archive (removed when dropped).
    Unpacked(tempfile::TempDir, PathBuf),
}

impl ChartDir {
    /// The directory holding `Chart.yaml`.
    pub fn path(&self) -> &Path {
        match self {
            ChartDir::Given(p) => p,
            ChartDir::Unpacked(_, p) => p,
        }
    }
}

/// Helm's `lintChart` guard: unpacks archives and checks that `Chart.yaml` exists. The error
/// is the text Helm prints after `Error ` (`unable to check Chart.yaml file in chart: ...`).
pub fn chart_dir(path: &str) -> Result<ChartDir, String> {
    let dir = if path.ends_with(".tgz") || path.ends_with(".tar.gz") {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("unable to open tarball: open {path}: {}", io_text(&e)))?;
        let files = capstan_chart::archive::load_archive_files(&bytes)
            .map_err(|e| format!("unable to extract tarball: {e}"))?;
        let tmp = tempfile::Builder::new()
            .prefix("helm-lint")
            .tempdir()
            .map_err(|e| format!("unable to create temp dir to extract tarball: {e}"))?;
        // Archive entries are already stripped of their top directory; put them back
        // under the chart's name as Helm's Expand does.
        let name = chart_name_in(&files).unwrap_or_else(|| "chart".to_string());
        let root = tmp.path().join(&name);
        for f in &files {
            let target = root.join(&f.name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("unable to extract tarball: {e}"))?;
            }
            std::fs::write(&target, &f.data)
                .map_err(|e| format!("unable to extract tarball: {e}"))?;
        }
        ChartDir::Unpacked(tmp, root)
    } else {
        ChartDir::Given(PathBuf::from(path))
    };
    let chart_yaml = dir.path().join("Chart.yaml");
    if let Err(e) = std::fs::metadata(&chart_yaml) {
        return Err(format!(
            "unable to check Chart.yaml file in chart: stat {}: {}",
            chart_yaml.display(),
            io_text(&e)
        ));
    }
    Ok(dir)
}

fn chart_name_in(files: &[capstan_chart::archive::BufferedFile]) -> Option<String> {
    let f = files.iter().find(|f| f.name == "Chart.yaml")?;
    let md = Metadata::from_yaml(&String::from_utf8_lossy(&f.data)).ok()?;
    (!md.name.is_empty() && !md.name.contains('/')).then_some(md.name)
}

/// Go's wording for common I/O errors.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// What Helm's rules said, and the rendered templates when rendering succeeded.
pub struct Outcome {
    /// Helm's messages, in order.
    pub messages: Vec<Message>,
    /// Every rendered template of the chart and its enabled subcharts.
    pub rendered: Option<Vec<RenderedFile>>,
}

struct Linter {
    messages: Vec<Message>,
}

impl Linter {
    /// Helm's `RunLinterRule`: records the message when there is one; true when none.
    fn rule(&mut self, severity: Severity, path: &str, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => true,
            Err(text) => {
                self.messages.push(Message {
                    severity,
                    path: path.to_string(),
                    text,
                });
                false
            }
        }
    }
}

/// Helm's `lint.RunAll` on a chart directory.
pub fn run_all(dir: &Path, opts: &LintOptions) -> Outcome {
    let mut l = Linter {
        messages: Vec::new(),
    };
    chartfile(&mut l, dir);
    values_file(&mut l, dir, opts);
    let rendered = templates(&mut l, dir, opts);
    dependencies(&mut l, dir);
    crds(&mut l, dir);
    Outcome {
        messages: l.messages,
        rendered,
    }
}

// ---------------------------------------------------------------------------------------
// values.yaml

fn values_file(l: &mut Linter, dir: &Path, opts: &LintOptions) {
    let name = "values.yaml";
    let path = dir.join(name);
    if !l.rule(
        Severity::Info,
        name,
        if path.exists() {
            Ok(())
        } else {
            Err("file does not exist".into())
        },
    ) {
        return;
    }
    let result = (|| {
        let data = std::fs::read(&path).map_err(|e| io_text(&e))?;
        let values = capstan_chart::values::parse_values(&data)
            .map_err(|e| format!("unable to parse YAML: {e}"))?;
        let schema = std::fs::read(dir.join("values.schema.json")).unwrap_or_default();
        if schema.is_empty() || opts.skip_schema_validation {
            return Ok(());
        }
        // Helm coalesces the overrides over values.yaml (top level only) before checking.
        let mut merged = opts.values.clone();
        capstan_chart::values::coalesce_tables(&mut merged, values);
        capstan_chart::schema::validate_single(&merged, &schema)
    })();
    l.rule(Severity::Error, name, result);
}

// ---------------------------------------------------------------------------------------
// templates/

fn templates(l: &mut Linter, dir: &Path, opts: &LintOptions) -> Option<Vec<RenderedFile>> {
    let tdir = "templates/";
    let tpath = dir.join("templates");
    if !l.rule(
        Severity::Warning,
        tdir,
        if tpath.exists() {
            Ok(())
        } else {
            Err("directory does not exist".into())
        },
    ) {
        return None;
    }
    if !l.rule(
        Severity::Error,
        tdir,
        if tpath.is_dir() {
            Ok(())
        } else {
            Err("not a directory".into())
        },
    ) {
        return None;
    }
    let mut chart = match capstan_chart::load(dir) {
        Ok(c) => c,
        Err(e) if apiversion_error(&e) => return None,
        Err(e) => {
            l.rule(Severity::Error, tdir, Err(e.to_string()));
            return None;
        }
    };
    let values =
        match capstan_chart::helm_values(&mut chart, &opts.values, opts.skip_schema_validation) {
            Ok(v) => v,
            Err(e) => {
                // Helm returns quietly when dependency processing or coalescing fails and
                // reports only schema failures.
                if matches!(e, capstan_chart::ValuesPipelineError::Schema(_)) {
                    l.rule(Severity::Error, tdir, Err(e.to_string()));
                }
                return None;
            }
        };
    let namespace = if opts.namespace.is_empty() {
        "default".to_string()
    } else {
        opts.namespace.clone()
    };
    let ctx = RenderContext {
        release: ReleaseInfo {
            name: "test-release".to_string(),
            namespace,
            revision: 1,
            is_upgrade: false,
        },
        capabilities: Arc::new(Capabilities::for_template(opts.kube_version.clone(), &[])),
        values,
    };
    let rendered = match render(
        &chart,
        &ctx,
        EngineOptions {
            strict: false,
            lint_mode: true,
            lookup: None,
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            l.rule(Severity::Error, tdir, Err(e.0));
            return None;
        }
    };
    let top = chart.name().to_string();
    let kube = (
        ctx.capabilities.kube_version.major.parse().unwrap_or(1),
        ctx.capabilities.kube_version.minor.parse().unwrap_or(0),
    );
    for t in &chart.templates {
        let file = t.name.as_str();
        l.rule(Severity::Error, file, allowed_extension(file));
        if !is_yaml(file) {
            continue;
        }
        let content = rendered
            .get(&format!("{top}/{file}"))
            .cloned()
            .unwrap_or_default();
        if content.trim().is_empty() {
            continue;
        }
        l.rule(Severity::Warning, file, top_indent(&content));
        for doc in crate::hooks::split_documents(&content) {
            let value = match capstan_chart::yaml::from_str(&doc.text) {
                Ok(v) => v,
                Err(e) => {
                    l.rule(
                        Severity::Error,
                        file,
                        Err(format!(
                            "unable to parse YAML: error converting YAML to JSON: {e}"
                        )),
                    );
                    // Helm stops linting the templates at the first YAML failure.
                    return Some(to_files(&chart, rendered));
                }
            };
            if value.is_null() {
                continue;
            }
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
            let name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            l.rule(Severity::Warning, file, crate::names::validate(kind, name));
            let api = value
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            l.rule(
                Severity::Warning,
                file,
                match crate::deprecations::warning(api, kind, kube.0, kube.1) {
                    Some(w) => Err(w),
                    None => Ok(()),
                },
            );
            l.rule(Severity::Error, file, match_selector(kind, name, &content));
            l.rule(Severity::Error, file, list_annotations(kind, &value));
        }
    }
    Some(to_files(&chart, rendered))
}

/// Helm's lint loader does not validate `apiVersion` (the Chart.yaml rule reports it), while
/// ours refuses the chart. We then skip the rules that need the loaded chart, where Helm
/// would go on and lint the templates.
fn apiversion_error(e: &capstan_chart::LoadError) -> bool {
    e.to_string().contains("apiVersion")
}

fn to_files(
    chart: &capstan_chart::Chart,
    rendered: std::collections::BTreeMap<String, String>,
) -> Vec<RenderedFile> {
    let top = chart.name();
    let sources: std::collections::BTreeMap<String, &capstan_chart::File> =
        chart.all_templates().into_iter().collect();
    rendered
        .into_iter()
        .filter(|(k, _)| !k.ends_with("NOTES.txt") && is_yaml(k))
        .map(|(k, content)| RenderedFile {
            file: k.strip_prefix(&format!("{top}/")).unwrap_or(&k).to_string(),
            source: sources
                .get(&k)
                .map(|f| String::from_utf8_lossy(&f.data).into_owned())
                .unwrap_or_default(),
            content,
        })
        .collect()
}

fn allowed_extension(file: &str) -> Result<(), String> {
    let ext = extension(file);
    if [".yaml", ".yml", ".tpl", ".txt"].contains(&ext) {
        Ok(())
    } else {
        Err(format!(
            "file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
        ))
    }
}

/// Go's `filepath.Ext`.
fn extension(file: &str) -> &str {
    let base = file.rsplit('/').next().unwrap_or(file);
    match base.rfind('.') {
        Some(i) => &base[i..],
        None => "",
    }
}

fn is_yaml(file: &str) -> bool {
    let ext = extension(file).to_ascii_lowercase();
    ext == ".yaml" || ext == ".yml"
}

fn top_indent(content: &str) -> Result<(), String> {
    for line in content.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            return Err(format!(
                "document starts with an illegal indent: {}, which may cause parsing problems",
                crate::names::go_quote(line)
            ));
        }
        return Ok(());
    }
    Ok(())
}

fn match_selector(kind: &str, name: &str, manifest: &str) -> Result<(), String> {
    if matches!(
        kind,
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
    ) && !manifest.contains("matchLabels")
        && !manifest.contains("matchExpressions")
    {
        return Err(format!(
            "a {kind} must contain matchLabels or matchExpressions, and {name:?} does not"
        ));
    }
    Ok(())
}

fn list_annotations(kind: &str, value: &Value) -> Result<(), String> {
    if kind != "List" {
        return Ok(());
    }
    let items = value.get("items").and_then(Value::as_array);
    for item in items.into_iter().flatten() {
        if item
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.contains_key("helm.sh/resource-policy"))
        {
            return Err(
                "annotation 'helm.sh/resource-policy' within List objects are ignored".into(),
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// dependencies and crds/

fn dependencies(l: &mut Linter, dir: &Path) {
    let chart = match capstan_chart::load_dir(dir) {
        Ok(c) => c,
        Err(e) if apiversion_error(&e) => return,
        Err(e) => {
            l.rule(
                Severity::Error,
                "",
                Err(format!("unable to load chart\n\t{e}")),
            );
            return;
        }
    };
    let where_ = go_abs(dir);
    let declared: Vec<&capstan_chart::metadata::Dependency> =
        chart.metadata.dependencies.iter().flatten().collect();
    let present: Vec<&str> = chart.dependencies.iter().map(|c| c.name()).collect();
    let missing_meta: Vec<&str> = present
        .iter()
        .copied()
        .filter(|p| !declared.iter().any(|d| d.name == *p))
        .collect();
    l.rule(
        Severity::Error,
        &where_,
        if missing_meta.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "chart metadata is missing these dependencies: {}",
                missing_meta.join(",")
            ))
        },
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut shadowing = Vec::new();
    for d in &declared {
        let key = if d.alias.is_empty() {
            &d.name
        } else {
            &d.alias
        };
        if !seen.insert(key.clone()) {
            shadowing.push(key.clone());
        }
    }
    l.rule(
        Severity::Error,
        &where_,
        if shadowing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "multiple dependencies with name or alias: {}",
                shadowing.join(",")
            ))
        },
    );
    let missing_dir: Vec<&str> = declared
        .iter()
        .filter(|d| !present.contains(&d.name.as_str()))
        .map(|d| d.name.as_str())
        .collect();
    l.rule(
        Severity::Warning,
        &where_,
        if missing_dir.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "chart directory is missing these dependencies: {}",
                missing_dir.join(",")
            ))
        },
    );
}

/// Go's `filepath.Abs`: absolute and lexically cleaned (`a/../b` is `b`), links untouched.
fn go_abs(dir: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p),
            _ => {}
        }
    }
    let mut out = PathBuf::from("/");
    out.extend(parts);
    out.display().to_string()
}

fn crds(l: &mut Linter, dir: &Path) {
    let cpath = dir.join("crds");
    if !cpath.exists() {
        return;
    }
    if !l.rule(
        Severity::Error,
        "crds/",
        if cpath.is_dir() {
            Ok(())
        } else {
            Err("not a directory".into())
        },
    ) {
        return;
    }
    let chart = match capstan_chart::load(dir) {
        Ok(c) => c,
        Err(e) if apiversion_error(&e) => return,
        Err(e) => {
            l.rule(Severity::Error, "crds/", Err(e.to_string()));
            return;
        }
    };
    for (name, file) in chart.crd_objects() {
        // Helm names the CRD by its path inside the chart.
        let fpath = name
            .strip_prefix(&format!("{}/", chart.name()))
            .unwrap_or(&name)
            .to_string();
        let text = String::from_utf8_lossy(&file.data);
        for doc in crate::hooks::split_documents(&text) {
            let value = match capstan_chart::yaml::from_str(&doc.text) {
                Ok(v) => v,
                Err(e) => {
                    l.rule(
                        Severity::Error,
                        &fpath,
                        Err(format!(
                            "unable to parse YAML: error converting YAML to JSON: {e}"
                        )),
                    );
                    return;
                }
            };
            if value.is_null() {
                continue;
            }
            let api = value
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            l.rule(
                Severity::Error,
                &fpath,
                if api.starts_with("apiextensions.k8s.io") {
                    Ok(())
                } else {
                    Err("apiVersion is not in 'apiextensions.k8s.io'".into())
                },
            );
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
            l.rule(
                Severity::Error,
                &fpath,
                if kind == "CustomResourceDefinition" {
                    Ok(())
                } else {
                    Err("object kind is not 'CustomResourceDefinition'".into())
                },
            );
        }
    }
}
