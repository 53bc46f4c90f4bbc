//! The Job controller: creates pods up to parallelism, counts successes and failures, and
//! ends the Job Complete or Failed (BackoffLimitExceeded, DeadlineExceeded) with the real
//! condition types; honours ttlSecondsAfterFinished.

use super::{meta, owned_pods, owner_ref, pod_done, pod_ready, set_condition, Controllers};
use crate::time::{now_rfc3339, parse_rfc3339, unix_now};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn finished(job: &Value) -> bool {
    job["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True")
    })
}

fn int(v: &Value, default: i64) -> i64 {
    v.as_i64().unwrap_or(default)
}

/// Job conditions have lastProbeTime; drop the deployment-style lastUpdateTime.
fn job_condition(status: &mut Value, t: &str, reason: &str, message: &str) {
    set_condition(status, t, "True", reason, message);
    if let Some(cs) = status["conditions"].as_array_mut() {
        for c in cs {
            if let Some(m) = c.as_object_mut() {
                if let Some(v) = m.remove("lastUpdateTime") {
                    m.insert("lastProbeTime".into(), v);
                }
            }
        }
    }
}

pub(super) fn reconcile(ctl: &Arc<Controllers>, ns: &str, name: &str) {
    let sh = &ctl.sh;
    let Some(job) = sh.store.get("batch/jobs", ns, name) else {
        return;
    };
    if job["metadata"]["deletionTimestamp"].is_string() || finished(&job) {
        return;
    }
    if job["spec"]["suspend"] == true {
        return;
    }
    let uid = meta(&job, "uid").to_string();
    let pods = owned_pods(sh, ns, &uid);
    let active: Vec<&Value> = pods
        .iter()
        .filter(|p| !pod_done(p) && p["metadata"]["deletionTimestamp"].is_null())
        .collect();
    let succeeded = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Succeeded")
        .count() as i64;
    let failed = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Failed")
        .count() as i64;
    let ready = active.iter().filter(|p| pod_ready(p)).count() as i64;
    let completions = int(&job["spec"]["completions"], 1);
    let parallelism = int(&job["spec"]["parallelism"], 1);
    let backoff = int(&job["spec"]["backoffLimit"], 6);
    let now = unix_now().as_secs();
    let start = job["status"]["startTime"]
        .as_str()
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    let first_pass = job["status"]["startTime"].is_null();
    let deadline = job["spec"]["activeDeadlineSeconds"].as_u64();

    let mut outcome: Option<(&str, &str, &str)> = None;
    if deadline.is_some_and(|d| now >= start + d) {
        outcome = Some((
            "Failed",
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
        ));
    } else if failed > backoff {
        outcome = Some((
            "Failed",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ));
    } else if succeeded >= completions {
        outcome = Some((
            "Complete",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        ));
    }

    let mut created = 0i64;
    if outcome.is_none() {
        let want = parallelism.min(completions - succeeded) - active.len() as i64;
        for _ in 0..want.max(0) {
            let tmpl = &job["spec"]["template"];
            let mut pmeta = tmpl["metadata"].clone();
            if !pmeta.is_object() {
                pmeta = json!({});
            }
            pmeta["generateName"] = json!(format!("{name}-"));
            pmeta["namespace"] = json!(ns);
            pmeta["ownerReferences"] = json!([owner_ref(&job)]);
            if let Some(m) = pmeta.as_object_mut() {
                m.remove("name");
            }
            let pod =
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": pmeta, "spec": tmpl["spec"]});
            if let Some(p) = ctl.create("pods", "", ns, pod) {
                created += 1;
                ctl.event(
                    &job,
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {}", meta(&p, "name")),
                    "job-controller",
                );
            }
        }
    } else {
        // A finished Job stops what is still running.
        for p in &active {
            ctl.delete("pods", "", ns, meta(p, "name"));
        }
    }

    let active_n = if outcome.is_some() {
        0
    } else {
        active.len() as i64 + created
    };
    let start_s = crate::time::format_rfc3339(start);
    let updated = ctl.mutate("batch/jobs", "batch", "jobs", ns, name, Some(&uid), |j| {
        let st = &mut j["status"];
        if !st.is_object() {
            *st = json!({});
        }
        st["startTime"] = json!(start_s);
        st["active"] = json!(active_n);
        st["ready"] = json!(if outcome.is_some() { 0 } else { ready });
        st["terminating"] = json!(0);
        st["uncountedTerminatedPods"] = json!({});
        for (k, n) in [("succeeded", succeeded), ("failed", failed)] {
            if n > 0 {
                st[k] = json!(n);
            }
        }
        if st["active"] == 0 {
            if let Some(m) = st.as_object_mut() {
                m.remove("active");
            }
        }
        if let Some((t, reason, msg)) = outcome {
            let target = if t == "Complete" {
                "SuccessCriteriaMet"
            } else {
                "FailureTarget"
            };
            job_condition(st, target, reason, msg);
            job_condition(st, t, reason, msg);
            if t == "Complete" {
                st["completionTime"] = json!(now_rfc3339());
            }
        }
    });
    if let (Some(j), Some((t, reason, msg))) = (updated, outcome) {
        if t == "Complete" {
            ctl.event(&j, "Normal", "Completed", "Job completed", "job-controller");
        } else {
            ctl.event(&j, "Warning", reason, msg, "job-controller");
        }
        if let Some(ttl) = j["spec"]["ttlSecondsAfterFinished"].as_u64() {
            let me = ctl.clone();
            let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.clone());
            ctl.sh.spawn(async move {
                tokio::time::sleep(Duration::from_secs(ttl)).await;
                if me
                    .sh
                    .store
                    .get("batch/jobs", &ns, &name)
                    .is_some_and(|j| meta(&j, "uid") == uid)
                {
                    me.delete("jobs", "batch", &ns, &name);
                }
            });
        }
    } else if first_pass {
        if let Some(d) = deadline {
            // Wake up at the deadline to fail the Job if it is still running.
            let me = ctl.clone();
            let (ns, name) = (ns.to_string(), name.to_string());
            ctl.sh.spawn(async move {
                tokio::time::sleep(Duration::from_secs(d) + Duration::from_millis(50)).await;
                reconcile(&me, &ns, &name);
            });
        }
    }
}
