//! Command-line definitions, with Helm's command and flag names.

pub mod demo;
pub mod get;
pub mod history;
pub mod install;
pub mod lifecycle_run;
pub mod lint;
pub mod list;
pub mod output;
pub mod plan;
pub mod release_printer;
pub mod release_resources;
pub mod release_template;
pub mod rollback;
pub mod sandbox;
pub mod session;
pub mod status;
pub mod template;
pub mod template_argv;
pub mod test;
pub mod uninstall;
pub mod upgrade;
pub mod values_flags;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// capstan: a Helm-compatible Kubernetes release manager.
#[derive(Debug, Parser)]
#[command(name = "capstan", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, as Helm names them.
#[derive(Debug, Default, clap::Args)]
pub struct GlobalFlags {
    /// namespace scope for this request
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE")]
    pub namespace: Option<String>,
    /// path to the kubeconfig file
    #[arg(long, global = true, env = "KUBECONFIG")]
    pub kubeconfig: Option<String>,
    /// name of the kubeconfig context to use
    #[arg(long = "kube-context", global = true, env = "HELM_KUBECONTEXT")]
    pub kube_context: Option<String>,
    /// enable verbose output
    #[arg(long, global = true)]
    pub debug: bool,
    /// the address and the port for the Kubernetes API server
    #[arg(long = "kube-apiserver", global = true, env = "HELM_KUBEAPISERVER")]
    pub kube_apiserver: Option<String>,
    /// bearer token used for authentication
    #[arg(
        long = "kube-token",
        global = true,
        env = "HELM_KUBETOKEN",
        hide_env_values = true
    )]
    pub kube_token: Option<String>,
    /// username to impersonate for the operation
    #[arg(long = "kube-as-user", global = true, env = "HELM_KUBEASUSER")]
    pub kube_as_user: Option<String>,
    /// group to impersonate for the operation, this flag can be repeated to specify multiple groups
    #[arg(
        long = "kube-as-group",
        global = true,
        env = "HELM_KUBEASGROUPS",
        value_delimiter = ','
    )]
    pub kube_as_group: Vec<String>,
    /// the certificate authority file for the Kubernetes API server connection
    #[arg(long = "kube-ca-file", global = true, env = "HELM_KUBECAFILE")]
    pub kube_ca_file: Option<String>,
    /// if true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(
        long = "kube-insecure-skip-tls-verify",
        global = true,
        env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY"
    )]
    pub kube_insecure_skip_tls_verify: bool,
    /// server name to use for Kubernetes API server certificate validation
    #[arg(
        long = "kube-tls-server-name",
        global = true,
        env = "HELM_KUBETLS_SERVER_NAME"
    )]
    pub kube_tls_server_name: Option<String>,
    /// client-side default throttling limit (accepted; capstan does not throttle)
    #[arg(long = "burst-limit", global = true, env = "HELM_BURST_LIMIT")]
    pub burst_limit: Option<i64>,
    /// queries per second used when communicating with the Kubernetes API (accepted; not used)
    #[arg(long, global = true, env = "HELM_QPS")]
    pub qps: Option<f32>,
    /// use colored output (never, auto, always); capstan never colours its output
    #[arg(long, visible_alias = "colour", global = true)]
    pub color: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// examine a chart for possible issues (helm lint plus hook-safety rules)
    Lint(Box<lint::LintArgs>),
    /// locally render templates
    Template(Box<template::TemplateArgs>),
    /// run a local Kubernetes API emulator that kubectl, helm and capstan can drive
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
    /// display the status of the named release
    Status(Box<status::StatusArgs>),
    /// fetch release history
    #[command(alias = "hist")]
    History(Box<history::HistoryArgs>),
    /// list releases
    #[command(alias = "ls")]
    List(Box<list::ListArgs>),
    /// download extended information of a named release
    Get(get::GetGroup),
    /// walk examples/task-api through install, upgrade, a failing upgrade, rollback, test
    /// and uninstall on an in-process sandbox, showing each hook as it runs
    Demo(Box<demo::DemoArgs>),
    /// show what install, upgrade, rollback or uninstall would do: phases, hooks in order
    /// with what their failure does, and the resources to create, change and delete
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// install a chart
    Install(Box<install::InstallArgs>),
    /// upgrade a release
    Upgrade(Box<upgrade::UpgradeArgs>),
    /// roll back a release to a previous revision
    Rollback(Box<rollback::RollbackArgs>),
    /// uninstall a release
    #[command(aliases = ["del", "delete", "un"])]
    Uninstall(Box<uninstall::UninstallArgs>),
    /// run tests for a release
    Test(Box<test::TestArgs>),
}

/// Parses the command line (`std::env::args_os()`).
///
/// `template` is the command scripts run in loops, and building clap's definition of every
/// command took half of a small chart's whole run; when it is the first argument, only the
/// root (with the global flags) and `template` itself are built, and its most common
/// command lines are read without clap at all ([`template_argv`]). All paths give the same
/// parse, help and errors (tested in `parse_tests`).
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    use clap::{Args, FromArgMatches};
    if let Some(cli) = template_argv::parse_common_template(&args) {
        return Ok(cli);
    }
    if args.get(1).is_some_and(|a| a == "template") {
        let root = clap::Command::new("capstan")
            .version(env!("CARGO_PKG_VERSION"))
            .about(env!("CARGO_PKG_DESCRIPTION"))
            .long_about(None)
            .subcommand_required(true)
            .arg_required_else_help(true);
        let template = template::TemplateArgs::augment_args(clap::Command::new("template"))
            .about("locally render templates")
            .long_about(None);
        let mut matches = GlobalFlags::augment_args(root)
            .subcommand(template)
            .try_get_matches_from(args)?;
        return Cli::from_arg_matches_mut(&mut matches);
    }
    <Cli as clap::Parser>::try_parse_from(args)
}

#[cfg(test)]
mod parse_tests;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Lint(args) => lint::exec(&cli.global, *args),
        Command::Template(args) => template::exec(&cli.global, *args),
        Command::Sandbox(cmd) => sandbox::exec(cmd),
        Command::Status(args) => status::exec(&cli.global, *args),
        Command::History(args) => history::exec(&cli.global, *args),
        Command::List(args) => list::exec(&cli.global, *args),
        Command::Get(args) => match args.command {
            Some(cmd) => get::exec(&cli.global, cmd),
            // helm prints the command's help when no subcommand is given, and succeeds.
            None => {
                use clap::CommandFactory;
                let mut cmd = Cli::command();
                if let Some(get) = cmd.find_subcommand_mut("get") {
                    get.print_help()?;
                }
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Demo(args) => demo::exec(*args),
        Command::Plan(cmd) => plan::exec(&cli.global, cmd),
        Command::Install(args) => install::exec(&cli.global, *args),
        Command::Upgrade(args) => upgrade::exec(&cli.global, *args),
        Command::Rollback(args) => rollback::exec(&cli.global, *args),
        Command::Uninstall(args) => uninstall::exec(&cli.global, *args),
        Command::Test(args) => test::exec(&cli.global, *args),
    }
}

/// A command line clap rejects, reported as Helm (cobra) does: `Error: unknown flag: --foo`
/// (or `unknown shorthand flag`) on stderr and exit status 1. Help and version requests
/// print as usual and succeed.
pub fn clap_failure(err: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::UnknownArgument => {
            if let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) {
                let flag = arg.split('=').next().unwrap_or(arg);
                if let Some(short) = flag.strip_prefix('-').filter(|s| !s.starts_with('-')) {
                    let c = short.chars().next().unwrap_or('-');
                    eprintln!("Error: unknown shorthand flag: '{c}' in {flag}");
                } else {
                    eprintln!("Error: unknown flag: {flag}");
                }
                return ExitCode::from(1);
            }
        }
        _ => {}
    }
    let text = err.render().to_string();
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    eprintln!("Error: {first}");
    ExitCode::from(1)
}
