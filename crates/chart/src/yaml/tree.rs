//! Builds go-yaml v2's decoded value tree from saphyr-parser events, without
//! recursion (an explicit stack), resolving anchors, aliases and `<<` merges.

use std::collections::HashMap;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::resolve::{resolve_plain, resolve_tagged, Scalar};
use super::{YamlError, MAX_DEPTH};

/// A decoded YAML value with go-yaml's Go types. Aliased subtrees are shared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A resolved scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Rc<Node>>),
    /// A mapping, in document order, duplicates already collapsed (last wins, merges
    /// applied where they appear).
    Map(Vec<(Scalar, Rc<Node>)>),
}

enum Frame {
    Seq {
        anchor: usize,
        flow: bool,
        items: Vec<Rc<Node>>,
    },
    Map {
        anchor: usize,
        flow: bool,
        entries: Vec<(Scalar, Rc<Node>)>,
        index: HashMap<KeyId, usize>,
        key: Option<Scalar>,
    },
}

/// A hashable identity for a scalar key (floats by bit pattern).
#[derive(Hash, PartialEq, Eq)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(String),
}

fn key_id(s: &Scalar) -> KeyId {
    match s {
        Scalar::Null => KeyId::Null,
        Scalar::Bool(b) => KeyId::Bool(*b),
        Scalar::Int(i) => KeyId::Int(*i),
        Scalar::Uint(u) => KeyId::Uint(*u),
        Scalar::Float(f) => KeyId::Float(f.to_bits()),
        Scalar::Str(s) => KeyId::Str(s.clone()),
        Scalar::Merge => KeyId::Str("<<".into()),
    }
}

fn set_entry(
    entries: &mut Vec<(Scalar, Rc<Node>)>,
    index: &mut HashMap<KeyId, usize>,
    k: Scalar,
    v: Rc<Node>,
) {
    let id = key_id(&k);
    if let Some(&i) = index.get(&id) {
        entries[i].1 = v;
    } else {
        index.insert(id, entries.len());
        entries.push((k, v));
    }
}

fn want_map() -> YamlError {
    YamlError::decode("map merge requires map or sequence of maps as the value".to_string())
}

/// Applies a `<<` merge of `value` into the mapping under construction.
fn merge_into(
    entries: &mut Vec<(Scalar, Rc<Node>)>,
    index: &mut HashMap<KeyId, usize>,
    value: &Node,
) -> Result<(), YamlError> {
    match value {
        Node::Map(src) => {
            for (k, v) in src {
                set_entry(entries, index, k.clone(), v.clone());
            }
            Ok(())
        }
        Node::Seq(items) => {
            // go-yaml walks the list backwards so that earlier maps take precedence.
            for it in items.iter().rev() {
                match &**it {
                    Node::Map(src) => {
                        for (k, v) in src {
                            set_entry(entries, index, k.clone(), v.clone());
                        }
                    }
                    _ => return Err(want_map()),
                }
            }
            Ok(())
        }
        _ => Err(want_map()),
    }
}

fn short_tag(tag: &Tag) -> String {
    if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// Describes a non-scalar key the way go-yaml's panic message shows it.
fn invalid_key(node: &Node) -> YamlError {
    YamlError::decode(format!("invalid map key: {}", super::go_sharp_v(node)))
}

fn frame_anchor(f: &Frame) -> usize {
    match f {
        Frame::Seq { anchor, .. } | Frame::Map { anchor, .. } => *anchor,
    }
}

fn frame_flow(f: &Frame) -> bool {
    match f {
        Frame::Seq { flow, .. } | Frame::Map { flow, .. } => *flow,
    }
}

/// The source text, for the few checks where go-yaml (YAML 1.1, libyaml's scanner)
/// refuses what saphyr (YAML 1.2) accepts. Line tables are built only when needed.
struct Source<'a> {
    text: &'a str,
    lines: Option<Vec<&'a str>>,
    /// Every line, split once on first use: looking lines up by counting from the start
    /// each time made parsing quadratic (200 KB CRDs took most of `capstan template`).
    all_lines: std::cell::OnceCell<Vec<&'a str>>,
    has_slash_escape: bool,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        let needs_lines = text.contains('\t') || text.contains("\\/");
        Source {
            text,
            lines: needs_lines.then(|| text.lines().collect()),
            all_lines: std::cell::OnceCell::new(),
            has_slash_escape: text.contains("\\/"),
        }
    }

    fn line(&self, line: usize) -> &'a str {
        match &self.lines {
            Some(l) => l.get(line.saturating_sub(1)).copied().unwrap_or(""),
            None => self
                .all_lines
                .get_or_init(|| self.text.lines().collect())
                .get(line.saturating_sub(1))
                .copied()
                .unwrap_or(""),
        }
    }

    fn char_at(&self, line: usize, col0: usize) -> Option<char> {
        self.line(line).chars().nth(col0)
    }

    /// Whether a collection starts with `[` or `{` (flow style).
    fn starts_flow(&self, span: &saphyr_parser::Span) -> bool {
        matches!(
            self.char_at(span.start.line(), span.start.col()),
            Some('[') | Some('{')
        )
    }

    /// The anchor or alias name at a 1-based position (after `*` or `&`).
    fn anchor_name(&self, line: usize, column: usize) -> String {
        self.line(line)
            .chars()
            .skip(column.saturating_sub(1))
            .skip_while(|c| *c == '*' || *c == '&')
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    }

    /// libyaml (hence go-yaml) only looks 1024 characters back for an implicit key, so
    /// a longer single-line key makes its `:` an error.
    fn check_simple_key(&self, span: &saphyr_parser::Span) -> Result<(), YamlError> {
        let (start, end) = (span.start, span.end);
        if end.index().saturating_sub(start.index()) <= 1024 || start.line() != end.line() {
            return Ok(());
        }
        let before: String = self.line(start.line()).chars().take(start.col()).collect();
        if before.trim_end().ends_with('?') {
            return Ok(());
        }
        Err(YamlError::Syntax {
            line: start.line(),
            column: start.col() + 1,
            go_line: (start.line() > 1).then_some(start.line()),
            message: "mapping values are not allowed in this context".into(),
        })
    }

    /// go-yaml refuses tabs as block indentation before a node.
    fn check_tab_indent(&self, span: &saphyr_parser::Span) -> Result<(), YamlError> {
        if self.lines.is_none() {
            return Ok(());
        }
        let (line, col) = (span.start.line(), span.start.col());
        let prefix: Vec<char> = self.line(line).chars().take(col).collect();
        if !prefix.is_empty()
            && prefix.iter().all(|c| *c == ' ' || *c == '\t')
            && prefix.contains(&'\t')
        {
            return Err(YamlError::Syntax {
                line,
                column: col + 1,
                go_line: (line > 1).then_some(line),
                message: "found character that cannot start any token".into(),
            });
        }
        Ok(())
    }

    /// go-yaml (YAML 1.1) has no `\/` escape in double-quoted scalars.
    fn check_escapes(&self, span: &saphyr_parser::Span) -> Result<(), YamlError> {
        if !self.has_slash_escape {
            return Ok(());
        }
        let (l1, l2) = (span.start.line(), span.end.line());
        for l in l1..=l2 {
            let text = self.line(l);
            let from = if l == l1 { span.start.col() } else { 0 };
            // Only the scalar itself: a plain value after a quoted key has no escapes.
            let to = if l == l2 { span.end.col() } else { usize::MAX };
            let mut chars = text.chars().take(to).skip(from).peekable();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if chars.peek() == Some(&'/') {
                        return Err(YamlError::Syntax {
                            line: l,
                            column: from + 1,
                            go_line: (l > 1).then_some(l),
                            message: "found unknown escape character".into(),
                        });
                    }
                    chars.next();
                }
            }
        }
        Ok(())
    }
}

/// Parses the first document of `text`. `Ok(None)` for an empty stream or an empty
/// document.
pub(crate) fn parse_first_document(text: &str) -> Result<Option<Rc<Node>>, YamlError> {
    // go-yaml accepts a tab as the separator after `:` (`a:\t1`); saphyr does not. Such
    // a tab means exactly what a space would, so swap it and parse again (bounded).
    let mut owned: Option<String> = None;
    for _ in 0..64 {
        let cur = owned.as_deref().unwrap_or(text);
        match parse_text(cur) {
            Err(YamlError::Syntax {
                line,
                column,
                message,
                ..
            }) if message == "':' must be followed by a valid YAML whitespace" => {
                match tab_after_colon(cur, line, column) {
                    Some(at) => {
                        let mut s = cur.to_string();
                        s.replace_range(at..at + 1, " ");
                        owned = Some(s);
                    }
                    None => return parse_text(cur),
                }
            }
            other => return other,
        }
    }
    parse_text(owned.as_deref().unwrap_or(text))
}

/// Byte offset of a tab right after the `:` at a 1-based position, if that is what is
/// there.
fn tab_after_colon(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let l = text[start..].split('\n').next().unwrap_or("");
    // saphyr's marker is not always on the colon; take the first `:<tab>` on the line
    // from the marker, else from the line start.
    let from = l
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let at = l[from..]
        .find(":\t")
        .map(|i| i + from)
        .or_else(|| l.find(":\t"))?;
    Some(start + at + 1)
}

fn parse_text(text: &str) -> Result<Option<Rc<Node>>, YamlError> {
    let src = Source::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut root: Option<Rc<Node>> = None;
    let mut started = false;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                return Err(go_syntax_error(
                    text,
                    e.marker().line(),
                    e.marker().col() + 1,
                    e.info(),
                ))
            }
        };
        let done: Option<Rc<Node>> = match event {
            Event::StreamStart | Event::Nothing => None,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if started {
                    break;
                }
                started = true;
                None
            }
            Event::DocumentEnd => break,
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => Some(n.clone()),
                None if stack.iter().any(|f| frame_anchor(f) == id) => {
                    let name = src.anchor_name(span.start.line(), span.start.col() + 1);
                    return Err(YamlError::decode(format!(
                        "anchor '{name}' value contains itself"
                    )));
                }
                None => {
                    return Err(go_syntax_error(
                        text,
                        span.start.line(),
                        span.start.col() + 1,
                        "found unknown anchor",
                    ))
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain;
                if style == ScalarStyle::DoubleQuoted {
                    src.check_escapes(&span)?;
                }
                if !stack.last().is_some_and(frame_flow) {
                    src.check_tab_indent(&span)?;
                }
                let scalar = match &tag {
                    Some(t) => resolve_tagged(&short_tag(t), &text)?,
                    None if plain => resolve_plain(&text),
                    None => Scalar::Str(text.into_owned()),
                };
                let node = Rc::new(Node::Scalar(scalar));
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError::decode(format!(
                        "exceeded max depth of {MAX_DEPTH}"
                    )));
                }
                stack.push(Frame::Seq {
                    anchor,
                    flow: src.starts_flow(&span),
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError::decode(format!(
                        "exceeded max depth of {MAX_DEPTH}"
                    )));
                }
                stack.push(Frame::Map {
                    anchor,
                    flow: src.starts_flow(&span),
                    entries: Vec::new(),
                    index: HashMap::new(),
                    key: None,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { anchor, items, .. }) => {
                    let node = Rc::new(Node::Seq(items));
                    if anchor != 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    Some(node)
                }
                Some(Frame::Map {
                    anchor, entries, ..
                }) => {
                    let node = Rc::new(Node::Map(entries));
                    if anchor != 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    Some(node)
                }
                None => None,
            },
        };
        let Some(node) = done else { continue };
        // Attach the finished node to its parent, or make it the document root.
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                key,
                ..
            }) => match key.take() {
                None => match &*node {
                    Node::Scalar(s) => {
                        src.check_simple_key(&span)?;
                        *key = Some(s.clone())
                    }
                    other => return Err(invalid_key(other)),
                },
                Some(Scalar::Merge) => merge_into(entries, index, &node)?,
                Some(k) => set_entry(entries, index, k, node),
            },
        }
    }
    Ok(match root {
        Some(n) if matches!(&*n, Node::Scalar(Scalar::Null)) => None,
        other => other,
    })
}

/// Rewords a saphyr error the way go-yaml v2 reports the same problem. go-yaml prints
/// scanner errors with a 1-based line and parser errors with a 0-based one, and no line
/// at all when it would be 0; unknown anchors are named and never carry a line.
fn go_syntax_error(text: &str, line: usize, column: usize, info: &str) -> YamlError {
    let (parser, problem) = match info.split_once(", ") {
        Some((ctx, p)) if ctx.starts_with("while parsing") => (true, p),
        Some((ctx, p)) if ctx.starts_with("while scanning") => (false, p),
        _ => (info.starts_with("did not find expected"), info),
    };
    let mut go_line = if parser {
        Some(line.saturating_sub(1))
    } else {
        Some(line)
    };
    if line <= 1 {
        go_line = None;
    }
    let message =
        if problem.starts_with("unexpected character") || problem.starts_with("tabs disallowed") {
            "found character that cannot start any token".to_string()
        } else if problem == "illegal placement of ':' indicator" {
            // go-yaml's parser reports the unterminated flow collection instead.
            go_line = if line > 1 { Some(line - 1) } else { None };
            let close = match innermost_flow(text, line, column) {
                Some('{') => '}',
                _ => ']',
            };
            format!("did not find expected ',' or '{close}'")
        } else if problem.starts_with("expected ',' or") {
            format!("did not find {problem}")
        } else if problem == "found unknown anchor" {
            go_line = None;
            let name: String = text
                .lines()
                .nth(line.saturating_sub(1))
                .unwrap_or("")
                .chars()
                .skip(column.saturating_sub(1))
                .skip_while(|c| *c == '*')
                .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
                .collect();
            format!("unknown anchor '{name}' referenced")
        } else {
            problem.to_string()
        };
    YamlError::Syntax {
        line,
        column,
        go_line,
        message,
    }
}

/// The innermost unclosed `[` or `{` before a position (quotes skipped roughly).
fn innermost_flow(text: &str, line: usize, column: usize) -> Option<char> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    for (i, l) in text.lines().enumerate() {
        for (j, c) in l.chars().enumerate() {
            if i + 1 > line || (i + 1 == line && j + 1 >= column) {
                return stack.last().copied();
            }
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => stack.push(c),
                (None, ']' | '}') => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack.last().copied()
}
