//! The low-level formatting of one operand under the current flags, width and precision:
//! padding, integers in every base, floats, strings and byte slices in hex, quoting,
//! characters and `U+` notation (Go's `fmt/format.go`).

use super::float::append_float;
use super::quote::{
    can_backquote, decode_rune, push_rune, quote_into, quote_rune_into, rune_count, MAX_RUNE,
    RUNE_ERROR,
};
use super::Printer;

/// Lower-case digits; index 16 is the letter of the `0x` prefix.
pub(super) const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
/// Upper-case digits; index 16 is the letter of the `0X` prefix.
pub(super) const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

impl Printer {
    /// Writes `n` padding bytes: zeros when zero padding applies (only ever on the left),
    /// spaces otherwise.
    pub(super) fn write_padding(&mut self, n: i64) {
        if n <= 0 {
            return;
        }
        let pad = if self.flags.zero && !self.flags.minus {
            b'0'
        } else {
            b' '
        };
        let n = usize::try_from(n).unwrap_or(0);
        self.buf.resize(self.buf.len() + n, pad);
    }

    /// Writes `b` padded to the width (counted in runes), on the left or right.
    pub(super) fn pad(&mut self, b: &[u8]) {
        if !self.flags.wid_present || self.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let width = self.wid - i64::try_from(rune_count(b)).unwrap_or(i64::MAX);
        if self.flags.minus {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        }
    }

    /// `pad` for text.
    pub(super) fn pad_string(&mut self, s: &str) {
        self.pad(s.as_bytes());
    }

    /// Runs `f` with zero padding switched off (for output that must not be
    /// zero-padded, such as `U+1234`, `NaN`, or already zero-extended integers).
    fn without_zero(&mut self, f: impl FnOnce(&mut Self)) {
        let old = self.flags.zero;
        self.flags.zero = false;
        f(self);
        self.flags.zero = old;
    }

    /// `true` / `false`.
    pub(super) fn fmt_boolean(&mut self, v: bool) {
        self.pad_string(if v { "true" } else { "false" });
    }

    /// `U+0078`, or `U+0078 'x'` with `#`.
    pub(super) fn fmt_unicode(&mut self, u: u64) {
        let mut prec: i64 = 4;
        if self.flags.prec_present && self.prec > 4 {
            prec = self.prec;
        }
        let mut hex = Vec::new();
        let mut v = u;
        loop {
            hex.push(UDIGITS[(v & 0xF) as usize]);
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        let mut out = Vec::with_capacity(hex.len() + 12);
        out.extend_from_slice(b"U+");
        let zeros = usize::try_from(prec).unwrap_or(0).saturating_sub(hex.len());
        out.resize(out.len() + zeros, b'0');
        out.extend(hex.iter().rev());
        if self.flags.sharp && u <= u64::from(MAX_RUNE) && super::isprint::is_print(u as u32) {
            out.extend_from_slice(b" '");
            push_rune(&mut out, u as u32);
            out.push(b'\'');
        }
        self.without_zero(|p| p.pad(&out));
    }

    /// The rune `c` as UTF-8 (U+FFFD when it is not a valid scalar value).
    pub(super) fn fmt_c(&mut self, c: u64) {
        let r = if c > u64::from(MAX_RUNE) {
            RUNE_ERROR
        } else {
            c as u32
        };
        let mut out = Vec::with_capacity(4);
        push_rune(&mut out, r);
        self.pad(&out);
    }

    /// The rune `c` as a quoted character literal.
    pub(super) fn fmt_qc(&mut self, c: u64) {
        let r = if c > u64::from(MAX_RUNE) {
            RUNE_ERROR
        } else {
            c as u32
        };
        let mut out = Vec::with_capacity(8);
        quote_rune_into(&mut out, r, self.flags.plus);
        self.pad(&out);
    }

    /// An integer in `base`, honouring precision (minimum digits), zero padding, `#`
    /// prefixes, `%O`'s `0o`, and the sign flags.
    pub(super) fn fmt_integer_base(
        &mut self,
        u: u64,
        base: u32,
        signed: bool,
        verb: char,
        digits: &[u8; 17],
    ) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative { u.wrapping_neg() } else { u };
        let mut prec: i64 = 0;
        if self.flags.prec_present {
            prec = self.prec;
            // Precision 0 and value 0 print nothing at all, not even a sign: only padding.
            if prec == 0 && u == 0 {
                let wid = self.wid;
                self.without_zero(|p| p.write_padding(wid));
                return;
            }
        } else if self.flags.zero && !self.flags.minus && self.flags.wid_present {
            // Zero padding is done as a precision that leaves room for the sign.
            prec = self.wid;
            if negative || self.flags.plus || self.flags.space {
                prec -= 1;
            }
        }
        // Digits are produced right to left, then reversed.
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        let b = u64::from(base);
        loop {
            rev.push(digits[(u % b) as usize]);
            u /= b;
            if u == 0 {
                break;
            }
        }
        while i64::try_from(rev.len()).unwrap_or(i64::MAX) < prec {
            rev.push(b'0');
        }
        if self.flags.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                // Octal gets a leading 0 unless it already starts with one.
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.flags.plus {
            rev.push(b'+');
        } else if self.flags.space {
            rev.push(b' ');
        }
        rev.reverse();
        // Zero padding was turned into leading digits above (or is overridden by an
        // explicit precision), so the width is filled with spaces.
        self.without_zero(|p| p.pad(&rev));
    }

    /// A float in strconv format `verb` (`b e E f g G x X`) with default precision
    /// `prec` (overridden by an explicit precision), then Go's `#`, sign and padding rules.
    pub(super) fn fmt_float_verb(&mut self, v: f64, verb: u8, prec: i32) {
        let prec = if self.flags.prec_present {
            i32::try_from(self.prec).unwrap_or(i32::MAX)
        } else {
            prec
        };
        // A leading sign slot, as Go reserves one and overwrites it.
        let mut s = String::with_capacity(24);
        s.push('+');
        append_float(&mut s, v, verb, prec);
        let mut num: Vec<u8> = s.into_bytes();
        if num[1] == b'-' || num[1] == b'+' {
            num.remove(0);
        }
        if self.flags.space && num[0] == b'+' && !self.flags.plus {
            num[0] = b' ';
        }
        // Infinities and NaN are never zero padded; NaN only gets a sign if asked for.
        if num[1] == b'I' || num[1] == b'N' {
            if num[1] == b'N' && !self.flags.space && !self.flags.plus {
                num.remove(0);
            }
            self.without_zero(|p| p.pad(&num));
            return;
        }
        if self.flags.sharp && verb != b'b' {
            sharp_float(&mut num, verb, prec);
        }
        if self.flags.plus || num[0] != b'+' {
            // With zero padding the sign goes before the zeros.
            let len = i64::try_from(num.len()).unwrap_or(i64::MAX);
            if self.flags.zero && !self.flags.minus && self.flags.wid_present && self.wid > len {
                self.buf.push(num[0]);
                self.write_padding(self.wid - len);
                self.buf.extend_from_slice(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    /// A string, truncated to the precision (in runes) and padded.
    pub(super) fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        self.pad(s);
    }

    /// The precision, if any, limits the number of runes.
    fn truncate<'a>(&self, s: &'a [u8]) -> &'a [u8] {
        if self.flags.prec_present {
            let mut n = self.prec;
            let mut i = 0;
            while i < s.len() {
                n -= 1;
                if n < 0 {
                    return &s[..i];
                }
                let (_, w) = decode_rune(&s[i..]);
                i += w.max(1);
            }
        }
        s
    }

    /// Bytes or a string as hex digits (`%x`, `% x`, `%#x`, `%X`).
    pub(super) fn fmt_sbx(&mut self, s: &[u8], digits: &[u8; 17]) {
        let mut length = s.len();
        if self.flags.prec_present {
            if let Ok(p) = usize::try_from(self.prec) {
                length = length.min(p);
            }
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.flags.space {
                // Each byte gets its own 0x and a separating space.
                if self.flags.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.flags.sharp {
                width += 2;
            }
        } else {
            if self.flags.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        let width = i64::try_from(width).unwrap_or(i64::MAX);
        if self.flags.wid_present && self.wid > width && !self.flags.minus {
            self.write_padding(self.wid - width);
        }
        if self.flags.sharp {
            self.buf.push(b'0');
            self.buf.push(digits[16]);
        }
        for (i, &c) in s[..length].iter().enumerate() {
            if self.flags.space && i > 0 {
                self.buf.push(b' ');
                if self.flags.sharp {
                    self.buf.push(b'0');
                    self.buf.push(digits[16]);
                }
            }
            self.buf.push(digits[usize::from(c >> 4)]);
            self.buf.push(digits[usize::from(c & 0xF)]);
        }
        if self.flags.wid_present && self.wid > width && self.flags.minus {
            self.write_padding(self.wid - width);
        }
    }

    /// A quoted string: backquoted with `#` when possible, ASCII-only with `+`.
    pub(super) fn fmt_q(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        if self.flags.sharp && can_backquote(s) {
            let mut out = Vec::with_capacity(s.len() + 2);
            out.push(b'`');
            out.extend_from_slice(s);
            out.push(b'`');
            self.pad(&out);
            return;
        }
        let mut out = Vec::with_capacity(s.len() + 2);
        quote_into(&mut out, s, self.flags.plus);
        self.pad(&out);
    }
}

/// Go's `#` flag on floats: always show a decimal point and, for `%g`/`%x`-style
/// formats, keep trailing zeros up to the precision (6 significant digits by default).
fn sharp_float(num: &mut Vec<u8>, verb: u8, prec: i32) {
    let mut digits: i64 = match verb {
        b'v' | b'g' | b'G' | b'x' => {
            if prec == -1 {
                6
            } else {
                i64::from(prec)
            }
        }
        _ => 0,
    };
    let mut tail: Vec<u8> = Vec::new();
    let mut has_point = false;
    let mut saw_nonzero = false;
    let mut i = 1;
    while i < num.len() {
        match num[i] {
            b'.' => has_point = true,
            b'p' | b'P' => {
                tail.extend_from_slice(&num[i..]);
                num.truncate(i);
                break;
            }
            b'e' | b'E' if verb != b'x' && verb != b'X' => {
                tail.extend_from_slice(&num[i..]);
                num.truncate(i);
                break;
            }
            c => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
        i += 1;
    }
    if !has_point {
        // A lone 0 counts as one significant digit.
        if num.len() == 2 && num[1] == b'0' {
            digits -= 1;
        }
        num.push(b'.');
    }
    while digits > 0 {
        num.push(b'0');
        digits -= 1;
    }
    num.extend_from_slice(&tail);
}
