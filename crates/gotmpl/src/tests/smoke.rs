use super::harness::render;

#[test]
fn smoke() {
    assert_eq!(render("a: {{ .Values.x }}", r#"{"x": "hi"}"#), "a: hi");
    assert_eq!(
        render("a: {{ .Values.a.b }}", "{}"),
        r#"EXEC: template: t.yaml:1:13: executing "t.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b"#
    );
}

/// `index` of a string yields a Go `uint8`; expected strings read off helm 4.3.1.
#[test]
fn index_of_string_is_uint8() {
    let t = r#"{{ eq (index "a" 0) 97 }} {{ lt (index "a" 0) 100 }} {{ printf "%c %x %v %T" (index "a" 0) (index "a" 0) (index "a" 0) (index "a" 0) }} {{ if index "a" 0 }}t{{ end }} {{ eq (index "a" 0) (index "b" 0) }} {{ range $i := index "\x03" 0 }}{{ $i }}{{ printf "%T" $i }}{{ end }}"#;
    assert_eq!(
        render(t, "{}"),
        "true true a 61 97 uint8 t false 0uint81uint82uint8"
    );
}
