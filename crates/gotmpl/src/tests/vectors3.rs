//! Vectors recorded from helm 4.3.1: file-level parsing (defines, EOF errors, line
//! counting) and more builtin and field edge cases.

use super::harness::{check, finish};

#[test]
fn vectors() {
    check(
        "file_define_vars_not_inherited",
        r#"{{ define "x" }}{{ $ }}{{ end }}{{ $y := 1 }}x: {{ template "x" 5 }}"#,
        r#"{}"#,
        r#"OK:5"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected EOF
    check(
        "file_unexpected_eof",
        r#"x: {{ if true }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected EOF"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unclosed action
    check(
        "file_unclosed_action",
        r#"x: {{ .a"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unclosed action"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unclosed action
    check(
        "file_unclosed_action_paren",
        r#"x: {{ (.a"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unclosed action"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unclosed comment
    check(
        "file_unclosed_comment",
        r#"x: {{/* a"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unclosed comment"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): multiple definition of template "a"
    check(
        "file_multiple_define",
        r#"{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}x: 1"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): multiple definition of template "a""#,
    );
    check(
        "file_define_twice_empty",
        r#"{{ define "a" }}x{{ end }}{{ define "a" }}{{ end }}x: {{ template "a" }}"#,
        r#"{}"#,
        r#"OK:x"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected "a" in define clause
    check(
        "file_define_bad_name",
        r#"{{ define a }}{{ end }}x: 1"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected "a" in define clause"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected EOF
    check(
        "file_define_no_end",
        r#"{{ define "a" }}x"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected EOF"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected {{else}} in define clause
    check(
        "file_define_else",
        r#"{{ define "a" }}{{ else }}{{ end }}x: 1"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected {{else}} in define clause"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): multiple definition of template "b"
    check(
        "file_block_redefined_later",
        r#"x: {{ block "b" . }}default{{ end }}{{ define "b" }}override{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): multiple definition of template "b""#,
    );
    check(
        "file_template_name_raw",
        r#"{{ define "r" }}R{{ end }}x: {{ template `r` }}"#,
        r#"{}"#,
        r#"OK:R"#,
    );
    check(
        "file_template_pipe_scope",
        r#"{{ define "t" }}{{ . }}{{ end }}x: {{ template "t" $v := 4 }}{{ $v }}"#,
        r#"{}"#,
        r#"OK:44"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected <define> in command
    check(
        "file_nested_define_in_block",
        r#"x: {{ block "outer" . }}{{ define "inner" }}{{ end }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected <define> in command"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:2): missing value for if
    check(
        "file_else_if_error_line",
        r#"x: {{ if true }}
{{ else if }}
{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): missing value for if"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): bad character U+0022 '"'
    check(
        "file_unexpected_in_operand",
        r#"x: {{ .a"b" }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): bad character U+0022 '"'"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected <if> in operand
    check(
        "file_keyword_as_arg",
        r#"x: {{ print if }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected <if> in operand"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): unexpected "|" in command
    check(
        "file_pipe_to_nothing",
        r#"x: {{ | print }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): unexpected "|" in command"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:1): missing value for command
    check(
        "file_declare_without_value",
        r#"x: {{ $x := }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:1): missing value for command"#,
    );
    check(
        "file_assign_then_use_in_range",
        r#"x: {{ range $i, $e := list 1 2 }}{{ $i }}{{ end }}"#,
        r#"{}"#,
        r#"OK:01"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:3): missing value for if
    check(
        "file_line_count_in_comment",
        r#"{{/* a
b
c */}}x: {{ if }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:3): missing value for if"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:2): missing value for if
    check(
        "file_line_count_in_raw",
        r#"{{ `a
b` }}x: {{ if }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): missing value for if"#,
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
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <call>: | wrong number of args for call: want at least 1 got 0
    check(
        "call_noargs",
        r#"{{ call }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <call>: wrong number of args for call: want at least 1 got 0"#,
    );
    check(
        "len_map_obj",
        r#"{{ len .Values }}"#,
        r#"{"a": 1, "b": 2}"#,
        r#"OK:2"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <eq true "true">: error calling eq: incompatible types for comparison: bool and string
    check(
        "eq_bool_str",
        r#"{{ eq true "true" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <eq true "true">: error calling eq: incompatible types for comparison: bool and string"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <ne 1 "1">: error calling ne: incompatible types for comparison: int and string
    check(
        "ne_types",
        r#"{{ ne 1 "1" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <ne 1 "1">: error calling ne: incompatible types for comparison: int and string"#,
    );
    check(
        "not_zero_values",
        r#"{{ not 0.0 }}{{ not (list) }}{{ not "" }}{{ not false }}"#,
        r#"{}"#,
        r#"OK:truetruetruetrue"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m nil>: error calling index: value is nil; should be of type string
    check(
        "index_map_nil_key",
        r#"{{ index .Values.m nil }}"#,
        r#"{"m": {"a": 1}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.m nil>: error calling index: value is nil; should be of type string"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l -1>: error calling index: index out of range: -1
    check(
        "index_list_negative",
        r#"{{ index .Values.l -1 }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index .Values.l -1>: error calling index: index out of range: -1"#,
    );
    check(
        "and_or_nil_args",
        r#"{{ and nil 1 }}|{{ or nil nil }}|{{ and 1 nil }}"#,
        r#"{}"#,
        r#"OK:<no value>|<no value>|<no value>"#,
    );
    check(
        "print_nil_and_missing",
        r#"{{ print nil .Values.missing }}|{{ println nil }}"#,
        r#"{}"#,
        r#"OK:<nil> <nil>|<nil>
"#,
    );
    check(
        "printf_missing_arg",
        r#"{{ printf "%s %s" "a" }}"#,
        r#"{}"#,
        r#"OK:a %!s(MISSING)"#,
    );
    check(
        "html_mix",
        r#"{{ html "a" 1 nil }}"#,
        r#"{}"#,
        r#"OK:a1&lt;no value&gt;"#,
    );
    check(
        "js_controls",
        r#"{{ js "\t\r\u0000" }}"#,
        r#"{}"#,
        r#"OK:\u0009\u000D\u0000"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:50 | executing "t" at <$v.x>: | can't evaluate field x in type interface {}
    check(
        "range_map_iface_elem",
        r#"{{ range $k, $v := .Values.m }}{{ $v.x }}{{ end }}"#,
        r#"{"m": {"a": "s"}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:50: executing "t" at <$v.x>: can't evaluate field x in type interface {}"#,
    );
    check(
        "range_list_var_dot",
        r#"{{ range $i, $v := .Values.l }}{{ . }}{{ $i }}{{ end }}"#,
        r#"{"l": ["a"]}"#,
        r#"OK:a0"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:38 | executing "t" at <.a>: | nil pointer evaluating interface {}.a
    check(
        "field_on_nil_value_in_list",
        r#"{{ range .Values.l }}{{ .a }}{{ end }}"#,
        r#"{"l": [null]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:38: executing "t" at <.a>: nil pointer evaluating interface {}.a"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.b.x>: | can't evaluate field x in type interface {}
    check(
        "field_on_bool",
        r#"{{ .Values.b.x }}"#,
        r#"{"b": true}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.b.x>: can't evaluate field x in type interface {}"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.l.x>: | can't evaluate field x in type interface {}
    check(
        "field_on_list",
        r#"{{ .Values.l.x }}"#,
        r#"{"l": [1]}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.l.x>: can't evaluate field x in type interface {}"#,
    );
    check(
        "field_of_missing_var_chain",
        r#"{{ $x := .Values.missing }}{{ $x.a }}"#,
        r#"{}"#,
        r#"OK:<no value>"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.a.b.c>: | nil pointer evaluating interface {}.b
    check(
        "missing_chain_three",
        r#"{{ .Values.a.b.c }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.a.b.c>: nil pointer evaluating interface {}.b"#,
    );
    check(
        "variable_in_define_undefined",
        r#"{{ $x := 1 }}{{ if true }}{{ $x }}{{ end }}"#,
        r#"{}"#,
        r#"OK:1"#,
    );
    check(
        "number_hex_float_forms",
        r#"{{ 0x1p-2 }} {{ 0x_1p0 }} {{ 1e+2 }} {{ 1E-2 }}"#,
        r#"{}"#,
        r#"OK:0.25 1 100 0.01"#,
    );
    check(
        "number_octal_legacy",
        r#"{{ 010 }} {{ 0_7 }}"#,
        r#"{}"#,
        r#"OK:8 7"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): "08"
    check(
        "number_bad_octal",
        r#"{{ 08 }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): "08""#,
    );
    check("number_trailing_dot", r#"{{ 1. }}"#, r#"{}"#, r#"OK:1"#);
    check(
        "char_escapes",
        r#"{{ '\'' }} {{ '"' }} {{ '\\' }} {{ '\t' }} {{ '\101' }} {{ 'é' }}"#,
        r#"{}"#,
        r#"OK:39 34 92 9 65 233"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): invalid syntax
    check(
        "char_bad_escape",
        r#"{{ '\"' }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): invalid syntax"#,
    );
    check(
        "string_escapes",
        r#"{{ "\a\b\f\v" | len }} {{ "\"" }} {{ "\U0001F600" }}"#,
        r#"{}"#,
        r#"OK:4 " 😀"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): invalid syntax
    check(
        "string_single_quote_escape_bad",
        r#"{{ "\'" }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): invalid syntax"#,
    );

    // helm4: Error: parse error at (c/templates/t.yaml:2): unterminated quoted string in action started at c/templates/t.yaml:1
    check(
        "file_unterminated_string_multiline_action",
        r#"x: {{ .a
"abc
}}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): unterminated quoted string in action started at c/templates/t.yaml:1"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:2): unclosed action started at c/templates/t.yaml:1
    check(
        "file_unclosed_action_multiline",
        r#"x: {{ .a
"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): unclosed action started at c/templates/t.yaml:1"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:2): unexpected right paren in action started at c/templates/t.yaml:1
    check(
        "file_unexpected_rparen_multiline",
        r#"x: {{ .a
 1 ) }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): unexpected right paren in action started at c/templates/t.yaml:1"#,
    );
    check(
        "file_trailing_pipe",
        r#"x: {{ "a"
 | }}"#,
        r#"{}"#,
        r#"OK:a"#,
    );
    // helm4: Error: parse error at (c/templates/t.yaml:2): "1x" in action started at c/templates/t.yaml:1
    check(
        "file_bad_number_multiline",
        r#"x: {{ print
 1x }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/t.yaml:2): "1x" in action started at c/templates/t.yaml:1"#,
    );
    finish();
}
