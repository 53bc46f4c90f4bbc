//! Oracle tests: every expected string below is what Go's `fmt` printed, not what we think
//! it should print.
//!
//! How they were obtained: each case was rendered with the real helm 4.3.1 binary
//! (`.tools/helm template`, built with Go 1.27) from a one-template chart whose lines read
//! `# {{ printf "<format>" <args> | b64enc }}`; the template `printf`, `print` and
//! `println` functions are Go's `fmt.Sprintf`, `fmt.Sprint` and `fmt.Sprintln`, and
//! `b64enc` carries the exact bytes through the YAML output. The arguments were chosen to
//! reach Go with the types used here: template integer constants are `int`, constants
//! with a point or exponent are `float64`, `int64 "n"` gives `int64`, `float64 "NaN"`
//! (and `"+Inf"`, `"-Inf"`, `"-0"`) the special floats, `list` a `[]interface {}`,
//! `splitList` a `[]string`, `until n` a `[]int`, `dict` a `map[string]interface {}`, and
//! `.Files.GetBytes` a `[]byte`.

#![allow(clippy::approx_constant)] // 3.14159 is a test input, not an attempt at π.

mod compound;
mod random;
mod scalars;

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{sprint, sprintf, sprintln};
use crate::value::{ElemType, Kind, List, Map, Object, Value};

/// Collects mismatches so one test reports every failing case at once.
#[derive(Default)]
struct Checker {
    failures: Vec<String>,
    count: usize,
}

impl Checker {
    fn check(&mut self, format: &str, args: Vec<Value>, want: &str) {
        self.count += 1;
        let got = sprintf(format, &args);
        if got != want {
            self.failures.push(format!(
                "sprintf({format:?}, {args:?})\n   got: {got:?}\n  want: {want:?}"
            ));
        }
    }

    fn sprint(&mut self, args: Vec<Value>, want: &str) {
        self.count += 1;
        let got = sprint(&args);
        if got != want {
            self.failures.push(format!(
                "sprint({args:?})\n   got: {got:?}\n  want: {want:?}"
            ));
        }
    }

    fn sprintln(&mut self, args: Vec<Value>, want: &str) {
        self.count += 1;
        let got = sprintln(&args);
        if got != want {
            self.failures.push(format!(
                "sprintln({args:?})\n   got: {got:?}\n  want: {want:?}"
            ));
        }
    }

    fn finish(self) {
        assert!(self.count > 0, "no cases ran");
        assert!(
            self.failures.is_empty(),
            "{} of {} cases differ from Go:\n{}",
            self.failures.len(),
            self.count,
            self.failures.join("\n")
        );
    }
}

/// A `[]string`.
fn strs(items: &[&str]) -> Value {
    Value::string_list(items.iter().map(|s| s.to_string()))
}

/// A `[]int` holding `0..n`, as Sprig's `until n` returns.
fn ints(n: i64) -> Value {
    Value::List(Arc::new(List {
        elem: ElemType::Int,
        items: (0..n).map(Value::Int).collect(),
    }))
}

/// A `map[string]interface {}`.
fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A `[]byte`.
fn bytes(b: &[u8]) -> Value {
    Value::Bytes(Arc::from(b))
}

/// Helm's `.Values` for a values.yaml of `a: 1` and `b: [x, 2.5]`: a named map type.
fn chart_values() -> Value {
    let mut entries = BTreeMap::new();
    entries.insert("a".to_string(), Value::Float64(1.0));
    entries.insert(
        "b".to_string(),
        Value::list(vec![Value::str("x"), Value::Float64(2.5)]),
    );
    Value::Map(Arc::new(Map::new(
        Some("common.Values"),
        ElemType::Interface,
        entries,
    )))
}

/// A struct-like object, printed through `Object::format_v` the way helm 4.3.1 printed
/// `.Capabilities.KubeVersion` (`{v1.37.0 v1.37.0 1 37}`, type `common.KubeVersion`).
struct KubeVersion;

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
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
    fn call_method(&self, _name: &str, _args: &[Value]) -> Result<Value, String> {
        Err("no methods".into())
    }
    fn format_v(&self) -> String {
        "{v1.37.0 v1.37.0 1 37}".into()
    }
}

/// Objects: `%v`, `%s` and `%T` as helm printed them for `.Capabilities.KubeVersion`
/// (`printf "%T|%v|%s"`); other verbs are an approximation (see the module docs).
#[test]
fn objects() {
    let kv = Value::Object(Arc::new(KubeVersion));
    let mut c = Checker::default();
    c.check(
        "%T|%v|%s",
        vec![kv.clone(), kv.clone(), kv.clone()],
        "common.KubeVersion|{v1.37.0 v1.37.0 1 37}|{v1.37.0 v1.37.0 1 37}",
    );
    c.sprint(vec![kv.clone(), Value::Int(1)], "{v1.37.0 v1.37.0 1 37} 1");
    c.check(
        "%v",
        vec![Value::list(vec![kv.clone()])],
        "[{v1.37.0 v1.37.0 1 37}]",
    );
    // A struct value has no address for %p.
    c.check(
        "%p",
        vec![kv],
        "%!p(common.KubeVersion={v1.37.0 v1.37.0 1 37})",
    );
    c.finish();
}

/// `%p` of slices and maps prints an address (which differs between runs in Go too), so
/// only its shape is checked: `0x` and hex digits, `#` dropping the prefix.
#[test]
fn pointers() {
    let l = Value::list(vec![Value::Int(1)]);
    for v in [l.clone(), dict(vec![("a", Value::Int(1))]), bytes(b"x")] {
        let s = sprintf("%p", std::slice::from_ref(&v));
        assert!(s.starts_with("0x") && s.len() > 2, "{s}");
        assert!(s[2..].bytes().all(|b| b.is_ascii_hexdigit()), "{s}");
        let bare = sprintf("%#p", &[v]);
        assert_eq!(format!("0x{bare}"), s);
    }
    // The same value prints the same address.
    assert_eq!(sprintf("%p", std::slice::from_ref(&l)), sprintf("%p", &[l]));
}

/// Deeply nested input must not overflow the stack.
#[test]
fn deep_nesting_is_bounded() {
    let mut v = Value::Int(1);
    for _ in 0..5000 {
        v = Value::list(vec![v]);
    }
    let s = sprintf("%v", &[v]);
    assert!(s.starts_with("[[[["), "{}", &s[..20]);
    assert!(s.contains("..."));
}

/// Random directives over random operands: nothing may panic, and every run is the same.
/// (The generator is a fixed xorshift, so failures reproduce.)
#[test]
fn random_formats_do_not_panic() {
    const PIECES: &[&str] = &[
        "%", "%", "%", "#", "0", "+", "-", " ", "1", "9", "12", "[", "]", "[1]", "[2]", "[0]", "*",
        ".", "v", "d", "s", "q", "x", "X", "o", "O", "b", "e", "E", "f", "F", "g", "G", "t", "c",
        "U", "p", "T", "w", "z", "é", "a", "%%", "1000",
    ];
    let operands = [
        Value::Nil,
        Value::Int(-3),
        Value::Int64(i64::MIN),
        Value::Uint64(u64::MAX),
        Value::Float64(f64::NAN),
        Value::Float64(-0.0),
        Value::Float64(1e300),
        Value::str("hé\u{0}"),
        bytes(b"\xff\x00a"),
        Value::list(vec![Value::Nil, Value::Int(1), bytes(b"x")]),
        dict(vec![("k", Value::list(vec![])), ("n", Value::Nil)]),
        chart_values(),
        Value::Object(Arc::new(KubeVersion)),
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..3000 {
        let mut format = String::new();
        for _ in 0..next(12) {
            format.push_str(PIECES[next(PIECES.len())]);
        }
        let args: Vec<Value> = (0..next(4))
            .map(|_| operands[next(operands.len())].clone())
            .collect();
        let first = sprintf(&format, &args);
        assert_eq!(first, sprintf(&format, &args), "{format:?}");
    }
}
