//! The template engine vectors through the whole `capstan template` path: every case of
//! testdata/gotmpl-vectors/cases.json rendered by the `capstan` binary, compared byte for byte
//! with what the real helm 4.3.1 printed (testdata/gotmpl-vectors/expected.json, recorded by
//! scripts/gen-gotmpl-vectors): the decoded output, or stderr and the exit status.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;

const WRAPPER: &str = "# {{ include \"vec/templates/_t.tpl\" . | b64enc }}\n";

fn write_chart(root: &Path, template: &str, values: &str) {
    std::fs::create_dir_all(root.join("templates")).expect("chart dir");
    std::fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: vec\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(root.join("values.yaml"), format!("{values}\n")).expect("values.yaml");
    std::fs::write(root.join("templates/_t.tpl"), template).expect("_t.tpl");
    std::fs::write(root.join("templates/out.yaml"), WRAPPER).expect("out.yaml");
}

/// Runs capstan like the generator runs helm and returns the same shape of result.
fn run(root: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(["template", "rel"])
        .arg(root)
        .args(["--namespace", "ns1", "--kube-version", "1.31.0"])
        .output()
        .expect("run capstan");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&*root.to_string_lossy(), "CHART");
    match out.status.code() {
        Some(0) => {
            let line = stdout
                .lines()
                .find(|l| l.starts_with("# ") && !l.starts_with("# Source: "));
            let text = line
                .map(|l| {
                    base64::engine::general_purpose::STANDARD
                        .decode(&l[2..])
                        .unwrap_or_default()
                })
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            serde_json::json!({"exit_code": 0, "output": text})
        }
        code => serde_json::json!({"exit_code": code.unwrap_or(-1), "stderr": stderr}),
    }
}

#[test]
fn gotmpl_vectors_match_helm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/gotmpl-vectors");
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).expect("cases.json"))
            .expect("cases json");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("expected json");
    let cases = cases["cases"].as_array().expect("cases");
    let results = expected["results"].as_array().expect("results");
    assert_eq!(
        cases.len(),
        results.len(),
        "expected.json is stale: run scripts/gen-gotmpl-vectors"
    );
    assert!(cases.len() >= 250, "too few vectors: {}", cases.len());
    let scratch = tempfile::tempdir().expect("tempdir");
    let jobs: Vec<(usize, &Value, &Value)> = cases
        .iter()
        .zip(results)
        .enumerate()
        .map(|(i, (c, r))| (i, c, r))
        .collect();
    let known: Vec<String> = std::fs::read_to_string(dir.join("known-differences.txt"))
        .expect("known-differences.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    let failures: Vec<(String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(4))
            .map(|chunk| {
                let scratch = scratch.path();
                s.spawn(move || {
                    let mut failed = Vec::new();
                    for (i, case, want) in chunk {
                        assert_eq!(case["name"], want["name"], "expected.json is stale");
                        let root = scratch.join(format!("c{i}")).join("vec");
                        write_chart(
                            &root,
                            case["template"].as_str().unwrap_or(""),
                            case["values"].as_str().unwrap_or("{}"),
                        );
                        let got = run(&root);
                        let mut want = (*want).clone();
                        if let Some(o) = want.as_object_mut() {
                            o.remove("name");
                        }
                        if got != want {
                            failed.push((
                                case["name"].as_str().unwrap_or("").to_string(),
                                format!("{}:\n  helm:    {want}\n  capstan: {got}", case["name"]),
                            ));
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let total = cases.len();
    println!(
        "gotmpl vectors (helm {}): {} passed, {} failed",
        expected["helm_version"],
        total - failures.len(),
        failures.len()
    );
    for (_, f) in failures.iter().take(30) {
        println!("{f}");
    }
    let unexpected: Vec<&str> = failures
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !known.iter().any(|k| k == n))
        .collect();
    let fixed: Vec<&str> = known
        .iter()
        .map(String::as_str)
        .filter(|k| !failures.iter().any(|(n, _)| n == k))
        .collect();
    assert!(
        unexpected.is_empty(),
        "vectors that differ from helm: {unexpected:?}"
    );
    assert!(
        fixed.is_empty(),
        "known differences that now match helm (remove them from known-differences.txt): {fixed:?}"
    );
}
