//! Snapshot + current referral → JSON Patch (RFC 6902) for `PATCH /referrals/{id}`.
//!
//! Only `replace` and `add` (all the service supports), only paths the service accepts
//! ([`PATCHABLE_PATHS`], the official connector's `UpdateReferralDetails` enum), and only what
//! differs. `replace` needs the member to exist, so an absent member is written with `add`.
//!
//! Not patchable, so never sent: the name, the help requested and the customer's address. A
//! referral closed in Partner Center is terminal: nothing is sent for it.

use super::to_referral::{closing_date_time, member};
use super::{cents, solution_key};
use crate::referral::{Referral, ReferralDetails, ReferralStatus, ReferralSubstatus, SolutionTag};
use crate::rules::{referral_status_for, shares_with_microsoft};
use crate::snapshot::Snapshot;
use crate::status;
use crate::wire::Amount;
use serde::Serialize;
use serde_json::Value;

/// Paths Partner Center accepts in a PATCH (the official connector's UpdateReferralDetails enum).
pub const PATCHABLE_PATHS: &[&str] = &[
    "/campaignId",
    "/consent/consentToShareReferralWithMicrosoftSellers",
    "/customerProfile/team",
    "/customerProfile/team/-",
    "/details/closingDateTime",
    "/details/currency",
    "/details/dealValue",
    "/details/notes",
    "/details/requirements/solutions",
    "/details/requirements/solutions/-",
    "/externalReferenceId",
    "/referralProgram",
    "/salesStage",
    "/status",
    "/substatus",
    "/statusReason",
    "/team",
    "/team/-",
];

/// Paths of a deal registration the service accepts in a PATCH (the official connector's
/// `UpdateDealRegistration` enum): the first registration's contract and first solution.
pub const DEAL_REGISTRATION_PATCH_PATHS: &[&str] = &[
    "/registrations/0/contract/startDateTime",
    "/registrations/0/contract/endDateTime",
    "/registrations/0/contract/signDateTime",
    "/registrations/0/contract/term",
    "/registrations/0/contract/value",
    "/registrations/0/solutionDetails/0/value",
    "/registrations/0/solutionDetails/0/currency",
    "/registrations/0/solutionDetails/0/isDeployedOnAzure",
    "/registrations/0/solutionDetails/0/primaryDeploymentOn",
    "/registrations/0/solutionDetails/0/pricingModel",
    "/registrations/0/solutionDetails/0/marketplaceTransactionDetails/isMarketplaceTransacted",
    "/registrations/0/solutionDetails/0/marketplaceTransactionDetails/marketplaceTransactionDateTime",
];

/// The path under which a new deal registration is appended.
pub const NEW_REGISTRATION_PATH: &str = "/registrations/-";

/// A JSON Patch operation kind; the service supports only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    Replace,
    Add,
}

/// One JSON Patch operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchOperation {
    pub op: PatchOp,
    pub path: String,
    pub value: Value,
}

/// The PATCH to send: the If-Match eTag and the operations (empty: nothing to send).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchPlan {
    pub if_match: Option<String>,
    pub operations: Vec<PatchOperation>,
}

/// What to PATCH so the referral matches the opportunity.
///
/// With a base in the snapshot's sync state this is the three-way merge
/// ([`crate::sync::outbound`]): only what the CRM changed since the base, If-Match = the stored
/// eTag, so whatever a Microsoft seller changed since is never overwritten (a stale eTag answers
/// 412; see [`crate::sync::after_precondition_failed`]). Without one (the first sync of a
/// referral), the opportunity is compared with the referral as it is now.
pub fn to_patch(s: &Snapshot, current: &Referral) -> PatchPlan {
    if let Some(base) = crate::sync::stored_base(s) {
        let plan = crate::sync::outbound(s, base, Some(current));
        return PatchPlan { if_match: plan.if_match, operations: plan.operations };
    }
    let mut ops = Ops(Vec::new());
    if current.status != Some(ReferralStatus::Closed) {
        diff(s, current, &mut ops);
    }
    PatchPlan { if_match: current.e_tag.clone(), operations: ops.0 }
}

struct Ops(Vec<PatchOperation>);

impl Ops {
    /// `replace` when the member exists in the current referral, else `add`.
    fn set(&mut self, path: &str, exists: bool, value: Value) {
        let op = if exists { PatchOp::Replace } else { PatchOp::Add };
        self.0.push(PatchOperation { op, path: path.to_owned(), value });
    }
}

fn diff(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let o = &s.opportunity;

    if let Some(id) = o.id.as_deref().filter(|id| current.external_reference_id.as_deref() != Some(*id)) {
        ops.set("/externalReferenceId", current.external_reference_id.is_some(), Value::from(id));
    }
    // `add` needs the parent to exist (RFC 6902 §4.1) and no patchable path creates a parent,
    // so members of an absent `details`, `consent` or `customerProfile` are not sent.
    if let Some(details) = current.details.as_ref() {
        deal(s, details, ops);
        solutions(s, details, ops);
    }
    // Visibility is one-way: shared can be granted, never withdrawn.
    if let Some(consent) = current.consent.as_ref() {
        let shared = consent.consent_to_share_referral_with_microsoft_sellers;
        if shares_with_microsoft(o) && shared != Some(true) {
            ops.set("/consent/consentToShareReferralWithMicrosoftSellers", shared.is_some(), Value::Bool(true));
        }
    }
    customer_contact(s, current, ops);
    status_change(s, current, ops);
}

/// Deal value (compared in cents), currency (any case), closing date (the date part) and notes
/// (trimmed).
fn deal(s: &Snapshot, details: &ReferralDetails, ops: &mut Ops) {
    let o = &s.opportunity;
    let current_value = details.deal_value.as_ref();
    let current_cents = current_value.and_then(Amount::value).and_then(cents);
    if let Some(v) = o.deal_value.filter(|v| cents(*v) != current_cents) {
        if let Some(amount) = Amount::from_f64(v) {
            ops.set("/details/dealValue", current_value.is_some(), serde_json::to_value(amount).unwrap_or(Value::Null));
        }
    }

    let current_currency = details.currency.as_deref();
    let currency = o.currency.as_deref().map(str::trim);
    if let Some(c) = currency.filter(|c| !current_currency.is_some_and(|k| k.trim().eq_ignore_ascii_case(c))) {
        ops.set("/details/currency", current_currency.is_some(), Value::from(c));
    }

    let current_close = details.closing_date_time.as_deref();
    if let Some(date) = o.close_date.as_deref().filter(|d| current_close.and_then(|c| c.get(..10)) != Some(*d)) {
        ops.set("/details/closingDateTime", current_close.is_some(), Value::from(closing_date_time(date)));
    }

    let current_notes = details.notes.as_deref();
    let notes = o.description.as_deref().unwrap_or("").trim();
    if current_notes.unwrap_or("").trim() != notes {
        ops.set("/details/notes", current_notes.is_some(), Value::from(notes));
    }
}

/// The solution list, replaced whole when the set of IDs differs. Solutions still attached keep
/// the object Partner Center has (with every property it added). An empty list is never sent:
/// removing every solution is not something a sync should do (the rules flag a shared deal
/// without one), and a referral without `requirements` cannot take the list.
fn solutions(s: &Snapshot, details: &ReferralDetails, ops: &mut Ops) {
    let Some(requirements) = details.requirements.as_ref() else { return };
    let have = requirements.solutions.as_deref().unwrap_or(&[]);
    let wanted = crate::sync::merge::solution_tags(s, have);
    let ids = |tags: &[SolutionTag]| {
        let mut ids: Vec<_> = tags.iter().map(|t| solution_key(t.id.as_deref().unwrap_or(""))).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    if wanted.is_empty() || ids(&wanted) == ids(have) {
        return;
    }
    let exists = requirements.solutions.is_some();
    ops.set("/details/requirements/solutions", exists, serde_json::to_value(wanted).unwrap_or(Value::Null));
}

/// The opportunity's customer contact, appended when the referral's customer team lacks it.
fn customer_contact(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let Some(profile) = current.customer_profile.as_ref() else { return };
    let Some(contact) = s.opportunity.contact.as_ref().filter(|c| c.loaded) else { return };
    let Some(email) = contact.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) else { return };
    let known = current
        .customer_contacts()
        .iter()
        .any(|m| m.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(email)));
    if !known {
        let value = serde_json::to_value(member(contact)).unwrap_or(Value::Null);
        if profile.team.is_some() {
            ops.set("/customerProfile/team/-", false, value);
        } else {
            ops.set("/customerProfile/team", false, Value::Array(vec![value]));
        }
    }
}

/// Won or lost in Dynamics 365 closes the referral, when the status machine allows it.
fn status_change(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let Some(state) = s.opportunity.state() else { return };
    let from_status = current.status.clone().unwrap_or(ReferralStatus::None);
    let from_sub = current.substatus.clone().unwrap_or(ReferralSubstatus::None);
    let (to_status, to_sub) = referral_status_for(state, Some((&from_status, &from_sub)));
    if (&to_status, &to_sub) == (&from_status, &from_sub)
        || status::check_transition((&from_status, &from_sub), (&to_status, &to_sub)).is_err()
    {
        return;
    }
    ops.set("/status", current.status.is_some(), Value::from(to_status.as_str()));
    ops.set("/substatus", current.substatus.is_some(), Value::from(to_sub.as_str()));
    if to_sub == ReferralSubstatus::Lost {
        ops.set("/statusReason", current.status_reason.is_some(), Value::from(super::to_referral::LOST_REASON));
    }
}
