//! The values flags shared by `template`, `install`, `upgrade` and `lint`.

/// `-f`, `--set`, `--set-string`, `--set-file`, `--set-json`, `--set-literal`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ValuesFlags {
    /// specify values in a YAML file or a URL (can specify multiple)
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2)
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// set a literal STRING value on the command line
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
}

impl ValuesFlags {
    /// Helm's `MergeValues`: `-f` files in order (maps merged, later wins), then the `--set*`
    /// flags by kind.
    pub fn merge(&self) -> anyhow::Result<capstan_chart::Values> {
        let mut base = capstan_chart::Values::new();
        for path in &self.values {
            let data = if path == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
                buf
            } else {
                std::fs::read(path).map_err(|e| anyhow::anyhow!("open {path}: {}", io_text(&e)))?
            };
            let parsed = capstan_chart::values::parse_values(&data)
                .map_err(|e| anyhow::anyhow!("failed to parse {path}: {e}"))?;
            base = capstan_chart::values::merge_maps(base, parsed);
        }
        let flags = capstan_chart::strvals::SetFlags {
            json: self.set_json.clone(),
            values: self.set.clone(),
            strings: self.set_string.clone(),
            files: self.set_file.clone(),
            literals: self.set_literal.clone(),
        };
        capstan_chart::strvals::merge_set_flags(&mut base, &flags, |p: &str| {
            std::fs::read_to_string(p).map_err(|e| format!("open {p}: {}", io_text(&e)))
        })
        // Only the message: its source is already part of it, and `{:#}` would repeat it.
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(base)
    }
}

/// Go's wording for common I/O errors.
fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
