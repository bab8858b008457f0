//! The flows Dataverse starts, and the backfill: each finds what changed and hands it to a helper.

use super::common::{base_compose, call_child, connections_of, referrals};
use super::names;
use crate::connections::Connection;
use crate::expr::{body, call, json_literal, lit, outputs, path, trigger_body, variable, whole};
use crate::wdl::{
    cond, object_schema, Action, DataverseMessage, Definition, Status, Steps, TerminateStatus, Trigger, VarKind,
    NOT_SUCCEEDED,
};
use cosell_core::config::vars;
use cosell_core::dataverse::{lead, opportunity as opp, solution, LeadState};
use cosell_core::referral::{ReferralStatus, ReferralSubstatus};
use cosell_core::snapshot::SyncState;
use cosell_core::sync::fields::keys;
use cosell_core::sync::{lifecycle, ColumnName, FIELDS};
use cosell_solution::flows::Flow;
use serde_json::{json, Value};

/// The opportunity columns whose change starts the sync: every mapped column on the opportunity
/// itself, and Sync with Partner Center. A column an environment variable names (the Deal value
/// column) is the variable's value, `@{parameters('…')}`, so an admin's own column starts the sync
/// without the trigger being edited.
/// UNCERTAIN: Power Automate evaluates trigger inputs when the flow is turned on, so a changed
/// value takes effect once the flow is turned off and on again (README says so).
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
            ColumnName::Environment { variable, .. } => format!("@{{{}}}", crate::expr::parameter(variable)),
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
    let mut flow = flow(
        names::OUTBOUND,
        "Sends an opportunity with Sync = Yes to Partner Center when a mapped column changes.",
        trigger,
        actions,
    );
    // The trigger's filtering attributes read the variables that name opportunity columns.
    flow.environment_variables = FIELDS
        .iter()
        .filter_map(|f| match f.crm.column {
            ColumnName::Environment { variable, .. } if f.crm.table == opp::TABLE => Some(variable.to_owned()),
            _ => None,
        })
        .collect();
    flow
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

/// The lead's standard status reasons when disqualified (statecode 2), and the text each sends
/// Partner Center as the decline's `statusReason`.
/// UNCERTAIN: the reason a seller gives is the status reason picked in Dynamics 365's Disqualify
/// dialog (it asks for nothing else; `description` is the lead's notes, not a reason). Its label
/// as the row carries it ([`STATUS_REASON_LABEL`]: the organization's own label, so a custom
/// reason arrives too) is sent; without one, this table's label; a custom reason without a
/// label sends no reason.
pub const DISQUALIFIED_REASONS: [(i64, &str); 4] =
    [(4, "Lost"), (5, "Cannot Contact"), (6, "No Longer Interested"), (7, "Canceled")];

/// The Web API's label of the lead's status reason, as a row read with annotations carries it.
pub const STATUS_REASON_LABEL: &str = "statuscode@OData.Community.Display.V1.FormattedValue";

/// The lead's qualifying opportunity (the lookup Dynamics 365 sets when qualifying creates one).
const QUALIFYING_OPPORTUNITY: &str = "_qualifyingopportunityid_value";

/// How the decision table keys a status or substatus that is missing, or one the core does not
/// know (the core reads every unknown value alike, as `Other`).
const MISSING: &str = "-";
const UNKNOWN: &str = "?";

/// The core's decision on a lead base with this status and substatus (`None`: no decision).
fn core_decision(
    qualified: bool,
    status: Option<&str>,
    substatus: Option<&str>,
    reason: Option<&str>,
) -> Option<lifecycle::Decision> {
    let base = SyncState {
        referral_id: Some("referral".to_owned()),
        e_tag: Some("\"etag\"".to_owned()),
        status: status.map(ReferralStatus::parse),
        substatus: substatus.map(ReferralSubstatus::parse),
        fields: Some(serde_json::Map::new()),
        fingerprint: None,
    };
    match qualified {
        true => lifecycle::on_lead_qualified(&base, "opportunity", &cosell_core::config::Config::default()),
        false => lifecycle::on_lead_disqualified(&base, "lead", reason),
    }
}

/// Every status (or substatus) the table distinguishes: missing, each known one, an unknown one.
fn representatives(known: &'static [(&'static str, &'static str)]) -> Vec<Option<&'static str>> {
    let mut out = vec![None];
    out.extend(known.iter().map(|(wire, _)| Some(*wire)));
    out.push(Some(UNKNOWN));
    out
}

/// The `status/substatus` keys of the lead bases the core decides from ([`decision_key`]):
/// the core's own answer for every status and substatus it knows, a missing and an unknown one.
pub fn decidable(qualified: bool) -> Vec<String> {
    let mut out = Vec::new();
    for status in representatives(ReferralStatus::VALUES) {
        for substatus in representatives(ReferralSubstatus::VALUES) {
            if core_decision(qualified, status, substatus, None).is_some() {
                out.push(format!("{}/{}", status.unwrap_or(MISSING), substatus.unwrap_or(MISSING)));
            }
        }
    }
    out
}

/// One part of a decision key: the value when the core knows it, `-` when missing or blank, `?`
/// otherwise.
fn key_part(value: &str, known: &'static [(&'static str, &'static str)]) -> String {
    let names: Vec<Value> = known.iter().map(|(wire, _)| Value::from(*wire)).collect();
    // The base reads a blank value as none (`SyncState::parse`).
    let blank = call("empty", &[&call("trim", &[&call("string", &[&call("coalesce", &[value, "''"])])])]);
    let named = call("if", &[&call("contains", &[&json_literal(&Value::from(names)), value]), value, &lit(UNKNOWN)]);
    call("if", &[&blank, &lit(MISSING), &named])
}

/// The decision key of a status and substatus (expressions): `New/Pending`, `-/-`, `?/Accepted`.
fn decision_key(status: &str, substatus: &str) -> String {
    call("concat", &[&key_part(status, ReferralStatus::VALUES), "'/'", &key_part(substatus, ReferralSubstatus::VALUES)])
}

/// True when the core decides from this status and substatus, for the trigger's decision.
fn decides(qualified: &str, status: &str, substatus: &str) -> String {
    let table = |q: bool| json_literal(&Value::from(decidable(q)));
    call("contains", &[&call("if", &[qualified, &table(true), &table(false)]), &decision_key(status, substatus)])
}

/// The core's PATCH operations of a decision, as JSON (from a base it decides from).
fn core_operations(qualified: bool, reason: Option<&str>) -> Vec<Value> {
    let decision = core_decision(qualified, Some("New"), Some("Pending"), reason);
    decision.into_iter().flat_map(|d| d.patch.operations).filter_map(|o| serde_json::to_value(o).ok()).collect()
}

/// The status PATCH as an expression: the core's operations for the decision, the decline's
/// reason operation (the core's, its value the reason) only when there is a reason.
fn operations(qualified: &str, reason: &str) -> String {
    let accept = core_operations(true, None);
    let decline = core_operations(false, None);
    let with_reason = core_operations(false, Some(UNKNOWN));
    let reason_ops: Vec<String> = with_reason
        .iter()
        .filter(|o| !decline.contains(o))
        .map(|o| call("setProperty", &[&json_literal(o), "'value'", reason]))
        .collect();
    let reason_refs: Vec<&str> = reason_ops.iter().map(String::as_str).collect();
    let declined = json_literal(&Value::from(decline));
    let with_reason = call("union", &[&declined, &call("createArray", &reason_refs)]);
    call(
        "if",
        &[
            qualified,
            &json_literal(&Value::from(accept)),
            &call("if", &[&call("empty", &[reason]), &declined, &with_reason]),
        ],
    )
}

/// The base the core stores after a decision, as its JSON text: the lead's base with the
/// decision's status, substatus and outcome (the core's, `lifecycle::Decision::base`) and the
/// eTag of the PATCH response.
fn decided_base(base: &str, qualified: bool, e_tag: &str) -> String {
    let decided = core_decision(qualified, Some("New"), Some("Pending"), None).map(|d| d.base);
    let text = |v: Option<&str>| lit(v.unwrap_or_default());
    let status = text(decided.as_ref().and_then(|b| b.status.as_ref()).map(ReferralStatus::as_str));
    let substatus = text(decided.as_ref().and_then(|b| b.substatus.as_ref()).map(ReferralSubstatus::as_str));
    let outcome = text(decided.as_ref().and_then(|b| b.field(keys::STATUS)));
    let fields = call(
        "setProperty",
        &[&call("coalesce", &[&path(base, &["fields"]), "json('{}')"]), &lit(keys::STATUS), &outcome],
    );
    let version = cosell_core::snapshot::SYNC_STATE_VERSION.to_string();
    let mut b = call("setProperty", &[base, "'v'", &version]);
    b = call("setProperty", &[&b, "'eTag'", e_tag]);
    b = call("setProperty", &[&b, "'status'", &status]);
    b = call("setProperty", &[&b, "'substatus'", &substatus]);
    b = call("setProperty", &[&b, "'fields'", &fields]);
    call("string", &[&b])
}

/// The lead decision's expressions: what the trigger row says, and the variables the run keeps.
struct Lead;

impl Lead {
    const BASE: &'static str = "Lead_base";
    const DECISION: &'static str = "Decision";
    /// The If-Match of the next PATCH: the base's eTag, or the one Partner Center just returned.
    const E_TAG: &'static str = "If_Match";
    /// Partner Center's answer to the PATCH that succeeded (`{}` until one did): its eTag.
    const ANSWERED: &'static str = "Answered";
    const OPERATIONS: &'static str = "Operations";

    fn base(key: &str) -> String {
        path(&outputs(Self::BASE), &[key])
    }

    fn decision(key: &str) -> String {
        path(&outputs(Self::DECISION), &[key])
    }

    fn qualified() -> String {
        Self::decision("qualified")
    }

    fn verb() -> String {
        call("if", &[&Self::qualified(), "'accepted'", "'declined'"])
    }
}

/// `status/substatus` of a referral or base, for a message (`none` where there is none).
fn shown_status(of: &str) -> String {
    let part = |k: &str| call("coalesce", &[&path(of, &[k]), "'none'"]);
    call("concat", &[&part("status"), "'/'", &part("substatus")])
}

fn stop(status: TerminateStatus, code: &str, message: &str) -> Action {
    Action::Terminate { status, code: Some(code.to_owned()), message: Some(crate::expr::interpolate(message)) }
}

/// A call to Partner Center failed for good (after the connector's retries): the run fails with
/// what Partner Center answered; nothing is written.
fn failed_call(action: &str, doing: &str) -> Action {
    let message = call(
        "concat",
        &[
            "'Partner Center answered '",
            &call("string", &[&path(&outputs(action), &["statusCode"])]),
            &lit(&format!(" {doing}: ")),
            &call("string", &[&body(action)]),
            "'. Nothing was written to Dynamics 365; resubmit this run once Partner Center answers.'",
        ],
    );
    stop(TerminateStatus::Failed, "partner-center-failed", &message)
}

/// Reads the referral again (no eTag in the base, or a 412), and goes on only when the core
/// still decides from what Partner Center holds now: the lead's base with the fresh status,
/// substatus and eTag. `when` keeps the action names apart.
fn read_again(when: &str) -> Steps {
    let read = format!("Read_the_referral_{when}");
    let fresh = body(&read);
    let changed = call(
        "concat",
        &[
            "'Partner Center''s referral is now '",
            &shown_status(&fresh),
            "': it cannot be '",
            &Lead::verb(),
            "' any more. Nothing was sent or written; Partner Center''s next update brings its state to Dynamics 365.'",
        ],
    );
    let no_etag = "'Partner Center returned the referral without an eTag: a PATCH without If-Match could overwrite its changes. Nothing was sent or written.'";
    Steps::new()
        .then(&read, referrals("GetReferralById", &[("id", json!(whole(&Lead::decision("referralId"))))]))
        .after(
            &format!("Unread_{when}"),
            failed_call(&read, "when the referral was read"),
            &[(read.as_str(), NOT_SUCCEEDED)],
        )
        .after(
            &format!("Still_decidable_{when}"),
            Action::If {
                expression: cond::is_true(&call(
                    "not",
                    &[&decides(&Lead::qualified(), &path(&fresh, &["status"]), &path(&fresh, &["substatus"]))],
                )),
                then: Steps::new().then(
                    &format!("Changed_in_Partner_Center_{when}"),
                    stop(TerminateStatus::Cancelled, "changed-in-partner-center", &changed),
                ),
                otherwise: Steps::new(),
            },
            &[(read.as_str(), &[Status::Succeeded])],
        )
        .then(
            &format!("Has_an_eTag_{when}"),
            Action::If {
                expression: cond::is_true(&call("empty", &[&path(&fresh, &["eTag"])])),
                then: Steps::new().then(&format!("No_eTag_{when}"), stop(TerminateStatus::Failed, "no-etag", no_etag)),
                otherwise: Steps::new(),
            },
        )
        .then(
            &format!("Fresh_eTag_{when}"),
            Action::SetVariable { name: Lead::E_TAG.to_owned(), value: json!(whole(&path(&fresh, &["eTag"]))) },
        )
}

/// The status PATCH with the If-Match the run holds.
fn patch() -> Action {
    referrals(
        "PatchReferralById",
        &[
            ("id", json!(whole(&Lead::decision("referralId")))),
            ("If-Match", json!(whole(&variable(Lead::E_TAG)))),
            ("Prefer", json!("return=representation")),
            ("Referral", json!(whole(&outputs(Lead::OPERATIONS)))),
        ],
    )
}

fn answered(action: &str) -> Action {
    let answer = call("setProperty", &["json('{}')", "'eTag'", &path(&body(action), &["eTag"])]);
    Action::SetVariable { name: Lead::ANSWERED.to_owned(), value: json!(whole(&answer)) }
}

/// After a 412 (the referral changed since the lead's base): read it again and, when the core
/// still decides, PATCH once more with the fresh eTag. A second failure fails the run.
fn after_the_conflict() -> Steps {
    let again = "Accept_or_decline_again";
    read_again("after_the_conflict")
        .then(again, patch())
        .after("Answered_again", answered(again), &[(again, &[Status::Succeeded])])
        .after("Not_answered_again", failed_call(again, "to the decision"), &[(again, NOT_SUCCEEDED)])
}

/// The Dataverse writes once Partner Center took the decision (`lifecycle::Decision::steps`).
fn carry_on() -> Action {
    let base = outputs(Lead::BASE);
    let answered = path(&variable(Lead::ANSWERED), &["eTag"]);
    let opportunity = trigger_body(QUALIFYING_OPPORTUNITY);
    let id = Lead::decision("referralId");
    let link = call("replace", &[&crate::expr::parameter(vars::REFERRAL_LINK_TEMPLATE), "'{id}'", &id]);
    let item = |column: &str| format!("item/{column}");
    let onto_the_opportunity = super::common::dataverse(
        "UpdateRecord",
        &[
            ("entityName", json!(opp::ENTITY_SET)),
            ("recordId", json!(whole(&opportunity))),
            (&item(opp::REFERRAL_ID), json!(whole(&id))),
            (&item(opp::REFERRAL_LINK), json!(whole(&link))),
            (&item(opp::SYNC), json!(true)),
            (&item(opp::SYNC_STATE), json!(whole(&decided_base(&base, true, &answered)))),
        ],
    );
    let on_the_lead = super::common::dataverse(
        "UpdateRecord",
        &[
            ("entityName", json!(lead::ENTITY_SET)),
            ("recordId", json!(whole(&trigger_body(lead::ID)))),
            (&item(lead::SYNC_STATE), json!(whole(&decided_base(&base, false, &answered)))),
        ],
    );
    let decided = Action::If {
        expression: cond::is_true(&Lead::qualified()),
        // UNCERTAIN: a lead qualified without creating an opportunity (an organization setting)
        // has no row to carry the referral on to: the referral is accepted, nothing is written,
        // and Partner Center's update brings the accepted referral in as an opportunity.
        then: Steps::new().then(
            "Onto_the_new_opportunity",
            Action::If {
                expression: cond::is_true(&call("not", &[&call("empty", &[&opportunity])])),
                then: Steps::new().then("Carry_the_referral_on_to_it", onto_the_opportunity),
                otherwise: Steps::new(),
            },
        ),
        otherwise: Steps::new().then("Record_the_decline", on_the_lead),
    };
    // Only when Partner Center took the decision (not after an earlier action failed).
    Action::If {
        expression: cond::is_true(&call("not", &[&call("empty", &[&variable(Lead::ANSWERED)])])),
        then: Steps::new().then("Partner_Center_took_it", decided),
        otherwise: Steps::new(),
    }
}

/// "Dynamics 365 Lead Qualification to Partner Center": qualifying a referral's lead accepts the
/// referral, disqualifying it declines it, exactly as the core decides
/// (`lifecycle::on_lead_qualified` / `on_lead_disqualified`, whose table and operations the flow
/// is generated from):
/// - no decision from the lead's base (already accepted, closed, not New for a decline): the run
///   is cancelled with the reason, nothing sent or written;
/// - otherwise the core's status PATCH with If-Match = the base's eTag; no eTag in the base, or a
///   412: the referral is read again and the PATCH sent with its eTag when the core still decides
///   from it (else cancelled with Partner Center's status, nothing overwritten);
/// - Partner Center failing for good (after the connector's retries on 429 and 5xx) fails the
///   run with its answer, nothing written; on success, the core's Dataverse writes.
///
/// The lead has no Audit column: the run (its status and Terminate message) is where an admin
/// sees why a decision was not sent.
pub fn lead_decision() -> Flow {
    let state = trigger_body("statecode");
    let qualified = call("equals", &[&state, &LeadState::Qualified.value().to_string()]);
    let disqualified = call("equals", &[&state, &LeadState::Disqualified.value().to_string()]);
    let base = outputs(Lead::BASE);
    let reasons: serde_json::Map<String, Value> =
        DISQUALIFIED_REASONS.iter().map(|(code, text)| (code.to_string(), Value::from(*text))).collect();
    let reason = call(
        "trim",
        &[&call(
            "string",
            &[&call(
                "coalesce",
                &[
                    &trigger_body(STATUS_REASON_LABEL),
                    &format!(
                        "{}?[{}]",
                        json_literal(&Value::Object(reasons)),
                        call("string", &[&trigger_body("statuscode")])
                    ),
                    "''",
                ],
            )],
        )],
    );
    let decision = json!({
        "qualified": whole(&qualified),
        "referralId": whole(&call("coalesce", &[&Lead::base("id"), &trigger_body(lead::REFERRAL_ID)])),
        "reason": whole(&call("if", &[&qualified, "''", &reason])),
    });
    let refused = call(
        "concat",
        &[
            "'The referral was '",
            &shown_status(&base),
            "' at the last sync: it cannot be '",
            &Lead::verb(),
            "'. Nothing was sent or written.'",
        ],
    );
    let first = "Accept_or_decline";
    let stale = call("equals", &[&path(&outputs(first), &["statusCode"]), "412"]);
    let actions = Steps::new()
        .then(Lead::BASE, base_compose(&trigger_body(lead::SYNC_STATE)))
        .then(Lead::DECISION, Action::Compose(decision))
        .then(
            Lead::OPERATIONS,
            Action::Compose(json!(whole(&operations(&Lead::qualified(), &Lead::decision("reason"))))),
        )
        .then(
            "Initialize_the_If_Match",
            Action::InitializeVariable {
                name: Lead::E_TAG.to_owned(),
                kind: VarKind::String,
                value: json!(whole(&call("coalesce", &[&Lead::base("eTag"), "''"]))),
            },
        )
        .then(
            "Initialize_the_answer",
            Action::InitializeVariable { name: Lead::ANSWERED.to_owned(), kind: VarKind::Object, value: json!({}) },
        )
        .then(
            "Decided_from_the_last_sync",
            Action::If {
                expression: cond::is_true(&call(
                    "not",
                    &[&decides(&Lead::qualified(), &Lead::base("status"), &Lead::base("substatus"))],
                )),
                then: Steps::new().then("No_decision", stop(TerminateStatus::Cancelled, "no-decision", &refused)),
                otherwise: Steps::new(),
            },
        )
        // The core refuses a PATCH without If-Match (`SyncError::NoETag`); with the referral read
        // first, it decides from Partner Center's status and eTag, as after a 412.
        .then(
            "Without_an_eTag_read_the_referral_first",
            Action::If {
                expression: cond::is_true(&call("empty", &[&variable(Lead::E_TAG)])),
                then: read_again("first"),
                otherwise: Steps::new(),
            },
        )
        .then(first, patch())
        .after("Answered", answered(first), &[(first, &[Status::Succeeded])])
        .after(
            "Not_answered",
            Action::If {
                expression: cond::is_true(&stale),
                then: after_the_conflict(),
                otherwise: Steps::new().then("Failed", failed_call(first, "to the decision")),
            },
            &[(first, NOT_SUCCEEDED)],
        )
        // After either answer (the run's one end, so a handled 412 does not fail the run).
        .after(
            "Carry_the_referral_on",
            carry_on(),
            &[
                ("Answered", &[Status::Succeeded, Status::Skipped]),
                ("Not_answered", &[Status::Succeeded, Status::Skipped]),
            ],
        );
    // The sync's own close of a lead (Partner Center accepted, declined or closed the referral)
    // leaves a base that already holds the outcome: no decision anyone made, so no run.
    let base_now = call(
        "if",
        &[
            &call("empty", &[&trigger_body(lead::SYNC_STATE)]),
            "json('{}')",
            &call("json", &[&trigger_body(lead::SYNC_STATE)]),
        ],
    );
    let echo = call(
        "or",
        &[
            &call(
                "and",
                &[
                    &qualified,
                    &call("equals", &[&path(&base_now, &["status"]), &lit(ReferralStatus::Active.as_str())]),
                    &call("equals", &[&path(&base_now, &["substatus"]), &lit(ReferralSubstatus::Accepted.as_str())]),
                ],
            ),
            &call(
                "and",
                &[
                    &disqualified,
                    &call("equals", &[&path(&base_now, &["status"]), &lit(ReferralStatus::Closed.as_str())]),
                ],
            ),
        ],
    );
    let trigger = Trigger::Dataverse {
        message: DataverseMessage::Modified,
        entity: lead::TABLE,
        // The trigger has no select columns: its row carries every column the flow reads
        // (state, status reason and its label, referral ID, sync state, qualifying opportunity).
        filtering: vec!["statecode".to_owned()],
        conditions: vec![whole(&call(
            "and",
            &[
                &call("not", &[&call("empty", &[&trigger_body(lead::REFERRAL_ID)])]),
                &call("or", &[&qualified, &disqualified]),
                &call("not", &[&echo]),
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
    f.environment_variables = vec![vars::REFERRAL_LINK_TEMPLATE.to_owned()];
    f
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
    // A Dataverse-started flow's runs queue (two quick saves never both create); the outbound
    // helper itself is not limited, since it calls itself once after a 412.
    let serialized = matches!(trigger, Trigger::Dataverse { .. });
    let definition = Definition { trigger, actions }.to_value();
    Flow {
        name: name.to_owned(),
        description: description.to_owned(),
        definition: if serialized { crate::wdl::one_run_at_a_time(definition) } else { definition },
        connections: connections_of(&[Connection::Dataverse]),
        environment_variables: Vec::new(),
    }
}
