//! The `Chart.yaml` rules (`rules/chartfile.go`).

use std::path::Path;

use capstan_chart::metadata::Metadata;
use capstan_chart::semver::{Constraints, Version};
use serde_json::Value;

use super::{io_text, Linter};
use crate::Severity;

// ---------------------------------------------------------------------------------------
// Chart.yaml

pub(super) fn chartfile(l: &mut Linter, dir: &Path) {
    let name = "Chart.yaml";
    let path = dir.join(name);
    let is_dir = path.is_dir();
    l.rule(
        Severity::Error,
        name,
        if is_dir {
            Err("should be a file, not a directory".into())
        } else {
            Ok(())
        },
    );
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            l.rule(
                Severity::Error,
                name,
                Err(format!(
                    "unable to parse YAML\n\tread {}: {}",
                    path.display(),
                    if is_dir {
                        "is a directory".to_string()
                    } else {
                        io_text(&e)
                    }
                )),
            );
            return;
        }
    };
    let md = match Metadata::from_yaml(&text) {
        Ok(md) => md,
        Err(e) => {
            l.rule(
                Severity::Error,
                name,
                Err(format!("unable to parse YAML\n\t{e}")),
            );
            return;
        }
    };
    let raw = capstan_chart::yaml::from_str(&text).unwrap_or(Value::Null);
    l.rule(Severity::Warning, name, strict_fields(&raw));
    l.rule(Severity::Error, name, chart_name(&md));
    l.rule(Severity::Error, name, api_version(&raw));
    l.rule(Severity::Error, name, string_typed(&raw, "version"));
    l.rule(Severity::Error, name, version(&md));
    l.rule(Severity::Error, name, string_typed(&raw, "appVersion"));
    l.rule(Severity::Error, name, maintainers(&md));
    l.rule(Severity::Error, name, sources(&md));
    l.rule(
        Severity::Info,
        name,
        if md.icon.is_empty() {
            Err("icon is recommended".into())
        } else {
            Ok(())
        },
    );
    l.rule(
        Severity::Error,
        name,
        if !md.icon.is_empty() && !is_request_url(&md.icon) {
            Err(format!("invalid icon URL '{}'", md.icon))
        } else {
            Ok(())
        },
    );
    let api = raw_str(&raw, "apiVersion");
    l.rule(
        Severity::Error,
        name,
        if !md.chart_type.is_empty() && api != "v2" {
            Err(format!(
                "chart type is not valid in apiVersion '{api}'. It is valid in apiVersion 'v2'"
            ))
        } else {
            Ok(())
        },
    );
    l.rule(
        Severity::Error,
        name,
        if !md.dependencies.is_empty() && api != "v2" {
            Err(format!("dependencies are not valid in the Chart file with apiVersion '{api}'. They are valid in apiVersion 'v2'"))
        } else {
            Ok(())
        },
    );
    l.rule(
        Severity::Warning,
        name,
        match Version::parse_strict(&md.version) {
            Ok(_) => Ok(()),
            Err(_) => Err(format!("version '{}' is not a valid SemVerV2", md.version)),
        },
    );
}

fn raw_str(raw: &Value, key: &str) -> String {
    match raw.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => capstan_chart::values::go_v(other),
    }
}

/// Chart.yaml fields Helm's `chart.Metadata` knows (strict parsing rejects others).
const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

fn strict_fields(raw: &Value) -> Result<(), String> {
    let Some(map) = raw.as_object() else {
        return Ok(());
    };
    for key in map.keys() {
        if !METADATA_FIELDS.contains(&key.as_str()) {
            return Err(format!(
                "failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field {key:?}"
            ));
        }
    }
    Ok(())
}

fn chart_name(md: &Metadata) -> Result<(), String> {
    if md.name.is_empty() {
        return Err("name is required".into());
    }
    let base = md
        .name
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if base != md.name {
        return Err(format!("chart name {:?} is invalid", md.name));
    }
    Ok(())
}

fn api_version(raw: &Value) -> Result<(), String> {
    let api = raw_str(raw, "apiVersion");
    if api.is_empty() {
        return Err("apiVersion is required. The value must be either \"v1\" or \"v2\"".into());
    }
    if api != "v1" && api != "v2" {
        return Err(format!(
            "apiVersion '{api}' is not valid. The value must be either \"v1\" or \"v2\""
        ));
    }
    Ok(())
}

/// Go's `%T` of a value decoded into `interface{}` from JSON.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn string_typed(raw: &Value, key: &str) -> Result<(), String> {
    match raw.get(key) {
        None | Some(Value::String(_)) => Ok(()),
        Some(v) => Err(format!(
            "{key} should be of type string but it's of type {}",
            go_type(v)
        )),
    }
}

fn version(md: &Metadata) -> Result<(), String> {
    if md.version.is_empty() {
        return Err("version is required".into());
    }
    let Ok(v) = Version::parse(&md.version) else {
        return Err(format!("version '{}' is not a valid SemVer", md.version));
    };
    if let Ok(c) = Constraints::parse(">0.0.0-0") {
        if let Err(reasons) = c.validate(&v) {
            if let Some(first) = reasons.first() {
                return Err(format!("version {first}"));
            }
        }
    }
    Ok(())
}

fn maintainers(md: &Metadata) -> Result<(), String> {
    for m in &md.maintainers {
        match m {
            None => return Err("a maintainer entry is empty".into()),
            Some(m) if m.name.is_empty() => return Err("each maintainer requires a name".into()),
            Some(m) if !m.email.is_empty() && !is_email(&m.email) => {
                return Err(format!(
                    "invalid email '{}' for maintainer '{}'",
                    m.email, m.name
                ))
            }
            Some(m) if !m.url.is_empty() && !is_url(&m.url) => {
                return Err(format!(
                    "invalid url '{}' for maintainer '{}'",
                    m.url, m.name
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn sources(md: &Metadata) -> Result<(), String> {
    for s in &md.sources {
        if s.is_empty() || !is_request_url(s) {
            return Err(format!("invalid source URL '{s}'"));
        }
    }
    Ok(())
}

/// govalidator's `IsRequestURL`: Go's `url.ParseRequestURI` succeeds and there is a scheme.
fn is_request_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && !rest.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An approximation of govalidator's `IsURL`: optional scheme, a host with a dot (or
/// `localhost`), no spaces.
fn is_url(s: &str) -> bool {
    if s.is_empty() || s.len() >= 2083 || s.chars().any(char::is_whitespace) {
        return false;
    }
    let rest = s.split_once("://").map(|(_, r)| r).unwrap_or(s);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    host == "localhost" || (host.contains('.') && !host.starts_with('.') && !host.ends_with('.'))
}

/// An approximation of govalidator's `IsEmail`.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}
