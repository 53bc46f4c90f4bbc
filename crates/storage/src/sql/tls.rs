//! TLS for the SQL driver, with the `sslmode` meanings of lib/pq (the PostgreSQL client helm
//! uses), so one `HELM_DRIVER_SQL_CONNECTION_STRING` behaves alike in helm and capstan:
//!
//! - `disable`: no TLS; `prefer`: TLS when the server offers it, unverified;
//! - `require` (lib/pq's default when `sslmode` is absent): TLS, certificate not verified —
//!   unless `sslrootcert` is given, which makes it `verify-ca`, as in lib/pq;
//! - `verify-ca`: the chain must lead to `sslrootcert` (else the system roots), any host name;
//! - `verify-full`: `verify-ca` plus the host name.
//!
//! `sslcert`/`sslkey` give a client certificate. tokio-postgres knows only `disable`,
//! `prefer` and `require`, so these options are taken out of the string before it parses it.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;

use crate::driver::StorageError;

/// How much of the server's certificate to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Nothing (`require`, `prefer`).
    None,
    /// The chain (`verify-ca`).
    Chain,
    /// The chain and the host name (`verify-full`).
    Full,
}

/// The TLS options of a connection string.
#[derive(Debug, Clone)]
pub struct TlsOptions {
    /// tokio-postgres's mode.
    pub mode: SslMode,
    /// Certificate checks.
    pub verify: Verify,
    /// `sslrootcert`.
    pub root_cert: Option<PathBuf>,
    /// `sslcert` and `sslkey`.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

const TLS_KEYS: [&str; 4] = ["sslmode", "sslrootcert", "sslcert", "sslkey"];

fn invalid(msg: String) -> StorageError {
    StorageError::Invalid(format!("{}: {msg}", super::CONNECTION_STRING_ENV))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits `key=value` words, honouring single quotes and backslash escapes (libpq's form).
fn kv_words(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            return out;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '=') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        out.push((key, value));
    }
}

fn quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Takes the TLS options out of a connection string (URL or `key=value` form) and returns
/// the rest for tokio-postgres.
pub fn split(conn: &str) -> Result<(String, TlsOptions), StorageError> {
    let mut tls: Vec<(String, String)> = Vec::new();
    let rest = if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        match conn.split_once('?') {
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if TLS_KEYS.contains(&k) {
                        tls.push((k.to_owned(), percent_decode(v)));
                    } else {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => conn.to_owned(),
        }
    } else {
        let mut kept = Vec::new();
        for (k, v) in kv_words(conn) {
            if TLS_KEYS.contains(&k.as_str()) {
                tls.push((k, v));
            } else {
                kept.push(format!("{k}={}", quote(&v)));
            }
        }
        kept.join(" ")
    };
    let get = |k: &str| {
        tls.iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let root_cert = get("sslrootcert")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    let (mode, verify) = match get("sslmode").as_deref().unwrap_or("require") {
        "disable" => (SslMode::Disable, Verify::None),
        "prefer" | "allow" => (SslMode::Prefer, Verify::None),
        "require" | "" if root_cert.is_some() => (SslMode::Require, Verify::Chain),
        "require" | "" => (SslMode::Require, Verify::None),
        "verify-ca" => (SslMode::Require, Verify::Chain),
        "verify-full" => (SslMode::Require, Verify::Full),
        other => {
            return Err(invalid(format!(
                "unsupported sslmode {other:?}; only \"require\" (default), \"verify-full\", \
                 \"verify-ca\", \"prefer\" and \"disable\" supported"
            )))
        }
    };
    let client_cert = match (get("sslcert"), get("sslkey")) {
        (Some(c), Some(k)) if !c.is_empty() && !k.is_empty() => {
            Some((PathBuf::from(c), PathBuf::from(k)))
        }
        (None, None) => None,
        (Some(c), Some(k)) if c.is_empty() && k.is_empty() => None,
        _ => return Err(invalid("sslcert and sslkey must be given together".into())),
    };
    Ok((
        rest,
        TlsOptions {
            mode,
            verify,
            root_cert,
            client_cert,
        },
    ))
}

/// Accepts any server certificate (lib/pq's `require`): the connection is encrypted, the
/// peer unauthenticated. Handshake signatures are still checked.
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks the chain but not the host name (`verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

fn roots(opts: &TlsOptions) -> Result<RootCertStore, StorageError> {
    let mut store = RootCertStore::empty();
    match &opts.root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| invalid(format!("sslrootcert {}: {e}", path.display())))?;
            for c in certs {
                let c = c.map_err(|e| invalid(format!("sslrootcert {}: {e}", path.display())))?;
                store
                    .add(c)
                    .map_err(|e| invalid(format!("sslrootcert {}: {e}", path.display())))?;
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = store.add(c);
            }
        }
    }
    if store.is_empty() {
        return Err(invalid(
            "no root certificates to verify the server with (give sslrootcert)".into(),
        ));
    }
    Ok(store)
}

/// The rustls connector for `opts`.
pub fn connector(
    opts: &TlsOptions,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StorageError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS: {e}")))?;
    let builder = match opts.verify {
        Verify::None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider.clone()))),
        Verify::Chain | Verify::Full => {
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots(opts)?), provider)
                    .build()
                    .map_err(|e| invalid(format!("TLS: {e}")))?;
            if opts.verify == Verify::Full {
                builder.with_webpki_verifier(webpki)
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
            }
        }
    };
    let config = match &opts.client_cert {
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| invalid(format!("sslcert {}: {e}", cert.display())))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| invalid(format!("sslkey {}: {e}", key.display())))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| invalid(format!("sslcert: {e}")))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_options_are_taken_out() {
        let (rest, o) =
            split("postgres://u@h:5/db?sslmode=verify-full&connect_timeout=3&sslrootcert=%2Fa%20b")
                .expect("split");
        assert_eq!(rest, "postgres://u@h:5/db?connect_timeout=3");
        assert_eq!((o.mode, o.verify), (SslMode::Require, Verify::Full));
        assert_eq!(o.root_cert, Some(PathBuf::from("/a b")));
        let (rest, o) = split("host=h dbname='my db' sslmode=disable").expect("split");
        assert_eq!(rest, "host='h' dbname='my db'");
        assert_eq!(o.mode, SslMode::Disable);
        let (_, o) = split("postgres://u@h/db").expect("split");
        assert_eq!(
            (o.mode, o.verify),
            (SslMode::Require, Verify::None),
            "lib/pq's default"
        );
        let (_, o) = split("host=h sslrootcert=/r.pem").expect("split");
        assert_eq!(
            o.verify,
            Verify::Chain,
            "require with a root cert verifies the chain"
        );
        let e = split("host=h sslmode=bogus").expect_err("bad mode");
        assert!(
            e.to_string().contains("unsupported sslmode \"bogus\""),
            "{e}"
        );
        assert!(split("host=h sslcert=/c.pem").is_err());
    }
}
