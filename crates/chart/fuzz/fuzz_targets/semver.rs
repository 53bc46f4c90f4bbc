//! Fuzzes versions, constraints and kubeVersion checks: no panics, and the results must
//! agree with each other (`check` with `validate`, `Display` with parsing, ordering with
//! its reverse).
#![no_main]

use std::cmp::Ordering;

use capstan_chart::semver::{kube_version_compatible, Constraints, KubeVersion, Version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let constraint = parts.next().unwrap_or_default();
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();

    let _ = Version::parse_strict(first);
    let _ = KubeVersion::parse(first);
    let _ = kube_version_compatible(constraint, first);

    let v1 = Version::parse(first).ok();
    let v2 = Version::parse(second).ok();
    for v in v1.iter().chain(v2.iter()) {
        let printed = v.to_string();
        // Filling in `.0.0` can push a version over Masterminds' length limit.
        if printed.len() > capstan_chart::semver::MAX_VERSION_LEN {
            continue;
        }
        let again = Version::parse(&printed).expect("a printed version parses");
        assert_eq!(again.to_string(), printed);
        assert_eq!(again.cmp(v), Ordering::Equal);
    }
    for v in v1.iter().chain(v2.iter()) {
        for next in [v.inc_patch(), v.inc_minor(), v.inc_major()]
            .into_iter()
            .flatten()
        {
            assert!(next > *v, "an increment must be greater");
        }
    }
    if let (Some(a), Some(b)) = (&v1, &v2) {
        assert_eq!(a.cmp(b), b.cmp(a).reverse());
        assert_eq!(a == b, a.cmp(b) == Ordering::Equal);
    }

    let Ok(c) = Constraints::parse(constraint) else {
        return;
    };
    let printed = c.to_string();
    if printed.len() <= capstan_chart::semver::MAX_CONSTRAINT_LEN {
        let again = Constraints::parse(&printed).expect("printed constraints parse");
        assert_eq!(again.to_string(), printed);
    }
    for v in v1.iter().chain(v2.iter()) {
        let ok = c.check(v);
        match c.validate(v) {
            Ok(()) => assert!(ok, "validate passed but check failed"),
            Err(reasons) => {
                assert!(!ok, "check passed but validate failed: {reasons:?}");
                assert!(!reasons.is_empty());
            }
        }
    }
});
