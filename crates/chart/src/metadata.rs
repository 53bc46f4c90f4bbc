//! `Chart.yaml` (and the v1 `requirements.yaml` / lock files): the metadata model,
//! decoding as Helm decodes it, and Helm's validation with its messages.
//!
//! Helm decodes `Chart.yaml` with sigs.k8s.io/yaml into a Go struct. Two details of that
//! path are visible to users and reproduced here: a scalar landing in a string field is
//! converted from its YAML type (`version: 1.10` is the float 1.1 and becomes `"1.1"`,
//! `appVersion: 0777` becomes `"511"`, floats use Go's `%g` at 32-bit precision), and
//! field names match case-insensitively, as `encoding/json` does.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::yaml::YamlError;
use crate::yaml::{self, Node};

/// `apiVersion: v1` (Helm 2 era charts; dependencies live in `requirements.yaml`).
pub const API_VERSION_V1: &str = "v1";
/// `apiVersion: v2`.
pub const API_VERSION_V2: &str = "v2";

/// A chart maintainer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// One entry of `dependencies:` (Chart.yaml v2, requirements.yaml v1, and lock files).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name`: the subchart's name (replaced by the alias while processing).
    pub name: String,
    /// `version`: a Masterminds semver constraint.
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition`: comma-separated value paths; the first that resolves to a bool wins.
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (recomputed by dependency processing).
    pub enabled: bool,
    /// `import-values`: strings (exports) or `{child, parent}` maps, kept as JSON.
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
}

/// `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers` (`None` entries are `null` list items, refused by validation).
    pub maintainers: Vec<Option<Maintainer>>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion` (`v1` when absent, as Helm assumes).
    pub api_version: String,
    /// `condition` (unused by Helm 3+, kept for `.Chart`).
    pub condition: String,
    /// `tags` (a string in Chart.yaml, unused by Helm 3+).
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `kubeVersion`: a semver constraint on the target cluster version.
    pub kube_version: String,
    /// `dependencies` (`None` entries are `null` list items, refused by validation).
    pub dependencies: Vec<Option<Dependency>>,
    /// `type`: "", `application` or `library`.
    pub chart_type: String,
}

/// `Chart.lock` / `requirements.lock`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// `generated`, as written (an RFC 3339 time).
    pub generated: String,
    /// `digest`.
    pub digest: String,
    /// `dependencies`.
    pub dependencies: Vec<Option<Dependency>>,
}

/// Decoding a metadata file failed (Helm: `error converting YAML to JSON` / `error
/// unmarshaling JSON`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// Invalid YAML.
    #[error("error converting YAML to JSON: {0}")]
    Yaml(#[from] YamlError),
    /// A field has the wrong shape.
    #[error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {found} into Go {place} of type {want}")]
    Type {
        /// JSON kind found (`array`, `object`, `string`, `number`, `bool`).
        found: &'static str,
        /// `struct field Metadata.version` or `value`.
        place: String,
        /// The Go type expected.
        want: &'static str,
    },
}

/// A `Chart.yaml` validation failure, printed as Helm prints it (`validation: ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation: {0}")]
pub struct ValidationError(pub String);

fn kind_of(n: &Node) -> &'static str {
    use crate::yaml::Node as N;
    match n {
        N::Seq(_) => "array",
        N::Map(_) => "object",
        N::Scalar(s) => match crate::yaml::scalar_json_kind(s) {
            Some(k) => k,
            None => "null",
        },
    }
}

/// Where a field sits, for Go's `struct field .<path>` in type errors (Go 1.27 prints
/// the path from the root with list indexes, e.g. `.maintainers.0.name`).
struct Ctx {
    prefix: String,
}

impl Ctx {
    fn err(&self, node: &Node, field: &str, want: &'static str) -> DecodeError {
        DecodeError::Type {
            found: kind_of(node),
            place: format!("struct field .{}{}", self.prefix, field),
            want,
        }
    }
    /// A string field: scalars are converted from their YAML type like
    /// sigs.k8s.io/yaml does; `null` leaves the zero value.
    fn string(&self, node: &Node, field: &str) -> Result<String, DecodeError> {
        match node {
            Node::Scalar(s) => Ok(crate::yaml::scalar_as_go_string(s)),
            _ => Err(self.err(node, field, "string")),
        }
    }
    fn strings(&self, node: &Node, field: &str) -> Result<Vec<String>, DecodeError> {
        match node {
            Node::Seq(items) => items.iter().map(|i| self.string(i, field)).collect(),
            n if crate::yaml::is_null(n) => Ok(Vec::new()),
            _ => Err(self.err(node, field, "[]string")),
        }
    }
    fn boolean(&self, node: &Node, field: &str) -> Result<bool, DecodeError> {
        match node {
            Node::Scalar(crate::yaml::Scalar::Bool(b)) => Ok(*b),
            n if crate::yaml::is_null(n) => Ok(false),
            _ => Err(self.err(node, field, "bool")),
        }
    }
}

/// Iterates a mapping's entries with string keys (as the JSON step stringifies them).
fn entries(node: &Node) -> Result<Vec<(String, &Node)>, DecodeError> {
    let json_keys = crate::yaml::map_entries(node)?;
    Ok(json_keys)
}

/// Finds a field case-insensitively, exact match first (encoding/json's rule).
fn field<'a>(fields: &'a [(String, &'a Node)], name: &str) -> Option<&'a Node> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .or_else(|| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
        })
        .map(|(_, v)| *v)
}

fn decode_root<'a>(
    node: Option<&'a Node>,
    go_type: &'static str,
) -> Result<Vec<(String, &'a Node)>, DecodeError> {
    match node {
        None => Ok(Vec::new()),
        Some(n @ Node::Map(_)) => entries(n),
        Some(n) => Err(DecodeError::Type {
            found: kind_of(n),
            place: "value".into(),
            want: go_type,
        }),
    }
}

fn decode_dependency(node: &Node, i: usize) -> Result<Option<Dependency>, DecodeError> {
    if crate::yaml::is_null(node) {
        return Ok(None);
    }
    let cx = Ctx {
        prefix: format!("dependencies.{i}."),
    };
    let fields = match node {
        Node::Map(_) => entries(node)?,
        _ => {
            return Err(DecodeError::Type {
                found: kind_of(node),
                place: format!("struct field .dependencies.{i}"),
                want: "v2.Dependency",
            })
        }
    };
    let s = |name: &str| -> Result<String, DecodeError> {
        field(&fields, name).map_or(Ok(String::new()), |n| cx.string(n, name))
    };
    let import_values = match field(&fields, "import-values") {
        None => Vec::new(),
        Some(n) if crate::yaml::is_null(n) => Vec::new(),
        Some(n @ Node::Seq(_)) => match yaml::to_json(n)? {
            Value::Array(a) => a,
            _ => Vec::new(),
        },
        Some(n) => return Err(cx.err(n, "import-values", "[]interface {}")),
    };
    Ok(Some(Dependency {
        name: s("name")?,
        version: s("version")?,
        repository: s("repository")?,
        condition: s("condition")?,
        tags: field(&fields, "tags").map_or(Ok(Vec::new()), |n| cx.strings(n, "tags"))?,
        enabled: field(&fields, "enabled").map_or(Ok(false), |n| cx.boolean(n, "enabled"))?,
        import_values,
        alias: s("alias")?,
    }))
}

fn decode_dependencies(node: Option<&Node>) -> Result<Vec<Option<Dependency>>, DecodeError> {
    match node {
        None => Ok(Vec::new()),
        Some(n) if crate::yaml::is_null(n) => Ok(Vec::new()),
        Some(Node::Seq(items)) => items
            .iter()
            .enumerate()
            .map(|(i, d)| decode_dependency(d, i))
            .collect(),
        Some(n) => Err(DecodeError::Type {
            found: kind_of(n),
            place: "struct field .dependencies".into(),
            want: "[]*v2.Dependency",
        }),
    }
}

impl Metadata {
    /// Decodes `Chart.yaml` text (no validation).
    pub fn from_yaml(text: &str) -> Result<Metadata, DecodeError> {
        let mut md = Metadata::default();
        md.merge_yaml(text)?;
        Ok(md)
    }

    /// Decodes YAML text over this metadata, as Helm does for `requirements.yaml`
    /// (fields present in the text replace the current ones).
    pub fn merge_yaml(&mut self, text: &str) -> Result<(), DecodeError> {
        let root = yaml::parse_first_document(text)?;
        let fields = decode_root(root.as_deref(), "loader.chartBase")?;
        let cx = Ctx {
            prefix: String::new(),
        };
        for (key, node) in &fields {
            let k = key.to_ascii_lowercase();
            match k.as_str() {
                "name" => self.name = cx.string(node, "name")?,
                "home" => self.home = cx.string(node, "home")?,
                "sources" => self.sources = cx.strings(node, "sources")?,
                "version" => self.version = cx.string(node, "version")?,
                "description" => self.description = cx.string(node, "description")?,
                "keywords" => self.keywords = cx.strings(node, "keywords")?,
                "icon" => self.icon = cx.string(node, "icon")?,
                "apiversion" => self.api_version = cx.string(node, "apiVersion")?,
                "condition" => self.condition = cx.string(node, "condition")?,
                "tags" => self.tags = cx.string(node, "tags")?,
                "appversion" => self.app_version = cx.string(node, "appVersion")?,
                "deprecated" => self.deprecated = cx.boolean(node, "deprecated")?,
                "kubeversion" => self.kube_version = cx.string(node, "kubeVersion")?,
                "type" => self.chart_type = cx.string(node, "type")?,
                "dependencies" => self.dependencies = decode_dependencies(Some(node))?,
                "annotations" => {
                    self.annotations = BTreeMap::new();
                    if let Node::Map(_) = node {
                        for (ak, av) in entries(node)? {
                            self.annotations.insert(ak, cx.string(av, "annotations")?);
                        }
                    } else if !crate::yaml::is_null(node) {
                        return Err(cx.err(node, "annotations", "map[string]string"));
                    }
                }
                "maintainers" => {
                    self.maintainers = Vec::new();
                    match node {
                        Node::Seq(items) => {
                            for (i, it) in items.iter().enumerate() {
                                let mcx = Ctx {
                                    prefix: format!("maintainers.{i}."),
                                };
                                if crate::yaml::is_null(it) {
                                    self.maintainers.push(None);
                                    continue;
                                }
                                let mf = match &**it {
                                    Node::Map(_) => entries(it)?,
                                    _ => return Err(cx.err(it, "maintainers", "v2.Maintainer")),
                                };
                                let g = |n: &str| {
                                    field(&mf, n).map_or(Ok(String::new()), |v| mcx.string(v, n))
                                };
                                self.maintainers.push(Some(Maintainer {
                                    name: g("name")?,
                                    email: g("email")?,
                                    url: g("url")?,
                                }));
                            }
                        }
                        n if crate::yaml::is_null(n) => {}
                        n => return Err(cx.err(n, "maintainers", "[]*v2.Maintainer")),
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Helm's `Metadata.Validate`: sanitises strings (whitespace to spaces, drops
    /// non-printable characters) and checks the rules, with Helm's messages.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        let v = |m: String| Err(ValidationError(m));
        if self.api_version.is_empty() {
            return v("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return v("chart.metadata.name is required".into());
        }
        if self.name == "." || self.name == ".." {
            return v(format!(
                "chart.metadata.name {:?} is not allowed",
                self.name
            ));
        }
        if self.name != go_base(&self.name) {
            return v(format!("chart.metadata.name {:?} is invalid", self.name));
        }
        if self.version.is_empty() {
            return v("chart.metadata.version is required".into());
        }
        if !is_valid_semver(&self.version) {
            return v(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return v("chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            match m {
                None => return v("maintainers must not contain empty or null nodes".into()),
                Some(m) => {
                    m.name = sanitize(&m.name);
                    m.email = sanitize(&m.email);
                    m.url = sanitize(&m.url);
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for d in &mut self.dependencies {
            let Some(d) = d else {
                return v("dependencies must not contain empty or null nodes".into());
            };
            d.name = sanitize(&d.name);
            d.version = sanitize(&d.version);
            d.repository = sanitize(&d.repository);
            d.condition = sanitize(&d.condition);
            for t in &mut d.tags {
                *t = sanitize(t);
            }
            if !d.alias.is_empty()
                && !d
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return v(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                ));
            }
            let key = if d.alias.is_empty() {
                &d.name
            } else {
                &d.alias
            };
            if !seen.insert(key.clone()) {
                return v(format!(
                    "more than one dependency with name or alias {key:?}"
                ));
            }
        }
        Ok(())
    }

    /// The `.Chart` object templates see, as Helm 4.3.1 builds it (`MetadataAsMap`): Go
    /// field names (`Name`, `AppVersion`, `Dependencies[].ImportValues`, ...), empty lists
    /// as `[]`, no annotations as `null`, plus `IsRoot`. Call it on the processed chart
    /// so that aliases and rewritten import-values show as Helm shows them.
    pub fn to_template_value(&self, is_root: bool) -> Value {
        use serde_json::json;
        let strings = |v: &[String]| Value::from(v.to_vec());
        let annotations = if self.annotations.is_empty() {
            Value::Null
        } else {
            json!(self.annotations)
        };
        let maintainers: Vec<Value> = self
            .maintainers
            .iter()
            .flatten()
            .map(|m| json!({"Name": m.name, "Email": m.email, "URL": m.url}))
            .collect();
        let dependencies: Vec<Value> = self
            .deps()
            .map(|d| {
                json!({
                    "Name": d.name,
                    "Version": d.version,
                    "Repository": d.repository,
                    "Condition": d.condition,
                    "Tags": strings(&d.tags),
                    "Enabled": d.enabled,
                    "ImportValues": Value::from(d.import_values.clone()),
                    "Alias": d.alias,
                })
            })
            .collect();
        json!({
            "APIVersion": self.api_version,
            "Annotations": annotations,
            "AppVersion": self.app_version,
            "Condition": self.condition,
            "Dependencies": dependencies,
            "Deprecated": self.deprecated,
            "Description": self.description,
            "Home": self.home,
            "Icon": self.icon,
            "IsRoot": is_root,
            "Keywords": strings(&self.keywords),
            "KubeVersion": self.kube_version,
            "Maintainers": maintainers,
            "Name": self.name,
            "Sources": strings(&self.sources),
            "Tags": self.tags,
            "Type": self.chart_type,
            "Version": self.version,
        })
    }

    /// Whether `type: library`.
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }

    /// The dependencies, skipping `null` entries (validation refuses those).
    pub fn deps(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().flatten()
    }
}

impl Lock {
    /// Decodes `Chart.lock` / `requirements.lock` text.
    pub fn from_yaml(text: &str) -> Result<Lock, DecodeError> {
        let root = yaml::parse_first_document(text)?;
        let fields = decode_root(root.as_deref(), "v2.Lock")?;
        let cx = Ctx {
            prefix: String::new(),
        };
        let mut lock = Lock::default();
        if let Some(n) = field(&fields, "generated") {
            lock.generated = cx.string(n, "generated")?;
        }
        if let Some(n) = field(&fields, "digest") {
            lock.digest = cx.string(n, "digest")?;
        }
        lock.dependencies = decode_dependencies(field(&fields, "dependencies"))?;
        Ok(lock)
    }
}

/// Go's `filepath.Base` on a Unix path.
fn go_base(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    match t.rfind('/') {
        Some(i) => &t[i + 1..],
        None => t,
    }
}

/// Helm's `sanitizeString`: whitespace becomes a space, other non-printable runes go.
pub(crate) fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || is_unprintable(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

fn is_unprintable(c: char) -> bool {
    // Go's unicode.IsPrint excludes format characters (Cf), private use, surrogates,
    // and unassigned code points. Rust has no category table; cover the usual suspects.
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF | 0xE000..=0xF8FF | 0xAD)
}

/// Masterminds/semver v3 `NewVersion` (lenient) acceptance: `v1`, `1.2`, `1.2.3-rc.1+b`.
pub fn is_valid_semver(v: &str) -> bool {
    crate::semver::Version::parse(v).is_ok()
}

#[cfg(test)]
mod tests;
