//! The canonical values of both sides, read through the field map.
//!
//! A [`Read`] maps each base field's key to its canonical value: `Some(None)` is "known to be
//! empty", a missing key is "not loaded" (an unexpanded lookup, or a snapshot without
//! `statecode`), which never counts as a change.
//!
//! An absent column or property is read as `null`, as a flow's `?[…]` reads it, so every
//! transform gives one form for both: no value, or `false` for a [`Transform::Flag`].

use super::fields::{crm_outcome, keys, referral_outcome, Field, Transform, FIELDS};
use crate::config::Config;
use crate::referral::Referral;
use crate::snapshot::Snapshot;
use serde_json::Value;
use std::collections::BTreeMap;

/// What an absent column or property is read as (see the module docs).
const ABSENT: &Value = &Value::Null;

/// Canonical values by field key (see the module docs for absent keys).
pub type Read = BTreeMap<&'static str, Option<String>>;

/// The referral's value of every base field.
pub fn referral_values(r: &Referral) -> Read {
    let doc = serde_json::to_value(r).unwrap_or(Value::Null);
    FIELDS.iter().filter(|f| f.in_base()).map(|f| (f.key, referral_value(f, &doc))).collect()
}

/// One field of a referral document.
pub fn referral_value(f: &Field, doc: &Value) -> Option<String> {
    match f.transform {
        Transform::Status => {
            referral_outcome(doc.get("status").and_then(Value::as_str), doc.get("substatus").and_then(Value::as_str))
        }
        // Visibility is the referral being shared with Microsoft's sellers, as `to_crm` writes it
        // (`mapping::referral_is_shared`, read through the wire model): one definition.
        _ if f.key == keys::VISIBILITY => Some(
            serde_json::from_value::<Referral>(doc.clone())
                .is_ok_and(|r| crate::mapping::referral_is_shared(&r))
                .to_string(),
        ),
        t => t.from_referral(doc.pointer(f.referral).unwrap_or(ABSENT)),
    }
}

/// The opportunity's value of every base field; `base_outcome` lets a lost opportunity keep a
/// Declined or Expired outcome (see [`crm_outcome`]).
pub fn crm_values(s: &Snapshot, base_outcome: Option<&str>) -> Read {
    FIELDS
        .iter()
        .filter(|f| f.in_base())
        .filter_map(|f| crm_value(f, s, &s.config, base_outcome).map(|v| (f.key, v)))
        .collect()
}

/// One field of an opportunity: `None` when it is not loaded, `Some(None)` when empty.
pub fn crm_value(f: &Field, s: &Snapshot, config: &Config, base_outcome: Option<&str>) -> Option<Option<String>> {
    let o = &s.opportunity;
    let column = f.crm.column.resolve(config);
    match (f.transform, f.crm.via) {
        // Every Dataverse row has a state: a snapshot without one did not load it. A state this
        // version does not know has no outcome.
        (Transform::Status, _) => o.state.map(|st| st.known().map(|st| crm_outcome(st, base_outcome))),
        (Transform::SolutionList, _) => {
            Some(super::fields::canonical_solutions(s.solutions.iter().filter_map(|r| r.solution_id.as_deref())))
        }
        (t, None) => Some(t.from_crm(o.columns.get(column).unwrap_or(ABSENT))),
        (t, Some(lookup)) => match o.columns.get(lookup) {
            Some(Value::Object(row)) => Some(t.from_crm(row.get(column).unwrap_or(ABSENT))),
            // Only the row ID is known: not loaded, so not compared.
            _ if o.columns.get(&format!("_{lookup}_value")).is_some_and(|v| !v.is_null()) => None,
            // No related row: each of its columns is empty.
            _ => Some(t.from_crm(ABSENT)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_referral_is_visible_when_shared_by_consent_type_or_help() {
        let cases = [
            (json!({}), false),
            (json!({"consent": {"consentToShareReferralWithMicrosoftSellers": true}}), true),
            (json!({"consent": {"consentToShareReferralWithMicrosoftSellers": false}, "type": "Independent"}), false),
            (json!({"type": "Shared"}), true),
            // Wire values are read as the wire model reads them: exactly.
            (json!({"type": "shared"}), false),
            (json!({"inviteContext": {"assistanceRequestCode": "Unknown"}}), false),
            (json!({"inviteContext": {"assistanceRequestCode": null}}), false),
            (json!({"inviteContext": {"assistanceRequestCode": "ProofOfConceptOrDemo"}}), true),
        ];
        let visibility = FIELDS.iter().find(|f| f.key == keys::VISIBILITY).unwrap();
        for (doc, shared) in cases {
            assert_eq!(referral_value(visibility, &doc), Some(shared.to_string()), "{doc}");
            let r: Referral = serde_json::from_value(doc.clone()).unwrap();
            assert_eq!(crate::mapping::referral_is_shared(&r), shared, "{doc}");
        }
    }
}
