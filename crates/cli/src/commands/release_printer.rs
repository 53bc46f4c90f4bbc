//! helm's status printer: the `NAME: … / LAST DEPLOYED: … / … / NOTES:` block that `helm
//! status`, `helm get all`, `install`, `upgrade` and `test` print.

use capstan_release::gojson::GoMap;
use capstan_release::Release;

use super::output::{format_time, is_set, yaml_doc, ANSIC};

/// What to show besides the basic block.
#[derive(Debug, Default, Clone, Copy)]
pub struct View<'a> {
    /// The `RESOURCES:` body (from `release_resources::print_tables`), if any.
    pub resources: Option<&'a str>,
    /// CHART / VERSION / APP_VERSION lines (`helm get all`).
    pub show_metadata: bool,
    /// User-supplied and computed values, hooks and manifest (`helm get all`).
    pub debug: bool,
    /// Leave out NOTES (`--hide-notes`).
    pub hide_notes: bool,
}

fn json_map(m: &GoMap) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    match serde_json::to_value(m)? {
        serde_json::Value::Object(o) => Ok(o),
        _ => Ok(serde_json::Map::new()),
    }
}

/// The values the release's templates saw: the stored config coalesced over the stored
/// chart's values (helm's `CoalesceValues(rel.Chart, rel.Config)`; subcharts are not
/// stored, so only the top chart's defaults take part, as in helm).
pub fn computed_values(rel: &Release) -> anyhow::Result<serde_json::Value> {
    let mut vals = json_map(&rel.config)?;
    if let Some(defaults) = rel.chart.as_ref().and_then(|c| c.values.as_ref()) {
        capstan_chart::values::coalesce_tables(&mut vals, json_map(defaults)?);
    }
    Ok(serde_json::Value::Object(vals))
}

/// The user-supplied values as helm holds them: `null` when none were given.
pub fn user_values(rel: &Release) -> anyhow::Result<serde_json::Value> {
    if rel.config.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    Ok(serde_json::Value::Object(json_map(&rel.config)?))
}

/// The status block of `rel`.
pub fn status_table(rel: &Release, view: View<'_>) -> anyhow::Result<String> {
    let mut out = String::new();
    let info = rel.info.clone().unwrap_or_default();
    out.push_str(&format!("NAME: {}\n", rel.name));
    if is_set(info.last_deployed.as_ref()) {
        out.push_str(&format!(
            "LAST DEPLOYED: {}\n",
            format_time(info.last_deployed.as_ref(), ANSIC)
        ));
    }
    out.push_str(&format!("NAMESPACE: {}\n", rel.namespace));
    out.push_str(&format!("STATUS: {}\n", info.status));
    out.push_str(&format!("REVISION: {}\n", rel.version));
    if view.show_metadata {
        let md = rel
            .chart
            .as_ref()
            .and_then(|c| c.metadata.clone())
            .unwrap_or_default();
        out.push_str(&format!("CHART: {}\n", md.name));
        out.push_str(&format!("VERSION: {}\n", md.version));
        out.push_str(&format!("APP_VERSION: {}\n", md.app_version));
    }
    out.push_str(&format!("DESCRIPTION: {}\n", info.description));
    if let Some(body) = view.resources.filter(|b| !b.is_empty()) {
        out.push_str(&format!("RESOURCES:\n{body}\n"));
    }
    let tests: Vec<_> = rel
        .hooks
        .iter()
        .filter(|h| h.events.iter().any(|e| e == "test"))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    }
    for h in tests {
        // A test that never ran is not shown.
        if !is_set(h.last_run.started_at.as_ref()) {
            continue;
        }
        out.push_str(&format!(
            "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
            h.name,
            format_time(h.last_run.started_at.as_ref(), ANSIC),
            format_time(h.last_run.completed_at.as_ref(), ANSIC),
            h.last_run.phase
        ));
    }
    if view.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&yaml_doc(&user_values(rel)?)?);
        out.push('\n');
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&yaml_doc(&computed_values(rel)?)?);
        out.push('\n');
    }
    if view.debug || info.description.eq_ignore_ascii_case("Dry run complete") {
        out.push_str("HOOKS:\n");
        for h in &rel.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", rel.manifest));
    }
    if !view.hide_notes && !info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", info.notes.trim()));
    }
    Ok(out)
}
