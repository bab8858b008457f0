//! Snapshot + current referral → JSON Patch.
use crate::referral::Referral;
use crate::snapshot::Snapshot;

/// Paths Partner Center accepts in a PATCH (the official connector's UpdateReferralDetails enum).
pub const PATCHABLE_PATHS: &[&str] = &[];

/// A JSON Patch operation kind; the service supports only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    Replace,
    Add,
}

/// One JSON Patch operation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PatchOperation {
    pub op: PatchOp,
    pub path: String,
    pub value: serde_json::Value,
}

/// The PATCH to send: the operations and the If-Match eTag.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchPlan {
    pub if_match: Option<String>,
    pub operations: Vec<PatchOperation>,
}

/// What to PATCH so the referral matches the opportunity.
pub fn to_patch(_s: &Snapshot, current: &Referral) -> PatchPlan {
    PatchPlan { if_match: current.e_tag.clone(), operations: Vec::new() }
}
