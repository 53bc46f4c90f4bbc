//! `capstan template` command-line behaviour against helm 4.3.1's recorded output
//! (`scripts/gen-template-cli-goldens` writes `template_fixtures/goldens.json`): stdout,
//! stderr, exit status and the files `--output-dir` writes, for each case.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

fn written_files(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            written_files(&p, base, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .expect("inside base")
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read_to_string(&p).expect("read output file")));
        }
    }
}

#[test]
fn template_cli_matches_helm() {
    let text = std::fs::read_to_string(fixtures().join("goldens.json"))
        .expect("goldens.json: run scripts/gen-template-cli-goldens");
    let goldens: serde_json::Value = serde_json::from_str(&text).expect("goldens parse");
    let cases = goldens["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "too few recorded cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let args: Vec<String> = case["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(|a| a.as_str().expect("arg").to_string())
            .collect();
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(&fixtures().join("chart"), &tmp.path().join("c"));
        std::fs::copy(fixtures().join("bad.yaml"), tmp.path().join("bad.yaml"))
            .expect("copy bad.yaml");
        let runs = if case["twice"].as_bool() == Some(true) {
            2
        } else {
            1
        };
        let mut output = None;
        for _ in 0..runs {
            output = Some(
                Command::new(env!("CARGO_BIN_EXE_capstan"))
                    .arg("template")
                    .args(&args)
                    .current_dir(tmp.path())
                    .env("HOME", tmp.path())
                    .env_remove("HELM_NAMESPACE")
                    .output()
                    .expect("run capstan"),
            );
        }
        let output = output.expect("ran once");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rc = output.status.code().unwrap_or(-1) as i64;
        if stdout != case["stdout"].as_str().unwrap_or("") {
            failures.push(format!(
                "{name}: stdout\n--- helm\n{}\n--- capstan\n{stdout}",
                case["stdout"]
            ));
        }
        if stderr != case["stderr"].as_str().unwrap_or("") {
            failures.push(format!(
                "{name}: stderr\n--- helm\n{}\n--- capstan\n{stderr}",
                case["stderr"]
            ));
        }
        if Some(rc) != case["rc"].as_i64() {
            failures.push(format!("{name}: exit status {rc}, helm {}", case["rc"]));
        }
        let mut files = Vec::new();
        written_files(&tmp.path().join("out"), tmp.path(), &mut files);
        files.sort();
        let mut expected: Vec<(String, String)> = case["files"]
            .as_object()
            .expect("files")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        expected.sort();
        if files != expected {
            failures.push(format!(
                "{name}: written files\n--- helm\n{expected:#?}\n--- capstan\n{files:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
