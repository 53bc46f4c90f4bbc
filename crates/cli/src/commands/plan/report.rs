//! The plan explained: each step with what it does, each hook with what its success and
//! its failure lead to, the action's failure semantics, and the resources compared with the
//! cluster. Serialised as the `-o json` document; `text.rs` prints it.

use capstan_lifecycle::hooks::HookStep;
use capstan_lifecycle::objects::{resources_from_manifest, ObjRef, Resource};
use capstan_lifecycle::{Action, FailurePolicy, Plan, Step};
use capstan_release::HookEvent;
use serde::Serialize;

use super::diff::{changed_fields, FieldChange, MAX_FIELDS};
use crate::commands::session::Session;

/// Where live objects come from.
pub enum LiveView<'a> {
    /// A reachable cluster.
    Cluster(&'a Session),
    /// None; the text says why.
    Offline(String),
}

/// The whole explained plan.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The command planned.
    pub action: Action,
    /// Release name.
    pub release: String,
    /// Release namespace.
    pub namespace: String,
    /// The revision the action creates (or works on, for uninstall).
    pub revision: i64,
    /// Whether live objects were compared.
    pub cluster: ClusterView,
    /// The phases, in order.
    pub timeline: Vec<Phase>,
    /// What a failure does (the lifecycle's policy, as data).
    pub on_failure: FailurePolicy,
    /// The same in words.
    pub on_failure_text: Vec<String>,
    /// Resources to be created, changed, left alone, deleted and kept.
    pub resources: ResourceReport,
    /// Warnings (deprecated chart, unknown hooks dropped, ...).
    pub warnings: Vec<String>,
    /// The lifecycle plan itself, step by step.
    pub steps: Vec<Step>,
}

/// The cluster side of the plan.
#[derive(Debug, Serialize)]
pub struct ClusterView {
    /// Live objects were read.
    pub reachable: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One phase of the timeline.
#[derive(Debug, Serialize)]
pub struct Phase {
    /// The step's name (`pre-upgrade hooks`, `apply resources`, ...).
    pub phase: String,
    /// What it does.
    pub detail: String,
    /// Its hooks in execution order (hook phases only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<HookLine>,
}

/// One hook of a hook phase.
#[derive(Debug, Serialize)]
pub struct HookLine {
    /// `helm.sh/hook-weight`.
    pub weight: i64,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Template.
    pub path: String,
    /// Effective delete policies.
    pub delete_policies: Vec<String>,
    /// What happens to the hook object when the event's hooks succeed.
    pub on_success: String,
    /// What the hook's failure does.
    pub on_failure: String,
}

/// An object of the resource report.
#[derive(Debug, Serialize)]
pub struct Obj {
    /// Identity.
    #[serde(flatten)]
    pub r: ObjRef,
    /// Template.
    pub path: String,
}

/// A changed object and its fields.
#[derive(Debug, Serialize)]
pub struct Changed {
    /// The object.
    #[serde(flatten)]
    pub obj: Obj,
    /// Fields that change (at most `MAX_FIELDS`).
    pub fields: Vec<FieldChange>,
    /// How many more changed fields there are.
    pub more_fields: usize,
}

/// The resources by fate.
#[derive(Debug, Default, Serialize)]
pub struct ResourceReport {
    /// Not live: created.
    pub create: Vec<Obj>,
    /// Live and different.
    pub change: Vec<Changed>,
    /// Live and equal in every field the chart sets.
    pub unchanged: Vec<Obj>,
    /// Deleted.
    pub delete: Vec<Obj>,
    /// Left in place by `helm.sh/resource-policy: keep`.
    pub keep: Vec<Obj>,
}

fn obj(r: &Resource) -> Obj {
    Obj {
        r: r.r.clone(),
        path: r.path.clone(),
    }
}

/// Builds the report. `previous` is the manifest of the revision being replaced (upgrade,
/// rollback), whose fields the new apply drops.
pub fn build_report(
    plan: &Plan,
    previous: Option<&str>,
    live: &LiveView<'_>,
) -> anyhow::Result<Report> {
    let prev = match previous {
        Some(m) => resources_from_manifest(m, &plan.namespace)?,
        None => Vec::new(),
    };
    let resources = compare(plan, &prev, live)?;
    let timeline = plan
        .steps
        .iter()
        .map(|s| phase(plan, s, &resources, live))
        .collect();
    let cluster = match live {
        LiveView::Cluster(_) => ClusterView {
            reachable: true,
            note: None,
        },
        LiveView::Offline(why) => ClusterView {
            reachable: false,
            note: Some(format!("{why}; every resource is shown as to be created")),
        },
    };
    Ok(Report {
        action: plan.action,
        release: plan.release.clone(),
        namespace: plan.namespace.clone(),
        revision: plan.revision,
        cluster,
        timeline,
        on_failure: plan.on_failure.clone(),
        on_failure_text: failure_text(plan),
        resources,
        warnings: plan.warnings.clone(),
        steps: plan.steps.clone(),
    })
}

/// The live object, `None` when absent or unreadable (a kind the server does not serve yet,
/// such as one of the chart's own CRDs, reads as absent).
fn live_object(live: &LiveView<'_>, r: &Resource, ns: &str) -> Option<serde_json::Value> {
    let LiveView::Cluster(s) = live else {
        return None;
    };
    let res = capstan_kube::resources::Resources::new(s.cluster.client.clone());
    s.block_on(res_get(&res, &r.object, ns))
}

async fn res_get(
    res: &capstan_kube::resources::Resources,
    obj: &serde_json::Value,
    ns: &str,
) -> Option<serde_json::Value> {
    capstan_kube::cluster::Cluster::get(res, obj, ns)
        .await
        .ok()
        .flatten()
}

fn is_kept(live: &serde_json::Value) -> bool {
    live.pointer("/metadata/annotations/helm.sh~1resource-policy")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("keep"))
}

fn compare(plan: &Plan, prev: &[Resource], live: &LiveView<'_>) -> anyhow::Result<ResourceReport> {
    let mut out = ResourceReport::default();
    let ns = &plan.namespace;
    for step in &plan.steps {
        match step {
            Step::ApplyResources { resources } => {
                for r in resources {
                    let Some(l) = live_object(live, r, ns) else {
                        out.create.push(obj(r));
                        continue;
                    };
                    let before = prev.iter().find(|p| p.r.same_object(&r.r));
                    let mut fields = changed_fields(&r.object, &l, before.map(|p| &p.object));
                    if fields.is_empty() {
                        out.unchanged.push(obj(r));
                    } else {
                        let more = fields.len().saturating_sub(MAX_FIELDS);
                        fields.truncate(MAX_FIELDS);
                        out.change.push(Changed {
                            obj: obj(r),
                            fields,
                            more_fields: more,
                        });
                    }
                }
            }
            Step::DeleteRemoved { resources } => {
                for r in resources {
                    match live_object(live, r, ns) {
                        Some(l) if is_kept(&l) => out.keep.push(obj(r)),
                        _ => out.delete.push(obj(r)),
                    }
                }
            }
            Step::DeleteResources { resources, kept } => {
                out.delete.extend(resources.iter().map(obj));
                out.keep.extend(kept.iter().map(|k| Obj {
                    r: k.clone(),
                    path: String::new(),
                }));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn revisions(list: &[i64]) -> String {
    list.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn phase(plan: &Plan, step: &Step, res: &ResourceReport, live: &LiveView<'_>) -> Phase {
    let mut hooks = Vec::new();
    let detail = match step {
        Step::RecoverStale { revision, status } => format!(
            "revision {revision} was left {status} by an operation that is gone: mark it failed first"
        ),
        Step::CreateNamespace { name } => format!("create namespace {name:?}"),
        Step::CreateCrds { crds } => format!(
            "create {} CRD(s) from crds/ (existing ones are left alone)",
            crds.len()
        ),
        Step::CheckOwnership {
            resources,
            take_ownership,
            ..
        } => {
            if *take_ownership {
                format!(
                    "adopt {} object(s) whatever their owner (--take-ownership)",
                    resources.len()
                )
            } else {
                format!(
                    "{} object(s) must be absent or already belong to this release",
                    resources.len()
                )
            }
        }
        Step::SupersedeReplaced { revision } => {
            format!("mark revision {revision} superseded (--replace)")
        }
        Step::CreateRecord {
            revision,
            status,
            description,
        } => format!("store revision {revision} as {status} ({description:?})"),
        Step::UpdateRecord {
            status,
            description,
        } => format!(
            "record revision {} as {status} ({description:?})",
            plan.revision
        ),
        Step::RunHooks {
            hook_event,
            hooks: list,
            parallel,
        } => {
            for (i, h) in list.iter().enumerate() {
                hooks.push(hook_line(plan, *hook_event, h, i + 1 < list.len()));
            }
            match (list.len(), parallel) {
                (0, _) => "no hooks for this event".to_owned(),
                (n, true) => format!("{n} hook(s) by weight; equal weights run together"),
                (n, false) => format!("{n} hook(s), one at a time in this order, each waited for"),
            }
        }
        Step::ApplyResources { resources } => match live {
            LiveView::Cluster(_) => format!(
                "apply {} resource(s) in install order: {} to create, {} to change, {} unchanged",
                resources.len(),
                res.create.len(),
                res.change.len(),
                res.unchanged.len()
            ),
            LiveView::Offline(_) => format!(
                "apply {} resource(s) in install order (cluster not read)",
                resources.len()
            ),
        },
        Step::DeleteRemoved { resources } => format!(
            "delete {} object(s) the new manifest no longer has (unless helm.sh/resource-policy: keep)",
            resources.len()
        ),
        Step::WaitReady {
            resources,
            wait_for_jobs,
        } => format!(
            "wait until {} resource(s) are ready{}",
            resources.len(),
            if *wait_for_jobs { " and Jobs complete" } else { "" }
        ),
        Step::DeleteResources { resources, kept } => format!(
            "delete {} object(s) in uninstall order, keep {} (helm.sh/resource-policy: keep)",
            resources.len(),
            kept.len()
        ),
        Step::WaitDeleted { resources } => {
            format!("wait until {} object(s) are gone", resources.len())
        }
        Step::Supersede { revisions: r } => format!("mark revision(s) {} superseded", revisions(r)),
        Step::PurgeHistory { revisions: r } => {
            format!("delete the stored revision(s) {}", revisions(r))
        }
    };
    Phase {
        phase: step.name(),
        detail,
        hooks,
    }
}

/// The revision that stays deployed when an upgrade fails (the one the plan supersedes).
fn replaced_revision(plan: &Plan) -> Option<i64> {
    plan.steps.iter().find_map(|s| match s {
        Step::Supersede { revisions } => revisions.first().copied(),
        _ => None,
    })
}

fn hook_line(plan: &Plan, event: HookEvent, h: &HookStep, later: bool) -> HookLine {
    let rev = plan.revision;
    let is_post = matches!(
        event,
        HookEvent::PostInstall
            | HookEvent::PostUpgrade
            | HookEvent::PostRollback
            | HookEvent::PostDelete
    );
    let stays = replaced_revision(plan)
        .map(|c| format!("; revision {c} stays deployed"))
        .unwrap_or_default();
    let mut fails = match event {
        HookEvent::PreInstall => {
            format!("install fails: revision {rev} recorded failed, no resource applied")
        }
        HookEvent::PostInstall => {
            format!("install fails: revision {rev} recorded failed, its resources stay applied")
        }
        HookEvent::PreUpgrade => format!(
            "upgrade fails: revision {rev} recorded failed before any resource changes{stays}"
        ),
        HookEvent::PostUpgrade => format!(
            "upgrade fails: revision {rev} recorded failed with its resources applied{stays}"
        ),
        HookEvent::PreRollback | HookEvent::PostRollback => match plan.on_failure {
            FailurePolicy::Rollback {
                fail_on_hook_error: false,
                ..
            } => format!(
                "rollback fails: revision {rev} is left pending-rollback (helm's behaviour)"
            ),
            _ => format!("rollback fails: revision {rev} recorded failed"),
        },
        HookEvent::PreDelete => {
            "uninstall stops: the release stays uninstalling, nothing is deleted".to_owned()
        }
        HookEvent::PostDelete => {
            "reported as an error after the resources are deleted and the record written".to_owned()
        }
        HookEvent::Test => {
            "the test run reports FAILED (exit 1); the release status does not change".to_owned()
        }
    };
    if h.warn_on_failure && is_post {
        fails = "only a warning (capstan.io/hook-failure-policy: warn): the release is still recorded deployed, with the warning in its description".to_owned();
    }
    if later {
        fails.push_str("; later hooks of this event do not run");
    }
    if h.deletes_on("hook-failed") {
        fails.push_str("; the hook object is deleted (hook-failed)");
    } else {
        fails.push_str("; the hook object is kept for inspection");
    }
    let on_success = if h.deletes_on("hook-succeeded") {
        "deleted once all hooks of this event succeeded (hook-succeeded)".to_owned()
    } else if h.deletes_on("before-hook-creation") {
        "kept until its next run replaces it (before-hook-creation)".to_owned()
    } else {
        "kept".to_owned()
    };
    HookLine {
        weight: h.weight,
        kind: h.resource.r.kind.clone(),
        name: h.resource.r.name.clone(),
        path: h.resource.path.clone(),
        delete_policies: h.delete_policies.clone(),
        on_success,
        on_failure: fails,
    }
}

fn failure_text(plan: &Plan) -> Vec<String> {
    let rev = plan.revision;
    let name = &plan.release;
    match &plan.on_failure {
        FailurePolicy::Install { uninstall } => {
            let mut v = vec![format!(
                "a failure after revision {rev} is stored marks it failed (\"Release {name:?} failed: <error>\"); nothing is undone"
            )];
            if *uninstall {
                v.push("--rollback-on-failure: the release is then uninstalled (its pre- and post-delete hooks run) and its history purged".into());
            }
            v
        }
        FailurePolicy::Upgrade {
            cleanup_on_fail,
            rollback_to,
            rollback_on_failure,
        } => {
            let stays = replaced_revision(plan)
                .map(|c| format!("; revision {c} stays deployed"))
                .unwrap_or_default();
            let mut v = vec![format!(
                "revision {rev} is recorded failed (\"Upgrade {name:?} failed: <error>\"){stays}; applied changes are not undone"
            )];
            if *cleanup_on_fail {
                v.push("--cleanup-on-fail: the objects this upgrade created are deleted".into());
            }
            if *rollback_on_failure {
                v.push(match rollback_to {
                    Some(to) => format!(
                        "--rollback-on-failure: a rollback to revision {to} follows as revision {} (its pre- and post-rollback hooks run)",
                        rev + 1
                    ),
                    None => "--rollback-on-failure: there is no earlier good revision to roll back to".into(),
                });
            }
            v
        }
        FailurePolicy::Rollback {
            cleanup_on_fail,
            fail_on_hook_error,
        } => {
            let mut v = vec![format!(
                "a failed apply or wait marks revision {rev} failed"
            )];
            v.push(if *fail_on_hook_error {
                format!("a failed pre- or post-rollback hook marks revision {rev} failed (capstan; helm leaves it pending-rollback)")
            } else {
                format!("a failed pre- or post-rollback hook leaves revision {rev} pending-rollback, as helm does")
            });
            if *cleanup_on_fail {
                v.push("--cleanup-on-fail: the objects this rollback created are deleted".into());
            }
            v
        }
        FailurePolicy::Uninstall => vec![
            "a failed pre-delete hook stops the uninstall: the release stays uninstalling and nothing is deleted".into(),
            "post-delete hook failures are reported after the resources are deleted and the record is written".into(),
        ],
        FailurePolicy::Test => vec![
            "a failed test hook makes the run FAILED (exit 1); the release status never changes".into(),
        ],
    }
}
