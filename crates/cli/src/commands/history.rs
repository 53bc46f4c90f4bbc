//! `capstan history RELEASE_NAME` (alias `hist`): the revisions of a release, newest
//! `--max` of them, oldest first, as helm prints them.

use std::process::ExitCode;

use capstan_release::Release;
use serde::Serialize;

use super::output::{format_time, is_set, json_line, yaml_doc, Format, Table, ANSIC};
use super::session::Session;
use super::status::exact_one;
use super::GlobalFlags;

/// Flags of `capstan history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// the release name
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// maximum number of revision to include in history
    #[arg(long, default_value_t = 256)]
    pub max: i64,
    /// show the rollback revision column in table output
    #[arg(long = "show-rollback-revision")]
    pub show_rollback_revision: bool,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
}

/// One row of the history, with helm's JSON field names and omit rules.
#[derive(Debug, Serialize)]
struct Entry {
    revision: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    status: String,
    chart: String,
    app_version: String,
    #[serde(skip_serializing_if = "is_zero")]
    rollback_revision: i64,
    description: String,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// `NAME-VERSION` of the stored chart; helm prints `MISSING` when a record has none.
pub fn chart_name(rel: &Release) -> String {
    match rel.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(md) => format!("{}-{}", md.name, md.version),
        None => "MISSING".into(),
    }
}

/// The chart's app version, or `MISSING`.
pub fn app_version(rel: &Release) -> String {
    match rel.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(md) => md.app_version.clone(),
        None => "MISSING".into(),
    }
}

/// Runs `capstan history`.
pub fn exec(global: &GlobalFlags, args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    let name = exact_one("history", "RELEASE_NAME", &args.args)?;
    let session = Session::connect(global)?;
    let mut hist = session.block_on(async {
        session.reachable().await?;
        session.history(&name).await
    })?;
    // The newest `--max` revisions, printed oldest first.
    hist.sort_by_key(|r| std::cmp::Reverse(r.version));
    hist.truncate(usize::try_from(args.max.max(0)).unwrap_or(usize::MAX));
    hist.reverse();
    let entries: Vec<Entry> = hist
        .iter()
        .map(|r| {
            let info = r.info.clone().unwrap_or_default();
            Entry {
                revision: r.version,
                updated: info.last_deployed.clone().filter(|t| is_set(Some(t))),
                status: info.status.clone(),
                chart: chart_name(r),
                app_version: app_version(r),
                rollback_revision: info.rollback_revision,
                description: info.description.clone(),
            }
        })
        .collect();
    let text = match format {
        Format::Json => json_line(&entries)?,
        Format::Yaml => yaml_doc(&entries)?,
        Format::Table => {
            let mut t = Table::new();
            let mut header = vec!["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"];
            if args.show_rollback_revision {
                header.push("ROLLBACK");
            }
            header.push("DESCRIPTION");
            t.row(header);
            for e in &entries {
                let mut row = vec![
                    e.revision.to_string(),
                    format_time(e.updated.as_ref(), ANSIC),
                    e.status.clone(),
                    e.chart.clone(),
                    e.app_version.clone(),
                ];
                if args.show_rollback_revision {
                    row.push(if e.rollback_revision > 0 {
                        e.rollback_revision.to_string()
                    } else {
                        String::new()
                    });
                }
                row.push(e.description.clone());
                t.row(row);
            }
            t.render()
        }
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
