//! The parse tree, shaped like Go's `text/template/parse` nodes. Each node keeps its byte
//! offset in the source text (for `file:line:col` in errors) and prints itself the way Go's
//! `Node.String()` does, because execution errors quote the failing node (`at <.a.b>`).

use std::fmt::{self, Display, Write as _};
use std::sync::Arc;

/// One parsed template: a file's top level or a `define`/`block` body.
#[derive(Debug)]
pub(crate) struct Tree {
    /// The template's name (the file name, or the `define`d name).
    pub name: String,
    /// The name of the file it was parsed from (Go's `ParseName`), for error locations.
    pub parse_name: Arc<str>,
    /// The whole source text of that file, for computing line and column of a node.
    pub text: Arc<str>,
    /// The body.
    pub root: List,
    /// The deepest nesting of controls and parentheses in the file (bounds recursion).
    pub depth: usize,
}

/// Nesting beyond which a tree is dropped on a big stack: dropping nested nodes recurses,
/// and a deep tree would overflow a small thread's stack.
const DEEP_TREE: usize = 64;

impl Drop for Tree {
    fn drop(&mut self) {
        if self.depth > DEEP_TREE {
            let root = std::mem::take(&mut self.root);
            crate::template::run_with_big_stack(move || drop(root));
        }
    }
}

impl Tree {
    /// Go's `ErrorContext` location: `file:line:col`, the column counted in bytes from 0.
    pub fn location(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }

    /// Whether the body is empty in Go's `IsEmptyTree` sense (only whitespace text).
    pub fn is_empty(&self) -> bool {
        self.root.nodes.iter().all(|n| match n {
            // Go trims with `bytes.TrimSpace` (Unicode white space).
            Node::Text { text, .. } => text.trim().is_empty(),
            Node::Comment { .. } => true,
            _ => false,
        })
    }
}

/// A sequence of nodes.
#[derive(Debug, Default)]
pub(crate) struct List {
    pub nodes: Vec<Node>,
}

/// A node of a template body.
#[derive(Debug)]
pub(crate) enum Node {
    /// Plain text.
    Text { pos: usize, text: TextSpan },
    /// `{{pipeline}}`.
    Action { pos: usize, pipe: Pipe },
    /// A comment (kept only for completeness; the lexer drops comments).
    Comment { pos: usize, text: Box<str> },
    /// `{{if}}`.
    If(Box<Branch>),
    /// `{{range}}`.
    Range(Box<Branch>),
    /// `{{with}}`.
    With(Box<Branch>),
    /// `{{template "name" pipeline}}` (and the call half of `{{block}}`).
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    /// `{{break}}`.
    Break { pos: usize },
    /// `{{continue}}`.
    Continue { pos: usize },
}

/// A text node's text: a span of its tree's source, shared rather than copied (template
/// files are mostly text, often megabytes of it).
#[derive(Debug)]
pub(crate) struct TextSpan {
    src: Arc<str>,
    start: usize,
    end: usize,
}

impl TextSpan {
    /// The span `start..end` of `src`; both must lie on character boundaries.
    pub fn new(src: Arc<str>, start: usize, end: usize) -> TextSpan {
        debug_assert!(src.get(start..end).is_some());
        TextSpan { src, start, end }
    }
}

impl std::ops::Deref for TextSpan {
    type Target = str;

    fn deref(&self) -> &str {
        &self.src[self.start..self.end]
    }
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Debug)]
pub(crate) struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// A pipeline, with optional variable declarations.
#[derive(Debug)]
pub(crate) struct Pipe {
    pub pos: usize,
    /// `$x = ...` rather than `$x := ...`.
    pub is_assign: bool,
    /// Declared variables (their names, `$x`).
    pub decl: Vec<Var>,
    pub cmds: Vec<Command>,
}

/// A declared variable in a pipeline.
#[derive(Debug)]
pub(crate) struct Var {
    pub name: String,
}

/// One command of a pipeline: a function or field with arguments, or a single operand.
#[derive(Debug)]
pub(crate) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// A parsed number constant with every interpretation Go keeps (`parse.NumberNode`).
#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub text: String,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
    pub complex: (f64, f64),
}

/// An operand.
#[derive(Debug)]
pub(crate) enum Arg {
    /// `.a.b`
    Field { pos: usize, idents: Vec<String> },
    /// `(pipe).a.b`, `$x.a` after a non-variable term.
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    /// `$x`, `$x.a.b`
    Variable { pos: usize, idents: Vec<String> },
    /// A function name.
    Identifier { pos: usize, name: String },
    /// `.`
    Dot { pos: usize },
    /// `nil`
    Nil { pos: usize },
    /// `true` / `false`
    Bool { pos: usize, value: bool },
    /// A number or character constant.
    Number { pos: usize, num: Box<Number> },
    /// A string constant: its source form (for printing) and its value.
    String {
        pos: usize,
        quoted: Box<str>,
        text: Arc<str>,
    },
    /// A parenthesised pipeline.
    Pipe(Box<Pipe>),
}

impl Arg {
    /// The byte offset of the operand.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Variable { idents, .. } => f.write_str(&idents.join(".")),
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number { num, .. } => f.write_str(&num.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&v.name)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, kw: &str, b: &Branch) -> fmt::Result {
    write!(f, "{{{{{kw} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::Comment { text, .. } => write!(f, "{{{{{text}}}}}"),
            Node::If(b) => write_branch(f, "if", b),
            Node::Range(b) => write_branch(f, "range", b),
            Node::With(b) => write_branch(f, "with", b),
            Node::Template { name, pipe, .. } => {
                let q = crate::lex::go_quote(name);
                match pipe {
                    Some(p) => write!(f, "{{{{template {q} {p}}}}}"),
                    None => write!(f, "{{{{template {q}}}}}"),
                }
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}
