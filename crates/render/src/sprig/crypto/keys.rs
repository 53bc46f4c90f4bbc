//! Private keys as Sprig makes and reads them: generation (`genPrivateKey`'s RSA 4096, DSA
//! L2048N256, ECDSA P-256, Ed25519; the certificate functions' RSA 2048), PEM encoding in
//! the block types Sprig's `pemBlockForKey` picks, parsing in the formats its
//! `parsePrivateKeyPEM` accepts (with its error wording), public-key info and signatures in
//! the algorithms Go's crypto/x509 chooses for each key.
//!
//! Key material always comes from the operating system's generator, never from the
//! seedable generator the other random functions use: these keys end up in real clusters.

use super::der::{self, oid, tag, Reader};
use getrandom::SysRng;
use rand_core::UnwrapErr;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};

/// The operating system's generator, as the crypto crates want it.
pub(crate) fn os_rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

/// `n` bytes from the operating system's generator.
pub(crate) fn os_bytes(n: usize) -> Vec<u8> {
    use rand_core::Rng as _;
    let mut out = vec![0u8; n];
    os_rng().fill_bytes(&mut out);
    out
}

/// A DSA key in the form Sprig stores it: big-endian p, q, g, y, x.
pub(crate) struct DsaKey {
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    y: Vec<u8>,
    x: Vec<u8>,
}

/// A private key of one of the kinds Sprig handles.
pub(crate) enum PrivateKey {
    /// `*rsa.PrivateKey`
    Rsa(Box<rsa::PrivateKey>),
    /// `*ecdsa.PrivateKey` on P-256.
    P256(p256::SecretKey),
    /// `*ecdsa.PrivateKey` on P-384.
    P384(p384::SecretKey),
    /// `ed25519.PrivateKey`
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// `*dsa.PrivateKey` (Go's x509 can neither sign with it nor certify it).
    Dsa(DsaKey),
}

impl PrivateKey {
    /// A new RSA key of `bits` bits (exponent 65537, as Go's `rsa.GenerateKey`).
    pub fn rsa(bits: usize) -> Result<PrivateKey, String> {
        rsa::PrivateKey::new(&mut os_rng(), bits)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string())
    }

    /// `genPrivateKey`'s key of the named type; `Err` carries Sprig's returned text.
    pub fn generate(kind: &str) -> Result<PrivateKey, String> {
        match kind {
            "" | "rsa" => {
                PrivateKey::rsa(4096).map_err(|e| format!("failed to generate private key: {e}"))
            }
            "dsa" => {
                let mut rng = os_rng();
                let components = dsa::Components::try_generate_from_rng_with_key_size(
                    &mut rng,
                    dsa::KeySize::DSA_2048_256,
                )
                .map_err(|e| format!("failed to generate dsa params: {e}"))?;
                let key =
                    dsa::SigningKey::try_generate_from_rng_with_components(&mut rng, components)
                        .map_err(|e| format!("failed to generate private key: {e}"))?;
                let c = key.verifying_key().components();
                Ok(PrivateKey::Dsa(DsaKey {
                    p: c.p().to_be_bytes().into(),
                    q: c.q().to_be_bytes().into(),
                    g: c.g().to_be_bytes().into(),
                    y: key.verifying_key().y().to_be_bytes().into(),
                    x: key.x().to_be_bytes().into(),
                }))
            }
            "ecdsa" => {
                use p256::elliptic_curve::Generate as _;
                Ok(PrivateKey::P256(p256::SecretKey::generate_from_rng(
                    &mut os_rng(),
                )))
            }
            "ed25519" => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&os_bytes(32));
                Ok(PrivateKey::Ed25519(Box::new(
                    ed25519_dalek::SigningKey::from_bytes(&seed),
                )))
            }
            other => Err(format!("Unknown type {other}")),
        }
    }

    /// The PEM block Sprig writes for the key (`pemBlockForKey`).
    pub fn to_pem(&self) -> String {
        match self {
            PrivateKey::Rsa(k) => {
                let der = k
                    .to_pkcs1_der()
                    .map(|d| d.as_bytes().to_vec())
                    .unwrap_or_default();
                der::pem_encode("RSA PRIVATE KEY", &der)
            }
            PrivateKey::P256(k) => der::pem_encode(
                "EC PRIVATE KEY",
                &sec1_der(&k.to_bytes(), oid::P256, &p256_point(k)),
            ),
            PrivateKey::P384(k) => der::pem_encode(
                "EC PRIVATE KEY",
                &sec1_der(&k.to_bytes(), oid::P384, &p384_point(k)),
            ),
            PrivateKey::Ed25519(k) => {
                // PKCS #8 version 1 without the public key, as Go's MarshalPKCS8PrivateKey.
                let der = der::seq(&[
                    &der::small_int(0),
                    &der::algorithm(oid::ED25519, None),
                    &der::octets(&der::octets(k.as_bytes())),
                ]);
                der::pem_encode("PRIVATE KEY", &der)
            }
            PrivateKey::Dsa(k) => {
                let der = der::seq(&[
                    &der::small_int(0),
                    &der::uint(&k.p),
                    &der::uint(&k.q),
                    &der::uint(&k.g),
                    &der::uint(&k.y),
                    &der::uint(&k.x),
                ]);
                der::pem_encode("DSA PRIVATE KEY", &der)
            }
        }
    }

    /// The DER SubjectPublicKeyInfo and the bytes inside its BIT STRING (what the
    /// subject key identifier hashes), as Go's `marshalPublicKey`.
    pub fn public_key_info(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let (alg, key) = match self {
            PrivateKey::Rsa(k) => {
                let pkcs1 = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| e.to_string())?
                    .as_bytes()
                    .to_vec();
                (der::algorithm(oid::RSA_ENCRYPTION, Some(der::NULL)), pkcs1)
            }
            PrivateKey::P256(k) => (
                der::algorithm(oid::EC_PUBLIC_KEY, Some(&der::oid(oid::P256))),
                p256_point(k),
            ),
            PrivateKey::P384(k) => (
                der::algorithm(oid::EC_PUBLIC_KEY, Some(&der::oid(oid::P384))),
                p384_point(k),
            ),
            PrivateKey::Ed25519(k) => (
                der::algorithm(oid::ED25519, None),
                k.verifying_key().as_bytes().to_vec(),
            ),
            PrivateKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".into())
            }
        };
        Ok((der::seq(&[&alg, &der::bits(&key)]), key))
    }

    /// The signature AlgorithmIdentifier Go's x509 uses for certificates this key signs.
    pub fn signature_algorithm(&self) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(_) => der::algorithm(oid::SHA256_WITH_RSA, Some(der::NULL)),
            PrivateKey::P256(_) => der::algorithm(oid::ECDSA_SHA256, None),
            PrivateKey::P384(_) => der::algorithm(oid::ECDSA_SHA384, None),
            PrivateKey::Ed25519(_) => der::algorithm(oid::ED25519, None),
            PrivateKey::Dsa(_) => {
                return Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        })
    }

    /// Signs `message` with that algorithm; the signature bytes as the certificate holds them.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        use signature::Signer as _;
        match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(k.as_ref().clone());
                let sig: rsa::pkcs1v15::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                Ok(Box::<[u8]>::from(sig).into_vec())
            }
            PrivateKey::P256(k) => {
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                let (r, s) = sig.split_bytes();
                Ok(der::seq(&[&der::uint(&r), &der::uint(&s)]))
            }
            PrivateKey::P384(k) => {
                let signer = p384::ecdsa::SigningKey::from(k);
                let sig: p384::ecdsa::Signature =
                    signer.try_sign(message).map_err(|e| e.to_string())?;
                let (r, s) = sig.split_bytes();
                Ok(der::seq(&[&der::uint(&r), &der::uint(&s)]))
            }
            PrivateKey::Ed25519(k) => Ok(k.sign(message).to_bytes().to_vec()),
            PrivateKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }
}

fn p256_point(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToSec1Point as _;
    k.public_key().to_sec1_point(false).as_bytes().to_vec()
}

fn p384_point(k: &p384::SecretKey) -> Vec<u8> {
    use p384::elliptic_curve::sec1::ToSec1Point as _;
    k.public_key().to_sec1_point(false).as_bytes().to_vec()
}

/// SEC 1 ECPrivateKey with the curve and the public key, as Go's MarshalECPrivateKey.
fn sec1_der(scalar: &[u8], curve: &[u8], point: &[u8]) -> Vec<u8> {
    der::seq(&[
        &der::small_int(1),
        &der::octets(scalar),
        &der::cons(0xa0, &[&der::oid(curve)]),
        &der::cons(0xa1, &[&der::bits(point)]),
    ])
}

/// Sprig's `parsePrivateKeyPEM`: the key in the first PEM block of `text`; `Err` carries
/// its error text.
pub(crate) fn parse_pem(text: &str) -> Result<PrivateKey, String> {
    let Some(block) = der::pem_decode(text) else {
        return Err("no PEM data in input".into());
    };
    if block.label == "PRIVATE KEY" {
        return parse_pkcs8(&block.der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = block.label.strip_suffix(" PRIVATE KEY") else {
        return Err(format!(
            "no private key data in PEM block of type {}",
            block.label
        ));
    };
    match kind {
        "RSA" => {
            parse_pkcs1(&block.der).map_err(|e| format!("parsing RSA private key from PEM: {e}"))
        }
        "EC" => parse_sec1(&block.der, None)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => {
            parse_dsa(&block.der).map_err(|e| format!("parsing DSA private key from PEM: {e}"))
        }
        _ => Err(format!("invalid private key type {}", block.label)),
    }
}

fn parse_pkcs1(data: &[u8]) -> Result<PrivateKey, String> {
    rsa::PrivateKey::from_pkcs1_der(data)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|_| {
            if parse_pkcs8(data).is_ok() {
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)".to_string()
            } else if parse_sec1(data, None).is_ok() {
                "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)".to_string()
            } else {
                "x509: failed to parse private key".to_string()
            }
        })
}

/// SEC 1 ECPrivateKey; `curve` is the curve named outside the structure (PKCS #8), if any.
fn parse_sec1(data: &[u8], curve: Option<&[u8]>) -> Result<PrivateKey, String> {
    const MALFORMED: &str = "x509: failed to parse EC private key";
    let body = der::single(data, tag::SEQUENCE).ok_or(MALFORMED)?;
    let mut r = Reader::new(body);
    let version = r.expect(tag::INTEGER).ok_or(MALFORMED)?;
    if version.content != [1] {
        return Err(format!(
            "x509: unknown EC private key version {}",
            version.content.first().copied().unwrap_or(0)
        ));
    }
    let scalar = r.expect(tag::OCTET_STRING).ok_or(MALFORMED)?.content;
    let mut named = curve;
    if let Some(params) = r.expect(0xa0) {
        named = named.or_else(|| der::single(params.content, tag::OID));
    }
    match named {
        Some(c) if c == oid::P256 => p256::SecretKey::from_slice(scalar)
            .map(PrivateKey::P256)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        Some(c) if c == oid::P384 => p384::SecretKey::from_slice(scalar)
            .map(PrivateKey::P384)
            .map_err(|_| "x509: invalid elliptic curve private key value".to_string()),
        Some(c) if c == oid::P224 || c == oid::P521 => Err(format!(
            "x509: elliptic curve {} is not supported by capstan",
            oid::dotted(c)
        )),
        _ => Err("x509: unknown elliptic curve".into()),
    }
}

fn parse_pkcs8(data: &[u8]) -> Result<PrivateKey, String> {
    const MALFORMED: &str = "x509: failed to parse private key";
    let body = der::single(data, tag::SEQUENCE).ok_or(MALFORMED)?;
    let mut r = Reader::new(body);
    r.expect(tag::INTEGER).ok_or(MALFORMED)?;
    let alg = r.expect(tag::SEQUENCE).ok_or(MALFORMED)?;
    let key = r.expect(tag::OCTET_STRING).ok_or(MALFORMED)?.content;
    let mut a = Reader::new(alg.content);
    let id = a.expect(tag::OID).ok_or(MALFORMED)?.content;
    if id == oid::RSA_ENCRYPTION {
        return rsa::PrivateKey::from_pkcs1_der(key)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}"));
    }
    if id == oid::EC_PUBLIC_KEY {
        let curve = a.expect(tag::OID).map(|e| e.content);
        return parse_sec1(key, curve)
            .map_err(|e| format!("x509: failed to parse EC private key embedded in PKCS#8: {e}"));
    }
    if id == oid::ED25519 {
        let seed = der::single(key, tag::OCTET_STRING)
            .filter(|s| s.len() == 32)
            .ok_or_else(|| "x509: invalid Ed25519 private key parameters".to_string())?;
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(seed);
        return Ok(PrivateKey::Ed25519(Box::new(
            ed25519_dalek::SigningKey::from_bytes(&bytes),
        )));
    }
    Err(format!(
        "x509: PKCS#8 wrapping contained private key with unknown algorithm: {}",
        oid::dotted(id)
    ))
}

fn parse_dsa(data: &[u8]) -> Result<PrivateKey, String> {
    let body = der::single(data, tag::SEQUENCE).ok_or("asn1: structure error: tags don't match")?;
    let mut r = Reader::new(body);
    let mut ints = Vec::new();
    for _ in 0..6 {
        let e = r
            .expect(tag::INTEGER)
            .ok_or("asn1: syntax error: sequence truncated")?;
        ints.push(e.content.to_vec());
    }
    let mut it = ints.into_iter().skip(1);
    let mut take = || it.next().unwrap_or_default();
    Ok(PrivateKey::Dsa(DsaKey {
        p: take(),
        q: take(),
        g: take(),
        y: take(),
        x: take(),
    }))
}

/// The RSA modulus size in bits.
#[cfg(test)]
pub(crate) fn rsa_bits(key: &PrivateKey) -> Option<usize> {
    match key {
        PrivateKey::Rsa(k) => {
            use rsa::traits::PublicKeyParts as _;
            Some(k.n().bit_width() as usize)
        }
        _ => None,
    }
}
