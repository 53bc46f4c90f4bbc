//! Robustness: random token soup must never panic, hang or overflow; it either parses
//! and executes (possibly with an error) or fails to parse with an error.

use super::harness::{helm_set, test_funcs, values};

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    " ",
    "\n",
    "if ",
    "else ",
    "end",
    "range ",
    "with ",
    "define ",
    "block ",
    "template ",
    "break",
    "continue",
    "(",
    ")",
    ".",
    ".a",
    ".b",
    ".Values",
    "$",
    "$x",
    "$y",
    ":=",
    "=",
    ",",
    "|",
    "\"a\"",
    "'c'",
    "`r`",
    "1",
    "-2",
    "1e3",
    "0x1F",
    "1.5",
    "1i",
    "nil",
    "true",
    "and ",
    "or ",
    "not ",
    "index ",
    "len ",
    "slice ",
    "print ",
    "printf ",
    "eq ",
    "lt ",
    "call ",
    "html ",
    "js ",
    "urlquery ",
    "default ",
    "upper ",
    "repeat ",
    "list ",
    "/*",
    "*/",
    "€",
    "\"",
    "'",
    "`",
    "text",
    "\"t\"",
];

/// A small deterministic generator (no dependencies; the sequence is fixed by the seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_templates_never_panic() {
    let data = super::harness::helm_data(r#"{"a": {"b": [1, "x", null]}, "b": "s"}"#);
    let dot = values(r#"{"a": {"b": 1}, "b": [1, 2]}"#);
    let mut rng = Lcg(0x5eed);
    let mut parsed = 0;
    for _ in 0..30000 {
        let n = 1 + (rng.next() % 24) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(TOKENS[(rng.next() as usize) % TOKENS.len()]);
        }
        // Bias towards well-formed actions half of the time.
        if rng.next().is_multiple_of(2) {
            text = format!("{{{{ {text} }}}}");
        }
        let mut set = helm_set(test_funcs());
        if set.parse("t", &text).is_ok() {
            parsed += 1;
            let _ = set.execute("t", &data);
            let _ = set.execute("t", &dot);
        }
    }
    // The generator must exercise execution, not only parse errors.
    assert!(parsed > 1000, "only {parsed} random texts parsed");
}
