//! The sync flows, in the order an admin turns them on.

pub mod common;
pub mod customize;
pub mod inbound;
pub mod names;
pub mod outbound;
pub mod receiver;
pub mod registration;
pub mod triggers;

use cosell_solution::flows::Flow;

/// Every flow of the sync, in the order to turn them on (children before the flows calling them).
pub fn flows() -> Vec<Flow> {
    vec![
        registration::registration(),
        registration::show(),
        customize::customize(),
        inbound::helper(),
        outbound::helper(),
        receiver::receiver(),
        triggers::opportunity(),
        triggers::solutions(),
        triggers::lead_decision(),
        triggers::backfill(),
    ]
}
