//! Regular expressions with Go's RE2 syntax: patterns are translated for the `regex` crate
//! (`\d \w \s \b` are ASCII-only in Go, `\Q...\E` quotes literally), and the non-`must`
//! variants fail the way Go's `regexp.MustCompile` panic reads after text/template recovers it.

use super::{arg_int, arg_str, f, SprigFunc};
use capstan_gotmpl::Value;

/// Translates a Go regexp to the `regex` crate's dialect.
///
/// Inside a character class Go (RE2, Perl mode) reads `-` as a range operator only between
/// two single characters: after a class escape (`\w`), a POSIX class or a finished range it is
/// a literal `-` (argo-cd's `^[\w-\.]+$`). The `regex` crate rejects those, so such a `-` is
/// written escaped.
fn translate(go: &str) -> String {
    let mut out = String::new();
    let mut chars = go.chars().peekable();
    // Inside a class: whether the last item was a single character (a range may start
    // there) and whether a range operator was just written (the next item ends the range).
    let mut in_class = false;
    let mut prev_single = false;
    let mut range_open = false;
    while let Some(c) = chars.next() {
        // What the item just written was, inside a class: Some(true) for a single character.
        let mut item_single: Option<bool> = None;
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let rep: Option<(&str, &str)> = match n {
                    'd' => Some(("[0-9]", "0-9")),
                    'D' => Some(("[^0-9]", "[:^digit:]")),
                    'w' => Some(("[0-9A-Za-z_]", "0-9A-Za-z_")),
                    'W' => Some(("[^0-9A-Za-z_]", "[:^word:]")),
                    's' => Some(("[\\t\\n\\f\\r ]", "\\t\\n\\f\\r ")),
                    'S' => Some(("[^\\t\\n\\f\\r ]", "[:^space:]")),
                    'b' if !in_class => Some(("(?-u:\\b)", "")),
                    'B' if !in_class => Some(("(?-u:\\B)", "")),
                    _ => None,
                };
                if let Some((outside, inside)) = rep {
                    out.push_str(if in_class { inside } else { outside });
                    item_single = Some(false);
                } else if n == 'Q' {
                    let mut lit = String::new();
                    while let Some(q) = chars.next() {
                        if q == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        lit.push(q);
                    }
                    out.push_str(&regex_lib::escape(&lit));
                } else {
                    out.push('\\');
                    out.push(n);
                    item_single = Some(!matches!(n, 'p' | 'P'));
                    if matches!(n, 'p' | 'P' | 'x') && chars.peek() == Some(&'{') {
                        for q in chars.by_ref() {
                            out.push(q);
                            if q == '}' {
                                break;
                            }
                        }
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                range_open = false;
                prev_single = false;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                    prev_single = true;
                }
                continue;
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class: copied whole, so its `]` does not close the outer class.
                out.push('[');
                for q in chars.by_ref() {
                    out.push(q);
                    if q == ']' {
                        break;
                    }
                }
                item_single = Some(false);
            }
            '[' => {
                out.push_str("\\[");
                item_single = Some(true);
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
                continue;
            }
            '-' if in_class => {
                let next_closes = chars.peek().is_none_or(|n| *n == ']');
                if prev_single && !range_open && !next_closes {
                    out.push('-');
                    range_open = true;
                    prev_single = false;
                    continue;
                }
                out.push_str("\\-");
                item_single = Some(true);
            }
            _ => {
                out.push(c);
                item_single = Some(true);
            }
        }
        if in_class {
            if let Some(single) = item_single {
                // The end of a range cannot start another one.
                prev_single = single && !range_open;
                range_open = false;
            }
        }
    }
    out
}

/// Compiles a Go pattern; errors use Go's wording for the common cases.
/// Compiled patterns by source text: charts call `regexReplaceAll` with the same pattern
/// in loops and helpers, and compiling dominates the call. A cache changes nothing a
/// template can observe (a `Regex` is immutable).
fn compile(pattern: &str) -> Result<regex_lib::Regex, String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, regex_lib::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(re) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(pattern) {
        return Ok(re.clone());
    }
    let re = compile_uncached(pattern)?;
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    // Bounded: a template that builds patterns from data must not grow it forever.
    if map.len() < 512 {
        map.insert(pattern.to_string(), re.clone());
    }
    Ok(re)
}

fn compile_uncached(pattern: &str) -> Result<regex_lib::Regex, String> {
    regex_lib::Regex::new(&translate(pattern)).map_err(|e| {
        let text = e.to_string();
        let detail = text
            .lines()
            .last()
            .unwrap_or("")
            .trim_start_matches("error: ");
        let code = match detail {
            "unclosed group" => "missing closing )",
            "unclosed character class" => "missing closing ]",
            "unopened group" => "unexpected )",
            "repetition operator missing expression" => "missing argument to repetition operator",
            other => other,
        };
        format!("error parsing regexp: {code}: `{pattern}`")
    })
}

/// The `MustCompile` panic text.
fn must(pattern: &str) -> Result<regex_lib::Regex, String> {
    compile(pattern).map_err(|e| format!("regexp: Compile({}): {e}", go_quote_regexp(pattern)))
}

fn go_quote_regexp(s: &str) -> String {
    if !s.contains('`') && !s.chars().any(|c| c.is_control() && c != '\t') {
        format!("`{s}`")
    } else {
        capstan_gotmpl::fmt::quote(s)
    }
}

fn is_match(re: &regex_lib::Regex, s: &str) -> Value {
    Value::Bool(re.is_match(s))
}

/// Sprig ignores the compile error here: an invalid pattern simply does not match.
fn regex_match(a: &[Value]) -> Result<Value, String> {
    Ok(match compile(arg_str(a, 0)) {
        Ok(re) => is_match(&re, arg_str(a, 1)),
        Err(_) => Value::Bool(false),
    })
}

fn must_regex_match(a: &[Value]) -> Result<Value, String> {
    Ok(is_match(&compile(arg_str(a, 0))?, arg_str(a, 1)))
}

fn find_all(re: &regex_lib::Regex, s: &str, n: i64) -> Value {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    Value::string_list(re.find_iter(s).take(limit).map(|m| m.as_str().to_string()))
}

fn regex_find_all(a: &[Value]) -> Result<Value, String> {
    Ok(find_all(
        &must(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_int(a, 2),
    ))
}

fn must_regex_find_all(a: &[Value]) -> Result<Value, String> {
    Ok(find_all(
        &compile(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_int(a, 2),
    ))
}

fn find(re: &regex_lib::Regex, s: &str) -> Value {
    Value::from(re.find(s).map(|m| m.as_str()).unwrap_or(""))
}

fn regex_find(a: &[Value]) -> Result<Value, String> {
    Ok(find(&must(arg_str(a, 0))?, arg_str(a, 1)))
}

fn must_regex_find(a: &[Value]) -> Result<Value, String> {
    Ok(find(&compile(arg_str(a, 0))?, arg_str(a, 1)))
}

fn replace_all(re: &regex_lib::Regex, s: &str, repl: &str) -> Value {
    Value::from(re.replace_all(s, repl).into_owned())
}

fn regex_replace_all(a: &[Value]) -> Result<Value, String> {
    Ok(replace_all(
        &must(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_str(a, 2),
    ))
}

fn must_regex_replace_all(a: &[Value]) -> Result<Value, String> {
    Ok(replace_all(
        &compile(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_str(a, 2),
    ))
}

fn replace_literal(re: &regex_lib::Regex, s: &str, repl: &str) -> Value {
    Value::from(re.replace_all(s, regex_lib::NoExpand(repl)).into_owned())
}

fn regex_replace_all_literal(a: &[Value]) -> Result<Value, String> {
    Ok(replace_literal(
        &must(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_str(a, 2),
    ))
}

fn must_regex_replace_all_literal(a: &[Value]) -> Result<Value, String> {
    Ok(replace_literal(
        &compile(arg_str(a, 0))?,
        arg_str(a, 1),
        arg_str(a, 2),
    ))
}

/// Go's `Regexp.Split`.
fn split(re: &regex_lib::Regex, expr: &str, s: &str, n: i64) -> Value {
    if n == 0 {
        return Value::string_list(Vec::new());
    }
    if !expr.is_empty() && s.is_empty() {
        return Value::string_list(vec![String::new()]);
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in re.find_iter(s).take(limit) {
        if n > 0 && parts.len() == limit - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            parts.push(s[beg..end].to_string());
        }
        beg = m.end();
    }
    if end != s.len() {
        parts.push(s[beg..].to_string());
    }
    Value::string_list(parts)
}

fn regex_split(a: &[Value]) -> Result<Value, String> {
    let p = arg_str(a, 0);
    Ok(split(&must(p)?, p, arg_str(a, 1), arg_int(a, 2)))
}

fn must_regex_split(a: &[Value]) -> Result<Value, String> {
    let p = arg_str(a, 0);
    Ok(split(&compile(p)?, p, arg_str(a, 1), arg_int(a, 2)))
}

fn quote_meta(a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    for c in arg_str(a, 0).chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::from(out))
}

/// The regular expression family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("regexMatch", "func(string, string) bool", regex_match),
        f(
            "mustRegexMatch",
            "func(string, string) (bool, error)",
            must_regex_match,
        ),
        f(
            "regexFindAll",
            "func(string, string, int) []string",
            regex_find_all,
        ),
        f(
            "mustRegexFindAll",
            "func(string, string, int) ([]string, error)",
            must_regex_find_all,
        ),
        f("regexFind", "func(string, string) string", regex_find),
        f(
            "mustRegexFind",
            "func(string, string) (string, error)",
            must_regex_find,
        ),
        f(
            "regexReplaceAll",
            "func(string, string, string) string",
            regex_replace_all,
        ),
        f(
            "mustRegexReplaceAll",
            "func(string, string, string) (string, error)",
            must_regex_replace_all,
        ),
        f(
            "regexReplaceAllLiteral",
            "func(string, string, string) string",
            regex_replace_all_literal,
        ),
        f(
            "mustRegexReplaceAllLiteral",
            "func(string, string, string) (string, error)",
            must_regex_replace_all_literal,
        ),
        f(
            "regexSplit",
            "func(string, string, int) []string",
            regex_split,
        ),
        f(
            "mustRegexSplit",
            "func(string, string, int) ([]string, error)",
            must_regex_split,
        ),
        f("regexQuoteMeta", "func(string) string", quote_meta),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Character-class `-` handling, against helm 4.3.1's `regexMatch` (1 = match) for the
    /// subjects "a-b.c" "a b" "-" "e" "d" "b" "9-" "x" "α" "_" ".".
    #[test]
    fn class_dashes_match_like_go() {
        let subjects = ["a-b.c", "a b", "-", "e", "d", "b", "9-", "x", "α", "_", "."];
        let cases = [
            (r"^[\w-\.]+$", "10111111011"),
            (r"^[a-c-e]+$", "00110100000"),
            (r"^[[:alpha:]-z]+$", "00111101000"),
            (r"^[\d-]+$", "00100010000"),
            (r"^[-\s]+$", "00100000000"),
            (r"^[a\-z]+$", "00100000000"),
            (r"^[\p{Greek}-x]+$", "00100001100"),
            (r"^[0-9-_]+$", "00100010010"),
        ];
        for (pattern, want) in cases {
            let got: String = subjects
                .iter()
                .map(|s| {
                    let m = regex_match(&[Value::from(pattern), Value::from(*s)]).unwrap();
                    if matches!(m, Value::Bool(true)) {
                        '1'
                    } else {
                        '0'
                    }
                })
                .collect();
            assert_eq!(got, want, "{pattern} (translated {})", translate(pattern));
        }
    }
}
