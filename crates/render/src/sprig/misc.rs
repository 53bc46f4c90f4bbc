//! Semver (`semver`, `semverCompare` over `capstan_chart::semver`), Sprig's own JSON variants
//! (`toPrettyJson`, `toRawJson`, `mustFromJson` and the `must*` forms; Helm replaces `toJson`,
//! `mustToJson` and `fromJson`), and `hello`.

use super::{arg, arg_str, f, SprigFunc};
use capstan_chart::semver::{semver_compare, Version};
use capstan_gotmpl::Value;

fn semver_compare_fn(a: &[Value]) -> Result<Value, String> {
    semver_compare(arg_str(a, 0), arg_str(a, 1))
        .map(Value::Bool)
        .map_err(|e| e.to_string())
}

fn semver_fn(a: &[Value]) -> Result<Value, String> {
    let v = Version::parse(arg_str(a, 0)).map_err(|e| e.to_string())?;
    Ok(super::semver_obj::semver_pointer(v))
}

/// Go's `json.Indent(dst, compact, "", "  ")` on compact JSON text.
fn indent_json(compact: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let chars: Vec<char> = compact.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for (i, &c) in chars.iter().enumerate() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.get(i + 1) != Some(&close) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                let open = if c == '}' { '{' } else { '[' };
                if i > 0 && chars[i - 1] != open {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

/// Undoes Go's HTML-safe escaping (`\u003c`, `\u003e`, `\u0026`) for `SetEscapeHTML(false)`.
fn unescape_html(json: &str) -> String {
    let mut out = String::new();
    let mut rest = json;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let rep = ["\\u003c", "\\u003e", "\\u0026"]
            .iter()
            .zip(["<", ">", "&"])
            .find(|(esc, _)| tail.starts_with(**esc));
        if let Some((esc, lit)) = rep {
            out.push_str(lit);
            rest = &tail[esc.len()..];
        } else {
            // Any other escape is two characters (\uXXXX keeps its digits as plain text).
            let n = tail.chars().nth(1).map_or(1, |c| 1 + c.len_utf8());
            out.push_str(&tail[..n]);
            rest = &tail[n..];
        }
    }
    out.push_str(rest);
    out
}

fn json_text(v: &Value) -> Result<String, String> {
    crate::json::to_json(v).map_err(|e| e.to_string())
}

fn to_pretty_json(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        json_text(&arg(a, 0))
            .map(|j| indent_json(&j))
            .unwrap_or_default(),
    ))
}

fn must_to_pretty_json(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(indent_json(&json_text(&arg(a, 0))?)))
}

fn to_raw_json(a: &[Value]) -> Result<Value, String> {
    // Sprig's toRawJson panics on marshal errors; mustToRawJson returns them.
    Ok(Value::from(unescape_html(&json_text(&arg(a, 0))?)))
}

fn hello(_: &[Value]) -> Result<Value, String> {
    Ok(Value::from("Hello!"))
}

/// The miscellaneous family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("hello", "func() string", hello),
        f(
            "semverCompare",
            "func(string, string) (bool, error)",
            semver_compare_fn,
        ),
        f("semver", "func(string) (*semver.Version, error)", semver_fn),
        f("toPrettyJson", "func(interface {}) string", to_pretty_json),
        f(
            "mustToPrettyJson",
            "func(interface {}) (string, error)",
            must_to_pretty_json,
        ),
        f("toRawJson", "func(interface {}) string", to_raw_json),
        f(
            "mustToRawJson",
            "func(interface {}) (string, error)",
            to_raw_json,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_like_go() {
        assert_eq!(
            indent_json(r#"{"a":[1,{}],"b":[],"c":"x,{:"}"#),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": [],\n  \"c\": \"x,{:\"\n}"
        );
        assert_eq!(
            unescape_html(r#""\u003ca\u0026\\u003c""#),
            r#""<a&\\u003c""#
        );
    }
}
