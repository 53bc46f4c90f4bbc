//! The parser: items to trees, following Go's `text/template/parse/parse.go` (the same
//! grammar, the same variable scoping checks, the same error texts and line numbers).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{Arg, Branch, Command, List, Node, Number, Pipe, TextSpan, Tree, Var};
use crate::error::Error;
use crate::lex::{lex, Item, ItemType};
use crate::strconv;
use crate::template::StackGuard;

/// Go's limit on nested parenthesised pipelines (`maxStackDepth`); we apply it to nested
/// control structures as well, which Go leaves to its growable stacks.
pub(crate) const MAX_PARSE_DEPTH: usize = 10_000;

/// Parses one file's text. Returns the trees it defines (the file's own top level under
/// `name`, plus every `define`/`block`), in definition order.
pub(crate) fn parse(
    name: &str,
    text: &Arc<str>,
    has_func: &dyn Fn(&str) -> bool,
    guard: StackGuard,
) -> Option<Result<Vec<Tree>, Error>> {
    let src: &str = text;
    let lexed = lex(src);
    let text = Arc::clone(text);
    let parse_name: Arc<str> = Arc::from(name);
    let mut p = Parser {
        action_line: 0,
        src,
        items: lexed.items,
        lex_error: lexed.error.unwrap_or_default(),
        idx: 0,
        max_seen: 0,
        vars: vec!["$".into()],
        range_depth: 0,
        depth: 0,
        max_depth: 0,
        guard,
        out_of_stack: false,
        has_func,
        parse_name: parse_name.clone(),
        text: text.clone(),
        defined: BTreeMap::new(),
        order: Vec::new(),
    };
    let root = match p.parse_top() {
        Ok(r) => r,
        Err(_) if p.out_of_stack => return None,
        Err(e) => return Some(Err(e)),
    };
    let mut trees = Vec::new();
    let top = Tree {
        name: name.to_string(),
        parse_name: parse_name.clone(),
        text: text.clone(),
        root,
        depth: p.max_depth,
    };
    // The file's own tree is added last in Go (after its defines), with the same
    // "multiple definition" rule.
    let mut defined = std::mem::take(&mut p.defined);
    let order = std::mem::take(&mut p.order);
    if let Err(e) = p.add_tree(&mut defined, top) {
        return Some(Err(e));
    }
    for n in order.iter().chain(std::iter::once(&name.to_string())) {
        if let Some(t) = defined.remove(n) {
            trees.push(t);
        }
    }
    Some(Ok(trees))
}

struct Parser<'a> {
    /// The line of the action being parsed (0 outside actions), for lexing errors.
    action_line: u32,
    /// The source text items point into.
    src: &'a str,
    items: Vec<Item>,
    /// The message of the error item that ends `items`, if there is one.
    lex_error: String,
    idx: usize,
    max_seen: usize,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    max_depth: usize,
    guard: StackGuard,
    out_of_stack: bool,
    has_func: &'a dyn Fn(&str) -> bool,
    parse_name: Arc<str>,
    text: Arc<str>,
    defined: BTreeMap<String, Tree>,
    order: Vec<String>,
}

type PResult<T> = Result<T, Error>;

impl Parser<'_> {
    /// Go reports the line of the most recently lexed token (`t.token[0]`).
    fn errorf(&self, msg: impl Into<String>) -> Error {
        let line = self
            .items
            .get(self.max_seen)
            .or(self.items.last())
            .map_or(1, |i| i.line as usize);
        Error::Parse {
            name: self.parse_name.to_string(),
            line,
            message: msg.into(),
        }
    }

    fn item(&mut self, i: usize) -> Item {
        let i = i.min(self.items.len().saturating_sub(1));
        if i > self.max_seen {
            self.max_seen = i;
        }
        self.items.get(i).cloned().unwrap_or(Item {
            typ: ItemType::Eof,
            pos: self.src.len(),
            end: self.src.len(),
            line: 1,
        })
    }

    fn next(&mut self) -> Item {
        let it = self.item(self.idx);
        if self.idx < self.items.len() - 1 {
            self.idx += 1;
        } else {
            // Stay on the final Eof/Error item, as Go's lexer keeps returning it.
            self.idx = self.items.len();
        }
        it
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&mut self) -> Item {
        self.item(self.idx)
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let it = self.next();
            if it.typ != ItemType::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let it = self.next_non_space();
        self.backup();
        it
    }

    fn expect(&mut self, typ: ItemType, context: &str) -> PResult<Item> {
        let it = self.next_non_space();
        if it.typ != typ {
            return Err(self.unexpected(&it, context));
        }
        Ok(it)
    }

    fn unexpected(&self, it: &Item, context: &str) -> Error {
        if it.typ == ItemType::Error {
            // A lexing error inside a multi-line action names where the action started.
            let val = &self.lex_error;
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != it.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{val}{extra}"));
        }
        self.errorf(format!(
            "unexpected {} in {}",
            it.describe(self.src),
            context
        ))
    }

    fn add_tree(&self, set: &mut BTreeMap<String, Tree>, tree: Tree) -> PResult<()> {
        if let Some(old) = set.get(&tree.name) {
            if !old.is_empty() {
                if tree.is_empty() {
                    return Ok(());
                }
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::lex::go_quote(&tree.name)
                )));
            }
        }
        set.insert(tree.name.clone(), tree);
        Ok(())
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_PARSE_DEPTH {
            return Err(self.errorf("max expression depth exceeded"));
        }
        if self.guard.exhausted() {
            self.out_of_stack = true;
            return Err(self.errorf("stack budget exhausted"));
        }
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut list = List::default();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.idx = save;
            }
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                Parsed::End(_) => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else(_) => return Err(self.errorf("unexpected {{else}}")),
            }
        }
        Ok(list)
    }

    fn parse_template_name(&mut self, it: &Item, context: &str) -> PResult<String> {
        match it.typ {
            ItemType::String | ItemType::RawString => {
                strconv::unquote(it.val(self.src)).ok_or_else(|| self.errorf("invalid syntax"))
            }
            _ => Err(self.unexpected(it, context)),
        }
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let it = self.next_non_space();
        let name = self.parse_template_name(&it, CONTEXT)?;
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        if let Parsed::Else(_) = end {
            return Err(self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.define(name, list)
    }

    fn define(&mut self, name: String, root: List) -> PResult<()> {
        let tree = Tree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root,
            depth: self.max_depth,
        };
        let mut set = std::mem::take(&mut self.defined);
        let r = self.add_tree(&mut set, tree);
        self.defined = set;
        r?;
        if !self.order.contains(&name) {
            self.order.push(name);
        }
        Ok(())
    }

    /// Parses nodes up to an `{{end}}` or `{{else}}`, which is returned.
    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        let mut list = List::default();
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                other => return Ok((list, other)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let it = self.next_non_space();
        match it.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text {
                pos: it.pos,
                text: TextSpan::new(self.text.clone(), it.pos, it.end),
            })),
            ItemType::LeftDelim => {
                self.action_line = it.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            ItemType::Comment => Ok(Parsed::Node(Node::Comment {
                pos: it.pos,
                text: it.val(self.src).into(),
            })),
            _ => Err(self.unexpected(&it, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let it = self.next_non_space();
        match it.typ {
            ItemType::Block => return self.block_control().map(Parsed::Node),
            ItemType::Break => {
                return self
                    .break_control(it.pos, "{{break}}", true)
                    .map(Parsed::Node)
            }
            ItemType::Continue => {
                return self
                    .break_control(it.pos, "{{continue}}", false)
                    .map(Parsed::Node)
            }
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                let t = self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End(t.pos));
            }
            ItemType::If => {
                return self
                    .control("if")
                    .map(|b| Parsed::Node(Node::If(Box::new(b))))
            }
            ItemType::Range => {
                return self
                    .control("range")
                    .map(|b| Parsed::Node(Node::Range(Box::new(b))))
            }
            ItemType::Template => return self.template_control().map(Parsed::Node),
            ItemType::With => {
                return self
                    .control("with")
                    .map(|b| Parsed::Node(Node::With(Box::new(b))))
            }
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action { pos, pipe }))
    }

    fn break_control(&mut self, pos: usize, what: &str, is_break: bool) -> PResult<Node> {
        let it = self.next_non_space();
        if it.typ != ItemType::RightDelim {
            return Err(self.unexpected(&it, what));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{what} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break { pos }
        } else {
            Node::Continue { pos }
        })
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        // "{{else if" and "{{else with" leave the keyword pending for the enclosing control.
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else(peek.pos));
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else(t.pos))
    }

    fn control(&mut self, context: &str) -> PResult<Branch> {
        self.enter()?;
        let nvars = self.vars.len();
        let r = self.control_inner(context);
        self.vars.truncate(nvars);
        self.depth -= 1;
        r
    }

    fn control_inner(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        if let Parsed::Else(_) = next {
            let pk = self.peek().typ;
            if context == "if" && pk == ItemType::If {
                self.next();
                let b = self.control("if")?;
                else_list = Some(List {
                    nodes: vec![Node::If(Box::new(b))],
                });
            } else if context == "with" && pk == ItemType::With {
                self.next();
                let b = self.control("with")?;
                else_list = Some(List {
                    nodes: vec![Node::With(Box::new(b))],
                });
            } else {
                let (l, next) = self.item_list()?;
                if let Parsed::Else(_) = next {
                    return Err(self.errorf("expected end; found {{else}}"));
                }
                else_list = Some(l);
            }
        }
        Ok(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let it = self.next_non_space();
        let name = self.parse_template_name(&it, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        self.enter()?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_range;
        self.depth -= 1;
        let (list, end) = r?;
        if let Parsed::Else(_) = end {
            return Err(self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.define(name.clone(), list)?;
        Ok(Node::Template {
            pos: it.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let it = self.next_non_space();
        let name = self.parse_template_name(&it, CONTEXT)?;
        let pipe = if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            Some(self.pipeline(CONTEXT, ItemType::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template {
            pos: it.pos,
            name,
            pipe,
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            pos: first.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            let save = self.idx;
            self.next_non_space();
            let after_var = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(Var {
                    name: v.val(self.src).to_string(),
                });
                self.vars.push(v.val(self.src).to_string());
            } else if next.typ == ItemType::Char && next.val(self.src) == "," {
                self.next_non_space();
                pipe.decl.push(Var {
                    name: v.val(self.src).to_string(),
                });
                self.vars.push(v.val(self.src).to_string());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue 'decls
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else {
                // Not a declaration: put the variable (and any space) back.
                let _ = after_var;
                self.idx = save;
            }
            break;
        }
        loop {
            let it = self.next_non_space();
            if it.typ == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match it.typ {
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return Err(self.unexpected(&it, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number { .. }
                | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let it = self.next();
            match it.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&it, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            fields.push(f.val(self.src).get(1..).unwrap_or("").to_string());
        }
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    idents,
                }
            }
            Arg::Variable { mut idents, .. } => {
                idents.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    idents,
                }
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::lex::go_quote(&node.to_string())
                )));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let it = self.next_non_space();
        let pos = it.pos;
        Ok(Some(match it.typ {
            ItemType::Identifier => {
                if !(self.has_func)(it.val(self.src)) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::lex::go_quote(it.val(self.src))
                    )));
                }
                Arg::Identifier {
                    pos,
                    name: it.val(self.src).to_string(),
                }
            }
            ItemType::Dot => Arg::Dot { pos },
            ItemType::Nil => Arg::Nil { pos },
            ItemType::Variable => {
                if !self.vars.iter().any(|v| v == it.val(self.src)) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::lex::go_quote(it.val(self.src))
                    )));
                }
                Arg::Variable {
                    pos,
                    idents: vec![it.val(self.src).to_string()],
                }
            }
            ItemType::Field => Arg::Field {
                pos,
                idents: vec![it.val(self.src).get(1..).unwrap_or("").to_string()],
            },
            ItemType::Bool => Arg::Bool {
                pos,
                value: it.val(self.src) == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let num = new_number(it.val(self.src), it.typ).map_err(|m| self.errorf(m))?;
                Arg::Number {
                    pos,
                    num: Box::new(num),
                }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let p = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(p?))
            }
            ItemType::String | ItemType::RawString => {
                let s = strconv::unquote(it.val(self.src))
                    .ok_or_else(|| self.errorf("invalid syntax"))?;
                Arg::String {
                    pos,
                    quoted: it.val(self.src).into(),
                    text: s.into(),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// What a text-or-action step produced: a node, or an `{{end}}`/`{{else}}` marker.
enum Parsed {
    Node(Node),
    End(#[allow(dead_code)] usize),
    Else(#[allow(dead_code)] usize),
}

/// Go's `newNumber`: every interpretation of a number constant, with Go's errors.
pub(crate) fn new_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        uint: 0,
        float: 0.0,
        complex: (0.0, 0.0),
    };
    match typ {
        ItemType::CharConstant => {
            let r = strconv::unquote_char_constant(text)?;
            n.int = r;
            n.is_int = true;
            n.uint = r as u64;
            n.is_uint = true;
            n.float = r as f64;
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            // "re±imi": split at the sign that starts the imaginary part.
            let body = text
                .strip_suffix('i')
                .ok_or_else(|| format!("illegal number syntax: {}", crate::lex::go_quote(text)))?;
            let split = body
                .char_indices()
                .skip(1)
                .filter(|&(i, c)| {
                    (c == '+' || c == '-')
                        && !matches!(body.as_bytes()[i - 1], b'e' | b'E' | b'p' | b'P')
                })
                .map(|(i, _)| i)
                .last();
            let parsed =
                split.and_then(|i| Some((parse_real(&body[..i])?, parse_real(&body[i..])?)));
            let Some((re, im)) = parsed else {
                return Err("expected integer".into());
            };
            n.is_complex = true;
            n.complex = (re, im);
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i') {
        if let Some(f) = strconv::parse_float(body) {
            n.is_complex = true;
            n.complex = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = strconv::parse_uint0(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = strconv::parse_int0(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = strconv::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::lex::go_quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if f.fract() == 0.0 && (-9.223372036854776e18..9.223372036854776e18).contains(&f) {
            n.is_int = true;
            n.int = f as i64;
        }
        if f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::lex::go_quote(text)
        ));
    }
    Ok(n)
}

fn parse_real(s: &str) -> Option<f64> {
    if let Some(v) = strconv::parse_int0(s) {
        return Some(v as f64);
    }
    strconv::parse_float(s)
}

/// Go's `simplifyComplex`: a complex constant with no imaginary part is also a float and,
/// if whole, an integer.
fn simplify_complex(n: &mut Number) {
    if n.complex.1 == 0.0 {
        n.is_float = true;
        n.float = n.complex.0;
        if n.float.fract() == 0.0 && n.float.abs() < 9.2e18 {
            n.is_int = true;
            n.int = n.float as i64;
        }
        if n.float.fract() == 0.0 && n.float >= 0.0 && n.float < 1.8e19 {
            n.is_uint = true;
            n.uint = n.float as u64;
        }
    }
}
