//! List functions. Sprig accepts any slice through reflection and reports other kinds as
//! "Cannot <op> on type <kind>"; results are `[]interface {}` except where noted.

use super::conv::{strslice, to_i64};
use super::defaults::{deep_equal, kind_name};
use super::{arg, arg_int, f, SprigFunc};
use capstan_gotmpl::{ElemType, List, Value};
use std::sync::Arc;

/// The items of a slice value (byte slices give their bytes as numbers).
fn items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.clone()),
        Value::Bytes(b) => Some(b.iter().map(|x| Value::Uint8(*x)).collect()),
        _ => None,
    }
}

fn need(v: &Value, op: &str) -> Result<Vec<Value>, String> {
    if v.is_nil() {
        return Err(super::defaults::NIL_DEREF.into());
    }
    items(v).ok_or_else(|| format!("Cannot {op} on type {}", kind_name(v)))
}

fn list(a: &[Value]) -> Result<Value, String> {
    Ok(Value::list(a.to_vec()))
}

fn push(a: &[Value]) -> Result<Value, String> {
    let mut v = need(&arg(a, 0), "push")?;
    v.push(arg(a, 1));
    Ok(Value::list(v))
}

fn prepend(a: &[Value]) -> Result<Value, String> {
    let mut v = need(&arg(a, 0), "prepend")?;
    v.insert(0, arg(a, 1));
    Ok(Value::list(v))
}

fn first(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find first")?;
    Ok(v.first().cloned().unwrap_or(Value::Nil))
}

fn last(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find last")?;
    Ok(v.last().cloned().unwrap_or(Value::Nil))
}

fn rest(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find rest")?;
    if v.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    Ok(Value::list(v[1..].to_vec()))
}

fn initial(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find initial")?;
    if v.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    Ok(Value::list(v[..v.len() - 1].to_vec()))
}

fn reverse(a: &[Value]) -> Result<Value, String> {
    let mut v = need(&arg(a, 0), "find reverse")?;
    v.reverse();
    Ok(Value::list(v))
}

fn uniq(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find uniq")?;
    let mut out: Vec<Value> = Vec::new();
    for item in v {
        if !out.iter().any(|o| deep_equal(o, &item)) {
            out.push(item);
        }
    }
    Ok(Value::list(out))
}

fn without(a: &[Value]) -> Result<Value, String> {
    let v = need(&arg(a, 0), "find without")?;
    let drop = &a[1.min(a.len())..];
    Ok(Value::list(
        v.into_iter()
            .filter(|i| !drop.iter().any(|d| deep_equal(d, i)))
            .collect(),
    ))
}

fn has(a: &[Value]) -> Result<Value, String> {
    let hay = arg(a, 1);
    if hay.is_nil() {
        return Ok(Value::Bool(false));
    }
    let v = need(&hay, "find has")?;
    let needle = arg(a, 0);
    Ok(Value::Bool(v.iter().any(|i| deep_equal(i, &needle))))
}

fn slice(a: &[Value]) -> Result<Value, String> {
    let src = arg(a, 0);
    let Some(v) = items(&src) else {
        return Err(format!(
            "list should be type of slice or array but {}",
            kind_name(&src)
        ));
    };
    if v.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map(to_i64).unwrap_or(0);
    let end = a.get(2).map(to_i64).unwrap_or(v.len() as i64);
    if start < 0 || end < start || end > v.len() as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    let part = v[start as usize..end as usize].to_vec();
    Ok(match &src {
        Value::List(l) => Value::List(Arc::new(List {
            elem: l.elem,
            items: part,
        })),
        _ => Value::list(part),
    })
}

fn concat(a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for l in a {
        match items(l) {
            Some(v) => out.extend(v),
            None => return Err(format!("Cannot concat type {} as list", kind_name(l))),
        }
    }
    Ok(Value::list(out))
}

fn chunk(a: &[Value]) -> Result<Value, String> {
    let size = arg_int(a, 0);
    let v = need(&arg(a, 1), "chunk")?;
    if size <= 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    // Sprig returns `[][]interface {}`: `typeOf` and `%T` name the nested slice type.
    Ok(Value::List(Arc::new(List {
        elem: ElemType::InterfaceSlice,
        items: v
            .chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    })))
}

fn sort_alpha(a: &[Value]) -> Result<Value, String> {
    let v = arg(a, 0);
    let mut s = match v {
        Value::List(_) | Value::Bytes(_) => strslice(&v),
        other => vec![super::conv::strval(&other)],
    };
    s.sort();
    Ok(Value::string_list(s))
}

/// The list family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    let l1 = "func(interface {}) interface {}";
    let l1e = "func(interface {}) (interface {}, error)";
    let push_sig = "func(interface {}, interface {}) []interface {}";
    let push_sig_e = "func(interface {}, interface {}) ([]interface {}, error)";
    vec![
        f("list", "func(...interface {}) []interface {}", list),
        f("tuple", "func(...interface {}) []interface {}", list),
        f("append", push_sig, push),
        f("push", push_sig, push),
        f("mustAppend", push_sig_e, push),
        f("mustPush", push_sig_e, push),
        f("prepend", push_sig, prepend),
        f("mustPrepend", push_sig_e, prepend),
        f("first", l1, first),
        f("mustFirst", l1e, first),
        f("rest", l1, rest),
        f("mustRest", l1e, rest),
        f("last", l1, last),
        f("mustLast", l1e, last),
        f("initial", l1, initial),
        f("mustInitial", l1e, initial),
        f("reverse", "func(interface {}) []interface {}", reverse),
        f(
            "mustReverse",
            "func(interface {}) ([]interface {}, error)",
            reverse,
        ),
        f("uniq", "func(interface {}) []interface {}", uniq),
        f(
            "mustUniq",
            "func(interface {}) ([]interface {}, error)",
            uniq,
        ),
        f(
            "without",
            "func(interface {}, ...interface {}) []interface {}",
            without,
        ),
        f(
            "mustWithout",
            "func(interface {}, ...interface {}) ([]interface {}, error)",
            without,
        ),
        f("has", "func(interface {}, interface {}) bool", has),
        f(
            "mustHas",
            "func(interface {}, interface {}) (bool, error)",
            has,
        ),
        f(
            "slice",
            "func(interface {}, ...interface {}) interface {}",
            slice,
        ),
        f(
            "mustSlice",
            "func(interface {}, ...interface {}) (interface {}, error)",
            slice,
        ),
        f("concat", "func(...interface {}) interface {}", concat),
        f("chunk", "func(int, interface {}) [][]interface {}", chunk),
        f(
            "mustChunk",
            "func(int, interface {}) ([][]interface {}, error)",
            chunk,
        ),
        f("sortAlpha", "func(interface {}) []string", sort_alpha),
    ]
}
