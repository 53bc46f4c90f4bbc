//! The little DER (ASN.1 distinguished encoding) the certificate functions need: a writer
//! that lays out structures exactly as Go's encoding/asn1 does for crypto/x509, a reader for
//! certificates and keys handed in by templates, and PEM framing as Go's encoding/pem writes
//! it.
//!
//! We write the encoder ourselves rather than use a certificate builder so that the field and
//! extension order, string types and optional-field omission follow Go byte for byte.

use base64::Engine as _;

/// Universal tags used here.
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
}

/// Encoded object identifiers (content bytes only).
pub(crate) mod oid {
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    pub const P224: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x21];
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    pub const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    pub const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    pub const EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    pub const SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
    pub const AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
    pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    pub const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
    pub const CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

    /// Dotted form of an encoded identifier, for error messages.
    pub fn dotted(content: &[u8]) -> String {
        let mut arcs = Vec::new();
        let mut acc: u64 = 0;
        for b in content {
            acc = (acc << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                if arcs.is_empty() {
                    let first = (acc / 40).min(2);
                    arcs.push(first);
                    arcs.push(acc - first * 40);
                } else {
                    arcs.push(acc);
                }
                acc = 0;
            }
        }
        arcs.iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// One tag-length-value.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed value (SEQUENCE, SET, context tag) from already-encoded parts.
pub(crate) fn cons(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A SEQUENCE of already-encoded parts.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    cons(tag::SEQUENCE, parts)
}

/// A non-negative INTEGER from big-endian magnitude bytes (leading zeros are dropped, and a
/// zero byte is added when the high bit is set, as DER requires).
pub(crate) fn uint(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|b| **b == 0).count();
    let digits = &be[skip..];
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(digits);
    tlv(tag::INTEGER, &content)
}

/// A small INTEGER.
pub(crate) fn small_int(n: u8) -> Vec<u8> {
    uint(&[n])
}

/// An OBJECT IDENTIFIER from its encoded content.
pub(crate) fn oid(content: &[u8]) -> Vec<u8> {
    tlv(tag::OID, content)
}

/// A BIT STRING with no unused bits.
pub(crate) fn bits(content: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(content.len() + 1);
    c.push(0);
    c.extend_from_slice(content);
    tlv(tag::BIT_STRING, &c)
}

/// An OCTET STRING.
pub(crate) fn octets(content: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, content)
}

/// An AlgorithmIdentifier: the OID, then the parameters as given (`None` leaves them out).
pub(crate) fn algorithm(id: &[u8], params: Option<&[u8]>) -> Vec<u8> {
    match params {
        Some(p) => seq(&[&oid(id), p]),
        None => seq(&[&oid(id)]),
    }
}

/// The NULL value.
pub(crate) const NULL: &[u8] = &[tag::NULL, 0];

/// One parsed element: its tag, its content, and its whole encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Element<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads consecutive elements from a buffer.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { rest: data }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next tag, without consuming it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element. Only single-byte tags and definite lengths, as DER allows.
    pub fn next(&mut self) -> Option<Element<'a>> {
        let data = self.rest;
        let tag = *data.first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let first = *data.get(1)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for b in data.get(2..2 + n)? {
                len = (len << 8) | usize::from(*b);
            }
            (len, 2 + n)
        };
        let end = header.checked_add(len)?;
        let raw = data.get(..end)?;
        self.rest = &data[end..];
        Some(Element {
            tag,
            content: &raw[header..],
            raw,
        })
    }

    /// The next element if it has the given tag.
    pub fn expect(&mut self, tag: u8) -> Option<Element<'a>> {
        if self.peek_tag()? != tag {
            return None;
        }
        self.next()
    }
}

/// The content of a single element of the given tag spanning all of `data`.
pub(crate) fn single(data: &[u8], tag: u8) -> Option<&[u8]> {
    let mut r = Reader::new(data);
    let e = r.expect(tag)?;
    r.is_empty().then_some(e.content)
}

/// Go's `pem.Encode`: the base64 body in lines of 64 characters.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// A PEM block: its type and decoded bytes.
pub(crate) struct PemBlock {
    pub label: String,
    pub der: Vec<u8>,
}

/// Go's `pem.Decode` for the first block: skips text before `-----BEGIN`, ignores header
/// lines (`Key: value`), and accepts the block only when its base64 body decodes and a
/// matching `-----END` line follows. `None` when there is no such block.
pub(crate) fn pem_decode(text: &str) -> Option<PemBlock> {
    let mut search = text;
    loop {
        let start = search.find("-----BEGIN ")?;
        let after = &search[start + 11..];
        let line_end = after.find('\n')?;
        let type_line = after[..line_end].trim_end_matches('\r').trim_end();
        let Some(label) = type_line.strip_suffix("-----") else {
            search = after;
            continue;
        };
        let body_start = &after[line_end + 1..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else {
            search = after;
            continue;
        };
        let body: String = body_start[..end]
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        match base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
            Ok(der) => {
                return Some(PemBlock {
                    label: label.to_string(),
                    der,
                })
            }
            Err(_) => search = after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_lengths_and_oids_encode_as_der() {
        assert_eq!(uint(&[0, 0, 0x7f]), vec![2, 1, 0x7f]);
        assert_eq!(uint(&[0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(uint(&[0, 0]), vec![2, 1, 0]);
        let long = tlv(tag::OCTET_STRING, &[7u8; 300]);
        assert_eq!(&long[..4], &[4, 0x82, 1, 44]);
        assert_eq!(oid::dotted(oid::SHA256_WITH_RSA), "1.2.840.113549.1.1.11");
        assert_eq!(oid::dotted(oid::P384), "1.3.132.0.34");
        assert_eq!(oid::dotted(oid::CLIENT_AUTH), "1.3.6.1.5.5.7.3.2");
        let mut r = Reader::new(&long);
        let e = r.next().unwrap();
        assert_eq!((e.tag, e.content.len()), (4, 300));
        assert!(r.is_empty());
        assert!(Reader::new(&[4, 0x82, 1]).next().is_none(), "truncated");
    }

    #[test]
    fn pem_round_trips_with_go_line_length() {
        let der: Vec<u8> = (0..100u8).collect();
        let pem = pem_encode("CERTIFICATE", &der);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        let text = format!("junk\n{}", pem.replace('\n', "\r\n"));
        let block = pem_decode(&text).unwrap();
        assert_eq!((block.label.as_str(), block.der), ("CERTIFICATE", der));
        assert!(pem_decode("no pem here").is_none());
        assert!(pem_decode("-----BEGIN X-----\n!!!\n-----END X-----\n").is_none());
    }
}
