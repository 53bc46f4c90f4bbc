//! `.helmignore`: Helm's rules, quirks included.
//!
//! * one pattern per line, `#` comments, surrounding whitespace trimmed, a UTF-8 BOM on
//!   the first line dropped;
//! * `**` is an error ("double-star (**) syntax is not supported"), and so is a pattern
//!   Go's `filepath.Match` rejects ("syntax error in pattern");
//! * a trailing `/` only matches directories; a leading `/` anchors the pattern to the
//!   chart root; a pattern containing `/` matches the whole relative path, any other
//!   pattern matches the base name;
//! * `!pattern` is *not* gitignore's re-include: Helm ignores every path that does not
//!   match it (and every non-directory when it ends in `/`);
//! * `templates/.?*` is always added (hidden files under `templates/`).

/// `.helmignore` parse failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    /// `**` in a pattern.
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
    /// A pattern Go's `filepath.Match` refuses.
    #[error("syntax error in pattern")]
    BadPattern,
}

#[derive(Debug, Clone)]
struct Pattern {
    glob: String,
    negate: bool,
    must_dir: bool,
    kind: MatchKind,
}

#[derive(Debug, Clone, Copy)]
enum MatchKind {
    /// Leading `/`: whole path, anchored.
    Rooted,
    /// Contains `/`: whole path.
    Path,
    /// Base name only.
    Base,
}

/// A parsed `.helmignore`.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// No rules.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parses `.helmignore` text.
    pub fn parse(text: &str) -> Result<Rules, IgnoreError> {
        let mut r = Rules::empty();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            r.add(line)?;
        }
        Ok(r)
    }

    /// Adds Helm's default rule (`templates/.?*`).
    pub fn add_defaults(&mut self) {
        // The default is a valid pattern, so this cannot fail.
        let _ = self.add("templates/.?*");
    }

    /// Adds one rule line.
    pub fn add(&mut self, rule: &str) -> Result<(), IgnoreError> {
        let mut rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        if glob_match(rule, "abc").is_err() {
            return Err(IgnoreError::BadPattern);
        }
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (kind, glob) = if let Some(r) = rule.strip_prefix('/') {
            (MatchKind::Rooted, r)
        } else if rule.contains('/') {
            (MatchKind::Path, rule)
        } else {
            (MatchKind::Base, rule)
        };
        self.patterns.push(Pattern {
            glob: glob.to_string(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (slash-separated, relative to the chart root) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let target = match p.kind {
                MatchKind::Rooted | MatchKind::Path => path,
                MatchKind::Base => base_name(path),
            };
            let matched = glob_match(&p.glob, target).unwrap_or(false);
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

fn base_name(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// Go's `path/filepath.Match` on Unix: `*`, `?`, `[...]` (with `^`, ranges and `\`
/// escapes); `*` and `?` never match `/`. Malformed patterns are errors.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, IgnoreError> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Validate the whole pattern first, like Go does when a match fails early.
    validate(&p)?;
    Ok(match_from(&p, &n))
}

fn validate(p: &[char]) -> Result<(), IgnoreError> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err(IgnoreError::BadPattern);
                }
                i += 2;
            }
            '[' => {
                let (_, next) = parse_class(p, i, None)?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Parses a class starting at `p[i] == '['`; returns (matched, index after `]`).
fn parse_class(p: &[char], mut i: usize, c: Option<char>) -> Result<(bool, usize), IgnoreError> {
    i += 1;
    let mut negated = false;
    if i < p.len() && p[i] == '^' {
        negated = true;
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        if i >= p.len() {
            return Err(IgnoreError::BadPattern);
        }
        if p[i] == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, ni) = class_char(p, i)?;
        i = ni;
        let mut hi = lo;
        if i < p.len() && p[i] == '-' {
            let (h, ni) = class_char(p, i + 1)?;
            hi = h;
            i = ni;
        }
        if let Some(c) = c {
            if lo <= c && c <= hi {
                matched = true;
            }
        }
    }
    Ok((matched != negated, i))
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), IgnoreError> {
    match p.get(i) {
        None | Some('-') | Some(']') => Err(IgnoreError::BadPattern),
        Some('\\') => match p.get(i + 1) {
            Some(&c) => Ok((c, i + 2)),
            None => Err(IgnoreError::BadPattern),
        },
        Some(&c) => Ok((c, i + 1)),
    }
}

/// Iterative glob matching with single-star backtracking (no recursion, linear-ish).
fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' if n[ni] != '/' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Ok((true, next)) = parse_class(p, pi, Some(n[ni])) {
                        if n[ni] != '/' {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                c if c != '\\' && c != '?' && c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        // Backtrack: let the last star swallow one more (non-separator) character.
        match star {
            Some((sp, sn)) if n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        assert!(glob_match("*.txt", "a.txt").unwrap());
        assert!(!glob_match("*.txt", "d/a.txt").unwrap());
        assert!(glob_match("a?c", "abc").unwrap());
        assert!(!glob_match("a?c", "a/c").unwrap());
        assert!(glob_match("[a-c]x", "bx").unwrap());
        assert!(glob_match("[^a-c]x", "dx").unwrap());
        assert!(!glob_match("[^a-c]x", "ax").unwrap());
        assert!(glob_match("\\*", "*").unwrap());
        assert!(glob_match("templates/.?*", "templates/.x").unwrap());
        assert!(!glob_match("templates/.?*", "templates/.").unwrap());
        assert!(glob_match("a*b*c", "axxbyyc").unwrap());
        assert!(glob_match("[", "x").is_err());
        assert!(glob_match("a\\", "a").is_err());
        assert!(glob_match("[]", "x").is_err());
    }

    #[test]
    fn helm_rules() {
        let mut r =
            Rules::parse("\u{feff}# comment\n*.swp\n/rooted.txt\nsecret/\ndocs/*.md\n").unwrap();
        r.add_defaults();
        assert!(r.ignore("x.swp", false));
        assert!(r.ignore("templates/sub/x.swp", false));
        assert!(r.ignore("rooted.txt", false));
        assert!(!r.ignore("sub/rooted.txt", false));
        assert!(r.ignore("secret", true));
        assert!(!r.ignore("secret", false));
        assert!(r.ignore("docs/a.md", false));
        assert!(!r.ignore("other/docs/a.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/visible.yaml", false));
        assert!(!r.ignore(".", true));
    }

    #[test]
    fn negation_is_helms_not_gits() {
        let r = Rules::parse("!keep.txt\n").unwrap();
        assert!(r.ignore("other.txt", false));
        assert!(!r.ignore("keep.txt", false));
        let r = Rules::parse("!dir/\n").unwrap();
        assert!(r.ignore("file", false));
    }

    #[test]
    fn errors() {
        assert_eq!(Rules::parse("a/**/b").unwrap_err(), IgnoreError::DoubleStar);
        assert_eq!(Rules::parse("[x").unwrap_err(), IgnoreError::BadPattern);
    }
}
