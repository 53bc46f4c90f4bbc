//! Date functions: `now`, `date`, `dateInZone`, `htmlDate`, `htmlDateInZone`, `toDate`,
//! `dateModify`, `ago`, `duration`, `durationRound`, `unixEpoch` and their aliases.
//!
//! Times are `time.Time` objects wrapping a jiff [`Zoned`]. The clock is injectable for tests
//! through [`set_clock`].

use super::golayout::{format, parse, zero_time};
use super::{arg, arg_str, f, SprigFunc};
use capstan_gotmpl::{Kind, Object, Value};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    static CLOCK: Cell<Option<Timestamp>> = const { Cell::new(None) };
}

/// Fixes "now" for this thread (`Some`), or returns to the real clock (`None`).
pub fn set_clock(now: Option<Timestamp>) {
    CLOCK.with(|c| c.set(now));
}

pub(crate) fn now_ts() -> Timestamp {
    CLOCK.with(|c| c.get()).unwrap_or_else(Timestamp::now)
}

fn local() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// Not a Go field: the IANA zone name, so `as_time` can rebuild the zone.
pub(super) const ZONE_FIELD: &str = "\u{0}capstanZone";

/// A Go `time.Time`.
pub struct GoTime(pub Zoned);

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        // Not a Go field: lets `as_time` recover the zone (the trait has no downcasting).
        (name == ZONE_FIELD).then(|| Value::from(self.0.time_zone().iana_name().unwrap_or("")))
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Format"
                | "Unix"
                | "UnixMilli"
                | "Year"
                | "Day"
                | "Hour"
                | "Minute"
                | "Second"
                | "UTC"
                | "String"
                | "YearDay"
                | "Nanosecond"
        )
    }
    fn method_signature(&self, name: &str) -> Option<capstan_gotmpl::Signature> {
        Some(capstan_gotmpl::Signature::fixed(if name == "Format" {
            vec![capstan_gotmpl::Param::String]
        } else {
            Vec::new()
        }))
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let z = &self.0;
        Ok(match name {
            "Format" => Value::from(format(z, arg_str(args, 0))),
            "Unix" => Value::Int64(z.timestamp().as_second()),
            "UnixMilli" => Value::Int64(z.timestamp().as_millisecond()),
            "Year" => Value::Int(i64::from(z.year())),
            "Day" => Value::Int(i64::from(z.day())),
            "Hour" => Value::Int(i64::from(z.hour())),
            "Minute" => Value::Int(i64::from(z.minute())),
            "Second" => Value::Int(i64::from(z.second())),
            "Nanosecond" => Value::Int(i64::from(z.subsec_nanosecond())),
            "YearDay" => Value::Int(i64::from(z.day_of_year())),
            "UTC" => time_value(z.with_time_zone(TimeZone::UTC)),
            "String" => Value::from(self.format_v()),
            other => return Err(format!("can't evaluate field {other} in type time.Time")),
        })
    }
    fn format_v(&self) -> String {
        format(&self.0, "2006-01-02 15:04:05.999999999 -0700 MST")
    }
    fn to_data(&self) -> Value {
        Value::from(format(&self.0, "2006-01-02T15:04:05.999999999Z07:00"))
    }
}

/// A `time.Time` template value.
pub fn time_value(z: Zoned) -> Value {
    Value::Object(Arc::new(GoTime(z)))
}

/// The `time.Time` inside a value, if it is one.
fn as_time(v: &Value) -> Option<Zoned> {
    match v {
        Value::Object(o) if o.type_name() == "time.Time" => {
            // Round-trip through the RFC 3339 form the object exposes as data.
            let text = o.to_data();
            let s = text.as_str()?;
            let ts: Timestamp = s.parse().ok()?;
            let offset_text = &s[s.len().saturating_sub(6)..];
            let zone_name = o.field(ZONE_FIELD);
            let named = zone_name
                .as_ref()
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty());
            if let Some(tz) = named.and_then(|n| TimeZone::get(n).ok()) {
                return Some(ts.to_zoned(tz));
            }
            let tz = if s.ends_with('Z') {
                TimeZone::UTC
            } else {
                let sign = if offset_text.starts_with('-') { -1 } else { 1 };
                let h: i32 = offset_text.get(1..3)?.parse().ok()?;
                let m: i32 = offset_text.get(4..6)?.parse().ok()?;
                TimeZone::fixed(jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()?)
            };
            Some(ts.to_zoned(tz))
        }
        _ => None,
    }
}

/// Sprig's date argument: a `time.Time`, or Unix seconds as `int`/`int64`; anything else is now.
fn date_arg(v: &Value) -> Zoned {
    if let Some(z) = as_time(v) {
        return z;
    }
    let ts = match v {
        Value::Int(n) | Value::Int64(n) => Timestamp::from_second(*n).unwrap_or_else(|_| now_ts()),
        _ => now_ts(),
    };
    ts.to_zoned(local())
}

fn load_zone(name: &str) -> TimeZone {
    match name {
        "" | "UTC" => TimeZone::UTC,
        "Local" => local(),
        other => TimeZone::get(other).unwrap_or(TimeZone::UTC),
    }
}

fn date_in_zone_impl(layout: &str, d: &Value, zone: &str) -> Value {
    let z = date_arg(d).with_time_zone(load_zone(zone));
    Value::from(format(&z, layout))
}

fn now(_: &[Value]) -> Result<Value, String> {
    Ok(time_value(now_ts().to_zoned(local())))
}

fn date_fn(a: &[Value]) -> Result<Value, String> {
    Ok(date_in_zone_impl(arg_str(a, 0), &arg(a, 1), "Local"))
}

fn date_in_zone(a: &[Value]) -> Result<Value, String> {
    Ok(date_in_zone_impl(arg_str(a, 0), &arg(a, 1), arg_str(a, 2)))
}

fn html_date(a: &[Value]) -> Result<Value, String> {
    Ok(date_in_zone_impl("2006-01-02", &arg(a, 0), "Local"))
}

fn html_date_in_zone(a: &[Value]) -> Result<Value, String> {
    Ok(date_in_zone_impl("2006-01-02", &arg(a, 0), arg_str(a, 1)))
}

fn must_to_date(a: &[Value]) -> Result<Value, String> {
    parse(arg_str(a, 0), arg_str(a, 1), &local()).map(time_value)
}

fn to_date(a: &[Value]) -> Result<Value, String> {
    Ok(time_value(
        parse(arg_str(a, 0), arg_str(a, 1), &local()).unwrap_or_else(|_| zero_time()),
    ))
}

/// The `time.Time` argument at `i`, or Go's argument type error.
fn time_arg(a: &[Value], i: usize) -> Result<Zoned, String> {
    let v = arg(a, i);
    as_time(&v).ok_or_else(|| {
        format!(
            "wrong type for value; expected time.Time; got {}",
            v.type_name()
        )
    })
}

fn unix_epoch(a: &[Value]) -> Result<Value, String> {
    let z = time_arg(a, 0)?;
    Ok(Value::from(z.timestamp().as_second().to_string()))
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(s: &str) -> Result<i128, String> {
    let bad = || format!("time: invalid duration {}", capstan_gotmpl::fmt::quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if n == 0 {
            return Err(bad());
        }
        let num: f64 = rest[..n].parse().map_err(|_| bad())?;
        rest = &rest[n..];
        let u = rest
            .bytes()
            .take_while(|b| !b.is_ascii_digit() && *b != b'.')
            .count();
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    capstan_gotmpl::fmt::quote(s)
                ))
            }
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    capstan_gotmpl::fmt::quote(other),
                    capstan_gotmpl::fmt::quote(s)
                ))
            }
        };
        rest = &rest[u..];
        total += num * unit;
    }
    if total > 9.223_372_036_854_776e18 {
        return Err(bad());
    }
    Ok(if neg { -(total as i128) } else { total as i128 })
}

/// Go's `Duration.String()`.
pub(crate) fn duration_string(ns: i128) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac_str(u, div));
        out.push_str(unit);
    } else {
        let secs_total = u / 1_000_000_000;
        let h = secs_total / 3600;
        let m = (secs_total / 60) % 60;
        let sec_ns = u % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac_str(sec_ns, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn frac_str(v: u128, div: u128) -> String {
    let whole = v / div;
    let frac = v % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let f = format!("{frac:0width$}");
    format!("{whole}.{}", f.trim_end_matches('0'))
}

fn date_modify_impl(a: &[Value]) -> Result<Value, String> {
    let z = time_arg(a, 1)?;
    let ns = parse_duration(arg_str(a, 0))?;
    let span = jiff::SignedDuration::from_nanos(ns as i64);
    z.checked_add(span)
        .map(|t| same_location(&arg(a, 1), t))
        .map_err(|e| e.to_string())
}

fn date_modify(a: &[Value]) -> Result<Value, String> {
    let z = time_arg(a, 1)?;
    Ok(date_modify_impl(a).unwrap_or_else(|_| same_location(&arg(a, 1), z)))
}

/// A time in the location of `orig` (Go's `Add` keeps it, including TOML's local ones).
fn same_location(orig: &Value, z: Zoned) -> Value {
    match super::local_time::local_zone(orig) {
        Some(zone) => super::local_time::local_time(z, zone),
        None => time_value(z),
    }
}

fn ago(a: &[Value]) -> Result<Value, String> {
    let then = date_arg(&arg(a, 0));
    let diff = now_ts().as_nanosecond() - then.timestamp().as_nanosecond();
    // Round to the nearest second, halves away from zero (Duration.Round).
    let s = 1_000_000_000i128;
    let r = diff.rem_euclid(s);
    let rounded = if diff >= 0 {
        if r * 2 >= s {
            diff - r + s
        } else {
            diff - r
        }
    } else {
        let r = (-diff) % s;
        if r * 2 >= s {
            diff + r - s
        } else {
            diff + r
        }
    };
    Ok(Value::from(duration_string(rounded)))
}

fn duration(a: &[Value]) -> Result<Value, String> {
    let v = arg(a, 0);
    // Sprig handles only strings (base-10 seconds) and int64; anything else is 0s.
    let n = match &v {
        Value::String(s) => s.parse::<i64>().unwrap_or(0),
        Value::Int64(n) => *n,
        _ => 0,
    };
    Ok(Value::from(duration_string(i128::from(n) * 1_000_000_000)))
}

fn duration_round(a: &[Value]) -> Result<Value, String> {
    let v = arg(a, 0);
    let ns: i128 = match &v {
        Value::String(s) => parse_duration(s).unwrap_or(0),
        // Only int64 counts as nanoseconds; Go ints and other numbers are 0.
        Value::Int64(n) => i128::from(*n),
        other => match as_time(other) {
            Some(t) => now_ts().as_nanosecond() - t.timestamp().as_nanosecond(),
            None => 0,
        },
    };
    let u = ns.unsigned_abs();
    // Sprig rounds the absolute value and drops the sign.
    let sign = "";
    let (year, month, day, hour, minute, second) = (
        31_536_000_000_000_000u128,
        2_592_000_000_000_000u128,
        86_400_000_000_000u128,
        3_600_000_000_000u128,
        60_000_000_000u128,
        1_000_000_000u128,
    );
    let text = if u > year {
        format!("{}y", u / year)
    } else if u > month {
        format!("{}mo", u / month)
    } else if u > day {
        format!("{}d", u / day)
    } else if u > hour {
        format!("{}h", u / hour)
    } else if u > minute {
        format!("{}m", u / minute)
    } else if u > second {
        format!("{}s", u / second)
    } else {
        "0s".to_string()
    };
    Ok(Value::from(format!("{sign}{text}")))
}

/// The date family, with Sprig's signatures: `unixEpoch` and `dateModify` take a `time.Time`,
/// so the engine refuses other arguments before the call as Go does (the bodies still check,
/// for direct callers).
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("now", "func() time.Time", now),
        f("date", "func(string, interface {}) string", date_fn),
        f(
            "date_in_zone",
            "func(string, interface {}, string) string",
            date_in_zone,
        ),
        f(
            "dateInZone",
            "func(string, interface {}, string) string",
            date_in_zone,
        ),
        f("htmlDate", "func(interface {}) string", html_date),
        f(
            "htmlDateInZone",
            "func(interface {}, string) string",
            html_date_in_zone,
        ),
        f("toDate", "func(string, string) time.Time", to_date),
        f(
            "mustToDate",
            "func(string, string) (time.Time, error)",
            must_to_date,
        ),
        f("unixEpoch", "func(time.Time) string", unix_epoch),
        f(
            "date_modify",
            "func(string, time.Time) time.Time",
            date_modify,
        ),
        f(
            "dateModify",
            "func(string, time.Time) time.Time",
            date_modify,
        ),
        f(
            "must_date_modify",
            "func(string, time.Time) (time.Time, error)",
            date_modify_impl,
        ),
        f(
            "mustDateModify",
            "func(string, time.Time) (time.Time, error)",
            date_modify_impl,
        ),
        f("ago", "func(interface {}) string", ago),
        f("duration", "func(interface {}) string", duration),
        f("durationRound", "func(interface {}) string", duration_round),
    ]
}
