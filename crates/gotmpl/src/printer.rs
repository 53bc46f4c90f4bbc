//! Printing values the way the executor does (`fmt.Fprint` after Go's `printableValue`),
//! and the bridge to the `fmt` module for `print`, `printf` and `println`.
//!
//! Until `crate::fmt` provides `sprint`/`sprintln`/`sprintf`, a small private fallback here
//! covers `%v` printing of the value model; swap the three `fmt_*` functions to the real
//! ones when they land.

use std::sync::Arc;

use crate::value::{Kind, Object, Value};

/// Appends the printed form of a pipeline result to `out` (Go's `printValue`): an invalid
/// value prints `<no value>`, a pointer to a struct prints the struct.
pub(crate) fn print_value(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        Value::String(s) => out.push_str(s),
        Value::Int(i) | Value::Int64(i) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{i}");
        }
        other => out.push_str(&sprint(&[printable(other)])),
    }
}

/// Go's `printableValue` for a non-nil value: pointers are printed through.
pub(crate) fn printable(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.kind() == Kind::Ptr => Value::Object(Arc::new(Deref(o.clone()))),
        other => other.clone(),
    }
}

/// An object seen through its pointer: prints `{...}` where the pointer prints `&{...}`.
struct Deref(Arc<dyn Object>);

impl Object for Deref {
    fn type_name(&self) -> &str {
        let t = self.0.type_name();
        t.strip_prefix('*').unwrap_or(t)
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.0.field(name)
    }
    fn has_method(&self, name: &str) -> bool {
        self.0.has_method(name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        self.0.call_method(name, args)
    }
    fn format_v(&self) -> String {
        let s = self.0.format_v();
        match s.strip_prefix('&') {
            Some(rest) if rest.starts_with('{') => rest.to_string(),
            _ => s,
        }
    }
    fn to_data(&self) -> Value {
        self.0.to_data()
    }
}

/// `fmt.Sprint(args...)`.
pub(crate) fn sprint(args: &[Value]) -> String {
    fallback::sprint(args)
}

/// `fmt.Sprintln(args...)`.
pub(crate) fn sprintln(args: &[Value]) -> String {
    fallback::sprintln(args)
}

/// `fmt.Sprintf(format, args...)`.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    fallback::sprintf(format, args)
}

/// `fmt.Sprint(v)` of one value.
pub(crate) fn sprint_one(v: &Value) -> String {
    sprint(std::slice::from_ref(v))
}

/// A minimal `%v` printer used until the `fmt` module lands.
mod fallback {
    use crate::value::Value;

    pub fn format_float(f: f64) -> String {
        if f.is_nan() {
            return "NaN".into();
        }
        if f.is_infinite() {
            return if f > 0.0 {
                "+Inf".into()
            } else {
                "-Inf".into()
            };
        }
        if f == 0.0 {
            return if f.is_sign_negative() {
                "-0".into()
            } else {
                "0".into()
            };
        }
        // Shortest round-trip digits, then Go's shortest %g rule: exponent form when the
        // decimal exponent is below -4 or at least 6.
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let neg = mant.starts_with('-');
        let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
        let nd = digits.len() as i32;
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        if !(-4..6).contains(&exp) {
            out.push_str(&digits[..1]);
            if nd > 1 {
                out.push('.');
                out.push_str(&digits[1..]);
            }
            out.push('e');
            out.push(if exp < 0 { '-' } else { '+' });
            out.push_str(&format!("{:02}", exp.abs()));
            return out;
        }
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else if exp + 1 >= nd {
            out.push_str(&digits);
            for _ in 0..(exp + 1 - nd) {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..(exp + 1) as usize]);
            out.push('.');
            out.push_str(&digits[(exp + 1) as usize..]);
        }
        out
    }

    pub fn v(out: &mut String, v: &Value) {
        match v {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
            Value::Uint64(u) => out.push_str(&u.to_string()),
            Value::Float64(f) => out.push_str(&format_float(*f)),
            Value::String(s) => out.push_str(s),
            Value::Bytes(b) => {
                out.push('[');
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&x.to_string());
                }
                out.push(']');
            }
            Value::List(l) => {
                out.push('[');
                for (i, x) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    self::v(out, x);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, x)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    self::v(out, x);
                }
                out.push(']');
            }
            Value::Object(o) => out.push_str(&o.format_v()),
        }
    }

    pub fn sprint(args: &[Value]) -> String {
        let mut out = String::new();
        for (i, a) in args.iter().enumerate() {
            let is_str = matches!(a, Value::String(_));
            if i > 0 && !is_str && !matches!(args[i - 1], Value::String(_)) {
                out.push(' ');
            }
            v(&mut out, a);
        }
        out
    }

    pub fn sprintln(args: &[Value]) -> String {
        let mut out = String::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            v(&mut out, a);
        }
        out.push('\n');
        out
    }

    pub fn sprintf(format: &str, args: &[Value]) -> String {
        let mut out = String::new();
        let mut it = args.iter();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('T') => match it.next() {
                    Some(a) => out.push_str(&a.type_name()),
                    None => out.push_str("%!T(MISSING)"),
                },
                Some('q') => match it.next() {
                    Some(Value::String(s)) => out.push_str(&crate::lex::go_quote(s)),
                    Some(a) => v(&mut out, a),
                    None => out.push_str("%!q(MISSING)"),
                },
                Some(verb) => match it.next() {
                    Some(a) => {
                        let s_verb = verb == 's' || verb == 'v' || verb == 'd';
                        if verb == 's'
                            && !matches!(a, Value::String(_))
                            && !matches!(a, Value::List(_) | Value::Map(_))
                        {
                            out.push_str(&format!("%!s({}=", a.type_name()));
                            v(&mut out, a);
                            out.push(')');
                        } else if verb == 's' {
                            match a {
                                Value::List(l) => {
                                    out.push('[');
                                    for (i, x) in l.items.iter().enumerate() {
                                        if i > 0 {
                                            out.push(' ');
                                        }
                                        out.push_str(&sprintf("%s", std::slice::from_ref(x)));
                                    }
                                    out.push(']');
                                }
                                Value::Map(m) => {
                                    out.push_str("map[");
                                    for (i, (k, x)) in m.entries.iter().enumerate() {
                                        if i > 0 {
                                            out.push(' ');
                                        }
                                        out.push_str(k);
                                        out.push(':');
                                        out.push_str(&sprintf("%s", std::slice::from_ref(x)));
                                    }
                                    out.push(']');
                                }
                                _ => v(&mut out, a),
                            }
                        } else {
                            let _ = s_verb;
                            v(&mut out, a);
                        }
                    }
                    None => out.push_str(&format!("%!{verb}(MISSING)")),
                },
                None => out.push_str("%!(NOVERB)"),
            }
        }
        out
    }
}
