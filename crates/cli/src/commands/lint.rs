//! `capstan lint`: `helm lint`'s checks and output, plus hook-safety rules (`HOOK001`...).

use std::io::Write;
use std::process::ExitCode;

use capstan_lint::{lint_path, report, LintOptions};
use capstan_render::objects::KubeVersion;

use super::values_flags::ValuesFlags;
use super::GlobalFlags;

/// Flags of `capstan lint` (Helm's names, plus `-o` and `--no-hook-rules`).
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// chart paths (directories or .tgz archives)
    #[arg(num_args = 0..)]
    pub paths: Vec<String>,
    /// fail on lint warnings
    #[arg(long)]
    pub strict: bool,
    /// lint dependent charts
    #[arg(long = "with-subcharts")]
    pub with_subcharts: bool,
    /// print only warnings and errors
    #[arg(long)]
    pub quiet: bool,
    /// if set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Kubernetes version used for capabilities and deprecation checks
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// output format: text or json
    #[arg(short = 'o', long = "output", default_value = "text")]
    pub output: String,
    /// run only Helm's checks, not the hook-safety rules
    #[arg(long = "no-hook-rules")]
    pub no_hook_rules: bool,
    #[command(flatten)]
    pub values: ValuesFlags,
}

/// Helm's `--with-subcharts` walk: every directory under `charts/` holding a `Chart.yaml`,
/// and every `.tgz`/`.tar.gz` there, in lexical walk order.
fn subchart_paths(path: &str, out: &mut Vec<String>) {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut names: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for p in names {
            let s = p.display().to_string();
            if p.file_name().is_some_and(|n| n == "Chart.yaml") {
                out.push(dir.display().to_string());
            } else if s.ends_with(".tgz") || s.ends_with(".tar.gz") {
                out.push(s);
            } else if p.is_dir() {
                walk(&p, out);
            }
        }
    }
    walk(&std::path::Path::new(path).join("charts"), out);
}

/// Runs `capstan lint`.
pub fn exec(global: &GlobalFlags, args: LintArgs) -> anyhow::Result<ExitCode> {
    if args.paths.is_empty() {
        anyhow::bail!(
            "\"helm lint\" requires at least 1 argument\n\nUsage:  helm lint PATH [flags]"
        );
    }
    if args.output != "text" && args.output != "json" {
        anyhow::bail!(
            "invalid argument {:?} for \"-o, --output\" flag: must be text or json",
            args.output
        );
    }
    let kube_version = match &args.kube_version {
        Some(v) => Some(KubeVersion::parse(v).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let mut paths = args.paths.clone();
    if args.with_subcharts {
        for p in &args.paths {
            subchart_paths(p, &mut paths);
        }
    }
    let opts = LintOptions {
        namespace: global.namespace.clone().unwrap_or_else(|| "default".into()),
        kube_version,
        strict: args.strict,
        skip_schema_validation: args.skip_schema_validation,
        values: args.values.merge()?,
        hook_rules: !args.no_hook_rules,
    };
    let reports: Vec<_> = paths.iter().map(|p| lint_path(p, &opts)).collect();
    let mut stdout = std::io::stdout().lock();
    if args.output == "json" {
        writeln!(stdout, "{}", report::json(&reports))?;
        let failed = reports.iter().any(|r| r.failed);
        return Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let text = report::text(&reports, args.quiet);
    stdout.write_all(text.stdout.as_bytes())?;
    match text.failure {
        Some(summary) => Err(anyhow::anyhow!("{summary}")),
        None => Ok(ExitCode::SUCCESS),
    }
}
