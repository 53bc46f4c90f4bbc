//! Lenient query-string parsing (kube-rs sends `?&fieldManager=x`) and request paths.

use std::collections::HashMap;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes a query component (`+` is a space).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a query string into a map; empty pieces are skipped, later keys win.
pub fn parse(q: Option<&str>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for part in q.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        m.insert(decode(k), decode(v));
    }
    m
}

/// What a resource path addresses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourcePath {
    /// API group (empty for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace from the path, if any.
    pub namespace: Option<String>,
    /// Plural resource name; empty for the group/version root.
    pub plural: String,
    /// Object name, if any.
    pub name: Option<String>,
    /// Subresource (`status`, `log`, `scale`), if any.
    pub subresource: Option<String>,
}

/// Splits `/api/v1/namespaces/ns/pods/p/log` or `/apis/apps/v1/deployments` into parts.
pub fn parse_path(path: &str) -> Option<ResourcePath> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let mut p = ResourcePath {
        group: group.to_string(),
        version: version.to_string(),
        ..Default::default()
    };
    let rest: Vec<String> = rest
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| decode(s))
        .collect();
    let tail: &[String] = match rest.as_slice() {
        [ns, n, plural, tail @ ..]
            if ns == "namespaces"
                && !n.is_empty()
                && plural != "status"
                && plural != "finalize" =>
        {
            p.namespace = Some(n.clone());
            p.plural = plural.clone();
            tail
        }
        [plural, tail @ ..] => {
            p.plural = plural.clone();
            tail
        }
        [] => return Some(p),
    };
    match tail {
        [] => {}
        [name] => p.name = Some(name.clone()),
        [name, sub] => {
            p.name = Some(name.clone());
            p.subresource = Some(sub.clone());
        }
        _ => return None,
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_queries() {
        let q = parse(Some(
            "&fieldManager=kube%2Drs&force=true&labelSelector=a%3Db%2Cc+in+(x)",
        ));
        assert_eq!(q["fieldManager"], "kube-rs");
        assert_eq!(q["force"], "true");
        assert_eq!(q["labelSelector"], "a=b,c in (x)");
        assert!(parse(None).is_empty());
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }

    #[test]
    fn paths() {
        let p = parse_path("/api/v1/namespaces/ns1/pods/p/log").unwrap();
        assert_eq!(
            (p.namespace.as_deref(), p.plural.as_str()),
            (Some("ns1"), "pods")
        );
        assert_eq!(
            (p.name.as_deref(), p.subresource.as_deref()),
            (Some("p"), Some("log"))
        );
        let n = parse_path("/api/v1/namespaces/ns1").unwrap();
        assert_eq!(
            (n.plural.as_str(), n.name.as_deref(), n.namespace),
            ("namespaces", Some("ns1"), None)
        );
        let s = parse_path("/api/v1/namespaces/ns1/status").unwrap();
        assert_eq!(s.subresource.as_deref(), Some("status"));
        let d = parse_path("/apis/apps/v1/deployments").unwrap();
        assert_eq!(
            (d.group.as_str(), d.plural.as_str(), d.name),
            ("apps", "deployments", None)
        );
        let root = parse_path("/apis/apps/v1").unwrap();
        assert!(root.plural.is_empty());
        assert!(parse_path("/healthz").is_none());
        assert!(parse_path("/api/v1/a/b/c/d").is_none());
    }
}
