//! Helm's `toToml`, `mustToToml` and `fromToml`: the encoder writes what BurntSushi/toml
//! v1.6.0's `Encoder` writes for template values (helm 4.3.1), and the reader turns a TOML
//! document into a template map (through the `toml` crate).
//!
//! The encoder's layout, as Go's: in each table the plain values come first, then the
//! sub-tables and arrays of tables, each group in key order; nil values are left out; a
//! top-level table is preceded by a blank line, nested ones are not; every level below the top
//! is indented by two spaces; floats use Go's shortest `%g` with `.0` added when there is
//! neither a point nor an exponent (YAML numbers are floats, so `1` becomes `1.0`).

use capstan_gotmpl::Value;
use std::collections::BTreeMap;

/// A failure of the encoder, with BurntSushi's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TomlError(pub String);

const NO_KEY: &str = "toml: top-level values must be Go maps or structs";
const NIL_ELEMENT: &str = "toml: cannot encode array with nil element";

/// Borrowed `(key, value)` pairs of one table, in key order.
type Entries<'a> = Vec<(&'a String, &'a Value)>;

struct Encoder {
    out: String,
}

/// Plain data for encoding: typed objects become their data maps.
fn data(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_data(),
        other => other.clone(),
    }
}

/// A table's entries in the encoder's order: a map's keys sorted, a struct's fields (Go
/// names, no `toml` tags in Helm's types) in declaration order.
fn entries(v: &Value) -> Option<Vec<(String, Value)>> {
    if let Value::Object(o) = v {
        if let Some(fields) = o.go_fields() {
            return Some(fields);
        }
    }
    match data(v) {
        Value::Map(m) => Some(m.snapshot().into_iter().collect()),
        _ => None,
    }
}

fn items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.clone()),
        Value::Bytes(b) => Some(b.iter().map(|x| Value::Int(i64::from(*x))).collect()),
        _ => None,
    }
}

/// BurntSushi's `tomlTypeOfGo` question: is this a table or an array of tables? Arrays are
/// checked all the way down, and a nil element anywhere is an error.
fn is_table(v: &Value) -> Result<bool, TomlError> {
    if entries(v).is_some() {
        return Ok(true);
    }
    is_table_array(v)
}

fn is_table_array(v: &Value) -> Result<bool, TomlError> {
    let Some(list) = items(v) else {
        return Ok(false);
    };
    if list.is_empty() {
        return Ok(false);
    }
    let mut all_tables = true;
    for item in &list {
        if item.is_nil() {
            return Err(TomlError(NIL_ELEMENT.into()));
        }
        // The element's own type is computed (and checked) even once the answer is known.
        let table = entries(item).is_some();
        if items(item).is_some() {
            is_table_array(item)?;
        }
        all_tables &= table;
    }
    Ok(all_tables)
}

fn bare(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_part(k: &str) -> String {
    if k.is_empty() {
        "\"\"".into()
    } else if bare(k) {
        k.into()
    } else {
        quote(k)
    }
}

fn dotted(key: &[String]) -> String {
    key.iter()
        .map(|k| key_part(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn go_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "inf" }.into();
    }
    let s = capstan_gotmpl::fmt::sprintf("%g", &[Value::Float64(f)]);
    if s.contains('e') || s.contains('.') {
        s
    } else {
        s + ".0"
    }
}

impl Encoder {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A newline, unless nothing has been written yet.
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(key: &[String]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &[String], v: &Value) -> Result<(), TomlError> {
        if v.is_nil() {
            return Ok(());
        }
        if let Some(map) = entries(v) {
            return self.table(key, &map);
        }
        if is_table_array(v)? {
            return self.array_of_tables(key, &items(v).unwrap_or_default());
        }
        self.key_value(key, v)
    }

    fn key_value(&mut self, key: &[String], v: &Value) -> Result<(), TomlError> {
        let Some(last) = key.last() else {
            return self.element(v);
        };
        let line = format!("{}{} = ", Self::indent(key), key_part(last));
        self.write(&line);
        self.element(v)?;
        self.newline();
        Ok(())
    }

    fn table(&mut self, key: &[String], map: &[(String, Value)]) -> Result<(), TomlError> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let header = format!("{}[{}]", Self::indent(key), dotted(key));
            self.write(&header);
            self.newline();
        }
        self.map(key, map)
    }

    fn array_of_tables(&mut self, key: &[String], list: &[Value]) -> Result<(), TomlError> {
        if key.is_empty() {
            return Err(TomlError(NO_KEY.into()));
        }
        for item in list {
            let Some(map) = entries(item) else { continue };
            self.newline();
            let header = format!("{}[[{}]]", Self::indent(key), dotted(key));
            self.write(&header);
            self.newline();
            self.map(key, &map)?;
        }
        Ok(())
    }

    /// The plain values, then the tables, each in key order.
    fn split(map: &[(String, Value)]) -> Result<(Entries<'_>, Entries<'_>), TomlError> {
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for (k, v) in map {
            if is_table(v)? {
                sub.push((k, v));
            } else {
                direct.push((k, v));
            }
        }
        Ok((direct, sub))
    }

    fn map(&mut self, key: &[String], map: &[(String, Value)]) -> Result<(), TomlError> {
        let (direct, sub) = Self::split(map)?;
        for (k, v) in direct.into_iter().chain(sub) {
            if v.is_nil() {
                continue;
            }
            let mut child = key.to_vec();
            child.push(k.clone());
            self.encode(&child, v)?;
        }
        Ok(())
    }

    fn inline_map(&mut self, map: &[(String, Value)]) -> Result<(), TomlError> {
        let (direct, sub) = Self::split(map)?;
        self.write("{");
        let trailing = !sub.is_empty();
        for (group, comma_after_last) in [(direct, trailing), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                let part = format!("{} = ", key_part(k));
                self.write(&part);
                self.element(v)?;
                if comma_after_last || i != n - 1 {
                    self.write(", ");
                }
            }
        }
        self.write("}");
        Ok(())
    }

    fn element(&mut self, v: &Value) -> Result<(), TomlError> {
        if let Some(text) = crate::sprig::local_time::toml_time_text(v) {
            self.write(&text);
            return Ok(());
        }
        if let Some(map) = entries(v) {
            return self.inline_map(&map);
        }
        let v = data(v);
        if let Some(list) = items(&v) {
            self.write("[");
            for (i, item) in list.iter().enumerate() {
                self.element(item)?;
                if i + 1 != list.len() {
                    self.write(", ");
                }
            }
            self.write("]");
            return Ok(());
        }
        let text = match &v {
            Value::String(s) => quote(s),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) | Value::Int64(n) => n.to_string(),
            Value::Uint64(n) => n.to_string(),
            Value::Uint8(n) => n.to_string(),
            Value::Float64(f) => go_float(*f),
            _ => {
                return Err(TomlError(format!(
                    "toml: unexpected type: {}",
                    v.type_name()
                )))
            }
        };
        self.write(&text);
        Ok(())
    }
}

/// BurntSushi's `Encoder.Encode` of a template value. A nil value is Go's reflect panic.
pub fn to_toml(v: &Value) -> Result<String, TomlError> {
    if v.is_nil() {
        return Err(TomlError(
            "reflect: call of reflect.Value.Type on zero Value".into(),
        ));
    }
    let mut enc = Encoder { out: String::new() };
    enc.encode(&[], v)?;
    Ok(enc.out)
}

fn from_toml_value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s),
        toml::Value::Integer(n) => Value::Int64(n),
        toml::Value::Float(f) => Value::Float64(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => datetime(&d),
        toml::Value::Array(a) => Value::list(a.into_iter().map(from_toml_value).collect()),
        toml::Value::Table(t) => Value::map(
            t.into_iter()
                .map(|(k, v)| (k, from_toml_value(v)))
                .collect(),
        ),
    }
}

/// A TOML date or time as BurntSushi/toml decodes it: a `time.Time`, in UTC (or the
/// parsed offset) for offset date-times, in the named zero-offset locations for local ones.
fn datetime(d: &toml::value::Datetime) -> Value {
    use crate::sprig::local_time::local_time;
    use jiff::civil;
    let (year, month, day) = d.date.map_or((0, 1, 1), |x| {
        (
            i16::try_from(x.year).unwrap_or(0),
            x.month as i8,
            x.day as i8,
        )
    });
    let (hour, minute, second, nano) = d.time.map_or((0, 0, 0, 0), |t| {
        (
            t.hour as i8,
            t.minute as i8,
            t.second.unwrap_or(0) as i8,
            t.nanosecond.unwrap_or(0) as i32,
        )
    });
    let Ok(wall) = civil::DateTime::new(year, month, day, hour, minute, second, nano) else {
        // The parser only accepts valid dates; keep the text if jiff disagrees.
        return Value::from(d.to_string());
    };
    let in_zone = |tz: jiff::tz::TimeZone| wall.to_zoned(tz).ok();
    let zoned = match d.offset {
        Some(toml::value::Offset::Z) | Some(toml::value::Offset::Custom { minutes: 0 }) => {
            in_zone(jiff::tz::TimeZone::UTC).map(crate::sprig::time_value)
        }
        Some(toml::value::Offset::Custom { minutes }) => {
            jiff::tz::Offset::from_seconds(i32::from(minutes) * 60)
                .ok()
                .and_then(|o| in_zone(jiff::tz::TimeZone::fixed(o)))
                .map(crate::sprig::time_value)
        }
        None => {
            let zone = match (d.date.is_some(), d.time.is_some()) {
                (true, true) => "datetime-local",
                (true, false) => "date-local",
                _ => "time-local",
            };
            in_zone(jiff::tz::TimeZone::UTC).map(|z| local_time(z, zone))
        }
    };
    zoned.unwrap_or_else(|| Value::from(d.to_string()))
}

/// Helm's `fromToml`: the document as a map, or `{"Error": text}` when it does not parse.
pub fn from_toml(text: &str) -> Value {
    match text.parse::<toml::Table>() {
        Ok(t) => from_toml_value(toml::Value::Table(t)),
        Err(e) => {
            let message = e.message().to_string();
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), Value::from(format!("toml: {message}")));
            Value::map(m)
        }
    }
}

#[cfg(test)]
mod tests {
    fn render(text: &str) -> String {
        let mut set = capstan_gotmpl::Templates::new("t");
        set.funcs(crate::functions::helm_functions(
            crate::engine::EngineOptions::default(),
        ));
        set.parse("t", text).unwrap();
        set.execute("t", &capstan_gotmpl::Value::Nil)
            .unwrap_or_else(|e| e.to_string())
    }

    const VALUES: &str = r#"a: 1
b: 1.5
big: 1000000
small: 0.00001
s: "x\"y\\z\ttab é"
t: true
n: null
"key with space": 2
nested:
  z: 1
  inner:
    deep: "d"
  list: [1, "two", 3.5]
  empty: {}
tables:
  - name: one
    v: 1
  - name: two
    sub:
      k: v
mixed: [{a: 1}, 2]
lol: [[1, 2], ["a"]]
emptylist: []
"#;

    /// Outputs of helm 4.3.1 for the same values (as `.Values`, i.e. numbers are floats).
    #[test]
    fn to_toml_matches_helm() {
        let text = format!("{{{{ toToml (fromYaml {:?}) }}}}", VALUES);
        let want = r#"a = 1.0
b = 1.5
big = 1e+06
emptylist = []
"key with space" = 2.0
lol = [[1.0, 2.0], ["a"]]
mixed = [{a = 1.0}, 2.0]
s = "x\"y\\z\ttab é"
small = 1e-05
t = true

[nested]
  list = [1.0, "two", 3.5]
  z = 1.0
  [nested.empty]
  [nested.inner]
    deep = "d"

[[tables]]
  name = "one"
  v = 1.0

[[tables]]
  name = "two"
  [tables.sub]
    k = "v"
"#;
        assert_eq!(render(&text), want);
        assert_eq!(
            render(r#"{{ toToml "x" }}|{{ toToml 1 }}|{{ toToml 1.5 }}|{{ toToml true }}"#),
            r#""x"|1|1.5|true"#
        );
        assert_eq!(
            render(r#"{{ toToml (list (dict "a" 1)) }}"#),
            "toml: top-level values must be Go maps or structs"
        );
        assert_eq!(
            render(r#"{{ toToml (dict "l" (list 1 nil)) }}"#),
            "toml: cannot encode array with nil element"
        );
        assert!(render("{{ toToml nil }}")
            .ends_with("error calling toToml: reflect: call of reflect.Value.Type on zero Value"));
        assert!(render(r#"{{ mustToToml (list (dict "a" 1)) }}"#).ends_with(
            "error calling mustToToml: toml: top-level values must be Go maps or structs"
        ));
    }

    #[test]
    fn from_toml_matches_helm() {
        assert_eq!(
            render(
                r#"{{ fromToml "a = 1\nb = 'x'\n[t]\nc = 1.5\nd = [1, 2]\n[[arr]]\ne = true\n" | toJson }}"#
            ),
            r#"{"a":1,"arr":[{"e":true}],"b":"x","t":{"c":1.5,"d":[1,2]}}"#
        );
        assert_eq!(
            render(r#"{{ (fromToml "a = 1").a | printf "%T" }}"#),
            "int64"
        );
        assert_eq!(
            render(r#"{{ fromToml "d = 1979-05-27T07:32:00Z\nl = 1979-05-27" | toJson }}"#),
            r#"{"d":"1979-05-27T07:32:00Z","l":"1979-05-27T00:00:00Z"}"#
        );
        // helm: toml: line 1 (last key "a"): unexpected EOF; expected value
        assert!(render(r#"{{ (fromToml "a = ").Error }}"#).starts_with("toml: "));
    }
}
