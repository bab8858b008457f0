//! Mapping between the Dynamics 365 opportunity snapshot and the Partner Center referral.
//!
//! - [`to_referral`]: snapshot → referral create payload.
//! - [`to_patch`]: snapshot + current referral → JSON Patch (RFC 6902) with If-Match.
//! - [`to_crm`]: referral → Dataverse upsert plan.
//!
//! The columns, transforms and ownership all come from the field map (`crate::sync::fields`).

mod audit;
mod to_crm;
mod to_patch;
mod to_referral;

pub use audit::{append_audit, AuditDirection, AuditEntry, AuditOutcome, AUDIT_MAX_CHARS};
pub(crate) use to_crm::step;
pub use to_crm::{
    account_match_key, is_accepted, is_co_sell, normalize_name, normalize_postal_code, to_crm, RecordKind, StepAction,
    UpsertPlan, UpsertStep, LEGAL_FORMS,
};
pub use to_patch::{
    to_patch, PatchOp, PatchOperation, PatchPlan, DEAL_REGISTRATION_PATCH_PATHS, NEW_REGISTRATION_PATH, PATCHABLE_PATHS,
};
pub use to_referral::{
    closing_date_time, customer_size, deal_type, member, solution_tag, to_referral, DealType, LOST_REASON,
    MICROSOFT_ORGANIZATION_ID,
};

use crate::referral::{Referral, ReferralType};

/// Whether Microsoft sellers see a referral: help requested, shared with Microsoft sellers, or a
/// Shared (co-sell) referral. The one definition both directions use.
pub fn referral_is_shared(r: &Referral) -> bool {
    r.assistance().is_some()
        || r.referral_type == Some(ReferralType::Shared)
        || r.consent.as_ref().and_then(|c| c.consent_to_share_referral_with_microsoft_sellers) == Some(true)
}

/// A solution ID as compared everywhere: trimmed, in capitals (`sol-1` and `SOL-1 ` are one solution).
pub fn solution_key(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// An amount in hundredths, rounded: how deal values are compared. `None` beyond the range an
/// f64 holds every integer of.
pub fn cents(v: f64) -> Option<i64> {
    let c = (v * 100.0).round();
    // Exact: `c` is integral and inside ±2^53.
    #[allow(clippy::cast_possible_truncation)]
    (c.is_finite() && c.abs() < 9.0e15).then_some(c as i64)
}

#[cfg(test)]
mod tests;
