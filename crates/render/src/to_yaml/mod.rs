//! go-yaml v2 compatible output: Helm's `toYaml`.
//!
//! Helm's `toYaml` is `sigs.k8s.io/yaml.Marshal`: the value goes through `encoding/json`,
//! the JSON text is read back by go-yaml v2 into `interface{}` (so JSON numbers are
//! re-typed by YAML 1.1 resolution: `3` becomes an int, `1e+21` a float), and that is
//! written by go-yaml v2's emitter; Helm then trims one trailing newline. This module
//! follows the same three steps:
//!
//! 1. [`crate::json::to_json_value`] (Go's JSON tree and number text);
//! 2. [`decode`]: what go-yaml v2's reader, scanner and resolver make of that JSON text
//!    (number typing, a raw U+0085 folded to a space, characters the YAML reader rejects,
//!    over-long or multi-line keys that its scanner cannot read);
//! 3. [`emit`]: go-yaml v2's encoder and emitter (natural key order, scalar style choice,
//!    80-column folding, block scalars).

mod emit;
mod pdqsort;
pub mod pretty;
mod resolve;
mod sort;
mod unicode;

use std::collections::HashMap;

use capstan_gotmpl::value::Value;
use serde_json::Value as Json;

use crate::json::{self, JsonError};

/// Why `toYaml` fails (Helm prints an empty string then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The JSON step failed (NaN, infinities, too deep); sigs.k8s.io/yaml's wording.
    #[error("error marshaling into JSON: {0}")]
    Json(#[from] JsonError),
    /// go-yaml's reader refuses a character that Go's JSON encoder leaves raw (DEL, C1
    /// controls other than U+0085, U+FFFE, U+FFFF).
    #[error("yaml: control characters are not allowed")]
    ControlCharacter,
    /// go-yaml's scanner or parser cannot read the JSON text back: a map key longer than
    /// its 1024-character simple-key limit or containing U+0085 (a line break for YAML),
    /// or `---`/`...` right after a U+0085. `line` is go-yaml's line number (U+0085s
    /// before the problem, plus one for scanner errors); 0 prints no line.
    #[error("yaml: {}{msg}", if *line > 0 { format!("line {line}: ") } else { String::new() })]
    Syntax {
        /// The line go-yaml reports, or 0.
        line: usize,
        /// go-yaml's message.
        msg: &'static str,
    },
}

/// Helm's `toYaml`: go-yaml v2's output for the value's JSON form, without the final
/// newline.
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let mut out = to_yaml_document(v)?;
    if out.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the YAML document including its final newline.
pub fn to_yaml_document(v: &Value) -> Result<String, YamlError> {
    // Deeply nested values are handled on a helper thread with a large stack (every step
    // here recurses, and so do the intermediate trees' destructors).
    match pipeline(v, json::SHALLOW) {
        Err(YamlError::Json(JsonError::TooDeep)) => {
            json::on_big_stack(|| pipeline(v, json::MAX_DEPTH))
                .unwrap_or(Err(YamlError::Json(JsonError::Thread)))
        }
        r => r,
    }
}

fn pipeline(v: &Value, limit: usize) -> Result<String, YamlError> {
    let tree = json::to_json_value_limited(v, limit)?;
    let node = Decoder { lines: 0, depth: 0 }.decode(&tree)?;
    Ok(emit::emit_document(&node))
}

/// go-yaml v2's scanner refuses more nested flow collections than this.
const MAX_FLOW_LEVEL: usize = 10000;

/// A value as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `nil`
    Null,
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i64),
    /// `uint64` (integers above `i64::MAX`)
    Uint(u64),
    /// `float64`
    Float(f64),
    /// `string`
    Str(String),
    /// `[]interface{}`
    Seq(Vec<Node>),
    /// `map[interface{}]interface{}`, entries already in go-yaml's key order.
    Map(Vec<(String, Node)>),
}

/// Reads Go's JSON text back the way go-yaml v2 does, in text order. `lines` counts the
/// U+0085 characters read so far: they are line breaks for go-yaml, and its error
/// messages number lines by them.
struct Decoder {
    lines: usize,
    /// Collections currently open (go-yaml's flow level).
    depth: usize,
}

impl Decoder {
    fn decode(&mut self, v: &Json) -> Result<Node, YamlError> {
        Ok(match v {
            Json::Null => Node::Null,
            Json::Bool(b) => Node::Bool(*b),
            Json::Number(_) => {
                // The number is a plain scalar in the JSON text: YAML resolution types it.
                let text = json::write_json(v);
                match resolve::resolve(&text) {
                    resolve::Resolved::Int(i) => Node::Int(i),
                    resolve::Resolved::Uint(u) => Node::Uint(u),
                    resolve::Resolved::Float(f) => Node::Float(f),
                    // Go's number text always resolves to a number; keep it otherwise.
                    _ => Node::Str(text),
                }
            }
            Json::String(s) => Node::Str(self.read_quoted(s)?),
            Json::Array(items) => self.decode_seq(items)?,
            Json::Object(map) => self.decode_map(map)?,
        })
    }

    // The collection cases live in their own functions so that the recursion through
    // `decode` keeps small stack frames.
    #[inline(never)]
    fn decode_seq(&mut self, items: &[Json]) -> Result<Node, YamlError> {
        self.enter()?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.decode(item)?);
        }
        self.depth -= 1;
        Ok(Node::Seq(out))
    }

    /// Opens a collection: go-yaml's scanner errors past [`MAX_FLOW_LEVEL`].
    fn enter(&mut self) -> Result<(), YamlError> {
        self.depth += 1;
        if self.depth > MAX_FLOW_LEVEL {
            return Err(YamlError::Syntax {
                // A scanner error: lines count from one, and line 1 is not printed.
                line: if self.lines > 0 { self.lines + 1 } else { 0 },
                msg: "exceeded max depth of 10000",
            });
        }
        Ok(())
    }

    #[inline(never)]
    fn decode_map(&mut self, map: &serde_json::Map<String, Json>) -> Result<Node, YamlError> {
        self.enter()?;
        let mut entries: Vec<(String, Node)> = Vec::with_capacity(map.len());
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for k in keys {
            let Some(item) = map.get(k) else { continue };
            let key = self.read_quoted(k)?;
            check_key(k, self.lines)?;
            let value = self.decode(item)?;
            // Two JSON keys can read back equal (U+0085 folding); go-yaml keeps the later
            // one, and Go's JSON writes keys in byte order.
            match index.get(&key) {
                Some(&i) => {
                    if let Some(slot) = entries.get_mut(i) {
                        slot.1 = value;
                    }
                }
                None => {
                    index.insert(key.clone(), entries.len());
                    entries.push((key, value));
                }
            }
        }
        sort::sort_keys(&mut entries);
        self.depth -= 1;
        Ok(Node::Map(entries))
    }

    /// The string go-yaml's double-quoted scalar scanner makes of Go's JSON string text.
    ///
    /// Go's JSON escapes every character below U+0020 and U+2028/U+2029, so the only raw
    /// line break left is U+0085 (NEL), which YAML folds like a newline: blanks around it
    /// vanish, one break becomes a space, further breaks become newlines.
    fn read_quoted(&mut self, s: &str) -> Result<String, YamlError> {
        if s.chars().any(|c| {
            let v = c as u32;
            v == 0x7f || ((0x80..=0x9f).contains(&v) && v != 0x85) || v == 0xfffe || v == 0xffff
        }) {
            return Err(YamlError::ControlCharacter);
        }
        if !s.contains('\u{85}') {
            return Ok(s.to_string());
        }
        // Only spaces can be raw blanks here (JSON escapes tabs).
        let mut out = String::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != ' ' && c != '\u{85}' {
                out.push(c);
                i += 1;
                continue;
            }
            // A run of blanks and breaks.
            let start = i;
            let mut breaks = 0usize;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
                if chars[i] == '\u{85}' {
                    breaks += 1;
                    self.lines += 1;
                    // Right after a break the scanner is at column 0, where `---` or `...`
                    // followed by a blank starts a new document (the closing quote is no
                    // blank). Scanner errors count lines from one.
                    let rest = &chars[i + 1..];
                    if rest.len() >= 3
                        && (rest[..3] == ['-', '-', '-'] || rest[..3] == ['.', '.', '.'])
                        && rest.get(3).is_some_and(|c| matches!(c, ' ' | '\u{85}'))
                    {
                        return Err(YamlError::Syntax {
                            line: self.lines + 1,
                            msg: "found unexpected document indicator",
                        });
                    }
                }
                i += 1;
            }
            if breaks == 0 {
                out.extend(&chars[start..i]);
            } else if breaks == 1 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', breaks - 1));
            }
        }
        Ok(out)
    }
}

/// go-yaml's scanner only accepts a JSON object key as a simple key when its token (with
/// quotes and escapes) is at most 1024 characters long and on one line; otherwise the
/// parser meets a `:` it cannot place. `lines` is the line count after the key.
fn check_key(k: &str, lines: usize) -> Result<(), YamlError> {
    let mut escaped = String::new();
    json::write_string(&mut escaped, k);
    if k.contains('\u{85}') || escaped.chars().count() > 1024 {
        return Err(YamlError::Syntax {
            line: lines,
            msg: "did not find expected ',' or '}'",
        });
    }
    Ok(())
}
