//! Template functions: the registry entry type, the optional Go-style signature the engine
//! checks arguments against, and the execution context a function receives.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::ast::Tree;
use crate::error::{Error, FuncError, Location};
use crate::template::Templates;
use crate::value::{ElemType, Value};

/// The closure behind a template function.
pub type FuncImpl = dyn Fn(&mut FuncCtx<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync;

/// A registered template function: a closure plus, optionally, the Go parameter types the
/// engine should check and convert the arguments to before calling it.
///
/// With a [`Signature`] the engine behaves exactly as Go's reflection-based calls do:
/// `wrong number of args for NAME: want 2 got 1`, a constant `3` passed to an `int`
/// parameter arrives as `Value::Int(3)` and `1e3` as `Value::Int(1000)`, a `float64` value
/// passed to a `string` parameter fails with `wrong type for value; expected string; got
/// float64`, and so on. Without one, every argument arrives as Go would pass it to an
/// `interface {}` parameter and the function checks arity and types itself.
#[derive(Clone)]
pub struct Function {
    pub(crate) f: Arc<FuncImpl>,
    pub(crate) sig: Option<Arc<Signature>>,
}

impl Function {
    /// A function without a declared signature (arguments as `interface {}`).
    pub fn new(
        f: impl Fn(&mut FuncCtx<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Function {
        Function {
            f: Arc::new(f),
            sig: None,
        }
    }

    /// A function whose arguments the engine checks and converts like Go.
    pub fn typed(
        sig: Signature,
        f: impl Fn(&mut FuncCtx<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Function {
        Function {
            f: Arc::new(f),
            sig: Some(Arc::new(sig)),
        }
    }

    /// The declared signature, if any.
    pub fn signature(&self) -> Option<&Signature> {
        self.sig.as_deref()
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Function({:?})", self.sig)
    }
}

/// A function map: name to function.
pub type FuncMap = HashMap<String, Function>;

/// The Go parameter types of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The fixed parameters.
    pub params: Vec<Param>,
    /// The element type of a trailing `...T` parameter, if the function is variadic.
    pub variadic: Option<Param>,
}

impl Signature {
    /// A signature with fixed parameters only.
    pub fn fixed(params: Vec<Param>) -> Signature {
        Signature {
            params,
            variadic: None,
        }
    }

    /// A signature with fixed parameters followed by `...variadic`.
    pub fn variadic(params: Vec<Param>, variadic: Param) -> Signature {
        Signature {
            params,
            variadic: Some(variadic),
        }
    }
}

/// A Go parameter type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface {}`: anything; a missing value or `nil` arrives as [`Value::Nil`].
    Any,
    /// `string`
    String,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `uint64`
    Uint64,
    /// `float64`
    Float64,
    /// A slice type, `[]T`.
    Slice(ElemType),
    /// An unnamed map type, `map[string]T`.
    Map(ElemType),
    /// A named map type with `interface {}` values, such as `chartutil.Values`.
    NamedMap(&'static str),
    /// A named struct type such as `time.Time`: only objects of that Go type fit, and a
    /// constant argument is refused before the call (`can't handle "x" for arg of type
    /// time.Time`), as Go's `evalArg` does.
    Struct(&'static str),
    /// `reflect.Value`: what Go's builtins take (internal).
    #[doc(hidden)]
    Reflect,
}

impl Param {
    /// The Go spelling of the type, as errors print it.
    pub fn go_name(&self) -> String {
        match self {
            Param::Any => "interface {}".into(),
            Param::String => "string".into(),
            Param::Bool => "bool".into(),
            Param::Int => "int".into(),
            Param::Int64 => "int64".into(),
            Param::Uint64 => "uint64".into(),
            Param::Float64 => "float64".into(),
            Param::Slice(e) => format!("[]{}", e.go_name()),
            Param::Map(e) => format!("map[string]{}", e.go_name()),
            Param::NamedMap(n) | Param::Struct(n) => (*n).into(),
            Param::Reflect => "reflect.Value".into(),
        }
    }
}

/// Execution-wide state shared by a top-level execution and every nested one
/// (`include`, `tpl`): nesting depth and per-name counters.
#[derive(Default, Debug)]
pub(crate) struct Shared {
    /// Nested template invocations and re-entrant executions, to bound the stack.
    pub depth: usize,
    /// Counters functions keep (Helm counts `include` recursion per template name).
    pub counters: HashMap<String, usize>,
    /// The stack budget of this execution.
    pub guard: Option<crate::template::StackGuard>,
    /// Set when the budget ran out: the execution is abandoned and redone on a big stack.
    pub out_of_stack: bool,
    /// Steps left under [`Templates::option_step_limit`], if one is set.
    pub steps_left: Option<u64>,
}

/// What a function can see of the execution that called it.
pub struct FuncCtx<'a> {
    pub(crate) set: &'a Templates,
    pub(crate) shared: &'a mut Shared,
    pub(crate) tree: &'a Tree,
    pub(crate) pos: usize,
}

impl FuncCtx<'_> {
    /// The template set being executed (for `tpl`, the clone it runs in).
    pub fn templates(&self) -> &Templates {
        self.set
    }

    /// The name of the template being executed (a file name or a `define`d name).
    pub fn template_name(&self) -> &str {
        &self.tree.name
    }

    /// Where the call is: the file it was parsed from, line and column.
    pub fn location(&self) -> Location {
        let (line, col) = self.tree.location(self.pos);
        Location {
            parse_name: self.tree.parse_name.to_string(),
            line,
            col,
        }
    }

    /// Executes a named template of the current set with `data` as dot (Go's
    /// `ExecuteTemplate`; Helm's `include`).
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        let set = self.set;
        self.execute_in(set, name, data)
    }

    /// Executes a named template of another set (such as one made by [`FuncCtx::clone_with`])
    /// as part of this execution, sharing its nesting depth and counters.
    pub fn execute_in(
        &mut self,
        set: &Templates,
        name: &str,
        data: &Value,
    ) -> Result<String, Error> {
        // A whole file (as `tpl` runs) renders to roughly its own size; a `define`d
        // template's tree holds its whole file's text, so it gets no hint.
        let size_hint = set.file_size_hint(name);
        let mut out = String::with_capacity(size_hint);
        set.execute_nested(name, data, &mut out, self.shared)?;
        Ok(out)
    }

    /// A clone of the current set with `text` parsed into it under `name`, so the text sees
    /// every `define` of the set (Helm's `tpl`).
    /// The text may be given shared (`Arc<str>`, as a template string value holds it):
    /// the parsed tree keeps it without a copy.
    pub fn clone_with(
        &self,
        name: &str,
        text: impl Into<std::sync::Arc<str>>,
    ) -> Result<Templates, Error> {
        let mut t = self.set.clone();
        t.parse_new(name, text)?;
        Ok(t)
    }

    /// A counter that lives as long as the whole execution, shared with nested executions
    /// (Helm limits `include` recursion per template name with one).
    pub fn counter(&mut self, key: &str) -> &mut usize {
        let counters = &mut self.shared.counters;
        if !counters.contains_key(key) {
            counters.insert(key.to_string(), 0);
        }
        counters
            .get_mut(key)
            .expect("the counter was inserted above")
    }
}
