//! The base: the values both sides agreed on at the last sync, kept in the hidden sync-state
//! column (`cosell_syncstate`) as [`SyncState`] version 1 (`docs/sync.md`).
//!
//! Echo suppression is "nothing differs from the base": a change event whose canonical values
//! all equal the base is the sync's own write coming back, and nothing is sent.

use super::values::{crm_values, referral_values, Read};
use crate::dataverse::SYNC_STATE_MAX_LENGTH;
use crate::referral::Referral;
use crate::snapshot::{Snapshot, SyncState};
use serde_json::{Map, Value};

/// The base stored in the snapshot, if the last sync left one with field values.
pub fn stored_base(s: &Snapshot) -> Option<&SyncState> {
    s.opportunity.sync_state.as_ref().filter(|b| b.fields.is_some())
}

/// The base outcome (`Open`, `Won`, …), as the CRM side's status is read against it.
pub fn base_outcome(base: Option<&SyncState>) -> Option<&str> {
    base.and_then(|b| b.field(super::fields::keys::STATUS))
}

/// The base after the CRM was made to hold exactly what the referral holds (a record created
/// or fully written from Partner Center).
pub fn base_of_referral(r: &Referral) -> SyncState {
    let mut fields = Map::new();
    for (k, v) in referral_values(r) {
        if let Some(v) = v {
            fields.insert(k.to_owned(), Value::from(v));
        }
    }
    with_fields(r, fields)
}

/// The base after a sync: per field, the value both sides now hold; where they still differ
/// (a change one side may not write), the old base value stays, so the change stays visible
/// as "changed since the base" and is never taken for agreement.
pub fn settle(old: Option<&SyncState>, crm: &Read, pc: &Read, referral: &Referral) -> SyncState {
    let mut fields = Map::new();
    for f in super::fields::FIELDS.iter().filter(|f| f.in_base()) {
        let agreed = match (crm.get(f.key), pc.get(f.key)) {
            (Some(c), Some(p)) if c == p => c.clone(),
            // Not loaded on the CRM side: what Partner Center holds is what was last seen.
            (None, Some(p)) if old.is_none() => p.clone(),
            _ => old.and_then(|b| b.field(f.key)).map(str::to_owned),
        };
        if let Some(v) = agreed {
            fields.insert(f.key.to_owned(), Value::from(v));
        }
    }
    with_fields(referral, fields)
}

fn with_fields(r: &Referral, fields: Map<String, Value>) -> SyncState {
    bounded(SyncState {
        referral_id: r.id.clone(),
        e_tag: r.e_tag.clone(),
        fingerprint: None,
        status: r.status.clone(),
        substatus: r.substatus.clone(),
        fields: Some(fields),
    })
}

/// The base's length as Dataverse counts it (UTF-16 code units of the JSON text).
pub fn stored_length(base: &SyncState) -> usize {
    base.to_json().encode_utf16().count()
}

/// The base cut to fit [`SYNC_STATE_MAX_LENGTH`]: texts are already cut to their column sizes,
/// so only an unrealistic solution list (thousands of IDs) can overflow; the longest values are
/// then left out, which makes the sync treat them as changed (sent again) rather than lose the
/// whole base.
fn bounded(mut base: SyncState) -> SyncState {
    while stored_length(&base) > SYNC_STATE_MAX_LENGTH {
        let Some(fields) = base.fields.as_mut() else { break };
        let longest = fields.iter().max_by_key(|(_, v)| v.as_str().map_or(0, str::len)).map(|(k, _)| k.clone());
        let Some(longest) = longest else { break };
        fields.remove(&longest);
    }
    base
}

/// The keys of the fields whose value differs from the base (not-loaded fields never do).
pub fn changed_since(read: &Read, base: &SyncState) -> Vec<&'static str> {
    read.iter().filter(|(k, v)| v.as_deref() != base.field(k)).map(|(k, _)| *k).collect()
}

/// Whether an opportunity change is the sync's own echo: nothing differs from the base.
pub fn is_echo_of_crm(s: &Snapshot) -> bool {
    stored_base(s).is_some_and(|b| changed_since(&crm_values(s, base_outcome(Some(b))), b).is_empty())
}

/// Whether a referral change is the sync's own echo: nothing differs from the base.
pub fn is_echo_of_referral(r: &Referral, base: &SyncState) -> bool {
    base.fields.is_some() && changed_since(&referral_values(r), base).is_empty()
}
