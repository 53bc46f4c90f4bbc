//! Splitting rendered templates into documents and sorting them into hooks and ordinary
//! manifests, as Helm's `SortManifests` does.

use std::collections::BTreeMap;

use crate::hook::{
    parse_weight, Hook, HookDeletePolicy, HookEvent, HookOutputLogPolicy, HOOK_ANNOTATION,
    HOOK_DELETE_ANNOTATION, HOOK_OUTPUT_LOG_ANNOTATION, HOOK_WEIGHT_ANNOTATION,
};
use crate::kinds::compare_kinds;

/// The head of a manifest: what Helm reads of each document to sort it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleHead {
    /// `apiVersion`
    pub api_version: String,
    /// `kind`
    pub kind: String,
    /// `metadata`, when present.
    pub metadata: Option<HeadMetadata>,
}

/// The part of `metadata` Helm reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeadMetadata {
    /// `metadata.name`
    pub name: String,
    /// `metadata.annotations`
    pub annotations: BTreeMap<String, String>,
}

/// One ordinary (non-hook) manifest document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The template path it was rendered from.
    pub name: String,
    /// The document text.
    pub content: String,
    /// Its parsed head.
    pub head: SimpleHead,
}

/// The result of sorting: hooks and manifests in install order, and the hook annotations
/// Helm skipped because they name an unknown event.
#[derive(Clone, Debug, Default)]
pub struct SortedManifests {
    /// Hooks, stably sorted by kind install order (not yet by weight).
    pub hooks: Vec<Hook>,
    /// Ordinary manifests, stably sorted by kind install order.
    pub manifests: Vec<Manifest>,
    /// `(template path, helm.sh/hook value)` of each document dropped because its hook
    /// annotation names an unknown event. Helm drops them silently; we warn.
    pub skipped_unknown_hooks: Vec<(String, String)>,
}

/// A document whose head could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortError {
    /// The template path.
    pub path: String,
    /// The parser's message.
    pub message: String,
}

impl std::fmt::Display for SortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YAML parse error on {}: {}", self.path, self.message)
    }
}

impl std::error::Error for SortError {}

/// Splits a rendered file into YAML documents as Helm's `SplitManifests` does: on lines that
/// start with `---` (the separator swallows trailing blanks and tabs, nothing else),
/// dropping blank documents and leading whitespace of each.
pub fn split_manifests(big_file: &str) -> Vec<String> {
    let text = big_file.trim_start();
    let mut docs = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    // Separators are `---` at the start of a line; find the dashes with SIMD search
    // and keep those that start a line.
    for at in memchr::memmem::find_iter(bytes, b"---") {
        if at != 0 && bytes[at - 1] != b'\n' {
            continue;
        }
        let mut end = at + 3;
        while end < bytes.len() && (bytes[end] == b' ' || bytes[end] == b'\t') {
            end += 1;
        }
        pieces.push(&text[start..at]);
        start = end;
    }
    pieces.push(&text[start..]);
    for piece in pieces {
        if piece.trim().is_empty() {
            continue;
        }
        docs.push(piece.trim_start().to_string());
    }
    docs
}

/// Below this much text the heads are read on the calling thread: starting a thread
/// costs more than it saves.
const PARALLEL_HEADS_MIN_BYTES: usize = 256 * 1024;

/// Reads every document's head, on up to four threads for large renders (CRD-heavy
/// charts render megabytes). Results come back in document order, so the first error
/// reported is the one a sequential read would report.
fn parse_heads<F>(docs: &[(&String, String)], parse_head: &F) -> Vec<Result<SimpleHead, String>>
where
    F: Fn(&str) -> Result<SimpleHead, String> + Sync,
{
    let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(1);
    if threads < 2 || total < PARALLEL_HEADS_MIN_BYTES {
        return docs.iter().map(|(_, d)| parse_head(d)).collect();
    }
    // Contiguous chunks of roughly equal bytes keep the results in order.
    let share = total.div_ceil(threads);
    let mut chunks: Vec<&[(&String, String)]> = Vec::new();
    let (mut start, mut acc) = (0, 0);
    for (i, (_, d)) in docs.iter().enumerate() {
        acc += d.len();
        if acc >= share && chunks.len() + 1 < threads {
            chunks.push(&docs[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    chunks.push(&docs[start..]);
    let read = |chunk: &[(&String, String)]| -> Vec<Result<SimpleHead, String>> {
        chunk.iter().map(|(_, d)| parse_head(d)).collect()
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks[1..]
            .iter()
            .map(|chunk| scope.spawn(move || read(chunk)))
            .collect();
        let mut heads = read(chunks[0]);
        for handle in others {
            heads.extend(
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        heads
    })
}

/// Sorts rendered templates into hooks and manifests, as Helm's `SortManifests` does: files
/// in byte order of their paths, partials (`_*`) and blank files skipped, each file split
/// into documents, each document's head parsed by `parse_head` (Helm uses sigs.k8s.io/yaml;
/// the caller supplies a YAML reader so this crate stays free of one).
pub fn sort_manifests<F>(
    files: &BTreeMap<String, String>,
    ordering: &[&str],
    parse_head: F,
) -> Result<SortedManifests, SortError>
where
    F: Fn(&str) -> Result<SimpleHead, String> + Sync,
{
    let mut docs: Vec<(&String, String)> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        docs.extend(split_manifests(content).into_iter().map(|doc| (path, doc)));
    }
    let heads = parse_heads(&docs, &parse_head);
    let mut out = SortedManifests::default();
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let head = head.map_err(|message| SortError {
            path: path.clone(),
            message,
        })?;
        let hook_value = head
            .metadata
            .as_ref()
            .and_then(|m| m.annotations.get(HOOK_ANNOTATION))
            .cloned();
        let Some(hook_value) = hook_value else {
            out.manifests.push(Manifest {
                name: path.clone(),
                content: doc,
                head,
            });
            continue;
        };
        let events: Option<Vec<HookEvent>> = hook_value
            .split(',')
            .map(HookEvent::parse_annotation_item)
            .collect();
        let Some(events) = events else {
            out.skipped_unknown_hooks.push((path.clone(), hook_value));
            continue;
        };
        let meta = head
            .metadata
            .as_ref()
            .expect("hook annotation implies metadata");
        let list = |key: &str| -> Vec<String> {
            meta.annotations
                .get(key)
                .map(|v| v.split(',').map(|p| p.trim().to_lowercase()).collect())
                .unwrap_or_default()
        };
        out.hooks.push(Hook {
            name: meta.name.clone(),
            kind: head.kind.clone(),
            path: path.clone(),
            manifest: doc,
            events,
            weight: meta
                .annotations
                .get(HOOK_WEIGHT_ANNOTATION)
                .map(|w| parse_weight(w))
                .unwrap_or(0),
            delete_policies: list(HOOK_DELETE_ANNOTATION)
                .into_iter()
                .map(HookDeletePolicy)
                .collect(),
            output_log_policies: list(HOOK_OUTPUT_LOG_ANNOTATION)
                .into_iter()
                .map(HookOutputLogPolicy)
                .collect(),
        });
    }
    out.hooks
        .sort_by(|a, b| compare_kinds(&a.kind, &b.kind, ordering));
    out.manifests
        .sort_by(|a, b| compare_kinds(&a.head.kind, &b.head.kind, ordering));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        assert_eq!(
            split_manifests("\n\na: 1\n---\nb: 2\n"),
            vec!["a: 1\n", "b: 2\n"]
        );
        assert_eq!(split_manifests("---\n---  \n\na: 1"), vec!["a: 1"]);
        assert_eq!(
            split_manifests("a: 1\n--- # c\nb: 2"),
            vec!["a: 1\n", "# c\nb: 2"]
        );
        assert_eq!(split_manifests("a: |\n  ---x\n"), vec!["a: |\n  ---x\n"]);
        assert_eq!(split_manifests("a: 1\n----\nb"), vec!["a: 1\n", "-\nb"]);
        assert!(split_manifests("  \n---\n \n").is_empty());
    }

    fn head(kind: &str, name: &str, ann: &[(&str, &str)]) -> SimpleHead {
        SimpleHead {
            api_version: "v1".into(),
            kind: kind.into(),
            metadata: Some(HeadMetadata {
                name: name.into(),
                annotations: ann
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            }),
        }
    }

    #[test]
    fn sorts_hooks_and_kinds() {
        let mut files = BTreeMap::new();
        files.insert(
            "c/templates/b.yaml".to_string(),
            "deploy\n---\nhook\n---\nbad\n".to_string(),
        );
        files.insert("c/templates/a.yaml".to_string(), "ns\n".to_string());
        files.insert("c/templates/_h.tpl".to_string(), "ignored".to_string());
        let sorted = sort_manifests(&files, crate::INSTALL_ORDER, |doc| {
            Ok(match doc.trim() {
                "deploy" => head("Deployment", "d", &[]),
                "ns" => head("Namespace", "n", &[]),
                "hook" => head(
                    "Job",
                    "j",
                    &[
                        (HOOK_ANNOTATION, "pre-install, Post-Upgrade"),
                        (HOOK_WEIGHT_ANNOTATION, "x"),
                    ],
                ),
                _ => head("Job", "k", &[(HOOK_ANNOTATION, "crd-install")]),
            })
        })
        .unwrap();
        let kinds: Vec<_> = sorted
            .manifests
            .iter()
            .map(|m| m.head.kind.as_str())
            .collect();
        assert_eq!(kinds, ["Namespace", "Deployment"]);
        assert_eq!(sorted.hooks.len(), 1);
        assert_eq!(
            sorted.hooks[0].events,
            vec![HookEvent::PreInstall, HookEvent::PostUpgrade]
        );
        assert_eq!(sorted.hooks[0].weight, 0);
        assert_eq!(
            sorted.skipped_unknown_hooks,
            vec![("c/templates/b.yaml".to_string(), "crd-install".to_string())]
        );
    }
}
