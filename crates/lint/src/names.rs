//! Kubernetes object-name rules as `helm lint` applies them (`validateMetadataName`), with
//! apimachinery's messages.

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label_1123(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => ok(f) && ok(l) && b.iter().all(|c| ok(c) || *c == b'-'),
        _ => false,
    }
}

fn subdomain(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !name.split('.').all(is_label_1123) {
        errs.push(SUBDOMAIN_MSG.to_string());
    }
    errs
}

fn label_1123(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !is_label_1123(name) {
        errs.push(LABEL_1123_MSG.to_string());
    }
    errs
}

fn label_1035(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let first_alpha = name.bytes().next().is_some_and(|c| c.is_ascii_lowercase());
    if !(first_alpha && is_label_1123(name)) {
        errs.push(LABEL_1035_MSG.to_string());
    }
    errs
}

fn path_segment(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    let mut errs = Vec::new();
    for bad in ["/", "%"] {
        if name.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

/// Helm's `validateMetadataName`: the name rule of `kind`, as the error Helm prints.
pub fn validate(kind: &str, name: &str) -> Result<(), String> {
    let errs = match kind.to_ascii_lowercase().as_str() {
        "service" => label_1035(name),
        "namespace" => label_1123(name),
        "certificatesigningrequest" => Vec::new(),
        "role" | "clusterrole" | "rolebinding" | "clusterrolebinding" => path_segment(name),
        _ => subdomain(name),
    };
    if errs.is_empty() {
        return Ok(());
    }
    let field = |m: &String| format!("metadata.name: Invalid value: {}: {m}", go_quote(name));
    let agg = if errs.len() == 1 {
        field(&errs[0])
    } else {
        format!(
            "[{}]",
            errs.iter().map(field).collect::<Vec<_>>().join(", ")
        )
    };
    Err(format!(
        "object name does not conform to Kubernetes naming requirements: {}: {agg}",
        go_quote(name)
    ))
}

/// Go's `%q` of a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(validate("ConfigMap", "a.b-c").is_ok());
        assert!(validate("ConfigMap", "Bad_Name").is_err());
        assert!(validate("Service", "1abc").is_err());
        assert!(validate("Deployment", "1abc").is_ok());
        assert!(validate("Role", "system:admin").is_ok());
        assert!(validate("Role", "a/b").is_err());
    }
}
