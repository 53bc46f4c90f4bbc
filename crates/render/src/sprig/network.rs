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
    userinfo: Option<String>,
    host: String,
    path: String,
    query: String,
    fragment: String,
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let err = |what: &str| format!("parse {}: {what}", capstan_gotmpl::fmt::quote(raw));
    let (rest, fragment) = match raw.split_once('#') {
        Some((r, f)) => (r, unescape(f).map_err(|e| err(&e))?),
        None => (raw, String::new()),
    };
    let mut scheme = String::new();
    let mut rest = rest;
    if let Some(i) = rest.find(':') {
        let cand = &rest[..i];
        let valid = cand.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && cand
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if valid {
            scheme = cand.to_ascii_lowercase();
            rest = &rest[i + 1..];
        } else if i == 0 {
            return Err(err("missing protocol scheme"));
        }
    }
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, q.to_string()),
        None => (rest, String::new()),
    };
    let mut url = Url {
        scheme,
        opaque: String::new(),
        userinfo: None,
        host: String::new(),
        path: String::new(),
        query,
        fragment,
    };
    if !rest.starts_with('/') && !url.scheme.is_empty() {
        url.opaque = rest.to_string();
        return Ok(url);
    }
    let mut path = rest;
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        path = &after[end..];
        let host = match authority.rfind('@') {
            Some(at) => {
                url.userinfo = Some(authority[..at].to_string());
                &authority[at + 1..]
            }
            None => authority,
        };
        url.host = unescape(host).map_err(|e| err(&e))?;
    }
    url.path = unescape(path).map_err(|e| err(&e))?;
    Ok(url)
}

fn hostname(host: &str) -> String {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => host[..i].to_string(),
        _ => host.to_string(),
    }
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
    serde_json::from_str::<serde_json::Value>(text)
        .map(from_serde)
        .map_err(|e| super::json_syntax::syntax_error(text).unwrap_or_else(|| e.to_string()))
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
