//! Streaming responses: watches (JSON lines of `{type, object}`) and pod logs.

use crate::error::ApiError;
use crate::resources::ResourceDef;
use crate::server::{as_version, Filter};
use crate::state::Shared;
use crate::store::{rv_of, EventType};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use futures::channel::mpsc;
use futures::SinkExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

fn streaming(rx: mpsc::Receiver<Bytes>, ct: &'static str) -> Response {
    let body = Body::from_stream(futures::StreamExt::map(rx, Ok::<Bytes, std::io::Error>));
    let mut r = Response::new(body);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    r
}

fn event_line(kind: &str, obj: &Value) -> Bytes {
    let mut s = serde_json::to_vec(&json!({"type": kind, "object": obj})).unwrap_or_default();
    s.push(b'\n');
    Bytes::from(s)
}

fn bookmark(def: &ResourceDef, rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": def.kind, "apiVersion": def.api_version(), "metadata": meta})
}

/// Starts a watch stream.
pub fn watch(
    sh: Arc<Shared>,
    def: ResourceDef,
    ns: Option<String>,
    q: &HashMap<String, String>,
    cut_after: Option<usize>,
    table: Option<String>,
) -> Result<Response, ApiError> {
    let filter = Filter::from_query(q)?;
    let rv_param = q.get("resourceVersion").cloned().unwrap_or_default();
    let bookmarks = q
        .get("allowWatchBookmarks")
        .is_some_and(|b| b == "true" || b == "1");
    let send_initial = q
        .get("sendInitialEvents")
        .is_some_and(|b| b == "true" || b == "1");
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(1800));
    let key = def.store_key();
    let ns = if def.namespaced { ns } else { None };
    let in_scope = move |ns_of: &str, obj: &Value| {
        ns.as_deref().is_none_or(|n| n == ns_of) && filter.matches(obj)
    };
    // Initial state: a synthetic ADDED per object when no (or "0") resourceVersion is given,
    // or when the client asks for initial events.
    let mut initial = Vec::new();
    let start_rv = if rv_param.is_empty() || rv_param == "0" || send_initial {
        let (items, rv) = sh.store.list(&key, None);
        for o in items {
            let ons = o["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if in_scope(&ons, &o) {
                initial.push(o);
            }
        }
        rv
    } else {
        rv_param
            .parse::<u64>()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version {rv_param:?}")))?
    };
    let (replay, mut live) = sh.store.watch_from(start_rv)?;
    let (mut tx, rx) = mpsc::channel::<Bytes>(64);
    let interval = sh.config.bookmark_interval;
    // Each event's object, as JSON or as a one-row Table.
    let render = move |def: &ResourceDef, o: Value| -> Value {
        match &table {
            Some(inc) => {
                let rv = json!({"resourceVersion": o["metadata"]["resourceVersion"]});
                crate::table::table(def, &[o], rv, inc)
            }
            None => as_version(def, o),
        }
    };
    let spawner = sh.clone();
    spawner.spawn(async move {
        let mut sent = 0usize;
        let mut last_rv = start_rv;
        let cut = cut_after.unwrap_or(usize::MAX);
        for o in initial {
            if sent >= cut
                || tx
                    .send(event_line("ADDED", &render(&def, o)))
                    .await
                    .is_err()
            {
                return;
            }
            sent += 1;
        }
        if send_initial
            && bookmarks
            && tx
                .send(event_line("BOOKMARK", &bookmark(&def, start_rv, true)))
                .await
                .is_err()
        {
            return;
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(interval);
        tick.tick().await;
        let mut pending = replay.into_iter();
        loop {
            let change = match pending.next() {
                Some(c) => c,
                None => tokio::select! {
                    c = live.recv() => match c {
                        Ok(c) => c,
                        // Too slow a reader: end the stream; the client re-lists or resumes.
                        Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return,
                    },
                    _ = &mut deadline => return,
                    _ = tick.tick() => {
                        // A client that went away is noticed here even when nothing changes.
                        if tx.is_closed() {
                            return;
                        }
                        if bookmarks && tx.send(event_line("BOOKMARK", &bookmark(&def, last_rv, false))).await.is_err() {
                            return;
                        }
                        continue;
                    }
                },
            };
            if change.rv <= last_rv || change.key != key {
                continue;
            }
            last_rv = change.rv;
            let now_in = in_scope(&change.namespace, &change.object);
            let was_in = match (&change.kind, &change.previous) {
                (EventType::Modified, Some(p)) => in_scope(&change.namespace, p),
                _ => now_in,
            };
            // An update that moves an object into or out of the selection is an ADDED or a
            // DELETED for this watcher, as on the real server.
            let kind = match (change.kind, was_in, now_in) {
                (_, false, false) => continue,
                (EventType::Modified, false, true) => "ADDED",
                (EventType::Modified, true, false) => "DELETED",
                (k, _, _) => k.as_str(),
            };
            if sent >= cut {
                return;
            }
            if tx
                .send(event_line(kind, &render(&def, change.object.clone())))
                .await
                .is_err()
            {
                return;
            }
            sent += 1;
        }
    });
    Ok(streaming(rx, "application/json"))
}

/// `GET pods/NAME/log` with `container`, `tailLines`, `follow`.
pub async fn pod_log(
    sh: Arc<Shared>,
    ns: &str,
    name: &str,
    q: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let pod = sh
        .store
        .get("/pods", ns, name)
        .ok_or_else(|| ApiError::not_found("", "pods", name))?;
    let containers: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect();
    let inits: Vec<String> = pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect();
    let container = match q.get("container").filter(|c| !c.is_empty()) {
        Some(c) => {
            if !containers.contains(c) && !inits.contains(c) {
                return Err(ApiError::bad_request(format!(
                    "container {c} is not valid for pod {name}"
                )));
            }
            c.clone()
        }
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            )))
        }
    };
    let Some(buf) = sh.existing_log(ns, name, &container) else {
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
        )));
    };
    let follow = q.get("follow").is_some_and(|f| f == "true" || f == "1");
    let tail = q.get("tailLines").and_then(|t| t.parse::<usize>().ok());
    let existing = buf.len();
    let start = tail.map_or(0, |t| existing.saturating_sub(t));
    if !follow {
        let text: String = buf
            .lines_from(start)
            .into_iter()
            .map(|l| l + "\n")
            .collect();
        let mut r = Response::new(Body::from(text));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        return Ok(r);
    }
    let (mut tx, rx) = mpsc::channel::<Bytes>(64);
    sh.spawn(async move {
        let mut at = start;
        loop {
            let notified = buf.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            for l in buf.lines_from(at) {
                at += 1;
                if tx.send(Bytes::from(l + "\n")).await.is_err() {
                    return;
                }
            }
            if buf.is_done() && buf.len() <= at {
                return;
            }
            // Re-check now and then as well, in case a wake-up raced the registration.
            if tx.is_closed() {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(500), notified).await;
        }
    });
    let _ = rv_of;
    Ok(streaming(rx, "text/plain"))
}
