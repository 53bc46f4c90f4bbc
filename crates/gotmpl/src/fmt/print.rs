//! Which verb applies to which value (Go's `fmt/print.go`): the per-type verb tables,
//! element-wise printing of slices and maps, Go-syntax `%#v`, and the
//! `%!verb(type=value)` form for a verb that does not fit the operand.

use std::sync::Arc;

use super::format::{LDIGITS, UDIGITS};
use super::Printer;
use crate::value::{Kind, Value};

/// What a bad verb reports as the operand: Go prints its type and its `%v` form.
#[derive(Clone, Copy)]
enum Operand<'a> {
    /// A nil interface.
    Nil,
    /// An operand passed to `Sprintf` itself (a `[]byte` then prints as `[]byte{...}`
    /// under `%#v`).
    Top(&'a Value),
    /// A value found inside a slice or map.
    Nested(&'a Value),
    /// One byte of a `[]byte`, a Go `uint8`.
    Byte(u8),
}

/// Deeper nesting than this is printed as `...`: Go has no limit, but values come from
/// untrusted YAML and must not overflow the stack. Real charts stay far below it.
const MAX_DEPTH: usize = 1000;

impl Printer {
    /// Go's `printArg`: formats one operand with `verb`.
    pub(super) fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad_string("<nil>"),
                _ => self.bad_verb(verb, Operand::Nil),
            }
            return;
        }
        match verb {
            'T' => {
                let name = arg.type_name();
                self.fmt_s(name.as_bytes());
                return;
            }
            'p' => {
                self.fmt_pointer(arg, verb, Operand::Top(arg));
                return;
            }
            // `%w` is only valid in `fmt.Errorf`. Go rejects it for a composite operand as a
            // whole (before looking inside), and for scalars and `[]byte` bytes through the
            // per-type verb tables below.
            'w' if matches!(arg, Value::List(_) | Value::Map(_) | Value::Object(_)) => {
                self.bad_verb(verb, Operand::Top(arg));
                return;
            }
            _ => {}
        }
        self.print_value(arg, verb, Operand::Top(arg), 0);
    }

    /// Go's `printValue` for a non-interface value (`op` says how a bad verb names it).
    fn print_value(&mut self, v: &Value, verb: char, op: Operand<'_>, depth: usize) {
        match v {
            Value::Nil => {
                // Only reachable for a nil stored in a slice or map: Go prints the nil
                // interface itself, whatever the verb.
                if self.flags.sharp_v {
                    self.buf.extend_from_slice(b"interface {}(nil)");
                } else {
                    self.buf.extend_from_slice(b"<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, op),
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, op),
            Value::Uint64(u) => self.fmt_integer(*u, false, verb, op),
            Value::Uint8(u) => self.fmt_integer(u64::from(*u), false, verb, op),
            Value::Float64(f) => self.fmt_float(*f, verb, op),
            Value::String(s) => self.fmt_string(s.as_bytes(), verb, op),
            Value::Bytes(b) => {
                let type_name = if matches!(op, Operand::Top(_)) {
                    "[]byte"
                } else {
                    "[]uint8"
                };
                self.fmt_bytes(b, verb, type_name);
            }
            Value::List(l) => {
                if depth >= MAX_DEPTH {
                    self.buf.extend_from_slice(b"...");
                    return;
                }
                if self.flags.sharp_v {
                    self.buf.extend_from_slice(v.type_name().as_bytes());
                    self.buf.push(b'{');
                } else {
                    self.buf.push(b'[');
                }
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.write_separator();
                    }
                    self.print_elem(item, verb, depth);
                }
                self.buf.push(if self.flags.sharp_v { b'}' } else { b']' });
            }
            Value::Map(m) => {
                if depth >= MAX_DEPTH {
                    self.buf.extend_from_slice(b"...");
                    return;
                }
                if self.flags.sharp_v {
                    self.buf.extend_from_slice(v.type_name().as_bytes());
                    self.buf.push(b'{');
                } else {
                    self.buf.extend_from_slice(b"map[");
                }
                for (i, (key, item)) in m.snapshot().iter().enumerate() {
                    if i > 0 {
                        self.write_separator();
                    }
                    // Keys are formatted with the verb too (`%x` hex-encodes them).
                    let key = Value::String(Arc::from(key.as_str()));
                    self.print_value(&key, verb, Operand::Nested(&key), depth + 1);
                    self.buf.push(b':');
                    self.print_elem(item, verb, depth);
                }
                self.buf.push(if self.flags.sharp_v { b'}' } else { b']' });
            }
            Value::Object(o) => {
                // `%+v` of a struct without a `String` method names its fields.
                if verb == 'v' && self.flags.plus_v && !o.has_method("String") {
                    if let Some(fields) = o.go_fields() {
                        if depth >= MAX_DEPTH {
                            self.buf.extend_from_slice(b"...");
                            return;
                        }
                        self.buf.push(b'{');
                        for (i, (name, item)) in fields.iter().enumerate() {
                            if i > 0 {
                                self.buf.push(b' ');
                            }
                            self.buf.extend_from_slice(name.as_bytes());
                            self.buf.push(b':');
                            self.print_elem(item, verb, depth);
                        }
                        self.buf.push(b'}');
                        return;
                    }
                }
                // Objects print through their own `%v` form, the way Go uses a
                // `String()` method: string verbs apply to that text.
                let text = o.format_v();
                match verb {
                    'v' | 's' | 'x' | 'X' | 'q' => self.fmt_string(text.as_bytes(), verb, op),
                    _ => self.bad_verb(verb, op),
                }
            }
        }
    }

    /// One element of a slice or map. A nil element (only possible when the static type is
    /// `interface {}`) prints as the nil interface.
    fn print_elem(&mut self, item: &Value, verb: char, depth: usize) {
        self.print_value(item, verb, Operand::Nested(item), depth + 1);
    }

    /// Between elements: a space, or `, ` in Go syntax.
    fn write_separator(&mut self) {
        if self.flags.sharp_v {
            self.buf.extend_from_slice(b", ");
        } else {
            self.buf.push(b' ');
        }
    }

    /// `%!verb(type=value)`, or `%!verb(<nil>)`. The value is printed with `%v` under the
    /// current flags, as Go does (so `%5z` of 1 gives `%!z(int=    1)`).
    fn bad_verb(&mut self, verb: char, op: Operand<'_>) {
        self.buf.extend_from_slice(b"%!");
        super::push_char(&mut self.buf, verb);
        self.buf.push(b'(');
        match op {
            Operand::Nil => self.buf.extend_from_slice(b"<nil>"),
            Operand::Top(v) | Operand::Nested(v) => {
                self.buf.extend_from_slice(v.type_name().as_bytes());
                self.buf.push(b'=');
                match op {
                    Operand::Top(v) => self.print_arg(v, 'v'),
                    _ => self.print_value(v, 'v', Operand::Nested(v), 0),
                }
            }
            Operand::Byte(c) => {
                self.buf.extend_from_slice(b"uint8=");
                self.fmt_integer(u64::from(c), false, 'v', op);
            }
        }
        self.buf.push(b')');
    }

    fn fmt_bool(&mut self, v: bool, verb: char, op: Operand<'_>) {
        match verb {
            't' | 'v' => self.fmt_boolean(v),
            _ => self.bad_verb(verb, op),
        }
    }

    fn fmt_integer(&mut self, v: u64, signed: bool, verb: char, op: Operand<'_>) {
        match verb {
            'v' => {
                if self.flags.sharp_v && !signed {
                    self.fmt_0x64(v, true);
                } else {
                    self.fmt_integer_base(v, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer_base(v, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer_base(v, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer_base(v, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer_base(v, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer_base(v, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(v),
            'q' => self.fmt_qc(v),
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, op),
        }
    }

    /// Hex with a forced (or suppressed) `0x`, as `%#v` prints unsigned integers.
    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.flags.sharp;
        self.flags.sharp = leading_0x;
        self.fmt_integer_base(v, 16, false, 'v', LDIGITS);
        self.flags.sharp = sharp;
    }

    fn fmt_float(&mut self, v: f64, verb: char, op: Operand<'_>) {
        match verb {
            'v' => self.fmt_float_verb(v, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_verb(v, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float_verb(v, verb as u8, 6),
            'F' => self.fmt_float_verb(v, b'f', 6),
            _ => self.bad_verb(verb, op),
        }
    }

    fn fmt_string(&mut self, s: &[u8], verb: char, op: Operand<'_>) {
        match verb {
            'v' => {
                if self.flags.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s, LDIGITS),
            'X' => self.fmt_sbx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, op),
        }
    }

    /// A byte slice: string verbs see the bytes as text, other verbs apply to each byte.
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            's' => self.fmt_s(b),
            'x' => self.fmt_sbx(b, LDIGITS),
            'X' => self.fmt_sbx(b, UDIGITS),
            'q' => self.fmt_q(b),
            _ => {
                if self.flags.sharp_v {
                    self.buf.extend_from_slice(type_name.as_bytes());
                    self.buf.push(b'{');
                } else {
                    self.buf.push(b'[');
                }
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.write_separator();
                    }
                    self.fmt_integer(u64::from(c), false, verb, Operand::Byte(c));
                }
                self.buf.push(if self.flags.sharp_v { b'}' } else { b']' });
            }
        }
    }

    /// `%p`: the address of a slice, map or pointer. Addresses differ from run to run in
    /// Go as well; ours are the addresses of the shared values.
    fn fmt_pointer(&mut self, v: &Value, verb: char, op: Operand<'_>) {
        let addr = match v {
            Value::Bytes(b) => b.as_ptr() as usize,
            Value::List(l) => Arc::as_ptr(l) as usize,
            Value::Map(m) => Arc::as_ptr(m) as usize,
            Value::Object(o) if matches!(o.kind(), Kind::Ptr | Kind::Map | Kind::Func) => {
                Arc::as_ptr(o) as *const u8 as usize
            }
            _ => {
                self.bad_verb(verb, op);
                return;
            }
        };
        self.fmt_0x64(addr as u64, !self.flags.sharp);
    }
}
