//! What the lifecycle shows the user: `.Capabilities` from the server, pod logs and the
//! Events of an object.

use futures::{AsyncBufReadExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{ListParams, LogParams};
use kube::{Api, Client};

use crate::resources::Resources;

/// The server's version and API versions, as Helm fills `.Capabilities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// `v1.37.0` (`.Capabilities.KubeVersion.Version`).
    pub kube_version: String,
    /// Major version string.
    pub major: String,
    /// Minor version string.
    pub minor: String,
    /// Every `group/version` and `group/version/Kind` served, as Helm lists them for
    /// `.Capabilities.APIVersions.Has`.
    pub api_versions: Vec<String>,
}

/// Reads `.Capabilities` from the server (discovery is refreshed).
pub async fn capabilities(res: &Resources) -> Result<Capabilities, kube::Error> {
    let client = res.client().clone();
    let info = res.retry().run(|| client.apiserver_version()).await?;
    let d = res
        .retry()
        .run(|| kube::Discovery::new(client.clone()).run())
        .await?;
    let mut api_versions = Vec::new();
    for group in d.groups() {
        for ver in group.versions() {
            let gv = if group.name().is_empty() {
                ver.to_owned()
            } else {
                format!("{}/{ver}", group.name())
            };
            for (ar, _) in group.versioned_resources(ver) {
                api_versions.push(format!("{gv}/{}", ar.kind));
            }
            api_versions.push(gv);
        }
    }
    api_versions.sort();
    api_versions.dedup();
    Ok(Capabilities {
        kube_version: info.git_version,
        major: info.major,
        minor: info.minor,
        api_versions,
    })
}

/// Log lines of a pod's container (`tail`: only the last N lines).
pub async fn pod_logs(
    client: Client,
    namespace: &str,
    pod: &str,
    container: Option<&str>,
    tail: Option<i64>,
) -> Result<Vec<String>, kube::Error> {
    let api: Api<Pod> = Api::namespaced(client, namespace);
    let lp = LogParams {
        container: container.map(str::to_owned),
        tail_lines: tail,
        ..LogParams::default()
    };
    let text = api.logs(pod, &lp).await?;
    Ok(text.lines().map(str::to_owned).collect())
}

/// Follows a pod's log, calling `on_line` for each line until the container ends.
pub async fn follow_pod_logs(
    client: Client,
    namespace: &str,
    pod: &str,
    container: Option<&str>,
    mut on_line: impl FnMut(String),
) -> Result<(), kube::Error> {
    let api: Api<Pod> = Api::namespaced(client, namespace);
    let lp = LogParams {
        container: container.map(str::to_owned),
        follow: true,
        ..LogParams::default()
    };
    let stream = api.log_stream(pod, &lp).await?;
    let mut lines = stream.lines();
    while let Some(line) = lines.try_next().await.map_err(kube::Error::ReadEvents)? {
        on_line(line);
    }
    Ok(())
}

/// The Events about one object (`involvedObject.name` and kind), oldest first, as
/// `"Type Reason: message"`.
pub async fn events_for(
    client: Client,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Result<Vec<String>, kube::Error> {
    let api: Api<Event> = Api::namespaced(client, namespace);
    let lp = ListParams::default().fields(&format!(
        "involvedObject.name={name},involvedObject.kind={kind}"
    ));
    let mut events = api.list(&lp).await?.items;
    events.sort_by(|a, b| {
        let t = |e: &Event| e.last_timestamp.as_ref().map(|t| t.0);
        t(a).cmp(&t(b))
    });
    Ok(events
        .into_iter()
        .map(|e| {
            format!(
                "{} {}: {}",
                e.type_.unwrap_or_default(),
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default()
            )
        })
        .collect())
}

/// What a failed hook left to read: for a Job its pods (label `job-name`), for a Pod itself;
/// each container's last 20 log lines (`logs <pod>/<container>: line`), each pod's waiting
/// reasons (ImagePullBackOff, CrashLoopBackOff, ...) and the Events of the hook object and
/// its pods (`events <Kind>/<name>: Type Reason: message`). Best effort: what cannot be
/// read is left out.
pub async fn hook_diagnostics(
    client: Client,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Vec<String> {
    let pods_api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pods: Vec<Pod> = match kind {
        "Job" => pods_api
            .list(&ListParams::default().labels(&format!("job-name={name}")))
            .await
            .map(|l| l.items)
            .unwrap_or_default(),
        "Pod" => pods_api
            .get_opt(name)
            .await
            .ok()
            .flatten()
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    if let Ok(evs) = events_for(client.clone(), namespace, kind, name).await {
        out.extend(
            evs.into_iter()
                .map(|e| format!("events {kind}/{name}: {e}")),
        );
    }
    for pod in pods {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let statuses = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default();
        for cs in &statuses {
            if let Some(w) = cs.state.as_ref().and_then(|s| s.waiting.as_ref()) {
                out.push(format!(
                    "pod {pod_name}/{}: waiting: {} {}",
                    cs.name,
                    w.reason.clone().unwrap_or_default(),
                    w.message.clone().unwrap_or_default()
                ));
            }
            if let Some(t) = cs.state.as_ref().and_then(|s| s.terminated.as_ref()) {
                out.push(format!(
                    "pod {pod_name}/{}: terminated: exit code {} {}",
                    cs.name,
                    t.exit_code,
                    t.reason.clone().unwrap_or_default()
                ));
            }
        }
        let containers: Vec<String> = pod
            .spec
            .as_ref()
            .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        for c in containers {
            if let Ok(lines) =
                pod_logs(client.clone(), namespace, &pod_name, Some(&c), Some(20)).await
            {
                out.extend(
                    lines
                        .into_iter()
                        .map(|l| format!("logs {pod_name}/{c}: {l}")),
                );
            }
        }
        if let Ok(evs) = events_for(client.clone(), namespace, "Pod", &pod_name).await {
            out.extend(
                evs.into_iter()
                    .map(|e| format!("events Pod/{pod_name}: {e}")),
            );
        }
    }
    out
}

/// Every container's full log of a hook's pods, as `(pod, container, lines)`: a Pod
/// itself, or a Job's pods (label `job-name`); init containers first when `include_init`
/// (Helm 4.3's `test --logs`; hook output logs show regular containers only). Containers
/// whose log cannot be read are left out.
pub async fn container_logs(
    client: Client,
    namespace: &str,
    kind: &str,
    name: &str,
    include_init: bool,
) -> Vec<(String, String, Vec<String>)> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pods: Vec<Pod> = match kind {
        "Pod" => api.get_opt(name).await.ok().flatten().into_iter().collect(),
        "Job" => api
            .list(&ListParams::default().labels(&format!("job-name={name}")))
            .await
            .map(|l| l.items)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for p in pods {
        let pod = p.metadata.name.clone().unwrap_or_default();
        let mut names = Vec::new();
        if let Some(spec) = &p.spec {
            if include_init {
                if let Some(init) = &spec.init_containers {
                    names.extend(init.iter().map(|c| c.name.clone()));
                }
            }
            names.extend(spec.containers.iter().map(|c| c.name.clone()));
        }
        for c in names {
            if let Ok(lines) = pod_logs(client.clone(), namespace, &pod, Some(&c), None).await {
                out.push((pod.clone(), c, lines));
            }
        }
    }
    out
}
