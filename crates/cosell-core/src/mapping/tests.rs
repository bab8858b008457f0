//! Every mapping branch, on small snapshots and referrals.

use super::*;
use crate::config::Config;
use crate::referral::*;
use crate::snapshot::Snapshot;
use crate::test_support::set;
use serde_json::{json, Value};

fn co_sell() -> Value {
    json!({
        "opportunity": {
            "opportunityid": "5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "name": "✔ Contoso supply chain", "estimatedvalue": 50000, "estimatedclosedate": "2026-12-31",
            "description": "Dynamics 365 rollout", "statecode": 0, "statuscode": 1,
            "cosell_syncwithpartnercenter": true, "cosell_howcanmicrosofthelp": 100000001,
            "cosell_referralvisibility": 100000001,
            "transactioncurrencyid": { "isocurrencycode": "USD" },
            "parentaccountid": { "name": "Contoso", "address1_line1": "One Microsoft Way", "address1_city": "Redmond",
                "address1_stateorprovince": "WA", "address1_postalcode": "98052", "address1_country": "US", "numberofemployees": 42 },
            "parentcontactid": { "firstname": "Sue", "lastname": "Smith", "emailaddress1": "sue@contoso.com", "telephone1": "1234567890" }
        },
        "solutions": [ { "cosell_solutionid": "SOL-34104-EBB", "cosell_name": "Contoso Cloud" }, { "cosell_name": "no id" } ]
    })
}

fn snap(doc: Value) -> Snapshot {
    Snapshot::from_value(&doc).unwrap()
}

fn wire(r: &Referral) -> Value {
    serde_json::to_value(r).unwrap()
}

fn private() -> Value {
    set(
        set(co_sell(), "/opportunity/cosell_howcanmicrosofthelp", Value::Null),
        "/opportunity/cosell_referralvisibility",
        json!(100000000),
    )
}

fn partner_led() -> Value {
    set(co_sell(), "/opportunity/cosell_howcanmicrosofthelp", Value::Null)
}

// ---- to_referral ----

#[test]
fn co_sell_is_shared_with_help_and_targets_microsoft() {
    let s = snap(co_sell());
    assert_eq!(deal_type(&s), DealType::CoSell);
    let r = wire(&to_referral(&s));
    assert_eq!(r["type"], "Shared");
    assert_eq!(r["inviteContext"]["assistanceRequestCode"], "CustomerTechnicalArchitecture");
    assert_eq!(r["target"], json!([{ "id": "msft", "type": "BusinessProfileLocation" }]));
    assert_eq!(
        r["consent"],
        json!({ "consentToToShareInfoWithOthers": true, "consentToContact": true, "consentToShareReferralWithMicrosoftSellers": true })
    );
}

#[test]
fn partner_led_is_independent_and_shared_with_sellers() {
    let s = snap(partner_led());
    assert_eq!(deal_type(&s), DealType::PartnerLed);
    let r = wire(&to_referral(&s));
    assert_eq!(r["type"], "Independent");
    assert_eq!(r["consent"]["consentToShareReferralWithMicrosoftSellers"], true);
    assert_eq!(r["consent"]["consentToContact"], true, "the customer contact consents");
    assert!(r.get("inviteContext").is_none() && r.get("target").is_none());
}

#[test]
fn private_is_independent_and_not_shared() {
    let s = snap(private());
    assert_eq!(deal_type(&s), DealType::Private);
    let r = wire(&to_referral(&s));
    assert_eq!(r["type"], "Independent");
    assert_eq!(r["consent"]["consentToShareReferralWithMicrosoftSellers"], false);
    assert_eq!(r["consent"]["consentToToShareInfoWithOthers"], true, "as in Microsoft's private-deal sample");
    let no_contact = wire(&to_referral(&snap(set(private(), "/opportunity/parentcontactid", Value::Null))));
    assert_eq!(no_contact["consent"]["consentToContact"], false);
}

#[test]
fn create_payload_carries_the_deal() {
    let r = wire(&to_referral(&snap(co_sell())));
    assert_eq!(r["name"], "Contoso supply chain", "the sync mark never reaches Partner Center");
    assert_eq!(r["externalReferenceId"], "5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!((r["status"].clone(), r["substatus"].clone()), (json!("New"), json!("Pending")));
    assert_eq!(r["qualification"], "SalesQualified");
    assert_eq!(r["details"]["dealValue"], json!(50000), "integral values are written as integers");
    assert_eq!(r["details"]["currency"], "USD");
    assert_eq!(r["details"]["closingDateTime"], "2026-12-31T00:00:00Z");
    assert_eq!(r["details"]["notes"], "Dynamics 365 rollout");
    assert_eq!(
        r["details"]["requirements"]["solutions"],
        json!([{ "id": "SOL-34104-EBB", "name": "Contoso Cloud", "type": "Name" }])
    );
    let c = &r["customerProfile"];
    assert_eq!(c["name"], "Contoso");
    assert_eq!(c["size"], "10to50employees");
    assert_eq!(
        c["address"],
        json!({ "addressLine1": "One Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US" })
    );
    assert_eq!(
        c["team"],
        json!([{ "firstName": "Sue", "lastName": "Smith", "phoneNumber": "1234567890", "email": "sue@contoso.com" }])
    );
}

#[test]
fn deal_value_keeps_cents_and_missing_parts_stay_absent() {
    let doc =
        set(set(co_sell(), "/opportunity/estimatedvalue", json!(1234.5)), "/opportunity/parentaccountid", Value::Null);
    let doc =
        set(set(doc, "/opportunity/parentcontactid", Value::Null), "/opportunity/estimatedclosedate", Value::Null);
    let r = wire(&to_referral(&snap(doc)));
    assert_eq!(r["details"]["dealValue"], json!(1234.5));
    assert!(r["customerProfile"].get("address").is_none() && r["customerProfile"].get("team").is_none());
    assert!(r["details"].get("closingDateTime").is_none());
}

#[test]
fn closed_opportunities_create_closed_referrals() {
    let won = wire(&to_referral(&snap(set(co_sell(), "/opportunity/statecode", json!(1)))));
    assert_eq!((won["status"].clone(), won["substatus"].clone()), (json!("Closed"), json!("Won")));
    let lost = wire(&to_referral(&snap(set(co_sell(), "/opportunity/statecode", json!(2)))));
    assert_eq!((lost["status"].clone(), lost["substatus"].clone()), (json!("Closed"), json!("Lost")));
    assert_eq!(lost["statusReason"], "Lost in Dynamics 365");
}

#[test]
fn employee_counts_map_to_size_bands() {
    use super::to_referral::customer_size;
    assert_eq!(customer_size(0), None);
    assert_eq!(customer_size(1), Some(CustomerSize::OneTo9));
    assert_eq!(customer_size(50), Some(CustomerSize::TenTo50));
    assert_eq!(customer_size(51), Some(CustomerSize::FiftyOneTo250));
    assert_eq!(customer_size(1000), Some(CustomerSize::TwoHundredFiftyOneTo1000));
    assert_eq!(customer_size(5000), Some(CustomerSize::OneThousandOneTo5000));
    assert_eq!(customer_size(10000), Some(CustomerSize::FiveThousandOneTo10000));
    assert_eq!(customer_size(20000), Some(CustomerSize::TenThousandOneTo20000));
    assert_eq!(customer_size(20001), Some(CustomerSize::MoreThan20000));
}

// ---- to_patch ----

/// The referral Partner Center holds for the co-sell snapshot, as if just created and accepted.
fn current() -> Referral {
    let mut r = to_referral(&snap(co_sell()));
    r.id = Some("r1".into());
    r.e_tag = Some("\"e1\"".into());
    r.status = Some(ReferralStatus::Active);
    r.substatus = Some(ReferralSubstatus::Accepted);
    r
}

fn ops(plan: &PatchPlan) -> Vec<(String, String, Value)> {
    plan.operations
        .iter()
        .map(|o| (serde_json::to_value(o.op).unwrap().as_str().unwrap().to_owned(), o.path.clone(), o.value.clone()))
        .collect()
}

#[test]
fn nothing_differs_nothing_is_sent() {
    let plan = to_patch(&snap(co_sell()), &current());
    assert_eq!(plan.if_match.as_deref(), Some("\"e1\""));
    assert_eq!(ops(&plan), vec![]);
}

#[test]
fn changed_fields_are_replaced() {
    let doc = set(co_sell(), "/opportunity/estimatedvalue", json!(60000.25));
    let doc = set(doc, "/opportunity/transactioncurrencyid/isocurrencycode", json!("EUR"));
    let doc = set(doc, "/opportunity/estimatedclosedate", json!("2027-01-15"));
    let doc = set(doc, "/opportunity/description", json!("  New notes "));
    let plan = to_patch(&snap(doc), &current());
    assert_eq!(
        ops(&plan),
        vec![
            ("replace".into(), "/details/dealValue".into(), json!(60000.25)),
            ("replace".into(), "/details/currency".into(), json!("EUR")),
            ("replace".into(), "/details/closingDateTime".into(), json!("2027-01-15T00:00:00Z")),
            ("replace".into(), "/details/notes".into(), json!("New notes")),
        ]
    );
}

#[test]
fn equal_values_in_other_forms_are_not_sent() {
    let mut r = current();
    let d = r.details.as_mut().unwrap();
    d.deal_value = Some(crate::wire::Amount::Text("50000.00".into()));
    d.currency = Some("usd".into());
    d.closing_date_time = Some("2026-12-31T00:00:00.0000000Z".into());
    d.notes = Some("Dynamics 365 rollout\n".into());
    assert_eq!(ops(&to_patch(&snap(co_sell()), &r)), vec![]);
}

#[test]
fn absent_members_are_added() {
    let mut r = current();
    r.external_reference_id = None;
    r.details = Some(ReferralDetails { requirements: Some(Requirements::default()), ..Default::default() });
    r.consent = Some(Consent::default());
    r.customer_profile = Some(CustomerProfile::default());
    let paths: Vec<_> = ops(&to_patch(&snap(co_sell()), &r)).into_iter().map(|(op, p, _)| (op, p)).collect();
    assert_eq!(
        paths,
        [
            "/externalReferenceId",
            "/details/dealValue",
            "/details/currency",
            "/details/closingDateTime",
            "/details/notes",
            "/details/requirements/solutions",
            "/consent/consentToShareReferralWithMicrosoftSellers",
            "/customerProfile/team",
        ]
        .map(|p| ("add".to_owned(), p.to_owned()))
    );
}

#[test]
fn members_of_absent_parents_are_not_sent() {
    let mut r = current();
    r.details = None;
    r.consent = None;
    r.customer_profile = None;
    let paths: Vec<_> = ops(&to_patch(&snap(co_sell()), &r)).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(paths, Vec::<String>::new(), "add needs the parent (RFC 6902)");
}

#[test]
fn the_solution_list_is_never_emptied_or_duplicated() {
    let none = set(co_sell(), "/solutions", json!([]));
    assert_eq!(ops(&to_patch(&snap(none), &current())), vec![]);
    let twice = set(
        co_sell(),
        "/solutions",
        json!([{ "cosell_solutionid": "SOL-34104-EBB" }, { "cosell_solutionid": "sol-34104-ebb " }]),
    );
    assert_eq!(ops(&to_patch(&snap(twice), &current())), vec![]);
}

#[test]
fn visibility_is_granted_never_withdrawn() {
    let mut r = current();
    r.consent.as_mut().unwrap().consent_to_share_referral_with_microsoft_sellers = Some(false);
    let o = ops(&to_patch(&snap(partner_led()), &r));
    assert_eq!(o, vec![("replace".into(), "/consent/consentToShareReferralWithMicrosoftSellers".into(), json!(true))]);
    let o = ops(&to_patch(&snap(private()), &current()));
    assert!(o.iter().all(|(_, p, _)| !p.starts_with("/consent")), "{o:?}");
}

#[test]
fn solutions_are_replaced_when_the_set_differs_keeping_partner_center_details() {
    let mut r = current();
    let sols = r.details.as_mut().unwrap().requirements.as_mut().unwrap().solutions.as_mut().unwrap();
    sols[0].extra.insert("publisherId".into(), json!("p1"));
    let doc = set(
        co_sell(),
        "/solutions",
        json!([{ "cosell_solutionid": "SOL-NEW" }, { "cosell_solutionid": "SOL-34104-EBB" }]),
    );
    let o = ops(&to_patch(&snap(doc), &r));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].1, "/details/requirements/solutions");
    assert_eq!(o[0].2[0], json!({ "id": "SOL-NEW", "type": "Name" }));
    assert_eq!(o[0].2[1]["publisherId"], "p1", "the existing solution object is kept whole");
    let reordered = set(co_sell(), "/solutions", json!([{ "cosell_solutionid": "sol-34104-ebb" }]));
    assert_eq!(ops(&to_patch(&snap(reordered), &r)), vec![]);
}

#[test]
fn a_new_customer_contact_is_appended() {
    let doc = set(co_sell(), "/opportunity/parentcontactid/emailaddress1", json!("joe@contoso.com"));
    let o = ops(&to_patch(&snap(doc), &current()));
    assert_eq!(o.len(), 1);
    assert_eq!((o[0].0.as_str(), o[0].1.as_str()), ("add", "/customerProfile/team/-"));
    assert_eq!(o[0].2["email"], "joe@contoso.com");
}

#[test]
fn won_and_lost_close_the_referral() {
    let o = ops(&to_patch(&snap(set(co_sell(), "/opportunity/statecode", json!(1))), &current()));
    assert_eq!(
        o,
        vec![
            ("replace".into(), "/status".into(), json!("Closed")),
            ("replace".into(), "/substatus".into(), json!("Won"))
        ]
    );
    let o = ops(&to_patch(&snap(set(co_sell(), "/opportunity/statecode", json!(2))), &current()));
    assert_eq!(o.len(), 3);
    assert_eq!(o[2], ("add".into(), "/statusReason".into(), json!("Lost in Dynamics 365")));
}

#[test]
fn a_closed_referral_gets_nothing() {
    let mut r = current();
    r.status = Some(ReferralStatus::Closed);
    r.substatus = Some(ReferralSubstatus::Won);
    let doc = set(co_sell(), "/opportunity/estimatedvalue", json!(1));
    assert_eq!(ops(&to_patch(&snap(doc), &r)), vec![]);
}

#[test]
fn a_disallowed_status_change_is_not_sent() {
    let mut r = current();
    r.status = Some(ReferralStatus::Other("Paused".into()));
    let o = ops(&to_patch(&snap(set(co_sell(), "/opportunity/statecode", json!(1))), &r));
    assert!(o.iter().all(|(_, p, _)| p != "/status"), "{o:?}");
}

#[test]
fn every_patch_uses_accepted_paths_and_ops() {
    let doc = set(set(co_sell(), "/opportunity/statecode", json!(2)), "/opportunity/estimatedvalue", json!(7));
    let mut r = current();
    r.details = None;
    r.customer_profile = None;
    for plan in [to_patch(&snap(doc.clone()), &r), to_patch(&snap(doc), &current())] {
        for op in &plan.operations {
            assert!(PATCHABLE_PATHS.contains(&op.path.as_str()), "{}", op.path);
        }
    }
}

// ---- to_crm ----

fn incoming(status: &str, substatus: &str) -> Referral {
    let mut r = current();
    r.id = Some("r-42".into());
    r.external_reference_id = None;
    r.status = Some(ReferralStatus::parse(status));
    r.substatus = Some(ReferralSubstatus::parse(substatus));
    r.tracking_info = Some(TrackingInfo { microsoft_msx_id: Some("7-MSX".into()), ..Default::default() });
    r
}

fn step<'a>(plan: &'a UpsertPlan, name: &str) -> &'a UpsertStep {
    plan.steps.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no step {name} in {plan:#?}"))
}

#[test]
fn an_accepted_referral_becomes_an_opportunity_with_account_contact_and_currency() {
    let plan = to_crm(&incoming("Active", "Accepted"), &Config::default());
    assert_eq!(plan.record, RecordKind::Opportunity);
    let names: Vec<_> = plan.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["currency", "account", "contact", "lead", "opportunity", "qualifyLead", "solution1"]);
    let solution = step(&plan, "solution1");
    assert_eq!(
        solution.filter.as_deref(),
        Some("cosell_solutionid eq 'SOL-34104-EBB' and _cosell_opportunityid_value eq {opportunity}")
    );
    assert_eq!(solution.body["cosell_opportunityid@odata.bind"], "/opportunities({opportunity})");
    assert_eq!(step(&plan, "currency").action, StepAction::Find);
    assert_eq!(step(&plan, "currency").filter.as_deref(), Some("isocurrencycode eq 'USD'"));
    let account = step(&plan, "account");
    assert_eq!(account.filter.as_deref(), Some("contains(name,'Contoso')"));
    assert_eq!(account.match_key.as_deref(), Some("contoso|98052"));
    assert_eq!(account.body["address1_country"], "US");
    let contact = step(&plan, "contact");
    assert_eq!(contact.filter.as_deref(), Some("emailaddress1 eq 'sue@contoso.com'"));
    assert_eq!(contact.body["parentcustomerid_account@odata.bind"], "/accounts({account})");
    let o = &step(&plan, "opportunity").body;
    assert_eq!(o["name"], "✔ Contoso supply chain");
    assert_eq!(o["estimatedvalue"], json!(50000.0));
    assert_eq!(o["estimatedclosedate"], "2026-12-31");
    assert_eq!(o["cosell_syncwithpartnercenter"], true);
    assert_eq!(o["cosell_referralidentifier"], "r-42");
    assert_eq!(o["cosell_howcanmicrosofthelp"], 100000001);
    assert_eq!(o["cosell_referralvisibility"], 100000001);
    assert_eq!(o["cosell_microsoftcrmidentifier"], "7-MSX");
    assert_eq!(o["parentcontactid@odata.bind"], "/contacts({contact})");
    assert_eq!(o["transactioncurrencyid@odata.bind"], "/transactioncurrencies({currency})");
    assert!(o["cosell_referrallink"].as_str().unwrap().ends_with("r-42"));
    assert_eq!(step(&plan, "opportunity").filter.as_deref(), Some("cosell_referralidentifier eq 'r-42'"));
}

#[test]
fn the_sync_state_recognises_the_sync_s_own_write() {
    let r = incoming("Active", "Accepted");
    let plan = to_crm(&r, &Config::default());
    let state =
        crate::snapshot::SyncState::parse(step(&plan, "opportunity").body["cosell_syncstate"].as_str().unwrap(), "$")
            .unwrap();
    assert!(crate::sync::is_echo_of_referral(&r, &state), "the referral just written is the base");
    assert_eq!(state.field("status"), Some("Open"));
    assert_eq!(state.e_tag.as_deref(), Some("\"e1\""));
    assert_eq!(state.status, Some(ReferralStatus::Active));
}

#[test]
fn a_referral_created_from_dynamics_is_found_by_its_opportunity_id() {
    let mut r = incoming("Active", "Accepted");
    r.external_reference_id = Some("5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into());
    let plan = to_crm(&r, &Config::default());
    assert_eq!(
        step(&plan, "opportunity").filter.as_deref(),
        Some("cosell_referralidentifier eq 'r-42' or opportunityid eq 5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    );
}

#[test]
fn a_referral_not_accepted_stays_a_lead() {
    let plan = to_crm(&incoming("New", "Pending"), &Config::default());
    assert_eq!(plan.record, RecordKind::Lead);
    let names: Vec<_> = plan.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["currency", "lead"]);
    let lead = &step(&plan, "lead").body;
    assert_eq!(lead["subject"], "Contoso supply chain");
    assert_eq!(lead["companyname"], "Contoso");
    assert_eq!(lead["emailaddress1"], "sue@contoso.com");
    assert_eq!(lead["estimatedamount"], json!(50000.0));
    assert_eq!(lead["cosell_referralidentifier"], "r-42");
    assert_eq!(lead["cosell_syncwithpartnercenter"], true);
}

#[test]
fn a_referral_from_dynamics_updates_its_opportunity_whatever_its_status() {
    let mut r = incoming("Closed", "Declined");
    r.direction = Some(Direction::Outgoing);
    let plan = to_crm(&r, &Config::default());
    assert_eq!(plan.record, RecordKind::Opportunity);
    assert_eq!(step(&plan, "close").action, StepAction::LoseOpportunity);
    assert_eq!(step(&plan, "close").body["statuscode"], 4, "declined: canceled");
    let mut r = incoming("New", "Pending");
    r.external_reference_id = Some("5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into());
    assert_eq!(to_crm(&r, &Config::default()).record, RecordKind::Opportunity);
}

#[test]
fn help_and_visibility_are_set_never_cleared() {
    let mut r = incoming("Active", "Accepted");
    r.invite_context = None;
    r.referral_type = Some(ReferralType::Independent);
    r.consent.as_mut().unwrap().consent_to_share_referral_with_microsoft_sellers = Some(false);
    let plan = to_crm(&r, &Config::default());
    let o = &step(&plan, "opportunity").body;
    assert!(o.get("cosell_howcanmicrosofthelp").is_none() && o.get("cosell_referralvisibility").is_none(), "{o:?}");
}

#[test]
fn bad_dates_and_missing_names_are_not_written_as_is() {
    let mut r = incoming("Active", "Accepted");
    r.name = None;
    r.details.as_mut().unwrap().closing_date_time = Some("2025-6-3T00:00:00Z".into());
    let plan = to_crm(&r, &Config::default());
    let o = &step(&plan, "opportunity").body;
    assert_eq!(o["name"], "✔ Partner Center referral r-42");
    assert!(o.get("estimatedclosedate").is_none());
}

#[test]
fn declined_and_expired_referrals_disqualify_the_lead() {
    for (sub, code) in [("Declined", 6), ("Expired", 7)] {
        let plan = to_crm(&incoming("Closed", sub), &Config::default());
        assert_eq!(plan.record, RecordKind::Lead);
        let d = step(&plan, "disqualify");
        assert_eq!(d.action, StepAction::DisqualifyLead);
        assert_eq!(d.body["statuscode"], code);
    }
}

#[test]
fn won_and_lost_referrals_close_the_opportunity() {
    let plan = to_crm(&incoming("Closed", "Won"), &Config::default());
    assert_eq!(step(&plan, "close").action, StepAction::WinOpportunity);
    assert_eq!(step(&plan, "close").body["statuscode"], 3);
    let plan = to_crm(&incoming("Closed", "Lost"), &Config::default());
    assert_eq!(step(&plan, "close").action, StepAction::LoseOpportunity);
    assert_eq!(step(&plan, "close").body["statuscode"], 5);
}

#[test]
fn configuration_changes_the_plan() {
    let config = Config {
        display_check_mark: false,
        deal_value_column: "new_dealvalue".into(),
        country_code_column: "new_iso".into(),
        ..Config::default()
    };
    let plan = to_crm(&incoming("Active", "Accepted"), &config);
    let o = &step(&plan, "opportunity").body;
    assert_eq!(o["name"], "Contoso supply chain");
    assert_eq!(o["new_dealvalue"], json!(50000.0));
    assert!(o.get("estimatedvalue").is_none());
    assert_eq!(step(&plan, "account").body["new_iso"], "US");
}

#[test]
fn co_sell_only_skips_other_referrals() {
    let config = Config { sync_cosell_only: true, ..Config::default() };
    let mut r = incoming("Active", "Accepted");
    assert!(to_crm(&r, &config).skipped.is_none(), "a co-sell referral is synced");
    r.referral_type = Some(ReferralType::Independent);
    r.invite_context = None;
    let plan = to_crm(&r, &config);
    assert!(plan.skipped.is_some() && plan.steps.is_empty());
}

#[test]
fn an_empty_referral_still_plans_a_lead() {
    let plan = to_crm(&Referral::default(), &Config::default());
    assert_eq!(plan.record, RecordKind::Lead);
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(step(&plan, "lead").filter, None);
}

#[test]
fn account_names_and_postal_codes_are_normalized() {
    assert_eq!(account_match_key("Contoso Customer, Inc.", "98 052"), account_match_key("contoso  customer", "98052"));
    assert_eq!(normalize_name("Fabrikam GmbH & Co"), "fabrikam");
    assert_eq!(normalize_name("Tailspin Toys (UK) Limited"), "tailspin toys uk");
    assert_eq!(normalize_name("Inc"), "inc", "a name is never reduced to nothing");
    assert_eq!(normalize_postal_code("sw1a-1aa"), "SW1A1AA");
    assert_ne!(account_match_key("Contoso", "98052"), account_match_key("Contoso", "98053"));
}

#[test]
fn a_us_zip_plus_4_matches_the_five_digit_zip() {
    assert_eq!(account_match_key("Contoso", "98052-6399"), account_match_key("Contoso", "98052"));
    assert_eq!(normalize_postal_code("98052 6399"), "98052");
    assert_eq!(normalize_postal_code("980526399"), "98052");
    assert_ne!(account_match_key("Contoso", "98052-6399"), account_match_key("Contoso", "98053"));
    // Other shapes are kept whole: Brazil's eight digits, a Canadian code, ten digits.
    assert_eq!(normalize_postal_code("01310-100"), "01310100");
    assert_eq!(normalize_postal_code("K1A 0B1"), "K1A0B1");
    assert_eq!(normalize_postal_code("1234567890"), "1234567890");
}

#[test]
fn odata_literals_escape_quotes() {
    let mut r = incoming("Active", "Accepted");
    r.customer_profile.as_mut().unwrap().address.as_mut().unwrap().postal_code = None;
    r.customer_profile.as_mut().unwrap().name = Some("O'Brien Ltd".into());
    let plan = to_crm(&r, &Config::default());
    assert_eq!(step(&plan, "account").filter.as_deref(), Some("contains(name,'O''Brien')"));
}

// ---- echo: what the sync writes comes back as nothing changed ----

/// The fields the create sends where an opportunity differs from the base of the referral
/// created from it (the Microsoft CRM ID is Partner Center's: never sent, so never an echo).
fn changed_after_create(doc: Value) -> Vec<&'static str> {
    let s = snap(doc);
    let base = crate::sync::base_of_referral(&to_referral(&s));
    let mut changed = crate::sync::changed_since(&crate::sync::crm_values(&s, None), &base);
    changed.retain(|k| crate::sync::field(k).is_some_and(|f| f.create.to_partner_center));
    changed
}

#[test]
fn a_referral_made_from_an_opportunity_is_its_echo() {
    let bare = json!({ "opportunity": {}, "solutions": [] });
    for doc in [
        co_sell(),
        partner_led(),
        private(),
        set(co_sell(), "/opportunity/statecode", json!(1)),
        set(partner_led(), "/opportunity/statecode", json!(2)),
        // An empty visibility column is `false`, as the payload says.
        set(partner_led(), "/opportunity/cosell_referralvisibility", Value::Null),
        // A visibility option this version does not know is not visible (the payload says `false`).
        set(partner_led(), "/opportunity/cosell_referralvisibility", json!(100000077)),
        // No state loaded: the new referral is open, and the status is not compared.
        set(co_sell(), "/opportunity/statecode", Value::Null),
        bare.clone(),
    ] {
        assert_eq!(changed_after_create(doc.clone()), Vec::<&str>::new(), "{doc}");
    }
    let read = crate::sync::crm_values(&snap(bare), None);
    assert_eq!(read.get("visibility"), Some(&Some("false".to_owned())), "an empty flag is false");
    assert_eq!(read.get("status"), None, "no statecode: not loaded");
    // Help without the visible option: the payload is visible, the column not. The rules refuse
    // this opportunity (help-needs-visible), so no referral is created from it.
    let hidden = set(co_sell(), "/opportunity/cosell_referralvisibility", json!(100000000));
    assert_eq!(changed_after_create(hidden.clone()), ["visibility"]);
    assert!(crate::validate(&snap(hidden)).iter().any(|f| f.rule == crate::RuleId::HelpNeedsVisible));
    // A state this version does not know has no outcome: empty, so it differs from the base.
    let unknown = set(co_sell(), "/opportunity/statecode", json!(7));
    assert_eq!(crate::sync::crm_values(&snap(unknown.clone()), None).get("status"), Some(&None));
    assert_eq!(changed_after_create(unknown), ["status"]);
}

#[test]
fn the_echo_check_ignores_marks_and_form_but_not_values() {
    let base = crate::sync::base_of_referral(&to_referral(&snap(co_sell())));
    let synced = set(co_sell(), "/opportunity/cosell_syncstate", json!(base.to_json()));
    let echo = |pointer: &str, value: Value| crate::sync::is_echo_of_crm(&snap(set(synced.clone(), pointer, value)));
    assert!(crate::sync::is_echo_of_crm(&snap(synced.clone())));
    assert!(echo("/opportunity/name", json!("Contoso supply chain ✖")), "the sync mark");
    assert!(echo("/opportunity/estimatedvalue", json!(50000.001)), "below a cent");
    assert!(echo("/opportunity/description", json!("Dynamics 365 rollout\r\n ")), "trailing space, CR LF");
    assert!(echo("/opportunity/statecode", Value::Null), "the state not loaded");
    for (pointer, value) in [
        ("/opportunity/estimatedvalue", json!(50001)),
        ("/opportunity/name", json!("Other")),
        ("/opportunity/description", json!("x")),
        ("/opportunity/estimatedclosedate", json!("2027-01-01")),
        ("/opportunity/cosell_howcanmicrosofthelp", json!(100000002)),
        ("/opportunity/cosell_referralvisibility", Value::Null),
        ("/opportunity/cosell_referralvisibility", json!(100000000)),
        ("/opportunity/statecode", json!(2)),
        ("/solutions", json!([])),
    ] {
        assert!(!echo(pointer, value.clone()), "{pointer} = {value}");
    }
}

// ---- issue 7 defects (each failed before the sync model) ----

#[test]
fn an_inbound_update_never_renames_re_parents_or_re_links() {
    let plan = to_crm(&incoming("Active", "Accepted"), &Config::default());
    let o = step(&plan, "opportunity");
    let update = o.update.as_ref().expect("an existing opportunity gets the update columns");
    let mut keys: Vec<_> = update.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "cosell_microsoftcrmidentifier",
            "cosell_syncstate",
            "description",
            "estimatedclosedate",
            "estimatedvalue",
            "transactioncurrencyid@odata.bind"
        ]
    );
    for name in ["account", "contact", "solution1"] {
        assert!(step(&plan, name).create_only, "{name} runs only when the opportunity is created");
    }
    assert!(!o.create_only);
}

#[test]
fn an_accepted_referral_closes_the_lead_it_landed_as() {
    let plan = to_crm(&incoming("Active", "Accepted"), &Config::default());
    assert_eq!(step(&plan, "lead").filter.as_deref(), Some("cosell_referralidentifier eq 'r-42' and statecode eq 0"));
    assert_eq!(step(&plan, "lead").action, StepAction::Find);
    assert_eq!(step(&plan, "opportunity").body["originatingleadid@odata.bind"], "/leads({lead})");
    let q = step(&plan, "qualifyLead");
    assert_eq!((q.action, q.filter.as_deref()), (StepAction::QualifyLead, Some("leadid eq {lead}")));
    assert_eq!(q.body["statecode"], 1);
}

#[test]
fn leads_keep_address_line_2() {
    let mut r = incoming("New", "Pending");
    r.customer_profile.as_mut().unwrap().address.as_mut().unwrap().address_line2 = Some("Building 92".into());
    let plan = to_crm(&r, &Config::default());
    assert_eq!(step(&plan, "lead").body["address1_line2"], "Building 92");
}

#[test]
fn an_account_name_starting_with_punctuation_matches_its_own_filter() {
    let mut r = incoming("Active", "Accepted");
    r.customer_profile.as_mut().unwrap().name = Some("(Contoso) Ltd.".into());
    let plan = to_crm(&r, &Config::default());
    // `contains(name,'Contoso')` finds "(Contoso) Ltd." itself; startswith(name,'Contoso') did not.
    assert_eq!(step(&plan, "account").filter.as_deref(), Some("contains(name,'Contoso')"));
    assert_eq!(step(&plan, "account").match_key.as_deref(), Some("contoso|98052"));
}

#[test]
fn a_contact_without_email_is_kept_and_found_by_name() {
    let mut r = incoming("Active", "Accepted");
    r.customer_profile.as_mut().unwrap().team.as_mut().unwrap()[0].email = Some(String::new());
    let plan = to_crm(&r, &Config::default());
    let c = step(&plan, "contact");
    assert_eq!(
        c.filter.as_deref(),
        Some("firstname eq 'Sue' and lastname eq 'Smith' and _parentcustomerid_value eq {account}")
    );
    assert!(!c.body.contains_key("emailaddress1"));
    assert_eq!(step(&plan, "opportunity").body["parentcontactid@odata.bind"], "/contacts({contact})");
}

#[test]
fn co_sell_only_keeps_microsoft_s_co_sell_opportunities() {
    // Independent + SalesQualified + invited by a partner's organization: a Co-sell Opportunity (§2.6).
    let mut r = incoming("New", "Pending");
    r.referral_type = Some(ReferralType::Independent);
    r.qualification = Some(Qualification::SalesQualified);
    r.invite_context = Some(InviteContext {
        invited_by: Some(InvitedBy {
            organization_id: Some("3c9a1c1e-0000-4000-8000-000000000001".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    let config = Config { sync_cosell_only: true, ..Config::default() };
    assert_eq!(to_crm(&r, &config).skipped, None);
    r.invite_context = Some(InviteContext {
        invited_by: Some(InvitedBy { organization_id: Some("msft".into()), ..Default::default() }),
        ..Default::default()
    });
    assert!(to_crm(&r, &config).skipped.is_some(), "a Qualified Lead from Microsoft is not co-sell");
}

#[test]
fn the_create_payload_follows_the_field_map() {
    use crate::sync::fields::{Transform, FIELDS};
    use crate::sync::values::{crm_value, referral_value};
    for doc in [co_sell(), partner_led(), private()] {
        let s = snap(doc);
        let payload = wire(&to_referral(&s));
        let mut checked = 0;
        for f in FIELDS.iter().filter(|f| f.create.to_partner_center) {
            if matches!(f.transform, Transform::Status | Transform::LookupByKey { .. }) {
                continue;
            }
            // Visibility follows the deal type (help or shared), of which the column is one part.
            if f.key == "visibility" {
                continue;
            }
            let crm = crm_value(f, &s, &s.config, None).flatten();
            assert_eq!(referral_value(f, &payload), crm, "{}", f.key);
            checked += 1;
        }
        assert!(checked >= 15, "{checked}");
    }
}

#[test]
fn duplicate_solution_ids_are_sent_once_on_create() {
    let doc = set(
        co_sell(),
        "/solutions",
        json!([ { "cosell_solutionid": "SOL-1" }, { "cosell_solutionid": " sol-1" }, { "cosell_solutionid": "SOL-2" } ]),
    );
    let ids: Vec<_> = to_referral(&snap(doc)).solutions().iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids, ["SOL-1", "SOL-2"]);
}

#[test]
fn the_create_payload_carries_the_customer_marketplace_intent() {
    let r = wire(&to_referral(&snap(private())));
    assert_eq!(
        r["details"]["requirements"]["additionalRequirements"]["attributes"],
        json!([{ "id": "HaveNotDecided", "type": "CustomerMarketplaceIntent" }])
    );
}

#[test]
fn with_a_base_the_patch_uses_the_stored_etag_and_keeps_microsoft_s_edits() {
    let base = crate::sync::base_of_referral(&current());
    let doc = set(co_sell(), "/opportunity/cosell_syncstate", json!(base.to_json()));
    let doc = set(doc, "/opportunity/description", json!("Seller's notes"));
    // Since the last sync a Microsoft seller changed the deal value and the closing date.
    let mut now = current();
    now.e_tag = Some("\"e7\"".into());
    let details = now.details.as_mut().unwrap();
    details.deal_value = crate::wire::Amount::from_f64(75000.0);
    details.closing_date_time = Some("2027-06-30T00:00:00Z".into());
    let plan = to_patch(&snap(doc), &now);
    assert_eq!(plan.if_match.as_deref(), Some("\"e1\""), "the eTag stored at the last sync");
    assert_eq!(ops(&plan), vec![("replace".into(), "/details/notes".into(), json!("Seller's notes"))]);
}

#[test]
fn a_referral_never_accepted_is_declined_not_lost() {
    let mut r = current();
    r.status = Some(ReferralStatus::New);
    r.substatus = Some(ReferralSubstatus::Pending);
    let o = ops(&to_patch(&snap(set(co_sell(), "/opportunity/statecode", json!(2))), &r));
    assert_eq!(
        o[0..2],
        [
            ("replace".into(), "/status".into(), json!("Closed")),
            ("replace".into(), "/substatus".into(), json!("Declined")),
        ]
    );
}
