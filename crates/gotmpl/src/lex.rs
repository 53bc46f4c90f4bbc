//! The lexer: turns template text into items, following Go's `text/template/parse/lex.go`
//! rule for rule (trim markers, comments, number syntax, the error texts), because the
//! parser's error messages quote items and their lines.

/// The kind of a lexed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    #[allow(dead_code)]
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords (Go prints these as `<val>` in errors).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    /// Whether the item is a keyword, which Go's `item.String` prints as `<val>`.
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemType::Block
                | ItemType::Break
                | ItemType::Continue
                | ItemType::Dot
                | ItemType::Define
                | ItemType::Else
                | ItemType::End
                | ItemType::If
                | ItemType::Nil
                | ItemType::Range
                | ItemType::Template
                | ItemType::With
        )
    }
}

/// One lexed item: its type, its span of the input (`pos..end`) and its starting line.
/// Spans rather than strings keep lexing allocation-free, and the item small (a template
/// lexes to about one item per 10 to 20 bytes). An error item's message is in
/// [`Lexed::error`]: lexing stops at the first error, so there is at most one.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub typ: ItemType,
    pub line: u32,
    pub pos: usize,
    pub end: usize,
}

/// A lexed text: its items, and the message of the error item that ends them, if any.
pub(crate) struct Lexed {
    pub items: Vec<Item>,
    pub error: Option<String>,
}

impl Item {
    /// The item's text in `src` (empty for an error item: see [`Lexed::error`]).
    pub fn val<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.pos..self.end).unwrap_or("")
    }

    /// Go's `item.String()`, used in "unexpected X in Y" errors (not for error items,
    /// which print their message).
    pub fn describe(&self, src: &str) -> String {
        let val = self.val(src);
        match self.typ {
            ItemType::Eof => "EOF".into(),
            ItemType::Error => val.to_string(),
            t if t.is_keyword() => format!("<{val}>"),
            _ => {
                if val.chars().count() > 10 {
                    let head: String = val.chars().take(10).collect();
                    format!("{}...", go_quote(&head))
                } else {
                    go_quote(val)
                }
            }
        }
    }
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;

/// Go's `isSpace` inside actions: space, tab, carriage return, newline.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// Length of the trailing ASCII whitespace of `s` (what a left trim marker removes).
fn right_trim_length(s: &str) -> usize {
    s.len() - s.trim_end_matches([' ', '\t', '\r', '\n']).len()
}

/// Length of the leading ASCII whitespace of `s` (what a right trim marker removes).
fn left_trim_length(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t', '\r', '\n']).len()
}

/// Lexes a whole template into items. The last item is `Eof` or an `Error`.
pub(crate) fn lex(input: &str) -> Lexed {
    let mut l = Lexer {
        input,
        bytes: input.as_bytes(),
        pos: 0,
        start: 0,
        line: 1,
        start_line: 1,
        // Helm charts run at roughly one item per 10 to 20 bytes; reserving up front saves
        // the repeated copying of a growing vector (3% of a large chart's instructions).
        items: Vec::with_capacity(input.len() / 12 + 8),
        paren_depth: 0,
        error: None,
    };
    l.run();
    Lexed {
        items: l.items,
        error: l.error,
    }
}

/// Where the next `{{` starts. A byte search for `{` then a look at the next byte beats
/// building a substring searcher per call (a template has thousands of actions).
fn find_left_delim(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'{', &bytes[from..]) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Newlines in a stretch of input (a byte count: `\n` never occurs inside a UTF-8 sequence).
/// Saturates at `u32::MAX`, far beyond any file a chart may hold.
fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', bytes).count()).unwrap_or(u32::MAX)
}

struct Lexer<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    start: usize,
    line: u32,
    start_line: u32,
    items: Vec<Item>,
    paren_depth: usize,
    error: Option<String>,
}

/// The lexer's states; each returns the next one (Go uses state functions).
enum State {
    Text,
    LeftDelim,
    InsideAction,
    Done,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        let mut state = State::Text;
        loop {
            state = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => return,
            }
        }
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        // Template source is nearly all ASCII: skip UTF-8 decoding for it.
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.input[self.pos..].chars().next(),
            None => None,
        }
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn backup(&mut self, c: char) {
        self.pos -= c.len_utf8();
        if c == '\n' {
            self.line -= 1;
        }
    }

    fn emit(&mut self, typ: ItemType) {
        self.items.push(Item {
            typ,
            pos: self.start,
            end: self.pos,
            line: self.start_line,
        });
        self.start = self.pos;
        self.start_line = self.line;
    }

    /// Advances the line count over the input from `start` to `pos`.
    fn count_lines_to_pos(&mut self) {
        let newlines = count_newlines(&self.bytes[self.start..self.pos]);
        self.line = self.line.saturating_add(newlines);
    }

    fn ignore(&mut self) {
        self.count_lines_to_pos();
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn error(&mut self, msg: String) -> State {
        self.items.push(Item {
            typ: ItemType::Error,
            pos: self.start,
            end: self.start,
            line: self.start_line,
        });
        self.error = Some(msg);
        State::Done
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn lex_text(&mut self) -> State {
        if let Some(x) = find_left_delim(&self.bytes[self.pos..]) {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let trim = if has_left_trim_marker(&self.bytes[delim_end..]) {
                    right_trim_length(&self.input[self.start..self.pos])
                } else {
                    0
                };
                self.pos -= trim;
                self.count_lines_to_pos();
                let item = Item {
                    typ: ItemType::Text,
                    pos: self.start,
                    end: self.pos,
                    line: self.start_line,
                };
                self.start = self.pos;
                self.start_line = self.line;
                self.pos += trim;
                self.ignore();
                if item.end > item.pos {
                    self.items.push(item);
                }
            }
            return State::LeftDelim;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.count_lines_to_pos();
            self.items.push(Item {
                typ: ItemType::Text,
                pos: self.start,
                end: self.pos,
                line: self.start_line,
            });
            self.start = self.pos;
            self.start_line = self.line;
        }
        self.emit(ItemType::Eof);
        State::Done
    }

    /// Whether a right delimiter (possibly with a trim marker before it) is at `pos`.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.bytes[self.pos..];
        if has_right_trim_marker(rest)
            && rest[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM.as_bytes())
        {
            return (true, true);
        }
        if rest.starts_with(RIGHT_DELIM.as_bytes()) {
            return (true, false);
        }
        (false, false)
    }

    fn lex_left_delim(&mut self) -> State {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(&self.bytes[self.pos..]);
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.bytes[self.pos + after_marker..].starts_with(LEFT_COMMENT.as_bytes()) {
            self.pos += after_marker;
            self.ignore();
            return self.lex_comment();
        }
        self.emit(ItemType::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_comment(&mut self) -> State {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.input[self.pos..].find(RIGHT_COMMENT) else {
            return self.error("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".into());
        }
        // The comment's newlines count towards later line numbers (helm 4.3.1 reports
        // a parse error after `{{/* a\nb\nc */}}` on line 3).
        self.count_lines_to_pos();
        self.start = self.pos;
        self.start_line = self.line;
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += left_trim_length(&self.input[self.pos..]);
        }
        self.ignore();
        State::Text
    }

    fn lex_right_delim(&mut self) -> State {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        self.emit(ItemType::RightDelim);
        if trim {
            self.pos += left_trim_length(&self.input[self.pos..]);
            self.ignore();
        }
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.error("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.error("unclosed action".into());
        };
        match r {
            c if c.is_ascii() && is_space(c as u8) => {
                self.backup(c);
                self.lex_space()
            }
            '=' => {
                self.emit(ItemType::Assign);
                State::InsideAction
            }
            ':' => {
                if self.next() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(ItemType::Declare);
                State::InsideAction
            }
            '|' => {
                self.emit(ItemType::Pipe);
                State::InsideAction
            }
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_variable(),
            '\'' => self.lex_char(),
            '.' => {
                // A '.' followed by a digit is a number (".5"), otherwise a field.
                match self.peek() {
                    Some(c) if !c.is_ascii_digit() => self.lex_field(),
                    _ => {
                        self.backup('.');
                        self.lex_number()
                    }
                }
            }
            '+' | '-' | '0'..='9' => {
                self.backup(r);
                self.lex_number()
            }
            c if is_alnum(c) => {
                self.backup(c);
                self.lex_identifier()
            }
            '(' => {
                self.emit(ItemType::LeftParen);
                self.paren_depth += 1;
                State::InsideAction
            }
            ')' => {
                if self.paren_depth == 0 {
                    return self.error("unexpected right paren".into());
                }
                self.paren_depth -= 1;
                self.emit(ItemType::RightParen);
                State::InsideAction
            }
            c if c.is_ascii() && !c.is_ascii_control() => {
                self.emit(ItemType::Char);
                State::InsideAction
            }
            c => self.error(format!(
                "unrecognized character in action: {}",
                go_unicode_repr(c)
            )),
        }
    }

    fn lex_space(&mut self) -> State {
        let mut num_spaces = 0;
        while let Some(c) = self.peek() {
            if !(c.is_ascii() && is_space(c as u8)) {
                break;
            }
            self.next();
            num_spaces += 1;
        }
        // A space followed by "-}}" belongs to the trim marker.
        let before = self.pos - 1;
        if has_right_trim_marker(&self.bytes[before..])
            && self.bytes[before + TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM.as_bytes())
        {
            self.backup(self.input[before..].chars().next().unwrap_or(' '));
            if num_spaces == 1 {
                return State::InsideAction;
            }
        }
        self.emit(ItemType::Space);
        State::InsideAction
    }

    /// Moves past letters, digits and `_` (an identifier's or field's characters), with a
    /// fast path for ASCII.
    fn skip_alnum(&mut self) {
        loop {
            match self.bytes.get(self.pos) {
                Some(b) if b.is_ascii_alphanumeric() || *b == b'_' => self.pos += 1,
                Some(b) if b.is_ascii() => break,
                None => break,
                Some(_) => match self.peek() {
                    Some(c) if is_alnum(c) => {
                        self.next();
                    }
                    _ => break,
                },
            }
        }
    }

    fn lex_identifier(&mut self) -> State {
        self.skip_alnum();
        if !self.at_terminator() {
            let c = self.peek().unwrap_or('\0');
            return self.error(format!("bad character {}", go_unicode_repr(c)));
        }
        let typ = match &self.input[self.start..self.pos] {
            "block" => ItemType::Block,
            "break" => ItemType::Break,
            "continue" => ItemType::Continue,
            "define" => ItemType::Define,
            "else" => ItemType::Else,
            "end" => ItemType::End,
            "if" => ItemType::If,
            "range" => ItemType::Range,
            "nil" => ItemType::Nil,
            "template" => ItemType::Template,
            "with" => ItemType::With,
            "true" | "false" => ItemType::Bool,
            _ => ItemType::Identifier,
        };
        self.emit(typ);
        State::InsideAction
    }

    fn lex_field(&mut self) -> State {
        self.lex_field_or_variable(ItemType::Field)
    }

    fn lex_variable(&mut self) -> State {
        self.lex_field_or_variable(ItemType::Variable)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> State {
        if self.at_terminator() {
            // Nothing interesting follows: "." or "$".
            self.emit(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
            return State::InsideAction;
        }
        self.skip_alnum();
        if !self.at_terminator() {
            let c = self.peek().unwrap_or('\0');
            return self.error(format!("bad character {}", go_unicode_repr(c)));
        }
        self.emit(typ);
        State::InsideAction
    }

    /// Whether the next character can legally follow an identifier or field.
    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if c.is_ascii() && is_space(c as u8) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.bytes[self.pos..].starts_with(RIGHT_DELIM.as_bytes()),
        }
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => {
                    if let Some(c) = self.next() {
                        if c != '\n' {
                            continue;
                        }
                    }
                    return self.error("unterminated character constant".into());
                }
                None | Some('\n') => return self.error("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemType::CharConstant);
        State::InsideAction
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let text = go_quote(&self.input[self.start..self.pos]);
            return self.error(format!("bad number syntax: {text}"));
        }
        if let Some(sign @ ('+' | '-')) = self.peek() {
            let _ = sign;
            // Complex: 1+2i. No spaces, must end in 'i'.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = go_quote(&self.input[self.start..self.pos]);
                return self.error(format!("bad number syntax: {text}"));
            }
            self.emit(ItemType::Complex);
        } else {
            self.emit(ItemType::Number);
        }
        State::InsideAction
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 10 + 1 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 16 + 6 + 1 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek() {
            if is_alnum(c) {
                self.next();
                return false;
            }
        }
        true
    }

    fn lex_quote(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => {
                    if let Some(c) = self.next() {
                        if c != '\n' {
                            continue;
                        }
                    }
                    return self.error("unterminated quoted string".into());
                }
                None | Some('\n') => return self.error("unterminated quoted string".into()),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemType::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        loop {
            match self.next() {
                None => return self.error("unterminated raw quoted string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemType::RawString);
        State::InsideAction
    }
}

/// Go's `%#U`: `U+0029 ')'`, or just `U+0001` for an unprintable character.
fn go_unicode_repr(c: char) -> String {
    if is_go_printable(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space.
pub(crate) fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Unassigned, private-use and format characters are not printable in Go.
    !matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff | 0xd800..=0xdfff)
}
