//! Facts from hooks-spec.md that helm 4.3.1's captures must show. They prove the harness
//! observes what matters (hook order, deletions, statuses, objects) before capstan is compared
//! with it, and they pin the helm behaviour the differential suite relies on.

use super::harness::StepCapture;

/// Collects failed expectations.
struct Facts<'a> {
    caps: &'a [StepCapture],
    failed: Vec<String>,
}

impl Facts<'_> {
    fn step(&self, i: usize) -> &StepCapture {
        &self.caps[i]
    }
    fn expect(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.failed.push(what.into());
        }
    }
    fn code(&mut self, i: usize, code: i32) {
        let got = self.step(i).code;
        self.expect(
            got == code,
            format!("step {i}: exit {got}, expected {code}"),
        );
    }
    fn status(&mut self, i: usize, rev: u64, status: Option<&str>) {
        let got = self.step(i).status_of(rev);
        self.expect(
            got.as_deref() == status,
            format!("step {i}: revision {rev} is {got:?}, expected {status:?}"),
        );
    }
    fn stderr_has(&mut self, i: usize, text: &str) {
        let err = self.step(i).stderr.clone();
        self.expect(
            err.contains(text),
            format!("step {i}: stderr lacks {text:?}: {err}"),
        );
    }
    fn object(&mut self, i: usize, kind_name: &str, present: bool) {
        let has = self.step(i).has_object(kind_name);
        self.expect(
            has == present,
            format!("step {i}: {kind_name} present={has}, expected {present}"),
        );
    }
    fn hook_ops(&mut self, i: usize, expected: &[&str]) {
        let got = self.step(i).hook_ops.clone();
        self.expect(
            got == expected,
            format!("step {i}: hook operations {got:?}, expected {expected:?}"),
        );
    }
    fn no_records(&mut self, i: usize) {
        let n = self.step(i).records.len();
        self.expect(n == 0, format!("step {i}: {n} release records left"));
    }
}

/// The failed expectations of scenario `name` (empty when all hold).
pub fn check(name: &str, caps: &[StepCapture]) -> Vec<String> {
    let mut f = Facts {
        caps,
        failed: Vec::new(),
    };
    for (i, c) in caps.iter().enumerate() {
        f.expect(
            !c.stderr.contains("[harness: killed"),
            format!("step {i} hung"),
        );
    }
    match name {
        "events-lifecycle" => {
            // Install: pending record first, hooks in weight order around the objects, the
            // hook-succeeded post-install hook deleted, default policy keeps pre-install.
            f.hook_ops(
                0,
                &[
                    "apply configmaps hk-multi",
                    "apply jobs hk-pre-install",
                    "apply jobs hk-post-install",
                    "delete jobs hk-post-install",
                ],
            );
            f.status(1, 1, Some("superseded"));
            f.status(1, 2, Some("deployed"));
            // Rollback runs the target's rollback hooks, before-hook-creation replaces the
            // multi-event ConfigMap.
            f.hook_ops(
                2,
                &[
                    "delete configmaps hk-multi",
                    "apply configmaps hk-multi",
                    "apply jobs hk-pre-rollback",
                    "apply jobs hk-post-rollback",
                    "delete jobs hk-post-rollback",
                ],
            );
            f.status(2, 3, Some("deployed"));
            f.status(2, 2, Some("superseded"));
            // Tests: test-success is a test; hook-succeeded removes it, the others stay.
            f.code(3, 0);
            f.object(3, "Pod/hk-test-success", false);
            f.object(3, "Pod/hk-test-ok", true);
            // Uninstall purges history, keeps resource-policy keep, never deletes hooks.
            f.no_records(5);
            f.object(5, "ConfigMap/r-kept", true);
            f.object(5, "ConfigMap/r-cfg", false);
            f.object(5, "Job/hk-pre-install", true);
            f.object(5, "ConfigMap/hk-multi", true);
        }
        "events-upgrade-removes-objects" => {
            f.object(0, "ConfigMap/r-extra", true);
            f.object(1, "ConfigMap/r-extra", false);
            // The live object's keep annotation protects it on upgrade.
            f.object(1, "ConfigMap/r-extra-kept", true);
            f.object(3, "ConfigMap/r-kept", true);
        }
        "events-keep-history-replace" => {
            f.status(1, 1, Some("uninstalled"));
            f.code(3, 1);
            f.stderr_has(3, "cannot reuse a name that is still in use");
            f.code(4, 0);
            f.status(4, 2, Some("deployed"));
        }
        "fail-pre-install" => {
            f.code(0, 1);
            f.stderr_has(0, "INSTALLATION FAILED: failed pre-install:");
            f.status(0, 1, Some("failed"));
            f.object(0, "ConfigMap/r-cfg", false);
            // A failed first install can be upgraded.
            f.code(2, 0);
            f.status(2, 2, Some("deployed"));
        }
        "fail-post-install" => {
            f.code(0, 1);
            f.stderr_has(0, "INSTALLATION FAILED: failed post-install:");
            f.status(0, 1, Some("failed"));
            f.object(0, "ConfigMap/r-cfg", true);
        }
        "fail-pre-upgrade" => {
            f.code(1, 1);
            f.stderr_has(1, "UPGRADE FAILED: pre-upgrade hooks failed:");
            f.status(1, 1, Some("deployed"));
            f.status(1, 2, Some("failed"));
            // Rollback without a revision goes to last-1, revision 1 here.
            f.code(3, 0);
            f.status(3, 3, Some("deployed"));
        }
        "fail-post-upgrade" => {
            f.code(1, 1);
            f.stderr_has(1, "UPGRADE FAILED: post-upgrade hooks failed:");
            // Supersede happens only after post hooks: revision 1 stays deployed.
            f.status(1, 1, Some("deployed"));
            f.status(1, 2, Some("failed"));
            // The failed post-upgrade Job (hook-succeeded only, so kept) is still there: helm 4
            // applies the hook onto it server-side, reads it as Failed again, and the next
            // upgrade fails too (issue #3714's pitfall in its v4 form).
            f.code(3, 1);
            f.status(3, 1, Some("deployed"));
            f.status(3, 3, Some("failed"));
        }
        "fail-pre-rollback"
        | "fail-post-rollback"
        | "fail-pre-rollback-fail-on-hook-error"
        | "fail-post-rollback-fail-on-hook-error" => {
            // The quirk capstan deliberately fixes: helm leaves pending-rollback, and the
            // next upgrade is refused.
            f.code(2, 1);
            f.status(2, 3, Some("pending-rollback"));
            f.code(4, 1);
            f.stderr_has(
                4,
                "UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
            );
            let post = name.starts_with("fail-post-rollback");
            f.object(2, "ConfigMap/r-cfg", true);
            f.expect(
                f.step(2)
                    .hook_ops
                    .iter()
                    .any(|o| o == "apply jobs hk-post-rollback")
                    == post,
                "post-rollback hook runs only when pre-rollback succeeded",
            );
        }
        "fail-pre-delete" => {
            f.code(1, 1);
            f.status(1, 1, Some("uninstalling"));
            f.object(1, "ConfigMap/r-cfg", true);
            f.code(3, 0);
            f.no_records(3);
            f.hook_ops(3, &[]);
        }
        "fail-post-delete" => {
            f.code(1, 1);
            f.stderr_has(1, "uninstallation completed with 1 error(s):");
            f.no_records(1);
            f.object(1, "ConfigMap/r-cfg", false);
        }
        "fail-test" => {
            f.code(1, 1);
            f.stderr_has(1, "hk-test-maybe-fail");
            f.status(1, 1, Some("deployed"));
            f.code(4, 0);
            // The filter runs only the named test (before-hook-creation replaces it).
            f.hook_ops(4, &["delete pods hk-test-ok", "apply pods hk-test-ok"]);
        }
        "rollback-on-failure-install" => {
            f.code(0, 1);
            f.stderr_has(
                0,
                "has been uninstalled due to rollback-on-failure being set: failed post-install:",
            );
            f.no_records(0);
            f.object(0, "ConfigMap/r-cfg", false);
            // The uninstall ran the delete hooks.
            f.expect(
                f.step(0)
                    .hook_ops
                    .iter()
                    .any(|o| o == "apply jobs hk-pre-delete"),
                "uninstall after a failed install runs pre-delete hooks",
            );
        }
        "rollback-on-failure-upgrade" | "atomic-upgrade-post-hook" => {
            f.code(1, 1);
            f.stderr_has(
                1,
                "has been rolled back due to rollback-on-failure being set:",
            );
            f.status(1, 2, Some("failed"));
            f.status(1, 3, Some("deployed"));
            f.status(1, 1, Some("superseded"));
        }
        "cleanup-on-fail" => {
            f.code(1, 1);
            // Only objects created by the failed upgrade are deleted, keep or not.
            f.object(1, "ConfigMap/r-extra", false);
            f.object(1, "ConfigMap/r-extra-kept", false);
            f.object(1, "ConfigMap/r-cfg", true);
            f.status(1, 2, Some("failed"));
        }
        "no-hooks" => {
            for i in 0..caps.len() {
                f.hook_ops(i, &[]);
            }
            f.status(2, 3, Some("deployed"));
            f.no_records(3);
        }
        "weights" => {
            // Weight, then name, then kind install order; "notanumber" and "1.5" are 0,
            // "+7" is 7; hook-succeeded deletions run in reverse order.
            let order = [
                "configmaps hk-w-neg",
                "jobs hk-w-a",
                "jobs hk-w-b",
                "secrets hk-w-dec",
                "configmaps hk-w-nan",
                "serviceaccounts hk-w-same",
                "configmaps hk-w-same",
                "jobs hk-w-same",
                "jobs hk-w-plus",
                "pods hk-w-pod",
            ];
            let mut expected: Vec<String> = order.iter().map(|o| format!("apply {o}")).collect();
            for o in order.iter().rev() {
                // The ServiceAccount and the Pod have before-hook-creation only.
                if !o.starts_with("serviceaccounts") && !o.starts_with("pods") {
                    expected.push(format!("delete {o}"));
                }
            }
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            f.hook_ops(0, &exp);
            f.stderr_has(0, "<unknown-hook notice>");
            let hooks = f.step(0).records[0]["hooks"].as_array().map_or(0, Vec::len);
            f.expect(
                hooks == 10,
                format!("{hooks} hooks stored, expected 10 (unknown dropped)"),
            );
            f.object(0, "ConfigMap/hk-w-unknown", false);
        }
        n if n.starts_with("policies-fail-") => {
            let combo = &n["policies-fail-".len()..];
            // Install: hook-succeeded hooks deleted in reverse order, the rest stay.
            f.hook_ops(
                0,
                &[
                    "apply jobs hk-p-none",
                    "apply jobs hk-p-bhc",
                    "apply jobs hk-p-hs",
                    "apply jobs hk-p-hf",
                    "apply jobs hk-p-bhc-hs",
                    "apply jobs hk-p-bhc-hf",
                    "apply jobs hk-p-hs-hf",
                    "apply jobs hk-p-all",
                    "delete jobs hk-p-all",
                    "delete jobs hk-p-hs-hf",
                    "delete jobs hk-p-bhc-hs",
                    "delete jobs hk-p-hs",
                ],
            );
            if combo == "hf" {
                // Kept after its successful run and without before-hook-creation, the Job is
                // applied onto the completed one, which stays Complete: no failure.
                f.code(1, 0);
                f.status(1, 2, Some("deployed"));
                return f.failed;
            }
            f.code(1, 1);
            f.stderr_has(1, &format!("Job/default/hk-p-{combo} not ready"));
            let hf = combo.contains("hf") || combo == "all";
            f.object(1, &format!("Job/hk-p-{combo}"), !hf);
            // Helm 4 also removes the earlier hook-succeeded hooks of the failed event.
            let at = super::scenarios::POLICY_COMBOS
                .iter()
                .position(|c| *c == combo)
                .unwrap_or(0);
            for earlier in &super::scenarios::POLICY_COMBOS[..at] {
                let hs = earlier.contains("hs") || *earlier == "all";
                f.object(1, &format!("Job/hk-p-{earlier}"), !hs);
            }
            // Hooks after the failed one never run.
            let names = super::scenarios::POLICY_COMBOS;
            let at = names.iter().position(|c| *c == combo).unwrap_or(0);
            for later in &names[at + 1..] {
                let op = format!("apply jobs hk-p-{later}");
                f.expect(
                    !f.step(1).hook_ops.contains(&op),
                    format!("{op} ran after the failed hook"),
                );
            }
        }
        _ => {}
    }
    f.failed
}
