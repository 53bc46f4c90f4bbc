//! How `capstan demo` shows the lifecycle's events: one short line per event, indented under
//! the step it belongs to, or the events themselves as JSON lines with `-o json`.

use std::io::Write;
use std::sync::Mutex;

use capstan_lifecycle::Event;

/// Prints events as they arrive. Shared by the lifecycle's event sink (called from the
/// executor's tasks), hence the lock around the output.
pub struct Printer {
    json: bool,
    out: Mutex<std::io::Stdout>,
    /// The last record written (revision, status, description): the executor stores the
    /// record again before each hook (its last run), which says nothing new to a reader.
    last_record: Mutex<Option<(i64, String, String)>>,
}

impl Printer {
    /// A printer for text (`json == false`) or JSON lines.
    pub fn new(json: bool) -> Self {
        Self {
            json,
            out: Mutex::new(std::io::stdout()),
            last_record: Mutex::new(None),
        }
    }

    /// Prints a line of the demo's own (step headers, outcomes); `json` instead in JSON mode.
    pub fn say(&self, text: &str, json: serde_json::Value) {
        if self.json {
            self.write(&json.to_string());
        } else {
            self.write(text);
        }
    }

    /// Prints one lifecycle event.
    pub fn event(&self, e: &Event) {
        if self.json {
            self.write(&serde_json::to_string(e).unwrap_or_default());
            return;
        }
        if let Event::ReleaseRecorded {
            revision,
            status,
            description,
            ..
        } = e
        {
            let now = Some((*revision, status.clone(), description.clone()));
            let mut last = self.last_record.lock().unwrap_or_else(|p| p.into_inner());
            if *last == now {
                return;
            }
            *last = now;
        }
        for line in event_lines(e) {
            self.write(&line);
        }
    }

    fn write(&self, line: &str) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        // A closed stdout (`capstan demo | head`) is not worth a panic.
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// The text lines of one event (none for events the demo leaves out).
pub fn event_lines(e: &Event) -> Vec<String> {
    match e {
        Event::PhaseStarted { phase } => vec![format!("   {phase}")],
        Event::PhaseFinished { phase, ok: false } => vec![format!("   {phase}: failed")],
        Event::PhaseFinished { .. } => Vec::new(),
        Event::HookCreated {
            kind, name, weight, ..
        } => vec![format!("     + {kind}/{name} created (weight {weight})")],
        Event::HookRunning {
            name,
            elapsed_secs,
            state,
        } => {
            let state = if state.is_empty() {
                String::new()
            } else {
                format!(", {state}")
            };
            vec![format!("       {name} running {elapsed_secs}s{state}")]
        }
        Event::HookSucceeded { kind, name } => vec![format!("     ok {kind}/{name} succeeded")],
        Event::HookFailed {
            kind,
            name,
            reason,
            diagnostics,
        } => {
            let mut lines = vec![format!("     FAILED {kind}/{name}: {reason}")];
            lines.extend(diagnostics.iter().map(|d| format!("         | {d}")));
            lines
        }
        Event::HookWarned { name, reason } => {
            vec![format!(
                "     warning {name} failed (policy warn): {reason}"
            )]
        }
        Event::HookDeleted { kind, name, policy } => {
            vec![format!("     - {kind}/{name} deleted ({policy})")]
        }
        Event::ResourceApplied {
            kind,
            name,
            created,
            ..
        } => {
            let verb = if *created { "created" } else { "applied" };
            vec![format!("     {verb} {kind}/{name}")]
        }
        Event::ResourceReady { kind, name } => vec![format!("     ready {kind}/{name}")],
        Event::ResourceDeleted { kind, name } => vec![format!("     deleted {kind}/{name}")],
        Event::ResourceKept { kind, name } => {
            vec![format!("     kept {kind}/{name} (resource-policy keep)")]
        }
        Event::ReleaseRecorded {
            revision,
            status,
            description,
            ..
        } => vec![format!(
            "     record: revision {revision} {status} ({description})"
        )],
        Event::ReleaseDeleted { revision, .. } => {
            vec![format!("     record: revision {revision} deleted")]
        }
        Event::Warning { message } => vec![format!("   warning: {message}")],
        Event::HookLogs { source, lines, .. } | Event::Logs { source, lines } => {
            let mut out = vec![format!("     logs of {source}:")];
            out.extend(lines.iter().map(|l| format!("         | {l}")));
            out
        }
    }
}
