//! The values `semver` returns: Masterminds' `*semver.Version`, and the `semver.Version`
//! values its `IncPatch`/`SetPrerelease`/... methods return. Templates can call a method on
//! a value only when Go's method set allows it: the pointer has every method, the plain value
//! only those with value receivers (`Original`, `Compare`, `LessThan`, ... are pointer
//! methods, so `(semver "1.2.3").IncPatch.Original` fails as in Go).

use capstan_chart::semver::Version;
use capstan_gotmpl::{Kind, Object, Param, Signature, Value};
use std::cmp::Ordering;
use std::sync::Arc;

const POINTER: &str = "*semver.Version";

/// A Masterminds version, as a pointer (`semver`'s result) or a plain value.
pub(crate) struct SemverObject {
    version: Version,
    pointer: bool,
}

/// The `*semver.Version` template value for `v`.
pub(crate) fn semver_pointer(version: Version) -> Value {
    Value::Object(Arc::new(SemverObject {
        version,
        pointer: true,
    }))
}

fn semver_value(version: Version) -> Value {
    Value::Object(Arc::new(SemverObject {
        version,
        pointer: false,
    }))
}

/// Methods with value receivers (callable on both forms).
fn value_method(name: &str) -> bool {
    matches!(
        name,
        "String"
            | "Major"
            | "Minor"
            | "Patch"
            | "Prerelease"
            | "Metadata"
            | "IncPatch"
            | "IncMinor"
            | "IncMajor"
            | "SetPrerelease"
            | "SetMetadata"
    )
}

/// Methods with pointer receivers.
fn pointer_method(name: &str) -> bool {
    matches!(
        name,
        "Original"
            | "Compare"
            | "Equal"
            | "LessThan"
            | "LessThanEqual"
            | "GreaterThan"
            | "GreaterThanEqual"
    )
}

/// The other version of a comparison (the engine has checked it is a `*semver.Version`).
fn other(args: &[Value]) -> Result<Version, String> {
    match args.first() {
        Some(Value::Object(o)) => o
            .to_data()
            .as_str()
            .and_then(|s| Version::parse(s).ok())
            .ok_or_else(|| "invalid semantic version".to_string()),
        _ => Err("invalid memory address or nil pointer dereference".into()),
    }
}

/// Masterminds' prerelease and metadata character check for `SetPrerelease`/`SetMetadata`.
fn valid_ident(s: &str, prerelease: bool) -> bool {
    s.is_empty()
        || s.split('.').all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !(prerelease
                    && part.len() > 1
                    && part.starts_with('0')
                    && part.bytes().all(|b| b.is_ascii_digit()))
        })
}

impl SemverObject {
    /// A copy with a new prerelease or metadata; `original` keeps a leading `v`.
    fn with(&self, pre: &str, metadata: &str) -> Version {
        let v = &self.version;
        let next = Version::new(v.major(), v.minor(), v.patch(), pre, metadata);
        if v.original().starts_with('v') {
            // `Version::new` sets original to the printed form; re-parse to keep the `v`.
            if let Ok(p) = Version::parse(&format!("v{next}")) {
                return p;
            }
        }
        next
    }
}

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        if self.pointer {
            POINTER
        } else {
            "semver.Version"
        }
    }
    fn kind(&self) -> Kind {
        if self.pointer {
            Kind::Ptr
        } else {
            Kind::Struct
        }
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        value_method(name) || (self.pointer && pointer_method(name))
    }
    fn method_signature(&self, name: &str) -> Option<Signature> {
        let params = match name {
            "Compare" | "Equal" | "LessThan" | "LessThanEqual" | "GreaterThan"
            | "GreaterThanEqual" => vec![Param::Struct(POINTER)],
            "SetPrerelease" | "SetMetadata" => vec![Param::String],
            _ => Vec::new(),
        };
        Some(Signature {
            params,
            variadic: None,
        })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let v = &self.version;
        let inc = |r: Result<Version, _>| {
            r.map(semver_value)
                .map_err(|e: capstan_chart::semver::VersionError| e.to_string())
        };
        let text = || {
            args.first()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Ok(match name {
            "Major" => Value::Uint64(v.major()),
            "Minor" => Value::Uint64(v.minor()),
            "Patch" => Value::Uint64(v.patch()),
            "Prerelease" => Value::from(v.prerelease()),
            "Metadata" => Value::from(v.metadata()),
            "Original" => Value::from(v.original()),
            "String" => Value::from(v.to_string()),
            "IncPatch" => inc(v.inc_patch())?,
            "IncMinor" => inc(v.inc_minor())?,
            "IncMajor" => inc(v.inc_major())?,
            "SetPrerelease" => {
                let pre = text();
                if !valid_ident(&pre, true) {
                    return Err("invalid prerelease string".into());
                }
                semver_value(self.with(&pre, v.metadata()))
            }
            "SetMetadata" => {
                let meta = text();
                if !valid_ident(&meta, false) {
                    return Err("invalid metadata string".into());
                }
                semver_value(self.with(v.prerelease(), &meta))
            }
            "Compare" => Value::Int(match v.compare(&other(args)?) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            "Equal" => Value::Bool(v.compare(&other(args)?) == Ordering::Equal),
            "LessThan" => Value::Bool(v.compare(&other(args)?) == Ordering::Less),
            "LessThanEqual" => Value::Bool(v.compare(&other(args)?) != Ordering::Greater),
            "GreaterThan" => Value::Bool(v.compare(&other(args)?) == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(v.compare(&other(args)?) != Ordering::Less),
            other => return Err(format!("can't evaluate field {other}")),
        })
    }
    fn format_v(&self) -> String {
        self.version.to_string()
    }
    fn to_data(&self) -> Value {
        // encoding/json uses Version's MarshalJSON: the version string.
        Value::from(self.version.to_string())
    }
}
