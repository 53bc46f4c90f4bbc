//! Values: parsing values files, merging user values, and Helm's coalescing of chart
//! defaults, subchart defaults, globals and user overrides (pkg/chart/common/util).
//!
//! Rules reproduced (Helm 4.3.1):
//! * `-f` files merge left to right with `MergeMaps` (maps recursively, anything else
//!   replaced); `--set` values are parsed on top of that by the strvals parser;
//! * coalescing keeps user values over chart defaults; a user `null` deletes the
//!   default key; `null`s among chart defaults are dropped; a map never overwrites a
//!   scalar the user set and vice versa (Helm only warns);
//! * each subchart's section `values[<name>]` is coalesced with the subchart's
//!   defaults, after the parent's `global` table is copied into the section's `global`
//!   (the parent's globals win);
//! * Go map aliasing in Helm's globals copy makes global tables two or more levels deep
//!   shared between a chart and its subcharts, so a subchart's nested global defaults
//!   show up in the parent's `.Values.global` too; `leak_nested_globals` reproduces
//!   that.

use serde_json::{Map, Value};

use crate::chart::Chart;
use crate::yaml::{self, YamlError};

/// A values tree: JSON-normalised (numbers are f64, keys strings).
pub type Values = Map<String, Value>;

/// Helm's name for the globals table.
pub const GLOBAL_KEY: &str = "global";

/// Reading a values file failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// A `---` separator followed by content.
    #[error("error reading yaml document: {0}")]
    Document(YamlError),
    /// Invalid YAML in one document.
    #[error("cannot unmarshal yaml document: error converting YAML to JSON: {0}")]
    Yaml(YamlError),
    /// A document that is not a mapping.
    #[error("cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {0} into Go value of type map[string]interface {{}}")]
    NotAMap(&'static str),
    /// The file is not UTF-8.
    #[error("cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid leading UTF-8 octet")]
    NotUtf8,
}

/// Coalescing failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoalesceError {
    /// A subchart's section is not a map (Go prints the value with `%t`).
    #[error("type mismatch on {name}: {shown}")]
    TypeMismatch {
        /// Subchart name.
        name: String,
        /// Go's `%t` rendering of the value.
        shown: String,
    },
}

/// Parses a values file the way Helm's `LoadValues` does: every YAML document (split
/// like `YAMLReader`) must be a map (or empty), and documents merge left to right.
pub fn parse_values(data: &[u8]) -> Result<Values, ValuesError> {
    let text = std::str::from_utf8(data).map_err(|_| ValuesError::NotUtf8)?;
    let mut out = Values::new();
    for doc in yaml::split_documents(text).map_err(ValuesError::Document)? {
        match yaml::from_str(&doc).map_err(ValuesError::Yaml)? {
            Value::Null => {}
            Value::Object(m) => out = merge_maps(out, m),
            Value::Array(_) => return Err(ValuesError::NotAMap("array")),
            Value::String(_) => return Err(ValuesError::NotAMap("string")),
            Value::Number(_) => return Err(ValuesError::NotAMap("number")),
            Value::Bool(_) => return Err(ValuesError::NotAMap("bool")),
        }
    }
    Ok(out)
}

/// Helm's `MergeMaps`: `b` over `a`; maps merge recursively, anything else replaces.
pub fn merge_maps(mut a: Values, b: Values) -> Values {
    for (k, v) in b {
        match (a.get_mut(&k), v) {
            (Some(Value::Object(av)), Value::Object(bv)) => {
                let merged = merge_maps(std::mem::take(av), bv);
                *av = merged;
            }
            (_, v) => {
                a.insert(k, v);
            }
        }
    }
    a
}

/// Helm's `CoalesceValues`: the values the chart's templates see, from the chart (with
/// its subcharts) and the user-supplied `vals`. Chart-default `null`s are dropped and a
/// user `null` deletes the default.
pub fn coalesce_values(chart: &Chart, vals: &Values) -> Result<Values, CoalesceError> {
    coalesce_values_logged(chart, vals, &mut Vec::new())
}

/// [`coalesce_values`], appending Helm's coalescing warnings (the text Helm logs at
/// INFO level, e.g. `warning: skipped value for top.key: Not a table.`) to `log`.
pub fn coalesce_values_logged(
    chart: &Chart,
    vals: &Values,
    log: &mut Vec<String>,
) -> Result<Values, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", false, log)?;
    Ok(dest)
}

/// Helm's `MergeValues`: like [`coalesce_values`] but `null`s are kept (used while
/// processing import-values).
pub fn merge_values(chart: &Chart, vals: &Values) -> Result<Values, CoalesceError> {
    merge_values_logged(chart, vals, &mut Vec::new())
}

/// [`merge_values`] with Helm's warnings appended to `log`.
pub fn merge_values_logged(
    chart: &Chart,
    vals: &Values,
    log: &mut Vec<String>,
) -> Result<Values, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", true, log)?;
    Ok(dest)
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce(
    ch: &Chart,
    dest: &mut Values,
    prefix: &str,
    merge: bool,
    log: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    coalesce_chart_values(ch, dest, prefix, merge, log);
    coalesce_deps(ch, dest, prefix, merge, log)
}

/// Go's `%v` of a values tree (maps print as `map[k:v ...]` with sorted keys).
pub fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n
            .as_f64()
            .map(crate::yaml::format_g64)
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", m.get(k).map(go_v).unwrap_or_default()))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

/// Go's `%t` of a non-map value in the type-mismatch error.
fn go_percent_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Null => "%!t(<nil>)".into(),
        Value::Number(n) => format!("%!t(float64={})", n),
        Value::String(s) => format!("%!t(string={s})"),
        Value::Array(_) => "[...]".into(),
        Value::Object(_) => "map[...]".into(),
    }
}

fn coalesce_deps(
    ch: &Chart,
    dest: &mut Values,
    prefix: &str,
    merge: bool,
    log: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    for sub in &ch.dependencies {
        let name = sub.name().to_string();
        let mut dv = match dest.remove(&name) {
            None => Values::new(),
            Some(Value::Object(m)) => m,
            Some(other) => {
                let shown = go_percent_t(&other);
                dest.insert(name.clone(), other);
                return Err(CoalesceError::TypeMismatch { name, shown });
            }
        };
        let sub_prefix = concat_prefix(prefix, ch.name());
        coalesce_globals(&mut dv, dest, &sub_prefix, log);
        let result = coalesce(sub, &mut dv, &sub_prefix, merge, log);
        leak_nested_globals(dest, &dv);
        dest.insert(name, Value::Object(dv));
        result?;
    }
    Ok(())
}

/// Copies the parent's `global` into the subchart section's `global`; the parent's
/// entries win, maps are coalesced one level (Helm's `coalesceGlobals`).
fn coalesce_globals(dest: &mut Values, src: &Values, prefix: &str, log: &mut Vec<String>) {
    let mut dg = match dest.get(GLOBAL_KEY) {
        None => Values::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            log.push("warning: skipping globals because destination global is not a table.".into());
            return;
        }
    };
    let sg = match src.get(GLOBAL_KEY) {
        None => Values::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            log.push("warning: skipping globals because source global is not a table.".into());
            return;
        }
    };
    for (key, val) in sg {
        match val {
            Value::Object(vv) => match dg.remove(&key) {
                None => {
                    dg.insert(key, Value::Object(vv));
                }
                Some(Value::Object(destv)) => {
                    let mut vv = vv;
                    let sub_prefix = concat_prefix(prefix, &key);
                    coalesce_tables_full(&mut vv, destv, &sub_prefix, true, log);
                    dg.insert(key, Value::Object(vv));
                }
                Some(other) => {
                    log.push(format!(
                        "Conflict: cannot merge map onto non-map for {}. Skipping.",
                        crate::yaml::go_quote(&key)
                    ));
                    dg.insert(key, other);
                }
            },
            other => {
                if matches!(dg.get(&key), Some(Value::Object(_))) {
                    log.push(format!("key {key} is table. Skipping"));
                } else {
                    dg.insert(key, other);
                }
            }
        }
    }
    dest.insert(GLOBAL_KEY.to_string(), Value::Object(dg));
}

/// After a subchart section was coalesced, writes back the global tables that Helm
/// shares by reference between the parent and the subchart (depth two and more below
/// `global`), so that additions made while coalescing the subchart are visible in the
/// parent, as they are in Helm.
fn leak_nested_globals(parent: &mut Values, sub: &Values) {
    let (Some(Value::Object(pg)), Some(Value::Object(sg))) =
        (parent.get_mut(GLOBAL_KEY), sub.get(GLOBAL_KEY))
    else {
        return;
    };
    for (k1, pv1) in pg.iter_mut() {
        let (Value::Object(p1), Some(Value::Object(s1))) = (pv1, sg.get(k1)) else {
            continue;
        };
        for (k2, pv2) in p1.iter_mut() {
            if let (Value::Object(_), Some(Value::Object(s2))) = (&*pv2, s1.get(k2)) {
                *pv2 = Value::Object(s2.clone());
            }
        }
    }
}

fn coalesce_chart_values(
    ch: &Chart,
    v: &mut Values,
    prefix: &str,
    merge: bool,
    log: &mut Vec<String>,
) {
    let sub_prefix = concat_prefix(prefix, ch.name());
    for (key, val) in ch.values.iter() {
        match v.get_mut(key) {
            Some(Value::Null) if !merge => {
                // A user-supplied null deletes the chart default.
                v.remove(key);
            }
            Some(Value::Object(dest)) => {
                if let Value::Object(src) = val {
                    let mut src = src.clone();
                    let merge = merge || ch.dependencies.iter().any(|d| d.name() == key);
                    if !merge {
                        clean_nil_values(&mut src);
                    }
                    coalesce_tables_full(dest, src, &concat_prefix(&sub_prefix, key), merge, log);
                } else if !val.is_null() {
                    log.push(format!(
                        "warning: skipped value for {sub_prefix}.{key}: Not a table."
                    ));
                }
            }
            Some(_) => {}
            None => {
                if !merge {
                    if val.is_null() {
                        continue;
                    }
                    let mut val = val.clone();
                    if let Value::Object(sub) = &mut val {
                        clean_nil_values(sub);
                    }
                    v.insert(key.clone(), val);
                } else {
                    v.insert(key.clone(), val.clone());
                }
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: `src` fills in what `dst` lacks; a `null` in `dst`
/// deletes the key when `src` has a value there (unless merging).
fn coalesce_tables_full(
    dst: &mut Values,
    mut src: Values,
    prefix: &str,
    merge: bool,
    log: &mut Vec<String>,
) {
    let src_non_nil: std::collections::HashSet<String> = src
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    for (key, val) in dst.iter() {
        if val.is_null() {
            src.insert(key.clone(), Value::Null);
        }
    }
    for (key, val) in src {
        let full_key = concat_prefix(prefix, &key);
        match dst.get_mut(&key) {
            Some(Value::Null) if !merge && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(Value::Object(dv)) => match val {
                Value::Object(sv) => coalesce_tables_full(dv, sv, &full_key, merge, log),
                Value::Null => {}
                other => log.push(format!(
                    "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                    go_v(&other)
                )),
            },
            Some(_) => {
                if val.is_object() {
                    log.push(format!(
                        "warning: cannot overwrite table with non table for {full_key} ({})",
                        go_v(&val)
                    ));
                }
            }
        }
    }
}

/// Helm's exported `CoalesceTables`: `src` fills in what `dst` lacks; a `null` in `dst`
/// deletes the key.
pub fn coalesce_tables(dst: &mut Values, src: Values) {
    coalesce_tables_full(dst, src, "", false, &mut Vec::new())
}

/// Helm's exported `MergeTables`: like [`coalesce_tables`] but `null`s are kept.
pub fn merge_tables(dst: &mut Values, src: Values) {
    coalesce_tables_full(dst, src, "", true, &mut Vec::new())
}

/// [`merge_tables`] with Helm's warnings appended to `log`.
pub fn merge_tables_logged(dst: &mut Values, src: Values, log: &mut Vec<String>) {
    coalesce_tables_full(dst, src, "", true, log)
}

fn clean_nil_values(m: &mut Values) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Value::Object(sub) = v {
            clean_nil_values(sub);
        }
    }
}

/// The `.Values` a subchart's templates see: the section of the top-level values at the
/// chain of (alias) names from the top chart's direct subchart down, e.g.
/// `["mid", "leaf"]` for `top/charts/mid/charts/leaf`. A missing or non-map section
/// gives an empty map, as in Helm's engine.
pub fn scoped_values(top: &Values, chain: &[&str]) -> Values {
    let mut cur = top;
    for name in chain {
        match cur.get(*name) {
            Some(Value::Object(m)) => cur = m,
            _ => return Values::new(),
        }
    }
    cur.clone()
}

/// Helm's `Values.Table`: the map at a dotted path.
pub fn table<'a>(v: &'a Values, path: &str) -> Option<&'a Values> {
    let mut cur = v;
    for part in path.split('.') {
        match cur.get(part) {
            Some(Value::Object(m)) => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

/// Helm's `Values.PathValue`: the non-map value at a dotted path (`None` when missing
/// or when it is a map).
pub fn path_value<'a>(v: &'a Values, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(v, p)?, k),
        None => (v, path),
    };
    match parent.get(key) {
        Some(Value::Object(_)) | None => None,
        Some(x) => Some(x),
    }
}

#[cfg(test)]
mod tests;
