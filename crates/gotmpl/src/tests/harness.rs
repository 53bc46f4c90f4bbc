//! Helpers: build values the way Helm's YAML reader does, and render one text.

use std::collections::BTreeMap;

use crate::{FuncMap, MissingKey, Templates, Value};

/// A value tree from compact JSON (numbers become float64 as in Helm's values).
pub fn values(json: &str) -> Value {
    let mut p = J {
        s: json.as_bytes(),
        i: 0,
    };
    let v = p.value();
    assert!(
        p.i >= p.s.len() || p.s[p.i..].iter().all(|b| b.is_ascii_whitespace()),
        "trailing json: {json}"
    );
    v
}

struct J<'a> {
    s: &'a [u8],
    i: usize,
}

impl J<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn value(&mut self) -> Value {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b'}' {
                        self.i += 1;
                        break;
                    }
                    let Value::String(k) = self.value() else {
                        panic!("key")
                    };
                    self.ws();
                    assert_eq!(self.s[self.i], b':');
                    self.i += 1;
                    let v = self.value();
                    m.insert(k.to_string(), v);
                    self.ws();
                    if self.s[self.i] == b',' {
                        self.i += 1;
                    }
                }
                Value::map(m)
            }
            b'[' => {
                self.i += 1;
                let mut l = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b']' {
                        self.i += 1;
                        break;
                    }
                    l.push(self.value());
                    self.ws();
                    if self.s[self.i] == b',' {
                        self.i += 1;
                    }
                }
                Value::list(l)
            }
            b'"' => {
                self.i += 1;
                let start = self.i;
                while self.s[self.i] != b'"' {
                    self.i += 1;
                }
                let s = std::str::from_utf8(&self.s[start..self.i])
                    .unwrap()
                    .to_string();
                self.i += 1;
                Value::from(s)
            }
            b't' => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Value::Nil
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
                    )
                {
                    self.i += 1;
                }
                Value::Float64(
                    std::str::from_utf8(&self.s[start..self.i])
                        .unwrap()
                        .parse()
                        .unwrap(),
                )
            }
        }
    }
}

/// Helm's top-level data for a chart: `.Values` holds `vals`.
pub fn helm_data(vals: &str) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Values".to_string(), values(vals));
    Value::map(m)
}

/// A set configured like Helm's (missingkey=zero), with extra functions.
pub fn helm_set(funcs: FuncMap) -> Templates {
    let mut t = Templates::new("gotpl");
    t.funcs(funcs).option_missingkey(MissingKey::Zero);
    t
}

/// Renders `text` as `t.yaml` with Helm-like data and options; returns output or the error text.
pub fn render(text: &str, vals: &str) -> String {
    render_with(helm_set(FuncMap::new()), text, vals)
}

/// Renders with a given set.
pub fn render_with(mut set: Templates, text: &str, vals: &str) -> String {
    if let Err(e) = set.parse("t.yaml", text) {
        return format!("PARSE: {e}");
    }
    match set.execute("t.yaml", &helm_data(vals)) {
        Ok(s) => s,
        Err(e) => format!("EXEC: {e}"),
    }
}
