//! The generated flows run in cosell-flow's engine against the fake Partner Center and Dataverse:
//! the seed's two scenarios, lifecycle steps and faults, each asserting the exact requests and
//! writes and comparing them with what cosell-core computes from the same inputs.

mod support;

use cosell_flow::fake::{FakeService, Fault};
use cosell_flow::run::{Status, TriggerInput};
use cosell_syncflows::flows::names;
use serde_json::{json, Value};
use support::*;

#[test]
fn a_forged_callback_without_signature_headers_reads_and_writes_nothing() {
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let event = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, TriggerInput::body(event));
    assert_eq!(run.status, Status::Cancelled, "{}", failures(&run));
    assert!(w.referrals.log().is_empty());
    assert!(w.dataverse.writes().is_empty());
}

#[test]
fn a_made_up_referral_id_writes_nothing() {
    let mut w = world();
    let event = w.referrals.webhook_event("referral-updated", "49d90c72-3326-4f61-aacc-2cb57970448c");
    let run = w.run(names::RECEIVER, signed(event));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.writes().is_empty());
    assert_eq!(
        w.referrals.calls("GetReferralById").len(),
        1,
        "the helper asked Partner Center, which does not know it"
    );
}

#[test]
fn a_referral_created_in_partner_center_lands_in_dynamics_365() {
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let event = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, signed(event));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let writes = w.dataverse.writes();
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let tables: Vec<&str> = writes.iter().map(|w| w.table.as_str()).collect();
    let referral = cosell_core::referral::Referral::from_json(&w.referrals.referral(&id).unwrap().to_string()).unwrap();
    // Every customer contact with an email or a last name (the seed has two), as `to_crm` has them.
    let contacts = referral.customer_contacts().iter().filter(|m| m.email.is_some() || m.last_name.is_some()).count();
    assert_eq!(contacts, 2);
    assert_eq!(
        tables,
        ["account", "contact", "contact", "lead"],
        "a new referral, not accepted yet, is a lead with its account and contacts"
    );
    let lead = &writes[3].columns;
    assert_eq!(lead["cosell_referralidentifier"], json!(id));
    assert_eq!(lead["cosell_syncwithpartnercenter"], json!(true));
    // The base the flow stored is the core's base of the referral.
    let stored = cosell_core::snapshot::SyncState::parse(lead["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    let core = cosell_core::sync::base_of_referral(&referral);
    assert_eq!(stored.fields, core.fields);
    assert_eq!((stored.referral_id, stored.e_tag), (core.referral_id, core.e_tag));
    // Delivering the same event again creates nothing more.
    let again = w.referrals.webhook_event("referral-created", &id);
    let run = w.run(names::RECEIVER, signed(again));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), writes.len(), "the second delivery writes nothing");
    assert_eq!(w.dataverse.rows("lead").len(), 1);
}

/// A customer contact without an email is found by name at its account, as the core finds it: it
/// never links another contact that merely has no email either.
#[test]
fn a_contact_without_email_is_found_by_name_never_by_the_empty_email() {
    let mut w = world();
    let stranger = w
        .dataverse
        .insert("contact", json!({"firstname": "Someone", "lastname": "Else", "emailaddress1": ""}))
        .unwrap();
    let (id, _) = seed_variant(
        &w,
        json!({"customerProfile": {"team": [{"firstName": "Sue", "lastName": "O'Brien", "email": ""}]}}),
    );
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let contacts: Vec<_> = w.dataverse.writes().into_iter().filter(|w| w.table == "contact").collect();
    assert_eq!(contacts.len(), 1, "Sue gets her own contact, the stranger is not taken for her");
    assert_eq!(contacts[0].columns["lastname"], json!("O'Brien"));
    assert_eq!(w.dataverse.rows("contact").len(), 2, "{stranger} is left as it was");
    // Delivered again, Sue is found by name at her account: nothing more is created.
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.rows("contact").len(), 2);
}

/// After the create, the sync's own write back comes back as a change: nothing differs from the
/// base, so Partner Center is not called. A seller's edit of the deal value is then sent as one
/// PATCH with the stored eTag, exactly what the core's outbound merge plans.
#[test]
fn echoes_are_skipped_and_an_edit_is_patched_with_the_stored_etag() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let echo = last_change(&w, "opportunity");
    let run = w.run(names::OUTBOUND, echo);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.calls("PatchReferralById").is_empty(), "an echo calls nothing");
    assert_eq!(w.referrals.calls("CreateReferral").len(), 2, "the two linked creates of the first sync only");

    let stored = w.dataverse.row("opportunity", &id).unwrap();
    let base = cosell_core::snapshot::SyncState::parse(stored["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    assert_eq!(base.e_tag.as_deref(), w.referrals.referral(&referral_id).unwrap()["eTag"].as_str());
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 60000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    let patches = w.referrals.calls("PatchReferralById");
    assert_eq!(patches.len(), 1, "{}", failures(&run));
    let sent = Value::Object(patches[0].parameters.clone());
    assert_eq!(sent["If-Match"].as_str(), base.e_tag.as_deref(), "If-Match is the stored eTag");
    // Exactly the core's outbound plan for the same opportunity and base.
    let mut doc = snapshot.clone();
    doc["opportunity"]["estimatedvalue"] = json!(60000);
    doc["opportunity"]["opportunityid"] = json!(id);
    doc["opportunity"]["cosell_syncstate"] = stored["cosell_syncstate"].clone();
    let s = cosell_core::snapshot::Snapshot::from_value(&doc).unwrap();
    let plan = cosell_core::sync::outbound(&s, &base, None);
    assert_eq!(sent["Referral"], serde_json::to_value(&plan.operations).unwrap());
    assert_eq!(plan.if_match, base.e_tag);
    assert_eq!(w.referrals.referral(&referral_id).unwrap()["details"]["dealValue"], json!(60000));
}

/// The seed's first scenario: an opportunity saved in Dynamics 365 with Sync = Yes becomes a
/// referral; Referral Identifier, Referral Link and ✔ are written back.
#[test]
fn an_opportunity_with_sync_yes_becomes_a_referral() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let save = last_change(&w, "opportunity");
    let before = w.dataverse.writes().len();
    let run = w.run(names::OUTBOUND, save);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    // Co-sell (help is asked): the docs' two linked creates, as the core's create plan has them.
    let created = w.referrals.calls("CreateReferral");
    assert_eq!(created.len(), 2);
    let plan =
        cosell_core::sync::lifecycle::create_plan(&cosell_core::snapshot::Snapshot::from_value(&snapshot).unwrap())
            .unwrap();
    let plan = serde_json::to_value(&plan).unwrap();
    let (first, second) = (&created[0].parameters["Referral"], &created[1].parameters["Referral"]);
    assert_eq!(first["target"], plan["referral"]["target"]);
    assert_eq!(second["target"], plan["forMicrosoft"]["target"]);
    assert_eq!(second["consent"]["consentToShareReferralWithMicrosoftSellers"], json!(true));
    let all = w.referrals.referrals();
    let referral = all
        .iter()
        .find(|r| r["id"] == w.dataverse.row("opportunity", &id).unwrap()["cosell_referralidentifier"])
        .unwrap()
        .clone();
    assert_eq!(second["engagementId"], referral["engagementId"], "linked by the first one's engagement");
    let back = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(back["cosell_referralidentifier"], referral["id"]);
    assert!(back["cosell_referrallink"].as_str().unwrap().ends_with(referral["id"].as_str().unwrap()));
    assert_eq!(back["name"], json!("✔ Contoso supply chain modernization"));
    assert_eq!(w.dataverse.writes().len(), before + 1, "one write back");
    // The create carries what the core's mapping sends for the same snapshot.
    let core = cosell_core::mapping::to_referral(&cosell_core::snapshot::Snapshot::from_value(&snapshot).unwrap());
    let core = serde_json::to_value(core).unwrap();
    for pointer in [
        "/name",
        "/details/dealValue",
        "/details/currency",
        "/details/notes",
        "/details/closingDateTime",
        "/type",
        "/customerProfile/name",
        "/customerProfile/address/country",
        "/inviteContext/assistanceRequestCode",
    ] {
        assert_eq!(referral.pointer(pointer), core.pointer(pointer), "{pointer}");
    }
}

/// A stale eTag: Microsoft changed the closing date while the seller changed the deal value.
/// The PATCH answers 412; the inbound merge brings the closing date in (and the fresh eTag), then
/// the deal value goes out: both edits survive.
#[test]
fn a_stale_etag_is_merged_and_both_edits_survive() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.referrals.edit(&referral_id, &json!({"details": {"closingDateTime": "2025-12-31T00:00:00Z"}})).unwrap();
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 60000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let statuses: Vec<Option<u16>> = w.referrals.calls("PatchReferralById").iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(412), Some(200)]);
    let referral = w.referrals.referral(&referral_id).unwrap();
    assert_eq!(referral["details"]["dealValue"], json!(60000));
    assert_eq!(referral["details"]["closingDateTime"], json!("2025-12-31T00:00:00Z"));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["estimatedclosedate"], json!("2025-12-31"));
    assert_eq!(row["estimatedvalue"].as_f64(), Some(60000.0));
    let base = cosell_core::snapshot::SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    assert_eq!(base.e_tag.as_deref(), referral["eTag"].as_str(), "the base holds the latest eTag");
    assert_eq!(base.field("closingDate"), Some("2025-12-31"));
    assert_eq!(base.field("dealValue"), Some("60000.00"));
}

/// A Microsoft seller's edit of the notes reaches Dynamics 365 as the core's inbound merge plans
/// it (the description only); the same delivery again writes nothing.
#[test]
fn a_partner_center_edit_is_merged_and_redelivery_changes_nothing() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "Microsoft: budget approved."}})).unwrap();
    let before = w.dataverse.writes().len();
    let event = w.referrals.webhook_event("referral-updated", &referral_id);
    let run = w.run(names::RECEIVER, signed(event.clone()));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let writes = w.dataverse.writes();
    assert_eq!(writes.len(), before + 1, "one update of the opportunity");
    let update = &writes.last().unwrap().columns;
    assert_eq!(update["description"], json!("Microsoft: budget approved."));
    assert_eq!(update["name"], json!("✔ Contoso supply chain modernization"), "never renamed");
    let row = w.dataverse.row("opportunity", &id).unwrap();
    let base = cosell_core::snapshot::SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    assert_eq!(base.field("notes"), Some("Microsoft: budget approved."));
    assert!(row["cosell_audit"].as_str().unwrap().contains("changed in Partner Center: notes"));
    let run = w.run(names::RECEIVER, signed(event));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), before + 1, "the same delivery again writes nothing");
}

/// A rule failure: help from Microsoft without a solution. The findings go to the audit trail
/// with ✖, and Partner Center is not called.
#[test]
fn a_rule_failure_is_audited_and_partner_center_is_not_called() {
    let (mut w, id, _) = synced_opportunity_world();
    for row in w.dataverse.rows("cosell_partnercentersolution") {
        w.dataverse
            .delete("cosell_partnercentersolution", row["cosell_partnercentersolutionid"].as_str().unwrap())
            .unwrap();
    }
    w.dataverse.update("opportunity", &id, json!({"description": "touched"})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Failed, "the admin sees a failed run");
    assert!(w.referrals.log().is_empty(), "Partner Center is not called");
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert!(
        row["cosell_audit"]
            .as_str()
            .unwrap()
            .contains("✖ Dynamics 365 → Partner Center failed: rules not met: Sharing with Microsoft has a co-sell solution (sharing-needs-solution)"),
        "{}",
        row["cosell_audit"]
    );
    assert_eq!(row["name"], json!("✖ Contoso supply chain modernization"));
}

/// Throttling: a 429 on the create is retried by the platform; the referral is created once.
#[test]
fn a_throttled_create_is_retried() {
    let (mut w, _, _) = synced_opportunity_world();
    w.referrals.fail_operation("CreateReferral", Fault::Status(429), 2);
    let _ = synced(&mut w);
    let statuses: Vec<Option<u16>> = w.referrals.calls("CreateReferral").iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(429), Some(429), Some(200), Some(200)], "the partner's referral, then Microsoft's");
    assert_eq!(w.referrals.referrals().len(), 2);
}

/// Partner Center fails for good (500 on every retry): the audit says so with ✖, the base and
/// eTag are untouched (the next change sends the edit again), the run fails.
#[test]
fn a_persistent_server_error_loses_nothing() {
    let (mut w, id, _) = synced_opportunity_world();
    let _ = synced(&mut w);
    let before = w.dataverse.row("opportunity", &id).unwrap()["cosell_syncstate"].clone();
    w.referrals.fail_operation("PatchReferralById", Fault::Status(500), 10);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 70000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Failed);
    assert_eq!(w.referrals.calls("PatchReferralById").len(), 5, "the first try and 4 retries");
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["cosell_syncstate"], before, "the base is untouched");
    assert_eq!(row["estimatedvalue"].as_f64(), Some(70000.0), "the seller's value is kept");
    assert!(row["cosell_audit"].as_str().unwrap().contains("✖ Dynamics 365 → Partner Center failed"));
}

/// Won in Dynamics 365 → Closed/Won in Partner Center, then nothing more is sent: terminal.
#[test]
fn won_in_dynamics_365_closes_the_referral_and_nothing_follows() {
    let (mut w, id, _, referral_id) = won_world();
    let referral = w.referrals.referral(&referral_id).unwrap();
    assert_eq!((referral["status"].as_str(), referral["substatus"].as_str()), (Some("Closed"), Some("Won")));
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 99000})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.calls("PatchReferralById").len(), 1, "a closed referral is not patched again");
}

/// Backfill: every referral, page by page, lands in Dynamics 365; run again, nothing changes.
#[test]
fn backfill_brings_every_referral_page_by_page() {
    let mut w = world();
    w.referrals.set_page_size(2);
    let mut ids = Vec::new();
    for (i, name) in ["Fabrikam", "Northwind", "Tailspin"].iter().enumerate() {
        let mut r = fixture("referrals/incoming-new.json");
        r.as_object_mut().unwrap().remove("id");
        r["customerProfile"]["name"] = json!(name);
        r["customerProfile"]["team"][0]["email"] = json!(format!("buyer{i}@example.com"));
        ids.push(w.referrals.seed(r));
    }
    let run = w.run(names::BACKFILL, TriggerInput::body(json!({})));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.calls("GetAllReferrals").len(), 2, "two pages of two");
    let leads: Vec<String> =
        w.dataverse.rows("lead").iter().map(|l| l["cosell_referralidentifier"].as_str().unwrap().to_owned()).collect();
    let mut expected = ids.clone();
    expected.sort();
    let mut got = leads.clone();
    got.sort();
    assert_eq!(got, expected);
    let writes = w.dataverse.writes().len();
    let run = w.run(names::BACKFILL, TriggerInput::body(json!({})));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), writes, "a second backfill writes nothing");
}

/// Webhook registration: registers the four events with the signature header option; a second
/// run without Overwrite refuses; with Overwrite it replaces.
#[test]
fn the_webhook_is_registered_once_and_replaced_only_when_asked() {
    let mut w = world();
    let url = "https://prod-00.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke";
    let run = w.run(
        names::WEBHOOK_REGISTRATION,
        TriggerInput::body(json!({"endpoint": url, "events": "", "overwrite": false})),
    );
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let run = w.run(
        names::WEBHOOK_REGISTRATION,
        TriggerInput::body(json!({"endpoint": url, "events": "", "overwrite": false})),
    );
    assert_eq!(run.status, Status::Failed, "a registration exists and Overwrite is No");
    let run = w.run(
        names::WEBHOOK_REGISTRATION,
        TriggerInput::body(json!({"endpoint": url, "events": "referral-created, referral-updated", "overwrite": true})),
    );
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let show = w.run(names::WEBHOOK_SHOW, TriggerInput::body(json!({})));
    assert_eq!(show.status, Status::Succeeded, "{}", failures(&show));
    let answer = serde_json::to_string(&show.to_json()).unwrap();
    assert!(answer.contains("prod-00.westeurope.logic.azure.com") && answer.contains("referral-updated"), "{answer}");
}

/// Two edits in Partner Center, their events delivered newest first: the helper re-reads the
/// referral each time, so the first delivery brings the latest state and the second is an echo.
#[test]
fn out_of_order_deliveries_change_nothing_the_second_time() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "first"}})).unwrap();
    let older = w.referrals.webhook_event("referral-updated", &referral_id);
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "second"}})).unwrap();
    let newer = w.referrals.webhook_event("referral-updated", &referral_id);
    let run = w.run(names::RECEIVER, signed(newer));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let writes = w.dataverse.writes().len();
    let run = w.run(names::RECEIVER, signed(older));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), writes);
    assert_eq!(w.dataverse.row("opportunity", &id).unwrap()["description"], json!("second"));
}

/// Partner Center does not answer in time once: the read is retried and the sync completes.
#[test]
fn a_timeout_is_retried() {
    let (mut w, _, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "after a timeout"}})).unwrap();
    w.referrals.fail_operation("GetReferralById", Fault::TimedOut, 1);
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let statuses: Vec<Option<u16>> = w.referrals.calls("GetReferralById").iter().map(|c| c.status).collect();
    assert_eq!(statuses, [None, Some(200)]);
}

/// Dataverse refuses the merge's update (412): the audit records the failure with ✖, the base is
/// untouched (the next delivery merges again), and the run fails.
#[test]
fn a_dataverse_conflict_on_the_merge_loses_nothing() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let base = w.dataverse.row("opportunity", &id).unwrap()["cosell_syncstate"].clone();
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "Microsoft's note"}})).unwrap();
    w.dataverse.fail_operation("UpdateRecord", Fault::Status(412), 1);
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["cosell_syncstate"], base);
    assert!(row["cosell_audit"].as_str().unwrap().contains("✖ Partner Center → Dynamics 365 failed"));
    // The next delivery merges it.
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.row("opportunity", &id).unwrap()["description"], json!("Microsoft's note"));
}

/// Qualifying the referral's lead accepts the referral in Partner Center.
#[test]
fn qualifying_the_lead_accepts_the_referral() {
    let (mut w, id, lead) = lead_world();
    // Dynamics 365 qualifies: it creates the opportunity and links it from the lead.
    let opportunity = w.dataverse.insert("opportunity", json!({"name": "Contoso (qualified)"})).unwrap();
    let qualified = json!({"statecode": 1, "statuscode": 3, "qualifyingopportunityid@odata.bind": format!("opportunities({opportunity})")});
    w.dataverse.update("lead", lead["leadid"].as_str().unwrap(), qualified).unwrap();
    let run = w.run(names::LEAD_DECISION, last_change(&w, "lead"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let referral = w.referrals.referral(&id).unwrap();
    assert_eq!((referral["status"].as_str(), referral["substatus"].as_str()), (Some("Active"), Some("Accepted")));
    // The referral is carried on to the opportunity, as the core's lifecycle plans it.
    let row = w.dataverse.row("opportunity", &opportunity).unwrap();
    assert_eq!(row["cosell_referralidentifier"], json!(id));
    assert_eq!(row["cosell_syncwithpartnercenter"], json!(true));
    let lead_base = cosell_core::snapshot::SyncState::parse(lead["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    let config = cosell_core::config::Config::default();
    let core = cosell_core::sync::lifecycle::on_lead_qualified(&lead_base, &opportunity, &config).unwrap();
    let stored = cosell_core::snapshot::SyncState::parse(row["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    assert_eq!(stored.fields, core.base.fields);
    assert_eq!((stored.status, stored.substatus), (core.base.status, core.base.substatus));
    assert_eq!(stored.e_tag.as_deref(), referral["eTag"].as_str(), "the eTag of the PATCH response");
    let ops: Value = serde_json::to_value(&core.patch.operations).unwrap();
    assert_eq!(w.referrals.calls("PatchReferralById")[0].parameters["Referral"], ops);
}

/// Both sides changed the notes: the field map's policy keeps Dynamics 365's, Microsoft's value
/// goes to the audit trail (never silently lost), and the kept value then reaches Partner Center.
#[test]
fn a_conflict_keeps_the_owner_s_value_and_audits_the_other() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.referrals.edit(&referral_id, &json!({"details": {"notes": "Microsoft's notes"}})).unwrap();
    w.dataverse.update("opportunity", &id, json!({"description": "Seller's notes"})).unwrap();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["description"], json!("Seller's notes"), "the owner's value is kept");
    let audit = row["cosell_audit"].as_str().unwrap();
    assert!(
        audit.contains(r#"[conflict]: notes changed on both sides; kept "Seller's notes", Partner Center's value was "Microsoft's notes""#),
        "{audit}"
    );
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.referral(&referral_id).unwrap()["details"]["notes"], json!("Seller's notes"));
}

/// Disqualifying the referral's lead declines the referral.
#[test]
fn disqualifying_the_lead_declines_the_referral() {
    let (mut w, id, lead) = lead_world();
    w.dataverse.update("lead", lead["leadid"].as_str().unwrap(), json!({"statecode": 2, "statuscode": 4})).unwrap();
    let run = w.run(names::LEAD_DECISION, last_change(&w, "lead"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let referral = w.referrals.referral(&id).unwrap();
    assert_eq!((referral["status"].as_str(), referral["substatus"].as_str()), (Some("Closed"), Some("Declined")));
}

/// A solution added to a synced opportunity reaches Partner Center through the solutions flow:
/// one PATCH of the solution list, the core's plan for the same rows.
#[test]
fn a_solution_row_added_is_sent() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    add_second_solution(&mut w, &id);
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    let patches = w.referrals.calls("PatchReferralById");
    assert_eq!(patches.len(), 1);
    let ops = &patches[0].parameters["Referral"];
    assert_eq!(ops.as_array().unwrap().len(), 1, "{ops}");
    assert_eq!(ops[0]["path"], json!("/details/requirements/solutions"));
    let ids: Vec<&str> = ops[0]["value"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SOL-34104-EBB", "SOL-99999-AAA"]);
    let solutions = &w.referrals.referral(&referral_id).unwrap()["details"]["requirements"]["solutions"];
    assert_eq!(solutions.as_array().unwrap().len(), 2);
}

/// The snapshot the core reads for the world's opportunity (`support::snapshot_doc`).
fn core_snapshot(w: &support::World, id: &str, snapshot: &Value, columns: &[&str]) -> cosell_core::snapshot::Snapshot {
    cosell_core::snapshot::Snapshot::from_value(&snapshot_doc(w, id, snapshot, columns)).unwrap()
}

/// A private deal (no help, not visible) synced as one Independent referral; later the seller
/// asks Microsoft for help and makes it visible: the flow makes the core's conversion — the
/// second create, for Microsoft, in the referral's engagement — and PATCHes the visibility, and
/// the base then records help as synced, so the next save converts nothing again.
#[test]
fn help_chosen_later_converts_the_private_referral_to_co_sell() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let private = json!({"cosell_howcanmicrosofthelp": null, "cosell_referralvisibility": 100000000});
    w.dataverse.update("opportunity", &id, private).unwrap();
    let referral_id = synced(&mut w);
    assert_eq!(w.referrals.calls("CreateReferral").len(), 1, "a private deal is one referral");
    let current = w.referrals.referral(&referral_id).unwrap();
    assert_eq!(current["type"], json!("Independent"), "{current}");
    let base = stored_base(&w, "opportunity", &id);

    let help = json!({"cosell_howcanmicrosofthelp": 100000002, "cosell_referralvisibility": 100000001});
    w.dataverse.update("opportunity", &id, help).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());

    let s = core_snapshot(&w, &id, &snapshot, &["cosell_howcanmicrosofthelp", "cosell_referralvisibility"]);
    let current: cosell_core::referral::Referral = serde_json::from_value(current).unwrap();
    let core = cosell_core::sync::lifecycle::convert_to_co_sell(&s, &base, &current).unwrap();
    let created = w.referrals.calls("CreateReferral");
    assert_eq!(created.len(), 2, "the second, linked create {}", failures(&run));
    let sent = &created[1].parameters["Referral"];
    let expected = serde_json::to_value(&core.create).unwrap();
    assert_eq!(strip_nulls(sent.clone()), strip_nulls(expected), "the core's conversion create");
    // The visibility goes out as the core's outbound PATCH, If-Match = the stored eTag.
    let plan = cosell_core::sync::outbound(&s, &base, Some(&current));
    let patches = w.referrals.calls("PatchReferralById");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].parameters["Referral"], serde_json::to_value(&plan.operations).unwrap());
    assert_eq!(patches[0].parameters["If-Match"].as_str(), base.e_tag.as_deref());
    // The base records the conversion as the core's does, with the PATCH response's eTag.
    let after = stored_base(&w, "opportunity", &id);
    assert_eq!(after.fields, core.base.fields);
    assert_eq!(after.e_tag.as_deref(), w.referrals.referral(&referral_id).unwrap()["eTag"].as_str());
    let audit = w.dataverse.row("opportunity", &id).unwrap()["cosell_audit"].as_str().unwrap().to_owned();
    assert!(audit.contains("converted to co-sell"), "{audit}");
    // The sync's own write comes back: nothing converts or sends again.
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.calls("CreateReferral").len(), 2);
    assert_eq!(w.referrals.calls("PatchReferralById").len(), 1);
}

/// Help chosen on a referral whose visibility was already granted: no PATCH is needed, only the
/// conversion; the base is written once with help recorded.
#[test]
fn help_chosen_on_a_visible_referral_is_only_the_conversion() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    w.dataverse.update("opportunity", &id, json!({"cosell_howcanmicrosofthelp": null})).unwrap();
    let referral_id = synced(&mut w);
    let current = w.referrals.referral(&referral_id).unwrap();
    let base = stored_base(&w, "opportunity", &id);
    w.dataverse.update("opportunity", &id, json!({"cosell_howcanmicrosofthelp": 100000002})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let s = core_snapshot(&w, &id, &snapshot, &["cosell_howcanmicrosofthelp"]);
    let current: cosell_core::referral::Referral = serde_json::from_value(current).unwrap();
    let core = cosell_core::sync::lifecycle::convert_to_co_sell(&s, &base, &current).unwrap();
    assert!(cosell_core::sync::outbound(&s, &base, Some(&current)).operations.is_empty());
    assert!(w.referrals.calls("PatchReferralById").is_empty(), "nothing to patch");
    assert_eq!(w.referrals.calls("CreateReferral").len(), 2);
    assert_eq!(stored_base(&w, "opportunity", &id).fields, core.base.fields, "{}", failures(&run));
}

/// A JSON value without its `null` properties (the core's serialization leaves none; a flow's
/// `setProperty` on a missing value may).
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        v => v,
    }
}

/// A referral that arrived as a lead is accepted in Partner Center itself (Active): the next
/// delivery makes it the opportunity the core's `to_crm` plans (the same columns, bound to its
/// lead) and closes the lead as qualified, so the referral is never two open records; the lead
/// qualification flow then does not accept it a second time.
#[test]
fn a_lead_accepted_in_partner_center_becomes_an_opportunity_and_the_lead_is_closed() {
    let (mut w, id, lead) = lead_world();
    let lead_id = lead["leadid"].as_str().unwrap().to_owned();
    w.referrals.edit(&id, &json!({"status": "Active", "substatus": "Accepted"})).unwrap();
    let before = w.dataverse.writes().len();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let writes = w.dataverse.writes();
    let tables: Vec<&str> = writes[before..].iter().map(|w| w.table.as_str()).collect();
    assert_eq!(
        tables,
        ["opportunity", "cosell_partnercentersolution", "lead"],
        "the lead's account and contact are found"
    );

    let referral: cosell_core::referral::Referral =
        serde_json::from_value(w.referrals.referral(&id).unwrap().clone()).unwrap();
    assert_eq!(
        cosell_core::sync::lifecycle::classify(&referral),
        cosell_core::sync::lifecycle::ReferralCategory::QualifiedLead,
        "a qualified lead from Microsoft, accepted → opportunity"
    );
    let plan = cosell_core::mapping::to_crm(&referral, &cosell_core::config::Config::default());
    assert_eq!(plan.record, cosell_core::mapping::RecordKind::Opportunity);
    let step = |name: &str| plan.steps.iter().find(|s| s.name == name).unwrap();
    // The opportunity: every value column of the core's step, as the core writes it.
    let opportunities = w.dataverse.rows("opportunity");
    assert_eq!(opportunities.len(), 1);
    let o = &opportunities[0];
    for (column, value) in &step("opportunity").body {
        if column.ends_with("@odata.bind") || column == "cosell_audit" || column == "cosell_syncstate" {
            continue;
        }
        assert_eq!(o.get(column), Some(value), "{column}");
    }
    assert_eq!(o["_originatingleadid_value"], json!(lead_id), "bound to its lead");
    let account = w.dataverse.rows("account").pop().unwrap();
    assert_eq!(w.dataverse.rows("account").len(), 1);
    assert_eq!(o["_parentaccountid_value"], account["accountid"]);
    let stored = cosell_core::snapshot::SyncState::parse(o["cosell_syncstate"].as_str().unwrap(), "$").unwrap();
    let core = cosell_core::sync::base_of_referral(&referral);
    assert_eq!((stored.fields, stored.status), (core.fields, core.status));
    // The lead: closed as the core's qualifyLead step closes it.
    let closed = w.dataverse.row("lead", &lead_id).unwrap();
    for (column, value) in &step("qualifyLead").body {
        assert_eq!(closed.get(column), Some(value), "{column}");
    }
    let open_leads = w.dataverse.rows("lead").iter().filter(|l| l["statecode"] == json!(0)).count();
    assert_eq!(open_leads, 0, "never two open records for one referral");
    // The lead's qualification (by the sync) does not accept the referral again.
    the_lead_closed_by_the_sync_is_final(&mut w, &id);
}

/// `cosell_SyncCoSellOnly` = Yes: a referral comes in exactly when the core's `to_crm` (with
/// the same setting) does not skip it, i.e. when `lifecycle::classify` calls it co-sell; a
/// skipped referral writes nothing.
#[test]
fn sync_co_sell_only_brings_in_exactly_the_referrals_the_core_classifies_as_co_sell() {
    let config = cosell_core::config::Config { sync_cosell_only: true, ..Default::default() };
    let variants: [(&str, Value); 7] = [
        ("invited by Microsoft, Independent", json!({})),
        ("Shared", json!({"type": "Shared"})),
        ("help requested", json!({"inviteContext": {"assistanceRequestCode": "CustomerTechnicalArchitecture"}})),
        ("help Unknown", json!({"inviteContext": {"assistanceRequestCode": "Unknown"}})),
        ("invited by a partner", json!({"inviteContext": {"invitedBy": {"organizationId": "7d23e5ca-19dc"}}})),
        (
            "invited by a partner, Direct",
            json!({"qualification": "Direct", "inviteContext": {"invitedBy": {"organizationId": "7d23e5ca-19dc"}}}),
        ),
        ("invited by MSFT in capitals", json!({"inviteContext": {"invitedBy": {"organizationId": " MSFT "}}})),
    ];
    let mut brought = Vec::new();
    for (label, change) in variants {
        let mut w = world();
        w.host.set_environment(cosell_core::config::vars::SYNC_COSELL_ONLY, json!(true));
        let (id, referral) = seed_variant(&w, change);
        let core = cosell_core::mapping::to_crm(&referral, &config);
        let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
        assert_eq!(run.status, Status::Succeeded, "{label}: {}", failures(&run));
        let writes = w.dataverse.writes();
        assert_eq!(writes.is_empty(), core.skipped.is_some(), "{label}: {:?}", core.skipped);
        assert_eq!(core.skipped.is_none(), cosell_core::mapping::is_co_sell(&referral), "{label}");
        if core.skipped.is_none() {
            brought.push(label);
        }
    }
    assert_eq!(brought, ["Shared", "help requested", "invited by a partner"]);
    // The same referral with the setting No comes in.
    let mut w = world();
    let id = w.referrals.seed(fixture("referrals/incoming-new.json"));
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.rows("lead").len(), 1);
}

/// RFC 7386 merge of `patch` into `doc`.
fn merge_json(doc: &mut Value, patch: Value) {
    match (doc, patch) {
        (Value::Object(d), Value::Object(p)) => {
            for (k, v) in p {
                merge_json(d.entry(k).or_insert(Value::Null), v);
            }
        }
        (d, p) => *d = p,
    }
}

/// `cosell_DealValueColumn` names a custom column: the create reads the deal value from it (not
/// from Est. Revenue), and a Microsoft seller's change of the deal value is written to it, as
/// the core's mapping and inbound merge do with the same setting.
#[test]
fn a_custom_deal_value_column_is_read_and_written() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    w.host.set_environment(cosell_core::config::vars::DEAL_VALUE_COLUMN, json!("new_dealvalue"));
    w.dataverse.add_column("opportunity", "new_dealvalue", cosell_flow::fake::ColumnKind::Decimal).unwrap();
    w.dataverse.update("opportunity", &id, json!({"new_dealvalue": 125000.5, "estimatedvalue": 1})).unwrap();
    let referral_id = synced(&mut w);
    assert!(w.dataverse.violations().is_empty(), "{:?}", w.dataverse.violations());
    let mut doc = snapshot.clone();
    doc["opportunity"]["new_dealvalue"] = json!(125000.5);
    doc["opportunity"]["estimatedvalue"] = json!(1);
    doc["environment"]["cosell_DealValueColumn"] = json!("new_dealvalue");
    let s = cosell_core::snapshot::Snapshot::from_value(&doc).unwrap();
    let core = serde_json::to_value(cosell_core::mapping::to_referral(&s)).unwrap();
    let sent = &w.referrals.calls("CreateReferral")[0].parameters["Referral"];
    assert_eq!(sent["details"]["dealValue"], core["details"]["dealValue"]);
    assert_eq!(core["details"]["dealValue"], json!(125000.5), "the custom column, not Est. Revenue");

    let s = core_snapshot(&w, &id, &doc, &["new_dealvalue", "estimatedvalue"]);
    w.referrals.edit(&referral_id, &json!({"details": {"dealValue": 130000}})).unwrap();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let update = w.dataverse.writes().last().unwrap().columns.clone();
    let fresh: cosell_core::referral::Referral =
        serde_json::from_value(w.referrals.referral(&referral_id).unwrap().clone()).unwrap();
    let plan = cosell_core::sync::inbound(&fresh, &s, &stored_base_before(&s)).expect("the referral is the base's");
    let step = plan.steps.iter().find(|s| s.name == "opportunity").unwrap();
    assert_eq!(step.body.get("new_dealvalue"), Some(&json!(130000.0)));
    assert_eq!(update.get("new_dealvalue").and_then(Value::as_f64), Some(130000.0), "{update:?}");
    assert!(!update.contains_key("estimatedvalue"), "Est. Revenue is not the deal value here");
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["estimatedvalue"].as_f64(), Some(1.0));
}

fn stored_base_before(s: &cosell_core::snapshot::Snapshot) -> cosell_core::snapshot::SyncState {
    cosell_core::sync::stored_base(s).cloned().unwrap()
}

/// A Partner Center Solution row deleted: the row trigger cannot say which opportunity a deleted
/// row belonged to (`docs/flows.md`), so the solutions flow does not start; the next save of the
/// opportunity reads its rows afresh and sends the shorter list, the core's outbound plan.
#[test]
fn a_deleted_solution_row_goes_out_with_the_next_save() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    let second = add_second_solution(&mut w, &id);
    let first = w
        .dataverse
        .rows("cosell_partnercentersolution")
        .into_iter()
        .find(|r| r["cosell_partnercentersolutionid"] != json!(second))
        .unwrap();
    w.dataverse
        .delete("cosell_partnercentersolution", first["cosell_partnercentersolutionid"].as_str().unwrap())
        .unwrap();
    let run = w.run(names::SOLUTIONS, last_change(&w, "cosell_partnercentersolution"));
    assert_eq!(run.status, Status::Skipped, "the trigger does not fire on a delete: {}", failures(&run));
    assert_eq!(w.referrals.calls("PatchReferralById").len(), 1, "only the addition so far");

    let base = stored_base(&w, "opportunity", &id);
    let current: cosell_core::referral::Referral =
        serde_json::from_value(w.referrals.referral(&referral_id).unwrap().clone()).unwrap();
    w.dataverse.update("opportunity", &id, json!({"description": "Next save"})).unwrap();
    let s = core_snapshot(&w, &id, &snapshot, &["description"]);
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let plan = cosell_core::sync::outbound(&s, &base, Some(&current));
    let patches = w.referrals.calls("PatchReferralById");
    assert_eq!(patches.len(), 2);
    assert_eq!(patches[1].parameters["Referral"], serde_json::to_value(&plan.operations).unwrap());
    let referral = w.referrals.referral(&referral_id).unwrap();
    let ids: Vec<&str> = referral["details"]["requirements"]["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["SOL-99999-AAA"], "the shorter list");
    assert_eq!(stored_base(&w, "opportunity", &id).field("solutions"), Some("SOL-99999-AAA"));
}

/// Adds a second solution row to the opportunity and runs the solutions flow: the row's ID.
fn add_second_solution(w: &mut support::World, opportunity: &str) -> String {
    let row = json!({"cosell_solutionid": "SOL-99999-AAA", "cosell_name": "Second", "cosell_opportunityid@odata.bind": format!("opportunities({opportunity})")});
    let id = w.dataverse.insert("cosell_partnercentersolution", row).unwrap();
    let run = w.run(names::SOLUTIONS, last_change(w, "cosell_partnercentersolution"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    id
}

/// A change the rules refuse by comparing with the last sync: the flow stops with ✖ and the
/// core's findings for the same snapshot (its `original` = the opportunity as last synced), and
/// Partner Center is not called.
fn refused_against_the_base(w: &mut support::World, id: &str, snapshot: &Value, change: Value, rule: &str) {
    let columns: Vec<String> = change.as_object().unwrap().keys().cloned().collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let original = snapshot_doc(w, id, snapshot, &columns)["opportunity"].clone();
    let calls = w.referrals.log().len();
    w.dataverse.update("opportunity", id, change).unwrap();
    let mut doc = snapshot_doc(w, id, snapshot, &columns);
    doc["original"] = original;
    let s = cosell_core::snapshot::Snapshot::from_value(&doc).unwrap();
    let errors: Vec<String> = cosell_core::rules::validate(&s)
        .iter()
        .filter(|f| f.severity == cosell_core::rules::Severity::Error)
        .map(|f| format!("{} ({})", f.rule.title(), f.rule.as_str()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].ends_with(&format!("({rule})")), "{errors:?}");
    let run = w.run(names::OUTBOUND, last_change(w, "opportunity"));
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    assert_eq!(w.referrals.log().len(), calls, "Partner Center is not called");
    let row = w.dataverse.row("opportunity", id).unwrap();
    let audit = row["cosell_audit"].as_str().unwrap();
    let line = format!("✖ Dynamics 365 → Partner Center failed: rules not met: {}", errors.join("; "));
    assert!(audit.lines().last().unwrap().ends_with(&line), "{audit}");
    assert!(row["name"].as_str().unwrap().starts_with('✖'));
}

/// Visible to Microsoft sellers at the last sync, hidden now: refused (visibility is one way).
#[test]
fn hiding_a_visible_referral_is_refused_as_the_core_refuses_it() {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let _ = synced(&mut w);
    let hidden = json!({"cosell_howcanmicrosofthelp": null, "cosell_referralvisibility": 100000000});
    refused_against_the_base(&mut w, &id, &snapshot, hidden, "visibility-one-way");
}

/// Won and synced (the referral is Closed/Won, terminal); reopened in Dynamics 365: refused.
#[test]
fn reopening_a_won_referral_is_refused_as_the_core_refuses_it() {
    let (mut w, id, snapshot, _) = won_world();
    let reopened = json!({"statecode": 0, "statuscode": 1});
    refused_against_the_base(&mut w, &id, &snapshot, reopened, "state-transition");
}

/// The seed's opportunity synced, then won in Dynamics 365 and synced (Closed/Won): the world,
/// the opportunity, the seed's snapshot and the referral id.
fn won_world() -> (support::World, String, Value, String) {
    let (mut w, id, snapshot) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.dataverse.update("opportunity", &id, json!({"statecode": 1, "statuscode": 3})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert!(w.referrals.violations().is_empty(), "{:?}", w.referrals.violations());
    (w, id, snapshot, referral_id)
}

/// Partner Center closes the referral (won, lost, declined, expired): the merge writes the
/// opportunity's base first, then closes the opportunity with exactly the action, status reason
/// and subject of the core's close step (WinOpportunity/LoseOpportunity through
/// `PerformUnboundAction`): the opportunity ends in the state and status reason the core plans,
/// with its Opportunity Close activity, and the close's own row change is an echo.
#[test]
fn a_partner_center_close_asks_dataverse_for_the_core_s_close() {
    for (substatus, reason) in
        [("Won", "Signed"), ("Lost", "Went with a competitor"), ("Declined", ""), ("Expired", "")]
    {
        let (mut w, id, snapshot) = synced_opportunity_world();
        let referral_id = synced(&mut w);
        let s = core_snapshot(&w, &id, &snapshot, &[]);
        let base = stored_base(&w, "opportunity", &id);
        let mut edit = json!({"status": "Closed", "substatus": substatus});
        if !reason.is_empty() {
            edit["statusReason"] = json!(reason);
        }
        w.referrals.edit(&referral_id, &edit).unwrap();
        let fresh: cosell_core::referral::Referral =
            serde_json::from_value(w.referrals.referral(&referral_id).unwrap().clone()).unwrap();
        let plan = cosell_core::sync::inbound(&fresh, &s, &base).expect("the referral is the base's");
        let close = plan.steps.iter().find(|s| s.name == "close").unwrap();
        let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &referral_id)));
        assert_eq!(run.status, Status::Succeeded, "{substatus}: {}", failures(&run));

        let stored = stored_base(&w, "opportunity", &id);
        assert_eq!(stored.fields, plan.base.fields, "{substatus}: the base is written before the close");
        let calls = w.dataverse.calls("PerformUnboundAction");
        assert_eq!(calls.len(), 1, "{substatus}");
        let p = &calls[0].parameters;
        let (action, _) = close_action(close);
        assert_eq!(p["actionName"], json!(action), "{substatus}");
        assert_eq!(p["item/Status"], close.body["statuscode"], "{substatus}");
        let subject = close.body.get("subject").cloned().unwrap_or(json!("Closed in Partner Center"));
        assert_eq!(p["item/OpportunityClose"]["subject"], subject, "{substatus}");
        assert_eq!(p["item/OpportunityClose"]["opportunityid@odata.bind"], json!(format!("/opportunities({id})")));
        assert!(w.dataverse.violations().is_empty(), "{substatus}: {:?}", w.dataverse.violations());
        the_opportunity_is_closed_as_planned(&w, &id, close, &subject, substatus);

        let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
        assert!(matches!(run.status, Status::Succeeded | Status::Skipped), "{substatus}: {}", failures(&run));
        assert_eq!(w.referrals.calls("PatchReferralById").len(), 0, "{substatus}: the close is not sent back");
    }
}

/// The opportunity closed by the core's close step: its state (Won for WinOpportunity, Lost for
/// LoseOpportunity) and status reason, and one completed Opportunity Close activity with the subject.
fn the_opportunity_is_closed_as_planned(
    w: &support::World,
    id: &str,
    close: &cosell_core::mapping::UpsertStep,
    subject: &Value,
    label: &str,
) {
    let (_, state) = close_action(close);
    let row = w.dataverse.row("opportunity", id).unwrap();
    assert_eq!(row["statecode"], json!(state.value()), "{label}: the state of the core's action");
    assert_eq!(row["statuscode"], close.body["statuscode"], "{label}: the core's status reason");
    let activities = w.dataverse.rows("opportunityclose");
    assert_eq!(activities.len(), 1, "{label}");
    assert_eq!(activities[0]["subject"], *subject, "{label}");
    assert_eq!(activities[0]["_opportunityid_value"], json!(id), "{label}");
    assert_eq!((&activities[0]["statecode"], &activities[0]["statuscode"]), (&json!(1), &json!(2)), "{label}");
}

/// What a referral becomes when it first arrives, for each kind of referral: the record the
/// core's `to_crm` plans (lead or opportunity) and, for a closed referral's lead, the core's
/// disqualification (state and status reason).
#[test]
fn a_new_referral_becomes_the_record_the_core_plans() {
    let guid = "6f1d1a9e-3c2b-4f0e-9a51-2d7c3b8e0a11";
    let variants: [(&str, Value); 8] = [
        ("new", json!({})),
        ("accepted", json!({"status": "Active", "substatus": "Accepted"})),
        ("won", json!({"status": "Closed", "substatus": "Won"})),
        ("declined", json!({"status": "Closed", "substatus": "Declined"})),
        ("expired", json!({"status": "Closed", "substatus": "Expired"})),
        ("outgoing", json!({"direction": "Outgoing"})),
        ("an opportunity's row ID", json!({"externalReferenceId": guid})),
        ("another reference", json!({"externalReferenceId": "CRM-0042"})),
    ];
    let config = cosell_core::config::Config::default();
    for (label, change) in variants {
        let mut w = world();
        let (id, referral) = seed_variant(&w, change);
        let plan = cosell_core::mapping::to_crm(&referral, &config);
        let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-created", &id)));
        let (leads, opportunities) = (w.dataverse.rows("lead"), w.dataverse.rows("opportunity"));
        match plan.record {
            cosell_core::mapping::RecordKind::Opportunity => {
                assert_eq!((leads.len(), opportunities.len()), (0, 1), "{label}");
                // Closed already: the core's close step, done by Dataverse.
                let close = plan.steps.iter().find(|s| s.name == "close");
                let calls = w.dataverse.calls("PerformUnboundAction");
                assert_eq!(calls.len(), usize::from(close.is_some()), "{label}");
                let id = opportunities[0]["opportunityid"].as_str().unwrap();
                match close {
                    Some(close) => {
                        assert_eq!(run.status, Status::Succeeded, "{label}: {}", failures(&run));
                        assert_eq!(calls[0].parameters["actionName"], json!(close_action(close).0), "{label}");
                        let bind = format!("/opportunities({id})");
                        assert_eq!(
                            calls[0].parameters["item/OpportunityClose"]["opportunityid@odata.bind"],
                            json!(bind)
                        );
                        let subject = close.body.get("subject").cloned().unwrap_or(json!("Closed in Partner Center"));
                        the_opportunity_is_closed_as_planned(&w, id, close, &subject, label);
                    }
                    None => assert_eq!(opportunities[0]["statecode"], json!(0), "{label}: open"),
                }
            }
            cosell_core::mapping::RecordKind::Lead => {
                assert_eq!((leads.len(), opportunities.len()), (1, 0), "{label}");
                let lead = &leads[0];
                let step = plan.steps.iter().find(|s| s.name == "lead").unwrap();
                for (column, value) in &step.body {
                    if column.ends_with("@odata.bind") || column == "cosell_syncstate" {
                        continue;
                    }
                    assert_eq!(lead.get(column), Some(value), "{label}: {column}");
                }
                match plan.steps.iter().find(|s| s.name == "disqualify") {
                    Some(step) => {
                        assert_eq!(lead["statecode"], step.body["statecode"], "{label}");
                        assert_eq!(lead["statuscode"], step.body["statuscode"], "{label}");
                        let base = stored_base(&w, "lead", lead["leadid"].as_str().unwrap());
                        assert_eq!(base.status.map(|s| s.as_str().to_owned()).as_deref(), Some("Closed"), "{label}");
                    }
                    None => assert_eq!(lead["statecode"], json!(0), "{label}: open"),
                }
            }
        }
        assert!(w.dataverse.violations().is_empty(), "{label}: {:?}", w.dataverse.violations());
    }
}

/// A referral declined in Partner Center while its lead is open: the lead is disqualified as the
/// core's plan has it, and the lead decision flow does not decline it a second time.
#[test]
fn a_referral_declined_in_partner_center_disqualifies_its_open_lead() {
    let (mut w, id, lead) = lead_world();
    let lead_id = lead["leadid"].as_str().unwrap();
    w.referrals.edit(&id, &json!({"status": "Closed", "substatus": "Declined"})).unwrap();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let referral: cosell_core::referral::Referral =
        serde_json::from_value(w.referrals.referral(&id).unwrap().clone()).unwrap();
    let plan = cosell_core::mapping::to_crm(&referral, &cosell_core::config::Config::default());
    let step = plan.steps.iter().find(|s| s.name == "disqualify").unwrap();
    let row = w.dataverse.row("lead", lead_id).unwrap();
    assert_eq!((&row["statecode"], &row["statuscode"]), (&step.body["statecode"], &step.body["statuscode"]));
    assert!(w.dataverse.rows("opportunity").is_empty());
    the_lead_closed_by_the_sync_is_final(&mut w, &id);
}

/// After the sync closed a referral's lead: the lead decision flow does not start (so Partner
/// Center is not asked again), and the same delivery again writes nothing.
fn the_lead_closed_by_the_sync_is_final(w: &mut support::World, referral_id: &str) {
    let run = w.run(names::LEAD_DECISION, last_change(w, "lead"));
    assert_eq!(run.status, Status::Skipped, "{}", failures(&run));
    assert!(w.referrals.calls("PatchReferralById").is_empty());
    let writes = w.dataverse.writes().len();
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", referral_id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.writes().len(), writes);
}

/// Seeds the seed's new incoming referral with `change` merged in: its id, and the referral as
/// the core reads it.
fn seed_variant(w: &support::World, change: Value) -> (String, cosell_core::referral::Referral) {
    let mut r = fixture("referrals/incoming-new.json");
    merge_json(&mut r, change);
    let id = w.referrals.seed(r);
    let referral = serde_json::from_value(w.referrals.referral(&id).unwrap().clone()).unwrap();
    (id, referral)
}

/// The Dataverse action of a core close step, and the opportunity state it closes to.
fn close_action(step: &cosell_core::mapping::UpsertStep) -> (&'static str, cosell_core::dataverse::OpportunityState) {
    use cosell_core::dataverse::OpportunityState;
    match step.action {
        cosell_core::mapping::StepAction::WinOpportunity => ("WinOpportunity", OpportunityState::Won),
        cosell_core::mapping::StepAction::LoseOpportunity => ("LoseOpportunity", OpportunityState::Lost),
        other => panic!("not a close: {other:?}"),
    }
}
