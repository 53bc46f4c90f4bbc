//! Go `encoding/json` compatible output: Helm's `toJson`, and the first half of `toYaml`.
//!
//! Helm's `toJson` is `json.Marshal` of the template value, so the bytes follow Go's rules
//! rather than serde_json's: map keys in byte order, `<`, `>` and `&` escaped as
//! `\u003c`/`\u003e`/`\u0026` (Go's HTML-safe default), U+2028 and U+2029 escaped,
//! `[]byte` as standard base64, and floats in Go's own format (`1e+21`, `1e-7`, `100000`
//! for 1e5). NaN and infinities are errors, as in Go.
//!
//! [`to_json_value`] gives the tree as a [`serde_json::Value`]. Without serde_json's
//! `arbitrary_precision` feature a [`serde_json::Number`] cannot carry text, so the tree
//! carries the Go *type* instead: Go integers become integer numbers and Go `float64`s
//! become `f64` numbers (even whole ones). [`write_json`] then prints `f64` numbers with
//! Go's float64 rules, so `write_json(&to_json_value(v)?)` is exactly Go's output.

use std::fmt::Write as _;

use base64::Engine as _;
use capstan_gotmpl::fmt::format_float;
use capstan_gotmpl::value::Value;
use serde_json::{Map as JsonMap, Number, Value as Json};

/// Go's encoding/json (Go 1.27) refuses values nested deeper than this: a value inside
/// more than 10000 arrays or objects (`exceeded max depth`, checked with helm 4.3.1).
pub const MAX_DEPTH: usize = 10000;

/// [`to_json_value`] hands back a tree whose `Drop` recurses, so it stops at this depth
/// (an error, unlike Go); [`to_json`] and `to_yaml` go all the way to [`MAX_DEPTH`].
pub const MAX_TREE_DEPTH: usize = 1000;

/// Values nested up to this depth are encoded on the caller's stack; deeper ones on a
/// helper thread with [`BIG_STACK`] bytes of stack, so that Go's depth limit can be
/// honoured without overflowing a small (2 MiB) thread stack.
const SHALLOW_DEPTH: usize = 300;
/// Stack size of the helper thread for deep values (reserved, mostly never touched).
const BIG_STACK: usize = 256 << 20;

/// Why a value cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// NaN or an infinity; the text is Go's (`json: unsupported value: NaN`).
    #[error("json: unsupported value: {0}")]
    UnsupportedValue(String),
    /// The value nests deeper than [`MAX_DEPTH`] (Go's text), or than
    /// [`MAX_TREE_DEPTH`] for [`to_json_value`].
    #[error("exceeded max depth")]
    TooDeep,
    /// The helper thread for a deep value could not be started.
    #[error("json: cannot start a thread for a deeply nested value")]
    Thread,
}

/// Go's `json.Marshal(v)` as a string: what Helm's `toJson` prints (Helm itself prints an
/// empty string when this fails).
pub fn to_json(v: &Value) -> Result<String, JsonError> {
    // A struct keeps its field order (see `json_struct`).
    if let Some(r) = crate::json_struct::struct_to_json(v) {
        return r;
    }
    match convert(v, 0, SHALLOW_DEPTH) {
        Ok(tree) => Ok(write_json(&tree)),
        Err(JsonError::TooDeep) => {
            on_big_stack(|| convert(v, 0, MAX_DEPTH).map(|tree| write_json(&tree)))
                .unwrap_or(Err(JsonError::Thread))
        }
        Err(e) => Err(e),
    }
}

/// The JSON tree `json.Marshal` would encode. Integers stay integer numbers, Go `float64`s
/// become `f64` numbers; print it with [`write_json`] to get Go's exact text. Values
/// nested deeper than [`MAX_TREE_DEPTH`] are refused.
pub fn to_json_value(v: &Value) -> Result<Json, JsonError> {
    convert(v, 0, MAX_TREE_DEPTH)
}

/// [`to_json_value`] with a depth limit, for callers that run on a big enough stack.
pub(crate) fn to_json_value_limited(v: &Value, limit: usize) -> Result<Json, JsonError> {
    convert(v, 0, limit)
}

/// Runs `f` on a helper thread with a large stack and waits for it; `None` if the thread
/// could not be started or panicked.
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("capstan-deep-value".into())
            .stack_size(BIG_STACK)
            .spawn_scoped(scope, f)
            .ok()?
            .join()
            .ok()
    })
}

/// Depth of the shallow attempt, for `to_yaml`.
pub(crate) const SHALLOW: usize = SHALLOW_DEPTH;

/// Builds the tree; `depth` is the number of arrays and objects around `v`.
fn convert(v: &Value, depth: usize, limit: usize) -> Result<Json, JsonError> {
    if depth > limit {
        return Err(JsonError::TooDeep);
    }
    Ok(match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::Number(Number::from(*i)),
        Value::Uint64(u) => Json::Number(Number::from(*u)),
        Value::Uint8(u) => Json::Number(Number::from(*u)),
        Value::Float64(f) => match Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            // Go names the value with strconv's 'g' formatting: NaN, +Inf, -Inf.
            None => return Err(JsonError::UnsupportedValue(format_float(*f, b'g', -1))),
        },
        Value::String(s) => Json::String(s.to_string()),
        Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::List(list) => convert_list(&list.items, depth, limit)?,
        Value::Map(map) => convert_map(&map.snapshot(), depth, limit)?,
        Value::Object(obj) => match obj.to_data() {
            // An object's data stands where the object is; only a chain of objects
            // (never seen in practice) counts as nesting, to rule out endless recursion.
            data @ Value::Object(_) => convert(&data, depth + 1, limit)?,
            data => convert(&data, depth, limit)?,
        },
    })
}

// Collections are converted in their own functions so that the recursion keeps small
// stack frames.
#[inline(never)]
fn convert_list(items: &[Value], depth: usize, limit: usize) -> Result<Json, JsonError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(convert(item, depth + 1, limit)?);
    }
    Ok(Json::Array(out))
}

#[inline(never)]
fn convert_map(
    entries: &std::collections::BTreeMap<String, Value>,
    depth: usize,
    limit: usize,
) -> Result<Json, JsonError> {
    let mut out = JsonMap::new();
    for (k, item) in entries {
        out.insert(k.clone(), convert(item, depth + 1, limit)?);
    }
    Ok(Json::Object(out))
}

/// Prints a JSON tree the way Go's `encoding/json` does: compact, object keys in byte
/// order, HTML-safe string escaping, `f64` numbers in Go's float64 format.
pub fn write_json(v: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) => write_number(out, n),
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Json::Object(map) => {
            // serde_json's map is sorted unless a crate in the build turns on
            // `preserve_order`; Go always sorts, so sort here to be independent of that.
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        out.push_str(&go_json_float(f));
    }
}

/// Go's float64 text in JSON: `'f'` format, or `'e'` when the magnitude is below 1e-6 or
/// at least 1e21, with a two-digit negative exponent shortened (`1e-07` becomes `1e-7`).
/// NaN and infinities cannot reach here (they are errors, and serde_json refuses them).
pub fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    let e_format = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = format_float(f, if e_format { b'e' } else { b'f' }, -1);
    if e_format {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    s
}

/// Appends `s` as a Go JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Control characters, the HTML-sensitive characters, and the two JavaScript
            // line terminators: all as \u escapes with lower-case hex.
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let v = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((v >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
