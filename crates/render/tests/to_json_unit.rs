//! `toJson`/`toYaml` on Go types that values files cannot produce (ints, uint64, bytes,
//! objects, NaN), and their error texts.

use std::collections::BTreeMap;
use std::sync::Arc;

use capstan_gotmpl::value::{Kind, Object, Value};
use capstan_render::json::{go_json_float, to_json, to_json_value, write_json, JsonError};
use capstan_render::to_yaml::{to_yaml, to_yaml_document, YamlError};

fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[test]
fn integers_and_floats_print_like_go() {
    let v = Value::list(vec![
        Value::Int(-3),
        Value::Int64(9_007_199_254_740_993),
        Value::Uint64(u64::MAX),
        Value::Float64(3.0),
        Value::Float64(-0.0),
        Value::Float64(1e21),
        Value::Float64(1e20),
        Value::Float64(1e-7),
        Value::Float64(1.5e-10),
        Value::Float64(0.000001),
        Value::Float64(123456789.5),
    ]);
    assert_eq!(
        to_json(&v).unwrap(),
        "[-3,9007199254740993,18446744073709551615,3,-0,1e+21,100000000000000000000,1e-7,1.5e-10,0.000001,123456789.5]"
    );
    // After the JSON round trip whole floats are ints, huge ones floats again, -0 is 0.
    assert_eq!(
        to_yaml(&v).unwrap(),
        "- -3\n- 9007199254740993\n- 18446744073709551615\n- 3\n- 0\n- 1e+21\n- 1e+20\n- 1e-07\n- 1.5e-10\n- 1e-06\n- 1.234567895e+08"
    );
    assert_eq!(go_json_float(1e-7), "1e-7");
    assert_eq!(go_json_float(-2.5e-100), "-2.5e-100");
    assert_eq!(go_json_float(1e100), "1e+100");
}

#[test]
fn nan_and_infinities_are_go_errors() {
    for (f, name) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
    ] {
        let v = map(&[("a", Value::list(vec![Value::Float64(f)]))]);
        let err = to_json(&v).unwrap_err();
        assert_eq!(err, JsonError::UnsupportedValue(name.to_string()));
        assert_eq!(err.to_string(), format!("json: unsupported value: {name}"));
        assert!(matches!(to_yaml(&v), Err(YamlError::Json(_))));
    }
}

#[test]
fn bytes_are_base64() {
    let v = Value::Bytes(Arc::from(&b"hi\xff\x00"[..]));
    assert_eq!(to_json(&v).unwrap(), "\"aGn/AA==\"");
    assert_eq!(to_yaml(&v).unwrap(), "aGn/AA==");
}

#[test]
fn string_escaping_is_html_safe() {
    let v = Value::str("<a href=\"x\">&amp;</a>\u{2028}\u{2029}\u{7f}\u{1}\u{8}\u{c}\t\r\n\\é😀");
    assert_eq!(
        to_json(&v).unwrap(),
        "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\\u2028\\u2029\u{7f}\\u0001\\b\\f\\t\\r\\n\\\\é😀\""
    );
}

#[test]
fn json_tree_carries_go_types() {
    let v = map(&[
        ("f", Value::Float64(2.0)),
        ("i", Value::Int(2)),
        ("n", Value::Nil),
    ]);
    let tree = to_json_value(&v).unwrap();
    assert!(tree["f"].is_f64());
    assert!(tree["i"].is_i64());
    assert!(tree["n"].is_null());
    assert_eq!(write_json(&tree), "{\"f\":2,\"i\":2,\"n\":null}");
}

struct Meta;

impl Object for Meta {
    fn type_name(&self) -> &str {
        "*chart.Metadata"
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    fn call_method(&self, _name: &str, _args: &[Value]) -> Result<Value, String> {
        Err("no methods".into())
    }
    fn format_v(&self) -> String {
        "&{}".into()
    }
    fn to_data(&self) -> Value {
        map(&[
            ("name", Value::str("web")),
            ("apiVersion", Value::str("v2")),
        ])
    }
}

#[test]
fn objects_use_their_data() {
    let v = map(&[("chart", Value::Object(Arc::new(Meta)))]);
    assert_eq!(
        to_json(&v).unwrap(),
        "{\"chart\":{\"apiVersion\":\"v2\",\"name\":\"web\"}}"
    );
    assert_eq!(
        to_yaml(&v).unwrap(),
        "chart:\n  apiVersion: v2\n  name: web"
    );
}

#[test]
fn yaml_reader_errors() {
    assert_eq!(
        to_yaml(&Value::str("a\u{7f}b")),
        Err(YamlError::ControlCharacter)
    );
    assert_eq!(
        to_yaml(&Value::str("\u{9f}")),
        Err(YamlError::ControlCharacter)
    );
    assert_eq!(to_yaml(&Value::str("a \u{85} b")).unwrap(), "a b");
    assert!(matches!(
        to_yaml(&map(&[("a\u{85}b", Value::Nil)])),
        Err(YamlError::Syntax { .. })
    ));
    assert!(to_yaml(&map(&[(&"x".repeat(1022), Value::Nil)])).is_ok());
    assert!(matches!(
        to_yaml(&map(&[(&"x".repeat(1023), Value::Nil)])),
        Err(YamlError::Syntax { .. })
    ));
}

#[test]
fn document_keeps_its_final_newline() {
    assert_eq!(to_yaml_document(&Value::str("abc")).unwrap(), "abc\n");
    assert_eq!(
        to_yaml_document(&Value::str("a\n\n")).unwrap(),
        "|+\n  a\n\n"
    );
    assert_eq!(to_yaml(&Value::str("a\n\n")).unwrap(), "|+\n  a\n");
    assert_eq!(to_yaml(&Value::Nil).unwrap(), "null");
    assert_eq!(to_yaml(&Value::list(vec![])).unwrap(), "[]");
    assert_eq!(to_yaml(&map(&[])).unwrap(), "{}");
}

/// `mustToYaml` error texts, as helm 4.3.1 printed them.
#[test]
fn yaml_error_texts_match_helm() {
    let cases: Vec<(Value, &str)> = vec![
        (
            Value::list(vec![Value::Float64(f64::NAN)]),
            "error marshaling into JSON: json: unsupported value: NaN",
        ),
        (
            Value::list(vec![Value::Float64(f64::NEG_INFINITY)]),
            "error marshaling into JSON: json: unsupported value: -Inf",
        ),
        (
            Value::str("a\u{7f}b"),
            "yaml: control characters are not allowed",
        ),
        (
            map(&[("a\u{85}b", Value::Int(1))]),
            "yaml: line 1: did not find expected ',' or '}'",
        ),
        (
            map(&[(&"x".repeat(1023), Value::Int(1))]),
            "yaml: did not find expected ',' or '}'",
        ),
        (
            Value::list(vec![
                Value::Int(1),
                map(&[(&"x".repeat(1023), Value::Int(1))]),
            ]),
            "yaml: did not find expected ',' or '}'",
        ),
        (
            map(&[("a", Value::str("\u{85}--- x"))]),
            "yaml: line 2: found unexpected document indicator",
        ),
        (
            map(&[("a", Value::str("x\u{85}y")), ("b\u{85}", Value::Int(1))]),
            "yaml: line 2: did not find expected ',' or '}'",
        ),
        (
            Value::list(vec![
                Value::str("x\u{85}\u{85}y"),
                map(&[("b\u{85}c", Value::Int(1))]),
            ]),
            "yaml: line 3: did not find expected ',' or '}'",
        ),
        (
            Value::list(vec![Value::str("\u{85}z"), Value::str("x\u{85}...\u{85}")]),
            "yaml: line 3: found unexpected document indicator",
        ),
        (
            Value::list(vec![
                Value::str("\u{85}"),
                map(&[(&"x".repeat(1023), Value::Int(1))]),
            ]),
            "yaml: line 1: did not find expected ',' or '}'",
        ),
    ];
    for (v, want) in cases {
        assert_eq!(to_yaml(&v).unwrap_err().to_string(), want);
    }
}
