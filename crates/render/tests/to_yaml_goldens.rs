//! Runs every case recorded from helm 4.3.1 by `scripts/gen-to-yaml-goldens`
//! (testdata/to-yaml/cases.json) through our `toYaml` and `toJson` and compares the
//! output byte for byte. Helm prints an empty string when marshalling fails; so do we
//! here, by mapping an error to "".

use std::collections::BTreeMap;
use std::path::PathBuf;

use capstan_gotmpl::value::Value;
use capstan_render::json::to_json;
use capstan_render::to_yaml::to_yaml;
use serde_json::Value as Json;

struct Case {
    name: String,
    types: String,
    input: String,
    to_yaml: String,
    to_json: String,
    /// All outputs Helm gave across several renders, when they differed.
    variants: Vec<String>,
}

fn load_cases() -> Vec<Case> {
    // TO_YAML_GOLDENS points at another recording (exploration runs of the generator).
    let path = std::env::var_os("TO_YAML_GOLDENS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/to-yaml/cases.json")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (run scripts/gen-to-yaml-goldens)",
            path.display()
        )
    });
    let all: Vec<Json> = serde_json::from_str(&text).expect("cases.json is valid JSON");
    all.iter()
        .map(|c| {
            let field = |k: &str| {
                c[k].as_str()
                    .unwrap_or_else(|| panic!("case field {k}"))
                    .to_string()
            };
            Case {
                name: field("name"),
                types: field("types"),
                input: field("input"),
                to_yaml: field("to_yaml"),
                to_json: field("to_json"),
                variants: c["to_yaml_variants"]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The Go value Helm had: numbers from values files are float64, `--set` integers int64.
fn build(v: &Json, int64: bool) -> Value {
    match v {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) if int64 => Value::Int64(i),
            _ => Value::Float64(n.as_f64().expect("number")),
        },
        Json::String(s) => Value::str(s.as_str()),
        Json::Array(items) => Value::list(items.iter().map(|i| build(i, int64)).collect()),
        Json::Object(m) => Value::map(
            m.iter()
                .map(|(k, i)| (k.clone(), build(i, int64)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn input_value(c: &Case) -> Value {
    let json: Json = serde_json::from_str(&c.input)
        .unwrap_or_else(|e| panic!("{}: input is not JSON: {e}", c.name));
    build(&json, c.types == "int64")
}

fn show(s: &str) -> String {
    format!("{s:?}").replace("\\n", "\\n\n")
}

#[test]
fn to_yaml_matches_helm() {
    let cases = load_cases();
    assert!(
        cases.len() >= 300,
        "expected at least 300 golden cases, got {}",
        cases.len()
    );
    let mut failed = Vec::new();
    let mut unordered = 0;
    for c in &cases {
        let got = to_yaml(&input_value(c)).unwrap_or_default();
        if !c.variants.is_empty() {
            // Helm's own key order varied for this case (go-yaml's comparison is not
            // transitive for these keys and Go's map order is random): accept any of
            // the orders seen, or at least the same entries.
            if c.variants.contains(&got) {
                continue;
            }
            let lines = |s: &str| {
                let mut l: Vec<String> = s.lines().map(String::from).collect();
                l.sort();
                l
            };
            if lines(&got) == lines(&c.to_yaml) {
                unordered += 1;
                continue;
            }
        }
        if got != c.to_yaml {
            failed.push(format!(
                "--- {}\nwant:\n{}\ngot:\n{}",
                c.name,
                show(&c.to_yaml),
                show(&got)
            ));
        }
    }
    for f in &failed {
        eprintln!("{f}");
    }
    eprintln!(
        "toYaml: {} passed, {} failed ({} passed with a key order Helm itself varies on, but \
         not one of the orders seen)",
        cases.len() - failed.len(),
        failed.len(),
        unordered
    );
    assert!(
        failed.is_empty(),
        "{} toYaml cases differ from helm",
        failed.len()
    );
}

#[test]
fn to_json_matches_helm() {
    let cases = load_cases();
    let mut failed = Vec::new();
    for c in &cases {
        let got = to_json(&input_value(c)).unwrap_or_default();
        if got != c.to_json {
            failed.push(format!(
                "--- {}\nwant: {:?}\ngot:  {:?}",
                c.name, c.to_json, got
            ));
        }
    }
    for f in &failed {
        eprintln!("{f}");
    }
    eprintln!(
        "toJson: {} passed, {} failed",
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} toJson cases differ from helm",
        failed.len()
    );
}
