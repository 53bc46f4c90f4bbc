//! `time.Time` values in the zero-offset locations BurntSushi/toml gives local TOML dates and
//! times (`fromToml`): `datetime-local`, `date-local` (midnight) and `time-local` (on
//! 0000-01-01). Go prints the location's name as the zone (`%v` gives `1979-05-27 00:00:00
//! +0000 date-local`), keeps it through `Add` (`dateModify`), and `toToml` writes such times
//! back in their local TOML forms. jiff zones cannot carry such a name, so the name travels
//! next to a UTC [`Zoned`].

use super::dates::{GoTime, ZONE_FIELD};
use super::golayout::format;
use capstan_gotmpl::{Kind, Object, Value};
use jiff::Zoned;
use std::sync::Arc;

/// Not a Go field: the TOML location name of a local time (the trait has no downcasting).
const LOCAL_FIELD: &str = "\u{0}capstanTomlLocal";

/// A `time.Time` in one of BurntSushi's local locations.
pub struct LocalTime {
    /// The wall clock, in UTC (the locations have offset zero).
    pub time: Zoned,
    /// `datetime-local`, `date-local` or `time-local`.
    pub zone: &'static str,
}

impl LocalTime {
    fn as_go(&self) -> GoTime {
        GoTime(self.time.clone())
    }
}

impl Object for LocalTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            LOCAL_FIELD => Some(Value::from(self.zone)),
            // Date functions see a UTC time (Sprig converts to Local before formatting).
            ZONE_FIELD => Some(Value::from("UTC")),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        self.as_go().has_method(name)
    }
    fn method_signature(&self, name: &str) -> Option<capstan_gotmpl::Signature> {
        self.as_go().method_signature(name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "String" => Ok(Value::from(self.format_v())),
            "Format" => Ok(Value::from(
                self.format(args.first().and_then(Value::as_str).unwrap_or("")),
            )),
            _ => self.as_go().call_method(name, args),
        }
    }
    fn format_v(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
    fn to_data(&self) -> Value {
        self.as_go().to_data()
    }
}

impl LocalTime {
    /// Go's `Format`, with the location name for `MST`.
    fn format(&self, layout: &str) -> String {
        // The name has no layout element of its own; `MST` is the only way it shows.
        layout
            .split("MST")
            .map(|part| format(&self.time, part))
            .collect::<Vec<_>>()
            .join(self.zone)
    }
}

/// A local TOML time as a template value.
pub fn local_time(time: Zoned, zone: &'static str) -> Value {
    Value::Object(Arc::new(LocalTime { time, zone }))
}

/// The location name of a local TOML time value, if it is one.
pub fn local_zone(v: &Value) -> Option<&'static str> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    match o.field(LOCAL_FIELD)?.as_str()? {
        "datetime-local" => Some("datetime-local"),
        "date-local" => Some("date-local"),
        "time-local" => Some("time-local"),
        _ => None,
    }
}

/// What BurntSushi/toml's encoder writes for a `time.Time` (`None` for other values): the
/// local forms for its local locations, RFC 3339 with nanoseconds otherwise.
pub fn toml_time_text(v: &Value) -> Option<String> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    let rfc3339 = o.to_data().as_str()?.to_string();
    let layout = match local_zone(v) {
        Some("datetime-local") => "2006-01-02T15:04:05.999999999",
        Some("date-local") => "2006-01-02",
        Some(_) => "15:04:05.999999999",
        None => return Some(rfc3339),
    };
    let ts: jiff::Timestamp = rfc3339.parse().ok()?;
    Some(format(&ts.to_zoned(jiff::tz::TimeZone::UTC), layout))
}
