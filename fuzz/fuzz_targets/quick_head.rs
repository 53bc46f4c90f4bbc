//! Feeds arbitrary text to the fast manifest-head reader (`capstan_chart::yaml::head_of`)
//! and checks its promise: whenever it answers, the full YAML decoder accepts the document
//! and gives the same head (apiVersion, kind, metadata.name, metadata.annotations, each
//! compared by JSON type and, for strings, by text). Also: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// What the head reader keeps of a decoded document; numbers compared as f64.
fn pruned(full: &Value) -> Value {
    fn shape(v: &Value) -> Value {
        match v {
            Value::Object(_) => Value::Object(Map::new()),
            Value::Array(_) => Value::Array(Vec::new()),
            Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
            other => other.clone(),
        }
    }
    let Value::Object(top) = full else {
        return Value::String("not a map".into());
    };
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = top.get(key) {
            out.insert(key.into(), shape(v));
        }
    }
    match top.get("metadata") {
        Some(Value::Object(meta)) => {
            let mut m = Map::new();
            if let Some(v) = meta.get("name") {
                m.insert("name".into(), shape(v));
            }
            match meta.get("annotations") {
                Some(Value::Object(a)) => {
                    let entries = a.iter().map(|(k, v)| (k.clone(), shape(v))).collect();
                    m.insert("annotations".into(), Value::Object(entries));
                }
                Some(v) => {
                    m.insert("annotations".into(), shape(v));
                }
                None => {}
            }
            out.insert("metadata".into(), Value::Object(m));
        }
        Some(v) => {
            out.insert("metadata".into(), shape(v));
        }
        None => {}
    }
    Value::Object(out)
}

fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        other => other,
    }
}

fuzz_target!(|input: &[u8]| {
    if input.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Some(head) = capstan_chart::yaml::head_of(text) else {
        return;
    };
    let full = capstan_chart::yaml::from_str_with_event_parser(text)
        .unwrap_or_else(|e| panic!("head_of answered but the decoder refuses: {e}"));
    assert_eq!(numbers_as_f64(head), pruned(&full), "heads differ");
});
