//! The HTTP layer: one fallback handler that classifies the request, applies faults, runs the
//! verb and writes the audit record.

use crate::audit::AuditRecord;
use crate::discovery;
use crate::error::ApiError;
use crate::faults::FaultPlan;
use crate::objects::{self, DeleteOpts, PatchType, WriteOpts};
use crate::query::{self, ResourcePath};
use crate::resources::ResourceDef;
use crate::selector::{FieldSelector, LabelSelector};
use crate::state::Shared;
use crate::stream;
use crate::time::now_micro;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Builds a JSON response.
pub fn json_response(code: u16, v: &Value) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_default();
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Adds one `Warning: 299 - "..."` header per warning, as the apiserver does for
/// `fieldValidation=Warn`.
fn with_warnings(mut r: Response, warnings: &[String]) -> Response {
    for w in warnings {
        let text = format!("299 - \"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""));
        if let Ok(v) = HeaderValue::from_str(&text) {
            r.headers_mut().append(header::WARNING, v);
        }
    }
    r
}

fn table_response(v: &Value) -> Response {
    let mut r = json_response(200, v);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::table::TABLE_CT),
    );
    r
}

fn error_response(e: &ApiError) -> Response {
    let mut r = json_response(e.code, &e.to_status());
    if let Some(s) = e.retry_after {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    r
}

/// A response whose body fails at once, so the client sees the connection break.
fn reset_response() -> Response {
    let s = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected connection reset"))
    });
    let mut r = Response::new(Body::from_stream(s));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Everything a resource handler needs from the request.
pub struct Req {
    /// The parsed path.
    pub path: ResourcePath,
    /// Query parameters.
    pub q: HashMap<String, String>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// Field manager (query, or derived from the user agent).
    pub manager: String,
}

fn verb_of(method: &Method, p: &ResourcePath, q: &HashMap<String, String>) -> &'static str {
    let watch = q.get("watch").is_some_and(|w| w == "true" || w == "1");
    match (method.as_str(), p.name.is_some()) {
        ("GET", _) if watch => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "unknown",
    }
}

fn user_agent(h: &HeaderMap) -> String {
    h.get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The axum entry point.
pub async fn handle(
    sh: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let q = query::parse(uri.query());
    let path = uri.path().to_string();
    if let Some(r) = non_resource(&sh, &method, &path, &headers, &body) {
        return r;
    }
    let Some(p) = query::parse_path(&path) else {
        return error_response(&ApiError::no_route());
    };
    let ua = user_agent(&headers);
    let manager = q
        .get("fieldManager")
        .cloned()
        .unwrap_or_else(|| ua.split('/').next().unwrap_or_default().to_string());
    let verb = verb_of(&method, &p, &q);
    let resource = match &p.subresource {
        Some(s) => format!("{}/{s}", p.plural),
        None => p.plural.clone(),
    };
    let decision = sh.faults.decide(verb, &p.plural);
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let mut record = AuditRecord {
        time: now_micro(),
        verb: verb.to_string(),
        resource,
        group: p.group.clone(),
        namespace: p.namespace.clone().unwrap_or_default(),
        name: p
            .name
            .clone()
            .or_else(|| {
                // A create names its object in the body.
                let v: Value = serde_json::from_slice(&body).ok()?;
                v["metadata"]["name"].as_str().map(String::from)
            })
            .unwrap_or_default(),
        field_manager: if matches!(verb, "create" | "update" | "patch") {
            manager.clone()
        } else {
            String::new()
        },
        code: 0,
        user_agent: ua,
    };
    let resp = if let Some(e) = decision.error {
        error_response(&e)
    } else if decision.reset {
        record.code = 0;
        sh.audit.record(record);
        return reset_response();
    } else {
        let req = Req {
            path: p,
            q,
            headers,
            body,
            manager,
        };
        match dispatch(&sh, &method, verb, &req, decision.watch_cut_after).await {
            Ok(r) => r,
            Err(e) => error_response(&e),
        }
    };
    record.code = resp.status().as_u16();
    sh.audit.record(record);
    resp
}

fn non_resource(
    sh: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<Response> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let reg = &sh.registry;
    let path = path.trim_end_matches('/');
    let r = match path {
        "/version" => json_response(200, &discovery::version()),
        "/healthz" | "/readyz" | "/livez" => Response::new(Body::from("ok")),
        "/api" | "/apis" => {
            if discovery::wants_aggregated(accept) {
                let mut r = json_response(200, &discovery::aggregated(reg, path == "/api"));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(discovery::AGGREGATED_CT),
                );
                r
            } else if path == "/api" {
                json_response(200, &discovery::core_versions())
            } else {
                json_response(200, &discovery::group_list(reg))
            }
        }
        "/openapi/v3" => json_response(
            200,
            &discovery::openapi_v3_index(reg, reg.all().len() as u64),
        ),
        "/openapi/v2" => json_response(200, &discovery::openapi_v2(reg)),
        "/sandbox/audit" => {
            let mut r = Response::new(Body::from(sh.audit.to_json_lines()));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jsonl"),
            );
            r
        }
        "/sandbox/faults" => match *method {
            Method::GET => json_response(
                200,
                &serde_json::to_value(sh.faults.plan()).unwrap_or_default(),
            ),
            Method::PUT | Method::POST => match serde_json::from_slice::<FaultPlan>(body) {
                Ok(plan) => {
                    sh.faults.set(plan.clone());
                    json_response(200, &serde_json::to_value(plan).unwrap_or_default())
                }
                Err(e) => error_response(&ApiError::bad_request(format!("fault plan: {e}"))),
            },
            _ => error_response(&ApiError::method_not_allowed("GET or PUT")),
        },
        _ => {
            if let Some(gv) = path.strip_prefix("/openapi/v3/") {
                let (g, v) = match gv.split('/').collect::<Vec<_>>().as_slice() {
                    ["api", v] => (String::new(), v.to_string()),
                    ["apis", g, v] => (g.to_string(), v.to_string()),
                    _ => return Some(error_response(&ApiError::no_route())),
                };
                return Some(match discovery::openapi_v3_doc(reg, &g, &v) {
                    Some(d) => json_response(200, &d),
                    None => error_response(&ApiError::no_route()),
                });
            }
            let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            match segs.as_slice() {
                ["api", v] => match discovery::resource_list(reg, "", v) {
                    Some(l) => json_response(200, &l),
                    None => error_response(&ApiError::no_route()),
                },
                ["apis", g] => match discovery::group(reg, g) {
                    Some(l) => json_response(200, &l),
                    None => error_response(&ApiError::no_route()),
                },
                ["apis", g, v] => match discovery::resource_list(reg, g, v) {
                    Some(l) => json_response(200, &l),
                    None => error_response(&ApiError::no_route()),
                },
                _ => return None,
            }
        }
    };
    Some(r)
}

/// Parses a request body as JSON, or YAML for apply patches.
pub fn parse_body(body: &[u8], yaml_ok: bool) -> Result<Value, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Ok(v),
        Err(e) if yaml_ok => {
            let s = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("body is not UTF-8"))?;
            serde_saphyr::from_str::<Value>(s).map_err(|y| {
                ApiError::bad_request(format!("error decoding YAML: {y} (as JSON: {e})"))
            })
        }
        Err(e) => Err(ApiError::bad_request(format!("json: {e}"))),
    }
}

/// Rewrites an object's apiVersion to the version the client asked through.
pub fn as_version(def: &ResourceDef, mut v: Value) -> Value {
    if v.is_object() {
        v["apiVersion"] = json!(def.api_version());
    }
    v
}

fn write_opts(req: &Req) -> WriteOpts {
    WriteOpts {
        manager: req.manager.clone(),
        dry_run: req.q.get("dryRun").is_some_and(|d| d == "All"),
        force: req.q.get("force").is_some_and(|f| f == "true" || f == "1"),
        apply: false,
    }
}

async fn dispatch(
    sh: &Arc<Shared>,
    method: &Method,
    verb: &str,
    req: &Req,
    cut: Option<usize>,
) -> Result<Response, ApiError> {
    let p = &req.path;
    let accept = req
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // `kubectl get` asks for server-side printed Tables.
    let as_table = crate::table::wants_table(accept).then(|| {
        req.q
            .get("includeObject")
            .cloned()
            .unwrap_or_else(|| "Metadata".into())
    });
    if p.plural.is_empty() {
        return Err(ApiError::no_route());
    }
    let def = sh
        .registry
        .find(&p.group, &p.version, &p.plural)
        .ok_or_else(ApiError::no_route)?;
    if !def.namespaced && p.namespace.is_some() {
        return Err(ApiError::no_route());
    }
    let ns = p.namespace.as_deref();
    let sub = p.subresource.as_deref();
    let ct = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let decoded;
    let req = if ct.starts_with("application/vnd.kubernetes.protobuf") && !req.body.is_empty() {
        // client-go typed clients send protobuf and never fall back to JSON, so the kinds they
        // send (Secrets, ConfigMaps, Namespaces, DeleteOptions) are decoded here.
        let json =
            crate::proto::decode(&req.body)?.ok_or_else(|| ApiError::unsupported_media(ct))?;
        let mut headers = req.headers.clone();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        decoded = Req {
            path: req.path.clone(),
            q: req.q.clone(),
            headers,
            body: Bytes::from(serde_json::to_vec(&json).unwrap_or_default()),
            manager: req.manager.clone(),
        };
        &decoded
    } else if ct.starts_with("application/cbor") {
        return Err(ApiError::unsupported_media(ct));
    } else {
        req
    };
    let p = &req.path;
    match sub {
        None | Some("status") => {}
        Some("log") if def.kind == "Pod" && def.group.is_empty() => {}
        Some("scale") if def.has_scale => {}
        Some(_) => return Err(ApiError::no_route()),
    }
    if sub == Some("status") && !def.has_status {
        return Err(ApiError::no_route());
    }
    match verb {
        "get" => {
            let name = p.name.as_deref().unwrap_or_default();
            if sub == Some("log") {
                return stream::pod_log(sh.clone(), ns.unwrap_or("default"), name, &req.q).await;
            }
            let obj = sh
                .store
                .get(&def.store_key(), ns.unwrap_or_default(), name)
                .ok_or_else(|| ApiError::not_found(&def.group, &def.plural, name))?;
            if sub == Some("scale") {
                return Ok(json_response(200, &scale_of(&obj)));
            }
            if let Some(inc) = &as_table {
                let rv = json!({"resourceVersion": obj["metadata"]["resourceVersion"]});
                return Ok(table_response(&crate::table::table(&def, &[obj], rv, inc)));
            }
            Ok(json_response(200, &as_version(&def, obj)))
        }
        "list" => {
            let l = list(sh, &def, ns, &req.q)?;
            if let Some(inc) = &as_table {
                let items = l["items"].as_array().cloned().unwrap_or_default();
                return Ok(table_response(&crate::table::table(
                    &def,
                    &items,
                    l["metadata"].clone(),
                    inc,
                )));
            }
            Ok(json_response(200, &l))
        }
        "watch" => stream::watch(sh.clone(), def, ns.map(String::from), &req.q, cut, as_table),
        "create" => {
            if p.name.is_some() {
                return Err(ApiError::method_not_allowed(format!(
                    "POST is not supported on {}/name",
                    def.plural
                )));
            }
            if let Some(ns) = ns {
                objects::check_namespace(sh, ns, true)?;
            }
            let obj = parse_body(&req.body, false)?;
            let warnings = crate::validate::check(sh, &def, &obj, &req.q)?;
            let created = objects::create(sh, &def, ns, obj, &write_opts(req))?;
            Ok(with_warnings(
                json_response(201, &as_version(&def, created)),
                &warnings,
            ))
        }
        "update" => {
            let name = p.name.as_deref().unwrap_or_default();
            let mut obj = parse_body(&req.body, false)?;
            let warnings = match sub {
                None => crate::validate::check(sh, &def, &obj, &req.q)?,
                Some(_) => Vec::new(),
            };
            if sub == Some("scale") {
                let mut live = sh
                    .store
                    .get(&def.store_key(), ns.unwrap_or_default(), name)
                    .ok_or_else(|| ApiError::not_found(&def.group, &def.plural, name))?;
                live["spec"]["replicas"] = obj["spec"]["replicas"].clone();
                obj = live;
            }
            let out = objects::update(
                sh,
                &def,
                ns,
                name,
                obj,
                sub.filter(|s| *s == "status"),
                &write_opts(req),
            )?;
            Ok(with_warnings(
                json_response(200, &as_version(&def, out)),
                &warnings,
            ))
        }
        "patch" => {
            let name = p.name.as_deref().unwrap_or_default();
            let ct = req
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let pt =
                PatchType::from_content_type(ct).ok_or_else(|| ApiError::unsupported_media(ct))?;
            let body = parse_body(&req.body, pt == PatchType::Apply)?;
            if sub == Some("scale") {
                let body = json!({"spec": {"replicas": body["spec"]["replicas"].clone()}});
                let (out, _) = objects::patch(
                    sh,
                    &def,
                    ns,
                    name,
                    None,
                    PatchType::Merge,
                    &body,
                    &write_opts(req),
                )?;
                return Ok(json_response(200, &scale_of(&out)));
            }
            let (out, created) =
                objects::patch(sh, &def, ns, name, sub, pt, &body, &write_opts(req))?;
            Ok(json_response(
                if created { 201 } else { 200 },
                &as_version(&def, out),
            ))
        }
        "delete" => {
            let name = p.name.as_deref().unwrap_or_default();
            let opts = delete_opts(req)?;
            let out = objects::delete(sh, &def, ns.unwrap_or_default(), name, &opts)?;
            Ok(json_response(200, &as_version(&def, out)))
        }
        "deletecollection" => {
            let opts = delete_opts(req)?;
            let listed = list(sh, &def, ns, &req.q)?;
            let mut items = Vec::new();
            for it in listed["items"].as_array().into_iter().flatten() {
                let n = it["metadata"]["name"].as_str().unwrap_or_default();
                let ins = it["metadata"]["namespace"].as_str().unwrap_or_default();
                if let Ok(o) = objects::delete(sh, &def, ins, n, &opts) {
                    items.push(as_version(&def, o));
                }
            }
            Ok(json_response(
                200,
                &json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(),
                "metadata": {"resourceVersion": sh.store.current_rv().to_string()}, "items": items}),
            ))
        }
        _ => Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({method})"
        ))),
    }
}

fn scale_of(obj: &Value) -> Value {
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": obj["metadata"]["name"], "namespace": obj["metadata"]["namespace"], "uid": obj["metadata"]["uid"],
                     "resourceVersion": obj["metadata"]["resourceVersion"], "creationTimestamp": obj["metadata"]["creationTimestamp"]},
        "spec": {"replicas": obj["spec"]["replicas"]},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector}})
}

fn delete_opts(req: &Req) -> Result<DeleteOpts, ApiError> {
    let body = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        parse_body(&req.body, false)?
    };
    let prop = req
        .q
        .get("propagationPolicy")
        .cloned()
        .or_else(|| body["propagationPolicy"].as_str().map(String::from));
    let orphan = req
        .q
        .get("orphanDependents")
        .map(|s| s == "true")
        .or_else(|| body["orphanDependents"].as_bool());
    let propagation = prop.or(if orphan == Some(true) {
        Some("Orphan".into())
    } else {
        None
    });
    if let Some(p) = &propagation {
        if !matches!(p.as_str(), "Foreground" | "Background" | "Orphan") {
            return Err(ApiError::invalid("", "DeleteOptions", "", "propagationPolicy", &format!("Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\"")));
        }
    }
    let dry = req.q.get("dryRun").is_some_and(|d| d == "All")
        || body["dryRun"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "All"));
    Ok(DeleteOpts {
        propagation,
        dry_run: dry,
        uid: body["preconditions"]["uid"].as_str().map(String::from),
        resource_version: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(String::from),
    })
}

/// Selects objects for list and watch.
pub struct Filter {
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    /// From `labelSelector` and `fieldSelector`.
    pub fn from_query(q: &HashMap<String, String>) -> Result<Self, ApiError> {
        let labels = LabelSelector::parse(
            q.get("labelSelector")
                .map(String::as_str)
                .unwrap_or_default(),
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let fields = FieldSelector::parse(
            q.get("fieldSelector")
                .map(String::as_str)
                .unwrap_or_default(),
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(Self { labels, fields })
    }

    /// Whether an object passes.
    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }
}

fn list(
    sh: &Shared,
    def: &ResourceDef,
    ns: Option<&str>,
    q: &HashMap<String, String>,
) -> Result<Value, ApiError> {
    let filter = Filter::from_query(q)?;
    let ns_filter = if def.namespaced { ns } else { None };
    let (items, rv) = sh.store.list(&def.store_key(), ns_filter);
    let after = match q.get("continue").filter(|c| !c.is_empty()) {
        Some(tok) => {
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(tok)
                .map_err(|_| ApiError::bad_request("continue key is not valid"))?;
            let s = String::from_utf8(raw)
                .map_err(|_| ApiError::bad_request("continue key is not valid"))?;
            Some(s)
        }
        None => None,
    };
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let key = |o: &Value| {
        format!(
            "{}/{}",
            o["metadata"]["namespace"].as_str().unwrap_or_default(),
            o["metadata"]["name"].as_str().unwrap_or_default()
        )
    };
    let mut matched: Vec<Value> = items
        .into_iter()
        .filter(|o| filter.matches(o))
        .filter(|o| after.as_ref().is_none_or(|a| key(o) > *a))
        .collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if matched.len() > limit {
        let remaining = matched.len() - limit;
        matched.truncate(limit);
        if let Some(last) = matched.last() {
            meta["continue"] =
                json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key(last)));
            meta["remainingItemCount"] = json!(remaining);
        }
    }
    let items: Vec<Value> = matched.into_iter().map(|o| as_version(def, o)).collect();
    Ok(
        json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(), "metadata": meta, "items": items}),
    )
}
