//! Reading chart archives (`.tgz`) safely, with Helm's limits and path checks.
//!
//! Helm's rules (pkg/chart/loader/archive): the first path component (the chart's
//! directory) is dropped; `\` separators are accepted; absolute paths, `..` and Windows
//! drive paths are refused; `Chart.yaml` at the top level is refused; every file may be
//! at most 5 MiB and the whole chart less than 100 MiB once decompressed; a UTF-8 BOM at
//! the start of a file is dropped. On top of Helm we also refuse: entry names that are
//! absolute before the first component is dropped, names that are not UTF-8, duplicate
//! entries, links whose target leaves the chart, and tar streams whose headers alone
//! exceed a budget (many empty entries from a small gzip).

use std::collections::HashSet;
use std::io::Read;

use flate2::read::MultiGzDecoder;

/// Largest decompressed chart (all files together): Helm's 100 MiB.
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Largest single decompressed file: Helm's 5 MiB.
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Extra decompressed bytes allowed for tar headers and padding on top of the content.
const HEADER_BUDGET: u64 = 16 * 1024 * 1024;

/// A file read out of an archive or a directory, before it is sorted into a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedFile {
    /// Slash-separated path relative to the chart root.
    pub name: String,
    /// Contents (BOM removed).
    pub data: std::sync::Arc<[u8]>,
    /// Modification time (tar header or file system), kept because Helm 4 stores it in
    /// release records.
    pub mod_time: Option<std::time::SystemTime>,
}

impl BufferedFile {
    /// A file with no known modification time.
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> BufferedFile {
        BufferedFile {
            name: name.into(),
            data: data.into().into(),
            mod_time: None,
        }
    }
}

/// Why an archive was refused. Messages follow Helm where Helm has one.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Not gzip, or corrupt gzip/tar data.
    #[error("{0}")]
    Read(String),
    /// `path.IsAbs` after the first component is dropped, or an absolute entry name.
    #[error("chart illegally contains absolute paths: {0:?}")]
    AbsolutePath(String),
    /// The entry cleans to the chart root itself.
    #[error("chart illegally contains content outside the base directory: {0:?}")]
    OutsideBase(String),
    /// `..` traversal.
    #[error("chart illegally references parent directory: {0:?}")]
    ParentReference(String),
    /// A `c:/` style path.
    #[error("chart contains illegally named files: {0:?}")]
    IllegalName(String),
    /// `Chart.yaml` is the first path component.
    #[error("chart yaml not in base directory")]
    ChartYamlNotInBase,
    /// The whole chart is too large.
    #[error("decompressed chart is larger than the maximum size {max}")]
    ChartTooLarge {
        /// The limit.
        max: u64,
    },
    /// One file is too large.
    #[error("decompressed chart file {name:?} is larger than the maximum file size {max}")]
    FileTooLarge {
        /// The entry name as stored.
        name: String,
        /// The limit.
        max: u64,
    },
    /// The entry name is not UTF-8.
    #[error("chart archive entry name is not valid UTF-8: {0:?}")]
    NonUtf8Name(String),
    /// The same path twice.
    #[error("chart archive contains duplicate entry {0:?}")]
    Duplicate(String),
    /// A symlink or hard link pointing outside the chart.
    #[error("chart archive entry {name:?} links outside the chart: {target:?}")]
    LinkEscapes {
        /// The entry name.
        name: String,
        /// The link target.
        target: String,
    },
    /// Nothing but directories.
    #[error("no files in chart archive")]
    Empty,
}

/// Counts decompressed bytes and fails past a limit, so that a gzip bomb made of tar
/// headers cannot run unbounded.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other(
                "decompressed stream exceeds the chart size limit",
            ));
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Go's `path.Clean`.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Checks an entry name and returns the chart-relative path (Helm's rules, plus an
/// explicit refusal of absolute names).
fn entry_path(raw: &str) -> Result<String, ArchiveError> {
    let delim = if raw.contains('\\') { '\\' } else { '/' };
    if raw.starts_with('/') || raw.starts_with('\\') || is_drive_path(&raw.replace('\\', "/")) {
        return Err(ArchiveError::AbsolutePath(raw.to_string()));
    }
    let parts: Vec<&str> = raw.split(delim).collect();
    let rest = parts[1..].join("/");
    if rest.starts_with('/') {
        return Err(ArchiveError::AbsolutePath(raw.to_string()));
    }
    let n = clean_path(&rest);
    if n == "." {
        return Err(ArchiveError::OutsideBase(raw.to_string()));
    }
    if n.starts_with("..") {
        return Err(ArchiveError::ParentReference(raw.to_string()));
    }
    if is_drive_path(&n) {
        return Err(ArchiveError::IllegalName(raw.to_string()));
    }
    if parts[0] == "Chart.yaml" {
        return Err(ArchiveError::ChartYamlNotInBase);
    }
    Ok(n)
}

/// Whether a link at chart path `at` with this target stays inside the chart.
fn link_stays_inside(at: &str, target: &str) -> bool {
    if target.starts_with('/') || target.contains('\\') || is_drive_path(target) {
        return false;
    }
    let dir = match at.rfind('/') {
        Some(i) => &at[..i],
        None => "",
    };
    let joined = if dir.is_empty() {
        target.to_string()
    } else {
        format!("{dir}/{target}")
    };
    let c = clean_path(&joined);
    c != ".." && !c.starts_with("../") && !c.starts_with('/')
}

fn read_err(e: std::io::Error) -> ArchiveError {
    if e.to_string().contains("exceeds the chart size limit") {
        ArchiveError::ChartTooLarge {
            max: MAX_DECOMPRESSED_CHART_SIZE,
        }
    } else {
        ArchiveError::Read(e.to_string())
    }
}

/// Reads every file of a gzipped tar chart archive (Helm's `LoadArchiveFiles`).
pub fn load_archive_files(bytes: &[u8]) -> Result<Vec<BufferedFile>, ArchiveError> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Err(ArchiveError::Read("gzip: invalid header".into()));
    }
    let gz = Capped {
        inner: MultiGzDecoder::new(bytes),
        left: MAX_DECOMPRESSED_CHART_SIZE + HEADER_BUDGET,
    };
    let mut archive = tar::Archive::new(gz);
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    let entries = archive.entries().map_err(read_err)?;
    for entry in entries {
        let mut entry = entry.map_err(read_err)?;
        let header = entry.header();
        let kind = header.entry_type();
        let mtime = header.mtime().ok();
        if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw_bytes = entry.path_bytes().into_owned();
        let raw = match String::from_utf8(raw_bytes) {
            Ok(s) => s,
            Err(e) => {
                return Err(ArchiveError::NonUtf8Name(
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                ))
            }
        };
        if kind.is_dir() || ((kind.is_file() || kind.as_byte() == b'\0') && raw.ends_with('/')) {
            continue;
        }
        let name = entry_path(&raw)?;
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let ok = if kind.is_hard_link() {
                // Hard link targets are archive paths, first component included.
                let whole = clean_path(&target.replace('\\', "/"));
                entry_path(&target).is_ok() && whole != ".." && !whole.starts_with("../")
            } else {
                link_stays_inside(&name, &target)
            };
            if !ok {
                return Err(ArchiveError::LinkEscapes { name: raw, target });
            }
        }
        if !seen.insert(name.clone()) {
            return Err(ArchiveError::Duplicate(raw));
        }
        let size = entry.size();
        if size > remaining {
            return Err(ArchiveError::ChartTooLarge {
                max: MAX_DECOMPRESSED_CHART_SIZE,
            });
        }
        if size > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(ArchiveError::FileTooLarge {
                name: raw,
                max: MAX_DECOMPRESSED_FILE_SIZE,
            });
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let written = (&mut entry)
            .take(remaining)
            .read_to_end(&mut data)
            .map_err(read_err)? as u64;
        remaining -= written;
        if written < size || remaining == 0 {
            return Err(ArchiveError::ChartTooLarge {
                max: MAX_DECOMPRESSED_CHART_SIZE,
            });
        }
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        let mod_time =
            mtime.map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        files.push(BufferedFile {
            name,
            data: data.into(),
            mod_time,
        });
    }
    if files.is_empty() {
        return Err(ArchiveError::Empty);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_clean() {
        assert_eq!(clean_path("a/./b//c/"), "a/b/c");
        assert_eq!(clean_path("a/../../b"), "../b");
        assert_eq!(clean_path(""), ".");
        assert_eq!(clean_path("a/.."), ".");
        assert_eq!(clean_path("/../a"), "/a");
    }

    #[test]
    fn entry_names() {
        assert_eq!(
            entry_path("c/templates/x.yaml").unwrap(),
            "templates/x.yaml"
        );
        assert_eq!(
            entry_path("c\\templates\\x.yaml").unwrap(),
            "templates/x.yaml"
        );
        assert!(matches!(
            entry_path("/etc/passwd"),
            Err(ArchiveError::AbsolutePath(_))
        ));
        assert!(matches!(
            entry_path("c//etc"),
            Err(ArchiveError::AbsolutePath(_))
        ));
        assert!(matches!(
            entry_path("c/../../x"),
            Err(ArchiveError::ParentReference(_))
        ));
        assert!(matches!(entry_path("c"), Err(ArchiveError::OutsideBase(_))));
        assert!(matches!(
            entry_path("c/C:/x"),
            Err(ArchiveError::IllegalName(_))
        ));
        assert!(matches!(
            entry_path("Chart.yaml/x"),
            Err(ArchiveError::ChartYamlNotInBase)
        ));
    }

    #[test]
    fn links() {
        assert!(link_stays_inside("templates/a", "b"));
        assert!(link_stays_inside("templates/a", "../values.yaml"));
        assert!(!link_stays_inside("templates/a", "../../x"));
        assert!(!link_stays_inside("a", "/etc/passwd"));
    }
}
