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
