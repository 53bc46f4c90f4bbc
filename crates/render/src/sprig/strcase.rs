//! `camelcase`, `snakecase`, `kebabcase` (huandu/xstrings) and `wrap`, `wrapWith`
//! (Masterminds/goutils), which work on bytes as their Go originals do.

use super::{arg_int, arg_str, f, SprigFunc};
use capstan_gotmpl::Value;

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => super::strings::simple_case(c, true),
    }
}

fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => super::strings::simple_case(c, false),
    }
}

/// xstrings.ToCamelCase: connectors are dropped and the next letter upper-cased; leading
/// connectors stay, runs of connectors keep all but the last.
fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    let mut r0 = '\0';
    let mut found = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = upper(c);
            found = true;
            break;
        }
        out.push(c);
    }
    if !found {
        return out;
    }
    // A word that starts upper-case has the rest of its capital run lowered (`ID` -> `Id`,
    // `HTTPServer` -> `Httpserver`).
    let rest: String = chars.collect();
    let mut lowering = r0.is_uppercase()
        && s.trim_start_matches(is_connector)
            .starts_with(char::is_uppercase);
    let rest: String = rest
        .chars()
        .map(|c| {
            if lowering && c.is_uppercase() {
                lower(c)
            } else {
                lowering = false;
                c
            }
        })
        .collect();
    for c in rest.chars() {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = upper(r0);
        } else {
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Upper,
    Lower,
    Digit,
    Connector,
    Other,
}

fn class(c: char) -> Class {
    if is_connector(c) {
        Class::Connector
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_lowercase() {
        Class::Lower
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// Splits camel-case text into lower-cased words joined by `sep`: a new word starts at an
/// upper-case letter after a lower-case one, at the last capital of an upper-case run that is
/// followed by lower case (`HTTPServer` -> `http_server`), and at connectors (which collapse).
fn to_lower_words(s: &str, sep: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut pending_sep = false;
    for (i, &c) in chars.iter().enumerate() {
        let cl = class(c);
        if cl == Class::Connector {
            // Every connector becomes one separator, leading and trailing ones included.
            out.push(sep);
            pending_sep = false;
            continue;
        }
        if i > 0 && !out.is_empty() && !out.ends_with(sep) && !pending_sep {
            let prev = class(chars[i - 1]);
            let next = chars.get(i + 1).map(|n| class(*n));
            let boundary = match (prev, cl) {
                (Class::Lower, Class::Upper) => true,
                (Class::Upper, Class::Upper) => next == Some(Class::Lower),
                (Class::Digit, Class::Upper) => true,
                // `HTTP2xx` -> `http_2xx`: digits after capitals start a word when lower case follows.
                (Class::Upper, Class::Digit) => {
                    let after = chars[i..].iter().find(|c| class(**c) != Class::Digit);
                    after.is_some_and(|c| class(*c) == Class::Lower)
                }
                _ => false,
            };
            if boundary {
                pending_sep = true;
            }
        }
        if pending_sep {
            out.push(sep);
            pending_sep = false;
        }
        out.push(lower(c));
    }
    out
}

fn camelcase(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(camel(arg_str(a, 0))))
}

fn snakecase(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(to_lower_words(arg_str(a, 0), '_')))
}

fn kebabcase(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(to_lower_words(arg_str(a, 0), '-')))
}

fn bytes_str(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// goutils.WrapCustom, byte-oriented like the original .
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out = String::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        if let Some(rel) = space {
            out.push_str(&bytes_str(&b[offset..offset + rel]));
            out.push_str(nl);
            offset += rel + 1;
        } else if wrap_long {
            out.push_str(&bytes_str(&b[offset..offset + width]));
            out.push_str(nl);
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                None => {
                    out.push_str(&bytes_str(&b[offset..]));
                    offset = len;
                }
                Some(index) => {
                    let at = index + end;
                    out.push_str(&bytes_str(&b[offset..at]));
                    out.push_str(nl);
                    offset = at + 1;
                }
            }
        }
    }
    out.push_str(&bytes_str(&b[offset.min(len)..]));
    out
}

fn wrap(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(wrap_custom(
        arg_str(a, 1),
        arg_int(a, 0),
        "",
        false,
    )))
}

fn wrap_with(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(wrap_custom(
        arg_str(a, 2),
        arg_int(a, 0),
        arg_str(a, 1),
        true,
    )))
}

/// The case-conversion and wrapping family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("camelcase", "func(string) string", camelcase),
        f("snakecase", "func(string) string", snakecase),
        f("kebabcase", "func(string) string", kebabcase),
        f("wrap", "func(int, string) string", wrap),
        f("wrapWith", "func(int, string, string) string", wrap_with),
    ]
}
