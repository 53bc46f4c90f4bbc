//! Line numbers of fields in a rendered YAML document.
//!
//! The linted values come from the real YAML reader; this module only answers "on which line
//! is `spec.template.spec.restartPolicy`?". It reads the block-style YAML that templates
//! produce (mappings, `- ` sequences, block scalars) into a tree of line numbers. Flow
//! collections and anything it does not understand are treated as scalars, so a lookup
//! falls back to the nearest enclosing field that it could place.

/// One step of a path: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Builds a path from `"spec.template"`-style keys and numeric indices.
pub fn path(parts: &[&str]) -> Vec<Seg> {
    parts
        .iter()
        .map(|p| match p.parse::<usize>() {
            Ok(i) => Seg::Index(i),
            Err(_) => Seg::Key((*p).to_string()),
        })
        .collect()
}

#[derive(Debug, Default)]
enum Node {
    #[default]
    Scalar,
    Map(Vec<(String, usize, Node)>),
    Seq(Vec<(usize, Node)>),
}

#[derive(Clone, Debug)]
struct Line {
    indent: usize,
    text: String,
    number: usize,
}

/// The line tree of one document.
#[derive(Debug)]
pub struct LineIndex {
    root: Node,
    first_line: usize,
}

impl LineIndex {
    /// Indexes `doc`, whose first line is line `first_line` (1-based) of its file.
    pub fn new(doc: &str, first_line: usize) -> LineIndex {
        let mut lines = Vec::new();
        let mut block_parent: Option<usize> = None;
        for (i, raw) in doc.lines().enumerate() {
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let text = raw.trim();
            if let Some(parent) = block_parent {
                if text.is_empty() || indent > parent {
                    continue;
                }
                block_parent = None;
            }
            if text.is_empty() || text.starts_with('#') || text == "---" {
                continue;
            }
            if opens_block_scalar(text) {
                block_parent = Some(indent);
            }
            lines.push(Line {
                indent,
                text: text.to_string(),
                number: first_line + i,
            });
        }
        let mut pos = 0;
        let root = parse_node(&mut lines, &mut pos, 0);
        LineIndex {
            root,
            first_line: lines.first().map(|l| l.number).unwrap_or(first_line),
        }
    }

    /// The line of the field at `path`, or of its deepest ancestor that could be placed;
    /// the document's first content line when nothing matches.
    pub fn line_of(&self, path: &[Seg]) -> usize {
        let mut node = &self.root;
        let mut line = self.first_line;
        for seg in path {
            let next = match (node, seg) {
                (Node::Map(entries), Seg::Key(k)) => entries
                    .iter()
                    .find(|(key, _, _)| key == k)
                    .map(|(_, l, n)| (*l, n)),
                (Node::Seq(items), Seg::Index(i)) => items.get(*i).map(|(l, n)| (*l, n)),
                _ => None,
            };
            match next {
                Some((l, n)) => {
                    line = l;
                    node = n;
                }
                None => break,
            }
        }
        line
    }
}

/// A line whose value starts a block scalar (`key: |`, `- >-`, `key: |2`).
fn opens_block_scalar(text: &str) -> bool {
    let value = match split_key(text) {
        Some((_, v)) => v,
        None => text.strip_prefix('-').map(str::trim).unwrap_or(""),
    };
    let value = value.split(" #").next().unwrap_or("").trim();
    let mut chars = value.chars();
    matches!(chars.next(), Some('|') | Some('>'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// Splits `key: value` (plain or quoted key). `None` when the line is not a mapping entry.
fn split_key(text: &str) -> Option<(String, &str)> {
    if text.starts_with("- ") || text == "-" {
        return None;
    }
    let (key, rest) = if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = text[1..].find(q)? + 1;
        (text[1..close].to_string(), &text[close + 1..])
    } else {
        let mut found = None;
        for (i, c) in text.char_indices() {
            if c == ':' {
                let after = &text[i + 1..];
                if after.is_empty() || after.starts_with(' ') {
                    found = Some(i);
                    break;
                }
            }
            if c == '{' || c == '[' {
                return None;
            }
        }
        let i = found?;
        (text[..i].trim().to_string(), &text[i..])
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest.trim()))
}

/// Parses the node starting at `lines[*pos]` whose lines are indented at least `min`.
fn parse_node(lines: &mut [Line], pos: &mut usize, min: usize) -> Node {
    let Some(first) = lines.get(*pos) else {
        return Node::Scalar;
    };
    if first.indent < min {
        return Node::Scalar;
    }
    let indent = first.indent;
    if first.text == "-" || first.text.starts_with("- ") {
        let mut items = Vec::new();
        while let Some(line) = lines.get(*pos) {
            if line.indent != indent || !(line.text == "-" || line.text.starts_with("- ")) {
                break;
            }
            let number = line.number;
            let rest = line.text[1..].to_string();
            let inner = rest.trim_start();
            if inner.is_empty() {
                *pos += 1;
                let child = parse_node(lines, pos, indent + 1);
                items.push((number, child));
                continue;
            }
            // Re-read the rest of the line as if it started its own, deeper line.
            let offset = rest.len() - inner.len();
            lines[*pos] = Line {
                indent: indent + 1 + offset,
                text: inner.to_string(),
                number,
            };
            let child = parse_node(lines, pos, indent + 1);
            items.push((number, child));
        }
        return Node::Seq(items);
    }
    if split_key(&first.text).is_none() {
        *pos += 1;
        skip_deeper(lines, pos, indent);
        return Node::Scalar;
    }
    let mut entries = Vec::new();
    while let Some(line) = lines.get(*pos) {
        if line.indent != indent {
            break;
        }
        let Some((key, value)) = split_key(&line.text) else {
            break;
        };
        let number = line.number;
        let empty = value.is_empty() || value.starts_with('#');
        *pos += 1;
        let child = if empty {
            match lines.get(*pos) {
                Some(next) if next.indent > indent => parse_node(lines, pos, indent + 1),
                // A sequence may sit at its key's own indentation.
                Some(next)
                    if next.indent == indent
                        && (next.text == "-" || next.text.starts_with("- ")) =>
                {
                    parse_node(lines, pos, indent)
                }
                _ => Node::Scalar,
            }
        } else {
            skip_deeper(lines, pos, indent);
            Node::Scalar
        };
        entries.push((key, number, child));
    }
    Node::Map(entries)
}

/// Skips continuation lines (multi-line flow values, plain scalars) deeper than `indent`.
fn skip_deeper(lines: &[Line], pos: &mut usize, indent: usize) {
    while lines.get(*pos).is_some_and(|l| l.indent > indent) {
        *pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n    \"helm.sh/hook\": pre-install\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: busybox\n        args:\n          - |\n            echo hi\n            name: not-a-key\n        env:\n          - name: P\n            value: secret\n      - name: b\n        command: [\"sh\", \"-c\"]\n      restartPolicy: Always\n";

    #[test]
    fn finds_nested_fields() {
        let idx = LineIndex::new(DOC, 1);
        assert_eq!(idx.line_of(&path(&["kind"])), 2);
        assert_eq!(
            idx.line_of(&path(&["metadata", "annotations", "helm.sh/hook"])),
            6
        );
        let c = ["spec", "template", "spec", "containers"];
        assert_eq!(
            idx.line_of(&path(&[c[0], c[1], c[2], c[3], "0", "image"])),
            12
        );
        assert_eq!(
            idx.line_of(&path(&[c[0], c[1], c[2], c[3], "0", "env", "0", "value"])),
            19
        );
        assert_eq!(
            idx.line_of(&path(&[c[0], c[1], c[2], c[3], "1", "name"])),
            20
        );
        assert_eq!(
            idx.line_of(&path(&[c[0], c[1], c[2], c[3], "1", "command", "0"])),
            21
        );
        assert_eq!(
            idx.line_of(&path(&["spec", "template", "spec", "restartPolicy"])),
            22
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let odd = [
            "",
            "-",
            "- ",
            "--- x",
            ":",
            "\"unterminated: 1",
            "'a':",
            "a: [1,\n  2]\nb: 1",
            "- - - a: 1\n    - b",
            "a:\n- 1\n- 2\nb:",
            "é: ü\n  ö: 1",
            "a: |\n\n  x\nb: >-\n y",
            "\t- a: 1",
            "{a: 1}",
            "- {a: 1}\n- [b]",
            "a: 'x: y'\n\"b:c\": 2",
        ];
        for text in odd {
            let idx = LineIndex::new(text, 1);
            let _ = idx.line_of(&path(&["a", "0", "b"]));
        }
        let idx = LineIndex::new("a:\n- 1\n- x: 2\nb: 1\n", 1);
        assert_eq!(idx.line_of(&path(&["a", "1", "x"])), 3);
        assert_eq!(idx.line_of(&path(&["b"])), 4);
    }

    #[test]
    fn offsets_and_fallbacks() {
        let idx = LineIndex::new(DOC, 10);
        assert_eq!(idx.line_of(&path(&["kind"])), 11);
        // Unknown field: the deepest known ancestor.
        assert_eq!(idx.line_of(&path(&["spec", "template", "nope"])), 17);
    }
}
