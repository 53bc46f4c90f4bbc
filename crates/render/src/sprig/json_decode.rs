//! encoding/json's decoding into `interface {}` for valid JSON that serde_json refuses:
//! numbers beyond float64's range (`1e400`) and nesting deeper than serde's recursion limit.
//! Go decodes such a number as 0, keeps going, and reports the first one as an
//! `UnmarshalTypeError`: `json: cannot unmarshal number 1e400 into Go struct field .a of type
//! float64` when the number is an object member (the path of keys and indices joined by
//! `.`), `... into .a.1 of type float64` when it is an array element (Go 1.27's wording).
//! The caller has already checked the syntax (`json_syntax`), so this reader trusts it.

use capstan_gotmpl::Value;
use std::collections::BTreeMap;

/// The decoded value and the first decoding error, as `json.Unmarshal` leaves them.
pub(crate) struct Decoded {
    /// The value (0 where a number did not fit).
    pub value: Value,
    /// The text of the first `UnmarshalTypeError`, if any.
    pub error: Option<String>,
}

/// One step of the path to the current value.
enum Step {
    Key(String),
    Index(usize),
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    path: Vec<Step>,
    error: Option<String>,
}

/// Decodes syntactically valid JSON text; `None` if it turns out not to be (the caller then
/// keeps its own error).
pub(crate) fn decode(text: &str) -> Option<Decoded> {
    crate::json::on_big_stack(|| {
        let mut r = Reader {
            b: text.as_bytes(),
            i: 0,
            path: Vec::new(),
            error: None,
        };
        let value = r.value()?;
        r.ws();
        (r.i == r.b.len()).then_some(Decoded {
            value,
            error: r.error,
        })
    })
    .flatten()
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Value::from),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Nil),
            _ => self.number(),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Option<Value> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Some(v)
        } else {
            None
        }
    }

    fn object(&mut self) -> Option<Value> {
        self.i += 1;
        let mut m = BTreeMap::new();
        if self.eat(b'}') {
            return Some(Value::map(m));
        }
        loop {
            self.ws();
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            self.path.push(Step::Key(key.clone()));
            let v = self.value()?;
            self.path.pop();
            // Duplicate keys: the last one wins, as in Go.
            m.insert(key, v);
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then(|| Value::map(m));
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.i += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Value::list(items));
        }
        loop {
            self.path.push(Step::Index(items.len()));
            let v = self.value()?;
            self.path.pop();
            items.push(v);
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then(|| Value::list(items));
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        while self
            .b
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        let f: f64 = text.parse().ok()?;
        if f.is_finite() {
            return Some(Value::Float64(f));
        }
        if self.error.is_none() {
            self.error = Some(self.range_error(text));
        }
        Some(Value::Float64(0.0))
    }

    fn range_error(&self, text: &str) -> String {
        let joined: String = self
            .path
            .iter()
            .map(|s| match s {
                Step::Key(k) => format!(".{k}"),
                Step::Index(i) => format!(".{i}"),
            })
            .collect();
        match self.path.last() {
            None => format!("json: cannot unmarshal number {text} into Go value of type float64"),
            Some(Step::Key(_)) => format!(
                "json: cannot unmarshal number {text} into Go struct field {joined} of type float64"
            ),
            Some(Step::Index(_)) => {
                format!("json: cannot unmarshal number {text} into {joined} of type float64")
            }
        }
    }

    /// A string literal (the reader is on its opening quote); lone surrogates become U+FFFD.
    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if (0xd800..0xdc00).contains(&hi) && self.b[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xdc00..0xe000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                return char::from_u32(c);
            }
            self.i = save;
        }
        Some(char::from_u32(hi).unwrap_or('\u{fffd}'))
    }
}

/// What Go makes of text serde_json refused with `e`: its syntax error, or (for valid JSON)
/// the decoded value with its first decoding error.
pub(crate) fn after_serde_error(text: &str, e: &serde_json::Error) -> Result<Decoded, String> {
    if let Some(msg) = super::json_syntax::syntax_error(text) {
        return Err(msg);
    }
    decode(text).ok_or_else(|| e.to_string())
}

/// encoding/json's name for the JSON kind of a decoded value (`cannot unmarshal array ...`).
pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}
