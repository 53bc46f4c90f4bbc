//! Go encoding/json compatible output (in progress).
