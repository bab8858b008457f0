//! Flow engine tasks (issue 8): its benchmark. Owned by the flow-engine work.

use crate::util;

/// Extra test steps for the flow engine beyond `cargo test` (none yet).
pub fn test() -> util::Result {
    Ok(())
}

/// Expressions per second and a 50-action flow's run time.
pub fn bench() -> util::Result {
    Ok(())
}
