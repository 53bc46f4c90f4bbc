//! The fast head reader must never answer where the full decoder disagrees: every
//! `Some` is checked against `from_str`, on hand-picked documents and on many mutations
//! of them.

use serde_json::{Map, Value};

use super::head_of;
use crate::yaml::differential::{corpus_dir, golden_documents, mutate, Lcg};
use crate::yaml::from_str_with_event_parser as from_str;

/// What the head reader keeps of a fully decoded document (numbers compared as f64).
fn pruned(full: &Value) -> Value {
    fn shape(v: &Value) -> Value {
        match v {
            Value::Object(_) => Value::Object(Map::new()),
            Value::Array(_) => Value::Array(Vec::new()),
            Value::Number(n) => Value::from(n.as_f64().unwrap()),
            other => other.clone(),
        }
    }
    let Value::Object(top) = full else {
        return Value::String("not a map".into());
    };
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = top.get(key) {
            out.insert(key.into(), shape(v));
        }
    }
    match top.get("metadata") {
        Some(Value::Object(meta)) => {
            let mut m = Map::new();
            if let Some(v) = meta.get("name") {
                m.insert("name".into(), shape(v));
            }
            match meta.get("annotations") {
                Some(Value::Object(a)) => {
                    let entries = a.iter().map(|(k, v)| (k.clone(), shape(v))).collect();
                    m.insert("annotations".into(), Value::Object(entries));
                }
                Some(v) => {
                    m.insert("annotations".into(), shape(v));
                }
                None => {}
            }
            out.insert("metadata".into(), Value::Object(m));
        }
        Some(v) => {
            out.insert("metadata".into(), shape(v));
        }
        None => {}
    }
    Value::Object(out)
}

fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_f64().unwrap()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        other => other,
    }
}

/// Checks the soundness promise on one document; returns whether the fast path answered.
pub(crate) fn check(doc: &str) -> bool {
    let Some(head) = head_of(doc) else {
        return false;
    };
    let full = match from_str(doc) {
        Ok(v) => v,
        Err(e) => panic!("fast path accepted a document the decoder rejects ({e}):\n{doc}"),
    };
    assert_eq!(
        numbers_as_f64(head),
        pruned(&full),
        "fast path head differs from the decoder's for:\n{doc}"
    );
    true
}

const DEPLOYMENT: &str = r#"# Source: chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-app
  namespace: "ns1"
  labels:
    app.kubernetes.io/name: app
    helm.sh/chart: app-1.2.3
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    checksum/config: 0a1b2c   # the config hash
    empty:
    quoted: 'it''s'
spec:
  replicas: 1
  selector:
    matchLabels:
      app: x
  template:
    metadata:
      labels: {}
    spec:
      containers:
      - name: app
        image: "nginx:1.25"
        args:
        - --port=8080
        - -v
        env:
          - name: A
            value: "a \"b\""
          -
            name: B
        command: []
        script: |
          #!/bin/sh
          echo "hi: there"

          exit 0
      tolerations: []
status: {}
"#;

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.14.0
  name: rollouts.argoproj.io
spec:
  group: argoproj.io
  versions:
  - name: v1alpha1
    schema:
      openAPIV3Schema:
        properties:
          spec:
            description: >-
              A long description that folds
              over lines.
            type: object
            x-kubernetes-preserve-unknown-fields: true
            format: int-or-string
            maximum: 1.5
            $ref: x
            enum: [a, "b", 'c']
            pattern: :x
          status:
            description: A plain description that
              goes on over lines

              and a paragraph, "1"
              "quoted" [x] {y} *z &w !v |u >t %s @r `q`
            type:
              object
            rule: '!has(self.a) || self.a <= (has(self.b)
              ? self.b : 100)''
              and more'
            x-doc: "Condition contains \"details\" for
              one aspect \
              # not a comment

              of the state"   # a comment
"#;

#[test]
fn reads_common_manifests() {
    assert!(check(DEPLOYMENT));
    assert!(check(CRD));
    let head = head_of(DEPLOYMENT).unwrap();
    assert_eq!(head["metadata"]["annotations"]["helm.sh/hook-weight"], "-5");
    assert_eq!(head["metadata"]["annotations"]["quoted"], "it's");
    assert_eq!(head["metadata"]["annotations"]["empty"], Value::Null);
    assert_eq!(head["kind"], "Deployment");
}

#[test]
fn leaves_everything_unusual_to_the_decoder() {
    for doc in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: [[1]]\n",
        "a: [a: 1]\n",
        "a: [1, .inf]\n",
        "a: [1\n",
        "a: [1 2]\n",
        "a: [, 1]\n",
        "a:\tb\n",
        "a: b: c\n",
        "- a\n- b\n",
        "  a: 1\n",
        "a: 1\n b: 2\n",
        "a:\n  - 1\n  b: 2\n",
        "a: .inf\n",
        "null: 1\n",
        "? a\n: b\n",
        "a: 1\r\n",
        "a: |2\n   x\n",
        "a: |\n   \n  x\n",
        "metadata:\n  name: \"a\\tb\"\n",
        "a: 1\n---\nb: 2\n",
        "# only a comment\n",
        "",
        "a: \"x\\q\"\n",
        // Found by the quick_head fuzz target: go-yaml v2 has no `\/` escape.
        "a: \"x\\/y\"\n",
        "a: \"x\n  \\/ y\"\n",
        "kind: x\nkind: y\n",
        "a: '\tx'\n",
        "a: 'open\nb: 1\n",
        "a: \"open\n\"\n",
        "kind: 'multi\n  line'\n",
        "a: b #c\n  d: 1\n",
    ] {
        assert!(head_of(doc).is_none(), "fast path should defer on {doc:?}");
    }
}

#[test]
fn head_types_follow_the_decoder() {
    for doc in [
        "apiVersion: 1\nkind: true\nmetadata: x\n",
        "apiVersion: [ ]\n",
        "apiVersion: []\nkind: {}\nmetadata: []\n",
        "metadata:\n  name: 0x1F\n  annotations:\n    a: 1\n    b: yes\n    c: ~\n    d: []\n    e:\n      f: 1\n",
        "metadata:\nkind: x\n",
        "metadata:\n  annotations: foo\n",
        "metadata:\n  annotations:\n  - a\n",
        "metadata:\n  annotations:\n    \"true\": a\n    x: 'b'\n",
        "kind: a #c\nx: 'a''b' # c\ny: \"q\" # c\n",
        "a: [1, 2]\nb: ['x', \"y\", z-1, ]\n",
        "a: multi\n  line\n\n  more\nb: 1\n",
        "a:\n  {}\nb:\n  text\n- c\n",
        "a: :x\nb: ?y\n",
        "s:\n- x\n  y\n- z\n",
        "kind:\n  Multi\n  Line\n",
        "kind: a\n  # comment\nb: 1\n",
        "a: \"open\n  quote\"\nb: 'x\n\n  y'' z'\n",
    ] {
        check(doc);
    }
}

#[test]
fn mutations_never_make_it_disagree() {
    let mut rng = Lcg(7);
    let mut answered = 0;
    for base in [DEPLOYMENT, CRD] {
        for _ in 0..6000 {
            let doc = mutate(base, &mut rng);
            if check(&doc) {
                answered += 1;
            }
        }
    }
    // The mutations must leave plenty of valid documents, or the test proves little.
    assert!(
        answered > 500,
        "only {answered} mutated documents were answered"
    );
}
#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_quick_head_agrees_on_every_golden_document() {
    let (mut docs, mut answered) = (0, 0);
    let (mut bytes, mut answered_bytes) = (0, 0);
    for (path, doc) in golden_documents(&corpus_dir()) {
        docs += 1;
        bytes += doc.len();
        if check(&doc) {
            answered += 1;
            answered_bytes += doc.len();
        } else if std::env::var("QUICK_HEAD_WHY").is_ok() {
            if let Some(n) = super::gave_up_at(&doc) {
                eprintln!(
                    "GAVEUP {} {} {:?}",
                    path.display(),
                    doc.len(),
                    doc.split('\n').nth(n.saturating_sub(1)).unwrap_or("")
                );
            }
        }
    }
    eprintln!(
        "quick head answered {answered} of {docs} golden documents, {answered_bytes} of {bytes} bytes"
    );
    assert!(
        answered_bytes * 10 >= bytes * 9,
        "only {answered_bytes} of {bytes} bytes answered"
    );
    // Most rendered manifests are in the plain block subset; if that stops being true
    // the speed-up is gone even though nothing is wrong.
    assert!(
        answered * 10 >= docs * 8,
        "only {answered} of {docs} answered"
    );
}
