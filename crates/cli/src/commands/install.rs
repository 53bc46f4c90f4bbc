//! `capstan install [NAME] [CHART]`: helm's install on `capstan_lifecycle::install`, with
//! helm's flags, output (`NAME: … NOTES:`) and errors (`INSTALLATION FAILED: …`, exit 1).

use std::process::ExitCode;

use capstan_lifecycle::{Env, InstallOptions};

use super::lifecycle_run::{
    cancel_on_signal, crd_dry_run_warning, dry_run, hide_secrets, load_chart, parse_labels,
    release_output, render_options, server_side, Backend, ChartFlags, Reporter, WaitFlags,
};
use super::output::Format;
use super::session::Session;
use super::values_flags::ValuesFlags;
use super::GlobalFlags;

/// Flags of `capstan install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// [NAME] [CHART]
    pub args: Vec<String>,
    /// generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// specify template used to name the release
    #[arg(long = "name-template")]
    pub name_template: Option<String>,
    /// create the release namespace if not present
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// simulates the operation without persisting changes: none, client or server
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset")]
    pub dry_run: Option<String>,
    /// Labels that would be added to release metadata. Should be divided by comma.
    #[arg(short = 'l', long)]
    pub labels: Vec<String>,
    /// prevent hooks from running during install
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
    /// reuse the given name, only if that name is a deleted release which remains in the history
    #[arg(long)]
    pub replace: bool,
    /// if set, capstan will rollback (uninstall) the installation upon failure
    #[arg(long = "rollback-on-failure")]
    pub rollback_on_failure: bool,
    /// deprecated name of --rollback-on-failure
    #[arg(long, hide = true)]
    pub atomic: bool,
    /// if set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// if set, install will ignore the check for helm annotations and take ownership of the existing resources
    #[arg(long = "take-ownership")]
    pub take_ownership: bool,
    /// force resource updates by replacement
    #[arg(long = "force-replace")]
    pub force_replace: bool,
    /// if set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts")]
    pub force_conflicts: bool,
    /// if set, render subchart notes along with the parent
    #[arg(long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    /// if set, do not show notes in install output
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
    /// if set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// object updates run in the server instead of the client
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub server_side: Option<String>,
    /// chart source and rendering flags helm accepts
    #[command(flatten)]
    pub chart: ChartFlags,
    /// hooks, waiting and timing
    #[command(flatten)]
    pub wait: WaitFlags,
    /// values
    #[command(flatten)]
    pub values: ValuesFlags,
}

/// helm's `NameAndChart`: the release name and chart from the arguments and flags.
pub fn name_and_chart(
    args: &[String],
    generate: bool,
    name_template: Option<&str>,
) -> anyhow::Result<(String, String)> {
    match args {
        [_, _, rest @ ..] if !rest.is_empty() => anyhow::bail!(
            "expected at most two arguments, unexpected arguments: {}",
            rest.join(", ")
        ),
        [_, _] if generate => anyhow::bail!("cannot set --generate-name and also specify a name"),
        [_, _] if name_template.is_some() => {
            anyhow::bail!("cannot set --name-template and also specify a name")
        }
        [name, chart] => Ok((name.clone(), chart.clone())),
        [chart] => {
            if let Some(t) = name_template {
                let name = render_name_template(t).map_err(|e| anyhow::anyhow!("{e}"))?;
                return Ok((name, chart.clone()));
            }
            if !generate {
                anyhow::bail!("must either provide a name or specify --generate-name");
            }
            let base = std::path::Path::new(chart)
                .file_name()
                .and_then(|b| b.to_str())
                .filter(|b| !b.is_empty() && *b != ".")
                .unwrap_or("chart");
            let base = base.split('.').next().unwrap_or("chart");
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Ok((format!("{base}-{secs}"), chart.clone()))
        }
        _ => anyhow::bail!(
            "\"helm install\" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]"
        ),
    }
}

/// helm's `TemplateName`: `--name-template` as a Go template with Sprig functions, no data.
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

/// helm's text of an install failure: name problems are "release name check failed: …"
/// (helm also logs them at ERROR level on stderr).
pub fn install_error(e: &capstan_lifecycle::LifecycleError) -> String {
    use capstan_lifecycle::LifecycleError as L;
    match e {
        L::NameInUse | L::InvalidName(_) | L::MissingName => {
            eprintln!(
                "level=ERROR msg=\"release name check failed\" error={:?}",
                e.to_string()
            );
            format!("release name check failed: {e}")
        }
        other => other.to_string(),
    }
}

/// Runs `capstan install`.
pub fn exec(global: &GlobalFlags, args: InstallArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    args.chart.check()?;
    if args.atomic {
        eprintln!("Flag --atomic has been deprecated, use --rollback-on-failure instead");
    }
    if args.args.is_empty() {
        anyhow::bail!(
            "\"helm install\" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]"
        );
    }
    let common = args.wait.common(args.no_hooks)?;
    let server_side = server_side(args.server_side.as_deref(), true)?;
    let dry = dry_run(args.dry_run.as_deref())?;
    args.chart.check_hide_secret(dry, "INSTALLATION FAILED: ")?;
    let labels = parse_labels(&args.labels)?;
    let (name, chart_path) = name_and_chart(
        &args.args,
        args.generate_name,
        args.name_template.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("INSTALLATION FAILED: {e}"))?;
    let name_for_signal = name.clone();
    let session = Session::connect(global)?;
    let namespace = session.namespace().to_owned();
    let values = args.values.merge()?;
    let chart = load_chart(&chart_path).map_err(|e| anyhow::anyhow!("INSTALLATION FAILED: {e}"))?;
    let reporter = Reporter::new(format);
    let backend = session.block_on(Backend::new(&session, &namespace))?;
    let result = session.block_on(async {
        cancel_on_signal(&name_for_signal);
        if dry != capstan_lifecycle::DryRun::Client {
            if let Err(e) = session.reachable().await {
                let msg = format!("cluster reachability check failed: {e}");
                eprintln!("level=ERROR msg={msg:?}");
                anyhow::bail!("INSTALLATION FAILED: {msg}");
            }
        }
        crd_dry_run_warning(&chart, dry, args.skip_crds);
        let render = render_options(
            &session,
            dry,
            args.render_subchart_notes,
            args.skip_schema_validation,
        )
        .await?;
        let opts = InstallOptions {
            name,
            namespace: namespace.clone(),
            common,
            create_namespace: args.create_namespace,
            dry_run: dry,
            replace: args.replace,
            rollback_on_failure: args.rollback_on_failure || args.atomic,
            skip_crds: args.skip_crds,
            description: args.description.clone(),
            labels,
            take_ownership: args.take_ownership,
            force_replace: args.force_replace,
            client_side: server_side == Some(false),
            render,
        };
        let sink = |e| reporter.on_event(e);
        let env = Env {
            cluster: &backend.resources,
            storage: &backend.storage,
            locks: &backend.locks,
            events: &sink,
        };
        capstan_lifecycle::install(&env, chart, &values, &opts)
            .await
            .map_err(|e| anyhow::anyhow!("INSTALLATION FAILED: {}", install_error(&e)))
    });
    reporter.finish();
    let mut rel = result?;
    if args.chart.hide_secret {
        rel.manifest = hide_secrets(&rel.manifest);
    }
    print!("{}", release_output(&rel, format, args.hide_notes)?);
    Ok(ExitCode::SUCCESS)
}
