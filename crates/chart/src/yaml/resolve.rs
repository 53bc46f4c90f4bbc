//! Scalar resolution the way go-yaml v2 (`resolve.go`) does it: YAML 1.1 booleans
//! (`y`, `yes`, `on`, ...), Go's integer syntax (`0x`, `0o`, leading-`0` octal, `0b`,
//! `_` separators), floats, `~`/`null`, `.inf`/`.nan` and the merge key `<<`.
//!
//! Timestamps are deliberately left alone: go-yaml v2 hands timestamp-looking plain
//! scalars to an `interface{}` target as the original string, which is what Helm sees.

use super::YamlError;

/// A resolved scalar, still carrying go-yaml's Go type (the distinction between `int`,
/// `uint64` and `float64` matters for map keys and for string-typed `Chart.yaml` fields).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// `~`, `null`, empty plain scalar.
    Null,
    /// YAML 1.1 boolean.
    Bool(bool),
    /// Fits Go's `int` (64-bit).
    Int(i64),
    /// Only fits `uint64`.
    Uint(u64),
    /// `float64`, including infinities and NaN (rejected later at the JSON step).
    Float(f64),
    /// Anything else, and every quoted or block scalar.
    Str(String),
    /// The plain `<<` merge key.
    Merge,
}

/// Resolves a plain (unquoted) scalar with no explicit tag.
pub(crate) fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        "<<" => return Scalar::Merge,
        _ => {}
    }
    let first = text.as_bytes()[0];
    match first {
        b'.' => {
            if let Some(f) = go_parse_float(text) {
                return Scalar::Float(f);
            }
        }
        b'+' | b'-' | b'0'..=b'9' => {
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(s) = parse_go_int(&plain) {
                return s;
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Scalar::Float(f);
                }
            }
            // go-yaml v2 handles `0b` itself after Go's base-0 parse (which already
            // accepts `0b`), so nothing more is needed here.
        }
        _ => {}
    }
    Scalar::Str(text.to_string())
}

/// Resolves a scalar that carries an explicit tag (already shortened to `!!name` for the
/// core schema). Quoted scalars with a core tag are resolved too, as in go-yaml.
pub(crate) fn resolve_tagged(tag: &str, text: &str) -> Result<Scalar, YamlError> {
    match tag {
        "!!str" => Ok(Scalar::Str(text.to_string())),
        "!!binary" => {
            let bytes = decode_base64(text).ok_or_else(|| {
                YamlError::decode("!!binary value contains invalid base64 data".to_string())
            })?;
            Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned()))
        }
        "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" | "!!merge" => {
            let got = resolve_plain_or_str(text);
            let got_tag = short_tag(&got);
            let ok = match (tag, &got) {
                ("!!bool", Scalar::Bool(_)) => true,
                ("!!int", Scalar::Int(_) | Scalar::Uint(_)) => true,
                ("!!float", Scalar::Float(_)) => true,
                ("!!null", Scalar::Null) => true,
                ("!!merge", Scalar::Merge) => true,
                // A timestamp that go-yaml can parse stays a string for `interface{}`.
                ("!!timestamp", Scalar::Str(_)) => looks_like_timestamp(text),
                _ => false,
            };
            if ok {
                return Ok(got);
            }
            if tag == "!!float" {
                match got {
                    Scalar::Int(i) => return Ok(Scalar::Float(i as f64)),
                    Scalar::Uint(u) => return Ok(Scalar::Float(u as f64)),
                    _ => {}
                }
            }
            Err(YamlError::decode(format!(
                "cannot decode {got_tag} `{text}` as a {tag}"
            )))
        }
        // Unknown and local tags (`!foo`, `!!set`, ...): go-yaml keeps the text as is
        // (checked with helm: `!custom 12` is the string "12").
        _ => Ok(Scalar::Str(text.to_string())),
    }
}

fn resolve_plain_or_str(text: &str) -> Scalar {
    if text.is_empty() {
        return Scalar::Null;
    }
    resolve_plain(text)
}

fn short_tag(s: &Scalar) -> &'static str {
    match s {
        Scalar::Null => "!!null",
        Scalar::Bool(_) => "!!bool",
        Scalar::Int(_) | Scalar::Uint(_) => "!!int",
        Scalar::Float(_) => "!!float",
        Scalar::Str(_) => "!!str",
        Scalar::Merge => "!!merge",
    }
}

fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Go's `strconv.ParseInt(s, 0, 64)` followed by `ParseUint(s, 0, 64)`.
fn parse_go_int(s: &str) -> Option<Scalar> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= (i64::MAX as u128) + 1 {
            // Wrapping handles exactly i64::MIN.
            return Some(Scalar::Int((mag as i64).wrapping_neg()));
        }
        return None;
    }
    if mag <= i64::MAX as u128 {
        Some(Scalar::Int(mag as i64))
    } else if mag <= u64::MAX as u128 {
        Some(Scalar::Uint(mag as u64))
    } else {
        None
    }
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - start;
    if int_digits == 0 {
        if i >= b.len() || b[i] != b'.' {
            return false;
        }
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == fs {
            return false;
        }
    } else if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml can hand it. Go also
/// accepts hex floats, `inf`, `infinity` and `nan`; a leading `.` is the only route here
/// that reaches it unfiltered, so those spellings are refused unless they start with `.`.
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'))
    {
        return None;
    }
    // Go accepts underscores only with a base prefix; here they were stripped before.
    if body.contains('_') {
        return None;
    }
    // Go reports out-of-range values as an error, and go-yaml then keeps the string.
    let v: f64 = s.parse().ok()?;
    if v.is_infinite() {
        return None;
    }
    Some(v)
}

/// Standard base64 (with padding, whitespace ignored as go-yaml strips line breaks).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut pad = 0usize;
    let mut count = 0usize;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                count += 1;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        count += 1;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if !count.is_multiple_of(4) || pad > 2 {
        return None;
    }
    Some(out)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: what sigs.k8s.io/yaml writes for a float
/// map key or a float that lands in a string-typed struct field.
pub(crate) fn format_g32(f: f64) -> String {
    let x = f as f32;
    if x.is_nan() || x.is_infinite() || x == 0.0 {
        return format_g64(f64::from(x));
    }
    go_g(&format!("{:e}", x))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which is also what `%v` prints.
pub(crate) fn format_g64(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    go_g(&format!("{:e}", x))
}

/// Lays out Rust's shortest `{:e}` digits (the same digits Go's `-1` precision picks)
/// the way Go's `%g` does: exponent form when exp < -4 or exp >= 6... for shortest.
fn go_g(e: &str) -> String {
    let (mant, exp) = match e.split_once('e') {
        Some(p) => p,
        None => return e.to_string(),
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let nd = digits.len() as i32;
    let sign = if neg { "-" } else { "" };
    // Go picks %e when exp < -4 || exp >= 6 for the shortest representation.
    if !(-4..6).contains(&exp) {
        let mut m = String::new();
        m.push_str(&digits[..1]);
        if nd > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let es = if exp < 0 { '-' } else { '+' };
        let ea = exp.abs();
        return format!("{sign}{m}e{es}{ea:02}");
    }
    if exp >= 0 {
        let int_len = (exp + 1) as usize;
        if digits.len() <= int_len {
            format!("{sign}{digits}{}", "0".repeat(int_len - digits.len()))
        } else {
            format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
        }
    } else {
        format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_bools() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(resolve_plain(t), Scalar::Bool(true), "{t}");
        }
        for t in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(resolve_plain(t), Scalar::Bool(false), "{t}");
        }
        assert_eq!(resolve_plain("tRue"), Scalar::Str("tRue".into()));
        assert_eq!(resolve_plain("yES"), Scalar::Str("yES".into()));
    }

    #[test]
    fn go_ints() {
        assert_eq!(resolve_plain("0777"), Scalar::Int(511));
        assert_eq!(resolve_plain("0o17"), Scalar::Int(15));
        assert_eq!(resolve_plain("0x1F"), Scalar::Int(31));
        assert_eq!(resolve_plain("-0x1F"), Scalar::Int(-31));
        assert_eq!(resolve_plain("0b101"), Scalar::Int(5));
        assert_eq!(resolve_plain("-0b11"), Scalar::Int(-3));
        assert_eq!(resolve_plain("1_000"), Scalar::Int(1000));
        assert_eq!(resolve_plain("+12"), Scalar::Int(12));
        assert_eq!(resolve_plain("080"), Scalar::Float(80.0));
        assert_eq!(resolve_plain("0b2"), Scalar::Str("0b2".into()));
        assert_eq!(
            resolve_plain("12345678901234567890"),
            Scalar::Uint(12345678901234567890)
        );
        assert_eq!(resolve_plain("-9223372036854775808"), Scalar::Int(i64::MIN));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(resolve_plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(resolve_plain(".5"), Scalar::Float(0.5));
        assert_eq!(resolve_plain("1."), Scalar::Float(1.0));
        assert_eq!(resolve_plain("1.5e+3"), Scalar::Float(1500.0));
        assert_eq!(
            resolve_plain("2024-01-02"),
            Scalar::Str("2024-01-02".into())
        );
        assert_eq!(resolve_plain("1:20"), Scalar::Str("1:20".into()));
        assert_eq!(resolve_plain("1e"), Scalar::Str("1e".into()));
        assert_eq!(resolve_plain("-"), Scalar::Str("-".into()));
        assert_eq!(resolve_plain(".x"), Scalar::Str(".x".into()));
        assert_eq!(resolve_plain("+.inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(resolve_plain("inf"), Scalar::Str("inf".into()));
        assert_eq!(resolve_plain("~"), Scalar::Null);
    }

    #[test]
    fn tags() {
        assert_eq!(
            resolve_tagged("!!str", "123").unwrap(),
            Scalar::Str("123".into())
        );
        assert_eq!(resolve_tagged("!!float", "3").unwrap(), Scalar::Float(3.0));
        assert_eq!(resolve_tagged("!!int", "12").unwrap(), Scalar::Int(12));
        let e = resolve_tagged("!!int", "abc").unwrap_err();
        assert_eq!(e.to_string(), "yaml: cannot decode !!str `abc` as a !!int");
        assert_eq!(
            resolve_tagged("!!binary", "aGVsbG8=").unwrap(),
            Scalar::Str("hello".into())
        );
        assert!(resolve_tagged("!!binary", "a!b").is_err());
        assert_eq!(
            resolve_tagged("!custom", "12").unwrap(),
            Scalar::Str("12".into())
        );
    }

    #[test]
    fn g32_format() {
        assert_eq!(format_g32(1.5), "1.5");
        assert_eq!(format_g32(1000.0), "1000");
        assert_eq!(format_g32(std::f64::consts::PI), "3.1415927");
        assert_eq!(format_g32(1.10), "1.1");
        assert_eq!(format_g32(1.0), "1");
        assert_eq!(format_g32(1e6), "1e+06");
        assert_eq!(format_g32(1234567.0), "1.234567e+06");
        assert_eq!(format_g32(0.0001), "0.0001");
        assert_eq!(format_g32(0.00001), "1e-05");
        assert_eq!(format_g32(-2.5), "-2.5");
    }
}
