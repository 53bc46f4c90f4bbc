//! The fast document reader must never answer where the event parser disagrees: every
//! `Some` is checked against it, on hand-picked documents, on many mutations of them and
//! (with the shared corpus) on every values file and rendered manifest of the corpus.

use serde_json::json;

use super::document_of;
use crate::yaml::differential::{corpus_dir, golden_documents, mutate, Lcg};
use crate::yaml::from_str_with_event_parser;

/// Checks the soundness promise on one document; returns whether the fast path answered.
fn check(doc: &str) -> bool {
    let Some(fast) = document_of(doc) else {
        return false;
    };
    let full = match from_str_with_event_parser(doc) {
        Ok(v) => v,
        Err(e) => panic!("fast path accepted a document the decoder rejects ({e}):\n{doc}"),
    };
    assert_eq!(
        fast, full,
        "fast path value differs from the decoder's for:\n{doc}"
    );
    true
}

const VALUES: &str = r#"# Default values for a chart.
## a doc comment
replicaCount: 1
image:
  repository: ghcr.io/kedacore/keda   # where
  tag: ""
  pullPolicy: IfNotPresent
  digest: 'sha256:abc'
imagePullSecrets: []
podAnnotations: {}
nameOverride: null
crds:
  install: true
  additionalAnnotations:
    {}
    # comment after the value
resources:
  limits:
    cpu: 1
    memory: 1000Mi
  requests:
    cpu: 100m
    ratio: 0.5
    big: 1e3
    octal: 0777
    hex: 0x1F
    under: 1_000
tolerations:
- key: a
  operator: Exists
-
  key: b
- plain
- "quoted \"x\" \\ \t \n"
- 'single ''quoted'''
- ~
- yes
- 2024-01-01
args: [--port, "8080", 'x', 1, true, a/b.c_d-e, ]
env:
  - name: A
    value: "1"
  - name: B
    valueFrom:
      secretKeyRef:
        name: s
        key: k
nested:
  - - inner
script: |
  #!/bin/sh
  echo "hi: there" # not a comment

    indented more
  exit 0

stripped: |-
  a
  b
folded: >
  one
  two

  three
folded_strip: >-
  x
  y
empty_value:
last: end
"#;

#[test]
fn reads_common_values_files() {
    // The nested sequence `- - inner` is outside the subset: the whole file is deferred.
    assert!(!check(VALUES));
    let without_nested = VALUES.replace("nested:\n  - - inner\n", "");
    assert!(check(&without_nested));
    let v = document_of(&without_nested).unwrap();
    assert_eq!(v["image"]["tag"], "");
    assert_eq!(v["resources"]["requests"]["octal"], json!(511.0));
    assert_eq!(v["tolerations"][1], json!({"key": "b"}));
    assert_eq!(v["tolerations"][4], "single 'quoted'");
    assert_eq!(v["tolerations"][7], "2024-01-01");
    assert_eq!(
        v["script"],
        "#!/bin/sh\necho \"hi: there\" # not a comment\n\n  indented more\nexit 0\n"
    );
    assert_eq!(v["stripped"], "a\nb");
    assert_eq!(v["folded"], "one two\nthree\n");
    assert_eq!(v["folded_strip"], "x y");
    assert_eq!(v["empty_value"], json!(null));
    assert_eq!(
        v["args"],
        json!(["--port", "8080", "x", 1.0, true, "a/b.c_d-e"])
    );
}

#[test]
fn leaves_everything_unusual_to_the_decoder() {
    for doc in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: [[1]]\n",
        "a: [a: 1]\n",
        "a: .inf\n",
        "a: 1\na: 2\n",
        "'a': 1\na: 2\n",
        "yes: 1\n",
        "1: x\n",
        "null: 1\n",
        "a: |+\n  x\n\nb: 1\n",
        "a: |2\n   x\n",
        "a: >\n  x\n    more\n  y\n",
        "a: |\n  no final break",
        // Found by the quick_doc fuzz target: a line of spaces ends the text.
        "oP-: >\n #\n ",
        "a: |\n  x\n  ",
        "a: |-\n  x\n\n ",
        "a: multi\n  line plain\n",
        "a: 'multi\n  line'\n",
        "- a\n- b\n",
        "just a scalar\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\r\n",
        "a: \"x\\u0041\"\n",
        "a: \"x\\/y\"\n",
        "a: |\n  \n  x\n",
    ] {
        assert!(
            document_of(doc).is_none(),
            "fast path should defer on {doc:?}"
        );
    }
}

#[test]
fn agrees_on_edge_cases() {
    for doc in [
        "a:\n- 1\n- 2\nb: 3\n",
        "a:\n  - 1\n  -\n  - c: d\n    e: f\nb:\n",
        "a:\n  b:\n    c:\n      d: 1\ne: 2\n",
        "a: |\n\n  x\n\n\n  y\n\n\nb: 1\n",
        "a: >\n\n  x\n\n\n  y\n  z\n\nb: 1\n",
        "a: |-\n  x\n\n",
        "- x\n",
        "a: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\\\\\N\\_\"\n",
        "a: [\"\\t\", 'x', ]\n",
        "a:\n  'quoted key': 1\n  \"dq\": 2\n",
        "a:\n  text on its own line\nb: 1\n",
        "a: x # c\n  # deeper comment\nb: 1\n",
        "seq:\n- |\n  block in seq\n- >-\n  folded\n  in seq\n",
        "",
        "# comment only\n\n  # indented\n",
        "a: |\n\n# less indented comment\nb: |-\nc: >\n  # text\n",
        "a: { }\nb: [ ]\nc: {  }  # comment\n",
        "a: 0.1\nb: -2\nc: +3\nd: 1.5e+3\ne: 12345678901234567890\n",
    ] {
        check(doc);
    }
}

#[test]
fn mutations_never_make_it_disagree() {
    let without_nested = VALUES.replace("nested:\n  - - inner\n", "");
    let mut rng = Lcg(11);
    let mut answered = 0;
    for _ in 0..12000 {
        if check(&mutate(&without_nested, &mut rng)) {
            answered += 1;
        }
    }
    assert!(
        answered > 1000,
        "only {answered} mutated documents were answered"
    );
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_quick_doc_agrees_on_every_values_file_and_golden_document() {
    let corpus = corpus_dir();
    let mut values_files = Vec::new();
    let mut dirs = vec![corpus.join("charts"), corpus.join("values")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().and_then(|e| e.to_str()) == Some("yaml")
                && !path.to_string_lossy().contains("/templates/")
            {
                values_files.push(path);
            }
        }
    }
    // Every YAML file is checked; the share answered is counted on values.yaml files.
    let (mut files, mut answered) = (0, 0);
    for path in &values_files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let is_values = path.file_name().is_some_and(|n| n == "values.yaml");
        files += usize::from(is_values);
        if check(&text) {
            answered += usize::from(is_values);
        } else if is_values && std::env::var("QUICK_DOC_WHY").is_ok() {
            if let Some(n) = super::gave_up_at(&text) {
                eprintln!(
                    "GAVEUP {} {} {:?}",
                    path.display(),
                    text.len(),
                    text.split('\n').nth(n.saturating_sub(1)).unwrap_or("")
                );
            }
        }
    }
    let (mut docs, mut docs_answered) = (0, 0);
    for (_, doc) in golden_documents(&corpus) {
        docs += 1;
        docs_answered += usize::from(check(&doc));
    }
    eprintln!(
        "quick doc answered {answered} of {files} values.yaml files ({} YAML files checked) and {docs_answered} of {docs} golden documents",
        values_files.len()
    );
    // Most values files are in the plain block subset; if that stops being true the
    // speed-up is gone even though nothing is wrong.
    assert!(
        answered * 10 >= files * 9,
        "only {answered} of {files} values.yaml files answered"
    );
}
