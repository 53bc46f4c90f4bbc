//! The Sprig template function library (Masterminds/sprig v3.3.0 `TxtFuncMap`), as Helm
//! 4.3.1 registers it: without `env` and `expandenv` (Helm deletes them), and without the
//! functions Helm replaces with its own (`toJson`, `mustToJson`, `fromJson`, `toYaml`,
//! `include`, `tpl`, `required`, `lookup`, `getHostByName`), which live elsewhere in this crate.
//!
//! Every function is declared with its Go signature, spelled as in Sprig's source. The engine
//! adapter (`sprig_adapter`) converts the template's arguments to those parameter types the way
//! Go's reflection-based call does, so each body receives already-converted arguments.
//!
//! Tests fix randomness and time per thread with [`set_rng_seed`] and [`set_clock`].
//!
//! Go map iteration order: Sprig's `keys` and `values` return map order, which is random in
//! Go. We return sorted key order (the order every other part of the engine uses); charts that
//! care already pipe through `sortAlpha`.

mod conv;
mod crypto;
mod dates;
mod defaults;
mod dicts;
mod encoding;
pub mod golayout;
pub(crate) mod json_decode;
pub(crate) mod json_syntax;
mod lists;
pub mod local_time;
mod math;
mod misc;
mod network;
mod paths;
mod regex;
mod semver_obj;
mod strcase;
mod strings;
mod uuid_rand;

use capstan_gotmpl::Value;

pub use conv::{strval, to_f64, to_i64};
pub use dates::{set_clock, time_value, GoTime};
pub use uuid_rand::set_rng_seed;

/// One Sprig function: its template name, Go signature and body.
#[derive(Clone, Copy)]
pub struct SprigFunc {
    /// The name templates call it by.
    pub name: &'static str,
    /// The Go signature as in Sprig's source, e.g. `func(int, string) string`.
    pub signature: &'static str,
    /// Receives arguments already converted to the parameter types and returns the result
    /// value, or the error text Go's function returns.
    pub body: fn(&[Value]) -> Result<Value, String>,
}

/// Shorthand used by the family tables.
pub(crate) const fn f(
    name: &'static str,
    signature: &'static str,
    body: fn(&[Value]) -> Result<Value, String>,
) -> SprigFunc {
    SprigFunc {
        name,
        signature,
        body,
    }
}

/// Every Sprig function Helm registers that this module implements.
pub fn functions() -> Vec<SprigFunc> {
    let mut all = Vec::new();
    all.extend(strings::functions());
    all.extend(conv::functions());
    all.extend(math::functions());
    all.extend(defaults::functions());
    all.extend(lists::functions());
    all.extend(dicts::functions());
    all.extend(encoding::functions());
    all.extend(regex::functions());
    all.extend(paths::functions());
    all.extend(misc::functions());
    all.extend(uuid_rand::functions());
    all.extend(dates::functions());
    all.extend(strcase::functions());
    all.extend(network::functions());
    all.extend(crypto::functions());
    all.extend(crypto::aes_functions());
    all
}

/// The argument at `i`, or nil when the adapter passed fewer (it never does for a valid call).
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// The string argument at `i` (`""` if it is not a string, which the adapter prevents).
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The `int`/`int64` argument at `i`.
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n)) | Some(Value::Int64(n)) => *n,
        Some(Value::Uint64(n)) => *n as i64,
        Some(Value::Uint8(n)) => i64::from(*n),
        Some(Value::Float64(x)) => *x as i64,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_signatures_parse() {
        let mut seen = BTreeSet::new();
        for func in functions() {
            assert!(seen.insert(func.name), "duplicate {}", func.name);
            assert!(
                crate::sprig_adapter::parse_signature(func.signature).is_some(),
                "{}: {}",
                func.name,
                func.signature
            );
        }
        assert!(!seen.contains("env") && !seen.contains("expandenv"));
    }
}
