//! Connector linter tasks (issue 10): the linter over the vendored connector set. Owned by the linter work.

use crate::util;

/// Extra linter test steps beyond `cargo test` (none yet).
pub fn test() -> util::Result {
    Ok(())
}

/// Lint time per connector over the vendored set.
pub fn bench() -> util::Result {
    Ok(())
}
