//! The sync model: the field map, the base, the three-way merge and the referral lifecycle.
//!
//! Everything here is a pure function returning a plan (requests to send, Dataverse writes to
//! make); the executor (a Power Automate flow, or any client) does the I/O. The flows are
//! generated from the same table ([`fields::FIELDS`]), so they do exactly what this code does.

pub mod base;
pub mod fields;
pub mod lead;
pub mod lifecycle;
pub mod merge;
pub mod values;

pub use base::{base_of_referral, changed_since, is_echo_of_crm, is_echo_of_referral, settle, stored_base};
pub use fields::{field, ColumnName, CrmColumn, Field, Ownership, Side, Transform, FIELDS};
pub use merge::{
    after_precondition_failed, check_referral, inbound, outbound, plan_outbound, Conflict, InboundPlan, NotSent,
    OutboundPlan, OutboundStep, Retry, SyncError, Unread,
};
pub use values::{crm_values, referral_values, Read};

/// The base: what the hidden sync-state column holds (see `docs/sync.md`).
pub type Base = crate::snapshot::SyncState;
