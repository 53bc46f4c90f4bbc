//! Parse and execute of a large template: thousands of lines with nested ranges, `define`d
//! helpers called through `template`, conditionals, variables and printf.

use std::collections::BTreeMap;

use capstan_gotmpl::{MissingKey, Templates, Value};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A chart-like template set: a helpers file and a big manifest file.
fn sources(sections: usize) -> (String, String) {
    let mut helpers = String::new();
    for i in 0..40 {
        helpers.push_str(&format!(
            "{{{{- define \"h{i}\" -}}}}\nname: {{{{ .name | printf \"%s-{i}\" }}}}\n{{{{- if .enabled }}}}\nenabled: {{{{ .enabled }}}}\n{{{{- end }}}}\n{{{{- end }}}}\n"
        ));
    }
    let mut main = String::new();
    for s in 0..sections {
        main.push_str(&format!(
            "---\n# section {s}\n{{{{- $root := . }}}}\nitems:\n{{{{- range $i, $item := .items }}}}\n  - index: {{{{ $i }}}}\n    {{{{- template \"h{h}\" $item }}}}\n    labels:\n    {{{{- range $k, $v := $item.labels }}}}\n      {{{{ $k }}}}: {{{{ $v | printf \"%q\" }}}}\n    {{{{- end }}}}\n    {{{{- if and $item.enabled (gt (len $item.labels) 1) }}}}\n    replicas: {{{{ $root.replicas }}}}\n    {{{{- else if $item.enabled }}}}\n    replicas: 1\n    {{{{- else }}}}\n    replicas: 0\n    {{{{- end }}}}\n{{{{- end }}}}\n",
            h = s % 40
        ));
    }
    (helpers, main)
}

fn data() -> Value {
    let items = (0..20)
        .map(|i| {
            let mut labels = BTreeMap::new();
            for l in 0..(i % 4) {
                labels.insert(format!("label{l}"), Value::str(format!("value-{i}-{l}")));
            }
            let mut item = BTreeMap::new();
            item.insert("name".to_string(), Value::str(format!("item{i}")));
            item.insert("enabled".to_string(), Value::Bool(i % 3 != 0));
            item.insert("labels".to_string(), Value::map(labels));
            Value::map(item)
        })
        .collect();
    let mut top = BTreeMap::new();
    top.insert("items".to_string(), Value::list(items));
    top.insert("replicas".to_string(), Value::Float64(3.0));
    Value::map(top)
}

fn bench(c: &mut Criterion) {
    let (helpers, main) = sources(100);
    let lines = helpers.lines().count() + main.lines().count();
    let mut group = c.benchmark_group(format!("gotmpl_{lines}_lines"));
    group.throughput(Throughput::Bytes((helpers.len() + main.len()) as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut set = Templates::new("gotpl");
            set.parse("_helpers.tpl", &helpers).expect("helpers parse");
            set.parse("main.yaml", &main).expect("main parses");
            set
        })
    });
    let mut set = Templates::new("gotpl");
    set.option_missingkey(MissingKey::Zero);
    set.parse("_helpers.tpl", &helpers).expect("helpers parse");
    set.parse("main.yaml", &main).expect("main parses");
    let data = data();
    let out = set.execute("main.yaml", &data).expect("executes");
    assert!(
        out.len() > 100_000,
        "the benchmark renders a large document ({} bytes)",
        out.len()
    );
    group.bench_function("execute", |b| {
        b.iter(|| set.execute("main.yaml", &data).expect("executes"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
