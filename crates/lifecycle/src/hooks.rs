//! Hook selection and order, as Helm's `execHook` does it: the hooks of one event taken in
//! their stored order (kind install order, then template path, then document position) and
//! stably sorted by weight, then name. Default and unknown delete policies too.

use serde::Serialize;

use capstan_release::{HookDeletePolicy, HookEvent, HookRecord};

use crate::error::LifecycleError;
use crate::objects::{parse_object, warn_on_failure, Resource};

/// `CustomResourceDefinition` hooks are never deleted by any policy.
pub const CRD_KIND: &str = "CustomResourceDefinition";

/// One hook to run, with the policies that will apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HookStep {
    /// Position in the release's `hooks` list (where its `last_run` is written).
    pub index: usize,
    /// The hook object.
    #[serde(flatten)]
    pub resource: Resource,
    /// `helm.sh/hook-weight`.
    pub weight: i64,
    /// Effective delete policies (`before-hook-creation` when none was given).
    pub delete_policies: Vec<String>,
    /// `helm.sh/hook-output-log-policy`.
    pub output_log_policies: Vec<String>,
    /// `capstan.io/hook-failure-policy: warn`.
    pub warn_on_failure: bool,
}

impl HookStep {
    /// Whether `policy` applies (never for CRDs).
    pub fn deletes_on(&self, policy: &str) -> bool {
        self.resource.r.kind != CRD_KIND && self.delete_policies.iter().any(|p| p == policy)
    }
}

/// Helm's default: a hook without delete policies gets `before-hook-creation`. Policies were
/// lower-cased and trimmed when the chart was sorted; unknown ones stay and match nothing.
pub fn effective_policies(h: &HookRecord) -> Vec<String> {
    if h.delete_policies.is_empty() {
        vec![HookDeletePolicy::BEFORE_HOOK_CREATION.to_owned()]
    } else {
        h.delete_policies.clone()
    }
}

/// The hooks of `event` in execution order.
pub fn ordered_hooks(
    hooks: &[HookRecord],
    event: HookEvent,
    namespace: &str,
) -> Result<Vec<HookStep>, LifecycleError> {
    let mut out = Vec::new();
    for (index, h) in hooks.iter().enumerate() {
        // A hook listing the event twice runs twice in Helm (it is appended once per match).
        for e in &h.events {
            if HookEvent::parse_annotation_item(e) != Some(event) {
                continue;
            }
            let resource = parse_object(&h.manifest, &h.path, namespace).map_err(|e| {
                LifecycleError::Manifest(format!(
                    "unable to build kubernetes object for {event} hook {}: {e}",
                    h.path
                ))
            })?;
            out.push(HookStep {
                index,
                warn_on_failure: warn_on_failure(&resource.object),
                resource,
                weight: h.weight,
                delete_policies: effective_policies(h),
                output_log_policies: h.output_log_policies.clone(),
            });
        }
    }
    // Stable: equal (weight, name) keep the stored kind/path/document order.
    out.sort_by(|a, b| {
        a.weight.cmp(&b.weight).then_with(|| {
            a.resource
                .r
                .name
                .as_bytes()
                .cmp(b.resource.r.name.as_bytes())
        })
    });
    Ok(out)
}

/// Groups consecutive hooks of equal weight (for `--parallel-hooks`).
pub fn weight_groups(hooks: &[HookStep]) -> Vec<&[HookStep]> {
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=hooks.len() {
        if i == hooks.len() || hooks[i].weight != hooks[start].weight {
            if start < i {
                groups.push(&hooks[start..i]);
            }
            start = i;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(name: &str, kind: &str, path: &str, weight: i64, events: &[&str]) -> HookRecord {
        HookRecord {
            name: name.into(),
            kind: kind.into(),
            path: path.into(),
            manifest: format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n"),
            events: events.iter().map(|e| e.to_string()).collect(),
            weight,
            ..HookRecord::default()
        }
    }

    #[test]
    fn order_is_weight_then_name_then_stored_order() {
        // Stored order is kind order: ServiceAccount before Job.
        let hooks = vec![
            hook(
                "z-sa",
                "ServiceAccount",
                "c/templates/a.yaml",
                0,
                &["pre-install"],
            ),
            hook(
                "same",
                "ServiceAccount",
                "c/templates/b.yaml",
                0,
                &["pre-install"],
            ),
            hook("same", "Job", "c/templates/a.yaml", 0, &["pre-install"]),
            hook(
                "a-migrate",
                "Job",
                "c/templates/a.yaml",
                0,
                &["pre-install"],
            ),
            hook(
                "first",
                "Job",
                "c/templates/a.yaml",
                -5,
                &["pre-install", "post-install"],
            ),
            hook("other", "Job", "c/templates/a.yaml", -9, &["post-install"]),
        ];
        let got: Vec<(String, String)> = ordered_hooks(&hooks, HookEvent::PreInstall, "d")
            .expect("orders")
            .into_iter()
            .map(|h| (h.resource.r.name, h.resource.r.kind))
            .collect();
        let want = [
            ("first", "Job"),
            ("a-migrate", "Job"),
            ("same", "ServiceAccount"),
            ("same", "Job"),
            ("z-sa", "ServiceAccount"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn default_and_unknown_policies() {
        let mut h = hook("h", "Job", "p", 0, &["test-success"]);
        assert_eq!(effective_policies(&h), ["before-hook-creation"]);
        h.delete_policies = vec!["hook-succeeded".into(), "bogus".into()];
        let steps = ordered_hooks(&[h], HookEvent::Test, "d").expect("orders");
        assert_eq!(steps.len(), 1, "test-success is test");
        assert!(steps[0].deletes_on("hook-succeeded"));
        assert!(!steps[0].deletes_on("before-hook-creation"));
        let mut crd = hook("c", CRD_KIND, "p", 0, &["pre-install"]);
        crd.manifest = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: c\n".into();
        let steps = ordered_hooks(&[crd], HookEvent::PreInstall, "d").expect("orders");
        assert!(
            !steps[0].deletes_on("before-hook-creation"),
            "CRDs are never deleted"
        );
    }

    #[test]
    fn groups_by_weight() {
        let hooks = vec![
            hook("a", "Job", "p", 0, &["pre-install"]),
            hook("b", "Job", "p", 0, &["pre-install"]),
            hook("c", "Job", "p", 1, &["pre-install"]),
        ];
        let steps = ordered_hooks(&hooks, HookEvent::PreInstall, "d").expect("orders");
        let g = weight_groups(&steps);
        assert_eq!(g.iter().map(|g| g.len()).collect::<Vec<_>>(), [2, 1]);
    }
}
