//! Fake services behind the connectors, for running flows offline:
//!
//! - [`PartnerCenterReferrals`] and [`PartnerCenterEvents`]: driven by the project's own
//!   connector definitions (`connector/partner-center-referrals`, `connector/partner-center-events`):
//!   they dispatch by operationId and check every parameter and body field against the
//!   connector's schemas, so a flow calling an operation or field the connector lacks fails.
//! - [`Dataverse`]: the tables and columns `cosell_core::dataverse` names, the Dataverse
//!   connector's row operations, the unbound actions WinOpportunity and LoseOpportunity, the
//!   `$filter` subset, alternate keys and the row trigger.
//!
//! Each fake is a cheap handle (clone it, bind one clone to the host, read the other), keeps a
//! log of every request, the contract violations it saw, and answers injected faults (401, 429,
//! 500, any status, or no answer), counted.

mod dataverse;
mod events;
mod faults;
pub mod odata;
mod openapi;
mod referrals;

pub use dataverse::{ColumnKind, Dataverse, Message, RowChange, Write, DEFAULT_RUN_AS_USER};
pub use events::PartnerCenterEvents;
pub use faults::{FakeService, Fault, LoggedCall, Recorder};
pub use openapi::{BoundRequest, Connector};
pub use referrals::PartnerCenterReferrals;
