//! `capstan template`: render a chart locally and print the manifests as `helm template` does.

use std::process::ExitCode;

use super::values_flags::ValuesFlags;
use super::GlobalFlags;

/// Flags of `capstan template` (Helm's names).
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// release name, then chart path (`template [NAME] [CHART]`)
    #[arg(num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// specify template used to name the release
    #[arg(long = "name-template")]
    pub name_template: Option<String>,
    #[command(flatten)]
    pub values: ValuesFlags,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// writes the executed templates to files in output-dir instead of stdout
    #[arg(long = "output-dir")]
    pub output_dir: Option<String>,
    /// skip tests from templated output
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// include CRDs in the templated output
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// if set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// prevent hooks from running during install
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// the path to an executable to be used for post rendering
    #[arg(long = "post-renderer")]
    pub post_renderer: Option<String>,
    /// an argument to the post-renderer (can specify multiple)
    #[arg(long = "post-renderer-args")]
    pub post_renderer_args: Vec<String>,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
}

/// Runs `capstan template`.
pub fn exec(_global: &GlobalFlags, _args: TemplateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("template rendering is not wired up yet")
}
