//! Go's `strconv` quoting (`Quote`, `QuoteToASCII`, `QuoteRune`, `QuoteRuneToASCII`,
//! `CanBackquote`) and the `unicode/utf8` decoding rules they rely on.
//!
//! Go strings are byte strings: invalid UTF-8 is legal and each bad byte counts as one
//! rune (U+FFFD) of width one, so these helpers work on bytes.

use super::isprint::is_print;

/// The Unicode replacement character, Go's `utf8.RuneError`.
pub(crate) const RUNE_ERROR: u32 = 0xFFFD;
/// The largest code point, Go's `utf8.MaxRune`.
pub(crate) const MAX_RUNE: u32 = 0x10FFFF;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Decodes the first rune of `b` as Go's `utf8.DecodeRune` does: an empty input or an
/// invalid encoding (bad lead byte, bad continuation, overlong form, surrogate, beyond
/// U+10FFFF, truncated) yields `(RUNE_ERROR, 1)` (or width 0 when `b` is empty).
pub(crate) fn decode_rune(b: &[u8]) -> (u32, usize) {
    let Some(&b0) = b.first() else {
        return (RUNE_ERROR, 0);
    };
    if b0 < 0x80 {
        return (u32::from(b0), 1);
    }
    // The accepted range of the second byte depends on the lead byte: this is what
    // rules out overlong forms, surrogates and values above U+10FFFF.
    let (len, lo, hi) = match b0 {
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return (RUNE_ERROR, 1),
    };
    if b.len() < len {
        return (RUNE_ERROR, 1);
    }
    let b1 = b[1];
    if b1 < lo || b1 > hi {
        return (RUNE_ERROR, 1);
    }
    for &c in &b[2..len] {
        if !(0x80..=0xBF).contains(&c) {
            return (RUNE_ERROR, 1);
        }
    }
    let mut r = u32::from(b0) & (0x7F >> len);
    for &c in &b[1..len] {
        r = (r << 6) | (u32::from(c) & 0x3F);
    }
    (r, len)
}

/// Go's `utf8.RuneCount`: invalid bytes count as one rune each.
pub(crate) fn rune_count(mut b: &[u8]) -> usize {
    let mut n = 0;
    while !b.is_empty() {
        let (_, w) = decode_rune(b);
        b = &b[w.max(1)..];
        n += 1;
    }
    n
}

/// Whether `r` is a valid Unicode scalar value (Go's `utf8.ValidRune`).
pub(crate) fn valid_rune(r: u32) -> bool {
    r <= MAX_RUNE && !(0xD800..=0xDFFF).contains(&r)
}

/// Appends the UTF-8 encoding of `r`, or of U+FFFD when `r` is not a valid scalar value
/// (Go's `utf8.AppendRune`).
pub(crate) fn push_rune(buf: &mut Vec<u8>, r: u32) {
    let c = char::from_u32(r).unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut tmp = [0u8; 4];
    buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

/// Go's `strconv.CanBackquote`: whether `s` can be written as a raw (backquoted) string
/// literal without change.
pub(crate) fn can_backquote(mut s: &[u8]) -> bool {
    while !s.is_empty() {
        let (r, w) = decode_rune(s);
        s = &s[w.max(1)..];
        if w > 1 {
            // The byte order mark is rejected because editors hide it.
            if r == 0xFEFF {
                return false;
            }
            continue;
        }
        if r == RUNE_ERROR {
            return false;
        }
        if (r < u32::from(b' ') && r != u32::from(b'\t')) || r == u32::from(b'`') || r == 0x7F {
            return false;
        }
    }
    true
}

/// Appends `r` escaped for a Go literal delimited by `quote`.
fn push_escaped_rune(buf: &mut Vec<u8>, r: u32, quote: u8, ascii_only: bool) {
    if r == u32::from(quote) || r == u32::from(b'\\') {
        buf.push(b'\\');
        push_rune(buf, r);
        return;
    }
    if ascii_only {
        if r < 0x80 && is_print(r) {
            push_rune(buf, r);
            return;
        }
    } else if is_print(r) {
        push_rune(buf, r);
        return;
    }
    let short = match r {
        0x07 => Some(b'a'),
        0x08 => Some(b'b'),
        0x0C => Some(b'f'),
        0x0A => Some(b'n'),
        0x0D => Some(b'r'),
        0x09 => Some(b't'),
        0x0B => Some(b'v'),
        _ => None,
    };
    if let Some(c) = short {
        buf.push(b'\\');
        buf.push(c);
        return;
    }
    if r < u32::from(b' ') || r == 0x7F {
        push_hex(buf, b'x', r, 2);
    } else {
        let r = if valid_rune(r) { r } else { RUNE_ERROR };
        if r < 0x10000 {
            push_hex(buf, b'u', r, 4);
        } else {
            push_hex(buf, b'U', r, 8);
        }
    }
}

/// Appends `\<kind>` and `digits` lower-case hex digits of `v`.
fn push_hex(buf: &mut Vec<u8>, kind: u8, v: u32, digits: u32) {
    buf.push(b'\\');
    buf.push(kind);
    for shift in (0..digits).rev() {
        buf.push(LOWER_HEX[((v >> (shift * 4)) & 0xF) as usize]);
    }
}

/// Appends `s` as a double-quoted Go string literal (`strconv.Quote`, or
/// `strconv.QuoteToASCII` when `ascii_only`). Invalid UTF-8 bytes become `\xNN`.
pub(crate) fn quote_into(buf: &mut Vec<u8>, mut s: &[u8], ascii_only: bool) {
    buf.push(b'"');
    while !s.is_empty() {
        let (r, w) = decode_rune(s);
        if w == 1 && r == RUNE_ERROR {
            buf.extend_from_slice(b"\\x");
            buf.push(LOWER_HEX[usize::from(s[0] >> 4)]);
            buf.push(LOWER_HEX[usize::from(s[0] & 0xF)]);
        } else {
            push_escaped_rune(buf, r, b'"', ascii_only);
        }
        s = &s[w.max(1)..];
    }
    buf.push(b'"');
}

/// Appends `r` as a single-quoted Go rune literal (`strconv.QuoteRune`, or
/// `strconv.QuoteRuneToASCII` when `ascii_only`); invalid runes print as U+FFFD.
pub(crate) fn quote_rune_into(buf: &mut Vec<u8>, r: u32, ascii_only: bool) {
    let r = if valid_rune(r) { r } else { RUNE_ERROR };
    buf.push(b'\'');
    push_escaped_rune(buf, r, b'\'', ascii_only);
    buf.push(b'\'');
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut buf = Vec::with_capacity(s.len() + 2);
    quote_into(&mut buf, s.as_bytes(), false);
    // Escaping only ever adds ASCII to valid UTF-8 input, so this cannot fail.
    String::from_utf8(buf).unwrap_or_default()
}

/// Go's `strconv.QuoteToASCII`.
pub fn quote_to_ascii(s: &str) -> String {
    let mut buf = Vec::with_capacity(s.len() + 2);
    quote_into(&mut buf, s.as_bytes(), true);
    String::from_utf8(buf).unwrap_or_default()
}
