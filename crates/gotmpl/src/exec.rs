//! The executor: walks a tree with a data value, following Go's `text/template/exec.go`.
//!
//! Go evaluates with `reflect.Value`s, and one detail of those is visible in output and
//! errors: whether a value sits in an `interface {}` slot (a map element of
//! `map[string]interface {}`, a slice element, a range variable) or not (a pipeline result,
//! which Go unwraps). `.a.b` on a missing `.a` says `nil pointer evaluating interface {}.b`
//! only because of that slot; `$x.b` on a string says `in type string` but `.a.b` on a
//! string element says `in type interface {}`. [`Rv`] carries that bit.

use std::sync::Arc;

use crate::ast::{Arg, Branch, Command, List, Node, Number, Pipe, Tree};
use crate::builtins::{self, Builtin};
use crate::error::{Error, Location};
use crate::func::{Function, Shared};
use crate::printer;
use crate::template::{MissingKey, Templates};
use crate::value::{ElemType, Kind, Value};

/// Go's `maxExecDepth`: nested template invocations.
pub(crate) const MAX_EXEC_DEPTH: usize = 100_000;

/// A runtime value: the value, and whether Go would hold it in an `interface {}` slot.
/// `Value::Nil` with `iface == false` is Go's invalid (zero) `reflect.Value`, which prints
/// as `<no value>`; with `iface == true` it is a nil interface.
#[derive(Clone, Debug)]
pub(crate) struct Rv {
    pub v: Value,
    pub iface: bool,
}

impl Rv {
    pub fn plain(v: Value) -> Rv {
        Rv { v, iface: false }
    }

    pub fn invalid() -> Rv {
        Rv {
            v: Value::Nil,
            iface: false,
        }
    }

    pub fn is_invalid(&self) -> bool {
        !self.iface && self.v.is_nil()
    }

    /// An element of a container with the given element type.
    pub fn elem(v: Value, elem: ElemType) -> Rv {
        Rv {
            v,
            iface: elem == ElemType::Interface,
        }
    }

    /// Go's `indirectInterface`: forget the interface slot.
    pub fn unwrap(self) -> Rv {
        Rv {
            v: self.v,
            iface: false,
        }
    }

    /// The Go type name as reflection reports it for this slot.
    pub fn type_name(&self) -> String {
        if self.iface {
            "interface {}".into()
        } else {
            self.v.type_name()
        }
    }
}

/// The zero value of a map's element type (what `missingkey=zero` yields).
pub(crate) fn zero_of(elem: ElemType) -> Rv {
    match elem {
        ElemType::Interface => Rv {
            v: Value::Nil,
            iface: true,
        },
        ElemType::String => Rv::plain(Value::str("")),
        ElemType::Int => Rv::plain(Value::Int(0)),
        ElemType::Int64 => Rv::plain(Value::Int64(0)),
        ElemType::Float64 => Rv::plain(Value::Float64(0.0)),
        ElemType::Bool => Rv::plain(Value::Bool(false)),
        // A nil `[]interface {}`.
        ElemType::InterfaceSlice => Rv::plain(Value::list(Vec::new())),
    }
}

/// The node an error is reported at.
#[derive(Clone, Copy)]
pub(crate) enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Arg(&'t Arg),
}

impl At<'_> {
    /// The node's byte offset, without printing it.
    pub(crate) fn pos(&self) -> Option<usize> {
        match self {
            At::None => None,
            At::Node(n) => Some(node_pos(n)),
            At::Pipe(p) => Some(p.pos),
            At::Cmd(c) => Some(c.pos),
            At::Arg(a) => Some(a.pos()),
        }
    }

    pub(crate) fn pos_and_context(&self) -> Option<(usize, String)> {
        match self {
            At::None => None,
            At::Node(n) => Some((node_pos(n), n.to_string())),
            At::Pipe(p) => Some((p.pos, p.to_string())),
            At::Cmd(c) => Some((c.pos, c.to_string())),
            At::Arg(a) => Some((a.pos(), a.to_string())),
        }
    }
}

fn node_pos(n: &Node) -> usize {
    match n {
        Node::Text { pos, .. }
        | Node::Action { pos, .. }
        | Node::Comment { pos, .. }
        | Node::Template { pos, .. }
        | Node::Break { pos }
        | Node::Continue { pos } => *pos,
        Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
    }
}

/// Non-local exits from a walk.
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
}

/// Results inside the executor carry a boxed error: `Error` is large, and results are
/// returned on every step of the walk.
pub(crate) type R<T> = Result<T, Box<Error>>;

/// The state of one execution (Go's `state`).
pub(crate) struct State<'t, 'o> {
    pub set: &'t Templates,
    pub tree: &'t Tree,
    pub at: At<'t>,
    pub vars: Vec<(&'t str, Rv)>,
    /// Where the executing template's variables start in `vars` (a template call sees
    /// none of its caller's).
    pub vars_base: usize,
    pub depth: usize,
    pub out: &'o mut String,
    pub shared: &'o mut Shared,
}

/// A function to call: a builtin, a registered function or an object's method.
pub(crate) enum Callee<'c> {
    Builtin(Builtin),
    Func(&'c Function),
    Method(&'c Arc<dyn crate::value::Object>),
}

impl<'t> State<'t, '_> {
    /// Go's `state.errorf`.
    pub fn errorf(&self, message: impl Into<String>) -> Box<Error> {
        let name = self.tree.name.clone();
        match self.at.pos_and_context() {
            None => Box::new(Error::Exec {
                name,
                location: None,
                context: String::new(),
                message: message.into(),
            }),
            Some((pos, context)) => {
                let (line, col) = self.tree.location(pos);
                Box::new(Error::Exec {
                    name,
                    location: Some(Location {
                        parse_name: self.tree.parse_name.to_string(),
                        line,
                        col,
                    }),
                    context,
                    message: message.into(),
                })
            }
        }
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        match self.vars[self.vars_base..]
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
        {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: Rv) -> R<()> {
        let base = self.vars_base;
        match self.vars[base..].iter_mut().rev().find(|(n, _)| *n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Rv) {
        let len = self.vars.len();
        if let Some(slot) = self.vars.get_mut(len.wrapping_sub(n)) {
            slot.1 = value;
        }
    }

    pub fn walk_list(&mut self, dot: &Rv, list: &'t List) -> R<Flow> {
        for n in &list.nodes {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    /// Abandons the execution when the stack budget is used up (it is then redone on a
    /// big stack).
    fn check_stack(&mut self) -> R<()> {
        if self.shared.guard.is_some_and(|g| g.exhausted()) {
            self.shared.out_of_stack = true;
            // No context: printing a deeply nested node would itself recurse.
            return Err(Box::new(Error::Exec {
                name: String::new(),
                location: None,
                context: String::new(),
                message: String::new(),
            }));
        }
        Ok(())
    }

    /// Counts one step against the optional step limit.
    fn step(&mut self) -> R<()> {
        if let Some(left) = &mut self.shared.steps_left {
            if *left == 0 {
                let limit = self.set.step_limit.unwrap_or(0);
                return Err(self.errorf(format!("execution step limit exceeded ({limit})")));
            }
            *left -= 1;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Rv, node: &'t Node) -> R<Flow> {
        self.at = At::Node(node);
        self.step()?;
        if let Node::If(_) | Node::Range(_) | Node::With(_) | Node::Template { .. } = node {
            self.check_stack()?;
        }
        match node {
            Node::Text { text, .. } => printer::push_large(self.out, text),
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    printer::print_value(self.out, &val.v);
                }
            }
            Node::Comment { .. } => {}
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => return self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => {
                return self.walk_template(dot, node, name, pipe.as_ref())
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Rv, b: &'t Branch) -> R<Flow> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, &b.pipe)?;
            if truth(&val) {
                if with {
                    self.walk_list(&val, &b.list)
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.vars.truncate(mark);
        r
    }

    fn walk_range(&mut self, dot: &Rv, node: &'t Node, b: &'t Branch) -> R<Flow> {
        self.at = At::Node(node);
        let mark0 = self.vars.len();
        let r = self.walk_range_inner(dot, b);
        self.vars.truncate(mark0);
        r
    }

    fn walk_range_inner(&mut self, dot: &Rv, b: &'t Branch) -> R<Flow> {
        let val = self.eval_pipeline(dot, &b.pipe)?.unwrap();
        let mark = self.vars.len();
        // Map- and slice-typed objects range over their data form.
        let data;
        let source = match &val.v {
            Value::Object(o) if matches!(o.kind(), Kind::Map | Kind::Slice) => {
                data = o.to_data();
                &data
            }
            other => other,
        };
        // Elements are visited in place (values are Arc-shared), without collecting.
        let ran = match source {
            Value::List(l) => {
                for (i, v) in l.items.iter().enumerate() {
                    let index = Rv::plain(Value::Int(i as i64));
                    if let Flow::Break =
                        self.one_iteration(b, mark, index, Rv::elem(v.clone(), l.elem))?
                    {
                        break;
                    }
                }
                !l.items.is_empty()
            }
            Value::Bytes(bs) => {
                for (i, v) in bs.iter().enumerate() {
                    let index = Rv::plain(Value::Int(i as i64));
                    if let Flow::Break =
                        self.one_iteration(b, mark, index, Rv::plain(Value::Uint8(*v)))?
                    {
                        break;
                    }
                }
                !bs.is_empty()
            }
            Value::Map(m) => {
                // A snapshot: the body may change the map (Sprig's set/unset/merge).
                let entries = m.snapshot();
                for (k, v) in &entries {
                    let key = Rv::plain(Value::str(k.as_str()));
                    if let Flow::Break =
                        self.one_iteration(b, mark, key, Rv::elem(v.clone(), m.elem))?
                    {
                        break;
                    }
                }
                !entries.is_empty()
            }
            Value::Int(_) | Value::Int64(_) | Value::Uint64(_) | Value::Uint8(_) => {
                if b.pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        printer::sprint_one(&val.v)
                    )));
                }
                let n: u64 = match val.v {
                    Value::Int(i) | Value::Int64(i) => i.max(0) as u64,
                    Value::Uint64(u) => u,
                    Value::Uint8(u) => u64::from(u),
                    _ => 0,
                };
                let make = |i: u64| match val.v {
                    Value::Int(_) => Value::Int(i as i64),
                    Value::Int64(_) => Value::Int64(i as i64),
                    // i < n <= u8::MAX here.
                    Value::Uint8(_) => Value::Uint8(i as u8),
                    _ => Value::Uint64(i),
                };
                // Counted lazily: an integer range can be huge.
                for i in 0..n {
                    let v = Rv::plain(make(i));
                    if let Flow::Break = self.one_iteration(b, mark, v.clone(), v)? {
                        break;
                    }
                }
                n > 0
            }
            // A nil value ranges like an empty map.
            Value::Nil => false,
            other => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    printer::sprint_one(other)
                )));
            }
        };
        if !ran {
            if let Some(e) = &b.else_list {
                return self.walk_list(dot, e);
            }
        }
        Ok(Flow::Normal)
    }

    fn one_iteration(&mut self, b: &'t Branch, mark: usize, index: Rv, elem: Rv) -> R<Flow> {
        self.step()?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0].name, index.clone())?;
                } else {
                    self.set_var(&decl[0].name, elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].name, elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let r = self.walk_list(&elem, &b.list);
        self.vars.truncate(mark);
        r
    }

    fn walk_template(
        &mut self,
        dot: &Rv,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
    ) -> R<Flow> {
        self.at = At::Node(node);
        let Some(tree) = self.set.tree(name) else {
            return Err(self.errorf(format!(
                "template {} not defined",
                crate::lex::go_quote(name)
            )));
        };
        if self.depth >= MAX_EXEC_DEPTH || self.shared.depth >= MAX_EXEC_DEPTH {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            )));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Rv::invalid(),
        };
        let saved_tree = std::mem::replace(&mut self.tree, tree);
        let saved_base = self.vars_base;
        self.vars_base = self.vars.len();
        self.vars.push(("$", new_dot.clone()));
        self.depth += 1;
        self.shared.depth += 1;
        let r = self.walk_list(&new_dot, &tree.root);
        self.shared.depth -= 1;
        self.depth -= 1;
        self.vars.truncate(self.vars_base);
        self.vars_base = saved_base;
        self.tree = saved_tree;
        r.map(|_| Flow::Normal)
    }

    pub fn eval_pipeline(&mut self, dot: &Rv, pipe: &'t Pipe) -> R<Rv> {
        self.at = At::Pipe(pipe);
        self.check_stack()?;
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // Go digs a value out of its interface{} slot after every command.
            value = Some(v.unwrap());
        }
        let value = value.unwrap_or_else(Rv::invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.name, value.clone())?;
            } else {
                self.vars.push((var.name.as_str(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_: &Option<Rv>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'t Command, final_: Option<Rv>) -> R<Rv> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { idents, .. } => {
                return self.eval_field_chain_at(
                    dot,
                    dot.clone(),
                    first,
                    idents,
                    Some(&cmd.args),
                    final_,
                )
            }
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, Some(&cmd.args), final_),
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, At::Cmd(cmd), Some(&cmd.args), final_)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable { .. } => {
                return self.eval_variable_node(dot, first, Some(&cmd.args), final_)
            }
            _ => {}
        }
        self.at = At::Arg(first);
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool { value, .. } => Ok(Rv::plain(Value::Bool(*value))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.errorf("nil is not a command")),
            Arg::Number { num, .. } => self.ideal_constant(first, num),
            Arg::String { text, .. } => Ok(Rv::plain(Value::String(text.clone()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                crate::lex::go_quote(&first.to_string())
            ))),
        }
    }

    /// Go's `idealConstant`: the type a number constant gets when nothing asks for one.
    pub(crate) fn ideal_constant(&mut self, node: &'t Arg, n: &Number) -> R<Rv> {
        self.at = At::Arg(node);
        let t = &n.text;
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && (t.as_bytes()[1] == b'x' || t.as_bytes()[1] == b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if n.is_complex {
            return Ok(Rv::plain(builtins::complex_value(n.complex.0, n.complex.1)));
        }
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Rv::plain(Value::Float64(n.float)));
        }
        if n.is_int {
            return Ok(Rv::plain(Value::Int(n.int)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(Rv::invalid())
    }

    pub(crate) fn eval_chain_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(node);
        let Arg::Chain {
            node: inner,
            fields,
            ..
        } = node
        else {
            return Err(self.errorf("internal error: not a chain"));
        };
        if let Arg::Nil { .. } = inner.as_ref() {
            return Err(self.errorf(format!("indirection through explicit nil in {node}")));
        }
        let recv = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(dot, recv, node, fields, args, final_)
    }

    pub(crate) fn eval_variable_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(node);
        let Arg::Variable { idents, .. } = node else {
            return Err(self.errorf("internal error: not a variable"));
        };
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            if let Some(a) = args {
                self.not_a_function(a, &final_)?;
            } else if final_.is_some() {
                return Err(self.errorf(format!("can't give argument to non-function {node}")));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, &idents[1..], args, final_)
    }

    pub(crate) fn eval_field_chain_at(
        &mut self,
        dot: &Rv,
        recv: Rv,
        node: &'t Arg,
        idents: &'t [String],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(node);
        self.eval_field_chain(dot, recv, node, idents, args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        mut recv: Rv,
        node: &'t Arg,
        idents: &'t [String],
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        let n = idents.len();
        for ident in &idents[..n - 1] {
            recv = self.eval_field(dot, ident, node, None, None, recv)?;
        }
        self.eval_field(dot, &idents[n - 1], node, args, final_, recv)
    }

    /// Go's `evalField`: `.Name` on a receiver (method, struct field or map key).
    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &str,
        node: &'t Arg,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
        recv: Rv,
    ) -> R<Rv> {
        if recv.is_invalid() {
            if self.set.missingkey == MissingKey::Error {
                return Err(self.errorf(format!(
                    "nil data; no entry for key {}",
                    crate::lex::go_quote(name)
                )));
            }
            return Ok(Rv::invalid());
        }
        let typ = recv.type_name();
        if recv.v.is_nil() {
            return Err(self.errorf(format!("nil pointer evaluating {typ}.{name}")));
        }
        let has_args = args.is_some_and(|a| a.len() > 1) || final_.is_some();
        match &recv.v {
            Value::Object(o) => {
                if o.has_method(name) {
                    let o = o.clone();
                    return self.eval_call(
                        dot,
                        Callee::Method(&o),
                        At::Arg(node),
                        name,
                        args,
                        final_,
                    );
                }
                let is_map = o.kind() == Kind::Map;
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(if is_map {
                            format!("{name} is not a method but has arguments")
                        } else {
                            format!("{name} has arguments but cannot be invoked as function")
                        }));
                    }
                    return Ok(Rv { v, iface: is_map });
                }
                if is_map {
                    if has_args {
                        return Err(
                            self.errorf(format!("{name} is not a method but has arguments"))
                        );
                    }
                    return self.missing_key(name, ElemType::Interface);
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                return match m.get(name) {
                    Some(v) => Ok(Rv::elem(v, m.elem)),
                    None => self.missing_key(name, m.elem),
                };
            }
            _ => {}
        }
        Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
    }

    fn missing_key(&self, name: &str, elem: ElemType) -> R<Rv> {
        match self.set.missingkey {
            MissingKey::Default => Ok(Rv::invalid()),
            MissingKey::Zero => Ok(zero_of(elem)),
            MissingKey::Error => Err(self.errorf(format!(
                "map has no entry for key {}",
                crate::lex::go_quote(name)
            ))),
        }
    }
}

/// Go's `truth(indirectInterface(v))`: template truthiness.
pub(crate) fn truth(v: &Rv) -> bool {
    v.v.is_true()
}
