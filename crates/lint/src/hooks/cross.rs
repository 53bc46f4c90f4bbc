//! Rules that look at several hooks together: equal weights within an event, and what a
//! pre-install hook needs that the release has not created yet.

use std::collections::BTreeMap;

use capstan_release::HookEvent;
use serde_json::Value;

use super::{annotation_path, get, keys, pod_spec_path, with, Checker, Object, HOOK, WEIGHT};
use crate::locate::Seg;

/// HOOK007: Job/Pod hooks of one event with the same weight.
pub(super) fn equal_weights(c: &mut Checker, objects: &[Object]) {
    let mut groups: BTreeMap<(&'static str, i64), Vec<&Object>> = BTreeMap::new();
    for obj in objects {
        let Some(h) = &obj.hook else { continue };
        if !h.unknown.is_empty() || !matches!(obj.kind.as_str(), "Job" | "Pod") {
            continue;
        }
        for e in &h.events {
            groups.entry((e.as_str(), h.weight)).or_default().push(obj);
        }
    }
    for ((event, weight), mut hooks) in groups {
        if hooks.len() < 2 {
            continue;
        }
        hooks.sort_by(|a, b| a.name.cmp(&b.name));
        let names: Vec<&str> = hooks.iter().map(|o| o.name.as_str()).collect();
        for obj in &hooks[1..] {
            let at = if obj.hook.as_ref().is_some_and(|h| h.weight_raw.is_some()) {
                annotation_path(WEIGHT)
            } else {
                annotation_path(HOOK)
            };
            c.add(
                "HOOK007",
                obj,
                &at,
                format!(
                    "{event} hooks {} share weight {weight}: they run in name order",
                    names.join(", ")
                ),
            );
        }
    }
}

/// What a pod spec refers to by name: (kind, name, path of the name field).
fn pod_references(spec_path: &[Seg], spec: &Value) -> Vec<(&'static str, String, Vec<Seg>)> {
    let mut refs = Vec::new();
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if let Some(sa) = s(spec.get("serviceAccountName")) {
        refs.push((
            "ServiceAccount",
            sa,
            with(spec_path, &keys(&["serviceAccountName"])),
        ));
    }
    for (i, v) in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let vp = with(spec_path, &[Seg::Key("volumes".into()), Seg::Index(i)]);
        for (src, field, kind) in [
            ("configMap", "name", "ConfigMap"),
            ("secret", "secretName", "Secret"),
            (
                "persistentVolumeClaim",
                "claimName",
                "PersistentVolumeClaim",
            ),
        ] {
            if let Some(n) = s(v.get(src).and_then(|x| x.get(field))) {
                refs.push((kind, n, with(&vp, &keys(&[src, field]))));
            }
        }
        for (j, p) in v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (src, kind) in [("configMap", "ConfigMap"), ("secret", "Secret")] {
                if let Some(n) = s(p.get(src).and_then(|x| x.get("name"))) {
                    refs.push((
                        kind,
                        n,
                        with(
                            &vp,
                            &[
                                Seg::Key("projected".into()),
                                Seg::Key("sources".into()),
                                Seg::Index(j),
                                Seg::Key(src.into()),
                                Seg::Key("name".into()),
                            ],
                        ),
                    ));
                }
            }
        }
    }
    for (i, p) in spec
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(n) = s(p.get("name")) {
            refs.push((
                "Secret",
                n,
                with(
                    spec_path,
                    &[
                        Seg::Key("imagePullSecrets".into()),
                        Seg::Index(i),
                        Seg::Key("name".into()),
                    ],
                ),
            ));
        }
    }
    for list in ["initContainers", "containers"] {
        for (i, ctr) in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let cp = with(spec_path, &[Seg::Key(list.into()), Seg::Index(i)]);
            for (j, e) in ctr
                .get("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (src, kind) in [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")] {
                    if let Some(n) = s(e
                        .get("valueFrom")
                        .and_then(|x| x.get(src))
                        .and_then(|x| x.get("name")))
                    {
                        refs.push((
                            kind,
                            n,
                            with(
                                &cp,
                                &[
                                    Seg::Key("env".into()),
                                    Seg::Index(j),
                                    Seg::Key("valueFrom".into()),
                                    Seg::Key(src.into()),
                                    Seg::Key("name".into()),
                                ],
                            ),
                        ));
                    }
                }
            }
            for (j, e) in ctr
                .get("envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (src, kind) in [("secretRef", "Secret"), ("configMapRef", "ConfigMap")] {
                    if let Some(n) = s(e.get(src).and_then(|x| x.get("name"))) {
                        refs.push((
                            kind,
                            n,
                            with(
                                &cp,
                                &[
                                    Seg::Key("envFrom".into()),
                                    Seg::Index(j),
                                    Seg::Key(src.into()),
                                    Seg::Key("name".into()),
                                ],
                            ),
                        ));
                    }
                }
            }
        }
    }
    refs
}

/// Helm's hook order: weight, then name, then kind in install order (unknown kinds last).
fn run_order(weight: i64, obj: &Object) -> (i64, &str, usize) {
    let kind = capstan_release::INSTALL_ORDER
        .iter()
        .position(|k| *k == obj.kind)
        .unwrap_or(usize::MAX);
    (weight, obj.name.as_str(), kind)
}

/// HOOK004: a pre-install hook refers to a ConfigMap, Secret, ServiceAccount or PVC that
/// this release creates later (a regular resource, or a hook that does not run before it).
pub(super) fn pre_install_dependencies(c: &mut Checker, objects: &[Object]) {
    for obj in objects {
        let Some(h) = &obj.hook else { continue };
        if !h.unknown.is_empty() || !h.events.contains(&HookEvent::PreInstall) {
            continue;
        }
        let Some(spec_path) = pod_spec_path(&obj.kind) else {
            continue;
        };
        let Some(spec) = get(&obj.value, &spec_path) else {
            continue;
        };
        for (kind, name, path) in pod_references(&spec_path, spec) {
            let providers: Vec<&Object> = objects
                .iter()
                .filter(|o| o.kind == kind && o.name == name)
                .collect();
            if providers.is_empty() {
                continue; // Not made by this chart: it must exist beforehand.
            }
            let earlier = providers.iter().any(|p| {
                p.hook.as_ref().is_some_and(|ph| {
                    ph.unknown.is_empty()
                        && ph.events.contains(&HookEvent::PreInstall)
                        && run_order(ph.weight, p) < run_order(h.weight, obj)
                })
            });
            if earlier {
                continue;
            }
            let why = if providers.iter().any(|p| p.hook.is_none()) {
                "a regular resource of this release, created only after the pre-install hooks"
                    .to_string()
            } else {
                "created by a hook that does not run before this one at pre-install".to_string()
            };
            c.add(
                "HOOK004",
                obj,
                &path,
                format!("pre-install hook uses {kind} {name:?}: {why}"),
            );
        }
    }
}
