//! The `--set` family parser, following the structure of Helm's `pkg/strvals` (parser.go
//! and literal_parser.go) closely, because its quirks are the behaviour users depend on.
//!
//! Go signals "end of input" with `io.EOF`, and Helm's parse loop treats *any* error that
//! wraps `io.EOF` as a normal end, even after partial work (`a[0]` stores an empty list and
//! succeeds). [`Flow::Eof`] carries that signal so those paths end the same way.

use serde_json::{Map, Value};

use super::json::{decode_prefix, MAX_JSON_DEPTH};
use super::{type_name, typed_value, StrvalsError};

/// Helm's `MaxIndex`: the largest list index `--set` accepts.
pub const MAX_INDEX: i64 = 65536;

/// Helm's `MaxNestedNameLevel`: how many dots a key may have.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How deeply `[i][j]...` may nest. Helm has no limit; values this deep cannot be dropped
/// or rendered without overflowing the stack, so we refuse them.
pub const MAX_LIST_NESTING: usize = MAX_JSON_DEPTH;

/// Which flag's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `--set`: values typed (`true`, `null`, integers).
    Typed,
    /// `--set-string`: values are strings.
    String,
    /// `--set-file`: values are file paths, replaced by the files' contents.
    File,
    /// `--set-json` (`key=JSON` form).
    Json,
    /// `--set-literal`: everything after the first `=` is the value, no escapes.
    Literal,
}

/// Reads a `--set-file` path and returns the file's contents.
pub(crate) type FileReader<'r> = dyn FnMut(&str) -> Result<String, StrvalsError> + 'r;

/// How a step ended when it did not succeed.
pub(crate) enum Flow {
    /// The input ended; Helm counts this as success.
    Eof,
    /// A real error.
    Fail(StrvalsError),
}

impl From<StrvalsError> for Flow {
    fn from(e: StrvalsError) -> Self {
        Flow::Fail(e)
    }
}

type Step = Result<(), Flow>;

/// Outcome of trying to read a `{a,b}` list value.
enum ListValue {
    List(Vec<Value>),
    /// Nothing left after the `=`.
    Eof,
    /// The value does not start with `{`.
    NotList,
}

pub(crate) struct Parser<'a, 'r> {
    s: &'a str,
    pos: usize,
    last_len: usize,
    mode: Mode,
    reader: Option<&'r mut FileReader<'r>>,
}

impl<'a, 'r> Parser<'a, 'r> {
    pub(crate) fn new(s: &'a str, mode: Mode, reader: Option<&'r mut FileReader<'r>>) -> Self {
        Parser {
            s,
            pos: 0,
            last_len: 0,
            mode,
            reader,
        }
    }

    /// Parses the whole line into `data`.
    pub(crate) fn parse(&mut self, data: &mut Map<String, Value>) -> Result<(), StrvalsError> {
        loop {
            let before = self.pos;
            match self.key(data, 0) {
                Ok(()) if self.pos > before => {}
                // Every successful step consumes input; stop rather than spin if not.
                Ok(()) | Err(Flow::Eof) => return Ok(()),
                Err(Flow::Fail(e)) => return Err(e),
            }
        }
    }

    fn read(&mut self) -> Option<char> {
        let c = self.s[self.pos..].chars().next()?;
        self.last_len = c.len_utf8();
        self.pos += self.last_len;
        Some(c)
    }

    fn unread(&mut self) {
        self.pos -= self.last_len;
        self.last_len = 0;
    }

    fn escapes(&self) -> bool {
        self.mode != Mode::Literal
    }

    /// Helm's `runesUntil`: text up to one of `stop` (consumed), with `\x` standing for
    /// `x` except in literal mode. `Err` carries the text read before the input ended.
    fn until(&mut self, stop: &[char]) -> Result<(String, char), String> {
        let mut v = String::new();
        loop {
            let Some(c) = self.read() else {
                return Err(v);
            };
            if stop.contains(&c) {
                return Ok((v, c));
            }
            if c == '\\' && self.escapes() {
                match self.read() {
                    Some(next) => v.push(next),
                    None => return Err(v),
                }
            } else {
                v.push(c);
            }
        }
    }

    /// Everything up to the next `,` (or the end; literal mode: up to the end).
    fn val(&mut self) -> String {
        let stop: &[char] = if self.mode == Mode::Literal {
            &[]
        } else {
            &[',']
        };
        match self.until(stop) {
            Ok((v, _)) | Err(v) => v,
        }
    }

    /// Turns the text of a value into a value, as the flag's reader does.
    fn convert(&mut self, text: &str) -> Result<Value, Flow> {
        match self.mode {
            Mode::Typed => Ok(typed_value(text)),
            Mode::String | Mode::Literal | Mode::Json => Ok(Value::String(text.to_string())),
            Mode::File => match self.reader.as_mut() {
                Some(read) => read(text).map(Value::String).map_err(Flow::Fail),
                None => Ok(Value::String(text.to_string())),
            },
        }
    }

    fn key(&mut self, data: &mut Map<String, Value>, mut level: usize) -> Step {
        let stop: &[char] = if self.mode == Mode::Literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = match self.until(stop) {
            Ok(found) => found,
            Err(k) if k.is_empty() => return Err(Flow::Eof),
            Err(k) => return Err(StrvalsError::KeyHasNoValue(k).into()),
        };
        match last {
            '[' => {
                let i = self.key_index()?;
                // Helm type-asserts the existing value to a list, and always stores the
                // list back, even when a later step fails.
                let list = match data.get_mut(&k) {
                    None => Vec::new(),
                    Some(Value::Array(a)) if k.is_empty() => a.clone(),
                    Some(Value::Array(a)) => std::mem::take(a),
                    Some(other) => return Err(conversion(other, "[]interface {}")),
                };
                let (list, r) = self.list_item(list, i, level, 1);
                set(data, k, Value::Array(list));
                r
            }
            '=' => self.key_value(data, k),
            ',' => {
                set(data, k.clone(), Value::String(String::new()));
                Err(StrvalsError::KeyHasNoValueComma(k).into())
            }
            _ => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(StrvalsError::NestedTooDeep.into());
                }
                match data.get_mut(&k) {
                    // Helm works on the existing map in place.
                    Some(Value::Object(inner)) => {
                        let r = self.key(inner, level);
                        if r.is_ok() && inner.is_empty() {
                            return Err(StrvalsError::KeyMapHasNoValue(k).into());
                        }
                        r
                    }
                    Some(other) => Err(conversion(other, "map[string]interface {}")),
                    None => {
                        let mut inner = Map::new();
                        let r = self.key(&mut inner, level);
                        if r.is_ok() && inner.is_empty() {
                            return Err(StrvalsError::KeyMapHasNoValue(k).into());
                        }
                        if !inner.is_empty() {
                            set(data, k, Value::Object(inner));
                        }
                        r
                    }
                }
            }
        }
    }

    /// The value after `key=`.
    fn key_value(&mut self, data: &mut Map<String, Value>, k: String) -> Step {
        match self.mode {
            Mode::Literal => {
                let v = self.val();
                set(data, k, Value::String(v));
                Ok(())
            }
            Mode::Json => {
                if self.empty_val() {
                    set(data, k, Value::Null);
                    return Ok(());
                }
                let v = self.json_value()?;
                set(data, k, v);
                self.empty_val();
                Ok(())
            }
            _ => match self.val_list()? {
                ListValue::List(vl) => {
                    set(data, k, Value::Array(vl));
                    Ok(())
                }
                ListValue::Eof => {
                    set(data, k, Value::String(String::new()));
                    Err(Flow::Eof)
                }
                ListValue::NotList => {
                    let text = self.val();
                    let v = self.convert(&text)?;
                    set(data, k, v);
                    Ok(())
                }
            },
        }
    }

    /// The index between `[` and `]`, read with `strconv.Atoi`.
    fn key_index(&mut self) -> Result<i64, Flow> {
        let text = match self.until(&[']']) {
            Ok((v, _)) => v,
            // "error parsing index: EOF" still wraps io.EOF: a normal end for Helm.
            Err(_) => return Err(Flow::Eof),
        };
        atoi(&text).map_err(|e| Flow::Fail(StrvalsError::ParseIndex(e)))
    }

    /// Helm's `listItem`: what follows `[i]`. Returns the list (changed in place or grown)
    /// together with the outcome, because Helm stores the list even when a step fails.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
        depth: usize,
    ) -> (Vec<Value>, Step) {
        if i < 0 {
            return (list, Err(StrvalsError::NegativeIndex(i).into()));
        }
        if depth > MAX_LIST_NESTING {
            return (list, Err(StrvalsError::ListTooDeep.into()));
        }
        let (_, last) = match self.until(&['[', '.', '=']) {
            Ok((k, _)) | Err(k) if !k.is_empty() => {
                return (list, Err(StrvalsError::UnexpectedData(k).into()))
            }
            Ok(found) => found,
            Err(_) => return (list, Err(Flow::Eof)),
        };
        // `i` is non-negative here; an index beyond the address space fails in set_index.
        let at = usize::try_from(i).unwrap_or(usize::MAX);
        match last {
            '=' => match self.list_value() {
                Ok(v) => set_index(list, i, v),
                Err(Flow::Eof) => set_index(list, i, Value::String(String::new())),
                Err(e) => (list, Err(e)),
            },
            '[' => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                // An existing nested list is reused; a nil element counts as absent.
                let (current, was_list) = match list.get_mut(at) {
                    Some(Value::Array(a)) => (std::mem::take(a), true),
                    Some(Value::Null) | None => (Vec::new(), false),
                    Some(other) => {
                        let e = conversion(other, "[]interface {}");
                        return (list, Err(e));
                    }
                };
                let (inner, r) = self.list_item(current, next, level, depth + 1);
                if r.is_err() {
                    // Helm's nested list shared its storage with this element, so changes
                    // made in place before the failure remain.
                    if was_list {
                        if let Some(slot) = list.get_mut(at) {
                            *slot = Value::Array(inner);
                        }
                    }
                    return (list, r);
                }
                set_index(list, i, Value::Array(inner))
            }
            _ => {
                if let Some(slot) = list.get_mut(at) {
                    // An element that is not a map is replaced by an empty map in place
                    // ("indices out of order" in Helm's words) before recursing.
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(inner) = slot {
                        let r = self.key(inner, level);
                        if r.is_err() {
                            return (list, r);
                        }
                    }
                    // The map is already in its place; only Helm's index limit remains.
                    if i > MAX_INDEX {
                        return (list, Err(StrvalsError::IndexTooLarge(i).into()));
                    }
                    return (list, Ok(()));
                }
                let mut inner = Map::new();
                if let Err(e) = self.key(&mut inner, level) {
                    return (list, Err(e));
                }
                set_index(list, i, Value::Object(inner))
            }
        }
    }

    /// The value after `[i]=`. `Err(Flow::Eof)` means nothing followed the `=`.
    fn list_value(&mut self) -> Result<Value, Flow> {
        match self.mode {
            Mode::Literal => Ok(Value::String(self.val())),
            Mode::Json => {
                if self.empty_val() {
                    return Ok(Value::Null);
                }
                let v = self.json_value()?;
                self.empty_val();
                Ok(v)
            }
            _ => match self.val_list()? {
                ListValue::List(vl) => Ok(Value::Array(vl)),
                ListValue::Eof => Err(Flow::Eof),
                ListValue::NotList => {
                    let text = self.val();
                    self.convert(&text)
                }
            },
        }
    }

    /// Helm's `emptyVal`: skips spaces; true at a `,` (consumed) or the end, false at any
    /// other character (left unread).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn json_value(&mut self) -> Result<Value, Flow> {
        let (v, used) =
            decode_prefix(&self.s[self.pos..]).map_err(|e| Flow::Fail(StrvalsError::Json(e.0)))?;
        self.pos += used;
        self.last_len = 0;
        Ok(v)
    }

    /// Helm's `valList`: a `{a,b,c}` list value.
    fn val_list(&mut self) -> Result<ListValue, Flow> {
        match self.read() {
            None => return Ok(ListValue::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(ListValue::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            match self.until(&[',', '}']) {
                Err(_) => return Err(StrvalsError::ListNotTerminated.into()),
                Ok((text, '}')) => {
                    // A `,` right after the list belongs to it.
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    list.push(self.convert(&text)?);
                    return Ok(ListValue::List(list));
                }
                Ok((text, _)) => list.push(self.convert(&text)?),
            }
        }
    }
}

/// Helm's `set`: an empty key is silently dropped.
fn set(data: &mut Map<String, Value>, key: String, v: Value) {
    if !key.is_empty() {
        data.insert(key, v);
    }
}

/// Helm's `setIndex`: stores `v` at `index`, padding with nulls.
fn set_index(mut list: Vec<Value>, index: i64, v: Value) -> (Vec<Value>, Step) {
    if index < 0 {
        return (list, Err(StrvalsError::NegativeIndex(index).into()));
    }
    if index > MAX_INDEX {
        return (list, Err(StrvalsError::IndexTooLarge(index).into()));
    }
    // 0 <= index <= MAX_INDEX, so the conversion is exact.
    let at = index as usize;
    if list.len() <= at {
        list.resize(at + 1, Value::Null);
    }
    list[at] = v;
    (list, Ok(()))
}

/// The panic Helm turns into an error when a value has the wrong type for the key syntax.
fn conversion(found: &Value, expected: &'static str) -> Flow {
    Flow::Fail(StrvalsError::TypeConversion {
        found: type_name(found),
        expected,
    })
}

/// Go's `strconv.Atoi` on a 64-bit platform, with its error text.
pub(crate) fn atoi(s: &str) -> Result<i64, String> {
    let quoted = crate::semver::go_quote(s);
    let syntax = || format!("strconv.Atoi: parsing {quoted}: invalid syntax");
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    let mut n: i128 = 0;
    for b in digits.bytes() {
        n = n * 10 + i128::from(b - b'0');
        if n > i128::from(i64::MAX) + 1 {
            break;
        }
    }
    let n = if neg { -n } else { n };
    i64::try_from(n).map_err(|_| format!("strconv.Atoi: parsing {quoted}: value out of range"))
}
