//! Helm strvals: the `--set` grammar (in progress).
