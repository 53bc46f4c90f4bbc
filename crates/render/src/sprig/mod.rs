//! Sprig functions (in progress).
