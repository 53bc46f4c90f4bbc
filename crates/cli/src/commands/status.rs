//! `capstan status RELEASE_NAME`: helm's status of a release, with its resources as read
//! from the cluster, each test hook's last run and the NOTES.

use std::process::ExitCode;

use super::output::{json_line, yaml_doc, Format};
use super::release_printer::{status_table, View};
use super::release_resources;
use super::session::Session;
use super::GlobalFlags;

/// Flags of `capstan status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// the release name
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// if set, display the status of the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
}

/// cobra's `ExactArgs(1)` failure, as helm words it.
pub fn exact_one(cmd: &str, usage: &str, args: &[String]) -> anyhow::Result<String> {
    match args {
        [one] => Ok(one.clone()),
        _ => anyhow::bail!(
            "\"helm {cmd}\" requires 1 argument\n\nUsage:  helm {cmd} {usage} [flags]"
        ),
    }
}

/// Runs `capstan status`.
pub fn exec(global: &GlobalFlags, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    let name = exact_one("status", "RELEASE_NAME", &args.args)?;
    let session = Session::connect(global)?;
    let text = session.block_on(async {
        session.reachable().await?;
        let mut rel = session.release_content(&name, args.revision).await?;
        let ns = if rel.namespace.is_empty() {
            session.namespace().to_owned()
        } else {
            rel.namespace.clone()
        };
        let table = format == Format::Table;
        let groups =
            release_resources::fetch(&session.cluster.client, &rel.manifest, &ns, table).await?;
        // The chart is stripped from the status output.
        rel.chart = None;
        anyhow::Ok(match format {
            Format::Table => {
                let body = release_resources::print_tables(&groups);
                status_table(
                    &rel,
                    View {
                        resources: Some(&body),
                        ..View::default()
                    },
                )?
            }
            Format::Json | Format::Yaml => {
                super::output::helm4_times(&mut rel);
                if let Some(info) = rel.info.as_mut() {
                    info.resources = release_resources::to_gomap(&groups)?;
                }
                if format == Format::Json {
                    json_line(&rel)?
                } else {
                    yaml_doc(&rel)?
                }
            }
        })
    })?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
