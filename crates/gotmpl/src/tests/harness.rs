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

/// Test functions standing in for the Sprig ones a few vectors use.
pub fn test_funcs() -> FuncMap {
    use crate::{FuncError, Function, Param, Signature};
    let mut m = FuncMap::new();
    m.insert(
        "fail".into(),
        Function::typed(Signature::fixed(vec![Param::String]), |_, a| {
            Err(FuncError::new(a[0].as_str().unwrap_or_default()))
        }),
    );
    m.insert(
        "default".into(),
        Function::typed(Signature::variadic(vec![Param::Any], Param::Any), |_, a| {
            let given = a.get(1).cloned().unwrap_or(Value::Nil);
            Ok(if given.is_true() { given } else { a[0].clone() })
        }),
    );
    m.insert(
        "list".into(),
        Function::typed(Signature::variadic(vec![], Param::Any), |_, a| {
            Ok(Value::list(a.to_vec()))
        }),
    );
    m.insert(
        "upper".into(),
        Function::typed(Signature::fixed(vec![Param::String]), |_, a| {
            Ok(Value::from(
                a[0].as_str().unwrap_or_default().to_uppercase(),
            ))
        }),
    );
    m.insert(
        "repeat".into(),
        Function::typed(Signature::fixed(vec![Param::Int, Param::String]), |_, a| {
            let n = match a[0] {
                Value::Int(n) => n.max(0) as usize,
                _ => 0,
            };
            Ok(Value::from(a[1].as_str().unwrap_or_default().repeat(n)))
        }),
    );
    m
}

/// Checks one vector produced by the real helm (see the module doc of `vectors`).
///
/// Texts run as Helm runs them: wrapped in `{{define "t"}}...{{end}}` in
/// `c/templates/_t.tpl` and executed as `t` (the generator read the output through
/// `include`), or, for names starting with `file_`, as the file `c/templates/t.yaml`
/// itself, whose output helm printed after `x: ` with `<no value>` removed.
pub fn check(name: &str, text: &str, vals: &str, expected: &str) {
    let r = std::panic::catch_unwind(|| check_one(name, text, vals, expected));
    if let Err(p) = r {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        FAILS.with(|f| f.borrow_mut().push(msg));
    }
}

thread_local! {
    static FAILS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Fails the test if any `check` failed, listing every failure.
pub fn finish() {
    let fails = FAILS.with(|f| std::mem::take(&mut *f.borrow_mut()));
    assert!(
        fails.is_empty(),
        "{} vector(s) failed:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

fn check_one(name: &str, text: &str, vals: &str, expected: &str) {
    let direct = name.starts_with("file_");
    let mut set = helm_set(test_funcs());
    let (file, src, exec) = if direct {
        ("c/templates/t.yaml", text.to_string(), "c/templates/t.yaml")
    } else {
        (
            "c/templates/_t.tpl",
            format!("{{{{define \"t\"}}}}{text}{{{{end}}}}"),
            "t",
        )
    };
    let parsed = set.parse(file, &src);
    if let Some(tail) = expected.strip_prefix("PARSEERR:") {
        let err = match parsed {
            Err(e) => e,
            Ok(()) => panic!("{name}: expected parse error {tail:?}, parsed fine"),
        };
        let crate::Error::Parse {
            name: pname,
            line,
            message,
        } = &err
        else {
            panic!("{name}: not a parse error: {err}")
        };
        let inner = tail
            .strip_prefix("parse error at (")
            .unwrap_or_else(|| panic!("{name}: bad vector {tail}"));
        let (loc, msg) = inner
            .split_once("): ")
            .unwrap_or_else(|| panic!("{name}: bad vector {tail}"));
        let (lfile, lline) = loc
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{name}: bad vector {tail}"));
        assert_eq!(
            (pname.as_str(), line.to_string()),
            (lfile, lline.to_string()),
            "{name}: location of {err}"
        );
        assert!(
            message.ends_with(msg),
            "{name}: message {message:?} does not end with helm's {msg:?}"
        );
        return;
    }
    if let Err(e) = parsed {
        panic!("{name}: unexpected parse error {e}");
    }
    let got = set.execute(exec, &helm_data(vals));
    if let Some(exp) = expected.strip_prefix("ERR:") {
        match got {
            Err(e) => assert_eq!(e.to_string(), exp, "{name}"),
            Ok(out) => panic!("{name}: expected error {exp:?}, got output {out:?}"),
        }
        return;
    }
    let exp = expected
        .strip_prefix("OK:")
        .unwrap_or_else(|| panic!("{name}: bad vector"));
    match got {
        Ok(out) => {
            if direct {
                assert_eq!(out.replace("<no value>", ""), format!("x: {exp}"), "{name}");
            } else {
                assert_eq!(out, exp, "{name}");
            }
        }
        Err(e) => panic!("{name}: expected {exp:?}, got error {e}"),
    }
}
