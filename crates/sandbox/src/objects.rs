//! Write semantics shared by the HTTP handlers and the controllers: create, update, patch,
//! delete with finalizers and propagation, and garbage collection of dependents.

use crate::defaults;
use crate::error::ApiError;
use crate::patch::{self, PatchError};
use crate::resources::{defs_from_crd, ResourceDef};
use crate::ssa::{self, Actor, ApplyOutcome};
use crate::state::Shared;
use crate::time::now_rfc3339;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// Who writes and how.
#[derive(Debug, Clone, Default)]
pub struct WriteOpts {
    /// Field manager for managedFields.
    pub manager: String,
    /// `dryRun=All`: validate and answer, store nothing.
    pub dry_run: bool,
    /// Server-side apply `force`.
    pub force: bool,
    /// The create comes from a server-side apply: ownership is recorded as `Apply` of the
    /// fields the client sent.
    pub apply: bool,
}

fn track_generation(def: &ResourceDef) -> bool {
    def.custom
        || (def.has_status
            && !matches!(
                def.kind.as_str(),
                "Namespace"
                    | "Pod"
                    | "Node"
                    | "Service"
                    | "PersistentVolumeClaim"
                    | "PersistentVolume"
            ))
}

fn meta_str<'a>(obj: &'a Value, f: &str) -> &'a str {
    obj["metadata"][f].as_str().unwrap_or_default()
}

/// Checks that the namespace exists and is not terminating.
pub fn check_namespace(sh: &Shared, ns: &str, creating: bool) -> Result<(), ApiError> {
    match sh.store.get("/namespaces", "", ns) {
        None => Err(ApiError::not_found("", "namespaces", ns)),
        Some(n) if creating && n["metadata"]["deletionTimestamp"].is_string() => {
            Err(ApiError::forbidden(format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            )))
        }
        Some(_) => Ok(()),
    }
}

fn check_type(def: &ResourceDef, obj: &mut Value) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the object provided is not a JSON object",
        ));
    }
    let av = obj["apiVersion"].as_str().unwrap_or_default();
    let kind = obj["kind"].as_str().unwrap_or_default();
    let group_ok = av.is_empty() || crate::resources::split_api_version(av).0 == def.group;
    if !group_ok || (!kind.is_empty() && kind != def.kind) {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({})",
            def.api_version()
        )));
    }
    obj["apiVersion"] = json!(def.api_version());
    obj["kind"] = json!(def.kind);
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    Ok(())
}

fn place_namespace(
    def: &ResourceDef,
    obj: &mut Value,
    ns: Option<&str>,
) -> Result<String, ApiError> {
    if !def.namespaced {
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        return Ok(String::new());
    }
    let path_ns = ns.unwrap_or("default");
    match obj["metadata"]["namespace"].as_str() {
        Some(b) if !b.is_empty() && b != path_ns => Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        )),
        _ => {
            obj["metadata"]["namespace"] = json!(path_ns);
            Ok(path_ns.to_string())
        }
    }
}

fn next_cluster_ip(sh: &Shared) -> String {
    let n = sh.next_ip();
    format!("10.96.{}.{}", (n / 250) % 250, n % 250 + 1)
}

/// Creates an object (POST).
pub fn create(
    sh: &Shared,
    def: &ResourceDef,
    ns: Option<&str>,
    mut obj: Value,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    check_type(def, &mut obj)?;
    let sent = obj.clone();
    let ns = place_namespace(def, &mut obj, ns)?;
    if def.namespaced {
        check_namespace(sh, &ns, true)?;
    }
    if meta_str(&obj, "name").is_empty() {
        let gen = meta_str(&obj, "generateName").to_string();
        if gen.is_empty() {
            return Err(ApiError::invalid(
                &def.group,
                &def.kind,
                "",
                "metadata.name",
                "Required value: name or generateName is required",
            ));
        }
        obj["metadata"]["name"] = json!(format!("{gen}{}", sh.store.name_suffix()));
    }
    let name = meta_str(&obj, "name").to_string();
    defaults::validate_name(def, &name)?;
    let uid = sh.store.uid();
    if let Some(m) = obj["metadata"].as_object_mut() {
        for f in [
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
            "selfLink",
        ] {
            m.remove(f);
        }
    }
    obj["metadata"]["uid"] = json!(uid);
    obj["metadata"]["creationTimestamp"] = json!(now_rfc3339());
    if def.has_status && def.custom {
        obj.as_object_mut().map(|m| m.remove("status"));
    }
    defaults::on_create(def, &mut obj, &uid, &next_cluster_ip(sh))?;
    if def.kind == "CustomResourceDefinition" {
        obj["status"] = crd_status(&obj);
    }
    let now = now_rfc3339();
    if opts.apply {
        let entry = ssa::Entry {
            manager: opts.manager.clone(),
            operation: "Apply".into(),
            api_version: def.api_version(),
            subresource: String::new(),
            time: now,
            fields: ssa::leaves(&sent),
        };
        ssa::set_entries(&mut obj, &[entry]);
    } else {
        let actor = Actor {
            manager: &opts.manager,
            api_version: &def.api_version(),
            subresource: "",
            time: &now,
        };
        ssa::record_update(None, &mut obj, &actor);
    }
    if opts.dry_run {
        return Ok(obj);
    }
    let stored = sh.store.create(
        &def.store_key(),
        &def.group,
        &def.plural,
        obj,
        track_generation(def),
    )?;
    after_write(sh, def, &stored);
    Ok(stored)
}

fn crd_status(crd: &Value) -> Value {
    let names = crd["spec"]["names"].clone();
    let now = now_rfc3339();
    let versions: Vec<Value> = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["storage"].as_bool() == Some(true))
        .map(|v| v["name"].clone())
        .collect();
    json!({"acceptedNames": names, "storedVersions": versions, "conditions": [
        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
        {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now}]})
}

/// Side effects of a stored write: CRDs register kinds, new namespaces get a default
/// ServiceAccount.
fn after_write(sh: &Shared, def: &ResourceDef, obj: &Value) {
    if def.kind == "CustomResourceDefinition" && def.group == "apiextensions.k8s.io" {
        sh.registry
            .set_custom(meta_str(obj, "name"), defs_from_crd(obj));
    }
    if def.kind == "Namespace"
        && def.group.is_empty()
        && obj["metadata"]["deletionTimestamp"].is_null()
    {
        let ns = meta_str(obj, "name");
        if sh.store.get("/serviceaccounts", ns, "default").is_none() {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns,
                "uid": sh.store.uid(), "creationTimestamp": now_rfc3339()}});
            // Racing creators are fine: AlreadyExists means someone else made it.
            let _ = sh
                .store
                .create("/serviceaccounts", "", "serviceaccounts", sa, false);
        }
    }
}

/// Replaces an object (PUT), on the main resource or the `status` subresource.
pub fn update(
    sh: &Shared,
    def: &ResourceDef,
    ns: Option<&str>,
    name: &str,
    mut obj: Value,
    sub: Option<&str>,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    check_type(def, &mut obj)?;
    let ns = place_namespace(def, &mut obj, ns)?;
    if meta_str(&obj, "name") != name {
        return Err(ApiError::bad_request(
            "the name of the object does not match the name on the URL",
        ));
    }
    let Some(live) = sh.store.get(&def.store_key(), &ns, name) else {
        return Err(ApiError::not_found(&def.group, &def.plural, name));
    };
    write_over(sh, def, &live, obj, sub, opts)
}

/// Stores `obj` over `live`, keeping what the subresource rules say is not writable here.
fn write_over(
    sh: &Shared,
    def: &ResourceDef,
    live: &Value,
    mut obj: Value,
    sub: Option<&str>,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    let name = meta_str(live, "name").to_string();
    if sub == Some("status") {
        let mut next = live.clone();
        next["status"] = obj["status"].clone();
        if let Some(rv) = obj["metadata"].get("resourceVersion") {
            next["metadata"]["resourceVersion"] = rv.clone();
        }
        obj = next;
    } else if def.has_status && !matches!(def.kind.as_str(), "Namespace") {
        // The main resource cannot change status.
        match live.get("status") {
            Some(s) => obj["status"] = s.clone(),
            None => {
                obj.as_object_mut().map(|m| m.remove("status"));
            }
        }
    }
    if def.kind == "Secret" && def.group.is_empty() {
        defaults::fold_string_data(&mut obj);
    }
    if live["metadata"]["deletionTimestamp"].is_string() {
        obj["metadata"]["deletionTimestamp"] = live["metadata"]["deletionTimestamp"].clone();
    }
    if def.kind == "CustomResourceDefinition" {
        obj["status"] = crd_status(&obj);
    }
    let actor = Actor {
        manager: &opts.manager,
        api_version: &def.api_version(),
        subresource: sub.unwrap_or(""),
        time: &now_rfc3339(),
    };
    ssa::record_update(Some(live), &mut obj, &actor);
    if opts.dry_run {
        return Ok(obj);
    }
    let stored = sh.store.update(
        &def.store_key(),
        &def.group,
        &def.plural,
        obj,
        track_generation(def),
    )?;
    after_write(sh, def, &stored);
    // An object waiting on finalizers goes once the last one is removed.
    if stored["metadata"]["deletionTimestamp"].is_string() && finalizers(&stored).is_empty() {
        let ns = meta_str(&stored, "namespace").to_string();
        if let Some(gone) = sh.store.remove(&def.store_key(), &ns, &name) {
            after_remove(sh, def, &gone);
            return Ok(gone);
        }
    }
    let _ = &name;
    Ok(stored)
}

/// The patch body kinds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PatchType {
    /// `application/json-patch+json`.
    Json,
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

impl PatchType {
    /// From a Content-Type header.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let base = ct.split(';').next().unwrap_or_default().trim();
        Some(match base {
            "application/json-patch+json" => Self::Json,
            "application/merge-patch+json" => Self::Merge,
            "application/strategic-merge-patch+json" => Self::Strategic,
            "application/apply-patch+yaml"
            | "application/apply-patch+json"
            | "application/apply-patch+cbor" => Self::Apply,
            _ => return None,
        })
    }
}

fn patch_err(e: PatchError) -> ApiError {
    match e {
        PatchError::Malformed(m) => ApiError::bad_request(m),
        PatchError::Failed(m) => ApiError::invalid("", "", "", "patch", &m),
    }
}

/// Applies a PATCH. Returns the stored object and whether it was created (apply only).
///
/// Like the real server, a patch that does not pin a resourceVersion is retried when a
/// concurrent writer (a controller updating status) got in between.
#[allow(clippy::too_many_arguments)]
pub fn patch(
    sh: &Shared,
    def: &ResourceDef,
    ns: Option<&str>,
    name: &str,
    sub: Option<&str>,
    pt: PatchType,
    body: &Value,
    opts: &WriteOpts,
) -> Result<(Value, bool), ApiError> {
    let pinned = body["metadata"]["resourceVersion"].is_string();
    let mut last = None;
    for _ in 0..8 {
        match patch_once(sh, def, ns, name, sub, pt, body, opts) {
            Err(e)
                if !pinned
                    && e.code == 409
                    && e.message.starts_with("Operation cannot be fulfilled") =>
            {
                last = Some(e)
            }
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| ApiError::conflict(&def.group, &def.plural, name)))
}

#[allow(clippy::too_many_arguments)]
fn patch_once(
    sh: &Shared,
    def: &ResourceDef,
    ns: Option<&str>,
    name: &str,
    sub: Option<&str>,
    pt: PatchType,
    body: &Value,
    opts: &WriteOpts,
) -> Result<(Value, bool), ApiError> {
    let ns_s = if def.namespaced {
        ns.unwrap_or("default").to_string()
    } else {
        String::new()
    };
    let live = sh.store.get(&def.store_key(), &ns_s, name);
    if pt == PatchType::Apply {
        if opts.manager.is_empty() {
            return Err(ApiError::bad_request("PATCH is not supported for apply requests without a fieldManager: fieldManager is required for apply requests"));
        }
        let mut applied = body.clone();
        check_type(def, &mut applied)?;
        if meta_str(&applied, "name").is_empty() {
            applied["metadata"]["name"] = json!(name);
        } else if meta_str(&applied, "name") != name {
            return Err(ApiError::bad_request(
                "the name of the object does not match the name on the URL",
            ));
        }
        let actor = Actor {
            manager: &opts.manager,
            api_version: &def.api_version(),
            subresource: sub.unwrap_or(""),
            time: &now_rfc3339(),
        };
        let Some(live) = live else {
            if def.namespaced {
                check_namespace(sh, &ns_s, true)?;
            }
            let created = create(
                sh,
                def,
                ns,
                applied,
                &WriteOpts {
                    apply: true,
                    ..opts.clone()
                },
            )?;
            return Ok((created, true));
        };
        match ssa::apply(&live, &applied, &actor, opts.force) {
            ApplyOutcome::Conflicts(c) => {
                Err(ApiError::apply_conflict(&def.group, &def.plural, name, &c))
            }
            ApplyOutcome::Applied(mut next) => {
                next["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
                if def.has_status && sub != Some("status") {
                    match live.get("status") {
                        Some(s) => next["status"] = s.clone(),
                        None => {
                            next.as_object_mut().map(|m| m.remove("status"));
                        }
                    }
                }
                if opts.dry_run {
                    return Ok((next, false));
                }
                let stored = sh.store.update(
                    &def.store_key(),
                    &def.group,
                    &def.plural,
                    next,
                    track_generation(def),
                )?;
                after_write(sh, def, &stored);
                Ok((stored, false))
            }
        }
    } else {
        let Some(live) = live else {
            return Err(ApiError::not_found(&def.group, &def.plural, name));
        };
        let mut next = live.clone();
        // The patched object keeps the live resourceVersion unless the patch sets one.
        match pt {
            PatchType::Json => patch::json_patch(&mut next, body).map_err(patch_err)?,
            PatchType::Merge => patch::merge_patch(&mut next, body),
            PatchType::Strategic => {
                if def.custom {
                    return Err(ApiError::unsupported_media(
                        "application/strategic-merge-patch+json",
                    ));
                }
                patch::strategic_merge(&mut next, body)
            }
            PatchType::Apply => {}
        }
        if body["metadata"]["resourceVersion"].is_null() {
            next["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
        }
        Ok((write_over(sh, def, &live, next, sub, opts)?, false))
    }
}

/// Options of a DELETE.
#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    /// `Foreground`, `Background` or `Orphan`; `None` means the kind's default.
    pub propagation: Option<String>,
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
}

fn finalizers(obj: &Value) -> Vec<String> {
    obj["metadata"]["finalizers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Deletes an object; returns it as last seen (with deletionTimestamp if it must wait).
pub fn delete(
    sh: &Shared,
    def: &ResourceDef,
    ns: &str,
    name: &str,
    opts: &DeleteOpts,
) -> Result<Value, ApiError> {
    let Some(live) = sh.store.get(&def.store_key(), ns, name) else {
        return Err(ApiError::not_found(&def.group, &def.plural, name));
    };
    if opts
        .uid
        .as_deref()
        .is_some_and(|u| u != meta_str(&live, "uid"))
    {
        return Err(ApiError::conflict(&def.group, &def.plural, name));
    }
    if opts
        .resource_version
        .as_deref()
        .is_some_and(|r| r != meta_str(&live, "resourceVersion"))
    {
        return Err(ApiError::conflict(&def.group, &def.plural, name));
    }
    if opts.dry_run {
        return Ok(live);
    }
    let uid = meta_str(&live, "uid").to_string();
    // batch/v1 Jobs still default to orphaning their pods, as on a real server.
    let default_policy = if def.kind == "Job" {
        "Orphan"
    } else {
        "Background"
    };
    let policy = opts
        .propagation
        .clone()
        .unwrap_or_else(|| default_policy.to_string());
    if def.kind == "Namespace" && def.group.is_empty() {
        return delete_namespace(sh, live);
    }
    if policy == "Orphan" {
        orphan_dependents(sh, &uid);
    } else if policy == "Foreground" {
        delete_dependents(sh, &uid);
    }
    let fins = finalizers(&live);
    if !fins.is_empty() {
        if live["metadata"]["deletionTimestamp"].is_string() {
            return Ok(live);
        }
        let mut marked = live.clone();
        marked["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
        marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
        return sh.store.update(
            &def.store_key(),
            &def.group,
            &def.plural,
            marked,
            track_generation(def),
        );
    }
    let gone = sh
        .store
        .remove(&def.store_key(), ns, name)
        .ok_or_else(|| ApiError::not_found(&def.group, &def.plural, name))?;
    after_remove(sh, def, &gone);
    if policy == "Background" {
        delete_dependents(sh, &uid);
    }
    Ok(gone)
}

fn after_remove(sh: &Shared, def: &ResourceDef, gone: &Value) {
    if def.kind == "CustomResourceDefinition" && def.group == "apiextensions.k8s.io" {
        sh.registry.set_custom(meta_str(gone, "name"), vec![]);
        // Deleting a CRD deletes its custom resources.
        let key = format!(
            "{}/{}",
            gone["spec"]["group"].as_str().unwrap_or_default(),
            gone["spec"]["names"]["plural"].as_str().unwrap_or_default()
        );
        let (items, _) = sh.store.list(&key, None);
        for o in items {
            sh.store
                .remove(&key, meta_str(&o, "namespace"), meta_str(&o, "name"));
        }
    }
    sh.forget_logs_of(def, gone);
}

fn for_each_dependent(sh: &Shared, uid: &str, mut f: impl FnMut(&ResourceDef, &Value)) {
    for key in sh.store.keys() {
        let Some(def) = sh.def_for_key(&key) else {
            continue;
        };
        for obj in sh.store.list(&key, None).0 {
            let owned = obj["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid));
            if owned {
                f(&def, &obj);
            }
        }
    }
}

/// Removes every object owned by `uid` (background garbage collection, done at once).
pub fn delete_dependents(sh: &Shared, uid: &str) {
    collect_garbage(sh, vec![uid.to_string()]);
}

/// Deletes the dependents of `roots`, transitively. Owners are indexed once and the ownership
/// graph is walked with a work list, so a long chain of owners can neither exhaust the stack
/// nor cost a full scan per object.
fn collect_garbage(sh: &Shared, roots: Vec<String>) {
    let mut by_owner: HashMap<String, Vec<(ResourceDef, String, String)>> = HashMap::new();
    for key in sh.store.keys() {
        let Some(def) = sh.def_for_key(&key) else {
            continue;
        };
        for obj in sh.store.list(&key, None).0 {
            for r in obj["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(owner) = r["uid"].as_str() {
                    by_owner.entry(owner.to_string()).or_default().push((
                        def.clone(),
                        meta_str(&obj, "namespace").to_string(),
                        meta_str(&obj, "name").to_string(),
                    ));
                }
            }
        }
    }
    let mut queue = roots;
    let mut seen = HashSet::new();
    while let Some(owner) = queue.pop() {
        if !seen.insert(owner.clone()) {
            continue;
        }
        for (def, ns, name) in by_owner.remove(&owner).unwrap_or_default() {
            let Some(obj) = sh.store.get(&def.store_key(), &ns, &name) else {
                continue;
            };
            if !finalizers(&obj).is_empty() {
                // It waits for its finalizers, as on a real cluster.
                if obj["metadata"]["deletionTimestamp"].is_null() {
                    let mut marked = obj.clone();
                    marked["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
                    let _ = sh.store.update(
                        &def.store_key(),
                        &def.group,
                        &def.plural,
                        marked,
                        track_generation(&def),
                    );
                }
                continue;
            }
            if let Some(gone) = sh.store.remove(&def.store_key(), &ns, &name) {
                after_remove(sh, &def, &gone);
                queue.push(meta_str(&gone, "uid").to_string());
            }
        }
    }
}

fn orphan_dependents(sh: &Shared, uid: &str) {
    let mut todo = Vec::new();
    for_each_dependent(sh, uid, |def, obj| todo.push((def.clone(), obj.clone())));
    for (def, mut obj) in todo {
        if let Some(refs) = obj["metadata"]["ownerReferences"].as_array_mut() {
            refs.retain(|r| r["uid"] != uid);
        }
        let _ = sh.store.update(
            &def.store_key(),
            &def.group,
            &def.plural,
            obj,
            track_generation(&def),
        );
    }
}

fn delete_namespace(sh: &Shared, live: Value) -> Result<Value, ApiError> {
    let name = meta_str(&live, "name").to_string();
    let mut marked = live.clone();
    if marked["metadata"]["deletionTimestamp"].is_null() {
        marked["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
        marked["status"]["phase"] = json!("Terminating");
        marked = sh
            .store
            .update("/namespaces", "", "namespaces", marked, false)?;
    }
    // The namespace controller's work, done right away: empty it (finalizers are forced
    // out: nothing else would remove them here), collect what its objects owned elsewhere,
    // then drop it.
    let mut removed = Vec::new();
    for key in sh.store.keys() {
        let Some(def) = sh.def_for_key(&key) else {
            continue;
        };
        if !def.namespaced {
            continue;
        }
        for obj in sh.store.list(&key, Some(&name)).0 {
            if let Some(gone) = sh.store.remove(&key, &name, meta_str(&obj, "name")) {
                after_remove(sh, &def, &gone);
                removed.push(meta_str(&gone, "uid").to_string());
            }
        }
    }
    collect_garbage(sh, removed);
    sh.store.remove("/namespaces", "", &name);
    Ok(marked)
}
