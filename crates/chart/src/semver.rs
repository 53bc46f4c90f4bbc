//! Masterminds/semver v3 compatible versions and constraints (in progress).
