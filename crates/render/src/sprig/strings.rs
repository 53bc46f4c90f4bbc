//! String functions: case, trimming, slicing, quoting, splitting and sequences.

use super::conv::strval;
use super::{arg, arg_int, arg_str, f, SprigFunc};
use capstan_gotmpl::fmt::quote;
use capstan_gotmpl::{ElemType, List, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Upper bound on generated sequence lengths; Go would exhaust memory, we fail instead.
const MAX_SEQ: i64 = 10_000_000;

/// Bytes sliced like Go's `s[a:b]`, which may cut a UTF-8 sequence (we then substitute U+FFFD).
fn byte_slice(s: &str, a: usize, b: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[a..b]).into_owned()
}

/// Go's simple (one-rune) case mapping for the runes whose full mapping, which Rust gives,
/// has several runes: `İ` lowers to `i`, the Greek letters with ypogegrammeni upper to
/// their title-case forms (`ᾳ` to `ᾼ`); the others (`ß`, `ﬁ`, `ŉ`, ...) have none and stay.
pub(crate) fn simple_case(c: char, upper: bool) -> char {
    let v = c as u32;
    if !upper {
        return if c == '\u{130}' { 'i' } else { c };
    }
    let mapped = match v {
        0x1f80..=0x1f87 | 0x1f90..=0x1f97 | 0x1fa0..=0x1fa7 => v + 8,
        0x1fb3 => 0x1fbc,
        0x1fc3 => 0x1fcc,
        0x1ff3 => 0x1ffc,
        _ => v,
    };
    char::from_u32(mapped).unwrap_or(c)
}

/// Go's per-rune simple case mapping (`unicode.ToUpper`/`ToLower` on each rune).
fn map_case(s: &str, upper: bool) -> String {
    s.chars()
        .map(|c| {
            let mut m: Vec<char> = if upper {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if m.len() == 1 {
                m.pop().unwrap_or(c)
            } else {
                simple_case(c, upper)
            }
        })
        .collect()
}

/// Go's `unicode.ToTitle` for the four digraphs whose title case differs from upper case.
fn one_title(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => one_upper(c),
    }
}

fn is_title_case(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ') || ('ᾈ'..='ᾏ').contains(&c)
}

fn one_upper(c: char) -> char {
    map_case(&c.to_string(), true).chars().next().unwrap_or(c)
}

fn one_lower(c: char) -> char {
    map_case(&c.to_string(), false).chars().next().unwrap_or(c)
}

fn upper(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(map_case(arg_str(a, 0), true)))
}

fn lower(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(map_case(arg_str(a, 0), false)))
}

/// strings.Title's word separator test.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_whitespace()
}

fn title(a: &[Value]) -> Result<Value, String> {
    let mut prev = ' ';
    let mut out = String::new();
    for c in arg_str(a, 0).chars() {
        out.push(if is_separator(prev) { one_title(c) } else { c });
        prev = c;
    }
    Ok(Value::from(out))
}

fn untitle(a: &[Value]) -> Result<Value, String> {
    let mut in_word = false;
    let mut out = String::new();
    for c in arg_str(a, 0).chars() {
        if c.is_whitespace() {
            in_word = false;
            out.push(c);
        } else if !in_word {
            in_word = true;
            out.push(one_lower(c));
        } else {
            out.push(c);
        }
    }
    Ok(Value::from(out))
}

fn swapcase(a: &[Value]) -> Result<Value, String> {
    let out: String = arg_str(a, 0)
        .chars()
        .map(|c| {
            if c.is_uppercase() || is_title_case(c) {
                one_lower(c)
            } else if c.is_lowercase() {
                one_upper(c)
            } else {
                c
            }
        })
        .collect();
    Ok(Value::from(out))
}

fn trunc(a: &[Value]) -> Result<Value, String> {
    let c = arg_int(a, 0);
    let s = arg_str(a, 1);
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return Ok(Value::from(byte_slice(s, (len + c) as usize, s.len())));
    }
    if c >= 0 && len > c {
        return Ok(Value::from(byte_slice(s, 0, c as usize)));
    }
    Ok(Value::from(s))
}

fn abbreviate(s: &str, offset: i64, max: i64) -> String {
    let len = s.len() as i64;
    if s.is_empty() || max < 4 || len <= max {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max - 3 {
        offset = len - (max - 3);
    }
    if offset <= 4 {
        return byte_slice(s, 0, (max - 3) as usize) + "...";
    }
    if max < 7 {
        return s.to_string();
    }
    if offset + max - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        return format!("...{}", abbreviate(&rest, 0, max - 3));
    }
    format!("...{}", byte_slice(s, (len - (max - 3)) as usize, s.len()))
}

fn abbrev(a: &[Value]) -> Result<Value, String> {
    let w = arg_int(a, 0);
    let s = arg_str(a, 1);
    if w < 4 {
        return Ok(Value::from(s));
    }
    Ok(Value::from(abbreviate(s, 0, w)))
}

fn abbrevboth(a: &[Value]) -> Result<Value, String> {
    let (l, r) = (arg_int(a, 0), arg_int(a, 1));
    let s = arg_str(a, 2);
    if r < 4 || l > 0 && r < 7 {
        return Ok(Value::from(s));
    }
    Ok(Value::from(abbreviate(s, l, r)))
}

fn substr(a: &[Value]) -> Result<Value, String> {
    let (start, end) = (arg_int(a, 0), arg_int(a, 1));
    let s = arg_str(a, 2);
    let len = s.len() as i64;
    let oob = |lo: i64, hi: i64| -> String {
        if hi > len {
            format!("runtime error: slice bounds out of range [:{hi}] with length {len}")
        } else {
            format!("runtime error: slice bounds out of range [{lo}:{hi}]")
        }
    };
    if start < 0 {
        if end < 0 {
            return Err(format!("runtime error: slice bounds out of range [:{end}]"));
        }
        if end > len {
            return Err(oob(0, end));
        }
        return Ok(Value::from(byte_slice(s, 0, end as usize)));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(format!(
                "runtime error: slice bounds out of range [{start}:{len}]"
            ));
        }
        return Ok(Value::from(byte_slice(s, start as usize, s.len())));
    }
    if start > end {
        return Err(oob(start, end));
    }
    Ok(Value::from(byte_slice(s, start as usize, end as usize)))
}

fn repeat(a: &[Value]) -> Result<Value, String> {
    let n = arg_int(a, 0);
    let s = arg_str(a, 1);
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    if (s.len() as u128) * (n as u128) > (1u128 << 28) {
        return Err("strings: Repeat output length overflow".into());
    }
    Ok(Value::from(s.repeat(n as usize)))
}

fn trim(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(arg_str(a, 0).trim()))
}

fn trim_all(a: &[Value]) -> Result<Value, String> {
    let cut: Vec<char> = arg_str(a, 0).chars().collect();
    Ok(Value::from(arg_str(a, 1).trim_matches(&cut[..])))
}

fn trim_suffix(a: &[Value]) -> Result<Value, String> {
    let s = arg_str(a, 1);
    Ok(Value::from(s.strip_suffix(arg_str(a, 0)).unwrap_or(s)))
}

fn trim_prefix(a: &[Value]) -> Result<Value, String> {
    let s = arg_str(a, 1);
    Ok(Value::from(s.strip_prefix(arg_str(a, 0)).unwrap_or(s)))
}

/// goutils reads strings byte by byte as if each byte were a rune (Latin-1), so non-ASCII
/// text comes out re-encoded; we reproduce that.
fn latin1_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.bytes().map(char::from)
}

fn nospace(a: &[Value]) -> Result<Value, String> {
    let out: String = latin1_chars(arg_str(a, 0))
        .filter(|c| !c.is_whitespace())
        .collect();
    Ok(Value::from(out))
}

fn initials(a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut last_space = true;
    for c in latin1_chars(arg_str(a, 0)) {
        if c.is_whitespace() {
            last_space = true;
        } else if last_space {
            out.push(c);
            last_space = false;
        }
    }
    Ok(Value::from(out))
}

fn contains(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 1).contains(arg_str(a, 0))))
}

fn has_prefix(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 1).starts_with(arg_str(a, 0))))
}

fn has_suffix(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 1).ends_with(arg_str(a, 0))))
}

fn quote_fn(a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| quote(&strval(v)))
        .collect();
    Ok(Value::from(parts.join(" ")))
}

fn squote(a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    Ok(Value::from(parts.join(" ")))
}

fn cat(a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| capstan_gotmpl::fmt::sprintf("%v", std::slice::from_ref(v)))
        .collect();
    Ok(Value::from(parts.join(" ")))
}

fn indent_text(n: i64, s: &str) -> Result<String, String> {
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    let pad = " ".repeat(n.min(1 << 20) as usize);
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

fn indent(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(indent_text(arg_int(a, 0), arg_str(a, 1))?))
}

fn nindent(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(format!(
        "\n{}",
        indent_text(arg_int(a, 0), arg_str(a, 1))?
    )))
}

fn replace(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        arg_str(a, 2).replace(arg_str(a, 0), arg_str(a, 1)),
    ))
}

fn plural(a: &[Value]) -> Result<Value, String> {
    Ok(if arg_int(a, 2) == 1 {
        arg(a, 0)
    } else {
        arg(a, 1)
    })
}

/// Go's `strings.SplitN` (n < 0: all; n == 0: none).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        let mut out: Vec<String> = Vec::new();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if out.len() + 1 == limit {
                out.push(s[i..].to_string());
                return out;
            }
            out.push(c.to_string());
            let _ = chars.peek();
        }
        return out;
    }
    s.splitn(limit, sep).map(str::to_string).collect()
}

fn indexed_map(parts: Vec<String>) -> Value {
    let entries: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::Map(Arc::new(Map::new(None, ElemType::String, entries)))
}

fn split(a: &[Value]) -> Result<Value, String> {
    Ok(indexed_map(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
}

fn split_list(a: &[Value]) -> Result<Value, String> {
    Ok(Value::string_list(go_split(
        arg_str(a, 1),
        arg_str(a, 0),
        -1,
    )))
}

fn splitn(a: &[Value]) -> Result<Value, String> {
    Ok(indexed_map(go_split(
        arg_str(a, 2),
        arg_str(a, 0),
        arg_int(a, 1),
    )))
}

/// Sprig's `untilStep`, bounded so a huge range fails instead of exhausting memory.
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let count = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (start as i128 - stop as i128 - (step as i128) - 1) / -(step as i128)
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (stop as i128 - start as i128 + step as i128 - 1) / step as i128
    };
    if count > MAX_SEQ as i128 {
        return Err(format!("sequence of {count} items is too long"));
    }
    Ok((0..count)
        .map(|i| (start as i128 + i * step as i128) as i64)
        .collect())
}

fn int_list(items: Vec<i64>) -> Value {
    Value::List(Arc::new(List {
        elem: ElemType::Int,
        items: items.into_iter().map(Value::Int).collect(),
    }))
}

fn until(a: &[Value]) -> Result<Value, String> {
    let n = arg_int(a, 0);
    let step = if n < 0 { -1 } else { 1 };
    Ok(int_list(until_step(0, n, step)?))
}

fn until_step_fn(a: &[Value]) -> Result<Value, String> {
    Ok(int_list(until_step(
        arg_int(a, 0),
        arg_int(a, 1),
        arg_int(a, 2),
    )?))
}

fn seq(a: &[Value]) -> Result<Value, String> {
    let p: Vec<i64> = (0..a.len()).map(|i| arg_int(a, i)).collect();
    let items = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let inc = if end < start { -1 } else { 1 };
            until_step(*start, end.wrapping_add(inc), inc)?
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if end < start && *step > 0 {
                return Ok(Value::from(""));
            }
            until_step(*start, end.wrapping_add(inc), *step)?
        }
        _ => return Ok(Value::from("")),
    };
    let parts: Vec<String> = items.iter().map(i64::to_string).collect();
    Ok(Value::from(parts.join(" ")))
}

fn join(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        super::conv::strslice(&arg(a, 1)).join(arg_str(a, 0)),
    ))
}

/// The string family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("abbrev", "func(int, string) string", abbrev),
        f("abbrevboth", "func(int, int, string) string", abbrevboth),
        f("trunc", "func(int, string) string", trunc),
        f("trim", "func(string) string", trim),
        f("upper", "func(string) string", upper),
        f("lower", "func(string) string", lower),
        f("title", "func(string) string", title),
        f("untitle", "func(string) string", untitle),
        f("substr", "func(int, int, string) string", substr),
        f("repeat", "func(int, string) string", repeat),
        f("trimall", "func(string, string) string", trim_all),
        f("trimAll", "func(string, string) string", trim_all),
        f("trimSuffix", "func(string, string) string", trim_suffix),
        f("trimPrefix", "func(string, string) string", trim_prefix),
        f("nospace", "func(string) string", nospace),
        f("initials", "func(string) string", initials),
        f("swapcase", "func(string) string", swapcase),
        f("contains", "func(string, string) bool", contains),
        f("hasPrefix", "func(string, string) bool", has_prefix),
        f("hasSuffix", "func(string, string) bool", has_suffix),
        f("quote", "func(...interface {}) string", quote_fn),
        f("squote", "func(...interface {}) string", squote),
        f("cat", "func(...interface {}) string", cat),
        f("indent", "func(int, string) string", indent),
        f("nindent", "func(int, string) string", nindent),
        f("replace", "func(string, string, string) string", replace),
        f("plural", "func(string, string, int) string", plural),
        f("split", "func(string, string) map[string]string", split),
        f("splitList", "func(string, string) []string", split_list),
        f(
            "splitn",
            "func(string, int, string) map[string]string",
            splitn,
        ),
        f("until", "func(int) []int", until),
        f("untilStep", "func(int, int, int) []int", until_step_fn),
        f("seq", "func(...int) string", seq),
        f("join", "func(string, interface {}) string", join),
    ]
}
