//! The fast parse of `template` must match clap's full definition exactly.

use clap::Parser;

use super::{parse, Cli};

fn full(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(args)
}

fn fast(args: &[&str]) -> Result<Cli, clap::Error> {
    parse(args.iter().map(Into::into).collect())
}

fn outcome(r: Result<Cli, clap::Error>) -> String {
    match r {
        Ok(cli) => format!("ok {cli:?}"),
        Err(e) => format!("err {:?} {}", e.kind(), e.render()),
    }
}

#[test]
fn template_parses_as_with_every_command_defined() {
    let cases: &[&[&str]] = &[
        &["capstan", "template", "rel", "chart"],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "-n",
            "ns",
            "--kube-version",
            "1.31.0",
        ],
        &[
            "capstan", "template", "chart", "--set", "a=b,c=d", "-f", "v.yaml", "-f", "w.yaml",
        ],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "--api-versions",
            "a/v1,b/v2",
            "-a",
            "c/v1",
        ],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "--dry-run=server",
            "--wait",
            "--debug",
        ],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "--kubeconfig",
            "/k",
            "--kube-context",
            "x",
        ],
        &[
            "capstan",
            "template",
            "-g",
            "chart",
            "--show-only",
            "templates/a.yaml",
        ],
        &["capstan", "template", "rel", "chart", "--bogus"],
        &["capstan", "template", "rel", "chart", "-Z"],
        &["capstan", "template", "rel", "chart", "--kube-version"],
        &["capstan", "template", "rel", "chart", "--burst-limit", "x"],
        &["capstan", "template", "--help"],
        &["capstan", "template", "-h"],
        &["capstan", "template", "--version"],
        &["capstan", "template"],
    ];
    for args in cases {
        assert_eq!(outcome(fast(args)), outcome(full(args)), "args {args:?}");
    }
}

#[test]
fn other_commands_take_the_full_definition() {
    for args in [
        &["capstan", "-n", "ns", "template", "rel", "chart"][..],
        &["capstan", "history", "rel"],
        &["capstan", "--help"],
        &["capstan"],
    ] {
        assert_eq!(outcome(fast(args)), outcome(full(args)), "args {args:?}");
    }
}

/// The reader without clap, in an environment where none of the global flags' variables
/// is set (the test process's own environment may set KUBECONFIG).
fn without_clap(args: &[&str]) -> Option<String> {
    let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    super::template_argv::parse_common_template_in(&args, |_| false)
        .map(|cli| format!("ok {cli:?}"))
}

/// clap's full definition, reading no environment variables.
fn full_without_env(args: &[&str]) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let cmd = Cli::command().mut_args(|a| a.env(None));
    let mut matches = cmd.try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches)
}

#[test]
fn common_template_lines_are_read_without_clap_as_clap_reads_them() {
    let answered: &[&[&str]] = &[
        &["capstan", "template", "rel", "chart"],
        &["capstan", "template", "chart"],
        &[
            "capstan",
            "template",
            "rel",
            "charts/keda",
            "--namespace",
            "keda",
            "--kube-version",
            "1.31.0",
            "-f",
            "values/a.yaml",
            "-f",
            "b.yaml",
            "--set",
            "a=b,c=d",
            "--set-string",
            "x=1",
            "--api-versions",
            "a/v1",
            "-a",
            "b/v2",
        ],
        &[
            "capstan",
            "template",
            "--namespace=ns",
            "rel",
            "--kube-version=1.30",
            "chart",
        ],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "--skip-tests",
            "--include-crds",
            "--skip-crds",
            "--is-upgrade",
            "--no-hooks",
            "--skip-schema-validation",
            "--output-dir",
            "/tmp/o",
            "-s",
            "templates/a.yaml",
            "--show-only=b.yaml",
        ],
        &["capstan", "template", "rel", "chart", "extra"],
    ];
    for args in answered {
        let quick = without_clap(args);
        assert!(quick.is_some(), "the common line {args:?} went to clap");
        assert_eq!(
            quick.unwrap(),
            outcome(full_without_env(args)),
            "args {args:?}"
        );
    }
    let declined: &[&[&str]] = &[
        &["capstan", "template", "rel", "chart", "--bogus"],
        &["capstan", "template", "rel", "chart", "--help"],
        &["capstan", "template", "rel", "chart", "--kube-version"],
        &["capstan", "template", "rel", "chart", "-n", "a", "-n", "b"],
        &[
            "capstan",
            "template",
            "rel",
            "chart",
            "--skip-tests",
            "--skip-tests",
        ],
        &["capstan", "template", "rel", "chart", "--skip-tests=true"],
        &["capstan", "template", "rel", "chart", "-f", "a.yaml,b.yaml"],
        &["capstan", "template", "rel", "chart", "-f", "-"],
        &["capstan", "template", "rel", "chart", "--namespace="],
        &["capstan", "template", "rel", "chart", "-nfoo"],
        &["capstan", "template", "rel", "--", "chart"],
        &["capstan", "template", "rel", "chart", "--debug"],
        &["capstan", "-n", "ns", "template", "rel", "chart"],
        &["capstan", "history", "rel"],
    ];
    for name in super::template_argv::GLOBAL_FLAG_ENV {
        let args: Vec<std::ffi::OsString> = ["capstan", "template", "rel", "chart"]
            .iter()
            .map(Into::into)
            .collect();
        let env_set = super::template_argv::parse_common_template_in(&args, |n| n == *name);
        assert!(env_set.is_none(), "{name} set, and clap was not asked");
    }
    for args in declined {
        assert_eq!(without_clap(args), None, "args {args:?}");
        // Whatever clap makes of them is what `parse` gives.
        assert_eq!(outcome(fast(args)), outcome(full(args)), "args {args:?}");
    }
}

#[test]
fn the_reader_without_clap_knows_every_environment_variable_of_the_global_flags() {
    use clap::CommandFactory;
    let mut from_clap: Vec<String> = Cli::command()
        .get_arguments()
        .filter_map(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
        .collect();
    let mut listed: Vec<String> = super::template_argv::GLOBAL_FLAG_ENV
        .iter()
        .map(|s| s.to_string())
        .collect();
    from_clap.sort();
    listed.sort();
    assert_eq!(listed, from_clap);
    let template_env: Vec<String> = Cli::command()
        .find_subcommand("template")
        .expect("template is defined")
        .get_arguments()
        .filter(|a| !a.is_global_set())
        .filter_map(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
        .collect();
    assert!(
        template_env.is_empty(),
        "template's own flags read {template_env:?}: the reader without clap must decline when they are set"
    );
}
