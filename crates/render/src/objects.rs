//! Helm's typed built-in objects: `.Capabilities` (with `KubeVersion`, `APIVersions` and
//! `HelmVersion`) and `.Files`. They are Go structs and named types with methods, so they
//! are [`Object`]s; `.Release`, `.Chart` and `.Template` are plain maps in Helm 4 and are
//! built as maps elsewhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use capstan_gotmpl::{ElemType, Kind, Map, Object, Param, Signature, Value};

use crate::glob::Glob;

/// The Helm version capstan reports in `.Capabilities.HelmVersion`: the helm release whose
/// rendering it reproduces, so charts that gate on the Helm version behave as under it.
pub const HELM_VERSION: BuildInfo = BuildInfo {
    version: "v4.3.1",
    git_commit: "c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff",
    git_tree_state: "clean",
    go_version: "go1.27.2",
    kube_client_version: "v1.37",
};

/// The Kubernetes version `helm template` assumes without `--kube-version` (its client-go).
pub const DEFAULT_KUBE_VERSION: &str = "v1.37.0";

/// The API versions client-go's scheme knows, in its priority order, as Helm 4.3.1 reports
/// them in `.Capabilities.APIVersions` when not connected to a cluster.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "lifecycle.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// Helm's `BuildInfo` (`.Capabilities.HelmVersion`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    /// `Version`, e.g. `v4.3.1`
    pub version: &'static str,
    /// `GitCommit`
    pub git_commit: &'static str,
    /// `GitTreeState`
    pub git_tree_state: &'static str,
    /// `GoVersion`
    pub go_version: &'static str,
    /// `KubeClientVersion`
    pub kube_client_version: &'static str,
}

impl BuildInfo {
    fn fields(&self) -> [(&'static str, &'static str, &'static str); 5] {
        [
            ("Version", "version", self.version),
            ("GitCommit", "git_commit", self.git_commit),
            ("GitTreeState", "git_tree_state", self.git_tree_state),
            ("GoVersion", "go_version", self.go_version),
            (
                "KubeClientVersion",
                "kube_client_version",
                self.kube_client_version,
            ),
        ]
    }
}

impl Object for BuildInfo {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields()
            .iter()
            .find(|f| f.0 == name)
            .map(|f| Value::str(f.2))
    }
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("no method {name}"))
    }
    fn format_v(&self) -> String {
        let parts: Vec<&str> = self.fields().iter().map(|f| f.2).collect();
        format!("{{{}}}", parts.join(" "))
    }
    fn go_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(
            self.fields()
                .iter()
                .map(|(go, _, v)| (go.to_string(), Value::str(*v)))
                .collect(),
        )
    }
    fn to_data(&self) -> Value {
        // encoding/json: `omitempty` on all but kube_client_version.
        let mut m = BTreeMap::new();
        for (i, (_, json, v)) in self.fields().iter().enumerate() {
            if !v.is_empty() || i == 4 {
                m.insert(json.to_string(), Value::str(*v));
            }
        }
        Value::map(m)
    }
}

/// Helm's `KubeVersion` (`.Capabilities.KubeVersion`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeVersion {
    /// `Version`: the git version, `v` prefixed (`v1.31.0`).
    pub version: String,
    /// The normalised version used by `String()` (`v1.31.0` for `v1.31.0-gke.1`).
    pub normalized: String,
    /// `Major`
    pub major: String,
    /// `Minor`
    pub minor: String,
}

/// An invalid `--kube-version`.
#[derive(Debug, thiserror::Error)]
#[error("invalid kube version '{input}': {reason}")]
pub struct KubeVersionError {
    input: String,
    reason: String,
}

impl KubeVersion {
    /// Parses a version as Helm's `ParseKubeVersion` does (k8s `ParseGeneric`: `[v]X.Y[.Z]`
    /// with anything after the numbers ignored for the normalised form).
    pub fn parse(input: &str) -> Result<KubeVersion, KubeVersionError> {
        let err = |reason: &str| KubeVersionError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = input.trim();
        let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let nums: Vec<&str> = body[..end].split('.').collect();
        if nums.len() < 2 || nums.iter().any(|n| n.is_empty()) {
            return Err(err(&format!("could not parse \"{input}\" as version")));
        }
        if nums.len() > 3 && end == body.len() {
            return Err(err(&format!("could not parse \"{input}\" as version")));
        }
        let parsed: Result<Vec<u64>, _> = nums.iter().take(3).map(|n| n.parse::<u64>()).collect();
        let parsed = parsed.map_err(|_| err(&format!("could not parse \"{input}\" as version")))?;
        let patch = parsed.get(2).copied().unwrap_or(0);
        let version = if input.starts_with('v') {
            input.to_string()
        } else {
            format!("v{input}")
        };
        Ok(KubeVersion {
            version,
            normalized: format!("v{}.{}.{}", parsed[0], parsed[1], patch),
            major: parsed[0].to_string(),
            minor: parsed[1].to_string(),
        })
    }

    fn struct_text(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.normalized, self.major, self.minor
        )
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(self.version.as_str())),
            "Major" => Some(Value::str(self.major.as_str())),
            "Minor" => Some(Value::str(self.minor.as_str())),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "String" | "GitVersion")
    }
    fn method_signature(&self, _name: &str) -> Option<Signature> {
        Some(Signature::fixed(Vec::new()))
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "String" => Ok(Value::str(self.normalized.as_str())),
            "GitVersion" => Ok(Value::str(self.version.as_str())),
            _ => Err(format!("no method {name}")),
        }
    }
    fn format_v(&self) -> String {
        // `String` has a pointer receiver: fmt (`printf "%v"`, `toString`) sees a copy and
        // prints the fields; template output prints through `String` (the field is
        // addressable there), which the engine does for objects with a `String` method.
        self.struct_text()
    }
    fn go_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            ("Version".to_string(), Value::str(self.version.as_str())),
            ("Major".to_string(), Value::str(self.major.as_str())),
            ("Minor".to_string(), Value::str(self.minor.as_str())),
        ])
    }
    fn to_data(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Version".to_string(), Value::str(self.version.as_str()));
        m.insert("Major".to_string(), Value::str(self.major.as_str()));
        m.insert("Minor".to_string(), Value::str(self.minor.as_str()));
        Value::map(m)
    }
}

/// Helm's `VersionSet` (`.Capabilities.APIVersions`): a `[]string` with a `Has` method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn method_signature(&self, _name: &str) -> Option<Signature> {
        Some(Signature::fixed(vec![Param::String]))
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match (name, args) {
            ("Has", [Value::String(s)]) => {
                Ok(Value::Bool(self.0.iter().any(|v| v.as_str() == &**s)))
            }
            ("Has", _) => Err("wrong number of args for Has: want 1".to_string()),
            _ => Err(format!("no method {name}")),
        }
    }
    fn format_v(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_data(&self) -> Value {
        Value::string_list(self.0.iter().cloned())
    }
}

/// Helm's `*Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// `KubeVersion`
    pub kube_version: Arc<KubeVersion>,
    /// `APIVersions`
    pub api_versions: Arc<VersionSet>,
    /// `HelmVersion`
    pub helm_version: BuildInfo,
}

impl Capabilities {
    /// Capabilities for `helm template`: the given (or default) kube version, the default API
    /// versions plus the extra ones given with `--api-versions`.
    pub fn for_template(
        kube_version: Option<KubeVersion>,
        extra_api_versions: &[String],
    ) -> Capabilities {
        let kube_version = kube_version.unwrap_or_else(|| {
            KubeVersion::parse(DEFAULT_KUBE_VERSION).expect("default kube version parses")
        });
        let mut apis: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        apis.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version: Arc::new(kube_version),
            api_versions: Arc::new(VersionSet(apis)),
            helm_version: HELM_VERSION,
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(self.kube_version.clone())),
            "APIVersions" => Some(Value::Object(self.api_versions.clone())),
            "HelmVersion" => Some(Value::Object(Arc::new(self.helm_version))),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Copy"
    }
    fn method_signature(&self, _name: &str) -> Option<Signature> {
        Some(Signature::fixed(Vec::new()))
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        match name {
            "Copy" => Ok(Value::Object(Arc::new(self.clone()))),
            _ => Err(format!("no method {name}")),
        }
    }
    fn format_v(&self) -> String {
        // fmt prints a pointer to a struct at top level as &{...}; text/template dereferences
        // it first, so `{{ .Capabilities }}` shows `{...}` with nested structs in field form.
        format!(
            "{{{} {} {}}}",
            self.kube_version.struct_text(),
            self.api_versions.format_v(),
            self.helm_version.format_v()
        )
    }
    fn go_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            (
                "KubeVersion".to_string(),
                Value::Object(self.kube_version.clone()),
            ),
            (
                "APIVersions".to_string(),
                Value::Object(self.api_versions.clone()),
            ),
            (
                "HelmVersion".to_string(),
                Value::Object(Arc::new(self.helm_version)),
            ),
        ])
    }
    fn to_data(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("KubeVersion".to_string(), self.kube_version.to_data());
        m.insert("APIVersions".to_string(), self.api_versions.to_data());
        m.insert("HelmVersion".to_string(), self.helm_version.to_data());
        Value::map(m)
    }
}

/// Helm's `files` (`.Files`): the chart's non-template files by path, with methods.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// File contents by path relative to the chart root.
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Turns a `map[string]string` into YAML as Helm's `toYAML` does (supplied by the
    /// caller, so this module does not depend on the emitter).
    pub to_yaml: Option<fn(&Value) -> String>,
}

impl Files {
    fn string_map_yaml(&self, f: impl Fn(&[u8]) -> String) -> String {
        let mut m = BTreeMap::new();
        for (k, v) in &self.files {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(base.to_string(), Value::str(f(v)));
        }
        let value = Value::Map(Arc::new(Map::new(None, ElemType::String, m)));
        self.to_yaml
            .map(|to_yaml| to_yaml(&value))
            .unwrap_or_default()
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn field(&self, name: &str) -> Option<Value> {
        // A map type: `.Files.name` is a key lookup ([]byte) when no method has that name.
        self.files.get(name).map(|b| Value::Bytes(b.clone()))
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Glob" | "AsConfig" | "AsSecrets" | "Lines"
        )
    }
    /// Go checks the arity and argument types of these methods before calling them.
    fn method_signature(&self, name: &str) -> Option<Signature> {
        Some(Signature::fixed(match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => vec![Param::String],
            _ => Vec::new(),
        }))
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = |i: usize| -> Result<&str, String> {
            match args.get(i) {
                Some(Value::String(s)) => Ok(s),
                _ => Err(format!("wrong arguments for {name}")),
            }
        };
        match name {
            // The file's own buffer when it is UTF-8 (files can be megabytes of CRDs).
            "Get" => Ok(Value::str(match self.files.get(arg(0)?) {
                Some(b) => capstan_chart::chart::shared_utf8(b)
                    .unwrap_or_else(|| Arc::from(String::from_utf8_lossy(b).as_ref())),
                None => Arc::from(""),
            })),
            "GetBytes" => Ok(Value::Bytes(
                self.files
                    .get(arg(0)?)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(&b""[..])),
            )),
            "Glob" => {
                let pattern = arg(0)?;
                let glob = Glob::compile(pattern)
                    .unwrap_or_else(|| Glob::compile("**").expect("** compiles"));
                let files = self
                    .files
                    .iter()
                    .filter(|(k, _)| glob.matches(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Ok(Value::Object(Arc::new(Files {
                    files,
                    to_yaml: self.to_yaml,
                })))
            }
            "AsConfig" => {
                Ok(Value::str(self.string_map_yaml(|b| {
                    String::from_utf8_lossy(b).into_owned()
                })))
            }
            "AsSecrets" => {
                Ok(Value::str(self.string_map_yaml(|b| {
                    base64::engine::general_purpose::STANDARD.encode(b)
                })))
            }
            "Lines" => {
                let Some(data) = self.files.get(arg(0)?).filter(|d| !d.is_empty()) else {
                    return Ok(Value::string_list(Vec::new()));
                };
                let text = String::from_utf8_lossy(data);
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Ok(Value::string_list(text.split('\n').map(str::to_string)))
            }
            _ => Err(format!("no method {name}")),
        }
    }
    fn format_v(&self) -> String {
        let parts: Vec<String> = self
            .files
            .iter()
            .map(|(k, v)| {
                let bytes: Vec<String> = v.iter().map(|b| b.to_string()).collect();
                format!("{k}:[{}]", bytes.join(" "))
            })
            .collect();
        format!("map[{}]", parts.join(" "))
    }
    fn to_data(&self) -> Value {
        let m = self
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Value::Bytes(v.clone())))
            .collect();
        Value::Map(Arc::new(Map::new(
            Some("engine.files"),
            ElemType::Interface,
            m,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_like_helm() {
        let v = KubeVersion::parse("1.31.0").unwrap();
        assert_eq!(
            (
                v.version.as_str(),
                v.normalized.as_str(),
                v.major.as_str(),
                v.minor.as_str()
            ),
            ("v1.31.0", "v1.31.0", "1", "31")
        );
        let v = KubeVersion::parse("v1.33.4-gke.1245000").unwrap();
        assert_eq!(
            (v.version.as_str(), v.normalized.as_str()),
            ("v1.33.4-gke.1245000", "v1.33.4")
        );
        assert!(KubeVersion::parse("banana").is_err());
        assert!(KubeVersion::parse("1").is_err());
    }

    #[test]
    fn capabilities_print_like_helm() {
        let caps = Capabilities::for_template(
            Some(KubeVersion::parse("1.31.0").unwrap()),
            &["foo/v1".to_string()],
        );
        let text = caps.format_v();
        assert!(text.starts_with("{{v1.31.0 v1.31.0 1 31} [v1 admissionregistration.k8s.io/v1 "));
        assert!(text.ends_with(" apiextensions.k8s.io/v1 foo/v1] {v4.3.1 c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff clean go1.27.2 v1.37}}"));
        assert_eq!(caps.api_versions.0.len(), 58);
    }

    #[test]
    fn files_lines_and_glob() {
        let mut files = Files::default();
        files
            .files
            .insert("conf/a.txt".into(), Arc::from(&b"x\ny\n"[..]));
        files
            .files
            .insert("conf/sub/b.txt".into(), Arc::from(&b"z"[..]));
        match files
            .call_method("Lines", &[Value::str("conf/a.txt")])
            .unwrap()
        {
            Value::List(l) => assert_eq!(l.items.len(), 2),
            other => panic!("{other:?}"),
        }
        match files
            .call_method("Glob", &[Value::str("conf/*.txt")])
            .unwrap()
        {
            Value::Object(o) => assert_eq!(o.format_v(), "map[conf/a.txt:[120 10 121 10]]"),
            other => panic!("{other:?}"),
        }
    }
}
