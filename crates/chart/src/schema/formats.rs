//! JSON-schema `format` checks that fail with the messages of santhosh-tekuri/jsonschema
//! v6 (what Helm 4 prints), registered over boon's own. `ipv6`, `regex` and
//! `uri-template` keep boon's checks (their Go messages come from Go's `net/netip` and
//! `regexp`); the URI formats follow the common `net/url` parse errors.

use std::error::Error;

use boon::{Compiler, Format};
use serde_json::Value;

type Res = Result<(), Box<dyn Error>>;

/// A format check as boon wants it.
type Check = fn(&Value) -> Res;

/// Registers our Go-worded formats on a compiler.
pub(crate) fn register(c: &mut Compiler) {
    let list: [(&'static str, Check); 15] = [
        ("uri", uri),
        ("iri", uri),
        ("uri-reference", uri_reference),
        ("iri-reference", uri_reference),
        ("json-pointer", json_pointer),
        ("relative-json-pointer", relative_json_pointer),
        ("uuid", uuid),
        ("duration", duration),
        ("period", period),
        ("ipv4", ipv4),
        ("hostname", hostname),
        ("email", email),
        ("date", date),
        ("time", time),
        ("date-time", date_time),
    ];
    for (name, func) in list {
        c.register_format(Format { name, func });
    }
}

fn err(msg: String) -> Res {
    Err(msg.into())
}

/// Go's `%q` of a rune.
fn q(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn pointer_str(s: &str) -> Res {
    if s.is_empty() {
        return Ok(());
    }
    let Some(rest) = s.strip_prefix('/') else {
        return err("not starting with /".into());
    };
    for tok in rest.split('/') {
        let mut escape = false;
        for ch in tok.chars() {
            if escape {
                escape = false;
                if ch != '0' && ch != '1' {
                    return err("~ must be followed by 0 or 1".into());
                }
                continue;
            }
            if ch == '~' {
                escape = true;
            }
        }
        if escape {
            return err("~ must be followed by 0 or 1".into());
        }
    }
    Ok(())
}

fn json_pointer(v: &Value) -> Res {
    match v {
        Value::String(s) => pointer_str(s),
        _ => Ok(()),
    }
}

fn relative_json_pointer(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return err("must start with non-negative integer".into());
    }
    if digits > 1 && s.starts_with('0') {
        return err("starts with zero".into());
    }
    let rest = &s[digits..];
    if rest == "#" {
        return Ok(());
    }
    pointer_str(rest)
}

fn uuid(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    let groups: Vec<&str> = s.split('-').collect();
    let want = [8, 4, 4, 4, 12];
    if groups.len() != want.len() {
        return err("must have 5 elements".into());
    }
    for (i, g) in groups.iter().enumerate() {
        if g.len() != want[i] {
            return err(format!(
                "element {} must be {} characters long",
                i + 1,
                want[i]
            ));
        }
        if let Some(c) = g.chars().find(|c| !c.is_ascii_hexdigit()) {
            return err(format!("non-hex character {}", q(c)));
        }
    }
    Ok(())
}

fn duration_str(s: &str) -> Res {
    let Some(s) = s.strip_prefix('P') else {
        return err("must start with P".into());
    };
    if s.is_empty() {
        return err("nothing after P".into());
    }
    if let Some(w) = s.strip_suffix('W') {
        if w.is_empty() {
            return err("no number in week".into());
        }
        if !w.chars().all(|c| c.is_ascii_digit()) {
            return err("invalid week".into());
        }
        return Ok(());
    }
    let all = ["YMD", "HMS"];
    for (i, part) in s.split('T').enumerate() {
        if i != 0 && part.is_empty() {
            return err("no time elements".into());
        }
        if i >= all.len() {
            return err("more than one T".into());
        }
        let mut units = all[i];
        let mut rest = part;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return err("missing number".into());
            }
            rest = &rest[digits..];
            let Some(unit) = rest.chars().next() else {
                return err("missing unit".into());
            };
            match units.find(unit) {
                Some(j) => units = &units[j + 1..],
                None if all[i].contains(unit) => {
                    return err(format!("unit {} out of order", q(unit)))
                }
                None => return err(format!("invalid unit {}", q(unit))),
            }
            rest = &rest[unit.len_utf8()..];
        }
    }
    Ok(())
}

fn duration(v: &Value) -> Res {
    match v {
        Value::String(s) => duration_str(s),
        _ => Ok(()),
    }
}

fn period(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    let Some((start, end)) = s.split_once('/') else {
        return err("missing slash".into());
    };
    if start.starts_with('P') {
        if let Err(e) = duration_str(start) {
            return err(format!("invalid start duration: {e}"));
        }
        if let Err(e) = date_time_str(end) {
            return err(format!("invalid end date-time: {e}"));
        }
    } else {
        if let Err(e) = date_time_str(start) {
            return err(format!("invalid start date-time: {e}"));
        }
        if end.starts_with('P') {
            if let Err(e) = duration_str(end) {
                return err(format!("invalid end duration: {e}"));
            }
        } else if let Err(e) = date_time_str(end) {
            return err(format!("invalid end date-time: {e}"));
        }
    }
    Ok(())
}

fn ipv4_str(s: &str) -> Res {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return err("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return err("leading zeros".into());
        }
        let n: i64 = match g.parse() {
            Ok(n) if !g.starts_with('+') => n,
            _ => return err(format!("strconv.Atoi: parsing {g:?}: invalid syntax")),
        };
        if !(0..=255).contains(&n) {
            return err("decimal must be between 0 and 255".into());
        }
    }
    Ok(())
}

fn ipv4(v: &Value) -> Res {
    match v {
        Value::String(s) => ipv4_str(s),
        _ => Ok(()),
    }
}

fn hostname_str(s: &str) -> Res {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return err("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return err("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return err("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return err("label ends with hyphen".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return err(format!("invalid character {}", q(c)));
        }
    }
    Ok(())
}

fn hostname(v: &Value) -> Res {
    match v {
        Value::String(s) => hostname_str(s),
        _ => Ok(()),
    }
}

fn email(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    if s.len() > 254 {
        return err("more than 255 characters long".into());
    }
    let Some(at) = s.rfind('@') else {
        return err("missing @".into());
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.len() > 64 {
        return err("local part more than 64 characters long".into());
    }
    if local.len() > 1 && local.starts_with('"') {
        // Byte slicing as Go does (the last byte need not end a character).
        let lb = local.as_bytes();
        let inner = &lb[1..lb.len() - 1];
        if inner.contains(&b'\\') || inner.contains(&b'"') {
            return err("backslash and quote are not allowed within quoted local part".into());
        }
    } else {
        if local.starts_with('.') {
            return err("starts with dot".into());
        }
        if local.ends_with('.') {
            return err("ends with dot".into());
        }
        if local.contains("..") {
            return err("consecutive dots".into());
        }
        if let Some(c) = local
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !".!#$%&'*+-/=?^_`{|}~".contains(*c))
        {
            return err(format!("invalid character {}", q(c)));
        }
    }
    if domain.len() >= 2 && domain.starts_with('[') && domain.ends_with(']') {
        let inner = &domain[1..domain.len() - 1];
        if let Some(v6) = inner.strip_prefix("IPv6:") {
            if v6.parse::<std::net::Ipv6Addr>().is_err() {
                return err("invalid ipv6 address: invalid IPv6 address".into());
            }
            return Ok(());
        }
        if let Err(e) = ipv4_str(inner) {
            return err(format!("invalid ipv4 address: {e}"));
        }
        return Ok(());
    }
    if let Err(e) = hostname_str(domain) {
        return err(format!("invalid domain: {e}"));
    }
    Ok(())
}

/// Go's `time.Parse("2006-01-02", s)` errors.
fn date_str(s: &str) -> Res {
    let fail = |value: &str, elem: &str| {
        err(format!(
            "parsing time {s:?} as \"2006-01-02\": cannot parse {value:?} as {elem:?}"
        ))
    };
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return fail(s, "2006");
    }
    let year: i64 = s[..4].parse().unwrap_or(0);
    let mut rest = &s[4..];
    let mut fields = [0i64; 2];
    for (i, f) in fields.iter_mut().enumerate() {
        let Some(r) = rest.strip_prefix('-') else {
            return fail(rest, "-");
        };
        rest = r;
        let rb = rest.as_bytes();
        let elem = if i == 0 { "01" } else { "02" };
        if rb.len() < 2 || !rb[0].is_ascii_digit() || !rb[1].is_ascii_digit() {
            return fail(rest, elem);
        }
        *f = rest[..2].parse().unwrap_or(0);
        if i == 0 && !(1..=12).contains(f) {
            return err(format!("parsing time {s:?}: month out of range"));
        }
        if i == 1 && !(0..=31).contains(f) {
            return err(format!("parsing time {s:?}: day out of range"));
        }
        rest = &rest[2..];
    }
    if !rest.is_empty() {
        return err(format!("parsing time {s:?}: extra text: {rest:?}"));
    }
    let (month, day) = (fields[0], fields[1]);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return err(format!("parsing time {s:?}: day out of range"));
    }
    Ok(())
}

fn date(v: &Value) -> Res {
    match v {
        Value::String(s) => date_str(s),
        _ => Ok(()),
    }
}

fn num(tok: &str) -> Option<i64> {
    // strconv.Atoi accepts a sign.
    tok.parse().ok()
}

fn time_str(s: &str) -> Res {
    let b = s.as_bytes();
    if b.len() < 9 {
        return err("less than 9 characters long".into());
    }
    if b[2] != b':' || b[5] != b':' {
        return err("missing colon in correct place".into());
    }
    let Some(head) = s.get(..8) else {
        return err("invalid hour/min/sec".into());
    };
    let mut hms = Vec::new();
    for tok in head.splitn(3, ':') {
        match num(tok) {
            None => return err("invalid hour/min/sec".into()),
            Some(i) if i < 0 => return err("non-positive hour/min/sec".into()),
            Some(i) => hms.push(i),
        }
    }
    if hms.len() != 3 {
        return err("missing hour/min/sec".into());
    }
    let (mut h, mut m, sec) = (hms[0], hms[1], hms[2]);
    if h > 23 || m > 59 || sec > 60 {
        return err("hour/min/sec out of range".into());
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return err("no digits in second fraction".into());
        }
        rest = &frac[digits..];
    }
    if rest != "z" && rest != "Z" {
        if rest.len() != 6 {
            return err("offset must be 6 characters long".into());
        }
        let sign = match rest.as_bytes()[0] {
            b'+' => -1,
            b'-' => 1,
            _ => return err("offset must begin with plus/minus".into()),
        };
        let off = &rest[1..];
        if off.as_bytes().get(2) != Some(&b':') {
            return err("missing colon in offset in correct place".into());
        }
        let mut zhm = Vec::new();
        for tok in off.splitn(2, ':') {
            match num(tok) {
                None => return err("invalid hour/min in offset".into()),
                Some(i) if i < 0 => return err("non-positive hour/min in offset".into()),
                Some(i) => zhm.push(i),
            }
        }
        let (zh, zm) = (zhm[0], zhm.get(1).copied().unwrap_or(0));
        if zh > 23 || zm > 59 {
            return err("hour/min in offset out of range".into());
        }
        let mut hm = (h * 60 + m) + sign * (zh * 60 + zm);
        if hm < 0 {
            hm += 24 * 60;
        }
        h = hm / 60;
        m = hm % 60;
    }
    if sec >= 60 && (h != 23 || m != 59) {
        return err("invalid leap second".into());
    }
    Ok(())
}

fn time(v: &Value) -> Res {
    match v {
        Value::String(s) => time_str(s),
        _ => Ok(()),
    }
}

/// The subset of Go's `url.Parse` errors that matter for schema formats, worded as Go
/// does (`parse "x": missing protocol scheme`); returns whether a scheme was found.
fn go_url_parse(raw: &str) -> Result<bool, Box<dyn Error>> {
    let wrap = |m: &str| -> Box<dyn Error> { format!("parse {raw:?}: {m}").into() };
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(wrap("net/url: invalid control character in URL"));
    }
    // Percent escapes must be well formed everywhere.
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = i + 2 < b.len()
                && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                let end = (i + 3).min(b.len());
                let esc = String::from_utf8_lossy(&b[i..end]).into_owned();
                return Err(wrap(&format!("invalid URL escape {esc:?}")));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let no_frag = raw.split('#').next().unwrap_or("");
    if no_frag == "*" {
        return Ok(false);
    }
    let mut scheme_len = None;
    for (i, c) in no_frag.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(wrap("missing protocol scheme")),
            ':' => {
                scheme_len = Some(i);
                break;
            }
            _ => break,
        }
    }
    let rest = match scheme_len {
        Some(n) => &no_frag[n + 1..],
        None => no_frag,
    };
    let rest = rest.split('?').next().unwrap_or("");
    if !rest.starts_with('/') {
        if scheme_len.is_some() {
            return Ok(true);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err(wrap("first path segment in URL cannot contain colon"));
        }
    }
    if let Some(auth) = rest.strip_prefix("//") {
        let authority = auth.split('/').next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        if !host.starts_with('[') {
            if let Some((_, port)) = host.rsplit_once(':') {
                if !port.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(wrap(&format!("invalid port \":{port}\" after host")));
                }
            }
        }
    }
    Ok(scheme_len.is_some())
}

fn uri(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    if !go_url_parse(s)? {
        return err("relative url".into());
    }
    Ok(())
}

fn uri_reference(v: &Value) -> Res {
    let Value::String(s) = v else { return Ok(()) };
    if s.contains('\\') {
        return err("contains \\".into());
    }
    go_url_parse(s).map(|_| ())
}

fn date_time_str(s: &str) -> Res {
    let b = s.as_bytes();
    if b.len() < 20 {
        return err("less than 20 characters long".into());
    }
    if b[10] != b't' && b[10] != b'T' {
        return err("11th character must be t or T".into());
    }
    let (Some(d), Some(t)) = (s.get(..10), s.get(11..)) else {
        return err("invalid date element: not ASCII".into());
    };
    if let Err(e) = date_str(d) {
        return err(format!("invalid date element: {e}"));
    }
    if let Err(e) = time_str(t) {
        return err(format!("invalid time element: {e}"));
    }
    Ok(())
}

fn date_time(v: &Value) -> Res {
    match v {
        Value::String(s) => date_time_str(s),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(f: fn(&Value) -> Res, s: &str) -> String {
        f(&Value::String(s.into())).map_or_else(|e| e.to_string(), |()| "ok".into())
    }

    #[test]
    fn go_messages() {
        // What helm 4.3.1 printed for these values.
        assert_eq!(msg(ipv4, "256.1.1.1"), "decimal must be between 0 and 255");
        assert_eq!(msg(duration, "P1X"), "invalid unit 'X'");
        assert_eq!(msg(time, "25:00:00Z"), "hour/min/sec out of range");
        assert_eq!(msg(hostname, "-bad-.example"), "label starts with hyphen");
        assert_eq!(msg(email, "a@b@c"), "invalid character '@'");
        assert_eq!(msg(email, "not-an-email"), "missing @");
        assert_eq!(msg(json_pointer, "no-slash"), "not starting with /");
        assert_eq!(msg(uuid, "1234"), "must have 5 elements");
        assert_eq!(
            msg(date, "2024-02-30"),
            "parsing time \"2024-02-30\": day out of range"
        );
        assert_eq!(
            msg(date_time, "2024-13-01T00:00:00Z"),
            "invalid date element: parsing time \"2024-13-01\": month out of range"
        );
        assert_eq!(
            msg(date, "2024-1-02"),
            "parsing time \"2024-1-02\" as \"2006-01-02\": cannot parse \"1-02\" as \"01\""
        );
        assert_eq!(msg(date, "2024-02-29"), "ok");
        assert_eq!(msg(date_time, "2024-01-01T23:59:60Z"), "ok");
        assert_eq!(msg(time, "12:00:60+01:00"), "invalid leap second");
        assert_eq!(msg(duration, "P1DT"), "no time elements");
        assert_eq!(msg(duration, "P1D2Y"), "unit 'Y' out of order");
        assert_eq!(
            msg(uuid, "123e4567-e89b-12d3-a456-42661417400g"),
            "non-hex character 'g'"
        );
    }

    #[test]
    fn never_panic_on_odd_strings() {
        let parts = [
            "1", "0", ":", "-", "T", "Z", "+", ".", "@", "\"", "é", "😀", "P", "W", "/", "~", "[",
            "]", "a", " ",
        ];
        let checks: [Check; 13] = [
            uri,
            uri_reference,
            json_pointer,
            relative_json_pointer,
            uuid,
            duration,
            period,
            ipv4,
            hostname,
            email,
            date,
            time,
            date_time,
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let mut x = seed;
            for _ in 0..len {
                s.push_str(parts[(x % parts.len() as u64) as usize]);
                x = x.rotate_left(5).wrapping_mul(31).wrapping_add(7);
            }
            for f in checks {
                let _ = f(&Value::String(s.clone()));
            }
        }
    }
}
