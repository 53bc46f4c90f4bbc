//! Template errors, displayed with Go's exact wording: Helm prints them, reformats some
//! of them by matching on the text, and users' scripts grep them.

use crate::lex::go_quote;

/// Where an execution error happened: the file the failing node was parsed from and the
/// node's line (1-based) and column (0-based byte offset in the line, as Go counts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name the node was parsed from (Go's `ParseName`).
    pub parse_name: String,
    /// 1-based line.
    pub line: usize,
    /// 0-based byte column.
    pub col: usize,
}

/// A template error.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A syntax error: `template: NAME:LINE: MESSAGE`.
    #[error("template: {name}:{line}: {message}")]
    Parse {
        /// The name the text was parsed under.
        name: String,
        /// The line of the token the parser was looking at.
        line: usize,
        /// Go's message, e.g. `function "foo" not defined`.
        message: String,
    },
    /// An execution error: `template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE`,
    /// or `template: NAME: MESSAGE` when no node is known.
    #[error("{}", exec_display(.name, .location.as_ref(), .context, .message))]
    Exec {
        /// The name of the template being executed (a file or a `define`d name).
        name: String,
        /// Where the failing node is, when known.
        location: Option<Location>,
        /// The failing node as Go prints it (`.Values.a.b`, `include "x" .`).
        context: String,
        /// The message, e.g. `nil pointer evaluating interface {}.b`, or
        /// `error calling include: <the nested error's text>`.
        message: String,
    },
    /// `ExecuteTemplate` with a name the set does not have.
    #[error("template: no template {} associated with template {}", go_quote(.name), go_quote(.set_name))]
    NoTemplate {
        /// The requested name.
        name: String,
        /// The set's own name (Helm's is `gotpl`).
        set_name: String,
    },
}

fn exec_display(name: &str, location: Option<&Location>, context: &str, message: &str) -> String {
    match location {
        Some(l) => format!(
            "template: {}:{}:{}: executing {} at <{}>: {}",
            l.parse_name,
            l.line,
            l.col,
            go_quote(name),
            context,
            message
        ),
        None => format!("template: {name}: {message}"),
    }
}

impl Error {
    /// The message without Go's `template: ...` prefix.
    pub fn message(&self) -> String {
        match self {
            Error::Parse { message, .. } | Error::Exec { message, .. } => message.clone(),
            e @ Error::NoTemplate { .. } => e.to_string(),
        }
    }
}

/// The error a template function returns. Its text is wrapped by the engine as Go does:
/// `error calling NAME: TEXT`.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("{message}")]
pub struct FuncError {
    /// The error text (Go's `err.Error()`).
    pub message: String,
    /// The nested template error, when the function executed a template (`include`, `tpl`)
    /// and that failed; `message` then holds its text, possibly with a prefix.
    pub source: Option<Box<Error>>,
}

impl FuncError {
    /// An error with the given text.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
            source: None,
        }
    }
}

impl From<Error> for FuncError {
    fn from(e: Error) -> FuncError {
        FuncError {
            message: e.to_string(),
            source: Some(Box::new(e)),
        }
    }
}

impl From<String> for FuncError {
    fn from(message: String) -> FuncError {
        FuncError::new(message)
    }
}

impl From<&str> for FuncError {
    fn from(message: &str) -> FuncError {
        FuncError::new(message)
    }
}
