//! Dependency processing (Helm's `ProcessDependencies`): aliases, `condition`, `tags`,
//! removal of disabled subcharts, and `import-values`.
//!
//! The order of operations, and which values each step looks at, follow Helm exactly,
//! including its quirks: conditions are looked up with the full dotted path from the
//! top-level chart in values coalesced so far; tags are read from the top-level `tags`
//! table; a dependency whose `version` constraint does not match the chart found in
//! `charts/` is not aliased and the unmatched chart stays under its own name; imports
//! are processed bottom-up with nulls kept (Helm merges rather than coalesces here).

use serde_json::Value;

use crate::chart::Chart;
use crate::imports;
use crate::metadata::Dependency;
use crate::semver::is_compatible_range;
use crate::values::{self, CoalesceError, Values};

/// Checks that every dependency in `Chart.yaml` has a chart under `charts/` (Helm's
/// `CheckDependencies`, run before installing or templating).
pub fn check_dependencies(chart: &Chart) -> Result<(), MissingDependencies> {
    let missing: Vec<String> = chart
        .metadata
        .deps()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(MissingDependencies(missing))
    }
}

/// Dependencies named in `Chart.yaml` that are not in `charts/`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}", .0.join(", "))]
pub struct MissingDependencies(pub Vec<String>);

/// Helm's `ProcessDependencies`: decides which subcharts are enabled (removing the
/// others from `chart`, recursively), applies aliases, then processes `import-values`
/// (which rewrites the `values` of every chart that has enabled dependencies).
pub fn process_dependencies(chart: &mut Chart, user: &Values) -> Result<(), CoalesceError> {
    process_dependencies_logged(chart, user, &mut Vec::new())
}

/// [`process_dependencies`], appending the lines Helm logs on the way (slog text format:
/// `level=INFO msg="warning: ..."` from coalescing, `level=WARN msg="returned non-bool
/// value" path=a.enabled chart=a`, `level=WARN msg="ImportValues missing table" ...`).
pub fn process_dependencies_logged(
    chart: &mut Chart,
    user: &Values,
    log: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    process_enabled(chart, user, "", log)?;
    process_imports(chart, log)
}

/// Quotes a slog text value the way Go's handler does (only when needed).
pub fn slog_value(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| !c.is_whitespace() && c != '"' && c != '=' && !c.is_control());
    if plain {
        s.to_string()
    } else {
        crate::yaml::go_quote(s)
    }
}

/// Helm's coalescing messages as the `level=INFO` lines Helm 4 prints.
pub fn info_lines(raw: Vec<String>) -> impl Iterator<Item = String> {
    raw.into_iter()
        .map(|m| format!("level=INFO msg={}", slog_value(&m)))
}

fn coalesce_logged(
    c: &Chart,
    v: &Values,
    merge: bool,
    log: &mut Vec<String>,
) -> Result<Values, CoalesceError> {
    let mut raw = Vec::new();
    let out = if merge {
        values::merge_values_logged(c, v, &mut raw)
    } else {
        values::coalesce_values_logged(c, v, &mut raw)
    };
    log.extend(info_lines(raw));
    out
}

/// The copy of a `charts/` chart a dependency entry refers to, renamed to its alias.
fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let found = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = found.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

fn process_enabled(
    c: &mut Chart,
    v: &Values,
    path: &str,
    log: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let mut chart_deps: Vec<Chart> = Vec::new();
    for ex in &existing {
        let referenced = c
            .metadata
            .deps()
            .any(|r| ex.name() == r.name && is_compatible_range(&r.version, &ex.metadata.version));
        if !referenced {
            chart_deps.push(ex.clone());
        }
    }
    for req in c.metadata.dependencies.iter_mut().flatten() {
        if let Some(d) = alias_dependency(&existing, req) {
            chart_deps.push(d);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for req in c.metadata.dependencies.iter_mut().flatten() {
        req.enabled = true;
    }
    let cvals = coalesce_logged(c, v, false, log)?;
    apply_tags(c, &cvals, log);
    apply_conditions(c, &cvals, path, log);

    let disabled: Vec<String> = c
        .metadata
        .deps()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !disabled.iter().any(|n| n == d.name()));
    c.metadata
        .dependencies
        .retain(|r| r.as_ref().is_some_and(|r| !disabled.contains(&r.name)));
    for sub in &mut c.dependencies {
        let subpath = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &subpath, log)?;
    }
    Ok(())
}

fn apply_tags(c: &mut Chart, cvals: &Values, log: &mut Vec<String>) {
    let Some(Value::Object(tags)) = cvals.get("tags") else {
        return;
    };
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let (mut has_true, mut has_false) = (false, false);
        for t in &r.tags {
            match tags.get(t) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => log.push(format!(
                    "level=WARN msg=\"returned non-bool value\" tag={} chart={}",
                    slog_value(t),
                    slog_value(&r.name)
                )),
                None => {}
            }
        }
        // Disabled only when some tag is false and none is true.
        r.enabled = has_true || !has_false;
    }
}

fn apply_conditions(c: &mut Chart, cvals: &Values, path: &str, log: &mut Vec<String>) {
    for r in c.metadata.dependencies.iter_mut().flatten() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            match values::path_value(cvals, &format!("{path}{cond}")) {
                Some(Value::Bool(b)) => {
                    r.enabled = *b;
                    break;
                }
                // A non-bool value only warns; the next condition is tried.
                Some(_) => log.push(format!(
                    "level=WARN msg=\"returned non-bool value\" path={} chart={}",
                    slog_value(cond),
                    slog_value(&r.name)
                )),
                None => {}
            }
        }
    }
}

/// Go's `fmt.Sprintf("%v", x)` for the child/parent entries of an import map.
fn go_v(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "<nil>".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.as_f64().map(crate::yaml::format_g64).unwrap_or_default(),
        Some(other) => other.to_string(),
    }
}

fn process_imports(c: &mut Chart, log: &mut Vec<String>) -> Result<(), CoalesceError> {
    for d in &mut c.dependencies {
        process_imports(d, log)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    // Go semantics from here on: tables are shared references (see crate::imports).
    let cvals = imports::from_values(&coalesce_logged(c, &Values::new(), true, log)?);
    let b = imports::from_values(&Values::new());
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let mut out_iv = Vec::new();
        for riv in &r.import_values {
            let (child, parent, from_map) = match riv {
                Value::Object(iv) => (go_v(iv.get("child")), go_v(iv.get("parent")), true),
                Value::String(iv) => (format!("exports.{iv}"), ".".to_string(), false),
                _ => continue,
            };
            let mut m = serde_json::Map::new();
            m.insert("child".into(), Value::String(child.clone()));
            m.insert("parent".into(), Value::String(parent.clone()));
            out_iv.push(Value::Object(m));
            // A missing table is only a warning in Helm.
            match imports::table_or_missing(&cvals, &format!("{}.{}", r.name, child)) {
                Ok(vv) => imports::merge_tables(&b, &imports::path_to_map(&parent, vv)),
                Err(missing) => {
                    let err = slog_value(&format!(
                        "{} is not a table",
                        crate::yaml::go_quote(&missing)
                    ));
                    log.push(if from_map {
                        format!(
                            "level=WARN msg=\"ImportValues missing table from chart\" chart={} error={err}",
                            slog_value(&r.name)
                        )
                    } else {
                        format!("level=WARN msg=\"ImportValues missing table\" error={err}")
                    });
                }
            }
        }
        r.import_values = out_iv;
    }
    // Helm deep-copies the merged values (after the imports above may have changed
    // them through shared tables) and fills in what they lack from the imports.
    let mut merged = imports::to_values(&cvals);
    let mut raw = Vec::new();
    values::merge_tables_logged(&mut merged, imports::to_values(&b), &mut raw);
    log.extend(info_lines(raw));
    c.values = merged;
    Ok(())
}
