//! The plan report as text: a header, the numbered timeline with a hook table under each
//! hook phase, what a failure does, and the resources by fate.

use std::fmt::Write;

use super::diff::short;
use super::report::{HookLine, Obj, Report};

/// The whole report.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let action = serde_json::to_value(r.action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "PLAN: {action} of release {:?} in namespace {:?}, revision {}",
        r.release, r.namespace, r.revision
    );
    match &r.cluster.note {
        None => {
            let _ = writeln!(s, "cluster: read (resources compared with live objects)");
        }
        Some(n) => {
            let _ = writeln!(s, "cluster: not read ({n})");
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "WARNING: {w}");
    }
    let _ = writeln!(s, "\nTIMELINE");
    for (i, p) in r.timeline.iter().enumerate() {
        let _ = writeln!(s, "{:>3}. {}: {}", i + 1, p.phase, p.detail);
        if !p.hooks.is_empty() {
            hook_table(&mut s, &p.hooks);
        }
    }
    let _ = writeln!(s, "\nIF A STEP FAILS");
    for line in &r.on_failure_text {
        let _ = writeln!(s, "  - {line}");
    }
    let _ = writeln!(s, "\nRESOURCES");
    let res = &r.resources;
    let total = res.create.len()
        + res.change.len()
        + res.unchanged.len()
        + res.delete.len()
        + res.keep.len();
    if total == 0 {
        let _ = writeln!(s, "  (none)");
    }
    objs(&mut s, "create", &res.create);
    for c in &res.change {
        let _ = writeln!(s, "  {:<10}{}", "change", describe(&c.obj));
        for f in &c.fields {
            let _ = writeln!(
                s,
                "              {}: {} -> {}",
                f.path,
                short(&f.from),
                short(&f.to)
            );
        }
        if c.more_fields > 0 {
            let _ = writeln!(s, "              ... and {} more field(s)", c.more_fields);
        }
    }
    objs(&mut s, "unchanged", &res.unchanged);
    objs(&mut s, "delete", &res.delete);
    objs(&mut s, "keep", &res.keep);
    s
}

fn describe(o: &Obj) -> String {
    let mut d = format!("{}/{}", o.r.kind, o.r.name);
    if !o.path.is_empty() {
        let _ = write!(d, "  ({})", o.path);
    }
    d
}

fn objs(s: &mut String, label: &str, list: &[Obj]) {
    for o in list {
        let _ = writeln!(s, "  {label:<10}{}", describe(o));
    }
}

fn hook_table(s: &mut String, hooks: &[HookLine]) {
    let rows: Vec<[String; 4]> = hooks
        .iter()
        .map(|h| {
            [
                h.weight.to_string(),
                h.kind.clone(),
                h.name.clone(),
                h.delete_policies.join(","),
            ]
        })
        .collect();
    let head = ["WEIGHT", "KIND", "NAME", "DELETE POLICY"];
    let mut width = head.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.len());
        }
    }
    let line = |cells: [&str; 4]| {
        format!(
            "       {:<w0$}  {:<w1$}  {:<w2$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = width[0],
            w1 = width[1],
            w2 = width[2]
        )
    };
    let _ = writeln!(s, "{}", line(head));
    for (r, h) in rows.iter().zip(hooks) {
        let _ = writeln!(s, "{}", line([&r[0], &r[1], &r[2], &r[3]]));
        let _ = writeln!(s, "         on success: {}", h.on_success);
        let _ = writeln!(s, "         on failure: {}", h.on_failure);
    }
}
