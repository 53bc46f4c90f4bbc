//! Dependency processing on corpus charts and small in-memory charts: what is removed,
//! how aliases name things, and Helm's error messages.

use std::path::PathBuf;

use capstan_chart::archive::BufferedFile;
use capstan_chart::values::Values;
use capstan_chart::{helm_values, Chart};

fn corpus_chart(name: &str) -> Chart {
    let corpus =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    assert!(
        corpus.join("charts").is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS",
        corpus.display()
    );
    capstan_chart::load_dir(corpus.join("charts").join(name)).expect("load")
}

fn chart(files: &[(&str, &str)]) -> Chart {
    let files = files
        .iter()
        .map(|(n, d)| BufferedFile::new(*n, d.as_bytes()))
        .collect();
    capstan_chart::loader::load_files(files).expect("load")
}

fn user(yaml: &str) -> Values {
    capstan_chart::values::parse_values(yaml.as_bytes()).expect("values")
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_aliased_twice_gives_two_named_copies() {
    let mut c = corpus_chart("helm-dependency-aliased-twice");
    helm_values(&mut c, &Values::new(), false).expect("values");
    let mut names: Vec<String> = c.all_templates().into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "chart-with-dependency-aliased-twice/charts/bar/charts/grandchild/templates/dummy.yaml",
            "chart-with-dependency-aliased-twice/charts/bar/templates/dummy.yaml",
            "chart-with-dependency-aliased-twice/charts/foo/charts/grandchild/templates/dummy.yaml",
            "chart-with-dependency-aliased-twice/charts/foo/templates/dummy.yaml",
        ]
    );
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_disabled_subcharts_are_removed_from_the_chart() {
    let mut c = corpus_chart("helm-subchart");
    let before = c.dependencies.len();
    helm_values(&mut c, &user("subcharta:\n  enabled: false\n"), false).expect("values");
    assert!(c.dependency("subcharta").is_none());
    assert!(c.dependencies.len() < before);
    assert!(c.metadata.deps().all(|d| d.name != "subcharta"));
}

const SUB: &str = "apiVersion: v2\nname: sub\nversion: 1.2.3\n";

#[test]
fn conditions_first_bool_wins_and_tags() {
    let mk = |cond: &str, tags: &str| {
        chart(&[
            (
                "Chart.yaml",
                &format!(
                    "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.2.3\n  condition: {cond}\n  tags: {tags}\n"
                ),
            ),
            ("charts/sub/Chart.yaml", SUB),
        ])
    };
    let cases = [
        ("sub.enabled,other", "[]", "sub: {enabled: false}\n", false),
        (
            "sub.enabled,other",
            "[]",
            "sub: {enabled: \"no\"}\nother: false\n",
            false,
        ),
        ("sub.enabled,other", "[]", "sub: {enabled: \"no\"}\n", true),
        ("missing", "[t1, t2]", "tags: {t1: false}\n", false),
        ("missing", "[t1, t2]", "tags: {t1: false, t2: true}\n", true),
        // A resolvable condition overrides tags.
        (
            "sub.on",
            "[t1]",
            "tags: {t1: false}\nsub: {\"on\": true}\n",
            true,
        ),
    ];
    for (cond, tags, vals, enabled) in cases {
        let mut c = mk(cond, tags);
        helm_values(&mut c, &user(vals), false).expect("values");
        assert_eq!(
            c.dependency("sub").is_some(),
            enabled,
            "{cond} {tags} {vals}"
        );
    }
}

#[test]
fn version_constraints_select_the_chart_to_alias() {
    let mut c = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: \"~2.0\"\n  alias: renamed\n",
        ),
        ("charts/sub/Chart.yaml", SUB),
        ("charts/sub/values.yaml", "x: 1\n"),
    ]);
    // No chart satisfies ~2.0: the chart keeps its own name and stays enabled.
    let v = helm_values(&mut c, &Values::new(), false).expect("values");
    assert!(c.dependency("sub").is_some());
    assert!(c.dependency("renamed").is_none());
    assert!(v.contains_key("sub"));
}

#[test]
fn helm_messages() {
    let mut c = chart(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: a\n  version: 1.0.0\n- name: b\n  version: 1.0.0\n  alias: bee\n",
    )]);
    assert_eq!(
        helm_values(&mut c, &Values::new(), false).expect_err("missing").to_string(),
        "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: a, b"
    );
    let mut lib = chart(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: l\nversion: 1.0.0\ntype: library\n",
    )]);
    assert_eq!(
        helm_values(&mut lib, &Values::new(), false)
            .expect_err("library")
            .to_string(),
        "library charts are not installable"
    );
    let kv = chart(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: k\nversion: 1.0.0\nkubeVersion: \">=1.40\"\n",
    )]);
    assert_eq!(
        capstan_chart::check_kube_version(&kv, "v1.37.0")
            .expect_err("kube")
            .to_string(),
        "chart requires kubeVersion: >=1.40 which is incompatible with Kubernetes v1.37.0"
    );
    assert!(capstan_chart::check_kube_version(&kv, "v1.41.2").is_ok());
}

#[test]
fn library_dependencies_stay_and_are_marked() {
    let mut c = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 0.1.0\n",
        ),
        ("templates/a.yaml", "{{ include \"lib.x\" . }}"),
        ("charts/lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n"),
        ("charts/lib/templates/_x.tpl", "{{ define \"lib.x\" }}x{{ end }}"),
        ("charts/lib/values.yaml", "libdefault: 1\n"),
    ]);
    let v = helm_values(&mut c, &Values::new(), false).expect("values");
    let lib = c.dependency("lib").expect("library kept");
    assert!(lib.is_library());
    // Its templates are there for `include`; the renderer decides not to render them.
    let names: Vec<String> = c.all_templates().into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"app/charts/lib/templates/_x.tpl".to_string()));
    assert_eq!(v["lib"]["libdefault"].as_f64(), Some(1.0));
}

#[test]
fn chart_object_matches_helm() {
    // `{{ toJson .Chart }}` from helm 4.3.1 for the same chart, top level and subchart.
    let mut c = chart(&[
        (
            "Chart.yaml",
            r#"apiVersion: v2
name: c
version: 0.1.0
appVersion: "1.0"
description: d
annotations: {x: "1"}
maintainers: [{name: me, email: e}, {name: you, url: u}]
keywords: [k]
sources: [s]
home: h
icon: i
deprecated: false
kubeVersion: ">=1.0"
type: application
dependencies:
  - name: s
    version: 0.1.0
    repository: file://x
    condition: s.enabled
    tags: [t]
    alias: ess
    import-values: [data, {child: a, parent: b}]
"#,
        ),
        (
            "charts/s/Chart.yaml",
            "apiVersion: v2\nname: s\nversion: 0.1.0\n",
        ),
    ]);
    helm_values(&mut c, &Values::new(), false).expect("values");
    let top: serde_json::Value = serde_json::from_str(r#"{"APIVersion":"v2","Annotations":{"x":"1"},"AppVersion":"1.0","Condition":"","Dependencies":[{"Alias":"ess","Condition":"s.enabled","Enabled":true,"ImportValues":[{"child":"exports.data","parent":"."},{"child":"a","parent":"b"}],"Name":"ess","Repository":"file://x","Tags":["t"],"Version":"0.1.0"}],"Deprecated":false,"Description":"d","Home":"h","Icon":"i","IsRoot":true,"Keywords":["k"],"KubeVersion":">=1.0","Maintainers":[{"Email":"e","Name":"me","URL":""},{"Email":"","Name":"you","URL":"u"}],"Name":"c","Sources":["s"],"Tags":"","Type":"application","Version":"0.1.0"}"#).expect("json");
    let sub: serde_json::Value = serde_json::from_str(r#"{"APIVersion":"v2","Annotations":null,"AppVersion":"","Condition":"","Dependencies":[],"Deprecated":false,"Description":"","Home":"","Icon":"","IsRoot":false,"Keywords":[],"KubeVersion":"","Maintainers":[],"Name":"ess","Sources":[],"Tags":"","Type":"","Version":"0.1.0"}"#).expect("json");
    assert_eq!(c.metadata.to_template_value(true), top);
    let s = c.dependency("ess").expect("aliased sub");
    assert_eq!(s.metadata.to_template_value(false), sub);
}

#[test]
fn chart_object_empty_dependency_fields() {
    let mut c = chart(&[
        ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: s\n    version: 0.1.0\n"),
        ("charts/s/Chart.yaml", "apiVersion: v2\nname: s\nversion: 0.1.0\n"),
    ]);
    helm_values(&mut c, &Values::new(), false).expect("values");
    let want: serde_json::Value = serde_json::from_str(r#"{"APIVersion":"v2","Annotations":null,"AppVersion":"","Condition":"","Dependencies":[{"Alias":"","Condition":"","Enabled":true,"ImportValues":[],"Name":"s","Repository":"","Tags":[],"Version":"0.1.0"}],"Deprecated":false,"Description":"","Home":"","Icon":"","IsRoot":true,"Keywords":[],"KubeVersion":"","Maintainers":[],"Name":"c","Sources":[],"Tags":"","Type":"","Version":"0.1.0"}"#).expect("json");
    assert_eq!(c.metadata.to_template_value(true), want);
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn logged_lines_match_helm_stderr() {
    // Lines helm 4.3.1 printed on stderr for the same charts and values (their relative
    // order follows Go map iteration, so they are compared sorted).
    let mut c = chart(&[
        ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("values.yaml", "t: {x: 1}\ns: str\n"),
    ]);
    let mut log = Vec::new();
    capstan_chart::helm_values_logged(&mut c, &user("s: {x: 1}\n"), false, &mut log)
        .expect("values");
    assert_eq!(
        log,
        vec![r#"level=INFO msg="warning: skipped value for c.s: Not a table.""#]
    );

    let mut c = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s2\n  version: 0.1.0\n",
        ),
        ("values.yaml", "t: {x: 1}\ns: str\n"),
        ("charts/s2/Chart.yaml", "apiVersion: v2\nname: s2\nversion: 0.1.0\n"),
        ("charts/s2/values.yaml", "q: {x: 1}\n"),
    ]);
    let mut log = Vec::new();
    capstan_chart::helm_values_logged(&mut c, &user("s: {x: 1}\ns2: {q: flat}\n"), false, &mut log)
        .expect("values");
    assert_eq!(
        sorted(log),
        sorted(vec![
            r#"level=INFO msg="warning: skipped value for c.s: Not a table.""#.to_string(),
            r#"level=INFO msg="warning: skipped value for c.s: Not a table.""#.to_string(),
            r#"level=INFO msg="warning: cannot overwrite table with non table for c.s2.q (map[x:1])""#.to_string(),
        ])
    );

    let mut c = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s2\n  version: 0.1.0\n  condition: s2.flag\n  tags: [tt]\n  import-values: [missing, {child: nope, parent: p}]\n",
        ),
        ("values.yaml", "tags: {tt: \"x\"}\ns2: {flag: \"str\"}\n"),
        ("charts/s2/Chart.yaml", "apiVersion: v2\nname: s2\nversion: 0.1.0\n"),
        ("charts/s2/values.yaml", "q: {x: 1}\n"),
    ]);
    let mut log = Vec::new();
    capstan_chart::helm_values_logged(&mut c, &Values::new(), false, &mut log).expect("values");
    assert_eq!(
        sorted(log),
        sorted(vec![
            r#"level=WARN msg="returned non-bool value" tag=tt chart=s2"#.to_string(),
            r#"level=WARN msg="returned non-bool value" path=s2.flag chart=s2"#.to_string(),
            r#"level=WARN msg="ImportValues missing table" error="\"exports\" is not a table""#.to_string(),
            r#"level=WARN msg="ImportValues missing table from chart" chart=s2 error="\"nope\" is not a table""#.to_string(),
        ])
    );

    let mut c = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s\n  version: 0.1.0\n",
        ),
        (
            "charts/s/Chart.yaml",
            "apiVersion: v2\nname: s\nversion: 0.1.0\n",
        ),
    ]);
    let mut log = Vec::new();
    let e = capstan_chart::helm_values_logged(&mut c, &user("s: str\n"), false, &mut log)
        .expect_err("mismatch");
    assert_eq!(
        e.to_string(),
        "chart dependencies processing failed: type mismatch on s: %!t(string=str)"
    );
    assert_eq!(
        log,
        vec![
            r#"level=ERROR msg="chart dependencies processing failed" error="type mismatch on s: %!t(string=str)""#
        ]
    );
}

#[test]
fn global_conflict_lines_match_helm_stderr() {
    let mk = || {
        chart(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s\n  version: 0.1.0\n",
            ),
            ("values.yaml", "global: {a: {x: 1}, b: 2}\n"),
            ("charts/s/Chart.yaml", "apiVersion: v2\nname: s\nversion: 0.1.0\n"),
            ("charts/s/values.yaml", "global: {a: 1, b: {y: 2}}\n"),
        ])
    };
    let a = r#"level=INFO msg="warning: destination for c.s.global.a is a table. Ignoring non-table value (1)""#;
    let b = r#"level=INFO msg="warning: cannot overwrite table with non table for c.s.global.b (map[true:2])""#;
    let mut log = Vec::new();
    let v = capstan_chart::helm_values_logged(&mut mk(), &Values::new(), false, &mut log)
        .expect("values");
    assert_eq!(
        sorted(log),
        sorted([a, b, a, b, a, b].map(String::from).to_vec())
    );
    assert_eq!(
        serde_json::Value::Object(v),
        serde_json::json!({"global":{"a":{"x":1.0},"b":2.0},"s":{"global":{"a":{"x":1.0},"b":2.0}}})
    );

    let mut log = Vec::new();
    // As `--set s.global.a=1 --set s.global.b.y=2` (a quoted "y", unlike YAML's y).
    let v = capstan_chart::helm_values_logged(
        &mut mk(),
        &user("s: {global: {a: 1, b: {\"y\": 2}}}\n"),
        false,
        &mut log,
    )
    .expect("values");
    assert_eq!(
        serde_json::Value::Object(v),
        serde_json::json!({"global":{"a":{"x":1.0},"b":2.0},"s":{"global":{"a":1.0,"b":{"true":2.0,"y":2.0}}}})
    );
    let want = [
        r#"level=INFO msg="key b is table. Skipping""#,
        r#"level=INFO msg="Conflict: cannot merge map onto non-map for \"a\". Skipping.""#,
        b,
        a,
        r#"level=INFO msg="warning: cannot overwrite table with non table for c.s.global.a (map[x:1])""#,
        r#"level=INFO msg="warning: destination for c.s.global.b is a table. Ignoring non-table value (2)""#,
        r#"level=INFO msg="Conflict: cannot merge map onto non-map for \"a\". Skipping.""#,
        r#"level=INFO msg="key b is table. Skipping""#,
    ];
    assert_eq!(sorted(log), sorted(want.map(String::from).to_vec()));
}
