//! Version constraints (`>= 1.2, < 2 || ^3`) with Masterminds/semver v3.5.0 semantics.
//!
//! Masterminds describes the grammar with regular expressions; we scan it by hand, taking
//! care to accept exactly what those expressions accept and to split the same way. The
//! comments on each scanner say which part of the grammar it stands for.

use std::fmt;

use super::quote::go_quote;
use super::version::{scan_identifiers, Version, VersionError};

/// The longest constraint string Masterminds v3.5.0 accepts, in bytes.
pub const MAX_CONSTRAINT_LEN: usize = 512;

/// The most `||` groups Masterminds v3.5.0 accepts in one constraint string.
pub const MAX_CONSTRAINT_GROUPS: usize = 32;

/// Why a constraint string was rejected (Masterminds' texts; Helm prints them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// The string is longer than [`MAX_CONSTRAINT_LEN`].
    #[error("constraint string is too long (max 512 bytes)")]
    TooLong,
    /// The string has more than [`MAX_CONSTRAINT_GROUPS`] `||` groups.
    #[error("too many constraint groups (max 32)")]
    TooManyGroups,
    /// An `||` group (the text between two `||`, after range rewriting) is not a list of
    /// constraints.
    #[error("improper constraint: {}", go_quote(.0))]
    Improper(String),
    /// A constraint has the right shape but its version cannot be built (a leading zero
    /// in a numeric prerelease identifier, a number too large, a stray `|` or `*`).
    #[error("constraint parser error")]
    Parser,
}

/// The comparison a single constraint makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// No operator or `=`: equality, or a tilde range when the version has wildcards.
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    /// `~` and `~>`.
    Tilde,
    /// `^`.
    Caret,
}

/// One comparison, such as `>= 1.2`.
#[derive(Debug, Clone)]
struct Constraint {
    /// The version compared against, with wildcards and missing parts read as 0.
    con: Version,
    /// The version text as written (`1.x`, `v2`), used in messages and `Display`.
    orig: String,
    /// The operator as written (`=>` stays `=>`).
    op_text: String,
    op: Op,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// A parsed constraint string: `||`-separated groups of constraints that must all hold.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    /// Per group: does any of its constraints name a prerelease? Only then may a
    /// prerelease version match that group.
    contains_pre: Vec<bool>,
    include_prerelease: bool,
}

impl Constraints {
    /// Parses a constraint string like Masterminds' `NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, ConstraintError> {
        if c.len() > MAX_CONSTRAINT_LEN {
            return Err(ConstraintError::TooLong);
        }
        let c = rewrite_ranges(c);
        let ors: Vec<&str> = c.split("||").collect();
        if ors.len() > MAX_CONSTRAINT_GROUPS {
            return Err(ConstraintError::TooManyGroups);
        }
        let mut groups = Vec::with_capacity(ors.len());
        let mut contains_pre = Vec::with_capacity(ors.len());
        for group in ors {
            let tokens =
                split_group(group).ok_or_else(|| ConstraintError::Improper(group.to_string()))?;
            let parsed = tokens
                .into_iter()
                .map(build_constraint)
                .collect::<Result<Vec<_>, _>>()?;
            contains_pre.push(parsed.iter().any(|p| !p.con.prerelease().is_empty()));
            groups.push(parsed);
        }
        Ok(Constraints {
            groups,
            contains_pre,
            include_prerelease: false,
        })
    }

    /// Masterminds' `IncludePrerelease`: let prerelease versions match every group, not
    /// only the groups that name a prerelease. Helm never sets it; it is here for tests
    /// and completeness.
    pub fn set_include_prerelease(&mut self, include: bool) {
        self.include_prerelease = include;
    }

    /// How many constraints each `||` group holds (`3 - 4 || >= 5` gives `[2, 1]`).
    pub fn group_sizes(&self) -> Vec<usize> {
        self.groups.iter().map(Vec::len).collect()
    }

    /// Does `v` satisfy the constraints (every constraint of at least one group)?
    ///
    /// A prerelease version only matches groups that themselves contain a prerelease
    /// (`>= 1.0.0-0`), and then any tuple may match (`1.5.0-rc.1` satisfies
    /// `>= 1.0.0-0 < 2`), unlike npm.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .zip(&self.contains_pre)
            .any(|(group, pre)| {
                let include = self.include_prerelease || *pre;
                group.iter().all(|c| c.check(v, include).is_ok())
            })
    }

    /// Like [`check`](Self::check), but on failure returns every reason, in Masterminds'
    /// order and words (`"1.2.3" is less than "1.3"`); Helm prints the first one, for
    /// example in `helm lint`.
    pub fn validate(&self, v: &Version) -> Result<(), Vec<String>> {
        let mut reasons = Vec::new();
        // Masterminds reports a prerelease version being skipped only once, however many
        // constraints skip it.
        let mut told_prerelease = false;
        for (group, pre) in self.groups.iter().zip(&self.contains_pre) {
            let include = self.include_prerelease || *pre;
            let mut all_ok = true;
            for c in group {
                if !include && !v.prerelease().is_empty() {
                    if !told_prerelease {
                        reasons.push(Reason::Prerelease.message(v, c));
                        told_prerelease = true;
                    }
                    all_ok = false;
                } else if let Err(r) = c.check(v, include) {
                    reasons.push(r.message(v, c));
                    all_ok = false;
                }
            }
            if all_ok {
                return Ok(());
            }
        }
        Err(reasons)
    }
}

impl fmt::Display for Constraints {
    /// Masterminds' `String()`: each constraint as operator and version as written,
    /// separated by a space within a group and by ` || ` between groups.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, group) in self.groups.iter().enumerate() {
            if k > 0 {
                f.write_str(" || ")?;
            }
            for (i, c) in group.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Constraints {
    type Err = ConstraintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraints::parse(s)
    }
}

/// Why a single constraint failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Prerelease,
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    Major,
    MajorMinor,
    CaretMinor,
    CaretMinorZero,
    CaretPatch,
}

impl Reason {
    fn message(self, v: &Version, c: &Constraint) -> String {
        let v = go_quote(&v.to_string());
        let o = go_quote(&c.orig);
        match self {
            Reason::Prerelease => format!(
                "{v} is a prerelease version and the constraint is only looking for release versions"
            ),
            Reason::Equal => format!("{v} is equal to {o}"),
            Reason::NotEqual => format!("{v} is not equal to {o}"),
            Reason::LessThan => format!("{v} is less than {o}"),
            Reason::LessThanOrEqual => format!("{v} is less than or equal to {o}"),
            Reason::GreaterThan => format!("{v} is greater than {o}"),
            Reason::GreaterThanOrEqual => format!("{v} is greater than or equal to {o}"),
            Reason::Major => format!("{v} does not have same major version as {o}"),
            Reason::MajorMinor => {
                format!("{v} does not have same major and minor version as {o}")
            }
            Reason::CaretMinor => format!(
                "{v} does not have same minor version as {o}. Expected minor versions to match when constraint major version is 0"
            ),
            Reason::CaretMinorZero => format!("{v} does not have same minor version as {o}"),
            Reason::CaretPatch => format!(
                "{v} does not equal {o}. Expect version and constraint to equal when major and minor versions are 0"
            ),
        }
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> Result<(), Reason> {
        // Whether prereleases may match was decided for the whole group by the caller.
        if !v.prerelease().is_empty() && !include_pre {
            return Err(Reason::Prerelease);
        }
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => ok_if(*v == self.con, Reason::NotEqual),
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => ok_if(*v < self.con, Reason::GreaterThanOrEqual),
            Op::GreaterEqual => ok_if(*v >= self.con, Reason::LessThan),
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> Result<(), Reason> {
        let c = &self.con;
        if self.dirty {
            if c.major() != v.major() {
                return Ok(());
            }
            if self.minor_dirty {
                return Err(Reason::Equal);
            }
            if c.minor() != v.minor() {
                return Ok(());
            }
            if self.patch_dirty {
                // `!= 4.1-alpha` excludes 4.1.x only with that very prerelease.
                let differs = (!v.prerelease().is_empty() || !c.prerelease().is_empty())
                    && super::version::compare_prerelease(v.prerelease(), c.prerelease())
                        != std::cmp::Ordering::Equal;
                return ok_if(differs, Reason::Equal);
            }
            if c.patch() != v.patch() {
                return Ok(());
            }
        }
        ok_if(*v != *c, Reason::Equal)
    }

    fn greater(&self, v: &Version) -> Result<(), Reason> {
        let c = &self.con;
        let fail = Reason::LessThanOrEqual;
        if !self.dirty {
            return ok_if(*v > *c, fail);
        }
        if v.major() != c.major() {
            return ok_if(v.major() > c.major(), fail);
        }
        // `>11` needs 12 or more; `>11.1` needs 11.2 or more.
        if self.minor_dirty {
            return Err(fail);
        }
        if self.patch_dirty {
            return ok_if(v.minor() > c.minor(), fail);
        }
        ok_if(*v > *c, fail)
    }

    fn less_equal(&self, v: &Version) -> Result<(), Reason> {
        let c = &self.con;
        let fail = Reason::GreaterThan;
        if !self.dirty {
            return ok_if(*v <= *c, fail);
        }
        if v.major() > c.major() {
            return Err(fail);
        }
        if v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty {
            return Err(fail);
        }
        Ok(())
    }

    fn tilde(&self, v: &Version) -> Result<(), Reason> {
        let c = &self.con;
        if *v < *c {
            return Err(Reason::LessThan);
        }
        // `~0.0.0` (fully written) accepts everything.
        if c.major() == 0
            && c.minor() == 0
            && c.patch() == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return Ok(());
        }
        if v.major() != c.major() {
            return Err(Reason::Major);
        }
        if v.minor() != c.minor() && !self.minor_dirty {
            return Err(Reason::MajorMinor);
        }
        Ok(())
    }

    fn caret(&self, v: &Version) -> Result<(), Reason> {
        let c = &self.con;
        if *v < *c {
            return Err(Reason::LessThan);
        }
        if c.major() > 0 || self.minor_dirty {
            return ok_if(v.major() == c.major(), Reason::Major);
        }
        if v.major() > 0 {
            return Err(Reason::Major);
        }
        if c.minor() > 0 || self.patch_dirty {
            return ok_if(v.minor() == c.minor(), Reason::CaretMinor);
        }
        if v.minor() > 0 {
            return Err(Reason::CaretMinorZero);
        }
        ok_if(c.patch() == v.patch(), Reason::CaretPatch)
    }
}

fn ok_if(cond: bool, reason: Reason) -> Result<(), Reason> {
    if cond {
        Ok(())
    } else {
        Err(reason)
    }
}

/// Go's `\s` in regular expressions: ASCII space, tab, newline, form feed, carriage
/// return (not vertical tab, not Unicode spaces).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

fn skip_space(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|b| is_space(*b)) {
        i += 1;
    }
    i
}

/// Characters of a version number in a constraint: digits, the wildcards, and `|`, which
/// Masterminds' character class lets in by accident (`[0-9|x|X|\*]`). A number with a
/// `|` in it later fails to build, giving "constraint parser error".
fn is_num_byte(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'x' | b'X' | b'*' | b'|')
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// The version part of a constraint as written.
#[derive(Debug, Clone, Copy)]
struct CvParts<'a> {
    /// The whole version text (`v1.2.x-beta+meta`).
    text: &'a str,
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    /// The prerelease without its `-`.
    pre: Option<&'a str>,
}

/// Scans the longest constraint version starting at `start`:
/// `v?N(\.N)?(\.N)?(-IDS)?(\+IDS)?` with `N` = [`is_num_byte`]+. Returns it and its end.
fn scan_cv(text: &str, start: usize) -> Option<(CvParts<'_>, usize)> {
    let s = text.as_bytes();
    let mut i = start + usize::from(s.get(start) == Some(&b'v'));
    let run = |from: usize| from + s[from..].iter().take_while(|b| is_num_byte(**b)).count();
    let end = run(i);
    if end == i {
        return None;
    }
    let major = &text[i..end];
    i = end;
    let mut numbers = [None, None];
    for slot in &mut numbers {
        if s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(|b| is_num_byte(*b)) {
            let end = run(i + 1);
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
    if s.get(i) == Some(&b'+') {
        let end = scan_identifiers(s, i + 1);
        if end > i + 1 {
            i = end;
        }
    }
    let parts = CvParts {
        text: &text[start..i],
        major,
        minor: numbers[0],
        patch: numbers[1],
        pre,
    };
    Some((parts, i))
}

/// The operator at `i`. Operators never start a version, so the longest operator is the
/// one Masterminds' alternation ends up choosing. No operator is the empty string.
fn scan_op(s: &[u8], i: usize) -> (&'static str, usize) {
    let two = match (s.get(i), s.get(i + 1)) {
        (Some(b'!'), Some(b'=')) => Some("!="),
        (Some(b'>'), Some(b'=')) => Some(">="),
        (Some(b'='), Some(b'>')) => Some("=>"),
        (Some(b'<'), Some(b'=')) => Some("<="),
        (Some(b'='), Some(b'<')) => Some("=<"),
        (Some(b'~'), Some(b'>')) => Some("~>"),
        _ => None,
    };
    if let Some(op) = two {
        return (op, i + 2);
    }
    match s.get(i) {
        Some(b'=') => ("=", i + 1),
        Some(b'>') => (">", i + 1),
        Some(b'<') => ("<", i + 1),
        Some(b'~') => ("~", i + 1),
        Some(b'^') => ("^", i + 1),
        _ => ("", i),
    }
}

/// Splits one `||` group into (operator, version) pairs, accepting exactly what
/// Masterminds' validation expression accepts: optional space, then constraints of the
/// form `OP? SPACE* VERSION`, separated by space or by one comma with optional space
/// around it. `None` means "improper constraint".
fn split_group(g: &str) -> Option<Vec<(&'static str, CvParts<'_>)>> {
    let s = g.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(s, 0);
    loop {
        let (op, after_op) = scan_op(s, i);
        let (cv, end) = scan_cv(g, skip_space(s, after_op))?;
        out.push((op, cv));
        let next = skip_space(s, end);
        if next == s.len() {
            return Some(out);
        }
        if s[next] == b',' {
            i = skip_space(s, next + 1);
        } else if next > end {
            i = next;
        } else {
            return None;
        }
    }
}

/// Builds one constraint. Wildcards and missing parts make it "dirty": `1.x` and `1` hold
/// 1.0.0 and match any minor; only a fully written version keeps its metadata.
fn build_constraint(
    (op_text, cv): (&'static str, CvParts<'_>),
) -> Result<Constraint, ConstraintError> {
    let pre = cv.pre.map(|p| format!("-{p}")).unwrap_or_default();
    let mut dirty = true;
    let mut minor_dirty = false;
    let mut patch_dirty = false;
    let text = match (cv.minor, cv.patch) {
        _ if is_x(cv.major) => format!("0.0.0{pre}"),
        (None, _) => {
            minor_dirty = true;
            format!("{}.0.0{pre}", cv.major)
        }
        (Some(minor), _) if is_x(minor) => {
            minor_dirty = true;
            format!("{}.0.0{pre}", cv.major)
        }
        (Some(minor), None) => {
            patch_dirty = true;
            format!("{}.{minor}.0{pre}", cv.major)
        }
        (Some(minor), Some(patch)) if is_x(patch) => {
            patch_dirty = true;
            format!("{}.{minor}.0{pre}", cv.major)
        }
        (Some(_), Some(_)) => {
            dirty = false;
            cv.text.to_string()
        }
    };
    let con = Version::parse(&text).map_err(|_: VersionError| ConstraintError::Parser)?;
    let op = match op_text {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    Ok(Constraint {
        con,
        orig: cv.text.to_string(),
        op_text: op_text.to_string(),
        op,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

/// Rewrites hyphen ranges `A - B` into `>= A, <= B ` as Masterminds does: find every
/// non-overlapping match of `\s*CV\s+-\s+CV\s*` from left to right, then replace the
/// first occurrence of each matched text, in order, in the string being rewritten.
pub(crate) fn rewrite_ranges(c: &str) -> String {
    if !c.contains('-') {
        return c.to_string();
    }
    let s = c.as_bytes();
    let mut matches = Vec::new();
    let mut pos = 0;
    while pos < s.len() {
        match (pos..s.len()).find_map(|start| match_range(c, start)) {
            Some(m) => {
                pos = m.0 .1;
                matches.push(m);
            }
            None => break,
        }
    }
    let mut out = c.to_string();
    for ((start, end), low, high) in matches {
        out = out.replacen(&c[start..end], &format!(">= {low}, <= {high} "), 1);
    }
    out
}

type RangeMatch<'a> = ((usize, usize), &'a str, &'a str);

/// Tries to match `\s*CV\s+-\s+CV\s*` at exactly `start`.
fn match_range(c: &str, start: usize) -> Option<RangeMatch<'_>> {
    let s = c.as_bytes();
    let (low, low_end) = scan_cv(c, skip_space(s, start))?;
    let dash = skip_space(s, low_end);
    if dash == low_end || s.get(dash) != Some(&b'-') {
        return None;
    }
    let high_start = skip_space(s, dash + 1);
    if high_start == dash + 1 {
        return None;
    }
    let (high, high_end) = scan_cv(c, high_start)?;
    Some(((start, skip_space(s, high_end)), low.text, high.text))
}

#[cfg(test)]
mod tests {
    use super::rewrite_ranges;

    #[test]
    fn rewrites_ranges_like_masterminds() {
        // Masterminds' TestRewriteRange table.
        let cases = [
            ("2 - 3", ">= 2, <= 3 "),
            ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
            ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
            ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
            ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
            // Not ranges: no space around the hyphen, or a prerelease.
            ("1.1-3", "1.1-3"),
            ("1.2.3-beta", "1.2.3-beta"),
        ];
        for (input, want) in cases {
            assert_eq!(rewrite_ranges(input), want, "{input:?}");
        }
    }
}
