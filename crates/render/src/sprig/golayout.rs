//! Go's reference-time layouts (`2006-01-02 15:04:05.999999999 -0700 MST`): formatting and
//! parsing on top of jiff, following the token rules of Go's `time.Format`/`time.Parse`.

use jiff::civil::{date, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One chunk of a layout.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    /// Numeric zone: (ISO "Z" form, colons, with minutes, with seconds).
    NumTz(bool, bool, bool, bool),
    /// Fractional seconds: (digits, trailing zeros kept, separator).
    Frac(usize, bool, char),
}

enum Chunk {
    Lit(String),
    Std(Std),
}

fn is_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Splits a layout into literal text and standard chunks (Go's `nextStdChunk`).
fn chunks(layout: &str) -> Vec<Chunk> {
    let b = layout.as_bytes();
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let starts = |i: usize, s: &str| layout[i..].starts_with(s);
    while i < b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if starts(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if starts(i, "Jan") => Some((Std::Month, 3)),
            b'M' if starts(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if starts(i, "Mon") => Some((Std::WeekDay, 3)),
            b'M' if starts(i, "MST") => Some((Std::Tz, 3)),
            b'0' if starts(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize],
                2,
            )),
            b'1' if starts(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if starts(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if starts(i, "_2006") => {
                lit.push('_');
                i += 1;
                Some((Std::LongYear, 4))
            }
            b'_' if starts(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'_' if starts(i, "_2") => Some((Std::UnderDay, 2)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if starts(i, "PM") => Some((Std::PM, 2)),
            b'p' if starts(i, "pm") => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, true),
                    ("07:00:00", true, true, true),
                    ("0700", false, true, false),
                    ("07:00", true, true, false),
                    ("07", false, false, false),
                ];
                forms
                    .iter()
                    .find(|(f, ..)| starts(i + 1, f))
                    .map(|(f, colon, min, sec)| (Std::NumTz(z, *colon, *min, *sec), f.len() + 1))
            }
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0') | Some(b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if is_digit_at(b, j) {
                    None
                } else {
                    Some((Std::Frac(j - i - 1, ch == b'0', c as char), j - i))
                }
            }
            _ => None,
        };
        match found {
            Some((std, len)) => {
                if !lit.is_empty() {
                    out.push(Chunk::Lit(std::mem::take(&mut lit)));
                }
                out.push(Chunk::Std(std));
                i += len;
            }
            None => {
                let ch = layout[i..].chars().next().unwrap_or(' ');
                lit.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !lit.is_empty() {
        out.push(Chunk::Lit(lit));
    }
    out
}

fn weekday_index(w: Weekday) -> usize {
    w.to_sunday_zero_offset() as usize
}

/// The zone abbreviation Go prints for `MST` (empty when the zone has none).
fn abbreviation(z: &Zoned) -> String {
    let tz = z.time_zone();
    if tz.iana_name() == Some("UTC") || tz == &TimeZone::UTC {
        return "UTC".into();
    }
    let info = tz.to_offset_info(z.timestamp());
    let abbr = info.abbreviation();
    if abbr.starts_with(['+', '-']) {
        String::new()
    } else {
        abbr.to_string()
    }
}

fn push_num_tz(out: &mut String, secs: i32, colon: bool, min: bool, sec: bool) {
    let zone = secs / 60;
    let abs = zone.abs();
    out.push(if zone < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", abs / 60));
    if min {
        if colon {
            out.push(':');
        }
        out.push_str(&format!("{:02}", abs % 60));
    }
    if sec {
        if colon {
            out.push(':');
        }
        out.push_str(&format!("{:02}", secs.abs() % 60));
    }
}

/// Go's `Time.Format(layout)`.
pub fn format(z: &Zoned, layout: &str) -> String {
    let mut out = String::new();
    let (year, month, day) = (z.year() as i64, z.month() as usize, z.day());
    let (hour, minute, second) = (z.hour(), z.minute(), z.second());
    let nanos = z.subsec_nanosecond();
    let offset = z.offset().seconds();
    for chunk in chunks(layout) {
        let std = match chunk {
            Chunk::Lit(s) => {
                out.push_str(&s);
                continue;
            }
            Chunk::Std(s) => s,
        };
        match std {
            Std::LongMonth => out.push_str(MONTHS[month - 1]),
            Std::Month => out.push_str(&MONTHS[month - 1][..3]),
            Std::NumMonth => out.push_str(&month.to_string()),
            Std::ZeroMonth => out.push_str(&format!("{month:02}")),
            Std::LongWeekDay => out.push_str(DAYS[weekday_index(z.weekday())]),
            Std::WeekDay => out.push_str(&DAYS[weekday_index(z.weekday())][..3]),
            Std::Day => out.push_str(&day.to_string()),
            Std::UnderDay => out.push_str(&format!("{day:>2}")),
            Std::ZeroDay => out.push_str(&format!("{day:02}")),
            Std::UnderYearDay => out.push_str(&format!("{:>3}", z.day_of_year())),
            Std::ZeroYearDay => out.push_str(&format!("{:03}", z.day_of_year())),
            Std::Hour => out.push_str(&format!("{hour:02}")),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = match hour % 12 {
                    0 => 12,
                    h => h,
                };
                if std == Std::Hour12 {
                    out.push_str(&h.to_string());
                } else {
                    out.push_str(&format!("{h:02}"));
                }
            }
            Std::Minute => out.push_str(&minute.to_string()),
            Std::ZeroMinute => out.push_str(&format!("{minute:02}")),
            Std::Second => out.push_str(&second.to_string()),
            Std::ZeroSecond => out.push_str(&format!("{second:02}")),
            Std::LongYear => {
                if year < 0 {
                    out.push_str(&format!("-{:04}", -year));
                } else {
                    out.push_str(&format!("{year:04}"));
                }
            }
            Std::Year => out.push_str(&format!("{:02}", year.rem_euclid(100))),
            Std::PM => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                let abbr = abbreviation(z);
                if abbr.is_empty() {
                    push_num_tz(&mut out, offset, false, true, false);
                } else {
                    out.push_str(&abbr);
                }
            }
            Std::NumTz(iso, colon, min, sec) => {
                if iso && offset == 0 {
                    out.push('Z');
                } else {
                    push_num_tz(&mut out, offset, colon, min, sec);
                }
            }
            Std::Frac(n, keep_zeros, sep) => {
                let digits = format!("{nanos:09}");
                let mut d = digits[..n.min(9)].to_string();
                if !keep_zeros {
                    d = d.trim_end_matches('0').to_string();
                    if d.is_empty() {
                        continue;
                    }
                }
                out.push(sep);
                out.push_str(&d);
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    capstan_gotmpl::fmt::quote(s)
}

fn layout_elem(std: Std) -> &'static str {
    match std {
        Std::LongMonth => "January",
        Std::Month => "Jan",
        Std::NumMonth => "1",
        Std::ZeroMonth => "01",
        Std::LongWeekDay => "Monday",
        Std::WeekDay => "Mon",
        Std::Day => "2",
        Std::UnderDay => "_2",
        Std::ZeroDay => "02",
        Std::UnderYearDay => "__2",
        Std::ZeroYearDay => "002",
        Std::Hour => "15",
        Std::Hour12 => "3",
        Std::ZeroHour12 => "03",
        Std::Minute => "4",
        Std::ZeroMinute => "04",
        Std::Second => "5",
        Std::ZeroSecond => "05",
        Std::LongYear => "2006",
        Std::Year => "06",
        Std::PM => "PM",
        Std::Pm => "pm",
        Std::Tz => "MST",
        Std::NumTz(..) => "-0700",
        Std::Frac(..) => ".000",
    }
}

/// Reads up to `max` digits (at least `min`).
fn take_num(s: &str, min: usize, max: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// Go's `time.ParseInLocation(layout, value, loc)` for the common layout elements. The error
/// text follows Go's `ParseError`.
pub fn parse(layout: &str, value: &str, loc: &TimeZone) -> Result<Zoned, String> {
    let err = |elem: &str, rest: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(rest),
            quote(elem)
        )
    };
    let (mut year, mut month, mut day) = (0i64, 1i64, 1i64);
    let (mut hour, mut minute, mut second, mut nanos) = (0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut rest = value;
    for chunk in chunks(layout) {
        let std = match chunk {
            Chunk::Lit(l) => {
                rest = rest.strip_prefix(l.as_str()).ok_or_else(|| err(&l, rest))?;
                continue;
            }
            Chunk::Std(s) => s,
        };
        let elem = layout_elem(std);
        let bad = || err(elem, rest);
        let (val, next) = match std {
            Std::LongYear => take_num(rest, 4, 4).ok_or_else(bad)?,
            Std::Year => {
                let (y, n) = take_num(rest, 2, 2).ok_or_else(bad)?;
                (if y >= 69 { 1900 + y } else { 2000 + y }, n)
            }
            Std::LongMonth | Std::Month => {
                let full = std == Std::LongMonth;
                let found = MONTHS.iter().enumerate().find_map(|(i, m)| {
                    let name = if full { m } else { &m[..3] };
                    rest.get(..name.len())
                        .filter(|p| p.eq_ignore_ascii_case(name))
                        .map(|_| (i as i64 + 1, &rest[name.len()..]))
                });
                found.ok_or_else(bad)?
            }
            Std::LongWeekDay | Std::WeekDay => {
                let full = std == Std::LongWeekDay;
                let found = DAYS.iter().find_map(|d| {
                    let name = if full { d } else { &d[..3] };
                    rest.get(..name.len())
                        .filter(|p| p.eq_ignore_ascii_case(name))
                        .map(|_| (0, &rest[name.len()..]))
                });
                found.ok_or_else(bad)?
            }
            Std::NumMonth | Std::Day | Std::Hour12 | Std::Minute | Std::Second => {
                take_num(rest, 1, 2).ok_or_else(bad)?
            }
            Std::UnderDay => {
                take_num(rest.strip_prefix(' ').unwrap_or(rest), 1, 2).ok_or_else(bad)?
            }
            Std::ZeroMonth
            | Std::ZeroDay
            | Std::Hour
            | Std::ZeroHour12
            | Std::ZeroMinute
            | Std::ZeroSecond => take_num(rest, 2, 2).ok_or_else(bad)?,
            Std::UnderYearDay | Std::ZeroYearDay => {
                take_num(rest.trim_start(), 1, 3).ok_or_else(bad)?
            }
            Std::PM | Std::Pm => {
                let p = rest.get(..2).ok_or_else(bad)?;
                pm = Some(match p.to_ascii_uppercase().as_str() {
                    "PM" => true,
                    "AM" => false,
                    _ => return Err(bad()),
                });
                (0, &rest[2..])
            }
            Std::Tz => {
                if let Some(r) = rest.strip_prefix("UTC") {
                    offset = Some(0);
                    (0, r)
                } else {
                    let n = rest.bytes().take_while(u8::is_ascii_uppercase).count();
                    if n < 3 {
                        return Err(bad());
                    }
                    (0, &rest[n..])
                }
            }
            Std::NumTz(iso, colon, min, sec) => {
                if iso && rest.starts_with('Z') {
                    offset = Some(0);
                    (0, &rest[1..])
                } else {
                    let sign = match rest.as_bytes().first() {
                        Some(b'+') => 1,
                        Some(b'-') => -1,
                        _ => return Err(bad()),
                    };
                    let mut r = &rest[1..];
                    let (h, n) = take_num(r, 2, 2).ok_or_else(bad)?;
                    r = n;
                    let mut total = h * 3600;
                    for (wanted, unit) in [(min, 60), (sec, 1)] {
                        if !wanted {
                            continue;
                        }
                        if colon {
                            r = r.strip_prefix(':').ok_or_else(bad)?;
                        }
                        let (m, n) = take_num(r, 2, 2).ok_or_else(bad)?;
                        total += m * unit;
                        r = n;
                    }
                    offset = Some((sign * total) as i32);
                    (0, r)
                }
            }
            Std::Frac(n, _, sep) => {
                let r = rest.strip_prefix(sep).ok_or_else(bad)?;
                let digits = r.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 || (std_keeps(std) && digits != n) {
                    return Err(bad());
                }
                let d = &r[..digits.min(9)];
                nanos = format!("{d:0<9}").parse().unwrap_or(0);
                (nanos, &r[digits..])
            }
        };
        match std {
            Std::LongYear | Std::Year => year = val,
            Std::LongMonth | Std::Month | Std::NumMonth | Std::ZeroMonth => month = val,
            Std::Day | Std::UnderDay | Std::ZeroDay => day = val,
            Std::Hour | Std::Hour12 | Std::ZeroHour12 => hour = val,
            Std::Minute | Std::ZeroMinute => minute = val,
            Std::Second | Std::ZeroSecond => {
                second = val;
                // Go accepts fractional seconds after a seconds field even if the layout has none.
                if let Some(r) = next.strip_prefix('.') {
                    let digits = r.bytes().take_while(u8::is_ascii_digit).count();
                    if digits > 0 && !layout_has_frac(layout) {
                        let d = &r[..digits.min(9)];
                        nanos = format!("{d:0<9}").parse().unwrap_or(0);
                        rest = &r[digits..];
                        continue;
                    }
                }
            }
            _ => {}
        }
        rest = next;
    }
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    if let Some(p) = pm {
        if hour > 12 {
            return Err(format!("parsing time {}: hour out of range", quote(value)));
        }
        if p && hour < 12 {
            hour += 12;
        } else if !p && hour == 12 {
            hour = 0;
        }
    }
    let range = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    if hour > 23 {
        return Err(range("hour"));
    }
    if minute > 59 {
        return Err(range("minute"));
    }
    if second > 59 {
        return Err(range("second"));
    }
    let d = date(year as i16, month as i8, 1);
    if day < 1 || day > i64::from(d.days_in_month()) {
        return Err(range("day"));
    }
    let dt = date(year as i16, month as i8, day as i8).at(
        hour as i8,
        minute as i8,
        second as i8,
        nanos as i32,
    );
    let zoned = match offset {
        Some(off) => {
            let o = Offset::from_seconds(off).map_err(|e| e.to_string())?;
            let ts = o.to_timestamp(dt).map_err(|e| e.to_string())?;
            // Go keeps the location when its offset matches, otherwise a fixed zone.
            let in_loc = ts.to_zoned(loc.clone());
            if in_loc.offset() == o {
                in_loc
            } else {
                ts.to_zoned(TimeZone::fixed(o))
            }
        }
        None => dt.to_zoned(loc.clone()).map_err(|e| e.to_string())?,
    };
    Ok(zoned)
}

fn std_keeps(std: Std) -> bool {
    matches!(std, Std::Frac(_, true, _))
}

fn layout_has_frac(layout: &str) -> bool {
    chunks(layout)
        .iter()
        .any(|c| matches!(c, Chunk::Std(Std::Frac(..))))
}

/// Go's zero `time.Time` (January 1, year 1, 00:00:00 UTC).
pub fn zero_time() -> Zoned {
    date(1, 1, 1)
        .at(0, 0, 0, 0)
        .to_zoned(TimeZone::UTC)
        .unwrap_or_else(|_| Timestamp::UNIX_EPOCH.to_zoned(TimeZone::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_go_layouts() {
        let z = date(2026, 3, 4)
            .at(15, 4, 5, 120_000_000)
            .to_zoned(TimeZone::UTC)
            .unwrap();
        assert_eq!(
            format(&z, "2006-01-02 15:04:05.999999999 -0700 MST"),
            "2026-03-04 15:04:05.12 +0000 UTC"
        );
        assert_eq!(
            format(&z, "Mon Jan _2 3:4:5 PM 06 002 .000 Z07:00"),
            "Wed Mar  4 3:4:5 PM 26 063 .120 Z"
        );
        assert_eq!(format(&z, "January 2, 2006"), "March 4, 2026");
        let p = parse(
            "2006-01-02T15:04:05Z07:00",
            "2026-03-04T15:04:05+01:00",
            &TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(p.timestamp().as_second(), z.timestamp().as_second() - 3600);
        let e = parse("2006-01-02", "2026-13-01", &TimeZone::UTC).unwrap_err();
        assert_eq!(e, "parsing time \"2026-13-01\": month out of range");
        let e = parse("2006-01-02", "x", &TimeZone::UTC).unwrap_err();
        assert_eq!(
            e,
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
    }
}
