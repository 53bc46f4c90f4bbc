//! Helm's storage encoding of a release: JSON → gzip (best compression) → standard base64.
//!
//! The JSON is byte-identical to Helm's `json.Marshal` output; the gzip stream is not
//! byte-identical to Go's `compress/flate` (a different deflate implementation), which Helm
//! never relies on: it only ever decompresses. Decoding accepts plain JSON after base64 too,
//! as Helm's `decodeRelease` does for records written before compression existed.

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::gojson::to_go_json;
use crate::record::Release;

/// Decompressed records larger than this are refused, so a corrupt or hostile record cannot
/// exhaust memory (Helm's own limit for a Secret is 1 MiB compressed).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Errors while encoding or decoding a stored release.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The text is not standard base64.
    #[error("release data is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The gzip stream is corrupt.
    #[error("release data is not a valid gzip stream: {0}")]
    Gzip(std::io::Error),
    /// The decompressed record is larger than [`MAX_DECODED_BYTES`].
    #[error("decompressed release is larger than {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    /// The JSON does not describe a release.
    #[error("release JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

/// The release as Helm's JSON (before compression).
pub fn release_to_json(rel: &Release) -> Result<Vec<u8>, CodecError> {
    Ok(to_go_json(rel)?)
}

/// Parses a release from Helm's JSON.
pub fn release_from_json(json: &[u8]) -> Result<Release, CodecError> {
    Ok(serde_json::from_slice(json)?)
}

/// Encodes a release as Helm stores it (the `release` value of a Secret or ConfigMap, the
/// `body` column of the SQL driver).
pub fn encode_release(rel: &Release) -> Result<String, CodecError> {
    let json = release_to_json(rel)?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&json).map_err(CodecError::Gzip)?;
    let compressed = gz.finish().map_err(CodecError::Gzip)?;
    Ok(STANDARD.encode(compressed))
}

/// Decodes a stored release into its JSON bytes (base64, then gunzip when compressed).
pub fn decode_release_json(data: &str) -> Result<Vec<u8>, CodecError> {
    let raw = STANDARD.decode(data.trim().as_bytes())?;
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    GzDecoder::new(raw.as_slice())
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(CodecError::Gzip)?;
    if out.len() as u64 > MAX_DECODED_BYTES {
        return Err(CodecError::TooLarge);
    }
    Ok(out)
}

/// Decodes a stored release.
pub fn decode_release(data: &str) -> Result<Release, CodecError> {
    release_from_json(&decode_release_json(data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record written by helm 4.3.1 (`helm install r1 ./c --set x=5` on the sandbox; chart
    /// with values, schema, a README, NOTES and a post-install hook).
    const HELM4: &str = include_str!("../tests/fixtures/helm4-r1.json");

    #[test]
    fn helm4_record_round_trips_byte_identically() {
        let json = HELM4.trim_end().as_bytes();
        let rel = release_from_json(json).expect("helm's record parses");
        assert_eq!(rel.name, "r1");
        assert_eq!(rel.status_str(), "deployed");
        assert_eq!(rel.hooks.len(), 1);
        assert_eq!(rel.hooks[0].last_run.phase, "Succeeded");
        let again = release_to_json(&rel).expect("encodes");
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(json)
        );
    }

    #[test]
    fn encode_then_decode() {
        let rel = release_from_json(HELM4.trim_end().as_bytes()).expect("parses");
        let enc = encode_release(&rel).expect("encodes");
        let back = decode_release(&enc).expect("decodes");
        assert_eq!(back, rel);
        // Helm's gzip header: no mtime, best-compression flag.
        let raw = STANDARD.decode(enc).expect("base64");
        assert_eq!(&raw[..4], &[0x1f, 0x8b, 0x08, 0x00]);
    }

    #[test]
    fn uncompressed_and_bad_input() {
        let plain = STANDARD.encode(br#"{"name":"x","version":2}"#);
        let rel = decode_release(&plain).expect("plain JSON accepted");
        assert_eq!((rel.name.as_str(), rel.version), ("x", 2));
        assert!(matches!(decode_release("%%%"), Err(CodecError::Base64(_))));
        let bad_gz = STANDARD.encode([0x1f, 0x8b, 0x08, 0, 1, 2, 3]);
        assert!(matches!(decode_release(&bad_gz), Err(CodecError::Gzip(_))));
        let not_release = STANDARD.encode(b"[1,2]");
        assert!(matches!(
            decode_release(&not_release),
            Err(CodecError::Json(_))
        ));
    }

    #[test]
    fn helm3_style_zero_times_are_kept() {
        let s = r#"{"name":"a","info":{"first_deployed":"2024-01-01T10:00:00.5+01:00","last_deployed":"2024-01-01T10:00:00.5+01:00","deleted":"0001-01-01T00:00:00Z","status":"superseded"},"hooks":[{"name":"h","last_run":{"started_at":"0001-01-01T00:00:00Z","completed_at":"0001-01-01T00:00:00Z","phase":""}}],"version":1}"#;
        let rel = release_from_json(s.as_bytes()).expect("parses");
        assert_eq!(release_to_json(&rel).expect("encodes"), s.as_bytes());
    }
}
