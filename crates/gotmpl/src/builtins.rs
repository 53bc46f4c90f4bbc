//! Go's builtin template functions (`text/template/funcs.go`): `and`, `or`, `not`, `len`,
//! `index`, `slice`, `print*`, `html`, `js`, `urlquery`, `eq`…`ge`, `call`, with Go's
//! error texts.

use std::sync::Arc;

use crate::ast::Arg;
use crate::exec::{zero_of, Rv, State};
use crate::func::{Param, Signature};
use crate::printer;
use crate::value::{ElemType, Kind, Object, Value};

/// A builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Call,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Builtin {
    /// The builtin of that name.
    pub fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "call" => Builtin::Call,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            _ => return None,
        })
    }

    /// Go's parameter types for the builtin (built once; calls are hot).
    pub fn signature(self) -> &'static Signature {
        use std::sync::LazyLock;
        use Param::{Any, Reflect};
        static VARIADIC_VALUES: LazyLock<Signature> =
            LazyLock::new(|| Signature::variadic(vec![Reflect], Reflect));
        static ONE_VALUE: LazyLock<Signature> = LazyLock::new(|| Signature::fixed(vec![Reflect]));
        static TWO_VALUES: LazyLock<Signature> =
            LazyLock::new(|| Signature::fixed(vec![Reflect, Reflect]));
        static ANYS: LazyLock<Signature> = LazyLock::new(|| Signature::variadic(vec![], Any));
        static PRINTF: LazyLock<Signature> =
            LazyLock::new(|| Signature::variadic(vec![Param::String], Any));
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq
            | Builtin::Call => &VARIADIC_VALUES,
            Builtin::Not | Builtin::Len => &ONE_VALUE,
            Builtin::Print | Builtin::Println | Builtin::Html | Builtin::Js | Builtin::Urlquery => {
                &ANYS
            }
            Builtin::Printf => &PRINTF,
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => &TWO_VALUES,
        }
    }
}

/// Calls a builtin with evaluated arguments. `Err` is the function's error text.
pub(crate) fn call(
    _s: &mut State<'_, '_>,
    b: Builtin,
    args: &[Arg],
    final_present: bool,
    argv: Vec<Rv>,
) -> Result<Rv, String> {
    let values = || argv.iter().map(|r| r.v.clone()).collect::<Vec<_>>();
    Ok(match b {
        Builtin::And | Builtin::Or => {
            return Err("internal error: and/or are evaluated lazily".into())
        }
        Builtin::Not => Rv::plain(Value::Bool(!argv.first().is_some_and(|v| v.v.is_true()))),
        Builtin::Len => Rv::plain(Value::Int(length(
            argv.first().cloned().unwrap_or_else(Rv::invalid),
        )?)),
        Builtin::Index => index(&argv)?,
        Builtin::Slice => slice(&argv)?,
        Builtin::Call => {
            let name = match args.first() {
                Some(a) if !final_present || !args.is_empty() => a.to_string(),
                _ => printer::sprint_one(&argv[0].v),
            };
            let f = argv.first().cloned().unwrap_or_else(Rv::invalid).unwrap();
            if f.v.is_nil() {
                return Err("call of nil".into());
            }
            return Err(format!("non-function {name} of type {}", f.v.type_name()));
        }
        Builtin::Print => Rv::plain(Value::from(printer::sprint(&values()))),
        Builtin::Println => Rv::plain(Value::from(printer::sprintln(&values()))),
        Builtin::Printf => {
            let v = values();
            let format = v.first().and_then(|f| f.as_str()).unwrap_or("").to_string();
            Rv::plain(Value::from(printer::sprintf(&format, &v[1.min(v.len())..])))
        }
        Builtin::Html => Rv::plain(Value::from(html_escape(&eval_args(&values())))),
        Builtin::Js => Rv::plain(Value::from(js_escape(&eval_args(&values())))),
        Builtin::Urlquery => Rv::plain(Value::from(query_escape(&eval_args(&values())))),
        Builtin::Eq => Rv::plain(Value::Bool(eq(&argv[0], &argv[1..])?)),
        Builtin::Ne => Rv::plain(Value::Bool(!eq(&argv[0], &argv[1..])?)),
        Builtin::Lt => Rv::plain(Value::Bool(lt(&argv[0], &argv[1])?)),
        Builtin::Le => Rv::plain(Value::Bool(le(&argv[0], &argv[1])?)),
        Builtin::Gt => Rv::plain(Value::Bool(!le(&argv[0], &argv[1])?)),
        Builtin::Ge => Rv::plain(Value::Bool(!lt(&argv[0], &argv[1])?)),
    })
}

fn length(item: Rv) -> Result<i64, String> {
    if item.iface && item.v.is_nil() {
        return Err("len of nil pointer".into());
    }
    Ok(match &item.v {
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) => s.len() as i64,
        Value::Bytes(b) => b.len() as i64,
        Value::List(l) => l.items.len() as i64,
        Value::Map(m) => m.len() as i64,
        // Map- and slice-typed objects (`files`, `chartutil.VersionSet`) have a length;
        // their data form holds the elements.
        Value::Object(o) if matches!(o.kind(), Kind::Map | Kind::Slice) => match o.to_data() {
            Value::Map(m) => m.len() as i64,
            Value::List(l) => l.items.len() as i64,
            _ => 0,
        },
        other => return Err(format!("len of type {}", other.type_name())),
    })
}

/// Go's `indexArg`: an index value as an int, checked against `cap` (inclusive, as Go
/// checks; `index` then fails at `len` with reflect's own message).
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match index {
        Value::Int(i) | Value::Int64(i) => *i as i128,
        Value::Uint64(u) => *u as i64 as i128,
        Value::Uint8(u) => i128::from(*u),
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(argv: &[Rv]) -> Result<Rv, String> {
    let mut item = argv.first().cloned().unwrap_or_else(Rv::invalid).unwrap();
    if item.v.is_nil() {
        return Err("index of untyped nil".into());
    }
    for idx in &argv[1..] {
        let idx = &idx.v;
        if item.v.is_nil() {
            return Err("index of nil pointer".into());
        }
        item = match &item.v {
            Value::List(l) => {
                let x = index_arg(idx, l.items.len())?;
                match l.items.get(x) {
                    Some(v) => Rv::elem(v.clone(), l.elem),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                match b.get(x) {
                    Some(v) => Rv::plain(Value::Uint8(*v)),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Rv::plain(Value::Uint8(*v)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = map_key(idx)?;
                match m.get(key) {
                    Some(v) => Rv::elem(v, m.elem),
                    None => zero_of(m.elem),
                }
            }
            Value::Object(o) if o.kind() == Kind::Map => {
                let key = map_key(idx)?;
                match o.field(key) {
                    Some(v) => Rv::elem(v, ElemType::Interface),
                    None => zero_of(ElemType::Interface),
                }
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

/// Go's `prepareArg` for a `string`-keyed map.
fn map_key(idx: &Value) -> Result<&str, String> {
    match idx {
        Value::String(s) => Ok(s),
        Value::Nil => Err("value is nil; should be of type string".into()),
        other => Err(format!(
            "value has type {}; should be string",
            other.type_name()
        )),
    }
}

fn slice(argv: &[Rv]) -> Result<Rv, String> {
    let item = argv.first().cloned().unwrap_or_else(Rv::invalid).unwrap();
    if item.v.is_nil() {
        return Err("slice of untyped nil".into());
    }
    let indexes = &argv[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item.v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.v, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(Rv::plain(match &item.v {
        Value::String(s) => match s.get(i..j) {
            Some(sub) => Value::str(sub),
            // Go slices bytes; a cut inside a UTF-8 sequence yields invalid UTF-8, which
            // prints as U+FFFD.
            None => Value::from(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        },
        Value::List(l) => Value::List(Arc::new(crate::value::List {
            elem: l.elem,
            items: l.items[i..j].to_vec(),
        })),
        Value::Bytes(b) => Value::Bytes(Arc::from(&b[i..j])),
        _ => Value::Nil,
    }))
}

/// Go's basic kinds for comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BasicKind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
    Complex,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v {
        Value::Bool(_) => BasicKind::Bool,
        Value::Int(_) | Value::Int64(_) => BasicKind::Int,
        Value::Uint64(_) | Value::Uint8(_) => BasicKind::Uint,
        Value::Float64(_) => BasicKind::Float,
        Value::String(_) => BasicKind::String,
        Value::Object(o) if o.type_name() == "complex128" => BasicKind::Complex,
        _ => BasicKind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn uint_of(v: &Value) -> u64 {
    match v {
        Value::Uint64(u) => *u,
        Value::Uint8(u) => u64::from(*u),
        _ => 0,
    }
}

const BAD_TYPE: &str = "invalid type for comparison";

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}

/// Whether a non-basic value is nil in Go's sense (nil interface, or nil map/slice).
fn is_nil_value(v: &Value) -> bool {
    v.is_nil()
}

fn comparable(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Map(_) | Value::Bytes(_))
}

fn eq(arg1: &Rv, rest: &[Rv]) -> Result<bool, String> {
    let a = &arg1.v;
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b = &arg.v;
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (BasicKind::Int, BasicKind::Uint) => {
                    int_of(a) >= 0 && int_of(a) as u64 == uint_of(b)
                }
                (BasicKind::Uint, BasicKind::Int) => {
                    int_of(b) >= 0 && uint_of(a) == int_of(b) as u64
                }
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(incompatible(a, b));
                    }
                    false
                }
            }
        } else {
            match k1 {
                BasicKind::Bool => matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y),
                BasicKind::Int => int_of(a) == int_of(b),
                BasicKind::Uint => uint_of(a) == uint_of(b),
                BasicKind::Float => {
                    matches!((a, b), (Value::Float64(x), Value::Float64(y)) if x == y)
                }
                BasicKind::String => a.as_str() == b.as_str(),
                BasicKind::Complex => complex_parts(a) == complex_parts(b),
                BasicKind::Invalid => {
                    if is_nil_value(a) || is_nil_value(b) {
                        is_nil_value(a) == is_nil_value(b)
                    } else if !comparable(b) {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            printer::sprintf("%s", std::slice::from_ref(b)),
                            b.type_name()
                        ));
                    } else if !comparable(a) {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            printer::sprintf("%s", std::slice::from_ref(a)),
                            a.type_name()
                        ));
                    } else {
                        match (a, b) {
                            (Value::Object(x), Value::Object(y)) => Arc::ptr_eq(x, y),
                            _ => false,
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &Rv, arg2: &Rv) -> Result<bool, String> {
    let (a, b) = (&arg1.v, &arg2.v);
    let k1 = basic_kind(a);
    if k1 == BasicKind::Invalid {
        return Err(BAD_TYPE.into());
    }
    let k2 = basic_kind(b);
    if k2 == BasicKind::Invalid {
        return Err(BAD_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) => {
                Ok(int_of(a) < 0 || (int_of(a) as u64) < uint_of(b))
            }
            (BasicKind::Uint, BasicKind::Int) => {
                Ok(int_of(b) >= 0 && uint_of(a) < int_of(b) as u64)
            }
            _ => Err(incompatible(a, b)),
        };
    }
    Ok(match (a, b) {
        (Value::Float64(x), Value::Float64(y)) => x < y,
        (Value::String(x), Value::String(y)) => x.as_bytes() < y.as_bytes(),
        _ => match k1 {
            BasicKind::Int => int_of(a) < int_of(b),
            BasicKind::Uint => uint_of(a) < uint_of(b),
            _ => return Err(BAD_TYPE.into()),
        },
    })
}

fn le(a: &Rv, b: &Rv) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

/// Go's `evalArgs`: one string argument as is, otherwise `fmt.Sprint` of the printable
/// forms (a nil argument prints as `<no value>`).
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                printer::printable(a)
            }
        })
        .collect();
    printer::sprint(&printable)
}

/// Go's `HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if !crate::lex::is_go_printable(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A Go `complex128` constant (`{{ 1i }}`); Go prints it as `(0+1i)`.
struct Complex {
    re: f64,
    im: f64,
}

impl Object for Complex {
    fn type_name(&self) -> &str {
        "complex128"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("no method {name}"))
    }
    fn format_v(&self) -> String {
        let re = printer::sprint_one(&Value::Float64(self.re));
        let im = printer::sprint_one(&Value::Float64(self.im));
        let sign = if im.starts_with(['-', '+']) { "" } else { "+" };
        format!("({re}{sign}{im}i)")
    }
}

/// A complex constant as a value.
pub(crate) fn complex_value(re: f64, im: f64) -> Value {
    Value::Object(Arc::new(Complex { re, im }))
}

fn complex_parts(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => Some(o.format_v()),
        _ => None,
    }
}
