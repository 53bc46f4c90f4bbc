//! Helm's own template functions (`pkg/engine/funcs.go` and `engine.go`): `include`,
//! `tpl`, `required`, `fail`, `lookup`, the YAML/JSON converters, plus the Sprig library.

use std::collections::BTreeMap;

use capstan_gotmpl::{ElemType, FuncError, FuncMap, Function, Param, Signature, Value};

use crate::data::json_to_value;
use crate::engine::{warn_wrap, EngineOptions};

/// Helm's limit on nested `include` of one template name.
const RECURSION_MAX: usize = 1000;

/// Go's `strconv.Quote`, for the `%q` in Helm's `tpl` error texts.
pub(crate) fn go_quote(s: &str) -> String {
    capstan_gotmpl::fmt::quote(s)
}

fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// `toYaml` as a plain string function (errors give "", as in Helm).
pub fn to_yaml_string(v: &Value) -> String {
    tmp_yaml(v).unwrap_or_default()
}

fn from_yaml_map(text: &str) -> Value {
    match capstan_chart::yaml::from_str(text) {
        Ok(serde_json::Value::Object(m)) => Value::map(
            m.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        ),
        Ok(serde_json::Value::Null) => Value::map(BTreeMap::new()),
        Ok(other) => {
            let mut m = BTreeMap::new();
            m.insert(
                "Error".to_string(),
                Value::str(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                )),
            );
            Value::map(m)
        }
        Err(e) => {
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), Value::str(yaml_error(&e)));
            Value::map(m)
        }
    }
}

/// sigs.k8s.io/yaml's text for a document its YAML-to-JSON step refuses.
fn yaml_error(e: &capstan_chart::yaml::YamlError) -> String {
    format!("error converting YAML to JSON: {e}")
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn from_yaml_array(text: &str) -> Value {
    match capstan_chart::yaml::from_str(text) {
        Ok(serde_json::Value::Array(a)) => Value::list(a.iter().map(json_to_value).collect()),
        Ok(serde_json::Value::Null) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![Value::str(yaml_error(&e))]),
    }
}

fn from_json_map(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => {
            Value::map(m.iter().map(|(k, v)| (k.clone(), json_float(v))).collect())
        }
        Ok(other) => {
            let mut m = BTreeMap::new();
            m.insert(
                "Error".to_string(),
                Value::str(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                )),
            );
            Value::map(m)
        }
        Err(e) => match crate::sprig::json_decode::after_serde_error(text, &e) {
            // Go keeps what it decoded and adds the first error.
            Ok(d) => match d.value {
                Value::Map(m) => {
                    if let Some(err) = d.error {
                        m.entries_mut()
                            .insert("Error".to_string(), Value::from(err));
                    }
                    Value::Map(m)
                }
                other => {
                    let mut m = BTreeMap::new();
                    m.insert(
                        "Error".to_string(),
                        Value::str(format!(
                            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                            crate::sprig::json_decode::kind_name(&other)
                        )),
                    );
                    Value::map(m)
                }
            },
            Err(msg) => {
                let mut m = BTreeMap::new();
                m.insert("Error".to_string(), Value::str(msg));
                Value::map(m)
            }
        },
    }
}

/// encoding/json into `interface {}`: every number is a float64.
fn json_float(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) => Value::Float64(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::Array(a) => Value::list(a.iter().map(json_float).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), json_float(v))).collect())
        }
        other => json_to_value(other),
    }
}

/// An object from the API as client-go's unstructured decoding gives it to templates:
/// whole numbers that fit are `int64`, other numbers `float64`, maps plain
/// `map[string]interface {}`.
fn unstructured(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) => match n.as_i64().filter(|_| !n.is_f64()) {
            Some(i) => Value::Int64(i),
            None => Value::Float64(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::Array(a) => Value::list(a.iter().map(unstructured).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .map(|(k, v)| (k.clone(), unstructured(v)))
                .collect(),
        ),
        other => json_to_value(other),
    }
}

fn from_json_array(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(a)) => Value::list(a.iter().map(json_float).collect()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => match crate::sprig::json_decode::after_serde_error(text, &e) {
            Ok(d) => match (d.value, d.error) {
                (_, Some(err)) => Value::list(vec![Value::from(err)]),
                (v @ Value::List(_), None) => v,
                (other, None) => Value::list(vec![Value::str(format!(
                    "json: cannot unmarshal {} into Go value of type []interface {{}}",
                    crate::sprig::json_decode::kind_name(&other)
                ))]),
            },
            Err(msg) => Value::list(vec![Value::str(msg)]),
        },
    }
}

fn sig(params: Vec<Param>) -> Signature {
    Signature::fixed(params)
}

/// Every function Helm registers, for the given engine options.
pub fn helm_functions(opts: EngineOptions) -> FuncMap {
    let mut f = FuncMap::new();
    for sprig_fn in crate::sprig_adapter::sprig_functions() {
        f.insert(sprig_fn.0, sprig_fn.1);
    }

    f.insert(
        "include".into(),
        Function::typed(sig(vec![Param::String, Param::Any]), |ctx, args| {
            let name = arg_str(args, 0).to_string();
            let data = arg(args, 1);
            let count = ctx.counter(&name);
            if *count > RECURSION_MAX {
                return Err(FuncError::new(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                )));
            }
            *count += 1;
            let result = ctx.execute_template(&name, &data);
            *ctx.counter(&name) -= 1;
            Ok(Value::from(result?))
        }),
    );
    f.insert(
        "tpl".into(),
        Function::typed(sig(vec![Param::String, Param::Any]), |ctx, args| {
            let text = arg_str(args, 0);
            let data = arg(args, 1);
            let set_name = ctx.templates().name().to_string();
            // The string value's buffer becomes the tree's source (a `tpl` of a CRD from
            // `.Files.Get` is hundreds of kilobytes).
            let shared: std::sync::Arc<str> = match args.first() {
                Some(Value::String(s)) => s.clone(),
                _ => text.into(),
            };
            let clone = ctx.clone_with(&set_name, shared).map_err(|e| FuncError {
                message: format!("cannot parse template {}: {e}", go_quote(text)),
                source: Some(Box::new(e)),
            })?;
            let out = ctx
                .execute_in(&clone, &set_name, &data)
                .map_err(|e| FuncError {
                    message: format!(
                        "error during tpl function execution for {}: {e}",
                        go_quote(text)
                    ),
                    source: Some(Box::new(e)),
                })?;
            Ok(Value::from(crate::engine::without_no_value(out)))
        }),
    );
    let lint = opts.lint_mode;
    f.insert(
        "required".into(),
        Function::typed(sig(vec![Param::String, Param::Any]), move |_, args| {
            let val = arg(args, 1);
            let missing = match &val {
                Value::Nil => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if missing {
                if lint {
                    return Ok(Value::str(""));
                }
                return Err(FuncError::new(warn_wrap(arg_str(args, 0))));
            }
            Ok(val)
        }),
    );
    f.insert(
        "fail".into(),
        Function::typed(sig(vec![Param::String]), move |_, args| {
            if lint {
                return Ok(Value::str(""));
            }
            Err(FuncError::new(warn_wrap(arg_str(args, 0))))
        }),
    );
    let lookup = opts.lookup.clone();
    f.insert(
        "lookup".into(),
        Function::typed(
            sig(vec![
                Param::String,
                Param::String,
                Param::String,
                Param::String,
            ]),
            move |_, args| match &lookup {
                // Helm registers the cluster-backed function only outside lint mode.
                Some(f) if !lint => f(
                    arg_str(args, 0),
                    arg_str(args, 1),
                    arg_str(args, 2),
                    arg_str(args, 3),
                )
                .map(|v| unstructured(&v))
                .map_err(FuncError::new),
                _ => Ok(Value::map(BTreeMap::new())),
            },
        ),
    );
    f.insert(
        "getHostByName".into(),
        Function::typed(sig(vec![Param::String]), |_, _| Ok(Value::str(""))),
    );
    f.insert(
        "toYaml".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            Ok(Value::from(to_yaml_string(&arg(args, 0))))
        }),
    );
    f.insert(
        "mustToYaml".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            tmp_yaml(&arg(args, 0))
                .map(Value::from)
                .map_err(|e| FuncError::new(e.to_string()))
        }),
    );
    f.insert(
        "toYamlPretty".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            Ok(Value::from(crate::to_yaml::pretty::to_yaml_pretty(&arg(
                args, 0,
            ))))
        }),
    );
    f.insert(
        "toJson".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            Ok(Value::from(tmp_json(&arg(args, 0)).unwrap_or_default()))
        }),
    );
    f.insert(
        "mustToJson".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            tmp_json(&arg(args, 0))
                .map(Value::from)
                .map_err(|e| FuncError::new(e.to_string()))
        }),
    );
    f.insert(
        "fromYaml".into(),
        Function::typed(sig(vec![Param::String]), |_, args| {
            Ok(from_yaml_map(arg_str(args, 0)))
        }),
    );
    f.insert(
        "fromYamlArray".into(),
        Function::typed(sig(vec![Param::String]), |_, args| {
            Ok(from_yaml_array(arg_str(args, 0)))
        }),
    );
    f.insert(
        "toToml".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            match crate::toml_codec::to_toml(&arg(args, 0)) {
                Ok(text) => Ok(Value::from(text)),
                // Go's reflect panic for nil is not an encoder error: it fails the call.
                Err(e) if arg(args, 0).is_nil() => Err(FuncError::new(e.to_string())),
                Err(e) => Ok(Value::from(e.to_string())),
            }
        }),
    );
    f.insert(
        "mustToToml".into(),
        Function::typed(sig(vec![Param::Any]), |_, args| {
            crate::toml_codec::to_toml(&arg(args, 0))
                .map(Value::from)
                .map_err(|e| FuncError::new(e.to_string()))
        }),
    );
    f.insert(
        "fromToml".into(),
        Function::typed(sig(vec![Param::String]), |_, args| {
            Ok(crate::toml_codec::from_toml(arg_str(args, 0)))
        }),
    );
    f.insert(
        "fromJson".into(),
        Function::typed(sig(vec![Param::String]), |_, args| {
            Ok(from_json_map(arg_str(args, 0)))
        }),
    );
    f.insert(
        "fromJsonArray".into(),
        Function::typed(sig(vec![Param::String]), |_, args| {
            Ok(from_json_array(arg_str(args, 0)))
        }),
    );
    let _ = ElemType::Interface;
    f
}
/// The go-yaml v2 emitter behind `toYaml` (errors become their message text).
fn tmp_yaml(v: &Value) -> Result<String, String> {
    crate::to_yaml::to_yaml(v).map_err(|e| e.to_string())
}
/// The encoding/json emitter behind `toJson`.
fn tmp_json(v: &Value) -> Result<String, String> {
    crate::json::to_json(v).map_err(|e| e.to_string())
}
