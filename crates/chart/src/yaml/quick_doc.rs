//! A fast path for whole documents in the plain shape of `values.yaml` files: block
//! mappings and sequences, plain and quoted one-line scalars, one-line flow sequences of
//! simple items, empty flow collections, literal and folded block scalars, comments.
//!
//! Reading a large chart's `values.yaml` with the full event parser cost as much as a
//! fifth of a `capstan template` run, and most of such a file is comments and simple
//! `key: value` lines. This reader uses the line scanner of the head reader
//! ([`super::quick_head`]) and builds the same JSON value the full decoder builds. Like
//! the head reader it answers only when it is sure: on anything outside its subset
//! (anchors, tags, flow mappings, multi-line plain or quoted scalars, duplicate keys,
//! non-string keys, `|+` chomping, odd indentation, tabs in indentation, special floats,
//! several documents) it answers `None`, and the full decoder decides (and words any
//! error). The fuzz target `quick_doc` checks that whenever it answers, the full decoder
//! gives the same value.

use serde_json::{Map, Value};

use super::quick_head::{
    all_printable, flow_sequence, indent_of, inline_value, is_block_header, is_skippable,
    next_content_line, plain_continues_from, seq_item, split_key, split_lines, FlowItem, Inline,
    Key,
};
use super::resolve::{resolve_plain, Scalar};
use super::scalar_to_json;

/// Deepest nesting this fast path follows; deeper documents go to the full decoder.
const MAX_NESTING: usize = 64;

/// The document's value as [`super::from_str`] gives it, or `None` when the full decoder
/// must decide. Only documents whose top level is a block mapping (or that hold nothing
/// but blank and comment lines) are read here.
pub fn document_of(text: &str) -> Option<Value> {
    if !all_printable(text) {
        return None;
    }
    let mut builder = Builder::new(text);
    builder.run()
}

/// A collection being built, and the indentation of its entries.
enum Frame {
    Map {
        indent: usize,
        entries: Map<String, Value>,
        /// The key whose value is still to come.
        key: Option<String>,
    },
    Seq {
        indent: usize,
        /// A sequence whose dashes sit at its parent key's indentation.
        indentless: bool,
        items: Vec<Value>,
    },
}

impl Frame {
    fn indent(&self) -> usize {
        match self {
            Frame::Map { indent, .. } | Frame::Seq { indent, .. } => *indent,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Frame::Map { entries, .. } => Value::Object(entries),
            Frame::Seq { items, .. } => Value::Array(items),
        }
    }
}

/// A key or dash whose value starts on a later line (or is null).
struct Pending {
    owner_indent: usize,
    owner_is_map: bool,
}

struct Builder<'a> {
    lines: Vec<&'a str>,
    next: usize,
    stack: Vec<Frame>,
    pending: Option<Pending>,
}

/// A scalar as the full decoder converts it; `None` for values the JSON step refuses.
fn scalar_value(scalar: &Scalar) -> Option<Value> {
    scalar_to_json(scalar).ok()
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            lines: split_lines(text),
            next: 0,
            stack: Vec::new(),
            pending: None,
        }
    }

    fn run(&mut self) -> Option<Value> {
        while let Some((indent, rest)) = next_content_line(&self.lines, &mut self.next)? {
            self.line(indent, rest)?;
        }
        if self.pending.take().is_some() {
            self.attach(Value::Null)?;
        }
        let Some(top) = self.stack.pop() else {
            // Only blank and comment lines: an empty document.
            return Some(Value::Null);
        };
        let mut value = top.into_value();
        while !self.stack.is_empty() {
            self.attach(value)?;
            value = self.stack.pop()?.into_value();
        }
        Some(value)
    }

    /// Gives a finished value to the collection on top of the stack.
    fn attach(&mut self, value: Value) -> Option<()> {
        match self.stack.last_mut()? {
            Frame::Map { entries, key, .. } => {
                entries.insert(key.take()?, value);
            }
            Frame::Seq { items, .. } => items.push(value),
        }
        Some(())
    }

    fn push(&mut self, frame: Frame) -> Option<()> {
        if self.stack.len() >= MAX_NESTING {
            return None;
        }
        self.stack.push(frame);
        Some(())
    }

    /// Closes the collection on top of the stack, handing it to its parent.
    fn pop(&mut self) -> Option<()> {
        let done = self.stack.pop()?.into_value();
        self.attach(done)
    }

    fn new_map(indent: usize) -> Frame {
        Frame::Map {
            indent,
            entries: Map::new(),
            key: None,
        }
    }

    fn new_seq(indent: usize, indentless: bool) -> Frame {
        Frame::Seq {
            indent,
            indentless,
            items: Vec::new(),
        }
    }

    fn line(&mut self, indent: usize, rest: &str) -> Option<()> {
        if self.stack.is_empty() {
            if indent != 0 || seq_item(rest).is_some() {
                return None;
            }
            self.push(Self::new_map(0))?;
            return self.map_entry(rest);
        }
        if let Some(p) = self.pending.take() {
            if indent > p.owner_indent {
                if seq_item(rest).is_some() {
                    self.push(Self::new_seq(indent, false))?;
                    return self.seq_entry(indent, rest);
                }
                let Some(split) = split_key(rest) else {
                    // A scalar (or flow collection) on its own line below its key.
                    return self.value(p.owner_indent, rest);
                };
                self.push(Self::new_map(indent))?;
                return self.map_entry_split(split);
            }
            if indent == p.owner_indent && p.owner_is_map && seq_item(rest).is_some() {
                self.push(Self::new_seq(indent, true))?;
                return self.seq_entry(indent, rest);
            }
            self.attach(Value::Null)?;
        }
        while self.stack.last()?.indent() > indent {
            self.pop()?;
        }
        let is_item = seq_item(rest).is_some();
        match self.stack.last()? {
            top if top.indent() != indent => None,
            Frame::Map { .. } if !is_item => self.map_entry(rest),
            Frame::Seq { .. } if is_item => self.seq_entry(indent, rest),
            Frame::Seq {
                indentless: true, ..
            } => {
                self.pop()?;
                match self.stack.last() {
                    Some(Frame::Map { indent: i, .. }) if *i == indent => self.map_entry(rest),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `key: ...` in the mapping on top of the stack.
    fn map_entry(&mut self, rest: &str) -> Option<()> {
        let split = split_key(rest)?;
        self.map_entry_split(split)
    }

    /// [`Builder::map_entry`] with the key already split off.
    fn map_entry_split(&mut self, (key, plain, value): Key<'_>) -> Option<()> {
        if plain && !matches!(resolve_plain(key), Scalar::Str(_)) {
            return None;
        }
        let Some(Frame::Map {
            indent,
            entries,
            key: slot,
        }) = self.stack.last_mut()
        else {
            return None;
        };
        // Duplicate keys are legal YAML (the later value wins, at the earlier place);
        // rare enough to leave to the full decoder.
        if entries.contains_key(key) || slot.is_some() {
            return None;
        }
        *slot = Some(key.to_string());
        let owner = *indent;
        self.value(owner, value)
    }

    /// `- ...` in the sequence at `indent`.
    fn seq_entry(&mut self, indent: usize, rest: &str) -> Option<()> {
        let item = seq_item(rest)?;
        if seq_item(item).is_some() {
            return None;
        }
        if let Some(split) = split_key(item).filter(|_| !item.starts_with('#')) {
            let column = indent + (rest.len() - item.len());
            self.push(Self::new_map(column))?;
            return self.map_entry_split(split);
        }
        self.value(indent, item)
    }

    /// The value after a key or dash of the collection on top of the stack, which sits
    /// at `owner_indent`.
    fn value(&mut self, owner_indent: usize, text: &str) -> Option<()> {
        if is_skippable(text) {
            self.pending = Some(Pending {
                owner_indent,
                owner_is_map: matches!(self.stack.last()?, Frame::Map { .. }),
            });
            return Some(());
        }
        if text.starts_with(['|', '>']) {
            if !is_block_header(text) {
                return None;
            }
            let body = self.block_scalar(owner_indent, text)?;
            return self.attach(Value::String(body));
        }
        let value = match inline_value(text)? {
            Inline::Plain(body) => {
                // Only a plain scalar without a comment can go on over the next lines.
                if body.len() == text.len() && self.plain_continues(owner_indent)? {
                    return None;
                }
                scalar_value(&resolve_plain(body))?
            }
            Inline::Double(body, escaped) => Value::String(if escaped {
                unescape_double(body)?
            } else {
                body.to_string()
            }),
            Inline::Single(body) => Value::String(body.replace("''", "'")),
            Inline::EmptySeq => Value::Array(Vec::new()),
            Inline::EmptyMap => Value::Object(Map::new()),
            Inline::FlowSeq => Value::Array(flow_items(text)?),
            Inline::OpenQuote(_) => return None,
        };
        self.attach(value)
    }

    /// Whether a plain scalar goes on over the next lines (then the full decoder folds
    /// it); `None` when the next lines are not clearly either.
    fn plain_continues(&mut self, owner: usize) -> Option<bool> {
        let (consumed, next) = plain_continues_from(&self.lines, self.next, owner)?;
        self.next = next;
        Some(consumed)
    }

    /// Reads a block scalar (`|`, `|-`, `>`, `>-`; not `+`) whose owner collection sits at
    /// `parent`, and gives its text.
    fn block_scalar(&mut self, parent: usize, header: &str) -> Option<String> {
        let folded = header.starts_with('>');
        let strip = match header.as_bytes().get(1) {
            Some(b'-') => true,
            Some(b'+') => return None,
            _ => false,
        };
        let mut content: Option<usize> = None;
        // The lines after the content indentation; `None` for an empty line.
        let mut lines: Vec<Option<&str>> = Vec::new();
        while self.next < self.lines.len() {
            let line = self.lines[self.next];
            let spaces = indent_of(line);
            if spaces == line.len() {
                // Lines of spaces only: before the content they would set its
                // indentation, inside it deeper ones are text; keep to the plain case.
                match content {
                    None if spaces > 0 => return None,
                    Some(c) if spaces > c => return None,
                    _ => {}
                }
                lines.push(None);
                self.next += 1;
                continue;
            }
            let c = match content {
                None if spaces > parent => *content.insert(spaces),
                None => break,
                Some(c) if spaces >= c => c,
                Some(_) => break,
            };
            let text = &line[c..];
            if folded && text.starts_with([' ', '\t']) {
                // More-indented lines keep their breaks in a folded scalar.
                return None;
            }
            lines.push(Some(text));
            self.next += 1;
        }
        if self.next == self.lines.len() && self.lines.last().is_some_and(|l| !l.is_empty()) {
            // The text ends inside the scalar without a final line break (even on a line of
            // spaces): the event parser's chomping differs there.
            return None;
        }
        if content.is_none() {
            // No text at all (the next line is less indented): an empty string.
            return Some(String::new());
        }
        while lines.last() == Some(&None) {
            lines.pop();
        }
        let mut body = String::new();
        let mut previous_text = false;
        for line in &lines {
            match line {
                Some(text) => {
                    if folded && previous_text {
                        body.push(' ');
                    } else if previous_text {
                        body.push('\n');
                    }
                    body.push_str(text);
                    previous_text = true;
                }
                None => {
                    // In a folded scalar the break before an empty line is the one
                    // folded away; each empty line then stands for one break.
                    if previous_text && !folded {
                        body.push('\n');
                    }
                    body.push('\n');
                    previous_text = false;
                }
            }
        }
        if !strip {
            body.push('\n');
        }
        Some(body)
    }
}

/// A double-quoted scalar's body with its escapes (each already checked to be one
/// go-yaml accepts, none numeric) decoded.
fn unescape_double(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '0' => '\0',
            'a' => '\x07',
            'b' => '\x08',
            't' => '\t',
            'n' => '\n',
            'v' => '\x0b',
            'f' => '\x0c',
            'r' => '\r',
            'e' => '\x1b',
            ' ' => ' ',
            '"' => '"',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            _ => return None,
        });
    }
    Some(out)
}

/// The items of a one-line flow sequence the head reader has vouched for.
fn flow_items(text: &str) -> Option<Vec<Value>> {
    let mut items = Vec::new();
    flow_sequence(text, |item| {
        items.push(match item {
            FlowItem::Double(body, true) => Value::String(unescape_double(body)?),
            FlowItem::Double(body, false) | FlowItem::Single(body) => {
                Value::String(body.to_string())
            }
            FlowItem::Plain(word) => scalar_value(&resolve_plain(word))?,
        });
        Some(())
    })?;
    Some(items)
}

/// For tests: the 1-based line at which the fast path gave up, if it did.
#[cfg(test)]
pub(crate) fn gave_up_at(text: &str) -> Option<usize> {
    let mut builder = Builder::new(text);
    match builder.run() {
        Some(_) => None,
        None => Some(builder.next),
    }
}

#[cfg(test)]
mod tests;
