//! Resources of any kind: REST mapping through cached discovery, server-side apply with
//! Helm's field manager, create, replace (conflicts re-read and resent), get and delete.

use std::sync::Arc;

use kube::api::{
    DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
    PropagationPolicy,
};
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope};
use kube::{Api, Client};
use tokio::sync::RwLock;

use crate::retry::Retry;

/// The field manager helm uses (the base name of its binary). capstan applies under the same
/// name by default so that ownership of fields passes between helm and capstan without
/// conflicts.
pub const HELM_FIELD_MANAGER: &str = "helm";

/// Errors from resource operations.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// The cluster does not serve this kind (also after refreshing discovery).
    #[error("resource mapping not found for kind {kind:?} in version {version:?}: ensure CRDs are installed first")]
    NoMapping {
        /// `group/version` or `version`.
        version: String,
        /// Kind.
        kind: String,
    },
    /// The manifest lacks `apiVersion`, `kind` or `metadata.name`.
    #[error("manifest is missing {0}")]
    Incomplete(&'static str),
    /// The API call failed.
    #[error("{}", kube_message(.0))]
    Kube(#[from] kube::Error),
}

/// An API refusal as client-go (and so helm) prints it: the Status message alone
/// (`jobs.batch "x" already exists`); other failures as kube-rs describes them.
fn kube_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// A cluster handle that maps kinds to resources, applies and deletes.
#[derive(Clone)]
pub struct Resources {
    client: Client,
    discovery: Arc<RwLock<Option<Discovery>>>,
    retry: Arc<Retry>,
}

impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resources").finish_non_exhaustive()
    }
}

/// How a manifest maps onto the API.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The resource (group, version, plural).
    pub resource: ApiResource,
    /// Whether it lives in a namespace.
    pub namespaced: bool,
}

fn dynamic(obj: &serde_json::Value) -> Result<DynamicObject, ResourceError> {
    serde_json::from_value(obj.clone()).map_err(|e| ResourceError::Kube(kube::Error::SerdeError(e)))
}

fn gvk_of(obj: &serde_json::Value) -> Result<GroupVersionKind, ResourceError> {
    let api_version = obj
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .ok_or(ResourceError::Incomplete("apiVersion"))?;
    let kind = obj
        .get("kind")
        .and_then(|v| v.as_str())
        .ok_or(ResourceError::Incomplete("kind"))?;
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    Ok(GroupVersionKind::gvk(group, version, kind))
}

impl Resources {
    /// A handle on `client` with the default retry policy.
    pub fn new(client: Client) -> Self {
        Self::with_retry(client, Retry::default())
    }

    /// A handle with a given retry policy (its counters are readable via [`Self::retry`]).
    pub fn with_retry(client: Client, retry: Retry) -> Self {
        Self {
            client,
            discovery: Arc::new(RwLock::new(None)),
            retry: Arc::new(retry),
        }
    }

    /// The retry policy and its counters.
    pub fn retry(&self) -> &Retry {
        &self.retry
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn refresh(&self) -> Result<(), ResourceError> {
        let client = self.client.clone();
        let d = self
            .retry
            .run(|| Discovery::new(client.clone()).run())
            .await?;
        *self.discovery.write().await = Some(d);
        Ok(())
    }

    fn lookup(d: &Discovery, gvk: &GroupVersionKind) -> Option<(ApiResource, ApiCapabilities)> {
        d.resolve_gvk(gvk)
    }

    /// Maps a kind to its resource. Discovery is cached; a miss refreshes it once, so kinds
    /// of CRDs created earlier in the same operation are found.
    pub async fn mapping(&self, gvk: &GroupVersionKind) -> Result<Mapping, ResourceError> {
        for refreshed in [false, true] {
            if refreshed || self.discovery.read().await.is_none() {
                self.refresh().await?;
            }
            if let Some(d) = self.discovery.read().await.as_ref() {
                if let Some((resource, caps)) = Self::lookup(d, gvk) {
                    return Ok(Mapping {
                        resource,
                        namespaced: caps.scope == Scope::Namespaced,
                    });
                }
            }
        }
        Err(ResourceError::NoMapping {
            version: gvk.api_version(),
            kind: gvk.kind.clone(),
        })
    }

    /// The dynamic API for a manifest's kind; namespaced kinds use the manifest's namespace,
    /// else `default_ns`.
    pub async fn api_for(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
    ) -> Result<Api<DynamicObject>, ResourceError> {
        let m = self.mapping(&gvk_of(obj)?).await?;
        Ok(if m.namespaced {
            let ns = obj
                .pointer("/metadata/namespace")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .unwrap_or(default_ns);
            Api::namespaced_with(self.client.clone(), ns, &m.resource)
        } else {
            Api::all_with(self.client.clone(), &m.resource)
        })
    }

    /// Server-side applies one object as `manager` (normally [`HELM_FIELD_MANAGER`]). With
    /// `force`, fields owned by other managers are taken over (Helm's `--force-conflicts`).
    /// A server-side apply is idempotent, so conflicts-free retries are safe.
    pub async fn apply(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
        manager: &str,
        force: bool,
    ) -> Result<DynamicObject, ResourceError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(|v| v.as_str())
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(obj, default_ns).await?;
        let mut pp = PatchParams::apply(manager);
        if force {
            pp = pp.force();
        }
        let patch = Patch::Apply(obj);
        Ok(self.retry.run(|| api.patch(name, &pp, &patch)).await?)
    }

    /// Creates an object as `manager` (Helm's create: fails with 409 when it exists).
    /// A create whose answer was lost and that meets its own object on the retry is not
    /// told apart here; callers that need it compare the existing object.
    pub async fn create(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
        manager: &str,
    ) -> Result<DynamicObject, ResourceError> {
        let api = self.api_for(obj, default_ns).await?;
        let dynamic = dynamic(obj)?;
        let pp = PostParams {
            field_manager: Some(manager.to_owned()),
            ..PostParams::default()
        };
        Ok(self.retry.run(|| api.create(&pp, &dynamic)).await?)
    }

    /// Replaces an object whole as `manager` (helm's `--force` update: its
    /// `Replace(..., overwrite=true)`), sending the live resourceVersion. A 409 (someone
    /// wrote in between) re-reads and resends, up to 5 times: the intent is to overwrite, so
    /// resending over a newer version is what the caller asked for.
    pub async fn replace(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
        manager: &str,
    ) -> Result<DynamicObject, ResourceError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(|v| v.as_str())
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(obj, default_ns).await?;
        let pp = PostParams {
            field_manager: Some(manager.to_owned()),
            ..PostParams::default()
        };
        let mut conflicts = 0;
        loop {
            let current = self.retry.run(|| api.get(name)).await?;
            let mut next = dynamic(obj)?;
            next.metadata.resource_version = current.metadata.resource_version;
            let conflict = |e: &kube::Error| matches!(e, kube::Error::Api(s) if s.code == 409);
            match self
                .retry
                .run_handling(conflict, || api.replace(name, &pp, &next))
                .await
            {
                Err(e) if conflict(&e) && conflicts < 5 => {
                    conflicts += 1;
                    self.retry
                        .stats
                        .retried
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                Err(e) if conflict(&e) => {
                    self.retry
                        .stats
                        .failed
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Err(e.into());
                }
                other => return Ok(other?),
            }
        }
    }

    /// Reads an object; `None` when it does not exist.
    pub async fn get(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
    ) -> Result<Option<DynamicObject>, ResourceError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(|v| v.as_str())
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(obj, default_ns).await?;
        Ok(self.retry.run(|| api.get_opt(name)).await?)
    }

    /// Deletes an object with the given propagation; `false` when it was already gone.
    pub async fn delete(
        &self,
        obj: &serde_json::Value,
        default_ns: &str,
        propagation: PropagationPolicy,
    ) -> Result<bool, ResourceError> {
        let name = obj
            .pointer("/metadata/name")
            .and_then(|v| v.as_str())
            .ok_or(ResourceError::Incomplete("metadata.name"))?;
        let api = self.api_for(obj, default_ns).await?;
        let dp = DeleteParams {
            propagation_policy: Some(propagation),
            ..DeleteParams::default()
        };
        match self.retry.run(|| api.delete(name, &dp)).await {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
