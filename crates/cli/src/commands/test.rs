//! `capstan test RELEASE`: runs the release's test hooks (`capstan_lifecycle::test`) and
//! prints the status with each test's last run, then, with `--logs`, the test pods' logs
//! (fetched before delete policies ran, as helm 4 does).

use std::process::ExitCode;

use capstan_lifecycle::{Env, TestOptions};

use super::lifecycle_run::{parse_duration, Backend, Reporter};
use super::output::{go_quote, json_line, yaml_doc, Format};
use super::release_printer::{status_table, View};
use super::session::Session;
use super::GlobalFlags;

/// Flags of `capstan test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// [RELEASE]
    pub args: Vec<String>,
    /// specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to exclude a test
    #[arg(long, value_delimiter = ',')]
    pub filter: Vec<String>,
    /// dump the logs from test pods (this runs after all tests are complete, but before any cleanup)
    #[arg(long)]
    pub logs: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// capstan: run tests of equal weight concurrently
    #[arg(long = "parallel-hooks")]
    pub parallel_hooks: bool,
    /// capstan: `json` streams the lifecycle events as JSON lines, then the release (helm
    /// has no output flag here; the default prints what helm prints)
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
}

/// helm 4.3's `POD LOGS: <pod> (<container>)` blocks from a `Logs` event. The lifecycle
/// reports a hook as `Kind/name` with lines prefixed `pod/container: `; helm shows only Pod
/// test hooks, one block per container with the raw lines. A source already in helm's
/// form is kept as it is.
fn pod_log_blocks(source: &str, lines: &[String]) -> Vec<(String, Vec<String>)> {
    let Some((kind, pod)) = source.split_once('/') else {
        return vec![(source.to_owned(), lines.to_vec())];
    };
    if kind != "Pod" {
        return Vec::new();
    }
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        let (container, text) = match line
            .strip_prefix(pod)
            .and_then(|r| r.strip_prefix('/'))
            .and_then(|r| r.split_once(": "))
        {
            Some((c, t)) => (c.to_owned(), t.to_owned()),
            None => (String::new(), line.clone()),
        };
        let title = if container.is_empty() {
            pod.to_owned()
        } else {
            format!("{pod} ({container})")
        };
        match blocks.iter_mut().find(|(t, _)| *t == title) {
            Some((_, l)) => l.push(text),
            None => blocks.push((title, vec![text])),
        }
    }
    blocks
}

/// Runs `capstan test`.
pub fn exec(global: &GlobalFlags, args: TestArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    let [name] = args.args.as_slice() else {
        anyhow::bail!("\"helm test\" requires 1 argument\n\nUsage:  helm test [RELEASE] [flags]");
    };
    let timeout = parse_duration(&args.timeout).map_err(|e| {
        anyhow::anyhow!(
            "invalid argument {} for \"--timeout\" flag: {e}",
            go_quote(&args.timeout)
        )
    })?;
    // helm accepts `!name=x` and `! name=x` for exclusions.
    let filters: Vec<String> = args
        .filter
        .iter()
        .map(|f| match f.strip_prefix("! ") {
            Some(rest) => format!("!{rest}"),
            None => f.clone(),
        })
        .collect();
    let session = Session::connect(global)?;
    let namespace = session.namespace().to_owned();
    let reporter = Reporter::new(format);
    session.block_on(session.reachable())?;
    let backend = session.block_on(Backend::new(&session, &namespace))?;
    let opts = TestOptions {
        name: name.clone(),
        namespace,
        common: capstan_lifecycle::CommonOptions {
            timeout,
            parallel_hooks: args.parallel_hooks,
            ..Default::default()
        },
        filters,
        logs: args.logs,
    };
    let result = session.block_on(async {
        let sink = |e| reporter.on_event(e);
        let env = Env {
            cluster: &backend.resources,
            storage: &backend.storage,
            locks: &backend.locks,
            events: &sink,
        };
        capstan_lifecycle::test(&env, &opts).await
    });
    reporter.finish();
    let report = result?;
    if format != Format::Table {
        match format {
            Format::Json => print!("{}", json_line(&report.release)?),
            _ => print!("{}", yaml_doc(&report.release)?),
        }
        return match report.failure {
            Some(f) => Err(anyhow::anyhow!("{f}")),
            None => Ok(ExitCode::SUCCESS),
        };
    }
    let mut out = status_table(
        &report.release,
        View {
            hide_notes: true,
            ..View::default()
        },
    )?;
    if args.logs {
        out.push('\n');
        let collected = reporter
            .logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for (source, lines) in collected.iter().flat_map(|(s, l)| pod_log_blocks(s, l)) {
            out.push_str(&format!("POD LOGS: {source}\n"));
            for l in &lines {
                out.push_str(l);
                out.push('\n');
            }
            out.push('\n');
        }
    }
    print!("{out}");
    match report.failure {
        Some(f) => Err(anyhow::anyhow!("{f}")),
        None => Ok(ExitCode::SUCCESS),
    }
}
