//! Printing values the way the executor does (`fmt.Fprint` after Go's `printableValue`),
//! and the bridge to the `fmt` module for `print`, `printf` and `println`.

use std::sync::Arc;

use crate::value::{Kind, Object, Value};

/// Appends the printed form of a pipeline result to `out` (Go's `printValue`): an invalid
/// value prints `<no value>`, a pointer to a struct prints the struct.
pub(crate) fn print_value(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        Value::String(s) => push_large(out, s),
        Value::Int(i) | Value::Int64(i) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{i}");
        }
        // Go's `printableValue` takes the address of an addressable struct whose pointer
        // has a `String` method, so `{{ .Capabilities.KubeVersion }}` prints `String()`
        // where `printf "%v"` of the same value prints the struct's fields.
        Value::Object(o) if o.has_method("String") => match o.call_method("String", &[]) {
            Ok(Value::String(s)) => out.push_str(&s),
            _ => out.push_str(&sprint(&[printable(v)])),
        },
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
    crate::fmt::sprint(args)
}

/// `fmt.Sprintln(args...)`.
pub(crate) fn sprintln(args: &[Value]) -> String {
    crate::fmt::sprintln(args)
}

/// `fmt.Sprintf(format, args...)`.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    crate::fmt::sprintf(format, args)
}

/// `fmt.Sprint(v)` of one value.
pub(crate) fn sprint_one(v: &Value) -> String {
    sprint(std::slice::from_ref(v))
}

/// Appends `text`, growing `out` well ahead when a large piece (an included file, a `tpl`
/// of a CRD) does not fit. Doubling from a template's own size copied a megabyte of output
/// several times, each time into fresh memory whose first touch costs a page fault; room
/// that is reserved but never written costs nothing.
pub(crate) fn push_large(out: &mut String, text: &str) {
    const LARGE: usize = 64 * 1024;
    let free = out.capacity() - out.len();
    if text.len() > free && text.len() >= LARGE {
        let wanted = (out.len() + text.len()) * 2;
        out.reserve_exact(wanted - out.len());
    }
    out.push_str(text);
}
