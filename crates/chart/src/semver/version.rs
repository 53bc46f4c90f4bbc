//! Semantic versions as Masterminds/semver v3.5.0 parses, prints and orders them.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use super::quote::go_quote;

/// The longest version string Masterminds v3.5.0 accepts, in bytes (`MaxVersionLen`).
pub const MAX_VERSION_LEN: usize = 256;

/// Why `strconv.ParseUint` rejected a numeric segment; part of Go's error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UintErrorKind {
    /// The digits do not fit in a `u64` (`value out of range`).
    OutOfRange,
    /// The text is not a decimal number, for example empty (`invalid syntax`).
    InvalidSyntax,
}

/// A failed `strconv.ParseUint`, printed exactly as Go prints it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("strconv.ParseUint: parsing {}: {}", go_quote(.text), match .kind {
    UintErrorKind::OutOfRange => "value out of range",
    UintErrorKind::InvalidSyntax => "invalid syntax",
})]
pub struct ParseUintError {
    /// The text that was parsed.
    pub text: String,
    /// Why it was rejected.
    pub kind: UintErrorKind,
}

/// Why a version string was rejected. The texts are Masterminds' own, because Helm prints
/// them (`error calling semver: invalid semantic version`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// `StrictNewVersion` was given an empty string.
    #[error("version string empty")]
    Empty,
    /// The string is longer than [`MAX_VERSION_LEN`].
    #[error("version string is too long (max 256 bytes)")]
    TooLong,
    /// The string does not have the shape of a version.
    #[error("invalid semantic version")]
    InvalidSemVer,
    /// A strict version has a numeric segment with other characters in it.
    #[error("invalid characters in version")]
    InvalidCharacters,
    /// A numeric segment (or numeric prerelease identifier) has a leading zero.
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// The build metadata is malformed.
    #[error("invalid metadata string")]
    InvalidMetadata,
    /// The prerelease is malformed.
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// A segment of a lenient version does not fit in a `u64`.
    #[error("error parsing version segment: {0}")]
    Segment(ParseUintError),
    /// A segment of a strict version is not a `u64` (Go returns the bare strconv error).
    #[error("{0}")]
    StrictSegment(ParseUintError),
    /// `inc_major`/`inc_minor`/`inc_patch` on a number already at `u64::MAX` (Masterminds
    /// panics with this text; Go templates report the panic as the call's error).
    #[error("{0} version increment would overflow uint64")]
    IncrementOverflow(&'static str),
}

/// A semantic version. Equality, ordering and hashing follow SemVer 2 precedence as
/// Masterminds' `Compare` does: build metadata is ignored, so `1.2.3+a == 1.2.3+b`.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

impl Version {
    /// Builds a version from its parts without validating `pre` or `metadata`
    /// (Masterminds' `New`); `original()` is then the printed form.
    pub fn new(major: u64, minor: u64, patch: u64, pre: &str, metadata: &str) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// Parses leniently like Masterminds' `NewVersion` (with its default
    /// `CoerceNewVersion = true`): an optional `v`, missing minor/patch read as 0 (`v1.2`
    /// is 1.2.0), leading zeros in the numbers accepted (`01.02` is 1.2.0).
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        if s.len() > MAX_VERSION_LEN {
            return Err(VersionError::TooLong);
        }
        let parts = scan_loose(s).ok_or(VersionError::InvalidSemVer)?;
        let num = |digits: &str| parse_u64(digits).map_err(VersionError::Segment);
        let major = num(parts.major)?;
        let minor = match parts.minor {
            Some(d) => num(d)?,
            None => 0,
        };
        let patch = match parts.patch {
            Some(d) => num(d)?,
            None => 0,
        };
        let pre = parts.pre.unwrap_or("");
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        let metadata = parts.metadata.unwrap_or("");
        if !metadata.is_empty() {
            validate_metadata(metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: s.to_string(),
        })
    }

    /// Parses only complete SemVer 2 versions, like Masterminds' `StrictNewVersion`: three
    /// numbers without leading zeros, no `v` prefix.
    pub fn parse_strict(s: &str) -> Result<Version, VersionError> {
        if s.is_empty() {
            return Err(VersionError::Empty);
        }
        if s.len() > MAX_VERSION_LEN {
            return Err(VersionError::TooLong);
        }
        let mut parts = s.splitn(3, '.');
        let (Some(major), Some(minor), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(VersionError::InvalidSemVer);
        };
        // Masterminds cuts the metadata first and the prerelease second, both from the
        // third dot-separated part only, and validates each as it is cut.
        let (rest, metadata) = match rest.split_once('+') {
            Some((r, m)) => {
                validate_metadata(m)?;
                (r, m)
            }
            None => (rest, ""),
        };
        let (patch, pre) = match rest.split_once('-') {
            Some((p, pre)) => {
                validate_prerelease(pre)?;
                (p, pre)
            }
            None => (rest, ""),
        };
        for p in [major, minor, patch] {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError::InvalidCharacters);
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        }
        let num = |digits: &str| parse_u64(digits).map_err(VersionError::StrictSegment);
        Ok(Version {
            major: num(major)?,
            minor: num(minor)?,
            patch: num(patch)?,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: s.to_string(),
        })
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number.
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number.
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease, without the leading `-` (empty when there is none).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without the leading `+` (empty when there is none).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text this version was parsed from (`v1.2` stays `v1.2`).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Masterminds' `IncPatch`: a prerelease version becomes its release (`1.2.3-rc.1` to
    /// `1.2.3`); a release gets the next patch. Metadata is dropped either way.
    pub fn inc_patch(&self) -> Result<Version, VersionError> {
        let patch = if self.pre.is_empty() {
            self.patch
                .checked_add(1)
                .ok_or(VersionError::IncrementOverflow("patch"))?
        } else {
            self.patch
        };
        Ok(self.derived(self.major, self.minor, patch))
    }

    /// Masterminds' `IncMinor`: next minor, patch 0, no prerelease or metadata.
    pub fn inc_minor(&self) -> Result<Version, VersionError> {
        let minor = self
            .minor
            .checked_add(1)
            .ok_or(VersionError::IncrementOverflow("minor"))?;
        Ok(self.derived(self.major, minor, 0))
    }

    /// Masterminds' `IncMajor`: next major, minor and patch 0, no prerelease or metadata.
    pub fn inc_major(&self) -> Result<Version, VersionError> {
        let major = self
            .major
            .checked_add(1)
            .ok_or(VersionError::IncrementOverflow("major"))?;
        Ok(self.derived(major, 0, 0))
    }

    /// A release version derived from this one; its original keeps a leading `v`.
    fn derived(&self, major: u64, minor: u64, patch: u64) -> Version {
        let mut v = Version::new(major, minor, patch, "", "");
        if self.original.starts_with('v') {
            v.original = format!("v{}", v.original);
        }
        v
    }

    /// Masterminds' `Compare`: SemVer precedence, metadata ignored.
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl fmt::Display for Version {
    /// Masterminds' `String()`: `MAJOR.MINOR.PATCH[-PRE][+META]`, never a `v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Two prereleases compare equal only when their texts are equal, so hashing the
        // text agrees with `Eq`; metadata is left out as it is in `compare`.
        (self.major, self.minor, self.patch, &self.pre).hash(state);
    }
}

/// Compares two non-empty prereleases identifier by identifier. A missing identifier sorts
/// first; numeric identifiers (those `ParseUint` accepts) sort before alphanumeric ones and
/// compare as numbers; the rest compare bytewise.
pub(crate) fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        let (x, y) = match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => (x.unwrap_or(""), y.unwrap_or("")),
        };
        let d = compare_pre_part(x, y);
        if d != Ordering::Equal {
            return d;
        }
    }
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (parse_u64(s), parse_u64(o)) {
        (Err(_), Err(_)) => s.as_bytes().cmp(o.as_bytes()),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        // Masterminds never reports equal numbers here (the texts already differ), so
        // "01" and "1" would each be "greater"; valid prereleases cannot hold "01".
        (Ok(x), Ok(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

/// `strconv.ParseUint(s, 10, 64)` for plain decimal digits.
pub(crate) fn parse_u64(s: &str) -> Result<u64, ParseUintError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseUintError {
            text: s.to_string(),
            kind: UintErrorKind::InvalidSyntax,
        });
    }
    s.parse::<u64>().map_err(|_| ParseUintError {
        text: s.to_string(),
        kind: UintErrorKind::OutOfRange,
    })
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// SemVer prerelease rules as Masterminds checks them: non-empty identifiers of
/// `[0-9A-Za-z-]`, numeric identifiers without leading zeros.
pub(crate) fn validate_prerelease(p: &str) -> Result<(), VersionError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(VersionError::InvalidPrerelease);
        }
        if part.bytes().all(|b| b.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        } else if !part.bytes().all(is_ident_byte) {
            return Err(VersionError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), VersionError> {
    for part in m.split('.') {
        if part.is_empty() || !part.bytes().all(is_ident_byte) {
            return Err(VersionError::InvalidMetadata);
        }
    }
    Ok(())
}

/// The pieces of a lenient version, each without its separator.
struct LooseParts<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: Option<&'a str>,
    metadata: Option<&'a str>,
}

/// Matches the whole of `s` against the shape Masterminds' loose regular expression
/// accepts: `v?N(.N)?(.N)?(-IDS)?(+IDS)?` with `N` = `[0-9]+` and `IDS` = dot-separated
/// non-empty `[0-9A-Za-z-]+`. Each part is taken greedily; since every optional part
/// starts with its own separator, the greedy reading is the only possible one.
fn scan_loose(text: &str) -> Option<LooseParts<'_>> {
    let s = text.as_bytes();
    let mut i = usize::from(s.first() == Some(&b'v'));
    let digits = |from: usize| from + s[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let end = digits(i);
    if end == i {
        return None;
    }
    let major = &text[i..end];
    i = end;
    let mut numbers = [None, None];
    for slot in &mut numbers {
        if s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let end = digits(i + 1);
            *slot = Some(&text[i + 1..end]);
            i = end;
        }
    }
    let mut pre = None;
    if s.get(i) == Some(&b'-') {
        let end = scan_identifiers(s, i + 1);
        if end > i + 1 {
            pre = Some(&text[i + 1..end]);
            i = end;
        }
    }
    let mut metadata = None;
    if s.get(i) == Some(&b'+') {
        let end = scan_identifiers(s, i + 1);
        if end > i + 1 {
            metadata = Some(&text[i + 1..end]);
            i = end;
        }
    }
    (i == s.len()).then_some(LooseParts {
        major,
        minor: numbers[0],
        patch: numbers[1],
        pre,
        metadata,
    })
}

/// The end of the dot-separated identifiers (`[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*`) starting
/// at `i`, or `i` when there is none. A dot is only consumed when an identifier follows.
pub(crate) fn scan_identifiers(s: &[u8], i: usize) -> usize {
    let run = |from: usize| {
        from + s
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| is_ident_byte(**b))
            .count()
    };
    let mut end = run(i);
    if end == i {
        return i;
    }
    while s.get(end) == Some(&b'.') && s.get(end + 1).is_some_and(|b| is_ident_byte(*b)) {
        end = run(end + 1);
    }
    end
}
