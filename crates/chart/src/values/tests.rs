use super::*;
use serde_json::json;

fn m(v: Value) -> Values {
    match v {
        Value::Object(m) => m,
        _ => panic!("not a map"),
    }
}

fn chart(name: &str, values: Value, deps: Vec<Chart>) -> Chart {
    let mut c = Chart::default();
    c.metadata.name = name.into();
    c.metadata.api_version = "v2".into();
    c.metadata.version = "0.1.0".into();
    c.values = m(values);
    c.dependencies = deps;
    c
}

#[test]
fn parse_values_merges_documents_and_checks_shape() {
    let v = parse_values(b"a: 1\n---\nb: 2\n---\na: {x: 1}\n").unwrap();
    assert_eq!(Value::Object(v), json!({"a": {"x": 1.0}, "b": 2.0}));
    assert!(parse_values(b"").unwrap().is_empty());
    let e = parse_values(b"- 1\n").unwrap_err();
    assert_eq!(e.to_string(), "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}");
    let e = parse_values(b"a: [1, 2\nc: 3\n").unwrap_err();
    assert!(
        e.to_string().starts_with(
            "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line "
        ),
        "{e}"
    );
    assert!(matches!(
        parse_values(b"a: \xff\n"),
        Err(ValuesError::NotUtf8)
    ));
}

#[test]
fn merge_maps_is_recursive_and_replaces_scalars() {
    let a = m(json!({"a": {"x": 1, "y": 2}, "l": [1, 2], "s": "x"}));
    let b = m(json!({"a": {"y": 3}, "l": [9], "s": {"n": 1}}));
    assert_eq!(
        Value::Object(merge_maps(a, b)),
        json!({"a": {"x": 1, "y": 3}, "l": [9], "s": {"n": 1}})
    );
}

#[test]
fn user_values_win_and_nulls_delete() {
    let c = chart(
        "top",
        json!({"a": 1, "b": {"c": 2, "d": 3, "n": null}, "gone": null, "keep": "x"}),
        vec![],
    );
    let user = m(json!({"a": 5, "b": {"c": null}, "keep": null, "new": null}));
    let out = coalesce_values(&c, &user).unwrap();
    assert_eq!(
        Value::Object(out),
        json!({"a": 5, "b": {"d": 3}, "new": null})
    );
}

#[test]
fn table_and_scalar_never_overwrite_each_other() {
    let c = chart("top", json!({"t": {"x": 1}, "s": "str"}), vec![]);
    let user = m(json!({"t": "flat", "s": {"x": 1}}));
    let out = coalesce_values(&c, &user).unwrap();
    assert_eq!(Value::Object(out), json!({"t": "flat", "s": {"x": 1}}));
}

#[test]
fn subcharts_get_scoped_defaults_and_globals() {
    let sub = chart(
        "sub",
        json!({"port": 80, "global": {"g": "sub", "only": 1}}),
        vec![],
    );
    let c = chart(
        "top",
        json!({"global": {"g": "top"}, "sub": {"port": 81}}),
        vec![sub],
    );
    let out = coalesce_values(&c, &Values::new()).unwrap();
    assert_eq!(
        Value::Object(out),
        json!({"global": {"g": "top"}, "sub": {"port": 81, "global": {"g": "top", "only": 1}}})
    );
}

#[test]
fn nested_globals_leak_into_the_parent_like_helm() {
    // Checked with helm 4.3.1: the parent's global.a.b gains the subchart's key, but
    // global.a does not (one level is copied, deeper levels are shared in Go).
    let sub = chart(
        "s",
        json!({"global": {"a": {"b": {"fromsub": 2}, "d": 2}, "top": 3}, "x": null, "true": {"z": null, "w": 1}}),
        vec![],
    );
    let c = chart(
        "p",
        json!({"global": {"a": {"b": {"fromparent": 1}, "c": 1}}}),
        vec![sub],
    );
    let out = coalesce_values(&c, &Values::new()).unwrap();
    assert_eq!(
        Value::Object(out),
        json!({"global":{"a":{"b":{"fromparent":1,"fromsub":2},"c":1}},
               "s":{"global":{"a":{"b":{"fromparent":1,"fromsub":2},"c":1,"d":2},"top":3},"true":{"w":1}}})
    );
}

#[test]
fn subchart_section_must_be_a_map() {
    let sub = chart("sub", json!({}), vec![]);
    let c = chart("top", json!({}), vec![sub]);
    let e = coalesce_values(&c, &m(json!({"sub": true}))).unwrap_err();
    assert_eq!(e.to_string(), "type mismatch on sub: true");
}

#[test]
fn merge_keeps_nulls() {
    let c = chart("top", json!({"a": 1, "n": null}), vec![]);
    let out = merge_values(&c, &m(json!({"a": null}))).unwrap();
    assert_eq!(Value::Object(out), json!({"a": null, "n": null}));
}

#[test]
fn paths() {
    let v = m(json!({"a": {"b": {"c": true}, "l": [1]}}));
    assert_eq!(path_value(&v, "a.b.c"), Some(&Value::Bool(true)));
    assert_eq!(path_value(&v, "a.b"), None);
    assert_eq!(path_value(&v, "a.x.c"), None);
    assert_eq!(path_value(&v, ""), None);
    assert!(table(&v, "a.b").is_some());
    assert!(table(&v, "a.l").is_none());
}

#[test]
fn scoped() {
    let v = m(json!({"mid": {"leaf": {"x": 1}, "y": 2}, "flat": 1}));
    assert_eq!(
        Value::Object(scoped_values(&v, &["mid", "leaf"])),
        json!({"x": 1})
    );
    assert_eq!(
        Value::Object(scoped_values(&v, &[])),
        Value::Object(v.clone())
    );
    assert!(scoped_values(&v, &["flat"]).is_empty());
    assert!(scoped_values(&v, &["nope", "x"]).is_empty());
}
