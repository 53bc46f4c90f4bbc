//! The SQL driver while PostgreSQL itself restarts (twice) in the middle of a run of storage
//! operations: every operation succeeds through reconnecting retries. In a test binary of
//! its own, so the restarts do not disturb the other SQL tests.

mod common;

use std::sync::Arc;

use capstan_kube::retry::Retry;
use capstan_release::{Info, Release, Status};
use capstan_storage::{SqlDriver, Storage};

fn rel(version: i64, status: Status) -> Release {
    Release {
        name: "cap".into(),
        namespace: "default".into(),
        version,
        info: Some(Info {
            status: status.as_str().into(),
            ..Info::default()
        }),
        manifest: format!("# rev {version}\n"),
        ..Release::default()
    }
}

fn restart_command() -> String {
    match std::env::var("CAPSTAN_TEST_POSTGRES_RESTART") {
        Ok(c) if !c.is_empty() => c,
        _ => panic!(
            "CAPSTAN_TEST_POSTGRES_RESTART is not set: run `scripts/start-services` and \
             export the lines it prints (scripts/test does this)"
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_postgres_restarts() {
    let restart = restart_command();
    let url = common::fresh_database("restart").await;
    let retry = Arc::new(Retry::default());
    let driver = SqlDriver::connect_with_retry(&url, "default", retry.clone())
        .await
        .expect("connect");
    let mut storage = Storage::new(driver);
    storage.max_history = 10;
    let mut ops = 0;
    let mut restarts = Vec::new();
    for v in 1..=40 {
        if v == 10 || v == 25 {
            // Restart in the background while the next operations run.
            let cmd = restart.clone();
            restarts.push(tokio::task::spawn_blocking(move || {
                std::process::Command::new("sh")
                    .arg("-c")
                    .arg(&cmd)
                    .status()
                    .expect("restart command runs")
            }));
        }
        if v > 1 {
            storage
                .update(&rel(v - 1, Status::Superseded))
                .await
                .expect("update survives a restart");
            ops += 1;
        }
        storage
            .create(&rel(v, Status::Deployed))
            .await
            .expect("create survives a restart");
        assert_eq!(
            storage
                .deployed("cap")
                .await
                .expect("deployed survives a restart")
                .version,
            v
        );
        ops += 2;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for r in restarts {
        assert!(r.await.expect("restart task").success(), "restart failed");
    }
    let (attempted, retried, failed) = retry.stats.snapshot();
    eprintln!(
        "sql restart run: operations={ops} statements={attempted} retried={retried} \
         failed={failed} restarts=2"
    );
    assert!(retried > 0, "the restarts were met and retried");
    assert_eq!(failed, 0);
    let h = storage.history("cap").await.expect("history");
    assert_eq!(h.len(), 10);
    assert_eq!(h.last().map(|r| r.version), Some(40));
}
