//! `up`, `status` and `down` of a background sandbox, through the crate's binary.

use std::process::Command;

#[test]
fn up_status_down() {
    let data = std::env::temp_dir().join(format!("capstan-sandbox-bg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let bin = env!("CARGO_BIN_EXE_capstan-sandbox");
    let run = |cmd: &str| {
        let o = Command::new(bin)
            .arg(cmd)
            .env("XDG_DATA_HOME", &data)
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    assert_eq!(run("status"), (Some(3), "stopped\n".to_string()));
    let (code, out) = run("up");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("running (pid "), "{out}");
    let kc = data.join("capstan/sandbox/kubeconfig");
    let text = std::fs::read_to_string(&kc).expect("kubeconfig written");
    assert!(
        text.contains("current-context: capstan-sandbox")
            && text.contains("server: http://127.0.0.1:")
    );
    // A second `up` finds the running one.
    assert_eq!(run("up").1, out);
    assert_eq!(run("status").0, Some(0));
    assert_eq!(run("down"), (Some(0), "stopped\n".to_string()));
    assert_eq!(run("status").0, Some(3));
    let _ = std::fs::remove_dir_all(&data);
}
