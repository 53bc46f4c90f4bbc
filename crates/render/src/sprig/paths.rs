//! Slash-separated path functions (Go's `path` package; `os*` variants use `path/filepath`,
//! which on Linux behaves the same).

use super::{arg_str, f, SprigFunc};
use capstan_gotmpl::Value;

/// Go's `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn dir(p: &str) -> String {
    let cut = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    clean(&p[..cut])
}

fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

fn base_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(base(arg_str(a, 0))))
}

fn dir_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(dir(arg_str(a, 0))))
}

fn clean_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(clean(arg_str(a, 0))))
}

fn ext_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(ext(arg_str(a, 0))))
}

fn is_abs(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 0).starts_with('/')))
}

/// The path family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("base", "func(string) string", base_fn),
        f("dir", "func(string) string", dir_fn),
        f("clean", "func(string) string", clean_fn),
        f("ext", "func(string) string", ext_fn),
        f("isAbs", "func(string) bool", is_abs),
        f("osBase", "func(string) string", base_fn),
        f("osClean", "func(string) string", clean_fn),
        f("osDir", "func(string) string", dir_fn),
        f("osExt", "func(string) string", ext_fn),
        f("osIsAbs", "func(string) bool", is_abs),
    ]
}
