//! Driver selection by `HELM_DRIVER`, as helm's `action.Configuration.Init` does it.

use std::collections::BTreeMap;

use capstan_release::Release;
use kube::Client;

use crate::driver::{Driver, StorageError};
use crate::{ConfigMapsDriver, MemoryDriver, SecretsDriver, SqlDriver};

/// The storage backends `HELM_DRIVER` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    /// `secret`, `secrets` or unset/empty (Helm's default).
    Secrets,
    /// `configmap`, `configmaps`.
    ConfigMaps,
    /// `memory`.
    Memory,
    /// `sql`: PostgreSQL, connection string from `HELM_DRIVER_SQL_CONNECTION_STRING`
    /// (built by [`AnyDriver::open`], which is async).
    Sql,
}

impl DriverKind {
    /// Parses a `HELM_DRIVER` value; unknown names are refused with Helm's message.
    pub fn parse(value: &str) -> Result<DriverKind, StorageError> {
        match value {
            "" | "secret" | "secrets" => Ok(DriverKind::Secrets),
            "configmap" | "configmaps" => Ok(DriverKind::ConfigMaps),
            "memory" => Ok(DriverKind::Memory),
            "sql" => Ok(DriverKind::Sql),
            other => Err(StorageError::UnknownDriver(other.to_owned())),
        }
    }

    /// The kind named by the `HELM_DRIVER` environment variable.
    pub fn from_env() -> Result<DriverKind, StorageError> {
        DriverKind::parse(&std::env::var("HELM_DRIVER").unwrap_or_default())
    }
}

/// Any of the drivers, chosen at run time.
#[derive(Debug)]
pub enum AnyDriver {
    /// Secrets.
    Secrets(SecretsDriver),
    /// ConfigMaps.
    ConfigMaps(ConfigMapsDriver),
    /// Memory.
    Memory(MemoryDriver),
    /// SQL (PostgreSQL).
    Sql(Box<SqlDriver>),
}

impl AnyDriver {
    /// The driver of `kind` for `namespace`, connecting to PostgreSQL (with
    /// `HELM_DRIVER_SQL_CONNECTION_STRING`, as helm) for [`DriverKind::Sql`].
    pub async fn open(
        kind: DriverKind,
        client: Client,
        namespace: &str,
    ) -> Result<AnyDriver, StorageError> {
        match kind {
            DriverKind::Sql => Ok(AnyDriver::Sql(Box::new(
                SqlDriver::from_env(namespace).await?,
            ))),
            other => AnyDriver::connect(other, client, namespace),
        }
    }

    /// The driver of `kind` for `namespace`, for the drivers that need no connection
    /// set-up: [`DriverKind::Sql`] is refused here (use [`AnyDriver::open`]).
    pub fn connect(
        kind: DriverKind,
        client: Client,
        namespace: &str,
    ) -> Result<AnyDriver, StorageError> {
        match kind {
            DriverKind::Secrets => Ok(AnyDriver::Secrets(SecretsDriver::new(client, namespace))),
            DriverKind::ConfigMaps => Ok(AnyDriver::ConfigMaps(ConfigMapsDriver::new(
                client, namespace,
            ))),
            DriverKind::Memory => Ok(AnyDriver::Memory(MemoryDriver::new())),
            DriverKind::Sql => Err(StorageError::Invalid(
                "the sql driver connects asynchronously: use AnyDriver::open".into(),
            )),
        }
    }
}

macro_rules! each {
    ($self:ident, $d:ident => $e:expr) => {
        match $self {
            AnyDriver::Secrets($d) => $e,
            AnyDriver::ConfigMaps($d) => $e,
            AnyDriver::Memory($d) => $e,
            AnyDriver::Sql($d) => $e,
        }
    };
}

impl Driver for AnyDriver {
    fn name(&self) -> &'static str {
        each!(self, d => d.name())
    }
    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        each!(self, d => d.get(key).await)
    }
    async fn list(&self) -> Result<Vec<Release>, StorageError> {
        each!(self, d => d.list().await)
    }
    async fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        each!(self, d => d.query(labels).await)
    }
    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        each!(self, d => d.create(key, rel).await)
    }
    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        each!(self, d => d.update(key, rel).await)
    }
    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        each!(self, d => d.delete(key).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_driver_names() {
        assert_eq!(DriverKind::parse("").ok(), Some(DriverKind::Secrets));
        assert_eq!(DriverKind::parse("secrets").ok(), Some(DriverKind::Secrets));
        assert_eq!(
            DriverKind::parse("configmap").ok(),
            Some(DriverKind::ConfigMaps)
        );
        assert_eq!(DriverKind::parse("memory").ok(), Some(DriverKind::Memory));
        assert_eq!(DriverKind::parse("sql").ok(), Some(DriverKind::Sql));
        let err = DriverKind::parse("Secret").expect_err("case matters in helm");
        assert_eq!(err.to_string(), "unknown driver \"Secret\"");
    }
}
