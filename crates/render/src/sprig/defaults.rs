//! Defaults and reflection: `default`, `empty`, `coalesce`, `all`, `any`, `compact`,
//! `ternary`, `deepCopy`, `typeOf`/`typeIs`/`typeIsLike`, `kindOf`/`kindIs`, `deepEqual`.

use super::{arg, arg_str, f, SprigFunc};
use capstan_gotmpl::{Kind, List, Map, Value};
use std::sync::Arc;

/// Sprig's `empty`: nil, zero numbers, false, and empty strings, slices and maps. Structs and
/// non-nil pointers (our objects) are never empty.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        other => !other.is_true(),
    }
}

/// Go's `reflect.DeepEqual` on template values (types must match too).
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint64(x), Value::Uint64(y)) => x == y,
        (Value::Uint8(x), Value::Uint8(y)) => x == y,
        (Value::Float64(x), Value::Float64(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.elem == y.elem
                && x.named == y.named
                && x.len() == y.len()
                && x.snapshot()
                    .iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, &w)))
        }
        (Value::Object(x), Value::Object(y)) => std::ptr::eq(
            std::sync::Arc::as_ptr(x) as *const u8,
            std::sync::Arc::as_ptr(y) as *const u8,
        ),
        _ => false,
    }
}

fn default(a: &[Value]) -> Result<Value, String> {
    match a.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(arg(a, 0)),
    }
}

fn empty(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(is_empty(&arg(a, 0))))
}

fn coalesce(a: &[Value]) -> Result<Value, String> {
    Ok(a.iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}

fn all(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

fn any(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

fn must_compact(a: &[Value]) -> Result<Value, String> {
    match arg(a, 0) {
        Value::List(l) => Ok(Value::list(
            l.items.iter().filter(|v| !is_empty(v)).cloned().collect(),
        )),
        Value::Nil => Err(NIL_DEREF.into()),
        other => Err(format!("Cannot compact on type {}", other.kind().go_name())),
    }
}

fn ternary(a: &[Value]) -> Result<Value, String> {
    Ok(if matches!(a.get(2), Some(Value::Bool(true))) {
        arg(a, 0)
    } else {
        arg(a, 1)
    })
}

/// Values are immutable and shared, so a deep copy is the value itself (copystructure fails
/// on a nil interface).
fn deep_copy(a: &[Value]) -> Result<Value, String> {
    match arg(a, 0) {
        Value::Nil => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        v => Ok(copied(&v)),
    }
}

/// copystructure's deep copy: new maps and slices all the way down. Maps are shared and
/// changed in place by `set`/`merge*`, so handing back the same map would let
/// `mergeOverwrite (deepCopy .Values.x) ...` change `.Values.x` itself (argo-cd's
/// deployment strategy leaked from one Deployment to the next that way).
fn copied(v: &Value) -> Value {
    match v {
        Value::Map(m) => {
            let entries = m
                .entries()
                .iter()
                .map(|(k, v)| (k.clone(), copied(v)))
                .collect();
            Value::Map(Arc::new(Map::new(m.named, m.elem, entries)))
        }
        Value::List(l) => Value::List(Arc::new(List {
            elem: l.elem,
            items: l.items.iter().map(copied).collect(),
        })),
        other => other.clone(),
    }
}

/// What Go prints when Sprig calls `reflect.TypeOf(nil).Kind()`.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

fn type_of(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(arg(a, 0).type_name()))
}

fn type_is(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg(a, 1).type_name() == arg_str(a, 0)))
}

fn type_is_like(a: &[Value]) -> Result<Value, String> {
    let t = arg(a, 1).type_name();
    let target = arg_str(a, 0);
    Ok(Value::Bool(t == target || format!("*{target}") == t))
}

fn kind_of(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(arg(a, 0).kind().go_name()))
}

fn kind_is(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg(a, 1).kind().go_name() == arg_str(a, 0)))
}

fn deep_equal_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(deep_equal(&arg(a, 0), &arg(a, 1))))
}

/// The kind name used in Sprig's "Cannot ... on type %s" errors.
pub(crate) fn kind_name(v: &Value) -> &'static str {
    if matches!(v.kind(), Kind::Invalid) {
        "invalid"
    } else {
        v.kind().go_name()
    }
}

/// The defaults and reflection family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f(
            "default",
            "func(interface {}, ...interface {}) interface {}",
            default,
        ),
        f("empty", "func(interface {}) bool", empty),
        f("coalesce", "func(...interface {}) interface {}", coalesce),
        f("all", "func(...interface {}) bool", all),
        f("any", "func(...interface {}) bool", any),
        f("compact", "func(interface {}) []interface {}", must_compact),
        f(
            "mustCompact",
            "func(interface {}) ([]interface {}, error)",
            must_compact,
        ),
        f(
            "ternary",
            "func(interface {}, interface {}, bool) interface {}",
            ternary,
        ),
        f("deepCopy", "func(interface {}) interface {}", deep_copy),
        f(
            "mustDeepCopy",
            "func(interface {}) (interface {}, error)",
            deep_copy,
        ),
        f("typeOf", "func(interface {}) string", type_of),
        f("typeIs", "func(string, interface {}) bool", type_is),
        f(
            "typeIsLike",
            "func(string, interface {}) bool",
            type_is_like,
        ),
        f("kindOf", "func(interface {}) string", kind_of),
        f("kindIs", "func(string, interface {}) bool", kind_is),
        f(
            "deepEqual",
            "func(interface {}, interface {}) bool",
            deep_equal_fn,
        ),
    ]
}

#[cfg(test)]
mod tests {
    /// argo-cd-default regression: `mergeOverwrite (deepCopy $global) $local` must leave
    /// `$global` alone, or one Deployment's strategy shows up in every later one.
    #[test]
    fn deep_copy_is_independent_of_its_source() {
        let text = r#"{{- $g := dict "nested" (dict "a" 1) "list" (list (dict "b" 2)) -}}
{{- $_ := mergeOverwrite (deepCopy $g) (dict "type" "Recreate" "nested" (dict "a" 9)) -}}
{{- $c := deepCopy $g -}}{{- $_ := set (index $c.list 0) "b" 3 -}}
{{ toJson $g }}"#;
        let mut set = capstan_gotmpl::Templates::new("t");
        set.funcs(crate::functions::helm_functions(
            crate::engine::EngineOptions::default(),
        ));
        set.parse("t", text).unwrap();
        let out = set.execute("t", &capstan_gotmpl::Value::Nil).unwrap();
        assert_eq!(out, r#"{"list":[{"b":2}],"nested":{"a":1}}"#);
    }
}
