//! go-yaml v2 compatible output (in progress).
