//! Command-line definitions, with Helm's command and flag names.

pub mod template;
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
#[derive(Debug, clap::Args)]
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
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// locally render templates
    Template(template::TemplateArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Template(args) => template::exec(&cli.global, args),
    }
}
