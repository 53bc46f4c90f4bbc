//! Encodings and hashes: `b64enc`/`b64dec`, `b32enc`/`b32dec`, `sha1sum`, `sha256sum`,
//! `sha512sum`, `adler32sum`. Sprig's decoders return Go's error text as the result string
//! instead of failing, so the error wording here is what the chart outputs.

use super::{arg_str, f, SprigFunc};
use base64::Engine as _;
use capstan_gotmpl::Value;
use sha1::Digest as _;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn b64enc(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        base64::engine::general_purpose::STANDARD.encode(arg_str(a, 0)),
    ))
}

fn b64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

fn is_nl(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// Go's `base64.StdEncoding.DecodeString`, quantum by quantum, so corrupt input reports the
/// same byte offset (`CorruptInputError`) Go does.
pub(crate) fn go_b64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::new();
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if is_nl(c) {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && is_nl(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            break;
        }
        let val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen.saturating_sub(1)]);
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

fn b64dec(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(match go_b64_decode(arg_str(a, 0).as_bytes()) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(at) => format!("illegal base64 data at input byte {at}"),
    }))
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32enc(a: &[Value]) -> Result<Value, String> {
    let data = arg_str(a, 0).as_bytes();
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Ok(Value::from(out))
}

/// Go's base32 StdEncoding decoding (newlines ignored; padding required).
fn go_b32_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let clean: Vec<(usize, u8)> = src
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| !is_nl(*c))
        .collect();
    let mut out = Vec::new();
    for (qi, quantum) in clean.chunks(8).enumerate() {
        if quantum.len() < 8 {
            return Err(src.len() - quantum.len().min(src.len()));
        }
        let mut n: u64 = 0;
        let mut dlen = 8;
        for (j, (pos, c)) in quantum.iter().enumerate() {
            if *c == b'=' {
                if j < 2 || quantum[j..].iter().any(|(_, d)| *d != b'=') {
                    return Err(*pos);
                }
                if (qi + 1) * 8 < clean.len() {
                    return Err(clean[(qi + 1) * 8].0);
                }
                dlen = j;
                break;
            }
            let Some(v) = B32.iter().position(|b| b == c) else {
                return Err(*pos);
            };
            n |= (v as u64) << (35 - 5 * j);
        }
        let nbytes = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => return Err(quantum[dlen].0),
        };
        for i in 0..nbytes {
            out.push((n >> (32 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

fn b32dec(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(match go_b32_decode(arg_str(a, 0).as_bytes()) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(at) => format!("illegal base32 data at input byte {at}"),
    }))
}

fn sha1sum(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(hex(&sha1::Sha1::digest(
        arg_str(a, 0).as_bytes(),
    ))))
}

fn sha256sum(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(hex(&sha2::Sha256::digest(
        arg_str(a, 0).as_bytes(),
    ))))
}

fn sha512sum(a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(hex(&sha2::Sha512::digest(
        arg_str(a, 0).as_bytes(),
    ))))
}

fn adler32sum(a: &[Value]) -> Result<Value, String> {
    let (mut s1, mut s2) = (1u32, 0u32);
    for b in arg_str(a, 0).bytes() {
        s1 = (s1 + u32::from(b)) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    Ok(Value::from((s2 << 16 | s1).to_string()))
}

/// The encoding and hashing family.
pub(crate) fn functions() -> Vec<SprigFunc> {
    vec![
        f("b64enc", "func(string) string", b64enc),
        f("b64dec", "func(string) string", b64dec),
        f("b32enc", "func(string) string", b32enc),
        f("b32dec", "func(string) string", b32dec),
        f("sha1sum", "func(string) string", sha1sum),
        f("sha256sum", "func(string) string", sha256sum),
        f("sha512sum", "func(string) string", sha512sum),
        f("adler32sum", "func(string) string", adler32sum),
    ]
}
