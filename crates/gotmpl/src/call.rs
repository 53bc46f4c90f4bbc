//! Calls: Go's `evalFunction`/`evalCall`/`evalArg`/`validateType`. Argument evaluation
//! depends on the parameter type (a constant `1e3` is an `int` for an `int` parameter and a
//! `float64` for an `interface {}` one), and every mismatch has its own Go error text.

use std::sync::Arc;

use crate::ast::Arg;
use crate::builtins::{self, Builtin};
use crate::exec::{truth, At, Callee, Rv, State, R};
use crate::func::{FuncCtx, Param};
use crate::value::{ElemType, Value};

impl<'t> State<'t, '_> {
    pub(crate) fn eval_function(
        &mut self,
        dot: &Rv,
        ident: &'t Arg,
        name: &'t str,
        cmd: At<'t>,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        self.at = At::Arg(ident);
        let set = self.set;
        if let Some(f) = set.funcs.get(name) {
            return self.eval_call(dot, Callee::Func(f), cmd, name, args, final_);
        }
        match Builtin::lookup(name) {
            Some(b) => self.eval_call(dot, Callee::Builtin(b), cmd, name, args, final_),
            None => Err(self.errorf(format!(
                "{} is not a defined function",
                crate::lex::go_quote(name)
            ))),
        }
    }

    /// Go's `evalCall`: checks arity, evaluates and converts the arguments, calls.
    pub(crate) fn eval_call(
        &mut self,
        dot: &Rv,
        callee: Callee<'_>,
        node: At<'t>,
        name: &str,
        args: Option<&'t [Arg]>,
        final_: Option<Rv>,
    ) -> R<Rv> {
        let args: &'t [Arg] = match args {
            Some(a) if !a.is_empty() => &a[1..],
            _ => &[],
        };
        let method_sig;
        let sig = match &callee {
            Callee::Builtin(b) => Some(b.signature()),
            Callee::Func(f) => f.sig.as_deref(),
            Callee::Method(o) => {
                method_sig = o.method_signature(name);
                method_sig.as_ref()
            }
        };
        let num_in = args.len() + usize::from(final_.is_some());
        let mut num_fixed = args.len();
        if let Some(sig) = &sig {
            if sig.variadic.is_some() {
                num_fixed = sig.params.len();
                if num_in < num_fixed {
                    return Err(self.errorf(format!(
                        "wrong number of args for {name}: want at least {} got {}",
                        sig.params.len(),
                        args.len()
                    )));
                }
            } else if num_in != sig.params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    sig.params.len()
                )));
            }
        }
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let or = b == Builtin::Or;
            let mut v = Rv::invalid();
            for arg in args {
                v = self.eval_arg(dot, Some(&Param::Reflect), arg)?;
                if truth(&v) == or {
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = self.validate_type(f, Some(&Param::Reflect))?;
            }
            return Ok(v);
        }
        let param_at = |i: usize| -> Option<Param> {
            match &sig {
                None => Some(Param::Any),
                Some(s) => s.params.get(i).cloned().or_else(|| s.variadic.clone()),
            }
        };
        // Builtins see the interface-slot bit of their arguments; other functions get
        // plain values (collected directly, without a second vector).
        let is_builtin = matches!(callee, Callee::Builtin(_));
        let mut argv: Vec<Rv> = Vec::with_capacity(if is_builtin { num_in } else { 0 });
        let mut values: Vec<Value> = Vec::with_capacity(if is_builtin { 0 } else { num_in });
        for (i, arg) in args.iter().enumerate() {
            let p = param_at(i);
            let v = self.eval_arg(dot, p.as_ref(), arg)?;
            if is_builtin {
                argv.push(v);
            } else {
                values.push(v.v);
            }
        }
        if let Some(f) = final_ {
            let p = match &sig {
                None => Some(Param::Any),
                Some(s) => {
                    if s.variadic.is_some() && num_in > num_fixed {
                        s.variadic.clone()
                    } else {
                        s.params
                            .get(num_in - 1)
                            .cloned()
                            .or_else(|| s.variadic.clone())
                    }
                }
            };
            let v = self.validate_type(f, p.as_ref())?;
            if is_builtin {
                argv.push(v);
            } else {
                values.push(v.v);
            }
        }
        let result = match callee {
            Callee::Builtin(b) => {
                builtins::call(self, b, args, final_present(num_in, args.len()), argv)
            }
            Callee::Func(f) => {
                let pos = node.pos().unwrap_or(0);
                let mut ctx = FuncCtx {
                    set: self.set,
                    shared: self.shared,
                    tree: self.tree,
                    pos,
                };
                (f.f)(&mut ctx, &values)
                    .map(Rv::plain)
                    .map_err(|e| e.message)
            }
            Callee::Method(o) => o.call_method(name, &values).map(Rv::plain),
        };
        match result {
            Ok(v) => Ok(v),
            Err(msg) => {
                self.at = node;
                Err(self.errorf(format!("error calling {name}: {msg}")))
            }
        }
    }

    /// Go's `evalArg`: evaluates an argument for a parameter of type `typ`
    /// (`None`: untyped, as for the receiver of a chain).
    pub(crate) fn eval_arg(&mut self, dot: &Rv, typ: Option<&Param>, n: &'t Arg) -> R<Rv> {
        self.at = At::Arg(n);
        match n {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), typ),
            Arg::Nil { .. } => {
                return match typ {
                    Some(t) if can_be_nil(t) => Ok(zero_param(t)),
                    _ => Err(self.errorf(format!(
                        "cannot assign nil to {}",
                        typ.map_or_else(|| "<nil>".to_string(), |t| t.go_name())
                    ))),
                };
            }
            Arg::Field { idents, .. } => {
                let v = self.eval_field_chain_at(
                    dot,
                    dot.clone(),
                    n,
                    idents,
                    Some(std::slice::from_ref(n)),
                    None,
                )?;
                return self.validate_type(v, typ);
            }
            Arg::Variable { .. } => {
                let v = self.eval_variable_node(dot, n, None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier { name, .. } => {
                let v = self.eval_function(dot, n, name, At::Arg(n), None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain_node(dot, n, None, None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let Some(typ) = typ else {
            return self.eval_empty_interface(dot, n);
        };
        match typ {
            Param::Bool => match n {
                Arg::Bool { value, .. } => Ok(Rv::plain(Value::Bool(*value))),
                _ => Err(self.errorf(format!("expected bool; found {n}"))),
            },
            Param::Float64 => match n {
                Arg::Number { num, .. } if num.is_float => Ok(Rv::plain(Value::Float64(num.float))),
                _ => Err(self.errorf(format!("expected float; found {n}"))),
            },
            Param::Int | Param::Int64 => match n {
                Arg::Number { num, .. } if num.is_int => Ok(Rv::plain(if *typ == Param::Int {
                    Value::Int(num.int)
                } else {
                    Value::Int64(num.int)
                })),
                _ => Err(self.errorf(format!("expected integer; found {n}"))),
            },
            Param::Uint64 => match n {
                Arg::Number { num, .. } if num.is_uint => Ok(Rv::plain(Value::Uint64(num.uint))),
                _ => Err(self.errorf(format!("expected unsigned integer; found {n}"))),
            },
            Param::String => match n {
                Arg::String { text, .. } => Ok(Rv::plain(Value::String(text.clone()))),
                _ => Err(self.errorf(format!("expected string; found {n}"))),
            },
            Param::Any | Param::Reflect => self.eval_empty_interface(dot, n),
            other => Err(self.errorf(format!(
                "can't handle {n} for arg of type {}",
                other.go_name()
            ))),
        }
    }

    fn eval_empty_interface(&mut self, dot: &Rv, n: &'t Arg) -> R<Rv> {
        self.at = At::Arg(n);
        match n {
            Arg::Bool { value, .. } => Ok(Rv::plain(Value::Bool(*value))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Number { num, .. } => self.ideal_constant(n, num),
            Arg::String { text, .. } => Ok(Rv::plain(Value::String(text.clone()))),
            Arg::Nil { .. } => Err(self.errorf("evalEmptyInterface: nil (can't happen)")),
            _ => self.eval_arg(dot, Some(&Param::Any), n),
        }
    }

    /// Go's `validateType`: checks a computed value against a parameter type.
    pub(crate) fn validate_type(&mut self, value: Rv, typ: Option<&Param>) -> R<Rv> {
        let Some(typ) = typ else {
            return Ok(value);
        };
        if value.is_invalid() {
            if can_be_nil(typ) {
                return Ok(zero_param(typ));
            }
            return Err(self.errorf(format!("invalid value; expected {}", typ.go_name())));
        }
        match typ {
            Param::Reflect => return Ok(value),
            // Anything fits an empty interface; a function receives the value itself.
            Param::Any => return Ok(Rv::plain(value.v)),
            _ => {}
        }
        if !value.v.is_nil() && assignable(&value.v, typ) {
            return Ok(Rv::plain(value.v));
        }
        // A non-nil interface is looked through before the type is reported.
        let got = if value.v.is_nil() {
            value.type_name()
        } else {
            value.v.type_name()
        };
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            typ.go_name(),
            got
        )))
    }
}

fn final_present(num_in: usize, nargs: usize) -> bool {
    num_in > nargs
}

/// Go's `canBeNil` for our parameter types.
fn can_be_nil(t: &Param) -> bool {
    matches!(
        t,
        Param::Any | Param::Reflect | Param::Slice(_) | Param::Map(_) | Param::NamedMap(_)
    )
}

/// The zero value of a nil-able parameter type.
fn zero_param(t: &Param) -> Rv {
    match t {
        Param::Slice(e) => Rv::plain(Value::List(Arc::new(crate::value::List {
            elem: *e,
            items: Vec::new(),
        }))),
        Param::Map(e) => Rv::plain(Value::Map(Arc::new(crate::value::Map::new(
            None,
            *e,
            Default::default(),
        )))),
        Param::NamedMap(n) => Rv::plain(Value::Map(Arc::new(crate::value::Map::new(
            Some(n),
            ElemType::Interface,
            Default::default(),
        )))),
        _ => Rv::invalid(),
    }
}

/// Go's assignability of a concrete value to a parameter type.
fn assignable(v: &Value, t: &Param) -> bool {
    match (t, v) {
        (Param::Any | Param::Reflect, _) => true,
        (Param::String, Value::String(_)) => true,
        (Param::Bool, Value::Bool(_)) => true,
        (Param::Int, Value::Int(_)) => true,
        (Param::Int64, Value::Int64(_)) => true,
        (Param::Uint64, Value::Uint64(_)) => true,
        (Param::Float64, Value::Float64(_)) => true,
        (Param::Slice(e), Value::List(l)) => l.elem == *e,
        // An unnamed map type accepts a named one with the same underlying type.
        (Param::Map(e), Value::Map(m)) => m.elem == *e,
        (Param::Struct(n), Value::Object(o)) => o.type_name() == *n,
        (Param::NamedMap(n), Value::Map(m)) => {
            m.elem == ElemType::Interface && (m.named.is_none() || m.named == Some(n))
        }
        _ => false,
    }
}
