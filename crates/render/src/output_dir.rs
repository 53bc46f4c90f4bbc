//! `helm template --output-dir`: each rendered document is written under the output
//! directory at its `# Source:` path, documents of one file appended in order, and a
//! `wrote PATH` line is printed per document (Helm's `writeToFile`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// Writes documents into an output directory, remembering which files this run created
/// so that later documents of the same file are appended instead of replacing it.
#[derive(Debug, Default)]
pub struct OutputDir {
    written: BTreeSet<String>,
}

/// Go's wording for the I/O errors users meet here (`open PATH: permission denied`).
fn go_io_error(op: &str, path: &str, e: &std::io::Error) -> String {
    let text = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::AlreadyExists => "file exists".to_string(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    };
    format!("{op} {path}: {text}")
}

impl OutputDir {
    /// A writer that has written nothing yet.
    pub fn new() -> OutputDir {
        OutputDir::default()
    }

    /// Marks `name` as already written (Helm's hook loop appends to files that exist).
    pub fn mark_written(&mut self, name: &str) {
        self.written.insert(name.to_string());
    }

    /// Writes `---\n# Source: NAME\nDATA\n` to `DIR/NAME`, appending when `append` or
    /// when this writer already wrote that name, and returns the `wrote PATH` line.
    pub fn write(
        &mut self,
        dir: &str,
        name: &str,
        data: &str,
        append: bool,
    ) -> Result<String, String> {
        // Helm joins with the separator by hand (no cleaning), so `out/` gives `out//x`.
        let path = format!("{dir}/{name}");
        if let Some(parent) = Path::new(&path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| go_io_error("mkdir", &parent.to_string_lossy(), &e))?;
            }
        }
        let append = append || self.written.contains(name);
        let file = if append {
            std::fs::OpenOptions::new().append(true).open(&path)
        } else {
            std::fs::File::create(&path)
        };
        let mut file = file.map_err(|e| go_io_error("open", &path, &e))?;
        file.write_all(format!("---\n# Source: {name}\n{data}\n").as_bytes())
            .map_err(|e| go_io_error("write", &path, &e))?;
        self.written.insert(name.to_string());
        Ok(format!("wrote {path}\n"))
    }
}
