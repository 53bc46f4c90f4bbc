//! A Go `text/template` engine, written to behave exactly like Go's (the Go version Helm
//! 4.3.1 is built with, go1.27): the same syntax, the same output bytes, the same error
//! texts. Existing Rust engines are partial or deliberately different from Go, and Helm's
//! output depends on every detail, so capstan has its own.
//!
//! This crate knows nothing of Helm: Helm's functions (`include`, `tpl`, Sprig) are
//! registered by the `render` crate through the function registry.
//!
//! # Example
//!
//! ```
//! use capstan_gotmpl::{Function, FuncMap, MissingKey, Templates, Value};
//!
//! let mut set = Templates::new("gotpl");
//! let mut funcs = FuncMap::new();
//! // `include`: executes a named template of the set into a string.
//! funcs.insert(
//!     "include".into(),
//!     Function::new(|ctx, args| {
//!         let name = args.first().and_then(|v| v.as_str()).unwrap_or_default().to_string();
//!         let data = args.get(1).cloned().unwrap_or(Value::Nil);
//!         Ok(Value::from(ctx.execute_template(&name, &data)?))
//!     }),
//! );
//! set.funcs(funcs).option_missingkey(MissingKey::Zero);
//! set.parse("_helpers.tpl", r#"{{ define "name" }}{{ .name | printf "%s-app" }}{{ end }}"#).unwrap();
//! set.parse("deploy.yaml", "name: {{ include \"name\" . }}\n").unwrap();
//!
//! let mut data = std::collections::BTreeMap::new();
//! data.insert("name".to_string(), Value::from("web"));
//! assert_eq!(set.execute("deploy.yaml", &Value::map(data)).unwrap(), "name: web-app\n");
//! ```
//!
//! # The pieces
//!
//! * [`Templates`]: a set of named templates sharing one namespace, as Helm parses every
//!   chart file into one set. [`Templates::parse`] adds a file (and its `define`s; a later
//!   definition replaces an earlier one, an empty one never replaces a non-empty one);
//!   [`Templates::execute`] runs one by name. Options: [`MissingKey`]. Clones are cheap.
//! * [`Function`]: a closure registered under a name. Calling an unregistered name is a
//!   parse error (`function "x" not defined`). A function may declare a Go [`Signature`]
//!   ([`Param`] types); the engine then checks arity and converts arguments exactly as Go's
//!   reflection does (`wrong number of args for NAME: want 2 got 1`, `expected integer;
//!   found 1.5`, `wrong type for value; expected string; got float64`). Its error is
//!   reported as `error calling NAME: MESSAGE`.
//! * [`FuncCtx`]: what a function sees: [`FuncCtx::execute_template`] (Helm's `include`),
//!   [`FuncCtx::clone_with`] plus [`FuncCtx::execute_in`] (Helm's `tpl`), the executing
//!   template's name and position, and per-execution counters for recursion limits.
//! * [`Value`]: Go-typed values; [`Object`] for typed Go structs with fields and methods.
//!
//! Deeply nested templates are legal up to Go's limits (100000 nested template calls,
//! 10000 nested parentheses): work runs on the caller's thread within a stack budget and
//! is redone on a big-stack thread when a template is deeper than that.
//!
//! Errors display as Go's do (`template: deploy.yaml:1:8: executing "deploy.yaml" at
//! <.a.b>: nil pointer evaluating interface {}.b`), and [`Error`] keeps the parts.

#![warn(missing_docs)]

mod ast;
mod builtins;
mod call;
mod error;
mod exec;
pub mod fmt;
mod func;
mod lex;
mod parse;
mod printer;
mod strconv;
mod template;
pub mod value;

pub use error::{Error, FuncError, Location};
pub use func::{FuncCtx, FuncImpl, FuncMap, Function, Param, Signature};
/// Go's `strconv.ParseFloat(s, 64)` (decimal, hex, `_` separators; `None` on a syntax error
/// or `ErrRange`), for functions that convert strings as Go does.
pub use strconv::parse_float as parse_go_float;
pub use template::{run_with_big_stack, MissingKey, Templates};
pub use value::{ElemType, Kind, List, Map, Object, Value};

#[cfg(test)]
mod tests;
