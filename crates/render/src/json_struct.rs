//! `encoding/json` of Go structs (`toJson .Capabilities`): Go writes a struct's fields in
//! declaration order, while the JSON tree of [`crate::json`] is a sorted map. A struct
//! object's data ([`capstan_gotmpl::Object::to_data`]) names the fields as encoding/json does
//! (`json` tags, `omitempty` already applied); [`capstan_gotmpl::Object::go_fields`] gives their
//! order. A data key belongs to the Go field whose name equals it once both are lower-cased
//! and stripped of `_` (`git_commit` is `GitCommit`), which holds for every struct Helm and
//! Sprig hand to templates.

use capstan_gotmpl::Value;

use crate::json::{self, JsonError};

/// Go's `json.Marshal` of a struct object; `None` when `v` is not one (the caller then uses
/// the plain tree).
pub(crate) fn struct_to_json(v: &Value) -> Option<Result<String, JsonError>> {
    let Value::Object(o) = v else { return None };
    o.go_fields()?;
    let mut out = String::new();
    Some(write(&mut out, v, 0).map(|()| out))
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn write(out: &mut String, v: &Value, depth: usize) -> Result<(), JsonError> {
    if depth > json::MAX_DEPTH {
        return Err(JsonError::TooDeep);
    }
    let fields = match v {
        Value::Object(o) => o.go_fields().map(|f| (f, o.to_data())),
        _ => None,
    };
    let Some((fields, Value::Map(data))) = fields else {
        // Not a struct: the ordinary encoder (maps are sorted, as Go sorts map keys).
        out.push_str(&json::to_json(v)?);
        return Ok(());
    };
    let data = data.snapshot();
    out.push('{');
    let mut first = true;
    for (go_name, value) in &fields {
        let wanted = normalize(go_name);
        // Fields left out by `omitempty` have no data key.
        let Some(key) = data.keys().find(|k| normalize(k) == wanted) else {
            continue;
        };
        if !first {
            out.push(',');
        }
        first = false;
        json::write_string(out, key);
        out.push(':');
        write(out, value, depth + 1)?;
    }
    out.push('}');
    Ok(())
}
