//! Issue 8 §2: examples/task-api end to end with the capstan binary against the sandbox in
//! `--exec local` mode, so the hooks' `psql`, `pg_dump` and `redis-cli` really run against
//! the PostgreSQL and Redis that `scripts/start-services` starts (CI: `.ci/run`,
//! `scripts/test`). Without them the test fails and says how to start them.
//!
//! Each test gets its own database; Redis is shared (the chart's post-upgrade hook runs
//! `FLUSHALL`), so the tests that touch it run one at a time.

mod task_api;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use capstan_sandbox::ExecMode;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, Secret};
use serde_json::Value;
use task_api::{chart, ok, show, Sandbox};

/// Redis is one server for every test here.
static REDIS: Mutex<()> = Mutex::new(());

/// Where PostgreSQL and Redis listen.
struct Services {
    pg_host: String,
    pg_port: u16,
    pg_user: String,
    redis_port: u16,
}

const HOW_TO_START: &str = "start them with `eval \"$(scripts/start-services)\"` (needs `apt-get install -y postgresql redis-server`); scripts/test and .ci/run do it";

fn which(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The services from `CAPSTAN_TEST_POSTGRES` (a `postgres://user@host:port/db` URL) and
/// `CAPSTAN_REDIS_PORT` (default 6379), checked to answer.
fn services() -> Services {
    for tool in ["psql", "pg_dump", "redis-cli"] {
        assert!(which(tool), "{tool} is not installed: apt-get install -y postgresql-client redis-tools; {HOW_TO_START}");
    }
    let url = std::env::var("CAPSTAN_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!("CAPSTAN_TEST_POSTGRES is not set: the task-api end-to-end test needs PostgreSQL and Redis; {HOW_TO_START}")
    });
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .unwrap_or_else(|| panic!("CAPSTAN_TEST_POSTGRES={url:?} is not a postgres:// URL"));
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (user, hostport) = authority
        .rsplit_once('@')
        .unwrap_or(("postgres", authority));
    let user = user.split(':').next().unwrap_or("postgres");
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "5432"));
    let s = Services {
        pg_host: host.to_owned(),
        pg_port: port.parse().expect("port in CAPSTAN_TEST_POSTGRES"),
        pg_user: user.to_owned(),
        redis_port: std::env::var("CAPSTAN_REDIS_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(6379),
    };
    let pong = s.redis(&["PING"]);
    assert_eq!(
        pong, "PONG",
        "redis on 127.0.0.1:{} does not answer; {HOW_TO_START}",
        s.redis_port
    );
    let one = s.sql("postgres", "SELECT 1");
    assert_eq!(
        one, "1",
        "PostgreSQL at {url} does not answer; {HOW_TO_START}"
    );
    s
}

impl Services {
    fn sql(&self, db: &str, query: &str) -> String {
        let out = Command::new("psql")
            .arg(format!(
                "host={} port={} user={} dbname={db}",
                self.pg_host, self.pg_port, self.pg_user
            ))
            .args(["-tAX", "-v", "ON_ERROR_STOP=1", "-c", query])
            .output()
            .expect("run psql");
        assert!(out.status.success(), "psql {query:?}: {}", show(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn redis(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.redis_port.to_string()])
            .args(args)
            .output()
            .expect("run redis-cli");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// A database of its own for one test, dropped at the end.
struct Database<'a> {
    svc: &'a Services,
    name: String,
}

impl<'a> Database<'a> {
    fn create(svc: &'a Services, prefix: &str) -> Self {
        let name = format!("{prefix}_{}", std::process::id());
        svc.sql("postgres", &format!("DROP DATABASE IF EXISTS {name}"));
        svc.sql("postgres", &format!("CREATE DATABASE {name}"));
        Database { svc, name }
    }

    fn sql(&self, query: &str) -> String {
        self.svc.sql(&self.name, query)
    }
}

impl Drop for Database<'_> {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(format!(
                "host={} port={} user={} dbname=postgres",
                self.svc.pg_host, self.svc.pg_port, self.svc.pg_user
            ))
            .args([
                "-c",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

/// The values file pointing the chart at the services, the database and `backups`.
fn values_file(dir: &Path, svc: &Services, db: &str, backups: &Path) -> PathBuf {
    let path = dir.join("values.yaml");
    let text = format!(
        "database: {{host: {}, port: {}, name: {db}, user: {}, password: trust-auth-ignores-it}}\nredis: {{host: 127.0.0.1, port: {}}}\nbackup: {{dir: {}}}\n",
        svc.pg_host,
        svc.pg_port,
        svc.pg_user,
        svc.redis_port,
        backups.display()
    );
    std::fs::write(&path, text).expect("write values");
    path
}

/// `revision:status` of every stored revision, from `capstan history -o json`.
fn history(sb: &Sandbox) -> Vec<String> {
    let out = ok(&sb.capstan(&["history", "t", "-o", "json"]), "history");
    let v: Value = serde_json::from_str(&out).expect("history json");
    v.as_array()
        .expect("array")
        .iter()
        .map(|r| format!("{}:{}", r["revision"], r["status"].as_str().unwrap_or("")))
        .collect()
}

fn deployment(sb: &Sandbox) -> Value {
    let api: kube::Api<Deployment> = kube::Api::namespaced(sb.client(), "default");
    let d = sb.rt.block_on(api.get("t-task-api")).expect("deployment");
    serde_json::to_value(d).expect("json")
}

fn backups(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn index_of(list: &[String], name: &str) -> usize {
    list.iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} was never created: {list:?}"))
}

fn count(list: &[String], name: &str) -> usize {
    list.iter().filter(|n| *n == name).count()
}

#[test]
fn task_api_lifecycle_against_real_postgres_and_redis() {
    let svc = services();
    let _redis = REDIS.lock().unwrap_or_else(|e| e.into_inner());
    let db = Database::create(&svc, "task_api_e2e");
    let sb = Sandbox::start(ExecMode::Local);
    let backup_dir = sb.dir.join("backups");
    let values = values_file(&sb.dir, &svc, &db.name, &backup_dir);
    let c = chart().display().to_string();
    let v = values.display().to_string();
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["-f", &v, "--timeout", "90s"]);
        sb.capstan(&all)
    };

    // install → db-init created the table; the post-install sequence registered the release.
    ok(&run(&["install", "t", &c]), "install");
    assert_eq!(
        db.sql("SELECT to_regclass('tasks') IS NOT NULL"),
        "t",
        "install: tasks table"
    );
    assert_eq!(
        svc.redis(&["GET", "task-api:registry:t"]),
        "1",
        "post-install sequence"
    );
    let jobs = sb.created("jobs");
    assert!(
        index_of(&jobs, "t-task-api-seq-register") < index_of(&jobs, "t-task-api-seq-cache-warm")
            && index_of(&jobs, "t-task-api-seq-cache-warm")
                < index_of(&jobs, "t-task-api-seq-announce"),
        "post-install sequence in weight order (-5, 0, 5): {jobs:?}"
    );

    // upgrade → migration before validation, the column exists, redis flushed.
    assert_eq!(svc.redis(&["SET", "cached-before-upgrade", "1"]), "OK");
    ok(&run(&["upgrade", "t", &c]), "upgrade");
    let jobs = sb.created("jobs");
    assert!(
        index_of(&jobs, "t-task-api-migrate") < index_of(&jobs, "t-task-api-validate"),
        "migration (weight -5) is created before validation (weight 5): {jobs:?}"
    );
    let column = "SELECT count(*) FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'priority'";
    assert_eq!(
        db.sql(column),
        "1",
        "the migration added tasks.priority (and validation passed)"
    );
    assert_eq!(
        svc.redis(&["EXISTS", "cached-before-upgrade"]),
        "0",
        "post-upgrade FLUSHALL"
    );
    assert_eq!(history(&sb), ["1:superseded", "2:deployed"]);

    // upgrade with the failing hook → blocked; revision 2 still deployed; Deployment untouched.
    let before = deployment(&sb);
    let out = run(&["upgrade", "t", &c, "--set", "failUpgrade=true"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failing upgrade: {}",
        show(&out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Error: UPGRADE FAILED: pre-upgrade hooks failed"),
        "{}",
        show(&out)
    );
    assert_eq!(history(&sb), ["1:superseded", "2:deployed", "3:failed"]);
    let after = deployment(&sb);
    assert_eq!(
        after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
        "the Deployment was not touched"
    );
    let jobs = sb.created("jobs");
    assert_eq!(
        count(&jobs, "t-task-api-validate"),
        1,
        "validation did not run after the failing hook: {jobs:?}"
    );
    assert_eq!(count(&jobs, "t-task-api-debug-failure"), 1);

    // Likewise with --rollback-on-failure, plus the rollback revision.
    let out = run(&[
        "upgrade",
        "t",
        &c,
        "--set",
        "failUpgrade=true",
        "--rollback-on-failure",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "failing upgrade with rollback: {}",
        show(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("has been rolled back due to rollback-on-failure"),
        "{}",
        show(&out)
    );
    assert_eq!(
        history(&sb),
        [
            "1:superseded",
            "2:superseded",
            "3:failed",
            "4:failed",
            "5:deployed"
        ]
    );
    let rolled = deployment(&sb);
    assert_eq!(
        rolled["spec"], before["spec"],
        "the Deployment's spec is unchanged"
    );
    assert_eq!(
        rolled["metadata"]["generation"],
        before["metadata"]["generation"]
    );
    assert_eq!(
        backups(&backup_dir, "t-pre-rollback-to-2-").len(),
        1,
        "pre-rollback backup of the automatic rollback"
    );

    // Re-running the fixed migration is safe.
    ok(&run(&["upgrade", "t", &c]), "upgrade after the fix");
    assert_eq!(db.sql(column), "1");
    assert!(
        count(&sb.created("jobs"), "t-task-api-migrate") >= 3,
        "the migration ran again"
    );
    assert_eq!(history(&sb).last().map(String::as_str), Some("6:deployed"));

    // rollback → pre- and post-rollback hooks ran.
    let out = ok(
        &sb.capstan(&["rollback", "t", "1", "--timeout", "90s"]),
        "rollback",
    );
    assert!(
        out.contains("Rollback was a success! Happy Helming!"),
        "{out}"
    );
    let dumps = backups(&backup_dir, "t-pre-rollback-to-1-");
    assert_eq!(dumps.len(), 1, "pre-rollback backup: {dumps:?}");
    let dump = std::fs::read_to_string(&dumps[0]).expect("read dump");
    assert!(dump.contains("CREATE TABLE public.tasks"), "pg_dump output");
    let jobs = sb.created("jobs");
    let last_backup = jobs
        .iter()
        .rposition(|n| n == "t-task-api-backup-pre-rollback")
        .expect("backup job");
    let last_verify = jobs
        .iter()
        .rposition(|n| n == "t-task-api-verify-rollback")
        .expect("verify job");
    assert!(
        last_backup < last_verify,
        "pre-rollback before post-rollback: {jobs:?}"
    );
    assert_eq!(history(&sb).last().map(String::as_str), Some("7:deployed"));

    // test → passes; with failTest → FAILED and a non-zero exit.
    let out = ok(&sb.capstan(&["test", "t", "--timeout", "90s"]), "test");
    assert!(
        out.contains("TEST SUITE:     t-task-api-test-db")
            && out.contains("Phase:          Succeeded"),
        "{out}"
    );
    assert!(!out.contains("Phase:          Failed"), "{out}");
    ok(
        &run(&["upgrade", "t", &c, "--set", "failTest=true"]),
        "upgrade with failTest",
    );
    let out = sb.capstan(&["test", "t", "--timeout", "90s"]);
    assert_eq!(out.status.code(), Some(1), "failing test: {}", show(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Phase:          Failed"), "{}", show(&out));

    // uninstall → pre-delete backup, post-delete deregistration, hooks cleaned by policy.
    let out = ok(
        &sb.capstan(&["uninstall", "t", "--timeout", "90s"]),
        "uninstall",
    );
    assert!(out.contains("release \"t\" uninstalled"), "{out}");
    let dump =
        std::fs::read_to_string(backup_dir.join("t-pre-delete.sql")).expect("pre-delete backup");
    assert!(dump.contains("CREATE TABLE public.tasks"), "pg_dump output");
    assert_eq!(
        svc.redis(&["EXISTS", "task-api:registry:t"]),
        "0",
        "post-delete deregistration"
    );
    // before-hook-creation,hook-succeeded hooks are gone; the failed debug-failure Job has no
    // hook-failed policy and stays; test-db (before-hook-creation only) stays until its next run.
    assert_eq!(sb.names::<Job>(), ["t-task-api-debug-failure"]);
    let pods = sb.names::<Pod>();
    assert!(pods.contains(&"t-task-api-test-db".to_owned()), "{pods:?}");
    assert!(!pods.iter().any(|p| p.contains("test-cleanup")), "{pods:?}");
    let secrets: Vec<String> = sb
        .names::<Secret>()
        .into_iter()
        .filter(|s| s.starts_with("t-") || s.contains(".t."))
        .collect();
    assert!(
        secrets.is_empty(),
        "hook Secret, DB Secret and release records are gone: {secrets:?}"
    );
    assert!(sb.names::<Deployment>().is_empty());
}

#[test]
fn demo_runs_the_hooks_locally_against_postgres_and_redis() {
    let svc = services();
    let _redis = REDIS.lock().unwrap_or_else(|e| e.into_inner());
    let db = Database::create(&svc, "task_api_demo");
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(task_api::capstan_bin())
        .args(["demo", "--state-dir"])
        .arg(dir.path())
        .args(["--database-host", &svc.pg_host])
        .args(["--database-port", &svc.pg_port.to_string()])
        .args(["--database-name", &db.name])
        .args(["--database-user", &svc.pg_user])
        .args(["--redis-port", &svc.redis_port.to_string()])
        .env("HOME", dir.path())
        .output()
        .expect("run demo");
    let text = ok(&out, "capstan demo --database-host ...");
    assert!(text.contains("--exec local"), "{text}");
    assert!(
        text.contains("demo complete: every step ended as expected"),
        "{text}"
    );
    assert!(
        text.contains("test-db: table tasks answers"),
        "test logs shown: {text}"
    );
    let dump = std::fs::read_to_string(dir.path().join("backups/demo-pre-delete.sql"))
        .expect("pre-delete backup");
    assert!(dump.contains("CREATE TABLE public.tasks"));
    assert_eq!(
        backups(&dir.path().join("backups"), "demo-pre-rollback-to-2-").len(),
        1
    );
    assert_eq!(db.sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'priority'"), "1");
}
