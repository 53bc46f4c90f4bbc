//! Helm-compatible release storage.
//!
//! Releases are kept exactly as Helm keeps them (see `capstan_release::codec` for the record
//! encoding), so capstan and helm can take turns on the same release:
//!
//! - [`SecretsDriver`]: one Secret per revision, named `sh.helm.release.v1.NAME.vREV`, type
//!   `helm.sh/release.v1`, labels `name`, `owner=helm`, `status`, `version`, `createdAt` /
//!   `modifiedAt`, and the release's custom labels; the record is the `release` data key.
//! - [`ConfigMapsDriver`]: the same as ConfigMaps (`HELM_DRIVER=configmap`).
//! - [`MemoryDriver`]: the same in memory, for tests and `HELM_DRIVER=memory`.
//! - [`SqlDriver`]: PostgreSQL with helm's `releases_v1` / `custom_labels_v1` tables
//!   (`HELM_DRIVER=sql`, `HELM_DRIVER_SQL_CONNECTION_STRING`).
//! - [`Storage`]: Helm's storage layer on a driver: history, last and last deployed
//!   revision, `--history-max` pruning (never the last deployed revision) and detection of a
//!   revision left `pending-*` by an operation that died.
//!
//! See docs/storage.md for the design and what is not written yet.

#![warn(missing_docs)]

pub mod chart_record;
mod configmaps;
mod conflict;
mod driver;
mod lock;
mod memory;
mod pending;
mod secrets;
mod select;
pub mod sql;
mod storage;

pub use configmaps::ConfigMapsDriver;
pub use driver::{is_system_label, release_key, Driver, StorageError, SYSTEM_LABELS};
pub use lock::{lock_name, LockError, ReleaseLock};
pub use memory::MemoryDriver;
pub use pending::{holder_gone, holder_identity, lock_state, LockState, PendingState};
pub use secrets::SecretsDriver;
pub use select::{AnyDriver, DriverKind};
pub use sql::SqlDriver;
pub use storage::Storage;
