//! Issue 7 §6: the crash test. `capstan upgrade` is killed with SIGKILL at every point where it
//! talks to the API server, then `capstan status` must tell the truth and a following
//! `capstan upgrade` (and, on a second pass, `capstan rollback`) must succeed without manual
//! repair.
//!
//! Kill points are driven from the sandbox side, deterministically: a reference run counts the
//! requests an upgrade makes; for kill point N a fault rule holds the Nth request
//! (`{"nth": N, "latencyMs": 60000, "resetRate": 1}`: it is never applied), the test waits until
//! the sandbox reports the request arrived (`Handle::faults_fired`), and SIGKILLs capstan while
//! it waits for the answer. So kill point N leaves the cluster exactly as the first N-1
//! requests made it.

#[path = "lifecycle_diff/harness.rs"]
mod harness;

use capstan_sandbox::{FaultPlan, FaultRule};
use harness::{capstan_bin, chart, helm_bin, parallel_map, run_limited, Ran, Sandbox};
use std::time::{Duration, Instant};

/// The chart: every event's hooks, so an upgrade writes records, runs pre- and post-upgrade
/// Jobs, applies objects and deletes hook-succeeded hooks.
const CHART: &str = "events";

/// How recovery is attempted after the kill.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Recovery {
    Upgrade,
    Rollback,
}

/// The outcome of one kill point.
#[derive(Debug)]
struct Point {
    n: usize,
    request: String,
    recovery: Recovery,
    /// The status `capstan status` printed after the kill.
    status_after_kill: String,
    /// Failed expectations (empty = recovered).
    failures: Vec<String>,
}

fn run(sb: &Sandbox, bin: &std::path::Path, args: &[&str]) -> Ran {
    let mut c = sb.command(bin);
    c.args(args);
    run_limited(c)
}

/// A fresh sandbox with revision 1 of release `r` installed by helm 4.3.1 (the records are
/// Helm's, so this also checks capstan recovers releases helm wrote).
fn installed() -> Sandbox {
    let sb = Sandbox::start();
    let c = chart(CHART);
    let r = run(&sb, &helm_bin(), &["install", "r", &c]);
    assert_eq!(r.code, 0, "helm install: {}", r.stderr);
    sb
}

fn upgrade_args(chart: &str) -> Vec<String> {
    ["upgrade", "r", chart, "--set", "version=2"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The requests of an undisturbed `capstan upgrade`, as `verb resource name`.
fn reference_requests(bin: &std::path::Path) -> Vec<String> {
    let sb = installed();
    let before = sb.audit().len();
    let c = chart(CHART);
    let args = upgrade_args(&c);
    let r = run(
        &sb,
        bin,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(
        r.code,
        0,
        "the undisturbed {} upgrade must succeed first: {}{}",
        bin.display(),
        r.stdout,
        r.stderr
    );
    sb.audit()[before..]
        .iter()
        .map(|a| {
            format!("{} {} {}", a.verb, a.resource, a.name)
                .trim()
                .to_string()
        })
        .collect()
}

/// `STATUS:` and `REVISION:` from `status` output.
fn field(out: &str, key: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

fn kill_at(bin: &std::path::Path, n: usize, request: &str, recovery: Recovery) -> Point {
    let sb = installed();
    let c = chart(CHART);
    sb.handle().set_faults(FaultPlan {
        seed: 1,
        rules: vec![FaultRule {
            nth: Some(n as u64),
            latency_ms: 60_000,
            reset_rate: 1.0,
            ..FaultRule::default()
        }],
    });
    let mut failures = Vec::new();
    let mut cmd = sb.command(bin);
    cmd.args(upgrade_args(&c));
    let mut child = cmd.spawn().expect("spawn upgrade");
    let start = Instant::now();
    let mut reached = false;
    loop {
        if sb.handle().faults_fired() > 0 {
            reached = true;
            break;
        }
        if child.try_wait().expect("wait").is_some() || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Child::kill is SIGKILL on Unix: no handler, no cleanup.
    let _ = child.kill();
    let _ = child.wait();
    sb.handle().set_faults(FaultPlan::default());
    if !reached {
        failures.push(format!(
            "capstan never made request {n} ({request}) in this run"
        ));
    }

    // The stored records after the kill, and what `status` says about them.
    let records = harness::records(&sb);
    let latest = records
        .iter()
        .max_by_key(|r| r["version"].as_u64().unwrap_or(0))
        .cloned()
        .unwrap_or_default();
    let st = run(&sb, bin, &["status", "r"]);
    let status_after_kill = field(&st.stdout, "STATUS:");
    if st.code != 0 {
        failures.push(format!("status exited {}: {}", st.code, st.stderr));
    }
    let want_status = latest["info"]["status"].as_str().unwrap_or_default();
    let want_rev = latest["version"].as_u64().unwrap_or(0).to_string();
    if status_after_kill != want_status || field(&st.stdout, "REVISION:") != want_rev {
        failures.push(format!(
            "status says {status_after_kill:?} revision {:?}, the stored latest revision {want_rev} is {want_status:?}",
            field(&st.stdout, "REVISION:")
        ));
    }

    // Recovery without manual steps.
    let r = match recovery {
        Recovery::Upgrade => run(&sb, bin, &["upgrade", "r", &c, "--set", "version=3"]),
        Recovery::Rollback => run(&sb, bin, &["rollback", "r", "1"]),
    };
    if r.code != 0 {
        failures.push(format!(
            "{recovery:?} after the kill exited {}: {}",
            r.code,
            r.stderr.trim()
        ));
    }
    let after = harness::records(&sb);
    let latest = after
        .iter()
        .max_by_key(|r| r["version"].as_u64().unwrap_or(0))
        .cloned()
        .unwrap_or_default();
    if latest["info"]["status"] != "deployed" {
        failures.push(format!(
            "after {recovery:?} the latest revision is {}",
            latest["info"]["status"]
        ));
    }
    let deployed = after
        .iter()
        .filter(|r| r["info"]["status"] == "deployed")
        .count();
    if deployed != 1 {
        failures.push(format!("{deployed} revisions are deployed after recovery"));
    }
    let pending = after
        .iter()
        .filter(|r| {
            r["info"]["status"]
                .as_str()
                .is_some_and(|s| s.starts_with("pending-"))
        })
        .count();
    if pending != 0 {
        failures.push(format!(
            "{pending} revisions are still pending after recovery"
        ));
    }
    Point {
        n,
        request: request.to_string(),
        recovery,
        status_after_kill,
        failures,
    }
}

/// Kills `bin`'s upgrade at every request of its undisturbed run and tries `recovery`.
fn kill_everywhere(bin: &std::path::Path, recovery: Recovery) -> (String, Vec<Point>) {
    let reqs = reference_requests(bin);
    let points: Vec<(usize, String)> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.clone()))
        .collect();
    let results = parallel_map(&points, 3, |(n, req)| kill_at(bin, *n, req, recovery));
    let recovered = results.iter().filter(|p| p.failures.is_empty()).count();
    let mut lines = Vec::new();
    for p in &results {
        lines.push(format!(
            "kill point {:>3} before `{}`: status after kill {:?}; {}",
            p.n,
            p.request,
            p.status_after_kill,
            if p.failures.is_empty() {
                format!("recovered by {:?}", p.recovery)
            } else {
                format!("NOT recovered: {}", p.failures.join("; "))
            }
        ));
    }
    let name = bin.file_name().unwrap_or_default().to_string_lossy();
    let summary = format!(
        "crash test ({name}, {recovery:?}): {} kill points tried, {} recovered without manual steps",
        results.len(),
        recovered
    );
    println!("{summary}\n{}", lines.join("\n"));
    (format!("{summary}\n{}", lines.join("\n")), results)
}

fn crash_test(recovery: Recovery) {
    let (text, results) = kill_everywhere(&capstan_bin(), recovery);
    let recovered = results.iter().filter(|p| p.failures.is_empty()).count();
    assert_eq!(recovered, results.len(), "{text}");
}

/// The harness proven on helm 4.3.1: killed during an upgrade, helm leaves `pending-upgrade`
/// at the kill points after its first record write, `helm status` reports it truthfully, and
/// the next `helm upgrade` is refused ("another operation ... is in progress"), which is the
/// dead end capstan removes (issue 7 §4).
#[test]
fn helm_killed_during_upgrade_is_left_pending() {
    let (text, results) = kill_everywhere(&helm_bin(), Recovery::Upgrade);
    let stuck: Vec<&Point> = results
        .iter()
        .filter(|p| p.status_after_kill == "pending-upgrade")
        .collect();
    assert!(
        !stuck.is_empty(),
        "no kill point left helm pending:\n{text}"
    );
    for p in &stuck {
        assert!(
            p.failures
                .iter()
                .any(|f| f.contains("another operation (install/upgrade/rollback) is in progress")),
            "kill point {} left pending-upgrade but helm upgrade did not refuse:\n{text}",
            p.n
        );
        assert!(
            !p.failures.iter().any(|f| f.contains("status says")),
            "helm status is not truthful at kill point {}:\n{text}",
            p.n
        );
    }
    // Before the first record write nothing changed: those points recover.
    assert!(
        results[0].failures.is_empty(),
        "killing helm before its first request must leave a working release:\n{text}"
    );
}

#[test]
fn sigkill_during_upgrade_then_upgrade_recovers() {
    crash_test(Recovery::Upgrade);
}

#[test]
fn sigkill_during_upgrade_then_rollback_recovers() {
    crash_test(Recovery::Rollback);
}
