//! JSON written the way Go's `encoding/json.Marshal` writes it.
//!
//! Helm stores releases with `json.Marshal`, so a byte-identical record needs Go's choices:
//! `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c` etc., floats in Go's shortest form
//! (`1e+21`, `1e-7`, `1.5`), map keys sorted by bytes, and struct fields in declaration order.
//! Struct order comes from the field order of our serde structs; map order from [`GoMap`]
//! being a `BTreeMap` (we must not rely on `serde_json::Map`, whose order depends on the
//! `preserve_order` feature that other crates of the workspace switch on).

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A Go `map[string]any`: keys sorted by bytes, as `encoding/json` writes them.
pub type GoMap = BTreeMap<String, GoValue>;

/// A dynamically typed JSON value as Go decodes it into `any`, kept with enough precision
/// to write it back as Go would.
#[derive(Debug, Clone, PartialEq)]
pub enum GoValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64` (written without a fraction).
    Int(i64),
    /// An integer above `i64::MAX` that fits `u64`.
    Uint(u64),
    /// Any other number, written like Go writes a `float64`.
    Float(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<GoValue>),
    /// An object (a Go map, so keys are sorted on output).
    Object(GoMap),
}

impl Serialize for GoValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            GoValue::Null => s.serialize_unit(),
            GoValue::Bool(b) => s.serialize_bool(*b),
            GoValue::Int(i) => s.serialize_i64(*i),
            GoValue::Uint(u) => s.serialize_u64(*u),
            GoValue::Float(f) => s.serialize_f64(*f),
            GoValue::String(v) => s.serialize_str(v),
            GoValue::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            GoValue::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for GoValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(GoValueVisitor)
    }
}

struct GoValueVisitor;

impl<'de> Visitor<'de> for GoValueVisitor {
    type Value = GoValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<GoValue, E> {
        Ok(GoValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<GoValue, E> {
        Ok(GoValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<GoValue, D::Error> {
        GoValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<GoValue, E> {
        Ok(GoValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<GoValue, E> {
        Ok(GoValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<GoValue, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => GoValue::Int(i),
            Err(_) => GoValue::Uint(v),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<GoValue, E> {
        Ok(GoValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<GoValue, E> {
        Ok(GoValue::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<GoValue, E> {
        Ok(GoValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GoValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(GoValue::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GoValue, A::Error> {
        let mut out = GoMap::new();
        while let Some((k, v)) = map.next_entry::<String, GoValue>()? {
            // Go keeps the last of duplicate keys, as BTreeMap::insert does.
            out.insert(k, v);
        }
        Ok(GoValue::Object(out))
    }
}

/// A `serde_json` formatter with Go's string escaping and float formatting.
#[derive(Debug, Default, Clone, Copy)]
pub struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already split out quotes, backslashes and control characters; Go
        // additionally escapes the HTML-sensitive characters and the JS line separators.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(go_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(go_float(f64::from(value)).as_bytes())
    }
}

/// Formats a finite float as Go's `encoding/json` does: shortest round-trip digits, plain
/// decimal for magnitudes in `[1e-6, 1e21)`, otherwise exponent form with a sign and no
/// leading zero in the exponent (`1e+21`, `1.5e-7`).
pub fn go_float(v: f64) -> String {
    let abs = v.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{v:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => match exp.strip_prefix('-') {
                Some(neg) => format!("{mantissa}e-{neg}"),
                None => format!("{mantissa}e+{exp}"),
            },
            None => s,
        }
    } else {
        format!("{v}")
    }
}

/// Serializes `value` to JSON bytes exactly as Go's `json.Marshal` would for the equivalent
/// Go value (given our structs mirror the Go structs' field order and omit rules).
pub fn to_go_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    value.serialize(&mut ser)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(s: &str) -> String {
        let v: GoValue = serde_json::from_str(s).expect("valid test JSON");
        String::from_utf8(to_go_json(&v).expect("serializable")).expect("utf-8")
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-7");
        assert_eq!(go_float(1.5e-7), "1.5e-7");
        assert_eq!(go_float(1e20), "100000000000000000000");
        assert_eq!(go_float(0.000001), "0.000001");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(3.0), "3");
        assert_eq!(go_float(-2.5e300), "-2.5e+300");
    }

    #[test]
    fn values_round_trip_as_helm_wrote_them() {
        let s = r#"{"a":1,"b":1.5,"big":1e+21,"c":"x\u003cy","d":[1,true,null],"small":1e-7,"z":{"a":3,"true":2}}"#;
        assert_eq!(rt(s), s);
    }

    #[test]
    fn keys_sorted_and_strings_escaped() {
        assert_eq!(
            rt(r#"{"b":"\u2028&>","a":"\b\f\n\u0001é","B":18446744073709551615}"#),
            r#"{"B":18446744073709551615,"a":"\b\f\n\u0001é","b":"\u2028\u0026\u003e"}"#
        );
    }
}
