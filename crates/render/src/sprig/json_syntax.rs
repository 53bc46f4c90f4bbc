//! encoding/json's syntax check (`checkValid`), for its error texts: Go validates the whole
//! input before decoding and reports the first bad byte as `invalid character 'x' looking for
//! beginning of value`, `... after object key`, `unexpected end of JSON input`, and so on.
//! serde_json decides whether the input parses; this module only words the failure as Go.

/// Go's `quoteChar`: a byte in single quotes, escaped as `strconv.Quote` would.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let q = capstan_gotmpl::fmt::quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// Go 1.27's wording for a bad escape (encoding/json on the v2 engine).
fn bad_escape(seq: &[u8]) -> String {
    format!(
        "invalid escape sequence `{}` in string",
        String::from_utf8_lossy(seq)
    )
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

type Check = Result<(), String>;

const EOF: &str = "unexpected end of JSON input";

impl Scanner<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Result<u8, String> {
        self.b.get(self.i).copied().ok_or_else(|| EOF.to_string())
    }

    fn bad(&self, context: &str) -> String {
        format!("invalid character {} {context}", quote_char(self.b[self.i]))
    }

    fn value(&mut self) -> Check {
        self.ws();
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => Err(self.bad("looking for beginning of value")),
        }
    }

    fn object(&mut self) -> Check {
        self.i += 1;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek()? != b'"' {
                return Err(self.bad("looking for beginning of object key string"));
            }
            self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return Err(self.bad("after object key"));
            }
            self.i += 1;
            self.value()?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.bad("after object key:value pair")),
            }
        }
    }

    fn array(&mut self) -> Check {
        self.i += 1;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.value()?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.bad("after array element")),
            }
        }
    }

    fn string(&mut self) -> Check {
        self.i += 1;
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(());
                }
                b'\\' => {
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let start = self.i - 1;
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.peek()?.is_ascii_hexdigit() {
                                    let end = (start + 6).min(self.b.len());
                                    return Err(bad_escape(&self.b[start..end]));
                                }
                                self.i += 1;
                            }
                        }
                        _ => return Err(bad_escape(&self.b[self.i - 1..=self.i])),
                    }
                }
                c if c < 0x20 => return Err(self.bad("in string")),
                _ => self.i += 1,
            }
        }
    }

    fn digits(&mut self) {
        while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }

    fn number(&mut self) -> Check {
        if self.peek()? == b'-' {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return Err(self.bad("in numeric literal"));
            }
        }
        if self.peek()? == b'0' {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return Err(self.bad("in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek()?, b'+' | b'-') {
                self.i += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return Err(self.bad("in numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Check {
        let name = std::str::from_utf8(word).unwrap_or_default();
        self.i += 1;
        for &want in &word[1..] {
            if self.peek()? != want {
                return Err(self.bad(&format!(
                    "in literal {name} (expecting {})",
                    quote_char(want)
                )));
            }
            self.i += 1;
        }
        Ok(())
    }
}

/// The error Go's `json.Unmarshal` reports for a syntactically invalid input, or `None`
/// when the input is valid JSON syntax.
pub(crate) fn syntax_error(text: &str) -> Option<String> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    if let Err(e) = s.value() {
        return Some(e);
    }
    s.ws();
    if s.i < s.b.len() {
        return Some(s.bad("after top-level value"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::syntax_error;

    /// Texts helm 4.3.1 prints for `mustFromJson` of these inputs.
    #[test]
    fn messages_match_encoding_json() {
        let cases = [
            (
                "{bad",
                "invalid character 'b' looking for beginning of object key string",
            ),
            ("", "unexpected end of JSON input"),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            (
                "{\"a\":1 2}",
                "invalid character '2' after object key:value pair",
            ),
            ("[1 2]", "invalid character '2' after array element"),
            (
                "[1,]",
                "invalid character ']' looking for beginning of value",
            ),
            ("tru", "unexpected end of JSON input"),
            (
                "trux",
                "invalid character 'x' in literal true (expecting 'e')",
            ),
            ("nul", "unexpected end of JSON input"),
            ("1 2", "invalid character '2' after top-level value"),
            ("-x", "invalid character 'x' in numeric literal"),
            ("1.e5", "invalid character 'e' in numeric literal"),
            ("\"a\\x\"", "invalid escape sequence `\\x` in string"),
            ("\"\\u12g4\"", "invalid escape sequence `\\u12g4` in string"),
            ("\"a\tb\"", "invalid character '\\t' in string"),
            (
                "'x'",
                "invalid character '\\'' looking for beginning of value",
            ),
            ("01", "invalid character '1' after top-level value"),
        ];
        for (input, want) in cases {
            assert_eq!(syntax_error(input).as_deref(), Some(want), "{input:?}");
        }
        assert_eq!(
            syntax_error(" {\"a\": [1, -2.5e+3, true, null, \"\\u00e9\"]} "),
            None
        );
    }
}
