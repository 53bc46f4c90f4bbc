//! Dictionary functions on `map[string]interface {}`.
//!
//! Go's `set`, `unset`, `merge` and `mergeOverwrite` change the map they are given (charts rely
//! on `$_ := set $d "k" v`), and so do these: maps are shared references with their entries
//! behind a lock (`capstan_gotmpl::Map`), changed in place and returned.

use super::conv::strval;
use super::defaults::is_empty;
use super::{arg, arg_str, f, SprigFunc};
use capstan_gotmpl::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

fn entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    }
}

fn dict(a: &[Value]) -> Result<Value, String> {
    let mut m = BTreeMap::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        let val = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
        m.insert(key, val);
    }
    Ok(Value::map(m))
}

fn get(a: &[Value]) -> Result<Value, String> {
    Ok(entries(&arg(a, 0))
        .remove(arg_str(a, 1))
        .unwrap_or_else(|| Value::from("")))
}

fn set(a: &[Value]) -> Result<Value, String> {
    let d = arg(a, 0);
    match &d {
        Value::Map(m) => {
            m.entries_mut().insert(arg_str(a, 1).to_string(), arg(a, 2));
            Ok(d)
        }
        // A nil map: Go panics on assignment; the engine's conversion passes an empty one.
        _ => {
            let mut m = BTreeMap::new();
            m.insert(arg_str(a, 1).to_string(), arg(a, 2));
            Ok(Value::map(m))
        }
    }
}

fn unset(a: &[Value]) -> Result<Value, String> {
    let d = arg(a, 0);
    if let Value::Map(m) = &d {
        m.entries_mut().remove(arg_str(a, 1));
    }
    Ok(d)
}

fn has_key(a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(entries(&arg(a, 0)).contains_key(arg_str(a, 1))))
}

fn pluck(a: &[Value]) -> Result<Value, String> {
    let key = arg_str(a, 0);
    let out = a
        .iter()
        .skip(1)
        .filter_map(|d| entries(d).remove(key))
        .collect();
    Ok(Value::list(out))
}

fn keys(a: &[Value]) -> Result<Value, String> {
    let out: Vec<String> = a.iter().flat_map(|d| entries(d).into_keys()).collect();
    Ok(Value::string_list(out))
}

fn values(a: &[Value]) -> Result<Value, String> {
    Ok(Value::list(entries(&arg(a, 0)).into_values().collect()))
}

fn pick(a: &[Value]) -> Result<Value, String> {
    let d = arg(a, 0);
    let mut m = entries(&d);
    let wanted: Vec<&str> = a.iter().skip(1).filter_map(Value::as_str).collect();
    m.retain(|k, _| wanted.contains(&k.as_str()));
    Ok(Value::map(m))
}

fn omit(a: &[Value]) -> Result<Value, String> {
    let d = arg(a, 0);
    let mut m = entries(&d);
    let dropped: Vec<&str> = a.iter().skip(1).filter_map(Value::as_str).collect();
    m.retain(|k, _| !dropped.contains(&k.as_str()));
    Ok(Value::map(m))
}

/// dario.cat/mergo's map merge as Sprig calls it, in place: nested maps merge deeply into
/// the destination's own nested maps; without `overwrite` only missing or empty destination
/// values are filled. `src` is a snapshot, so merging a map into itself cannot deadlock.
fn merge_into(dst: &Map, src: &BTreeMap<String, Value>, overwrite: bool) {
    for (k, sv) in src {
        if sv.is_nil() {
            if overwrite {
                dst.entries_mut().insert(k.clone(), Value::Nil);
            }
            continue;
        }
        let dv = dst.get(k);
        if let (Value::Map(sm), Some(Value::Map(dm))) = (sv, &dv) {
            if !Arc::ptr_eq(sm, dm) {
                merge_into(dm, &sm.snapshot(), overwrite);
            }
            continue;
        }
        let dst_set = dv.as_ref().is_some_and(|d| !is_empty(d));
        if overwrite || !dst_set {
            dst.entries_mut().insert(k.clone(), sv.clone());
        }
    }
}

fn merge_impl(a: &[Value], overwrite: bool) -> Result<Value, String> {
    let d = arg(a, 0);
    let target = match &d {
        Value::Map(m) => m.clone(),
        _ => Arc::new(Map::new(
            None,
            capstan_gotmpl::ElemType::Interface,
            BTreeMap::new(),
        )),
    };
    for src in a.iter().skip(1) {
        merge_into(&target, &entries(src), overwrite);
    }
    Ok(Value::Map(target))
}

fn merge(a: &[Value]) -> Result<Value, String> {
    merge_impl(a, false)
}

fn merge_overwrite(a: &[Value]) -> Result<Value, String> {
    merge_impl(a, true)
}

fn dig(a: &[Value]) -> Result<Value, String> {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let mut cur = a[a.len() - 1].clone();
    let default = a[a.len() - 2].clone();
    let path = &a[..a.len() - 2];
    for (i, k) in path.iter().enumerate() {
        let Value::String(key) = k else {
            return Err(format!(
                "interface conversion: interface {{}} is {}, not string",
                k.type_name()
            ));
        };
        let Value::Map(m) = &cur else {
            return Err(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                cur.type_name()
            ));
        };
        let Some(step) = m.get(key.as_ref()) else {
            return Ok(default);
        };
        if i + 1 == path.len() {
            return Ok(step);
        }
        cur = step;
    }
    Ok(default)
}

/// The dictionary family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f(
            "dict",
            "func(...interface {}) map[string]interface {}",
            dict,
        ),
        f(
            "get",
            "func(map[string]interface {}, string) interface {}",
            get,
        ),
        f(
            "set",
            "func(map[string]interface {}, string, interface {}) map[string]interface {}",
            set,
        ),
        f(
            "unset",
            "func(map[string]interface {}, string) map[string]interface {}",
            unset,
        ),
        f(
            "hasKey",
            "func(map[string]interface {}, string) bool",
            has_key,
        ),
        f(
            "pluck",
            "func(string, ...map[string]interface {}) []interface {}",
            pluck,
        ),
        f("keys", "func(...map[string]interface {}) []string", keys),
        f(
            "pick",
            "func(map[string]interface {}, ...string) map[string]interface {}",
            pick,
        ),
        f(
            "omit",
            "func(map[string]interface {}, ...string) map[string]interface {}",
            omit,
        ),
        f(
            "merge",
            "func(map[string]interface {}, ...map[string]interface {}) interface {}",
            merge,
        ),
        f(
            "mergeOverwrite",
            "func(map[string]interface {}, ...map[string]interface {}) interface {}",
            merge_overwrite,
        ),
        f(
            "mustMerge",
            "func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)",
            merge,
        ),
        f(
            "mustMergeOverwrite",
            "func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)",
            merge_overwrite,
        ),
        f(
            "values",
            "func(map[string]interface {}) []interface {}",
            values,
        ),
        f("dig", "func(...interface {}) (interface {}, error)", dig),
    ]
}
