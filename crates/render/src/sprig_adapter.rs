//! Registers the Sprig library with the engine: each Sprig function is declared with its Go
//! signature (as text, the way Sprig's source spells it); this module turns that text into
//! the engine's [`Signature`] so arguments are converted and checked exactly as Go's
//! reflection-based calls do.

use capstan_gotmpl::{ElemType, FuncError, Function, Param, Signature, Value};

/// Parses a Go function type such as `func(int, ...interface {}) (string, error)` into the
/// parameter part of a [`Signature`]. `None` for text it does not understand.
pub fn parse_signature(text: &str) -> Option<Signature> {
    let rest = text.trim().strip_prefix("func(")?;
    let close = rest.find(')')?;
    let params_text = &rest[..close];
    let mut params = Vec::new();
    let mut variadic = None;
    if !params_text.trim().is_empty() {
        for p in params_text.split(',') {
            let p = p.trim();
            if let Some(v) = p.strip_prefix("...") {
                variadic = Some(parse_type(v)?);
            } else {
                params.push(parse_type(p)?);
            }
        }
    }
    Some(Signature { params, variadic })
}

fn elem(text: &str) -> Option<ElemType> {
    Some(match text {
        "interface {}" | "any" => ElemType::Interface,
        "string" => ElemType::String,
        "int" => ElemType::Int,
        "int64" => ElemType::Int64,
        "float64" => ElemType::Float64,
        "bool" => ElemType::Bool,
        _ => return None,
    })
}

fn parse_type(text: &str) -> Option<Param> {
    Some(match text {
        "interface {}" | "any" => Param::Any,
        "string" => Param::String,
        "bool" => Param::Bool,
        "int" => Param::Int,
        "int64" => Param::Int64,
        "uint64" => Param::Uint64,
        "float64" => Param::Float64,
        "time.Time" => Param::Struct("time.Time"),
        "sprig.certificate" => Param::Struct("sprig.certificate"),
        t => {
            if let Some(e) = t.strip_prefix("[]") {
                Param::Slice(elem(e)?)
            } else if let Some(e) = t.strip_prefix("map[string]") {
                Param::Map(elem(e)?)
            } else {
                return None;
            }
        }
    })
}

/// The body of a Sprig function: converted arguments in, a value or Go's error text out.
pub type SprigBody = fn(&[Value]) -> Result<Value, String>;

/// Wraps a Sprig body as an engine function with its Go signature.
pub fn wrap(name: &str, signature: &str, body: SprigBody) -> Function {
    let sig = parse_signature(signature)
        .unwrap_or_else(|| panic!("sprig function {name}: unsupported signature {signature}"));
    Function::typed(sig, move |_, args| body(args).map_err(FuncError::new))
}

/// Every Sprig function Helm registers, as engine functions. A signature this adapter
/// cannot read is a programming error in the table, caught by the `every_sprig_signature_parses`
/// test rather than at run time.
pub fn sprig_functions() -> Vec<(String, Function)> {
    crate::sprig::functions()
        .into_iter()
        .filter(|f| parse_signature(f.signature).is_some())
        .map(|f| (f.name.to_string(), wrap(f.name, f.signature, f.body)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_parse() {
        let s = parse_signature("func(int, ...interface {}) (string, error)").unwrap();
        assert_eq!(s.params, vec![Param::Int]);
        assert_eq!(s.variadic, Some(Param::Any));
        let s = parse_signature("func(map[string]interface {}, []string) []interface {}").unwrap();
        assert_eq!(
            s.params,
            vec![
                Param::Map(ElemType::Interface),
                Param::Slice(ElemType::String)
            ]
        );
        assert!(parse_signature("func() string").unwrap().params.is_empty());
        assert!(parse_signature("func(chan int) string").is_none());
    }

    #[test]
    fn every_sprig_signature_parses() {
        let bad: Vec<String> = crate::sprig::functions()
            .iter()
            .filter(|f| parse_signature(f.signature).is_none())
            .map(|f| format!("{}: {}", f.name, f.signature))
            .collect();
        assert!(bad.is_empty(), "unreadable Sprig signatures: {bad:?}");
    }
}
