//! capstan's cluster layer on kube-rs.
//!
//! For now this holds connection set-up as kubectl and helm do it: `--kubeconfig` (else
//! `KUBECONFIG` with several files merged, else `~/.kube/config`, else the in-cluster service
//! account), `--kube-context`, and the namespace taken from the context when none is given.
//! Credentials (tokens, client certificates, exec plugins) are handled by kube-rs from the
//! kubeconfig.
//!
//! [`resources`] maps kinds to resources through cached discovery and applies (server-side,
//! as Helm 4 with its field manager), reads and deletes them; [`wait`] watches hooks to
//! their end; [`ready`] judges readiness with the kstatus rules; [`retry`] retries
//! transient failures; [`threeway`] updates objects of releases helm 3 installed with its
//! three-way strategic/JSON merge patches (see docs/storage.md).

#![warn(missing_docs)]

pub mod cluster;
pub mod csa_upgrade;
pub mod lookup;
pub mod observe;
pub mod ready;
pub mod ready_wait;
pub mod resources;
pub mod retry;
pub mod threeway;
pub mod wait;

use std::path::PathBuf;

pub use k8s_openapi;
pub use kube;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Errors from setting up a cluster connection.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The kubeconfig could not be read or parsed.
    #[error("kubeconfig: {0}")]
    Kubeconfig(#[from] kube::config::KubeconfigError),
    /// No kubeconfig and not running in a cluster.
    #[error("no kubeconfig found and not running inside a cluster: {0}")]
    InCluster(#[from] kube::config::InClusterError),
    /// The client could not be built.
    #[error("kubernetes client: {0}")]
    Client(#[from] kube::Error),
}

/// How to reach the cluster, as helm's global flags say it.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig`: one file that replaces `KUBECONFIG`.
    pub kubeconfig: Option<PathBuf>,
    /// `--kube-context`.
    pub context: Option<String>,
    /// `--namespace`; when absent the context's namespace, else `default`.
    pub namespace: Option<String>,
    /// Turns off kube-rs's own retry layer (429/503/504, uncounted), leaving retries to
    /// [`retry::Retry`], which also covers 500s and broken connections and counts what it
    /// does. Callers that do not wrap their calls in `Retry` should leave it on.
    pub disable_client_retry: bool,
}

/// A connected client and the namespace to work in.
#[derive(Clone)]
pub struct Cluster {
    /// The kube-rs client.
    pub client: Client,
    /// The effective namespace.
    pub namespace: String,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

/// Builds the client configuration the way kubectl resolves it.
pub async fn config(opts: &ConnectOptions) -> Result<Config, KubeError> {
    let kc_opts = KubeConfigOptions {
        context: opts.context.clone(),
        cluster: None,
        user: None,
    };
    let kubeconfig = match &opts.kubeconfig {
        Some(path) => Some(Kubeconfig::read_from(path)?),
        // `from_env` reads every file of KUBECONFIG and merges them as kubectl does (first
        // file wins for each entry); None when the variable is unset.
        None => match Kubeconfig::from_env()? {
            Some(kc) => Some(kc),
            None => Kubeconfig::read().ok(),
        },
    };
    let mut cfg = match kubeconfig {
        Some(kc) => Config::from_custom_kubeconfig(kc, &kc_opts).await?,
        None => Config::incluster()?,
    };
    if let Some(ns) = &opts.namespace {
        cfg.default_namespace = ns.clone();
    }
    if opts.disable_client_retry {
        cfg.default_retry = false;
    }
    Ok(cfg)
}

/// Connects to the cluster.
pub async fn connect(opts: &ConnectOptions) -> Result<Cluster, KubeError> {
    let cfg = config(opts).await?;
    let namespace = cfg.default_namespace.clone();
    let client = Client::try_from(cfg)?;
    Ok(Cluster { client, namespace })
}
