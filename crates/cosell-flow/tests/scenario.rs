//! A whole scenario through the engine and the fakes, the way issue 11's generated flows will be
//! tested: an opportunity saved in Dynamics 365 with Sync = Yes becomes a Partner Center
//! referral, and the referral's id, link and ✔ are written back; with faults, ✖ instead.

use cosell_core::dataverse::{account, opportunity};
use cosell_flow::fake::{Dataverse, FakeService, Fault, Message, PartnerCenterReferrals};
use cosell_flow::run::{Flow, Host, Status, TriggerInput};
use serde_json::{json, Value};

const START: i64 = 1_773_581_256_000;

fn dataverse_call(operation: &str, parameters: Value, run_after: Value) -> Value {
    json!({"type": "OpenApiConnection", "runAfter": run_after, "inputs": {
        "host": {"connectionName": "shared_commondataserviceforapps", "operationId": operation}, "parameters": parameters}})
}

fn create_referral_flow() -> Flow {
    let body = |path: &str| format!("@triggerOutputs()?['body/{path}']");
    Flow::from_value(
        &json!({"properties": {
            "connectionReferences": {
                "shared_commondataserviceforapps": {"api": {"name": "shared_commondataserviceforapps"}},
                "shared_cosell_referrals": {"api": {"name": "shared_cosell-5fpartner-20center-20referrals"}}
            },
            "definition": {
                "triggers": {"When_an_opportunity_is_added": {"type": "OpenApiConnectionWebhook", "inputs": {
                    "host": {"connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                    "parameters": {
                        "subscriptionRequest/message": 1,
                        "subscriptionRequest/entityname": "opportunity",
                        "subscriptionRequest/scope": 4,
                        "subscriptionRequest/filterexpression": "cosell_syncwithpartnercenter eq true"
                    }}}},
                "actions": {
                    "Get_account": dataverse_call("GetItem", json!({"entityName": "accounts", "recordId": body("_parentaccountid_value"), "$select": "name,address1_country"}), json!({})),
                    "Create_referral": {"type": "OpenApiConnection", "runAfter": {"Get_account": ["Succeeded"]}, "inputs": {
                        "host": {"connectionName": "shared_cosell_referrals", "operationId": "CreateReferral"},
                        "parameters": {"Referral": {
                            "name": body("name"),
                            "type": "Independent",
                            "customerProfile": {"name": "@body('Get_account')?['name']", "address": {"country": "@body('Get_account')?['address1_country']"}},
                            "consent": {"consentToContact": true},
                            "details": {"dealValue": body("estimatedvalue"), "currency": "USD", "notes": "@coalesce(triggerOutputs()?['body/description'], '')"},
                            "externalReferenceId": body("opportunityid")
                        }}}},
                    "Write_back": dataverse_call("UpdateRecord", json!({
                        "entityName": "opportunities",
                        "recordId": body("opportunityid"),
                        "item/cosell_referralidentifier": "@body('Create_referral')?['id']",
                        "item/cosell_referrallink": "https://partner.microsoft.com/dashboard/referrals/v2/leads/@{body('Create_referral')?['id']}",
                        "item/cosell_audit": "✔ @{formatDateTime(utcNow(), 'yyyy-MM-dd HH:mm')} shared with Partner Center"
                    }), json!({"Create_referral": ["Succeeded"]})),
                    "Write_failure": dataverse_call("UpdateRecord", json!({
                        "entityName": "opportunities",
                        "recordId": body("opportunityid"),
                        "item/cosell_audit": "✖ @{formatDateTime(utcNow(), 'yyyy-MM-dd HH:mm')} @{outputs('Create_referral')?['statusCode']}: @{body('Create_referral')?['error']?['message']}"
                    }), json!({"Create_referral": ["Failed", "TimedOut"]}))
                }
            }
        }}),
        "Create referral",
        None,
    )
    .unwrap()
}

struct World {
    host: Host,
    dataverse: Dataverse,
    referrals: PartnerCenterReferrals,
}

fn world() -> World {
    let (dataverse, referrals) = (Dataverse::new(), PartnerCenterReferrals::new());
    let mut host = Host::new(START, 11);
    host.bind("shared_commondataserviceforapps", dataverse.clone()).bind("shared_cosell_referrals", referrals.clone());
    World { host, dataverse, referrals }
}

/// The seller saves a co-sell opportunity; returns its id.
fn seller_saves(w: &World, sync: bool) -> String {
    let account = w.dataverse.insert("account", json!({"name": "Contoso", "address1_country": "US"})).unwrap();
    w.dataverse
        .insert(
            "opportunity",
            json!({"name": "Contoso upgrade", "estimatedvalue": 25000, "cosell_syncwithpartnercenter": sync,
                   "parentaccountid@odata.bind": format!("accounts({account})")}),
        )
        .unwrap()
}

#[test]
fn an_opportunity_with_sync_yes_becomes_a_referral_and_is_written_back() {
    let mut w = world();
    let flow = create_referral_flow();
    let id = seller_saves(&w, true);
    let save = w.dataverse.changes().pop().unwrap();
    let run = w.host.run(&flow, TriggerInput::Event(save.to_event()));
    assert_eq!(run.status, Status::Succeeded, "{}", run.to_json());
    assert_eq!(run.actions_executed(), 3);
    assert_eq!(run.status_of("Write_failure"), Some(Status::Skipped));

    // Exactly one request to Partner Center, with exactly this body.
    let calls = w.referrals.calls("CreateReferral");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].parameters["Referral"],
        json!({
            "name": "Contoso upgrade", "type": "Independent",
            "customerProfile": {"name": "Contoso", "address": {"country": "US"}},
            "consent": {"consentToContact": true},
            "details": {"dealValue": 25000, "currency": "USD", "notes": ""},
            "externalReferenceId": id
        })
    );
    let referral = w.referrals.referrals().pop().unwrap();
    let referral_id = referral["id"].as_str().unwrap();

    // Exactly one write to Dataverse: the write-back.
    let writes = w.dataverse.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].message, writes[0].table.as_str(), writes[0].id.as_str()),
        (Message::Update, opportunity::TABLE, id.as_str())
    );
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row[opportunity::REFERRAL_ID], json!(referral_id));
    assert_eq!(
        row[opportunity::REFERRAL_LINK],
        json!(format!("https://partner.microsoft.com/dashboard/referrals/v2/leads/{referral_id}"))
    );
    assert_eq!(row[opportunity::AUDIT], "✔ 2026-03-15 13:27 shared with Partner Center");
    assert!(w.referrals.violations().is_empty() && w.dataverse.violations().is_empty());

    // The write-back is an update: it does not fire this create-only flow again (no echo).
    let echo = w.dataverse.changes().pop().unwrap();
    assert!(echo.by_flow);
    assert_eq!(w.host.run(&flow, TriggerInput::Event(echo.to_event())).status, Status::Skipped);
    assert_eq!(w.dataverse.rows(account::TABLE).len(), 1);
}

#[test]
fn sync_no_does_not_fire() {
    let mut w = world();
    seller_saves(&w, false);
    let save = w.dataverse.changes().pop().unwrap();
    let run = w.host.run(&create_referral_flow(), TriggerInput::Event(save.to_event()));
    assert_eq!((run.status, run.actions.len()), (Status::Skipped, 0));
    assert!(w.referrals.log().is_empty());
}

#[test]
fn a_429_is_retried_and_the_referral_created_once() {
    let mut w = world();
    w.referrals.fail_operation("CreateReferral", Fault::Status(429), 2);
    let id = seller_saves(&w, true);
    let run = w.host.run(&create_referral_flow(), TriggerInput::Event(w.dataverse.changes().pop().unwrap().to_event()));
    assert_eq!(run.status, Status::Succeeded);
    assert_eq!(run.last("Create_referral").unwrap().retries, 2);
    assert_eq!(w.referrals.faults_injected(), 2);
    assert_eq!(w.referrals.referrals().len(), 1);
    assert!(w.dataverse.row("opportunity", &id).unwrap()[opportunity::AUDIT].as_str().unwrap().starts_with('✔'));
    assert_eq!(run.platform_requests(), 1 + 3 + 2);
}

#[test]
fn a_persistent_500_writes_the_cross_and_nothing_is_lost() {
    let mut w = world();
    w.referrals.fail_operation("CreateReferral", Fault::Status(500), 5);
    let id = seller_saves(&w, true);
    let run = w.host.run(&create_referral_flow(), TriggerInput::Event(w.dataverse.changes().pop().unwrap().to_event()));
    assert_eq!(run.status_of("Create_referral"), Some(Status::Failed));
    assert_eq!(run.last("Create_referral").unwrap().retries, 4, "the default policy");
    assert_eq!(run.status_of("Write_back"), Some(Status::Skipped));
    // The write-back branch ends skipped after a failure, so the run is Failed (as documented:
    // a skipped end takes its predecessor's status), though the failure branch ran.
    assert_eq!(run.status, Status::Failed);
    assert_eq!(run.status_of("Write_failure"), Some(Status::Succeeded));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    let audit = row[opportunity::AUDIT].as_str().unwrap();
    assert!(audit.starts_with('✖') && audit.contains("500: An injected failure."), "{audit}");
    assert_eq!(row["name"], "Contoso upgrade", "the seller's data is untouched");
    assert!(w.referrals.referrals().is_empty());
    // The default policy's waits, in virtual time: four waits within the documented ranges.
    let waited = run.end_millis - run.start_millis;
    assert!((57_500..=97_500).contains(&waited), "{waited}");
}

#[test]
fn a_timeout_takes_the_timed_out_branch() {
    let mut w = world();
    w.referrals.fail_operation("CreateReferral", Fault::TimedOut, 5);
    seller_saves(&w, true);
    let run = w.host.run(&create_referral_flow(), TriggerInput::Event(w.dataverse.changes().pop().unwrap().to_event()));
    assert_eq!(run.status_of("Create_referral"), Some(Status::TimedOut));
    assert_eq!(run.status_of("Write_failure"), Some(Status::Succeeded));
}
