//! capstan's computed `.Values` against what helm 4.3.1 gave a probe template, for the
//! fixture charts under tests/fixtures/values and every case of the shared corpus.
//! The expected files are produced by tests/gen-values-goldens.sh (no helm needed here).

use std::path::{Path, PathBuf};

use capstan_chart::values::{merge_maps, parse_values, Values};
use serde_json::{Number, Value};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn corpus() -> PathBuf {
    let p =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    assert!(
        p.join("cases").is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS to its directory",
        p.display()
    );
    p
}

/// All numbers as f64, so that helm's `1` and capstan's `1.0` compare equal.
fn canon(v: &Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.iter().map(canon).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), canon(v))).collect()),
        other => other.clone(),
    }
}

enum Arg {
    File(PathBuf),
    Set(String),
    SetString(String),
}

fn user_values(args: &[Arg]) -> Result<Values, String> {
    let mut base = Values::new();
    for a in args {
        if let Arg::File(p) = a {
            let data = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let cur =
                parse_values(&data).map_err(|e| format!("failed to parse {}: {e}", p.display()))?;
            base = merge_maps(base, cur);
        }
    }
    for a in args {
        if let Arg::Set(s) = a {
            capstan_chart::strvals::parse_into(s, &mut base)
                .map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
    }
    for a in args {
        if let Arg::SetString(s) = a {
            capstan_chart::strvals::parse_into_string(s, &mut base)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
    }
    Ok(base)
}

fn run(chart_dir: &Path, args: &[Arg]) -> Result<Value, String> {
    let mut chart = capstan_chart::load(chart_dir).map_err(|e| e.to_string())?;
    let user = user_values(args)?;
    let vals = capstan_chart::helm_values(&mut chart, &user, false).map_err(|e| e.to_string())?;
    Ok(Value::Object(vals))
}

fn fixture_case(name: &str) -> (PathBuf, Vec<Arg>) {
    let dir = here().join("fixtures/values").join(name);
    let mut args = Vec::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("args")) {
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        let mut i = 0;
        while i + 1 < lines.len() {
            let v = lines[i + 1];
            match lines[i] {
                "-f" => args.push(Arg::File(dir.join(v))),
                "--set" => args.push(Arg::Set(v.into())),
                "--set-string" => args.push(Arg::SetString(v.into())),
                other => panic!("{name}: unsupported fixture argument {other}"),
            }
            i += 2;
        }
    }
    (dir.join("chart"), args)
}

fn unq(s: &str) -> String {
    s.trim()
        .trim_start_matches('\'')
        .trim_end_matches('\'')
        .replace("''", "'")
}

fn corpus_case(name: &str) -> (PathBuf, Vec<Arg>) {
    let root = corpus();
    let text = std::fs::read_to_string(root.join("cases").join(format!("{name}.yaml")))
        .expect("case file");
    let (mut chart, mut list, mut args) = (String::new(), "", Vec::new());
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("chart: ") {
            chart = unq(v);
        } else if line.starts_with("values:") {
            list = "values";
        } else if line.starts_with("set:") {
            list = "set";
        } else if let Some(item) = line.strip_prefix("  - ") {
            match list {
                "values" => args.push(Arg::File(root.join(unq(item)))),
                "set" => args.push(Arg::Set(unq(item))),
                _ => {}
            }
        } else {
            list = "";
        }
    }
    (root.join("charts").join(chart), args)
}

/// helm's message without its `Error: ` prefix and log lines.
fn helm_error(text: &str) -> String {
    let start = text.find("Error: ").map_or(0, |i| i + "Error: ".len());
    text[start..].trim_end().to_string()
}

/// Helm lists schema errors in Go map order, which changes from run to run: compare
/// each chart's section as a sorted list of top-level error blocks.
fn normalise_error(text: &str) -> String {
    let mut out = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    let flush = |blocks: &mut Vec<String>, out: &mut Vec<String>| {
        blocks.sort();
        out.append(blocks);
    };
    for line in text.trim_end().lines() {
        let sorted;
        let line = match line.split_once("additional properties ") {
            // The names come from a Go map too.
            Some((head, tail)) if tail.ends_with(" not allowed") => {
                let mut names: Vec<&str> =
                    tail.trim_end_matches(" not allowed").split(", ").collect();
                names.sort();
                sorted = format!(
                    "{head}additional properties {} not allowed",
                    names.join(", ")
                );
                sorted.as_str()
            }
            _ => line,
        };
        if line.starts_with("- ") {
            blocks.push(line.to_string());
        } else if line.starts_with("  ") && !blocks.is_empty() {
            let last = blocks.len() - 1;
            blocks[last].push('\n');
            blocks[last].push_str(line);
        } else {
            flush(&mut blocks, &mut out);
            out.push(line.to_string());
        }
    }
    flush(&mut blocks, &mut out);
    out.join("\n")
}

/// Compares every golden of `dir` whose name starts with `prefix` and returns
/// (agreeing, failures).
fn check_goldens(dir: &Path, prefix: &str, min: usize) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("goldens at {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && (n.ends_with(".json") || n.ends_with(".err")))
        .collect();
    names.sort();
    assert!(
        names.len() >= min,
        "too few goldens in {}: run tests/gen-values-goldens.sh",
        dir.display()
    );
    let (mut ok, mut failures) = (0, Vec::new());
    for file in &names {
        let (case, is_err) = match file.strip_suffix(".json") {
            Some(c) => (c, false),
            None => (file.trim_end_matches(".err"), true),
        };
        let (chart, args) = if let Some(n) = case.strip_prefix("fixture-") {
            fixture_case(n)
        } else if let Some(n) = case.strip_prefix("corpus-") {
            corpus_case(n)
        } else {
            continue;
        };
        let golden = std::fs::read_to_string(dir.join(file)).expect("golden");
        let got = run(&chart, &args);
        let same = if is_err {
            matches!(&got, Err(e) if normalise_error(e) == normalise_error(&helm_error(&golden)))
        } else {
            let want: Value = serde_json::from_str(golden.trim()).expect("golden json");
            matches!(&got, Ok(v) if canon(v) == canon(&want))
        };
        if same {
            ok += 1;
        } else {
            let shown = match &got {
                Ok(v) => v.to_string(),
                Err(e) => format!("error: {e}"),
            };
            failures.push(format!(
                "{case}:\n  helm:    {}\n  capstan: {}",
                golden.trim(),
                shown
            ));
        }
    }
    eprintln!(
        "values agreement ({prefix}*): {ok} of {} cases",
        ok + failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The fixture charts, against goldens committed under tests/values-goldens.
#[test]
fn values_match_helm() {
    check_goldens(&here().join("values-goldens"), "fixture-", 10);
}

/// Every case of the shared corpus, against goldens the real helm produced for this run
/// (`ONLY=corpus OUT=DIR tests/gen-values-goldens.sh`, then `CAPSTAN_CORPUS_VALUES=DIR`).
/// They are not committed: they are helm's view of the corpus, which stays outside the
/// repository.
#[test]
#[ignore = "needs the shared corpus and helm's answers for it; .ci/run (scripts/corpus-checks) runs it"]
fn corpus_values_match_helm() {
    let dir = std::env::var("CAPSTAN_CORPUS_VALUES").expect(
        "set CAPSTAN_CORPUS_VALUES to a directory made by `ONLY=corpus OUT=DIR crates/chart/tests/gen-values-goldens.sh` (scripts/corpus-checks does both)",
    );
    check_goldens(Path::new(&dir), "corpus-", 74);
}
