//! `capstan demo`: the whole release lifecycle of `examples/task-api` on an in-process
//! sandbox, with no cluster and no setup. It walks install → upgrade → failing upgrade
//! (`failUpgrade=true`, expected to fail) → rollback → test → uninstall through the
//! lifecycle crate, printing each hook as it runs.
//!
//! By default the sandbox simulates pods (the chart's `sandbox.capstan.dev/*` annotations
//! decide outcomes); with `--exec local` (the default when a database host is given) the
//! hooks' `psql`/`pg_dump`/`redis-cli` commands really run on this machine against the
//! PostgreSQL and Redis the flags name.

mod print;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use capstan_lifecycle::{
    CommonOptions, Env, InstallOptions, LifecycleError, Locks, RenderOptions, RollbackOptions,
    TestOptions, UninstallOptions, UpgradeOptions,
};
use capstan_sandbox::{ExecMode, SandboxConfig};
use capstan_storage::{AnyDriver, DriverKind, Storage};
use serde_json::{json, Value};

use super::values_flags::ValuesFlags;
use print::Printer;

/// Flags of `capstan demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// the chart to walk (default: examples/task-api of this repository)
    #[arg(long)]
    pub chart: Option<PathBuf>,
    /// release name
    #[arg(long, default_value = "demo")]
    pub release: String,
    /// how the sandbox runs hook containers: simulate, or local (runs their commands on this
    /// machine; the default when a database host is given)
    #[arg(long)]
    pub exec: Option<String>,
    /// PostgreSQL host for the hooks (database.host); implies --exec local
    #[arg(long = "database-host", env = "CAPSTAN_DEMO_DATABASE_HOST")]
    pub database_host: Option<String>,
    /// PostgreSQL port (database.port)
    #[arg(long = "database-port", env = "CAPSTAN_DEMO_DATABASE_PORT")]
    pub database_port: Option<u16>,
    /// database name (database.name)
    #[arg(long = "database-name", env = "CAPSTAN_DEMO_DATABASE_NAME")]
    pub database_name: Option<String>,
    /// database user (database.user)
    #[arg(long = "database-user", env = "CAPSTAN_DEMO_DATABASE_USER")]
    pub database_user: Option<String>,
    /// database password (database.password)
    #[arg(long = "database-password", env = "CAPSTAN_DEMO_DATABASE_PASSWORD")]
    pub database_password: Option<String>,
    /// Redis host (redis.host)
    #[arg(long = "redis-host", env = "CAPSTAN_DEMO_REDIS_HOST")]
    pub redis_host: Option<String>,
    /// Redis port (redis.port)
    #[arg(long = "redis-port", env = "CAPSTAN_DEMO_REDIS_PORT")]
    pub redis_port: Option<u16>,
    /// where the pre-delete and pre-rollback backups go (backup.dir; default: under the
    /// state directory)
    #[arg(long = "backup-dir")]
    pub backup_dir: Option<PathBuf>,
    /// keep the sandbox's audit log, local-exec working dirs and backups here (default: a
    /// temporary directory, removed at the end)
    #[arg(long = "state-dir")]
    pub state_dir: Option<PathBuf>,
    /// time to wait for each hook
    #[arg(long, default_value = "120s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// output format: text, or json (one lifecycle event per line)
    #[arg(short = 'o', long, default_value = "text")]
    pub output: String,
    #[command(flatten)]
    pub values: ValuesFlags,
}

/// Go-style durations as helm's `--timeout` takes them (`90s`, `5m`, `1m30s`, `500ms`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let mut total = Duration::ZERO;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(secs) = rest.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("time: missing unit in duration {s:?}"))?;
        let (num, tail) = rest.split_at(digits);
        let n: f64 = num
            .parse()
            .map_err(|_| format!("time: invalid duration {s:?}"))?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let secs = match unit {
            "h" => n * 3600.0,
            "m" => n * 60.0,
            "s" => n,
            "ms" => n / 1000.0,
            _ => return Err(format!("time: unknown unit {unit:?} in duration {s:?}")),
        };
        total += Duration::from_secs_f64(secs);
        rest = tail;
    }
    Ok(total)
}

/// One step of the walk and the outcome it is expected to have.
struct Walk {
    title: &'static str,
    expect_ok: bool,
}

const WALK: [Walk; 6] = [
    Walk {
        title: "install",
        expect_ok: true,
    },
    Walk {
        title: "upgrade (migration, validation, cache flush)",
        expect_ok: true,
    },
    Walk {
        title: "upgrade --set failUpgrade=true (the tutorial's failing hook: expected to fail)",
        expect_ok: false,
    },
    Walk {
        title: "rollback to the last good revision",
        expect_ok: true,
    },
    Walk {
        title: "test",
        expect_ok: true,
    },
    Walk {
        title: "uninstall",
        expect_ok: true,
    },
];

/// Runs the demo. Exit 0 when every step ended as expected (the failing upgrade failing).
pub fn exec(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let json = match args.output.as_str() {
        "text" | "" => false,
        "json" => true,
        other => anyhow::bail!("invalid format type {other:?}: demo prints text or json"),
    };
    let chart_dir = chart_dir(args.chart.as_deref())?;
    let mut user_values = args.values.merge()?;
    let db_in_values = user_values
        .get("database")
        .and_then(|d| d.get("host"))
        .is_some();
    let exec = match args.exec.as_deref() {
        Some(e) => e.parse().map_err(|e| anyhow::anyhow!("--exec: {e}"))?,
        None if args.database_host.is_some() || db_in_values => ExecMode::Local,
        None => ExecMode::Simulate,
    };
    if exec == ExecMode::Local && args.database_host.is_none() && !db_in_values {
        anyhow::bail!(
            "--exec local runs the hooks' psql and redis-cli on this machine: give the database with --database-host (and --database-port, --database-name, --database-user) or CAPSTAN_DEMO_DATABASE_HOST"
        );
    }
    let (state_dir, temporary) = match &args.state_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("capstan-demo-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&state_dir)
        .with_context(|| format!("create state directory {}", state_dir.display()))?;
    if exec == ExecMode::Local {
        let backups = args
            .backup_dir
            .clone()
            .unwrap_or_else(|| state_dir.join("backups"));
        endpoint_values(&args, &backups, &mut user_values);
    }
    let printer = Printer::new(json);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(walk(
        &args,
        &chart_dir,
        user_values,
        exec,
        &state_dir,
        &printer,
    ));
    if temporary {
        let _ = std::fs::remove_dir_all(&state_dir);
    }
    let failures = result?;
    if failures.is_empty() {
        printer.say(
            "\ndemo complete: every step ended as expected",
            json!({"demo": "complete", "ok": true}),
        );
        Ok(ExitCode::SUCCESS)
    } else {
        printer.say(
            &format!(
                "\ndemo: {} step(s) did not end as expected: {}",
                failures.len(),
                failures.join("; ")
            ),
            json!({"demo": "complete", "ok": false, "unexpected": failures}),
        );
        Ok(ExitCode::from(1))
    }
}

/// The chart: `--chart`, else `examples/task-api` under the working directory, else the
/// one beside this crate's sources (a `cargo run` from anywhere in the clone).
fn chart_dir(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let here = PathBuf::from("examples/task-api");
    if here.join("Chart.yaml").is_file() {
        return Ok(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/task-api");
    if built.join("Chart.yaml").is_file() {
        return Ok(built);
    }
    anyhow::bail!(
        "examples/task-api not found: run the demo from the capstan repository, or give --chart"
    )
}

/// The flags' endpoints as chart values (flags win over `-f`/`--set`).
fn endpoint_values(args: &DemoArgs, backups: &Path, values: &mut capstan_chart::Values) {
    // The chart's default (`redis`) is a cluster Service name; hooks running on this
    // machine find a local Redis on loopback.
    let redis_in_values = values.get("redis").and_then(|r| r.get("host")).is_some();
    let mut set = |section: &str, key: &str, v: Value| {
        let entry = values
            .entry(section.to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
        if !entry.is_object() {
            *entry = Value::Object(Default::default());
        }
        if let Some(m) = entry.as_object_mut() {
            m.insert(key.to_owned(), v);
        }
    };
    if let Some(h) = &args.database_host {
        set("database", "host", json!(h));
    }
    if let Some(p) = args.database_port {
        set("database", "port", json!(p));
    }
    if let Some(n) = &args.database_name {
        set("database", "name", json!(n));
    }
    if let Some(u) = &args.database_user {
        set("database", "user", json!(u));
    }
    if let Some(p) = &args.database_password {
        set("database", "password", json!(p));
    }
    match &args.redis_host {
        Some(h) => set("redis", "host", json!(h)),
        None if !redis_in_values => set("redis", "host", json!("127.0.0.1")),
        None => {}
    }
    if let Some(p) = args.redis_port {
        set("redis", "port", json!(p));
    }
    set("backup", "dir", json!(backups.display().to_string()));
}

/// Starts the sandbox, connects to it as a client would, and walks the steps. Returns the
/// steps that did not end as expected.
async fn walk(
    args: &DemoArgs,
    chart_dir: &Path,
    values: capstan_chart::Values,
    exec: ExecMode,
    state_dir: &Path,
    printer: &Printer,
) -> anyhow::Result<Vec<String>> {
    let cfg = SandboxConfig {
        exec,
        state_dir: Some(state_dir.to_path_buf()),
        pod_start_delay: Duration::from_millis(100),
        pod_run_duration: Duration::from_millis(300),
        ..SandboxConfig::default()
    };
    let handle = capstan_sandbox::serve(cfg)
        .await
        .map_err(|e| anyhow::anyhow!("start the sandbox: {e}"))?;
    let kubeconfig = state_dir.join("kubeconfig");
    handle
        .write_kubeconfig(&kubeconfig)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mode = match exec {
        ExecMode::Simulate => "simulated pods: the chart's sandbox annotations decide outcomes; pass --database-host ... for real PostgreSQL/Redis",
        ExecMode::Local => "--exec local: hook commands run on this machine against the database and Redis given",
    };
    printer.say(
        &format!(
            "capstan demo: {} as release {:?} on an in-process sandbox at {}\n({mode})",
            chart_dir.display(),
            args.release,
            handle.url()
        ),
        json!({"demo": "start", "chart": chart_dir.display().to_string(), "release": args.release,
               "sandbox": handle.url(), "exec": if exec == ExecMode::Local { "local" } else { "simulate" }}),
    );
    let cluster = capstan_kube::connect(&capstan_kube::ConnectOptions {
        kubeconfig: Some(kubeconfig),
        ..Default::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("Kubernetes cluster unreachable: {e}"))?;
    let ns = cluster.namespace.clone();
    let res = capstan_kube::resources::Resources::new(cluster.client.clone());
    let caps = capstan_kube::observe::capabilities(&res)
        .await
        .map_err(|e| anyhow::anyhow!("Kubernetes cluster unreachable: {e}"))?;
    let render = RenderOptions {
        kube_version: Some(caps.kube_version),
        api_versions: caps.api_versions,
        ..RenderOptions::default()
    };
    let driver = AnyDriver::connect(DriverKind::Secrets, cluster.client.clone(), &ns)?;
    let storage = Storage::new(driver);
    let locks = Locks::Lease {
        client: cluster.client.clone(),
        holder: capstan_storage::holder_identity(),
        duration: Duration::from_secs(60),
    };
    let sink = |e: capstan_lifecycle::Event| printer.event(&e);
    let env = Env {
        cluster: &res,
        storage: &storage,
        locks: &locks,
        events: &sink,
    };
    let common = CommonOptions {
        timeout: args.timeout,
        ..CommonOptions::default()
    };
    let load = || {
        capstan_chart::load(chart_dir)
            .map_err(|e| anyhow::anyhow!("load chart {}: {e}", chart_dir.display()))
    };
    let name = args.release.clone();
    let mut failing = values.clone();
    failing.insert("failUpgrade".into(), json!(true));
    let mut unexpected = Vec::new();
    for (i, step) in WALK.iter().enumerate() {
        printer.say(
            &format!("\n==> {}/{} {}", i + 1, WALK.len(), step.title),
            json!({"demo": "step", "step": i + 1, "title": step.title, "expect_ok": step.expect_ok}),
        );
        let outcome: Result<String, LifecycleError> = match i {
            0 => {
                let opts = InstallOptions {
                    name: name.clone(),
                    namespace: ns.clone(),
                    common: common.clone(),
                    render: render.clone(),
                    ..InstallOptions::default()
                };
                capstan_lifecycle::install(&env, load()?, &values, &opts)
                    .await
                    .map(|r| format!("revision {} {}", r.version, r.status_str()))
            }
            1 | 2 => {
                let opts = UpgradeOptions {
                    name: name.clone(),
                    namespace: ns.clone(),
                    common: common.clone(),
                    render: render.clone(),
                    ..UpgradeOptions::default()
                };
                let vals = if i == 1 { &values } else { &failing };
                capstan_lifecycle::upgrade(&env, load()?, vals, &opts)
                    .await
                    .map(|r| format!("revision {} {}", r.version, r.status_str()))
            }
            3 => {
                let to = last_deployed(&storage, &name).await?;
                let opts = RollbackOptions {
                    name: name.clone(),
                    namespace: ns.clone(),
                    revision: to,
                    common: common.clone(),
                    fail_on_hook_error: true,
                    ..RollbackOptions::default()
                };
                capstan_lifecycle::rollback(&env, &opts).await.map(|r| {
                    format!(
                        "revision {} {} (rolled back to {to})",
                        r.version,
                        r.status_str()
                    )
                })
            }
            4 => {
                let opts = TestOptions {
                    name: name.clone(),
                    namespace: ns.clone(),
                    common: common.clone(),
                    logs: exec == ExecMode::Local,
                    ..TestOptions::default()
                };
                match capstan_lifecycle::test(&env, &opts).await {
                    Ok(report) => match report.failure {
                        None => Ok("tests passed".to_owned()),
                        Some(f) => Err(LifecycleError::Failed(f)),
                    },
                    Err(e) => Err(e),
                }
            }
            _ => {
                let opts = UninstallOptions {
                    name: name.clone(),
                    namespace: ns.clone(),
                    common: common.clone(),
                    ..UninstallOptions::default()
                };
                capstan_lifecycle::uninstall(&env, &opts)
                    .await
                    .map(|_| format!("release {name:?} uninstalled"))
            }
        };
        let ok = outcome.is_ok();
        let text = match &outcome {
            Ok(t) => t.clone(),
            Err(e) => format!("failed: {e}"),
        };
        let verdict = if ok == step.expect_ok {
            "as expected"
        } else {
            "NOT as expected"
        };
        printer.say(
            &format!("   => {text} ({verdict})"),
            json!({"demo": "outcome", "step": i + 1, "ok": ok, "as_expected": ok == step.expect_ok, "result": text}),
        );
        if i < WALK.len() - 1 {
            let hist = history_line(&storage, &name).await;
            printer.say(
                &format!("   history: {hist}"),
                json!({"demo": "history", "step": i + 1, "history": hist}),
            );
        }
        if ok != step.expect_ok {
            unexpected.push(format!("{}: {text}", step.title));
        }
    }
    if exec == ExecMode::Local {
        let backups = values
            .get("backup")
            .and_then(|b| b.get("dir"))
            .and_then(Value::as_str)
            .map(PathBuf::from);
        if let Some(dir) = backups {
            let files = list_files(&dir);
            printer.say(
                &format!("\nbackups in {}: {}", dir.display(), files.join(", ")),
                json!({"demo": "backups", "dir": dir.display().to_string(), "files": files}),
            );
        }
    }
    handle.shutdown().await;
    Ok(unexpected)
}

/// The newest `deployed` revision (the failed upgrade's predecessor): the rollback target.
async fn last_deployed(storage: &Storage<AnyDriver>, name: &str) -> anyhow::Result<i64> {
    let hist = storage.history(name).await?;
    hist.iter()
        .rev()
        .find(|r| r.status_str() == "deployed")
        .map(|r| r.version)
        .ok_or_else(|| anyhow::anyhow!("release {name:?} has no deployed revision to roll back to"))
}

/// `1 superseded, 2 deployed, 3 failed`.
async fn history_line(storage: &Storage<AnyDriver>, name: &str) -> String {
    match storage.history(name).await {
        Ok(h) => h
            .iter()
            .map(|r| format!("{} {}", r.version, r.status_str()))
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => format!("unavailable ({e})"),
    }
}

fn list_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_as_helm_takes_them() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("120"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
    }
}
