//! Helm's release data, without I/O: hook events and policies, release statuses, the
//! annotation keys (every Helm wire string lives here once), manifest splitting and the kind
//! install/uninstall order.
//!
//! Everything here mirrors Helm 4's `pkg/release/v1` and `pkg/release/v1/util`, so that
//! `helm template` output order and hook ordering come out the same.

#![warn(missing_docs)]

pub mod chart_json;
pub mod codec;
pub mod gojson;
pub mod hook;
pub mod kinds;
pub mod manifest;
pub mod record;
pub mod status;

pub use hook::{Hook, HookDeletePolicy, HookEvent, HookOutputLogPolicy};
pub use kinds::{INSTALL_ORDER, UNINSTALL_ORDER};
pub use manifest::{
    sort_manifest_refs, sort_manifests, split_manifest_refs, split_manifests, Manifest,
    ManifestRef, SimpleHead, SortError, SortedManifestRefs, SortedManifests,
};
pub use status::Status;

pub use codec::{decode_release, encode_release, CodecError};
pub use record::{HookExecution, HookRecord, Info, Release};
