//! More vectors recorded from helm 4.3.1: typed function arguments (Sprig signatures
//! mirrored by the test functions), builtins, trimming, numbers.

use super::harness::{check, finish};

#[test]
fn vectors() {
    check(
        "typed_upper",
        r#"{{ upper "abc" }}|{{ "x" | upper }}"#,
        r#"{}"#,
        r#"OK:ABC|X"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <3>: | expected string; found 3
    check(
        "typed_upper_const_int",
        r#"{{ upper 3 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <3>: expected string; found 3"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:30 | executing "t" at <.Values.f>: | wrong type for value; expected string; got float64
    check(
        "typed_upper_float_value",
        r#"{{ upper .Values.f }}"#,
        r#"{"f": 1}"#,
        r#"ERR:template: c/templates/_t.tpl:1:30: executing "t" at <.Values.f>: wrong type for value; expected string; got float64"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:35 | executing "t" at <upper>: | invalid value; expected string
    check(
        "typed_upper_missing_pipe",
        r#"{{ .Values.missing | upper }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:35: executing "t" at <upper>: invalid value; expected string"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:30 | executing "t" at <.Values.missing>: | wrong type for value; expected string; got interface {}
    check(
        "typed_upper_missing_arg",
        r#"{{ upper .Values.missing }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:30: executing "t" at <.Values.missing>: wrong type for value; expected string; got interface {}"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <nil>: | cannot assign nil to string
    check(
        "typed_upper_nil",
        r#"{{ upper nil }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <nil>: cannot assign nil to string"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <upper>: | wrong number of args for upper: want 1 got 2
    check(
        "typed_upper_arity",
        r#"{{ upper "a" "b" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <upper>: wrong number of args for upper: want 1 got 2"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <upper>: | wrong number of args for upper: want 1 got 2
    check(
        "typed_upper_arity_pipe",
        r#"{{ "b" | upper "a" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <upper>: wrong number of args for upper: want 1 got 2"#,
    );
    check(
        "typed_repeat",
        r#"{{ repeat 2 "ab" }}|{{ repeat 1e1 "-" }}|{{ "z" | repeat 3 }}"#,
        r#"{}"#,
        r#"OK:abab|----------|zzz"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <1.5>: | expected integer; found 1.5
    check(
        "typed_repeat_float",
        r#"{{ repeat 1.5 "ab" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <1.5>: expected integer; found 1.5"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:31 | executing "t" at <.Values.n>: | wrong type for value; expected int; got float64
    check(
        "typed_repeat_value",
        r#"{{ repeat .Values.n "ab" }}"#,
        r#"{"n": 2}"#,
        r#"ERR:template: c/templates/_t.tpl:1:31: executing "t" at <.Values.n>: wrong type for value; expected int; got float64"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <"2">: | expected integer; found "2"
    check(
        "typed_repeat_string",
        r#"{{ repeat "2" "ab" }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <"2">: expected integer; found "2""#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <default>: | wrong number of args for default: want at least 1 got 0
    check(
        "typed_default_arity",
        r#"{{ default }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <default>: wrong number of args for default: want at least 1 got 0"#,
    );
    check(
        "typed_default",
        r#"{{ default "d" .Values.missing }}|{{ .Values.x | default "d" }}|{{ default "d" "" }}"#,
        r#"{"x": "X"}"#,
        r#"OK:d|X|d"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:17 | executing "t" at <upper>: | wrong number of args for upper: want 1 got 0
    check(
        "identifier_no_args",
        r#"{{ upper }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <upper>: wrong number of args for upper: want 1 got 0"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:24 | executing "t" at <.Values.m.x>: | x is not a method but has arguments
    check(
        "field_method_on_map_args",
        r#"{{ .Values.m.x "a" }}"#,
        r#"{"m": {}}"#,
        r#"ERR:template: c/templates/_t.tpl:1:24: executing "t" at <.Values.m.x>: x is not a method but has arguments"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:30 | executing "t" at <$x>: | can't give argument to non-function $x
    check(
        "variable_args",
        r#"{{ $x := 1 }}{{ $x 2 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:30: executing "t" at <$x>: can't give argument to non-function $x"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:34 | executing "t" at <$x>: | can't give argument to non-function $x
    check(
        "pipe_into_variable",
        r#"{{ $x := 1 }}{{ 2 | $x }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:34: executing "t" at <$x>: can't give argument to non-function $x"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:28 | executing "t" at <.Values.x>: | x is not a method but has arguments
    check(
        "pipe_into_field",
        r#"{{ 2 | .Values.x }}"#,
        r#"{"x": 1}"#,
        r#"ERR:template: c/templates/_t.tpl:1:28: executing "t" at <.Values.x>: x is not a method but has arguments"#,
    );
    // helm4: Error: c/templates/t.yaml:1:6 | executing "c/templates/t.yaml" at <include "t" .>: | error calling include: | c/templates/_t.tpl:1:23 | executing "t" at <true>: | expected string; found true
    check(
        "bool_arg_to_string",
        r#"{{ upper true }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:23: executing "t" at <true>: expected string; found true"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <index nil 1>: error calling index: index of untyped nil
    check(
        "nil_to_index",
        r#"{{ index nil 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <index nil 1>: error calling index: index of untyped nil"#,
    );
    check(
        "not_on_missing",
        r#"{{ not .Values.missing }}"#,
        r#"{}"#,
        r#"OK:true"#,
    );
    check(
        "and_returns_value",
        r#"{{ and "a" "b" }}|{{ or .Values.missing "fallback" }}|{{ printf "%T" (and 1 "x") }}"#,
        r#"{}"#,
        r#"OK:b|fallback|string"#,
    );
    check(
        "eq_mixed_first_nil",
        r#"{{ eq .Values.missing 1 }}|{{ eq 1 .Values.missing }}|{{ eq "" .Values.missing }}"#,
        r#"{}"#,
        r#"OK:false|false|false"#,
    );
    check(
        "eq_int_int64ish",
        r#"{{ eq 3 (len "abc") }}"#,
        r#"{}"#,
        r#"OK:true"#,
    );
    check(
        "lt_strings",
        r#"{{ lt "a" "b" }}{{ lt "b" "a" }}{{ lt "" "a" }}"#,
        r#"{}"#,
        r#"OK:truefalsetrue"#,
    );
    check(
        "le_ge_gt",
        r#"{{ le 1 2 }}{{ le 2 1 }}{{ ge 2 2 }}{{ gt 2 2 }}{{ gt 3 2 }}"#,
        r#"{}"#,
        r#"OK:truefalsetruefalsetrue"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <le 1.5 2>: error calling le: incompatible types for comparison: float64 and int
    check(
        "le_mixed",
        r#"{{ le 1.5 2 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <le 1.5 2>: error calling le: incompatible types for comparison: float64 and int"#,
    );
    // helm4: Error: template: c/templates/t.yaml:1:6: executing "c/templates/t.yaml" at <include "t" .>: error calling include: template: c/templates/_t.tpl:1:17: executing "t" at <ge nil 1>: error calling ge: invalid type for comparison
    check(
        "ge_nil",
        r#"{{ ge nil 1 }}"#,
        r#"{}"#,
        r#"ERR:template: c/templates/_t.tpl:1:17: executing "t" at <ge nil 1>: error calling ge: invalid type for comparison"#,
    );
    check("char_compare", r#"{{ eq 'a' 97 }}"#, r#"{}"#, r#"OK:true"#);
    check(
        "range_map_values_nested",
        r#"{{ range .Values.m }}{{ .name }},{{ end }}"#,
        r#"{"m": {"b": {"name": "B"}, "a": {"name": "A"}}}"#,
        r#"OK:A,B,"#,
    );
    check(
        "range_nested_break",
        r#"{{ range $i := .Values.l }}{{ range $.Values.l }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ $i }}{{ . }};{{ end }}{{ end }}"#,
        r#"{"l": [1, 2, 3]}"#,
        r#"OK:11;21;31;"#,
    );
    check(
        "range_continue_in_with",
        r#"{{ range .Values.l }}{{ with . }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}{{ end }}"#,
        r#"{"l": [1, 2, 3]}"#,
        r#"OK:13"#,
    );
    check(
        "range_vars_reset",
        r#"{{ range $v := .Values.l }}{{ $w := $v }}{{ $w }}{{ end }}"#,
        r#"{"l": ["a", "b"]}"#,
        r#"OK:ab"#,
    );
    check(
        "with_assign_outer",
        r#"{{ $x := "a" }}{{ with .Values.y }}{{ $x = . }}{{ end }}{{ $x }}"#,
        r#"{"y": "b"}"#,
        r#"OK:b"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <define> in command
    check(
        "template_dot_nil",
        r#"{{ define "x" }}{{ . }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <define> in command"#,
    );
    check(
        "trim_only_left",
        r#"a   {{- "b" }}   c"#,
        r#"{}"#,
        r#"OK:ab   c"#,
    );
    check(
        "trim_tabs_crlf",
        r#"a	
	{{- "b" -}}
	c"#,
        r#"{}"#,
        r#"OK:abc"#,
    );
    check(
        "trim_marker_in_string",
        r#"{{ "-}}" }}"#,
        r#"{}"#,
        r#"OK:-}}"#,
    );
    check(
        "right_trim_multiple_spaces",
        r#"{{ "a"   -}}   b"#,
        r#"{}"#,
        r#"OK:ab"#,
    );
    check(
        "comment_trim_left",
        r#"a  {{- /* x */}}  b"#,
        r#"{}"#,
        r#"OK:a  b"#,
    );
    check(
        "comment_trim_right",
        r#"a  {{/* x */ -}}  b"#,
        r#"{}"#,
        r#"OK:a  b"#,
    );
    check(
        "raw_string_multiline",
        r#"{{ `a
b` }}"#,
        r#"{}"#,
        r#"OK:a
b"#,
    );
    check("raw_string_cr", r#"{{ "a\rb" }}"#, r#"{}"#, "OK:a\rb");
    check(
        "empty_action_text",
        r#"{{ "" }}x{{ "" }}"#,
        r#"{}"#,
        r#"OK:x"#,
    );
    check(
        "nested_parens",
        r#"{{ ((((1)))) }}{{ (print (print (print "x"))) }}"#,
        r#"{}"#,
        r#"OK:1x"#,
    );
    check(
        "paren_field_on_result",
        r#"{{ (.Values.m).a.b }}"#,
        r#"{"m": {"a": {"b": "c"}}}"#,
        r#"OK:c"#,
    );
    check(
        "chain_on_function_result",
        r#"{{ (default .Values.m .Values.z).a }}"#,
        r#"{"m": {"a": "A"}}"#,
        r#"OK:A"#,
    );
    check(
        "hex_field_like",
        r#"{{ 0x1F }} {{ 0X1f }} {{ 1E2 }} {{ 0x1.8p1 }} {{ 1_0.5 }}"#,
        r#"{}"#,
        r#"OK:31 31 100 3 10.5"#,
    );
    check(
        "negative_float",
        r#"{{ -1.5 }} {{ -0.0 }} {{ +.5 }}"#,
        r#"{}"#,
        r#"OK:-1.5 -0 0.5"#,
    );
    check(
        "big_int",
        r#"{{ 9223372036854775807 }} {{ -9223372036854775808 }}"#,
        r#"{}"#,
        r#"OK:9223372036854775807 -9223372036854775808"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): bad character U+002D '-'
    check(
        "minus_in_ident_fails",
        r#"{{ .a-b }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): bad character U+002D '-'"#,
    );
    check(
        "dollar_field",
        r#"{{ $.Values.a }}"#,
        r#"{"a": "A"}"#,
        r#"OK:A"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <with> in input
    check(
        "else_with_in_if",
        r#"{{ if false }}a{{ else with "w" }}{{ . }}{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <with> in input"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <if> in input
    check(
        "else_if_in_with",
        r#"{{ with false }}a{{ else if true }}b{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <if> in input"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): unexpected <if> in input
    check(
        "range_else_if",
        r#"{{ range .Values.l }}a{{ else if true }}b{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): unexpected <if> in input"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): expected end; found {{else}}
    check(
        "missing_end_after_else",
        r#"{{ if true }}a{{ else }}b{{ else }}c{{ end }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): expected end; found {{else}}"#,
    );
    // helm4: Error: parse error at (c/templates/_t.tpl:1): undefined variable "$y"
    check(
        "decl_in_paren_scope",
        r#"{{ if true }}{{ ($y := 1) }}{{ end }}{{ $y }}"#,
        r#"{}"#,
        r#"PARSEERR:parse error at (c/templates/_t.tpl:1): undefined variable "$y""#,
    );
    check(
        "map_key_unicode",
        r#"{{ .Values.m.héllo }}"#,
        r#"{"m": {"héllo": 1}}"#,
        r#"OK:1"#,
    );
    check(
        "field_with_digits",
        r#"{{ .Values.a1_b }}"#,
        r#"{"a1_b": 2}"#,
        r#"OK:2"#,
    );
    check(
        "len_string_bytes",
        r#"{{ len "日本" }}"#,
        r#"{}"#,
        r#"OK:6"#,
    );
    // Go gives uint8 here; the value model has no uint8, so the byte is a uint64.
    check(
        "index_string_char",
        r#"{{ index "日本" 0 }} {{ printf "%T" (index "ab" 0) }}"#,
        r#"{}"#,
        r#"OK:230 uint8"#,
    );
    check(
        "html_nonstring",
        r#"{{ html .Values.l }}"#,
        r#"{"l": ["<a>"]}"#,
        r#"OK:[&lt;a&gt;]"#,
    );
    check(
        "js_special",
        r#"{{ js "a=b" }}|{{ js "\u2028" }}|{{ js "\x01" }}"#,
        r#"{}"#,
        r#"OK:a\u003Db|\u2028|\u0001"#,
    );
    check(
        "urlquery_many",
        r#"{{ urlquery "a" 1 "b" }}"#,
        r#"{}"#,
        r#"OK:a1b"#,
    );
    check(
        "print_spacing",
        r#"{{ print "a" 1 2 "b" nil 3.5 }}"#,
        r#"{}"#,
        r#"OK:a1 2b<nil> 3.5"#,
    );
    check(
        "println_spacing",
        r#"{{ println "a" 1 }}"#,
        r#"{}"#,
        r#"OK:a 1
"#,
    );
    // Go fmt verbs through printf (the fmt module's work, seen through the engine).
    check(
        "printf_verbs",
        r#"{{ printf "%5s|%-5s|%q|%x|%v" "a" "b" "c" 255 .Values.l }}"#,
        r#"{"l": [1, "x"]}"#,
        r#"OK:    a|b    |"c"|ff|[1 x]"#,
    );
    finish();
}
