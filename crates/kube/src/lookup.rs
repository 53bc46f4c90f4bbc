//! Helm's `lookup` template function, request for request as helm 4 makes it (its engine's
//! dynamic client): discovery of the group/version, then a GET of one object or of the
//! whole collection. A missing object is `{}`; a group/version the server does not serve is
//! an error; a kind the group/version does not list is not (helm then asks an empty
//! resource path, and we ask the same one).

use serde_json::{Map, Value};

use crate::resources::Resources;

/// A failed lookup, worded as helm's template error continues after `error calling lookup: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// How the kind maps onto the API: the URL parts client-go's dynamic client would use.
struct Target {
    group: String,
    version: String,
    resource: String,
    namespaced: bool,
}

/// `lookup apiVersion kind namespace name`. An empty `namespace` (or a cluster-scoped kind)
/// reads across namespaces; an empty `name` returns the collection as a `<Kind>List`
/// whose items carry the list's `apiVersion` and their kind, as client-go decodes them.
pub async fn lookup(
    res: &Resources,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Value, LookupError> {
    let target = resolve(res, api_version, kind).await?;
    let ns = if target.namespaced { namespace } else { "" };
    let path = url_path(&target, ns, name);
    match get_json(res, &path).await {
        Err(e) if is_not_found(&e) => Ok(Value::Object(Map::new())),
        Err(e) => Err(LookupError(api_message(&e))),
        Ok(text) => {
            let obj: Value = serde_json::from_str(&text)
                .map_err(|e| LookupError(format!("unable to decode {path}: {e}")))?;
            if obj
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                return Err(LookupError(format!("Object 'Kind' is missing in '{text}'")));
            }
            Ok(if name.is_empty() { as_list(obj) } else { obj })
        }
    }
}

/// Helm's `getAPIResourceForGVK`: the group/version's resource list from discovery (an error
/// when it cannot be read), then the first non-subresource entry of that kind. A kind not
/// listed leaves every part empty (and cluster-scoped), as in helm.
async fn resolve(res: &Resources, api_version: &str, kind: &str) -> Result<Target, LookupError> {
    // `schema.FromAPIVersionAndKind`: an unparsable apiVersion gives an empty group/version.
    let (group, version) = match api_version.split('/').collect::<Vec<_>>()[..] {
        [v] => ("", v),
        [g, v] => (g, v),
        _ => ("", ""),
    };
    let gv = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    let fail = |msg: String| {
        LookupError(format!(
            "unable to get apiresource from unstructured: {group}/{version}, Kind={kind}: {msg}"
        ))
    };
    if gv.is_empty() {
        return Err(fail("groupVersion shouldn't be empty".to_owned()));
    }
    let path = if gv == "v1" {
        "/api/v1".to_owned()
    } else {
        format!("/apis/{gv}")
    };
    let text = get_json(res, &path)
        .await
        .map_err(|e| fail(api_message(&e)))?;
    let list: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let found = list
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| {
            r.get("kind").and_then(Value::as_str) == Some(kind)
                && !r
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .contains('/')
        });
    Ok(match found {
        Some(r) => Target {
            group: group.to_owned(),
            version: version.to_owned(),
            resource: r
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            namespaced: r
                .get("namespaced")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        None => Target {
            group: String::new(),
            version: String::new(),
            resource: String::new(),
            namespaced: false,
        },
    })
}

/// client-go's dynamic URL (`makeURLSegments`, joined and cleaned as Go's `path.Join`).
fn url_path(t: &Target, ns: &str, name: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if t.group.is_empty() {
        parts.push("api");
    } else {
        parts.extend(["apis", t.group.as_str()]);
    }
    parts.push(&t.version);
    if !ns.is_empty() {
        parts.extend(["namespaces", ns]);
    }
    parts.push(&t.resource);
    if !name.is_empty() {
        parts.push(name);
    }
    let mut clean: Vec<String> = Vec::new();
    for seg in parts.iter().flat_map(|p| p.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                clean.pop();
            }
            s => clean.push(escape(s)),
        }
    }
    format!("/{}", clean.join("/"))
}

/// Percent-encodes what may not stand in a URL path segment.
fn escape(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn get_json(res: &Resources, path: &str) -> Result<String, kube::Error> {
    let client = res.client();
    res.retry()
        .run(|| async move {
            let req = http::Request::get(path)
                .header(http::header::ACCEPT, "application/json")
                .body(Vec::new())
                .map_err(kube::Error::HttpError)?;
            client.request_text(req).await
        })
        .await
}

fn is_not_found(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404 || s.reason == "NotFound")
}

/// client-go's error text: a Status response's message; for a body that is not a Status,
/// its generic wording for the code.
fn api_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.reason == "Failed to parse error data" => match s.code {
            404 => "the server could not find the requested resource".to_owned(),
            403 => "the server does not allow access to the requested resource".to_owned(),
            401 => "the server has asked for the client to provide credentials".to_owned(),
            _ => format!(
                "an error on the server ({:?}) has prevented the request from succeeding",
                s.message
            ),
        },
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// `UnstructuredList.UnstructuredContent()`: the response's own fields, and `items` (empty
/// when the response has none), each item given the list's `apiVersion` and the list kind
/// without its `List` suffix.
fn as_list(mut obj: Value) -> Value {
    let api_version = obj.get("apiVersion").cloned();
    let item_kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .map(|k| k.strip_suffix("List").unwrap_or(k).to_owned())
        .unwrap_or_default();
    let Some(map) = obj.as_object_mut() else {
        return obj;
    };
    let items = match map.remove("items") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let items = items
        .into_iter()
        .map(|mut item| {
            if let Some(m) = item.as_object_mut() {
                m.insert("kind".to_owned(), Value::String(item_kind.clone()));
                m.insert(
                    "apiVersion".to_owned(),
                    api_version.clone().unwrap_or(Value::String(String::new())),
                );
            }
            item
        })
        .collect();
    map.insert("items".to_owned(), Value::Array(items));
    obj
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target(group: &str, version: &str, resource: &str) -> Target {
        Target {
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
            namespaced: true,
        }
    }

    #[test]
    fn urls_as_client_go_builds_them() {
        assert_eq!(
            url_path(&target("", "v1", "configmaps"), "ns", "x"),
            "/api/v1/namespaces/ns/configmaps/x"
        );
        assert_eq!(
            url_path(&target("apps", "v1", "deployments"), "", ""),
            "/apis/apps/v1/deployments"
        );
        // A kind discovery does not list: every part empty, as in helm.
        assert_eq!(url_path(&target("", "", ""), "", ""), "/api");
        assert_eq!(url_path(&target("", "", ""), "", "x"), "/api/x");
        assert_eq!(
            url_path(&target("", "v1", "secrets"), "ns", "a b"),
            "/api/v1/namespaces/ns/secrets/a%20b"
        );
    }

    #[test]
    fn lists_give_items_their_kind() {
        let list = as_list(json!({
            "apiVersion": "v1", "kind": "ConfigMapList", "metadata": {"resourceVersion": "3"},
            "items": [{"metadata": {"name": "a"}}],
        }));
        assert_eq!(
            list,
            json!({
                "apiVersion": "v1", "kind": "ConfigMapList", "metadata": {"resourceVersion": "3"},
                "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}],
            })
        );
        // Not a list at all (helm asked `/api` for an unlisted kind): items added, empty.
        assert_eq!(
            as_list(json!({"kind": "APIVersions", "versions": ["v1"]})),
            json!({"kind": "APIVersions", "versions": ["v1"], "items": []})
        );
    }
}
