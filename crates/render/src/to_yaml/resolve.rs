//! go-yaml v2's implicit typing of plain scalars (`resolve.go`), as used both when it
//! reads Go's JSON text back (numbers) and when it decides whether a string can be
//! written unquoted (only if it would read back as the same string).
//!
//! YAML 1.1 rules: `yes`/`on`/`y` booleans, `~`/`null`/empty nulls, integers with `0x`,
//! `0o`, `0b` or a leading-`0` octal prefix and `_` separators, floats, `.inf`/`.nan`,
//! the merge key `<<`, and timestamps (Go `time.Parse` with four layouts).

/// What a plain scalar resolves to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Resolved {
    /// `!!str`: stays the string itself.
    Str,
    /// `!!null`
    Null,
    /// `!!bool`
    Bool,
    /// `!!int` that fits an int64.
    Int(i64),
    /// `!!int` above `i64::MAX`.
    Uint(u64),
    /// `!!float`
    Float(f64),
    /// `!!merge` (`<<`).
    Merge,
    /// `!!timestamp`
    Timestamp,
}

/// go-yaml v2's first-character hint: which kinds of scalar a first byte can start.
fn hint(first: Option<u8>) -> u8 {
    match first {
        // The empty string is looked up in the table (it is null).
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    }
}

/// The fixed words of YAML 1.1 that go-yaml v2 knows.
fn lookup(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// How go-yaml v2 resolves the plain scalar `s`.
pub(super) fn resolve(s: &str) -> Resolved {
    let h = hint(s.as_bytes().first().copied());
    if h == 0 {
        return Resolved::Str;
    }
    if let Some(r) = lookup(s) {
        return r;
    }
    match h {
        // Go's ParseFloat skips `_` between digits (the D/S branch below has already
        // removed them all).
        b'.' if s.contains('_') && !underscore_ok(s) => Resolved::Str,
        b'.' => match go_parse_float(&s.replace('_', "")) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            // go-yaml's explicit 0b / -0b branches accept nothing that ParseInt with
            // base 0 did not already accept.
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Go's `strconv.underscoreOK` for a decimal number: every `_` sits between digits.
fn underscore_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    // What was seen last: `^` start, `0` digit, `_` underscore, `!` anything else.
    let mut saw = b'^';
    for &c in b {
        if c.is_ascii_digit() {
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
    }
    saw != b'_'
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: go-yaml v2 quotes such strings
/// (YAML 1.1 sexagesimal numbers like `1:20`) although it reads them as strings.
pub(super) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one or two digits, the first of two at most 5.
        let d1 = b.get(i).copied();
        let d2 = b.get(i + 1).copied();
        match (d1, d2) {
            (Some(x @ b'0'..=b'5'), Some(b'0'..=b'9')) if x.is_ascii_digit() => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseUint(s, 0, 64)` without `_` (the caller removed them).
fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits): (u32, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)` without `_`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest)?;
    if neg {
        if u > 1u64 << 63 {
            None
        } else {
            Some((u as i64).wrapping_neg())
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms that reach it here (a regex or
/// a leading `.` has already restricted the syntax); an overflow is an error in Go.
fn go_parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    // Go accepts digits, one point, and an exponent; Rust's parser accepts the same
    // decimal syntax but also words like `inf`, which cannot start with a digit or `.`.
    let body = &b[i..];
    if !body
        .first()
        .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
    {
        return None;
    }
    if !body
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// go-yaml v2's `parseTimestamp`: four digits and a `-`, then Go's `time.Parse` with
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`,
/// or `2006-1-2`.
pub(super) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    parse_layout(b, Some(b'T'))
        || parse_layout(b, Some(b't'))
        || parse_layout(b, Some(b' '))
        || parse_layout(b, None)
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d1 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = u32::from(d1 - b'0');
    if let Some(d2) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n * 10 + u32::from(d2 - b'0');
        *i += 1;
    }
    Some(n)
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One of the four layouts; `sep` is the byte between date and time (`None`: date only).
fn parse_layout(b: &[u8], sep: Option<u8>) -> bool {
    let year = b[..4]
        .iter()
        .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let mut i = 5;
    let Some(month) = getnum(b, &mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = getnum(b, &mut i) else {
        return false;
    };
    let Some(sep) = sep else {
        return i == b.len() && day >= 1 && day <= days_in(month, year);
    };
    if sep == b' ' {
        // A space in a Go layout matches one or more spaces.
        if b.get(i) != Some(&b' ') {
            return false;
        }
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    } else {
        if b.get(i) != Some(&sep) {
            return false;
        }
        i += 1;
    }
    let Some(hour) = getnum(b, &mut i) else {
        return false;
    };
    if hour >= 24 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(min) = getnum(b, &mut i) else {
        return false;
    };
    if min >= 60 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(sec) = getnum(b, &mut i) else {
        return false;
    };
    if sec >= 60 {
        return false;
    }
    // Optional fraction: `.` or `,` and any number of digits.
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if sep != b' ' {
        // `Z07:00`: `Z`, or a sign, two digits, `:`, two digits.
        match b.get(i) {
            Some(b'Z') => i += 1,
            Some(b'+' | b'-') => {
                let tz = &b[i..];
                if tz.len() < 6 || tz[3] != b':' {
                    return false;
                }
                let two = |x: &[u8]| -> Option<u32> {
                    if x.iter().all(u8::is_ascii_digit) {
                        Some(u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
                    } else {
                        None
                    }
                };
                let (Some(h), Some(m)) = (two(&tz[1..3]), two(&tz[4..6])) else {
                    return false;
                };
                if h > 24 || m > 60 {
                    return false;
                }
                i += 6;
            }
            _ => return false,
        }
    }
    i == b.len() && day >= 1 && day <= days_in(month, year)
}
