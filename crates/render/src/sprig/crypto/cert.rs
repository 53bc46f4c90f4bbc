//! X.509 certificates as Sprig's `genCA`, `genSelfSignedCert` and `genSignedCert` families
//! make them through Go's `x509.CreateCertificate` (Go 1.27, as in helm 4.3.1): version 3, a
//! random 128-bit serial, subject `CN=<cn>` only, validity from now for `days` × 24 hours,
//! key usage (critical), server+client extended key usage, basic constraints (critical),
//! a subject key identifier for CAs (truncated SHA-256 of the public key, RFC 7093 method 1,
//! Go's default since 1.25), the parent's key identifier as authority key identifier when
//! issuer and subject differ, and DNS/IP subject alternative names. Checked field by field
//! against certificates helm 4.3.1 made (see the tests).

use super::der::{self, oid, tag, Reader};
use super::keys::{self, PrivateKey};
use capstan_gotmpl::{Kind, Object, Value};
use sha2::Digest as _;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

/// Sprig's `certificate` struct: what the functions return and `genSignedCert` takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Certificate {
    /// `.Cert`: the PEM certificate.
    pub cert: String,
    /// `.Key`: the PEM private key.
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(self.cert.as_str())),
            "Key" => Some(Value::str(self.key.as_str())),
            _ => None,
        }
    }
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("no method {name}"))
    }
    fn format_v(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
    fn go_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            ("Cert".to_string(), Value::str(self.cert.as_str())),
            ("Key".to_string(), Value::str(self.key.as_str())),
        ])
    }
    fn to_data(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Cert".to_string(), Value::str(self.cert.as_str()));
        m.insert("Key".to_string(), Value::str(self.key.as_str()));
        Value::map(m)
    }
}

impl Certificate {
    /// As a template value.
    pub fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// A `certificate` argument (`genSignedCert`'s CA); `Err` with Go's conversion wording.
    pub fn from_value(v: &Value) -> Result<Certificate, String> {
        match v {
            Value::Object(o) if o.type_name() == "sprig.certificate" => {
                let text = |name| match o.field(name) {
                    Some(Value::String(s)) => s.to_string(),
                    _ => String::new(),
                };
                Ok(Certificate {
                    cert: text("Cert"),
                    key: text("Key"),
                })
            }
            Value::Nil => Err("invalid value; expected sprig.certificate".into()),
            other => Err(format!(
                "wrong type for value; expected sprig.certificate; got {}",
                other.type_name()
            )),
        }
    }
}

/// What varies between the certificates Sprig makes (`getBaseCertTemplate` plus `IsCA`).
pub(crate) struct Template {
    /// Subject common name.
    pub cn: String,
    /// IP SANs, as 4- or 16-byte addresses.
    pub ips: Vec<Vec<u8>>,
    /// DNS SANs.
    pub dns: Vec<String>,
    /// Validity in days.
    pub days: i64,
    /// A CA certificate (adds certSign usage, CA:TRUE and a subject key identifier).
    pub is_ca: bool,
}

/// `getNetIPs`: a template list of IP strings, as Go's `net.ParseIP` reads them.
pub(crate) fn net_ips(list: &Value) -> Result<Vec<Vec<u8>>, String> {
    let Value::List(items) = list else {
        return Ok(Vec::new());
    };
    items
        .items
        .iter()
        .map(|item| {
            let Value::String(s) = item else {
                return Err(format!(
                    "error parsing ip: {} is not a string",
                    capstan_gotmpl::fmt::sprintf("%v", std::slice::from_ref(item))
                ));
            };
            match s.parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => Ok(a.octets().to_vec()),
                Ok(IpAddr::V6(a)) => Ok(match a.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => a.octets().to_vec(),
                }),
                Err(_) => Err(format!("error parsing ip: {s}")),
            }
        })
        .collect()
}

/// `getAlternateDNSStrs`: a template list of strings.
pub(crate) fn dns_names(list: &Value) -> Result<Vec<String>, String> {
    let Value::List(items) = list else {
        return Ok(Vec::new());
    };
    items
        .items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.to_string()),
            other => Err(format!(
                "error processing alternate dns name: {} is not a string",
                capstan_gotmpl::fmt::sprintf("%v", std::slice::from_ref(other))
            )),
        })
        .collect()
}

/// The parts of a parent (CA) certificate that signing needs.
pub(crate) struct Parent {
    raw_subject: Vec<u8>,
    spki: Vec<u8>,
    subject_key_id: Option<Vec<u8>>,
}

/// Parses a DER certificate far enough to issue under it, rejecting what is not one.
pub(crate) fn parse_certificate(data: &[u8]) -> Result<Parent, String> {
    const MALFORMED: &str = "x509: malformed certificate";
    let body = der::single(data, tag::SEQUENCE).ok_or(MALFORMED)?;
    let mut outer = Reader::new(body);
    let tbs = outer
        .expect(tag::SEQUENCE)
        .ok_or("x509: malformed tbs certificate")?;
    outer
        .expect(tag::SEQUENCE)
        .ok_or("x509: malformed algorithm identifier")?;
    outer
        .expect(tag::BIT_STRING)
        .ok_or("x509: malformed signature")?;
    if !outer.is_empty() {
        return Err(MALFORMED.into());
    }
    let mut r = Reader::new(tbs.content);
    if r.peek_tag() == Some(0xa0) {
        r.next();
    }
    r.expect(tag::INTEGER)
        .ok_or("x509: malformed serial number")?;
    r.expect(tag::SEQUENCE)
        .ok_or("x509: malformed signature algorithm identifier")?;
    r.expect(tag::SEQUENCE).ok_or("x509: malformed issuer")?;
    r.expect(tag::SEQUENCE).ok_or("x509: malformed validity")?;
    let subject = r.expect(tag::SEQUENCE).ok_or("x509: malformed subject")?;
    let spki = r.expect(tag::SEQUENCE).ok_or("x509: malformed spki")?;
    let mut subject_key_id = None;
    while let Some(e) = r.next() {
        if e.tag != 0xa3 {
            continue;
        }
        let exts = der::single(e.content, tag::SEQUENCE).ok_or("x509: malformed extensions")?;
        let mut list = Reader::new(exts);
        while let Some(ext) = list.expect(tag::SEQUENCE) {
            let mut f = Reader::new(ext.content);
            let id = f
                .expect(tag::OID)
                .ok_or("x509: malformed extension OID field")?;
            if f.peek_tag() == Some(tag::BOOLEAN) {
                f.next();
            }
            let value = f
                .expect(tag::OCTET_STRING)
                .ok_or("x509: malformed extension value field")?;
            if id.content == oid::SUBJECT_KEY_ID {
                let id = der::single(value.content, tag::OCTET_STRING)
                    .ok_or("x509: invalid subject key identifier")?;
                subject_key_id = Some(id.to_vec());
            }
        }
    }
    Ok(Parent {
        raw_subject: subject.raw.to_vec(),
        spki: spki.raw.to_vec(),
        subject_key_id,
    })
}

/// `pkix.Name{CommonName: cn}` as an RDN sequence.
fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::seq(&[]);
    }
    // encoding/asn1 picks PrintableString when every byte allows it ('*' and '&' do not).
    let printable = cn
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"'()+,-./:=? ".contains(&b));
    let string_tag = if printable {
        tag::PRINTABLE_STRING
    } else {
        tag::UTF8_STRING
    };
    let atv = der::seq(&[
        &der::oid(oid::COMMON_NAME),
        &der::tlv(string_tag, cn.as_bytes()),
    ]);
    der::seq(&[&der::cons(tag::SET, &[&atv])])
}

/// A time as encoding/asn1 writes it: UTCTime for 1950–2049, GeneralizedTime otherwise.
fn asn1_time(unix_seconds: i64) -> Result<Vec<u8>, String> {
    const UNREPRESENTABLE: &str = "asn1: structure error: cannot represent time as GeneralizedTime";
    let ts = jiff::Timestamp::from_second(unix_seconds).map_err(|_| UNREPRESENTABLE)?;
    let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let year = i32::from(dt.year());
    if !(0..=9999).contains(&year) {
        return Err(UNREPRESENTABLE.into());
    }
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    Ok(if (1950..2050).contains(&year) {
        der::tlv(tag::UTC_TIME, format!("{:02}{rest}", year % 100).as_bytes())
    } else {
        der::tlv(tag::GENERALIZED_TIME, format!("{year:04}{rest}").as_bytes())
    })
}

/// The validity SEQUENCE: from now for `days` × 24 h. Go's `time.Duration` arithmetic
/// wraps around on overflow (past about 106,751 days), and so does this.
fn validity(days: i64) -> Result<Vec<u8>, String> {
    let now = super::super::dates::now_ts();
    let now_ns = now.as_nanosecond();
    let span = 86_400_000_000_000i64.wrapping_mul(days);
    let after_ns = now_ns + i128::from(span);
    let secs = |ns: i128| ns.div_euclid(1_000_000_000) as i64;
    Ok(der::seq(&[
        &asn1_time(secs(now_ns))?,
        &asn1_time(secs(after_ns))?,
    ]))
}

fn extension(id: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        der::seq(&[&der::oid(id), &[tag::BOOLEAN, 1, 0xff], &der::octets(value)])
    } else {
        der::seq(&[&der::oid(id), &der::octets(value)])
    }
}

/// Key usage bits as Go's `marshalKeyUsage`: bit 0 first, trailing zero bits dropped.
fn key_usage(usage: u16) -> Vec<u8> {
    let a = [
        (usage as u8).reverse_bits(),
        ((usage >> 8) as u8).reverse_bits(),
    ];
    let bytes = if a[1] != 0 { &a[..] } else { &a[..1] };
    let last = bytes[bytes.len() - 1];
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    let mut content = vec![unused];
    content.extend_from_slice(bytes);
    der::tlv(tag::BIT_STRING, &content)
}

const DIGITAL_SIGNATURE: u16 = 1;
const KEY_ENCIPHERMENT: u16 = 1 << 2;
const CERT_SIGN: u16 = 1 << 5;

/// Issues a certificate for `subject_key` under `parent` (self-signed when `None`), signed by
/// `signer`; the DER bytes, or the text of Go's error.
pub(crate) fn create(
    t: &Template,
    subject_key: &PrivateKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
) -> Result<Vec<u8>, String> {
    let signature_algorithm = signer.signature_algorithm()?;
    let (spki, key_bits) = subject_key.public_key_info()?;
    let subject = name(&t.cn);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.raw_subject.clone());
    let authority_key_id = match parent {
        Some(p) if issuer != subject => p.subject_key_id.clone(),
        _ => None,
    };
    let subject_key_id = t
        .is_ca
        .then(|| sha2::Sha256::digest(&key_bits)[..20].to_vec());
    if let Some(p) = parent {
        if signer.public_key_info()?.0 != p.spki {
            return Err("x509: provided PrivateKey doesn't match parent's PublicKey".into());
        }
    }
    for d in &t.dns {
        if !d.is_ascii() {
            return Err(format!("x509: {d:?} cannot be encoded as an IA5String"));
        }
    }

    let mut usage = DIGITAL_SIGNATURE | KEY_ENCIPHERMENT;
    if t.is_ca {
        usage |= CERT_SIGN;
    }
    let mut exts = vec![
        extension(oid::KEY_USAGE, true, &key_usage(usage)),
        extension(
            oid::EXT_KEY_USAGE,
            false,
            &der::seq(&[&der::oid(oid::SERVER_AUTH), &der::oid(oid::CLIENT_AUTH)]),
        ),
        extension(
            oid::BASIC_CONSTRAINTS,
            true,
            &if t.is_ca {
                der::seq(&[&[tag::BOOLEAN, 1, 0xff]])
            } else {
                der::seq(&[])
            },
        ),
    ];
    if let Some(id) = &subject_key_id {
        exts.push(extension(oid::SUBJECT_KEY_ID, false, &der::octets(id)));
    }
    if let Some(id) = authority_key_id.filter(|id| !id.is_empty()) {
        exts.push(extension(
            oid::AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::tlv(0x80, &id)]),
        ));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = t.dns.iter().map(|d| der::tlv(0x82, d.as_bytes())).collect();
        names.extend(t.ips.iter().map(|ip| der::tlv(0x87, ip)));
        let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
        // RFC 5280: critical when the subject is empty.
        exts.push(extension(
            oid::SUBJECT_ALT_NAME,
            t.cn.is_empty(),
            &der::seq(&refs),
        ));
    }
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();

    let serial = keys::os_bytes(16);
    let tbs = der::seq(&[
        &der::cons(0xa0, &[&der::small_int(2)]),
        &der::uint(&serial),
        &signature_algorithm,
        &issuer,
        &validity(t.days)?,
        &subject,
        &spki,
        &der::cons(0xa3, &[&der::seq(&ext_refs)]),
    ]);
    let signature = signer.sign(&tbs)?;
    Ok(der::seq(&[
        &tbs,
        &signature_algorithm,
        &der::bits(&signature),
    ]))
}

/// Sprig's `getCertAndKey`: the certificate and the subject's key, both PEM.
pub(crate) fn cert_and_key(
    t: &Template,
    subject_key: &PrivateKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
) -> Result<Certificate, String> {
    let der = create(t, subject_key, parent, signer)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate {
        cert: der::pem_encode("CERTIFICATE", &der),
        key: subject_key.to_pem(),
    })
}
