//! `toYamlPretty` on random values: it never panics, its output is YAML that reads back
//! (with capstan-chart's go-yaml-compatible reader) to the same data as `toYaml`'s output
//! does, numbers compared by value. The two encoders differ in layout, quoting and number
//! spelling, so agreement on the data read back checks each quoting decision of the v3
//! emitter against the independent v2 one. (Line separators other than LF, which both
//! emitters write raw inside quotes, are left out: YAML 1.1 and the reader disagree on them.)

use std::collections::BTreeMap;

use capstan_gotmpl::value::Value;
use capstan_render::to_yaml::pretty::to_yaml_pretty;
use capstan_render::to_yaml::to_yaml;
use serde_json::Value as Json;

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

fn random_string(r: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "\t",
        ":",
        ": ",
        "#",
        " #",
        "-",
        "- ",
        "?",
        "'",
        "\"",
        "\\",
        "|",
        ">",
        "{",
        "[",
        "]",
        "&",
        "*",
        "!",
        "%",
        "@",
        "`",
        ",",
        ".",
        "0",
        "1",
        "9",
        "e",
        "y",
        "yes",
        "no",
        "on",
        "null",
        "~",
        "true",
        "1.5",
        "0x1F",
        "1e3",
        "12:30",
        "2024-01-01",
        "<<",
        "---",
        "...",
        "é",
        "日",
        "😀",
        "\u{a0}",
        "\u{feff}",
        "a",
        "b",
        "key",
        "_",
    ];
    let n = r.below(6);
    (0..n)
        .map(|_| PIECES[r.below(PIECES.len() as u64) as usize])
        .collect()
}

fn random_value(r: &mut Rng, depth: u32) -> Value {
    let kind = if depth > 3 { r.below(6) } else { r.below(9) };
    match kind {
        0 => Value::Nil,
        1 => Value::Bool(r.below(2) == 0),
        2 => Value::Int(r.next() as i64 >> r.below(64)),
        3 => Value::Float64(match r.below(4) {
            0 => 1e6,
            1 => (r.next() % 10_000) as f64 / 8.0,
            2 => 1e21,
            _ => -((r.next() % 1000) as f64) * 1e-7,
        }),
        4 | 5 => Value::from(random_string(r)),
        6 => Value::list(
            (0..r.below(4))
                .map(|_| random_value(r, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = BTreeMap::new();
            for _ in 0..r.below(5) {
                m.insert(random_string(r), random_value(r, depth + 1));
            }
            Value::map(m)
        }
    }
}

/// Numbers as f64, so `1e+06` and `1000000` compare equal.
fn normalize(v: Json) -> Json {
    match v {
        Json::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0))
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Json::Array(a) => Json::Array(a.into_iter().map(normalize).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

#[test]
fn pretty_output_reads_back_like_to_yaml() {
    let mut r = Rng(0x5151_2b2b_7f4a_7c15);
    let mut compared = 0;
    for _ in 0..20000 {
        let v = random_value(&mut r, 0);
        let pretty = to_yaml_pretty(&v);
        let Ok(v2) = to_yaml(&v) else { continue };
        // Some go-yaml outputs do not read back (a literal block whose first line is only
        // spaces); those values tell nothing about the v3 emitter.
        let Ok(a) = capstan_chart::yaml::from_str(&v2) else {
            continue;
        };
        let b = capstan_chart::yaml::from_str(&pretty)
            .unwrap_or_else(|e| panic!("toYamlPretty output does not read back: {e}\n{pretty}"));
        assert_eq!(
            normalize(a),
            normalize(b),
            "toYaml and toYamlPretty disagree for {v:?}\n--- toYaml\n{v2}\n--- toYamlPretty\n{pretty}"
        );
        compared += 1;
    }
    eprintln!("{compared} values compared");
    assert!(compared > 15000, "only {compared} values compared");
}
