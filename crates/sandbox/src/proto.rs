//! Decoding of the Kubernetes protobuf envelope for the few kinds clients insist on sending
//! as protobuf (client-go typed clients: helm's release Secrets, `kubectl create namespace`,
//! `kubectl create secret/configmap`, and DeleteOptions bodies). Responses are always JSON.
//!
//! The field numbers are the stable ones from the Kubernetes `.proto` definitions; a schema
//! table maps them to JSON field names. Unknown fields are skipped.

use crate::error::ApiError;
use base64::Engine;
use serde_json::{json, Map, Value};

/// The four magic bytes in front of every Kubernetes protobuf body.
pub const MAGIC: &[u8] = b"k8s\0";

#[derive(Clone, Copy)]
pub(crate) enum Ty {
    Str,
    Int,
    Bool,
    Time,
    MapStr,
    MapBytes,
    /// `map<string, Quantity>` (resources, quota): the Quantity's string.
    MapQuantity,
    /// `IntOrString`: `{type, intVal, strVal}` on the wire, a number or string in JSON.
    IntOrStr,
    /// An embedded Go struct whose fields JSON inlines into the parent (`IngressRule.http`).
    Inline(&'static [F]),
    Msg(&'static [F]),
}

/// One field: number, JSON name, type, repeated.
pub(crate) type F = (u64, &'static str, Ty, bool);

const TIME_FIELDS: &[F] = &[];
const OWNER_REF: &[F] = &[
    (1, "kind", Ty::Str, false),
    (3, "name", Ty::Str, false),
    (4, "uid", Ty::Str, false),
    (5, "apiVersion", Ty::Str, false),
    (6, "controller", Ty::Bool, false),
    (7, "blockOwnerDeletion", Ty::Bool, false),
];
pub(crate) const META: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "generateName", Ty::Str, false),
    (3, "namespace", Ty::Str, false),
    (5, "uid", Ty::Str, false),
    (6, "resourceVersion", Ty::Str, false),
    (7, "generation", Ty::Int, false),
    (8, "creationTimestamp", Ty::Time, false),
    (9, "deletionTimestamp", Ty::Time, false),
    (10, "deletionGracePeriodSeconds", Ty::Int, false),
    (11, "labels", Ty::MapStr, false),
    (12, "annotations", Ty::MapStr, false),
    (13, "ownerReferences", Ty::Msg(OWNER_REF), true),
    (14, "finalizers", Ty::Str, true),
];
const SECRET: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (2, "data", Ty::MapBytes, false),
    (3, "type", Ty::Str, false),
    (4, "stringData", Ty::MapStr, false),
    (5, "immutable", Ty::Bool, false),
];
const CONFIGMAP: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (2, "data", Ty::MapStr, false),
    (3, "binaryData", Ty::MapBytes, false),
    (4, "immutable", Ty::Bool, false),
];
const NS_SPEC: &[F] = &[(1, "finalizers", Ty::Str, true)];
const NS_STATUS: &[F] = &[(1, "phase", Ty::Str, false)];
const NAMESPACE: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (2, "spec", Ty::Msg(NS_SPEC), false),
    (3, "status", Ty::Msg(NS_STATUS), false),
];
const SA: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (4, "automountServiceAccountToken", Ty::Bool, false),
];
const PRECONDITIONS: &[F] = &[
    (1, "uid", Ty::Str, false),
    (2, "resourceVersion", Ty::Str, false),
];
const DELETE_OPTIONS: &[F] = &[
    (1, "gracePeriodSeconds", Ty::Int, false),
    (2, "preconditions", Ty::Msg(PRECONDITIONS), false),
    (3, "orphanDependents", Ty::Bool, false),
    (4, "propagationPolicy", Ty::Str, false),
    (5, "dryRun", Ty::Str, true),
];

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

fn bad() -> ApiError {
    ApiError::bad_request("malformed protobuf body")
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, ApiError> {
        let mut r = 0u64;
        for shift in (0..64).step_by(7) {
            let c = *self.b.get(self.i).ok_or_else(bad)?;
            self.i += 1;
            r |= u64::from(c & 0x7f) << shift;
            if c < 0x80 {
                return Ok(r);
            }
        }
        Err(bad())
    }

    fn bytes(&mut self) -> Result<&'a [u8], ApiError> {
        let n = usize::try_from(self.varint()?).map_err(|_| bad())?;
        let end = self
            .i
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(bad)?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }

    /// Next (field number, wire type), skipping nothing.
    fn key(&mut self) -> Result<Option<(u64, u64)>, ApiError> {
        if self.i >= self.b.len() {
            return Ok(None);
        }
        let k = self.varint()?;
        Ok(Some((k >> 3, k & 7)))
    }

    fn skip(&mut self, wire: u64) -> Result<(), ApiError> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => {
                self.i = self
                    .i
                    .checked_add(8)
                    .filter(|e| *e <= self.b.len())
                    .ok_or_else(bad)?
            }
            2 => {
                self.bytes()?;
            }
            5 => {
                self.i = self
                    .i
                    .checked_add(4)
                    .filter(|e| *e <= self.b.len())
                    .ok_or_else(bad)?
            }
            _ => return Err(bad()),
        }
        Ok(())
    }
}

fn text(b: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(b.to_vec()).map_err(|_| bad())
}

fn map_entry(b: &[u8], ty: Ty) -> Result<(String, Value), ApiError> {
    let mut r = Reader { b, i: 0 };
    let (mut k, mut v) = (String::new(), Value::String(String::new()));
    while let Some((f, w)) = r.key()? {
        match (f, w) {
            (1, 2) => k = text(r.bytes()?)?,
            (2, 2) => {
                let raw = r.bytes()?;
                v = match ty {
                    Ty::MapBytes => {
                        json!(base64::engine::general_purpose::STANDARD.encode(raw))
                    }
                    Ty::MapQuantity => message(raw, &[(1, "string", Ty::Str, false)], 1)?
                        .get("string")
                        .cloned()
                        .unwrap_or_else(|| json!("0")),
                    _ => json!(text(raw)?),
                };
            }
            (_, w) => r.skip(w)?,
        }
    }
    Ok((k, v))
}

fn time(b: &[u8]) -> Result<Value, ApiError> {
    let mut r = Reader { b, i: 0 };
    let mut secs = 0u64;
    let mut seen = false;
    while let Some((f, w)) = r.key()? {
        if f == 1 && w == 0 {
            secs = r.varint()?;
            seen = true;
        } else {
            r.skip(w)?;
        }
    }
    let _ = TIME_FIELDS;
    Ok(if seen {
        json!(crate::time::format_rfc3339(secs))
    } else {
        Value::Null
    })
}

fn message(b: &[u8], schema: &[F], depth: usize) -> Result<Value, ApiError> {
    if depth > 16 {
        return Err(bad());
    }
    let mut r = Reader { b, i: 0 };
    let mut out = Map::new();
    while let Some((num, wire)) = r.key()? {
        let Some((_, name, ty, repeated)) = schema.iter().find(|f| f.0 == num).copied() else {
            r.skip(wire)?;
            continue;
        };
        let v = match (ty, wire) {
            (Ty::Str, 2) => json!(text(r.bytes()?)?),
            (Ty::Int, 0) => json!(r.varint()? as i64),
            (Ty::Bool, 0) => json!(r.varint()? != 0),
            (Ty::Time, 2) => time(r.bytes()?)?,
            (Ty::Msg(s), 2) => message(r.bytes()?, s, depth + 1)?,
            (Ty::IntOrStr, 2) => {
                let ios = message(
                    r.bytes()?,
                    &[
                        (1, "type", Ty::Int, false),
                        (2, "intVal", Ty::Int, false),
                        (3, "strVal", Ty::Str, false),
                    ],
                    depth + 1,
                )?;
                if ios.get("type") == Some(&json!(1)) {
                    ios.get("strVal").cloned().unwrap_or_else(|| json!(""))
                } else {
                    ios.get("intVal").cloned().unwrap_or_else(|| json!(0))
                }
            }
            (Ty::Inline(s), 2) => {
                if let Value::Object(m) = message(r.bytes()?, s, depth + 1)? {
                    out.extend(m);
                }
                continue;
            }
            (Ty::MapStr | Ty::MapBytes | Ty::MapQuantity, 2) => {
                let (k, v) = map_entry(r.bytes()?, ty)?;
                let slot = out.entry(name).or_insert_with(|| json!({}));
                slot[k] = v;
                continue;
            }
            (_, w) => {
                r.skip(w)?;
                continue;
            }
        };
        if repeated {
            if let Value::Array(a) = out.entry(name).or_insert_with(|| json!([])) {
                a.push(v);
            }
        } else if !(v.is_null() || v == json!("") || v == json!(0) || v == json!(false)) {
            out.insert(name.to_string(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Decodes a protobuf request body into JSON for the kinds we know; `None` for other kinds.
pub fn decode(body: &[u8]) -> Result<Option<Value>, ApiError> {
    let rest = body.strip_prefix(MAGIC).ok_or_else(bad)?;
    let mut r = Reader { b: rest, i: 0 };
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while let Some((f, w)) = r.key()? {
        match (f, w) {
            (1, 2) => {
                let tm = message(
                    r.bytes()?,
                    &[
                        (1, "apiVersion", Ty::Str, false),
                        (2, "kind", Ty::Str, false),
                    ],
                    0,
                )?;
                api_version = tm["apiVersion"].as_str().unwrap_or_default().to_string();
                kind = tm["kind"].as_str().unwrap_or_default().to_string();
            }
            (2, 2) => raw = r.bytes()?,
            (_, w) => r.skip(w)?,
        }
    }
    let schema = match kind.as_str() {
        "Secret" => SECRET,
        "ConfigMap" => CONFIGMAP,
        "Namespace" => NAMESPACE,
        "ServiceAccount" => SA,
        "DeleteOptions" => DELETE_OPTIONS,
        other => match crate::proto_kinds::schema(other) {
            Some(s) => s,
            None => return Ok(None),
        },
    };
    let mut v = message(raw, schema, 0)?;
    v["apiVersion"] = json!(api_version);
    v["kind"] = json!(kind);
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(num: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![((num << 3) | 2) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn decodes_a_secret_like_client_go_sends_it() {
        let meta = [
            field(1, b"sh.helm.release.v1.r1.v1"),
            field(3, b""),
            field(11, &[field(1, b"owner"), field(2, b"helm")].concat()),
        ]
        .concat();
        let secret = [
            field(1, &meta),
            field(2, &[field(1, b"release"), field(2, b"\x01\x02")].concat()),
            field(3, b"helm.sh/release.v1"),
        ]
        .concat();
        let tm = [field(1, b"v1"), field(2, b"Secret")].concat();
        let body = [MAGIC.to_vec(), field(1, &tm), field(2, &secret)].concat();
        let v = decode(&body).unwrap().unwrap();
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["metadata"]["name"], "sh.helm.release.v1.r1.v1");
        assert!(v["metadata"].get("namespace").is_none());
        assert_eq!(v["metadata"]["labels"]["owner"], "helm");
        assert_eq!(v["data"]["release"], "AQI=");
        assert_eq!(v["type"], "helm.sh/release.v1");
    }

    #[test]
    fn rejects_truncated_bodies_and_skips_unknown_kinds() {
        assert!(decode(b"k8s\0\x0a\x05ab").is_err());
        assert!(decode(b"nope").is_err());
        let tm = [field(1, b"apps/v1"), field(2, b"Frobnicator")].concat();
        let body = [MAGIC.to_vec(), field(1, &tm)].concat();
        assert_eq!(decode(&body).unwrap(), None);
    }
}
