//! Flow engine tasks (issue 8): its benchmarks. Owned by the flow-engine work.

use crate::util;

/// Extra test steps for the flow engine beyond `cargo test` (none: the conformance table, the
/// property tests, the runner, fake-service, scenario and CLI tests all run under `cargo test`).
pub fn test() -> util::Result {
    Ok(())
}

/// A 50-action flow's run time and engine time per action (`benches/flow.rs`, plain timing), and
/// expressions per second (`benches/expr.rs`, criterion, shortened like the core's benchmarks).
pub fn bench() -> util::Result {
    util::cargo(&["bench", "--locked", "-p", "cosell-flow", "--bench", "flow"])?;
    util::cargo(&[
        "bench",
        "--locked",
        "-p",
        "cosell-flow",
        "--bench",
        "expr",
        "--",
        "--warm-up-time",
        "1",
        "--measurement-time",
        "3",
    ])
}
