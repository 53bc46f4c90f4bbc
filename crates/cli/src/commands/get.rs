//! `capstan get all|hooks|manifest|metadata|notes|values RELEASE_NAME`: one revision's
//! stored record, printed as helm's `get` subcommands print it.

use std::collections::BTreeMap;
use std::process::ExitCode;

use capstan_release::chart_json::Dependency;
use capstan_release::Release;
use serde::Serialize;

use super::output::{format_time, json_line, yaml_doc, Format, RFC3339};
use super::release_printer::{computed_values, status_table, user_values, View};
use super::session::Session;
use super::status::exact_one;
use super::GlobalFlags;

/// `capstan get [SUBCOMMAND]`.
#[derive(Debug, clap::Args)]
pub struct GetGroup {
    /// what to get (without one, the help is printed)
    #[command(subcommand)]
    pub command: Option<GetCommand>,
}

/// `capstan get` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GetCommand {
    /// download all information for a named release
    All(GetArgs),
    /// download all hooks for a named release
    Hooks(GetArgs),
    /// download the manifest for a named release
    Manifest(GetArgs),
    /// This command fetches metadata for a given release
    Metadata(GetFormatArgs),
    /// download the notes for a named release
    Notes(GetArgs),
    /// download the values file for a named release
    Values(GetValuesArgs),
}

/// Flags of the plain `get` subcommands.
#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// the release name
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// get the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// go template for formatting the output, eg: {{.Release.Name}} (get all only)
    #[arg(long)]
    pub template: Option<String>,
}

/// Flags of `get metadata`.
#[derive(Debug, clap::Args)]
pub struct GetFormatArgs {
    /// the release name
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// specify release revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
}

/// Flags of `get values`.
#[derive(Debug, clap::Args)]
pub struct GetValuesArgs {
    /// the release name
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// get the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// dump all (computed) values
    #[arg(short = 'a', long = "all")]
    pub all: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
}

/// `helm get metadata`'s record, with its JSON names and omit rules.
#[derive(Debug, Serialize)]
struct MetadataOut {
    name: String,
    chart: String,
    version: String,
    #[serde(rename = "appVersion")]
    app_version: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<Dependency>,
    namespace: String,
    revision: i64,
    status: String,
    #[serde(rename = "deployedAt")]
    deployed_at: String,
    #[serde(rename = "applyMethod", skip_serializing_if = "String::is_empty")]
    apply_method: String,
}

fn load(session: &Session, name: &str, revision: i64) -> anyhow::Result<Release> {
    session.block_on(async {
        session.reachable().await?;
        session.release_content(name, revision).await
    })
}

/// Go's `labels.Set.String()`: sorted `k=v` pairs joined by commas.
fn label_string(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs a `capstan get` subcommand.
pub fn exec(global: &GlobalFlags, cmd: GetCommand) -> anyhow::Result<ExitCode> {
    let text = match cmd {
        GetCommand::All(a) => {
            let name = exact_one("get all", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            if let Some(t) = a.template.as_deref().filter(|t| !t.is_empty()) {
                let (rel, labels) = session.block_on(async {
                    session.reachable().await?;
                    let rel = session.release_content(&name, a.revision).await?;
                    // As `get metadata`: every label when found by name, custom ones by revision.
                    let labels = if a.revision > 0 {
                        rel.labels.clone()
                    } else {
                        session.stored_labels(&rel).await?
                    };
                    anyhow::Ok((rel, labels))
                })?;
                let (out, res) = super::release_template::render(t, &rel, &labels);
                print!("{out}");
                res?;
                return Ok(ExitCode::SUCCESS);
            }
            let rel = load(&session, &name, a.revision)?;
            status_table(
                &rel,
                View {
                    show_metadata: true,
                    debug: true,
                    ..View::default()
                },
            )?
        }
        GetCommand::Hooks(a) => {
            let name = exact_one("get hooks", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            let rel = load(&session, &name, a.revision)?;
            rel.hooks
                .iter()
                .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest))
                .collect()
        }
        GetCommand::Manifest(a) => {
            let name = exact_one("get manifest", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            format!("{}\n", load(&session, &name, a.revision)?.manifest)
        }
        GetCommand::Notes(a) => {
            let name = exact_one("get notes", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            let rel = load(&session, &name, a.revision)?;
            let notes = rel.info.map(|i| i.notes).unwrap_or_default();
            if notes.is_empty() {
                String::new()
            } else {
                format!("NOTES:\n{notes}\n")
            }
        }
        GetCommand::Values(a) => {
            let format = Format::parse(&a.output)?;
            let name = exact_one("get values", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            let rel = load(&session, &name, a.revision)?;
            let vals = if a.all {
                computed_values(&rel)?
            } else {
                user_values(&rel)?
            };
            match format {
                Format::Json => json_line(&vals)?,
                Format::Yaml => yaml_doc(&vals)?,
                Format::Table => {
                    let head = if a.all {
                        "COMPUTED VALUES:\n"
                    } else {
                        "USER-SUPPLIED VALUES:\n"
                    };
                    format!("{head}{}", yaml_doc(&vals)?)
                }
            }
        }
        GetCommand::Metadata(a) => {
            let format = Format::parse(&a.output)?;
            let name = exact_one("get metadata", "RELEASE_NAME", &a.args)?;
            let session = Session::connect(global)?;
            let (rel, labels) = session.block_on(async {
                session.reachable().await?;
                let rel = session.release_content(&name, a.revision).await?;
                // helm 4.3.1 reports every label of the storage object when it looked the
                // release up by name (its Query keeps them), but only the custom ones when a
                // revision was named (its Get filters them).
                let labels = if a.revision > 0 {
                    rel.labels.clone()
                } else {
                    session.stored_labels(&rel).await?
                };
                anyhow::Ok((rel, labels))
            })?;
            metadata_text(&rel, labels, format)?
        }
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn metadata_text(
    rel: &Release,
    labels: BTreeMap<String, String>,
    format: Format,
) -> anyhow::Result<String> {
    let md = rel
        .chart
        .as_ref()
        .and_then(|c| c.metadata.clone())
        .unwrap_or_default();
    let info = rel.info.clone().unwrap_or_default();
    let out = MetadataOut {
        name: rel.name.clone(),
        chart: md.name.clone(),
        version: md.version.clone(),
        app_version: md.app_version.clone(),
        annotations: md.annotations.clone(),
        labels,
        dependencies: md.dependencies.clone(),
        namespace: rel.namespace.clone(),
        revision: rel.version,
        status: info.status.clone(),
        deployed_at: format_time(info.last_deployed.as_ref(), RFC3339),
        apply_method: rel.apply_method.clone(),
    };
    Ok(match format {
        Format::Json => json_line(&out)?,
        Format::Yaml => yaml_doc(&out)?,
        Format::Table => {
            let mut deps: Vec<&str> = out.dependencies.iter().map(|d| d.name.as_str()).collect();
            deps.sort_unstable();
            let method = match out.apply_method.as_str() {
                "" => "client-side apply (defaulted)".to_owned(),
                "csa" => "client-side apply".to_owned(),
                "ssa" => "server-side apply".to_owned(),
                other => format!("unknown ({})", super::output::go_quote(other)),
            };
            format!(
                "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nLABELS: {}\n\
                 DEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\n\
                 APPLY_METHOD: {}\n",
                out.name,
                out.chart,
                out.version,
                out.app_version,
                label_string(&out.annotations),
                label_string(&out.labels),
                deps.join(","),
                out.namespace,
                out.revision,
                out.status,
                out.deployed_at,
                method
            )
        }
    })
}
