//! The connection and release storage every release command uses, set up as helm's
//! `action.Configuration.Init` does: kubeconfig (`--kubeconfig`, `KUBECONFIG`),
//! `--kube-context`, the namespace (`-n`, `HELM_NAMESPACE`, else the context's) and the
//! storage driver named by `HELM_DRIVER`.

use std::collections::BTreeMap;
use std::future::Future;

use capstan_release::{decode_release, Release};
use capstan_storage::{release_key, AnyDriver, Driver, DriverKind, StorageError};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::ListParams;
use kube::Api;

use super::GlobalFlags;

/// A connected release command: runtime, cluster client, namespace and driver kind.
pub struct Session {
    rt: tokio::runtime::Runtime,
    /// The client and the effective namespace.
    pub cluster: capstan_kube::Cluster,
    /// The storage backend (`HELM_DRIVER`).
    pub driver_kind: DriverKind,
    /// The API server's URL (for helm's unreachable message).
    server: String,
}

/// The innermost cause of a failed request, as Go's net package words the common ones.
fn go_cause(e: &kube::Error, server: &str) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    let host = server
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(server)
        .split('/')
        .next()
        .unwrap_or("");
    if let Some(io) = (inner as &(dyn std::error::Error + 'static)).downcast_ref::<std::io::Error>()
    {
        if io.kind() == std::io::ErrorKind::ConnectionRefused {
            return format!("dial tcp {host}: connect: connection refused");
        }
    }
    inner.to_string()
}

/// A stored revision with every label of its storage object (helm 4.3.1 reports the system
/// labels `name`, `owner`, `status`, ... among a release's labels in `get metadata`).
pub struct Stored {
    /// The decoded record.
    pub release: Release,
    /// All labels of the Secret/ConfigMap (only the custom ones for other drivers).
    pub labels: BTreeMap<String, String>,
}

/// Helm's `ValidateReleaseName`: at most 53 characters of a DNS-1123 subdomain.
pub fn valid_release_name(name: &str) -> bool {
    fn label_ok(l: &str) -> bool {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    }
    !name.is_empty() && name.len() <= 53 && name.split('.').all(label_ok)
}

/// `capstan_kube::connect` plus helm's connection flags, which override the kubeconfig:
/// `--kube-apiserver` (enough on its own, without any kubeconfig), `--kube-token`,
/// `--kube-as-user`/`--kube-as-group`, `--kube-ca-file`, `--kube-insecure-skip-tls-verify`,
/// `--kube-tls-server-name`.
async fn connect_with_overrides(
    opts: &capstan_kube::ConnectOptions,
    g: &GlobalFlags,
) -> anyhow::Result<(capstan_kube::Cluster, String)> {
    let mut cfg = match (capstan_kube::config(opts).await, &g.kube_apiserver) {
        (Ok(cfg), _) => cfg,
        (Err(_), Some(server)) => {
            let mut cfg = kube::Config::new(server.parse()?);
            if let Some(ns) = &opts.namespace {
                cfg.default_namespace = ns.clone();
            }
            cfg
        }
        (Err(e), None) => return Err(e.into()),
    };
    if let Some(server) = &g.kube_apiserver {
        cfg.cluster_url = server
            .parse()
            .map_err(|e| anyhow::anyhow!("--kube-apiserver {server:?}: {e}"))?;
    }
    if let Some(token) = &g.kube_token {
        // A bearer token replaces whatever credentials the kubeconfig gave.
        cfg.auth_info = Default::default();
        cfg.headers.push((
            http::header::AUTHORIZATION,
            http::HeaderValue::from_str(&format!("Bearer {token}"))?,
        ));
    }
    if let Some(user) = &g.kube_as_user {
        cfg.auth_info.impersonate = Some(user.clone());
    }
    if !g.kube_as_group.is_empty() {
        cfg.auth_info.impersonate_groups = Some(g.kube_as_group.clone());
    }
    if let Some(ca) = &g.kube_ca_file {
        cfg.root_cert_file = Some(ca.into());
    }
    if g.kube_insecure_skip_tls_verify {
        cfg.accept_invalid_certs = true;
    }
    if let Some(name) = &g.kube_tls_server_name {
        cfg.tls_server_name = Some(name.clone());
    }
    let namespace = cfg.default_namespace.clone();
    let server = cfg.cluster_url.to_string();
    let client = kube::Client::try_from(cfg)?;
    Ok((capstan_kube::Cluster { client, namespace }, server))
}

impl Session {
    /// Connects as the global flags say. Nothing is sent to the cluster yet.
    pub fn connect(global: &GlobalFlags) -> anyhow::Result<Session> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let driver_kind = DriverKind::from_env()?;
        // `--kubeconfig` names one file; a value that only came from KUBECONFIG may be a
        // list of files, which kube-rs reads (and merges) itself.
        let kubeconfig = global
            .kubeconfig
            .clone()
            .filter(|k| std::env::var("KUBECONFIG").ok().as_deref() != Some(k.as_str()))
            .map(Into::into);
        let opts = capstan_kube::ConnectOptions {
            kubeconfig,
            context: global.kube_context.clone(),
            namespace: global.namespace.clone().filter(|n| !n.is_empty()),
            disable_client_retry: false,
        };
        let (cluster, server) = rt
            .block_on(connect_with_overrides(&opts, global))
            .map_err(|e| anyhow::anyhow!("kubernetes cluster unreachable: {e}"))?;
        Ok(Session {
            rt,
            cluster,
            driver_kind,
            server: server.trim_end_matches('/').to_owned(),
        })
    }

    /// Runs a future on the session's runtime.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The effective namespace.
    pub fn namespace(&self) -> &str {
        &self.cluster.namespace
    }

    /// helm's `IsReachable`: the server answers `/version`; otherwise helm's
    /// `kubernetes cluster unreachable: Get "URL/version": CAUSE` (the cause in Go's words
    /// for a refused connection).
    pub async fn reachable(&self) -> anyhow::Result<()> {
        match self.cluster.client.apiserver_version().await {
            Ok(_) => Ok(()),
            Err(e) => Err(anyhow::anyhow!(
                "kubernetes cluster unreachable: Get \"{}/version\": {}",
                self.server,
                go_cause(&e, &self.server)
            )),
        }
    }

    /// The storage of the session's namespace, for the drivers that need no connection
    /// set-up (the SQL driver is refused: use [`Self::open_storage`]).
    #[allow(dead_code)] // kept for callers that cannot await (commands/plan.rs)
    pub fn storage(&self) -> anyhow::Result<capstan_storage::Storage<AnyDriver>> {
        self.storage_in(&self.cluster.namespace)
    }

    /// [`Self::storage`] for `namespace`.
    #[allow(dead_code)] // see `storage`
    pub fn storage_in(
        &self,
        namespace: &str,
    ) -> anyhow::Result<capstan_storage::Storage<AnyDriver>> {
        let driver = AnyDriver::connect(self.driver_kind, self.cluster.client.clone(), namespace)?;
        Ok(capstan_storage::Storage::new(driver))
    }

    /// The storage of the session's namespace, any driver (SQL included).
    pub async fn open_storage(&self) -> anyhow::Result<capstan_storage::Storage<AnyDriver>> {
        self.open_storage_in(&self.cluster.namespace).await
    }

    /// The storage of `namespace`, any driver: the SQL driver connects to PostgreSQL here,
    /// with `HELM_DRIVER_SQL_CONNECTION_STRING` as helm.
    pub async fn open_storage_in(
        &self,
        namespace: &str,
    ) -> anyhow::Result<capstan_storage::Storage<AnyDriver>> {
        let driver =
            AnyDriver::open(self.driver_kind, self.cluster.client.clone(), namespace).await?;
        Ok(capstan_storage::Storage::new(driver))
    }

    /// helm's `releaseContent`: revision `version` of `name`, or the newest when 0.
    pub async fn release_content(&self, name: &str, version: i64) -> anyhow::Result<Release> {
        if !valid_release_name(name) {
            anyhow::bail!("releaseContent: Release name is invalid: {name}");
        }
        let storage = self.open_storage().await?;
        let rel = if version <= 0 {
            storage.last(name).await?
        } else {
            storage.get(name, version).await?
        };
        Ok(rel)
    }

    /// Every revision of `name`, oldest first (helm's `History`; name validated as `helm
    /// history` does).
    pub async fn history(&self, name: &str) -> anyhow::Result<Vec<Release>> {
        if !valid_release_name(name) {
            anyhow::bail!("release name is invalid: {name}");
        }
        Ok(self.open_storage().await?.history(name).await?)
    }

    /// The labels of a revision's storage object, system labels included.
    pub async fn stored_labels(&self, rel: &Release) -> anyhow::Result<BTreeMap<String, String>> {
        let key = release_key(&rel.name, rel.version);
        let ns = if rel.namespace.is_empty() {
            self.cluster.namespace.clone()
        } else {
            rel.namespace.clone()
        };
        let client = self.cluster.client.clone();
        let labels = match self.driver_kind {
            DriverKind::Secrets => Api::<Secret>::namespaced(client, &ns)
                .get_opt(&key)
                .await?
                .and_then(|s| s.metadata.labels),
            DriverKind::ConfigMaps => Api::<ConfigMap>::namespaced(client, &ns)
                .get_opt(&key)
                .await?
                .and_then(|s| s.metadata.labels),
            DriverKind::Memory | DriverKind::Sql => Some(rel.labels.clone()),
        };
        Ok(labels.unwrap_or_default())
    }

    /// Every stored revision of every release in the session's namespace, or in all
    /// namespaces, with the storage objects' labels (helm's `Releases.List`; records that do
    /// not decode are skipped, as helm does).
    pub async fn list_stored(&self, all_namespaces: bool) -> anyhow::Result<Vec<Stored>> {
        let client = self.cluster.client.clone();
        let ns = self.cluster.namespace.clone();
        let lp = ListParams::default().labels("owner=helm");
        let decode = |data: Option<&[u8]>, labels: Option<BTreeMap<String, String>>| {
            let text = String::from_utf8_lossy(data?);
            let release = decode_release(&text).ok()?;
            Some(Stored {
                release,
                labels: labels.unwrap_or_default(),
            })
        };
        match self.driver_kind {
            DriverKind::Secrets => {
                let api: Api<Secret> = if all_namespaces {
                    Api::all(client)
                } else {
                    Api::namespaced(client, &ns)
                };
                Ok(api
                    .list(&lp)
                    .await?
                    .items
                    .into_iter()
                    .filter_map(|s| {
                        let data = s.data.as_ref().and_then(|d| d.get("release"));
                        decode(data.map(|b| b.0.as_slice()), s.metadata.labels)
                    })
                    .collect())
            }
            DriverKind::ConfigMaps => {
                let api: Api<ConfigMap> = if all_namespaces {
                    Api::all(client)
                } else {
                    Api::namespaced(client, &ns)
                };
                Ok(api
                    .list(&lp)
                    .await?
                    .items
                    .into_iter()
                    .filter_map(|c| {
                        let data = c.data.as_ref().and_then(|d| d.get("release"));
                        decode(data.map(|s| s.as_bytes()), c.metadata.labels)
                    })
                    .collect())
            }
            DriverKind::Memory | DriverKind::Sql => {
                // The SQL driver lists every namespace when given none, as helm's.
                let ns = if all_namespaces { "" } else { ns.as_str() };
                let driver = AnyDriver::open(self.driver_kind, client, ns).await?;
                match driver.list().await {
                    Ok(rels) => Ok(rels
                        .into_iter()
                        .map(|r| Stored {
                            labels: r.labels.clone(),
                            release: r,
                        })
                        .collect()),
                    Err(StorageError::NotFound) => Ok(Vec::new()),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_release_name;

    #[test]
    fn release_names_as_helm_checks_them() {
        for ok in ["a", "my-rel", "a.b-c", "x1", &"a".repeat(53)] {
            assert!(valid_release_name(ok), "{ok}");
        }
        for bad in ["", "Bad_Name", "-a", "a-", "a..b", "UPPER", &"a".repeat(54)] {
            assert!(!valid_release_name(bad), "{bad}");
        }
    }
}
