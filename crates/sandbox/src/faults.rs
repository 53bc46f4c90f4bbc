//! Fault injection: seeded error rates, latency, cut watch streams and connection resets,
//! selected per verb and resource.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

fn default_code() -> u16 {
    500
}

/// One fault rule. A request matches when `verb` and `resource` are unset or equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// Verb to match (`get`, `list`, `watch`, `create`, ...); `None` matches all.
    #[serde(default)]
    pub verb: Option<String>,
    /// Plural resource to match (`configmaps`); `None` matches all.
    #[serde(default)]
    pub resource: Option<String>,
    /// Probability (0..=1) of answering with `error_code` instead.
    #[serde(default)]
    pub error_rate: f64,
    /// 500, 503 or 429.
    #[serde(default = "default_code")]
    pub error_code: u16,
    /// `Retry-After` seconds for 429/503.
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
    /// Added latency before answering.
    #[serde(default)]
    pub latency_ms: u64,
    /// Watches end after this many events.
    #[serde(default)]
    pub watch_cut_after: Option<usize>,
    /// Probability of cutting the connection mid-response.
    #[serde(default)]
    pub reset_rate: f64,
    /// Applies the rule only to the Nth (1-based) request it matches since the plan was set.
    /// With a long `latencyMs` and `resetRate: 1` it holds that one request and then drops it
    /// unanswered and unapplied: crash tests kill a client while it waits there
    /// (`Handle::faults_fired` tells them it arrived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u64>,
}

/// The full fault configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FaultPlan {
    /// Seed for the fault random generator (same seed, same sequence of faults).
    #[serde(default)]
    pub seed: u64,
    /// Rules, all of which apply (errors: the first that fires wins).
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// What to do to one request.
#[derive(Debug, Default)]
pub struct Decision {
    /// Sleep this long first.
    pub latency: Duration,
    /// Answer with this error.
    pub error: Option<ApiError>,
    /// Break the connection instead of answering.
    pub reset: bool,
    /// Cut a watch after this many events.
    pub watch_cut_after: Option<usize>,
}

/// The live fault state.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(FaultPlan, u64)>,
    /// Requests matched so far by each rule of the current plan.
    matched: Mutex<Vec<u64>>,
    /// How many times a rule with `nth` fired since the plan was set.
    fired: AtomicU64,
}

impl Faults {
    /// Starts with `plan`.
    pub fn new(plan: FaultPlan) -> Self {
        let seed = plan.seed;
        Self {
            inner: Mutex::new((plan, seed | 1)),
            matched: Mutex::new(Vec::new()),
            fired: AtomicU64::new(0),
        }
    }

    /// Replaces the plan (and reseeds).
    pub fn set(&self, plan: FaultPlan) {
        let seed = plan.seed;
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *g = (plan, seed | 1);
        self.matched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.fired.store(0, Ordering::SeqCst);
    }

    /// How many times a rule with `nth` has fired since the plan was set.
    pub fn fired(&self) -> u64 {
        self.fired.load(Ordering::SeqCst)
    }

    /// The current plan.
    pub fn plan(&self) -> FaultPlan {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    /// Decides the faults for one request.
    pub fn decide(&self, verb: &str, resource: &str) -> Decision {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut d = Decision::default();
        let rules = g.0.rules.clone();
        let mut matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        matched.resize(rules.len(), 0);
        for (i, r) in rules.into_iter().enumerate() {
            if r.verb.as_deref().is_some_and(|v| v != verb)
                || r.resource.as_deref().is_some_and(|x| x != resource)
            {
                continue;
            }
            matched[i] += 1;
            if let Some(n) = r.nth {
                if matched[i] != n {
                    continue;
                }
                self.fired.fetch_add(1, Ordering::SeqCst);
            }
            d.latency += Duration::from_millis(r.latency_ms);
            if let Some(n) = r.watch_cut_after {
                d.watch_cut_after = Some(d.watch_cut_after.map_or(n, |m| m.min(n)));
            }
            if r.error_rate > 0.0 && d.error.is_none() && roll(&mut g.1) < r.error_rate {
                d.error = Some(ApiError::injected(r.error_code, r.retry_after_seconds));
            }
            if r.reset_rate > 0.0 && roll(&mut g.1) < r.reset_rate {
                d.reset = true;
            }
        }
        d
    }
}

/// A uniform number in [0, 1) from an xorshift64 state.
fn roll(state: &mut u64) -> f64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_rates_are_reproducible_and_scoped() {
        let plan = FaultPlan {
            seed: 42,
            rules: vec![FaultRule {
                verb: Some("get".into()),
                error_rate: 0.5,
                error_code: 503,
                retry_after_seconds: Some(1),
                ..Default::default()
            }],
        };
        let run = || {
            let f = Faults::new(plan.clone());
            (0..100)
                .map(|_| f.decide("get", "pods").error.is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|x| **x).count();
        assert!((20..80).contains(&hits), "hits {hits}");
        let f = Faults::new(plan);
        assert!((0..50).all(|_| f.decide("list", "pods").error.is_none()));
    }

    #[test]
    fn nth_fires_once_on_the_nth_match_and_resets_with_the_plan() {
        let plan: FaultPlan = serde_json::from_str(
            r#"{"rules": [{"verb": "patch", "nth": 3, "latencyMs": 7, "resetRate": 1.0}]}"#,
        )
        .unwrap();
        let f = Faults::new(FaultPlan::default());
        f.set(plan.clone());
        let mut hits = Vec::new();
        for i in 1..=5 {
            assert!(!f.decide("get", "jobs").reset, "other verbs never match");
            let d = f.decide("patch", "jobs");
            if d.reset {
                assert_eq!(d.latency, Duration::from_millis(7));
                hits.push(i);
            }
        }
        assert_eq!(hits, vec![3]);
        assert_eq!(f.fired(), 1);
        f.set(plan);
        assert_eq!(f.fired(), 0);
        assert!(!f.decide("patch", "jobs").reset);
    }

    #[test]
    fn rules_parse_from_json() {
        let p: FaultPlan = serde_json::from_str(r#"{"seed": 1, "rules": [{"resource": "secrets", "errorRate": 1.0, "errorCode": 429, "retryAfterSeconds": 2, "latencyMs": 5, "watchCutAfter": 3}]}"#).unwrap();
        let f = Faults::new(p);
        let d = f.decide("create", "secrets");
        assert_eq!(
            d.error.map(|e| (e.code, e.retry_after)),
            Some((429, Some(2)))
        );
        assert_eq!(d.latency, Duration::from_millis(5));
        assert_eq!(d.watch_cut_after, Some(3));
    }
}
