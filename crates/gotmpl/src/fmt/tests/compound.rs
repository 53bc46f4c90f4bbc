//! Oracle cases for strings, byte slices, slices and maps, error forms and indexes. Expected strings come from helm 4.3.1 (see `fmt/tests.rs`).

use super::{bytes, chart_values, dict, ints, strs, Checker};
use crate::value::Value;

/// String verbs: `%s`, `%q` and its flags, hex forms, precision and width in runes.
#[test]
fn strings() {
    let mut c = Checker::default();
    c.check(
        "%s|%10s|%-10s|%.2s|%5.1s|%05s",
        vec![
            Value::str("héllo"),
            Value::str("héllo"),
            Value::str("héllo"),
            Value::str("héllo"),
            Value::str("héllo"),
            Value::str("ab"),
        ],
        "héllo|     héllo|héllo     |hé|    h|000ab",
    );
    c.check(
        "%q|%+q|%#q|%#q|%#+q",
        vec![
            Value::str("a\u{9}b"),
            Value::str("é"),
            Value::str("a\u{9}b"),
            Value::str("back`q"),
            Value::str("é"),
        ],
        "\"a\\tb\"|\"\\u00e9\"|`a\u{9}b`|\"back`q\"|`é`",
    );
    c.check(
        "%q",
        vec![Value::str(
            "\u{0}\u{7}\u{8}\u{c}\u{a}\u{d}\u{9}\u{b}\u{1b}\u{7f}\"\\'",
        )],
        "\"\\x00\\a\\b\\f\\n\\r\\t\\v\\x1b\\x7f\\\"\\\\'\"",
    );
    c.check(
        "%q|%+q|%q|%+q",
        vec![
            Value::str("😀"),
            Value::str("😀"),
            Value::str("\u{2028}\u{ad}\u{feff}"),
            Value::str("\u{a0}"),
        ],
        "\"😀\"|\"\\U0001f600\"|\"\\u2028\\u00ad\\ufeff\"|\"\\u00a0\"",
    );
    c.check(
        "%#q|%#q|%#q|%.3q|%8q|%-8q|",
        vec![
            Value::str(""),
            Value::str("\u{feff}"),
            Value::str("a\u{7f}"),
            Value::str("abcdef"),
            Value::str("ab"),
            Value::str("ab"),
        ],
        "``|\"\\ufeff\"|\"a\\x7f\"|\"abc\"|    \"ab\"|\"ab\"    |",
    );
    c.check(
        "%x|%X|% x|%#x|%# x|%# X",
        vec![
            Value::str("hi"),
            Value::str("hi"),
            Value::str("hi"),
            Value::str("hi"),
            Value::str("hi"),
            Value::str("hié"),
        ],
        "6869|6869|68 69|0x6869|0x68 0x69|0X68 0X69 0XC3 0XA9",
    );
    c.check(
        "%.1x|%8x|%-8x|%08x|%x|%5x|",
        vec![
            Value::str("hello"),
            Value::str("hi"),
            Value::str("hi"),
            Value::str("hi"),
            Value::str(""),
            Value::str(""),
        ],
        "68|    6869|6869    |00006869||     |",
    );
    c.check(
        "%s|%v|%q|%x",
        vec![
            Value::str(""),
            Value::str(""),
            Value::str(""),
            Value::str("é"),
        ],
        "||\"\"|c3a9",
    );
    c.check(
        "%d|%t|%c|%e",
        vec![
            Value::str("x"),
            Value::str("x"),
            Value::str("x"),
            Value::str("x"),
        ],
        "%!d(string=x)|%!t(string=x)|%!c(string=x)|%!e(string=x)",
    );
    c.check(
        "%5d|%-5t|%05d",
        vec![Value::str("x"), Value::str("y"), Value::str("z")],
        "%!d(string=    x)|%!t(string=y    )|%!d(string=0000z)",
    );
    c.check(
        "%.0s|%.10s|%s",
        vec![Value::str("abc"), Value::str("abc"), Value::str("日本語")],
        "|abc|日本語",
    );
    c.check(
        "%6.2s|%-6.2s|",
        vec![Value::str("日本語"), Value::str("日本語")],
        "    日本|日本    |",
    );
    c.finish();
}

/// `[]byte` operands: string verbs see text, others apply per byte.
#[test]
fn byte_slices() {
    let mut c = Checker::default();
    c.check(
        "%s|%q|%x|%X|% x|%v|%d",
        vec![
            bytes(b"hi"),
            bytes(b"hi"),
            bytes(b"hi"),
            bytes(b"hi"),
            bytes(b"hi"),
            bytes(b"hi"),
            bytes(b"hi"),
        ],
        "hi|\"hi\"|6869|6869|68 69|[104 105]|[104 105]",
    );
    c.check(
        "%q|%x|%+q",
        vec![bytes(b"a\xffb"), bytes(b"\xff\x00"), bytes(b"\xc3\xa9")],
        "\"a\\xffb\"|ff00|\"\\u00e9\"",
    );
    c.check(
        "%o|%c|%5d|%t",
        vec![bytes(b"hi"), bytes(b"hi"), bytes(b"hi"), bytes(b"hi")],
        "[150 151]|[h i]|[  104   105]|[%!t(uint8=104) %!t(uint8=105)]",
    );
    c.check(
        "%.1s|%5s|%#q|%T",
        vec![bytes(b"hi"), bytes(b"hi"), bytes(b"hi"), bytes(b"hi")],
        "h|   hi|`hi`|[]uint8",
    );
    c.check("%v|%s|%x", vec![bytes(b""), bytes(b""), bytes(b"")], "[]||");
    c.check(
        "%s|%x|%d",
        vec![
            Value::list(vec![bytes(b"hi"), Value::str("a")]),
            Value::list(vec![bytes(b"hi")]),
            Value::list(vec![bytes(b"hi")]),
        ],
        "[hi a]|[6869]|[[104 105]]",
    );
    c.finish();
}

/// Verbs applied element-wise inside slices and maps.
#[test]
fn lists_and_maps() {
    let mut c = Checker::default();
    c.check(
        "%s",
        vec![Value::list(vec![
            Value::Float64(1.0),
            Value::str("two"),
            Value::Float64(3.5),
        ])],
        "[%!s(float64=1) two %!s(float64=3.5)]",
    );
    c.check(
        "%d",
        vec![Value::list(vec![Value::Int(1), Value::Int(2)])],
        "[1 2]",
    );
    c.check(
        "%d",
        vec![Value::list(vec![
            Value::Int(1),
            Value::str("a"),
            Value::Nil,
        ])],
        "[1 %!d(string=a) <nil>]",
    );
    c.check(
        "%q",
        vec![Value::list(vec![
            Value::str("a"),
            Value::Int(98),
            Value::Float64(1.5),
        ])],
        "[\"a\" 'b' %!q(float64=1.5)]",
    );
    c.check(
        "%x",
        vec![Value::list(vec![
            Value::str("hi"),
            Value::Int(255),
            Value::Float64(1.0),
        ])],
        "[6869 ff 0x1p+00]",
    );
    c.check(
        "%5d|%-4s|",
        vec![
            Value::list(vec![Value::Int(1), Value::Int(2)]),
            strs(&["a", "b"]),
        ],
        "[    1     2]|[a    b   ]|",
    );
    c.check(
        "%05v",
        vec![Value::list(vec![Value::Int(1), Value::Int(2)])],
        "[00001 00002]",
    );
    c.check(
        "%.1f",
        vec![Value::list(vec![Value::Float64(1.25), Value::Float64(2.0)])],
        "[1.2 2.0]",
    );
    c.check(
        "%s",
        vec![dict(vec![("a", Value::Int(1)), ("b", Value::str("two"))])],
        "map[a:%!s(int=1) b:two]",
    );
    c.check(
        "%d",
        vec![dict(vec![("a", Value::Int(1))])],
        "map[%!d(string=a):1]",
    );
    c.check(
        "%x",
        vec![dict(vec![("a", Value::str("hi"))])],
        "map[61:6869]",
    );
    c.check(
        "%q",
        vec![dict(vec![(
            "k",
            Value::list(vec![Value::str("v"), Value::Nil]),
        )])],
        "map[\"k\":[\"v\" <nil>]]",
    );
    c.check(
        "%t",
        vec![Value::list(vec![
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(1),
        ])],
        "[true false %!t(int=1)]",
    );
    c.check(
        "%v",
        vec![Value::list(vec![
            Value::list(vec![Value::list(vec![])]),
            dict(vec![("a", Value::list(vec![]))]),
        ])],
        "[[[]] map[a:[]]]",
    );
    c.check("%s", vec![strs(&["x", "y"])], "[x y]");
    c.check(
        "%x|%X",
        vec![strs(&["ab", "c"]), ints(3)],
        "[6162 63]|[0 1 2]",
    );
    c.check("%c", vec![ints(3)], "[\u{0} \u{1} \u{2}]");
    c.check("%s", vec![Value::list(vec![Value::Nil])], "[<nil>]");
    c.check("%d", vec![Value::Nil], "%!d(<nil>)");
    c.check("%s", vec![Value::Nil], "%!s(<nil>)");
    c.check(
        "%v|%5v|%-5v|",
        vec![Value::Nil, Value::Nil, Value::Nil],
        "<nil>|<nil>|<nil>|",
    );
    c.check(
        "%q|%x|%t",
        vec![Value::Nil, Value::Nil, Value::Nil],
        "%!q(<nil>)|%!x(<nil>)|%!t(<nil>)",
    );
    c.check(
        "%6.2f",
        vec![dict(vec![
            ("a", Value::Float64(3.14159)),
            ("b", Value::Int(2)),
        ])],
        "map[%!f(string=     a):  3.14 %!f(string=     b):%!f(int=    02)]",
    );
    c.check(
        "%+d",
        vec![Value::list(vec![Value::Int(1), Value::Int(-1)])],
        "[+1 -1]",
    );
    c.finish();
}

/// Error forms: bad verb, missing and extra operands, bad width/precision/index, no verb; explicit argument indexes.
#[test]
fn errors_and_indexes() {
    let mut c = Checker::default();
    c.check("%d", vec![Value::str("x")], "%!d(string=x)");
    c.check("%s", vec![Value::Int(1)], "%!s(int=1)");
    c.check("%z", vec![Value::Int(1)], "%!z(int=1)");
    c.check("%5z", vec![Value::Int(1)], "%!z(int=    1)");
    c.check("%!", vec![Value::Int(1)], "%!!(int=1)");
    c.check("%é", vec![Value::Int(1)], "%!é(int=1)");
    c.check("%s %s", vec![Value::str("a")], "a %!s(MISSING)");
    c.check("%d", vec![], "%!d(MISSING)");
    c.check("%", vec![], "%!(NOVERB)");
    c.check("abc%", vec![], "abc%!(NOVERB)");
    c.check("%-", vec![Value::Int(1)], "%!(NOVERB)%!(EXTRA int=1)");
    c.check("%5.2", vec![Value::Int(1)], "%!(NOVERB)%!(EXTRA int=1)");
    c.check(
        "%s",
        vec![Value::str("a"), Value::str("b"), Value::Int(1)],
        "a%!(EXTRA string=b, int=1)",
    );
    c.check(
        "x",
        vec![Value::str("a"), Value::Nil, Value::Float64(1.5)],
        "x%!(EXTRA string=a, <nil>, float64=1.5)",
    );
    c.check(
        "%d",
        vec![
            Value::Int(1),
            Value::list(vec![Value::Int(1)]),
            dict(vec![("a", Value::Int(1))]),
        ],
        "1%!(EXTRA []interface {}=[1], map[string]interface {}=map[a:1])",
    );
    c.check("%[2]d %[1]d", vec![Value::Int(1), Value::Int(2)], "2 1");
    c.check("%[3]d", vec![Value::Int(1), Value::Int(2)], "%!d(BADINDEX)");
    c.check("%[0]d", vec![Value::Int(1)], "%!d(BADINDEX)");
    c.check("%[x]d", vec![Value::Int(1)], "%!d(BADINDEX)");
    c.check("%[1]d %d", vec![Value::Int(1), Value::Int(2)], "1 2");
    c.check(
        "%[2]d %d",
        vec![Value::Int(1), Value::Int(2), Value::Int(3)],
        "2 3",
    );
    c.check("%[1]d", vec![Value::Int(1), Value::Int(2)], "1");
    c.check(
        "%[2]*d",
        vec![Value::Int(1), Value::Int(5), Value::Int(3)],
        "    3",
    );
    c.check("%[1]*[2]d", vec![Value::Int(5), Value::Int(3)], "    3");
    c.check(
        "%[3]2d",
        vec![Value::Int(1), Value::Int(2), Value::Int(3)],
        "%!d(BADINDEX)",
    );
    c.check(
        "%[3].2d",
        vec![Value::Int(1), Value::Int(2), Value::Int(3)],
        "%!d(BADINDEX)",
    );
    c.check("%.[2]d", vec![Value::Int(1), Value::Int(2)], "2");
    c.check(
        "%[5]d %d",
        vec![Value::Int(1), Value::Int(2)],
        "%!d(BADINDEX) 1",
    );
    c.check("%[1]", vec![Value::Int(1)], "%!(NOVERB)");
    c.check("%[", vec![Value::Int(1)], "%!(NOVERB)");
    c.check("%[1", vec![Value::Int(1)], "%!(NOVERB)");
    c.check("%[]d", vec![Value::Int(1)], "%!d(BADINDEX)");
    c.check(
        "%*d|%-*d|%*d",
        vec![
            Value::Int(5),
            Value::Int(1),
            Value::Int(5),
            Value::Int(2),
            Value::Int(-5),
            Value::Int(3),
        ],
        "    1|2    |3    ",
    );
    c.check(
        "%.*d|%.*f",
        vec![
            Value::Int(3),
            Value::Int(7),
            Value::Int(2),
            Value::Float64(3.14159),
        ],
        "007|3.14",
    );
    c.check("%*d", vec![Value::str("x"), Value::Int(1)], "%!(BADWIDTH)1");
    c.check("%.*d", vec![Value::str("x"), Value::Int(1)], "%!(BADPREC)1");
    c.check("%.*d", vec![Value::Int(-1), Value::Int(5)], "%!(BADPREC)5");
    c.check(
        "%*d",
        vec![Value::Int(10000000), Value::Int(1)],
        "%!(BADWIDTH)1",
    );
    c.check("%*d", vec![Value::Int64(4), Value::Int(1)], "   1");
    c.check(
        "%*d",
        vec![Value::Float64(4.0), Value::Int(1)],
        "%!(BADWIDTH)1",
    );
    c.check("%*", vec![Value::Int(3)], "%!(NOVERB)");
    c.check("%*d", vec![], "%!(BADWIDTH)%!d(MISSING)");
    c.check("%v %v", vec![Value::Nil], "<nil> %!v(MISSING)");
    c.check("%!d(string=x) %%", vec![], "%!!(MISSING)d(string=x) %");
    c.check("%5%|%-5%|%.2%", vec![], "%|%|%");
    c.check(
        "%100000000d|%2000000.d",
        vec![Value::Int(1), Value::Int(0)],
        "%!(NOVERB)%!(EXTRA int=1, int=0)",
    );
    c.check("%[2]s", vec![Value::str("a"), Value::str("b")], "b");
    c.check(
        "%[1].3g|%[1]+.2e|%-[1]5d|%.[1]3d",
        vec![Value::Float64(1.5)],
        "%!g(BADINDEX)|%!+(float64=1.5).2e|%!d(BADINDEX)|%!d(float64=1.5)",
    );
    c.check("%w", vec![Value::Int(1)], "%!w(int=1)");
    c.check("%w|%w|%5w|%w", vec![Value::list(vec![Value::Int(1)]), dict(vec![("a", Value::Int(1))]), ints(2), bytes(b"hi")], "%!w([]interface {}=[1])|%!w(map[string]interface {}=map[a:1])|%!w([]int=[    0     1])|[%!w(uint8=104) %!w(uint8=105)]");
    c.check(
        "%#w|%5w",
        vec![Value::str("a"), Value::Nil],
        "%!w(string=\"a\")|%!w(<nil>)",
    );
    c.check(
        "%p|%p|%p",
        vec![Value::Int(1), Value::str("a"), Value::Nil],
        "%!p(int=1)|%!p(string=a)|%!p(<nil>)",
    );
    c.check("%t", vec![Value::Int(1)], "%!t(int=1)");
    c.check(
        "%t|%v|%5t|%-6t|",
        vec![
            Value::Bool(true),
            Value::Bool(false),
            Value::Bool(true),
            Value::Bool(false),
        ],
        "true|false| true|false |",
    );
    c.check(
        "%d|%s|%x",
        vec![Value::Bool(true), Value::Bool(true), Value::Bool(false)],
        "%!d(bool=true)|%!s(bool=true)|%!x(bool=false)",
    );
    c.check(
        "%!d(BADWIDTH)%s",
        vec![Value::str("x")],
        "%!!(string=x)d(BADWIDTH)%!s(MISSING)",
    );
    c.check(
        "%d %d %d",
        vec![Value::Int(1), Value::Int(2)],
        "1 2 %!d(MISSING)",
    );
    c.finish();
}

/// `uint64` operands (Sprig's `semver ...).Major`) and a named map type (`.Values`).
#[test]
fn uint64_and_named_maps() {
    let mut c = Checker::default();
    c.check(
        "%v|%d|%x|%#v|%#v|%T",
        vec![
            Value::Uint64(255),
            Value::Uint64(255),
            Value::Uint64(255),
            Value::Uint64(255),
            Value::Uint64(0),
            Value::Uint64(1),
        ],
        "255|255|ff|0xff|0x0|uint64",
    );
    c.check(
        "%v|%x|%o|%b",
        vec![
            Value::Uint64(18446744073709551615),
            Value::Uint64(18446744073709551615),
            Value::Uint64(8),
            Value::Uint64(5),
        ],
        "18446744073709551615|ffffffffffffffff|10|101",
    );
    c.check(
        "%+d|% d|%c|%q|%U|%s",
        vec![
            Value::Uint64(7),
            Value::Uint64(7),
            Value::Uint64(65),
            Value::Uint64(65),
            Value::Uint64(65),
            Value::Uint64(1),
        ],
        "+7| 7|A|'A'|U+0041|%!s(uint64=1)",
    );
    c.check(
        "%#v|%v",
        vec![
            Value::list(vec![Value::Uint64(1), Value::Uint64(255)]),
            Value::list(vec![Value::Uint64(10)]),
        ],
        "[]interface {}{0x1, 0xff}|[10]",
    );
    c.check(
        "%*d|%.*d",
        vec![
            Value::Uint64(4),
            Value::Int(1),
            Value::Uint64(3),
            Value::Int(2),
        ],
        "   1|002",
    );
    c.check("%T|%v|%#v|%s|%d", vec![chart_values(), chart_values(), chart_values(), chart_values(), chart_values()], "common.Values|map[a:1 b:[x 2.5]]|common.Values{\"a\":1, \"b\":[]interface {}{\"x\", 2.5}}|map[a:%!s(float64=1) b:[x %!s(float64=2.5)]]|map[%!d(string=a):%!d(float64=1) %!d(string=b):[%!d(string=x) %!d(float64=2.5)]]");
    c.check(
        "%d %v",
        vec![Value::Uint64(1), Value::Int64(2), Value::Uint64(3)],
        "1 2%!(EXTRA uint64=3)",
    );
    c.finish();
}

/// Further edge cases: precision on `%v`, Unicode categories under `%q`, flag combinations.
#[test]
fn more_edges() {
    let mut c = Checker::default();
    c.sprint(
        vec![bytes(b"hi"), Value::str("a"), bytes(b"b")],
        "[104 105]a[98]",
    );
    c.sprint(vec![Value::Nil, Value::str("a"), Value::Nil], "<nil>a<nil>");
    c.sprint(
        vec![Value::Float64(1.5), Value::Float64(-2.0), Value::Int64(3)],
        "1.5 -2 3",
    );
    c.check(
        "%.2v|%.3v|%.1v|%.2v",
        vec![
            Value::str("hello"),
            Value::Float64(3.14159),
            Value::list(vec![Value::str("abc"), Value::str("de")]),
            Value::Float64(1234.5),
        ],
        "he|3.14|[a d]|1.2e+03",
    );
    c.check(
        "%q",
        vec![Value::str(
            "\u{378}|\u{e000}|\u{3000}|̀|🇦|�|\u{10ffff}|\u{200b}|\u{2060}|\u{e0001}",
        )],
        "\"\\u0378|\\ue000|\\u3000|̀|🇦|�|\\U0010ffff|\\u200b|\\u2060|\\U000e0001\"",
    );
    c.check(
        "%+q",
        vec![Value::str("\u{378}|\u{e000}|\u{3000}|̀|🇦|�")],
        "\"\\u0378|\\ue000|\\u3000|\\u0300|\\U0001f1e6|\\ufffd\"",
    );
    c.check(
        "%q|%q|%q",
        vec![
            Value::str("\u{a0}"),
            Value::str("\u{1680}"),
            Value::str("\u{85}"),
        ],
        "\"\\u00a0\"|\"\\u1680\"|\"\\u0085\"",
    );
    c.check(
        "%#.3o|%#08b|%#x|%#X|%#o|%+ d|% +d|%#.0x",
        vec![
            Value::Int(8),
            Value::Int(5),
            Value::Int(-255),
            Value::Int(-255),
            Value::Int(-8),
            Value::Int(5),
            Value::Int(5),
            Value::Int(0),
        ],
        "010|0b00000101|-0xff|-0XFF|-010|+5|+5|",
    );
    c.check(
        "%[1]-5d|%[1]+d|%-[1]d",
        vec![Value::Int(1)],
        "%!-(int=1)5d|%!+(int=1)d|1",
    );
    c.check(
        "%010.2x|%-10.1X|%+x|% x|%#08x",
        vec![
            Value::Float64(-3.5),
            Value::Float64(3.5),
            Value::Float64(1.0),
            Value::Float64(1.0),
            Value::Float64(1.0),
        ],
        "-0x1.c0p+01|0X1.CP+01 |+0x1p+00| 0x1p+00|0x1.0000p+00",
    );
    c.check(
        "%-08s|%08q|%-5q|%08x",
        vec![
            Value::str("ab"),
            Value::str("ab"),
            Value::str("é"),
            bytes(b"\x01"),
        ],
        "ab      |0000\"ab\"|\"é\"  |00000001",
    );
    c.check(
        "%# 8x|%#-12x|% X|%#.1x",
        vec![
            bytes(b"ab"),
            Value::str("ab"),
            Value::str("\u{0}ÿ"),
            Value::str("hi"),
        ],
        "0x61 0x62|0x6162      |00 C3 BF|0x68",
    );
    c.check(
        "%c|%c|%c|%q",
        vec![
            Value::Int(1114111),
            Value::Int(57343),
            Value::Int64(2147483647),
            Value::Int64(4294967361),
        ],
        "\u{10ffff}|�|�|'�'",
    );
    c.check(
        "%U|%#U|%#.8U|%#14U|",
        vec![
            Value::Int(128512),
            Value::Int(65533),
            Value::Int(65),
            Value::Int(65),
        ],
        "U+1F600|U+FFFD '�'|U+00000041 'A'|    U+0041 'A'|",
    );
    c.check(
        "%d|%s",
        vec![
            Value::list(vec![Value::Int64(1), Value::Uint64(2), Value::Float64(3.0)]),
            Value::list(vec![Value::Int64(1), Value::Bool(true)]),
        ],
        "[1 2 %!d(float64=3)]|[%!s(int64=1) %!s(bool=true)]",
    );
    c.check(
        "%v|%s|%d",
        vec![
            dict(vec![("z", Value::Nil), ("a", Value::list(vec![]))]),
            dict(vec![("k", bytes(b"v"))]),
            dict(vec![("k", bytes(b"v"))]),
        ],
        "map[a:[] z:<nil>]|map[k:v]|map[%!d(string=k):[118]]",
    );
    c.check(
        "%6.2f|%-8.3e|%+.0f|% .3g",
        vec![
            Value::Float64(-0.0),
            Value::Float64(-0.0),
            Value::Float64(-0.0),
            Value::Float64(-0.0),
        ],
        " -0.00|-0.000e+00|-0|-0",
    );
    c.check(
        "%.3f|%.2e|%.4g|%g",
        vec![
            Value::Float64(999.9996),
            Value::Float64(9.995),
            Value::Float64(99995.0),
            Value::Float64(0.0001),
        ],
        "1000.000|9.99e+00|1e+05|0.0001",
    );
    c.check(
        "%8.3v|%-8.3v|%08.3v",
        vec![
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(-3.14159),
        ],
        "    3.14|3.14    |-0003.14",
    );
    c.check(
        "%5.1v|%.0v|%.v",
        vec![Value::str("abc"), Value::str("abc"), Value::str("abc")],
        "    a||",
    );
    c.check(
        "%T %T %T",
        vec![Value::Float64(1.5), Value::Uint64(1), bytes(b"")],
        "float64 uint64 []uint8",
    );
    c.check(
        "%s %d",
        vec![
            Value::str("a"),
            Value::Int(1),
            Value::str("b"),
            Value::Nil,
            Value::list(vec![Value::Int(1)]),
        ],
        "a 1%!(EXTRA string=b, <nil>, []interface {}=[1])",
    );
    c.check("%.40f|%.30e|%.25g|%.20x|%.16X", vec![Value::Float64(0.1), Value::Float64(1e-300), Value::Float64(2e+22), Value::Float64(0.1), Value::Float64(1e+300)], "0.1000000000000000055511151231257827021182|1.000000000000000025059091835209e-300|20000000000000000000000|0x1.999999999999a0000000p-04|0X1.7E43C8800759C000P+996");
    c.finish();
}
