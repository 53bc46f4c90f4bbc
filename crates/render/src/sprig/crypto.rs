//! Sprig's crypto family: password hashing (`bcrypt`, `htpasswd`: cost 10, `$2a$` prefix, as
//! Go's golang.org/x/crypto/bcrypt writes; salts from the seedable generator), AES
//! (`encryptAES`/`decryptAES`), `derivePassword`, private keys (`genPrivateKey`) and
//! certificates (`genCA`, `genSelfSignedCert`, `genSignedCert`, their `...WithKey` forms and
//! `buildCustomCert`). The submodules hold the DER/PEM encoding, keys and X.509 layout.

mod cert;
mod der;
mod keys;
mod password;

#[cfg(test)]
mod cert_tests;

use super::uuid_rand::random_bytes;
use super::{arg_str, f, SprigFunc};
use capstan_gotmpl::Value;

fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&random_bytes(16));
    // Go's bcrypt rejects passwords over 72 bytes; Sprig then prints the error text.
    if password.len() > 72 {
        return Err("bcrypt: password length exceeds 72 bytes".into());
    }
    bcrypt::hash_with_salt(password, 10, salt)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| e.to_string())
}

fn bcrypt_fn(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(hash(arg_str(a, 0)).unwrap_or_else(|e| e)))
}

fn htpasswd(a: &[Value]) -> Result<Value, String> {
    let user = arg_str(a, 0);
    if user.contains(':') {
        return Ok(Value::from(format!("invalid username: {user}")));
    }
    let h = hash(arg_str(a, 1)).unwrap_or_else(|e| e);
    Ok(Value::from(format!("{user}:{h}")))
}

/// The crypto functions.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("bcrypt", "func(string) string", bcrypt_fn),
        f("htpasswd", "func(string, string) string", htpasswd),
        // Go's parameter is uint32; the adapter knows uint64, and the body wraps like a
        // conversion would not (values above 2^32 are out of any chart's use).
        f(
            "derivePassword",
            "func(uint64, string, string, string, string) string",
            derive_password,
        ),
        f("genPrivateKey", "func(string) string", gen_private_key),
        f(
            "buildCustomCert",
            "func(string, string) (sprig.certificate, error)",
            build_custom_cert,
        ),
        f(
            "genCA",
            "func(string, int) (sprig.certificate, error)",
            gen_ca,
        ),
        f(
            "genCAWithKey",
            "func(string, int, string) (sprig.certificate, error)",
            gen_ca_with_key,
        ),
        f(
            "genSelfSignedCert",
            "func(string, []interface {}, []interface {}, int) (sprig.certificate, error)",
            gen_self_signed,
        ),
        f(
            "genSelfSignedCertWithKey",
            "func(string, []interface {}, []interface {}, int, string) (sprig.certificate, error)",
            gen_self_signed_with_key,
        ),
        // The CA parameter is Go's sprig.certificate: the engine refuses other values before
        // the call (the body still checks, for direct callers).
        f(
            "genSignedCert",
            "func(string, []interface {}, []interface {}, int, sprig.certificate) (sprig.certificate, error)",
            gen_signed,
        ),
        f(
            "genSignedCertWithKey",
            "func(string, []interface {}, []interface {}, int, sprig.certificate, string) (sprig.certificate, error)",
            gen_signed_with_key,
        ),
    ]
}

fn derive_password(a: &[Value]) -> Result<Value, String> {
    let counter = match a.first() {
        Some(Value::Uint64(n)) => *n as u32,
        _ => super::arg_int(a, 0) as u32,
    };
    Ok(Value::from(password::derive(
        counter,
        arg_str(a, 1),
        arg_str(a, 2),
        arg_str(a, 3),
        arg_str(a, 4),
    )))
}

fn gen_private_key(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        keys::PrivateKey::generate(arg_str(a, 0)).map_or_else(|e| e, |k| k.to_pem()),
    ))
}

fn build_custom_cert(a: &[Value]) -> Result<Value, String> {
    let decode = |s: &str| super::encoding::go_b64_decode(s.as_bytes()).ok();
    let cert = decode(arg_str(a, 0)).ok_or("unable to decode base64 certificate")?;
    let key = decode(arg_str(a, 1)).ok_or("unable to decode base64 private key")?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let block = der::pem_decode(&cert).ok_or("unable to decode certificate")?;
    cert::parse_certificate(&block.der)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    keys::parse_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(cert::Certificate { cert, key }.into_value())
}

/// The certificate template from `cn`, optional IP and DNS lists, and days.
fn template(
    a: &[Value],
    lists: bool,
    days_at: usize,
    is_ca: bool,
) -> Result<cert::Template, String> {
    let (ips, dns) = if lists {
        (
            cert::net_ips(&super::arg(a, 1))?,
            cert::dns_names(&super::arg(a, 2))?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(cert::Template {
        cn: arg_str(a, 0).to_string(),
        ips,
        dns,
        days: super::arg_int(a, days_at),
        is_ca,
    })
}

fn new_rsa_2048() -> Result<keys::PrivateKey, String> {
    keys::PrivateKey::rsa(2048).map_err(|e| format!("error generating rsa key: {e}"))
}

fn parse_key_arg(a: &[Value], i: usize) -> Result<keys::PrivateKey, String> {
    keys::parse_pem(arg_str(a, i)).map_err(|e| format!("parsing private key: {e}"))
}

fn self_signed(t: &cert::Template, key: &keys::PrivateKey) -> Result<Value, String> {
    cert::cert_and_key(t, key, None, key).map(cert::Certificate::into_value)
}

fn gen_ca(a: &[Value]) -> Result<Value, String> {
    self_signed(&template(a, false, 1, true)?, &new_rsa_2048()?)
}

fn gen_ca_with_key(a: &[Value]) -> Result<Value, String> {
    let key = parse_key_arg(a, 2)?;
    self_signed(&template(a, false, 1, true)?, &key)
}

fn gen_self_signed(a: &[Value]) -> Result<Value, String> {
    let key = new_rsa_2048()?;
    self_signed(&template(a, true, 3, false)?, &key)
}

fn gen_self_signed_with_key(a: &[Value]) -> Result<Value, String> {
    let key = parse_key_arg(a, 4)?;
    self_signed(&template(a, true, 3, false)?, &key)
}

/// Sprig's `generateSignedCertificateWithKeyInternal`.
fn signed(a: &[Value], key: &keys::PrivateKey) -> Result<Value, String> {
    let ca = cert::Certificate::from_value(&super::arg(a, 4))?;
    let block = der::pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let parent = cert::parse_certificate(&block.der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer = keys::parse_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let t = template(a, true, 3, false)?;
    cert::cert_and_key(&t, key, Some(&parent), &signer).map(cert::Certificate::into_value)
}

fn gen_signed(a: &[Value]) -> Result<Value, String> {
    // Go converts the CA argument before the body runs, so a bad one fails before any key
    // is generated.
    cert::Certificate::from_value(&super::arg(a, 4))?;
    signed(a, &new_rsa_2048()?)
}

fn gen_signed_with_key(a: &[Value]) -> Result<Value, String> {
    cert::Certificate::from_value(&super::arg(a, 4))?;
    let key = parse_key_arg(a, 5)?;
    signed(a, &key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_have_go_shape() {
        let Value::String(h) = bcrypt_fn(&[Value::from("p")]).unwrap() else {
            panic!("bcrypt returns a string");
        };
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(bcrypt::verify("p", &h).unwrap());
        // A hash made by helm 4.3.1 for "p" verifies with our implementation too.
        assert!(bcrypt::verify(
            "p",
            "$2a$10$X.SZgxOKfEqDf0mb714vv.PD2Db28LVJIr4wd9JWZZw7gBdtBIJiG"
        )
        .unwrap());
        let Value::String(line) = htpasswd(&[Value::from("u"), Value::from("p")]).unwrap() else {
            panic!("htpasswd returns a string");
        };
        assert!(line.starts_with("u:$2a$10$"));
        assert_eq!(
            htpasswd(&[Value::from("u:x"), Value::from("p")])
                .unwrap()
                .as_str(),
            Some("invalid username: u:x")
        );
    }
}

/// Sprig's AES key: the password's bytes in a zeroed 32-byte buffer (AES-256).
fn aes_cipher(password: &str) -> Result<aes::Aes256, String> {
    use aes::cipher::KeyInit;
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    aes::Aes256::new_from_slice(&key).map_err(|e| e.to_string())
}

fn encrypt_aes(a: &[Value]) -> Result<Value, String> {
    use aes::cipher::BlockCipherEncrypt;
    let cipher = aes_cipher(arg_str(a, 0))?;
    let mut content = arg_str(a, 1).as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut prev = [0u8; 16];
    prev.copy_from_slice(&random_bytes(16));
    let mut out = prev.to_vec();
    for chunk in content.chunks(16) {
        let mut block = aes::Block::default();
        for i in 0..16 {
            block[i] = chunk[i] ^ prev[i];
        }
        cipher.encrypt_block(&mut block);
        prev.copy_from_slice(&block);
        out.extend_from_slice(&block);
    }
    use base64::Engine as _;
    Ok(Value::from(
        base64::engine::general_purpose::STANDARD.encode(out),
    ))
}

fn decrypt_aes(a: &[Value]) -> Result<Value, String> {
    use aes::cipher::BlockCipherDecrypt;
    let data = super::encoding::go_b64_decode(arg_str(a, 1).as_bytes())
        .map_err(|at| format!("illegal base64 data at input byte {at}"))?;
    let cipher = aes_cipher(arg_str(a, 0))?;
    if data.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            data.len()
        ));
    }
    let (iv, body) = data.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut prev: Vec<u8> = iv.to_vec();
    let mut plain = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let mut block = aes::Block::default();
        block.copy_from_slice(chunk);
        cipher.decrypt_block(&mut block);
        plain.extend(block.iter().zip(&prev).map(|(b, p)| b ^ p));
        prev = chunk.to_vec();
    }
    let Some(&last) = plain.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let keep = plain.len().checked_sub(usize::from(last)).ok_or_else(|| {
        format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - i64::from(last)
        )
    })?;
    Ok(Value::from(
        String::from_utf8_lossy(&plain[..keep]).into_owned(),
    ))
}

/// AES functions.
pub(crate) fn aes_functions() -> Vec<SprigFunc> {
    vec![
        f(
            "encryptAES",
            "func(string, string) (string, error)",
            encrypt_aes,
        ),
        f(
            "decryptAES",
            "func(string, string) (string, error)",
            decrypt_aes,
        ),
    ]
}

#[cfg(test)]
mod aes_tests {
    use super::*;

    #[test]
    fn aes_round_trips_and_decrypts_helm_output() {
        let Value::String(c) =
            encrypt_aes(&[Value::from("key"), Value::from("secret text")]).unwrap()
        else {
            panic!("string");
        };
        let back = decrypt_aes(&[Value::from("key"), Value::from(c.as_ref())]).unwrap();
        assert_eq!(back.as_str(), Some("secret text"));
        // Ciphertext made by helm 4.3.1's `encryptAES "key" "secret text"`.
        let helm = "uVV//3C7gkBY2T+qp1jeZFLHHk8Uc1oR7cXeeR97h14=";
        let plain = decrypt_aes(&[Value::from("key"), Value::from(helm)]).unwrap();
        assert_eq!(plain.as_str(), Some("secret text"));
        // Go's panics, as helm 4.3.1 reports them.
        assert_eq!(
            decrypt_aes(&[Value::from("key"), Value::from("AAAA")]).unwrap_err(),
            "runtime error: slice bounds out of range [:16] with capacity 3"
        );
        let zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert_eq!(
            decrypt_aes(&[Value::from("key"), Value::from(zeros)]).unwrap_err(),
            "runtime error: slice bounds out of range [:-41]"
        );
    }
}
