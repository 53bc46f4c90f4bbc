//! Go `fmt` verbs (filled in by the fmt module work).
