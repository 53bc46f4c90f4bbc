//! `import-values` with Go's reference semantics.
//!
//! Helm builds the imported table by placing the *same* map objects (tables of the
//! merged values) under every parent path that imports them, then merges later imports
//! into those shared maps in place. So when two imports share a destination (the
//! corpus' helm-subchart: `SCAdata` imported as `imported-chartA` and
//! `imported-chartA-B`, then `SCBdata` merged into `imported-chartA-B`), every alias of
//! the shared map, including the subchart's own `SCAdata`, gains the merged keys. To
//! reproduce that, this step runs on a small tree whose maps are shared references.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::values::Values;

type Table = Rc<RefCell<Vec<(String, Node)>>>;

/// A value during import processing: maps are shared references, as in Go.
#[derive(Clone)]
pub(crate) enum Node {
    /// A non-map value (lists are never mutated by this step).
    Leaf(Value),
    /// A shared map.
    Map(Table),
}

fn get(t: &Table, k: &str) -> Option<Node> {
    t.borrow()
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.clone())
}

fn set(t: &Table, k: &str, v: Node) {
    let mut m = t.borrow_mut();
    if let Some(slot) = m.iter_mut().find(|(key, _)| key == k) {
        slot.1 = v;
    } else {
        m.push((k.to_string(), v));
    }
}

fn is_null(n: &Node) -> bool {
    matches!(n, Node::Leaf(Value::Null))
}

/// A fresh shared tree from plain values.
pub(crate) fn from_values(v: &Values) -> Table {
    let t: Vec<(String, Node)> = v.iter().map(|(k, v)| (k.clone(), from_value(v))).collect();
    Rc::new(RefCell::new(t))
}

fn from_value(v: &Value) -> Node {
    match v {
        Value::Object(m) => Node::Map(from_values(m)),
        other => Node::Leaf(other.clone()),
    }
}

/// Deep copy back to plain values.
pub(crate) fn to_values(t: &Table) -> Values {
    to_values_depth(t, 0)
}

fn to_values_depth(t: &Table, depth: usize) -> Values {
    let mut out = Map::new();
    // Shared maps form a DAG, never a cycle (a map is only ever placed below a new
    // wrapper); the depth guard is belt and braces against pathological imports.
    if depth > crate::yaml::MAX_DEPTH * 2 {
        return out;
    }
    for (k, v) in t.borrow().iter() {
        let v = match v {
            Node::Leaf(x) => x.clone(),
            Node::Map(m) => Value::Object(to_values_depth(m, depth + 1)),
        };
        out.insert(k.clone(), v);
    }
    out
}

/// `Values.Table(path)`: the shared map at a dotted path, or the path segment that was
/// missing or not a map (Helm's `ErrNoTable` key).
pub(crate) fn table_or_missing(t: &Table, path: &str) -> Result<Table, String> {
    let mut cur = t.clone();
    for part in path.split('.') {
        let next = match get(&cur, part) {
            Some(Node::Map(m)) => m,
            _ => return Err(part.to_string()),
        };
        cur = next;
    }
    Ok(cur)
}

/// `pathToMap`: wraps the shared map under new maps along a dotted path.
pub(crate) fn path_to_map(path: &str, data: Table) -> Table {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        cur = Rc::new(RefCell::new(vec![(part.to_string(), Node::Map(cur))]));
    }
    cur
}

/// `MergeTables(dst, src)` in place, with Go's aliasing: maps found in `src` are
/// inserted by reference, shared `dst` maps are mutated, and `null`s present in `dst`
/// are written into `src` first, as Helm does.
pub(crate) fn merge_tables(dst: &Table, src: &Table) {
    merge_depth(dst, src, 0)
}

fn merge_depth(dst: &Table, src: &Table, depth: usize) {
    if Rc::ptr_eq(dst, src) || depth > crate::yaml::MAX_DEPTH * 2 {
        return;
    }
    let nil_keys: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| is_null(v))
        .map(|(k, _)| k.clone())
        .collect();
    for k in nil_keys {
        set(src, &k, Node::Leaf(Value::Null));
    }
    let entries: Vec<(String, Node)> = src.borrow().clone();
    for (key, val) in entries {
        match (get(dst, &key), &val) {
            (None, _) => set(dst, &key, val),
            (Some(Node::Map(dv)), Node::Map(sv)) => merge_depth(&dv, sv, depth + 1),
            // Anything else keeps the destination (Helm only warns).
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value) -> Values {
        match v {
            Value::Object(m) => m,
            _ => Values::new(),
        }
    }

    #[test]
    fn shared_destinations_see_later_merges() {
        let cvals = from_values(&m(
            json!({"a": {"data": {"x": 1}}, "b": {"data": {"y": 2}}}),
        ));
        let b = from_values(&Values::new());
        let a_data = table_or_missing(&cvals, "a.data").unwrap();
        merge_tables(&b, &path_to_map("one", a_data.clone()));
        merge_tables(&b, &path_to_map("two", a_data));
        merge_tables(
            &b,
            &path_to_map("two", table_or_missing(&cvals, "b.data").unwrap()),
        );
        let out = Value::Object(to_values(&b));
        assert_eq!(
            out,
            json!({"one": {"x": 1, "y": 2}, "two": {"x": 1, "y": 2}})
        );
        // The source table itself was changed too, as in Go.
        assert_eq!(
            Value::Object(to_values(&cvals))["a"]["data"],
            json!({"x": 1, "y": 2})
        );
    }
}
