//! The flows Dataverse starts, and the backfill: each finds what changed and hands it to a helper.

use super::common::{call_child, connections_of, referrals};
use super::names;
use crate::connections::Connection;
use crate::expr::{body, call, path, trigger_body, variable, whole};
use crate::wdl::{object_schema, Action, DataverseMessage, Definition, Steps, Trigger, VarKind};
use cosell_core::dataverse::{lead, opportunity as opp, solution};
use cosell_core::sync::{ColumnName, FIELDS};
use cosell_solution::flows::Flow;
use serde_json::json;

/// The opportunity columns whose change starts the sync: every mapped column on the opportunity
/// itself (the one an environment variable names at its default), and Sync with Partner Center.
pub fn filtering_attributes() -> Vec<String> {
    let mut out: Vec<String> = FIELDS
        .iter()
        .filter(|f| {
            f.crm.table == opp::TABLE
                && f.crm.via.is_none()
                && (f.create.to_partner_center || f.update.to_partner_center)
        })
        .map(|f| match f.crm.column {
            ColumnName::Fixed { name } => name.to_owned(),
            // UNCERTAIN: a trigger's filtering attributes are fixed at import; a non-default
            // Deal value column needs this trigger edited (docs/flows.md says so).
            ColumnName::Environment { default, .. } => default.to_owned(),
        })
        .filter(|c| c != opp::ID)
        .collect();
    out.push(opp::CURRENCY.to_owned());
    out.push(opp::SYNC.to_owned());
    out.sort();
    out.dedup();
    out
}

/// "Dynamics 365 to Partner Center": an opportunity added or changed with Sync = Yes.
pub fn opportunity() -> Flow {
    let actions = Steps::new().then(
        "Sync_the_opportunity",
        call_child(names::OUTBOUND_HELPER, json!({"opportunityId": whole(&trigger_body(opp::ID)), "attempt": 1})),
    );
    let trigger = Trigger::Dataverse {
        message: DataverseMessage::AddedOrModified,
        entity: opp::TABLE,
        filtering: filtering_attributes(),
        conditions: vec![whole(&call("equals", &[&trigger_body(opp::SYNC), "true"]))],
    };
    flow(
        names::OUTBOUND,
        "Sends an opportunity with Sync = Yes to Partner Center when a mapped column changes.",
        trigger,
        actions,
    )
}

/// "Dynamics 365 Microsoft Solutions to Partner Center": a solution row added or changed.
/// UNCERTAIN: deletes need the Deleted message (2), whose row carries no parent; a removed
/// solution reaches Partner Center with the opportunity's next change.
pub fn solutions() -> Flow {
    let parent = trigger_body(&format!("_{}_value", solution::OPPORTUNITY));
    let actions = Steps::new().then(
        "Sync_its_opportunity",
        call_child(names::OUTBOUND_HELPER, json!({"opportunityId": whole(&parent), "attempt": 1})),
    );
    let trigger = Trigger::Dataverse {
        message: DataverseMessage::AddedOrModified,
        entity: solution::TABLE,
        filtering: vec![solution::SOLUTION_ID.to_owned(), solution::OPPORTUNITY.to_owned()],
        conditions: vec![whole(&call("not", &[&call("empty", &[&parent])]))],
    };
    flow(
        names::SOLUTIONS,
        "Sends an opportunity's solutions to Partner Center when a solution row changes.",
        trigger,
        actions,
    )
}

/// "Dynamics 365 Lead Qualification to Partner Center": qualifying a referral's lead accepts the
/// referral, disqualifying it declines it (UNCERTAIN: the sync model issue's suggestion; the
/// core's lifecycle functions are to replace the PATCH built here).
pub fn lead_decision() -> Flow {
    let state = trigger_body("statecode");
    let base = call("json", &[&call("coalesce", &[&trigger_body(lead::SYNC_STATE), "'{}'"])]);
    let accepted = call("equals", &[&state, "1"]);
    let patch = json!([
        {"op": "replace", "path": "/status", "value": whole(&call("if", &[&accepted, "'Active'", "'Closed'"]))},
        {"op": "replace", "path": "/substatus", "value": whole(&call("if", &[&accepted, "'Accepted'", "'Declined'"]))}
    ]);
    let actions = Steps::new()
        .then(
            "Accept_or_decline",
            referrals(
                "PatchReferralById",
                &[
                    ("id", json!(whole(&trigger_body(lead::REFERRAL_ID)))),
                    ("If-Match", json!(whole(&path(&base, &["eTag"])))),
                    ("Prefer", json!("return=representation")),
                    ("Referral", patch),
                ],
            ),
        )
        .then(
            "Carry_the_referral_on",
            Action::If {
                expression: crate::wdl::cond::is_true(&accepted),
                then: Steps::new().then(
                    "Onto_the_new_opportunity",
                    super::common::dataverse(
                        "UpdateRecord",
                        &[
                            ("entityName", json!(opp::ENTITY_SET)),
                            ("recordId", json!(whole(&trigger_body("_qualifyingopportunityid_value")))),
                            (&format!("item/{}", opp::REFERRAL_ID), json!(whole(&trigger_body(lead::REFERRAL_ID)))),
                            (&format!("item/{}", opp::REFERRAL_LINK), json!(whole(&trigger_body(lead::REFERRAL_LINK)))),
                            (&format!("item/{}", opp::SYNC), json!(true)),
                            (
                                &format!("item/{}", opp::SYNC_STATE),
                                json!(whole(&decided_base(&base, "Active", "Accepted", "Open"))),
                            ),
                        ],
                    ),
                ),
                otherwise: Steps::new().then(
                    "Record_the_decline",
                    super::common::dataverse(
                        "UpdateRecord",
                        &[
                            ("entityName", json!(lead::ENTITY_SET)),
                            ("recordId", json!(whole(&trigger_body(lead::ID)))),
                            (
                                &format!("item/{}", lead::SYNC_STATE),
                                json!(whole(&decided_base(&base, "Closed", "Declined", "Declined"))),
                            ),
                        ],
                    ),
                ),
            },
        )
        .then(
            "Bring_the_answer_back",
            call_child(names::INBOUND_HELPER, json!({"referralId": whole(&trigger_body(lead::REFERRAL_ID))})),
        );
    let trigger = Trigger::Dataverse {
        message: DataverseMessage::Modified,
        entity: lead::TABLE,
        filtering: vec!["statecode".to_owned()],
        conditions: vec![whole(&call(
            "and",
            &[
                &call("not", &[&call("empty", &[&trigger_body(lead::REFERRAL_ID)])]),
                &call("contains", &["createArray(1, 2)", &state]),
                // Only a referral still pending is accepted or declined (`on_lead_qualified`,
                // `on_lead_disqualified`): a lead the sync itself closed, because Partner
                // Center accepted the referral, already holds the Active base.
                &call("equals", &[&call("coalesce", &[&path(&base, &["status"]), "'New'"]), "'New'"]),
            ],
        ))],
    };
    let mut f = flow(
        names::LEAD_DECISION,
        "Accepts a referral when its lead is qualified, declines it when disqualified.",
        trigger,
        actions,
    );
    f.connections = connections_of(&[Connection::Dataverse, Connection::Referrals]);
    f
}

/// The lead's base after the decision (`lifecycle::on_lead_qualified` / `on_lead_disqualified`):
/// the new status and the PATCH response's eTag, the outcome in the base's status field.
fn decided_base(base: &str, status: &str, substatus: &str, outcome: &str) -> String {
    let answer = crate::expr::body("Accept_or_decline");
    let fields = call(
        "setProperty",
        &[&call("coalesce", &[&path(base, &["fields"]), "json('{}')"]), "'status'", &crate::expr::lit(outcome)],
    );
    let mut b = call("setProperty", &[base, "'eTag'", &path(&answer, &["eTag"])]);
    b = call("setProperty", &[&b, "'status'", &crate::expr::lit(status)]);
    b = call("setProperty", &[&b, "'substatus'", &crate::expr::lit(substatus)]);
    b = call("setProperty", &[&b, "'fields'", &fields]);
    call("string", &[&b])
}

/// "Partner Center Referrals Backfill": every referral, page by page, through the helper.
pub fn backfill() -> Flow {
    let page = body("List_a_page");
    let page_steps = Steps::new()
        .then(
            "List_a_page",
            // UNCERTAIN: Partner Center documents paging by `@odata.nextLink` ($skiptoken), which
            // the connector cannot follow as a URL; the swagger declares $skip, so the flow asks
            // for the next page by how many it has read. A page size is the service's.
            referrals("GetAllReferrals", &[("$skip", json!(whole(&variable("skip"))))]),
        )
        .then(
            "Each_referral",
            Action::Foreach {
                from: whole(&call("coalesce", &[&path(&page, &["value"]), "createArray()"])),
                body: Steps::new().then(
                    "Sync_a_referral",
                    call_child(names::INBOUND_HELPER, json!({"referralId": whole("item()?['id']")})),
                ),
                sequential: true,
            },
        )
        .then(
            "Next_page",
            Action::IncrementVariable {
                name: "skip".to_owned(),
                value: json!(whole(&call(
                    "length",
                    &[&call("coalesce", &[&path(&page, &["value"]), "createArray()"])]
                ))),
            },
        )
        // More pages while Partner Center says there is a next one.
        .then(
            "More_pages",
            Action::SetVariable {
                name: "more".to_owned(),
                value: json!(whole(&call("not", &[&call("empty", &[&path(&page, &["@odata.nextLink"])])]))),
            },
        );
    let actions = Steps::new()
        .then("Skip", Action::InitializeVariable { name: "skip".to_owned(), kind: VarKind::Integer, value: json!(0) })
        .then(
            "More",
            Action::InitializeVariable { name: "more".to_owned(), kind: VarKind::Boolean, value: json!(true) },
        )
        .then(
            "Page_by_page",
            Action::Until {
                expression: whole(&call("equals", &[&variable("more"), "false"])),
                limit: 1000,
                body: page_steps,
            },
        );
    let schema = object_schema(&[], &[]);
    let mut f = flow(
        names::BACKFILL,
        "Brings every existing referral into Dynamics 365, page by page.",
        Trigger::Button { schema },
        actions,
    );
    f.connections = connections_of(&[Connection::Referrals]);
    f
}

fn flow(name: &str, description: &str, trigger: Trigger, actions: Steps) -> Flow {
    Flow {
        name: name.to_owned(),
        description: description.to_owned(),
        definition: Definition { trigger, actions }.to_value(),
        connections: connections_of(&[Connection::Dataverse]),
        environment_variables: Vec::new(),
    }
}
