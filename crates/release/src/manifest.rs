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
    split_manifest_refs(big_file)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`split_manifests`] without copying: the documents as slices of `big_file`.
pub fn split_manifest_refs(big_file: &str) -> Vec<&str> {
    let text = big_file.trim_start();
    let mut docs = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
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
        push_document(&mut docs, &text[start..at]);
        start = end;
    }
    push_document(&mut docs, &text[start..]);
    docs
}

/// Keeps a split-off piece unless it is blank, without its leading white space.
fn push_document<'a>(docs: &mut Vec<&'a str>, piece: &'a str) {
    if !piece.trim().is_empty() {
        docs.push(piece.trim_start());
    }
}

/// Below this much text the heads are read on the calling thread: starting a thread
/// costs more than it saves.
const PARALLEL_HEADS_MIN_BYTES: usize = 256 * 1024;

/// The CPUs this process may run on, at most four: how many threads to read manifest heads with.
///
/// `std::thread::available_parallelism` also reads the cgroup CPU quota from `/proc` and
/// `/sys` on every call, 50-90 microseconds on the benchmark VM, a noticeable share of a
/// small render; the affinity mask alone is one cheap system call.
fn worker_threads() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `set` is a plain bit set that `sched_getaffinity` fills in; its size is
        // passed along.
        let count = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                usize::try_from(libc::CPU_COUNT(&set)).unwrap_or(1)
            } else {
                1
            }
        };
        count.clamp(1, 4)
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::thread::available_parallelism()
            .map(|n| n.get().min(4))
            .unwrap_or(1)
    }
}

/// Reads every document's head, on up to four threads for large renders (CRD-heavy
/// charts render megabytes). Results come back in document order, so the first error
/// reported is the one a sequential read would report.
fn parse_heads<F>(docs: &[(&str, &str)], parse_head: &F) -> Vec<Result<SimpleHead, String>>
where
    F: Fn(&str) -> Result<SimpleHead, String> + Sync,
{
    let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
    let threads = worker_threads();
    if threads < 2 || total < PARALLEL_HEADS_MIN_BYTES {
        return docs.iter().map(|(_, d)| parse_head(d)).collect();
    }
    // Contiguous chunks of roughly equal bytes keep the results in order.
    let share = total.div_ceil(threads);
    let mut chunks: Vec<&[(&str, &str)]> = Vec::new();
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
    let read = |chunk: &[(&str, &str)]| -> Vec<Result<SimpleHead, String>> {
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
    let sorted = sort_manifest_refs(files, ordering, parse_head)?;
    Ok(SortedManifests {
        hooks: sorted.hooks,
        manifests: sorted
            .manifests
            .into_iter()
            .map(|m| Manifest {
                name: m.name.to_string(),
                content: m.content.to_string(),
                head: m.head,
            })
            .collect(),
        skipped_unknown_hooks: sorted.skipped_unknown_hooks,
    })
}

/// One ordinary (non-hook) manifest document, borrowed from the rendered files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestRef<'a> {
    /// The template path it was rendered from.
    pub name: &'a str,
    /// The document text.
    pub content: &'a str,
    /// Its parsed head.
    pub head: SimpleHead,
}

/// [`SortedManifests`] with the ordinary manifests borrowed from the rendered files (they
/// are most of the text; the few hooks are copied).
#[derive(Clone, Debug, Default)]
pub struct SortedManifestRefs<'a> {
    /// Hooks, stably sorted by kind install order (not yet by weight).
    pub hooks: Vec<Hook>,
    /// Ordinary manifests, stably sorted by kind install order.
    pub manifests: Vec<ManifestRef<'a>>,
    /// As in [`SortedManifests`].
    pub skipped_unknown_hooks: Vec<(String, String)>,
}

/// [`sort_manifests`] without copying the ordinary manifests: a template render writes them
/// out once and needs no copy of its megabytes.
pub fn sort_manifest_refs<'a, F>(
    files: &'a BTreeMap<String, String>,
    ordering: &[&str],
    parse_head: F,
) -> Result<SortedManifestRefs<'a>, SortError>
where
    F: Fn(&str) -> Result<SimpleHead, String> + Sync,
{
    let mut docs: Vec<(&str, &str)> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        docs.extend(
            split_manifest_refs(content)
                .into_iter()
                .map(|doc| (path.as_str(), doc)),
        );
    }
    let heads = parse_heads(&docs, &parse_head);
    let mut out = SortedManifestRefs::default();
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let head = head.map_err(|message| SortError {
            path: path.to_string(),
            message,
        })?;
        let hook_value = head
            .metadata
            .as_ref()
            .and_then(|m| m.annotations.get(HOOK_ANNOTATION))
            .cloned();
        let Some(hook_value) = hook_value else {
            out.manifests.push(ManifestRef {
                name: path,
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
            out.skipped_unknown_hooks
                .push((path.to_string(), hook_value));
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
            path: path.to_string(),
            manifest: doc.to_string(),
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

    #[test]
    fn borrowed_sort_matches_the_owned_one_and_copies_no_manifest() {
        let mut files = BTreeMap::new();
        files.insert(
            "c/templates/b.yaml".to_string(),
            "deploy\n---\nhook\n".to_string(),
        );
        files.insert("c/templates/a.yaml".to_string(), "\n ns\n".to_string());
        let read = |doc: &str| {
            Ok(match doc.trim() {
                "deploy" => head("Deployment", "d", &[]),
                "ns" => head("Namespace", "n", &[]),
                _ => head("Job", "j", &[(HOOK_ANNOTATION, "pre-install")]),
            })
        };
        let owned = sort_manifests(&files, crate::INSTALL_ORDER, read).unwrap();
        let refs = sort_manifest_refs(&files, crate::INSTALL_ORDER, read).unwrap();
        assert_eq!(refs.hooks, owned.hooks);
        let as_owned: Vec<Manifest> = refs
            .manifests
            .iter()
            .map(|m| Manifest {
                name: m.name.to_string(),
                content: m.content.to_string(),
                head: m.head.clone(),
            })
            .collect();
        assert_eq!(as_owned, owned.manifests);
        // Each borrowed document lies inside its rendered file.
        for m in &refs.manifests {
            let file = files[m.name].as_str();
            let range = file.as_ptr() as usize..file.as_ptr() as usize + file.len();
            assert!(range.contains(&(m.content.as_ptr() as usize)), "{m:?}");
        }
    }
}
