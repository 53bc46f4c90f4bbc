//! Go's `fmt` printing (`Sprint`, `Sprintln`, `Sprintf`) over template [`Value`]s.
//!
//! Templates call `fmt.Sprint` for `print` and for every `{{ value }}` action, and
//! `fmt.Sprintf` for `printf` (Sprig's `toString`, `quote` and friends too), so the output of a Helm chart depends on every detail of Go's
//! rules: which verb applies to which type, element-wise formatting inside slices and
//! maps, the `%!verb(type=value)` error forms, float formatting from `strconv`. This
//! module reimplements those rules (Go 1.27 behaviour, checked against helm 4.3.1).
//!
//! Output is built as bytes, because Go strings may hold invalid UTF-8 (`%s` of a
//! `[]byte`); the public functions return a `String` with such bytes replaced by U+FFFD.
//!
//! Known differences from Go, all outside what charts are seen to use:
//! - [`Object`](crate::value::Object)s print through `format_v` for every verb but `%T`
//!   and `%p`, as if it were a `String()` method: right for `%v`/`%s` and for Stringers,
//!   but Go formats each struct field with the verb (`%d` of a struct gives
//!   `{%!d(string=a) 1}`); `%+v` names the fields of objects that list them
//!   ([`Object::go_fields`](crate::value::Object::go_fields)).
//! - `%p` prints the address of our shared value (Go's addresses differ per run anyway).
//! - Values nested deeper than 1000 levels print as `...` instead of overflowing the stack.

mod float;
mod format;
mod isprint;
mod print;
mod quote;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_float;

pub use float::format_float;
pub use quote::{quote, quote_to_ascii};

use crate::value::Value;

/// The flags of one directive.
#[derive(Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%+v`: the `+` moved out of `plus` for the `v` verb.
    plus_v: bool,
    /// `%#v`: Go-syntax output.
    sharp_v: bool,
}

/// The state of one `Sprint*` call (Go's `pp` and `fmt` together).
#[derive(Default)]
struct Printer {
    buf: Vec<u8>,
    flags: Flags,
    wid: i64,
    prec: i64,
    /// An explicit argument index was used: extra arguments are then not reported.
    reordered: bool,
    /// The argument index of the current directive is valid.
    good_arg_num: bool,
}

/// Go's `fmt.Sprint`: the operands' default formats, with a space between two operands
/// when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.finish()
}

/// Go's `fmt.Sprintln`: the operands' default formats separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push(b'\n');
    p.finish()
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format.as_bytes(), args);
    p.finish()
}

/// Parses a decimal number in `s[start..end]`; numbers above a million are rejected (and
/// the whole rest of the directive consumed), as in Go.
fn parse_num(s: &[u8], start: usize, end: usize) -> (i64, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut is_num = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

fn too_large(x: i64) -> bool {
    const MAX: i64 = 1_000_000;
    !(-MAX..=MAX).contains(&x)
}

/// Parses `[n]` at the start of `s`: the zero-based index, the bytes consumed, and
/// whether it was well formed.
fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// A `*` width or precision operand: ints of any size that fit, else `(0, false)`.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(arg) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (mut num, mut ok) = match arg {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint8(u) => (i64::from(*u), true),
        Value::Uint64(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if too_large(num) {
        num = 0;
        ok = false;
    }
    (num, ok, arg_num + 1)
}

impl Printer {
    fn finish(self) -> String {
        match String::from_utf8(self.buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    fn clear_flags(&mut self) {
        self.flags = Flags::default();
        self.wid = 0;
        self.prec = 0;
    }

    /// Handles an optional `[n]` at `format[i..]`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok {
            if let Ok(index) = usize::try_from(index) {
                if index < num_args {
                    return (index, i + wid, true);
                }
            }
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn do_printf(&mut self, format: &[u8], args: &[Value]) {
        let end = format.len();
        let mut arg_num = 0usize;
        let mut i = 0usize;
        self.reordered = false;
        'directives: while i < end {
            self.good_arg_num = true;
            let last = i;
            while i < end && format[i] != b'%' {
                i += 1;
            }
            self.buf.extend_from_slice(&format[last..i]);
            if i >= end {
                break;
            }
            i += 1; // the '%'
            self.clear_flags();
            // Flags, and the fast path for a plain lower-case verb.
            while i < end {
                let c = format[i];
                match c {
                    b'#' => self.flags.sharp = true,
                    b'0' => self.flags.zero = true,
                    b'+' => self.flags.plus = true,
                    b'-' => self.flags.minus = true,
                    b' ' => self.flags.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' || c == b'w' {
                                self.move_v_flags();
                            }
                            self.print_arg(&args[arg_num], char::from(c));
                            arg_num += 1;
                            i += 1;
                            continue 'directives;
                        }
                        break;
                    }
                }
                i += 1;
            }
            let mut after_index;
            (arg_num, i, after_index) = self.arg_number(arg_num, format, i, args.len());
            // Width.
            if i < end && format[i] == b'*' {
                i += 1;
                let present;
                (self.wid, present, arg_num) = int_from_arg(args, arg_num);
                self.flags.wid_present = present;
                if !present {
                    self.buf.extend_from_slice(b"%!(BADWIDTH)");
                }
                if self.wid < 0 {
                    // A negative width means left alignment.
                    self.wid = -self.wid;
                    self.flags.minus = true;
                    self.flags.zero = false;
                }
                after_index = false;
            } else {
                let (w, present, ni) = parse_num(format, i, end);
                (self.wid, self.flags.wid_present, i) = (w, present, ni);
                if after_index && present {
                    // "%[3]2d"
                    self.good_arg_num = false;
                }
            }
            // Precision.
            if i + 1 < end && format[i] == b'.' {
                i += 1;
                if after_index {
                    // "%[3].2d"
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, format, i, args.len());
                if i < end && format[i] == b'*' {
                    i += 1;
                    let present;
                    (self.prec, present, arg_num) = int_from_arg(args, arg_num);
                    self.flags.prec_present = present;
                    if self.prec < 0 {
                        self.prec = 0;
                        self.flags.prec_present = false;
                    }
                    if !self.flags.prec_present {
                        self.buf.extend_from_slice(b"%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, present, ni) = parse_num(format, i, end);
                    (self.prec, self.flags.prec_present, i) = (p, present, ni);
                    if !present {
                        self.prec = 0;
                        self.flags.prec_present = true;
                    }
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, format, i, args.len());
            }
            if i >= end {
                self.buf.extend_from_slice(b"%!(NOVERB)");
                break;
            }
            let (verb, size) = if format[i] < 0x80 {
                (char::from(format[i]), 1)
            } else {
                let (r, w) = quote::decode_rune(&format[i..]);
                (
                    char::from_u32(r).unwrap_or(char::REPLACEMENT_CHARACTER),
                    w.max(1),
                )
            };
            i += size;
            if verb == '%' {
                // A literal percent takes no operand and ignores width and precision.
                self.buf.push(b'%');
            } else if !self.good_arg_num {
                self.bad_arg(verb, "(BADINDEX)");
            } else if arg_num >= args.len() {
                self.bad_arg(verb, "(MISSING)");
            } else {
                if verb == 'v' || verb == 'w' {
                    self.move_v_flags();
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        // Unused operands are reported, unless indexes were used (then it is too costly
        // for Go to tell).
        if !self.reordered && arg_num < args.len() {
            self.clear_flags();
            self.buf.extend_from_slice(b"%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.extend_from_slice(b", ");
                }
                if arg.is_nil() {
                    self.buf.extend_from_slice(b"<nil>");
                } else {
                    self.buf.extend_from_slice(arg.type_name().as_bytes());
                    self.buf.push(b'=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(b')');
        }
    }

    /// For `%v` (and `%w`), `#` means Go syntax and `+` means field names: they are
    /// moved to their own flags so they do not act as `#`/`+` on the operand.
    fn move_v_flags(&mut self) {
        self.flags.sharp_v = self.flags.sharp;
        self.flags.sharp = false;
        self.flags.plus_v = self.flags.plus;
        self.flags.plus = false;
    }

    /// `%!d(BADINDEX)`, `%!d(MISSING)`.
    fn bad_arg(&mut self, verb: char, what: &str) {
        self.buf.extend_from_slice(b"%!");
        push_char(&mut self.buf, verb);
        self.buf.extend_from_slice(what.as_bytes());
    }
}

/// Appends a `char` as UTF-8.
fn push_char(buf: &mut Vec<u8>, c: char) {
    let mut tmp = [0u8; 4];
    buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}
