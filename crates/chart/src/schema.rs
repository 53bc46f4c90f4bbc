//! `values.schema.json` validation with Helm 4's error text.
//!
//! Helm 4 validates with santhosh-tekuri/jsonschema v6; we use boon, its Rust sibling by
//! the same author, which produces the same error tree, and render every leaf with the
//! Go library's wording (`missing property 'x'`, `minimum: got -5, want 0`, ...). The
//! chart and each subchart with values are validated (Helm's `ValidateAgainstSchema`),
//! and the report lists each failing chart by name.
//!
//! Differences from Helm: remote (`http`/`https`) `$ref`s are refused instead of
//! fetched; `urn:` references are permissive (`true`), as in Helm when unresolved.

use std::error::Error;

mod formats;

use boon::{Compiler, ErrorKind, Schemas, UrlLoader, ValidationError};
use serde_json::{Number, Value};

use crate::chart::Chart;
use crate::values::Values;
use crate::yaml::format_g64;

/// The URL Helm registers every chart schema under.
const SCHEMA_URL: &str = "file:///values.schema.json";

/// Values failed a chart's schema (or a schema failed to compile).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
)]
pub struct SchemaError {
    /// Per chart: `name:\n- at '...': ...\n`.
    pub report: String,
}

struct Loader;

impl UrlLoader for Loader {
    fn load(&self, url: &str) -> Result<Value, Box<dyn Error>> {
        if url.starts_with("urn:") {
            return Ok(Value::Bool(true));
        }
        if let Some(path) = url.strip_prefix("file://") {
            let data = std::fs::read(path)?;
            return Ok(serde_json::from_slice(&data)?);
        }
        Err(format!("loading {url} is not supported (no network access for schemas)").into())
    }
}

/// Validates `values` against the chart's schema and, recursively, each subchart's
/// section against the subchart's schema (Helm's `ValidateAgainstSchema`).
pub fn validate_against_schema(chart: &Chart, values: &Values) -> Result<(), SchemaError> {
    let report = report_for(chart, values);
    if report.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { report })
    }
}

fn report_for(chart: &Chart, values: &Values) -> String {
    let mut sb = String::new();
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            sb.push_str(&format!("{}:\n{e}", chart.name()));
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => sb.push_str(&report_for(sub, m)),
            Some(other) => sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type_name(other)
            )),
        }
    }
    sb
}

fn go_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Whole floats become integers, as encoding/json would print them; otherwise draft-04
/// schemas would refuse `1.0` as an integer.
fn integral(v: &Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Value::Number(Number::from(f as i64))
            }
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(integral).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), integral(v))).collect())
        }
        other => other.clone(),
    }
}

/// Builds, once per process, the meta-schema of the draft that `schema_json` declares
/// (the JSON-schema library builds it lazily on first use, which costs as much as
/// validating a large chart's values). Callers run this on a spare thread while the chart
/// loads, so that validation later finds it ready. Errors are ignored: validation will
/// report them.
pub fn prepare_meta_schema(schema_json: &[u8]) {
    /// Only `$schema`; serde skips the rest of a large schema without building it.
    #[derive(serde::Deserialize)]
    struct Draft {
        #[serde(rename = "$schema")]
        schema: Option<Value>,
    }
    let Ok(draft) = serde_json::from_slice::<Draft>(schema_json) else {
        return;
    };
    let mut tiny = serde_json::Map::new();
    if let Some(draft) = draft.schema {
        tiny.insert("$schema".into(), draft);
    }
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(Loader));
    if compiler
        .add_resource(SCHEMA_URL, Value::Object(tiny))
        .is_ok()
    {
        let _ = compiler.compile(SCHEMA_URL, &mut Schemas::new());
    }
}

/// Validates against one schema; the error text is what Helm prints below the chart
/// name (each line `- at '<pointer>': <message>`, nested causes indented).
pub fn validate_single(values: &Values, schema_json: &[u8]) -> Result<(), String> {
    let schema: Value = serde_json::from_slice(schema_json).map_err(|e| e.to_string())?;
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(Loader));
    formats::register(&mut compiler);
    compiler
        .add_resource(SCHEMA_URL, schema)
        .map_err(|e| e.to_string())?;
    let mut schemas = Schemas::new();
    let idx = compiler
        .compile(SCHEMA_URL, &mut schemas)
        .map_err(|e| e.to_string())?;
    let instance = integral(&Value::Object(values.clone()));
    match schemas.validate(&instance, idx) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut lines = Vec::new();
            render(&e, 0, &mut lines);
            Err(lines.join("\n") + "\n")
        }
    }
}

fn skip(e: &ValidationError) -> bool {
    e.causes.len() == 1 && matches!(e.kind, ErrorKind::Reference { .. })
}

/// Renders the tree like jsonschema v6's `Error()` minus the root line Helm strips.
fn render(e: &ValidationError, indent: usize, lines: &mut Vec<String>) {
    let mut indent = indent;
    if !skip(e) {
        if !matches!(e.kind, ErrorKind::Schema { .. }) {
            lines.push(format!(
                "{}- at {}: {}",
                "  ".repeat(indent.saturating_sub(1)),
                quote(&e.instance_location.to_string()),
                message(&e.kind)
            ));
        }
        indent += 1;
    }
    for c in &e.causes {
        render(c, indent, lines);
    }
}

/// jsonschema v6's `quote`: Go's `%q` with `"` unescaped and `'` escaped, in `'...'`.
fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn join_quoted<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| quote(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn num(n: &Number) -> String {
    n.as_f64().map(format_g64).unwrap_or_else(|| n.to_string())
}

/// v6's `display` for primitives.
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".into(),
        Value::Number(n) => num(n),
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
    }
}

fn message(kind: &ErrorKind) -> String {
    use ErrorKind as K;
    match kind {
        K::Group | K::Reference { .. } => "validation failed".into(),
        K::Schema { url } => format!("jsonschema validation failed with {}", quote(url)),
        K::ContentSchema => "contentSchema failed".into(),
        K::PropertyName { prop } => format!("invalid propertyName {}", quote(prop)),
        K::RefCycle {
            url,
            kw_loc1,
            kw_loc2,
        } => format!("both {kw_loc1} and {kw_loc2} resolve to {url:?} causing reference cycle"),
        K::FalseSchema => "false schema".into(),
        K::Type { got, want } => {
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            format!("got {got}, want {}", want.join(" or "))
        }
        K::Enum { want } => {
            if want.iter().all(|v| !v.is_array() && !v.is_object()) {
                if want.len() == 1 {
                    format!("value must be {}", display(&want[0]))
                } else {
                    let w: Vec<String> = want.iter().map(display).collect();
                    format!("value must be one of {}", w.join(", "))
                }
            } else {
                "enum failed".into()
            }
        }
        K::Const { want } => {
            if want.is_array() || want.is_object() {
                "const failed".into()
            } else {
                format!("value must be {}", display(want))
            }
        }
        K::Format { got, want, err } => format!("{} is not valid {want}: {err}", display(got)),
        K::MinProperties { got, want } => format!("minProperties: got {got}, want {want}"),
        K::MaxProperties { got, want } => format!("maxProperties: got {got}, want {want}"),
        K::AdditionalProperties { got } => {
            format!("additional properties {} not allowed", join_quoted(got))
        }
        K::Required { want } => {
            if want.len() == 1 {
                format!("missing property {}", quote(want[0]))
            } else {
                format!("missing properties {}", join_quoted(want))
            }
        }
        K::Dependency { prop, missing } | K::DependentRequired { prop, missing } => format!(
            "properties {} required, if {} exists",
            join_quoted(missing),
            quote(prop)
        ),
        K::MinItems { got, want } => format!("minItems: got {got}, want {want}"),
        K::MaxItems { got, want } => format!("maxItems: got {got}, want {want}"),
        K::Contains => "no items match contains schema".into(),
        K::MinContains { got, want } => {
            if got.is_empty() {
                format!("min {want} items required to match contains schema, but none matched")
            } else {
                let at: Vec<String> = got.iter().map(|i| i.to_string()).collect();
                format!(
                    "min {want} items required to match contains schema, but matched {} items at {}",
                    got.len(),
                    at.join(" ")
                )
            }
        }
        K::MaxContains { got, want } => {
            let at: Vec<String> = got.iter().map(|i| i.to_string()).collect();
            format!(
                "max {want} items required to match contains schema, but matched {} items at {}",
                got.len(),
                at.join(" ")
            )
        }
        K::UniqueItems { got: [i, j] } => format!("items at {i} and {j} are equal"),
        K::AdditionalItems { got } => format!("last {got} additionalItem(s) not allowed"),
        K::MinLength { got, want } => format!("minLength: got {got}, want {want}"),
        K::MaxLength { got, want } => format!("maxLength: got {got}, want {want}"),
        K::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        K::ContentEncoding { want, err } => {
            format!("value is not {} encoded: {err}", quote(want))
        }
        K::ContentMediaType { want, err, .. } => {
            format!("value if not of mediatype {}: {err}", quote(want))
        }
        K::Minimum { got, want } => format!("minimum: got {}, want {}", num(got), num(want)),
        K::Maximum { got, want } => format!("maximum: got {}, want {}", num(got), num(want)),
        K::ExclusiveMinimum { got, want } => {
            format!("exclusiveMinimum: got {}, want {}", num(got), num(want))
        }
        K::ExclusiveMaximum { got, want } => {
            format!("exclusiveMaximum: got {}, want {}", num(got), num(want))
        }
        K::MultipleOf { got, want } => {
            format!("multipleOf: got {}, want {}", num(got), num(want))
        }
        // Helm 4.3.1 (jsonschema v6.0.x) quotes these keywords.
        K::Not => "'not' failed".into(),
        K::AllOf => "'allOf' failed".into(),
        K::AnyOf => "'anyOf' failed".into(),
        K::OneOf(None) => "'oneOf' failed, none matched".into(),
        K::OneOf(Some((i, j))) => format!("'oneOf' failed, subschemas {i}, {j} matched"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vals(v: Value) -> Values {
        match v {
            Value::Object(m) => m,
            _ => Values::new(),
        }
    }

    #[test]
    fn helm4_wording() {
        let schema = br#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
          "required":["lastname","employmentInfo"],
          "properties":{"age":{"type":"integer","minimum":0},
                        "kind":{"enum":["a","b"]},
                        "name":{"type":"string","maxLength":2},
                        "image":{"type":"object","required":["repository"],
                                 "properties":{"pullPolicy":{"enum":["Always","IfNotPresent","Never"]}}}},
          "additionalProperties":true}"#;
        let v = vals(
            json!({"lastname":"x","employmentInfo":{},"age":-5.0,"kind":"c","name":"abc",
            "image":{"pullPolicy":"Sometimes"}}),
        );
        let err = validate_single(&v, schema).unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines.contains(&"- at '/age': minimum: got -5, want 0"),
            "{err}"
        );
        assert!(
            lines.contains(&"- at '/kind': value must be one of 'a', 'b'"),
            "{err}"
        );
        assert!(
            lines.contains(&"- at '/name': maxLength: got 3, want 2"),
            "{err}"
        );
        assert!(lines.contains(&"- at '/image': validation failed"), "{err}");
        assert!(
            lines.contains(&"  - at '/image': missing property 'repository'"),
            "{err}"
        );
        assert!(
            lines.contains(&"  - at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"),
            "{err}"
        );
        assert!(err.ends_with('\n'));
    }

    #[test]
    fn draft4_integers_from_floats() {
        let schema = br#"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"n":{"type":"integer"}}}"#;
        assert!(validate_single(&vals(json!({"n": 80.0})), schema).is_ok());
        assert!(validate_single(&vals(json!({"n": 80.5})), schema).is_err());
    }

    #[test]
    fn bad_schema_is_an_error() {
        assert!(validate_single(&Values::new(), b"{").is_err());
    }
}
