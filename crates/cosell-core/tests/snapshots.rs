//! The opportunity snapshot fixtures (tests/fixtures/snapshots) through the rules and the mapping:
//! each fixture is a complete, valid co-sell opportunity with one thing changed, so its error
//! findings are exactly the rule that thing breaks.

mod common;

use common::{fixture_json, fixture_names, fixture_text};
use cosell_core::mapping::{self, DealType, PATCHABLE_PATHS};
use cosell_core::referral::Referral;
use cosell_core::sync;
use cosell_core::{validate, Severity, Snapshot};

/// (fixture, the rule ids of its error findings, rule ids that must appear as warnings or info).
const EXPECTED: &[(&str, &[&str], &[&str])] = &[
    ("cosell.json", &[], &[]),
    ("partner-led.json", &[], &[]),
    ("private.json", &[], &[]),
    ("custom-columns.json", &[], &[]),
    ("synced-update.json", &[], &[]),
    ("synced-won.json", &[], &[]),
    // Only lookup IDs: the rules wait for the rows instead of reporting them missing.
    ("unexpanded-lookups.json", &[], &[]),
    ("sync-off-incomplete.json", &[], &["help-needs-contact", "sharing-needs-solution"]),
    ("products-used.json", &[], &["products-obsolete"]),
    ("missing-contact.json", &["help-needs-contact"], &[]),
    ("no-solution.json", &["sharing-needs-solution"], &[]),
    ("bad-country.json", &["country-iso"], &[]),
    ("bad-currency.json", &["currency-iso"], &[]),
    ("zero-deal-value.json", &["deal-value-positive"], &[]),
    ("no-close-date.json", &["closing-date-required"], &[]),
    ("help-not-visible.json", &["help-needs-visible"], &[]),
    ("contact-without-email.json", &["contact-name-email"], &[]),
    ("visibility-reverted.json", &["visibility-one-way"], &[]),
    ("read-only-edited.json", &["read-only-column"], &[]),
    ("closed-reopened.json", &["state-transition"], &[]),
];

/// Fixtures with no exact expectation here, and why.
const NOT_IN_TABLE: &[&str] = &[];

fn snapshot(name: &str) -> Snapshot {
    Snapshot::from_json(&fixture_text("snapshots", name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn rules(findings: &[cosell_core::Finding], errors: bool) -> Vec<&'static str> {
    let mut ids: Vec<_> =
        findings.iter().filter(|f| (f.severity == Severity::Error) == errors).map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn every_snapshot_fixture_is_listed() {
    for name in fixture_names("snapshots") {
        let listed = EXPECTED.iter().any(|(n, _, _)| *n == name) || NOT_IN_TABLE.contains(&name.as_str());
        assert!(listed, "tests/fixtures/snapshots/{name} has no expectation");
    }
}

#[test]
fn each_fixture_breaks_exactly_its_rule() {
    for (name, errors, others) in EXPECTED {
        let findings = validate(&snapshot(name));
        let mut expected = errors.to_vec();
        expected.sort_unstable();
        assert_eq!(rules(&findings, true), expected, "{name}: {findings:#?}");
        let non_errors = rules(&findings, false);
        for rule in *others {
            assert!(non_errors.contains(rule), "{name}: {rule} expected as warning/info in {findings:#?}");
        }
    }
}

#[test]
fn findings_name_a_column_and_say_how_to_fix_it() {
    for name in fixture_names("snapshots") {
        for f in validate(&snapshot(&name)) {
            assert!(!f.column.is_empty() && !f.message.is_empty() && !f.hint.is_empty(), "{name}: {f:?}");
            let json = serde_json::to_value(&f).unwrap();
            assert_eq!(json["rule"], f.rule.as_str(), "{name}");
            assert!(matches!(json["severity"].as_str(), Some("error" | "warning" | "info")), "{name}");
        }
    }
}

#[test]
fn deal_types_follow_the_sellers_choices() {
    assert_eq!(mapping::deal_type(&snapshot("cosell.json")), DealType::CoSell);
    assert_eq!(mapping::deal_type(&snapshot("partner-led.json")), DealType::PartnerLed);
    assert_eq!(mapping::deal_type(&snapshot("private.json")), DealType::Private);
}

#[test]
fn the_create_payload_carries_the_opportunity() {
    let s = snapshot("cosell.json");
    let r = mapping::to_referral(&s);
    assert_eq!(r.external_reference_id.as_deref(), Some("6f1d1a9e-3c2b-4f0e-9a51-2d7c3b8e0a11"));
    assert_eq!(r.solutions().len(), 1);
    assert_eq!(r.solutions()[0].id.as_deref(), Some("SOL-34104-EBB"));
    assert_eq!(r.customer_contacts()[0].email.as_deref(), Some("sue.smith@contoso.com"));
    let private = mapping::to_referral(&snapshot("private.json"));
    let consent = private.consent.unwrap();
    assert_eq!(consent.consent_to_share_referral_with_microsoft_sellers, Some(false));
}

#[test]
fn configured_columns_are_read_and_mapped() {
    let r = mapping::to_referral(&snapshot("custom-columns.json"));
    let details = r.details.as_ref().unwrap();
    assert_eq!(details.deal_value.as_ref().and_then(|a| a.value()), Some(125000.5));
    assert_eq!(details.currency.as_deref(), Some("EUR"));
    let country = r.customer_profile.as_ref().and_then(|p| p.address.as_ref()).and_then(|a| a.country.as_deref());
    assert_eq!(country, Some("DE"));
}

#[test]
fn unexpanded_lookups_are_read_with_their_ids() {
    let s = snapshot("unexpanded-lookups.json");
    assert_eq!(
        s.opportunity.account.as_ref().and_then(|a| a.id.as_deref()),
        Some("9b0c3f5e-7d52-4b8a-a0e4-1c2d3e4f5a61")
    );
    assert_eq!(
        s.opportunity.contact.as_ref().and_then(|c| c.id.as_deref()),
        Some("c3d4e5f6-1a2b-4c3d-8e9f-0a1b2c3d4e5f")
    );
    assert!(validate(&s).iter().all(|f| f.rule.as_str() != "currency-iso"), "a currency lookup ID is enough");
    let _ = mapping::to_referral(&s);
}

#[test]
fn the_patch_holds_only_what_differs_with_the_etag() {
    let s = snapshot("synced-update.json");
    let current: Referral = serde_json::from_value(fixture_json("referrals", "synced-current.json")).unwrap();
    let plan = mapping::to_patch(&s, &current);
    assert_eq!(plan.if_match, current.e_tag);
    let paths: Vec<&str> = plan.operations.iter().map(|op| op.path.as_str()).collect();
    assert_eq!(paths, ["/details/dealValue", "/details/closingDateTime"], "{plan:#?}");
    for op in &plan.operations {
        assert!(PATCHABLE_PATHS.contains(&op.path.as_str()));
    }
}

#[test]
fn a_referral_made_from_an_open_opportunity_needs_no_patch_and_is_its_echo() {
    for (name, errors, _) in EXPECTED {
        let s = snapshot(name);
        if s.opportunity.state().is_some_and(|st| st != cosell_core::dataverse::OpportunityState::Open) {
            continue;
        }
        let mut created = mapping::to_referral(&s);
        created.e_tag = Some("\"e\"".to_owned());
        let plan = mapping::to_patch(&s, &created);
        assert!(plan.operations.is_empty(), "{name}: {plan:#?}");
        let mut changed = sync::changed_since(&sync::crm_values(&s, None), &sync::base_of_referral(&created));
        // The Microsoft CRM ID is Partner Center's: never sent, so never an echo.
        changed.retain(|k| sync::field(k).is_some_and(|f| f.create.to_partner_center));
        // Help makes the payload visible where the column is not: the rules refuse that one.
        let expected: &[&str] = if errors.contains(&"help-needs-visible") { &["visibility"] } else { &[] };
        assert_eq!(changed, expected, "{name}");
    }
}
