//! Each hook rule has a fixture chart violating it (`fixtures/hooks/HOOKnnn/bad`) and its
//! fixed version (`.../good`). The offending lines carry a `# <- HOOKnnn` marker: lint must
//! report that rule, on exactly the marked file and line, and nothing else; the fixed
//! version must be silent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use capstan_lint::{hooks::RULES, lint_path, LintOptions, Severity};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hooks")
}

fn opts() -> LintOptions {
    LintOptions {
        namespace: "default".into(),
        hook_rules: true,
        ..LintOptions::default()
    }
}

/// (file, line) of every `# <- RULE` marker in the chart's templates.
fn markers(chart: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    let dir = chart.join("templates");
    for entry in std::fs::read_dir(&dir).expect("templates dir") {
        let path = entry.expect("dir entry").path();
        let text = std::fs::read_to_string(&path).expect("template text");
        let name = format!(
            "templates/{}",
            path.file_name().expect("file name").to_string_lossy()
        );
        for (i, line) in text.lines().enumerate() {
            if line.contains(&format!("# <- {rule}")) {
                out.insert((name.clone(), i + 1));
            }
        }
    }
    out
}

#[test]
fn every_rule_has_a_fixture_pair() {
    for r in RULES {
        assert!(
            fixtures().join(r.id).join("bad").is_dir(),
            "no fixture for {}",
            r.id
        );
        assert!(
            fixtures().join(r.id).join("good").is_dir(),
            "no fixed fixture for {}",
            r.id
        );
    }
}

#[test]
fn bad_fixtures_report_exactly_their_rule_file_and_line() {
    for r in RULES {
        let chart = fixtures().join(r.id).join("bad");
        let expected = markers(&chart, r.id);
        assert!(!expected.is_empty(), "{}: fixture has no marker", r.id);
        let report = lint_path(chart.to_str().expect("utf-8 path"), &opts());
        let found: BTreeSet<(String, usize)> = report
            .findings
            .iter()
            .map(|f| (f.file.clone(), f.line))
            .collect();
        let rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            BTreeSet::from([r.id]),
            "{}: {:#?}",
            r.id,
            report.findings
        );
        assert_eq!(found, expected, "{}: {:#?}", r.id, report.findings);
        assert_eq!(report.findings.len(), expected.len(), "{}", r.id);
        for f in &report.findings {
            // Literal templates render line for line, so the source line is the same.
            assert_eq!(f.source_line, Some(f.line), "{}", r.id);
            assert_eq!(f.severity, r.severity);
            assert!(!f.hint.is_empty());
        }
        // Helm's own rules have nothing to say about these charts.
        assert!(
            report.messages.iter().all(|m| m.severity == Severity::Info),
            "{}: {:?}",
            r.id,
            report.messages
        );
        assert_eq!(report.failed, r.severity == Severity::Error, "{}", r.id);
    }
}

#[test]
fn fixed_fixtures_are_silent() {
    for r in RULES {
        let chart = fixtures().join(r.id).join("good");
        let mut o = opts();
        o.strict = true;
        let report = lint_path(chart.to_str().expect("utf-8 path"), &o);
        assert!(
            report.findings.is_empty(),
            "{}: {:#?}",
            r.id,
            report.findings
        );
        assert!(
            report.messages.is_empty(),
            "{}: {:?}",
            r.id,
            report.messages
        );
        assert!(!report.failed, "{}", r.id);
    }
}

#[test]
fn strict_fails_on_hook_warnings() {
    let chart = fixtures().join("HOOK001/bad");
    let path = chart.to_str().expect("utf-8 path");
    assert!(!lint_path(path, &opts()).failed);
    let mut o = opts();
    o.strict = true;
    assert!(lint_path(path, &o).failed);
    o.hook_rules = false;
    assert!(
        !lint_path(path, &o).failed,
        "--no-hook-rules leaves Helm's rules only"
    );
}

#[test]
fn json_output_carries_rule_file_line_and_hint() {
    let chart = fixtures().join("HOOK002/bad");
    let report = lint_path(chart.to_str().expect("utf-8 path"), &opts());
    let json: serde_json::Value =
        serde_json::from_str(&capstan_lint::report::json(&[report])).expect("valid JSON");
    assert_eq!(json["failed"], 1);
    let f = &json["charts"][0]["findings"][0];
    assert_eq!(f["rule"], "HOOK002");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "templates/hook.yaml");
    let marked = markers(&chart, "HOOK002");
    assert_eq!(f["line"].as_u64(), marked.first().map(|m| m.1 as u64));
    assert!(f["hint"]
        .as_str()
        .is_some_and(|h| h.contains("restartPolicy")));
}
