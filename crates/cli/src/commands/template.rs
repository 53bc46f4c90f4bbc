//! `capstan template`: render a chart locally and print the manifests as `helm template` does.

use std::process::ExitCode;

use std::io::Write;

use capstan_render::objects::KubeVersion;
use capstan_render::template::{template, TemplateRequest};

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
pub fn exec(global: &GlobalFlags, args: TemplateArgs) -> anyhow::Result<ExitCode> {
    let (name, chart_path) = match args.args.as_slice() {
        [chart] if args.generate_name => (generated_name(chart), chart.clone()),
        [chart] => ("release-name".to_string(), chart.clone()),
        [name, _] if args.generate_name => {
            let _ = name;
            anyhow::bail!("cannot set --generate-name and also specify a name")
        }
        [name, chart] => (name.clone(), chart.clone()),
        _ => anyhow::bail!("expected at most two arguments"),
    };
    let kube_version = match &args.kube_version {
        Some(v) => Some(KubeVersion::parse(v).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let user_values = args.values.merge()?;
    let chart = capstan_chart::load(&chart_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let request = TemplateRequest {
        release_name: name,
        namespace: global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        kube_version,
        api_versions: args.api_versions.clone(),
        is_upgrade: args.is_upgrade,
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        no_hooks: args.no_hooks,
        subchart_notes: false,
        show_only: args.show_only.clone(),
        skip_schema_validation: false,
    };
    if args.output_dir.is_some() || args.post_renderer.is_some() {
        anyhow::bail!("--output-dir and --post-renderer are not supported yet");
    }
    match template(chart, &user_values, &request) {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("{w}");
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(out.stdout.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            for w in &err.warnings {
                eprintln!("{w}");
            }
            Err(anyhow::anyhow!("{}", err.message))
        }
    }
}

/// `--generate-name`: the chart directory's base name and the Unix time, as Helm does.
fn generated_name(chart: &str) -> String {
    let base = std::path::Path::new(chart)
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chart".to_string());
    let base = base.trim_end_matches(".tgz");
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{base}-{secs}")
}
