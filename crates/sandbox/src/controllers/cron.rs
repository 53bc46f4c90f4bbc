//! The CronJob controller: creates a Job for each schedule time that passed (UTC, the last
//! missed one only), honours `suspend`, `concurrencyPolicy` and the history limits.

use super::{meta, owner_ref, Controllers};
use crate::time::{civil, format_rfc3339, parse_rfc3339, unix_now};
use serde_json::{json, Value};
use std::sync::Arc;

/// A parsed five-field schedule: allowed values per field.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    minute: Vec<bool>,
    hour: Vec<bool>,
    dom: Vec<bool>,
    month: Vec<bool>,
    dow: Vec<bool>,
    dom_any: bool,
    dow_any: bool,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(s: &str, min: u32, names: &[&str]) -> Option<u32> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return u32::try_from(i).ok().map(|i| i + min);
    }
    s.parse().ok()
}

fn field(spec: &str, min: u32, max: u32, names: &[&str]) -> Option<Vec<bool>> {
    let mut set = vec![false; max as usize + 1];
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, min, names)?, value(b, min, names)?)
        } else {
            let v = value(range, min, names)?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return None;
        }
        let mut v = lo;
        while v <= hi {
            set[v as usize] = true;
            v += step;
        }
    }
    Some(set)
}

impl Schedule {
    /// Parses `*/5 * * * *`, names (`MON`, `JAN`) and the `@hourly`-style macros.
    pub fn parse(s: &str) -> Option<Self> {
        let s = match s.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let f: Vec<&str> = s.split_whitespace().collect();
        let [mi, h, dom, mo, dow] = f.as_slice() else {
            return None;
        };
        let mut dow_set = field(dow, 0, 7, &DAYS)?;
        // 7 is Sunday too.
        if dow_set[7] {
            dow_set[0] = true;
        }
        Some(Self {
            minute: field(mi, 0, 59, &[])?,
            hour: field(h, 0, 23, &[])?,
            dom: field(dom, 1, 31, &[])?,
            month: field(mo, 1, 12, &MONTHS)?,
            dow: dow_set,
            dom_any: dom.starts_with('*') || *dom == "?",
            dow_any: dow.starts_with('*') || *dow == "?",
        })
    }

    /// Whether the minute starting at Unix second `t` is a schedule time.
    pub fn matches(&self, t: u64) -> bool {
        let c = civil(t);
        let day = match (self.dom_any, self.dow_any) {
            (false, false) => self.dom[c.day as usize] || self.dow[c.weekday as usize],
            _ => self.dom[c.day as usize] && self.dow[c.weekday as usize],
        };
        self.minute[c.minute as usize]
            && self.hour[c.hour as usize]
            && self.month[c.month as usize]
            && day
    }
}

fn finished(job: &Value) -> Option<bool> {
    job["status"]["conditions"]
        .as_array()?
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some(true),
            (Some("Failed"), Some("True")) => Some(false),
            _ => None,
        })
}

/// One pass over every CronJob.
pub(super) fn tick(ctl: &Arc<Controllers>) {
    let now = unix_now().as_secs();
    for cj in ctl.sh.store.list("batch/cronjobs", None).0 {
        reconcile(ctl, &cj, now);
    }
}

fn reconcile(ctl: &Arc<Controllers>, cj: &Value, now: u64) {
    let (ns, name, uid) = (
        meta(cj, "namespace").to_string(),
        meta(cj, "name").to_string(),
        meta(cj, "uid").to_string(),
    );
    let jobs: Vec<Value> = ctl
        .sh
        .store
        .list("batch/jobs", Some(&ns))
        .0
        .into_iter()
        .filter(|j| {
            j["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|r| r.iter().any(|o| o["uid"] == uid.as_str()))
        })
        .collect();
    let active: Vec<&Value> = jobs.iter().filter(|j| finished(j).is_none()).collect();
    // History limits: oldest finished Jobs beyond the limits go.
    for (ok, limit) in [
        (
            true,
            cj["spec"]["successfulJobsHistoryLimit"]
                .as_u64()
                .unwrap_or(3),
        ),
        (
            false,
            cj["spec"]["failedJobsHistoryLimit"].as_u64().unwrap_or(1),
        ),
    ] {
        let mut done: Vec<&Value> = jobs.iter().filter(|j| finished(j) == Some(ok)).collect();
        done.sort_by_key(|j| meta(j, "creationTimestamp").to_string());
        let excess = done
            .len()
            .saturating_sub(usize::try_from(limit).unwrap_or(usize::MAX));
        for j in done.into_iter().take(excess) {
            ctl.delete("jobs", "batch", &ns, meta(j, "name"));
        }
    }
    let Some(sched) = cj["spec"]["schedule"].as_str().and_then(Schedule::parse) else {
        return;
    };
    let last = cj["status"]["lastScheduleTime"]
        .as_str()
        .or_else(|| cj["metadata"]["creationTimestamp"].as_str())
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    // The most recent schedule time in (last, now], looking back at most a day.
    let now_min = now / 60 * 60;
    let due = (0..1440u64)
        .map(|i| now_min.saturating_sub(i * 60))
        .take_while(|t| *t > last)
        .find(|t| sched.matches(*t));
    let active_refs: Vec<Value> = active.iter().map(|j| json!({"apiVersion": "batch/v1", "kind": "Job", "name": meta(j, "name"), "namespace": ns, "uid": meta(j, "uid")})).collect();
    let Some(t) = due.filter(|_| cj["spec"]["suspend"] != true) else {
        ctl.mutate(
            "batch/cronjobs",
            "batch",
            "cronjobs",
            &ns,
            &name,
            Some(&uid),
            |x| {
                x["status"]["active"] = json!(active_refs);
                if active_refs.is_empty() {
                    x["status"].as_object_mut().map(|m| m.remove("active"));
                }
            },
        );
        return;
    };
    let policy = cj["spec"]["concurrencyPolicy"].as_str().unwrap_or("Allow");
    if policy == "Forbid" && !active.is_empty() {
        return;
    }
    if policy == "Replace" {
        for j in &active {
            ctl.delete("jobs", "batch", &ns, meta(j, "name"));
        }
    }
    let tmpl = &cj["spec"]["jobTemplate"];
    let mut m = tmpl["metadata"].clone();
    if !m.is_object() {
        m = json!({});
    }
    let job_name = format!("{name}-{}", t / 60);
    m["name"] = json!(job_name);
    m["namespace"] = json!(ns);
    m["ownerReferences"] = json!([owner_ref(cj)]);
    m["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] = json!(format_rfc3339(t));
    let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": m, "spec": tmpl["spec"]});
    let created = ctl.create("jobs", "batch", &ns, job);
    let when = format_rfc3339(t);
    if let Some(updated) = ctl.mutate(
        "batch/cronjobs",
        "batch",
        "cronjobs",
        &ns,
        &name,
        Some(&uid),
        |x| {
            x["status"]["lastScheduleTime"] = json!(when);
        },
    ) {
        if let Some(j) = created {
            ctl.event(
                &updated,
                "Normal",
                "SuccessfulCreate",
                &format!("Created job {}", meta(&j, "name")),
                "cronjob-controller",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_match_like_cron() {
        // 2026-11-23 is a Monday.
        let mon_2150 = crate::time::parse_rfc3339("2026-11-23T21:50:00Z").unwrap();
        assert!(Schedule::parse("* * * * *").unwrap().matches(mon_2150));
        assert!(Schedule::parse("*/10 21 * * *").unwrap().matches(mon_2150));
        assert!(!Schedule::parse("*/15 * * * *").unwrap().matches(mon_2150));
        assert!(Schedule::parse("50 21 * * MON").unwrap().matches(mon_2150));
        assert!(!Schedule::parse("50 21 * * 0").unwrap().matches(mon_2150));
        assert!(Schedule::parse("50 21 23 NOV *").unwrap().matches(mon_2150));
        // Day-of-month and day-of-week both restricted: either matches.
        assert!(Schedule::parse("50 21 1 * 1").unwrap().matches(mon_2150));
        assert!(Schedule::parse("@hourly")
            .unwrap()
            .matches(mon_2150 - 50 * 60));
        for bad in [
            "",
            "* * * *",
            "61 * * * *",
            "*/0 * * * *",
            "a b c d e",
            "5-1 * * * *",
        ] {
            assert!(Schedule::parse(bad).is_none(), "{bad}");
        }
    }
}
