//! A Go `text/template` engine, written to behave exactly like Go's (the Go version Helm
//! 4.3.1 is built with, go1.27): the same syntax, the same output bytes, the same error
//! texts. Existing Rust engines are partial or deliberately different from Go, and Helm's
//! output depends on every detail, so capstan has its own.
//!
//! This crate knows nothing of Helm: Helm's functions (`include`, `tpl`, Sprig) are
//! registered by the `render` crate through the function registry.

pub mod fmt;
pub mod value;

pub use value::{ElemType, Kind, List, Map, Object, Value};
