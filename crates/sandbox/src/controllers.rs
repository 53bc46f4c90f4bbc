//! Simulated controllers.
use crate::state::Shared;
use std::sync::Arc;

/// The single node pods are "scheduled" on.
pub const NODE: &str = "sandbox-node";

/// Starts the controller tasks.
pub fn start(_sh: Arc<Shared>) {}
