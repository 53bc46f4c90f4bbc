//! Every Sprig body, called with awkward arguments of the types its Go signature allows
//! (as the engine adapter guarantees), must return a value or an error: never panic.

use capstan_gotmpl::{ElemType, Param, Value};
use capstan_render::sprig::functions;
use capstan_render::sprig_adapter::parse_signature;
use std::collections::BTreeMap;

fn pool(param: &Param) -> Vec<Value> {
    let strings = [
        "",
        "é\u{0}%zz",
        "2006-01-02T15:04:05.000Z07:00 Jan Monday MST pm __2 002",
        "(",
        "0x",
        "-",
        "1h1m",
        "a,b,,c",
        "https://u@[::1]:x/%",
    ];
    let ints = [i64::MIN, -1, 0, 3, i64::MAX];
    let mut m = BTreeMap::new();
    m.insert("a".to_string(), Value::Nil);
    m.insert("b".to_string(), Value::list(vec![Value::Int(1)]));
    let map = Value::map(m);
    match param {
        Param::String => strings.iter().map(|s| Value::from(*s)).collect(),
        Param::Int => ints.iter().map(|n| Value::Int(*n)).collect(),
        Param::Int64 => ints.iter().map(|n| Value::Int64(*n)).collect(),
        Param::Uint64 => vec![Value::Uint64(0), Value::Uint64(u64::MAX)],
        Param::Float64 => vec![
            Value::Float64(f64::NAN),
            Value::Float64(-0.0),
            Value::Float64(1e300),
            Value::Float64(f64::INFINITY),
        ],
        Param::Bool => vec![Value::Bool(true), Value::Bool(false)],
        Param::Map(_) => vec![map, Value::map(BTreeMap::new())],
        Param::Slice(ElemType::String) => vec![Value::string_list(vec!["b".into(), "a".into()])],
        Param::Slice(_) => vec![Value::list(vec![])],
        _ => vec![
            Value::Nil,
            Value::Int(i64::MIN),
            Value::Int64(-1),
            Value::Float64(f64::NAN),
            Value::Float64(1e19),
            Value::from("9223372036854775808"),
            Value::from("0x7fffffffffffffff"),
            Value::Bytes(vec![0xff, 0].into()),
            Value::list(vec![Value::Nil, Value::from("x")]),
            map,
        ],
    }
}

#[test]
fn no_function_panics_on_awkward_arguments() {
    let mut calls = 0usize;
    for func in functions() {
        let sig = parse_signature(func.signature).expect("signature parses");
        let mut shapes: Vec<Vec<Param>> = vec![sig.params.clone()];
        if let Some(v) = &sig.variadic {
            shapes.push([sig.params.clone(), vec![v.clone()]].concat());
            shapes.push([sig.params.clone(), vec![v.clone(), v.clone()]].concat());
        }
        for shape in shapes {
            let pools: Vec<Vec<Value>> = shape.iter().map(pool).collect();
            let total: usize = pools.iter().map(Vec::len).product();
            // Walk the cartesian product (bounded) by mixed-radix counting.
            for k in 0..total.min(4000) {
                let mut rest = k;
                let args: Vec<Value> = pools
                    .iter()
                    .map(|p| {
                        let v = p[rest % p.len()].clone();
                        rest /= p.len();
                        v
                    })
                    .collect();
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (func.body)(&args)));
                assert!(result.is_ok(), "{} panicked with {:?}", func.name, args);
                calls += 1;
            }
        }
    }
    assert!(calls > 10_000, "only {calls} calls made");
}
