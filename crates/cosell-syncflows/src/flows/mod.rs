//! The sync flows, in the order an admin turns them on.

use cosell_solution::flows::Flow;

/// Every flow of the sync, in the order to turn them on.
pub fn flows() -> Vec<Flow> {
    Vec::new()
}
