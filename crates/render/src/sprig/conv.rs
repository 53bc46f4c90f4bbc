//! Go-style conversions Sprig relies on (`strval`, spf13/cast's `ToInt64`/`ToFloat64`) and
//! the conversion functions (`toString`, `atoi`, `int`, `int64`, `float64`, `toDecimal`,
//! `toStrings`).

use super::{arg, arg_str, f, SprigFunc};
use capstan_gotmpl::fmt::sprintf;
use capstan_gotmpl::Value;

/// Sprig's `strval`: strings as they are, byte slices as text, anything else as `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => sprintf("%v", std::slice::from_ref(other)),
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or a leading `0`
/// (octal) prefix, with `_` allowed between digits only when a prefix is given.
pub(crate) fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.is_empty() || digits.starts_with('_') && radix != 8 || digits.ends_with('_') {
        return None;
    }
    if digits.contains("__") || (!prefixed && digits.starts_with('_')) {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || clean.starts_with(['+', '-']) {
        return None;
    }
    let mag = u64::from_str_radix(&clean, radix).ok()?;
    if neg {
        if mag > i64::MAX as u64 + 1 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else if mag > i64::MAX as u64 {
        None
    } else {
        Some(mag as i64)
    }
}

/// spf13/cast's `trimZeroDecimal`: `"12.000"` becomes `"12"` so it parses as an integer.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// spf13/cast v1.7 `ToInt64` (errors become 0, as Sprig ignores them).
pub fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Uint64(n) => *n as i64,
        Value::Uint8(n) => i64::from(*n),
        Value::Float64(x) => go_f64_to_i64(*x),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// Go's `int64(f)` conversion on amd64: truncation, with out-of-range values giving the
/// "integer indefinite" value `math.MinInt64`.
pub(crate) fn go_f64_to_i64(x: f64) -> i64 {
    // 2^63 is exactly representable; anything outside [-2^63, 2^63) does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN
    } else {
        x.trunc() as i64
    }
}

/// Go's `strconv.ParseFloat(s, 64)`: `None` where Go reports an error, including a value out
/// of range (`1e400`), which spf13/cast then turns into 0.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if matches!(t.to_ascii_lowercase().as_str(), "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    capstan_gotmpl::parse_go_float(s)
}

/// spf13/cast `ToFloat64` (errors become 0).
pub fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Uint64(n) => *n as f64,
        Value::Uint8(n) => f64::from(*n),
        Value::Float64(x) => *x,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Sprig's `strslice`: a slice as strings (nil items dropped), nil as an empty list, any other
/// value as a one-item list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.items.iter().filter(|i| !i.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

fn to_string(args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(strval(&arg(args, 0))))
}

fn atoi(args: &[Value]) -> Result<Value, String> {
    // strconv.Atoi: base 10, optional sign, no underscores.
    let s = arg_str(args, 0);
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Ok(Value::Int(0));
    }
    // Out of range: Atoi returns the clamped value with its error, which Sprig ignores.
    let clamped = s.parse::<i64>().unwrap_or(if s.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    });
    Ok(Value::Int(clamped))
}

fn int(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Int(to_i64(&arg(args, 0))))
}

fn int64(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(to_i64(&arg(args, 0))))
}

fn float64(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Float64(to_f64(&arg(args, 0))))
}

fn to_decimal(args: &[Value]) -> Result<Value, String> {
    // Sprig parses fmt.Sprint(v) as an octal number; failures give 0.
    let s = strval(&arg(args, 0));
    let digits = s.strip_prefix(['+', '-']).unwrap_or(&s);
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Ok(Value::Int64(0));
    }
    Ok(Value::Int64(i64::from_str_radix(&s, 8).unwrap_or(0)))
}

fn to_strings(args: &[Value]) -> Result<Value, String> {
    Ok(Value::string_list(strslice(&arg(args, 0))))
}

/// The conversion family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("toString", "func(interface {}) string", to_string),
        f("atoi", "func(string) int", atoi),
        f("int", "func(interface {}) int", int),
        f("int64", "func(interface {}) int64", int64),
        f("float64", "func(interface {}) float64", float64),
        f("toDecimal", "func(interface {}) int64", to_decimal),
        f("toStrings", "func(interface {}) []string", to_strings),
    ]
}
