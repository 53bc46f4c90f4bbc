//! Random edits of YAML documents for the differential tests of the fast readers: insert
//! a YAML-significant piece, delete a few bytes, or re-indent a line.

/// Pieces of YAML syntax worth inserting anywhere.
const PIECES: &[&str] = &[
    " ", "  ", "\t", ":", ": ", "-", "- ", "#", " #", "\"", "'", "|", ">", "[", "]", "{", "}",
    "&a", "*a", "!", "\n", "\n  ", "---", "...", "?", "\\", "x", "1", ".inf", "null", "%", "@",
    ",", "\r", "\u{FEFF}", "\u{1}", "é", "|-", ">-", "|+", "\\n", "''", "\n\n",
];

/// Small deterministic generator (no external crate needed for a test).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// `base` with one to three random edits.
pub(crate) fn mutate(base: &str, rng: &mut Lcg) -> String {
    let mut doc = base.to_string();
    for _ in 0..1 + rng.next(3) {
        let mut at = rng.next(doc.len());
        while !doc.is_char_boundary(at) {
            at -= 1;
        }
        match rng.next(3) {
            0 => doc.insert_str(at, PIECES[rng.next(PIECES.len())]),
            1 => {
                let mut end = (at + 1 + rng.next(4)).min(doc.len());
                while !doc.is_char_boundary(end) {
                    end += 1;
                }
                doc.replace_range(at..end, "");
            }
            _ => {
                let mut lines: Vec<String> = doc.lines().map(str::to_string).collect();
                if lines.is_empty() {
                    continue;
                }
                let i = rng.next(lines.len());
                let extra = " ".repeat(rng.next(3));
                lines[i] = format!("{extra}{}", lines[i].trim_start_matches(' '));
                doc = lines.join("\n") + "\n";
            }
        }
    }
    doc
}
