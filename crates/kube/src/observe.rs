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
