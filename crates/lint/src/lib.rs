//! `capstan lint`: Helm's `helm lint` checks with its messages and exit rules, plus
//! hook-safety rules that Helm does not have.
//!
//! [`lint_path`] lints one chart directory (or `.tgz`). Helm's checks produce
//! [`Message`]s printed exactly as Helm 4 prints them (`[ERROR] templates/: ...`). The hook
//! rules produce [`Finding`]s with a rule id (`HOOK001`...), a severity, the template file,
//! the line of the offending field in that template's rendered output, and a fix hint; see
//! [`hooks::RULES`]. Both kinds decide the exit status the way Helm does: errors fail the
//! chart, warnings fail it under `--strict`.

pub mod deprecations;
pub mod helm_rules;
pub mod hooks;
pub mod locate;
pub mod names;
pub mod report;
pub mod sql;

use serde::Serialize;

/// How serious a problem is (Helm's `support.*Sev`, in increasing order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information (`[INFO]`), never fails a chart.
    Info,
    /// Against convention (`[WARNING]`), fails only with `--strict`.
    Warning,
    /// Will likely not work (`[ERROR]`).
    Error,
}

impl Severity {
    /// Helm's label: `INFO`, `WARNING`, `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One of Helm's lint messages: `[SEVERITY] path: text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Severity.
    pub severity: Severity,
    /// What Helm names as the place: `Chart.yaml`, `templates/`, `templates/x.yaml`, ...
    pub path: String,
    /// The message.
    pub text: String,
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.severity.label(),
            self.path,
            self.text
        )
    }
}

/// A hook-safety finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id, e.g. `HOOK001`.
    pub rule: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The template file inside the chart (`templates/hooks/migrate.yaml`; a subchart's
    /// templates as `charts/sub/templates/x.yaml`).
    pub file: String,
    /// 1-based line of the offending field in that template's rendered output.
    pub line: usize,
    /// The line of the template source that produced it, when the rendered line appears
    /// verbatim exactly once in the source (not for text made by helpers or loops).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<usize>,
    /// The hook resource (`Job/name`).
    pub resource: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: &'static str,
}

/// What to lint with (Helm's `action.Lint` fields and the values flags).
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// `--namespace` (Helm lints with the namespace of the current context, `default`).
    pub namespace: String,
    /// `--kube-version`, already parsed.
    pub kube_version: Option<capstan_render::objects::KubeVersion>,
    /// `--strict`: warnings fail the chart too.
    pub strict: bool,
    /// `--skip-schema-validation`
    pub skip_schema_validation: bool,
    /// The merged `-f`/`--set` values.
    pub values: capstan_chart::Values,
    /// Run the hook-safety rules (on by default in the CLI).
    pub hook_rules: bool,
}

/// The result of linting one chart path.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ChartReport {
    /// The path as given.
    pub path: String,
    /// Helm's messages, in Helm's order.
    pub messages: Vec<Message>,
    /// Hook-safety findings, by file and line.
    pub findings: Vec<Finding>,
    /// A failure before any rule could run (`unable to check Chart.yaml file in chart: ...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_error: Option<String>,
    /// Whether the chart failed (an error, or a warning with `--strict`).
    pub failed: bool,
}

impl ChartReport {
    /// Helm's `HasWarningsOrErrors`, counting findings too.
    pub fn has_warnings_or_errors(&self) -> bool {
        self.load_error.is_some()
            || self.messages.iter().any(|m| m.severity > Severity::Info)
            || self.findings.iter().any(|f| f.severity > Severity::Info)
    }
}

/// Lints the chart at `path` (a directory or a `.tgz`/`.tar.gz`).
pub fn lint_path(path: &str, opts: &LintOptions) -> ChartReport {
    let mut report = ChartReport {
        path: path.to_string(),
        ..ChartReport::default()
    };
    let dir = match helm_rules::chart_dir(path) {
        Ok(dir) => dir,
        Err(e) => {
            report.load_error = Some(e);
            report.failed = true;
            return report;
        }
    };
    let outcome = helm_rules::run_all(dir.path(), opts);
    report.messages = outcome.messages;
    if opts.hook_rules {
        if let Some(rendered) = &outcome.rendered {
            report.findings = hooks::check(rendered);
        }
    }
    let lowest = if opts.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    report.failed = report.messages.iter().any(|m| m.severity >= lowest)
        || report.findings.iter().any(|f| f.severity >= lowest);
    report
}

/// One rendered template file of the chart being linted.
#[derive(Clone, Debug)]
pub struct RenderedFile {
    /// The path inside the chart (`templates/x.yaml`, `charts/sub/templates/x.yaml`).
    pub file: String,
    /// The rendered text.
    pub content: String,
    /// The template source.
    pub source: String,
}
