//! Output of `capstan lint`: Helm's text layout (with hook findings added as extra lines in
//! the same `[SEVERITY] place: message` form) and a JSON document.

use serde::Serialize;

use crate::{ChartReport, Severity};

/// The text `helm lint` prints on stdout for these reports, and the summary that becomes the
/// `Error: ...` message (exit 1) when a chart failed.
pub struct TextOutput {
    /// What goes to stdout.
    pub stdout: String,
    /// `Some(summary)` when a chart failed: printed as `Error: <summary>`, exit status 1.
    pub failure: Option<String>,
}

/// Formats reports as Helm's `lint` command does.
pub fn text(reports: &[ChartReport], quiet: bool) -> TextOutput {
    let mut out = String::new();
    let mut failed = 0;
    let mut with_problems = 0;
    for r in reports {
        let problems = r.has_warnings_or_errors();
        if problems {
            with_problems += 1;
        }
        if r.failed {
            failed += 1;
        }
        if quiet && !problems {
            continue;
        }
        out.push_str(&format!("==> Linting {}\n", r.path));
        if let Some(e) = &r.load_error {
            out.push_str(&format!("Error {e}\n"));
        }
        for m in &r.messages {
            if !quiet || m.severity > Severity::Info {
                out.push_str(&format!("{m}\n"));
            }
        }
        for f in &r.findings {
            if !quiet || f.severity > Severity::Info {
                // The rendered line, and the source line when the two differ.
                let place = match f.source_line {
                    Some(n) if n != f.line => format!("{}:{} (source line {n})", f.file, f.line),
                    _ => format!("{}:{}", f.file, f.line),
                };
                out.push_str(&format!(
                    "[{}] {}: {} {} ({})\n\tfix: {}\n",
                    f.severity.label(),
                    place,
                    f.rule,
                    f.message,
                    f.resource,
                    f.hint
                ));
            }
        }
        out.push('\n');
    }
    let summary = format!(
        "{} chart(s) linted, {} chart(s) failed",
        reports.len(),
        failed
    );
    if failed > 0 {
        return TextOutput {
            stdout: out,
            failure: Some(summary),
        };
    }
    if !quiet || with_problems > 0 {
        out.push_str(&summary);
        out.push('\n');
    }
    TextOutput {
        stdout: out,
        failure: None,
    }
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    charts: &'a [ChartReport],
    linted: usize,
    failed: usize,
    rules: &'static [crate::hooks::Rule],
}

/// The JSON document of `capstan lint -o json`.
pub fn json(reports: &[ChartReport]) -> String {
    let doc = JsonOutput {
        charts: reports,
        linted: reports.len(),
        failed: reports.iter().filter(|r| r.failed).count(),
        rules: crate::hooks::RULES,
    };
    serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}
