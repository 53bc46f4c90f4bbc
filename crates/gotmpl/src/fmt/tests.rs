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
mod scalars;

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{sprint, sprintf, sprintln};
use crate::value::{ElemType, List, Value};

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
