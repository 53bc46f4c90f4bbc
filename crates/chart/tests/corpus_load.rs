//! Every chart of the shared corpus loads (read in place, never copied), and the one
//! invalid chart fails with Helm's message.

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    let p =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    assert!(
        p.join("charts").is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS to its directory",
        p.display()
    );
    p
}

fn chart_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus().join("charts"))
        .expect("read corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn count(c: &capstan_chart::Chart) -> usize {
    1 + c.dependencies.iter().map(count).sum::<usize>()
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn every_corpus_chart_loads() {
    let dirs = chart_dirs();
    assert!(
        dirs.len() >= 43,
        "expected 43 corpus charts, found {}",
        dirs.len()
    );
    let mut loaded = 0;
    for dir in &dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let res = capstan_chart::load_dir(dir);
        if name == "helm-lib-chart" {
            let golden = std::fs::read_to_string(
                corpus().join("golden/helm-4.3.1/helm-lib-chart-default.err"),
            )
            .expect("golden err");
            let err = res.expect_err("helm-lib-chart has type 'Library'");
            assert_eq!(format!("Error: {err}"), golden.trim_end());
            continue;
        }
        let c = res.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !c.templates.is_empty() || !c.dependencies.is_empty(),
            "{name}: no templates"
        );
        assert!(count(&c) >= 1);
        loaded += 1;
    }
    assert_eq!(loaded, dirs.len() - 1);
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_template_names_follow_helm() {
    let c = capstan_chart::load_dir(corpus().join("charts/helm-subchart")).expect("load");
    let names: Vec<String> = c.all_templates().into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n.starts_with("subchart/templates/")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("subchart/charts/subcharta/templates/")),
        "{names:?}"
    );
}

fn _unused(_: &Path) {}
