//! Expectations recorded from the real helm 4.3.1 (Masterminds/semver v3.5.0), with
//! `helm template` on a chart whose template calls `semverCompare`/`semver`, and with
//! `--kube-version` against a chart's `kubeVersion:`.

use capstan_chart::semver::{
    is_compatible_range, kube_version_compatible, semver_compare, Constraints, KubeVersion, Version,
};

/// `{{ semverCompare CONSTRAINT VERSION }}` as printed by helm 4.3.1.
const HELM_SEMVER_COMPARE: &[(&str, &str, bool)] = &[
    (">= 1.2.3-0 < 2", "1.5.0-rc.1", true),
    (">=1.2.3", "1.5.0-rc.1", false),
    ("^*", "1.2.3", false),
    ("^*", "0.0.0", true),
    ("~*", "1.2.3-alpha", false),
    ("*-0", "1.2.3-alpha", true),
    (">= 1.0.0-0 || >= 2", "2.0.0-beta", true),
    (">= 2 || >= 1.0.0-0", "2.0.0-beta", true),
    ("1.2 - 1.4.5", "1.4.5", true),
    ("1.2 - 1.4.5", "1.4.6", false),
    ("1.2 - 1.4.5", "1.2.0", true),
    ("1.2 - 1.4.5", "1.1.9", false),
    ("1 - 2 || 3 - 4", "3.5.0", true),
    ("x", "1.0.0", true),
    ("X.x.*", "5.5.5", true),
    ("1.x.3", "1.9.9", true),
    ("v1.2.3", "1.2.3", true),
    ("=v1.2.3+build", "1.2.3", true),
    ("!=1.2.3+b", "1.2.3", false),
    ("~>1.2", "1.2.9", true),
    ("~>1.2", "1.3.0", false),
    ("=>1.2,=<1.3", "1.2.5", true),
    ("<1.2.3-beta.2", "1.2.3-beta.10", false),
    (">1.2.3-beta.2", "1.2.3-beta.10", true),
    (">1.2.3-beta.2", "1.2.3-beta.b", true),
    ("^0.0", "0.0.7", true),
    ("^0", "0.9.9", true),
    ("!=1.x-beta", "1.5.0", false),
    ("!=1.2.x-beta", "1.2.0-beta", false),
    (">=1.2.3,<1.2.4\t1.2.3", "1.2.3", true),
    (">1\t||\t<1", "2.0.0", true),
    (">= 1.0.0-beta.1 <= 1.0.0-beta.3", "1.0.0-beta.2", true),
    ("<=1.2.x", "1.2.99", true),
    ("<=1.x", "1.99.0", true),
    ("<=1.x", "2.0.0", false),
    ("01.2.3", "1.2.3", true),
    ("1.02", "1.2.0", true),
];

#[test]
fn semver_compare_matches_helm() {
    for &(c, v, want) in HELM_SEMVER_COMPARE {
        assert_eq!(semver_compare(c, v), Ok(want), "{c:?} with {v:?}");
    }
}

fn compare_err(c: &str, v: &str) -> String {
    match semver_compare(c, v) {
        Ok(r) => panic!("{c:?} with {v:?} gave {r}, want an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn semver_compare_errors_match_helm() {
    // The text after "error calling semverCompare: " in helm 4.3.1's output.
    let cases: &[(&str, &str, &str)] = &[
        ("", "1.2.3", r#"improper constraint: """#),
        ("1.2.3", "", "invalid semantic version"),
        (">a", "1.2.3", r#"improper constraint: ">a""#),
        (">1.2 <", "1.2.3", r#"improper constraint: ">1.2 <""#),
        (
            ">1.2 , , <2",
            "1.2.3",
            r#"improper constraint: ">1.2 , , <2""#,
        ),
        ("1.2.3.", "1.2.3", r#"improper constraint: "1.2.3.""#),
        (
            ">1.2, <2 ,",
            "1.2.3",
            r#"improper constraint: ">1.2, <2 ,""#,
        ),
        (",1.2", "1.2.3", r#"improper constraint: ",1.2""#),
        ("1.2 ~", "1.2.3", r#"improper constraint: "1.2 ~""#),
        (
            ">= 1.2 1.3 foo",
            "1.2.3",
            r#"improper constraint: ">= 1.2 1.3 foo""#,
        ),
        (
            "1.2.3+a..b",
            "1.2.3",
            r#"improper constraint: "1.2.3+a..b""#,
        ),
        ("=>=1", "1.2.3", r#"improper constraint: "=>=1""#),
        ("\u{e9}\t\"", "1.0.0", r#"improper constraint: "é\t\"""#),
        ("1.2.3-beta.01", "1.2.3", "constraint parser error"),
        ("1.2.3-01", "1.2.3", "constraint parser error"),
        ("1|2", "1.2.3", "constraint parser error"),
    ];
    for &(c, v, want) in cases {
        assert_eq!(compare_err(c, v), want, "{c:?} with {v:?}");
    }
}

#[test]
fn accepted_oddities_match_helm() {
    // All true in helm 4.3.1.
    for (c, v) in [
        (">1.2,<2", "1.5.0"),
        (">1.2 ,<2", "1.5.0"),
        ("~ 1.2", "1.2.3"),
        (">=1.2.3+build.1", "1.2.3"),
        ("1.2.3", "v1.2.3"),
        ("1.2.3", "01.02.03"),
    ] {
        assert_eq!(semver_compare(c, v), Ok(true), "{c:?} with {v:?}");
    }
}

#[test]
fn limits_match_helm() {
    // Constraints: 512 bytes, 32 groups; the length is checked before range rewriting.
    let spaces = |n| format!("{}1", " ".repeat(n));
    assert_eq!(semver_compare(&spaces(511), "1.2.3"), Ok(true));
    assert_eq!(
        compare_err(&spaces(512), "1.2.3"),
        "constraint string is too long (max 512 bytes)"
    );
    let groups = |n| format!("{}1", "1||".repeat(n));
    assert_eq!(semver_compare(&groups(31), "1.2.3"), Ok(true));
    assert_eq!(
        compare_err(&groups(32), "1.2.3"),
        "too many constraint groups (max 32)"
    );
    // Group counting comes before validating any group.
    assert_eq!(
        compare_err(&format!("a||{}", "1||".repeat(40)), "1.2.3"),
        "too many constraint groups (max 32)"
    );
    // 480 bytes of ranges rewrite to more than 512 bytes, and still parse.
    assert!(Constraints::parse(&"1 - 2 ".repeat(80)).is_ok());
    assert_eq!(
        compare_err(&format!(">1.2.3-{}", "a".repeat(300)), "1.2.3"),
        "constraint parser error"
    );

    // Versions: 256 bytes.
    let long_pre = |n| format!("1.2.3-{}", "a".repeat(n));
    assert!(Version::parse(&long_pre(250)).is_ok());
    assert_eq!(
        Version::parse(&long_pre(251)).unwrap_err().to_string(),
        "version string is too long (max 256 bytes)"
    );
    assert_eq!(
        Version::parse(&"?".repeat(300)).unwrap_err().to_string(),
        "version string is too long (max 256 bytes)"
    );
    let digits = "1".repeat(252);
    assert_eq!(
        Version::parse(&format!("1.2.{digits}")).unwrap_err().to_string(),
        format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{digits}\": value out of range"
        )
    );
}

#[test]
fn version_errors_match_helm() {
    // `{{ semver X }}` in helm 4.3.1.
    let cases = [
        ("foo", "invalid semantic version"),
        ("1.2.3-01", "version segment starts with 0"),
        ("1.2.3+a..b", "invalid semantic version"),
    ];
    for (input, want) in cases {
        assert_eq!(
            Version::parse(input).unwrap_err().to_string(),
            want,
            "{input:?}"
        );
    }
    assert_eq!(
        Version::parse("1.2.3-aaaa").map(|v| v.to_string()),
        Ok("1.2.3-aaaa".into())
    );
}

#[test]
fn strict_version_errors() {
    // Masterminds' StrictNewVersion error texts.
    let cases = [
        ("", "version string empty"),
        ("1.2", "invalid semantic version"),
        ("v1.2.3", "invalid characters in version"),
        ("01.2.3", "version segment starts with 0"),
        ("1.2.3-01", "version segment starts with 0"),
        ("1.2.3-a_b", "invalid prerelease string"),
        ("1.2.3+a..b", "invalid metadata string"),
        ("1..3", r#"strconv.ParseUint: parsing "": invalid syntax"#),
    ];
    for (input, want) in cases {
        assert_eq!(
            Version::parse_strict(input).unwrap_err().to_string(),
            want,
            "{input:?}"
        );
    }
}

#[test]
fn kube_version_matches_helm() {
    // `helm template --kube-version VERSION` with `kubeVersion: CONSTRAINT`; true means the
    // chart rendered, false means "chart requires kubeVersion: ... is incompatible".
    let cases = [
        (">=1.30.0", "v1.30.0-gke.1", true),
        (">=1.30.0", "1.30.0-gke.1", true),
        (">=1.30.0-0", "v1.30.0-gke.1", true),
        (">=1.30.0", "v1.30", true),
        (">=1.30.0", "v1.30.1.5", false),
        ("<1.30.0", "v1.29.1.5-rc.1", false),
        (">=1.30.0", "1.30.0+abc", true),
        (">=1.30.0", " v1.30.0", true),
        (">=1.30.0", "v1.30.0 ", true),
        (">=1.30.0", "v1.030", true),
        (">=1.30.0", "v1.30.0garbage", true),
        ("~1.30", "v1.30.0x", true),
        ("x", "v1.30.0", true),
        (">=1.30.0", "\n1.30", true),
        (">=1.0.0", "0.30", false),
        (">=1.0.0", "v1.2.", true),
    ];
    for (c, v, want) in cases {
        assert_eq!(kube_version_compatible(c, v), want, "{c:?} with {v:?}");
    }
    // A cluster-reported version is checked raw, so a vendor suffix is a prerelease.
    assert!(!is_compatible_range(">=1.30.0", "v1.30.0-gke.1"));
    assert!(is_compatible_range(">=1.30.0-0", "v1.30.0-gke.1"));
}

#[test]
fn kube_version_parse_matches_helm() {
    let kv = KubeVersion::parse("1.33.4-gke.1245000").expect("parses");
    assert_eq!(kv.version, "v1.33.4-gke.1245000");
    assert_eq!(kv.normalized, "v1.33.4");
    assert_eq!((kv.major.as_str(), kv.minor.as_str()), ("1", "33"));
    // The text after "invalid kube version '<v>': " in helm 4.3.1.
    let cases = [
        ("abc", r#"could not parse "abc" as version"#),
        ("1.30\nx", r#"could not parse "1.30\nx" as version"#),
        ("v1", r#"illegal version string "v1""#),
        (
            "v01.30",
            r#"illegal zero-prefixed version component "01" in "v01.30""#,
        ),
        (
            "00.30",
            r#"illegal zero-prefixed version component "00" in "00.30""#,
        ),
        (
            "v99999999999999999999.1",
            r#"illegal non-numeric version component "99999999999999999999" in "v99999999999999999999.1": strconv.ParseUint: parsing "99999999999999999999": value out of range"#,
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            KubeVersion::parse(input).unwrap_err().to_string(),
            want,
            "{input:?}"
        );
    }
}

#[test]
fn lint_version_reason_matches_helm() {
    // `helm lint` on a chart with `version: 0.0.0-0` prints
    // `[ERROR] Chart.yaml: version "0.0.0-0" is less than or equal to "0.0.0-0"`.
    let c = Constraints::parse(">0.0.0-0").expect("parses");
    let reasons = c
        .validate(&Version::parse("0.0.0-0").expect("parses"))
        .expect_err("fails");
    assert_eq!(
        format!("version {}", reasons[0]),
        r#"version "0.0.0-0" is less than or equal to "0.0.0-0""#
    );
}

#[test]
fn increments_follow_masterminds() {
    // helm 4.3.1: `(semver "v1.2.3-rc.1+b").IncPatch` prints 1.2.3, `IncMinor` of 1.2.3 prints
    // 1.3.0, and IncMajor at u64::MAX fails with "error calling IncMajor: <the text below>".
    let v = Version::parse("v1.2.3-rc.1+b").expect("parses");
    let p = v.inc_patch().expect("patch");
    assert_eq!((p.to_string().as_str(), p.original()), ("1.2.3", "v1.2.3"));
    let p = p.inc_patch().expect("patch");
    assert_eq!(p.to_string(), "1.2.4");
    assert_eq!(v.inc_minor().expect("minor").to_string(), "1.3.0");
    assert_eq!(v.inc_major().expect("major").to_string(), "2.0.0");
    let max = Version::parse("18446744073709551615.0.0").expect("parses");
    assert_eq!(
        max.inc_major().expect_err("overflow").to_string(),
        "major version increment would overflow uint64"
    );
}
