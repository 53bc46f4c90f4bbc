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
