//! A seller who edits while a flow waits on Partner Center (a create, a PATCH retried after a
//! 429): the flow's write-back keeps the edit, and the next save sends it.

mod support;

use cosell_flow::fake::{Dataverse, PartnerCenterReferrals};
use cosell_flow::run::{Answer, ConnectorRequest, Service, Status};
use cosell_syncflows::connections::Connection;
use cosell_syncflows::flows::names;
use serde_json::{json, Value};
use support::*;

/// Partner Center, with a seller's edit of the opportunity made while `operation` is answered.
struct EditWhile {
    partner_center: PartnerCenterReferrals,
    dataverse: Dataverse,
    opportunity: String,
    operation: &'static str,
    edit: Value,
    done: bool,
}

impl Service for EditWhile {
    fn call(&mut self, request: &ConnectorRequest) -> Answer {
        let answer = self.partner_center.call(request);
        if request.operation_id == self.operation && !self.done {
            self.done = true;
            self.dataverse.update("opportunity", &self.opportunity, self.edit.clone()).unwrap();
        }
        answer
    }
    fn operations(&self) -> Option<Vec<String>> {
        self.partner_center.operations()
    }
}

fn edit_while(w: &mut World, opportunity: &str, operation: &'static str, edit: Value) {
    let service = EditWhile {
        partner_center: w.referrals.clone(),
        dataverse: w.dataverse.clone(),
        opportunity: opportunity.to_owned(),
        operation,
        edit,
        done: false,
    };
    w.host.bind(Connection::Referrals.key(), service);
}

#[test]
fn a_rename_during_the_create_is_kept_and_sent_with_the_next_save() {
    let (mut w, id, _) = synced_opportunity_world();
    let save = last_change(&w, "opportunity");
    edit_while(&mut w, &id, "CreateReferral", json!({"name": "Contoso phase 2"}));
    let run = w.run(names::OUTBOUND, save);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["name"], json!("✔ Contoso phase 2"), "the seller's name, marked; not the name read at the start");
    assert!(row["cosell_referralidentifier"].is_string());
}

#[test]
fn an_edit_during_the_patch_is_kept_and_sent_with_the_next_save() {
    let (mut w, id, _) = synced_opportunity_world();
    let referral_id = synced(&mut w);
    w.dataverse.update("opportunity", &id, json!({"estimatedvalue": 61000})).unwrap();
    let save = last_change(&w, "opportunity");
    edit_while(
        &mut w,
        &id,
        "PatchReferralById",
        json!({"name": "Contoso renamed mid-sync", "description": "A note mid-sync"}),
    );
    let run = w.run(names::OUTBOUND, save);
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["name"], json!("✔ Contoso renamed mid-sync"));
    assert_eq!(row["description"], json!("A note mid-sync"), "the write-back does not touch it");
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let referral = w.referrals.referral(&referral_id).unwrap();
    assert_eq!(referral["details"]["notes"], json!("A note mid-sync"), "the next save sends it");
    assert_eq!(referral["details"]["dealValue"], json!(61000));
}

/// Partner Center created the referral, then Dynamics 365 refused the write-back for good (the
/// run fails, the opportunity has no Referral Identifier). The next save finds the referral the
/// earlier run created (it carries the opportunity's row ID) and records it; a co-sell's second
/// create, which never happened, is made then — never a second referral for the same deal.
#[test]
fn a_failed_write_back_after_the_create_is_recovered_not_created_again() {
    use cosell_flow::fake::{FakeService, Fault};
    let (mut w, id, _) = synced_opportunity_world();
    let save = last_change(&w, "opportunity");
    w.dataverse.fail_operation("UpdateRecord", Fault::Status(503), 5);
    let run = w.run(names::OUTBOUND, save);
    assert_eq!(run.status, Status::Failed, "{}", failures(&run));
    assert_eq!(w.referrals.calls("CreateReferral").len(), 1, "the partner's referral only");
    assert!(w.dataverse.row("opportunity", &id).unwrap()["cosell_referralidentifier"].is_null());
    let own = w.referrals.referrals()[0]["id"].as_str().unwrap().to_owned();

    w.dataverse.update("opportunity", &id, json!({"description": "Saved again"})).unwrap();
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let creates = w.referrals.calls("CreateReferral");
    assert_eq!(creates.len(), 2, "no second own referral; Microsoft's, which never happened, now");
    assert_eq!(creates[1].parameters["Referral"]["target"][0]["id"], json!("msft"));
    let row = w.dataverse.row("opportunity", &id).unwrap();
    assert_eq!(row["cosell_referralidentifier"], json!(own));
    assert!(row["cosell_audit"]
        .as_str()
        .unwrap()
        .contains("the referral an earlier run created was found and recorded"));
    // From now on it is the ordinary sync: the next save is an echo or a PATCH, never a create.
    let run = w.run(names::OUTBOUND, last_change(&w, "opportunity"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.calls("CreateReferral").len(), 2);
}

/// The seller qualified the referral's lead and the referral was accepted, but the opportunity
/// qualifying created never got the referral (the lead decision's write failed for good): the
/// next delivery from Partner Center finds that opportunity by its originating lead and hands the
/// referral over to it — never a second opportunity for the same deal.
#[test]
fn an_accepted_referral_whose_qualified_opportunity_missed_the_write_goes_to_that_opportunity() {
    use cosell_flow::fake::{FakeService, Fault};
    let (mut w, id, lead) = lead_world();
    let lead_id = lead["leadid"].as_str().unwrap();
    // Qualified in an environment that maps no cosell_ column from lead to opportunity: the new
    // opportunity knows its lead, not the referral.
    let opportunity = w
        .dataverse
        .insert(
            "opportunity",
            json!({"name": "Contoso (qualified)", "originatingleadid@odata.bind": format!("leads({lead_id})")}),
        )
        .unwrap();
    let qualified = json!({"statecode": 1, "statuscode": 3, "qualifyingopportunityid@odata.bind": format!("opportunities({opportunity})")});
    w.dataverse.update("lead", lead_id, qualified).unwrap();
    // The write's first try and its 4 retries.
    w.dataverse.fail_operation("UpdateRecord", Fault::Status(503), 5);
    let run = w.run(names::LEAD_DECISION, last_change(&w, "lead"));
    assert_eq!(run.status, Status::Failed, "the write after the accept failed: {}", failures(&run));
    assert_eq!(w.referrals.referral(&id).unwrap()["status"], json!("Active"), "accepted in Partner Center");
    assert!(w.dataverse.row("opportunity", &opportunity).unwrap()["cosell_referralidentifier"].is_null());
    assert_eq!(w.dataverse.faults_injected(), 5);

    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.rows("opportunity").len(), 1, "no second opportunity");
    let row = w.dataverse.row("opportunity", &opportunity).unwrap();
    assert_eq!(row["cosell_referralidentifier"], json!(id));
    assert_eq!(row["cosell_syncwithpartnercenter"], json!(true));
    // The same delivery again: the opportunity is found by its Referral Identifier, nothing new.
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.dataverse.rows("opportunity").len(), 1);
}

/// The seller closed the referral's lead as qualified without an opportunity, and the referral
/// was accepted: the next delivery creates the opportunity, bound to the lead it comes from.
#[test]
fn an_accepted_referral_whose_lead_was_qualified_without_an_opportunity_becomes_one() {
    let (mut w, id, lead) = lead_world();
    let lead_id = lead["leadid"].as_str().unwrap();
    w.dataverse.update("lead", lead_id, json!({"statecode": 1, "statuscode": 3})).unwrap();
    let run = w.run(names::LEAD_DECISION, last_change(&w, "lead"));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    assert_eq!(w.referrals.referral(&id).unwrap()["status"], json!("Active"));
    let run = w.run(names::RECEIVER, signed(w.referrals.webhook_event("referral-updated", &id)));
    assert_eq!(run.status, Status::Succeeded, "{}", failures(&run));
    let opportunities = w.dataverse.rows("opportunity");
    assert_eq!(opportunities.len(), 1, "{}", failures(&run));
    assert_eq!(opportunities[0]["cosell_referralidentifier"], json!(id));
    assert_eq!(opportunities[0]["_originatingleadid_value"], json!(lead_id));
}
