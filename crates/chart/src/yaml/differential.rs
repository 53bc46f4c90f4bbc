//! Inputs for the differential tests of the fast readers (which must agree with the event
//! parser wherever they answer): random edits of YAML documents (insert a YAML-significant
//! piece, delete a few bytes, or re-indent a line), and the shared corpus's documents.

use std::path::PathBuf;

/// Pieces of YAML syntax worth inserting anywhere.
const PIECES: &[&str] = &[
    " ", "  ", "\t", ":", ": ", "-", "- ", "#", " #", "\"", "'", "|", ">", "[", "]", "{", "}",
    "&a", "*a", "!", "\n", "\n  ", "---", "...", "?", "\\", "x", "1", ".inf", "null", "%", "@",
    ",", "\r", "\u{FEFF}", "\u{1}", "é", "|-", ">-", "|+", "\\n", "''", "\n\n",
];

/// Small deterministic generator (no external crate needed for a test).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// `base` with one to three random edits.
pub(crate) fn mutate(base: &str, rng: &mut Lcg) -> String {
    let mut doc = base.to_string();
    for _ in 0..1 + rng.next(3) {
        let mut at = rng.next(doc.len());
        while !doc.is_char_boundary(at) {
            at -= 1;
        }
        match rng.next(3) {
            0 => doc.insert_str(at, PIECES[rng.next(PIECES.len())]),
            1 => {
                let mut end = (at + 1 + rng.next(4)).min(doc.len());
                while !doc.is_char_boundary(end) {
                    end += 1;
                }
                doc.replace_range(at..end, "");
            }
            _ => {
                let mut lines: Vec<String> = doc.lines().map(str::to_string).collect();
                if lines.is_empty() {
                    continue;
                }
                let i = rng.next(lines.len());
                let extra = " ".repeat(rng.next(3));
                lines[i] = format!("{extra}{}", lines[i].trim_start_matches(' '));
                doc = lines.join("\n") + "\n";
            }
        }
    }
    doc
}

/// The shared corpus (`CAPSTAN_CORPUS`, or `../shared/corpus` beside the repository);
/// fails with a message saying how to provide it when it is missing.
pub(crate) fn corpus_dir() -> PathBuf {
    let corpus =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    assert!(
        corpus.join("golden").is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS",
        corpus.display()
    );
    corpus
}

/// Every document of every golden `helm template` output of the corpus, with its file.
pub(crate) fn golden_documents(corpus: &std::path::Path) -> Vec<(PathBuf, String)> {
    let mut docs = Vec::new();
    for version in std::fs::read_dir(corpus.join("golden")).unwrap() {
        for file in std::fs::read_dir(version.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.strip_prefix("---\n").unwrap_or(&text);
            for doc in text.split("\n---\n") {
                docs.push((path.clone(), doc.to_string()));
            }
        }
    }
    docs
}
