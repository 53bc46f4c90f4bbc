//! The loaded chart: metadata, templates, files, default values, schema and subcharts.

use crate::metadata::{Lock, Metadata};
use crate::values::Values;

/// A file of a chart, named relative to the chart's root (`templates/x.yaml`,
/// `crds/a.yaml`, `README.md`), with a leading UTF-8 BOM already removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Slash-separated path relative to the chart root.
    pub name: String,
    /// Contents.
    pub data: std::sync::Arc<[u8]>,
    /// Modification time when known (Helm 4 writes it into release records as
    /// `modtime`, omitted when zero).
    pub mod_time: Option<std::time::SystemTime>,
}

impl File {
    /// The contents as shared text, when they are UTF-8: the same buffer, not a copy
    /// (template texts are parsed into trees that keep their source).
    pub fn shared_text(&self) -> Option<std::sync::Arc<str>> {
        shared_utf8(&self.data)
    }
}

/// `data` as shared text when it is UTF-8: the same buffer, not a copy.
pub fn shared_utf8(data: &std::sync::Arc<[u8]>) -> Option<std::sync::Arc<str>> {
    std::str::from_utf8(data).ok()?;
    let raw = std::sync::Arc::into_raw(std::sync::Arc::clone(data)) as *const str;
    // SAFETY: `str` has the layout of `[u8]`, the bytes were just checked to be UTF-8,
    // and a shared `Arc` never hands out mutable access, so they stay UTF-8.
    Some(unsafe { std::sync::Arc::from_raw(raw) })
}

impl From<crate::archive::BufferedFile> for File {
    fn from(f: crate::archive::BufferedFile) -> File {
        File {
            name: f.name,
            data: f.data,
            mod_time: f.mod_time,
        }
    }
}

/// A chart as Helm loads it (`pkg/chart/v2.Chart`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// `Chart.yaml` (plus `requirements.yaml` for apiVersion v1 charts).
    pub metadata: Metadata,
    /// `Chart.lock`, or `requirements.lock` for v1 charts.
    pub lock: Option<Lock>,
    /// Everything under `templates/` (partials `_*.tpl` and `NOTES.txt` included), in
    /// load order (sorted by path for directories, archive order for archives).
    pub templates: Vec<File>,
    /// `values.yaml` (all documents merged), empty when absent.
    pub values: Values,
    /// `values.schema.json`, raw.
    pub schema: Option<Vec<u8>>,
    /// Every other file (what `.Files` exposes), including `crds/`, `.helmignore`,
    /// `charts/*.prov` and, for v1 charts, `requirements.yaml`/`requirements.lock`.
    pub files: Vec<File>,
    /// `Chart.yaml`'s modification time (Helm's `Chart.ModTime`).
    pub mod_time: Option<std::time::SystemTime>,
    /// `values.schema.json`'s modification time (Helm's `SchemaModTime`).
    pub schema_mod_time: Option<std::time::SystemTime>,
    /// Subcharts found under `charts/` (directories and `.tgz`), sorted by their entry
    /// name; after dependency processing only the enabled ones, renamed to their alias.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether this is a library chart (`type: library`): its templates can be used by
    /// others but are never rendered themselves.
    pub fn is_library(&self) -> bool {
        self.metadata.is_library()
    }

    /// Every template of this chart and its subcharts, named as Helm names them for the
    /// engine: `top/templates/x.yaml`, `top/charts/sub/templates/y.yaml`.
    pub fn all_templates(&self) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        self.collect_templates(self.name(), &mut out);
        out
    }

    fn collect_templates<'a>(&'a self, path: &str, out: &mut Vec<(String, &'a File)>) {
        for t in &self.templates {
            out.push((format!("{path}/{}", t.name), t));
        }
        for d in &self.dependencies {
            d.collect_templates(&format!("{path}/charts/{}", d.name()), out);
        }
    }

    /// CRD files of this chart and its subcharts (`crds/*.yaml|yml|json`, any case), as
    /// `(path like top/charts/sub/crds/a.yaml, file)`.
    pub fn crd_objects(&self) -> Vec<(String, &File)> {
        let mut out = Vec::new();
        self.collect_crds(self.name(), &mut out);
        out
    }

    fn collect_crds<'a>(&'a self, path: &str, out: &mut Vec<(String, &'a File)>) {
        for f in &self.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push((format!("{path}/{}", f.name), f));
            }
        }
        for d in &self.dependencies {
            d.collect_crds(&format!("{path}/charts/{}", d.name()), out);
        }
    }

    /// The subchart with this (alias) name.
    pub fn dependency(&self, name: &str) -> Option<&Chart> {
        self.dependencies.iter().find(|d| d.name() == name)
    }
}

fn has_manifest_extension(name: &str) -> bool {
    let ext = match name.rsplit_once('/') {
        Some((_, b)) => b,
        None => name,
    };
    match ext.rfind('.') {
        Some(i) => {
            let e = &ext[i..];
            e.eq_ignore_ascii_case(".yaml")
                || e.eq_ignore_ascii_case(".yml")
                || e.eq_ignore_ascii_case(".json")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_is_the_same_buffer_and_only_for_utf8() {
        let file = File {
            name: "templates/a.yaml".into(),
            data: std::sync::Arc::from(&b"kind: A\n"[..]),
            mod_time: None,
        };
        let text = file.shared_text().unwrap();
        assert_eq!(&*text, "kind: A\n");
        assert_eq!(text.as_ptr(), file.data.as_ptr());
        let bad = File {
            data: std::sync::Arc::from(&b"\xff"[..]),
            ..file.clone()
        };
        assert!(bad.shared_text().is_none());
    }
}
