//! Limits, typing rules and reader plumbing of the `--set` parsers.

use capstan_chart::strvals::{
    self, parse_file_into, typed_value, StrvalsError, Values, MAX_INDEX, MAX_LIST_NESTING,
};
use serde_json::{json, Value};

#[test]
fn typed_values_follow_helm() {
    // From helm 4.3.1 (`typeOf` of each value set with --set).
    let cases = [
        ("1", json!(1)),
        ("007", json!("007")),
        ("0x10", json!("0x10")),
        ("1e3", json!("1e3")),
        ("-1", json!(-1)),
        ("+5", json!(5)),
        ("-0", json!(0)),
        ("TRUE", json!(true)),
        ("falſe", json!(false)),
        ("NuLL", Value::Null),
        ("9223372036854775807", json!(9223372036854775807i64)),
        ("9223372036854775808", json!("9223372036854775808")),
        ("-9223372036854775808", json!(i64::MIN)),
        ("1.5", json!("1.5")),
        ("0", json!(0)),
        (" 1", json!(" 1")),
        ("", json!("")),
    ];
    for (text, want) in cases {
        let got = typed_value(text);
        assert_eq!(got, want, "{text:?}");
        if let Value::Number(n) = &got {
            assert!(n.is_i64(), "{text:?} must be an int64");
        }
    }
}

#[test]
fn json_numbers_are_floats() {
    let v = strvals::parse_literal("x=1").expect("literal");
    assert_eq!(v["x"], json!("1"));
    let mut v = Values::new();
    strvals::parse_json_into("a=1,b=[2]", &mut v).expect("json");
    assert!(v["a"].as_number().is_some_and(|n| n.is_f64()));
    assert!(v["b"][0].as_number().is_some_and(|n| n.is_f64()));
}

#[test]
fn index_limit() {
    let v = strvals::parse(&format!("a[{MAX_INDEX}]=1")).expect("largest index");
    let list = v["a"].as_array().expect("list");
    assert_eq!(list.len(), 65537);
    assert_eq!(list[65536], json!(1));
    assert!(list[..65536].iter().all(Value::is_null));
    let err = strvals::parse("a[65537]=1").expect_err("too large");
    assert!(matches!(err, StrvalsError::IndexTooLarge(65537)));
    assert_eq!(
        err.to_string(),
        "index of 65537 is greater than maximum supported index of 65536"
    );
}

#[test]
fn key_nesting_limit() {
    let keys: Vec<String> = (0..31).map(|i| format!("k{i}")).collect();
    assert!(strvals::parse(&format!("{}=1", keys.join("."))).is_ok());
    let keys: Vec<String> = (0..32).map(|i| format!("k{i}")).collect();
    let err = strvals::parse(&format!("{}=1", keys.join("."))).expect_err("31 dots");
    assert_eq!(
        err.to_string(),
        "value name nested level is greater than maximum supported nested level of 30"
    );
}

#[test]
fn list_nesting_is_bounded_without_overflowing() {
    let ok = format!("a{}=1", "[0]".repeat(MAX_LIST_NESTING));
    assert!(strvals::parse(&ok).is_ok());
    let deep = format!("a{}=1", "[0]".repeat(MAX_LIST_NESTING + 1));
    assert!(matches!(
        strvals::parse(&deep),
        Err(StrvalsError::ListTooDeep)
    ));
    // Far deeper input is refused the same way, not by a stack overflow.
    let deeper = format!("a{}=1", "[0]".repeat(40_000));
    assert!(strvals::parse(&deeper).is_err());
    let json_deep = format!("a={}", "[".repeat(40_000));
    let mut v = Values::new();
    assert!(strvals::parse_json_into(&json_deep, &mut v).is_err());
}

#[test]
fn file_reader_is_called_per_value() {
    let mut seen = Vec::new();
    let mut v = Values::new();
    parse_file_into("a={x,y},b=z", &mut v, |p: &str| {
        seen.push(p.to_string());
        Ok::<_, std::io::Error>(format!("<{p}>"))
    })
    .expect("reads");
    assert_eq!(seen, ["x", "y", "z"]);
    assert_eq!(Value::Object(v), json!({"a": ["<x>", "<y>"], "b": "<z>"}));

    let err = parse_file_into("a=missing", &mut Values::new(), |p: &str| {
        Err(std::io::Error::other(format!(
            "open {p}: no such file or directory"
        )))
    })
    .expect_err("fails");
    assert_eq!(err.to_string(), "open missing: no such file or directory");
}

#[test]
fn existing_values_are_merged_into() {
    // As with several --set flags: later lines change the map earlier ones built, and
    // values from -f files (floats) are replaced or extended in place.
    let mut v = Values::new();
    v.insert("n".into(), json!({"keep": 1.0, "list": [1.0, 2.0]}));
    strvals::parse_into("n.add=x,n.list[3]=y", &mut v).expect("merge");
    strvals::parse_into_string("n.keep=2", &mut v).expect("merge");
    assert_eq!(
        Value::Object(v),
        json!({"n": {"keep": "2", "add": "x", "list": [1.0, 2.0, null, "y"]}})
    );
}

#[test]
fn type_clash_with_file_values_names_go_types() {
    let mut v = Values::new();
    v.insert("f".into(), json!(1.5));
    let err = strvals::parse_into("f.x=1", &mut v).expect_err("clash");
    assert_eq!(
        err.to_string(),
        "unable to parse key: interface conversion: interface {} is float64, not map[string]interface {}"
    );
}
