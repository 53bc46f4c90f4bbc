//! YAML read the way Helm reads it.
//!
//! Helm parses YAML with `sigs.k8s.io/yaml`, which decodes with go-yaml v2 (YAML 1.1
//! scalar rules) into Go values, converts the result to JSON and decodes the JSON
//! again. What a template sees is therefore:
//!
//! * YAML 1.1 booleans (`yes`, `on`, `y`, `N`, ...), also as map keys (`n:` is the key
//!   `"false"`);
//! * Go integer syntax (`0777` is 511, `0x1F`, `0o17`, `0b101`, `1_000`, `+12`);
//! * every number as a float64 (`serde_json::Number::from_f64`), with Go's precision
//!   loss above 2^53;
//! * map keys as strings: ints in decimal, floats with Go's `%g` at 32-bit precision
//!   (`1.5`, `1000`, `3.1415927`), booleans as `true`/`false`; a `null` or
//!   `uint64`-only key is an error;
//! * anchors, aliases and `<<` merge keys resolved (later entries overwrite earlier
//!   ones, as in go-yaml v2), `!!binary` decoded to a string, timestamps kept as the
//!   original text, `.inf`/`.nan` rejected by the JSON step.
//!
//! The event parser is saphyr-parser; scalar resolution is ours (the `resolve` module).
//! Nesting deeper than [`MAX_DEPTH`] and alias expansion beyond a budget are refused so
//! that hostile input cannot exhaust the stack or memory.

#[cfg(test)]
mod differential;
mod quick_doc;
mod quick_head;
mod resolve;
mod tree;

pub use quick_doc::document_of;
pub use quick_head::head_of;

pub(crate) use resolve::{format_g32, format_g64, Scalar};
pub(crate) use tree::{parse_first_document, Node};

use serde_json::{Map, Number, Value};

/// Deepest nesting of sequences and mappings accepted. go-yaml allows 10000; we stop
/// much earlier because every consumer of a values tree (coalescing, schema validation,
/// templates, serde's own drop and clone) recurses over it, and a test thread has 2 MiB
/// of stack. No real chart comes near this (the corpus peaks below 20 levels).
pub const MAX_DEPTH: usize = 256;

/// An error reading YAML, worded like go-yaml v2 / sigs.k8s.io/yaml so that Helm's
/// messages can be reproduced (`yaml: line 2: ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The text is not well-formed YAML. Displayed as go-yaml v2 does (`yaml: line N:
    /// ...`, where N follows go-yaml's own counting and is omitted for problems on the
    /// first line); `line` and `column` are the true 1-based position.
    #[error("yaml: {}{message}", go_line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The line number go-yaml would print, if any.
        go_line: Option<usize>,
        /// The problem, in go-yaml's words where we know them.
        message: String,
    },
    /// Well-formed YAML that go-yaml refuses to decode (bad tag value, bad merge, ...).
    #[error("yaml: {message}")]
    Decode {
        /// What went wrong.
        message: String,
    },
    /// The decoded document cannot become JSON (`null` key, `.inf`, ...).
    #[error("{message}")]
    Json {
        /// sigs.k8s.io/yaml's or encoding/json's wording.
        message: String,
    },
}

impl YamlError {
    pub(crate) fn decode(message: String) -> Self {
        YamlError::Decode { message }
    }
    fn json(message: String) -> Self {
        YamlError::Json { message }
    }
    /// 1-based (line, column) of a syntax error, when known.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            YamlError::Syntax { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Parses the first YAML document of `text` into a JSON-normalised value, exactly as
/// Helm's `yaml.Unmarshal` into `interface{}` would (see the module docs). An empty
/// document is `Value::Null`. Later documents are ignored, as go-yaml's `Unmarshal`
/// ignores them. Usable for `fromYaml` too.
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    // Most values files and manifests are plain block YAML, which the fast reader builds
    // directly; it leaves everything else (and every error) to the event parser.
    if let Some(value) = document_of(text) {
        return Ok(value);
    }
    from_str_with_event_parser(text)
}

/// [`from_str`] without the fast reader: always the event parser. For differential tests
/// of the fast readers ([`document_of`], [`head_of`]), which must agree with it.
pub fn from_str_with_event_parser(text: &str) -> Result<Value, YamlError> {
    match parse_first_document(text)? {
        None => Ok(Value::Null),
        Some(node) => to_json(&node),
    }
}

/// Splits a multi-document stream the way `k8s.io/apimachinery`'s `YAMLReader` does (as
/// Helm's values loader uses it): a line starting with `---` ends a document and may be
/// followed only by spaces or a comment; empty documents are skipped.
pub fn split_documents(text: &str) -> Result<Vec<String>, YamlError> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::json(format!(
                    "invalid Yaml document separator: {trimmed}"
                )));
            }
            if !cur.is_empty() {
                docs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        cur.push_str(line);
    }
    if !cur.is_empty() {
        docs.push(cur);
    }
    Ok(docs)
}

/// Converts a typed go-yaml tree to JSON the way sigs.k8s.io/yaml + encoding/json do.
pub(crate) fn to_json(node: &Node) -> Result<Value, YamlError> {
    let mut budget = ExpansionBudget::new(node);
    node_to_json(node, 0, &mut budget)
}

/// Counts nodes produced while expanding aliases, so that "billion laughs" documents
/// fail instead of exhausting memory (go-yaml: "document contains excessive aliasing").
struct ExpansionBudget {
    left: usize,
}

impl ExpansionBudget {
    fn new(_root: &Node) -> Self {
        ExpansionBudget { left: 5_000_000 }
    }
    fn take(&mut self) -> Result<(), YamlError> {
        if self.left == 0 {
            return Err(YamlError::decode(
                "document contains excessive aliasing".to_string(),
            ));
        }
        self.left -= 1;
        Ok(())
    }
}

fn node_to_json(
    node: &Node,
    depth: usize,
    budget: &mut ExpansionBudget,
) -> Result<Value, YamlError> {
    budget.take()?;
    if depth > MAX_DEPTH {
        return Err(YamlError::decode(format!(
            "exceeded max depth of {MAX_DEPTH}"
        )));
    }
    Ok(match node {
        Node::Scalar(s) => scalar_to_json(s)?,
        Node::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                out.push(node_to_json(it, depth + 1, budget)?);
            }
            Value::Array(out)
        }
        Node::Map(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                let key = key_to_string(k, v)?;
                let val = node_to_json(v, depth + 1, budget)?;
                out.insert(key, val);
            }
            Value::Object(out)
        }
    })
}

fn scalar_to_json(s: &resolve::Scalar) -> Result<Value, YamlError> {
    use resolve::Scalar as S;
    Ok(match s {
        S::Null => Value::Null,
        S::Bool(b) => Value::Bool(*b),
        S::Int(i) => float_value(*i as f64)?,
        S::Uint(u) => float_value(*u as f64)?,
        S::Float(f) => float_value(*f)?,
        S::Str(t) => Value::String(t.clone()),
        S::Merge => Value::String("<<".into()),
    })
}

fn float_value(f: f64) -> Result<Value, YamlError> {
    match Number::from_f64(f) {
        Some(n) => Ok(Value::Number(n)),
        None => {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            Err(YamlError::json(format!("json: unsupported value: {shown}")))
        }
    }
}

fn key_to_string(k: &resolve::Scalar, v: &Node) -> Result<String, YamlError> {
    use resolve::Scalar as S;
    match k {
        S::Str(s) => Ok(s.clone()),
        S::Merge => Ok("<<".into()),
        S::Bool(b) => Ok(b.to_string()),
        S::Int(i) => Ok(i.to_string()),
        S::Float(f) => Ok(format_g32(*f)),
        S::Null => Err(YamlError::json(format!(
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
            go_sharp_v(v)
        ))),
        S::Uint(u) => Err(YamlError::json(format!(
            "unsupported map key of type: uint64, key: 0x{u:x}, value: {}",
            go_sharp_v(v)
        ))),
    }
}

/// Go's `%#v` of a decoded value (as go-yaml's and sigs.k8s.io/yaml's messages show it).
pub(crate) fn go_sharp_v(v: &Node) -> String {
    use resolve::Scalar as S;
    match v {
        Node::Scalar(S::Str(s)) => go_quote(s),
        Node::Scalar(S::Merge) => "\"<<\"".into(),
        Node::Scalar(S::Null) => "interface {}(nil)".into(),
        Node::Scalar(S::Bool(b)) => b.to_string(),
        Node::Scalar(S::Int(i)) => i.to_string(),
        Node::Scalar(S::Uint(u)) => format!("0x{u:x}"),
        Node::Scalar(S::Float(f)) => format_g64(*f),
        Node::Seq(items) => {
            let inner: Vec<String> = items.iter().map(|i| go_sharp_v(i)).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Node::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v(&Node::Scalar(k.clone())), go_sharp_v(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}

/// Go's `strconv.Quote` for the common cases.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSON kind name of a scalar as encoding/json reports it (`None` for null).
pub(crate) fn scalar_json_kind(s: &Scalar) -> Option<&'static str> {
    match s {
        Scalar::Null => None,
        Scalar::Bool(_) => Some("bool"),
        Scalar::Int(_) | Scalar::Uint(_) | Scalar::Float(_) => Some("number"),
        Scalar::Str(_) | Scalar::Merge => Some("string"),
    }
}

/// What sigs.k8s.io/yaml puts in a string-typed Go field for this scalar.
pub(crate) fn scalar_as_go_string(s: &Scalar) -> String {
    match s {
        Scalar::Null => String::new(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => u.to_string(),
        Scalar::Float(f) => format_g32(*f),
        Scalar::Str(t) => t.clone(),
        Scalar::Merge => "<<".into(),
    }
}

/// Whether the node is a `null` scalar.
pub(crate) fn is_null(n: &Node) -> bool {
    matches!(n, Node::Scalar(Scalar::Null))
}

/// A mapping's entries with keys stringified as the JSON step does. Non-maps give an
/// empty list.
pub(crate) fn map_entries(n: &Node) -> Result<Vec<(String, &Node)>, YamlError> {
    match n {
        Node::Map(entries) => entries
            .iter()
            .map(|(k, v)| Ok((key_to_string(k, v)?, &**v)))
            .collect(),
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests;
