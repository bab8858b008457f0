//! Referral → Dataverse upsert plan.
use crate::config::Config;
use crate::referral::Referral;

/// One Dataverse write.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertStep {
    pub entity_set: String,
    pub body: serde_json::Map<String, serde_json::Value>,
}

/// Every write, in order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpsertPlan {
    pub steps: Vec<UpsertStep>,
}

/// The writes that bring a referral into Dynamics 365.
pub fn to_crm(_r: &Referral, _c: &Config) -> UpsertPlan {
    UpsertPlan { steps: Vec::new() }
}
