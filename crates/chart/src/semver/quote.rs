//! Go's `strconv.Quote` (what `%q` prints for a string), shared by the semver and strvals
//! error messages, which Helm prints verbatim.

use std::fmt::Write as _;

/// Quotes `s` the way Go's `strconv.Quote` does: double quotes, backslash escapes for `"`
/// and `\`, C-style escapes for the usual control characters, `\xHH` for other ASCII
/// controls and `\uHHHH`/`\UHHHHHHHH` for runes Go does not consider printable.
///
/// Go decides "printable" with its Unicode tables (`unicode.IsPrint`). We have no such
/// tables, so non-ASCII runes are treated as printable unless they are controls, spaces
/// other than U+0020, well-known format characters, private-use or noncharacters. Unassigned
/// code points are the only known difference (Go escapes them, we do not).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// What Go's `%q` prints for a `[]rune`: each rune as a quoted character literal
/// (`strconv.QuoteRune`), space-separated in brackets: `['a' '\'']`.
pub(crate) fn go_quote_runes(s: &str) -> String {
    let runes: Vec<String> = s
        .chars()
        .map(|c| {
            let mut out = String::from("'");
            push_escaped(&mut out, c, '\'');
            out.push('\'');
            out
        })
        .collect();
    format!("[{}]", runes.join(" "))
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        c if c == quote || c == '\\' => {
            out.push('\\');
            out.push(c);
        }
        c if is_go_printable(c) => out.push(c),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// An approximation of Go's `unicode.IsPrint` (see [`go_quote`]).
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(
        u,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let private = matches!(u, 0xe000..=0xf8ff | 0xf0000..=0x10ffff);
    let nonchar = (u & 0xfffe) == 0xfffe || (0xfdd0..=0xfdef).contains(&u);
    !(format || private || nonchar)
}

#[cfg(test)]
mod tests {
    use super::{go_quote, go_quote_runes};

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("abc"), r#""abc""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\t\n\u{1}\u{7f}"), r#""\t\n\x01\x7f""#);
        assert_eq!(go_quote("é✓"), "\"é✓\"");
        assert_eq!(go_quote("\u{a0}\u{200b}"), r#""\u00a0\u200b""#);
        assert_eq!(go_quote("\u{f0000}"), r#""\U000f0000""#);
        assert_eq!(go_quote("it's"), r#""it's""#);
        assert_eq!(go_quote_runes("a'\"\n"), r#"['a' '\'' '"' '\n']"#);
    }
}
