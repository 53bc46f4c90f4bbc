//! Password hashing: `bcrypt` and `htpasswd` (cost 10, `$2a$` prefix, as Go's
//! golang.org/x/crypto/bcrypt writes). Salts come from the seedable generator.

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

/// The crypto functions implemented so far.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("bcrypt", "func(string) string", bcrypt_fn),
        f("htpasswd", "func(string, string) string", htpasswd),
    ]
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
