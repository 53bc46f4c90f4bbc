//! Glob patterns as `github.com/gobwas/glob` compiles them with `/` as the separator, which
//! is what Helm's `.Files.Glob` uses: `*` matches within one path segment, `**` across
//! segments, `?` one non-separator character, `[abc]`, `[!a-z]` classes, `{a,b}`
//! alternatives (which may contain patterns), and `\` escapes.

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Glob {
    tokens: Vec<Token>,
}

#[derive(Clone, Debug)]
enum Token {
    Literal(char),
    AnyInSegment,
    AnyAcross,
    One,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Alternatives(Vec<Vec<Token>>),
}

const SEPARATOR: char = '/';

impl Glob {
    /// Compiles a pattern; `None` if it is malformed (an unclosed `[` or `{`).
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse(&chars, &mut pos, false)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { tokens })
    }

    /// Whether the whole text matches.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        match_tokens(&self.tokens, &chars)
    }
}

fn parse(chars: &[char], pos: &mut usize, in_alternative: bool) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            ',' | '}' if in_alternative => return Some(tokens),
            '\\' => {
                *pos += 1;
                let escaped = *chars.get(*pos)?;
                tokens.push(Token::Literal(escaped));
                *pos += 1;
            }
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    tokens.push(Token::AnyAcross);
                    *pos += 2;
                } else {
                    tokens.push(Token::AnyInSegment);
                    *pos += 1;
                }
            }
            '?' => {
                tokens.push(Token::One);
                *pos += 1;
            }
            '[' => {
                *pos += 1;
                let negated = chars.get(*pos) == Some(&'!');
                if negated {
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *chars.get(*pos)?;
                    if c == ']' {
                        *pos += 1;
                        break;
                    }
                    if chars.get(*pos + 1) == Some(&'-')
                        && chars.get(*pos + 2).is_some_and(|e| *e != ']')
                    {
                        ranges.push((c, chars[*pos + 2]));
                        *pos += 3;
                    } else {
                        ranges.push((c, c));
                        *pos += 1;
                    }
                }
                tokens.push(Token::Class { negated, ranges });
            }
            '{' => {
                *pos += 1;
                let mut alternatives = Vec::new();
                loop {
                    let alt = parse(chars, pos, true)?;
                    alternatives.push(alt);
                    match chars.get(*pos)? {
                        ',' => *pos += 1,
                        '}' => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                tokens.push(Token::Alternatives(alternatives));
            }
            _ => {
                tokens.push(Token::Literal(c));
                *pos += 1;
            }
        }
    }
    if in_alternative {
        return None;
    }
    Some(tokens)
}

fn match_tokens(tokens: &[Token], text: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match first {
        Token::Literal(c) => text.first() == Some(c) && match_tokens(rest, &text[1..]),
        Token::One => {
            text.first().is_some_and(|c| *c != SEPARATOR) && match_tokens(rest, &text[1..])
        }
        Token::Class { negated, ranges } => {
            text.first().is_some_and(|c| {
                let inside = ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
                inside != *negated
            }) && match_tokens(rest, &text[1..])
        }
        Token::AnyInSegment => {
            for i in 0..=text.len() {
                if match_tokens(rest, &text[i..]) {
                    return true;
                }
                if i < text.len() && text[i] == SEPARATOR {
                    return false;
                }
            }
            false
        }
        Token::AnyAcross => (0..=text.len()).any(|i| match_tokens(rest, &text[i..])),
        Token::Alternatives(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_tokens(&joined, text)
        }),
    }
}

/// Go's `path/filepath.Match` on slash paths: `*` and `?` never match `/`, `[...]` classes
/// (with `^` or `!` negation), `\` escapes; the whole name must match.
pub fn go_path_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go_match(&p, &n)
}

fn go_match(p: &[char], n: &[char]) -> bool {
    let Some((&c, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match c {
        '*' => (0..=n.len())
            .take_while(|&i| i == 0 || n[i - 1] != '/')
            .any(|i| go_match(rest, &n[i..])),
        '?' => n.first().is_some_and(|ch| *ch != '/') && go_match(rest, &n[1..]),
        '[' => {
            let Some(ch) = n.first() else { return false };
            let mut i = 0;
            let negated = matches!(rest.first(), Some('^') | Some('!'));
            if negated {
                i = 1;
            }
            let mut matched = false;
            let mut first = true;
            while i < rest.len() && (rest[i] != ']' || first) {
                first = false;
                let lo = rest[i];
                if i + 2 < rest.len() && rest[i + 1] == '-' && rest[i + 2] != ']' {
                    if lo <= *ch && *ch <= rest[i + 2] {
                        matched = true;
                    }
                    i += 3;
                } else {
                    if lo == *ch {
                        matched = true;
                    }
                    i += 1;
                }
            }
            if i >= rest.len() {
                return false;
            }
            matched != negated && *ch != '/' && go_match(&rest[i + 1..], &n[1..])
        }
        '\\' => match rest.split_first() {
            Some((&lit, rest2)) => n.first() == Some(&lit) && go_match(rest2, &n[1..]),
            None => false,
        },
        lit => n.first() == Some(&lit) && go_match(rest, &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, t: &str) -> bool {
        Glob::compile(p).unwrap().matches(t)
    }

    #[test]
    fn segments_and_classes() {
        assert!(m("files/*.conf", "files/a.conf"));
        assert!(!m("files/*.conf", "files/sub/a.conf"));
        assert!(m("files/**.conf", "files/sub/a.conf"));
        assert!(m("files/**", "files/a/b/c"));
        assert!(m("f?le", "file"));
        assert!(!m("a?b", "a/b"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("*.{yaml,json}", "x.json"));
        assert!(m("\\*", "*"));
        assert!(Glob::compile("[abc").is_none());
        assert!(Glob::compile("{a,b").is_none());
    }
}
