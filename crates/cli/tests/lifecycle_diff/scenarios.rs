//! The scenarios of the differential suite: each runs on a fresh sandbox with release `r` in
//! namespace `default`. Charts are under testdata/lifecycle-charts (see its README).
#![allow(dead_code)]

use super::harness::Scenario;

macro_rules! sc {
    ($name:expr, $chart:expr, [$([$($a:expr),* $(,)?]),* $(,)?]) => {
        Scenario { name: $name, chart: $chart, steps: &[$(&[$($a),*]),*] }
    };
}

/// Every scenario, in a fixed order.
pub fn all() -> Vec<Scenario> {
    let mut v = vec![
        sc!(
            "events-lifecycle",
            "events",
            [
                ["install", "r", "{chart}"],
                ["upgrade", "r", "{chart}", "--set", "version=2"],
                ["rollback", "r", "1"],
                ["test", "r", "--logs"],
                ["history", "r"],
                ["uninstall", "r"],
            ]
        ),
        sc!(
            "events-upgrade-removes-objects",
            "events",
            [
                ["install", "r", "{chart}", "--set", "extra=true"],
                ["upgrade", "r", "{chart}", "--reset-values"],
                ["status", "r"],
                ["uninstall", "r"],
            ]
        ),
        sc!(
            "events-keep-history-replace",
            "events",
            [
                ["install", "r", "{chart}"],
                ["uninstall", "r", "--keep-history"],
                ["history", "r"],
                ["install", "r", "{chart}"],
                ["install", "r", "{chart}", "--replace"],
                ["list", "--all"],
            ]
        ),
        sc!(
            "fail-pre-install",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.preInstall=true"],
                ["status", "r"],
                ["upgrade", "r", "{chart}", "--set", "fail.preInstall=false"],
                ["uninstall", "r"],
            ]
        ),
        sc!(
            "fail-post-install",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.postInstall=true"],
                ["history", "r"],
                ["uninstall", "r"],
            ]
        ),
        sc!(
            "fail-pre-upgrade",
            "events",
            [
                ["install", "r", "{chart}"],
                ["upgrade", "r", "{chart}", "--set", "fail.preUpgrade=true"],
                ["history", "r"],
                ["rollback", "r"],
                ["history", "r"],
            ]
        ),
        sc!(
            "fail-post-upgrade",
            "events",
            [
                ["install", "r", "{chart}"],
                ["upgrade", "r", "{chart}", "--set", "fail.postUpgrade=true"],
                ["history", "r"],
                ["upgrade", "r", "{chart}", "--set", "version=3"],
                ["history", "r"],
            ]
        ),
        sc!(
            "fail-pre-rollback",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.preRollback=true"],
                ["upgrade", "r", "{chart}", "--set", "fail.preRollback=false"],
                ["rollback", "r", "1"],
                ["history", "r"],
                ["upgrade", "r", "{chart}", "--set", "version=4"],
            ]
        ),
        sc!(
            "fail-post-rollback",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.postRollback=true"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--set",
                    "fail.postRollback=false"
                ],
                ["rollback", "r", "1"],
                ["history", "r"],
                ["upgrade", "r", "{chart}", "--set", "version=4"],
            ]
        ),
        // The same with capstan's opt-in fix (helm runs without the flag: see
        // harness::CAPSTAN_ONLY_FLAGS), a documented difference.
        sc!(
            "fail-pre-rollback-fail-on-hook-error",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.preRollback=true"],
                ["upgrade", "r", "{chart}", "--set", "fail.preRollback=false"],
                ["rollback", "r", "1", "--fail-on-hook-error"],
                ["history", "r"],
                ["upgrade", "r", "{chart}", "--set", "version=4"],
            ]
        ),
        sc!(
            "fail-post-rollback-fail-on-hook-error",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.postRollback=true"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--set",
                    "fail.postRollback=false"
                ],
                ["rollback", "r", "1", "--fail-on-hook-error"],
                ["history", "r"],
                ["upgrade", "r", "{chart}", "--set", "version=4"],
            ]
        ),
        sc!(
            "fail-pre-delete",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.preDelete=true"],
                ["uninstall", "r"],
                ["status", "r"],
                ["uninstall", "r", "--no-hooks"],
                ["list", "--all"],
            ]
        ),
        sc!(
            "fail-post-delete",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.postDelete=true"],
                ["uninstall", "r"],
                ["list", "--all"],
            ]
        ),
        sc!(
            "fail-test",
            "events",
            [
                ["install", "r", "{chart}", "--set", "fail.test=true"],
                ["test", "r", "--logs"],
                ["status", "r"],
                ["upgrade", "r", "{chart}", "--set", "fail.test=false"],
                ["test", "r", "--filter", "name=hk-test-ok"],
            ]
        ),
        sc!(
            "rollback-on-failure-install",
            "events",
            [
                [
                    "install",
                    "r",
                    "{chart}",
                    "--rollback-on-failure",
                    "--set",
                    "fail.postInstall=true"
                ],
                ["list", "--all"],
                ["install", "r", "{chart}"],
            ]
        ),
        sc!(
            "rollback-on-failure-upgrade",
            "events",
            [
                ["install", "r", "{chart}"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--rollback-on-failure",
                    "--set",
                    "fail.preUpgrade=true"
                ],
                ["history", "r"],
            ]
        ),
        sc!(
            "atomic-upgrade-post-hook",
            "events",
            [
                ["install", "r", "{chart}"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--atomic",
                    "--set",
                    "fail.postUpgrade=true"
                ],
                ["history", "r"],
            ]
        ),
        sc!(
            "cleanup-on-fail",
            "events",
            [
                ["install", "r", "{chart}"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--cleanup-on-fail",
                    "--set",
                    "extra=true",
                    "--set",
                    "fail.postUpgrade=true"
                ],
                ["history", "r"],
                ["status", "r"],
            ]
        ),
        sc!(
            "no-hooks",
            "events",
            [
                ["install", "r", "{chart}", "--no-hooks"],
                [
                    "upgrade",
                    "r",
                    "{chart}",
                    "--no-hooks",
                    "--set",
                    "version=2"
                ],
                ["rollback", "r", "1", "--no-hooks"],
                ["uninstall", "r", "--no-hooks"],
            ]
        ),
        sc!(
            "weights",
            "weights",
            [
                ["install", "r", "{chart}"],
                ["upgrade", "r", "{chart}", "--set", "version=2"],
                ["get", "hooks", "r"],
                ["uninstall", "r"],
            ]
        ),
    ];
    for combo in POLICY_COMBOS {
        v.push(policy_scenario(combo));
    }
    v
}

/// The delete-policy combinations of the `policies` chart (Job `hk-p-<combo>`).
pub const POLICY_COMBOS: [&str; 8] = [
    "none", "bhc", "hs", "hf", "bhc-hs", "bhc-hf", "hs-hf", "all",
];

fn policy_scenario(combo: &'static str) -> Scenario {
    // Steps must be 'static: build them once per combination and leak (eight tiny slices).
    let set: &'static str = Box::leak(format!("failHook={combo}").into_boxed_str());
    let name: &'static str = Box::leak(format!("policies-fail-{combo}").into_boxed_str());
    let steps: Vec<&'static [&'static str]> = vec![
        &["install", "r", "{chart}"],
        Box::leak(vec!["upgrade", "r", "{chart}", "--set", set].into_boxed_slice()),
        &[
            "upgrade",
            "r",
            "{chart}",
            "--set",
            "failHook=",
            "--set",
            "version=3",
        ],
        &["uninstall", "r"],
    ];
    Scenario {
        name,
        chart: "policies",
        steps: Box::leak(steps.into_boxed_slice()),
    }
}
