//! Echo suppression.
use crate::referral::Referral;
use crate::snapshot::Snapshot;

/// The synced fields, normalized.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncedFields;

/// Fingerprint of an opportunity's synced fields.
pub fn fingerprint_snapshot(_s: &Snapshot) -> String {
    String::new()
}

/// Fingerprint of a referral's synced fields.
pub fn fingerprint_referral(_r: &Referral) -> String {
    String::new()
}
