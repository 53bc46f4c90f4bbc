//! Go's `strconv.FormatFloat(f, fmt, prec, 64)`.
//!
//! The decimal digits come from Rust's float formatting, which (like Go's) produces the
//! shortest digits that round-trip for the "shortest" mode and exact, round-half-to-even
//! digits for a fixed precision; this module only lays the digits out the way Go does
//! (`%e` exponents have at least two digits, `%g` switches to `%e` at Go's thresholds,
//! `%b` and `%x` are computed from the bits).

use std::fmt::Write as _;

/// More fractional digits than any double has (2^-1074 has 1074); a larger precision
/// only adds zeros.
const MAX_FRACTION_DIGITS: i32 = 1100;
/// More significant digits than any double has (at most 767).
const MAX_SIGNIFICANT_DIGITS: i32 = 800;

/// Decimal digits of a float: the value is `0.d1 d2 d3 ... × 10^dp`. Trailing zeros are
/// removed, as Go's digit generators do; zero has no digits.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

impl Digits {
    fn nd(&self) -> i32 {
        i32::try_from(self.d.len()).unwrap_or(i32::MAX)
    }

    /// Reads Rust's `{:e}` output for a non-negative finite number, e.g. `1.2345e6`.
    fn from_exp_string(s: &str) -> Digits {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        if d.is_empty() {
            return Digits { d, dp: 0 };
        }
        Digits { d, dp: exp + 1 }
    }

    /// Reads Rust's fixed-point output for a non-negative finite number, e.g. `12.3400`.
    fn from_fixed_string(s: &str) -> Digits {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let mut dp = i32::try_from(int.len()).unwrap_or(i32::MAX);
        let mut d: Vec<u8> = Vec::with_capacity(int.len() + frac.len());
        for c in int.bytes().chain(frac.bytes()) {
            if d.is_empty() && c == b'0' {
                dp -= 1;
            } else {
                d.push(c);
            }
        }
        while d.last() == Some(&b'0') {
            d.pop();
        }
        if d.is_empty() {
            dp = 0;
        }
        Digits { d, dp }
    }
}

/// The shortest digits that read back as `abs` (non-negative, finite).
///
/// When two candidates of that length are equally close to the exact value (e.g.
/// 1226680336400770.25 between ...770.2 and ...770.3), Go rounds the exact value half to
/// even, while Rust's shortest mode may pick the other one. So the length comes from
/// Rust's shortest form and the digits from rounding the exact value to that length,
/// which is always one of the round-tripping candidates unless a boundary is involved;
/// then Rust's answer is kept.
fn shortest_digits(abs: f64) -> Digits {
    let shortest = format!("{abs:e}");
    let n = shortest
        .split_once('e')
        .map_or(0, |(m, _)| m.bytes().filter(u8::is_ascii_digit).count());
    if n > 1 {
        let frac = n - 1;
        let rounded = format!("{abs:.frac$e}");
        if rounded != shortest && rounded.parse::<f64>().ok() == Some(abs) {
            return Digits::from_exp_string(&rounded);
        }
    }
    Digits::from_exp_string(&shortest)
}

/// Go's `strconv.FormatFloat(f, fmt, prec, 64)`: `fmt` is one of `b e E f g G x X`
/// (anything else gives `%` followed by the byte, as in Go), `prec` is the number of
/// digits (after the point for `e E f x X`, significant for `g G`), or `-1` for the
/// fewest digits that read back as the same number.
pub fn format_float(f: f64, fmt: u8, prec: i32) -> String {
    let mut out = String::new();
    append_float(&mut out, f, fmt, prec);
    out
}

/// [`format_float`] appending to `out`.
pub(crate) fn append_float(out: &mut String, f: f64, fmt: u8, prec: i32) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    let bits = f.to_bits();
    let neg = bits >> 63 != 0;
    let exp_field = ((bits >> 52) & 0x7FF) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    let mut exp = exp_field;
    if exp_field == 0 {
        // Subnormal: same exponent as the smallest normal, no implicit bit.
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    match fmt {
        b'b' => return fmt_b(out, neg, mant, exp),
        b'x' | b'X' => return fmt_x(out, prec, fmt, neg, mant, exp),
        b'e' | b'E' | b'f' | b'g' | b'G' => {}
        _ => {
            out.push('%');
            out.push(char::from(fmt));
            return;
        }
    }
    let abs = f.abs();
    let shortest = prec < 0;
    let mut prec = prec;
    let digs = if shortest {
        let digs = shortest_digits(abs);
        prec = match fmt {
            b'e' | b'E' => digs.nd() - 1,
            b'f' => (digs.nd() - digs.dp).max(0),
            _ => digs.nd(),
        };
        digs
    } else if fmt == b'f' {
        // A double has at most 1074 digits after the point, so beyond that the exact
        // expansion is complete (and Rust's formatter panics above 65535 digits): the
        // layout below pads the rest with zeros.
        let p = prec.clamp(0, MAX_FRACTION_DIGITS) as usize;
        Digits::from_fixed_string(&format!("{abs:.p$}"))
    } else {
        let digits = match fmt {
            b'e' | b'E' => prec.saturating_add(1),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                prec
            }
        };
        // At most 767 significant digits are ever non-zero; see above for the cap.
        let frac = (digits - 1).clamp(0, MAX_SIGNIFICANT_DIGITS) as usize;
        Digits::from_exp_string(&format!("{abs:.frac$e}"))
    };
    match fmt {
        b'e' | b'E' => fmt_e(out, neg, &digs, prec, fmt),
        b'f' => fmt_f(out, neg, &digs, prec),
        _ => {
            let mut eprec = prec;
            if eprec > digs.nd() && digs.nd() >= digs.dp {
                eprec = digs.nd();
            }
            // For the shortest form Go decides with a precision of 6.
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > digs.nd() {
                    prec = digs.nd();
                }
                let efmt = if fmt == b'G' { b'E' } else { b'e' };
                fmt_e(out, neg, &digs, prec - 1, efmt);
            } else {
                if prec > digs.dp {
                    prec = digs.nd();
                }
                fmt_f(out, neg, &digs, (prec - digs.dp).max(0));
            }
        }
    }
}

/// `-d.dddde±dd`
fn fmt_e(out: &mut String, neg: bool, digs: &Digits, prec: i32, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(char::from(*digs.d.first().unwrap_or(&b'0')));
    if prec > 0 {
        out.push('.');
        let want = usize::try_from(prec).unwrap_or(0);
        let have = digs.d.len().min(want + 1);
        for &c in digs.d.get(1..have).unwrap_or(&[]) {
            out.push(char::from(c));
        }
        for _ in have.max(1)..=want {
            out.push('0');
        }
    }
    out.push(char::from(fmt));
    let mut exp = if digs.d.is_empty() { 0 } else { digs.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

/// `-ddd.dddd`
fn fmt_f(out: &mut String, neg: bool, digs: &Digits, prec: i32) {
    if neg {
        out.push('-');
    }
    if digs.dp > 0 {
        let dp = digs.dp as usize;
        let m = digs.d.len().min(dp);
        for &c in &digs.d[..m] {
            out.push(char::from(c));
        }
        for _ in m..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = i64::from(digs.dp) + i64::from(i) - 1;
            let c = usize::try_from(j)
                .ok()
                .and_then(|j| digs.d.get(j))
                .copied()
                .unwrap_or(b'0');
            out.push(char::from(c));
        }
    }
}

/// `%b`: `-ddddp±ddd`, the integer mantissa and binary exponent.
fn fmt_b(out: &mut String, neg: bool, mant: u64, exp: i32) {
    if neg {
        out.push('-');
    }
    let exp = exp - 52;
    let _ = write!(out, "{mant}p");
    if exp >= 0 {
        out.push('+');
    }
    let _ = write!(out, "{exp}");
}

/// `%x`: `-0x1.yyyyp±dd` (or `-0x0p+00` for zero), rounded to `prec` hex digits when
/// `0 <= prec < 15`.
fn fmt_x(out: &mut String, prec: i32, fmt: u8, neg: bool, mut mant: u64, mut exp: i32) {
    if mant == 0 {
        exp = 0;
    }
    // Normalise so that the leading 1 (if any) sits at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        // Round half to even on the dropped bits.
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(char::from(fmt));
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(char::from(hex[((mant >> 60) & 15) as usize]));
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(char::from(hex[((mant >> 60) & 15) as usize]));
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}
