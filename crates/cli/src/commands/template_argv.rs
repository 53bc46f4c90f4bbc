//! The common `capstan template` command lines, read without clap.
//!
//! Scripts and CI jobs run `template` in loops, and building even the trimmed clap
//! definition (the root's global flags plus `template`'s sixty flags) took about a third of
//! a millisecond, a few percent of rendering a large chart. This reader takes only the flags
//! such runs use, in their plainest spellings, and answers `None` for anything else (any
//! other flag, `--help`, `--`, a repeated single-valued flag, a value that could be a flag,
//! a comma in a comma-split value, non-UTF-8, or an environment variable that a global flag
//! reads), so clap still parses, and words the errors of, every other command line. The
//! tests in `parse_tests` check that both agree wherever this reader answers.

use std::ffi::OsString;

use super::template::TemplateArgs;
use super::{Cli, Command, GlobalFlags};

/// The environment variables the global flags read (`env = ...` in [`GlobalFlags`]); when
/// one is set, clap's handling of it (precedence, parsing, empty values) applies.
pub const GLOBAL_FLAG_ENV: &[&str] = &[
    "HELM_NAMESPACE",
    "KUBECONFIG",
    "HELM_KUBECONTEXT",
    "HELM_KUBEAPISERVER",
    "HELM_KUBETOKEN",
    "HELM_KUBEASUSER",
    "HELM_KUBEASGROUPS",
    "HELM_KUBECAFILE",
    "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
    "HELM_KUBETLS_SERVER_NAME",
    "HELM_BURST_LIMIT",
    "HELM_QPS",
];

/// Parses `capstan template ...` when it uses only common flags; `None` sends the command
/// line to clap.
pub fn parse_common_template(args: &[OsString]) -> Option<Cli> {
    parse_common_template_in(args, |name| std::env::var_os(name).is_some())
}

/// [`parse_common_template`] with the environment given as "is this variable set".
pub fn parse_common_template_in(args: &[OsString], is_set: impl Fn(&str) -> bool) -> Option<Cli> {
    if args.get(1).is_none_or(|a| a != "template") {
        return None;
    }
    if GLOBAL_FLAG_ENV.iter().any(|name| is_set(name)) {
        return None;
    }
    let mut global = GlobalFlags::default();
    let mut template = TemplateArgs::default();
    let mut rest = args[2..].iter();
    while let Some(arg) = rest.next() {
        let arg = arg.to_str()?;
        if !arg.starts_with('-') {
            template.args.push(arg.to_string());
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (arg, None),
        };
        let switch = |on: &mut bool| {
            // A repeated or valued switch: clap decides.
            if *on || inline.is_some() {
                return None;
            }
            *on = true;
            Some(())
        };
        match flag {
            "--skip-tests" => switch(&mut template.skip_tests)?,
            "--include-crds" => switch(&mut template.include_crds)?,
            "--skip-crds" => switch(&mut template.skip_crds)?,
            "--is-upgrade" => switch(&mut template.is_upgrade)?,
            "--no-hooks" => switch(&mut template.no_hooks)?,
            "--skip-schema-validation" => switch(&mut template.skip_schema_validation)?,
            _ => {
                let value = match inline {
                    Some(value) => value,
                    None => rest.next()?.to_str()?,
                };
                if value.is_empty() || value.starts_with('-') {
                    return None;
                }
                let once = |slot: &mut Option<String>| {
                    if slot.is_some() {
                        return None;
                    }
                    *slot = Some(value.to_string());
                    Some(())
                };
                let split = |list: &mut Vec<String>| {
                    if value.contains(',') {
                        return None;
                    }
                    list.push(value.to_string());
                    Some(())
                };
                match flag {
                    "-n" | "--namespace" => once(&mut global.namespace)?,
                    "--kube-version" => once(&mut template.kube_version)?,
                    "--output-dir" => once(&mut template.output_dir)?,
                    "-f" | "--values" => split(&mut template.values.values)?,
                    "-a" | "--api-versions" => split(&mut template.api_versions)?,
                    "--set" => template.values.set.push(value.to_string()),
                    "--set-string" => template.values.set_string.push(value.to_string()),
                    "-s" | "--show-only" => template.show_only.push(value.to_string()),
                    _ => return None,
                }
            }
        }
    }
    Some(Cli {
        global,
        command: Command::Template(Box::new(template)),
    })
}
