//! Integer and float arithmetic. Integer functions convert with cast's `ToInt64` and wrap on
//! overflow like Go; the `*f` functions go through decimal arithmetic (shopspring/decimal in
//! Sprig), which we reproduce for add/sub/mul by exact arithmetic on shortest decimal forms.

use super::conv::{to_f64, to_i64};
use super::{arg, arg_int, f, SprigFunc};
use capstan_gotmpl::Value;

fn ints(a: &[Value]) -> Vec<i64> {
    a.iter().map(to_i64).collect()
}

fn add1(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(to_i64(&arg(a, 0)).wrapping_add(1)))
}

fn add(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(ints(a).into_iter().fold(0, i64::wrapping_add)))
}

fn sub(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(
        to_i64(&arg(a, 0)).wrapping_sub(to_i64(&arg(a, 1))),
    ))
}

fn div(a: &[Value]) -> Result<Value, String> {
    let d = to_i64(&arg(a, 1));
    if d == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(to_i64(&arg(a, 0)).wrapping_div(d)))
}

fn modulo(a: &[Value]) -> Result<Value, String> {
    let d = to_i64(&arg(a, 1));
    if d == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(to_i64(&arg(a, 0)).wrapping_rem(d)))
}

fn mul(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(ints(a).into_iter().fold(1, i64::wrapping_mul)))
}

fn max(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(ints(a).into_iter().max().unwrap_or(0)))
}

fn min(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(ints(a).into_iter().min().unwrap_or(0)))
}

/// Go's `math.Max` (NaN wins, +0 beats -0).
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_positive() {
            x
        } else {
            y
        }
    } else if x > y {
        x
    } else {
        y
    }
}

fn go_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

fn maxf(a: &[Value]) -> Result<Value, String> {
    let mut it = a.iter().map(to_f64);
    let first = it.next().unwrap_or(0.0);
    Ok(Value::Float64(it.fold(first, go_max)))
}

fn minf(a: &[Value]) -> Result<Value, String> {
    let mut it = a.iter().map(to_f64);
    let first = it.next().unwrap_or(0.0);
    Ok(Value::Float64(it.fold(first, go_min)))
}

/// A float's shortest decimal form as (mantissa, exponent), when it fits in i128.
fn decimal(x: f64) -> Option<(i128, i32)> {
    if !x.is_finite() {
        return None;
    }
    let s = format!("{x:e}");
    let (m, e) = s.split_once('e')?;
    let e: i32 = e.parse().ok()?;
    let neg = m.starts_with('-');
    let m = m.trim_start_matches('-');
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    let digits = format!("{int}{frac}");
    let mut mant: i128 = digits.parse().ok()?;
    if neg {
        mant = -mant;
    }
    Some((mant, e - frac.len() as i32))
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

fn from_decimal(m: i128, e: i32) -> f64 {
    format!("{m}e{e}").parse().unwrap_or(f64::NAN)
}

fn dec_add(x: f64, y: f64) -> f64 {
    let (Some((mx, ex)), Some((my, ey))) = (decimal(x), decimal(y)) else {
        return x + y;
    };
    let e = ex.min(ey);
    let sx = pow10((ex - e) as u32).and_then(|p| mx.checked_mul(p));
    let sy = pow10((ey - e) as u32).and_then(|p| my.checked_mul(p));
    match (sx, sy) {
        (Some(a), Some(b)) => match a.checked_add(b) {
            Some(s) => from_decimal(s, e),
            None => x + y,
        },
        _ => x + y,
    }
}

fn dec_mul(x: f64, y: f64) -> f64 {
    match (decimal(x), decimal(y)) {
        (Some((mx, ex)), Some((my, ey))) => match mx.checked_mul(my) {
            Some(m) => from_decimal(m, ex + ey),
            None => x * y,
        },
        _ => x * y,
    }
}

fn dec_div(x: f64, y: f64) -> Result<f64, String> {
    if y == 0.0 {
        return Err("decimal division by 0".into());
    }
    // shopspring's Div rounds the exact quotient to 16 fractional digits, half away from 0.
    let fallback = || format!("{:.16}", x / y).parse().unwrap_or(x / y);
    let (Some((mx, ex)), Some((my, ey))) = (decimal(x), decimal(y)) else {
        return Ok(fallback());
    };
    let shift = ex - ey + 16;
    let (num, den) = if shift >= 0 {
        match pow10(shift as u32).and_then(|p| mx.checked_mul(p)) {
            Some(n) => (n, my),
            None => return Ok(fallback()),
        }
    } else {
        match pow10((-shift) as u32).and_then(|p| my.checked_mul(p)) {
            Some(d) => (mx, d),
            None => return Ok(fallback()),
        }
    };
    let (q, r) = (num / den, num % den);
    let q = if 2 * r.abs() >= den.abs() {
        q + if (num < 0) != (den < 0) { -1 } else { 1 }
    } else {
        q
    };
    Ok(from_decimal(q, -16))
}

/// shopspring's `NewFromFloat` refuses infinities and NaN.
fn check_finite(v: &[f64]) -> Result<(), String> {
    for x in v {
        if x.is_nan() {
            return Err("Cannot create a Decimal from NaN".into());
        }
        if x.is_infinite() {
            let sign = if *x > 0.0 { "+" } else { "-" };
            return Err(format!("Cannot create a Decimal from {sign}Inf"));
        }
    }
    Ok(())
}

fn floats(a: &[Value]) -> Vec<f64> {
    a.iter().map(to_f64).collect()
}

fn add1f(a: &[Value]) -> Result<Value, String> {
    check_finite(&[to_f64(&arg(a, 0))])?;
    Ok(Value::Float64(dec_add(to_f64(&arg(a, 0)), 1.0)))
}

fn addf(a: &[Value]) -> Result<Value, String> {
    check_finite(&floats(a))?;
    Ok(Value::Float64(floats(a).into_iter().fold(0.0, dec_add)))
}

fn subf(a: &[Value]) -> Result<Value, String> {
    let v = floats(a);
    check_finite(&v)?;
    let first = v.first().copied().unwrap_or(0.0);
    Ok(Value::Float64(
        v.iter().skip(1).fold(first, |acc, y| dec_add(acc, -y)),
    ))
}

fn mulf(a: &[Value]) -> Result<Value, String> {
    let v = floats(a);
    check_finite(&v)?;
    let first = v.first().copied().unwrap_or(0.0);
    Ok(Value::Float64(
        v.iter().skip(1).fold(first, |acc, y| dec_mul(acc, *y)),
    ))
}

fn divf(a: &[Value]) -> Result<Value, String> {
    let v = floats(a);
    check_finite(&v)?;
    let mut acc = v.first().copied().unwrap_or(0.0);
    for y in v.iter().skip(1) {
        acc = dec_div(acc, *y)?;
    }
    Ok(Value::Float64(acc))
}

fn ceil(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Float64(to_f64(&arg(a, 0)).ceil()))
}

fn floor(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Float64(to_f64(&arg(a, 0)).floor()))
}

fn round(a: &[Value]) -> Result<Value, String> {
    let round_on = match a.get(2) {
        Some(v) => to_f64(v),
        None => 0.5,
    };
    let val = to_f64(&arg(a, 0));
    let pow = 10f64.powf(arg_int(a, 1) as f64);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float64(r / pow))
}

/// The math family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("add1", "func(interface {}) int64", add1),
        f("add", "func(...interface {}) int64", add),
        f("sub", "func(interface {}, interface {}) int64", sub),
        f("div", "func(interface {}, interface {}) int64", div),
        f("mod", "func(interface {}, interface {}) int64", modulo),
        f("mul", "func(interface {}, ...interface {}) int64", mul),
        f("biggest", "func(interface {}, ...interface {}) int64", max),
        f("max", "func(interface {}, ...interface {}) int64", max),
        f("min", "func(interface {}, ...interface {}) int64", min),
        f("maxf", "func(interface {}, ...interface {}) float64", maxf),
        f("minf", "func(interface {}, ...interface {}) float64", minf),
        f("add1f", "func(interface {}) float64", add1f),
        f("addf", "func(...interface {}) float64", addf),
        f("subf", "func(interface {}, ...interface {}) float64", subf),
        f("mulf", "func(interface {}, ...interface {}) float64", mulf),
        f("divf", "func(interface {}, ...interface {}) float64", divf),
        f("ceil", "func(interface {}) float64", ceil),
        f("floor", "func(interface {}) float64", floor),
        f(
            "round",
            "func(interface {}, int, ...float64) float64",
            round,
        ),
    ]
}
