//! `capstan template`: render a chart locally and print the manifests as `helm template` does.

use std::io::Write;
use std::process::ExitCode;

use capstan_render::objects::KubeVersion;
use capstan_render::template::{template_to, TemplateRequest};

use super::values_flags::ValuesFlags;
use super::GlobalFlags;

/// Flags of `capstan template` (Helm's names). Flags that only matter when talking to a
/// cluster or a chart repository are accepted and ignored, as `helm template` does.
#[derive(Debug, Default, clap::Args)]
pub struct TemplateArgs {
    /// release name, then chart path (`template [NAME] [CHART]`)
    #[arg(num_args = 0..)]
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
    /// use release name in the output-dir path.
    #[arg(long = "release-name")]
    pub release_name: bool,
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
    /// if set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// deprecated: no effect for `template` (Helm prints a deprecation line)
    #[arg(long = "render-subchart-notes", hide = true)]
    pub render_subchart_notes: bool,
    /// update dependencies if they are missing before installing the chart
    #[arg(long = "dependency-update")]
    pub dependency_update: bool,
    /// the name of a postrenderer type plugin to be used for post rendering
    #[arg(long = "post-renderer")]
    pub post_renderer: Option<String>,
    /// an argument to the post-renderer (can specify multiple)
    #[arg(long = "post-renderer-args")]
    pub post_renderer_args: Vec<String>,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// simulates the operation client-side or server-side
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "unset", require_equals = true)]
    pub dry_run: Option<String>,
    /// deprecated: use '--dry-run=server' instead
    #[arg(long, hide = true)]
    pub validate: bool,
    /// enable DNS lookups when rendering templates
    #[arg(long = "enable-dns")]
    pub enable_dns: bool,
    /// Labels that would be added to release metadata
    #[arg(short = 'l', long = "labels")]
    pub labels: Vec<String>,
    /// time to wait for any individual Kubernetes operation
    #[arg(long)]
    pub timeout: Option<String>,
    /// wait until resources are ready
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", require_equals = true)]
    pub wait: Option<String>,
    /// specify a version constraint for the chart version to use
    #[arg(long)]
    pub version: Option<String>,
    /// chart repository url where to locate the requested chart
    #[arg(long)]
    pub repo: Option<String>,
    /// string-valued repository and TLS flags, accepted and unused offline
    #[command(flatten)]
    pub ignored: IgnoredFlags,
}

/// Install flags that `helm template` accepts but that have no effect on local rendering.
#[derive(Debug, Default, clap::Args)]
pub struct IgnoredFlags {
    #[arg(long = "ca-file", hide = true)]
    ca_file: Option<String>,
    #[arg(long = "cert-file", hide = true)]
    cert_file: Option<String>,
    #[arg(long = "key-file", hide = true)]
    key_file: Option<String>,
    #[arg(long, hide = true)]
    keyring: Option<String>,
    #[arg(long, hide = true)]
    username: Option<String>,
    #[arg(long, hide = true)]
    password: Option<String>,
    #[arg(long = "create-namespace", hide = true)]
    create_namespace: bool,
    #[arg(long, hide = true)]
    devel: bool,
    #[arg(long = "disable-openapi-validation", hide = true)]
    disable_openapi_validation: bool,
    #[arg(long = "force-conflicts", hide = true)]
    force_conflicts: bool,
    #[arg(long = "force-replace", hide = true)]
    force_replace: bool,
    #[arg(long = "insecure-skip-tls-verify", hide = true)]
    insecure_skip_tls_verify: bool,
    #[arg(long = "pass-credentials", hide = true)]
    pass_credentials: bool,
    #[arg(long = "plain-http", hide = true)]
    plain_http: bool,
    #[arg(long, hide = true)]
    replace: bool,
    #[arg(long = "rollback-on-failure", hide = true)]
    rollback_on_failure: bool,
    #[arg(long = "server-side", hide = true, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    server_side: Option<String>,
    #[arg(long = "take-ownership", hide = true)]
    take_ownership: bool,
    #[arg(long, hide = true)]
    verify: bool,
    #[arg(long = "wait-for-jobs", hide = true)]
    wait_for_jobs: bool,
}

/// Helm's release name rule (`chartutil.ValidateReleaseName`): a DNS-1123 subdomain of at
/// most 53 characters.
fn valid_release_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 53 {
        return false;
    }
    name.split('.').all(|label| {
        let b = label.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(f), Some(l)) => alnum(f) && alnum(l) && b.iter().all(|c| alnum(c) || *c == b'-'),
            _ => false,
        }
    })
}

/// The failure of a flag's value: Helm prints it, and we exit 1 without more output.
fn bail(msg: String) -> anyhow::Result<ExitCode> {
    Err(anyhow::anyhow!("{msg}"))
}

/// Helm's `--name-template`: a Go template (Sprig functions, no data) giving the name.
fn render_name_template(text: &str) -> Result<String, String> {
    let mut set = capstan_gotmpl::Templates::new("name-template");
    set.funcs(capstan_render::functions::helm_functions(
        capstan_render::engine::EngineOptions::default(),
    ));
    set.parse("name-template", text)
        .map_err(|e| e.to_string())?;
    set.execute("name-template", &capstan_gotmpl::Value::Nil)
        .map_err(|e| e.to_string())
}

/// Helm's `LocateChart` for a local path: the message when it does not exist.
fn missing_chart_message(path: &str) -> String {
    if path.starts_with('/') || path.starts_with('.') {
        format!("path {path:?} not found")
    } else {
        format!("non-absolute URLs should be in form of repo_name/path_to_chart, got: {path}")
    }
}

/// Runs `capstan template`.
pub fn exec(global: &GlobalFlags, args: TemplateArgs) -> anyhow::Result<ExitCode> {
    if let Some(p) = &args.post_renderer {
        // Helm 4 looks post-renderers up as plugins while parsing the flag; we have no
        // plugin support yet, so every name is "not found", as for Helm without plugins.
        return bail(format!(
            "invalid argument {p:?} for \"--post-renderer\" flag: plugin: {{Name:{p} Type:postrenderer/v1}} not found"
        ));
    }
    if args.render_subchart_notes {
        eprintln!("Flag --render-subchart-notes has been deprecated, this flag has no effect for 'helm template' and will be removed in Helm 5");
    }
    if args.args.is_empty() {
        return bail("\"helm template\" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]".into());
    }
    let kube_version = match &args.kube_version {
        Some(v) => Some(
            // The parser's message already reads "invalid kube version '...': ...".
            KubeVersion::parse(v).map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        None => None,
    };
    let (name, chart_path) = release_and_chart(&args)?;
    if !valid_release_name(&name) {
        let detail = format!(
            "release name {name:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
        );
        eprintln!("level=ERROR msg=\"release name check failed\" error={detail:?}");
        return bail(format!("release name check failed: {detail}"));
    }
    if !std::path::Path::new(&chart_path).exists() {
        return bail(missing_chart_message(&chart_path));
    }
    // The values schema's meta-schema is built on a spare core while the chart loads.
    if !args.skip_schema_validation {
        let schema_path = std::path::Path::new(&chart_path).join("values.schema.json");
        std::thread::spawn(move || {
            if let Ok(text) = std::fs::read(schema_path) {
                capstan_chart::schema::prepare_meta_schema(&text);
            }
        });
    }
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
        // Helm's template command never renders subchart notes (the flag is deprecated).
        subchart_notes: false,
        show_only: args.show_only.clone(),
        skip_schema_validation: args.skip_schema_validation,
        output_dir: args.output_dir.clone(),
        use_release_name: args.release_name,
    };
    // Documents go out as they are assembled, through one reused buffer.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut warn = |w: &str| eprintln!("{w}");
    match template_to(chart, &user_values, &request, &mut stdout, &mut warn) {
        Ok(_) => {
            stdout.flush()?;
            drop(stdout);
            exit_without_teardown()
        }
        Err(err) => {
            stdout.write_all(err.stdout.as_bytes())?;
            stdout.flush()?;
            for w in &err.warnings {
                eprintln!("{w}");
            }
            Err(anyhow::anyhow!("{}", err.message))
        }
    }
}

/// Ends a successful `template` run once its output is out: freeing the chart and the
/// rendered text piece by piece, and the allocator's own clean-up at exit, only delayed the
/// exit (2-4% of a render). Nothing else is pending: stdout and stderr are flushed here,
/// and the command holds no files, locks or child processes.
fn exit_without_teardown() -> ! {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process without running destructors or exit handlers,
    // which is the point; no state outside this process depends on them.
    unsafe { libc::_exit(0) }
}

/// The release name and chart path from the positional arguments, `--generate-name` and
/// `--name-template` (Helm's `install.NameAndChart`).
fn release_and_chart(args: &TemplateArgs) -> anyhow::Result<(String, String)> {
    match args.args.as_slice() {
        [_, _, rest @ ..] if !rest.is_empty() => anyhow::bail!(
            "expected at most two arguments, unexpected arguments: {}",
            rest.join(", ")
        ),
        [_, _] if args.generate_name => {
            anyhow::bail!("cannot set --generate-name and also specify a name")
        }
        [_, _] if args.name_template.is_some() => {
            anyhow::bail!("cannot set --name-template and also specify a name")
        }
        [name, chart] => Ok((name.clone(), chart.clone())),
        [chart] => {
            if let Some(t) = &args.name_template {
                let name = render_name_template(t).map_err(|e| anyhow::anyhow!("{e}"))?;
                return Ok((name, chart.clone()));
            }
            // `helm template` presets the release name to "release-name", which wins over
            // --generate-name (Helm's NameAndChart checks it first).
            Ok(("release-name".to_string(), chart.clone()))
        }
        _ => anyhow::bail!("expected a chart argument"),
    }
}
