//! Snapshot + current referral → JSON Patch (RFC 6902) for `PATCH /referrals/{id}`.
//!
//! Only `replace` and `add` (all the service supports), only paths the service accepts
//! ([`PATCHABLE_PATHS`], the official connector's `UpdateReferralDetails` enum), and only what
//! differs. `replace` needs the member to exist, so an absent member is written with `add`.
//!
//! Not patchable, so never sent: the name, the help requested and the customer's address. A
//! referral closed in Partner Center is terminal: nothing is sent for it.

use super::to_referral::{closing_date_time, member, solution_tag};
use crate::referral::{Referral, ReferralStatus, ReferralSubstatus};
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
pub fn to_patch(s: &Snapshot, current: &Referral) -> PatchPlan {
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
    let details = current.details.as_ref();

    if let Some(id) = o.id.as_deref().filter(|id| current.external_reference_id.as_deref() != Some(*id)) {
        ops.set("/externalReferenceId", current.external_reference_id.is_some(), Value::from(id));
    }

    let current_value = details.and_then(|d| d.deal_value.as_ref());
    if let Some(v) =
        o.deal_value.filter(|v| current_value.and_then(Amount::value).is_none_or(|c| (c - v).abs() >= 0.005))
    {
        if let Some(amount) = Amount::from_f64(v) {
            ops.set("/details/dealValue", current_value.is_some(), serde_json::to_value(amount).unwrap_or(Value::Null));
        }
    }

    let current_currency = details.and_then(|d| d.currency.as_deref());
    if let Some(c) =
        o.currency.as_deref().map(str::trim).filter(|c| !current_currency.is_some_and(|k| k.eq_ignore_ascii_case(c)))
    {
        ops.set("/details/currency", current_currency.is_some(), Value::from(c));
    }

    let current_close = details.and_then(|d| d.closing_date_time.as_deref());
    if let Some(date) = o.close_date.as_deref().filter(|d| current_close.and_then(|c| c.get(..10)) != Some(*d)) {
        ops.set("/details/closingDateTime", current_close.is_some(), Value::from(closing_date_time(date)));
    }

    let current_notes = details.and_then(|d| d.notes.as_deref());
    let notes = o.description.as_deref().unwrap_or("").trim();
    if current_notes.unwrap_or("").trim() != notes {
        ops.set("/details/notes", current_notes.is_some(), Value::from(notes));
    }

    // Visibility is one-way: shared can be granted, never withdrawn.
    let current_shared = current.consent.as_ref().and_then(|c| c.consent_to_share_referral_with_microsoft_sellers);
    if shares_with_microsoft(o) && current_shared != Some(true) {
        ops.set("/consent/consentToShareReferralWithMicrosoftSellers", current_shared.is_some(), Value::Bool(true));
    }

    solutions(s, current, ops);
    customer_contact(s, current, ops);
    status_change(s, current, ops);
}

/// The solution list, replaced whole when the set of IDs differs. Solutions still attached keep
/// the object Partner Center has (with every property it added).
fn solutions(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let wanted: Vec<_> = s.solutions.iter().filter_map(solution_tag).collect();
    let have = current.solutions();
    let key = |id: Option<&str>| id.unwrap_or("").trim().to_ascii_lowercase();
    let mut wanted_ids: Vec<_> = wanted.iter().map(|t| key(t.id.as_deref())).collect();
    let mut have_ids: Vec<_> = have.iter().map(|t| key(t.id.as_deref())).collect();
    wanted_ids.sort();
    have_ids.sort();
    if wanted_ids == have_ids {
        return;
    }
    let merged: Vec<_> = wanted
        .into_iter()
        .map(|w| have.iter().find(|h| key(h.id.as_deref()) == key(w.id.as_deref())).cloned().unwrap_or(w))
        .collect();
    let exists =
        current.details.as_ref().and_then(|d| d.requirements.as_ref()).and_then(|r| r.solutions.as_ref()).is_some();
    ops.set("/details/requirements/solutions", exists, serde_json::to_value(merged).unwrap_or(Value::Null));
}

/// The opportunity's customer contact, appended when the referral's customer team lacks it.
fn customer_contact(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let Some(contact) = s.opportunity.contact.as_ref() else { return };
    let Some(email) = contact.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) else { return };
    let known = current
        .customer_contacts()
        .iter()
        .any(|m| m.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(email)));
    if !known {
        let value = serde_json::to_value(member(contact)).unwrap_or(Value::Null);
        if current.customer_profile.as_ref().and_then(|p| p.team.as_ref()).is_some() {
            ops.set("/customerProfile/team/-", false, value);
        } else {
            ops.set("/customerProfile/team", false, Value::Array(vec![value]));
        }
    }
}

/// Won or lost in Dynamics 365 closes the referral, when the status machine allows it.
fn status_change(s: &Snapshot, current: &Referral, ops: &mut Ops) {
    let Some(state) = s.opportunity.state else { return };
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
