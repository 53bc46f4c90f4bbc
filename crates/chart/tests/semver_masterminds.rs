//! Masterminds/semver's own test tables (constraints_test.go and version_test.go at the
//! v3.5-era tree), re-typed as data and run against our implementation.

use capstan_chart::semver::{ConstraintError, Constraints, Version};

fn v(s: &str) -> Version {
    Version::parse(s).unwrap_or_else(|e| panic!("version {s:?}: {e}"))
}

fn c(s: &str) -> Constraints {
    Constraints::parse(s).unwrap_or_else(|e| panic!("constraint {s:?}: {e}"))
}

fn run_checks(table: &[(&str, &str, bool)], include_pre: bool) -> usize {
    let mut failures = Vec::new();
    for &(cs, vs, want) in table {
        if cs.is_empty() {
            // Masterminds tests the empty constraint through its internal single-constraint
            // parser; through NewConstraint (all Helm uses) it is an improper constraint.
            assert_eq!(
                Constraints::parse(cs).unwrap_err(),
                ConstraintError::Improper(String::new())
            );
            continue;
        }
        let mut con = c(cs);
        con.set_include_prerelease(include_pre);
        if con.check(&v(vs)) != want {
            failures.push(format!("{cs:?} with {vs:?}: want {want}"));
        }
    }
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    table.len()
}

#[test]
fn constraint_check_table() {
    assert!(run_checks(CONSTRAINT_CHECK, false) > 100);
}

#[test]
fn constraints_check_table() {
    assert!(run_checks(CONSTRAINTS_CHECK, false) > 100);
}

#[test]
fn constraints_check_include_prerelease_table() {
    assert!(run_checks(CONSTRAINTS_CHECK_INCLUDE_PRE, true) > 100);
}

#[test]
fn new_constraint_table() {
    for &(input, ors, count, err) in NEW_CONSTRAINT {
        match Constraints::parse(input) {
            Ok(con) => {
                assert!(!err, "{input:?} should not parse");
                let sizes = con.group_sizes();
                assert_eq!(sizes.len(), ors, "{input:?} groups");
                assert_eq!(sizes[0], count, "{input:?} first group size");
            }
            Err(e) => assert!(err, "{input:?} should parse: {e}"),
        }
    }
}

fn run_validate(table: &[(&str, &str, bool)], include_pre: bool) {
    for &(cs, vs, want) in table {
        let mut con = c(cs);
        con.set_include_prerelease(include_pre);
        match con.validate(&v(vs)) {
            Ok(()) => assert!(want, "{cs:?} with {vs:?} should fail"),
            Err(reasons) => {
                assert!(!want, "{cs:?} with {vs:?} should pass: {reasons:?}");
                assert!(!reasons.is_empty(), "{cs:?} with {vs:?}: no reasons");
            }
        }
    }
}

fn run_messages(table: &[(&str, &str, &str)], include_pre: bool) {
    for &(cs, vs, msg) in table {
        let mut con = c(cs);
        con.set_include_prerelease(include_pre);
        let version = Version::parse_strict(vs).expect("strict version");
        let reasons = con.validate(&version).expect_err("should fail");
        assert_eq!(reasons[0], msg, "{cs:?} with {vs:?}");
    }
}

#[test]
fn validate_table() {
    run_validate(VALIDATE, false);
    run_messages(VALIDATE_MESSAGES, false);
}

#[test]
fn validate_include_prerelease_table() {
    run_validate(VALIDATE_INCLUDE_PRE, true);
    run_messages(VALIDATE_INCLUDE_PRE_MESSAGES, true);
}

#[test]
fn validate_collects_every_reason() {
    for include in [false, true] {
        let mut con = c("!= 1.2.5, ^2, <= 1.1.x");
        con.set_include_prerelease(include);
        let reasons = con
            .validate(&Version::parse_strict("1.2.3").expect("strict"))
            .expect_err("fails");
        assert_eq!(
            reasons,
            [
                r#""1.2.3" is less than "2""#,
                r#""1.2.3" is greater than "1.1.x""#
            ]
        );
    }
}

#[test]
fn constraint_string_table() {
    for &(input, want) in CONSTRAINT_STRING.iter().chain(CONSTRAINT_MARSHAL) {
        let printed = c(input).to_string();
        assert_eq!(printed, want, "{input:?}");
        assert_eq!(c(&printed).to_string(), want, "reparse of {printed:?}");
    }
}

#[test]
fn strict_version_table() {
    for &(input, err) in STRICT_VERSION {
        assert_eq!(Version::parse_strict(input).is_err(), err, "{input:?}");
    }
}

#[test]
fn loose_version_table() {
    for &(input, err) in LOOSE_VERSION {
        assert_eq!(Version::parse(input).is_err(), err, "{input:?}");
    }
}

#[test]
fn coerce_string_table() {
    for &(input, want) in COERCE_STRING {
        let parsed = v(input);
        assert_eq!(parsed.to_string(), want, "{input:?}");
        assert_eq!(parsed.original(), input);
    }
}

#[test]
fn compare_table() {
    for &(a, b, want) in COMPARE {
        let got = v(a).compare(&v(b)) as i32;
        assert_eq!(got, want, "{a:?} vs {b:?}");
    }
    for &(a, b, want) in GREATER_THAN {
        assert_eq!(v(a) > v(b), want, "{a:?} > {b:?}");
    }
}

#[test]
fn tables_have_enough_cases() {
    let total = CONSTRAINT_CHECK.len()
        + NEW_CONSTRAINT.len()
        + CONSTRAINTS_CHECK.len()
        + CONSTRAINTS_CHECK_INCLUDE_PRE.len()
        + VALIDATE.len()
        + VALIDATE_MESSAGES.len()
        + VALIDATE_INCLUDE_PRE.len()
        + VALIDATE_INCLUDE_PRE_MESSAGES.len()
        + CONSTRAINT_STRING.len()
        + CONSTRAINT_MARSHAL.len()
        + STRICT_VERSION.len()
        + LOOSE_VERSION.len()
        + COERCE_STRING.len()
        + COMPARE.len()
        + GREATER_THAN.len();
    assert!(total >= 700, "only {total} cases");
}

const CONSTRAINT_CHECK: &[(&str, &str, bool)] = &[
    ("=2.0.0", "1.2.3", false),
    ("=2.0.0", "2.0.0", true),
    ("=2.0", "1.2.3", false),
    ("=2.0", "2.0.0", true),
    ("=2.0", "2.0.1", true),
    ("4.1", "4.1.0", true),
    ("!=4.1.0", "4.1.0", false),
    ("!=4.1.0", "4.1.1", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1", "4.1.1", false),
    ("!=4.1", "5.1.0-alpha.1", false),
    ("!=4.1.0", "5.1.0-alpha.1", false),
    ("!=4.1-alpha", "4.1.0", true),
    ("!=4.1", "5.1.0", true),
    ("<11", "0.1.0", true),
    ("<11", "11.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<=11", "1.2.3", true),
    ("<=11", "12.2.3", false),
    ("<=11", "11.2.3", true),
    ("<=1.1", "1.2.3", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.1", "1.1.1", true),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    (">0", "0", false),
    (">0", "1", true),
    (">0", "0.0.1-alpha", false),
    (">0.0", "0.0.1-alpha", false),
    (">0-0", "0.0.1-alpha", false),
    (">0.0-0", "0.0.1-alpha", false),
    (">0", "0.0.0-alpha", false),
    (">0-0", "0.0.0-alpha", false),
    (">0.0.0-0", "0.0.0-alpha", true),
    (">1.2.3-alpha.1", "1.2.3-alpha.2", true),
    (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
    (">11", "11.1.0", false),
    (">11.1", "11.1.0", false),
    (">11.1", "11.1.1", false),
    (">11.1", "11.2.1", true),
    (">=11", "11.1.2", true),
    (">=11.1", "11.1.2", true),
    (">=11.1", "11.0.2", false),
    (">=1.1", "4.1.0", true),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    (">=0", "0.0.1-alpha", false),
    (">=0.0", "0.0.1-alpha", false),
    (">=0-0", "0.0.1-alpha", true),
    (">=0.0-0", "0.0.1-alpha", true),
    (">=0", "0.0.0-alpha", false),
    (">=0-0", "0.0.0-alpha", true),
    (">=0.0.0-0", "0.0.0-alpha", true),
    (">=0.0.0-0", "1.2.3", true),
    (">=0.0.0-0", "3.4.5-beta.1", true),
    ("<0", "0.0.0-alpha", false),
    ("<0-z", "0.0.0-alpha", true),
    (">=0", "0", true),
    ("=0", "1", false),
    ("*", "1", true),
    ("*", "4.5.6", true),
    ("*", "1.2.3-alpha.1", false),
    ("*-0", "1.2.3-alpha.1", true),
    ("2.*", "1", false),
    ("2.*", "3.4.5", false),
    ("2.*", "2.1.1", true),
    ("2.1.*", "2.1.1", true),
    ("2.1.*", "2.2.1", false),
    ("", "1", true),
    ("", "4.5.6", true),
    ("", "1.2.3-alpha.1", false),
    ("2", "1", false),
    ("2", "3.4.5", false),
    ("2", "2.1.1", true),
    ("2.1", "2.1.1", true),
    ("2.1", "2.2.1", false),
    ("~1.2.3", "1.2.4", true),
    ("~1.2.3", "1.3.4", false),
    ("~1.2", "1.2.4", true),
    ("~1.2", "1.3.4", false),
    ("~1", "1.2.4", true),
    ("~1", "2.3.4", false),
    ("~0.2.3", "0.2.5", true),
    ("~0.2.3", "0.3.5", false),
    ("~1.2.3-beta.2", "1.2.3-beta.4", true),
    ("~1.2.3-beta.2", "1.2.4-beta.2", true),
    ("~1.2.3-beta.2", "1.3.4-beta.2", false),
    ("^1.2.3", "1.8.9", true),
    ("^1.2.3", "2.8.9", false),
    ("^1.2.3", "1.2.1", false),
    ("^1.1.0", "2.1.0", false),
    ("^1.2.0", "2.2.1", false),
    ("^1.2.0", "1.2.1-alpha.1", false),
    ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
    ("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
    ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
    ("^1.2", "1.8.9", true),
    ("^1.2", "2.8.9", false),
    ("^1", "1.8.9", true),
    ("^1", "2.8.9", false),
    ("^0.2.3", "0.2.5", true),
    ("^0.2.3", "0.5.6", false),
    ("^0.2", "0.2.5", true),
    ("^0.2", "0.5.6", false),
    ("^0.0.3", "0.0.3", true),
    ("^0.0.3", "0.0.4", false),
    ("^0.0", "0.0.3", true),
    ("^0.0", "0.1.4", false),
    ("^0.0", "1.0.4", false),
    ("^0", "0.2.3", true),
    ("^0", "1.1.4", false),
    ("^0.2.3-beta.2", "0.2.3-beta.4", true),
    ("^0.2.3-beta.2", "0.2.4-beta.2", true),
    ("^0.2.3-beta.2", "0.3.4-beta.2", false),
    ("^0.2.3-beta.2", "0.2.3-beta.2", true),
];

const NEW_CONSTRAINT: &[(&str, usize, usize, bool)] = &[
    (">= 1.1", 1, 1, false),
    (">40.50.60, < 50.70", 1, 2, false),
    ("2.0", 1, 1, false),
    ("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1, false),
    ("v1.2.3-0abc", 1, 1, false),
    ("v1.2.3-beta.01", 1, 1, true),
    (">= bar", 0, 0, true),
    ("BAR >= 1.2.3", 0, 0, true),
    (">= 1.2.3 < 2.0", 1, 2, false),
    (">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2, false),
    (">= 1.2.3, < 2.0", 1, 2, false),
    (">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2, false),
    ("3 - 4 || => 3.0, < 4", 2, 2, false),
    ("12.3.4.1234", 0, 0, true),
    ("12.23.4.1234", 0, 0, true),
    ("12.3.34.1234", 0, 0, true),
    ("12.3.34 ~1.2.3", 1, 2, false),
    ("12.3.34~ 1.2.3", 0, 0, true),
    ("1.0.0 - 2.0.0, <=2.0.0", 1, 3, false),
];

const CONSTRAINTS_CHECK: &[(&str, &str, bool)] = &[
    ("*", "1.2.3", true),
    ("~0.0.0", "1.2.3", true),
    ("0.x.x", "1.2.3", false),
    ("0.0.x", "1.2.3", false),
    ("0.0.0", "1.2.3", false),
    ("*", "1.2.3", true),
    ("^0.0.0", "1.2.3", false),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1-alpha", "4.1.0-alpha", false),
    ("!=4.1-alpha", "4.1.1-alpha", false),
    ("!=4.1-alpha", "4.1.0", true),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<1.x", "0.1.1", true),
    ("<1.x", "2.0.0", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.1.x", "1.0.500", true),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "4.1.0-beta", false),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1", "0.1.0-alpha", false),
    ("<=1.1-a", "0.1.0-alpha", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.0.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.1.x", "1.2.500", false),
    ("<=4.5", "3.4.0", true),
    ("<=4.5", "3.7.0", true),
    ("<=4.5", "4.6.3", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.1, <2, !=1.2.3", "1.2.3", false),
    (">1.1 <2", "1.1.1", false),
    (">1.1 <2", "1.2.1", true),
    (">1.1    <3", "4.3.2", false),
    (">=1.1    <2    !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
    ("> 1.1, <     2", "1.1.1", false),
    (">   1.1, <2", "1.2.1", true),
    (">1.1, <  3", "4.3.2", false),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
    ("> 1.1 < 2", "1.1.1", false),
    (">1.1 < 2", "1.2.1", true),
    ("> 1.1    <3", "4.3.2", false),
    (">=1.1    < 2    != 1.2.3", "1.2.3", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
    (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
    (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
    (
        ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3",
        "1.0.1-beta",
        true,
    ),
    (
        ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3",
        "1.0.1-beta",
        false,
    ),
    (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
    ("1.1 - 2", "1.1.1", true),
    ("1.5.0 - 4.5", "3.7.0", true),
    ("1.1-3", "4.3.2", false),
    ("^1.1", "1.1.1", true),
    ("^1.1", "4.3.2", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^1.x", "1.1.1-beta1", false),
    ("^1.1.2-alpha", "1.2.1-beta1", true),
    ("^1.2.x-alpha", "1.1.1-beta1", false),
    ("^0.0.1", "0.0.1", true),
    ("^0.0.1", "0.3.1", false),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1", "1.4", true),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.x", "1.4", true),
    ("~1.1", "1.1.1", true),
    ("~1.1", "1.1.1-alpha", false),
    ("~1.1-alpha", "1.1.1-beta", true),
    ("~1.1.1-beta", "1.1.1-alpha", false),
    ("~1.1.1-beta", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.1", "1.2.3", false),
    ("~1.3", "2.4.5", false),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
];

const CONSTRAINTS_CHECK_INCLUDE_PRE: &[(&str, &str, bool)] = &[
    (">=1.1", "4.1.0-beta", true),
    (">1.1", "4.1.0-beta", true),
    ("<=1.1", "0.1.0-alpha", true),
    ("<1.1", "0.1.0-alpha", true),
    ("^1.x", "1.1.1-beta1", true),
    ("~1.1", "1.1.1-alpha", true),
    ("*", "1.2.3-alpha", true),
    ("= 2.0", "2.0.1-beta", true),
    ("*", "1.2.3", true),
    ("~0.0.0", "1.2.3", true),
    ("0.x.x", "1.2.3", false),
    ("0.0.x", "1.2.3", false),
    ("0.0.0", "1.2.3", false),
    ("*", "1.2.3", true),
    ("^0.0.0", "1.2.3", false),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1-alpha", "4.1.0-alpha", false),
    ("!=4.1-alpha", "4.1.1-alpha", false),
    ("!=4.1-alpha", "4.1.0", true),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<1.x", "0.1.1", true),
    ("<1.x", "2.0.0", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.1.x", "1.0.500", true),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1-a", "0.1.0-alpha", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.0.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.1.x", "1.2.500", false),
    ("<=4.5", "3.4.0", true),
    ("<=4.5", "3.7.0", true),
    ("<=4.5", "4.6.3", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.1, <2, !=1.2.3", "1.2.3", false),
    (">1.1 <2", "1.1.1", false),
    (">1.1 <2", "1.2.1", true),
    (">1.1    <3", "4.3.2", false),
    (">=1.1    <2    !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
    ("> 1.1, <     2", "1.1.1", false),
    (">   1.1, <2", "1.2.1", true),
    (">1.1, <  3", "4.3.2", false),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
    ("> 1.1 < 2", "1.1.1", false),
    (">1.1 < 2", "1.2.1", true),
    ("> 1.1    <3", "4.3.2", false),
    (">=1.1    < 2    != 1.2.3", "1.2.3", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
    (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
    (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
    (
        ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3",
        "1.0.1-beta",
        true,
    ),
    (
        ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3",
        "1.0.1-beta",
        false,
    ),
    (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
    ("1.1 - 2", "1.1.1", true),
    ("1.5.0 - 4.5", "3.7.0", true),
    ("1.1-3", "4.3.2", false),
    ("^1.1", "1.1.1", true),
    ("^1.1", "4.3.2", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^1.1.2-alpha", "1.2.1-beta1", true),
    ("^1.2.x-alpha", "1.1.1-beta1", false),
    ("^0.0.1", "0.0.1", true),
    ("^0.0.1", "0.3.1", false),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1", "1.4", true),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.x", "1.4", true),
    ("~1.1", "1.1.1", true),
    ("~1.1-alpha", "1.1.1-beta", true),
    ("~1.1.1-beta", "1.1.1-alpha", false),
    ("~1.1.1-beta", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.1", "1.2.3", false),
    ("~1.3", "2.4.5", false),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
];

const VALIDATE: &[(&str, &str, bool)] = &[
    ("*", "1.2.3", true),
    ("~0.0.0", "1.2.3", true),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<2.x", "1.1.1", true),
    ("<1.x", "2.1.1", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.1.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.1.x", "1.2.500", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.1, <2, !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    ("1.1 - 2", "1.1.1", true),
    ("1.1-3", "4.3.2", false),
    ("^1.1", "1.1.1", true),
    ("^1.1", "1.1.1-alpha", false),
    ("^1.1.1-alpha", "1.1.1-beta", true),
    ("^1.1.1-beta", "1.1.1-alpha", false),
    ("^1.1", "4.3.2", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^0.0.1", "0.1.3", false),
    ("^0.0.1", "0.0.1", true),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1", "1.3.5-beta", false),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.x", "1.3.5-beta", false),
    ("~1.3.6-alpha", "1.3.5-beta", false),
    ("~1.3.5-alpha", "1.3.5-beta", true),
    ("~1.3.5-beta", "1.3.5-alpha", false),
    ("~1.x", "1.4", true),
    ("~1.1", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.1", "1.2.3", false),
    ("~1.3", "2.4.5", false),
];

const VALIDATE_MESSAGES: &[(&str, &str, &str)] = &[
    ("2.x", "1.2.3", r#""1.2.3" is less than "2.x""#),
    ("2", "1.2.3", r#""1.2.3" is less than "2""#),
    ("= 2.0", "1.2.3", r#""1.2.3" is less than "2.0""#),
    ("!=4.1", "4.1.0", r#""4.1.0" is equal to "4.1""#),
    ("!=4.x", "4.1.0", r#""4.1.0" is equal to "4.x""#),
    ("!=4.2.x", "4.2.3", r#""4.2.3" is equal to "4.2.x""#),
    (">1.1", "1.1.0", r#""1.1.0" is less than or equal to "1.1""#),
    (
        "<1.1",
        "1.1.0",
        r#""1.1.0" is greater than or equal to "1.1""#,
    ),
    (
        "<1.1",
        "1.1.1",
        r#""1.1.1" is greater than or equal to "1.1""#,
    ),
    (
        "<1.x",
        "2.1.1",
        r#""2.1.1" is greater than or equal to "1.x""#,
    ),
    (
        "<1.1.x",
        "1.2.1",
        r#""1.2.1" is greater than or equal to "1.1.x""#,
    ),
    (">=1.1", "0.0.9", r#""0.0.9" is less than "1.1""#),
    ("<=2.x", "3.1.0", r#""3.1.0" is greater than "2.x""#),
    ("<=1.1", "1.2.1", r#""1.2.1" is greater than "1.1""#),
    ("<=1.1.x", "1.2.500", r#""1.2.500" is greater than "1.1.x""#),
    (
        ">1.1, <3",
        "4.3.2",
        r#""4.3.2" is greater than or equal to "3""#,
    ),
    (
        ">=1.1, <2, !=1.2.3",
        "1.2.3",
        r#""1.2.3" is equal to "1.2.3""#,
    ),
    (
        ">=1.1, <2, !=1.2.3 || > 3",
        "3.0.0",
        r#""3.0.0" is greater than or equal to "2""#,
    ),
    (
        ">=1.1, <2, !=1.2.3 || > 3",
        "1.2.3",
        r#""1.2.3" is equal to "1.2.3""#,
    ),
    ("1.1 - 3", "4.3.2", r#""4.3.2" is greater than "3""#),
    (
        "^1.1",
        "4.3.2",
        r#""4.3.2" does not have same major version as "1.1""#,
    ),
    ("^1.12.7", "1.6.6", r#""1.6.6" is less than "1.12.7""#),
    ("^2.x", "1.1.1", r#""1.1.1" is less than "2.x""#),
    (
        "^1.x",
        "2.1.1",
        r#""2.1.1" does not have same major version as "1.x""#,
    ),
    (
        "^0.2",
        "0.3.0",
        r#""0.3.0" does not have same minor version as "0.2". Expected minor versions to match when constraint major version is 0"#,
    ),
    ("^0.2", "0.1.1", r#""0.1.1" is less than "0.2""#),
    (
        "^0.0.3",
        "0.1.1",
        r#""0.1.1" does not have same minor version as "0.0.3""#,
    ),
    (
        "^0.0.3",
        "0.0.4",
        r#""0.0.4" does not equal "0.0.3". Expect version and constraint to equal when major and minor versions are 0"#,
    ),
    ("^0.0.3", "0.0.2", r#""0.0.2" is less than "0.0.3""#),
    (
        "~1",
        "2.1.2",
        r#""2.1.2" does not have same major version as "1""#,
    ),
    (
        "~1.x",
        "2.1.1",
        r#""2.1.1" does not have same major version as "1.x""#,
    ),
    ("~1.2.3", "1.2.2", r#""1.2.2" is less than "1.2.3""#),
    (
        "~1.2.3",
        "1.3.2",
        r#""1.3.2" does not have same major and minor version as "1.2.3""#,
    ),
    (
        "~1.1",
        "1.2.3",
        r#""1.2.3" does not have same major and minor version as "1.1""#,
    ),
    (
        "~1.3",
        "2.4.5",
        r#""2.4.5" does not have same major version as "1.3""#,
    ),
    (
        "> 1.2.3",
        "1.2.3-beta.1",
        r#""1.2.3-beta.1" is a prerelease version and the constraint is only looking for release versions"#,
    ),
];

const VALIDATE_INCLUDE_PRE: &[(&str, &str, bool)] = &[
    ("^1.1", "1.1.1-alpha", true),
    ("~1", "1.3.5-beta", true),
    ("~1.x", "1.3.5-beta", true),
    (">=1.1", "4.1.0-beta", true),
    (">1.1", "4.1.0-beta", true),
    ("<=1.1", "0.1.0-alpha", true),
    ("<1.1", "0.1.0-alpha", true),
    ("^1.x", "1.1.1-beta1", true),
    ("~1.1", "1.1.1-alpha", true),
    ("*", "1.2.3-alpha", true),
    ("= 2.0", "2.0.1-beta", true),
    ("*", "1.2.3", true),
    ("~0.0.0", "1.2.3", true),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<2.x", "1.1.1", true),
    ("<1.x", "2.1.1", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.1.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.1.x", "1.2.500", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.1, <2, !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    ("1.1 - 2", "1.1.1", true),
    ("1.1-3", "4.3.2", false),
    ("^1.1", "1.1.1", true),
    ("^1.1.1-alpha", "1.1.1-beta", true),
    ("^1.1.1-beta", "1.1.1-alpha", false),
    ("^1.1", "4.3.2", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^0.0.1", "0.1.3", false),
    ("^0.0.1", "0.0.1", true),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.3.6-alpha", "1.3.5-beta", false),
    ("~1.3.5-alpha", "1.3.5-beta", true),
    ("~1.3.5-beta", "1.3.5-alpha", false),
    ("~1.x", "1.4", true),
    ("~1.1", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.1", "1.2.3", false),
    ("~1.3", "2.4.5", false),
];

const VALIDATE_INCLUDE_PRE_MESSAGES: &[(&str, &str, &str)] = &[
    (
        "> 1.2.3",
        "1.2.3-beta.1",
        r#""1.2.3-beta.1" is less than or equal to "1.2.3""#,
    ),
    (
        "< 1.2.3",
        "1.2.4-beta.1",
        r#""1.2.4-beta.1" is greater than or equal to "1.2.3""#,
    ),
    (
        ">= 1.2.3",
        "1.2.3-beta.1",
        r#""1.2.3-beta.1" is less than "1.2.3""#,
    ),
    (
        "<= 1.2.3",
        "1.2.4-beta.1",
        r#""1.2.4-beta.1" is greater than "1.2.3""#,
    ),
    ("2.x", "1.2.3", r#""1.2.3" is less than "2.x""#),
    ("2", "1.2.3", r#""1.2.3" is less than "2""#),
    ("= 2.0", "1.2.3", r#""1.2.3" is less than "2.0""#),
    ("!=4.1", "4.1.0", r#""4.1.0" is equal to "4.1""#),
    ("!=4.x", "4.1.0", r#""4.1.0" is equal to "4.x""#),
    ("!=4.2.x", "4.2.3", r#""4.2.3" is equal to "4.2.x""#),
    (">1.1", "1.1.0", r#""1.1.0" is less than or equal to "1.1""#),
    (
        "<1.1",
        "1.1.0",
        r#""1.1.0" is greater than or equal to "1.1""#,
    ),
    (
        "<1.1",
        "1.1.1",
        r#""1.1.1" is greater than or equal to "1.1""#,
    ),
    (
        "<1.x",
        "2.1.1",
        r#""2.1.1" is greater than or equal to "1.x""#,
    ),
    (
        "<1.1.x",
        "1.2.1",
        r#""1.2.1" is greater than or equal to "1.1.x""#,
    ),
    (">=1.1", "0.0.9", r#""0.0.9" is less than "1.1""#),
    ("<=2.x", "3.1.0", r#""3.1.0" is greater than "2.x""#),
    ("<=1.1", "1.2.1", r#""1.2.1" is greater than "1.1""#),
    ("<=1.1.x", "1.2.500", r#""1.2.500" is greater than "1.1.x""#),
    (
        ">1.1, <3",
        "4.3.2",
        r#""4.3.2" is greater than or equal to "3""#,
    ),
    (
        ">=1.1, <2, !=1.2.3",
        "1.2.3",
        r#""1.2.3" is equal to "1.2.3""#,
    ),
    (
        ">=1.1, <2, !=1.2.3 || > 3",
        "3.0.0",
        r#""3.0.0" is greater than or equal to "2""#,
    ),
    (
        ">=1.1, <2, !=1.2.3 || > 3",
        "1.2.3",
        r#""1.2.3" is equal to "1.2.3""#,
    ),
    ("1.1 - 3", "4.3.2", r#""4.3.2" is greater than "3""#),
    (
        "^1.1",
        "4.3.2",
        r#""4.3.2" does not have same major version as "1.1""#,
    ),
    ("^1.12.7", "1.6.6", r#""1.6.6" is less than "1.12.7""#),
    ("^2.x", "1.1.1", r#""1.1.1" is less than "2.x""#),
    (
        "^1.x",
        "2.1.1",
        r#""2.1.1" does not have same major version as "1.x""#,
    ),
    (
        "^0.2",
        "0.3.0",
        r#""0.3.0" does not have same minor version as "0.2". Expected minor versions to match when constraint major version is 0"#,
    ),
    ("^0.2", "0.1.1", r#""0.1.1" is less than "0.2""#),
    (
        "^0.0.3",
        "0.1.1",
        r#""0.1.1" does not have same minor version as "0.0.3""#,
    ),
    (
        "^0.0.3",
        "0.0.4",
        r#""0.0.4" does not equal "0.0.3". Expect version and constraint to equal when major and minor versions are 0"#,
    ),
    ("^0.0.3", "0.0.2", r#""0.0.2" is less than "0.0.3""#),
    (
        "~1",
        "2.1.2",
        r#""2.1.2" does not have same major version as "1""#,
    ),
    (
        "~1.x",
        "2.1.1",
        r#""2.1.1" does not have same major version as "1.x""#,
    ),
    ("~1.2.3", "1.2.2", r#""1.2.2" is less than "1.2.3""#),
    (
        "~1.2.3",
        "1.3.2",
        r#""1.3.2" does not have same major and minor version as "1.2.3""#,
    ),
    (
        "~1.1",
        "1.2.3",
        r#""1.2.3" does not have same major and minor version as "1.1""#,
    ),
    (
        "~1.3",
        "2.4.5",
        r#""2.4.5" does not have same major version as "1.3""#,
    ),
];

const CONSTRAINT_STRING: &[(&str, &str)] = &[
    ("*", "*"),
    (">=1.2.3", ">=1.2.3"),
    (">= 1.2.3", ">=1.2.3"),
    (
        "2.x,   >=1.2.3 || >4.5.6, < 5.7",
        "2.x >=1.2.3 || >4.5.6 <5.7",
    ),
    (
        "2.x,   >=1.2.3 || >4.5.6, < 5.7 || >40.50.60, < 50.70",
        "2.x >=1.2.3 || >4.5.6 <5.7 || >40.50.60 <50.70",
    ),
    ("1.2", "1.2"),
];

const CONSTRAINT_MARSHAL: &[(&str, &str)] = &[
    ("1.2.3", "1.2.3"),
    (">=1.2.3", ">=1.2.3"),
    ("<=1.2.3", "<=1.2.3"),
    ("1 <=1.2.3", "1 <=1.2.3"),
    ("1, <=1.2.3", "1 <=1.2.3"),
    (">1, <=1.2.3", ">1 <=1.2.3"),
    ("> 1 , <=1.2.3", ">1 <=1.2.3"),
];

const STRICT_VERSION: &[(&str, bool)] = &[
    ("1.2.3", false),
    ("1.2.3-alpha.01", true),
    ("1.2.3+test.01", false),
    ("1.2.3-alpha.-1", false),
    ("v1.2.3", true),
    ("1.0", true),
    ("v1.0", true),
    ("1", true),
    ("v1", true),
    ("1.2", true),
    ("1.2.beta", true),
    ("v1.2.beta", true),
    ("foo", true),
    ("1.2-5", true),
    ("v1.2-5", true),
    ("1.2-beta.5", true),
    ("v1.2-beta.5", true),
    ("\n1.2", true),
    ("\nv1.2", true),
    ("1.2.0-x.Y.0+metadata", false),
    ("v1.2.0-x.Y.0+metadata", true),
    ("1.2.0-x.Y.0+metadata-width-hypen", false),
    ("v1.2.0-x.Y.0+metadata-width-hypen", true),
    ("1.2.3-rc1-with-hypen", false),
    ("1.2.3-0abc123", false),
    ("1.2.3-beta.01", true),
    ("v1.2.3-rc1-with-hypen", true),
    ("1.2.3.4", true),
    ("v1.2.3.4", true),
    ("1.2.2147483648", false),
    ("1.2147483648.3", false),
    ("2147483648.3.0", false),
    ("20221209-update-renovatejson-v4", true),
    ("1.1.2+.123", true),
    ("1.0.0-alpha_beta", true),
    ("1.0.0-alpha..", true),
    ("1.0.0-alpha..1", true),
    ("01.1.1", true),
    ("1.01.1", true),
    ("1.1.01", true),
    ("9.8.7+meta+meta", true),
    ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true),
    ("1.2.3-0123", true),
    ("1.2.3-0123.0123", true),
    ("+invalid", true),
    ("-invalid", true),
    ("-invalid.01", true),
    ("alpha+beta", true),
    ("1.2.3-alpha_beta+foo", true),
    ("1.0.0-alpha..1", true),
];

const LOOSE_VERSION: &[(&str, bool)] = &[
    ("1.2.3", false),
    ("1.2.3-alpha.01", true),
    ("1.2.3+test.01", false),
    ("1.2.3-alpha.-1", false),
    ("v1.2.3", false),
    ("1.0", false),
    ("v1.0", false),
    ("1", false),
    ("v1", false),
    ("1.2.beta", true),
    ("v1.2.beta", true),
    ("foo", true),
    ("1.2-5", false),
    ("v1.2-5", false),
    ("1.2-beta.5", false),
    ("v1.2-beta.5", false),
    ("\n1.2", true),
    ("\nv1.2", true),
    ("1.2.0-x.Y.0+metadata", false),
    ("v1.2.0-x.Y.0+metadata", false),
    ("1.2.0-x.Y.0+metadata-width-hypen", false),
    ("v1.2.0-x.Y.0+metadata-width-hypen", false),
    ("1.2.3-rc1-with-hypen", false),
    ("v1.2.3-rc1-with-hypen", false),
    ("1.2.3-0abc123", false),
    ("1.2.3-beta.01", true),
    ("1.2.3.4", true),
    ("v1.2.3.4", true),
    ("1.2.2147483648", false),
    ("1.2147483648.3", false),
    ("2147483648.3.0", false),
    ("12.3.4.1234", true),
    ("12.23.4.1234", true),
    ("12.3.34.1234", true),
    ("20221209-update-renovatejson-v4", false),
    ("1.1.2+.123", true),
    ("1.0.0-alpha_beta", true),
    ("1.0.0-alpha..", true),
    ("1.0.0-alpha..1", true),
    ("9.8.7+meta+meta", true),
    ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true),
    ("01.1.1", false),
    ("1.01.1", false),
    ("1.1.01", false),
];

const COERCE_STRING: &[(&str, &str)] = &[
    ("1.2.3", "1.2.3"),
    ("v1.2.3", "1.2.3"),
    ("1.0", "1.0.0"),
    ("v1.0", "1.0.0"),
    ("1", "1.0.0"),
    ("v1", "1.0.0"),
    ("1.2-5", "1.2.0-5"),
    ("v1.2-5", "1.2.0-5"),
    ("1.2-beta.5", "1.2.0-beta.5"),
    ("v1.2-beta.5", "1.2.0-beta.5"),
    ("1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"),
    ("v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"),
    (
        "1.2.0-x.Y.0+metadata-width-hypen",
        "1.2.0-x.Y.0+metadata-width-hypen",
    ),
    (
        "v1.2.0-x.Y.0+metadata-width-hypen",
        "1.2.0-x.Y.0+metadata-width-hypen",
    ),
    ("1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"),
    ("v1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"),
];

const COMPARE: &[(&str, &str, i32)] = &[
    ("1.2.3", "1.5.1", -1),
    ("2.2.3", "1.5.1", 1),
    ("2.2.3", "2.2.2", 1),
    ("3.2-beta", "3.2-beta", 0),
    ("1.3", "1.1.4", 1),
    ("4.2", "4.2-beta", 1),
    ("4.2-beta", "4.2", -1),
    ("4.2-alpha", "4.2-beta", -1),
    ("4.2-alpha", "4.2-alpha", 0),
    ("4.2-beta.2", "4.2-beta.1", 1),
    ("4.2-beta2", "4.2-beta1", 1),
    ("4.2-beta", "4.2-beta.2", -1),
    ("4.2-beta", "4.2-beta.foo", -1),
    ("4.2-beta.2", "4.2-beta", 1),
    ("4.2-beta.foo", "4.2-beta", 1),
    ("1.2+bar", "1.2+baz", 0),
    ("1.0.0-beta.4", "1.0.0-beta.-2", -1),
    ("1.0.0-beta.-2", "1.0.0-beta.-3", -1),
    ("1.0.0-beta.-3", "1.0.0-beta.5", 1),
];

const GREATER_THAN: &[(&str, &str, bool)] = &[
    ("1.2.3", "1.5.1", false),
    ("2.2.3", "1.5.1", true),
    ("3.2-beta", "3.2-beta", false),
    ("3.2.0-beta.1", "3.2.0-beta.5", false),
    ("3.2-beta.4", "3.2-beta.2", true),
    ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", false),
    ("7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", true),
    ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.BAR", false),
];
