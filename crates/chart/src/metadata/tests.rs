use super::*;

#[test]
fn string_fields_follow_sigs_yaml() {
    // Checked with helm 4.3.1 (`{{ toJson .Chart }}`).
    let md = Metadata::from_yaml(
        "apiVersion: v2\nname: c\nversion: 1.10\nappVersion: 0777\ndescription: yes\nkeywords: [1.5, on, 0x10]\nhome: 1e3\nicon: 3.14159265358979\n",
    )
    .unwrap();
    assert_eq!(md.version, "1.1");
    assert_eq!(md.app_version, "511");
    assert_eq!(md.description, "true");
    assert_eq!(md.keywords, vec!["1.5", "true", "16"]);
    assert_eq!(md.home, "1000");
    assert_eq!(md.icon, "3.1415927");
}

#[test]
fn full_metadata() {
    let md = Metadata::from_yaml(
        r#"apiVersion: v2
Name: x
version: 1.2.3
kubeVersion: ">=1.20"
type: library
deprecated: true
annotations: {a: 1, b: two}
maintainers: [{name: me, email: m@x, url: u}]
sources: [s1]
dependencies:
  - name: sub
    version: ~1.0
    repository: file://../sub
    condition: sub.enabled,global.sub
    tags: [t1]
    alias: other
    import-values: [data, {child: a, parent: b}]
"#,
    )
    .unwrap();
    assert_eq!(md.name, "x");
    assert_eq!(md.kube_version, ">=1.20");
    assert!(md.is_library() && md.deprecated);
    assert_eq!(md.annotations["a"], "1");
    assert_eq!(md.maintainers[0].as_ref().unwrap().email, "m@x");
    let d = md.deps().next().unwrap();
    assert_eq!(d.alias, "other");
    assert_eq!(d.tags, vec!["t1"]);
    assert_eq!(d.import_values.len(), 2);
    assert_eq!(d.condition, "sub.enabled,global.sub");
}

#[test]
fn type_errors_are_worded_like_go() {
    // Helm 4.3.1's wording (Go 1.27 field paths).
    let e = Metadata::from_yaml("name: [a]\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .name of type string"
    );
    let e = Metadata::from_yaml("maintainers: [{name: [x]}]\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .maintainers.0.name of type string"
    );
    let e = Metadata::from_yaml("deprecated: \"yes\"\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field .deprecated of type bool"
    );
    let e = Metadata::from_yaml("- a\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type loader.chartBase"
    );
    let e = Metadata::from_yaml("a: 1\n  b: 2\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("error converting YAML to JSON: yaml: line 2: "),
        "{e}"
    );
}

fn valid(text: &str) -> Result<(), String> {
    let mut md = Metadata::from_yaml(text).map_err(|e| e.to_string())?;
    md.validate().map_err(|e| e.to_string())
}

#[test]
fn validation_messages() {
    assert_eq!(
        valid("name: a\nversion: 1.0.0\n").unwrap_err(),
        "validation: chart.metadata.apiVersion is required"
    );
    assert_eq!(
        valid("apiVersion: v2\nversion: 1.0.0\n").unwrap_err(),
        "validation: chart.metadata.name is required"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: ..\nversion: 1\n").unwrap_err(),
        "validation: chart.metadata.name \"..\" is not allowed"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a/b\nversion: 1\n").unwrap_err(),
        "validation: chart.metadata.name \"a/b\" is invalid"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\n").unwrap_err(),
        "validation: chart.metadata.version is required"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\nversion: 1.2.3.4\n").unwrap_err(),
        "validation: chart.metadata.version \"1.2.3.4\" is invalid"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\nversion: 1.0.0\ntype: Library\n").unwrap_err(),
        "validation: chart.metadata.type must be application or library"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\nversion: 1.0.0\nmaintainers: [~]\n").unwrap_err(),
        "validation: maintainers must not contain empty or null nodes"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [~]\n").unwrap_err(),
        "validation: dependencies must not contain empty or null nodes"
    );
    assert_eq!(
        valid("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b, alias: 'x.y'}]\n")
            .unwrap_err(),
        "validation: dependency \"b\" has disallowed characters in the alias"
    );
    assert_eq!(valid("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b}, {name: c, alias: b}]\n").unwrap_err(), "validation: more than one dependency with name or alias \"b\"");
    assert!(valid("apiVersion: v2\nname: a\nversion: v1.2\n").is_ok());
    assert!(valid("apiVersion: v2\nname: a\nversion: 1.2.3-rc.1+build.5\n").is_ok());
    assert!(valid("apiVersion: v2\nname: a\nversion: 1.2.3-01\n").is_err());
}

#[test]
fn sanitizes_strings() {
    let mut md = Metadata::from_yaml(
        "apiVersion: v2\nname: a\nversion: 1.0.0\ndescription: \"x\\ty\\u0007z\"\n",
    )
    .unwrap();
    md.validate().unwrap();
    assert_eq!(md.description, "x yz");
}

#[test]
fn lock_file() {
    let l = Lock::from_yaml("dependencies:\n- name: a\n  repository: r\n  version: 1.0.0\ndigest: sha256:x\ngenerated: \"2024-01-01T00:00:00Z\"\n").unwrap();
    assert_eq!(l.digest, "sha256:x");
    assert_eq!(l.dependencies.len(), 1);
}
