//! Whole lifecycles with only pure functions, alternating edits on both sides (issue 7).
//!
//! A tiny world holds the Dynamics 365 opportunity (a snapshot document) and the Partner
//! Center referral (JSON with an eTag). The executor below does what a flow does: it applies
//! the plans the core returns, and answers 412 when the If-Match is stale. Every scenario
//! asserts the exact requests and Dataverse writes.

use cosell_core::config::Config;
use cosell_core::mapping::{self, PatchOp, PatchOperation, PatchPlan, RecordKind, StepAction, UpsertStep};
use cosell_core::referral::Referral;
use cosell_core::snapshot::{Snapshot, SyncState};
use cosell_core::sync::{self, lifecycle, Side};
use serde_json::{json, Map, Value};

const OPPORTUNITY_ID: &str = "5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

/// The opportunity a seller creates: partner-led (shared, no help), one solution.
fn new_opportunity() -> Value {
    json!({
        "opportunity": {
            "opportunityid": OPPORTUNITY_ID,
            "name": "Contoso supply chain", "estimatedvalue": 50000, "estimatedclosedate": "2026-12-31",
            "description": "Dynamics 365 rollout", "statecode": 0, "statuscode": 1,
            "cosell_syncwithpartnercenter": true, "cosell_referralvisibility": 100000001,
            "transactioncurrencyid": { "isocurrencycode": "USD" },
            "parentaccountid": { "name": "Contoso", "address1_line1": "One Microsoft Way", "address1_city": "Redmond",
                "address1_postalcode": "98052", "address1_country": "US" },
            "parentcontactid": { "firstname": "Sue", "lastname": "Smith", "emailaddress1": "sue@contoso.com" }
        },
        "solutions": [ { "cosell_solutionid": "SOL-34104-EBB", "cosell_name": "Contoso Cloud" } ]
    })
}

/// Both systems, and the executor of plans.
struct World {
    crm: Value,
    pc: Value,
    etag: u32,
}

impl World {
    fn snapshot(&self) -> Snapshot {
        Snapshot::from_value(&self.crm).unwrap()
    }

    fn referral(&self) -> Referral {
        serde_json::from_value(self.pc.clone()).unwrap()
    }

    fn base(&self) -> SyncState {
        self.snapshot().opportunity.sync_state.expect("a stored base")
    }

    fn crm_set(&mut self, column: &str, value: Value) {
        self.crm["opportunity"][column] = value;
    }

    /// A Microsoft seller's edit in Partner Center: a new eTag.
    fn pc_set(&mut self, pointer: &str, value: Value) {
        *self.pc.pointer_mut(pointer).unwrap() = value;
        self.bump();
    }

    fn bump(&mut self) {
        self.etag += 1;
        self.pc["eTag"] = json!(format!("\"e{}\"", self.etag));
    }

    /// The PATCH, as Partner Center answers it: 412 on a stale If-Match, else applied.
    fn patch(&mut self, plan: &PatchPlan) -> Result<(), u16> {
        if plan.if_match.as_ref() != self.pc["eTag"].as_str().map(str::to_owned).as_ref() {
            return Err(412);
        }
        for op in &plan.operations {
            let (parent, key) = op.path.rsplit_once('/').unwrap();
            let target = if parent.is_empty() { &mut self.pc } else { self.pc.pointer_mut(parent).unwrap() };
            target[key] = op.value.clone();
        }
        self.bump();
        Ok(())
    }

    /// The Dataverse writes of a plan on the opportunity (the record exists).
    fn write(&mut self, steps: &[UpsertStep]) {
        let mut currency = None;
        for step in steps {
            match (step.action, step.entity_set.as_str()) {
                (StepAction::Find, "transactioncurrencies") => {
                    currency = step.filter.as_deref().and_then(|f| f.split('\'').nth(1)).map(str::to_owned);
                }
                (StepAction::Update | StepAction::Upsert, "opportunities") => {
                    let body = step.update.as_ref().unwrap_or(&step.body);
                    for (k, v) in body {
                        if k == "transactioncurrencyid@odata.bind" {
                            self.crm_set(
                                "transactioncurrencyid",
                                json!({ "isocurrencycode": currency.clone().unwrap() }),
                            );
                        } else if !k.ends_with("@odata.bind") {
                            self.crm_set(k, v.clone());
                        }
                    }
                }
                (StepAction::WinOpportunity, _) => self.crm_set("statecode", json!(1)),
                (StepAction::LoseOpportunity, _) => self.crm_set("statecode", json!(2)),
                other => panic!("unexpected step {other:?}"),
            }
        }
    }

    fn store_base(&mut self, base: &SyncState) {
        self.crm_set("cosell_syncstate", json!(base.to_json()));
    }
}

fn op(op: PatchOp, path: &str, value: Value) -> PatchOperation {
    PatchOperation { op, path: path.to_owned(), value }
}

fn columns(step: &UpsertStep) -> Map<String, Value> {
    let mut body = step.update.clone().unwrap_or_else(|| step.body.clone());
    body.remove("cosell_syncstate");
    body
}

/// The opportunity is created in Dynamics 365 and Partner Center answers the create.
fn created_world() -> World {
    let crm = new_opportunity();
    let plan = lifecycle::create_plan(&Snapshot::from_value(&crm).unwrap()).unwrap();
    assert!(plan.for_microsoft.is_none(), "partner-led: one create");
    let mut pc = serde_json::to_value(&plan.referral).unwrap();
    assert_eq!(pc["type"], "Independent");
    assert_eq!(pc["externalReferenceId"], OPPORTUNITY_ID);
    assert_eq!(pc["details"]["dealValue"], 50000);
    assert_eq!(pc["details"]["closingDateTime"], "2026-12-31T00:00:00Z");
    assert_eq!(
        pc["details"]["requirements"]["additionalRequirements"]["attributes"],
        json!([{ "id": "HaveNotDecided", "type": "CustomerMarketplaceIntent" }])
    );
    // Partner Center's answer: an ID, an engagement, an eTag, accepted (outgoing).
    pc["id"] = json!("r-1");
    pc["engagementId"] = json!("eng-1");
    pc["status"] = json!("Active");
    pc["substatus"] = json!("Accepted");
    pc["direction"] = json!("Outgoing");
    let mut world = World { crm, pc, etag: 0 };
    world.bump();
    let base = lifecycle::base_after_create(&world.snapshot(), &world.referral());
    world.store_base(&base);
    world.crm_set("cosell_referralidentifier", json!("r-1"));
    assert!(sync::is_echo_of_crm(&world.snapshot()), "right after the create nothing differs");
    assert!(sync::is_echo_of_referral(&world.referral(), &world.base()));
    world
}

#[test]
fn microsoft_edits_deal_value_while_the_seller_renames_and_both_survive() {
    let mut w = created_world();
    w.pc_set("/details/dealValue", json!(60000));
    w.crm_set("name", json!("Contoso supply chain (phase 2)"));

    // Partner Center's webhook first: only the deal value is written, never the name.
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert_eq!(inbound.changed, ["dealValue"]);
    assert_eq!(inbound.conflicts, []);
    let names: Vec<_> = inbound.steps.iter().map(|s| (s.name.as_str(), s.action)).collect();
    assert_eq!(names, [("opportunity", StepAction::Update)]);
    assert_eq!(inbound.steps[0].filter.as_deref(), Some(format!("opportunityid eq {OPPORTUNITY_ID}").as_str()));
    assert_eq!(columns(&inbound.steps[0]), json!({ "estimatedvalue": 60000.0 }).as_object().unwrap().clone());
    assert_eq!(inbound.base.e_tag.as_deref(), Some("\"e2\""));
    w.write(&inbound.steps);
    w.store_base(&inbound.base);

    // The CRM change event: the rename has no PATCH path, the deal value is already agreed.
    let outbound = sync::outbound(&w.snapshot(), &w.base(), None);
    assert_eq!(outbound.operations, []);
    assert_eq!(outbound.if_match.as_deref(), Some("\"e2\""));
    assert_eq!(w.crm["opportunity"]["name"], "Contoso supply chain (phase 2)");
    assert_eq!(w.crm["opportunity"]["estimatedvalue"], 60000.0);
    assert_eq!(w.pc["details"]["dealValue"], 60000);
    // The sync's own write coming back is an echo: nothing differs from the base.
    assert!(sync::is_echo_of_referral(&w.referral(), &w.base()));
}

#[test]
fn a_stale_etag_takes_the_412_path_and_merges() {
    let mut w = created_world();
    w.pc_set("/details/closingDateTime", json!("2027-03-31T00:00:00Z"));
    w.crm_set("description", json!("Rollout in two phases"));

    // The seller's change goes out with the stored eTag; Partner Center has moved on.
    let plan = sync::outbound(&w.snapshot(), &w.base(), None);
    assert_eq!(plan.if_match.as_deref(), Some("\"e1\""));
    assert_eq!(plan.operations, [op(PatchOp::Replace, "/details/notes", json!("Rollout in two phases"))]);
    let stale = PatchPlan { if_match: plan.if_match.clone(), operations: plan.operations.clone() };
    assert_eq!(w.patch(&stale), Err(412));

    // Re-read, merge inbound first, then patch what is left with the fresh eTag.
    let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    assert_eq!(retry.inbound.changed, ["closingDate"]);
    assert_eq!(
        columns(&retry.inbound.steps[0]),
        json!({ "estimatedclosedate": "2027-03-31" }).as_object().unwrap().clone()
    );
    assert_eq!(retry.outbound.if_match.as_deref(), Some("\"e2\""));
    assert_eq!(retry.outbound.operations, [op(PatchOp::Replace, "/details/notes", json!("Rollout in two phases"))]);
    w.write(&retry.inbound.steps);
    w.patch(&PatchPlan { if_match: retry.outbound.if_match.clone(), operations: retry.outbound.operations.clone() })
        .unwrap();
    let mut base = retry.outbound.base.clone();
    base.e_tag = w.referral().e_tag;
    w.store_base(&base);
    assert_eq!(w.pc["details"]["closingDateTime"], "2027-03-31T00:00:00Z");
    assert_eq!(w.pc["details"]["notes"], "Rollout in two phases");
    assert_eq!(w.crm["opportunity"]["estimatedclosedate"], "2027-03-31");
    assert!(sync::is_echo_of_crm(&w.snapshot()) && sync::is_echo_of_referral(&w.referral(), &w.base()));
}

#[test]
fn both_sides_change_the_deal_value_the_owner_wins_and_the_other_value_is_audited() {
    let mut w = created_world();
    w.pc_set("/details/dealValue", json!(70000));
    w.crm_set("estimatedvalue", json!(55000));
    let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    let conflict = sync::Conflict {
        field: "dealValue",
        winner: Side::Crm,
        crm: Some("55000.00".into()),
        partner_center: Some("70000.00".into()),
    };
    assert_eq!(retry.inbound.conflicts, std::slice::from_ref(&conflict));
    assert_eq!(retry.inbound.steps.iter().map(columns).collect::<Vec<_>>(), [Map::new()], "the CRM value is kept");
    assert_eq!(retry.outbound.operations, [op(PatchOp::Replace, "/details/dealValue", json!(55000))]);
    assert_eq!(retry.outbound.conflicts, [], "reported once, by the inbound half: one audit entry");
    let audit = conflict.audit_entry("2026-12-01T14:00:00Z").line();
    assert_eq!(
        audit,
        "2026-12-01T14:00:00Z ✔ Dynamics 365 → Partner Center synced [conflict]: dealValue changed on both sides; kept \"55000.00\", Partner Center's value was \"70000.00\""
    );
}

#[test]
fn a_partner_center_win_on_the_closing_date_is_written_and_the_crm_value_audited() {
    let mut w = created_world();
    w.pc_set("/details/closingDateTime", json!("2027-01-15T00:00:00Z"));
    w.crm_set("estimatedclosedate", json!("2026-11-30"));
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert_eq!(inbound.conflicts[0].winner, Side::PartnerCenter);
    assert_eq!(inbound.conflicts[0].lost(), Some("2026-11-30"));
    assert_eq!(columns(&inbound.steps[0]), json!({ "estimatedclosedate": "2027-01-15" }).as_object().unwrap().clone());
}

fn incoming_referral(status: &str, substatus: &str) -> Value {
    json!({
        "id": "r-in", "engagementId": "eng-in", "eTag": "\"e1\"", "name": "Fabrikam ERP",
        "status": status, "substatus": substatus, "type": "Shared", "qualification": "SalesQualified",
        "direction": "Incoming",
        "inviteContext": { "invitedBy": { "organizationId": "msft" }, "assistanceRequestCode": "ProofOfConceptOrDemo" },
        "customerProfile": { "name": "Fabrikam", "address": { "addressLine1": "1 Main St", "addressLine2": "Suite 4",
            "city": "Oslo", "postalCode": "0150", "country": "NO" },
            "team": [ { "firstName": "Ola", "lastName": "Nordmann", "email": "" } ] },
        "details": { "dealValue": 25000, "currency": "NOK", "closingDateTime": "2027-02-28T00:00:00Z", "notes": "From Microsoft",
            "requirements": { "solutions": [ { "id": "SOL-1", "name": "One" }, { "id": "sol-1" } ] } }
    })
}

fn lead_base(plan: &mapping::UpsertPlan) -> SyncState {
    let lead = plan.steps.iter().find(|s| s.name == "lead").unwrap();
    SyncState::parse(lead.body["cosell_syncstate"].as_str().unwrap(), "$").unwrap()
}

#[test]
fn an_incoming_co_sell_referral_lands_as_a_lead_and_qualifying_it_accepts() {
    let referral: Referral = serde_json::from_value(incoming_referral("New", "Pending")).unwrap();
    assert_eq!(lifecycle::classify(&referral), lifecycle::ReferralCategory::CoSellOpportunity);
    let plan = mapping::to_crm(&referral, &Config::default());
    assert_eq!(plan.record, RecordKind::Lead);
    let names: Vec<_> = plan.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["currency", "lead"]);
    let lead = &plan.steps[1];
    assert_eq!(lead.filter.as_deref(), Some("cosell_referralidentifier eq 'r-in'"));
    for (column, value) in [
        ("subject", json!("Fabrikam ERP")),
        ("companyname", json!("Fabrikam")),
        ("address1_line2", json!("Suite 4")),
        ("address1_country", json!("NO")),
        ("estimatedamount", json!(25000.0)),
        ("estimatedclosedate", json!("2027-02-28")),
        ("cosell_referralidentifier", json!("r-in")),
        ("cosell_syncwithpartnercenter", json!(true)),
    ] {
        assert_eq!(lead.body[column], value, "{column}");
    }

    // The seller qualifies the lead; Dynamics 365 creates the opportunity and closes the lead.
    let base = lead_base(&plan);
    let decision = lifecycle::on_lead_qualified(&base, OPPORTUNITY_ID, &Config::default()).unwrap();
    assert_eq!(decision.patch.if_match.as_deref(), Some("\"e1\""));
    assert_eq!(
        decision.patch.operations,
        [op(PatchOp::Replace, "/status", json!("Active")), op(PatchOp::Replace, "/substatus", json!("Accepted"))]
    );
    let step = &decision.steps[0];
    assert_eq!(
        (step.action, step.filter.as_deref()),
        (StepAction::Update, Some(format!("opportunityid eq {OPPORTUNITY_ID}").as_str()))
    );
    assert_eq!(step.body["cosell_referralidentifier"], "r-in");
    assert_eq!(step.body["cosell_syncwithpartnercenter"], true);
    assert_eq!(decision.base.status.as_ref().map(|s| s.as_str()), Some("Active"));

    // Partner Center's answer comes back as Active: the opportunity record, the open lead closed.
    let accepted: Referral = serde_json::from_value(incoming_referral("Active", "Accepted")).unwrap();
    let plan = mapping::to_crm(&accepted, &Config::default());
    assert_eq!(plan.record, RecordKind::Opportunity);
    let names: Vec<_> = plan.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["currency", "account", "contact", "lead", "opportunity", "qualifyLead", "solution1"]);
    let contact = plan.steps.iter().find(|s| s.name == "contact").unwrap();
    assert_eq!(
        contact.filter.as_deref(),
        Some("firstname eq 'Ola' and lastname eq 'Nordmann' and _parentcustomerid_value eq {account}"),
        "a contact with an empty email is kept"
    );
    // A second lifecycle step on a closed referral is refused.
    assert!(lifecycle::on_lead_qualified(&decision.base, OPPORTUNITY_ID, &Config::default()).is_none());
}

#[test]
fn an_incoming_referral_disqualified_in_dynamics_is_declined() {
    let referral: Referral = serde_json::from_value(incoming_referral("New", "Pending")).unwrap();
    let base = lead_base(&mapping::to_crm(&referral, &Config::default()));
    let decision = lifecycle::on_lead_disqualified(&base, "l-1", Some("No budget this year")).unwrap();
    assert_eq!(decision.patch.if_match.as_deref(), Some("\"e1\""));
    assert_eq!(
        decision.patch.operations,
        [
            op(PatchOp::Replace, "/status", json!("Closed")),
            op(PatchOp::Replace, "/substatus", json!("Declined")),
            op(PatchOp::Add, "/statusReason", json!("No budget this year")),
        ]
    );
    assert_eq!(decision.steps[0].filter.as_deref(), Some("leadid eq l-1"));
    assert_eq!(decision.base.field("status"), Some("Declined"));
    // Declined is terminal: nothing further.
    assert!(lifecycle::on_lead_disqualified(&decision.base, "l-1", None).is_none());
    assert!(lifecycle::on_lead_qualified(&decision.base, OPPORTUNITY_ID, &Config::default()).is_none());
}

#[test]
fn a_private_deal_converted_to_co_sell_later_gets_the_second_create() {
    let mut crm = new_opportunity();
    crm["opportunity"]["cosell_referralvisibility"] = json!(100000000);
    let mut w = World { crm, pc: Value::Null, etag: 0 };
    let plan = lifecycle::create_plan(&w.snapshot()).unwrap();
    let mut pc = serde_json::to_value(&plan.referral).unwrap();
    assert_eq!(pc["consent"]["consentToShareReferralWithMicrosoftSellers"], false);
    pc["id"] = json!("r-p");
    pc["engagementId"] = json!("eng-p");
    pc["status"] = json!("Active");
    pc["substatus"] = json!("Accepted");
    w.pc = pc;
    w.bump();
    let base = lifecycle::base_after_create(&w.snapshot(), &w.referral());
    w.store_base(&base);

    // The seller asks Microsoft for help (the form makes it visible).
    w.crm_set("cosell_howcanmicrosofthelp", json!(100000002));
    w.crm_set("cosell_referralvisibility", json!(100000001));
    let conversion = lifecycle::convert_to_co_sell(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    let create = serde_json::to_value(&conversion.create).unwrap();
    assert_eq!(create["engagementId"], "eng-p");
    assert_eq!(create["type"], "Shared");
    assert_eq!(create["target"], json!([{ "id": "msft", "type": "BusinessProfileLocation" }]));
    assert_eq!(create["inviteContext"]["assistanceRequestCode"], "ProofOfConceptOrDemo");
    assert_eq!(create["consent"]["consentToShareReferralWithMicrosoftSellers"], true);
    assert_eq!(
        create["details"]["requirements"]["additionalRequirements"]["attributes"][0]["type"],
        "CustomerMarketplaceIntent"
    );
    // The visibility goes out as a PATCH on the existing referral (one way).
    let outbound = sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral()));
    assert_eq!(
        outbound.operations,
        [op(PatchOp::Replace, "/consent/consentToShareReferralWithMicrosoftSellers", json!(true))]
    );
    // Once converted, there is nothing to convert again.
    w.store_base(&conversion.base);
    assert!(lifecycle::convert_to_co_sell(&w.snapshot(), &w.base(), &w.referral()).is_none());
}

#[test]
fn a_new_co_sell_deal_is_two_linked_creates() {
    let mut crm = new_opportunity();
    crm["opportunity"]["cosell_howcanmicrosofthelp"] = json!(100000001);
    let plan = lifecycle::create_plan(&Snapshot::from_value(&crm).unwrap()).unwrap();
    let first = serde_json::to_value(&plan.referral).unwrap();
    assert_eq!(first["type"], "Shared");
    assert_eq!(first["target"], json!([{ "id": "SOL-34104-EBB", "type": "SolutionProfile" }]));
    assert!(first.get("engagementId").is_none());
    let answer: Referral = serde_json::from_value(json!({ "id": "r-c", "engagementId": "eng-c" })).unwrap();
    let second =
        serde_json::to_value(lifecycle::link_to_engagement(plan.for_microsoft.as_ref().unwrap(), &answer)).unwrap();
    assert_eq!(second["engagementId"], "eng-c");
    assert_eq!(second["target"], json!([{ "id": "msft", "type": "BusinessProfileLocation" }]));
    for r in [&first, &second] {
        assert_eq!(r["details"]["requirements"]["additionalRequirements"]["attributes"][0]["id"], "HaveNotDecided");
    }
}

#[test]
fn won_in_dynamics_closes_the_referral_and_nothing_goes_after() {
    let mut w = created_world();
    w.crm_set("statecode", json!(1));
    w.crm_set("statuscode", json!(3));
    let plan = sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral()));
    assert_eq!(
        plan.operations,
        [op(PatchOp::Replace, "/status", json!("Closed")), op(PatchOp::Replace, "/substatus", json!("Won"))]
    );
    w.patch(&PatchPlan { if_match: plan.if_match.clone(), operations: plan.operations.clone() }).unwrap();
    let mut base = plan.base.clone();
    base.e_tag = w.referral().e_tag;
    assert_eq!(base.field("status"), Some("Won"));
    w.store_base(&base);
    assert_eq!((w.pc["status"].as_str(), w.pc["substatus"].as_str()), (Some("Closed"), Some("Won")));

    // Terminal both ways: later edits in Dynamics 365 send nothing; Partner Center writes nothing.
    w.crm_set("estimatedvalue", json!(99999));
    w.crm_set("description", json!("after the win"));
    assert_eq!(sync::outbound(&w.snapshot(), &w.base(), None).operations, []);
    assert_eq!(sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral())).operations, []);
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert_eq!(inbound.steps, []);
}

#[test]
fn lost_in_partner_center_closes_the_opportunity() {
    let mut w = created_world();
    w.pc["status"] = json!("Closed");
    w.pc["substatus"] = json!("Lost");
    w.pc["statusReason"] = json!("Customer chose another vendor");
    w.bump();
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    let close = inbound.steps.last().unwrap();
    assert_eq!(close.action, StepAction::LoseOpportunity);
    assert_eq!(
        close.body,
        json!({ "statuscode": 5, "subject": "Customer chose another vendor" }).as_object().unwrap().clone()
    );
    w.write(&inbound.steps);
    w.store_base(&inbound.base);
    assert_eq!(w.crm["opportunity"]["statecode"], 2);
    // The opportunity's own lost state is now the agreed outcome: nothing goes back.
    assert_eq!(sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral())).operations, []);
}

#[test]
fn won_in_dynamics_while_partner_center_closed_it_lost_plans_no_close_and_audits() {
    let mut w = created_world();
    w.crm_set("statecode", json!(1));
    w.crm_set("statuscode", json!(3));
    w.pc["status"] = json!("Closed");
    w.pc["substatus"] = json!("Lost");
    w.bump();
    let expected = sync::Conflict {
        field: "status",
        winner: Side::Crm,
        crm: Some("Won".into()),
        partner_center: Some("Lost".into()),
    };
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert!(inbound.steps.iter().all(|s| s.action == StepAction::Update), "no close step: {:?}", inbound.steps);
    assert_eq!(inbound.conflicts, std::slice::from_ref(&expected));
    assert_eq!(inbound.base.field("status"), Some("Open"), "no agreement: the base keeps its outcome");
    let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    assert!(retry.inbound.steps.iter().all(|s| s.action == StepAction::Update));
    assert_eq!(retry.inbound.conflicts, [expected]);
    assert_eq!(retry.outbound.conflicts, []);
    assert_eq!(retry.outbound.operations, [], "a closed referral takes no status change");
}

#[test]
fn inbound_never_clears_a_crm_value_partner_center_does_not_give() {
    let mut w = created_world();
    for pointer in ["/details/closingDateTime", "/details/notes", "/details/currency"] {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        w.pc.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key);
    }
    w.pc["details"]["dealValue"] = json!(9.5e13);
    w.bump();
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    let unread: Vec<_> = inbound.unread.iter().map(|u| u.field).collect();
    assert_eq!(unread, ["dealValue", "currency", "closingDate", "notes"]);
    assert!(inbound.steps.iter().all(|s| columns(s).is_empty()), "nothing written: {:?}", inbound.steps);
    assert_eq!(inbound.base.field("closingDate"), Some("2026-12-31"), "the base keeps the last agreed value");
    assert_eq!(
        inbound.unread[2].audit_entry("2026-12-01T14:00:00Z").message,
        "closingDate: Partner Center's value is absent or unreadable; kept \"2026-12-31\""
    );
    // Notes given as empty text are a clear made in Partner Center: written.
    w.pc["details"]["notes"] = json!("");
    w.bump();
    let inbound = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert_eq!(columns(&inbound.steps[0]), json!({ "description": null }).as_object().unwrap().clone());
}

#[test]
fn another_referral_than_the_base_s_is_refused() {
    let mut w = created_world();
    w.pc["id"] = json!("r-2");
    let refused = sync::SyncError::OtherReferral { given: Some("r-2".into()), stored: "r-1".into() };
    assert_eq!(sync::inbound(&w.referral(), &w.snapshot(), &w.base()), Err(refused.clone()));
    assert_eq!(sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()), Err(refused.clone()));
    assert_eq!(sync::plan_outbound(&w.snapshot(), &w.base(), Some(&w.referral())), Err(refused.clone()));
    assert_eq!(refused.input_error().to_string(), "$.id: referral r-2 is not the one in the sync state (r-1)");
    w.pc["id"] = json!(" R-1 ");
    assert!(sync::inbound(&w.referral(), &w.snapshot(), &w.base()).is_ok(), "case and spaces do not matter");
}

#[test]
fn outbound_with_a_newer_referral_or_no_base_etag_goes_through_the_retry() {
    let mut w = created_world();
    w.crm_set("estimatedvalue", json!(65000));
    // Same eTag: the plain PATCH with the base's If-Match.
    let plain = sync::plan_outbound(&w.snapshot(), &w.base(), Some(&w.referral())).unwrap();
    assert_eq!((plain.inbound.as_ref(), plain.outbound.if_match.as_deref()), (None, Some("\"e1\"")));
    w.pc_set("/details/notes", json!("Microsoft's note"));
    let step = sync::plan_outbound(&w.snapshot(), &w.base(), Some(&w.referral())).unwrap();
    assert_eq!(step.outbound.if_match.as_deref(), Some("\"e2\""), "the fresh eTag, not a certain 412");
    assert_eq!(step.inbound.map(|i| i.changed), Some(vec!["notes"]));
    assert_eq!(step.outbound.operations, [op(PatchOp::Replace, "/details/dealValue", json!(65000))]);
    let mut base = w.base();
    base.e_tag = None;
    assert_eq!(sync::plan_outbound(&w.snapshot(), &base, None), Err(sync::SyncError::NoETag));
    let step = sync::plan_outbound(&w.snapshot(), &base, Some(&w.referral())).unwrap();
    assert_eq!(step.outbound.if_match.as_deref(), Some("\"e2\""));
    let mut no_etag = w.referral();
    no_etag.e_tag = None;
    assert_eq!(sync::plan_outbound(&w.snapshot(), &base, Some(&no_etag)), Err(sync::SyncError::NoETag));
    // A referral read without an eTag where the base has one: never a PATCH without If-Match.
    let step = sync::plan_outbound(&w.snapshot(), &w.base(), Some(&no_etag)).unwrap();
    assert_eq!((step.inbound.as_ref(), step.outbound.if_match.as_deref()), (None, Some("\"e1\"")));
    assert_eq!(step.outbound.operations, [op(PatchOp::Replace, "/details/dealValue", json!(65000))]);
}

#[test]
fn a_seller_s_closing_date_edit_and_rename_are_audited_as_not_sent() {
    let mut w = created_world();
    w.crm_set("estimatedclosedate", json!("2027-03-31"));
    w.crm_set("name", json!("Contoso supply chain (phase 2)"));
    let plan = sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral()));
    assert_eq!(plan.operations, [], "neither can be sent on update");
    let lines: Vec<_> = plan.not_sent.iter().map(|n| n.audit_entry("2026-12-01T14:00:00Z").message).collect();
    assert_eq!(
        lines,
        [
            "name changed to \"Contoso supply chain (phase 2)\" in Dynamics 365 only: Partner Center takes no update of it",
            "closingDate changed to \"2027-03-31\" in Dynamics 365 only: Partner Center takes no update of it",
        ]
    );
    assert_eq!(plan.base.field("closingDate"), Some("2026-12-31"), "still a change since the base");
}

#[test]
fn the_largest_realistic_base_fits_the_sync_state_column() {
    // Every text at its column size, made of the characters JSON escapes longest (\u0001 is six
    // characters); 500 solutions with 36-character IDs; a long eTag.
    let nasty = |n: usize| "\u{1}".repeat(n / 2) + &"\"".repeat(n - n / 2);
    let solutions: Vec<Value> =
        (0..500).map(|i| json!({ "cosell_solutionid": format!("{i:08}-0000-4000-8000-000000000000") })).collect();
    let mut doc = new_opportunity();
    doc["opportunity"]["name"] = json!(nasty(300));
    doc["opportunity"]["description"] = json!(nasty(2000));
    doc["opportunity"]["estimatedvalue"] = json!(-99999999999.99);
    doc["solutions"] = json!(solutions);
    let s = Snapshot::from_value(&doc).unwrap();
    let mut r = lifecycle::create_plan(&s).unwrap().referral;
    r.id = Some("00000000-0000-4000-8000-000000000000".into());
    r.e_tag = Some(format!("\"{}\"", "f".repeat(64)));
    let base = lifecycle::base_after_create(&s, &r);
    assert_eq!(base.fields.as_ref().unwrap().len(), 9, "{:?}", base.fields);
    let length = sync::base::stored_length(&base);
    assert!(length <= cosell_core::dataverse::SYNC_STATE_MAX_LENGTH, "{length}");
    assert!(length > 20_000, "the test is realistic: {length}");
    println!("largest realistic base: {length} UTF-16 units of {}", cosell_core::dataverse::SYNC_STATE_MAX_LENGTH);
    assert_eq!(SyncState::parse(&base.to_json(), "$").unwrap(), base);
}

#[test]
fn an_oversized_base_is_cut_to_fit_not_lost() {
    let solutions: Vec<Value> =
        (0..5000).map(|i| json!({ "cosell_solutionid": format!("{i:08}-0000-4000-8000-000000000000") })).collect();
    let mut doc = new_opportunity();
    doc["solutions"] = json!(solutions);
    let s = Snapshot::from_value(&doc).unwrap();
    let r = lifecycle::create_plan(&s).unwrap().referral;
    let base = lifecycle::base_after_create(&s, &r);
    assert!(sync::base::stored_length(&base) <= cosell_core::dataverse::SYNC_STATE_MAX_LENGTH);
    assert_eq!(base.field("solutions"), None, "the list that does not fit is left out");
    assert_eq!(base.field("dealValue"), Some("50000.00"));
}

#[test]
fn the_412_path_when_partner_center_already_holds_the_crm_value() {
    let mut w = created_world();
    w.pc_set("/details/notes", json!("Same words"));
    w.crm_set("description", json!("Same words"));
    let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    assert_eq!(retry.inbound.conflicts, []);
    assert_eq!(retry.inbound.steps.iter().map(columns).collect::<Vec<_>>(), [Map::new()], "only the new base");
    assert_eq!(retry.outbound.operations, [], "nothing left to send");
    assert_eq!(retry.outbound.base.field("notes"), Some("Same words"));
    assert_eq!(retry.outbound.base.e_tag.as_deref(), Some("\"e2\""));
}

#[test]
fn the_412_path_when_the_referral_was_closed_meanwhile() {
    let mut w = created_world();
    w.pc["status"] = json!("Closed");
    w.pc["substatus"] = json!("Won");
    w.bump();
    w.crm_set("description", json!("late edit"));
    let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
    assert_eq!(retry.inbound.steps.last().map(|s| s.action), Some(StepAction::WinOpportunity));
    assert_eq!(retry.outbound.operations, [], "a closed referral takes no PATCH");
}

mod nothing_is_lost {
    use super::*;
    use proptest::prelude::*;

    /// (field key, CRM column, referral pointer, values a side may set: CRM form, referral form).
    type Edit = (&'static str, &'static str, &'static str, [(Value, Value); 2]);

    fn edits() -> [Edit; 3] {
        [
            (
                "dealValue",
                "estimatedvalue",
                "/details/dealValue",
                [(json!(61000), json!(61000)), (json!(72000), json!(72000))],
            ),
            (
                "notes",
                "description",
                "/details/notes",
                [(json!("crm notes"), json!("crm notes")), (json!("pc notes"), json!("pc notes"))],
            ),
            (
                "closingDate",
                "estimatedclosedate",
                "/details/closingDateTime",
                [
                    (json!("2027-01-31"), json!("2027-01-31T00:00:00Z")),
                    (json!("2027-05-31"), json!("2027-05-31T00:00:00Z")),
                ],
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any mix of edits on both sides, merged through the 412 path: every edited value ends on
        /// some side or in the conflicts (for the audit), and a second round changes nothing.
        #[test]
        fn every_edit_survives_or_is_audited(crm_edits in prop::collection::vec(0usize..3, 3), pc_edits in prop::collection::vec(0usize..3, 3)) {
            let mut w = created_world();
            let mut edited = Vec::new();
            for (i, (key, column, pointer, values)) in edits().into_iter().enumerate() {
                if let Some((crm, _)) = values.get(crm_edits[i]) {
                    w.crm_set(column, crm.clone());
                    edited.push((key, column, pointer, "crm", crm.clone()));
                }
                if let Some((_, pc)) = values.get(pc_edits[i]).filter(|_| pc_edits[i] != crm_edits[i]) {
                    *w.pc.pointer_mut(pointer).unwrap() = pc.clone();
                    edited.push((key, column, pointer, "pc", pc.clone()));
                }
            }
            w.bump();
            let retry = sync::after_precondition_failed(&w.snapshot(), &w.base(), &w.referral()).unwrap();
            w.write(&retry.inbound.steps);
            w.patch(&PatchPlan { if_match: retry.outbound.if_match.clone(), operations: retry.outbound.operations.clone() }).unwrap();
            let mut base = retry.outbound.base.clone();
            base.e_tag = w.referral().e_tag;
            w.store_base(&base);
            let lost: Vec<_> = retry.inbound.conflicts.iter().chain(&retry.outbound.conflicts).filter_map(|c| c.lost().map(|l| (c.field, l.to_owned()))).collect();
            for (key, column, pointer, side, value) in edited {
                let field = sync::field(key).unwrap();
                let canonical = if side == "crm" { field.transform.from_crm(&value) } else { field.transform.from_referral(&value) }.unwrap();
                let in_crm = field.transform.from_crm(&w.crm["opportunity"][column]) == Some(canonical.clone());
                let in_pc = w.pc.pointer(pointer).and_then(|v| field.transform.from_referral(v)) == Some(canonical.clone());
                let audited = lost.contains(&(key, canonical.clone()));
                prop_assert!(in_crm || in_pc || audited, "{key} {side} {value} lost: crm {} pc {:?} lost {lost:?}", w.crm["opportunity"][column], w.pc.pointer(pointer));
            }
            // Converged: the next round finds nothing to send or write.
            prop_assert_eq!(sync::outbound(&w.snapshot(), &w.base(), Some(&w.referral())).operations, vec![]);
            let again = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
            prop_assert!(again.steps.iter().all(|s| columns(s).is_empty()), "{:?}", again.steps);
        }
    }
}

/// Lost in Dynamics 365 while the referral was never accepted: Partner Center takes it as
/// Declined (a New referral cannot be lost), and the base records the outcome both sides now
/// hold, so Partner Center's own answer coming back is neither a change nor a conflict.
#[test]
fn lost_before_acceptance_is_declined_and_its_echo_is_no_conflict() {
    let mut w = created_world();
    w.pc["status"] = json!("New");
    w.pc["substatus"] = json!("Pending");
    let mut base = w.base();
    base.status = Some(cosell_core::referral::ReferralStatus::New);
    base.substatus = Some(cosell_core::referral::ReferralSubstatus::Pending);
    w.store_base(&base);
    w.crm_set("statecode", json!(2));
    w.crm_set("statuscode", json!(4));
    let step = sync::plan_outbound(&w.snapshot(), &w.base(), None).unwrap();
    assert_eq!(
        step.outbound.operations,
        [op(PatchOp::Replace, "/status", json!("Closed")), op(PatchOp::Replace, "/substatus", json!("Declined"))]
    );
    assert_eq!(step.outbound.base.field("status"), Some("Declined"), "the outcome Partner Center took");
    w.patch(&PatchPlan { if_match: step.outbound.if_match.clone(), operations: step.outbound.operations.clone() })
        .unwrap();
    let mut settled = step.outbound.base.clone();
    settled.e_tag = w.referral().e_tag;
    w.store_base(&settled);
    assert!(sync::is_echo_of_crm(&w.snapshot()), "the lost opportunity reads as Declined now");
    let echo = sync::inbound(&w.referral(), &w.snapshot(), &w.base()).unwrap();
    assert_eq!((echo.steps.len(), echo.conflicts.len()), (0, 0), "{echo:?}");
}
