//! `toYaml`/`toJson` never panic or overflow the stack, whatever the value: random values
//! from a fixed seed (all kinds of characters, NaN, bytes, nesting) and very deep
//! nesting on a 2 MiB thread, like the test harness and Helm-rendering threads use.

use std::collections::BTreeMap;
use std::sync::Arc;

use capstan_gotmpl::value::Value;
use capstan_render::json::{to_json, JsonError, MAX_DEPTH};
use capstan_render::to_yaml::{to_yaml, YamlError};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_char(r: &mut Rng) -> char {
    const SPECIAL: &[char] = &[
        ' ', ' ', ' ', '\n', '\r', '\t', ':', '#', '-', '?', '\'', '"', '\\', '|', '>', '{', '[',
        '&', '*', '!', '%', '@', '`', ',', '.', '0', '1', '9', 'e', 'y', 'n', '_', '\u{85}',
        '\u{2028}', '\u{feff}', '\u{a0}', '\u{7f}', '\u{0}', 'é', '日', '😀', '٣', 'Ⅻ',
    ];
    match r.below(4) {
        0 => char::from_u32(r.below(0x11_0000) as u32).unwrap_or('x'),
        1 => (b'a' + r.below(26) as u8) as char,
        _ => SPECIAL[r.below(SPECIAL.len() as u64) as usize],
    }
}

fn random_string(r: &mut Rng) -> String {
    let n = [0, 1, 2, 5, 10, 40, 79, 81, 120, 300][r.below(10) as usize];
    (0..n).map(|_| random_char(r)).collect()
}

fn random_value(r: &mut Rng, depth: u32) -> Value {
    let pick = if depth > 5 { r.below(6) } else { r.below(9) };
    match pick {
        0 => Value::Nil,
        1 => Value::Bool(r.below(2) == 0),
        2 => Value::Int64(r.next() as i64),
        3 => Value::Float64(f64::from_bits(r.next())),
        4 => Value::Uint64(r.next()),
        5 => {
            if r.below(5) == 0 {
                Value::Bytes(Arc::from(
                    (0..r.below(20)).map(|_| r.next() as u8).collect::<Vec<_>>(),
                ))
            } else {
                Value::str(random_string(r))
            }
        }
        6 | 7 => {
            let n = r.below(6);
            let entries: BTreeMap<String, Value> = (0..n)
                .map(|_| (random_string(r), random_value(r, depth + 1)))
                .collect();
            Value::map(entries)
        }
        _ => Value::list(
            (0..r.below(6))
                .map(|_| random_value(r, depth + 1))
                .collect(),
        ),
    }
}

#[test]
fn random_values_never_panic() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ok = 0;
    for _ in 0..4000 {
        let v = random_value(&mut r, 0);
        let json = to_json(&v);
        let yaml = to_yaml(&v);
        match (&json, &yaml) {
            (Ok(text), _) => {
                // Go's JSON is valid JSON.
                serde_json::from_str::<serde_json::Value>(text).expect("valid JSON");
                ok += 1;
            }
            (Err(e), Err(YamlError::Json(y))) => assert_eq!(e, y),
            (Err(e), other) => panic!("toJson failed with {e} but toYaml gave {other:?}"),
        }
    }
    assert!(
        ok > 1000,
        "too few values encodable ({ok}); the generator is off"
    );
}

fn nested(depth: usize) -> Value {
    let mut v = Value::str("leaf");
    for i in 0..depth {
        v = if i % 2 == 0 {
            Value::list(vec![v])
        } else {
            Value::map(BTreeMap::from([("k".to_string(), v)]))
        };
    }
    v
}

fn lists(count: usize) -> Value {
    let mut v = Value::list(vec![]);
    for _ in 1..count {
        v = Value::list(vec![v]);
    }
    v
}

/// Go's limits, as helm 4.3.1 showed them: encoding/json refuses a value inside more than
/// 10000 arrays/objects, go-yaml more than 10000 nested collections. Our functions reach
/// them without overflowing a 2 MiB stack (they move deep work to a big-stack thread).
#[test]
fn go_depth_limits_without_stack_overflow() {
    let ok = nested(MAX_DEPTH); // the leaf sits inside 10000 collections
    let too_deep = nested(MAX_DEPTH + 1);
    let yaml_limit = lists(MAX_DEPTH + 1); // JSON accepts it, go-yaml does not
    let yaml_ok = lists(MAX_DEPTH);
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(s, || {
                let yaml = to_yaml(&ok).expect("10000 levels are fine");
                assert!(yaml.ends_with("leaf"));
                assert!(to_json(&ok).expect("10000 levels").contains("\"leaf\""));
                assert_eq!(to_json(&too_deep), Err(JsonError::TooDeep));
                assert_eq!(
                    to_yaml(&too_deep).unwrap_err().to_string(),
                    "error marshaling into JSON: exceeded max depth"
                );
                assert_eq!(to_json(&yaml_limit).map(|s| s.len()), Ok(20002));
                assert_eq!(
                    to_yaml(&yaml_limit).unwrap_err().to_string(),
                    "yaml: exceeded max depth of 10000"
                );
                assert_eq!(to_yaml(&yaml_ok).map(|s| s.len()), Ok(20000));
            })
            .expect("spawn")
            .join()
            .expect("no stack overflow or panic");
    });
    // Dropping very deep values recursively is the value model's concern; leak them here.
    std::mem::forget((ok, too_deep, yaml_limit, yaml_ok));
}
