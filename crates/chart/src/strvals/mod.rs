//! Helm's `--set` family of flags (`--set`, `--set-string`, `--set-file`, `--set-json`,
//! `--set-literal`), parsed exactly as Helm 4.3.1's `pkg/strvals` parses them, quirks and
//! error messages included.
//!
//! Values are `serde_json` values standing for Go's: `--set` integers are `i64`
//! (`int64`), JSON numbers are `f64` (`float64`), `null` is Go's `nil`.
//!
//! ```
//! use capstan_chart::strvals;
//! let mut values = serde_json::Map::new();
//! strvals::parse_into("image.tag=1.2,replicas=3,list={a,b}", &mut values).unwrap();
//! strvals::parse_into_string("replicas=3", &mut values).unwrap();
//! assert_eq!(
//!     serde_json::Value::Object(values).to_string(),
//!     r#"{"image":{"tag":"1.2"},"list":["a","b"],"replicas":"3"}"#
//! );
//! ```

mod json;
mod parser;

use serde_json::{Map, Value};

use crate::semver::{go_quote, go_quote_runes};
use parser::{FileReader, Mode, Parser};
pub use parser::{MAX_INDEX, MAX_LIST_NESTING, MAX_NESTED_NAME_LEVEL};

/// Values as Helm holds them: a Go `map[string]interface{}`.
pub type Values = Map<String, Value>;

/// A `--set`-family parse error, worded as Helm words it (Helm prefixes it with the flag,
/// e.g. `failed parsing --set data: `; see [`MergeError`]).
#[derive(Debug, thiserror::Error)]
pub enum StrvalsError {
    /// A key ran to the end of the input without `=`.
    #[error("key {} has no value", go_quote(.0))]
    KeyHasNoValue(String),
    /// A key was ended by `,` instead of `=`.
    #[error("key {} has no value (cannot end with ,)", go_quote(.0))]
    KeyHasNoValueComma(String),
    /// `a.b` where nothing was set under `a`.
    #[error("key map {} has no value", go_quote(.0))]
    KeyMapHasNoValue(String),
    /// More than [`MAX_NESTED_NAME_LEVEL`] dots in a key.
    #[error("value name nested level is greater than maximum supported nested level of 30")]
    NestedTooDeep,
    /// A negative list index.
    #[error("negative {0} index not allowed")]
    NegativeIndex(i64),
    /// A list index above [`MAX_INDEX`].
    #[error("index of {0} is greater than maximum supported index of 65536")]
    IndexTooLarge(i64),
    /// The text between `[` and `]` is not an integer (Go's `strconv.Atoi` message).
    #[error("error parsing index: {0}")]
    ParseIndex(String),
    /// Characters between `]` and the next `[`, `.` or `=`.
    #[error("unexpected data at end of array index: {}", go_quote_runes(.0))]
    UnexpectedData(String),
    /// A `{a,b` list without its closing brace.
    #[error("list must terminate with '}}'")]
    ListNotTerminated,
    /// The key syntax needs a map or a list where the values hold something else (Helm
    /// recovers from the failed Go type assertion and reports it like this).
    #[error(
        "unable to parse key: interface conversion: interface {{}} is {found}, not {expected}"
    )]
    TypeConversion {
        /// The Go type found (`string`, `int64`, `nil`, ...).
        found: &'static str,
        /// The Go type needed.
        expected: &'static str,
    },
    /// `[i][j]...` nested deeper than [`MAX_LIST_NESTING`] (a capstan limit; Helm has none).
    #[error("list nesting is deeper than the supported 256 levels")]
    ListTooDeep,
    /// A `--set-json` value is not valid JSON (Go's `encoding/json` wording).
    #[error("{0}")]
    Json(String),
    /// A `--set-file` file could not be read.
    #[error("{0}")]
    Reader(Box<dyn std::error::Error + Send + Sync>),
}

/// Helm's `typedVal` for `--set`: `true`/`false`/`null` in any case (Go's `EqualFold`),
/// `0`, and base-10 integers that fit in an `int64` and do not start with `0` (an optional
/// sign is allowed: `-1`, `+5`); everything else (`007`, `0x10`, `1e3`, `1.5`, numbers too
/// large) stays a string.
pub fn typed_value(text: &str) -> Value {
    if eq_fold(text, "true") {
        return Value::Bool(true);
    }
    if eq_fold(text, "false") {
        return Value::Bool(false);
    }
    if eq_fold(text, "null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0i64);
    }
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(n) = parser::atoi(text) {
            return Value::from(n);
        }
    }
    Value::String(text.to_string())
}

/// Go's `strings.EqualFold` against a lowercase ASCII word. Besides ASCII case, Unicode
/// folding maps U+017F (long s) to `s` and U+212A (Kelvin sign) to `k`.
fn eq_fold(text: &str, word: &str) -> bool {
    let folded = text.chars().map(|c| match c {
        '\u{17f}' => 's',
        '\u{212a}' => 'k',
        c => c.to_ascii_lowercase(),
    });
    folded.eq(word.chars())
}

/// The Go type name of a value, as Go's runtime prints it in conversion panics.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(n) if n.is_u64() => "uint64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn run(s: &str, dest: &mut Values, mode: Mode) -> Result<(), StrvalsError> {
    Parser::new(s, mode, None).parse(dest)
}

/// `--set`: parses one flag value (`a=b,c.d=e`) and merges it into `dest` (Helm's
/// `ParseInto`). On error `dest` may hold part of the line, as in Helm.
pub fn parse_into(s: &str, dest: &mut Values) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Typed)
}

/// `--set-string`: like [`parse_into`], but every value is a string.
pub fn parse_into_string(s: &str, dest: &mut Values) -> Result<(), StrvalsError> {
    run(s, dest, Mode::String)
}

/// `--set-json` in its `key=JSON[,key=JSON]` form (Helm's `ParseJSON`): each value is one
/// JSON document (numbers become `f64`); an empty value is `null`.
pub fn parse_json_into(s: &str, dest: &mut Values) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Json)
}

/// `--set-literal`: the key up to the first `=`, then the rest of the line verbatim as
/// one string (no escapes, commas kept).
pub fn parse_literal_into(s: &str, dest: &mut Values) -> Result<(), StrvalsError> {
    run(s, dest, Mode::Literal)
}

/// `--set-file`: each value is a path; `read` returns the file's contents, which become
/// the (string) value. `{a,b}` lists read one file per element.
pub fn parse_file_into<F, E>(s: &str, dest: &mut Values, mut read: F) -> Result<(), StrvalsError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut reader = |path: &str| read(path).map_err(|e| StrvalsError::Reader(e.into()));
    let reader: &mut FileReader<'_> = &mut reader;
    Parser::new(s, Mode::File, Some(reader)).parse(dest)
}

/// Helm's `Parse`: a `--set` line into a new map.
pub fn parse(s: &str) -> Result<Values, StrvalsError> {
    let mut v = Values::new();
    parse_into(s, &mut v)?;
    Ok(v)
}

/// Helm's `ParseString`: a `--set-string` line into a new map.
pub fn parse_string(s: &str) -> Result<Values, StrvalsError> {
    let mut v = Values::new();
    parse_into_string(s, &mut v)?;
    Ok(v)
}

/// Helm's `ParseLiteral`: a `--set-literal` line into a new map.
pub fn parse_literal(s: &str) -> Result<Values, StrvalsError> {
    let mut v = Values::new();
    parse_literal_into(s, &mut v)?;
    Ok(v)
}

/// The `--set`-family flags of one command, each in command-line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetFlags {
    /// `--set-json` values.
    pub json: Vec<String>,
    /// `--set` values.
    pub values: Vec<String>,
    /// `--set-string` values.
    pub strings: Vec<String>,
    /// `--set-file` values.
    pub files: Vec<String>,
    /// `--set-literal` values.
    pub literals: Vec<String>,
}

/// A failure of [`merge_set_flags`], with Helm's message for the flag concerned.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A `--set-json` value starting with `{` is not one JSON object (Helm prints the
    /// value, not the JSON error).
    #[error("failed parsing --set-json data JSON: {0}")]
    JsonObject(String),
    /// A `--set-json` `key=JSON` value failed (again Helm prints only the value).
    #[error("failed parsing --set-json data {value}")]
    Json {
        /// The flag value.
        value: String,
        /// The underlying error, for logs.
        source: StrvalsError,
    },
    /// A `--set` value failed.
    #[error("failed parsing --set data: {0}")]
    Set(#[source] StrvalsError),
    /// A `--set-string` value failed.
    #[error("failed parsing --set-string data: {0}")]
    SetString(#[source] StrvalsError),
    /// A `--set-file` value failed.
    #[error("failed parsing --set-file data: {0}")]
    SetFile(#[source] StrvalsError),
    /// A `--set-literal` value failed.
    #[error("failed parsing --set-literal data: {0}")]
    SetLiteral(#[source] StrvalsError),
}

/// The `--set` part of Helm's `MergeValues`: applied to `base` (the merged `-f` files) in
/// Helm's fixed order, *by flag kind* and not by command-line position: all `--set-json`,
/// then `--set`, `--set-string`, `--set-file`, `--set-literal`.
pub fn merge_set_flags<F, E>(
    base: &mut Values,
    flags: &SetFlags,
    mut read_file: F,
) -> Result<(), MergeError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    for value in &flags.json {
        let trimmed = value.trim();
        if trimmed.starts_with('{') {
            match json::decode_all(trimmed) {
                Ok(Value::Object(map)) => merge_maps(base, map),
                _ => return Err(MergeError::JsonObject(value.clone())),
            }
        } else {
            parse_json_into(value, base).map_err(|source| MergeError::Json {
                value: value.clone(),
                source,
            })?;
        }
    }
    for value in &flags.values {
        parse_into(value, base).map_err(MergeError::Set)?;
    }
    for value in &flags.strings {
        parse_into_string(value, base).map_err(MergeError::SetString)?;
    }
    for value in &flags.files {
        parse_file_into(value, base, &mut read_file).map_err(MergeError::SetFile)?;
    }
    for value in &flags.literals {
        parse_literal_into(value, base).map_err(MergeError::SetLiteral)?;
    }
    Ok(())
}

/// Helm's `loader.MergeMaps`: maps merge key by key, anything else replaces.
pub fn merge_maps(base: &mut Values, overlay: Values) {
    for (k, v) in overlay {
        match (base.get_mut(&k), v) {
            (Some(Value::Object(existing)), Value::Object(new)) => merge_maps(existing, new),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}
