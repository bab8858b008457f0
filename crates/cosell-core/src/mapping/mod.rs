//! Mapping between the Dynamics 365 opportunity snapshot and the Partner Center referral.
//!
//! - [`to_referral`]: snapshot → referral create payload.
//! - [`to_patch`]: snapshot + current referral → JSON Patch (RFC 6902) with If-Match.
//! - [`to_crm`]: referral → Dataverse upsert plan.
//! - [`fingerprint`]: the synced fields of either side, hashed, for echo suppression.

mod fingerprint;
mod to_crm;
mod to_patch;
mod to_referral;

pub use fingerprint::{fingerprint_referral, fingerprint_snapshot, SyncedFields};
pub use to_crm::{
    account_match_key, is_accepted, is_co_sell, normalize_name, normalize_postal_code, to_crm, RecordKind, StepAction,
    UpsertPlan, UpsertStep,
};
pub use to_patch::{to_patch, PatchOp, PatchOperation, PatchPlan, PATCHABLE_PATHS};
pub use to_referral::{deal_type, to_referral, DealType};

#[cfg(test)]
mod tests;
