//! Helm's part of `capstan lint` against the real `helm lint` (4.3.1, `.tools/helm`): same
//! stdout and same failure on the fixture charts under `fixtures/helm`.

use std::path::{Path, PathBuf};
use std::process::Command;

use capstan_lint::{lint_path, report, LintOptions};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lints `rel` (relative to `base`) without changing the process's directory (tests run in
/// parallel), reporting it under the relative name as a run from `base` would.
fn lint_from(base: &Path, rel: &str, opts: &LintOptions) -> capstan_lint::ChartReport {
    let abs = base.join(rel).to_string_lossy().into_owned();
    let mut r = lint_path(&abs, opts);
    r.path = rel.to_string();
    r.load_error = r.load_error.map(|e| e.replace(&abs, rel));
    r
}

fn helm() -> PathBuf {
    let helm = crate_dir().join("../../.tools/helm");
    assert!(
        helm.exists(),
        "the reference helm is missing at {}: run scripts/test (or tools/get-reference-tools) to install it into .tools/",
        helm.display()
    );
    helm
}

#[test]
fn helm_rules_match_helm_lint() {
    let helm = helm();
    let fixtures = Path::new("tests/fixtures/helm");
    let mut entries: Vec<_> = std::fs::read_dir(crate_dir().join(fixtures))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    assert!(entries.len() >= 8);
    for chart in entries {
        let rel = fixtures.join(chart.file_name().expect("name"));
        let rel = rel.to_str().expect("utf-8");
        for extra in [&[][..], &["--strict"][..]] {
            let out = Command::new(&helm)
                .arg("lint")
                .arg(rel)
                .args(extra)
                .current_dir(crate_dir())
                .env("HOME", std::env::temp_dir())
                .output()
                .expect("run helm");
            let helm_stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let opts = LintOptions {
                namespace: "default".into(),
                strict: !extra.is_empty(),
                hook_rules: false,
                ..LintOptions::default()
            };
            let ours = report::text(&[lint_from(&crate_dir(), rel, &opts)], false);
            assert_eq!(ours.stdout, helm_stdout, "{rel} {extra:?}");
            assert_eq!(
                ours.failure.is_some(),
                !out.status.success(),
                "{rel} {extra:?}: exit status differs"
            );
            if let Some(summary) = &ours.failure {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    stderr.contains(&format!("Error: {summary}")),
                    "{rel}: {stderr}"
                );
            }
        }
    }
}

#[test]
fn quiet_and_several_charts_match_helm_lint() {
    let helm = helm();
    let charts = [
        "tests/fixtures/helm/good",
        "tests/fixtures/helm/lint-warnings",
        "tests/fixtures/helm/bad-yaml",
    ];
    for quiet in [false, true] {
        let mut cmd = Command::new(&helm);
        cmd.arg("lint").args(charts).current_dir(crate_dir());
        if quiet {
            cmd.arg("--quiet");
        }
        let out = cmd.output().expect("run helm");
        let opts = LintOptions {
            namespace: "default".into(),
            ..LintOptions::default()
        };
        let reports: Vec<_> = charts
            .iter()
            .map(|c| lint_from(&crate_dir(), c, &opts))
            .collect();
        let ours = report::text(&reports, quiet);
        assert_eq!(
            ours.stdout,
            String::from_utf8_lossy(&out.stdout),
            "quiet={quiet}"
        );
        assert_eq!(ours.failure.is_some(), !out.status.success());
    }
}

/// Corpus charts where capstan lint is known to print something else than helm lint (none
/// since the certificate functions landed); a listed chart that starts matching fails the test
/// so the list stays true.
const CORPUS_KNOWN_DIFFERENT: &[&str] = &[];

/// Every chart of the shared corpus (`$CAPSTAN_CORPUS/charts`, default `../shared/corpus`;
/// run by scripts/corpus-checks).
#[test]
#[ignore = "needs the shared corpus beside the repository"]
fn corpus_lint_matches_helm_lint() {
    let helm = helm();
    let corpus = std::env::var_os("CAPSTAN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("../../../shared/corpus"))
        .join("charts");
    assert!(
        corpus.is_dir(),
        "the shared corpus is missing at {}: check it out beside the repository",
        corpus.display()
    );
    let mut charts: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    charts.sort();
    let mut same = 0;
    for chart in &charts {
        let name = chart
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let out = Command::new(&helm)
            .arg("lint")
            .arg(&name)
            .current_dir(&corpus)
            // Go's os.Getwd answers $PWD when it names the working directory, as a shell
            // sets it; without it helm would print the symlink-resolved path of the corpus.
            .env("PWD", &corpus)
            .output()
            .expect("run helm");
        let opts = LintOptions {
            namespace: "default".into(),
            ..LintOptions::default()
        };
        let ours = report::text(&[lint_from(&corpus, &name, &opts)], false);
        let matches = ours.stdout == String::from_utf8_lossy(&out.stdout)
            && ours.failure.is_some() != out.status.success();
        if CORPUS_KNOWN_DIFFERENT.contains(&name.as_str()) {
            assert!(
                !matches,
                "{name} now matches: remove it from CORPUS_KNOWN_DIFFERENT"
            );
        } else {
            assert!(
                matches,
                "{name}:\n{}\n--- helm:\n{}",
                ours.stdout,
                String::from_utf8_lossy(&out.stdout)
            );
            same += 1;
        }
    }
    assert!(
        same == charts.len() && same >= 43,
        "{same} of {} charts match",
        charts.len()
    );
}
