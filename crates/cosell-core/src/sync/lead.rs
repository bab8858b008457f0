//! The inbound merge for a referral that is still a lead (not accepted yet): the same three-way
//! merge as the opportunity's, against the lead's own base (`cosell_syncstate` on lead), through
//! the field map's lead columns. A seller's edit on the lead is never overwritten.

use super::fields::{Transform, FIELDS};
use super::merge::{check_referral, inbound_from, InboundPlan, SyncError, Target};
use super::values::Read;
use crate::config::Config;
use crate::dataverse::{currency, lead};
use crate::referral::Referral;
use crate::snapshot::SyncState;
use serde_json::{Map, Value};

/// The lead's canonical value of every base field it has a column for; a currency given only
/// as `_transactioncurrencyid_value` is not loaded (never a change). Fields without a lead
/// column are not on a lead: absent, so never compared.
pub fn lead_values(row: &Map<String, Value>) -> Read {
    let mut read = Read::new();
    for f in FIELDS.iter().filter(|f| f.in_base()) {
        let Some(column) = f.lead else { continue };
        let value = match (f.transform, row.get(column)) {
            (Transform::IsoCurrency, Some(Value::Object(currency_row))) => {
                Some(currency_row.get(currency::ISO_CODE).and_then(|v| f.transform.from_crm(v)))
            }
            (Transform::IsoCurrency, _) if row.get(&format!("_{column}_value")).is_some_and(|v| !v.is_null()) => None,
            (_, v) => Some(v.and_then(|v| f.transform.from_crm(v))),
        };
        if let Some(v) = value {
            read.insert(f.key, v);
        }
    }
    read
}

/// Partner Center → the referral's lead, merged against `lead_base` (the lead's sync state):
/// only what Partner Center changed since the base, never over the seller's own edit (the
/// row's conflict policy decides; the other value goes to the audit). The update step's filter
/// is the lead's row ID when the row has one, else its Referral Identifier.
pub fn inbound_lead(r: &Referral, row: &Map<String, Value>, lead_base: &SyncState) -> Result<InboundPlan, SyncError> {
    check_referral(lead_base, r)?;
    let filter = match (row.get(lead::ID).and_then(Value::as_str), lead_base.referral_id.as_deref()) {
        (Some(id), _) => Some(format!("{} eq {id}", lead::ID)),
        (None, Some(rid)) => Some(format!("{} eq '{}'", lead::REFERRAL_ID, rid.replace('\'', "''"))),
        (None, None) => None,
    };
    // The lead columns are fixed names: no environment variable renames them.
    let config = Config::default();
    let target = Target { lead: true, entity_set: lead::ENTITY_SET, filter, config: &config };
    Ok(inbound_from(r, &target, &lead_values(row), lead_base).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Conflict, Side};
    use serde_json::json;

    fn referral(value: Value) -> Referral {
        serde_json::from_value(value).unwrap()
    }

    /// A lead landed from referral r-1 (deal 50000 USD, notes "From Microsoft"), base stored.
    fn lead_row(edit: impl Fn(&mut Map<String, Value>)) -> (Map<String, Value>, SyncState) {
        let base = SyncState::parse(
            r#"{"v":1,"id":"r-1","eTag":"e1","status":"New","substatus":"Pending","fields":{"dealValue":"50000.00","currency":"USD","closingDate":"2026-12-31","notes":"From Microsoft","status":"Open","visibility":"false"}}"#,
            "$",
        )
        .unwrap();
        let mut row = json!({
            "leadid": "l-1", "subject": "Contoso", "estimatedamount": 50000, "estimatedclosedate": "2026-12-31",
            "description": "From Microsoft", "transactioncurrencyid": { "isocurrencycode": "USD" },
        })
        .as_object()
        .unwrap()
        .clone();
        edit(&mut row);
        (row, base)
    }

    fn pc(deal: f64, notes: &str) -> Referral {
        referral(json!({
            "id": "r-1", "eTag": "e2", "status": "New", "substatus": "Pending",
            "details": { "dealValue": deal, "currency": "USD", "closingDateTime": "2026-12-31T00:00:00Z", "notes": notes }
        }))
    }

    #[test]
    fn a_seller_s_edit_on_the_lead_is_kept_and_microsoft_s_other_edit_lands() {
        let (row, base) = lead_row(|row| {
            row.insert("description".into(), json!("Seller: call back Tuesday"));
        });
        let plan = inbound_lead(&pc(60000.0, "Microsoft: pilot first"), &row, &base).unwrap();
        assert_eq!(
            plan.conflicts,
            [Conflict {
                field: "notes",
                winner: Side::Crm,
                crm: Some("Seller: call back Tuesday".into()),
                partner_center: Some("Microsoft: pilot first".into()),
            }]
        );
        let [step] = plan.steps.as_slice() else { panic!("one update: {:?}", plan.steps) };
        assert_eq!((step.name.as_str(), step.entity_set.as_str()), ("lead", "leads"));
        assert_eq!(step.filter.as_deref(), Some("leadid eq l-1"));
        let mut body = step.body.clone();
        body.remove(lead::SYNC_STATE);
        assert_eq!(body, json!({ "estimatedamount": 60000.0 }).as_object().unwrap().clone());
        assert_eq!(plan.base.field("dealValue"), Some("60000.00"));
        assert_eq!(plan.base.field("notes"), Some("From Microsoft"), "still differs: stays changed");
    }

    #[test]
    fn nothing_changed_since_the_lead_s_base_writes_nothing() {
        let (row, base) = lead_row(|_| {});
        let plan = inbound_lead(&pc(50000.0, "From Microsoft"), &row, &base).unwrap();
        assert_eq!(plan.changed, Vec::<&str>::new());
        // Only the new eTag is stored: no lead column is written.
        let keys: Vec<_> = plan.steps.iter().flat_map(|s| s.body.keys()).collect();
        assert_eq!(keys, [lead::SYNC_STATE], "{plan:?}");
    }

    #[test]
    fn another_referral_or_an_unloaded_currency_is_handled() {
        let (row, base) = lead_row(|row| {
            row.remove("transactioncurrencyid");
            row.insert("_transactioncurrencyid_value".into(), json!("c-1"));
        });
        assert!(!lead_values(&row).contains_key("currency"), "not loaded: not compared");
        let mut other = pc(50000.0, "From Microsoft");
        other.id = Some("r-2".into());
        assert!(matches!(inbound_lead(&other, &row, &base), Err(SyncError::OtherReferral { .. })));
    }
}
