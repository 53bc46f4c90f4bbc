//! `toYamlPretty` outputs recorded from helm 4.3.1 (`helm template` of one-line templates);
//! `tests/functions_vs_helm.rs` compares many more cases against the live binary.

use super::to_yaml_pretty;
use capstan_gotmpl::value::Value;
use std::collections::BTreeMap;

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[test]
fn nested_lists_are_indented_under_keys() {
    let v = map(vec![
        (
            "b",
            Value::list(vec![
                Value::Int(1),
                Value::list(vec![Value::Int(3), Value::Int(4)]),
                map(vec![("x", Value::Int(1)), ("a", Value::from("yes"))]),
            ]),
        ),
        ("a", Value::from("multi\nline\n")),
        ("e", Value::list(vec![])),
        ("f", map(vec![])),
        ("n", Value::Nil),
        ("big", Value::Float64(1_000_000.0)),
        ("str", Value::from("- a")),
    ]);
    assert_eq!(
        to_yaml_pretty(&v),
        "a: |\n  multi\n  line\nb:\n  - 1\n  - - 3\n    - 4\n  - a: \"yes\"\n    x: 1\nbig: 1e+06\ne: []\nf: {}\n\"n\": null\nstr: '- a'"
    );
}

#[test]
fn strings_choose_helm_styles() {
    let v = Value::list(
        [
            "a\tb",
            "x\ny\t",
            " lead\nx",
            "tr \nx",
            "é☃😀",
            "",
            "1e3",
            "a\n\nb\n\n",
        ]
        .into_iter()
        .map(Value::from)
        .collect(),
    );
    assert_eq!(
        to_yaml_pretty(&v),
        "- \"a\\tb\"\n- |-\n  x\n  y\t\n- |2-\n   lead\n  x\n- \"tr \\nx\"\n- \"é☃\\U0001F600\"\n- \"\"\n- \"1e3\"\n- |+\n  a\n\n  b\n"
    );
}

#[test]
fn multi_line_keys_use_the_explicit_form() {
    let v = map(vec![
        ("k\nl", Value::Int(1)),
        ("a", map(vec![("b", Value::list(vec![Value::from("x")]))])),
    ]);
    assert_eq!(to_yaml_pretty(&v), "a:\n  b:\n    - x\n? |-\n  k\n  l\n: 1");
}

#[test]
fn self_referencing_maps_give_an_empty_result() {
    let m = map(vec![]);
    if let Value::Map(inner) = &m {
        inner.entries_mut().insert("self".into(), m.clone());
    }
    assert_eq!(to_yaml_pretty(&m), "");
    // Break the cycle so the test does not leak.
    if let Value::Map(inner) = &m {
        inner.entries_mut().clear();
    }
}
