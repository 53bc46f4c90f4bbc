//! Random functions: `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii`, `randInt`,
//! `randBytes`, `shuffle`, `uuidv4`.
//!
//! Randomness goes through a per-thread generator that tests can seed with [`set_rng_seed`];
//! unseeded, it starts from the OS-seeded hasher keys of the standard library. Sprig uses
//! crypto/rand for the strings; charts cannot observe the difference, and release manifests
//! are never expected to be reproducible across renders with these functions.

use super::{arg_int, arg_str, f, SprigFunc};
use base64::Engine as _;
use capstan_gotmpl::Value;
use std::cell::Cell;
use std::hash::{BuildHasher, Hasher};

thread_local! {
    static STATE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Seeds this thread's generator (`Some`) or returns it to OS-seeded randomness (`None`).
pub fn set_rng_seed(seed: Option<u64>) {
    STATE.with(|s| s.set(seed));
}

/// The next 64 random bits (SplitMix64).
fn next_u64() -> u64 {
    STATE.with(|s| {
        let mut x = s.get().unwrap_or_else(|| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(0x5eed);
            h.finish()
        });
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(Some(x));
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// A uniform number in `0..n` (`n > 0`), without modulo bias.
fn below(n: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let r = next_u64();
        if r < zone {
            return r % n;
        }
    }
}

/// Longest random string we produce; Go would try to allocate anything.
const MAX_LEN: i64 = 1 << 20;

fn random_from(count: i64, alphabet: &[u8]) -> Value {
    if count <= 0 {
        return Value::from("");
    }
    let n = count.min(MAX_LEN) as usize;
    let s: String = (0..n)
        .map(|_| alphabet[below(alphabet.len() as u64) as usize] as char)
        .collect();
    Value::from(s)
}

/// `n` random bytes from this thread's generator.
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|_| next_u64() as u8).collect()
}

const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DIGITS: &[u8] = b"0123456789";

fn rand_alpha_num(a: &[Value]) -> Result<Value, String> {
    Ok(random_from(arg_int(a, 0), ALNUM))
}

fn rand_alpha(a: &[Value]) -> Result<Value, String> {
    Ok(random_from(arg_int(a, 0), ALPHA))
}

fn rand_numeric(a: &[Value]) -> Result<Value, String> {
    Ok(random_from(arg_int(a, 0), DIGITS))
}

fn rand_ascii(a: &[Value]) -> Result<Value, String> {
    let printable: Vec<u8> = (32u8..127).collect();
    Ok(random_from(arg_int(a, 0), &printable))
}

fn rand_int(a: &[Value]) -> Result<Value, String> {
    let (min, max) = (arg_int(a, 0), arg_int(a, 1));
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err("invalid argument to Intn".into());
    }
    Ok(Value::Int(min + below(span as u64) as i64))
}

fn rand_bytes(a: &[Value]) -> Result<Value, String> {
    let n = arg_int(a, 0);
    if n < 0 {
        // Go's runtime panic text names no length.
        return Err("runtime error: makeslice: len out of range".into());
    }
    let bytes: Vec<u8> = (0..n.min(MAX_LEN)).map(|_| next_u64() as u8).collect();
    Ok(Value::from(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

fn shuffle(a: &[Value]) -> Result<Value, String> {
    let mut chars: Vec<char> = arg_str(a, 0).chars().collect();
    for i in (1..chars.len()).rev() {
        let j = below(i as u64 + 1) as usize;
        chars.swap(i, j);
    }
    Ok(Value::from(chars.into_iter().collect::<String>()))
}

fn uuidv4(_: &[Value]) -> Result<Value, String> {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&next_u64().to_le_bytes());
    b[8..].copy_from_slice(&next_u64().to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(Value::from(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

/// The random family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("randAlphaNum", "func(int) string", rand_alpha_num),
        f("randAlpha", "func(int) string", rand_alpha),
        f("randNumeric", "func(int) string", rand_numeric),
        f("randAscii", "func(int) string", rand_ascii),
        f("randInt", "func(int, int) int", rand_int),
        f("randBytes", "func(int) (string, error)", rand_bytes),
        f("shuffle", "func(string) string", shuffle),
        f("uuidv4", "func() string", uuidv4),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: Value) -> String {
        v.as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn shapes_and_seeding() {
        set_rng_seed(Some(7));
        let a = s(rand_alpha_num(&[Value::Int(32)]).unwrap());
        set_rng_seed(Some(7));
        assert_eq!(a, s(rand_alpha_num(&[Value::Int(32)]).unwrap()));
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(s(rand_numeric(&[Value::Int(9)]).unwrap())
            .bytes()
            .all(|b| b.is_ascii_digit()));
        assert!(s(rand_alpha(&[Value::Int(9)]).unwrap())
            .bytes()
            .all(|b| b.is_ascii_alphabetic()));
        assert!(s(rand_ascii(&[Value::Int(50)]).unwrap())
            .bytes()
            .all(|b| (32..127).contains(&b)));
        assert_eq!(s(rand_alpha(&[Value::Int(-1)]).unwrap()), "");
        let u = s(uuidv4(&[]).unwrap());
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        for _ in 0..100 {
            let Value::Int(n) = rand_int(&[Value::Int(-3), Value::Int(4)]).unwrap() else {
                panic!("randInt returns int");
            };
            assert!((-3..4).contains(&n));
        }
        assert!(rand_int(&[Value::Int(3), Value::Int(3)]).is_err());
        let mut shuffled: Vec<char> = s(shuffle(&[Value::from("héllo")]).unwrap())
            .chars()
            .collect();
        let mut original: Vec<char> = "héllo".chars().collect();
        shuffled.sort();
        original.sort();
        assert_eq!(shuffled, original);
        set_rng_seed(None);
    }
}
