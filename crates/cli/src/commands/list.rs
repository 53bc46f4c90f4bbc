//! `capstan list` (alias `ls`): the newest revision of each release, filtered, sorted and
//! paged as helm 4 does (every status is listed unless a status flag narrows it).

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde::Serialize;

use super::history::{app_version, chart_name};
use super::output::{
    format_time, is_set, json_line, parse_time, yaml_doc, Format, Table, GO_STRING,
};
use super::session::{Session, Stored};
use super::GlobalFlags;

/// Flags of `capstan list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// list takes no arguments (any given are refused as helm does)
    #[arg(hide = true)]
    pub args: Vec<String>,
    /// list releases across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,
    /// sort by release date
    #[arg(short = 'd', long = "date")]
    pub date: bool,
    /// show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// show failed releases
    #[arg(long)]
    pub failed: bool,
    /// a regular expression (Perl compatible). Any releases that match the expression will be included in the results
    #[arg(short = 'f', long)]
    pub filter: Option<String>,
    /// maximum number of releases to fetch
    #[arg(short = 'm', long, default_value_t = 256)]
    pub max: i64,
    /// don't print headers when using the default output format
    #[arg(long = "no-headers")]
    pub no_headers: bool,
    /// next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,
    /// show pending releases
    #[arg(long)]
    pub pending: bool,
    /// reverse the sort order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2)
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// output short (quiet) listing format
    #[arg(short = 'q', long = "short")]
    pub short: bool,
    /// show superseded releases
    #[arg(long)]
    pub superseded: bool,
    /// format time using golang time formatter
    #[arg(long = "time-format")]
    pub time_format: Option<String>,
    /// show uninstalled releases (if 'helm uninstall --keep-history' was used)
    #[arg(long)]
    pub uninstalled: bool,
    /// show releases that are currently being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
}

/// One listed release, with helm's JSON field names.
#[derive(Debug, Serialize)]
struct Element {
    name: String,
    namespace: String,
    revision: String,
    updated: String,
    status: String,
    chart: String,
    app_version: String,
}

/// One requirement of a label selector.
enum Requirement {
    Eq(String, String),
    Ne(String, String),
    Exists(String),
    NotExists(String),
}

/// Parses the equality-based selectors `-l` accepts (`k=v`, `k==v`, `k!=v`, `k`, `!k`).
fn parse_selector(s: &str) -> anyhow::Result<Vec<Requirement>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let req = if let Some((k, v)) = part.split_once("!=") {
            Requirement::Ne(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once("==") {
            Requirement::Eq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once('=') {
            Requirement::Eq(k.trim().into(), v.trim().into())
        } else if let Some(k) = part.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else {
            Requirement::Exists(part.into())
        };
        let key = match &req {
            Requirement::Eq(k, _)
            | Requirement::Ne(k, _)
            | Requirement::Exists(k)
            | Requirement::NotExists(k) => k,
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            anyhow::bail!("unable to parse requirement: invalid label key {key:?}");
        }
        out.push(req);
    }
    Ok(out)
}

fn matches(reqs: &[Requirement], labels: &BTreeMap<String, String>) -> bool {
    reqs.iter().all(|r| match r {
        Requirement::Eq(k, v) => labels.get(k) == Some(v),
        Requirement::Ne(k, v) => labels.get(k) != Some(v),
        Requirement::Exists(k) => labels.contains_key(k),
        Requirement::NotExists(k) => !labels.contains_key(k),
    })
}

impl ListArgs {
    /// helm's `SetStateMask`: the statuses asked for, or `None` for all.
    fn states(&self) -> Option<Vec<&'static str>> {
        let mut s = Vec::new();
        if self.deployed {
            s.push("deployed");
        }
        if self.uninstalled {
            s.push("uninstalled");
        }
        if self.uninstalling {
            s.push("uninstalling");
        }
        if self.pending {
            s.extend(["pending-install", "pending-rollback", "pending-upgrade"]);
        }
        if self.failed {
            s.push("failed");
        }
        if self.superseded {
            s.push("superseded");
        }
        (!s.is_empty()).then_some(s)
    }
}

fn deployed_secs(s: &Stored) -> i64 {
    s.release
        .info
        .as_ref()
        .and_then(|i| i.last_deployed.as_deref())
        .and_then(parse_time)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(-62_135_596_800)
}

/// Go's `regexp` wording for the common syntax errors (Rust's regex crate words them
/// differently); other errors keep the crate's text.
fn go_regexp_error(pattern: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    if text.contains("unclosed character class") {
        let from = pattern.rfind('[').unwrap_or(0);
        return format!("missing closing ]: `{}`", &pattern[from..]);
    }
    if text.contains("unclosed group") {
        return format!("missing closing ): `{pattern}`");
    }
    if text.contains("unopened group") {
        return format!("unexpected ): `{pattern}`");
    }
    if text.contains("repetition operator missing expression") {
        let op = pattern
            .chars()
            .find(|c| matches!(c, '*' | '+' | '?'))
            .unwrap_or('*');
        return format!("missing argument to repetition operator: `{op}`");
    }
    text.lines()
        .last()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_owned()
}

/// Runs `capstan list`.
pub fn exec(global: &GlobalFlags, args: ListArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.output)?;
    if !args.args.is_empty() {
        anyhow::bail!("\"helm list\" accepts no arguments\n\nUsage:  helm list [flags]");
    }
    let session = Session::connect(global)?;
    let filter = match &args.filter {
        Some(f) if !f.is_empty() => Some(
            regex::Regex::new(f)
                .map_err(|e| anyhow::anyhow!("error parsing regexp: {}", go_regexp_error(f, &e)))?,
        ),
        _ => None,
    };
    let stored = session.block_on(async {
        session.reachable().await?;
        session.list_stored(args.all_namespaces).await
    })?;
    let all: Vec<Stored> = stored
        .into_iter()
        .filter(|s| filter.as_ref().is_none_or(|f| f.is_match(&s.release.name)))
        .collect();
    let total = all.len();
    let states = args.states();
    let only_superseded = states.as_deref() == Some(&["superseded"][..]);
    // The newest revision of each namespace/name, unless only superseded ones are asked for.
    let mut rels: Vec<Stored> = if only_superseded {
        all
    } else {
        let mut latest: Vec<Stored> = Vec::new();
        for s in all {
            match latest.iter_mut().find(|l| {
                l.release.name == s.release.name && l.release.namespace == s.release.namespace
            }) {
                Some(l) if l.release.version > s.release.version => {}
                Some(l) => *l = s,
                None => latest.push(s),
            }
        }
        latest
    };
    if let Some(states) = &states {
        rels.retain(|s| states.contains(&s.release.status_str()));
    }
    let selector = parse_selector(args.selector.as_deref().unwrap_or(""))?;
    rels.retain(|s| matches(&selector, &s.labels));
    if args.date {
        rels.sort_by(|a, b| {
            deployed_secs(a)
                .cmp(&deployed_secs(b))
                .then_with(|| a.release.name.cmp(&b.release.name))
        });
        if args.reverse {
            rels.reverse();
        }
    } else {
        rels.sort_by(|a, b| a.release.name.cmp(&b.release.name));
        if args.reverse {
            rels.reverse();
        }
    }
    let offset = usize::try_from(args.offset.max(0)).unwrap_or(usize::MAX);
    let rels: Vec<Stored> = if offset >= rels.len() {
        Vec::new()
    } else {
        let mut limit = total;
        if args.max > 0 && (args.max as usize) < limit {
            limit = args.max as usize;
        }
        let last = (offset + limit).min(rels.len());
        rels.into_iter().take(last).skip(offset).collect()
    };
    let text = render(&args, format, &rels)?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn render(args: &ListArgs, format: Format, rels: &[Stored]) -> anyhow::Result<String> {
    if args.short {
        let names: Vec<&str> = rels.iter().map(|s| s.release.name.as_str()).collect();
        return match format {
            Format::Json => json_line(&names),
            Format::Yaml => yaml_doc(&names),
            Format::Table => Ok(names.iter().map(|n| format!("{n}\n")).collect()),
        };
    }
    let elements: Vec<Element> = rels
        .iter()
        .map(|s| {
            let r = &s.release;
            let info = r.info.clone().unwrap_or_default();
            let updated = if is_set(info.last_deployed.as_ref()) {
                let layout = args
                    .time_format
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .unwrap_or(GO_STRING);
                format_time(info.last_deployed.as_ref(), layout)
            } else {
                "-".into()
            };
            Element {
                name: r.name.clone(),
                namespace: r.namespace.clone(),
                revision: r.version.to_string(),
                updated,
                status: info.status.clone(),
                chart: chart_name(r),
                app_version: app_version(r),
            }
        })
        .collect();
    match format {
        Format::Json => json_line(&elements),
        Format::Yaml => yaml_doc(&elements),
        Format::Table => {
            let mut t = Table::new();
            if !args.no_headers {
                t.row([
                    "NAME",
                    "NAMESPACE",
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                ]);
            }
            for e in &elements {
                t.row([
                    e.name.as_str(),
                    &e.namespace,
                    &e.revision,
                    &e.updated,
                    &e.status,
                    &e.chart,
                    &e.app_version,
                ]);
            }
            Ok(t.render())
        }
    }
}
