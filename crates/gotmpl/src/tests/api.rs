//! Tests of the public API: the template set, function contexts, objects, options and
//! limits. Expected texts follow Go's `text/template` (checked against helm where helm
//! can show them; noted otherwise).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::harness::{helm_data, values};
use crate::{
    Error, FuncError, FuncMap, Function, Kind, MissingKey, Object, Param, Signature, Templates,
    Value,
};

fn set_with(mk: MissingKey) -> Templates {
    let mut t = Templates::new("gotpl");
    t.option_missingkey(mk);
    t
}

fn run(t: &mut Templates, text: &str, data: &Value) -> Result<String, Error> {
    t.parse("t", text)?;
    t.execute("t", data)
}

#[test]
fn missingkey_default_prints_no_value_and_chains_silently() {
    let mut t = set_with(MissingKey::Default);
    let data = values(r#"{"m": {}}"#);
    // Default: a missing key is the invalid value; fields of it are invalid too.
    assert_eq!(
        run(&mut t, "{{ .m.x }}|{{ .m.x.y }}|{{ .nope.a.b }}", &data).unwrap(),
        "<no value>|<no value>|<no value>"
    );
}

#[test]
fn missingkey_zero_gives_nil_interface() {
    let mut t = set_with(MissingKey::Zero);
    let data = values(r#"{"m": {}}"#);
    assert_eq!(run(&mut t, "{{ .m.x }}", &data).unwrap(), "<no value>");
    let err = run(&mut t, "{{ .m.x.y }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:5: executing "t" at <.m.x.y>: nil pointer evaluating interface {}.y"#
    );
}

#[test]
fn missingkey_error_reports_the_key() {
    let mut t = set_with(MissingKey::Error);
    let data = values(r#"{"m": {}}"#);
    let err = run(&mut t, "{{ .m.x }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:5: executing "t" at <.m.x>: map has no entry for key "x""#
    );
    // Through an invalid value (a nil pipeline result) Go reports "nil data".
    let err = run(&mut t, "{{ $v := index .m \"a\" }}{{ $v.b }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:29: executing "t" at <$v.b>: nil data; no entry for key "b""#
    );
}

#[test]
fn error_fields_are_exposed() {
    let mut t = set_with(MissingKey::Zero);
    t.parse("f.yaml", "a\n  {{ .x.y }}").unwrap();
    let err = t.execute("f.yaml", &values("{}")).unwrap_err();
    match &err {
        Error::Exec {
            name,
            location: Some(loc),
            context,
            message,
        } => {
            assert_eq!(name, "f.yaml");
            assert_eq!(
                (loc.parse_name.as_str(), loc.line, loc.col),
                ("f.yaml", 2, 7)
            );
            assert_eq!(context, ".x.y");
            assert_eq!(message, "nil pointer evaluating interface {}.y");
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = t.parse("g.yaml", "\n{{ if }}").unwrap_err();
    assert_eq!(
        err,
        Error::Parse {
            name: "g.yaml".into(),
            line: 2,
            message: "missing value for if".into()
        }
    );
    assert_eq!(err.to_string(), "template: g.yaml:2: missing value for if");
}

#[test]
fn execute_unknown_template_names_the_set() {
    let t = Templates::new("gotpl");
    assert_eq!(
        t.execute("x", &Value::Nil).unwrap_err().to_string(),
        r#"template: no template "x" associated with template "gotpl""#
    );
}

#[test]
fn defines_share_one_namespace_and_later_definitions_win() {
    let mut t = Templates::new("gotpl");
    t.parse("a.tpl", r#"{{ define "n" }}from a{{ end }}"#)
        .unwrap();
    t.parse("b.tpl", r#"{{ define "n" }}from b{{ end }}"#)
        .unwrap();
    // An empty body never replaces a non-empty one (Go's AddParseTree rule).
    t.parse("c.tpl", r#"{{ define "n" }}  {{ end }}"#).unwrap();
    t.parse(
        "main",
        r#"{{ template "n" }}|{{ block "blk" . }}default{{ end }}"#,
    )
    .unwrap();
    assert_eq!(t.execute("main", &Value::Nil).unwrap(), "from b|default");
    assert!(t.has("n") && t.has("a.tpl") && t.has("blk"));
    assert_eq!(
        t.names(),
        vec!["a.tpl", "b.tpl", "blk", "c.tpl", "main", "n"]
    );
    // Within one text a second non-empty definition is an error.
    let err = t
        .parse(
            "d.tpl",
            r#"{{ define "x" }}1{{ end }}{{ define "x" }}2{{ end }}"#,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: d.tpl:1: template: multiple definition of template "x""#
    );
}

#[test]
fn block_is_overridden_by_a_later_define() {
    let mut t = Templates::new("gotpl");
    t.parse("main", r#"[{{ block "b" . }}default{{ end }}]"#)
        .unwrap();
    t.parse("over", r#"{{ define "b" }}custom{{ end }}"#)
        .unwrap();
    assert_eq!(t.execute("main", &Value::Nil).unwrap(), "[custom]");
}

fn include_set() -> Templates {
    let mut funcs = FuncMap::new();
    funcs.insert(
        "include".into(),
        Function::typed(
            Signature::fixed(vec![Param::String, Param::Any]),
            |ctx, args| {
                let name = args[0].as_str().unwrap_or_default().to_string();
                let n = ctx.counter(&name);
                *n += 1;
                if *n > 1000 {
                    return Err(FuncError::new(format!(
                        "rendering template has a nested reference name: {name}"
                    )));
                }
                let r = ctx.execute_template(&name, &args[1]);
                *ctx.counter(&name) -= 1;
                Ok(Value::from(r?))
            },
        ),
    );
    funcs.insert(
        "tpl".into(),
        Function::typed(
            Signature::fixed(vec![Param::String, Param::Any]),
            |ctx, args| {
                let set = ctx.clone_with("gotpl", args[0].as_str().unwrap_or_default())?;
                Ok(Value::from(ctx.execute_in(&set, "gotpl", &args[1])?))
            },
        ),
    );
    funcs.insert(
        "where".into(),
        Function::new(|ctx, _| {
            let l = ctx.location();
            Ok(Value::from(format!(
                "{} {}:{}:{}",
                ctx.template_name(),
                l.parse_name,
                l.line,
                l.col
            )))
        }),
    );
    let mut t = Templates::new("gotpl");
    t.funcs(funcs).option_missingkey(MissingKey::Zero);
    t
}

#[test]
fn functions_can_execute_templates_of_the_set() {
    let mut t = include_set();
    t.parse(
        "_h.tpl",
        r#"{{ define "name" }}{{ .Values.name }}-x{{ end }}"#,
    )
    .unwrap();
    t.parse("t.yaml", r#"n: {{ include "name" . | printf "%q" }}"#)
        .unwrap();
    assert_eq!(
        t.execute("t.yaml", &helm_data(r#"{"name": "web"}"#))
            .unwrap(),
        r#"n: "web-x""#
    );
}

#[test]
fn nested_errors_are_wrapped_like_go() {
    let mut t = include_set();
    t.parse("_h.tpl", "{{ define \"bad\" }}\n{{ .a.b }}{{ end }}")
        .unwrap();
    t.parse("t.yaml", r#"{{ include "bad" . }}"#).unwrap();
    let err = t.execute("t.yaml", &values("{}")).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t.yaml:1:3: executing "t.yaml" at <include "bad" .>: error calling include: template: _h.tpl:2:5: executing "bad" at <.a.b>: nil pointer evaluating interface {}.b"#
    );
}

#[test]
fn recursion_through_functions_is_bounded() {
    let mut t = include_set();
    t.parse("_h.tpl", r#"{{ define "r" }}{{ include "r" . }}{{ end }}"#)
        .unwrap();
    t.parse("t.yaml", r#"{{ include "r" . }}"#).unwrap();
    let err = t.execute("t.yaml", &Value::Nil).unwrap_err().to_string();
    assert!(
        err.ends_with("error calling include: rendering template has a nested reference name: r"),
        "{err}"
    );
}

#[test]
fn tpl_sees_the_defines_of_the_set() {
    let mut t = include_set();
    t.parse("_h.tpl", r#"{{ define "d" }}D{{ end }}"#).unwrap();
    t.parse("t.yaml", r#"{{ tpl "{{ template \"d\" }}{{ define \"e\" }}E{{ end }}{{ include \"e\" . }}{{ .v }}" . }}"#).unwrap();
    assert_eq!(t.execute("t.yaml", &values(r#"{"v": 1}"#)).unwrap(), "DE1");
    // The clone does not leak into the set.
    assert!(!t.has("e"));
}

#[test]
fn functions_see_the_calling_template_and_position() {
    let mut t = include_set();
    t.parse("_h.tpl", "{{ define \"w\" }}\n  {{ where }}{{ end }}")
        .unwrap();
    t.parse("t.yaml", r#"{{ where }} {{ template "w" }}"#)
        .unwrap();
    assert_eq!(
        t.execute("t.yaml", &Value::Nil).unwrap(),
        "t.yaml t.yaml:1:3 \n  w _h.tpl:2:5"
    );
}

#[test]
fn undefined_function_is_a_parse_error_and_exec_error_when_removed() {
    let mut t = Templates::new("gotpl");
    let err = t.parse("t", "{{ nope }}").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1: function "nope" not defined"#
    );
}

/// A struct-like object with methods, like Helm's `.Capabilities` or `.Files`.
struct Caps;

impl Object for Caps {
    fn type_name(&self) -> &str {
        "*chartutil.Capabilities"
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::from("v1.37.0")),
            "Nested" => Some(Value::Object(Arc::new(Caps))),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match (name, args) {
            ("Has", [Value::String(s)]) => Ok(Value::Bool(&**s == "v1")),
            ("Has", _) => Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )),
            _ => Err("no such method".into()),
        }
    }
    fn format_v(&self) -> String {
        "&{v1.37.0}".into()
    }
}

#[test]
fn objects_have_fields_and_methods() {
    let mut m = BTreeMap::new();
    m.insert("Capabilities".to_string(), Value::Object(Arc::new(Caps)));
    let data = Value::map(m);
    let mut t = set_with(MissingKey::Zero);
    let out = run(&mut t, r#"{{ .Capabilities.KubeVersion }} {{ .Capabilities.Has "v1" }} {{ .Capabilities.Nested.Has "v2" }} {{ "v1" | .Capabilities.Has }} {{ .Capabilities }}"#, &data).unwrap();
    // A pointer to a struct prints as the struct (Go's printableValue).
    assert_eq!(out, "v1.37.0 true false true {v1.37.0}");
    // Seen through the map's interface{} slot, Go names the slot's type (as helm shows);
    // through a variable, the object's own type.
    let err = run(&mut t, "{{ .Capabilities.Nope }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:16: executing "t" at <.Capabilities.Nope>: can't evaluate field Nope in type interface {}"#
    );
    let err = run(&mut t, "{{ $c := .Capabilities }}{{ $c.Nope }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:30: executing "t" at <$c.Nope>: can't evaluate field Nope in type *chartutil.Capabilities"#
    );
    let err = run(&mut t, "{{ .Capabilities.KubeVersion 1 }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:16: executing "t" at <.Capabilities.KubeVersion>: KubeVersion has arguments but cannot be invoked as function"#
    );
    let err = run(&mut t, "{{ .Capabilities.Has }}", &data).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:16: executing "t" at <.Capabilities.Has>: error calling Has: wrong number of args for Has: want 1 got 0"#
    );
}

#[test]
fn typed_nil_map_arguments_and_named_maps() {
    let mut funcs = FuncMap::new();
    funcs.insert(
        "keys".into(),
        Function::typed(
            Signature::fixed(vec![Param::NamedMap("chartutil.Values")]),
            |_, a| match &a[0] {
                Value::Map(m) => Ok(Value::Int(m.len() as i64)),
                other => Ok(Value::from(other.type_name())),
            },
        ),
    );
    let mut t = Templates::new("gotpl");
    t.funcs(funcs).option_missingkey(MissingKey::Zero);
    assert_eq!(
        run(
            &mut t,
            "{{ keys .m }} {{ keys nil }}",
            &values(r#"{"m": {"a": 1}}"#)
        )
        .unwrap(),
        "1 0"
    );
    // A missing key is a nil interface{}, which is not a map (helm: `pick .Values.missing`).
    let err = run(&mut t, "{{ keys .missing }}", &values("{}")).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:8: executing "t" at <.missing>: wrong type for value; expected chartutil.Values; got interface {}"#
    );
    let err = run(&mut t, "{{ keys .s }}", &values(r#"{"s": "x"}"#)).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:8: executing "t" at <.s>: wrong type for value; expected chartutil.Values; got string"#
    );
}

#[test]
fn deep_template_recursion_reports_go_error() {
    let mut t = Templates::new("gotpl");
    t.parse(
        "t",
        r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#,
    )
    .unwrap();
    let err = t.execute("t", &Value::Nil).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:28: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100000)"#
    );
}

#[test]
fn deep_nesting_parses_and_runs_or_fails_cleanly() {
    // 5000 nested parentheses and ifs are legal in Go and must not overflow our stack.
    let n = 5000;
    let text = format!("{}1{}", "(".repeat(n), ")".repeat(n));
    let mut t = Templates::new("gotpl");
    assert_eq!(
        run(&mut t, &format!("{{{{ {text} }}}}"), &Value::Nil).unwrap(),
        "1"
    );
    let text = format!("{}x{}", "{{ if true }}".repeat(n), "{{ end }}".repeat(n));
    assert_eq!(run(&mut t, &text, &Value::Nil).unwrap(), "x");
    // Beyond Go's limit of 10000 nested parentheses: Go's parse error.
    let n = 10_001;
    let text = format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n));
    let err = t.parse("deep", &text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: deep:1: max expression depth exceeded"
    );
}

#[test]
fn range_over_large_int_can_break_early() {
    let mut t = Templates::new("gotpl");
    assert_eq!(
        run(
            &mut t,
            "{{ range $i := 1000000000000 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}",
            &Value::Nil
        )
        .unwrap(),
        "012"
    );
}

#[test]
fn clones_are_independent() {
    let mut a = Templates::new("gotpl");
    a.parse("x", "a").unwrap();
    let mut b = a.clone();
    b.parse("x", "b").unwrap();
    assert_eq!(a.execute("x", &Value::Nil).unwrap(), "a");
    assert_eq!(b.execute("x", &Value::Nil).unwrap(), "b");
}

#[test]
fn function_errors_are_wrapped_with_the_call() {
    // Helm rewrites these as "execution error at (...)"; the Go text underneath is this.
    let mut t = super::harness::helm_set(super::harness::test_funcs());
    let got = |t: &mut Templates, text: &str| run(t, text, &Value::Nil).unwrap_err().to_string();
    assert_eq!(
        got(&mut t, r#"{{ fail "boom" }}"#),
        r#"template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom"#
    );
    assert_eq!(
        got(&mut t, r#"{{ "boom" | fail }}"#),
        r#"template: t:1:12: executing "t" at <fail>: error calling fail: boom"#
    );
    assert_eq!(
        got(&mut t, r#"{{ upper (fail "inner") }}"#),
        r#"template: t:1:10: executing "t" at <fail "inner">: error calling fail: inner"#
    );
    assert_eq!(
        got(&mut t, "a\nb {{ fail \"x\" }}"),
        r#"template: t:2:5: executing "t" at <fail "x">: error calling fail: x"#
    );
}

#[test]
fn sets_and_errors_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Templates>();
    assert_send_sync::<Error>();
    assert_send_sync::<Function>();
    // Parallel executions of one set.
    let mut t = Templates::new("gotpl");
    t.parse("t", "{{ range . }}{{ . }}{{ end }}").unwrap();
    let data = values("[1, 2, 3]");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| t.execute("t", &data).unwrap()))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), "123");
        }
    });
}

#[test]
fn slice_builtin_follows_go() {
    // Helm replaces `slice` with Sprig's, so these follow Go's funcs.go, not helm output.
    let mut t = set_with(MissingKey::Zero);
    let data = values(r#"{"l": [1, 2, 3]}"#);
    assert_eq!(run(&mut t, r#"{{ slice "abcdef" 1 3 }}|{{ slice "abc" }}|{{ slice "abc" 1 }}|{{ slice .l 1 2 }}|{{ slice .l 0 1 3 }}|{{ slice .l 3 }}"#, &data).unwrap(), "bc|abc|bc|[2]|[1]|[]");
    let err = |t: &mut Templates, text: &str| run(t, text, &data).unwrap_err().message();
    assert_eq!(
        err(&mut t, r#"{{ slice "abc" 1 2 3 }}"#),
        "error calling slice: cannot 3-index slice a string"
    );
    assert_eq!(
        err(&mut t, r#"{{ slice "abc" 2 1 }}"#),
        "error calling slice: invalid slice index: 2 > 1"
    );
    assert_eq!(
        err(&mut t, r#"{{ slice "abc" 5 }}"#),
        "error calling slice: index out of range: 5"
    );
    assert_eq!(
        err(&mut t, "{{ slice 3 1 }}"),
        "error calling slice: can't slice item of type int"
    );
    assert_eq!(
        err(&mut t, "{{ slice nil }}"),
        "error calling slice: slice of untyped nil"
    );
    assert_eq!(
        err(&mut t, "{{ slice .l 1 2 3 4 }}"),
        "error calling slice: too many slice indexes: 4"
    );
    assert_eq!(
        err(&mut t, r#"{{ slice .l "a" }}"#),
        "error calling slice: cannot index slice/array with type string"
    );
}

#[test]
fn step_limit_stops_runaway_templates() {
    let mut t = Templates::new("gotpl");
    t.option_step_limit(Some(1000));
    let err = run(&mut t, "{{ range 1000000000000 }}x{{ end }}", &Value::Nil).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:25: executing "t" at <x>: execution step limit exceeded (1000)"#
    );
    // Within the limit, output is unchanged.
    assert_eq!(
        run(&mut t, "{{ range 3 }}{{ . }}{{ end }}", &Value::Nil).unwrap(),
        "012"
    );
    // The budget covers nested executions from functions too.
    let mut t = include_set();
    t.option_step_limit(Some(500));
    t.parse(
        "_h.tpl",
        r#"{{ define "r" }}{{ range 100 }}{{ end }}{{ end }}"#,
    )
    .unwrap();
    t.parse("t.yaml", r#"{{ range 10 }}{{ include "r" . }}{{ end }}"#)
        .unwrap();
    let err = t.execute("t.yaml", &Value::Nil).unwrap_err().to_string();
    assert!(
        err.ends_with("execution step limit exceeded (500)"),
        "{err}"
    );
}

/// An object that declares its method's Go signature.
struct Versions;

impl Object for Versions {
    fn type_name(&self) -> &str {
        "chartutil.VersionSet"
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, String> {
        Ok(Value::Bool(args[0].as_str() == Some("apps/v1")))
    }
    fn format_v(&self) -> String {
        "[apps/v1]".into()
    }
    fn method_signature(&self, name: &str) -> Option<Signature> {
        (name == "Has").then(|| Signature::fixed(vec![Param::String]))
    }
    fn to_data(&self) -> Value {
        Value::string_list(["apps/v1".to_string(), "v1".to_string()])
    }
}

#[test]
fn methods_with_signatures_are_checked_like_go() {
    let mut m = BTreeMap::new();
    m.insert("V".to_string(), Value::Object(Arc::new(Versions)));
    let data = Value::map(m);
    let mut t = set_with(MissingKey::Zero);
    assert_eq!(
        run(&mut t, r#"{{ .V.Has "apps/v1" }} {{ .V.Has "x" }}"#, &data).unwrap(),
        "true false"
    );
    let err = |t: &mut Templates, text: &str| run(t, text, &data).unwrap_err().to_string();
    assert_eq!(
        err(&mut t, "{{ .V.Has }}"),
        r#"template: t:1:5: executing "t" at <.V.Has>: wrong number of args for Has: want 1 got 0"#
    );
    assert_eq!(
        err(&mut t, "{{ .V.Has 1 }}"),
        r#"template: t:1:10: executing "t" at <1>: expected string; found 1"#
    );
}

/// Regression: Helm's `tpl ""` inside a `tpl` parsed under the same name (`gotpl`) re-ran the
/// outer text forever, because an empty body never replaced the existing template. Go
/// executes the new template object's own (empty) tree.
#[test]
fn parse_new_lets_an_empty_body_replace_its_own_name() {
    let mut set = crate::Templates::new("gotpl");
    set.parse("gotpl", "outer {{ . }}").unwrap();
    let mut clone = set.clone();
    clone
        .parse_new("gotpl", "{{ define \"x\" }}y{{ end }}")
        .unwrap();
    assert_eq!(clone.execute("gotpl", &crate::Value::Nil).unwrap(), "");
    assert!(clone.has("x"));
    // Plain `parse` keeps Go's rule for files: an empty body never replaces a non-empty one.
    set.parse("gotpl", "").unwrap();
    assert_eq!(
        set.execute("gotpl", &crate::Value::from("z")).unwrap(),
        "outer z"
    );
}
