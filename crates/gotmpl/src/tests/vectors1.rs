//! Vectors recorded from helm 4.3.1 (error texts that helm 4 reformats were rebuilt from
//! its output; parse errors are compared by file, line and message tail, as helm prints them).

use super::harness::{check, finish};

#[test]
fn vectors() {
    check("text_only", r#"hello world"#, r#"{}"#, r#"OK:hello world"#);
    check("trim_both", r#"a  {{- "x" -}}  b"#, r#"{}"#, r#"OK:axb"#);
    check(
        "trim_newlines",
        r#"a
  {{- "x" }}
  b {{ "y" -}}

  c"#,
        r#"{}"#,
        r#"OK:ax
  b yc"#,
    );
    check("trim_needs_space", r#"{{-3}}"#, r#"{}"#, r#"OK:-3"#);
    check(
        "trim_comment",
        r#"a  {{- /* c */ -}}  b"#,
        r#"{}"#,
        r#"OK:ab"#,
    );
    check(
        "comment_plain",
        r#"a{{/* hi
there */}}b"#,
        r#"{}"#,
        r#"OK:ab"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): comment ends before closing delimiter
    check(
        "comment_bad_end",
        r#"a{{/* hi */ }}b"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): comment ends before closing delimiter"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unclosed comment
    check(
        "comment_unclosed",
        r#"a{{/* hi }}b"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unclosed comment"#,
    );
    check(
        "strings",
        r#"{{ "a\tb\"c" }}|{{ `raw\n` }}|{{ "\u00e9\x41\101" }}"#,
        r#"{}"#,
        r#"OK:a	b"c|raw\n|éAA"#,
    );
    check(
        "chars",
        r#"{{ 'a' }} {{ '\n' }} {{ '\x41' }} {{ '\u00e9' }} {{ printf "%T" 'a' }}"#,
        r#"{}"#,
        r#"OK:97 10 65 233 int"#,
    );
    check(
        "numbers_int",
        r#"{{ 0x10 }} {{ 017 }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ -5 }} {{ +5 }} {{ printf "%T" 3 }}"#,
        r#"{}"#,
        r#"OK:16 15 15 5 1000 -5 5 int"#,
    );
    check(
        "numbers_float",
        r#"{{ 1.5 }} {{ 1e3 }} {{ printf "%T" 1e3 }} {{ .5 }} {{ 1.0 }} {{ printf "%T" 0x1p4 }} {{ 1e-7 }} {{ 123456789.0 }}"#,
        r#"{}"#,
        r#"OK:1.5 1000 float64 0.5 1 float64 1e-07 1.23456789e+08"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): "99999999999999999999"
    check(
        "number_overflow",
        r#"{{ 99999999999999999999 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): "99999999999999999999""#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <18446744073709551615>: | 18446744073709551615 overflows int
    check(
        "number_uint_overflows_int",
        r#"{{ 18446744073709551615 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <18446744073709551615>: 18446744073709551615 overflows int"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): "1.x"
    check(
        "number_bad",
        r#"{{ 1.x }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): "1.x""#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): "1__0"
    check(
        "number_illegal",
        r#"{{ 1__0 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): "1__0""#,
    );
    check(
        "complex",
        r#"{{ 1i }}|{{ 1+2i }}|{{ 0i }}"#,
        r#"{}"#,
        r#"OK:(0+1i)|(1+2i)|(0+0i)"#,
    );
    check(
        "bools_nil",
        r#"{{ true }} {{ false }} {{ print nil }}"#,
        r#"{}"#,
        r#"OK:true false <nil>"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <nil>: | nil is not a command
    check(
        "nil_command",
        r#"{{ nil }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <nil>: nil is not a command"#,
    );
    check(
        "var_decl",
        r#"{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}"#,
        r#"{}"#,
        r#"OK:12"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): undefined variable "$y"
    check(
        "var_undefined_parse",
        r#"{{ $y }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): undefined variable "$y""#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:22 | executing "t" at <1>: | undefined variable: $x
    check(
        "var_assign_undeclared",
        r#"{{ $x = 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:22: executing "t" at <1>: undefined variable: $x"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): undefined variable "$x"
    check(
        "var_scope_if",
        r#"{{ if true }}{{ $x := 1 }}{{ $x }}{{ end }}{{ $x }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): undefined variable "$x""#,
    );
    check(
        "var_scope_if2",
        r#"{{ $x := 0 }}{{ if true }}{{ $x = 1 }}{{ end }}{{ $x }}"#,
        r#"{}"#,
        r#"OK:1"#,
    );
    check(
        "var_dollar",
        r#"{{ range .Values.l }}{{ $.Values.n }}{{ . }}{{ end }}"#,
        r#"{"l": [1, 2], "n": "N"}"#,
        r#"OK:N1N2"#,
    );
    check(
        "var_in_else",
        r#"{{ if $x := .Values.a }}yes{{ else }}{{ $x }}{{ end }}"#,
        r#"{"a": 0}"#,
        r#"OK:0"#,
    );
    check(
        "range_list",
        r#"{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}"#,
        r#"{"l": ["a", "b"]}"#,
        r#"OK:0=a;1=b;"#,
    );
    check(
        "range_map",
        r#"{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}"#,
        r#"{"m": {"b": 2, "a": 1, "c": {"x": 1}}}"#,
        r#"OK:a=1;b=2;c=map[x:1];"#,
    );
    check(
        "range_one_var",
        r#"{{ range $v := .Values.l }}{{ $v }}{{ end }}"#,
        r#"{"l": [1, 2.5, "x", true, null]}"#,
        r#"OK:12.5xtrue<no value>"#,
    );
    check(
        "range_else",
        r#"{{ range .Values.l }}x{{ else }}empty{{ end }}|{{ range .Values.missing }}x{{ else }}none{{ end }}"#,
        r#"{"l": []}"#,
        r#"OK:empty|none"#,
    );
    check(
        "range_int",
        r#"{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}zero{{ end }}"#,
        r#"{}"#,
        r#"OK:012|01|zero"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:33 | executing "t" at <3>: | can't use 3 to iterate over more than one variable
    check(
        "range_int_two_vars",
        r#"{{ range $i, $v := 3 }}{{ end }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:33: executing "t" at <3>: can't use 3 to iterate over more than one variable"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <1.5>: | range can't iterate over 1.5
    check(
        "range_float",
        r#"{{ range 1.5 }}{{ end }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <1.5>: range can't iterate over 1.5"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <"abc">: | range can't iterate over abc
    check(
        "range_string",
        r#"{{ range "abc" }}{{ end }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <"abc">: range can't iterate over abc"#,
    );
    check(
        "range_break_continue",
        r#"{{ range .Values.l }}{{ if eq . "c" }}{{ break }}{{ end }}{{ if eq . "a" }}{{ continue }}{{ end }}{{ . }}{{ end }}"#,
        r#"{"l": ["a", "b", "c", "d"]}"#,
        r#"OK:b"#,
    );
    check(
        "range_assign",
        r#"{{ $i := 0 }}{{ $v := 0 }}{{ range $i, $v = .Values.l }}{{ end }}{{ $i }}{{ $v }}"#,
        r#"{"l": ["a", "b"]}"#,
        r#"OK:1b"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): {{break}} outside {{range}}
    check(
        "break_outside",
        r#"{{ break }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): {{break}} outside {{range}}"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected "1" in {{break}}
    check(
        "break_arg",
        r#"{{ range . }}{{ break 1 }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected "1" in {{break}}"#,
    );
    check(
        "if_else_chain",
        r#"{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}{{ if .Values.c }}A{{ else if .Values.b }}B{{ end }}"#,
        r#"{"a": false, "b": "x"}"#,
        r#"OK:BB"#,
    );
    check(
        "with_else",
        r#"{{ with .Values.a }}{{ . }}{{ else }}no{{ end }}|{{ with .Values.z }}{{ . }}{{ else with .Values.a }}second {{ . }}{{ end }}"#,
        r#"{"a": "A"}"#,
        r#"OK:A|second A"#,
    );
    check(
        "with_dot_nested",
        r#"{{ with .Values.m }}{{ .x }}{{ with .y }}{{ . }}{{ end }}{{ end }}"#,
        r#"{"m": {"x": 1, "y": [1, 2]}}"#,
        r#"OK:1[1 2]"#,
    );
    check(
        "truthiness",
        r#"{{ if 0 }}a{{ end }}{{ if "" }}b{{ end }}{{ if .Values.l }}c{{ end }}{{ if .Values.m }}d{{ end }}{{ if 0.0 }}e{{ end }}{{ if .Values.z }}f{{ end }}{{ if 1 }}g{{ end }}"#,
        r#"{"l": [], "m": {}, "z": null}"#,
        r#"OK:g"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "define_template",
        r#"{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" "a" }}{{ template "x" }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "define_vars_not_inherited",
        r#"{{ define "x" }}{{ $ }}{{ end }}{{ $y := 1 }}{{ template "x" 5 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    check(
        "block",
        r#"{{ block "b" .Values.x }}default {{ . }}{{ end }}"#,
        r#"{"x": "X"}"#,
        r#"OK:default X"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:26 | executing "t" at <{{template "nope"}}>: | template "nope" not defined
    check(
        "template_undefined",
        r#"{{ template "nope" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:26: executing "t" at <{{template "nope"}}>: template "nope" not defined"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected "}}" in template clause
    check(
        "template_no_name",
        r#"{{ template }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected "}}" in template clause"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "define_in_if",
        r#"{{ if true }}{{ define "x" }}{{ end }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected {{end}}
    check(
        "unexpected_end",
        r#"{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected {{end}}"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected {{else}} in define clause
    check(
        "unexpected_else",
        r#"{{ else }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected {{else}} in define clause"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:2): unexpected EOF
    check(
        "unexpected_eof",
        r#"{{ if true }}
x"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:2): unexpected EOF"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): missing value for if
    check(
        "missing_value_if",
        r#"{{ if }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): missing value for if"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): bad character U+007B '{'
    check(
        "unclosed_action",
        r#"{{ .a"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): bad character U+007B '{'"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:3): unexpected "{" in parenthesized pipeline
    check(
        "unclosed_action_nl",
        r#"{{ .a

}}{{ ("#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:3): unexpected "{" in parenthesized pipeline"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unclosed left paren
    check(
        "unclosed_paren",
        r#"{{ (1 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unclosed left paren"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected right paren
    check(
        "unexpected_rparen",
        r#"{{ 1) }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected right paren"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): bad character U+20AC '€'
    check(
        "bad_char",
        r#"{{ .a€ }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): bad character U+20AC '€'"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): U+20AC '€'
    check(
        "unrecognized",
        r#"{{ € }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): U+20AC '€'"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): undefined variable "$x"
    check(
        "expected_declare",
        r#"{{ $x : 1 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): undefined variable "$x""#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unterminated quoted string
    check(
        "unterminated_string",
        r#"{{ "abc
}}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unterminated quoted string"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unterminated raw quoted string
    check(
        "unterminated_raw",
        r#"{{ `abc }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unterminated raw quoted string"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unterminated character constant
    check(
        "unterminated_char",
        r#"{{ 'a }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unterminated character constant"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): 'ab'
    check(
        "malformed_char",
        r#"{{ 'ab' }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): 'ab'"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): invalid syntax
    check(
        "bad_escape",
        r#"{{ "\q" }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): invalid syntax"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): function "foo" not defined
    check(
        "func_undefined",
        r#"{{ foo 1 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): function "foo" not defined"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): non executable command in pipeline stage 2
    check(
        "non_exec_stage",
        r#"{{ .a | 1 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): non executable command in pipeline stage 2"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected . after term "\"a\""
    check(
        "after_term",
        r#"{{ "a".x }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected . after term "\"a\"""#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:18 | executing "t" at <nil>: | nil is not a command
    check(
        "nil_chain",
        r#"{{ (nil).x }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:18: executing "t" at <nil>: nil is not a command"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): too many declarations in range
    check(
        "too_many_decl",
        r#"{{ range $a, $b, $c := . }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): too many declarations in range"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): too many declarations in with
    check(
        "with_two_decl",
        r#"{{ with $a, $b := . }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): too many declarations in with"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): range can only initialize variables
    check(
        "range_init_only_vars",
        r#"{{ range $a, 1 }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): range can only initialize variables"#,
    );
    check("empty_command", r#"{{ 1 | }}"#, r#"{}"#, r#"OK:1"#);
    check(
        "pipeline_args",
        r#"{{ "x" | printf "%s-%s" "a" }}"#,
        r#"{}"#,
        r#"OK:a-x"#,
    );
    check(
        "paren_pipeline",
        r#"{{ (printf "%s" "a") }}{{ (1) }}"#,
        r#"{}"#,
        r#"OK:a1"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <(1) 2>: | can't give argument to non-function 1
    check(
        "non_function",
        r#"{{ (1) 2 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <(1) 2>: can't give argument to non-function 1"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <1>: | can't give argument to non-function 2
    check(
        "non_function_pipe",
        r#"{{ 1 | (2) }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <1>: can't give argument to non-function 2"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.a.b>: | nil pointer evaluating interface {}.b
    check(
        "field_missing_nil",
        r#"{{ .Values.a.b }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.a.b>: nil pointer evaluating interface {}.b"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.x.y>: | can't evaluate field y in type interface {}
    check(
        "field_on_string_iface",
        r#"{{ .Values.x.y }}"#,
        r#"{"x": "s"}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.x.y>: can't evaluate field y in type interface {}"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:34 | executing "t" at <$x.y>: | can't evaluate field y in type string
    check(
        "field_on_string_var",
        r#"{{ $x := "s" }}{{ $x.y }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:34: executing "t" at <$x.y>: can't evaluate field y in type string"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:46 | executing "t" at <$v.y>: | can't evaluate field y in type interface {}
    check(
        "field_on_range_var",
        r#"{{ range $v := .Values.l }}{{ $v.y }}{{ end }}"#,
        r#"{"l": ["s"]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:46: executing "t" at <$v.y>: can't evaluate field y in type interface {}"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:38 | executing "t" at <.y>: | can't evaluate field y in type interface {}
    check(
        "field_on_dot_range",
        r#"{{ range .Values.l }}{{ .y }}{{ end }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:38: executing "t" at <.y>: can't evaluate field y in type interface {}"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.x>: | x is not a method but has arguments
    check(
        "field_args",
        r#"{{ .Values.x 1 }}"#,
        r#"{"x": "s"}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.x>: x is not a method but has arguments"#,
    );
    check(
        "field_missing_prints",
        r#"{{ .Values.missing }}|{{ .Values.m.missing }}"#,
        r#"{"m": {}}"#,
        r#"OK:<no value>|<no value>"#,
    );
    check(
        "chain_paren",
        r#"{{ (index .Values.l 1).a }}|{{ (.Values.m).a }}"#,
        r#"{"l": [0, {"a": "A"}], "m": {"a": 1}}"#,
        r#"OK:A|1"#,
    );
    check(
        "chain_paren_missing",
        r#"{{ (index .Values.m "zz").a }}"#,
        r#"{"m": {}}"#,
        r#"OK:<no value>"#,
    );
    check(
        "var_field_chain",
        r#"{{ $m := .Values.m }}{{ $m.a.b }}"#,
        r#"{"m": {"a": {"b": "deep"}}}"#,
        r#"OK:deep"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:32 | executing "t" at <$x.a>: | can't evaluate field a in type int
    check(
        "dot_number_field",
        r#"{{ $x := 1 }}{{ $x.a }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:32: executing "t" at <$x.a>: can't evaluate field a in type int"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:81 | executing "t" at <and>: | wrong number of args for and: want at least 1 got 0
    check(
        "and_or",
        r#"{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 "" "x" 3 }}|{{ or 0 "" }}|{{ and }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:81: executing "t" at <and>: wrong number of args for and: want at least 1 got 0"#,
    );
    check(
        "and_short_circuit",
        r#"{{ or 1 (fail) }}"#,
        r#"{}"#,
        r#"OK:1"#,
    );
    check(
        "and_short_circuit2",
        r#"{{ and 0 .Values.x.y.z }}|{{ or 1 .Values.x.y.z }}"#,
        r#"{}"#,
        r#"OK:0|1"#,
    );
    check(
        "and_pipe",
        r#"{{ 0 | and 1 }}|{{ 5 | or 0 }}"#,
        r#"{}"#,
        r#"OK:0|5"#,
    );
    check(
        "not",
        r#"{{ not 0 }} {{ not "a" }} {{ not .Values.missing }}"#,
        r#"{}"#,
        r#"OK:true false true"#,
    );
    check(
        "len",
        r#"{{ len "héllo" }} {{ len .Values.l }} {{ len .Values.m }}"#,
        r#"{"l": [1, 2, 3], "m": {"a": 1}}"#,
        r#"OK:6 3 1"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <len .Values.missing>: error calling len: len of nil pointer
    check(
        "len_nil",
        r#"{{ len .Values.missing }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <len .Values.missing>: error calling len: len of nil pointer"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value
    check(
        "len_invalid",
        r#"{{ len nil }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <len 3>: error calling len: len of type int
    check(
        "len_number",
        r#"{{ len 3 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <len 3>: error calling len: len of type int"#,
    );
    check(
        "index_multi",
        r#"{{ index .Values.m "a" 1 "b" }}|{{ index .Values.l 0 }}|{{ index "abc" 1 }}|{{ index .Values.m "zz" }}"#,
        r#"{"m": {"a": [0, {"b": "B"}]}, "l": ["x"]}"#,
        r#"OK:B|x|98|<no value>"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 5>: error calling index: index out of range: 5
    check(
        "index_out_of_range",
        r#"{{ index .Values.l 5 }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 5>: error calling index: index out of range: 5"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 1>: error calling index: reflect: slice index out of range
    check(
        "index_at_len",
        r#"{{ index .Values.l 1 }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 1>: error calling index: reflect: slice index out of range"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l "x">: error calling index: cannot index slice/array with type string
    check(
        "index_string_key_list",
        r#"{{ index .Values.l "x" }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l "x">: error calling index: cannot index slice/array with type string"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m 1>: error calling index: value has type int; should be string
    check(
        "index_int_key_map",
        r#"{{ index .Values.m 1 }}"#,
        r#"{"m": {"a": 1}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m 1>: error calling index: value has type int; should be string"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 0.0>: error calling index: cannot index slice/array with type float64
    check(
        "index_float_idx",
        r#"{{ index .Values.l 0.0 }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l 0.0>: error calling index: cannot index slice/array with type float64"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m "a">: error calling index: index of untyped nil
    check(
        "index_nil",
        r#"{{ index .Values.m "a" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m "a">: error calling index: index of untyped nil"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index 3 1>: error calling index: can't index item of type int
    check(
        "index_number",
        r#"{{ index 3 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index 3 1>: error calling index: can't index item of type int"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m "a" "b">: error calling index: index of nil pointer
    check(
        "index_nil_inner",
        r#"{{ index .Values.m "a" "b" }}"#,
        r#"{"m": {"a": null}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m "a" "b">: error calling index: index of nil pointer"#,
    );
    check(
        "index_noargs",
        r#"{{ index .Values.l }}"#,
        r#"{"l": [1]}"#,
        r#"OK:[1]"#,
    );
    check(
        "eq_basic",
        r#"{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ eq .Values.f 1.0 }} {{ eq .Values.s "x" }} {{ eq true true }} {{ eq nil nil }} {{ eq .Values.m nil }} {{ eq nil 1 }}"#,
        r#"{"f": 1, "s": "x", "m": {}}"#,
        r#"OK:true true true true true true false false"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq 1 1.0>: error calling eq: incompatible types for comparison: int and float64
    check(
        "eq_int_float",
        r#"{{ eq 1 1.0 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq 1 1.0>: error calling eq: incompatible types for comparison: int and float64"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.f 1>: error calling eq: incompatible types for comparison: float64 and int
    check(
        "eq_values_float_int",
        r#"{{ eq .Values.f 1 }}"#,
        r#"{"f": 1}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.f 1>: error calling eq: incompatible types for comparison: float64 and int"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.l .Values.l>: error calling eq: non-comparable type [%!s(float64=1)]: []interface {}
    check(
        "eq_list",
        r#"{{ eq .Values.l .Values.l }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.l .Values.l>: error calling eq: non-comparable type [%!s(float64=1)]: []interface {}"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.m .Values.m>: error calling eq: non-comparable type map[a:%!s(float64=1)]: map[string]interface {}
    check(
        "eq_map",
        r#"{{ eq .Values.m .Values.m }}"#,
        r#"{"m": {"a": 1}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq .Values.m .Values.m>: error calling eq: non-comparable type map[a:%!s(float64=1)]: map[string]interface {}"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq 1>: error calling eq: missing argument for comparison
    check(
        "eq_missing",
        r#"{{ eq 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq 1>: error calling eq: missing argument for comparison"#,
    );
    check(
        "ne",
        r#"{{ ne 1 2 }} {{ ne "a" "a" }}"#,
        r#"{}"#,
        r#"OK:true false"#,
    );
    check(
        "lt_family",
        r#"{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ lt -1 0 }}"#,
        r#"{}"#,
        r#"OK:true true true false true"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <lt 1 1.0>: error calling lt: incompatible types for comparison: int and float64
    check(
        "lt_mixed",
        r#"{{ lt 1 1.0 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <lt 1 1.0>: error calling lt: incompatible types for comparison: int and float64"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <lt nil 1>: error calling lt: invalid type for comparison
    check(
        "lt_nil",
        r#"{{ lt nil 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <lt nil 1>: error calling lt: invalid type for comparison"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <lt true false>: error calling lt: invalid type for comparison
    check(
        "lt_bool",
        r#"{{ lt true false }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <lt true false>: error calling lt: invalid type for comparison"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <lt .Values.l 1>: error calling lt: invalid type for comparison
    check(
        "lt_list",
        r#"{{ lt .Values.l 1 }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <lt .Values.l 1>: error calling lt: invalid type for comparison"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <gt 1 1.5>: error calling gt: incompatible types for comparison: int and float64
    check(
        "gt_mixed",
        r#"{{ gt 1 1.5 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <gt 1 1.5>: error calling gt: incompatible types for comparison: int and float64"#,
    );
    check(
        "html_js_urlquery",
        r#"{{ html "<a href='x'>&\"" }}|{{ js "it's <b> \"q\" \\ & = \n é" }}|{{ urlquery "a b&c=d/é" }}|{{ html 1 2 }}|{{ html .Values.missing }}"#,
        r#"{}"#,
        r#"OK:&lt;a href=&#39;x&#39;&gt;&amp;&#34;|it\'s \u003Cb\u003E \"q\" \\ \u0026 \u003D \u000A é|a+b%26c%3Dd%2F%C3%A9|1 2|&lt;no value&gt;"#,
    );
    check(
        "print_funcs",
        r#"{{ print 1 2 "a" "b" 3 }}|{{ println 1 "a" }}|{{ printf "%d-%s" 3 "x" }}|{{ print .Values.missing }}"#,
        r#"{}"#,
        r#"OK:1 2ab3|1 a
|3-x|<nil>"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <1>: | expected string; found 1
    check(
        "printf_nonstring",
        r#"{{ printf 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <1>: expected string; found 1"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:31 | executing "t" at <.Values.f>: | wrong type for value; expected string; got float64
    check(
        "printf_float_format",
        r#"{{ printf .Values.f }}"#,
        r#"{"f": 1}"#,
        r#"ERR:template: c/templates/_t.tpl:1:31: executing "t" at <.Values.f>: wrong type for value; expected string; got float64"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <printf>: | wrong number of args for printf: want at least 1 got 0
    check(
        "printf_wrong_count",
        r#"{{ printf }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <call .Values.x 1>: error calling call: non-function .Values.x of type string
    check(
        "call_nonfunc",
        r#"{{ call .Values.x 1 }}"#,
        r#"{"x": "s"}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <call .Values.x 1>: error calling call: non-function .Values.x of type string"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <call .Values.missing>: error calling call: call of nil
    check(
        "call_nil",
        r#"{{ call .Values.missing }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <call .Values.missing>: error calling call: call of nil"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <not>: | wrong number of args for not: want 1 got 2
    check(
        "not_arity",
        r#"{{ not 1 2 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <not>: wrong number of args for not: want 1 got 2"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <ne>: | wrong number of args for ne: want 2 got 1
    check(
        "ne_arity",
        r#"{{ ne 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <ne>: wrong number of args for ne: want 2 got 1"#,
    );
    check(
        "print_map_list",
        r#"{{ .Values.m }} {{ .Values.l }} {{ .Values.f }} {{ .Values.big }} {{ .Values.small }} {{ .Values.i }}"#,
        r#"{"m": {"b": [1, "x"], "a": true}, "l": [1.5, null, "s"], "f": 1000000, "big": 123456789, "small": 0.00001, "i": 100000}"#,
        r#"OK:map[a:true b:[1 x]] [1.5 <nil> s] 1e+06 1.23456789e+08 1e-05 100000"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "multiple_define_same_text",
        r#"{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "define_empty_then_full",
        r#"{{ define "a" }}{{ end }}{{ define "a" }}y{{ end }}{{ template "a" }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    check(
        "newline_in_action",
        r#"{{ printf "%s"
  "x" }}"#,
        r#"{}"#,
        r#"OK:x"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:2:12 | executing "t" at <.Values.a.b>: | nil pointer evaluating interface {}.b
    check(
        "positions_multiline",
        r#"line1
  {{ .Values.a.b }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:2:12: executing "t" at <.Values.a.b>: nil pointer evaluating interface {}.b"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "position_in_define",
        r#"{{ define "d" }}
  {{ .x.y }}
{{ end }}{{ template "d" .Values }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.aaaaaaaaaaaaaaaa "bbbbbbbbbbbbbbbbbbbbbb" "c">: error calling index: index of untyped nil
    check(
        "context_long_command",
        r#"{{ index .Values.aaaaaaaaaaaaaaaa "bbbbbbbbbbbbbbbbbbbbbb" "c" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.aaaaaaaaaaaaaaaa "bbbbbbbbbbbbbbbbbbbbbb" "c">: error calling index: index of untyped nil"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:2:5 | executing "t" at <.a.b>: | nil pointer evaluating interface {}.b
    check(
        "range_error_context",
        r#"{{ range .Values.l }}
{{ .a.b }}{{ end }}"#,
        r#"{"l": [{"a": null}]}"#,
        r#"ERR:template: c/templates/_t.tpl:2:5: executing "t" at <.a.b>: nil pointer evaluating interface {}.b"#,
    );
    check(
        "pipe_decl_print",
        r#"{{ $x := "a" | printf "%s-b" }}{{ $x }}"#,
        r#"{}"#,
        r#"OK:a-b"#,
    );
    check(
        "pipe_decl_paren",
        r#"{{ ($x := 5) }}{{ $x }}"#,
        r#"{}"#,
        r#"OK:55"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.a.b>: | nil pointer evaluating interface {}.b
    check(
        "chained_missing_default",
        r#"{{ .Values.a.b | default "d" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.a.b>: nil pointer evaluating interface {}.b"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.m.x>: | x is not a method but has arguments
    check(
        "string_field_on_map_with_args",
        r#"{{ .Values.m.x 1 }}"#,
        r#"{"m": {"x": 1}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.m.x>: x is not a method but has arguments"#,
    );
    check(
        "deep_else_with",
        r#"{{ with .Values.a }}a{{ else with .Values.b }}b{{ else with .Values.c }}c{{ else }}none{{ end }}"#,
        r#"{"c": 1}"#,
        r#"OK:c"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "template_pipe_vars",
        r#"{{ define "t" }}{{ . }}{{ end }}{{ template "t" $x := 3 }}{{ $x }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    check(
        "identifier_as_arg",
        r#"{{ printf "%v-" print }}"#,
        r#"{}"#,
        r#"OK:-"#,
    );
    check(
        "missing_map_in_range_index",
        r#"{{ range $k, $v := .Values.m }}{{ $k }}:{{ $v.z }};{{ end }}"#,
        r#"{"m": {"a": {"z": 1}, "b": {}}}"#,
        r#"OK:a:1;b:<no value>;"#,
    );
    finish();
}
