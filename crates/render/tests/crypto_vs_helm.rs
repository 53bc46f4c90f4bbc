//! The certificate and key functions against the real helm 4.3.1 (`.tools/helm`): the same
//! template runs in helm and in our engine, and every certificate and key both produce is
//! parsed (x509-cert, an independent parser) and compared field by field, leaving out only
//! what is random (serial, key material, signatures, key identifiers' values) and the
//! moment of issue.

use capstan_gotmpl::{Templates, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use x509_cert::der::{Decode as _, Encode as _};

const TEMPLATE: &str = r#"{{- $ca := genCA "my-ca" 365 }}
{{- $leaf := genSignedCert "leaf.example" (list "10.0.0.1" "::1" "::ffff:1.2.3.4") (list "a.example" "b.example") 30 $ca }}
{{- $self := genSelfSignedCert "self*&" nil nil 20000 }}
{{- $empty := genSelfSignedCert "" nil (list "x") 1 }}
{{- $ec := genPrivateKey "ecdsa" }}
{{- $ed := genPrivateKey "ed25519" }}
{{- $ecca := genCAWithKey "ec-ca" 10 $ec }}
{{- $ecleaf := genSignedCertWithKey "ec-leaf" nil (list "l") 5 $ecca (genPrivateKey "ecdsa") }}
{{- $edcert := genSelfSignedCertWithKey "ed" (list "1.2.3.4") nil 10 $ed }}
{{- $custom := buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc) }}
ca: {{ $ca.Cert | b64enc }}
cakey: {{ $ca.Key | b64enc }}
leaf: {{ $leaf.Cert | b64enc }}
leafkey: {{ $leaf.Key | b64enc }}
self: {{ $self.Cert | b64enc }}
empty: {{ $empty.Cert | b64enc }}
eckey: {{ $ec | b64enc }}
edkey: {{ $ed | b64enc }}
ecca: {{ $ecca.Cert | b64enc }}
ecleaf: {{ $ecleaf.Cert | b64enc }}
edcert: {{ $edcert.Cert | b64enc }}
custom: {{ eq $custom.Cert $ca.Cert }} {{ typeOf $custom }} {{ kindOf $custom }}
"#;

fn helm() -> PathBuf {
    let helm = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/helm");
    assert!(
        helm.exists(),
        "the reference helm is missing at {}: run scripts/test (or scripts/get-reference-tools .tools) to install it",
        helm.display()
    );
    helm
}

fn helm_output() -> String {
    let dir = std::env::temp_dir().join(format!("capstan-crypto-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/t.yaml"), TEMPLATE).unwrap();
    let out = Command::new(helm())
        .arg("template")
        .arg("r")
        .arg(&dir)
        .output()
        .expect("run helm");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn our_output() -> String {
    let mut set = Templates::new("t");
    set.funcs(capstan_render::functions::helm_functions(
        capstan_render::engine::EngineOptions::default(),
    ));
    set.parse("t", TEMPLATE).unwrap();
    set.execute("t", &Value::Nil).unwrap()
}

fn fields(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn pem_der(b64: &str) -> (String, Vec<u8>) {
    use base64::Engine as _;
    let e = base64::engine::general_purpose::STANDARD;
    let text = String::from_utf8(e.decode(b64).unwrap()).unwrap();
    let mut lines = text.lines();
    let label = lines.next().unwrap().to_string();
    let body: String = lines.take_while(|l| !l.starts_with("-----END")).collect();
    for l in text.lines().skip(1) {
        if !l.starts_with("-----") {
            assert!(l.len() <= 64, "PEM lines of at most 64 characters");
        }
    }
    (label, e.decode(body).unwrap())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Everything about a certificate that is not random.
fn cert_shape(b64: &str) -> Vec<String> {
    let (label, der) = pem_der(b64);
    let c = x509_cert::Certificate::from_der(&der).expect("x509-cert parses it");
    let t = c.tbs_certificate();
    let v = t.validity();
    let span = v.not_after.to_unix_duration().as_secs() as i64
        - v.not_before.to_unix_duration().as_secs() as i64;
    let time_tags = format!(
        "{:?}/{:?}",
        std::mem::discriminant(&v.not_before),
        std::mem::discriminant(&v.not_after)
    );
    let spki = t.subject_public_key_info();
    let mut shape = vec![
        label,
        format!("version {:?}", t.version()),
        format!(
            "serial <= 17 bytes: {}",
            t.serial_number().as_bytes().len() <= 17
        ),
        format!("sig {}", hex(&t.signature().to_der().unwrap())),
        format!(
            "outer sig {}",
            hex(&c.signature_algorithm().to_der().unwrap())
        ),
        format!("issuer {}", hex(&t.issuer().to_der().unwrap())),
        format!("subject {}", hex(&t.subject().to_der().unwrap())),
        format!("validity {span} s, {time_tags}"),
        format!("spki alg {}", hex(&spki.algorithm.to_der().unwrap())),
        format!(
            "spki key {} bytes",
            spki.subject_public_key.raw_bytes().len()
        ),
    ];
    for e in t.extensions().into_iter().flatten() {
        let id = e.extn_id.to_string();
        let value = e.extn_value.as_bytes();
        let shown = if id == "2.5.29.14" || id == "2.5.29.35" {
            format!("{} bytes", value.len())
        } else {
            hex(value)
        };
        shape.push(format!("ext {id} critical={} {shown}", e.critical));
    }
    shape
}

/// A key's PEM type and, for the fixed-size kinds, its DER length.
fn key_shape(b64: &str) -> String {
    let (label, der) = pem_der(b64);
    if label.contains("RSA") {
        label
    } else {
        format!("{label} {} bytes", der.len())
    }
}

#[test]
fn certificates_and_keys_have_the_same_shape_as_helms() {
    let theirs = fields(&helm_output());
    let ours = fields(&our_output());
    assert_eq!(
        theirs.keys().collect::<Vec<_>>(),
        ours.keys().collect::<Vec<_>>()
    );
    for name in ["ca", "leaf", "self", "empty", "ecca", "ecleaf", "edcert"] {
        assert_eq!(
            cert_shape(&ours[name]),
            cert_shape(&theirs[name]),
            "certificate {name}"
        );
    }
    for name in ["cakey", "leafkey", "eckey", "edkey"] {
        assert_eq!(
            key_shape(&ours[name]),
            key_shape(&theirs[name]),
            "key {name}"
        );
    }
    assert_eq!(ours["custom"], theirs["custom"]);
    assert_eq!(ours["custom"], "true sprig.certificate struct");
}
