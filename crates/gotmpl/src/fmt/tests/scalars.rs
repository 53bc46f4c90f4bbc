//! Oracle cases for `print`/`println`, `%v`/`%T`/`%#v`, integers and floats. Expected strings come from helm 4.3.1 (see `fmt/tests.rs`).

use super::{bytes, dict, ints, strs, Checker};
use crate::value::Value;

/// `print` / `println` (Go's Sprint / Sprintln): spacing rules between operands.
#[test]
fn sprint_and_sprintln() {
    let mut c = Checker::default();
    c.sprint(vec![Value::Int(1), Value::Int(2)], "1 2");
    c.sprint(vec![Value::str("a"), Value::str("b")], "ab");
    c.sprint(vec![Value::str("a"), Value::Int(1), Value::str("b")], "a1b");
    c.sprint(vec![Value::Int(1), Value::str("a"), Value::Int(2)], "1a2");
    c.sprint(
        vec![
            Value::Int(1),
            Value::Float64(2.5),
            Value::Bool(true),
            Value::Nil,
        ],
        "1 2.5 true <nil>",
    );
    c.sprint(vec![Value::Nil, Value::Nil], "<nil> <nil>");
    c.sprint(
        vec![
            Value::list(vec![Value::Int(1), Value::str("x")]),
            dict(vec![("a", Value::Int(1))]),
        ],
        "[1 x] map[a:1]",
    );
    c.sprint(
        vec![Value::Float64(1000000.0), Value::Float64(100000.0)],
        "1e+06 100000",
    );
    c.sprint(vec![], "");
    c.sprint(vec![Value::str(""), Value::str("")], "");
    c.sprintln(
        vec![Value::Int(1), Value::str("a"), Value::str("b")],
        "1 a b\u{a}",
    );
    c.sprintln(vec![Value::Nil, Value::Float64(3.5)], "<nil> 3.5\u{a}");
    c.sprintln(vec![], "\u{a}");
    c.finish();
}

/// `%v` of every kind of value, and `%T`.
#[test]
fn verb_v_defaults() {
    let mut c = Checker::default();
    c.check("%v", vec![Value::Int(42)], "42");
    c.check("%v", vec![Value::Int(-7)], "-7");
    c.check("%v", vec![Value::Int64(i64::MIN)], "-9223372036854775808");
    c.check("%v", vec![Value::Float64(3.5)], "3.5");
    c.check("%v", vec![Value::Float64(1.0)], "1");
    c.check("%v", vec![Value::Bool(true)], "true");
    c.check("%v", vec![Value::Bool(false)], "false");
    c.check("%v", vec![Value::Nil], "<nil>");
    c.check("%v", vec![Value::str("hi")], "hi");
    c.check("%v", vec![bytes(b"hi")], "[104 105]");
    c.check(
        "%v",
        vec![Value::list(vec![
            Value::Int(1),
            Value::str("two"),
            Value::Float64(3.5),
        ])],
        "[1 two 3.5]",
    );
    c.check("%v", vec![Value::list(vec![])], "[]");
    c.check(
        "%v",
        vec![Value::list(vec![Value::Nil, Value::Int(1)])],
        "[<nil> 1]",
    );
    c.check("%v", vec![strs(&["a", "b"])], "[a b]");
    c.check("%v", vec![ints(3)], "[0 1 2]");
    c.check(
        "%v",
        vec![dict(vec![("b", Value::Int(2)), ("a", Value::Int(1))])],
        "map[a:1 b:2]",
    );
    c.check("%v", vec![dict(vec![])], "map[]");
    c.check(
        "%v",
        vec![dict(vec![
            (
                "a",
                Value::list(vec![Value::Int(1), dict(vec![("x", Value::Nil)])]),
            ),
            ("b", Value::str("s")),
        ])],
        "map[a:[1 map[x:<nil>]] b:s]",
    );
    c.check("%T", vec![Value::Int(1)], "int");
    c.check("%T", vec![Value::Int64(1)], "int64");
    c.check("%T", vec![Value::Float64(1.5)], "float64");
    c.check("%T", vec![Value::str("a")], "string");
    c.check("%T", vec![Value::Bool(true)], "bool");
    c.check("%T", vec![Value::Nil], "<nil>");
    c.check(
        "%T",
        vec![Value::list(vec![Value::Int(1)])],
        "[]interface {}",
    );
    c.check("%T", vec![strs(&["a"])], "[]string");
    c.check("%T", vec![ints(2)], "[]int");
    c.check(
        "%T",
        vec![dict(vec![("a", Value::Int(1))])],
        "map[string]interface {}",
    );
    c.check("%T", vec![bytes(b"x")], "[]uint8");
    c.check(
        "%10T|%-8T|%.3T",
        vec![Value::Int(1), Value::str("a"), Value::Float64(1.5)],
        "       int|string  |flo",
    );
    c.check(
        "%+v|%#v",
        vec![Value::list(vec![Value::Int(1)]), Value::Nil],
        "[1]|<nil>",
    );
    c.finish();
}

/// `%#v`: Go-syntax representations.
#[test]
fn verb_sharp_v() {
    let mut c = Checker::default();
    c.check(
        "%#v",
        vec![Value::list(vec![Value::Int(1), Value::str("a")])],
        "[]interface {}{1, \"a\"}",
    );
    c.check(
        "%#v",
        vec![dict(vec![("a", Value::Int(1))])],
        "map[string]interface {}{\"a\":1}",
    );
    c.check("%#v", vec![Value::str("str")], "\"str\"");
    c.check("%#v", vec![Value::Float64(1.0)], "1");
    c.check("%#v", vec![Value::Float64(3.5)], "3.5");
    c.check("%#v", vec![Value::Float64(1e+21)], "1e+21");
    c.check("%#v", vec![Value::Float64(1e-07)], "1e-07");
    c.check("%#v", vec![Value::Int(-3)], "-3");
    c.check("%#v", vec![Value::Int64(5)], "5");
    c.check("%#v", vec![Value::Bool(false)], "false");
    c.check("%#v", vec![bytes(b"hi")], "[]byte{0x68, 0x69}");
    c.check(
        "%#v",
        vec![Value::list(vec![bytes(b"hi")])],
        "[]interface {}{[]uint8{0x68, 0x69}}",
    );
    c.check(
        "%#v",
        vec![Value::list(vec![Value::Nil, Value::list(vec![])])],
        "[]interface {}{interface {}(nil), []interface {}{}}",
    );
    c.check(
        "%#v",
        vec![strs(&["a", "b\"c"])],
        "[]string{\"a\", \"b\\\"c\"}",
    );
    c.check("%#v", vec![ints(3)], "[]int{0, 1, 2}");
    c.check("%#v", vec![dict(vec![("k", dict(vec![("n", Value::Nil)])), ("l", Value::list(vec![Value::Float64(2.5), Value::str("é")]))])], "map[string]interface {}{\"k\":map[string]interface {}{\"n\":interface {}(nil)}, \"l\":[]interface {}{2.5, \"é\"}}");
    c.check("%#v", vec![Value::list(vec![])], "[]interface {}{}");
    c.check("%#v", vec![dict(vec![])], "map[string]interface {}{}");
    c.check(
        "%#v",
        vec![Value::str("a\u{9}b\u{0}é😀")],
        "\"a\\tb\\x00é😀\"",
    );
    c.finish();
}

/// Integer verbs, flags, width and precision.
#[test]
fn integers() {
    let mut c = Checker::default();
    c.check(
        "%d|%5d|%-5d|%05d|%+d|% d",
        vec![
            Value::Int(42),
            Value::Int(42),
            Value::Int(42),
            Value::Int(42),
            Value::Int(42),
            Value::Int(42),
        ],
        "42|   42|42   |00042|+42| 42",
    );
    c.check(
        "%d|%5d|%-5d|%05d|%+d|% d",
        vec![
            Value::Int(-42),
            Value::Int(-42),
            Value::Int(-42),
            Value::Int(-42),
            Value::Int(-42),
            Value::Int(-42),
        ],
        "-42|  -42|-42  |-0042|-42|-42",
    );
    c.check("%d", vec![Value::Int64(i64::MIN)], "-9223372036854775808");
    c.check("%x", vec![Value::Int64(i64::MIN)], "-8000000000000000");
    c.check(
        "%b",
        vec![Value::Int64(i64::MIN)],
        "-1000000000000000000000000000000000000000000000000000000000000000",
    );
    c.check(
        "%x|%X|%#x|%#X|%x",
        vec![
            Value::Int(255),
            Value::Int(255),
            Value::Int(255),
            Value::Int(255),
            Value::Int(-255),
        ],
        "ff|FF|0xff|0XFF|-ff",
    );
    c.check(
        "%o|%#o|%O|%O|%#o",
        vec![
            Value::Int(8),
            Value::Int(8),
            Value::Int(8),
            Value::Int(-8),
            Value::Int(0),
        ],
        "10|010|0o10|-0o10|0",
    );
    c.check(
        "%b|%#b|%08b|%-8b|",
        vec![Value::Int(5), Value::Int(5), Value::Int(5), Value::Int(5)],
        "101|0b101|00000101|101     |",
    );
    c.check(
        "%.3d|%.0d|%.0d|%5.0d|%8.3d|%-8.3d|%08.3d",
        vec![
            Value::Int(7),
            Value::Int(0),
            Value::Int(1),
            Value::Int(0),
            Value::Int(-7),
            Value::Int(7),
            Value::Int(7),
        ],
        "007||1|     |    -007|007     |     007",
    );
    c.check(
        "%+.3d|% 05d|%+05d|%-+5d|%+-5d|",
        vec![
            Value::Int(7),
            Value::Int(7),
            Value::Int(7),
            Value::Int(7),
            Value::Int(7),
        ],
        "+007| 0007|+0007|+7   |+7   |",
    );
    c.check(
        "%#08x|%#-8x|%# x|%#.4x|%x|%X",
        vec![
            Value::Int(255),
            Value::Int(255),
            Value::Int(255),
            Value::Int(255),
            Value::Int(0),
            Value::Int(3054),
        ],
        "0x000000ff|0xff    | 0xff|0x00ff|0|BEE",
    );
    c.check(
        "%c|%c|%c|%c|%c",
        vec![
            Value::Int(65),
            Value::Int(233),
            Value::Int(128512),
            Value::Int(-1),
            Value::Int(55296),
        ],
        "A|é|😀|�|�",
    );
    c.check(
        "%c|%5c|%-3c|",
        vec![Value::Int(1114112), Value::Int(65), Value::Int(66)],
        "�|    A|B  |",
    );
    c.check(
        "%U|%#U|%#U|%U|%.6U|%8U|%-8U|%08U",
        vec![
            Value::Int(65),
            Value::Int(65),
            Value::Int(128512),
            Value::Int(-1),
            Value::Int(65),
            Value::Int(65),
            Value::Int(65),
            Value::Int(65),
        ],
        "U+0041|U+0041 'A'|U+1F600 '😀'|U+FFFFFFFFFFFFFFFF|U+000041|  U+0041|U+0041  |  U+0041",
    );
    c.check(
        "%#U|%#U|%#U",
        vec![Value::Int(10), Value::Int(1114112), Value::Int(233)],
        "U+000A|U+110000|U+00E9 'é'",
    );
    c.check(
        "%q|%q|%+q|%q|%q|%q|%#q|%q|%q",
        vec![
            Value::Int(65),
            Value::Int(233),
            Value::Int(233),
            Value::Int(10),
            Value::Int(39),
            Value::Int(128512),
            Value::Int(97),
            Value::Int(-1),
            Value::Int(127),
        ],
        "'A'|'é'|'\\u00e9'|'\\n'|'\\''|'😀'|'a'|'�'|'\\x7f'",
    );
    c.check(
        "%q|%+q|%q|%5q|%-5q|",
        vec![
            Value::Int(8232),
            Value::Int(128512),
            Value::Int(55296),
            Value::Int(65),
            Value::Int(65),
        ],
        "'\\u2028'|'\\U0001f600'|'�'|  'A'|'A'  |",
    );
    c.check(
        "%v|%d|%x|%c|%q",
        vec![
            Value::Int64(97),
            Value::Int64(97),
            Value::Int64(97),
            Value::Int64(97),
            Value::Int64(97),
        ],
        "97|97|61|a|'a'",
    );
    c.check(
        "%010d|%-010d|%+010d|% 010d",
        vec![
            Value::Int(-42),
            Value::Int(42),
            Value::Int(42),
            Value::Int(42),
        ],
        "-000000042|42        |+000000042| 000000042",
    );
    c.check(
        "%x|%X",
        vec![Value::Int64(-1), Value::Int64(9223372036854775807)],
        "-1|7FFFFFFFFFFFFFFF",
    );
    c.finish();
}

/// Float verbs: shortest `%v`/`%g`, `%e`, `%f`, precision, flags, specials.
#[test]
fn floats() {
    let mut c = Checker::default();
    c.check(
        "%v|%v|%v|%v|%v|%v",
        vec![
            Value::Float64(1000000.0),
            Value::Float64(123456789.0),
            Value::Float64(0.0001),
            Value::Float64(1e-05),
            Value::Float64(3.5),
            Value::Float64(100000.0),
        ],
        "1e+06|1.23456789e+08|0.0001|1e-05|3.5|100000",
    );
    c.check(
        "%v|%v|%v|%v|%v",
        vec![
            Value::Float64(1e+20),
            Value::Float64(1e+21),
            Value::Float64(123456.0),
            Value::Float64(1234567.0),
            Value::Float64(0.1),
        ],
        "1e+20|1e+21|123456|1.234567e+06|0.1",
    );
    c.check(
        "%v|%v|%v|%v",
        vec![
            Value::Float64(f64::INFINITY),
            Value::Float64(f64::NEG_INFINITY),
            Value::Float64(f64::NAN),
            Value::Float64(-0.0),
        ],
        "+Inf|-Inf|NaN|-0",
    );
    c.check(
        "%v|%v|%v",
        vec![
            Value::Float64(5e-324),
            Value::Float64(1.7976931348623157e+308),
            Value::Float64(2.2250738585072014e-308),
        ],
        "5e-324|1.7976931348623157e+308|2.2250738585072014e-308",
    );
    c.check(
        "%e|%E|%.2e|%.0e|%10.3e|%-12.2E|",
        vec![
            Value::Float64(1234.5678),
            Value::Float64(1234.5678),
            Value::Float64(1234.5678),
            Value::Float64(1234.5678),
            Value::Float64(1234.5678),
            Value::Float64(1234.5678),
        ],
        "1.234568e+03|1.234568E+03|1.23e+03|1e+03| 1.235e+03|1.23E+03    |",
    );
    c.check(
        "%e|%e|%e|%e",
        vec![
            Value::Float64(0.0),
            Value::Float64(1e+100),
            Value::Float64(1e-100),
            Value::Float64(-0.0),
        ],
        "0.000000e+00|1.000000e+100|1.000000e-100|-0.000000e+00",
    );
    c.check(
        "%f|%.2f|%.0f|%8.3f|%-8.3f|%08.3f|%+.1f|% .1f",
        vec![
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
            Value::Float64(3.14159),
        ],
        "3.141590|3.14|3|   3.142|3.142   |0003.142|+3.1| 3.1",
    );
    c.check(
        "%08.3f|%+08.3f|%-08.3f|% 08.3f",
        vec![
            Value::Float64(-3.14159),
            Value::Float64(3.14159),
            Value::Float64(-3.14159),
            Value::Float64(3.14159),
        ],
        "-003.142|+003.142|-3.142  | 003.142",
    );
    c.check(
        "%.2f|%.2f|%.0f|%.0f|%.0f|%.1f|%.1f",
        vec![
            Value::Float64(0.125),
            Value::Float64(0.375),
            Value::Float64(0.5),
            Value::Float64(1.5),
            Value::Float64(2.5),
            Value::Float64(0.25),
            Value::Float64(0.35),
        ],
        "0.12|0.38|0|2|2|0.2|0.3",
    );
    c.check(
        "%f|%F|%.3f|%f",
        vec![
            Value::Float64(1e+23),
            Value::Float64(1e-07),
            Value::Float64(-0.0004),
            Value::Float64(-0.0),
        ],
        "99999999999999991611392.000000|0.000000|-0.000|-0.000000",
    );
    c.check(
        "%.30f|%.20e",
        vec![Value::Float64(0.1), Value::Float64(0.1)],
        "0.100000000000000005551115123126|1.00000000000000005551e-01",
    );
    c.check(
        "%g|%G|%.3g|%.3g|%.3g|%.10g|%.0g|%.1g",
        vec![
            Value::Float64(1e-07),
            Value::Float64(1e-07),
            Value::Float64(3.14159),
            Value::Float64(1000.0),
            Value::Float64(100.0),
            Value::Float64(1.0),
            Value::Float64(123.0),
            Value::Float64(1.234e-05),
        ],
        "1e-07|1E-07|3.14|1e+03|100|1|1e+02|1e-05",
    );
    c.check(
        "%g|%g|%.3G|%.3g",
        vec![
            Value::Float64(1000000.0),
            Value::Float64(123456.0),
            Value::Float64(1e+21),
            Value::Float64(0.0),
        ],
        "1e+06|123456|1E+21|0",
    );
    c.check(
        "%#g|%#.3g|%#e|%#.0f|%#.0e|%#g|%#g",
        vec![
            Value::Float64(1.0),
            Value::Float64(1.0),
            Value::Float64(1.0),
            Value::Float64(2.0),
            Value::Float64(2.0),
            Value::Float64(0.0),
            Value::Float64(123456789.0),
        ],
        "1.00000|1.00|1.000000e+00|2.|2.e+00|0.00000|1.23456789e+08",
    );
    c.check(
        "%#.4g|%#v|%#f",
        vec![
            Value::Float64(0.0001),
            Value::Float64(2.0),
            Value::Float64(1.0),
        ],
        "0.0001000|2|1.000000",
    );
    c.check("%x|%X|%x|%x|%x|%.3x|%#x|%#.3x|%.0x|%.1x", vec![Value::Float64(3.0), Value::Float64(3.5), Value::Float64(1.0), Value::Float64(-0.0), Value::Float64(0.1), Value::Float64(0.1), Value::Float64(1.0), Value::Float64(3.5), Value::Float64(1.5), Value::Float64(1.96875)], "0x1.8p+01|0X1.CP+01|0x1p+00|-0x0p+00|0x1.999999999999ap-04|0x1.99ap-04|0x1.0000p+00|0x1.c00p+01|0x1p+01|0x1.0p+01");
    c.check(
        "%x|%X|%x",
        vec![
            Value::Float64(5e-324),
            Value::Float64(1e+300),
            Value::Float64(f64::INFINITY),
        ],
        "0x1p-1074|0X1.7E43C8800759CP+996|+Inf",
    );
    c.check(
        "%b|%b|%b|%b",
        vec![
            Value::Float64(1.0),
            Value::Float64(0.0),
            Value::Float64(-3.5),
            Value::Float64(5e-324),
        ],
        "4503599627370496p-52|0p-1074|-7881299347898368p-51|1p-1074",
    );
    c.check(
        "%5v|%-8v|%08v|%+v|% v|%+.2e",
        vec![
            Value::Float64(1.5),
            Value::Float64(1.5),
            Value::Float64(-1.5),
            Value::Float64(1.5),
            Value::Float64(1.5),
            Value::Float64(1.5),
        ],
        "  1.5|1.5     |-00001.5|1.5| 1.5|+1.50e+00",
    );
    c.check(
        "%08v|%-8v|%08v|%+v|% v|%+v|%8.2f|%08f",
        vec![
            Value::Float64(f64::INFINITY),
            Value::Float64(f64::NEG_INFINITY),
            Value::Float64(f64::NAN),
            Value::Float64(f64::NAN),
            Value::Float64(f64::NAN),
            Value::Float64(f64::INFINITY),
            Value::Float64(f64::NAN),
            Value::Float64(f64::NEG_INFINITY),
        ],
        "    +Inf|-Inf    |     NaN|NaN| NaN|+Inf|     NaN|    -Inf",
    );
    c.check(
        "%d|%s|%q|%c|%t",
        vec![
            Value::Float64(1.0),
            Value::Float64(2.5),
            Value::Float64(1.0),
            Value::Float64(65.0),
            Value::Float64(1.0),
        ],
        "%!d(float64=1)|%!s(float64=2.5)|%!q(float64=1)|%!c(float64=65)|%!t(float64=1)",
    );
    c.check(
        "%v|%v",
        vec![Value::Float64(1e-06), Value::Float64(1e-07)],
        "1e-06|1e-07",
    );
    c.finish();
}
