//! Certificate, key and password functions: structure read back with an independent X.509
//! parser (`x509-cert`), signatures verified, Sprig's error texts, and `derivePassword`
//! against outputs recorded from helm 4.3.1.

use super::*;
use sha2::Digest as _;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::Certificate as X509;

fn cert_of(v: &Value) -> cert::Certificate {
    cert::Certificate::from_value(v).expect("a sprig.certificate")
}

fn x509(pem: &str) -> X509 {
    let block = der::pem_decode(pem).expect("PEM");
    assert_eq!(block.label, "CERTIFICATE");
    X509::from_der(&block.der).expect("x509-cert parses our certificate")
}

/// (OID, critical, DER value) of each extension, in order.
fn extensions(c: &X509) -> Vec<(String, bool, Vec<u8>)> {
    c.tbs_certificate()
        .extensions()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e.extn_id.to_string(),
                e.critical,
                e.extn_value.as_bytes().to_vec(),
            )
        })
        .collect()
}

fn tbs_der(c: &X509) -> Vec<u8> {
    c.tbs_certificate().to_der().unwrap()
}

fn verify_rsa(signer_pem_key: &str, c: &X509) {
    use rsa::pkcs1v15::VerifyingKey;
    use signature::Verifier as _;
    let keys::PrivateKey::Rsa(k) = keys::parse_pem(signer_pem_key).unwrap() else {
        panic!("RSA key expected");
    };
    let vk = VerifyingKey::<sha2::Sha256>::new(k.to_public_key());
    let sig = rsa::pkcs1v15::Signature::try_from(c.signature().raw_bytes()).unwrap();
    vk.verify(&tbs_der(c), &sig).expect("signature verifies");
}

const KU: &str = "2.5.29.15";
const EKU: &str = "2.5.29.37";
const BC: &str = "2.5.29.19";
const SKI: &str = "2.5.29.14";
const AKI: &str = "2.5.29.35";
const SAN: &str = "2.5.29.17";

#[test]
fn ca_and_signed_certificate_have_gos_layout_and_verify() {
    let ca = cert_of(&gen_ca(&[Value::from("my-ca"), Value::Int(365)]).unwrap());
    assert!(ca.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert_eq!(
        keys::rsa_bits(&keys::parse_pem(&ca.key).unwrap()),
        Some(2048)
    );
    let c = x509(&ca.cert);
    let tbs = c.tbs_certificate();
    assert_eq!(tbs.version(), x509_cert::certificate::Version::V3);
    assert_eq!(tbs.subject().to_string(), "CN=my-ca");
    assert_eq!(tbs.issuer(), tbs.subject());
    assert_eq!(tbs.signature().oid.to_string(), "1.2.840.113549.1.1.11");
    let validity = tbs.validity();
    let span = validity.not_after.to_unix_duration() - validity.not_before.to_unix_duration();
    assert_eq!(span.as_secs(), 365 * 86400);
    let serial = tbs.serial_number().as_bytes();
    assert!(serial.len() <= 17 && serial[0] & 0x80 == 0);
    let exts = extensions(&c);
    let ids: Vec<&str> = exts.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(ids, [KU, EKU, BC, SKI]);
    assert_eq!(
        (exts[0].1, exts[0].2.as_slice()),
        (true, &[3, 2, 2, 0xa4][..])
    );
    assert_eq!(exts[2].2, [0x30, 3, 1, 1, 0xff]);
    // SKI: the first 20 bytes of SHA-256 over the public key bits (Go >= 1.25).
    let key_bits = tbs.subject_public_key_info().subject_public_key.raw_bytes();
    let want = sha2::Sha256::digest(key_bits);
    assert_eq!(&exts[3].2[2..], &want[..20]);
    verify_rsa(&ca.key, &c);

    let leaf = cert_of(
        &gen_signed(&[
            Value::from("leaf.example"),
            Value::list(vec![
                Value::from("10.0.0.1"),
                Value::from("::1"),
                Value::from("::ffff:1.2.3.4"),
            ]),
            Value::list(vec![Value::from("a.example"), Value::from("b.example")]),
            Value::Int(30),
            ca.clone().into_value(),
        ])
        .unwrap(),
    );
    let l = x509(&leaf.cert);
    assert_eq!(l.tbs_certificate().issuer().to_string(), "CN=my-ca");
    assert_eq!(l.tbs_certificate().subject().to_string(), "CN=leaf.example");
    let exts = extensions(&l);
    let ids: Vec<&str> = exts.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(ids, [KU, EKU, BC, AKI, SAN]);
    assert_eq!(exts[0].2, [3, 2, 5, 0xa0]);
    assert_eq!(exts[2].2, [0x30, 0]);
    assert_eq!(&exts[3].2[4..], &want[..20], "AKI is the CA's SKI");
    let mut san = vec![0x82, 9];
    san.extend_from_slice(b"a.example");
    san.extend_from_slice(&[0x82, 9]);
    san.extend_from_slice(b"b.example");
    san.extend_from_slice(&[0x87, 4, 10, 0, 0, 1, 0x87, 16]);
    san.extend_from_slice(&[0; 15]);
    san.push(1);
    san.extend_from_slice(&[0x87, 4, 1, 2, 3, 4]);
    assert_eq!(exts[4].2[2..], san[..]);
    assert!(!exts[4].1);
    verify_rsa(&ca.key, &l);
    assert!(leaf.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
}

#[test]
fn names_times_and_empty_subjects_follow_encoding_asn1() {
    let s = cert_of(
        &gen_self_signed(&[
            Value::from("self*&"),
            Value::Nil,
            Value::Nil,
            Value::Int(20000),
        ])
        .unwrap(),
    );
    let der = der::pem_decode(&s.cert).unwrap().der;
    // '*' and '&' make Go choose UTF8String; a validity past 2049 is a GeneralizedTime.
    assert!(der
        .windows(8)
        .any(|w| w == [0x0c, 6, b's', b'e', b'l', b'f', b'*', b'&']));
    assert!(der.contains(&der::tag::GENERALIZED_TIME));
    let ids: Vec<String> = extensions(&x509(&s.cert))
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        ids,
        [KU, EKU, BC],
        "no SAN for empty lists, no SKI for a non-CA"
    );

    let e = cert_of(
        &gen_self_signed(&[
            Value::from(""),
            Value::Nil,
            Value::list(vec![Value::from("x")]),
            Value::Int(1),
        ])
        .unwrap(),
    );
    let c = x509(&e.cert);
    assert_eq!(c.tbs_certificate().subject().to_der().unwrap(), [0x30, 0]);
    let san = extensions(&c).pop().unwrap();
    assert_eq!(
        (san.0.as_str(), san.1),
        (SAN, true),
        "SAN critical with an empty subject"
    );

    let err = gen_self_signed(&[
        Value::from("x"),
        Value::list(vec![Value::from("1.2.3")]),
        Value::Nil,
        Value::Int(1),
    ])
    .unwrap_err();
    assert_eq!(err, "error parsing ip: 1.2.3");
    let err = gen_self_signed(&[
        Value::from("x"),
        Value::list(vec![Value::Int(1)]),
        Value::Nil,
        Value::Int(1),
    ])
    .unwrap_err();
    assert_eq!(err, "error parsing ip: 1 is not a string");
    // Go's Duration arithmetic wraps: 200000 days end in 1989 (helm 4.3.1 agrees).
    let now: jiff::Timestamp = "2026-12-05T18:47:54Z".parse().unwrap();
    crate::sprig::set_clock(Some(now));
    let w = cert_of(
        &gen_self_signed(&[
            Value::from("x"),
            Value::Nil,
            Value::Nil,
            Value::Int(200_000),
        ])
        .unwrap(),
    );
    crate::sprig::set_clock(None);
    let v = *x509(&w.cert).tbs_certificate().validity();
    assert_eq!(
        v.not_before.to_unix_duration().as_secs(),
        now.as_second() as u64
    );
    let wrapped = 200_000i64
        .wrapping_mul(86_400_000_000_000)
        .div_euclid(1_000_000_000);
    assert_eq!(
        v.not_after.to_unix_duration().as_secs() as i64,
        now.as_second() + wrapped
    );
    assert!(v.not_after.to_string().starts_with("1989-12-15T"));
}

#[test]
fn other_key_types_sign_with_gos_algorithms() {
    let ec = gen_private_key(&[Value::from("ecdsa")]).unwrap();
    let ec = ec.as_str().unwrap().to_string();
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    let block = der::pem_decode(&ec).unwrap();
    let parsed = p256::SecretKey::from_sec1_der(&block.der).expect("independent SEC1 parse");
    let ca = cert_of(
        &gen_ca_with_key(&[Value::from("ec"), Value::Int(10), Value::from(ec.as_str())]).unwrap(),
    );
    assert_eq!(ca.key, ec, "the key comes back as given");
    let c = x509(&ca.cert);
    assert_eq!(
        c.signature_algorithm().oid.to_string(),
        "1.2.840.10045.4.3.2"
    );
    {
        use signature::Verifier as _;
        let vk = p256::ecdsa::VerifyingKey::from(parsed.public_key());
        let sig = p256::ecdsa::Signature::from_der(c.signature().raw_bytes()).unwrap();
        vk.verify(&tbs_der(&c), &sig)
            .expect("ECDSA signature verifies");
    }

    let ed = gen_private_key(&[Value::from("ed25519")]).unwrap();
    let ed = ed.as_str().unwrap().to_string();
    let block = der::pem_decode(&ed).unwrap();
    assert_eq!(block.label, "PRIVATE KEY");
    assert_eq!(
        &block.der[..16],
        &[0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 4, 0x22, 4, 0x20]
    );
    let s = cert_of(
        &gen_self_signed_with_key(&[
            Value::from("ed"),
            Value::list(vec![Value::from("1.2.3.4")]),
            Value::Nil,
            Value::Int(10),
            Value::from(ed.as_str()),
        ])
        .unwrap(),
    );
    let c = x509(&s.cert);
    assert_eq!(c.signature_algorithm().oid.to_string(), "1.3.101.112");
    {
        use signature::Verifier as _;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&block.der[16..]);
        let vk = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let sig = ed25519_dalek::Signature::from_slice(c.signature().raw_bytes()).unwrap();
        vk.verify(&tbs_der(&c), &sig)
            .expect("Ed25519 signature verifies");
    }

    // A leaf with its own ECDSA key under the ECDSA CA.
    let leaf_key = gen_private_key(&[Value::from("ecdsa")]).unwrap();
    let leaf = cert_of(
        &gen_signed_with_key(&[
            Value::from("leaf"),
            Value::Nil,
            Value::list(vec![Value::from("l")]),
            Value::Int(5),
            ca.clone().into_value(),
            leaf_key.clone(),
        ])
        .unwrap(),
    );
    assert_eq!(leaf.key.as_str(), leaf_key.as_str().unwrap());
    assert_eq!(
        x509(&leaf.cert).tbs_certificate().issuer().to_string(),
        "CN=ec"
    );

    assert_eq!(
        gen_private_key(&[Value::from("foo")]).unwrap().as_str(),
        Some("Unknown type foo")
    );
}

/// Keys made by helm 4.3.1 (`genPrivateKey "ecdsa"`, `"ed25519"`, `"dsa"`), parsed back.
const HELM_KEYS: &str = include_str!("../../../../../testdata/sprig/helm-4.3.1-keys.txt");

fn helm_key(name: &str) -> String {
    use base64::Engine as _;
    let line = HELM_KEYS
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("{name} in helm-4.3.1-keys.txt"));
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(line)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn keys_made_by_helm_parse_and_re_encode_identically() {
    for name in ["ec", "ed", "dsa"] {
        let pem = helm_key(name);
        let key = keys::parse_pem(&pem).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.to_pem(), pem, "{name} re-encodes byte for byte");
    }
    let dsa = helm_key("dsa");
    assert_eq!(
        gen_ca_with_key(&[Value::from("d"), Value::Int(1), Value::from(dsa.as_str())]).unwrap_err(),
        "error creating certificate: x509: certificate private key does not implement crypto.Signer"
    );
    let ca = gen_ca_with_key(&[
        Value::from("c"),
        Value::Int(1),
        Value::from(helm_key("ec").as_str()),
    ])
    .unwrap();
    assert_eq!(
        gen_signed_with_key(&[
            Value::from("d"),
            Value::Nil,
            Value::Nil,
            Value::Int(1),
            ca,
            Value::from(dsa.as_str()),
        ])
        .unwrap_err(),
        "error creating certificate: x509: unsupported public key type: *dsa.PublicKey"
    );
}

#[test]
fn key_and_certificate_input_errors_use_sprigs_wording() {
    let bad_key = |pem: &str| {
        gen_ca_with_key(&[Value::from("x"), Value::Int(1), Value::from(pem)]).unwrap_err()
    };
    assert_eq!(
        bad_key("nothing"),
        "parsing private key: no PEM data in input"
    );
    let cert = cert_of(
        &gen_ca_with_key(&[
            Value::from("x"),
            Value::Int(1),
            Value::from(helm_key("ec").as_str()),
        ])
        .unwrap(),
    );
    assert_eq!(
        bad_key(&cert.cert),
        "parsing private key: no private key data in PEM block of type CERTIFICATE"
    );
    assert_eq!(
        bad_key(&der::pem_encode("FOO PRIVATE KEY", b"x")),
        "parsing private key: invalid private key type FOO PRIVATE KEY"
    );
    assert!(bad_key(&der::pem_encode("RSA PRIVATE KEY", b"x"))
        .starts_with("parsing private key: parsing RSA private key from PEM: x509: failed to parse private key"));

    use base64::Engine as _;
    let b64 = |s: &str| Value::from(base64::engine::general_purpose::STANDARD.encode(s));
    let built = build_custom_cert(&[b64(&cert.cert), b64(&cert.key)]).unwrap();
    assert_eq!(cert_of(&built), cert);
    assert_eq!(
        build_custom_cert(&[Value::from("%"), b64(&cert.key)]).unwrap_err(),
        "unable to decode base64 certificate"
    );
    assert_eq!(
        build_custom_cert(&[b64("x"), b64(&cert.key)]).unwrap_err(),
        "unable to decode certificate"
    );
    assert_eq!(
        build_custom_cert(&[
            b64(&der::pem_encode("CERTIFICATE", &[0x30, 0])),
            b64(&cert.key)
        ])
        .unwrap_err(),
        "error parsing certificate: decodedCert.Bytes: x509: malformed tbs certificate"
    );
    assert_eq!(
        build_custom_cert(&[b64(&cert.cert), b64("junk")]).unwrap_err(),
        "error parsing private key: no PEM data in input"
    );
    // genSignedCert's CA must be a certificate, and one whose key matches.
    let args = |ca: Value| vec![Value::from("l"), Value::Nil, Value::Nil, Value::Int(1), ca];
    assert_eq!(
        gen_signed(&args(Value::map(Default::default()))).unwrap_err(),
        "wrong type for value; expected sprig.certificate; got map[string]interface {}"
    );
    let other = cert_of(
        &gen_ca_with_key(&[
            Value::from("y"),
            Value::Int(1),
            gen_private_key(&[Value::from("ecdsa")]).unwrap(),
        ])
        .unwrap(),
    );
    let mismatched = cert::Certificate {
        cert: cert.cert.clone(),
        key: other.key,
    };
    assert_eq!(
        gen_signed_with_key(&[
            Value::from("l"),
            Value::Nil,
            Value::Nil,
            Value::Int(1),
            mismatched.into_value(),
            Value::from(helm_key("ed").as_str()),
        ])
        .unwrap_err(),
        "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
    );
}

#[test]
fn certificate_object_prints_and_serialises_as_go() {
    let c = cert::Certificate {
        cert: "C".into(),
        key: "K".into(),
    }
    .into_value();
    assert_eq!(c.type_name(), "sprig.certificate");
    assert_eq!(
        capstan_gotmpl::fmt::sprintf("%v", std::slice::from_ref(&c)),
        "{C K}"
    );
    let Value::Object(o) = &c else { panic!() };
    assert_eq!(
        crate::json::to_json(&o.to_data()).unwrap(),
        r#"{"Cert":"C","Key":"K"}"#
    );
}

/// Outputs of helm 4.3.1 for the same calls (deterministic: scrypt + HMAC).
#[test]
fn derive_password_matches_helm() {
    let d = |c: u64, t: &str, p: &str, u: &str, s: &str| {
        derive_password(&[
            Value::Uint64(c),
            Value::from(t),
            Value::from(p),
            Value::from(u),
            Value::from(s),
        ])
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
    };
    let cases = [
        ("maximum", "pf4zS1LjCg&LjhsZ7T2~"),
        ("long", "ZedaFaxcZaso9*"),
        ("medium", "ZedJuz8$"),
        ("short", "Zed5"),
        ("basic", "pIS54PLs"),
        ("pin", "6685"),
        ("nope", "cannot find password template nope"),
    ];
    for (kind, want) in cases {
        assert_eq!(
            d(1, kind, "password", "user", "example.com"),
            want,
            "{kind}"
        );
    }
    assert_eq!(d(2, "long", "päss", "ünïcode", "site"), "Coru0:KuciKoya");
    assert_eq!(d(0, "long", "", "", ""), "Rozi8;WilbQoyu");
}
