//! The parts of Go's `strconv` the parser relies on: `ParseInt`/`ParseUint` with base 0
//! (prefixes and `_` separators), `ParseFloat` (including hex floats), `Unquote` and
//! `UnquoteChar`. Number constants must accept and reject exactly what Go does, and
//! string constants must decode the same escapes.

/// Go's `underscoreOK`: underscores must separate digits (a base prefix counts as a digit).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let b = if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        &b[1..]
    } else {
        b
    };
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`. `None` on syntax or range errors.
pub(crate) fn parse_uint0(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (base, digits, prefixed) = if b[0] == b'0'
        && b.len() >= 3
        && matches!(b[1].to_ascii_lowercase(), b'x' | b'o' | b'b')
    {
        let base = match b[1].to_ascii_lowercase() {
            b'x' => 16,
            b'o' => 8,
            _ => 2,
        };
        (base, &s[2..], true)
    } else if b[0] == b'0' && b.len() > 1 {
        (8, &s[1..], true)
    } else {
        (10, s, false)
    };
    let _ = prefixed;
    let mut underscores = false;
    let mut n: u64 = 0;
    let mut any = false;
    for c in digits.bytes() {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' => (c - b'a' + 10) as u32,
            b'A'..=b'Z' => (c - b'A' + 10) as u32,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        any = true;
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    // "0x" alone has no digits; a lone "0_" octal prefix is fine when underscores are.
    if !any && base != 8 {
        return None;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(body)?;
    if neg {
        if u > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the syntax the lexer can produce. `None` on a
/// syntax error or when the value is out of range (Go's `ErrRange`).
pub fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        // Go's decimal syntax: digits, optional '.', digits, optional exponent; at least one digit.
        let b = lower.as_bytes();
        let mut i = 0;
        let mut mant = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                mant += 1;
            }
        }
        if mant == 0 {
            return None;
        }
        if i < b.len() && b[i] == b'e' {
            i += 1;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
        if i != b.len() {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// A hex float after its `0x`: mantissa digits with an optional point, then a required
/// `p` exponent.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once('p')?;
    let exp: i64 = if exp.is_empty() {
        return None;
    } else {
        let e = exp.strip_prefix('+').unwrap_or(exp);
        if e.is_empty() || e == "-" {
            return None;
        }
        e.parse::<i64>().ok()?.clamp(-100_000, 100_000)
    };
    let mut value = 0f64;
    let mut frac_digits = 0i64;
    let mut seen_point = false;
    let mut any = false;
    for c in mant.chars() {
        if c == '.' {
            if seen_point {
                return None;
            }
            seen_point = true;
            continue;
        }
        let d = c.to_digit(16)?;
        any = true;
        value = value * 16.0 + d as f64;
        if seen_point {
            frac_digits += 1;
        }
    }
    if !any {
        return None;
    }
    let e = exp - 4 * frac_digits;
    Some(value * 2f64.powi(e.clamp(-2000, 2000) as i32))
}

/// Go's `strconv.UnquoteChar(s, quote)`: decodes one character or escape at the start of
/// `s`; returns the character (as a code point, which may exceed a `char` for `\xNN` bytes
/// in strings) and the rest.
fn unquote_char(s: &str, quote: char) -> Option<(u32, bool, &str)> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c as u32, true, chars.as_str()));
    }
    let c = chars.next()?;
    let rest = chars.as_str();
    let simple = match c {
        'a' => Some(7),
        'b' => Some(8),
        'f' => Some(12),
        'n' => Some(10),
        'r' => Some(13),
        't' => Some(9),
        'v' => Some(11),
        '\\' => Some(92),
        '\'' | '"' => {
            if c != quote {
                return None;
            }
            Some(c as u32)
        }
        _ => None,
    };
    if let Some(v) = simple {
        return Some((v, true, rest));
    }
    match c {
        'x' | 'u' | 'U' => {
            let n = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if rest.len() < n || !rest.is_char_boundary(n) {
                return None;
            }
            let v = u32::from_str_radix(&rest[..n], 16).ok()?;
            if !rest[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            if c == 'x' {
                // A single byte, not a code point (only in strings; in a char constant Go
                // treats it as the rune with that value).
                return Some((v, false, &rest[n..]));
            }
            char::from_u32(v)?;
            Some((v, true, &rest[n..]))
        }
        '0'..='7' => {
            let digits = format!("{c}{}", rest.get(..2)?);
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return None;
            }
            let v = u32::from_str_radix(&digits, 8).ok()?;
            if v > 255 {
                return None;
            }
            Some((v, false, &rest[2..]))
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` strings. `None` means Go's
/// `invalid syntax`.
pub(crate) fn unquote(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return None;
    }
    let quote = b[0];
    if quote != b[b.len() - 1] {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            // Go drops carriage returns from raw strings.
            Some(inner.replace('\r', ""))
        }
        b'"' => {
            // Go's own shortcut: without escapes the text is the value (a bare `"` or a
            // newline inside would be a syntax error, as below).
            if !inner
                .as_bytes()
                .iter()
                .any(|&c| matches!(c, b'\\' | b'"' | b'\n'))
            {
                return Some(inner.to_string());
            }
            if inner.contains('\n') {
                return None;
            }
            let mut out: Vec<u8> = Vec::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                let (v, is_char, r) = unquote_char(rest, '"')?;
                if is_char {
                    let ch = char::from_u32(v)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                } else {
                    out.push(v as u8);
                }
                rest = r;
            }
            // A Go string may hold invalid UTF-8 (from `\xff`); ours cannot, so such bytes
            // become U+FFFD, which is what printing them would show anyway.
            Some(String::from_utf8_lossy(&out).into_owned())
        }
        _ => None,
    }
}

/// Decodes a character constant such as `'a'`, `'\n'`, `'\x41'`, `'\u00e9'`. The error
/// text is Go's.
pub(crate) fn unquote_char_constant(text: &str) -> Result<i64, String> {
    let inner = text.get(1..).ok_or_else(|| "invalid syntax".to_string())?;
    let (v, _, tail) = unquote_char(inner, '\'').ok_or_else(|| "invalid syntax".to_string())?;
    if tail != "'" {
        return Err(format!("malformed character constant: {text}"));
    }
    Ok(v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_go_base_prefixes() {
        assert_eq!(parse_int0("017"), Some(15));
        assert_eq!(parse_int0("0o17"), Some(15));
        assert_eq!(parse_int0("0x1F"), Some(31));
        assert_eq!(parse_int0("0b101"), Some(5));
        assert_eq!(parse_int0("1_000"), Some(1000));
        assert_eq!(parse_int0("0x_1f"), Some(31));
        assert_eq!(parse_int0("1__0"), None);
        assert_eq!(parse_int0("0x"), None);
        assert_eq!(parse_int0("08"), None);
        assert_eq!(parse_int0("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int0("9223372036854775808"), None);
        assert_eq!(parse_uint0("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint0("-1"), None);
        assert_eq!(parse_int0("0"), Some(0));
    }

    #[test]
    fn floats_follow_go_syntax() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("0x1p4"), Some(16.0));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x10"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("inf"), None);
    }

    #[test]
    fn unquote_handles_escapes() {
        assert_eq!(
            unquote(r#""a\tb\x41\u00e9\101""#).as_deref(),
            Some("a\tbAéA")
        );
        assert_eq!(unquote("`a\\n\r`").as_deref(), Some("a\\n"));
        assert_eq!(unquote(r#""\q""#), None);
        assert_eq!(unquote(r#""\'""#), None);
        assert_eq!(unquote_char_constant("'a'"), Ok(97));
        assert_eq!(unquote_char_constant(r"'\n'"), Ok(10));
        assert_eq!(unquote_char_constant(r"'\x41'"), Ok(65));
        assert_eq!(unquote_char_constant(r"'\u00e9'"), Ok(233));
        assert_eq!(
            unquote_char_constant("'ab'"),
            Err("malformed character constant: 'ab'".into())
        );
    }
}
