//! Protobuf field tables for the workload, service, RBAC and policy kinds that
//! `kubectl create <kind>` sends as protobuf (client-go typed clients never fall back to
//! JSON). Field numbers are the stable ones of the Kubernetes `generated.proto` files;
//! fields a table leaves out are skipped, so only what `kubectl create` and typical typed
//! clients set is covered (see docs/sandbox.md).

use crate::proto::{Ty, F, META};

const LABEL_REQ: &[F] = &[
    (1, "key", Ty::Str, false),
    (2, "operator", Ty::Str, false),
    (3, "values", Ty::Str, true),
];
pub(crate) const LABEL_SELECTOR: &[F] = &[
    (1, "matchLabels", Ty::MapStr, false),
    (2, "matchExpressions", Ty::Msg(LABEL_REQ), true),
];
const CONTAINER_PORT: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "hostPort", Ty::Int, false),
    (3, "containerPort", Ty::Int, false),
    (4, "protocol", Ty::Str, false),
    (5, "hostIP", Ty::Str, false),
];
const ENV_VAR: &[F] = &[(1, "name", Ty::Str, false), (2, "value", Ty::Str, false)];
const VOLUME_MOUNT: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "readOnly", Ty::Bool, false),
    (3, "mountPath", Ty::Str, false),
    (4, "subPath", Ty::Str, false),
];
const RESOURCES: &[F] = &[
    (1, "limits", Ty::MapQuantity, false),
    (2, "requests", Ty::MapQuantity, false),
];
const CONTAINER: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "image", Ty::Str, false),
    (3, "command", Ty::Str, true),
    (4, "args", Ty::Str, true),
    (5, "workingDir", Ty::Str, false),
    (6, "ports", Ty::Msg(CONTAINER_PORT), true),
    (7, "env", Ty::Msg(ENV_VAR), true),
    (8, "resources", Ty::Msg(RESOURCES), false),
    (9, "volumeMounts", Ty::Msg(VOLUME_MOUNT), true),
    (13, "terminationMessagePath", Ty::Str, false),
    (14, "imagePullPolicy", Ty::Str, false),
    (16, "stdin", Ty::Bool, false),
    (17, "stdinOnce", Ty::Bool, false),
    (18, "tty", Ty::Bool, false),
    (20, "terminationMessagePolicy", Ty::Str, false),
];
const LOCAL_REF: &[F] = &[(1, "name", Ty::Str, false)];
const POD_SPEC: &[F] = &[
    (2, "containers", Ty::Msg(CONTAINER), true),
    (3, "restartPolicy", Ty::Str, false),
    (4, "terminationGracePeriodSeconds", Ty::Int, false),
    (5, "activeDeadlineSeconds", Ty::Int, false),
    (6, "dnsPolicy", Ty::Str, false),
    (7, "nodeSelector", Ty::MapStr, false),
    (8, "serviceAccountName", Ty::Str, false),
    (10, "nodeName", Ty::Str, false),
    (11, "hostNetwork", Ty::Bool, false),
    (15, "imagePullSecrets", Ty::Msg(LOCAL_REF), true),
    (16, "hostname", Ty::Str, false),
    (17, "subdomain", Ty::Str, false),
    (19, "schedulerName", Ty::Str, false),
    (20, "initContainers", Ty::Msg(CONTAINER), true),
    (21, "automountServiceAccountToken", Ty::Bool, false),
    (24, "priorityClassName", Ty::Str, false),
];
const POD_TEMPLATE: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (2, "spec", Ty::Msg(POD_SPEC), false),
];
const ROLLING_UPDATE: &[F] = &[
    (1, "maxUnavailable", Ty::IntOrStr, false),
    (2, "maxSurge", Ty::IntOrStr, false),
];
const STRATEGY: &[F] = &[
    (1, "type", Ty::Str, false),
    (2, "rollingUpdate", Ty::Msg(ROLLING_UPDATE), false),
];
const DEPLOYMENT_SPEC: &[F] = &[
    (1, "replicas", Ty::Int, false),
    (2, "selector", Ty::Msg(LABEL_SELECTOR), false),
    (3, "template", Ty::Msg(POD_TEMPLATE), false),
    (4, "strategy", Ty::Msg(STRATEGY), false),
    (5, "minReadySeconds", Ty::Int, false),
    (6, "revisionHistoryLimit", Ty::Int, false),
    (7, "paused", Ty::Bool, false),
    (9, "progressDeadlineSeconds", Ty::Int, false),
];
const JOB_SPEC: &[F] = &[
    (1, "parallelism", Ty::Int, false),
    (2, "completions", Ty::Int, false),
    (3, "activeDeadlineSeconds", Ty::Int, false),
    (4, "selector", Ty::Msg(LABEL_SELECTOR), false),
    (5, "manualSelector", Ty::Bool, false),
    (6, "template", Ty::Msg(POD_TEMPLATE), false),
    (7, "backoffLimit", Ty::Int, false),
    (8, "ttlSecondsAfterFinished", Ty::Int, false),
    (9, "completionMode", Ty::Str, false),
    (10, "suspend", Ty::Bool, false),
];
const JOB_TEMPLATE: &[F] = &[
    (1, "metadata", Ty::Msg(META), false),
    (2, "spec", Ty::Msg(JOB_SPEC), false),
];
const CRONJOB_SPEC: &[F] = &[
    (1, "schedule", Ty::Str, false),
    (2, "startingDeadlineSeconds", Ty::Int, false),
    (3, "concurrencyPolicy", Ty::Str, false),
    (4, "suspend", Ty::Bool, false),
    (5, "jobTemplate", Ty::Msg(JOB_TEMPLATE), false),
    (6, "successfulJobsHistoryLimit", Ty::Int, false),
    (7, "failedJobsHistoryLimit", Ty::Int, false),
    (8, "timeZone", Ty::Str, false),
];
const SERVICE_PORT: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "protocol", Ty::Str, false),
    (3, "port", Ty::Int, false),
    (4, "targetPort", Ty::IntOrStr, false),
    (5, "nodePort", Ty::Int, false),
    (6, "appProtocol", Ty::Str, false),
];
const SERVICE_SPEC: &[F] = &[
    (1, "ports", Ty::Msg(SERVICE_PORT), true),
    (2, "selector", Ty::MapStr, false),
    (3, "clusterIP", Ty::Str, false),
    (4, "type", Ty::Str, false),
    (5, "externalIPs", Ty::Str, true),
    (7, "sessionAffinity", Ty::Str, false),
    (10, "externalName", Ty::Str, false),
];
const POLICY_RULE: &[F] = &[
    (1, "verbs", Ty::Str, true),
    (2, "apiGroups", Ty::Str, true),
    (3, "resources", Ty::Str, true),
    (4, "resourceNames", Ty::Str, true),
    (5, "nonResourceURLs", Ty::Str, true),
];
const SUBJECT: &[F] = &[
    (1, "kind", Ty::Str, false),
    (2, "apiGroup", Ty::Str, false),
    (3, "name", Ty::Str, false),
    (4, "namespace", Ty::Str, false),
];
const ROLE_REF: &[F] = &[
    (1, "apiGroup", Ty::Str, false),
    (2, "kind", Ty::Str, false),
    (3, "name", Ty::Str, false),
];
const BACKEND_PORT: &[F] = &[(1, "name", Ty::Str, false), (2, "number", Ty::Int, false)];
const SERVICE_BACKEND: &[F] = &[
    (1, "name", Ty::Str, false),
    (2, "port", Ty::Msg(BACKEND_PORT), false),
];
const TYPED_REF: &[F] = &[
    (1, "apiGroup", Ty::Str, false),
    (2, "kind", Ty::Str, false),
    (3, "name", Ty::Str, false),
];
const INGRESS_BACKEND: &[F] = &[
    (3, "resource", Ty::Msg(TYPED_REF), false),
    (4, "service", Ty::Msg(SERVICE_BACKEND), false),
];
const HTTP_PATH: &[F] = &[
    (1, "path", Ty::Str, false),
    (2, "backend", Ty::Msg(INGRESS_BACKEND), false),
    (3, "pathType", Ty::Str, false),
];
const HTTP_RULE: &[F] = &[(1, "paths", Ty::Msg(HTTP_PATH), true)];
const RULE_VALUE: &[F] = &[(1, "http", Ty::Msg(HTTP_RULE), false)];
const INGRESS_RULE: &[F] = &[
    (1, "host", Ty::Str, false),
    (2, "ingressRuleValue", Ty::Inline(RULE_VALUE), false),
];
const INGRESS_TLS: &[F] = &[
    (1, "hosts", Ty::Str, true),
    (2, "secretName", Ty::Str, false),
];
const INGRESS_SPEC: &[F] = &[
    (1, "defaultBackend", Ty::Msg(INGRESS_BACKEND), false),
    (2, "tls", Ty::Msg(INGRESS_TLS), true),
    (3, "rules", Ty::Msg(INGRESS_RULE), true),
    (4, "ingressClassName", Ty::Str, false),
];
const PDB_SPEC: &[F] = &[
    (1, "minAvailable", Ty::IntOrStr, false),
    (2, "selector", Ty::Msg(LABEL_SELECTOR), false),
    (3, "maxUnavailable", Ty::IntOrStr, false),
    (4, "unhealthyPodEvictionPolicy", Ty::Str, false),
];
const QUOTA_SPEC: &[F] = &[
    (1, "hard", Ty::MapQuantity, false),
    (2, "scopes", Ty::Str, true),
];

/// `metadata` then `spec` with the given spec table (field 2), as most kinds lay out.
macro_rules! with_spec {
    ($spec:expr) => {
        &[
            (1, "metadata", Ty::Msg(META), false),
            (2, "spec", Ty::Msg($spec), false),
        ]
    };
}

/// The field table of a kind `kubectl create` sends as protobuf, if we have one.
pub(crate) fn schema(kind: &str) -> Option<&'static [F]> {
    Some(match kind {
        "Deployment" => with_spec!(DEPLOYMENT_SPEC),
        "Job" => with_spec!(JOB_SPEC),
        "CronJob" => with_spec!(CRONJOB_SPEC),
        "Service" => with_spec!(SERVICE_SPEC),
        "Ingress" => with_spec!(INGRESS_SPEC),
        "PodDisruptionBudget" => with_spec!(PDB_SPEC),
        "ResourceQuota" => with_spec!(QUOTA_SPEC),
        "Role" | "ClusterRole" => &[
            (1, "metadata", Ty::Msg(META), false),
            (2, "rules", Ty::Msg(POLICY_RULE), true),
        ],
        "RoleBinding" | "ClusterRoleBinding" => &[
            (1, "metadata", Ty::Msg(META), false),
            (2, "subjects", Ty::Msg(SUBJECT), true),
            (3, "roleRef", Ty::Msg(ROLE_REF), false),
        ],
        "PriorityClass" => &[
            (1, "metadata", Ty::Msg(META), false),
            (2, "value", Ty::Int, false),
            (3, "globalDefault", Ty::Bool, false),
            (4, "description", Ty::Str, false),
            (5, "preemptionPolicy", Ty::Str, false),
        ],
        _ => return None,
    })
}
