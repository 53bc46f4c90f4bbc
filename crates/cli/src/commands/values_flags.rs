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
