//! `examples/task-api` is the showcase of safe hooks: it lints clean with every value
//! combination the lifecycle tests use.

use std::path::Path;

use capstan_lint::{lint_path, LintOptions};

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/task-api")
        .to_string_lossy()
        .into_owned()
}

fn lint_with(set: &[&str]) -> capstan_lint::ChartReport {
    let mut values = capstan_chart::Values::new();
    let flags = capstan_chart::strvals::SetFlags {
        values: set.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    capstan_chart::strvals::merge_set_flags(&mut values, &flags, |p: &str| {
        Err(format!("no files here: {p}"))
    })
    .expect("valid --set");
    let opts = LintOptions {
        namespace: "default".into(),
        strict: true,
        values,
        hook_rules: true,
        ..LintOptions::default()
    };
    lint_path(&example(), &opts)
}

#[test]
fn task_api_lints_clean() {
    for set in [
        &[][..],
        &["failUpgrade=true", "failTest=true"][..],
        &["backup.existingClaim=task-api-backups"][..],
    ] {
        let report = lint_with(set);
        assert!(
            report.findings.is_empty(),
            "{set:?}: {:#?}",
            report.findings
        );
        assert!(report.messages.is_empty(), "{set:?}: {:?}", report.messages);
        assert!(!report.failed);
    }
}

#[test]
fn task_api_has_every_hook_the_issue_asks_for() {
    // The rules can only be silent about hooks that exist: check that they do.
    let dir = Path::new(&example()).join("templates");
    let mut text = String::new();
    for sub in ["hooks", "tests"] {
        for e in std::fs::read_dir(dir.join(sub)).expect("template dir") {
            text.push_str(&std::fs::read_to_string(e.expect("entry").path()).expect("text"));
        }
    }
    for needle in [
        "\"pre-install\"",
        "\"pre-upgrade\" \"weight\" -5",
        "\"pre-upgrade\" \"weight\" 5",
        "\"post-upgrade\"",
        "FLUSHALL",
        "\"pre-delete\"",
        "pg_dump",
        "\"post-delete\"",
        "\"pre-rollback\"",
        "\"post-rollback\"",
        "helm.sh/hook: test",
        "hook-succeeded",
        "CREATE TABLE IF NOT EXISTS",
        ".Values.failUpgrade",
        ".Values.failTest",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
}
