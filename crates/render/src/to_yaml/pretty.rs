//! Helm's `toYamlPretty`: go-yaml v3's encoder (`sigs.k8s.io/yaml/goyaml.v3`) with
//! `SetIndent(2)`, applied to the Go value itself (no JSON round trip, unlike `toYaml`).
//!
//! What differs from the v2 output of [`super::to_yaml`]:
//! * values keep their Go types: a `float64` `1000000` is written `1e+06`, `+Inf` is `.inf`,
//!   a `time.Time` is its RFC 3339 text unquoted, a `[]byte` is a sequence of numbers;
//! * sequences under a mapping key are indented (`key:\n  - a`);
//! * no folding of long lines (v3's default width is unlimited);
//! * tabs do not prevent a literal block (`|`), only plain and single-quoted styles;
//! * map keys sort with v3's natural order, which differs from v2's after a digit.
//!
//! The emitter keeps the state libyaml's emitter uses for layout decisions (column,
//! indentation stack, the `whitespace` and `indention` flags) and follows v3's versions of
//! those decisions; comments, anchors, tags and flow collections other than `[]`/`{}` never
//! occur for template values, so they are left out.

use capstan_gotmpl::fmt::format_float;
use capstan_gotmpl::value::Value;

use super::pdqsort;
use super::resolve::{self, Resolved};
use super::unicode::{DIGITS, LETTERS};

/// `SetIndent(2)`.
const BEST_INDENT: i64 = 2;
/// Keys longer than this (in bytes) are written in the explicit `? key` form.
const MAX_SIMPLE_KEY_LEN: usize = 128;
/// Values nested deeper than this are encoded on a helper thread with a large stack.
const SHALLOW_DEPTH: usize = 300;
/// Deeper values (only reachable through self-referencing maps, where Go's encoder would
/// recurse until the process dies) give an empty result, as an encoder error does.
const MAX_DEPTH: usize = 10_000;

/// Helm's `toYamlPretty`: the YAML text without its final newline, or "" when the value
/// cannot be encoded.
pub fn to_yaml_pretty(v: &Value) -> String {
    let result = match encode(v, SHALLOW_DEPTH) {
        Err(TooDeep) => crate::json::on_big_stack(|| encode(v, MAX_DEPTH)).unwrap_or(Err(TooDeep)),
        r => r,
    };
    match result {
        Ok(mut out) => {
            if out.ends_with('\n') {
                out.pop();
            }
            out
        }
        Err(TooDeep) => String::new(),
    }
}

/// The value is nested deeper than the current limit.
struct TooDeep;

fn encode(v: &Value, limit: usize) -> Result<String, TooDeep> {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        limit,
    };
    e.node(v, false, 0)?;
    // Document end (implicit): finish the line.
    e.write_indent();
    Ok(e.out)
}

/// The scalar styles the encoder asks for or the emitter falls back to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// What libyaml's `yaml_emitter_analyze_scalar` (v3 version) learns about a scalar.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// A line break for the emitter: LF, CR, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable`: LF, printable ASCII and the BMP outside C1 controls,
/// surrogates, U+FEFF, U+FFFE and U+FFFF; characters beyond the BMP are escaped.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

fn analyze(value: &[char]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators =
        value.len() >= 3 && (value[..3] == ['-', '-', '-'] || value[..3] == ['.', '.', '.']);
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let last = value.len() - 1;
    for (i, &c) in value.iter().enumerate() {
        let followed_by_whitespace = value.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i == last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tabs || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style v3's `stringv` asks for: a literal block for text with a newline, plain when
/// the text would read back as the same string (YAML 1.1 booleans and sexagesimal numbers
/// are quoted too, for old parsers), double-quoted otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve::resolve(s) == Resolved::Str && !resolve::is_base60_float(s) {
        // v3 no longer reads `yes`/`on`/`y` as booleans but quotes them all the same
        // (`isOldBool`), so v2's resolver gives the same answer.
        Style::Plain
    } else {
        Style::Double
    }
}

/// v3's float text: strconv's shortest `'g'`, with YAML's names for the specials.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        format_float(f, b'g', -1)
    }
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let v = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < v {
                std::cmp::Ordering::Less
            } else if lo > v {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_table(LETTERS, c)
    }
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(DIGITS, c)
    }
}

/// go-yaml v3's `keyList.Less` for string keys: letters before other characters, digit runs
/// compared as numbers; after equal digits a letter sorts first (`a1b` before `a1.`), which
/// is where v3 differs from v2.
fn key_less(ar: &[char], br: &[char]) -> bool {
    let mut digits = false;
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        // Go adds `rune - '0'` with wrapping int64 arithmetic, also for non-ASCII digits.
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u32) - i64::from(b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u32) - i64::from(b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// The map's entries in v3's key order (Go's `sort.Sort`, a pdqsort, from byte order).
fn sorted_entries(m: &capstan_gotmpl::value::Map) -> Vec<(String, Value)> {
    let entries: Vec<(String, Value)> = m.snapshot().into_iter().collect();
    let chars: Vec<Vec<char>> = entries.iter().map(|(k, _)| k.chars().collect()).collect();
    let less = |a: usize, b: usize| match (chars.get(a), chars.get(b)) {
        (Some(x), Some(y)) => key_less(x, y),
        _ => false,
    };
    let mut order: Vec<usize> = (0..entries.len()).collect();
    pdqsort::sort(&mut order, &less);
    let mut slots: Vec<Option<(String, Value)>> = entries.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

struct Emitter {
    out: String,
    /// Characters (not bytes) on the current line.
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    /// The last character written was whitespace (no separating space needed).
    whitespace: bool,
    /// Only indentation (and indicators like `- `) is on the current line so far.
    indention: bool,
    limit: usize,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// libyaml v3's `put_break`: a newline, and the new line starts as indentation.
    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// A line break from the value: LF as the emitter's break, the others verbatim.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    /// Every increase is two columns with `SetIndent(2)` (v3 rounds to a multiple of the
    /// indent, and indents are always even here); block sequences are never indentless.
    fn increase_indent(&mut self, flow: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// v3's `write_indent`: unlike v2 it leaves `indention` alone.
    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &Value, simple_key: bool, depth: usize) -> Result<(), TooDeep> {
        if depth > self.limit {
            return Err(TooDeep);
        }
        match v {
            Value::Nil => self.scalar("null", Style::Plain, simple_key),
            Value::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, Style::Plain, simple_key)
            }
            Value::Int(i) | Value::Int64(i) => {
                self.scalar(&i.to_string(), Style::Plain, simple_key)
            }
            Value::Uint64(u) => self.scalar(&u.to_string(), Style::Plain, simple_key),
            Value::Uint8(u) => self.scalar(&u.to_string(), Style::Plain, simple_key),
            Value::Float64(f) => self.scalar(&float_text(*f), Style::Plain, simple_key),
            Value::String(s) => self.scalar(s, string_style(s), simple_key),
            // A Go `[]byte` is a slice of numbers for the encoder.
            Value::Bytes(b) => {
                let items: Vec<Value> = b.iter().map(|x| Value::Uint8(*x)).collect();
                self.sequence(&items, depth)?;
            }
            Value::List(l) => self.sequence(&l.items, depth)?,
            Value::Map(m) => self.mapping(&sorted_entries(m), depth)?,
            Value::Object(o) => {
                let data = o.to_data();
                if o.type_name() == "time.Time" {
                    // `timev`: RFC 3339 with nanoseconds, always plain.
                    let text = data.as_str().unwrap_or_default().to_string();
                    self.scalar(&text, Style::Plain, simple_key);
                } else if let Some(fields) = o.go_fields() {
                    // v3 walks the struct: fields in declaration order, keyed by the
                    // lower-cased field name (it reads `yaml` tags only, and Helm's types
                    // have none).
                    let entries: Vec<(String, Value)> = fields
                        .into_iter()
                        .map(|(k, v)| (k.to_lowercase(), v))
                        .collect();
                    self.mapping(&entries, depth)?;
                } else {
                    self.node(&data, simple_key, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn sequence(&mut self, items: &[Value], depth: usize) -> Result<(), TooDeep> {
        if items.is_empty() {
            self.empty_flow("[", "]");
            return Ok(());
        }
        self.increase_indent(false);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false, depth + 1)?;
        }
        self.pop_indent();
        Ok(())
    }

    /// A block mapping of `entries`, already in the encoder's order.
    fn mapping(&mut self, entries: &[(String, Value)], depth: usize) -> Result<(), TooDeep> {
        if entries.is_empty() {
            self.empty_flow("{", "}");
            return Ok(());
        }
        self.increase_indent(false);
        for (key, value) in entries {
            self.write_indent();
            let chars: Vec<char> = key.chars().collect();
            if key.len() <= MAX_SIMPLE_KEY_LEN && !analyze(&chars).multiline {
                self.scalar(key, string_style(key), true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, string_style(key), false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, false, depth + 1)?;
        }
        self.pop_indent();
        Ok(())
    }

    /// libyaml's `select_scalar_style` and `process_scalar`.
    fn scalar(&mut self, value: &str, requested: Style, simple_key: bool) {
        let chars: Vec<char> = value.chars().collect();
        let a = analyze(&chars);
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if !a.block_plain_allowed {
                style = Style::Single;
            }
            if chars.is_empty() && simple_key {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true);
        match style {
            Style::Plain => self.write_plain(&chars),
            Style::Single => self.write_single(&chars),
            Style::Double => self.write_double(&chars),
            Style::Literal => self.write_literal(&chars),
        }
        self.pop_indent();
    }

    /// Plain text never holds a line break (the analysis forbids it) and is never folded.
    fn write_plain(&mut self, value: &[char]) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        for &c in value {
            self.put(c);
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &[char]) {
        self.write_indicator("'", true, false, false);
        let mut breaks = false;
        for &c in value {
            if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &[char]) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        // libyaml tests for a byte order mark at the start of the whole value rather than
        // at each character, so a value starting with U+FEFF is escaped entirely.
        let bom = value.first() == Some(&'\u{feff}');
        self.write_indicator("\"", true, false, false);
        for &c in value {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                if let Some(s) = short {
                    self.put(s);
                } else {
                    let v = c as u32;
                    let (letter, digits) = if v <= 0xff {
                        ('x', 2)
                    } else if v <= 0xffff {
                        ('u', 4)
                    } else {
                        ('U', 8)
                    };
                    self.put(letter);
                    for k in (0..digits).rev() {
                        self.put(HEX[((v >> (k * 4)) & 0xf) as usize] as char);
                    }
                }
            } else {
                self.put(c);
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &[char]) {
        self.write_indicator("|", true, false, false);
        // Indentation indicator when the content starts with a space or a break.
        if value.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        // Chomping: `-` without a final break, `+` with more than one.
        let chomp = match value {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for &c in value {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
#[path = "pretty_tests.rs"]
mod tests;
