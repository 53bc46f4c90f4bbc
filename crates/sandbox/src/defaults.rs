//! Per-kind defaulting and the validation the real API server does that clients notice.

use crate::error::ApiError;
use crate::resources::ResourceDef;
use base64::Engine;
use serde_json::{json, Value};

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// Checks the object name the way the real server does for this kind.
pub fn validate_name(def: &ResourceDef, name: &str) -> Result<(), ApiError> {
    let label_only = matches!(def.kind.as_str(), "Namespace" | "Service");
    let rbac = def.group == "rbac.authorization.k8s.io";
    let ok = if rbac {
        // RBAC names are path segments: anything without `/` or `%`.
        !name.is_empty()
            && !name.contains('/')
            && !name.contains('%')
            && name != "."
            && name != ".."
    } else if label_only {
        is_dns_label(name)
    } else {
        is_dns_subdomain(name)
    };
    if ok {
        return Ok(());
    }
    let detail = if label_only {
        format!("Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
    } else {
        format!("Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    };
    Err(ApiError::invalid(
        &def.group,
        &def.kind,
        name,
        "metadata.name",
        &detail,
    ))
}

fn set_default(obj: &mut Value, path: &[&str], v: Value) {
    let mut cur = obj;
    for (i, p) in path.iter().enumerate() {
        if !cur.is_object() {
            return;
        }
        if i == path.len() - 1 {
            if cur.get(*p).is_none_or(Value::is_null) {
                cur[*p] = v;
            }
            return;
        }
        if cur.get(*p).is_none_or(Value::is_null) {
            cur[*p] = json!({});
        }
        cur = &mut cur[*p];
    }
}

/// Folds `Secret.stringData` into base64 `data`, as the server does on every write.
pub fn fold_string_data(obj: &mut Value) {
    let Some(sd) = obj.as_object_mut().and_then(|m| m.remove("stringData")) else {
        return;
    };
    if let Some(m) = sd.as_object() {
        for (k, v) in m {
            let s = v.as_str().unwrap_or_default();
            obj["data"][k] = json!(base64::engine::general_purpose::STANDARD.encode(s));
        }
    }
}

fn pod_spec_defaults(spec: &mut Value) {
    set_default(spec, &["restartPolicy"], json!("Always"));
    set_default(spec, &["dnsPolicy"], json!("ClusterFirst"));
    set_default(spec, &["schedulerName"], json!("default-scheduler"));
    set_default(spec, &["terminationGracePeriodSeconds"], json!(30));
    set_default(spec, &["securityContext"], json!({}));
    if let Some(cs) = spec["containers"].as_array_mut() {
        for c in cs {
            set_default(
                c,
                &["terminationMessagePath"],
                json!("/dev/termination-log"),
            );
            set_default(c, &["terminationMessagePolicy"], json!("File"));
            let latest = c["image"]
                .as_str()
                .is_some_and(|i| !i.contains(':') || i.ends_with(":latest"));
            set_default(
                c,
                &["imagePullPolicy"],
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
            set_default(c, &["resources"], json!({}));
            // `get_mut`: indexing would insert `"ports": null` into port-less containers.
            if let Some(ps) = c.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ps {
                    set_default(p, &["protocol"], json!("TCP"));
                }
            }
        }
    }
}

/// Fills defaults on create (and `uid`-dependent ones like Job selectors).
pub fn on_create(
    def: &ResourceDef,
    obj: &mut Value,
    uid: &str,
    cluster_ip: &str,
) -> Result<(), ApiError> {
    let name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    match (def.group.as_str(), def.kind.as_str()) {
        ("", "Namespace") => {
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
            set_default(obj, &["spec", "finalizers"], json!(["kubernetes"]));
            obj["status"] = json!({"phase": "Active"});
        }
        ("", "Secret") => {
            fold_string_data(obj);
            set_default(obj, &["type"], json!("Opaque"));
        }
        ("", "Service") => {
            set_default(obj, &["spec", "type"], json!("ClusterIP"));
            set_default(obj, &["spec", "sessionAffinity"], json!("None"));
            if obj["spec"]["type"] != "ExternalName" {
                set_default(obj, &["spec", "clusterIP"], json!(cluster_ip));
                let ip = obj["spec"]["clusterIP"].clone();
                set_default(obj, &["spec", "clusterIPs"], json!([ip]));
                set_default(obj, &["spec", "ipFamilies"], json!(["IPv4"]));
                set_default(obj, &["spec", "ipFamilyPolicy"], json!("SingleStack"));
                set_default(obj, &["spec", "internalTrafficPolicy"], json!("Cluster"));
            }
            if let Some(ps) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
                for p in ps {
                    set_default(p, &["protocol"], json!("TCP"));
                    let port = p["port"].clone();
                    set_default(p, &["targetPort"], port);
                }
            }
            obj["status"] = json!({"loadBalancer": {}});
        }
        ("", "Pod") => {
            if obj["spec"]["containers"]
                .as_array()
                .is_none_or(|c| c.is_empty())
            {
                return Err(ApiError::invalid(
                    "",
                    "Pod",
                    &name,
                    "spec.containers",
                    "Required value",
                ));
            }
            pod_spec_defaults(&mut obj["spec"]);
            set_default(obj, &["spec", "serviceAccountName"], json!("default"));
            obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
        }
        ("", "PersistentVolumeClaim") => {
            set_default(obj, &["spec", "volumeMode"], json!("Filesystem"));
            set_default(obj, &["spec", "volumeName"], json!(format!("pvc-{uid}")));
            let cap = obj["spec"]["resources"]["requests"].clone();
            let modes = obj["spec"]["accessModes"].clone();
            obj["status"] = json!({"phase": "Bound", "accessModes": modes, "capacity": cap});
        }
        ("", "PersistentVolume") => {
            obj["status"] = json!({"phase": "Available"});
        }
        ("apps", kind @ ("Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet")) => {
            if kind != "DaemonSet" {
                set_default(obj, &["spec", "replicas"], json!(1));
            }
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
            match kind {
                "Deployment" => {
                    set_default(obj, &["spec", "progressDeadlineSeconds"], json!(600));
                    set_default(
                        obj,
                        &["spec", "strategy"],
                        json!({"type": "RollingUpdate",
                        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
                    );
                }
                "StatefulSet" => {
                    set_default(obj, &["spec", "podManagementPolicy"], json!("OrderedReady"));
                    set_default(
                        obj,
                        &["spec", "updateStrategy"],
                        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                    );
                    set_default(
                        obj,
                        &["spec", "persistentVolumeClaimRetentionPolicy"],
                        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                    );
                }
                "DaemonSet" => {
                    set_default(
                        obj,
                        &["spec", "updateStrategy"],
                        json!({"type": "RollingUpdate",
                        "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
                    );
                }
                _ => {}
            }
            if obj["spec"]["selector"].is_null() {
                return Err(ApiError::invalid(
                    "apps",
                    kind,
                    &name,
                    "spec.selector",
                    "Required value",
                ));
            }
            pod_spec_defaults(&mut obj["spec"]["template"]["spec"]);
            obj.as_object_mut().map(|m| m.remove("status"));
        }
        ("batch", "Job") => job_defaults(obj, uid, &name)?,
        ("batch", "CronJob") => {
            set_default(obj, &["spec", "concurrencyPolicy"], json!("Allow"));
            set_default(obj, &["spec", "suspend"], json!(false));
            set_default(obj, &["spec", "successfulJobsHistoryLimit"], json!(3));
            set_default(obj, &["spec", "failedJobsHistoryLimit"], json!(1));
        }
        _ => {}
    }
    Ok(())
}

fn job_defaults(obj: &mut Value, uid: &str, name: &str) -> Result<(), ApiError> {
    let spec = &mut obj["spec"];
    let rp = spec["template"]["spec"]["restartPolicy"]
        .as_str()
        .unwrap_or("Always")
        .to_string();
    if rp != "Never" && rp != "OnFailure" {
        return Err(ApiError::invalid(
            "batch",
            "Job",
            name,
            "spec.template.spec.restartPolicy",
            &format!("Unsupported value: \"{rp}\": supported values: \"OnFailure\", \"Never\""),
        ));
    }
    set_default(spec, &["parallelism"], json!(1));
    set_default(spec, &["completions"], json!(1));
    set_default(spec, &["backoffLimit"], json!(6));
    set_default(spec, &["completionMode"], json!("NonIndexed"));
    set_default(spec, &["suspend"], json!(false));
    set_default(
        spec,
        &["podReplacementPolicy"],
        json!("TerminatingOrFailed"),
    );
    let labels = json!({
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    });
    if spec["manualSelector"].as_bool() != Some(true) {
        spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    }
    if let Some(m) = labels.as_object() {
        for (k, v) in m {
            spec["template"]["metadata"]["labels"][k] = v.clone();
        }
    }
    pod_spec_defaults(&mut spec["template"]["spec"]);
    obj.as_object_mut().map(|m| m.remove("status"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Registry;

    #[test]
    fn names_are_validated_per_kind() {
        let r = Registry::new();
        let cm = r.find("", "v1", "configmaps").unwrap();
        let ns = r.find("", "v1", "namespaces").unwrap();
        assert!(validate_name(&cm, "a.b-c").is_ok());
        assert!(validate_name(&ns, "a.b").is_err());
        let e = validate_name(&cm, "Bad").unwrap_err();
        assert_eq!(e.code, 422);
        assert!(e
            .message
            .starts_with("ConfigMap \"Bad\" is invalid: metadata.name: Invalid value"));
        let role = r
            .find("rbac.authorization.k8s.io", "v1", "clusterroles")
            .unwrap();
        assert!(validate_name(&role, "system:controller:x").is_ok());
    }

    #[test]
    fn jobs_get_selectors_and_reject_always() {
        let r = Registry::new();
        let job = r.find("batch", "v1", "jobs").unwrap();
        let mut j = json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}});
        on_create(&job, &mut j, "u-1", "").unwrap();
        assert_eq!(j["spec"]["backoffLimit"], 6);
        assert_eq!(j["spec"]["template"]["metadata"]["labels"]["job-name"], "j");
        let mut bad =
            json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": {"containers": []}}}});
        assert_eq!(on_create(&job, &mut bad, "u", "").unwrap_err().code, 422);
    }

    #[test]
    fn secrets_fold_string_data() {
        let mut s = json!({"stringData": {"a": "hello"}});
        fold_string_data(&mut s);
        assert_eq!(s, json!({"data": {"a": "aGVsbG8="}}));
    }
}
