//! Flow engine tasks (issue 8): its benchmarks. Owned by the flow-engine work.

use crate::util;

/// Extra test steps for the flow engine beyond `cargo test` (none: the conformance table, the
/// property tests, the runner, fake-service and CLI tests all run under `cargo test`).
pub fn test() -> util::Result {
    Ok(())
}

/// A 50-action flow's run time and engine time per action (`benches/flow.rs`), and expressions
/// per second (`benches/expr.rs`, once the expression work adds it).
pub fn bench() -> util::Result {
    for bench in ["flow", "expr"] {
        let file = util::root().join("crates/cosell-flow/benches").join(format!("{bench}.rs"));
        if file.exists() {
            util::cargo(&["bench", "--locked", "-p", "cosell-flow", "--bench", bench])?;
        }
    }
    Ok(())
}
