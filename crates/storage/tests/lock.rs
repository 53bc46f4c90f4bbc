//! The release lock on the sandbox: exclusive while held, free after release, and taken
//! over once the holder's Lease has expired (an operation that died).

use std::time::Duration;

use capstan_sandbox::{serve, SandboxConfig};
use capstan_storage::{lock_state, LockError, LockState, ReleaseLock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_is_exclusive_and_expires() {
    let handle = serve(SandboxConfig::default()).await.expect("sandbox");
    let dir = std::env::temp_dir().join(format!("capstan-storage-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let kc = dir.join("kubeconfig");
    handle.write_kubeconfig(&kc).expect("kubeconfig");
    let client = capstan_kube::connect(&capstan_kube::ConnectOptions {
        kubeconfig: Some(kc),
        ..Default::default()
    })
    .await
    .expect("connect")
    .client;
    let long = Duration::from_secs(300);

    let a = ReleaseLock::acquire(client.clone(), "default", "r", "proc-a", long)
        .await
        .expect("first holder");
    match ReleaseLock::acquire(client.clone(), "default", "r", "proc-b", long).await {
        Err(LockError::Held { holder, .. }) => assert_eq!(holder, "proc-a"),
        other => panic!("second acquire must fail, got {other:?}"),
    }
    // Another release is independent.
    let other = ReleaseLock::acquire(client.clone(), "default", "s", "proc-b", long)
        .await
        .expect("other release");
    assert_eq!(
        lock_state(client.clone(), "default", "r")
            .await
            .expect("state"),
        LockState::Held {
            holder: "proc-a".into()
        }
    );
    a.release().await.expect("release");
    assert_eq!(
        lock_state(client.clone(), "default", "r")
            .await
            .expect("state"),
        LockState::Free
    );
    let b = ReleaseLock::acquire(client.clone(), "default", "r", "proc-b", long)
        .await
        .expect("free after release");
    b.release().await.expect("release");
    other.release().await.expect("release");

    // A holder that died: a zero-length lease is expired as soon as the clock moves on.
    let mut dead = ReleaseLock::acquire(client.clone(), "default", "d", "dead", Duration::ZERO)
        .await
        .expect("dead holder");
    let mut seen_expired = false;
    for _ in 0..50 {
        match lock_state(client.clone(), "default", "d")
            .await
            .expect("state")
        {
            LockState::Expired { holder } => {
                assert_eq!(holder, "dead");
                seen_expired = true;
                break;
            }
            LockState::Held { .. } => tokio::time::sleep(Duration::from_millis(20)).await,
            LockState::Free => panic!("the dead holder's lease is still there"),
        }
    }
    assert!(seen_expired, "a zero-length lease expires");
    let mut taken = None;
    for _ in 0..50 {
        match ReleaseLock::acquire(client.clone(), "default", "d", "alive", long).await {
            Ok(l) => {
                taken = Some(l);
                break;
            }
            Err(LockError::Held { .. }) => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    let taken = taken.expect("an expired lease is taken over");
    assert_eq!(taken.taken_over_from.as_deref(), Some("dead"));
    // The old holder cannot renew what was taken over.
    assert!(matches!(dead.renew().await, Err(LockError::Held { .. })));
    match ReleaseLock::acquire(client.clone(), "default", "d", "third", long).await {
        Err(LockError::Held { holder, .. }) => assert_eq!(holder, "alive"),
        other => panic!("the new holder keeps it, got {other:?}"),
    }
    taken.release().await.expect("release");

    // Renewal keeps a short lease alive past its duration.
    let mut kept = ReleaseLock::acquire(
        client.clone(),
        "default",
        "k",
        "keeper",
        Duration::from_secs(2),
    )
    .await
    .expect("keeper");
    for _ in 0..12 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        kept.renew().await.expect("renew");
    }
    match ReleaseLock::acquire(client.clone(), "default", "k", "other", long).await {
        Err(LockError::Held { holder, .. }) => assert_eq!(holder, "keeper"),
        other => panic!("a renewed lease is still held after 3 s, got {other:?}"),
    }
    kept.release().await.expect("release");
    handle.shutdown().await;
}
