//! Deprecated Kubernetes APIs, as `helm lint` reports them (`validateNoDeprecations`, which
//! asks the API types compiled into Helm 4.3.1 for their lifecycle).
//!
//! The table lists every group/version/kind for which helm 4.3.1 reports a deprecation,
//! with the versions it names: deprecated in, unavailable in, and the replacement. It was
//! read off the real binary's answers (a chart with one document per candidate kind, linted
//! with default and older `--kube-version`s); a warning is due when the target Kubernetes
//! version is at least the "deprecated in" version.

type Row = (
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
    Option<(&'static str, &'static str)>,
);

const DEPRECATED: &[Row] = &[
    (
        "admissionregistration.k8s.io/v1alpha1",
        "MutatingAdmissionPolicy",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1alpha1",
        "MutatingAdmissionPolicyBinding",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1alpha1",
        "ValidatingAdmissionPolicy",
        (1, 29),
        (1, 32),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1alpha1",
        "ValidatingAdmissionPolicyBinding",
        (1, 29),
        (1, 32),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingAdmissionPolicy",
        (1, 37),
        (1, 40),
        Some(("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy")),
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingAdmissionPolicyBinding",
        (1, 37),
        (1, 40),
        Some((
            "admissionregistration.k8s.io/v1",
            "MutatingAdmissionPolicyBinding",
        )),
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        (1, 16),
        (1, 22),
        Some((
            "admissionregistration.k8s.io/v1",
            "MutatingWebhookConfiguration",
        )),
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingAdmissionPolicy",
        (1, 31),
        (1, 34),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingAdmissionPolicyBinding",
        (1, 31),
        (1, 34),
        None,
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        (1, 16),
        (1, 22),
        Some((
            "admissionregistration.k8s.io/v1",
            "ValidatingWebhookConfiguration",
        )),
    ),
    (
        "apps/v1beta1",
        "ControllerRevision",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "ControllerRevision")),
    ),
    (
        "apps/v1beta1",
        "Deployment",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "Deployment")),
    ),
    (
        "apps/v1beta1",
        "StatefulSet",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "StatefulSet")),
    ),
    (
        "apps/v1beta2",
        "ControllerRevision",
        (1, 9),
        (1, 16),
        Some(("apps/v1", "ControllerRevision")),
    ),
    (
        "apps/v1beta2",
        "DaemonSet",
        (1, 9),
        (1, 16),
        Some(("apps/v1", "DaemonSet")),
    ),
    (
        "apps/v1beta2",
        "Deployment",
        (1, 9),
        (1, 16),
        Some(("apps/v1", "Deployment")),
    ),
    (
        "apps/v1beta2",
        "ReplicaSet",
        (1, 9),
        (1, 16),
        Some(("apps/v1", "ReplicaSet")),
    ),
    (
        "apps/v1beta2",
        "StatefulSet",
        (1, 9),
        (1, 16),
        Some(("apps/v1", "StatefulSet")),
    ),
    (
        "authentication.k8s.io/v1beta1",
        "SelfSubjectReview",
        (1, 30),
        (1, 33),
        None,
    ),
    (
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        (1, 19),
        (1, 22),
        Some(("authentication.k8s.io/v1", "TokenReview")),
    ),
    (
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        (1, 19),
        (1, 22),
        Some(("authorization.k8s.io/v1", "SubjectAccessReview")),
    ),
    (
        "batch/v1beta1",
        "CronJob",
        (1, 21),
        (1, 25),
        Some(("batch/v1", "CronJob")),
    ),
    (
        "certificates.k8s.io/v1alpha1",
        "ClusterTrustBundle",
        (1, 34),
        (1, 37),
        None,
    ),
    (
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        (1, 19),
        (1, 22),
        Some(("certificates.k8s.io/v1", "CertificateSigningRequest")),
    ),
    (
        "certificates.k8s.io/v1beta1",
        "ClusterTrustBundle",
        (1, 37),
        (1, 40),
        Some(("certificates.k8s.io/v1", "ClusterTrustBundle")),
    ),
    (
        "certificates.k8s.io/v1beta1",
        "PodCertificateRequest",
        (1, 37),
        (1, 40),
        Some(("certificates.k8s.io/v1", "PodCertificateRequest")),
    ),
    (
        "coordination.k8s.io/v1alpha2",
        "LeaseCandidate",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "coordination.k8s.io/v1beta1",
        "Lease",
        (1, 19),
        (1, 22),
        Some(("coordination.k8s.io/v1", "Lease")),
    ),
    (
        "coordination.k8s.io/v1beta1",
        "LeaseCandidate",
        (1, 36),
        (1, 39),
        None,
    ),
    (
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        (1, 21),
        (1, 25),
        Some(("discovery.k8s.io/v1", "EndpointSlice")),
    ),
    ("events.k8s.io/v1beta1", "Event", (1, 22), (1, 25), None),
    (
        "extensions/v1beta1",
        "DaemonSet",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "DaemonSet")),
    ),
    (
        "extensions/v1beta1",
        "Deployment",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "Deployment")),
    ),
    (
        "extensions/v1beta1",
        "Ingress",
        (1, 14),
        (1, 22),
        Some(("networking.k8s.io/v1", "Ingress")),
    ),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        (1, 9),
        (1, 16),
        Some(("networking.k8s.io/v1", "NetworkPolicy")),
    ),
    (
        "extensions/v1beta1",
        "ReplicaSet",
        (1, 8),
        (1, 16),
        Some(("apps/v1", "ReplicaSet")),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        (1, 23),
        (1, 26),
        Some(("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema")),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        (1, 23),
        (1, 26),
        Some((
            "flowcontrol.apiserver.k8s.io/v1beta3",
            "PriorityLevelConfiguration",
        )),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        (1, 26),
        (1, 29),
        Some(("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema")),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        (1, 26),
        (1, 29),
        Some((
            "flowcontrol.apiserver.k8s.io/v1beta3",
            "PriorityLevelConfiguration",
        )),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        (1, 29),
        (1, 32),
        Some(("flowcontrol.apiserver.k8s.io/v1", "FlowSchema")),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        (1, 29),
        (1, 32),
        Some((
            "flowcontrol.apiserver.k8s.io/v1",
            "PriorityLevelConfiguration",
        )),
    ),
    (
        "networking.k8s.io/v1beta1",
        "IPAddress",
        (1, 34),
        (1, 37),
        None,
    ),
    (
        "networking.k8s.io/v1beta1",
        "Ingress",
        (1, 19),
        (1, 22),
        Some(("networking.k8s.io/v1", "Ingress")),
    ),
    (
        "networking.k8s.io/v1beta1",
        "IngressClass",
        (1, 19),
        (1, 22),
        Some(("networking.k8s.io/v1", "IngressClassList")),
    ),
    (
        "networking.k8s.io/v1beta1",
        "ServiceCIDR",
        (1, 34),
        (1, 37),
        None,
    ),
    (
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        (1, 22),
        (1, 25),
        None,
    ),
    (
        "policy/v1beta1",
        "PodDisruptionBudget",
        (1, 21),
        (1, 25),
        Some(("policy/v1", "PodDisruptionBudget")),
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        (1, 17),
        (1, 22),
        Some(("rbac.authorization.k8s.io/v1", "ClusterRole")),
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        (1, 17),
        (1, 22),
        Some(("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")),
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        (1, 17),
        (1, 22),
        Some(("rbac.authorization.k8s.io/v1", "Role")),
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        (1, 17),
        (1, 22),
        Some(("rbac.authorization.k8s.io/v1", "RoleBinding")),
    ),
    (
        "resource.k8s.io/v1beta1",
        "DeviceClass",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "resource.k8s.io/v1beta1",
        "ResourceClaim",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "resource.k8s.io/v1beta1",
        "ResourceClaimTemplate",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "resource.k8s.io/v1beta1",
        "ResourceSlice",
        (1, 35),
        (1, 38),
        None,
    ),
    (
        "resource.k8s.io/v1beta2",
        "DeviceClass",
        (1, 36),
        (1, 39),
        None,
    ),
    (
        "resource.k8s.io/v1beta2",
        "ResourceClaim",
        (1, 36),
        (1, 39),
        None,
    ),
    (
        "resource.k8s.io/v1beta2",
        "ResourceClaimTemplate",
        (1, 36),
        (1, 39),
        None,
    ),
    (
        "resource.k8s.io/v1beta2",
        "ResourceSlice",
        (1, 36),
        (1, 39),
        None,
    ),
    (
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        (1, 14),
        (1, 22),
        Some(("scheduling.k8s.io/v1", "PriorityClass")),
    ),
    (
        "storage.k8s.io/v1alpha1",
        "CSIStorageCapacity",
        (1, 21),
        (1, 24),
        Some(("storage.k8s.io/v1beta1", "CSIStorageCapacity")),
    ),
    (
        "storage.k8s.io/v1alpha1",
        "VolumeAttachment",
        (1, 21),
        (1, 24),
        Some(("storage.k8s.io/v1", "VolumeAttachment")),
    ),
    (
        "storage.k8s.io/v1alpha1",
        "VolumeAttributesClass",
        (1, 32),
        (1, 35),
        Some(("storage.k8s.io/v1", "VolumeAttributesClass")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        (1, 19),
        (1, 22),
        Some(("storage.k8s.io/v1", "CSIDriver")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSINode",
        (1, 17),
        (1, 22),
        Some(("storage.k8s.io/v1", "CSINode")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        (1, 24),
        (1, 27),
        Some(("storage.k8s.io/v1", "CSIStorageCapacity")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "StorageClass",
        (1, 19),
        (1, 22),
        Some(("storage.k8s.io/v1", "StorageClass")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        (1, 19),
        (1, 22),
        Some(("storage.k8s.io/v1", "VolumeAttachment")),
    ),
    (
        "storage.k8s.io/v1beta1",
        "VolumeAttributesClass",
        (1, 34),
        (1, 37),
        Some(("storage.k8s.io/v1", "VolumeAttributesClass")),
    ),
];

/// Helm's deprecation warning for `api_version`/`kind` on Kubernetes `major.minor`, if any.
pub fn warning(api_version: &str, kind: &str, major: u32, minor: u32) -> Option<String> {
    let (gv, k, dep, removed, repl) = DEPRECATED
        .iter()
        .find(|(gv, k, ..)| *gv == api_version && *k == kind)?;
    if (major, minor) < *dep {
        return None;
    }
    let mut msg = format!(
        "{gv} {k} is deprecated in v{}.{}+, unavailable in v{}.{}+",
        dep.0, dep.1, removed.0, removed.1
    );
    if let Some((rgv, rk)) = repl {
        msg.push_str(&format!("; use {rgv} {rk}"));
    }
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_depends_on_the_kubernetes_version() {
        let w = warning("policy/v1beta1", "PodDisruptionBudget", 1, 37);
        assert_eq!(
            w.as_deref(),
            Some("policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget")
        );
        assert!(warning("policy/v1beta1", "PodDisruptionBudget", 1, 20).is_none());
        assert!(warning("policy/v1", "PodDisruptionBudget", 1, 37).is_none());
    }
}
