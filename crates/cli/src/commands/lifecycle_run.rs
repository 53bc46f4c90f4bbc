//! What the lifecycle commands (`install`, `upgrade`, `rollback`, `uninstall`, `test`)
//! share: helm's flag forms (`--timeout` durations, `--wait[=strategy]`,
//! `--dry-run[=client|server]`, `--labels k=v`), the `capstan_lifecycle::Env` built from
//! the session, and the event reporter (live hook lines on stderr, hook failure details,
//! or the event stream as JSON lines with `-o json`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use capstan_kube::resources::Resources;
use capstan_lifecycle::{CommonOptions, DryRun, Event, Locks, RenderOptions};
use capstan_release::Release;

use super::output::{go_quote, json_line, yaml_doc, Format};
use super::release_printer::{status_table, View};
use super::session::Session;

/// Flags about hooks, waiting and timing, shared by the lifecycle commands.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitFlags {
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// wait until resources are ready (up to --timeout): watcher, hookOnly or legacy
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "watcher")]
    pub wait: Option<String>,
    /// if set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful
    #[arg(long = "wait-for-jobs")]
    pub wait_for_jobs: bool,
    /// capstan: run hooks of equal weight concurrently
    #[arg(long = "parallel-hooks")]
    pub parallel_hooks: bool,
}

impl WaitFlags {
    /// The lifecycle's common options (`no_hooks` from the command's own flag).
    pub fn common(&self, no_hooks: bool) -> anyhow::Result<CommonOptions> {
        let wait = match self.wait.as_deref() {
            None | Some("hookOnly") => false,
            Some("watcher" | "legacy") => true,
            Some("true") => {
                eprintln!("level=WARN msg=\"--wait=true is deprecated (boolean value) and can be replaced with --wait=watcher\"");
                true
            }
            Some("false") => {
                eprintln!("level=WARN msg=\"--wait=false is deprecated (boolean value) and can be replaced with --wait=hookOnly\"");
                false
            }
            Some(other) => anyhow::bail!(
                "invalid argument {} for \"--wait\" flag: invalid wait strategy {}",
                go_quote(other),
                go_quote(other)
            ),
        };
        Ok(CommonOptions {
            timeout: parse_duration(&self.timeout).map_err(|e| {
                anyhow::anyhow!(
                    "invalid argument {} for \"--timeout\" flag: {e}",
                    go_quote(&self.timeout)
                )
            })?,
            wait,
            wait_for_jobs: self.wait_for_jobs,
            no_hooks,
            parallel_hooks: self.parallel_hooks,
        })
    }
}

/// Chart-source and rendering flags of install and upgrade that helm accepts for local charts
/// and capstan takes as they are (no effect on a local chart, or as noted).
#[derive(Debug, Clone, clap::Args)]
pub struct ChartFlags {
    /// specify a version constraint for the chart version to use (ignored for local charts, as helm)
    #[arg(long)]
    pub version: Option<String>,
    /// use development versions, too (ignored for local charts)
    #[arg(long)]
    pub devel: bool,
    /// if set, the process will not validate rendered templates against the Kubernetes OpenAPI Schema
    #[arg(long = "disable-openapi-validation")]
    pub disable_openapi_validation: bool,
    /// enable DNS lookups when rendering templates
    #[arg(long = "enable-dns")]
    pub enable_dns: bool,
    /// update dependencies if they are missing before installing the chart (capstan has no repositories: no effect)
    #[arg(long = "dependency-update")]
    pub dependency_update: bool,
    /// hide Kubernetes Secrets when also using the --dry-run flag
    #[arg(long = "hide-secret")]
    pub hide_secret: bool,
    /// the name of a postrenderer type plugin to be used for post rendering
    #[arg(long = "post-renderer")]
    pub post_renderer: Option<String>,
    /// an argument to the post-renderer (can specify multiple)
    #[arg(long = "post-renderer-args")]
    pub post_renderer_args: Vec<String>,
}

impl ChartFlags {
    /// helm's checks of these flags: post-renderers are plugins (capstan has none, so every
    /// name is not found, as for helm without plugins).
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(p) = &self.post_renderer {
            anyhow::bail!(
                "invalid argument {} for \"--post-renderer\" flag: plugin: {{Name:{p} Type:postrenderer/v1}} not found",
                go_quote(p)
            );
        }
        Ok(())
    }

    /// `--hide-secret` needs a dry run (helm's error, with its ERROR log line).
    pub fn check_hide_secret(&self, dry: DryRun, prefix: &str) -> anyhow::Result<()> {
        if self.hide_secret && !dry.is_dry_run() {
            let msg = "hiding Kubernetes secrets requires a dry-run mode";
            eprintln!("level=ERROR msg={msg:?}");
            anyhow::bail!("{prefix}{msg}");
        }
        Ok(())
    }
}

/// The manifest with its `Secret` documents replaced by helm's `# HIDDEN: …` line
/// (`--hide-secret` on a dry run).
pub fn hide_secrets(manifest: &str) -> String {
    let mut out = String::new();
    let docs: Vec<&str> = manifest.split("---\n").collect();
    for (i, doc) in docs.iter().enumerate() {
        if i == 0 {
            out.push_str(doc);
            continue;
        }
        let is_secret = capstan_chart::yaml::from_str(doc)
            .ok()
            .and_then(|v| {
                v.get("kind")
                    .and_then(|k| k.as_str())
                    .map(|k| k == "Secret")
            })
            .unwrap_or(false);
        out.push_str("---\n");
        if is_secret {
            // helm keeps the source line and replaces the document.
            if let Some(source) = doc.lines().next().filter(|l| l.starts_with("# Source: ")) {
                out.push_str(source);
                out.push('\n');
            }
            out.push_str("# HIDDEN: The Secret output has been suppressed\n");
        } else {
            out.push_str(doc);
        }
    }
    out
}

/// Go's `time.ParseDuration` (`300ms`, `1m30s`, `2h`, `1.5s`; a bare `0`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("time: invalid duration {}", go_quote(s));
    let body = s.strip_prefix('+').unwrap_or(s);
    if body == "0" {
        return Ok(Duration::ZERO);
    }
    if body.is_empty() || body.starts_with('-') {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = body;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("time: missing unit in duration {}", go_quote(s)))?;
        let value: f64 = rest[..n].parse().map_err(|_| bad())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            unit => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ))
            }
        };
        total += value * scale;
        rest = &rest[u..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// helm's `--dry-run` values: absent/`none`, bare (`client`, deprecated), `client`,
/// `server`, or the deprecated booleans.
pub fn dry_run(v: Option<&str>) -> anyhow::Result<DryRun> {
    match v {
        None | Some("none") => Ok(DryRun::None),
        Some("unset") => {
            eprintln!(
                "level=WARN msg=\"--dry-run is deprecated and should be replaced with '--dry-run=client'\""
            );
            Ok(DryRun::Client)
        }
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some(b @ ("true" | "1" | "t" | "T" | "TRUE" | "True")) => {
            eprintln!("level=WARN msg=\"boolean '--dry-run={b}' flag is deprecated and must be replaced with '--dry-run=client'\"");
            Ok(DryRun::Client)
        }
        Some(b @ ("false" | "0" | "f" | "F" | "FALSE" | "False")) => {
            eprintln!("level=WARN msg=\"boolean '--dry-run={b}' flag is deprecated and must be replaced with '--dry-run=none'\"");
            Ok(DryRun::None)
        }
        Some(other) => anyhow::bail!(
            "invalid dry-run value ({}). Must be \"none\", \"server\", or \"client\"",
            go_quote(other)
        ),
    }
}

/// `--server-side`: install's boolean (`boolean`, default true), or upgrade's and
/// rollback's `true`/`false`/`auto` (default). `Some(flag)` when set either way, `None` for
/// `auto` (the previous revision's apply method decides).
pub fn server_side(value: Option<&str>, boolean: bool) -> anyhow::Result<Option<bool>> {
    match value {
        None if boolean => Ok(Some(true)),
        None | Some("auto") if !boolean => Ok(None),
        None => Ok(None),
        Some(v) if boolean => match v {
            "true" | "1" | "t" | "T" | "TRUE" | "True" => Ok(Some(true)),
            "false" | "0" | "f" | "F" | "FALSE" | "False" => Ok(Some(false)),
            other => anyhow::bail!(
                "invalid argument {} for \"--server-side\" flag: strconv.ParseBool: parsing {}: invalid syntax",
                go_quote(other),
                go_quote(other)
            ),
        },
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => {
            anyhow::bail!("invalid/unknown release server-side apply method: {other}")
        }
    }
}

/// `-l/--labels k=v,k2=v2` (pflag's stringToString; the flag may repeat).
pub fn parse_labels(values: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for v in values {
        for pair in v.split(',').filter(|p| !p.is_empty()) {
            let (k, val) = pair.split_once('=').ok_or_else(|| {
                anyhow::anyhow!(
                    "invalid argument {} for \"-l, --labels\" flag: {pair} must be formatted as key=value",
                    go_quote(v)
                )
            })?;
            out.insert(k.to_owned(), val.to_owned());
        }
    }
    Ok(out)
}

/// Prints lifecycle events as they arrive: with `-o json` each event is a JSON line on
/// stdout; otherwise running hooks get a live line on stderr (rewritten in place on a
/// terminal, one plain line per report otherwise), failures their diagnostics, and
/// warnings a line. `test --logs` output is collected for printing after the status.
pub struct Reporter {
    json: bool,
    tty: bool,
    live: Mutex<bool>,
    /// Collected `(source, lines)` of test pods.
    pub logs: Mutex<Vec<(String, Vec<String>)>>,
}

impl Reporter {
    /// A reporter for the given output format.
    pub fn new(format: Format) -> Self {
        Self {
            json: format == Format::Json,
            tty: std::io::stderr().is_terminal(),
            live: Mutex::new(false),
            logs: Mutex::new(Vec::new()),
        }
    }

    fn end_live(&self) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if *live {
            eprintln!();
            *live = false;
        }
    }

    /// Handles one event.
    pub fn on_event(&self, e: Event) {
        if let Event::Logs { source, lines } = &e {
            self.logs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((source.clone(), lines.clone()));
        }
        if self.json {
            if let Ok(line) = serde_json::to_string(&e) {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            return;
        }
        match e {
            Event::HookRunning {
                name,
                elapsed_secs,
                state,
            } => {
                let line = format!("hook {name}: {state} ({elapsed_secs}s)");
                if self.tty {
                    eprint!("\r\x1b[K{line}");
                    *self.live.lock().unwrap_or_else(|e| e.into_inner()) = true;
                } else {
                    eprintln!("{line}");
                }
            }
            Event::HookFailed {
                kind,
                name,
                reason,
                diagnostics,
            } => {
                self.end_live();
                eprintln!("hook {kind}/{name} failed: {reason}");
                for d in diagnostics {
                    for l in d.lines() {
                        eprintln!("  {l}");
                    }
                }
            }
            Event::HookWarned { name, reason } => {
                self.end_live();
                eprintln!("WARNING: hook {name} failed (hook-failure-policy warn): {reason}");
            }
            Event::Warning { message } => {
                self.end_live();
                eprintln!("WARNING: {message}");
            }
            Event::HookSucceeded { .. } | Event::PhaseFinished { .. } => self.end_live(),
            _ => {}
        }
    }

    /// Ends a live line left on the terminal.
    pub fn finish(&self) {
        self.end_live();
    }
}

/// The cluster handle, storage and lock of a lifecycle command in `namespace`.
pub struct Backend {
    /// Cluster access for the executor.
    pub resources: Resources,
    /// Release storage of the namespace.
    pub storage: capstan_storage::Storage<capstan_storage::AnyDriver>,
    /// The operation lock.
    pub locks: Locks,
}

impl Backend {
    /// Builds it. `CAPSTAN_LOCK=off` runs without the lease lock (exactly helm's behaviour:
    /// a `pending-*` release then always blocks).
    pub async fn new(session: &Session, namespace: &str) -> anyhow::Result<Backend> {
        let locks = if std::env::var("CAPSTAN_LOCK").as_deref() == Ok("off") {
            Locks::Off
        } else {
            // The holder names this process (host, pid, start time), so a capstan killed
            // mid-operation is recognised by the next one on this machine at once.
            Locks::Lease {
                client: session.cluster.client.clone(),
                holder: capstan_lifecycle::lock::local_holder(),
                duration: Duration::from_secs(60),
            }
        };
        Ok(Backend {
            resources: Resources::new(session.cluster.client.clone()),
            storage: session.open_storage_in(namespace).await?,
            locks,
        })
    }
}

/// helm's signal handling for install and upgrade: on SIGINT or SIGTERM print
/// `Release NAME has been cancelled.` and cancel the running action, which then records the
/// revision `failed` (`context canceled`) instead of leaving it pending. Runs until the
/// runtime that spawned it is dropped.
pub fn cancel_on_signal(name: &str) {
    let name = name.to_owned();
    tokio::spawn(async move {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
        println!("Release {name} has been cancelled.");
        capstan_lifecycle::cancel::cancel();
    });
}

/// helm's warning for a server dry run of a chart with CRDs: they are not created, so
/// templates that look them up or use their kinds may render differently.
pub fn crd_dry_run_warning(chart: &capstan_chart::Chart, dry: DryRun, skip_crds: bool) {
    if dry == DryRun::Server && !skip_crds && !chart.crd_objects().is_empty() {
        eprintln!("level=WARN msg=\"This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies.\"");
    }
}

/// `.Capabilities` from the server (not asked for a client-side dry run, as helm 4).
pub async fn render_options(
    session: &Session,
    dry: DryRun,
    subchart_notes: bool,
    skip_schema_validation: bool,
) -> anyhow::Result<RenderOptions> {
    let mut opts = RenderOptions {
        subchart_notes,
        skip_schema_validation,
        ..RenderOptions::default()
    };
    if dry != DryRun::Client {
        let res = Resources::new(session.cluster.client.clone());
        let caps = capstan_kube::observe::capabilities(&res)
            .await
            .map_err(|e| anyhow::anyhow!("kubernetes cluster unreachable: {e}"))?;
        opts.kube_version = Some(caps.kube_version);
        opts.api_versions = caps.api_versions;
    }
    Ok(opts)
}

/// Loads a local chart, with helm's message when the path does not exist.
pub fn load_chart(path: &str) -> anyhow::Result<capstan_chart::Chart> {
    if !std::path::Path::new(path).exists() {
        if path.starts_with('/') || path.starts_with('.') {
            anyhow::bail!("path {path:?} not found");
        }
        anyhow::bail!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {path}"
        );
    }
    capstan_chart::load(path).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The release as install/upgrade print it: the status block (table), or the whole
/// record (JSON/YAML, chart included).
pub fn release_output(rel: &Release, format: Format, hide_notes: bool) -> anyhow::Result<String> {
    match format {
        Format::Table => status_table(
            rel,
            View {
                hide_notes,
                ..View::default()
            },
        ),
        Format::Json | Format::Yaml => {
            // An upgrade of a release helm 3 wrote carries its old zero times in the hooks.
            let mut rel = rel.clone();
            super::output::helm4_times(&mut rel);
            if format == Format::Json {
                json_line(&rel)
            } else {
                yaml_doc(&rel)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("5m0s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("1h2m"), Ok(Duration::from_secs(3720)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(
            parse_duration("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
        assert_eq!(
            parse_duration("3x"),
            Err("time: unknown unit \"x\" in duration \"3x\"".into())
        );
    }

    #[test]
    fn dry_run_values() {
        assert_eq!(dry_run(None).ok(), Some(DryRun::None));
        assert_eq!(dry_run(Some("server")).ok(), Some(DryRun::Server));
        assert_eq!(
            dry_run(Some("maybe")).map_err(|e| e.to_string()),
            Err(
                "invalid dry-run value (\"maybe\"). Must be \"none\", \"server\", or \"client\""
                    .into()
            )
        );
    }

    #[test]
    fn labels() {
        let l = parse_labels(&["a=1,b=2".into(), "c=".into()]).expect("labels");
        assert_eq!(l.get("b").map(String::as_str), Some("2"));
        assert_eq!(l.get("c").map(String::as_str), Some(""));
        assert!(parse_labels(&["nokey".into()]).is_err());
    }
}
