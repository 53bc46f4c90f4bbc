//! Helm's template engine (`pkg/engine`): every template of a chart and its subcharts is
//! parsed into one set (deepest paths first, so a shallower `define` wins), each
//! non-partial template is executed with its chart's data, `<no value>` is blanked, and
//! errors are reformatted as Helm 4 prints them.

use std::collections::BTreeMap;
use std::sync::Arc;

use capstan_chart::Chart;
use capstan_gotmpl::{Error as TmplError, FuncMap, MissingKey, Templates, Value};

use crate::data::{chart_map, named_map, values_table, ReleaseInfo};
use crate::functions::helm_functions;
use crate::objects::{Capabilities, Files};

/// What the top-level templates see besides the chart: `.Release`, `.Capabilities` and the
/// computed `.Values`.
#[derive(Clone)]
pub struct RenderContext {
    /// `.Release`
    pub release: ReleaseInfo,
    /// `.Capabilities`
    pub capabilities: Arc<Capabilities>,
    /// `.Values` of the top-level chart, as `capstan_chart::helm_values` computed them.
    pub values: capstan_chart::Values,
}

/// Helm's `lookup` against a cluster: `(apiVersion, kind, namespace, name)` to the object as
/// the API returns it (a `<Kind>List` when `name` is empty, `{}` when absent), or the error
/// text the template fails with.
pub type LookupFn =
    Arc<dyn Fn(&str, &str, &str, &str) -> Result<serde_json::Value, String> + Send + Sync>;

/// Engine options (Helm's `Engine` fields).
#[derive(Clone, Default)]
pub struct EngineOptions {
    /// `missingkey=error` instead of `missingkey=zero` (`--strict` lint).
    pub strict: bool,
    /// Lint mode: `required` and `fail` only warn.
    pub lint_mode: bool,
    /// The cluster behind `lookup` (Helm's client provider); `None` (`template`, client dry
    /// runs, lint) makes `lookup` return an empty map.
    pub lookup: Option<LookupFn>,
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("strict", &self.strict)
            .field("lint_mode", &self.lint_mode)
            .field("lookup", &self.lookup.is_some())
            .finish()
    }
}

/// A render failure, with the text Helm prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

struct Renderable {
    /// The template's text, shared with the chart unless it had to be made UTF-8.
    text: Arc<str>,
    data: BTreeMap<String, Value>,
    base_path: String,
}

/// Renders every template of `chart` (after dependency processing) and returns the output
/// of each non-partial template by its full name (`top/templates/x.yaml`).
pub fn render(
    chart: &Chart,
    ctx: &RenderContext,
    opts: EngineOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut templates = BTreeMap::new();
    let top = values_table(&ctx.values);
    collect(
        chart,
        chart.name().to_string(),
        true,
        &top,
        ctx,
        &mut templates,
    );

    // Helm parses deepest paths first and, at equal depth, in reverse byte order.
    let mut keys: Vec<&String> = templates.keys().collect();
    keys.sort_by(|a, b| {
        let (da, db) = (a.matches('/').count(), b.matches('/').count());
        db.cmp(&da).then_with(|| b.cmp(a))
    });

    // Parsing and execution run here, each within the engine's stack budget; only a
    // template nested too deep for it is redone on a big-stack thread. Running the whole
    // render on such a thread cost about a millisecond per render (creating the thread,
    // and tearing down its 4 GiB stack mapping at the end).
    {
        let mut set = Templates::new("gotpl");
        set.option_missingkey(if opts.strict {
            MissingKey::Error
        } else {
            MissingKey::Zero
        });
        let funcs: FuncMap = helm_functions(opts);
        set.funcs(funcs);
        let files: Vec<(&str, Arc<str>)> = keys
            .iter()
            .map(|name| (name.as_str(), Arc::clone(&templates[*name].text)))
            .collect();
        set.parse_files(&files)
            .map_err(|(i, e)| cleanup_parse_error(files[i].0, &e))?;
        let mut rendered = BTreeMap::new();
        for name in &keys {
            if base_name(name).starts_with('_') {
                continue;
            }
            let r = &templates[*name];
            let mut data = r.data.clone();
            let mut tmpl = BTreeMap::new();
            tmpl.insert("Name".to_string(), Value::str(name.as_str()));
            tmpl.insert("BasePath".to_string(), Value::str(r.base_path.as_str()));
            data.insert("Template".to_string(), named_map(tmpl));
            let out = set
                .execute(name, &named_map(data))
                .map_err(|e| reformat_exec_error(name, &e))?;
            rendered.insert((*name).clone(), without_no_value(out));
        }
        set.drop_in_background();
        Ok(rendered)
    }
}

/// Helm drops every `<no value>` from a rendered file; most files have none, so look
/// before copying.
pub(crate) fn without_no_value(out: String) -> String {
    if memchr::memmem::find(out.as_bytes(), b"<no value>").is_none() {
        return out;
    }
    out.replace("<no value>", "")
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Helm's `recAllTpls`: builds each chart's data (`.Chart`, `.Files`, `.Values` scoped to
/// the subchart, `.Subcharts`) and registers its templates. Returns the chart's data map.
fn collect(
    chart: &Chart,
    full_path: String,
    is_root: bool,
    parent_values: &Value,
    ctx: &RenderContext,
    out: &mut BTreeMap<String, Renderable>,
) -> BTreeMap<String, Value> {
    let values = if is_root {
        parent_values.clone()
    } else {
        // `values.Table("Values." + name)`: the subchart's section when it is a map.
        match parent_values {
            Value::Map(m) => match m.get(chart.name()) {
                Some(Value::Map(sub)) => named_map(sub.snapshot()),
                _ => named_map(BTreeMap::new()),
            },
            _ => named_map(BTreeMap::new()),
        }
    };
    let files = Files {
        files: chart
            .files
            .iter()
            .map(|f| (f.name.clone(), Arc::clone(&f.data)))
            .collect(),
        to_yaml: Some(crate::functions::to_yaml_string),
    };
    let mut data = BTreeMap::new();
    data.insert("Chart".to_string(), chart_map(&chart.metadata, is_root));
    data.insert("Files".to_string(), Value::Object(Arc::new(files)));
    data.insert("Release".to_string(), ctx.release.to_value());
    data.insert(
        "Capabilities".to_string(),
        Value::Object(ctx.capabilities.clone()),
    );
    data.insert("Values".to_string(), values.clone());

    let mut subcharts = BTreeMap::new();
    for dep in &chart.dependencies {
        let child_path = format!("{full_path}/charts/{}", dep.name());
        let child = collect(dep, child_path, false, &values, ctx, out);
        subcharts.insert(dep.name().to_string(), Value::map(child));
    }
    data.insert("Subcharts".to_string(), Value::map(subcharts));

    let library = chart.is_library();
    for t in &chart.templates {
        if library && !base_name(&t.name).starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                // `from_utf8_lossy` alone is many times slower on the valid text of nearly
                // every chart.
                text: t
                    .shared_text()
                    .unwrap_or_else(|| Arc::from(String::from_utf8_lossy(&t.data))),
                data: data.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    data
}

/// Helm's `cleanupParseError`.
fn cleanup_parse_error(filename: &str, err: &TmplError) -> RenderError {
    let text = err.to_string();
    let tokens: Vec<&str> = text.split(": ").collect();
    if tokens.len() == 1 {
        return RenderError(format!("parse error in ({filename}): {text}"));
    }
    RenderError(format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    ))
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// Wraps a `required`/`fail` message so the error reformatting can find it.
pub(crate) fn warn_wrap(msg: &str) -> String {
    format!("{WARN_START}{msg}{WARN_END}")
}

#[derive(PartialEq, Eq)]
struct Traceable {
    location: String,
    message: String,
    executed_function: String,
}

impl Traceable {
    fn render(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed_function.is_empty() {
            out.push_str(&self.executed_function);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

fn cut_at_template(msg: &str) -> &str {
    match msg.find(" template:") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// Helm's `parseTemplateExecErrorString` for one link of the error chain.
fn parse_link(s: &str) -> Option<Traceable> {
    let remainder = s.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(Traceable {
            location: String::new(),
            message: s.to_string(),
            executed_function: String::new(),
        });
    }
    if let Some((template_name, after)) = remainder.split_once(": executing ") {
        if let Some(after) = after.strip_prefix('"') {
            if let Some(end) = after.find('"') {
                let function = &after[..end];
                if let Some(after_at) = after[end + 1..].strip_prefix(" at <") {
                    if let Some((location, msg)) = after_at.split_once(">: ") {
                        return Some(Traceable {
                            location: template_name.to_string(),
                            message: cut_at_template(msg).to_string(),
                            executed_function: format!("executing \"{function}\" at <{location}>:"),
                        });
                    }
                }
            }
        }
        // Not the executing-at shape: fall through to the simple form like Helm.
    }
    let sep = remainder.rfind(": ")?;
    Some(Traceable {
        location: remainder[..sep].to_string(),
        message: cut_at_template(&remainder[sep + 2..]).to_string(),
        executed_function: String::new(),
    })
}

/// The texts of the error chain Go builds for an execution error: each `error calling
/// NAME: ` wraps the function's error with `%w`, so the chain continues with that error's
/// text; any other error ends the chain.
fn chain_links(text: &str) -> Vec<&str> {
    let mut links = vec![text];
    let mut rest = text;
    while let Some(i) = rest.find("error calling ") {
        let after = &rest[i + "error calling ".len()..];
        let Some(colon) = after.find(": ") else { break };
        let name = &after[..colon];
        if name.is_empty() || name.contains(' ') {
            break;
        }
        let inner = &after[colon + 2..];
        links.push(inner);
        rest = inner;
    }
    links
}

/// Helm's `reformatExecErrorMsg`.
fn reformat_exec_error(filename: &str, err: &TmplError) -> RenderError {
    if !matches!(err, TmplError::Exec { .. }) {
        return RenderError(err.to_string());
    }
    let text = err.to_string();
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return RenderError(format!("execution error in ({filename}): {text}"));
    }
    let location = tokens[1];
    if let Some(start) = tokens[2].find(WARN_START) {
        let body = &tokens[2][start + WARN_START.len()..];
        if let Some(end) = body.rfind(WARN_END) {
            return RenderError(format!("execution error at ({location}): {}", &body[..end]));
        }
    }
    let mut traces: Vec<Traceable> = Vec::new();
    for link in chain_links(&text) {
        match parse_link(link) {
            Some(t) => {
                if traces.last() != Some(&t) {
                    traces.push(t);
                }
            }
            None => return RenderError(text),
        }
    }
    let mut out = String::new();
    for t in &traces {
        t.render(&mut out);
    }
    RenderError(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_errors_are_reformatted_like_helm() {
        let e = TmplError::Exec {
            name: "c/templates/t.yaml".into(),
            location: Some(capstan_gotmpl::Location { parse_name: "c/templates/t.yaml".into(), line: 1, col: 3 }),
            context: "include \"x\" .".into(),
            message: "error calling include: template: c/templates/_h.tpl:1:14: executing \"x\" at <.a.b>: nil pointer evaluating interface {}.b".into(),
        };
        assert_eq!(
            reformat_exec_error("c/templates/t.yaml", &e).0,
            "c/templates/t.yaml:1:3\n  executing \"c/templates/t.yaml\" at <include \"x\" .>:\n    error calling include:\nc/templates/_h.tpl:1:14\n  executing \"x\" at <.a.b>:\n    nil pointer evaluating interface {}.b"
        );
        let req = TmplError::Exec {
            name: "c/templates/t.yaml".into(),
            location: Some(capstan_gotmpl::Location {
                parse_name: "c/templates/t.yaml".into(),
                line: 2,
                col: 5,
            }),
            context: "required \"m\" .x".into(),
            message: "error calling required: HELM_ERR_STARTx is requiredHELM_ERR_END".into(),
        };
        assert_eq!(
            reformat_exec_error("c/templates/t.yaml", &req).0,
            "execution error at (c/templates/t.yaml:2:5): x is required"
        );
    }

    #[test]
    fn parse_errors_are_cleaned_like_helm() {
        let e = TmplError::Parse {
            name: "c/templates/t.yaml".into(),
            line: 3,
            message: "unexpected EOF".into(),
        };
        assert_eq!(
            cleanup_parse_error("c/templates/t.yaml", &e).0,
            "parse error at (c/templates/t.yaml:3): unexpected EOF"
        );
    }
}
