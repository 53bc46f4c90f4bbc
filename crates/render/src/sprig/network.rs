//! `urlParse`, `urlJoin` (Go's net/url for the common URL shapes) and `mustFromJson`.

use super::{arg, arg_str, f, SprigFunc};
use capstan_gotmpl::Value;
use std::collections::BTreeMap;

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decoding; a malformed escape gives Go's `invalid URL escape "%zz"` text.
fn unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let digits = (
                b.get(i + 1).copied().and_then(hex_val),
                b.get(i + 2).copied().and_then(hex_val),
            );
            let (Some(hi), Some(lo)) = digits else {
                let bad = String::from_utf8_lossy(&b[i..(i + 3).min(b.len())]).into_owned();
                return Err(format!(
                    "invalid URL escape {}",
                    capstan_gotmpl::fmt::quote(&bad)
                ));
            };
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Escapes what Go's `EscapedPath`/`EscapedFragment` would for ordinary text.
fn escape(s: &str, extra_ok: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-_.~".contains(c) || extra_ok.contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Url {
    scheme: String,
    opaque: String,
    /// The user info as `Userinfo.String()` gives it (re-escaped), when there is one.
    userinfo: Option<String>,
    host: String,
    path: String,
    query: String,
    fragment: String,
}

/// The parts of a URL Go's `unescape` treats differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape` for the modes `url.Parse` uses.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Go's `unescape` (checks first, with its `EscapeError` and `InvalidHostError` texts).
fn unescape_mode(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let quote = |bytes: &[u8]| capstan_gotmpl::fmt::quote(&String::from_utf8_lossy(bytes));
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len() || hex_val(b[i + 1]).is_none() || hex_val(b[i + 2]).is_none() {
                    let bad = &b[i..(i + 3).min(b.len())];
                    return Err(format!("invalid URL escape {}", quote(bad)));
                }
                let v = hex_val(b[i + 1]).unwrap_or(0) << 4 | hex_val(b[i + 2]).unwrap_or(0);
                let is25 = &b[i..i + 3] == b"%25";
                // Hosts may only escape non-ASCII bytes (and `%25` in IPv6 zones).
                if mode == Mode::Host && hex_val(b[i + 1]).unwrap_or(0) < 8 && !is25 {
                    return Err(format!("invalid URL escape {}", quote(&b[i..i + 3])));
                }
                if mode == Mode::Zone && !is25 && v != b' ' && should_escape(v, Mode::Host) {
                    return Err(format!("invalid URL escape {}", quote(&b[i..i + 3])));
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        quote(&b[i..i + 1])
                    ));
                }
                i += 1;
            }
        }
    }
    unescape(s)
}

/// Go's `escape` for user names and passwords (`Userinfo.String`).
fn escape_user(s: &str) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        if should_escape(b, Mode::UserPassword) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// `:` followed by digits only, or nothing (Go's `validOptionalPort`).
fn valid_optional_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `parseHost`.
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                capstan_gotmpl::fmt::quote(colon_port)
            ));
        }
        if let Some(zone) = host[..i].find("%25") {
            let h1 = unescape_mode(&host[..zone], Mode::Host)?;
            let h2 = unescape_mode(&host[zone..i], Mode::Zone)?;
            let h3 = unescape_mode(&host[i..], Mode::Host)?;
            return Ok(h1 + &h2 + &h3);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                capstan_gotmpl::fmt::quote(colon_port)
            ));
        }
    }
    unescape_mode(host, Mode::Host)
}

/// Go's `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|r| {
        r.is_ascii_alphanumeric()
            || matches!(
                r,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

/// Go's `parseAuthority`: the user info (as `Userinfo.String()` prints it) and the host.
fn parse_authority(authority: &str) -> Result<(Option<String>, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".into());
    }
    let shown = match userinfo.split_once(':') {
        None => escape_user(&unescape_mode(userinfo, Mode::UserPassword)?),
        Some((user, password)) => format!(
            "{}:{}",
            escape_user(&unescape_mode(user, Mode::UserPassword)?),
            escape_user(&unescape_mode(password, Mode::UserPassword)?)
        ),
    };
    Ok((Some(shown), host))
}

/// Go's `getScheme`: the scheme and the rest (no scheme when the text does not start with
/// one).
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i == 0 => return Ok(("", raw)),
            b'0'..=b'9' | b'+' | b'-' | b'.' => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `url.Parse` (not via a request): errors carry `parse "URL": ` with the URL before
/// its fragment, or the whole text for a bad fragment.
fn parse_url(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let err =
        |url: &str, what: String| format!("parse {}: {what}", capstan_gotmpl::fmt::quote(url));
    let mut url = parse_no_fragment(u).map_err(|e| err(u, e))?;
    url.fragment = unescape_mode(frag, Mode::Fragment).map_err(|e| err(raw, e))?;
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url {
        scheme: String::new(),
        opaque: String::new(),
        userinfo: None,
        host: String::new(),
        path: String::new(),
        query: String::new(),
        fragment: String::new(),
    };
    if raw == "*" {
        url.path = "*".into();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        &rest[..rest.len() - 1]
    } else {
        match rest.split_once('?') {
            Some((r, q)) => {
                url.query = q.to_string();
                r
            }
            None => rest,
        }
    };
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // Rootless paths are opaque.
            url.opaque = rest.to_string();
            return Ok(url);
        }
        if rest.split('/').next().unwrap_or("").contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let end = after.find('/').unwrap_or(after.len());
        let (userinfo, host) = parse_authority(&after[..end])?;
        url.userinfo = userinfo;
        url.host = host;
        rest = &after[end..];
    }
    url.path = unescape_mode(rest, Mode::Path)?;
    Ok(url)
}

/// Go's `URL.Hostname`: the host without a valid port and without IPv6 brackets.
fn hostname(host: &str) -> String {
    let mut h = host;
    if let Some(colon) = h.rfind(':') {
        if valid_optional_port(&h[colon..]) {
            h = &h[..colon];
        }
    }
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    h.to_string()
}

fn url_parse(a: &[Value]) -> Result<Value, String> {
    let u = parse_url(arg_str(a, 0)).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut m = BTreeMap::new();
    m.insert("scheme".to_string(), Value::from(u.scheme.as_str()));
    m.insert("host".to_string(), Value::from(u.host.as_str()));
    m.insert("hostname".to_string(), Value::from(hostname(&u.host)));
    m.insert("path".to_string(), Value::from(u.path.as_str()));
    m.insert("query".to_string(), Value::from(u.query.as_str()));
    m.insert("opaque".to_string(), Value::from(u.opaque.as_str()));
    m.insert("fragment".to_string(), Value::from(u.fragment.as_str()));
    m.insert(
        "userinfo".to_string(),
        Value::from(u.userinfo.unwrap_or_default()),
    );
    Ok(Value::map(m))
}

fn meta(d: &Value, key: &str) -> Result<String, String> {
    let Value::Map(m) = d else {
        return Ok(String::new());
    };
    match m.get(key).as_ref() {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(other) => Err(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            other.type_name()
        )),
    }
}

fn url_join(a: &[Value]) -> Result<Value, String> {
    let d = arg(a, 0);
    let (scheme, host, path) = (meta(&d, "scheme")?, meta(&d, "host")?, meta(&d, "path")?);
    let (query, opaque, fragment) = (
        meta(&d, "query")?,
        meta(&d, "opaque")?,
        meta(&d, "fragment")?,
    );
    let userinfo = meta(&d, "userinfo")?;
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        if !scheme.is_empty() || !host.is_empty() || !userinfo.is_empty() {
            if !host.is_empty() || !path.is_empty() || !userinfo.is_empty() {
                out.push_str("//");
            }
            if !userinfo.is_empty() {
                out.push_str(&userinfo);
                out.push('@');
            }
            out.push_str(&host);
        }
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        out.push_str(&escape(&path, "/:@!$&'()*+,;="));
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&escape(&fragment, "/:@!$&'()*+,;=?"));
    }
    Ok(Value::from(out))
}

fn from_serde(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float64(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s),
        serde_json::Value::Array(a) => Value::list(a.into_iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.into_iter().map(|(k, v)| (k, from_serde(v))).collect())
        }
    }
}

fn must_from_json(a: &[Value]) -> Result<Value, String> {
    let text = arg_str(a, 0);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(from_serde(v)),
        Err(e) => {
            let d = super::json_decode::after_serde_error(text, &e)?;
            match d.error {
                Some(err) => Err(err),
                None => Ok(d.value),
            }
        }
    }
}

/// The URL and JSON-decoding family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f(
            "urlParse",
            "func(string) map[string]interface {}",
            url_parse,
        ),
        f("urlJoin", "func(map[string]interface {}) string", url_join),
        f(
            "mustFromJson",
            "func(string) (interface {}, error)",
            must_from_json,
        ),
    ]
}
