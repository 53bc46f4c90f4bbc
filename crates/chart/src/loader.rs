//! Loading charts from a directory, a `.tgz` file or archive bytes (Helm's
//! `pkg/chart/v2/loader`).
//!
//! Directory loading walks in byte order, applies `.helmignore` (plus Helm's default
//! `templates/.?*`), follows symbolic links wherever they point (as Helm does, logging
//! aside) but refuses link cycles, refuses irregular files (devices, sockets, FIFOs) and
//! files over 5 MiB. Archives go through [`crate::archive`]. `.helmignore` is not applied
//! to archives, as in Helm.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::archive::{self, ArchiveError, BufferedFile, MAX_DECOMPRESSED_FILE_SIZE};
use crate::chart::{Chart, File};
use crate::ignore::{IgnoreError, Rules};
use crate::metadata::{DecodeError, Lock, Metadata, ValidationError, API_VERSION_V1};
use crate::values::{parse_values, ValuesError};

/// Why a chart could not be loaded. Messages follow Helm's.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// I/O on the chart path.
    #[error("{path}: {source}")]
    Io {
        /// The path being read.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// `load(path)` on a file that is not a gzip archive (with Go's sniffed type).
    #[error("file '{0}' does not appear to be a gzipped archive; got '{1}'")]
    NotAnArchive(String, &'static str),
    /// `load(path)` on a file with gzip magic but a broken gzip header.
    #[error("file '{0}' does not appear to be a valid chart file (details: {1})")]
    NotAChartFile(String, ArchiveError),
    /// `load_archive(bytes)` on bytes that are not gzip.
    #[error("stream does not appear to be a valid chart file (details: {0})")]
    NotAChartStream(ArchiveError),
    /// The top-level archive was refused (Helm prints only the first part; we add why).
    #[error("unable to load chart archive: {0}")]
    ArchiveLoad(ArchiveError),
    /// A directory without `Chart.yaml`.
    #[error("unable to detect chart at {0}: open {0}: no such file or directory")]
    NoChartAt(String),
    /// An archive without `Chart.yaml`.
    #[error("unable to detect chart version, no Chart.yaml found")]
    NoChartVersion,
    /// `apiVersion` other than v1/v2/v3.
    #[error("unsupported chart version")]
    UnsupportedVersion,
    /// `apiVersion: v3` (Helm 4's experimental chart format), not supported here.
    #[error("invalid chart apiVersion")]
    V3Chart,
    /// `load(path)` on a `.yaml` file.
    #[error("file '{0}' seems to be a YAML file, but expected a gzipped archive")]
    YamlNotArchive(String),
    /// The archive was refused.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// `.helmignore` is malformed.
    #[error(transparent)]
    Ignore(#[from] IgnoreError),
    /// A directory entry is a device, socket or FIFO.
    #[error("cannot load irregular file {0} as it has file mode type bits set")]
    Irregular(String),
    /// A file over 5 MiB in a directory chart.
    #[error("chart file {name:?} is larger than the maximum file size {max}")]
    FileTooLarge {
        /// The file's base name (as Helm prints it).
        name: String,
        /// The limit.
        max: u64,
    },
    /// A symbolic link that leads back to one of its own parent directories.
    #[error("symbolic link cycle at {0}")]
    SymlinkCycle(String),
    /// No `Chart.yaml`.
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// `Chart.yaml` does not decode.
    #[error("cannot load Chart.yaml: {0}")]
    ChartYaml(DecodeError),
    /// `requirements.yaml` does not decode.
    #[error("cannot load requirements.yaml: {0}")]
    Requirements(DecodeError),
    /// `Chart.lock` does not decode.
    #[error("cannot load Chart.lock: {0}")]
    ChartLock(DecodeError),
    /// `requirements.lock` does not decode.
    #[error("cannot load requirements.lock: {0}")]
    RequirementsLock(DecodeError),
    /// `values.yaml` does not parse.
    #[error("cannot load values.yaml: {0}")]
    Values(ValuesError),
    /// `Chart.yaml` fails validation.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A `.tgz` under `charts/` whose files are not what a subchart archive holds.
    #[error("error unpacking subchart tar in {chart}: expected {expected}, got {got}")]
    SubchartTar {
        /// The parent chart.
        chart: String,
        /// The archive's expected entry name.
        expected: String,
        /// What was found.
        got: String,
    },
    /// More than [`MAX_CHARTS`] charts in one load.
    #[error("chart has more than {0} subcharts")]
    TooMany(usize),
    /// Subcharts nested beyond [`MAX_SUBCHART_DEPTH`].
    #[error("subcharts are nested more than {0} levels deep")]
    TooDeep(usize),
    /// A subchart failed to load.
    #[error("error unpacking subchart {name} in {chart}: {source}")]
    Subchart {
        /// The `charts/` entry.
        name: String,
        /// The parent chart.
        chart: String,
        /// The cause.
        source: Box<LoadError>,
    },
}

/// Loads a chart from a directory or a `.tgz` file (Helm's `loader.Load`).
pub fn load(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path.display().to_string();
    if !bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            return Err(LoadError::YamlNotArchive(name));
        }
        return Err(LoadError::NotAnArchive(name, sniff_content_type(&bytes)));
    }
    let files = match archive::load_archive_files(&bytes) {
        Ok(f) => f,
        Err(e @ ArchiveError::Read(_)) if is_gzip_header_error(&e) => {
            return Err(LoadError::NotAChartFile(name, e))
        }
        Err(e) => return Err(LoadError::ArchiveLoad(e)),
    };
    load_top_files(files)
}

fn is_gzip_header_error(e: &ArchiveError) -> bool {
    matches!(e, ArchiveError::Read(m) if m.contains("invalid header") || m.contains("gzip header"))
}

/// Loads a chart from gzipped tar bytes (Helm's SDK `loader.LoadArchive`).
pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
    let files = match archive::load_archive_files(bytes) {
        Ok(f) => f,
        Err(e) if is_gzip_header_error(&e) => return Err(LoadError::NotAChartStream(e)),
        Err(e) => return Err(LoadError::ArchiveLoad(e)),
    };
    load_top_files(files)
}

/// A subchart archive under `charts/`: the v2 loader's errors, unwrapped.
fn load_sub_archive(bytes: &[u8], depth: usize, budget: &mut Budget) -> Result<Chart, LoadError> {
    let files = archive::load_archive_files(bytes)?;
    // Nested archives share one budget: a small archive holding many copies of the same
    // small archive would otherwise expand exponentially.
    let size: u64 = files.iter().map(|f| f.data.len() as u64).sum();
    budget.bytes = budget
        .bytes
        .checked_sub(size)
        .ok_or(ArchiveError::ChartTooLarge {
            max: archive::MAX_DECOMPRESSED_CHART_SIZE,
        })?;
    load_files_at(files, depth, budget)
}

/// Helm's top-level loader first reads only `apiVersion` to pick the chart format.
fn check_api_version(chart_yaml: &[u8]) -> Result<(), LoadError> {
    let md = Metadata::from_yaml(&text(chart_yaml)).map_err(LoadError::ChartYaml)?;
    match md.api_version.as_str() {
        "" | "v1" | "v2" => Ok(()),
        "v3" => Err(LoadError::V3Chart),
        _ => Err(LoadError::UnsupportedVersion),
    }
}

fn load_top_files(files: Vec<BufferedFile>) -> Result<Chart, LoadError> {
    let chart_yaml = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .ok_or(LoadError::NoChartVersion)?;
    check_api_version(&chart_yaml.data)?;
    load_files(files)
}

/// Go's `http.DetectContentType` on the 512-byte, zero-padded buffer Helm sniffs (so a
/// short text file is "application/octet-stream", as Helm reports it).
fn sniff_content_type(data: &[u8]) -> &'static str {
    let mut buf = [0u8; 512];
    let n = data.len().min(512);
    buf[..n].copy_from_slice(&data[..n]);
    let sigs: [(&[u8], &'static str); 9] = [
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"BZh", "application/x-bzip2"),
        (b"\xFE\xFF", "text/plain; charset=utf-16be"),
        (b"\xFF\xFE", "text/plain; charset=utf-16le"),
    ];
    for (sig, ty) in sigs {
        if buf.starts_with(sig) {
            return ty;
        }
    }
    if buf.starts_with(b"\xEF\xBB\xBF") {
        return "text/plain; charset=utf-8";
    }
    let binary = buf.iter().any(|&b| {
        b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b)
    });
    if binary {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// Loads a chart directory (Helm's `LoadDir`).
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Chart, LoadError> {
    let dir = dir.as_ref();
    let top = std::path::absolute(dir).map_err(|source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let chart_yaml = top.join("Chart.yaml");
    match std::fs::read(&chart_yaml) {
        Ok(data) => check_api_version(&data)?,
        Err(_) => return Err(LoadError::NoChartAt(chart_yaml.display().to_string())),
    }
    let mut rules = Rules::empty();
    let ignore_file = top.join(".helmignore");
    if ignore_file.exists() {
        let text = std::fs::read(&ignore_file).map_err(|source| LoadError::Io {
            path: ignore_file.display().to_string(),
            source,
        })?;
        rules = Rules::parse(&String::from_utf8_lossy(&text))?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    let mut stack = Vec::new();
    walk(&top, "", &rules, &mut files, &mut stack)?;
    load_files(files)
}

fn io_err(path: &Path, source: std::io::Error) -> LoadError {
    LoadError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Walks `dir` (whose chart-relative name is `rel`), following symlinks like Helm's
/// `sympath.Walk`. `stack` holds the directories being walked, to stop cycles.
fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    files: &mut Vec<BufferedFile>,
    stack: &mut Vec<DirKey>,
) -> Result<(), LoadError> {
    let key = dir_key(dir).map_err(|e| io_err(dir, e))?;
    if stack.contains(&key) {
        return Err(LoadError::SymlinkCycle(dir.display().to_string()));
    }
    stack.push(key);
    // The entry types come with the directory listing: no `stat` per entry.
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .map(|e| e.and_then(|e| Ok((e.file_name(), e.file_type()?))))
        .collect::<Result<_, _>>()
        .map_err(|e| io_err(dir, e))?;
    // Go sorts names as byte strings.
    entries.sort_by(|(a, _), (b, _)| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for (name, file_type) in entries {
        let path = dir.join(&name);
        let name = name.to_string_lossy();
        let n = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        // A link is followed: what matters is what it resolves to.
        let (is_dir, is_file) = if file_type.is_symlink() {
            let meta = std::fs::metadata(&path).map_err(|e| {
                io_err(
                    &path,
                    std::io::Error::other(format!("error evaluating symlink: {e}")),
                )
            })?;
            (meta.is_dir(), meta.is_file())
        } else {
            (file_type.is_dir(), file_type.is_file())
        };
        if is_dir {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, files, stack)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !is_file {
            return Err(LoadError::Irregular(path.display().to_string()));
        }
        let (mut data, mod_time) = read_regular(&path, &name)?;
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data = Arc::from(&data[3..]);
        }
        files.push(BufferedFile {
            name: n,
            data,
            mod_time,
        });
    }
    stack.pop();
    Ok(())
}

/// Reads a regular file with one `stat` (for its size limit and modification time),
/// straight into the shared buffer the chart keeps (no copy from a `Vec`).
fn read_regular(
    path: &Path,
    name: &str,
) -> Result<(Arc<[u8]>, Option<std::time::SystemTime>), LoadError> {
    use std::io::Read;
    let too_large = || LoadError::FileTooLarge {
        name: name.to_string(),
        max: MAX_DECOMPRESSED_FILE_SIZE,
    };
    let mut file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let meta = file.metadata().map_err(|e| io_err(path, e))?;
    if meta.len() > MAX_DECOMPRESSED_FILE_SIZE {
        return Err(too_large());
    }
    let size = meta.len() as usize;
    // Zeroed by the allocator, which knows fresh memory is already zero: no pass over
    // the pages before `read` fills them (writing zeros first touched every page twice).
    // SAFETY: all-zero bytes are valid `u8`s.
    let mut data: Arc<[u8]> = unsafe { Arc::<[u8]>::new_zeroed_slice(size).assume_init() };
    let buf = Arc::get_mut(&mut data).expect("a new buffer has no other owner");
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(path, e)),
        }
    }
    // A file that changed size since the `stat` is read on the ordinary way, still within
    // the limit.
    let mut rest = Vec::new();
    file.take(MAX_DECOMPRESSED_FILE_SIZE + 1 - filled as u64)
        .read_to_end(&mut rest)
        .map_err(|e| io_err(path, e))?;
    if filled < size || !rest.is_empty() {
        let mut all = data[..filled].to_vec();
        all.extend_from_slice(&rest);
        if all.len() as u64 > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(too_large());
        }
        data = all.into();
    }
    Ok((data, meta.modified().ok()))
}

/// What identifies a directory for cycle detection: its device and inode where there are
/// such (one `stat`, where resolving the canonical path reads every link on the way).
#[cfg(unix)]
type DirKey = (u64, u64);
#[cfg(not(unix))]
type DirKey = std::path::PathBuf;

#[cfg(unix)]
fn dir_key(dir: &Path) -> std::io::Result<DirKey> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir)?;
    Ok((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn dir_key(dir: &Path) -> std::io::Result<DirKey> {
    std::fs::canonicalize(dir)
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Sorts in-memory files into a chart and loads its subcharts (Helm's `LoadFiles`).
pub fn load_files(files: Vec<BufferedFile>) -> Result<Chart, LoadError> {
    let mut budget = Budget {
        bytes: archive::MAX_DECOMPRESSED_CHART_SIZE,
        charts: MAX_CHARTS,
    };
    load_files_at(files, 0, &mut budget)
}

/// Most charts (the chart and all its subcharts) one load may produce.
pub const MAX_CHARTS: usize = 10_000;

/// What is left for nested subchart archives and for the number of charts.
struct Budget {
    bytes: u64,
    charts: usize,
}

/// How deep subcharts may nest (`charts/a/charts/b/...`). Helm has no limit; without
/// one, an archive of nested archives could exhaust the stack.
pub const MAX_SUBCHART_DEPTH: usize = 64;

fn load_files_at(
    files: Vec<BufferedFile>,
    depth: usize,
    budget: &mut Budget,
) -> Result<Chart, LoadError> {
    if depth > MAX_SUBCHART_DEPTH {
        return Err(LoadError::TooDeep(MAX_SUBCHART_DEPTH));
    }
    budget.charts = budget
        .charts
        .checked_sub(1)
        .ok_or(LoadError::TooMany(MAX_CHARTS))?;
    let mut c = Chart::default();
    let mut have_metadata = false;
    for f in &files {
        if f.name == "Chart.yaml" {
            c.metadata = Metadata::from_yaml(&text(&f.data)).map_err(LoadError::ChartYaml)?;
            if c.metadata.api_version.is_empty() {
                c.metadata.api_version = API_VERSION_V1.to_string();
            }
            c.mod_time = f.mod_time;
            have_metadata = true;
        }
    }
    let mut subcharts: BTreeMap<String, Vec<BufferedFile>> = BTreeMap::new();
    for f in files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" => {
                c.lock = Some(Lock::from_yaml(&text(&f.data)).map_err(LoadError::ChartLock)?)
            }
            "values.yaml" => c.values = parse_values(&f.data).map_err(LoadError::Values)?,
            "values.schema.json" => {
                c.schema_mod_time = f.mod_time;
                c.schema = Some(f.data.to_vec())
            }
            "requirements.yaml" => {
                have_metadata = true;
                c.metadata
                    .merge_yaml(&text(&f.data))
                    .map_err(LoadError::Requirements)?;
                if c.metadata.api_version == API_VERSION_V1 {
                    c.files.push(File::from(f));
                }
            }
            "requirements.lock" => {
                c.lock =
                    Some(Lock::from_yaml(&text(&f.data)).map_err(LoadError::RequirementsLock)?);
                have_metadata = true;
                if c.metadata.api_version == API_VERSION_V1 {
                    c.files.push(File::from(f));
                }
            }
            _ if name.starts_with("templates/") => c.templates.push(File::from(f)),
            _ if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    c.files.push(File::from(f));
                    continue;
                }
                let rest = &name["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or(rest).to_string();
                subcharts.entry(cname).or_default().push(BufferedFile {
                    name: rest.to_string(),
                    data: f.data,
                    mod_time: f.mod_time,
                });
            }
            _ => c.files.push(File::from(f)),
        }
    }
    if !have_metadata {
        return Err(LoadError::MissingChartYaml);
    }
    c.metadata.validate()?;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub = if n.ends_with(".tgz") {
            let Some(file) = files.into_iter().next() else {
                continue;
            };
            if file.name != n {
                return Err(LoadError::SubchartTar {
                    chart: c.name().to_string(),
                    expected: n,
                    got: file.name,
                });
            }
            load_sub_archive(&file.data, depth + 1, budget)
        } else {
            let buff: Vec<BufferedFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(BufferedFile {
                        name: rest.to_string(),
                        data: f.data,
                        mod_time: f.mod_time,
                    })
                })
                .collect();
            load_files_at(buff, depth + 1, budget)
        };
        match sub {
            Ok(s) => c.dependencies.push(s),
            Err(e) => {
                return Err(LoadError::Subchart {
                    name: n,
                    chart: c.name().to_string(),
                    source: Box::new(e),
                })
            }
        }
    }
    Ok(c)
}
