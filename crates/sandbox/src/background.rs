//! A background sandbox for `capstan sandbox up|down|status`: a detached `serve` process with
//! a pid file, a log and a kubeconfig under the user's data directory.

use crate::SandboxError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where a background sandbox keeps its files.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundPaths {
    /// The directory holding everything below (also the sandbox's state dir).
    pub dir: PathBuf,
}

impl BackgroundPaths {
    /// `$XDG_DATA_HOME/capstan/sandbox`, or `~/.local/share/capstan/sandbox`.
    pub fn for_user() -> Result<Self, SandboxError> {
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .ok_or_else(|| SandboxError::Config("neither XDG_DATA_HOME nor HOME is set".into()))?;
        Ok(Self {
            dir: base.join("capstan").join("sandbox"),
        })
    }

    /// The pid file.
    pub fn pid_file(&self) -> PathBuf {
        self.dir.join("sandbox.pid")
    }

    /// The server's log.
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("sandbox.log")
    }

    /// The kubeconfig the server writes once ready.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.join("kubeconfig")
    }
}

/// What `status` reports.
#[derive(Debug, Clone, PartialEq)]
pub enum BackgroundStatus {
    /// Running with this pid; clients use the kubeconfig.
    Running {
        /// Process id.
        pid: u32,
        /// Kubeconfig path.
        kubeconfig: PathBuf,
    },
    /// Not running (a stale pid file was ignored).
    Stopped,
}

fn io(what: &'static str, path: &Path, source: std::io::Error) -> SandboxError {
    SandboxError::Io {
        what,
        path: path.display().to_string(),
        source,
    }
}

fn alive(pid: u32) -> bool {
    // Linux: a live process has /proc/<pid>; a zombie counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|st| st != "Z"))
        .unwrap_or(false)
}

/// Reports whether the background sandbox runs.
pub fn status(paths: &BackgroundPaths) -> BackgroundStatus {
    let pid = std::fs::read_to_string(paths.pid_file())
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok());
    match pid {
        Some(pid) if alive(pid) => BackgroundStatus::Running {
            pid,
            kubeconfig: paths.kubeconfig(),
        },
        _ => BackgroundStatus::Stopped,
    }
}

/// Starts `serve_command` (e.g. `["capstan", "sandbox", "serve"]`) detached, with
/// `--listen 127.0.0.1:0 --write-kubeconfig <dir>/kubeconfig --state-dir <dir>` and `extra`
/// flags, and waits up to `wait` for the kubeconfig. Idempotent when one already runs.
pub fn up(
    paths: &BackgroundPaths,
    serve_command: &[OsString],
    extra: &[OsString],
    wait: Duration,
) -> Result<BackgroundStatus, SandboxError> {
    if let s @ BackgroundStatus::Running { .. } = status(paths) {
        return Ok(s);
    }
    let (prog, args) = serve_command
        .split_first()
        .ok_or_else(|| SandboxError::Config("empty serve command".into()))?;
    std::fs::create_dir_all(&paths.dir).map_err(|e| io("create", &paths.dir, e))?;
    let kc = paths.kubeconfig();
    let _ = std::fs::remove_file(&kc);
    let log =
        std::fs::File::create(paths.log_file()).map_err(|e| io("create", &paths.log_file(), e))?;
    let log2 = log
        .try_clone()
        .map_err(|e| io("open", &paths.log_file(), e))?;
    let child = Command::new(prog)
        .args(args)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--write-kubeconfig")
        .arg(&kc)
        .arg("--state-dir")
        .arg(&paths.dir)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| io("start", Path::new(prog), e))?;
    let pid = child.id();
    std::fs::write(paths.pid_file(), format!("{pid}\n"))
        .map_err(|e| io("write", &paths.pid_file(), e))?;
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        if kc.exists() {
            return Ok(BackgroundStatus::Running {
                pid,
                kubeconfig: kc,
            });
        }
        if !alive(pid) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(SandboxError::Config(format!(
        "the sandbox did not become ready; see {}",
        paths.log_file().display()
    )))
}

/// Stops the background sandbox (SIGTERM, then waits up to `wait`) and removes the pid file.
pub fn down(paths: &BackgroundPaths, wait: Duration) -> Result<BackgroundStatus, SandboxError> {
    if let BackgroundStatus::Running { pid, .. } = status(paths) {
        Command::new("kill")
            .arg(pid.to_string())
            .status()
            .map_err(|e| io("run", Path::new("kill"), e))?;
        let deadline = Instant::now() + wait;
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if alive(pid) {
            return Err(SandboxError::Config(format!(
                "sandbox process {pid} did not stop"
            )));
        }
    }
    let _ = std::fs::remove_file(paths.pid_file());
    let _ = std::fs::remove_file(paths.kubeconfig());
    Ok(BackgroundStatus::Stopped)
}
