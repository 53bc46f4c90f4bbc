//! A JSON reader that behaves like Go's `json.Decoder` as `--set-json` uses it: it reads
//! one value from the front of the input and reports how many bytes it used, every number
//! becomes a float64, and a value at the top level ends where its grammar ends (`1x` reads
//! `1` and leaves `x`; `01` reads `0` and leaves `1`).

use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused. Go allows 10000 levels, but values that deep
/// overflow the stack when dropped or walked recursively here, so we stop earlier.
pub(crate) const MAX_JSON_DEPTH: usize = 256;

/// Why the JSON value could not be read. The texts follow Go's `encoding/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError(pub(crate) String);

type JResult<T> = Result<T, JsonError>;

/// Reads one JSON value from the front of `s` (after optional JSON whitespace); returns it
/// and the number of bytes it and the leading whitespace took.
pub(crate) fn decode_prefix(s: &str) -> JResult<(Value, usize)> {
    let mut r = Reader {
        s: s.as_bytes(),
        pos: 0,
    };
    r.skip_ws();
    if r.pos == r.s.len() {
        return Err(JsonError("EOF".into()));
    }
    let v = r.value(0)?;
    Ok((v, r.pos))
}

/// Reads a whole document like `json.Unmarshal`: one value and nothing but whitespace
/// after it.
pub(crate) fn decode_all(s: &str) -> JResult<Value> {
    let mut r = Reader {
        s: s.as_bytes(),
        pos: 0,
    };
    r.skip_ws();
    if r.pos == r.s.len() {
        return Err(JsonError("unexpected end of JSON input".into()));
    }
    let v = r.value(0)?;
    r.skip_ws();
    match r.peek() {
        None => Ok(v),
        Some(c) => Err(r.invalid(c, "after top-level value")),
    }
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn invalid(&self, c: u8, context: &str) -> JsonError {
        let shown = match c {
            b'\'' => "'\\''".to_string(),
            b'"' => "'\"'".to_string(),
            c if c.is_ascii_graphic() || c == b' ' => format!("'{}'", c as char),
            c => format!("'\\x{c:02x}'"),
        };
        JsonError(format!("invalid character {shown} {context}"))
    }

    fn eof(&self) -> JsonError {
        JsonError("unexpected EOF".into())
    }

    /// Reads one value. A value ends where its grammar ends; what may follow it is checked
    /// by the enclosing array or object, or by the caller at the top level.
    fn value(&mut self, depth: usize) -> JResult<Value> {
        if depth >= MAX_JSON_DEPTH {
            return Err(JsonError("exceeded max depth".into()));
        }
        match self.peek() {
            None => Err(self.eof()),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(c) => Err(self.invalid(c, "looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> JResult<Value> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.eof()),
                Some(c) if c == expected => self.pos += 1,
                Some(c) => {
                    return Err(self.invalid(
                        c,
                        &format!("in literal {word} (expecting '{}')", expected as char),
                    ))
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> JResult<Value> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(c) => return Err(self.invalid(c, "in numeric literal")),
            None => return Err(self.eof()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(match self.peek() {
                    Some(c) => self.invalid(c, "after decimal point in numeric literal"),
                    None => self.eof(),
                });
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(match self.peek() {
                    Some(c) => self.invalid(c, "in exponent of numeric literal"),
                    None => self.eof(),
                });
            }
        }
        // The grammar above only admits ASCII, so this slice is valid UTF-8.
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default();
        let f: f64 = text
            .parse()
            .map_err(|_| JsonError(format!("invalid number {text}")))?;
        Number::from_f64(f).map(Value::Number).ok_or_else(|| {
            JsonError(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            ))
        })
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.s.get(at..at + 4)?;
        let text = std::str::from_utf8(h).ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    }

    fn string(&mut self) -> JResult<String> {
        self.pos += 1; // the opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.eof());
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let Some(e) = self.s.get(self.pos + 1).copied() else {
                        return Err(self.eof());
                    };
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        _ => None,
                    };
                    if let Some(b) = simple {
                        out.push(b);
                        self.pos += 2;
                        continue;
                    }
                    if e != b'u' {
                        return Err(self.invalid(e, "in string escape code"));
                    }
                    let Some(first) = self.hex4(self.pos + 2) else {
                        return Err(self.bad_hex(self.pos + 2));
                    };
                    self.pos += 6;
                    let mut ch = char::from_u32(first);
                    if (0xd800..0xe000).contains(&first) {
                        // A surrogate: combine it with a following low surrogate escape if
                        // there is one, otherwise it becomes U+FFFD (as Go does).
                        ch = None;
                        if first < 0xdc00 && self.s.get(self.pos..self.pos + 2) == Some(b"\\u") {
                            if let Some(second) = self.hex4(self.pos + 2) {
                                if (0xdc00..0xe000).contains(&second) {
                                    let c = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                                    ch = char::from_u32(c);
                                    self.pos += 6;
                                }
                            }
                        }
                    }
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(
                        ch.unwrap_or('\u{fffd}').encode_utf8(&mut buf).as_bytes(),
                    );
                }
                c if c < 0x20 => return Err(self.invalid(c, "in string literal")),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        // The input is a &str and escapes produce whole characters, so this cannot fail.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn bad_hex(&self, at: usize) -> JsonError {
        let bad = (at..at + 4).find(|i| !self.s.get(*i).is_some_and(u8::is_ascii_hexdigit));
        match bad.and_then(|i| self.s.get(i)) {
            Some(c) => self.invalid(*c, "in \\u hexadecimal character escape"),
            None => self.eof(),
        }
    }

    fn array(&mut self, depth: usize) -> JResult<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(c) => return Err(self.invalid(c, "after array element")),
                None => return Err(self.eof()),
            }
        }
    }

    fn object(&mut self, depth: usize) -> JResult<Value> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(c) => {
                    return Err(self.invalid(c, "looking for beginning of object key string"))
                }
                None => return Err(self.eof()),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(c) => return Err(self.invalid(c, "after object key")),
                None => return Err(self.eof()),
            }
            self.skip_ws();
            let v = self.value(depth + 1)?;
            map.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(c) => return Err(self.invalid(c, "after object key:value pair")),
                None => return Err(self.eof()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_all, decode_prefix};
    use serde_json::json;

    #[test]
    fn reads_a_prefix_like_go_decoder() {
        let f = decode_prefix;
        assert_eq!(f("1,b=2"), Ok((json!(1.0), 1)));
        assert_eq!(f("01"), Ok((json!(0.0), 1)));
        assert_eq!(f("truex"), Ok((json!(true), 4)));
        assert_eq!(f(" [1, \"a\"] ,x"), Ok((json!([1.0, "a"]), 9)));
        assert_eq!(f(r#"{"a":{"b":null}}"#).map(|x| x.1), Ok(16));
        assert_eq!(
            f(r#""\ud83d\ude00\ud800x""#),
            Ok((json!("😀\u{fffd}x"), 21))
        );
        assert!(f("tru").is_err());
        assert!(f("[01]").is_err());
        assert!(f("1e400").is_err());
        assert!(f("\"a\u{1}\"").is_err());
        assert!(f(&"[".repeat(5000)).is_err());
    }

    #[test]
    fn reads_whole_documents() {
        assert_eq!(decode_all(" {\"a\": 1} "), Ok(json!({"a": 1.0})));
        assert!(decode_all("{} x").is_err());
    }
}
