//! Sprig function bodies against outputs recorded from the real helm 4.3.1
//! (`scripts/gen-sprig-goldens` writes `testdata/sprig/goldens.txt`).
//!
//! Each case is a call expression `FUNC ARG...`. Helm renders `{{ $r := EXPR }}` and prints
//! `printf "%T|%v" $r $r`; this test evaluates the same expression by calling our bodies
//! directly, building arguments the way text/template passes them:
//! * integer literals are Go `int` constants (`Value::Int`), converted to `int64`/`float64`
//!   when the parameter has that type; float literals are `float64`;
//! * quoted strings are Go strings, `true`/`false` are bools, `nil` is a nil interface;
//! * `(FUNC ARG...)` sub-expressions are evaluated recursively (`len` is the Go builtin);
//! * variadic arguments are passed flattened after the fixed ones;
//! * `A | B` passes A's result as B's last argument;
//! * the clock is not fixed (the golden date cases use explicit Unix times and zones), and
//!   `Local` is the machine's zone, as for helm when the goldens were recorded (UTC).
//!
//! Then `capstan_gotmpl::fmt::sprintf("%T|%v")` of the result must equal helm's text byte for
//! byte, and error cases must produce helm's `error calling FUNC: TEXT` text.

use capstan_gotmpl::{Param, Value};
use capstan_render::sprig::{functions, SprigFunc};
use capstan_render::sprig_adapter::parse_signature;
use std::collections::BTreeMap;
use std::path::PathBuf;

enum Tok {
    Open,
    Close,
    Atom(String),
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            ' ' => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Atom(b[start..i.min(b.len())].iter().collect()));
            }
            _ => {
                let start = i;
                while i < b.len() && !matches!(b[i], ' ' | '(' | ')') {
                    i += 1;
                }
                out.push(Tok::Atom(b[start..i].iter().collect()));
            }
        }
    }
    out
}

enum Arg {
    Const(Value),
    Computed(Value),
}

struct Eval {
    table: BTreeMap<&'static str, SprigFunc>,
}

impl Eval {
    fn literal(&self, t: &str) -> Arg {
        if t.starts_with('"') {
            return Arg::Const(Value::from(
                serde_json::from_str::<String>(t).expect("golden string literal"),
            ));
        }
        match t {
            "true" => return Arg::Const(Value::Bool(true)),
            "false" => return Arg::Const(Value::Bool(false)),
            "nil" => return Arg::Const(Value::Nil),
            _ => {}
        }
        if let Ok(n) = t.parse::<i64>() {
            return Arg::Const(Value::Int(n));
        }
        Arg::Const(Value::Float64(
            t.parse()
                .unwrap_or_else(|_| panic!("golden number literal {t}")),
        ))
    }

    /// Evaluates `FUNC ARG...` from `toks[*pos]` until a `)` or the end.
    /// Evaluates a pipeline `CMD | CMD ...`: each result becomes the last argument of the next.
    fn pipeline(&self, expr: &str) -> Result<Value, String> {
        let mut piped = None;
        for cmd in expr.split(" | ") {
            let toks = tokenize(cmd);
            piped = Some(self.call_with(&toks, &mut 0, piped.take())?);
        }
        Ok(piped.unwrap_or(Value::Nil))
    }

    fn call(&self, toks: &[Tok], pos: &mut usize) -> Result<Value, String> {
        self.call_with(toks, pos, None)
    }

    fn call_with(
        &self,
        toks: &[Tok],
        pos: &mut usize,
        piped: Option<Value>,
    ) -> Result<Value, String> {
        let Some(Tok::Atom(name)) = toks.get(*pos) else {
            panic!("expected a function name");
        };
        *pos += 1;
        let mut args = Vec::new();
        while *pos < toks.len() {
            match &toks[*pos] {
                Tok::Close => {
                    *pos += 1;
                    break;
                }
                Tok::Open => {
                    *pos += 1;
                    args.push(Arg::Computed(self.call(toks, pos)?));
                }
                Tok::Atom(a) => {
                    *pos += 1;
                    args.push(self.literal(a));
                }
            }
        }
        if let Some(p) = piped {
            args.push(Arg::Computed(p));
        }
        if name == "len" {
            let n = match args.first() {
                Some(Arg::Computed(Value::List(l))) => l.items.len(),
                Some(Arg::Computed(Value::Map(m))) => m.len(),
                _ => panic!("len of unexpected value"),
            };
            return Ok(Value::Int(n as i64));
        }
        let func = self
            .table
            .get(name.as_str())
            .unwrap_or_else(|| panic!("no sprig function {name}"));
        let sig = parse_signature(func.signature).expect("signature parses");
        let mut converted = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            let param = sig.params.get(i).or(sig.variadic.as_ref());
            converted.push(convert(a, param));
        }
        (func.body)(&converted)
    }
}

/// What text/template does to a constant or value passed as a parameter of Go type `param`.
fn convert(a: Arg, param: Option<&Param>) -> Value {
    match (a, param) {
        (Arg::Const(Value::Int(n)), Some(Param::Int64)) => Value::Int64(n),
        (Arg::Const(Value::Int(n)), Some(Param::Float64)) => Value::Float64(n as f64),
        (Arg::Const(v) | Arg::Computed(v), _) => v,
    }
}

/// Renders `expr` as `scripts/gen-sprig-goldens` has helm render a single case, through our
/// chart loader and `template` pipeline. `Err` is what helm prints after `Error: `'s prefix
/// is added back; `Ok` carries the rendered text (never equal to an error golden).
fn render_whole(expr: &str) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("capstan-sprig-golden-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).expect("scratch chart");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .expect("scratch chart");
    std::fs::write(
        dir.join("templates/t.yaml"),
        format!("# @@0@@{{{{ $r := {expr} }}}}{{{{ printf \"%T|%v\" $r $r | printf \"%q\" }}}}@@END@@\n"),
    )
    .expect("scratch chart");
    let chart = capstan_chart::loader::load_dir(&dir).expect("load scratch chart");
    std::fs::remove_dir_all(&dir).ok();
    let req = capstan_render::template::TemplateRequest {
        release_name: "r".into(),
        namespace: "default".into(),
        ..Default::default()
    };
    match capstan_render::template::template(chart, &Default::default(), &req) {
        Ok(out) => Ok(out.stdout),
        // The generator drops helm's closing hint, so this does too.
        Err(e) => Err(format!(
            "Error: {}",
            e.message
                .trim_end_matches("Use --debug flag to render out invalid YAML")
                .trim_end()
        )),
    }
}

fn load() -> Vec<(String, bool, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sprig/goldens.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/gen-sprig-goldens)", path.display()));
    let mut cases = Vec::new();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    while let Some(case) = lines.next() {
        let expr = case.strip_prefix("CASE ").expect("CASE line").to_string();
        let result = lines.next().expect("result line");
        let (kind, json) = result.split_at(3);
        let out: String = serde_json::from_str(json.trim()).expect("json result");
        cases.push((expr, kind == "OK ", out));
    }
    cases
}

#[test]
fn sprig_bodies_match_helm() {
    let eval = Eval {
        table: functions().into_iter().map(|f| (f.name, f)).collect(),
    };
    let cases = load();
    assert!(cases.len() >= 500, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for (expr, ok, want) in &cases {
        let got = if !ok && want.starts_with("Error: ") {
            // Go refused the arguments before calling the function (a template error with
            // its position): only the whole pipeline can say that.
            render_whole(expr)
        } else {
            eval.pipeline(expr)
                .map(|r| capstan_gotmpl::fmt::sprintf("%T|%v", &[r.clone(), r]))
        };
        let matches = match (&got, ok) {
            (Ok(g), true) => g == want,
            (Err(e), false) => e == want,
            _ => false,
        };
        if !matches {
            failures.push(format!(
                "{expr}\n   helm: {} {want:?}\n   ours: {got:?}",
                if *ok { "OK" } else { "ERR" }
            ));
        }
    }
    let report = failures.join("\n");
    if std::env::var_os("SPRIG_GOLDENS_SHOW").is_some() {
        eprintln!("{report}");
    }
    eprintln!(
        "{} of {} sprig golden cases pass",
        cases.len() - failures.len(),
        cases.len()
    );
    // Known differences are listed in testdata/sprig/known-failures.txt, one expression per
    // line; anything else failing (or a listed case now passing) fails the test.
    let known_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sprig/known-failures.txt");
    let known: Vec<String> = std::fs::read_to_string(&known_path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect();
    let failing: Vec<String> = failures
        .iter()
        .map(|f| f.lines().next().unwrap_or("").to_string())
        .collect();
    let unexpected: Vec<&String> = failing.iter().filter(|f| !known.contains(f)).collect();
    let fixed: Vec<&String> = known.iter().filter(|k| !failing.contains(k)).collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "unexpected failures: {unexpected:#?}\nknown failures now passing (remove them): {fixed:#?}\n{report}"
    );
}
