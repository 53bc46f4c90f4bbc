//! YAML edge cases read as a chart's values.yaml, against what helm 4.3.1 gave a probe
//! template (tests/yaml-cases.txt, answers in tests/yaml-goldens.txt, both produced by
//! tests/gen-values-goldens.sh).

use capstan_chart::archive::BufferedFile;
use serde_json::{Number, Value};

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

fn run(snippet: &str) -> Result<Value, String> {
    let files = vec![
        BufferedFile::new(
            "Chart.yaml",
            &b"apiVersion: v2\nname: y\nversion: 0.1.0\n"[..],
        ),
        BufferedFile::new("values.yaml", snippet.as_bytes()),
    ];
    let mut chart = capstan_chart::loader::load_files(files).map_err(|e| e.to_string())?;
    let v = capstan_chart::helm_values(&mut chart, &capstan_chart::Values::new(), false)
        .map_err(|e| e.to_string())?;
    Ok(Value::Object(v))
}

/// Cases where we knowingly differ from go-yaml (see the crate report); each entry is
/// the case number (1-based). The test fails if one of them starts agreeing, so the
/// list stays honest.
const KNOWN_DIFFERENCES: &[usize] = &[
    // A tab-indented line inside a block scalar: both refuse it, with different words.
    8,
];

#[test]
fn yaml_cases_match_helm() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let cases = std::fs::read_to_string(dir.join("yaml-cases.txt")).expect("cases");
    let goldens = std::fs::read_to_string(dir.join("yaml-goldens.txt")).expect("goldens");
    let mut snippets: Vec<String> = vec![String::new()];
    for line in cases.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "=====" {
            snippets.push(String::new());
        } else if let Some(last) = snippets.last_mut() {
            last.push_str(line);
        }
    }
    let answers: Vec<&str> = goldens.lines().collect();
    assert_eq!(
        snippets.len(),
        answers.len(),
        "regenerate with tests/gen-values-goldens.sh"
    );
    let mut failures = Vec::new();
    let mut agree = 0;
    for (i, (snippet, answer)) in snippets.iter().zip(&answers).enumerate() {
        let n = i + 1;
        let got = run(snippet);
        let same = if let Some(json) = answer.strip_prefix("ok ") {
            let want: Value = serde_json::from_str(json).expect("golden json");
            matches!(&got, Ok(v) if canon(v) == canon(&want))
        } else {
            let want = answer.strip_prefix("err ").unwrap_or(answer);
            matches!(&got, Err(e) if e == want)
        };
        match (same, KNOWN_DIFFERENCES.contains(&n)) {
            (true, false) => agree += 1,
            (false, true) => {}
            (true, true) => failures.push(format!(
                "case {n} now agrees: drop it from KNOWN_DIFFERENCES"
            )),
            (false, false) => failures.push(format!(
                "case {n} {snippet:?}\n  helm:    {answer}\n  capstan: {got:?}"
            )),
        }
    }
    eprintln!(
        "yaml agreement: {agree} of {} cases ({} known differences)",
        snippets.len(),
        KNOWN_DIFFERENCES.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
