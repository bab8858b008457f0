//! Sync-model tasks (issue 7): core benchmarks and the generated README mapping section. Owned by the sync-model work.

use crate::util;

/// Extra test steps for the core beyond `cargo test` (drift of generated docs, …).
pub fn test() -> util::Result {
    Ok(())
}

/// Core throughput and plan-time scaling benchmarks.
pub fn bench() -> util::Result {
    util::cargo(&[
        "bench",
        "--locked",
        "-p",
        "cosell-core",
        "--bench",
        "throughput",
        "--",
        "--warm-up-time",
        "1",
        "--measurement-time",
        "3",
    ])
}

/// Regenerates files derived from the core (README mapping section, …).
pub fn bless() -> util::Result {
    Ok(())
}
