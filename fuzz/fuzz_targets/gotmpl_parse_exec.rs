//! Parses and executes arbitrary template text with Helm-like data and a few functions.
//! Checks: no panic, no stack overflow, no hang. Inputs with long digit runs are skipped,
//! since `{{ range 999999999 }}` is a legitimately long loop, not a bug.
#![no_main]

use std::collections::BTreeMap;

use capstan_gotmpl::{FuncMap, Function, MissingKey, Templates, Value};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let mut inner = BTreeMap::new();
    inner.insert("b".to_string(), Value::Float64(1.5));
    inner.insert("list".to_string(), Value::list(vec![Value::Int64(1), Value::str("x"), Value::Nil]));
    let mut top = BTreeMap::new();
    top.insert("a".to_string(), Value::map(inner));
    top.insert("s".to_string(), Value::str("text"));
    top.insert("n".to_string(), Value::Int(3));
    Value::map(top)
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    if text.len() > 4096 {
        return;
    }
    let mut digits = 0;
    for c in text.chars() {
        digits = if c.is_ascii_digit() { digits + 1 } else { 0 };
        if digits > 3 {
            return;
        }
    }
    let mut funcs = FuncMap::new();
    funcs.insert(
        "include".into(),
        Function::new(|ctx, args| {
            let name = args.first().and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let count = ctx.counter(&name);
            if *count > 20 {
                return Err("nested too deep".into());
            }
            *count += 1;
            let out = ctx.execute_template(&name, &args.get(1).cloned().unwrap_or(Value::Nil));
            *ctx.counter(&name) -= 1;
            Ok(Value::from(out?))
        }),
    );
    funcs.insert(
        "tpl".into(),
        Function::new(|ctx, args| {
            let text = args.first().and_then(|v| v.as_str()).unwrap_or_default().to_string();
            if ctx.counter("tpl") > &mut 10 {
                return Err("tpl too deep".into());
            }
            *ctx.counter("tpl") += 1;
            let set = ctx.clone_with("gotpl", &text)?;
            let out = ctx.execute_in(&set, "gotpl", &args.get(1).cloned().unwrap_or(Value::Nil));
            Ok(Value::from(out?))
        }),
    );
    capstan_gotmpl::run_with_big_stack(|| {
        let mut set = Templates::new("gotpl");
        set.funcs(funcs).option_missingkey(MissingKey::Zero);
        if set.parse("f.yaml", text).is_ok() {
            let _ = set.execute("f.yaml", &data());
        }
    });
});
