//! The kind install and uninstall orders of Helm 4 (`pkg/release/v1/util/kind_sorter.go`).
//! Helm 4 added the webhook configurations after `APIService`; Helm 3 sorted them among the
//! unknown kinds.

use std::cmp::Ordering;

/// Kinds in the order Helm installs them; unknown kinds come after all of these.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Kinds in the order Helm deletes them; unknown kinds come after all of these.
pub const UNINSTALL_ORDER: &[&str] = &[
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

/// Compares two kinds under an order as Helm's stable sort does: known kinds by position,
/// unknown kinds after known ones and alphabetically among themselves; equal means "keep
/// the input order".
pub fn compare_kinds(a: &str, b: &str, order: &[&str]) -> Ordering {
    let pa = order.iter().position(|k| *k == a);
    let pb = order.iter().position(|k| *k == b);
    match (pa, pb) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_go_last_alphabetically() {
        assert_eq!(
            compare_kinds("Namespace", "Deployment", INSTALL_ORDER),
            Ordering::Less
        );
        assert_eq!(
            compare_kinds(
                "ServiceMonitor",
                "ValidatingWebhookConfiguration",
                INSTALL_ORDER
            ),
            Ordering::Greater
        );
        assert_eq!(
            compare_kinds("Alpha", "Beta", INSTALL_ORDER),
            Ordering::Less
        );
        assert_eq!(compare_kinds("Job", "Job", INSTALL_ORDER), Ordering::Equal);
        assert_eq!(
            compare_kinds("Service", "Deployment", UNINSTALL_ORDER),
            Ordering::Less
        );
    }
}
