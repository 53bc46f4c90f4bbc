//! Server-side validation seen through real kubectl 1.37 (`--validate=strict` is its
//! default): unknown fields of built-in kinds, CRD schema types/required/enum.

mod common;
use common::Env;

fn stderr_of(env: &Env, args: &[&str]) -> String {
    let o = env.kubectl(args);
    assert!(!o.status.success(), "kubectl {args:?} should fail");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn strict_validation_rejects_unknown_fields_of_built_in_kinds() {
    let env = Env::start();
    let f = env.write(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  foo: 1\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: c, image: i, imagePolicy: x}]\n",
    );
    let f = f.to_str().expect("utf8 path");
    let e = stderr_of(&env, &["apply", "-f", f]);
    assert!(
        e.contains("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[0].imagePolicy\""),
        "{e}"
    );
    // --validate=warn: created, with one Warning header per unknown field, which kubectl
    // prints on stderr.
    let o = env.kubectl(&["apply", "--validate=warn", "-f", f]);
    assert!(o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Warning: unknown field \"spec.foo\""), "{err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("deployment.apps/d created"),
        "{o:?}"
    );
    // --validate=false (fieldValidation=Ignore): accepted silently.
    let g = env.write(
        "d2.yaml",
        &std::fs::read_to_string(f)
            .expect("read")
            .replace("name: d}", "name: d2}"),
    );
    let o = env.kubectl(&[
        "apply",
        "--validate=false",
        "-f",
        g.to_str().expect("utf8 path"),
    ]);
    assert!(o.status.success(), "{o:?}");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("Warning"),
        "{o:?}"
    );
    // Wrong types are decoding errors too.
    let g = env.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: [1]\n",
    );
    let e = stderr_of(&env, &["create", "-f", g.to_str().expect("utf8 path")]);
    assert!(
        e.contains("ConfigMap in version \"v1\" cannot be handled as a ConfigMap"),
        "{e}"
    );
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.ex.io}
spec:
  group: ex.io
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer}
              mode: {type: string, enum: [fast, slow]}
"#;

#[test]
fn custom_resources_are_checked_against_the_crd_schema() {
    let env = Env::start();
    let crd = env.write("crd.yaml", CRD);
    env.kubectl_ok(&["apply", "-f", crd.to_str().expect("utf8")]);
    env.kubectl_ok(&[
        "wait",
        "--for=condition=established",
        "crd/gadgets.ex.io",
        "--timeout=10s",
    ]);
    let cr = |name: &str, spec: &str| {
        let p = env.write(
            &format!("{name}.yaml"),
            &format!(
                "apiVersion: ex.io/v1\nkind: Gadget\nmetadata: {{name: {name}}}\nspec: {spec}\n"
            ),
        );
        p.to_str().expect("utf8").to_string()
    };
    let e = stderr_of(&env, &["apply", "-f", &cr("g1", "{size: big}")]);
    // kubectl rewords a 422 from its details: `The Gadget "g1" is invalid: ...`.
    assert!(
        e.contains("The Gadget \"g1\" is invalid: spec.size: Invalid value: \"string\""),
        "{e}"
    );
    assert!(
        e.contains("spec.size in body must be of type integer"),
        "{e}"
    );
    let e = stderr_of(&env, &["apply", "-f", &cr("g2", "{mode: fast}")]);
    assert!(e.contains("spec.size: Required value"), "{e}");
    let e = stderr_of(&env, &["apply", "-f", &cr("g3", "{size: 1, mode: warp}")]);
    assert!(e.contains("spec.mode: Unsupported value: \"warp\""), "{e}");
    let e = stderr_of(&env, &["apply", "-f", &cr("g4", "{size: 1, colour: red}")]);
    assert!(
        e.contains("strict decoding error: unknown field \"spec.colour\""),
        "{e}"
    );
    let out = env.kubectl_ok(&["apply", "-f", &cr("g5", "{size: 1, mode: slow}")]);
    assert!(out.contains("gadget.ex.io/g5 created"), "{out}");
}
