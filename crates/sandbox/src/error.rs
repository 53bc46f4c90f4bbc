//! Errors: API errors returned to clients as `Status` objects, and the library's own errors.

use serde_json::{json, Value};

/// An API failure, rendered to the client as a `metav1.Status` with the real reason and code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason} ({code}): {message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason`, e.g. `NotFound`.
    pub reason: String,
    /// Human-readable message, worded like the real API server.
    pub message: String,
    /// `Status.details`, when the real server fills it.
    pub details: Option<Box<Value>>,
    /// Seconds for a `Retry-After` header (429/503 faults).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(code: u16, reason: &str, message: String) -> Self {
        Self {
            code,
            reason: reason.to_string(),
            message,
            details: None,
            retry_after: None,
        }
    }

    fn with_details(mut self, name: &str, group: &str, kind: &str) -> Self {
        let mut d = json!({"name": name, "kind": kind});
        if !group.is_empty() {
            d["group"] = json!(group);
        }
        self.details = Some(Box::new(d));
        self
    }

    /// `404 NotFound`: `configmaps "a" not found`.
    pub fn not_found(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(404, "NotFound", format!("{res} \"{name}\" not found"))
            .with_details(name, group, plural)
    }

    /// `404 NotFound` for a path that serves nothing.
    pub fn no_route() -> Self {
        let mut e = Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource".to_string(),
        );
        e.details = Some(Box::new(
            json!({"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]}),
        ));
        e
    }

    /// `409 AlreadyExists`.
    pub fn already_exists(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(
            409,
            "AlreadyExists",
            format!("{res} \"{name}\" already exists"),
        )
        .with_details(name, group, plural)
    }

    /// `409 Conflict` for a stale resourceVersion.
    pub fn conflict(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {res} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
        .with_details(name, group, plural)
    }

    /// `409 Conflict` from server-side apply, listing the conflicting managers and fields.
    pub fn apply_conflict(
        group: &str,
        plural: &str,
        name: &str,
        conflicts: &[(String, String)],
    ) -> Self {
        let n = conflicts.len();
        let mut msg = format!(
            "Apply failed with {n} conflict{}: ",
            if n == 1 { "" } else { "s" }
        );
        let parts: Vec<String> = conflicts
            .iter()
            .map(|(m, f)| format!("conflict with \"{m}\": {f}"))
            .collect();
        msg.push_str(&parts.join("\n"));
        let mut e = Self::new(409, "Conflict", msg).with_details(name, group, plural);
        if let Some(d) = e.details.as_mut() {
            d["causes"] = conflicts
                .iter()
                .map(|(m, f)| json!({"reason": "FieldManagerConflict", "message": format!("conflict with \"{m}\""), "field": f}))
                .collect();
        }
        e
    }

    /// `422 Invalid`: `ConfigMap "A" is invalid: field: message`.
    pub fn invalid(group: &str, kind: &str, name: &str, field: &str, detail: &str) -> Self {
        let mut e = Self::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {field}: {detail}"),
        )
        .with_details(name, group, kind);
        if let Some(d) = e.details.as_mut() {
            d["causes"] =
                json!([{"reason": "FieldValueInvalid", "message": detail, "field": field}]);
        }
        e
    }

    /// `400 BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message.into())
    }

    /// `405 MethodNotAllowed`.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message.into())
    }

    /// `410 Gone` for a watch from an expired resourceVersion.
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message.into())
    }

    /// `415 UnsupportedMediaType`.
    pub fn unsupported_media(ct: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml ({ct})"),
        )
    }

    /// `403 Forbidden`, e.g. creating in a terminating namespace.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message.into())
    }

    /// An injected failure (`500`, `503`, `429`).
    pub fn injected(code: u16, retry_after: Option<u64>) -> Self {
        let (reason, msg) = match code {
            429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            _ => ("InternalError", "an error on the server (\"sandbox fault injection\") has prevented the request from succeeding"),
        };
        let mut e = Self::new(code, reason, msg.to_string());
        e.retry_after = retry_after;
        if let Some(s) = retry_after {
            e.details = Some(Box::new(json!({"retryAfterSeconds": s})));
        }
        e
    }

    /// `500 InternalError`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message.into())
    }

    /// The `Status` object sent to the client.
    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = (**d).clone();
        }
        s
    }
}

fn qualified(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

/// Failures of the sandbox library itself (starting, binding, writing files).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error("bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A file (kubeconfig, audit log, state) could not be written or read.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A configuration value is not acceptable.
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The async runtime could not be started.
    #[error("start the runtime: {0}")]
    Runtime(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_objects_carry_reason_and_details() {
        let s = ApiError::not_found("apps", "deployments", "web").to_status();
        assert_eq!(s["message"], "deployments.apps \"web\" not found");
        assert_eq!(s["reason"], "NotFound");
        assert_eq!(s["code"], 404);
        assert_eq!(s["details"]["group"], "apps");
        let c = ApiError::conflict("", "configmaps", "a");
        assert_eq!(c.code, 409);
        assert!(c
            .message
            .starts_with("Operation cannot be fulfilled on configmaps \"a\""));
        let i = ApiError::injected(429, Some(2));
        assert_eq!(i.to_status()["details"]["retryAfterSeconds"], 2);
    }
}
