//! Where `helm template`'s manifest output goes: a buffer (for `--show-only`, which picks
//! documents out of the whole text, and for callers that want a string) or straight to a
//! writer. Writing as it goes spares a render from holding a second copy of its output,
//! megabytes for CRD-heavy charts, in freshly touched memory.

use std::io::Write;

/// The manifest part of the output, then the hooks, as Helm prints them: the manifests'
/// buffer goes through `strings.TrimSpace` and gets one newline; hooks follow untrimmed.
pub(crate) enum Sink<'w> {
    Buffer(String),
    Stream(Stream<'w>),
}

/// A writer with Helm's trim of the manifest buffer applied on the fly: leading white
/// space is dropped, trailing white space is held back until more text follows it.
pub(crate) struct Stream<'w> {
    out: &'w mut dyn Write,
    started: bool,
    held: String,
    manifests_done: bool,
}

impl<'w> Sink<'w> {
    /// A sink writing to `out` as documents arrive.
    pub fn stream(out: &'w mut dyn Write) -> Sink<'w> {
        Sink::Stream(Stream {
            out,
            started: false,
            held: String::new(),
            manifests_done: false,
        })
    }

    /// Appends raw text.
    pub fn push(&mut self, text: &str) -> std::io::Result<()> {
        match self {
            Sink::Buffer(b) => {
                b.push_str(text);
                Ok(())
            }
            Sink::Stream(s) => s.push(text),
        }
    }

    /// Appends `---\n# Source: NAME\nCONTENT\n`, as Helm prints each document.
    pub fn document(&mut self, name: &str, content: &str) -> std::io::Result<()> {
        self.push("---\n# Source: ")?;
        self.push(name)?;
        self.push("\n")?;
        self.push(content)?;
        self.push("\n")
    }

    /// Ends the manifests: Helm's `strings.TrimSpace` of what came so far, then a newline.
    pub fn end_manifests(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Buffer(out) => {
                // In place: it can be megabytes.
                out.truncate(out.trim_end().len());
                let leading = out.len() - out.trim_start().len();
                out.drain(..leading);
                out.push('\n');
                Ok(())
            }
            Sink::Stream(s) => {
                s.held.clear();
                s.manifests_done = true;
                s.out.write_all(b"\n")
            }
        }
    }

    /// The buffered text (empty for a stream, which has written it).
    pub fn into_string(self) -> String {
        match self {
            Sink::Buffer(b) => b,
            Sink::Stream(_) => String::new(),
        }
    }
}

impl Stream<'_> {
    fn push(&mut self, text: &str) -> std::io::Result<()> {
        if self.manifests_done {
            return self.out.write_all(text.as_bytes());
        }
        let text = if self.started {
            text
        } else {
            let rest = text.trim_start();
            if rest.is_empty() {
                return Ok(());
            }
            self.started = true;
            rest
        };
        let body = text.trim_end();
        if body.is_empty() {
            self.held.push_str(text);
            return Ok(());
        }
        if !self.held.is_empty() {
            self.out.write_all(self.held.as_bytes())?;
            self.held.clear();
        }
        self.out.write_all(body.as_bytes())?;
        self.held.push_str(&text[body.len()..]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds the same pieces to a buffer and to a stream; both must print the same.
    fn both(pieces: &[&str], hooks: &[&str]) -> String {
        let mut buffer = Sink::Buffer(String::new());
        let mut written = Vec::new();
        let mut stream = Sink::stream(&mut written);
        for sink in [&mut buffer, &mut stream] {
            for p in pieces {
                sink.push(p).unwrap();
            }
            sink.end_manifests().unwrap();
            for h in hooks {
                sink.document("h.yaml", h).unwrap();
            }
        }
        drop(stream);
        let buffered = buffer.into_string();
        assert_eq!(String::from_utf8(written).unwrap(), buffered, "{pieces:?}");
        buffered
    }

    #[test]
    fn stream_trims_like_the_buffer() {
        assert_eq!(both(&[], &[]), "\n");
        assert_eq!(both(&["  \n", "\t"], &[]), "\n");
        assert_eq!(both(&["\n a: 1\n", "\n\n"], &[]), "a: 1\n");
        assert_eq!(both(&["a: 1 \n", "  ", "b\n"], &[]), "a: 1 \n  b\n");
        assert_eq!(
            both(&["x", " \u{a0}"], &["k: v  \n"]),
            "x\n---\n# Source: h.yaml\nk: v  \n\n"
        );
        assert_eq!(
            both(&["", "a\n\n", "", "\n"], &[" "]),
            "a\n---\n# Source: h.yaml\n \n"
        );
    }
}
