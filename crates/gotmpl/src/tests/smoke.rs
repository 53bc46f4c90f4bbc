use super::harness::render;

#[test]
fn smoke() {
    assert_eq!(render("a: {{ .Values.x }}", r#"{"x": "hi"}"#), "a: hi");
    assert_eq!(
        render("a: {{ .Values.a.b }}", "{}"),
        r#"EXEC: template: t.yaml:1:13: executing "t.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b"#
    );
}
